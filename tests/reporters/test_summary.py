"""`--format summary` / `--summary FILE`: the Markdown job summary. Exact documents for small
repositories (with and without links to the lines), Markdown escaping of hostile text, and
GitHub's 1 MiB limit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hygiene_testkit import run_cli, write_tree
from reporters_kit import (
    SHA,
    clear_ci_env,
    make_finding,
    make_result,
    render,
    scan_path,
)

from hygiene import __version__, pipeline
from hygiene.config import Config
from hygiene.escape import markdown as md
from hygiene.model import ScanError, Severity, Skipped
from hygiene.reporters import ReportContext
from hygiene.reporters.summary import render as render_summary

BLOB = f"https://github.com/acme/app/blob/{SHA}/"
LINKS = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/app", "GITHUB_SHA": SHA}

ROW = {
    "CLI-1": "| CLI-1: Dependencies are installed pinned by version and hash | L1 |",
    "CLI-2": "| CLI-2: Known vulnerabilities in dependencies are reported | L2 |",
    "CLI-3": "| CLI-3: An SBOM is produced and vulnerabilities are remediated | L3 |",
    "AUTHZ-3": "| AUTHZ-3: Packages carry build provenance, and it is verified | L3 |",
    "GEN-1": "| GEN-1: Typosquatting is guarded against | L1 |",
}
NOT_ASSESSED = " not assessed | – | no checks in this release |"
ON_REQUEST = " not assessed | – | run with `--verify-provenance` |"
TABLE_HEAD = "### Principles\n\n| Principle | Level | Status | Blocking | What blocks it |\n|---|---|---|---|---|\n"
# What this release does not check: the pipeline's list, escaped as the summary escapes it.
NOT_CHECKED_RELEASE = "".join(f"- {md(s.check)}: {md(s.reason)}\n" for s in pipeline.NOT_YET)
SUMMARY = {
    "HY101": "A concrete requirement has no version constraint at all. Fix: Pin an exact version with `==` and add its "
    "`--hash` (e.g. with `pip-compile --generate-hashes`).",
    "HY102": "A concrete requirement's constraint admits more than one version. Fix: Pin the exact version with `==` (no "
    "wildcard) and add its `--hash`.",
    "HY103": "A requirement is pinned to an exact version but carries no `--hash`. Fix: Add `--hash=sha256:…` for every "
    "artifact of that version (`pip-compile --generate-hashes` or `hygiene fix`).",
}
TREE = {
    "app/requirements.txt": "-r https://x.example/base.txt\nclick==8.1.7\nrequests\nflask>=2.0\nfoo bar\n",
    "app/constraints.txt": b"caf\xe9\n",
    "app/my dir/requirements.txt": "django\n",
}


def _principles(cli1: str, gen1: str = NOT_ASSESSED) -> str:
    return (
        TABLE_HEAD
        + f"{ROW['CLI-1']}{cli1}\n"
        + "".join(f"{ROW[p]}{NOT_ASSESSED}\n" for p in ("CLI-2", "CLI-3"))
        + f"{ROW['AUTHZ-3']}{ON_REQUEST}\n"
        + f"{ROW['GEN-1']}{gen1}\n\n"
    )


def _app(tmp_path, **env):
    write_tree(tmp_path, TREE)
    root = tmp_path / "app"
    return scan_path(root), ReportContext.for_scan(root, {"GITHUB_WORKSPACE": str(tmp_path), **env})


def _expected_app(link) -> str:
    """The summary of TREE scanned at app/; `link(where, path, line)` renders a location."""
    return (
        "## hygiene\n\n"
        "2 manifest file(s) scanned: 3 errors, 1 warning, 0 notes; 2 file(s) could not be read. "
        f"Level reached: **L0**. _hygiene {__version__}_\n\n"
        + _principles(
            " ❌ not reached | 4 | HY101 unpinned-requirement ×2, HY102 loose-version ×1, HY103 missing-hash ×1 |"
        )
        + "### Files that could not be read\n\n"
        f"- {link('`app/constraints.txt`', 'app/constraints.txt', 0)}: not valid UTF-8 (byte 3)\n"
        f"- {link('`app/requirements.txt` line 5', 'app/requirements.txt', 5)}: pip cannot parse this line: Invalid "
        "requirement: : Expected semicolon (after name with no version specifier) or end\n\n"
        "### Findings\n\n"
        f"#### HY101 unpinned-requirement — 2 (error, CLI-1 L1)\n\n{SUMMARY['HY101']}\n\n"
        "- `app/my dir/requirements.txt`\n"
        f"  - {link('line 1', 'app/my%20dir/requirements.txt', 1)}: \\`django\\` has no version constraint: pip "
        "installs whatever version is newest\n"
        "- `app/requirements.txt`\n"
        f"  - {link('line 3', 'app/requirements.txt', 3)}: \\`requests\\` has no version constraint: pip installs "
        "whatever version is newest\n"
        f"#### HY102 loose-version — 1 (error, CLI-1 L1)\n\n{SUMMARY['HY102']}\n\n"
        "- `app/requirements.txt`\n"
        f"  - {link('line 4', 'app/requirements.txt', 4)}: \\`flask&gt;=2.0\\` admits more than one version\n"
        f"#### HY103 missing-hash — 1 (warning, CLI-1 L1)\n\n{SUMMARY['HY103']}\n\n"
        "- `app/requirements.txt`\n"
        f"  - {link('line 2', 'app/requirements.txt', 2)}: \\`click==8.1.7\\` is pinned but has no --hash, so pip "
        "does not verify what it downloads\n\n"
        "### Not checked\n\n"
    )


def test_findings_link_to_the_lines_of_the_commit(tmp_path):
    result, ctx = _app(tmp_path, **LINKS)

    def link(where, path, line):
        return f"[{where}]({BLOB}{path}{f'#L{line}' if line else ''})"

    out = render("summary", result, ctx)
    head, sep, not_checked = out.partition("### Not checked\n\n")
    assert head + sep == _expected_app(link)
    assert not_checked.endswith(NOT_CHECKED_RELEASE + "\n")


def test_without_the_actions_variables_there_are_no_links(tmp_path):
    result, ctx = _app(tmp_path)
    assert ctx.blob_url is None
    out = render("summary", result, ctx)
    assert out.partition("### Not checked\n\n")[0] + "### Not checked\n\n" == _expected_app(lambda where, *_: where)


@pytest.mark.parametrize("missing", sorted(LINKS))
def test_links_need_all_three_variables(tmp_path, missing):
    env = {k: v for k, v in LINKS.items() if k != missing}
    assert ReportContext.for_scan(tmp_path, env).blob_url is None
    assert ReportContext.for_scan(tmp_path, LINKS).blob_url == BLOB


def test_not_checked_section(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "-r https://x.example/base.txt\n"})
    out = render("summary", scan_path(tmp_path), ReportContext())
    assert out.endswith(
        "### Not checked\n\n"
        "- requirements include (`requirements.txt`): \\`-r https://x.example/base.txt\\` is remote; not fetched\n"
        + NOT_CHECKED_RELEASE
        + "\n"
    )
    assert "### Findings" not in out and "### Files that could not be read" not in out


def test_not_checked_paths_are_repository_relative(tmp_path):
    result, ctx = _app(tmp_path)
    assert ctx.path_prefix == "app/"
    out = render("summary", result, ctx)
    assert "- requirements include (`app/requirements.txt`): \\`-r https://x.example/base.txt\\` is remote" in out


# --- The principle table --------------------------------------------------------------------


def test_clean_repository(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "requests==2.32.3 --hash=sha256:" + "a" * 64 + "\n"})
    out = render("summary", scan_path(tmp_path))
    assert out == (
        "## hygiene\n\n"
        f"1 manifest file(s) scanned: 0 errors, 0 warnings, 0 notes. Level reached: **L0**. _hygiene {__version__}_\n\n"
        + _principles(" ✅ reached | 0 | – |")
        + "### Not checked\n\n"
        + NOT_CHECKED_RELEASE
        + "\n"
    )


def test_disabled_rules_and_suppressions_are_stated():
    config = Config(ignore=("HY106", "HY501"))
    result = make_result([make_finding("HY103", line=2)], config=config)
    result = replace(result, suppressed=3)
    out = render("summary", result)
    assert out.startswith(
        "## hygiene\n\n"
        f"1 manifest file(s) scanned: 0 errors, 1 warning, 0 notes, 3 suppressed. Level reached: **L0**. "
        f"_hygiene {__version__}_\n\n"
        + _principles(
            " ❌ not reached | 1 | HY103 missing-hash ×1 (disabled: HY106) |",
            " not assessed | – | no checks in this release (disabled: HY501) |",
        )
    )


def test_notes_do_not_block_a_principle():
    result = make_result([make_finding("HY103", line=2, severity=Severity.NOTE)])
    out = render("summary", result)
    assert f"{ROW['CLI-1']} ✅ reached | 0 | – |\n" in out
    assert "#### HY103 missing-hash — 1 (note, CLI-1 L1)\n" in out


# --- Hostile text ---------------------------------------------------------------------------


def test_hostile_package_name_from_a_lockfile_is_inert(tmp_path):
    name = "a*b|c<script>alert(1)</script>_[x](https://evil.example)"
    lock = (
        'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\n'
        f'name = "{name}"\nversion = "1.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
        'sdist = { url = "https://files.pythonhosted.org/packages/ab/cd/x-1.0.tar.gz" }\n'
    )
    write_tree(tmp_path, {"uv.lock": lock})
    out = render("summary", scan_path(tmp_path))
    block = out.partition("### Findings\n\n")[2].partition("\n### Not checked")[0]
    assert block == (
        "#### HY115 lockfile-integrity — 1 (error, CLI-1 L1)\n\n"
        "A lockfile entry has no artifact hash, or only a weak one (md5, sha1). Fix: Regenerate the lockfile with a "
        "tool version that records sha256 (or stronger) hashes.\n\n"
        "- `uv.lock`\n"
        "  - line 4: a\\*b\\|c&lt;script&gt;alert(1)&lt;/script&gt;\\_\\[x\\](https://evil.example) 1.0 is locked "
        "without an artifact hash (uv.lock entry)\n"
        "#### HY116 lockfile-source — 1 (warning, CLI-1 L1)\n\n"
        "A lockfile entry resolves from a host outside the allowed registries, or its URL does not match the package. "
        "Fix: Resolve from an allowed registry, or add the host to the allowed registries in the configuration.\n\n"
        "- `uv.lock`\n"
        "  - line 4: a\\*b\\|c&lt;script&gt;alert(1)&lt;/script&gt;\\_\\[x\\](https://evil.example) 1.0 points at "
        "x-1.0.tar.gz, a file of another distribution: https://files.pythonhosted.org/packages/ab/cd/x-1.0.tar.gz "
        "(uv.lock entry)\n"
    )
    assert "<script>" not in out


def test_hostile_paths_hints_and_reasons_are_inert():
    result = make_result(
        [
            make_finding(
                "HY101",
                "we`ird\ndir/requirements.txt",
                0,
                message="`x|y` <img src=x onerror=alert(1)>\n## injected heading",
                hint="Use **this** | that\r\n- item",
            )
        ],
        [ScanError("bad`|*.txt", "reason with | pipe\nand <b>html</b>", 2)],
        [Skipped("check *name*", "why <i>not</i>", "p`/requirements.txt")],
    )
    out = render("summary", result, ReportContext(blob_url=BLOB))
    assert (
        f"- [`bad'|*.txt` line 2]({BLOB}bad%60%7C%2A.txt#L2): reason with \\| pipe and &lt;b&gt;html&lt;/b&gt;\n"
    ) in out
    assert (
        "- `we'ird dir/requirements.txt`\n"
        f"  - [file]({BLOB}we%60ird%0Adir/requirements.txt): \\`x\\|y\\` &lt;img src=x onerror=alert(1)&gt; "
        "## injected heading Fix: Use \\*\\*this\\*\\* \\| that  - item\n"
    ) in out
    assert "- check \\*name\\* (`p'/requirements.txt`): why &lt;i&gt;not&lt;/i&gt;\n" in out
    for line in out.split("\n"):
        assert not line.startswith(("## injected", "- item")), line


# --- GitHub's 1 MiB limit -------------------------------------------------------------------


def _many(count: int, per_file: int, message: str = "`dep` has no version constraint"):
    return make_result(
        make_finding(
            ("HY101", "HY102", "HY103")[(i // per_file) % 3], f"pkg{i // per_file:05d}/requirements.txt",
            i % per_file + 1, message=message,
        )
        for i in range(count)
    )


def test_cut_to_a_small_limit():
    """Findings are cut (between any two), the short not-checked list keeps its room, the
    output stays under the limit, and the footer counts what was cut."""
    result = _many(300, 3)
    out = render_summary(result, ReportContext(), limit=4000)
    assert len(out.encode("utf-8")) <= 4000
    shown = [line for line in out.split("\n") if line.startswith("  - line ")]
    assert 0 < len(shown) < 300
    not_checked = out.split("### Not checked\n\n", 1)[1].split("\n\n", 1)[0].split("\n")
    assert len(not_checked) == len(result.skipped)
    assert out.endswith(
        f"> **Cut to stay under the summary size limit (4,000 bytes):** {300 - len(shown)} findings not shown. "
        "The SARIF and JSON reports list everything.\n"
    )


def test_nothing_is_cut_under_the_limit():
    out = render("summary", _many(300, 3))
    assert "Cut to stay under" not in out
    assert sum(1 for line in out.split("\n") if line.startswith("  - line ")) == 300


def test_twenty_thousand_findings_stay_under_one_mebibyte():
    result = _many(20_000, 50, message="`some-dependency-name>=1.0` admits more than one version " + "x" * 60)
    out = render("summary", result, ReportContext(blob_url=BLOB))
    assert len(out.encode("utf-8")) <= 1024 * 1024
    shown = sum(1 for line in out.split("\n") if line.startswith("  - [line "))
    assert 0 < shown < 20_000
    assert out.endswith(
        f"> **Cut to stay under the summary size limit (1,048,576 bytes):** {20_000 - shown} findings not shown. "
        "The SARIF and JSON reports list everything.\n"
    )


# --- The command line -----------------------------------------------------------------------


def test_cli_summary_file_is_appended(tmp_path, monkeypatch):
    write_tree(tmp_path, {"repo/requirements.txt": "requests\n"})
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path / "repo"))
    summary = tmp_path / "step-summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    for _ in range(2):
        run = run_cli("scan", str(tmp_path / "repo"), "--format", "json", "--summary", str(summary))
        assert run.code == 1 and run.stderr == "" and run.stdout.startswith("{\n")
    one = render("summary", scan_path(tmp_path / "repo"))
    assert one.startswith("## hygiene\n")
    assert summary.read_text("utf-8") == "# earlier step\n" + one + one


def test_cli_summary_format_to_stdout(tmp_path, monkeypatch):
    write_tree(tmp_path, {"requirements.txt": "requests\n"})
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path), **LINKS)
    run = run_cli("scan", str(tmp_path), "--format", "summary", "--fail-on", "never")
    assert run.code == 0
    assert f"  - [line 1]({BLOB}requirements.txt#L1): \\`requests\\` has no version constraint" in run.stdout


def test_cli_unwritable_summary_is_a_usage_error(tmp_path, monkeypatch):
    write_tree(tmp_path, {"requirements.txt": "requests\n"})
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path))
    run = run_cli("scan", str(tmp_path), "--summary", str(tmp_path / "no" / "such" / "dir" / "s.md"))
    assert run.code == 2
    assert run.stderr.startswith(f"hygiene: error: --summary {tmp_path / 'no' / 'such' / 'dir' / 's.md'}: ")
