"""`--format github`: one workflow-command annotation per finding, as GitHub Actions shows them
on the pull request; most severe first, at most 10 per kind; and text from scanned files can
never start a command of its own (nor a raw control character reach a terminal)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree
from reporters_kit import (
    GITHUB_COMMAND,
    H1,
    HINT,
    clear_ci_env,
    github_text,
    lines_of,
    make_finding,
    make_result,
    parse_azure,
    parse_github,
    render,
    scan_path,
)

from hygiene import rules
from hygiene.model import ScanError, Severity
from hygiene.reporters import ReportContext
from hygiene.reporters.base import by_severity

REQS = "click==8.1.7\nrequests\nflask>=2.0\ndjango \\\n    >=4.2\n"


def _expected_reqs(prefix: str = "") -> list[str]:
    f = f"{prefix}requirements.txt"
    return [
        f"::error file={f},line=2,title=HY101 unpinned-requirement::`requests` has no version constraint: pip installs "
        "whatever version is newest%0AFix: Pin an exact version with `==` and add its `--hash` (e.g. with "
        "`pip-compile --generate-hashes`).%0A(CLI-1 L1; `hygiene explain HY101`)",
        f"::error file={f},line=3,title=HY102 loose-version::`flask>=2.0` admits more than one version%0AFix: Pin the "
        "exact version with `==` (no wildcard) and add its `--hash`.%0A(CLI-1 L1; `hygiene explain HY102`)",
        f"::error file={f},line=4,endLine=5,title=HY102 loose-version::`django>=4.2` admits more than one version%0AFix: "
        "Pin the exact version with `==` (no wildcard) and add its `--hash`.%0A(CLI-1 L1; `hygiene explain HY102`)",
        f"::warning file={f},line=1,title=HY103 missing-hash::`click==8.1.7` is pinned but has no --hash, so pip does "
        "not verify what it downloads%0AFix: Add `--hash=sha256:…` for every artifact of that version "
        "(`pip-compile --generate-hashes` or `hygiene fix`).%0A(CLI-1 L1; `hygiene explain HY103`)",
    ]


def github(*argv: str) -> list[str]:
    run = run_cli("scan", *argv, "--format", "github", "--fail-on", "never")
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    return lines_of(run.stdout)


def test_annotations_are_exact_and_most_severe_first(tmp_path, monkeypatch):
    """Errors before warnings whatever their line; `endLine` only for a finding that spans
    lines (the continued `django` requirement); title `HYxxx name`; message, fix and principle
    on three lines (`%0A`)."""
    write_tree(tmp_path, {"requirements.txt": REQS})
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path))
    assert github(str(tmp_path)) == _expected_reqs()


def test_lockfile_entry_spans_lines(tmp_path):
    lock = (
        'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "redis"\nversion = "5.0.8"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
        'sdist = { url = "https://files.pythonhosted.org/packages/ab/cd/redis-5.0.8.tar.gz" }\n'
    )
    write_tree(tmp_path, {"uv.lock": lock})
    assert lines_of(render("github", scan_path(tmp_path))) == [
        "::error file=uv.lock,line=4,endLine=8,title=HY115 lockfile-integrity::redis 5.0.8 is locked without an "
        "artifact hash (uv.lock entry)%0AFix: Regenerate the lockfile with a tool version that records sha256 (or "
        "stronger) hashes.%0A(CLI-1 L1; `hygiene explain HY115`)"
    ]


def test_clean_scan_writes_nothing(tmp_path, monkeypatch):
    write_tree(tmp_path, {"requirements.txt": f"requests==2.32.3 --hash=sha256:{H1}\n"})
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path))
    run = run_cli("scan", str(tmp_path), "--format", "github")
    assert (run.code, run.stdout, run.stderr) == (0, "", "")


# --- Paths relative to the repository ---------------------------------------------------------


def test_path_prefix_below_a_git_checkout(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write_tree(repo, {"services/api/requirements.txt": REQS})
    clear_ci_env(monkeypatch)
    assert github(str(repo / "services" / "api")) == _expected_reqs("services/api/")


def test_path_prefix_below_github_workspace(tmp_path, monkeypatch):
    """GITHUB_WORKSPACE wins over a nearer `.git` (a submodule or nested checkout)."""
    ws = tmp_path / "ws"
    (ws / "vendor" / ".git").mkdir(parents=True)
    write_tree(ws, {"vendor/lib/requirements.txt": REQS})
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(ws))
    assert github(str(ws / "vendor" / "lib")) == _expected_reqs("vendor/lib/")


def test_a_single_file_is_reported_relative_to_the_repository(tmp_path, monkeypatch):
    write_tree(tmp_path, {"deploy/requirements.txt": REQS})
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path))
    assert github(str(tmp_path / "deploy" / "requirements.txt")) == _expected_reqs("deploy/")


# --- Files that could not be read -------------------------------------------------------------


def test_unreadable_files_are_error_annotations_first(tmp_path):
    write_tree(tmp_path, {"requirements.txt": b"caf\xe9==1.0\n", "b/requirements.txt": "ok==1.0\nfoo bar\n"})
    assert lines_of(render("github", scan_path(tmp_path))) == [
        "::error file=b/requirements.txt,line=2,title=hygiene%3A file not checked::not checked: pip cannot parse this "
        "line: Invalid requirement: : Expected semicolon (after name with no version specifier) or end",
        "::error file=requirements.txt,title=hygiene%3A file not checked::not checked: not valid UTF-8 (byte 3)",
        "::warning file=b/requirements.txt,line=1,title=HY103 missing-hash::`ok==1.0` is pinned but has no --hash, so "
        "pip does not verify what it downloads%0AFix: Add `--hash=sha256:…` for every artifact of that version "
        "(`pip-compile --generate-hashes` or `hygiene fix`).%0A(CLI-1 L1; `hygiene explain HY103`)",
    ]


# --- only-changed: `annotate` ---------------------------------------------------------------


def _two_files(tmp_path: Path):
    write_tree(
        tmp_path,
        {
            "a/requirements.txt": "".join(f"pkg{i}\n" for i in range(15)),  # 15 errors
            "b/requirements.txt": "requests\nclick==8.1.7\n",
            "c/requirements.txt": b"\xff\n",
        },
    )
    return scan_path(tmp_path)


def test_annotate_limits_annotations_to_the_given_files(tmp_path):
    """The cap counts annotated findings only: 15 errors elsewhere do not crowd out b's."""
    result = _two_files(tmp_path)
    ctx = ReportContext(annotate=frozenset({"b/requirements.txt"}))
    assert [parse_github(line)[:2] for line in lines_of(render("github", result, ctx))] == [
        ("error", {"file": "b/requirements.txt", "line": "1", "title": "HY101 unpinned-requirement"}),
        ("warning", {"file": "b/requirements.txt", "line": "2", "title": "HY103 missing-hash"}),
    ]


