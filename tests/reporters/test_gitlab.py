"""`--format gitlab`: the GitLab Code Quality report (a JSON array of issues)."""

from __future__ import annotations

import json
import re

import pytest
from hygiene_testkit import run_cli
from reporters_kit import HINT, clear_ci_env, make_finding, make_result, render, scan_path, small_repo

from hygiene.model import ScanError, Severity
from hygiene.reporters.sarif import document as sarif_document


def test_small_repository_exact_document(tmp_path):
    result, ctx = small_repo(tmp_path)
    doc = json.loads(render("gitlab", result, ctx))
    # Findings carry the SARIF fingerprints, in the same order.
    sarif = [r["partialFingerprints"]["hygiene/v1"] for r in sarif_document(result, ctx)["runs"][0]["results"]]
    assert len(sarif) == 4
    not_checked = doc[0]["fingerprint"]
    assert re.fullmatch(r"[0-9a-f]{64}", not_checked)
    assert doc == [
        {
            "description": "not checked: not valid UTF-8 (byte 3)",
            "check_name": "hygiene/not-checked",
            "fingerprint": not_checked,
            "severity": "blocker",
            "location": {"path": "svc/constraints.txt", "lines": {"begin": 1}},
        },
        {
            "description": "HY106 extra-index: extra index `https://pypi.internal.example.com/simple` is searched for "
            "every package besides the main index: a package name registered on either can win (dependency "
            "confusion). Fix: " + HINT["HY106"],
            "check_name": "HY106",
            "fingerprint": sarif[0],
            "severity": "major",
            "location": {"path": "svc/requirements.txt", "lines": {"begin": 1}},
        },
        {
            "description": "HY103 missing-hash: `click==8.1.7` is pinned but has no --hash, so pip does not verify what "
            "it downloads. Fix: Add `--hash=sha256:…` for every artifact of that version (`pip-compile "
            "--generate-hashes` or `hygiene fix`).",
            "check_name": "HY103",
            "fingerprint": sarif[1],
            "severity": "info",
            "location": {"path": "svc/requirements.txt", "lines": {"begin": 2}},
        },
        {
            "description": "HY101 unpinned-requirement: `requests` has no version constraint: pip installs whatever "
            "version is newest. Fix: " + HINT["HY101"],
            "check_name": "HY101",
            "fingerprint": sarif[2],
            "severity": "critical",
            "location": {"path": "svc/requirements.txt", "lines": {"begin": 3}},
        },
        {
            "description": "HY102 loose-version: `flask>=2.0` admits more than one version. Fix: " + HINT["HY102"],
            "check_name": "HY102",
            "fingerprint": sarif[3],
            "severity": "critical",
            "location": {"path": "svc/requirements.txt", "lines": {"begin": 4}},
        },
    ]
    assert len({i["fingerprint"] for i in doc}) == len(doc)


@pytest.mark.parametrize(
    ("severity", "gitlab"), [(Severity.ERROR, "critical"), (Severity.WARNING, "major"), (Severity.NOTE, "info")]
)
def test_severity_mapping(severity, gitlab):
    doc = json.loads(render("gitlab", make_result([make_finding("HY101", severity=severity)])))
    assert [i["severity"] for i in doc] == [gitlab]


def test_file_level_finding_points_at_line_one_and_text_is_kept_verbatim():
    """GitLab needs a line; a hint other than the rule's is the one shown; a description
    ending in a period is not doubled; hostile text is JSON-escaped, not altered."""
    f = make_finding("HY108", "pyproject.toml", 0, message="pyproject.toml <b>*x*</b>\n::error::y.", hint="Run `uv lock`.")
    out = render("gitlab", make_result([f]))
    assert out.endswith("]\n")
    doc = json.loads(out)
    assert [(i["description"], i["location"]) for i in doc] == [
        (
            "HY108 missing-lockfile: pyproject.toml <b>*x*</b>\n::error::y. Fix: Run `uv lock`.",
            {"path": "pyproject.toml", "lines": {"begin": 1}},
        )
    ]


def test_empty_report_is_an_empty_array():
    assert render("gitlab", make_result()) == "[]\n"


def test_cli_writes_the_report(tmp_path, monkeypatch):
    (tmp_path / "requirements.txt").write_text("requests\n")
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path))
    run = run_cli("scan", str(tmp_path), "--format", "gitlab", "--fail-on", "never")
    assert run.code == 0 and run.stderr == ""
    assert [(i["check_name"], i["severity"], i["location"]) for i in json.loads(run.stdout)] == [
        ("HY101", "critical", {"path": "requirements.txt", "lines": {"begin": 1}})
    ]


def test_unreadable_lines_get_distinct_fingerprints(tmp_path):
    (tmp_path / "requirements.txt").write_text("foo bar\nok==1.0 --hash=sha256:" + "a" * 64 + "\nfoo bar\n")
    result = scan_path(tmp_path)
    assert [(e.line, e.reason) for e in result.errors] == [
        (1, "pip cannot parse this line: Invalid requirement: : Expected semicolon (after name with no version "
            "specifier) or end"),
        (3, "pip cannot parse this line: Invalid requirement: : Expected semicolon (after name with no version "
            "specifier) or end"),
    ]
    doc = json.loads(render("gitlab", result))
    assert [i["location"]["lines"]["begin"] for i in doc] == [1, 3]
    assert doc[0]["fingerprint"] != doc[1]["fingerprint"]


def test_identical_findings_get_distinct_fingerprints():
    same = {"message": "extra index `https://x.example/simple` is searched"}
    result = make_result([make_finding("HY106", line=1, **same), make_finding("HY106", line=2, **same)])
    doc = json.loads(render("gitlab", result))
    assert doc[0]["fingerprint"] != doc[1]["fingerprint"]


def test_unreadable_file_without_line():
    result = make_result(errors=[ScanError("a b/requirements.txt", "not valid UTF-8 (byte 0)")])
    doc = json.loads(render("gitlab", result))
    assert [(i["check_name"], i["severity"], i["location"]) for i in doc] == [
        ("hygiene/not-checked", "blocker", {"path": "a b/requirements.txt", "lines": {"begin": 1}})
    ]
