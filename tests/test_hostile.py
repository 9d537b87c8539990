"""Hostile and broken input: every scanned file is untrusted. A file that cannot be read or
understood becomes an `errors` entry naming it (and the line, when there is one) with a
reason; the CLI exits without a traceback (1 by default because of the error, 0 with
``--fail-on never``); every other file's findings are still reported; nothing of the scanned
tree is executed or read from outside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hygiene_testkit import found, scan, write_tree

# Every tree holds this good file, whose one finding must survive the broken neighbour.
GOOD = {"requirements-good.txt": "# fine\ngood\n"}
GOOD_FINDING = ("requirements-good.txt", 2, "HY101")


def _check(root: Path, expected_errors: set[tuple[str, int | None]], reasons: dict[str, str], expected_findings: set):
    """Scan `root` twice (default fail-on, and never) and check errors, findings and exit codes."""
    default = scan(root, fail_on=None)
    assert default.code == 1, default.stderr
    assert "Traceback" not in default.stderr
    never = scan(root)
    assert never.code == 0, never.stderr
    assert "Traceback" not in never.stderr
    report = never.report
    assert default.report["errors"] == report["errors"]
    got = {(e["path"], e.get("line")) for e in report["errors"]}
    assert got == expected_errors, report["errors"]
    for e in report["errors"]:
        assert e["reason"], e
        if e["path"] in reasons:
            assert reasons[e["path"]] in e["reason"], e
    assert found(report) == {GOOD_FINDING} | expected_findings
    return report


def test_not_utf8(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements.txt": "caf\xe9==1.0\n".encode("latin-1")})
    _check(tmp_path, {("requirements.txt", None)}, {"requirements.txt": "UTF-8"}, set())


def test_binary_file_named_like_requirements(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements.txt": b"\x89PNG\r\n\x1a\n\xff\xfe\xfd"})
    _check(tmp_path, {("requirements.txt", None)}, {"requirements.txt": "UTF-8"}, set())


def test_nul_bytes(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements.txt": b"a==1\n\x00\x00\nb\n"})
    _check(tmp_path, {("requirements.txt", None)}, {"requirements.txt": "NUL"}, set())


def test_utf16_with_bom_is_read_like_pip_does(tmp_path, scan_tree):
    text = "\ufeffa\nb==1\n".encode("utf-16-le")
    r = scan_tree(tmp_path, {**GOOD, "requirements.txt": text})
    assert found(r) == {GOOD_FINDING, ("requirements.txt", 1, "HY101"), ("requirements.txt", 2, "HY103")}
    assert r["errors"] == []


def test_invalid_toml_pyproject(tmp_path):
    write_tree(tmp_path, {**GOOD, "pyproject.toml": "[project\nname = 'x'\n"})
    default = scan(tmp_path, fail_on=None)
    assert default.code == 1 and "Traceback" not in default.stderr
    report = scan(tmp_path).report
    assert [e["path"] for e in report["errors"]] == ["pyproject.toml"]
    assert "invalid TOML" in report["errors"][0]["reason"]
    assert found(report) == {GOOD_FINDING}


def test_invalid_toml_error_names_the_line(tmp_path):
    write_tree(tmp_path, {**GOOD, "pyproject.toml": "[project]\nname = 'x'\nversion = = '1'\n"})
    report = scan(tmp_path).report
    assert [(e["path"], e.get("line")) for e in report["errors"]] == [("pyproject.toml", 3)]


def test_invalid_toml_pipfile(tmp_path):
    write_tree(tmp_path, {**GOOD, "Pipfile": "[packages\nrequests = '*'\n"})
    report = scan(tmp_path).report
    assert [e["path"] for e in report["errors"]] == ["Pipfile"]
    assert "invalid TOML" in report["errors"][0]["reason"]
    assert found(report) == {GOOD_FINDING}


def test_deeply_nested_toml_below_the_root(tmp_path):
    deep = "[project]\nname = 'x'\nx = " + "[" * 3000 + "]" * 3000 + "\n"
    write_tree(tmp_path, {**GOOD, "sub/pyproject.toml": deep})
    _check(tmp_path, {("sub/pyproject.toml", None)}, {"sub/pyproject.toml": "nested too deeply"}, set())


def test_deeply_nested_toml_at_the_root_is_an_error_not_a_crash(tmp_path):
    deep = "[project]\nname = 'x'\nx = " + "[" * 3000 + "]" * 3000 + "\n"
    write_tree(tmp_path, {**GOOD, "pyproject.toml": deep})
    _check(tmp_path, {("pyproject.toml", None)}, {"pyproject.toml": "nested too deeply"}, set())


def test_file_larger_than_max_file_size(tmp_path):
    big = "".join(f"pkg{i}==1.0\n" for i in range(200))  # ~2 KB
    assert len(big) > 1000
    write_tree(tmp_path, {**GOOD, ".hygiene.toml": "max-file-size = 1000\n", "requirements.txt": big})
    _check(tmp_path, {("requirements.txt", None)}, {"requirements.txt": "1000-byte limit"}, set())


def test_included_file_larger_than_max_file_size(tmp_path):
    big = "".join(f"pkg{i}==1.0\n" for i in range(200))
    write_tree(
        tmp_path,
        {**GOOD, ".hygiene.toml": "max-file-size = 1000\n", "requirements.txt": "-r big.pip\nx==1\n", "big.pip": big},
    )
    report = _check(tmp_path, {("big.pip", None)}, {"big.pip": "1000-byte limit"}, {("requirements.txt", 2, "HY103")})
    assert "requirements.txt line 1" in report["errors"][0]["reason"]


def test_file_that_includes_itself(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements.txt": "a==1\n-r requirements.txt\n"})
    _check(tmp_path, {("requirements.txt", 2)}, {"requirements.txt": "include cycle"}, {("requirements.txt", 1, "HY103")})


def test_include_cycle_a_b_a(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements/a.txt": "x==1\n-r b.txt\n", "requirements/b.txt": "y==1\n-r a.txt\n"})
    default = scan(tmp_path, fail_on=None)
    assert default.code == 1 and "Traceback" not in default.stderr
    report = scan(tmp_path).report
    cycles = [e for e in report["errors"] if "include cycle" in e["reason"]]
    assert len(cycles) == 1, report["errors"]
    assert (cycles[0]["path"], cycles[0]["line"]) in {("requirements/a.txt", 2), ("requirements/b.txt", 2)}
    assert "requirements/a.txt" in cycles[0]["reason"] and "requirements/b.txt" in cycles[0]["reason"]
    assert found(report) == {GOOD_FINDING, ("requirements/a.txt", 1, "HY103"), ("requirements/b.txt", 1, "HY103")}


def test_long_include_chain_is_not_a_crash(tmp_path):
    n = 1100
    files = {**GOOD, "requirements.txt": "-r chain/0.pip\n"}
    for i in range(n):
        files[f"chain/{i}.pip"] = f"-r {i + 1}.pip\n" if i < n - 1 else "deep==1\n"
    write_tree(tmp_path, files)
    run = scan(tmp_path)
    assert run.code == 0 and "Traceback" not in run.stderr
    assert GOOD_FINDING in found(run.report)


def test_include_of_an_absolute_path(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements.txt": "a==1\n-r /etc/passwd\n"})
    report = _check(
        tmp_path, {("requirements.txt", 2)}, {"requirements.txt": "outside the scan root"}, {("requirements.txt", 1, "HY103")}
    )
    assert "root:" not in str(report)


def test_include_that_climbs_out_of_the_root(tmp_path):
    # The target exists, and would add a finding if it were read.
    write_tree(tmp_path, {"outside.txt": "leaked\n"})
    root = tmp_path / "repo"
    write_tree(root, {**GOOD, "sub/requirements.txt": "a==1\n-r ../../outside.txt\n"})
    report = _check(
        root, {("sub/requirements.txt", 2)}, {"sub/requirements.txt": "outside the scan root"}, {("sub/requirements.txt", 1, "HY103")}
    )
    assert "leaked" not in str(report)


def test_include_of_a_missing_file(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements.txt": "a==1\n-r nothere.txt\n"})
    _check(tmp_path, {("requirements.txt", 2)}, {"requirements.txt": "does not exist"}, {("requirements.txt", 1, "HY103")})


def test_symlinked_requirements_file_pointing_outside(tmp_path):
    write_tree(tmp_path, GOOD)
    (tmp_path / "requirements.txt").symlink_to("/etc/passwd")
    report = _check(tmp_path, {("requirements.txt", None)}, {"requirements.txt": "outside the scan root"}, set())
    assert "root:" not in str(report)


def test_include_of_a_symlink_pointing_outside(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements.txt": "-r link.pip\na==1\n"})
    (tmp_path / "link.pip").symlink_to("/etc/passwd")
    _check(tmp_path, {("link.pip", None)}, {"link.pip": "outside the scan root"}, {("requirements.txt", 2, "HY103")})


def test_symlinked_folder_pointing_outside(tmp_path):
    write_tree(tmp_path, {"elsewhere/requirements.txt": "leaked\n"})
    root = tmp_path / "repo"
    write_tree(root, GOOD)
    (root / "vendor").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    report = _check(root, {("vendor", None)}, {"vendor": "outside the scan root"}, set())
    assert "leaked" not in str(report)


def test_line_pip_cannot_parse(tmp_path):
    write_tree(tmp_path, {**GOOD, "requirements.txt": "a==1\nfoo bar baz ===\nb\n--no-such-option\nc>=1\n"})
    report = _check(
        tmp_path,
        {("requirements.txt", 2), ("requirements.txt", 4)},
        {"requirements.txt": "pip cannot parse"},
        {("requirements.txt", 1, "HY103"), ("requirements.txt", 3, "HY101"), ("requirements.txt", 5, "HY102")},
    )
    assert all("pip cannot parse" in e["reason"] for e in report["errors"])


def test_invalid_requirement_in_pyproject(tmp_path):
    pyproject = "[project]\nname = 'x'\nversion = '1'\ndependencies = [\n  'a>=1',\n  'not a valid req !!',\n]\n"
    write_tree(tmp_path, {**GOOD, "pyproject.toml": pyproject})
    _check(tmp_path, {("pyproject.toml", 6)}, {"pyproject.toml": "invalid requirement"}, set())


def test_invalid_json_pipfile_lock(tmp_path):
    write_tree(tmp_path, {**GOOD, "Pipfile.lock": "{not json"})
    report = scan(tmp_path).report
    assert [e["path"] for e in report["errors"]] == ["Pipfile.lock"]
    assert found(report) == {GOOD_FINDING}


def test_errors_alone_fail_the_default_exit_code(tmp_path):
    # Only a warning finding (below the default fail-on), plus an unreadable file.
    write_tree(tmp_path, {"requirements.txt": "a==1\n", "requirements-bad.txt": b"\x00"})
    assert scan(tmp_path, fail_on=None).code == 1
    assert scan(tmp_path, "--fail-on", "error", fail_on=None).code == 1
    assert scan(tmp_path).code == 0
    write_tree(tmp_path, {"requirements-bad.txt": "b==1\n"})
    assert scan(tmp_path, fail_on=None).code == 0


def test_no_file_of_the_scanned_tree_is_executed(tmp_path):
    marker = tmp_path / "EXECUTED"
    payload = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('x')\n"
    write_tree(
        tmp_path / "repo",
        {
            **GOOD,
            "setup.py": payload + "from setuptools import setup\nsetup(name='x', install_requires=['evil'])\n",
            "conftest.py": payload,
            "noxfile.py": payload,
            "pkg/__init__.py": payload,
            "setup.cfg": "[options]\ninstall_requires =\n    requests>=2\n",
            "pyproject.toml": "[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n",
        },
    )
    run = scan(tmp_path / "repo")
    assert not marker.exists()
    assert found(run.report) == {GOOD_FINDING}
    assert run.report["errors"] == []


def test_cli_subprocess_has_no_traceback_on_a_hostile_tree(tmp_path):
    write_tree(
        tmp_path,
        {
            **GOOD,
            "requirements.txt": b"\xff\xfe\x00garbage",
            "pyproject.toml": "[[[",
            "requirements/a.txt": "-r a.txt\n-r /etc/shadow\n-r ../../x\n",
            "Pipfile.lock": "[",
        },
    )
    (tmp_path / "requirements-link.txt").symlink_to("/etc/passwd")
    proc = subprocess.run(
        [sys.executable, "-m", "hygiene", "scan", str(tmp_path), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "requirements-good.txt" in proc.stdout


def test_file_name_that_is_not_utf8_is_an_error_in_every_format(tmp_path):
    """No report format can carry a non-UTF-8 path (SARIF URIs, annotations, JSON, Markdown are
    UTF-8): the file is an error under a visible spelling, never a traceback, and the other
    files are still reported."""
    import pytest

    root = tmp_path / "repo"
    write_tree(root, {"requirements.txt": "six\n"})
    try:
        bad = os.path.join(os.fsencode(root), b"\xff\xfe")
        os.mkdir(bad)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses non-UTF-8 names")
    with open(os.path.join(bad, b"requirements.txt"), "w") as fh:
        fh.write("attrs\n")
    run = scan(root)
    assert run.report["errors"] == [
        {"path": "\\xff\\xfe/requirements.txt", "reason": "file name is not valid UTF-8; not scanned"}
    ]
    assert found(run.report) == {("requirements.txt", 1, "HY101")}
    for fmt in ("text", "json", "sarif", "github", "gitlab", "azure", "summary"):
        out = tmp_path / f"report.{fmt}"
        proc = subprocess.run(
            [sys.executable, "-m", "hygiene", "scan", str(root), "--format", fmt, "--output", str(out)],
            capture_output=True,
            text=True,
        )
        assert (fmt, proc.returncode, proc.stderr) == (fmt, 1, "")
        # named in each format's own escaping (JSON doubles the backslash, SARIF percent-encodes)
        assert "xfe/requirements.txt" in out.read_text("utf-8"), fmt