def test_annotate_matches_repository_paths_and_covers_unreadable_files(tmp_path):
    result = _two_files(tmp_path)
    ctx = ReportContext(path_prefix="sub/", annotate=frozenset({"sub/c/requirements.txt", "c/requirements.txt"}))
    assert lines_of(render("github", result, ctx)) == [
        "::error file=sub/c/requirements.txt,title=hygiene%3A file not checked::not checked: not valid UTF-8 (byte 0)"
    ]
    assert render("github", result, ReportContext(annotate=frozenset())) == ""


# --- GitHub's limit: 10 annotations per kind and step ---------------------------------------

MORE = (
    "::notice title=hygiene%3A more findings::{n} more finding(s) are not shown as annotations (GitHub shows 10 per "
    "kind and step): see the job summary, or the SARIF and JSON reports."
)
RULE_OF = {"error": "HY101", "warning": "HY103", "notice": "HY114"}
TITLE = {"HY101": "HY101 unpinned-requirement", "HY103": "HY103 missing-hash", "HY114": "HY114 unpinned-os-package"}


def _synthetic(kinds: list[str]):
    """One finding per entry of `kinds`, on line 1, 2, … of one file, in that order."""
    return make_result(
        make_finding(RULE_OF[k], "requirements.txt", i, message=f"finding {i}") for i, k in enumerate(kinds, start=1)
    )


