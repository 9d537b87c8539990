"""The command line as a user meets it: commands, formats, exit codes, the JSON contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from hygiene import __version__, rules
from hygiene.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "webapp"
SCHEMA = json.loads(resources.files("hygiene").joinpath("schemas/scan-output.schema.json").read_text("utf-8"))

# Every finding the bundled example must produce: (path, line, rule).
EXAMPLE_FINDINGS = {
    ("pyproject.toml", 8, "HY108"),
    ("requirements/dev.txt", 3, "HY106"),
    ("requirements/dev.txt", 5, "HY104"),
    ("requirements/dev.txt", 6, "HY104"),
    ("requirements/dev.txt", 7, "HY104"),
    ("requirements/dev.txt", 8, "HY104"),
    ("requirements/dev.txt", 8, "HY105"),
    ("requirements/prod.txt", 30, "HY104"),
    ("worker/pyproject.toml", 8, "HY109"),
    ("worker/uv.lock", 19, "HY115"),
    ("worker/uv.lock", 19, "HY116"),
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "hygiene", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def scan_json(path: Path, *extra: str) -> dict:
    proc = run("scan", str(path), "--format", "json", "--fail-on", "never", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_version_flag_matches_package():
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"hygiene {__version__}"


def test_example_findings_are_exact_and_valid_against_the_schema():
    doc = scan_json(EXAMPLE)
    jsonschema.validate(doc, SCHEMA)
    got = {(f["path"], f["line"], f["rule"]) for f in doc["findings"]}
    assert got == EXAMPLE_FINDINGS
    # Sorted by path, line, rule, as the contract says.
    keys = [(f["path"], f["line"], f["rule"]) for f in doc["findings"]]
    assert keys == sorted(keys)
    assert doc["principles"]["CLI-1"]["reached"] is False
    assert doc["principles"]["CLI-1"]["blocking"] == len(EXAMPLE_FINDINGS)
    assert doc["principles"]["CLI-1"]["blocking_rules"] == {
        "HY104": 5, "HY105": 1, "HY106": 1, "HY108": 1, "HY109": 1, "HY115": 1, "HY116": 1,
    }
    assert doc["principles"]["CLI-2"]["assessed"] is False
    assert any("HY201" in s["check"] for s in doc["skipped"])
    assert doc["errors"] == []


def test_finding_fields_follow_the_contract():
    doc = scan_json(EXAMPLE)
    f = next(x for x in doc["findings"] if x["rule"] == "HY104" and x["path"] == "requirements/prod.txt")
    assert f == {
        "rule": "HY104",
        "name": "hash-mode-broken",
        "principle": "CLI-1",
        "level": 1,
        "severity": "error",
        "message": "pip refuses to install requirements/prod.txt because of `gunicorn==23.0.0`: it has no --hash "
        "(hash-checking is on because of requirements/prod.txt line 7)",
        "path": "requirements/prod.txt",
        "line": 30,
        "end_line": 30,
        "ecosystem": "pypi",
        "hint": rules.get("HY104").hint,
        "package": "gunicorn",
        "version_spec": "==23.0.0",
    }
    multi = next(x for x in doc["findings"] if x["rule"] == "HY115")
    assert (multi["line"], multi["end_line"]) == (19, 23)


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 1), ("warning", 1), ("note", 1), ("never", 0)],
)
def test_exit_codes_follow_fail_on(fail_on, expected):
    assert run("scan", str(EXAMPLE), "--fail-on", fail_on).returncode == expected


def test_warnings_only_pass_with_fail_on_error(tmp_path):
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")  # HY103: a warning
    assert run("scan", str(tmp_path)).returncode == 0
    assert run("scan", str(tmp_path), "--fail-on", "warning").returncode == 1


def test_clean_repository_exits_zero_and_reaches_cli1(tmp_path):
    (tmp_path / "requirements.txt").write_text(
        "requests==2.32.3 \\\n    --hash=sha256:" + "a" * 64 + "\n"
    )
    proc = run("scan", str(tmp_path), "--format", "json")
    assert proc.returncode == 0, proc.stdout
    doc = json.loads(proc.stdout)
    assert doc["findings"] == []
    assert doc["principles"]["CLI-1"] == {
        "title": rules.PRINCIPLES["CLI-1"].title,
        "level": 1,
        "assessed": True,
        "reached": True,
        "blocking": 0,
        "blocking_rules": {},
        "disabled_rules": [],
    }


def test_usage_errors_exit_2_with_a_message(tmp_path):
    proc = run("scan", str(tmp_path / "missing"))
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stderr
    proc = run("scan", str(tmp_path), "--format", "yaml")
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr
    proc = run("scan", str(tmp_path), "--ignore", "HY999")
    assert proc.returncode == 2 and "unknown rule 'HY999'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_text_output_groups_by_file_and_counts(tmp_path):
    proc = run("scan", str(EXAMPLE))
    out = proc.stdout
    assert "\x1b[" not in out  # not a TTY: no colour
    assert out.index("requirements/dev.txt\n") < out.index("requirements/prod.txt\n")
    assert "     30  error   HY104 hash-mode-broken: pip refuses to install requirements/prod.txt" in out
    assert f"fix: {rules.get('HY104').hint}" in out
    assert out.rstrip().endswith("6 files scanned: 7 errors, 4 warnings, 0 notes")
    assert "CLI-1 (pinned by version and hash): not reached (11 blocking)" in out


def test_output_file_and_format_json(tmp_path):
    out = tmp_path / "report.json"
    proc = run("scan", str(EXAMPLE), "--format", "json", "--output", str(out))
    assert proc.returncode == 1
    assert proc.stdout == ""
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)


def test_relative_paths_from_a_subfolder(tmp_path):
    # Paths are relative to the scanned folder, '/'-separated, however hygiene is invoked.
    doc = json.loads(run("scan", "webapp", "--format", "json", "--fail-on", "never", cwd=EXAMPLE.parent).stdout)
    assert {f["path"] for f in doc["findings"]} >= {"requirements/dev.txt", "worker/uv.lock"}


def test_select_and_ignore_on_the_command_line():
    doc = scan_json(EXAMPLE, "--select", "HY104,HY105")
    assert {f["rule"] for f in doc["findings"]} == {"HY104", "HY105"}
    doc = scan_json(EXAMPLE, "--ignore", "HY104", "--ignore", "HY11")
    assert {f["rule"] for f in doc["findings"]} == {"HY105", "HY106", "HY108", "HY109"}


def test_rules_command_lists_the_catalogue():
    proc = run("rules", "--format", "json")
    data = json.loads(proc.stdout)
    assert [r["id"] for r in data] == list(rules.CATALOGUE)
    assert {r["id"]: (r["name"], r["principle"], r["severity"]) for r in data}["HY103"] == (
        "missing-hash", "CLI-1", "warning",
    )
    text = run("rules").stdout
    assert len(text.splitlines()) == len(rules.CATALOGUE)


def test_explain_prints_the_rule_page():
    proc = run("explain", "HY103")
    assert proc.returncode == 0
    assert proc.stdout.startswith("# HY103 missing-hash\n")
    for heading in ("## What it detects", "## Why it matters", "## How to fix", "## Example", "## Notes"):
        assert heading in proc.stdout
    assert run("explain", "missing-hash").stdout == proc.stdout
    bad = run("explain", "HY999")
    assert bad.returncode == 2 and "unknown rule" in bad.stderr


def test_main_returns_the_exit_code_and_writes_stdout(capsys):
    assert main(["rules"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("HY101  unpinned-requirement")


def test_terminal_escapes_from_scanned_files_are_neutralised(tmp_path):
    # Text that reaches the report: an index URL quoted in a message, and a file name.
    (tmp_path / "requirements.txt").write_bytes(b"--extra-index-url https://x.example/\x1b[2Jcleared\n")
    (tmp_path / "requirements-\x1b]0;title\x07.txt").write_bytes(b"requests\n")
    out = run("scan", str(tmp_path)).stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "extra index `https://x.example/\\x1b[2Jcleared`" in out
    assert "requirements-\\x1b]0;title\\x07.txt\n" in out


def _run_on_a_tty(*args: str, env_extra: dict | None = None) -> str:
    import pty

    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | (env_extra or {})
    proc = subprocess.run(
        [sys.executable, "-m", "hygiene", *args], stdout=follower, stderr=subprocess.PIPE, env=env, timeout=120
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.returncode == 1, proc.stderr
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_unless_no_color():
    coloured = _run_on_a_tty("scan", str(EXAMPLE))
    assert "\x1b[31merror  \x1b[0m HY104" in coloured
    plain = _run_on_a_tty("scan", str(EXAMPLE), env_extra={"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "error   HY104" in plain


def test_text_output_says_what_was_not_checked(tmp_path):
    (tmp_path / "requirements.txt").write_text("-r https://example.com/reqs.txt\nrequests\n")
    out = run("scan", str(tmp_path)).stdout
    assert "Not checked:\n  requirements.txt: `-r https://example.com/reqs.txt` is remote; not fetched\n" in out
    assert "Not checked in this run: vulnerabilities (HY201, HY302);" in out
    assert out.rstrip().endswith("1 file scanned: 1 error, 0 warnings, 0 notes")


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "hygiene"
    if not script.exists():
        pytest.skip("hygiene is not installed in this interpreter's environment (pip install -e '.[test]')")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout.strip()) == (0, f"hygiene {__version__}")
