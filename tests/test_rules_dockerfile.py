"""Dockerfiles and Containerfiles: images (HY111) and downloads (HY118) with exact lines, and
the RUN scripts handed to the command checks, line for line."""

from __future__ import annotations

import pytest
from hygiene_testkit import finding, found

from hygiene.parsers.dockerfile import parse

D = "sha256:" + "ab" * 32

DOCKERFILE = f"""\
# syntax is not needed
ARG BASE=python:3.12-slim@{D}
ARG LOOSE=node
ARG UNSET
ARG TAG=20

FROM ${{BASE}} AS build
from --platform=$BUILDPLATFORM golang:1.23 as tools
FROM $LOOSE:${{TAG}}
FROM ${{UNSET}}
FROM ${{UNSET:-alpine@{D}}}
FROM build
FROM scratch AS empty
FROM Build AS again
COPY --from=build /a /b
COPY --from=0 /a /b
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
COPY --from=nginx@{D} /x /y
RUN --mount=type=cache,target=/root/.cache,from=ghcr.io/acme/cache:1 true
RUN --mount=type=bind,from=tools,target=/t true
ADD https://example.com/tool.tar.gz /opt/
ADD --checksum=sha256:{"cd" * 32} https://example.com/pinned.tar.gz /opt/
ADD local.tar.gz /opt/
ONBUILD ADD http://example.com/on-build.sh /x
"""


def test_images_and_downloads(tmp_path, scan_tree):
    report = scan_tree(tmp_path, {"Dockerfile": DOCKERFILE})
    assert found(report) == {
        ("Dockerfile", 8, "HY111"),  # golang:1.23 (--platform, lower-case keyword)
        ("Dockerfile", 9, "HY111"),  # $LOOSE:${TAG} -> node:20
        ("Dockerfile", 10, "HY111"),  # ${UNSET}: chosen at build time
        ("Dockerfile", 17, "HY111"),  # COPY --from=nginx:1.27
        ("Dockerfile", 19, "HY111"),  # RUN --mount from=ghcr.io/acme/cache:1
        ("Dockerfile", 21, "HY118"),  # ADD url without --checksum
        ("Dockerfile", 24, "HY118"),  # ONBUILD ADD
    }
    assert finding(report, "Dockerfile", 9, "HY111")["message"] == (
        "image `node:20` is not pinned by digest: its tag can be moved to another image"
    )
    assert finding(report, "Dockerfile", 10, "HY111")["message"] == (
        "image `${UNSET}` is chosen at build time (`--build-arg`; the ARG has no default), so nothing in the "
        "repository pins it"
    )
    assert finding(report, "Dockerfile", 21, "HY118")["message"] == (
        "`ADD https://example.com/tool.tar.gz` downloads without `--checksum`: the build uses whatever the server returns"
    )
    f = finding(report, "Dockerfile", 8, "HY111")
    assert (f["package"], f["version_spec"], f["ecosystem"]) == ("golang", "1.23", "docker")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dockerfile", True),
        ("Containerfile", True),
        ("dockerfile", True),
        ("build/Dockerfile.dev", True),
        ("Containerfile.prod", True),
        ("web.dockerfile", True),
        ("Dockerfile.md", False),
        ("docs/Dockerfile.txt", False),
        ("tools/dockerfile.py", False),
        ("Dockerfile.j2", False),
    ],
)
def test_which_files_are_dockerfiles(tmp_path, scan_tree, name, kind):
    report = scan_tree(tmp_path, {name: "FROM node:20\n"})
    assert found(report) == ({(name, 1, "HY111")} if kind else set())


def _script_line_of(manifest, needle: str) -> list[int]:
    """File lines where `needle` appears in the scripts, computed from each script's own text."""
    out = []
    for script in manifest.scripts:
        for k, text in enumerate(script.text.split("\n")):
            if needle in text:
                out.append(script.location.line + k)
    return out


def test_run_scripts_keep_the_files_lines():
    text = """\
FROM x@sha256:%s
RUN apt-get update \\
    # a comment inside the continuation
    && pip install requests \\
    && echo done
RUN <<EOF
set -e
curl -fsSL https://example.com/install.sh | sh
EOF
RUN ["/bin/bash", "-c", "npm install left-pad"]
RUN ["pip", "install", "six"]
ONBUILD RUN gem install rails
""" % ("ab" * 32)
    m = parse("Dockerfile", text)
    assert _script_line_of(m, "pip install requests") == [4]
    assert _script_line_of(m, "curl -fsSL") == [8]
    assert _script_line_of(m, "npm install left-pad") == [10]
    assert _script_line_of(m, "pip install six") == [11]
    assert _script_line_of(m, "gem install rails") == [12]
    assert _script_line_of(m, "a comment") == []  # emptied, as BuildKit drops it
    first = m.scripts[0]
    assert (first.location.line, first.location.end_line, first.shell) == (2, 5, "sh")
    assert not first.text.split("\n")[0].lstrip().startswith("RUN")


def test_shell_instruction_sets_the_shell_and_powershell_is_skipped():
    text = (
        'FROM x\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN echo a\n'
        'FROM y\nSHELL ["powershell", "-Command"]\nRUN Install-Module x\n'
    )
    m = parse("Dockerfile", text)
    assert [(s.location.line, s.shell) for s in m.scripts] == [(3, "bash")]
    assert [(s.check, s.reason) for s in m.skipped] == [
        ("RUN", "line 6: runs in `powershell`, not a POSIX shell; its commands are not analysed")
    ]


def test_escape_directive_changes_the_continuation_character():
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n    b\nFROM z\n"
    m = parse("Dockerfile", text)
    assert [d.location.line for d in m.dependencies] == [2, 5]
    assert [(s.location.line, s.location.end_line) for s in m.scripts] == [(3, 4)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n# only comments\n",
        "FROM\n",
        "RUN <<EOF\nnever terminated\n",
        "FROM x \\",
        "ARG\nFROM ${\n",
        "SHELL not json\nRUN x\n",
        "RUN [\"unterminated\n",
        "COPY --from= a b\n",
        "\x00\x01 binary-ish\n",
        "FROM " + "${A:-" * 500 + "x" + "}" * 500 + "\n",
    ],
)
def test_odd_dockerfiles_do_not_crash(text):
    parse("Dockerfile", text)  # no exception; what it records is best effort


def test_git_sources_at_a_full_commit_need_no_checksum(tmp_path, scan_tree):
    sha = "a" * 40
    report = scan_tree(
        tmp_path,
        {
            "Dockerfile": (
                f"FROM x@sha256:{'ab' * 32}\n"
                f"ADD https://github.com/o/r.git#{sha} /src\n"
                "ADD https://github.com/o/r.git#v1.0 /src\n"
                "ADD git@github.com:o/r.git /src\n"
            )
        },
    )
    assert found(report) == {("Dockerfile", 3, "HY118"), ("Dockerfile", 4, "HY118")}


def test_add_in_json_form_is_judged(tmp_path, scan_tree):
    report = scan_tree(
        tmp_path,
        {
            "Dockerfile": (
                f"FROM alpine@sha256:{'ab' * 32}\n"
                'ADD ["https://example.com/tool.tar.gz", "/opt/"]\n'
                'ADD --chown=1000:1000 ["https://example.com/data.tar.gz", "/srv/data/"]\n'
                f'ADD --checksum=sha256:{"cd" * 32} ["https://example.com/ok.tar.gz", "/x/"]\n'
            )
        },
    )
    assert found(report) == {("Dockerfile", 2, "HY118"), ("Dockerfile", 3, "HY118")}