def _annotation(kind: str, line: int) -> str:
    rule = RULE_OF[kind]
    return (
        f"::{kind} file=requirements.txt,line={line},title={TITLE[rule]}::finding {line}%0AFix: {HINT[rule]}"
        f"%0A(CLI-1 L1; `hygiene explain {rule}`)"
    )


def test_cap_of_ten_per_kind_with_closing_notice():
    """12 errors, 3 warnings and 11 notes, interleaved: exactly 10 errors, 3 warnings and 9
    notes (room for the closing notice), most severe first, each kind in report order; then
    one notice counting the 4 held back."""
    kinds = ["notice", "error", "error", "warning"] + ["error", "notice"] * 10 + ["warning", "warning"]
    assert (kinds.count("error"), kinds.count("warning"), kinds.count("notice")) == (12, 3, 11)
    lines_of_kind = {k: [i for i, x in enumerate(kinds, start=1) if x == k] for k in RULE_OF}
    expected = (
        [_annotation("error", n) for n in lines_of_kind["error"][:10]]
        + [_annotation("warning", n) for n in lines_of_kind["warning"]]
        + [_annotation("notice", n) for n in lines_of_kind["notice"][:9]]
        + [MORE.format(n=4)]
    )
    assert lines_of(render("github", _synthetic(kinds))) == expected


@pytest.mark.parametrize(
    ("errors", "warnings", "notes", "shown", "held_back"),
    [
        (10, 10, 10, (10, 10, 10), 0),
        (11, 0, 0, (10, 0, 0), 1),
        (0, 0, 11, (0, 0, 9), 2),
        (11, 0, 10, (10, 0, 9), 2),
        (0, 25, 0, (0, 10, 0), 15),
        (30, 30, 30, (10, 10, 9), 61),
    ],
)
def test_cap_counts(errors, warnings, notes, shown, held_back):
    kinds = ["error"] * errors + ["warning"] * warnings + ["notice"] * notes
    out = lines_of(render("github", _synthetic(kinds)))
    parsed = [parse_github(line) for line in out]
    got = tuple(sum(1 for k, p, _ in parsed if k == kind and "file" in p) for kind in ("error", "warning", "notice"))
    assert got == shown
    closing = [line for line in out if "file=" not in line]
    assert closing == ([MORE.format(n=held_back)] if held_back else [])
    if closing:
        assert out[-1] == closing[0]
    for kind in RULE_OF:
        assert sum(1 for k, _, _ in parsed if k == kind) <= 10


def test_unreadable_files_count_against_the_error_cap():
    errors = [ScanError(f"f{i}/requirements.txt", "not valid UTF-8 (byte 0)") for i in range(11)]
    out = lines_of(render("github", make_result([make_finding("HY101", line=1)], errors)))
    assert len(out) == 11
    assert all(line.startswith("::error file=f") for line in out[:10])
    assert out[10] == MORE.format(n=2)


# --- Injection: text from scanned files cannot start a command ------------------------------

