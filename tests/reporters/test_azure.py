"""`--format azure`: Azure Pipelines `task.logissue` logging commands for errors and warnings,
plain log lines for notes (Azure has no notice level)."""

from __future__ import annotations

from hygiene_testkit import run_cli
from reporters_kit import HINT, clear_ci_env, lines_of, make_finding, make_result, parse_azure, render, small_repo

from hygiene.model import ScanError, Severity
from hygiene.reporters import ReportContext


def test_small_repository_exact_lines(tmp_path):
    """Unreadable files first, then errors, warnings, notes; `linenumber` only when known."""
    result, ctx = small_repo(tmp_path)
    assert lines_of(render("azure", result, ctx)) == [
        "##vso[task.logissue type=error;sourcepath=svc/constraints.txt;code=hygiene;]not checked: not valid UTF-8 (byte 3)",
        "##vso[task.logissue type=error;sourcepath=svc/requirements.txt;linenumber=3;code=HY101;]HY101 "
        "unpinned-requirement: `requests` has no version constraint: pip installs whatever version is newest. Fix: "
        + HINT["HY101"],
        "##vso[task.logissue type=error;sourcepath=svc/requirements.txt;linenumber=4;code=HY102;]HY102 loose-version: "
        "`flask>=2.0` admits more than one version. Fix: " + HINT["HY102"],
        "##vso[task.logissue type=warning;sourcepath=svc/requirements.txt;linenumber=1;code=HY106;]HY106 extra-index: "
        "extra index `https://pypi.internal.example.com/simple` is searched for every package besides the main index: "
        "a package name registered on either can win (dependency confusion). Fix: " + HINT["HY106"],
        "svc/requirements.txt:2: note: HY103 missing-hash: `click==8.1.7` is pinned but has no --hash, so pip does not "
        "verify what it downloads. Fix: Add `--hash=sha256:…` for every artifact of that version (`pip-compile "
        "--generate-hashes` or `hygiene fix`).",
    ]


def test_hint_literally():
    assert HINT["HY101"] == "Pin an exact version with `==` and add its `--hash` (e.g. with `pip-compile --generate-hashes`)."


def test_properties_and_message_are_escaped():
    f = make_finding(
        "HY105",
        "a;b]c%d\ne/requirements.txt",
        7,
        message="URL `https://x.example/%0A;]` has\r\n##vso[task.complete result=Failed;]no hash.",
    )
    (line,) = lines_of(render("azure", make_result([f])))
    assert line == (
        "##vso[task.logissue type=error;sourcepath=a%3Bb%5Dc%AZP25d%0Ae/requirements.txt;linenumber=7;code=HY105;]"
        "HY105 unpinned-source: URL `https://x.example/%AZP250A;]` has%0D%0A##vso[task.complete result=Failed;]no hash. "
        "Fix: " + HINT["HY105"]
    )
    props, message = parse_azure(line)
    assert props == {"type": "error", "sourcepath": "a;b]c%d\ne/requirements.txt", "linenumber": "7", "code": "HY105"}
    assert message.startswith("HY105 unpinned-source: URL `https://x.example/%0A;]` has\r\n##vso[")


def test_note_lines_cannot_carry_a_logging_command():
    f = make_finding(
        "HY114",
        "##vso[task.setvariable variable=p]x/requirements.txt",
        2,
        message="50% done\n##vso[task.complete result=Failed;]",
    )
    assert f.severity is Severity.NOTE
    assert lines_of(render("azure", make_result([f]))) == [
        "\\x23#vso[task.setvariable variable=p]x/requirements.txt:2: note: HY114 unpinned-os-package: 50% done\\n"
        "\\x23#vso[task.complete result=Failed;]. Fix: " + HINT["HY114"]
    ]


def test_paths_are_repository_relative_and_unreadable_lines_are_numbered():
    result = make_result(
        [make_finding("HY103", "requirements.txt", 2, message="`a==1` has no hash")],
        [ScanError("requirements.txt", "pip cannot parse this line", 5)],
    )
    assert lines_of(render("azure", result, ReportContext(path_prefix="app/"))) == [
        "##vso[task.logissue type=error;sourcepath=app/requirements.txt;linenumber=5;code=hygiene;]not checked: pip "
        "cannot parse this line",
        "##vso[task.logissue type=warning;sourcepath=app/requirements.txt;linenumber=2;code=HY103;]HY103 missing-hash: "
        "`a==1` has no hash. Fix: " + HINT["HY103"],
    ]


def test_cli(tmp_path, monkeypatch):
    (tmp_path / "requirements.txt").write_text("requests\n")
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path))
    run = run_cli("scan", str(tmp_path), "--format", "azure")
    assert (run.code, run.stderr) == (1, "")
    assert run.stdout == (
        "##vso[task.logissue type=error;sourcepath=requirements.txt;linenumber=1;code=HY101;]HY101 unpinned-requirement: "
        "`requests` has no version constraint: pip installs whatever version is newest. Fix: " + HINT["HY101"] + "\n"
    )


def test_empty():
    assert render("azure", make_result()) == ""