INJECT = "%0A::error::pwned"
HOSTILE_NAME = "evil\n::error::pwned\r::warning::cr" + INJECT + " ##vso[task.setvariable variable=x]1"
HOSTILE_URL = "https://evil.example/\n::error::url-pwned\r##vso[task.complete result=Failed;]/x-1.0.tar.gz"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A tree whose package names, comments, index URLs, lockfile URLs and folder names carry
    workflow commands, `%`-escapes and raw CR/LF. HY103 and HY116 are notes here, so that
    hostile text also reaches notices (GitHub) and plain note lines (Azure)."""
    root = tmp_path_factory.mktemp("hostile")
    files = {
        ".hygiene.toml": 'severity = { HY103 = "note", HY116 = "note" }\n',
        "requirements.txt": (
            f"foo{INJECT}==1.0\n"
            f"--index-url http://x.example/{INJECT}\n"
            f"--extra-index-url https://y.example/{INJECT}\n"
            f"bar==1.0 # comment {INJECT}\r::error::raw-cr\n"
        ),
        "uv.lock": (
            'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\n'
            f"name = {_toml_string(HOSTILE_NAME)}\nversion = \"1.0\"\n"
            'source = { registry = "https://pypi.org/simple" }\n'
            f"sdist = {{ url = {_toml_string(HOSTILE_URL)} }}\n"
        ),
        "a,b:c%0A/requirements.txt": "qux\n",
        "##vso[task.complete result=Failed;]/requirements.txt": "click==1.0\n",
    }
    write_tree(root, files)
    try:
        write_tree(root, {"evil\n::error::pwned/requirements.txt": "qux\n"})
    except OSError:
        pass  # a filesystem that refuses newlines in names: the rest still covers it
    result = scan_path(root)
    # The tree must really carry the hostile text into findings (or the test proves nothing).
    messages = [f.message for f in result.findings]
    assert any("\n::error::pwned\r" in m for m in messages)
    assert any("\n::error::url-pwned\r##vso[" in m for m in messages)
    assert any(INJECT in m for m in messages)
    assert {s.value for s in (f.severity for f in result.findings)} == {"error", "warning", "note"}
    return root, result


def _cli(root: Path, fmt: str, monkeypatch) -> str:
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(root))
    run = run_cli("scan", str(root), "--format", fmt, "--fail-on", "never")
    assert run.code == 0 and "Traceback" not in run.stderr, run.stderr
    return run.stdout


def test_injection_github(hostile, monkeypatch):
    root, result = hostile
    out = _cli(root, "github", monkeypatch)
    assert "\r" not in out
    lines = lines_of(out)
    assert len(lines) == len(result.findings) + len(result.errors)
    for line in lines:
        assert GITHUB_COMMAND.fullmatch(line), line
        assert len(re.findall(r"^::(error|warning|notice) [^:]*::", line)) == 1
    # Decoded as the runner decodes them, the annotations say exactly what was found.
    expected = [
        ("error", {"file": e.path, **({"line": str(e.line)} if e.line else {}), "title": "hygiene: file not checked"},
         f"not checked: {e.reason}")
        for e in result.errors
    ] + [
        (
            {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}[f.severity],
            {"file": f.location.path, "line": str(f.location.line),
             **({"endLine": str(f.location.end_line)} if f.location.end_line != f.location.line else {}),
             "title": f"{f.rule} {rules.get(f.rule).name}"},
            github_text(f),
        )
        for f in by_severity(result.findings)
    ]
    assert [parse_github(line) for line in lines] == expected
    assert any("\n::error::pwned\r" in parse_github(line)[2] for line in lines)


def test_injection_azure(hostile, monkeypatch):
    root, result = hostile
    out = _cli(root, "azure", monkeypatch)
    assert "\r" not in out
    lines = lines_of(out)
    assert len(lines) == len(result.findings) + len(result.errors)
    notes = 0
    paths = {f.location.path for f in result.findings} | {e.path for e in result.errors}
    decoded = []
    for line in lines:
        if line.startswith("##vso[task.logissue "):
            props, message = parse_azure(line)
            assert props["type"] in {"error", "warning"} and props["sourcepath"] in paths
            decoded.append(message)
        else:
            notes += 1
            assert "##vso[" not in line, line
            assert ": note: " in line, line
    assert notes == sum(1 for f in result.findings if f.severity is Severity.NOTE) == 3
    # The hostile text is carried, encoded, inside the message (decoded by the agent, not run).
    assert any("\n::error::pwned\r" in m for m in decoded)
    assert any(INJECT in m for m in decoded)


def test_injection_text_has_no_raw_control_characters(hostile, monkeypatch):
    root, _ = hostile
    out = _cli(root, "text", monkeypatch)
    assert re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]", out) is None
    assert "evil\\n::error::pwned\\r::warning::cr%0A::error::pwned" in out


# The text format is also what the action writes to the log with `format: text`, and what
# `hygiene scan` prints in any CI job: a line of it must not be a workflow command either.


def test_text_lines_never_start_a_github_command(tmp_path, monkeypatch):
    write_tree(
        tmp_path,
        {
            "::error title=x::pwned/requirements.txt": "foo\n",
            "::warning::bad/requirements.txt": b"\xff\n",
        },
    )
    out = _cli(tmp_path, "text", monkeypatch)
    for line in lines_of(out):
        assert not line.lstrip().startswith("::"), line


def test_text_lines_never_carry_an_azure_command(hostile, monkeypatch):
    root, _ = hostile
    out = _cli(root, "text", monkeypatch)
    for line in lines_of(out):
        assert "##vso[" not in line, line
