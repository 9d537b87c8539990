"""Configuration ([tool.hygiene], .hygiene.toml, --config, CLI flags) and inline suppressions,
judged by what a user sees: the findings of a scan, their severity and the exit code."""

from __future__ import annotations

import pytest
from hygiene_testkit import H1, found, scan, write_tree

# --- inline suppressions -----------------------------------------------------------------


def test_suppression_on_the_line(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "a==1  # hygiene: ignore[HY103]\nb==1\n"})
    assert found(r) == {("requirements.txt", 2, "HY103")}
    assert r["summary"]["suppressed"] == 1


def test_suppression_on_a_comment_only_line_above(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "# hygiene: ignore[HY103]\nb==1\nc==1\n"})
    assert found(r) == {("requirements.txt", 3, "HY103")}


def test_suppression_above_must_be_directly_above(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "# hygiene: ignore[HY103]\n\nb==1\n"})
    assert found(r) == {("requirements.txt", 3, "HY103")}


def test_suppression_at_the_end_of_the_line_above_does_not_cover_the_next(tmp_path, scan_tree):
    # Only a comment-only line suppresses the line below it.
    r = scan_tree(tmp_path, {"requirements.txt": "a==1  # hygiene: ignore[HY103]\nb==1\n"})
    assert found(r) == {("requirements.txt", 2, "HY103")}


def test_bare_suppression_silences_every_rule_on_the_line(tmp_path, scan_tree):
    text = f"a==1 --hash=sha256:{H1}\nhttps://example.com/x-1.0.tar.gz  # hygiene: ignore\nc==1\n"
    r = scan_tree(tmp_path, {"requirements.txt": text})
    # Line 2 would be HY104 and HY105; line 3 is HY104.
    assert found(r) == {("requirements.txt", 3, "HY104")}
    assert r["summary"]["suppressed"] == 2


def test_suppression_for_another_rule_does_not_suppress(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "a  # hygiene: ignore[HY103]\nb==1  # hygiene: ignore[HY101]\n"})
    assert found(r) == {("requirements.txt", 1, "HY101"), ("requirements.txt", 2, "HY103")}
    assert r["summary"]["suppressed"] == 0


def test_suppression_lists_names_and_several_ids(tmp_path, scan_tree):
    text = (
        "a==1  # hygiene: ignore[missing-hash]\n"
        f"b==1 --hash=sha256:{H1}\n"
        "https://example.com/x-1.0.tar.gz  # hygiene: ignore[HY104, HY105]\n"
        "https://example.com/y-1.0.tar.gz  # hygiene: ignore[HY105]\n"
    )
    r = scan_tree(tmp_path, {"requirements.txt": text})
    assert found(r) == {("requirements.txt", 1, "HY104"), ("requirements.txt", 4, "HY104")}


def test_suppression_on_the_last_line_of_a_multiline_requirement(tmp_path, scan_tree):
    text = "requests==2.31.0 \\\n    ; python_version >= '3.8'  # hygiene: ignore[HY103]\nidna==3.4\n"
    r = scan_tree(tmp_path, {"requirements.txt": text})
    assert found(r) == {("requirements.txt", 3, "HY103")}


def test_suppression_in_an_included_file(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "-r base.pip\n", "base.pip": "a==1  # hygiene: ignore[HY103]\nb==1\n"})
    assert found(r) == {("base.pip", 2, "HY103")}


def test_suppression_in_pyproject(tmp_path, scan_tree):
    pyproject = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = [\n'
        '  "a @ git+https://github.com/o/a@main",  # hygiene: ignore[HY105]\n'
        '  "b @ git+https://github.com/o/b@main",\n'
        "]\n"
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject})
    assert found(r) == {("pyproject.toml", 6, "HY105")}


def test_suppression_of_hy108_on_the_table_header(tmp_path, scan_tree):
    pyproject = '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]  # hygiene: ignore[HY108]\npython = "^3.10"\na = "^1"\n'
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject})
    assert found(r) == set()
    assert r["summary"]["suppressed"] == 1


def test_suppression_in_setup_cfg(tmp_path, scan_tree):
    setup_cfg = (
        "[options]\ninstall_requires =\n"
        "    a @ git+https://github.com/o/a@main  # hygiene: ignore[HY105]\n"
        "    b @ git+https://github.com/o/b@main\n"
    )
    r = scan_tree(tmp_path, {"setup.cfg": setup_cfg})
    assert found(r) == {("setup.cfg", 4, "HY105")}


# --- configuration files -----------------------------------------------------------------

REQS = {"requirements.txt": "a==1\nb\n"}  # HY103 (warning) on 1, HY101 (error) on 2


def test_tool_hygiene_ignore(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {**REQS, "pyproject.toml": '[tool.hygiene]\nignore = ["HY103"]\n'})
    assert found(r) == {("requirements.txt", 2, "HY101")}


def test_tool_hygiene_ignore_by_name(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {**REQS, "pyproject.toml": '[tool.hygiene]\nignore = ["unpinned-requirement"]\n'})
    assert found(r) == {("requirements.txt", 1, "HY103")}


def test_select_prefix(tmp_path, scan_tree):
    # A uv.lock entry without hashes is HY115: outside the HY10 prefix.
    lock = 'version = 1\n\n[[package]]\nname = "z"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\n'
    base = {**REQS, "uv.lock": lock}
    everything = scan_tree(tmp_path, base)
    assert found(everything) == {("requirements.txt", 1, "HY103"), ("requirements.txt", 2, "HY101"), ("uv.lock", 3, "HY115")}
    r = scan_tree(tmp_path, {"pyproject.toml": '[tool.hygiene]\nselect = ["HY10"]\n'})
    assert found(r) == {("requirements.txt", 1, "HY103"), ("requirements.txt", 2, "HY101")}
    r = scan_tree(tmp_path, {"pyproject.toml": '[tool.hygiene]\nselect = ["HY101"]\n'})
    assert found(r) == {("requirements.txt", 2, "HY101")}


def test_select_and_ignore_combine(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {**REQS, ".hygiene.toml": 'select = ["HY1"]\nignore = ["HY101"]\n'})
    assert found(r) == {("requirements.txt", 1, "HY103")}


def test_per_path_ignores(tmp_path, scan_tree):
    files = {
        "requirements.txt": "b\n",
        "docs/requirements.txt": "c\nd==1\n",
        "pyproject.toml": '[tool.hygiene]\nper-path-ignores = { "docs/**" = ["HY101"] }\n',
    }
    r = scan_tree(tmp_path, files)
    assert found(r) == {("docs/requirements.txt", 2, "HY103"), ("requirements.txt", 1, "HY101")}


def test_severity_override_changes_json_and_exit_code(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "a==1\n"})
    plain = scan(tmp_path, fail_on=None)
    assert plain.code == 0
    assert [f["severity"] for f in plain.report["findings"]] == ["warning"]

    write_tree(tmp_path, {"pyproject.toml": '[tool.hygiene]\nseverity = { HY103 = "error" }\n'})
    raised = scan(tmp_path, fail_on=None)
    assert raised.code == 1
    assert [(f["rule"], f["severity"]) for f in raised.report["findings"]] == [("HY103", "error")]
    assert raised.report["summary"]["error"] == 1 and raised.report["summary"]["warning"] == 0


def test_severity_lowered_to_note(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "b\n", ".hygiene.toml": 'severity = { HY101 = "note" }\n'})
    run = scan(tmp_path, "--fail-on", "warning", fail_on=None)
    assert run.code == 0
    assert [(f["rule"], f["severity"]) for f in run.report["findings"]] == [("HY101", "note")]
    assert scan(tmp_path, "--fail-on", "note", fail_on=None).code == 1


def test_dotfile_takes_precedence_over_pyproject(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {
            **REQS,
            ".hygiene.toml": 'ignore = ["HY101"]\n',
            "pyproject.toml": '[tool.hygiene]\nignore = ["HY103"]\n',
        },
    )
    assert found(r) == {("requirements.txt", 1, "HY103")}


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("strict.toml", 'ignore = ["HY103"]\n', {("requirements.txt", 2, "HY101")}),
        ("pyproject.toml", '[tool.hygiene]\nselect = ["HY103"]\n', {("requirements.txt", 1, "HY103")}),
    ],
)
def test_config_flag_overrides_the_files_in_the_root(tmp_path, name, content, expected):
    write_tree(tmp_path / "repo", {**REQS, ".hygiene.toml": 'ignore = ["HY101", "HY103"]\n'})
    write_tree(tmp_path / "cfg", {name: content})
    run = scan(tmp_path / "repo", "--config", str(tmp_path / "cfg" / name))
    assert run.code == 0, run.stderr
    assert found(run.report) == expected


def test_config_flag_missing_file_or_table(tmp_path):
    write_tree(tmp_path / "repo", REQS)
    write_tree(tmp_path / "cfg", {"other.toml": "[tool.something]\nx = 1\n"})
    missing = scan(tmp_path / "repo", "--config", str(tmp_path / "cfg" / "nope.toml"))
    assert missing.code == 2 and "not found" in missing.stderr
    no_table = scan(tmp_path / "repo", "--config", str(tmp_path / "cfg" / "other.toml"))
    assert no_table.code == 2 and "[tool.hygiene]" in no_table.stderr


def test_fail_on_from_config_and_cli_override(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "a==1\n", ".hygiene.toml": 'fail-on = "warning"\n'})
    assert scan(tmp_path, fail_on=None).code == 1
    assert scan(tmp_path, "--fail-on", "error", fail_on=None).code == 0


@pytest.mark.parametrize(
    ("where", "content", "message"),
    [
        (".hygiene.toml", 'ignores = ["HY101"]\n', "unknown configuration key `ignores`"),
        ("pyproject.toml", '[tool.hygiene]\nfail_onn = "error"\n', "unknown configuration key `fail_onn`"),
        (".hygiene.toml", 'ignore = ["HY999"]\n', "unknown rule"),
        (".hygiene.toml", 'select = ["XX1"]\n', "unknown rule"),
        (".hygiene.toml", 'per-path-ignores = { "docs/**" = ["HY998"] }\n', "unknown rule"),
        (".hygiene.toml", 'severity = { HY999 = "error" }\n', "unknown rule"),
        (".hygiene.toml", 'severity = { HY103 = "fatal" }\n', "severity"),
        (".hygiene.toml", 'fail-on = "sometimes"\n', "fail-on"),
        (".hygiene.toml", "max-file-size = -1\n", "max-file-size"),
        (".hygiene.toml", "ignore = [\n", "invalid TOML"),
    ],
)
def test_bad_configuration_exits_2_with_a_message(tmp_path, where, content, message):
    write_tree(tmp_path, {**REQS, where: content})
    run = scan(tmp_path)
    assert run.code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert run.report is None  # no report is written for a refused configuration


@pytest.mark.parametrize(("fail_on", "code"), [("error", 0), ("warning", 1), ("note", 1), ("never", 0)])
def test_fail_on_thresholds_with_a_warning(tmp_path, fail_on, code):
    write_tree(tmp_path, {"requirements.txt": "a==1\n"})  # one HY103 warning
    assert scan(tmp_path, "--fail-on", fail_on, fail_on=None).code == code


def test_default_fail_on_is_error(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "a==1\n"})
    assert scan(tmp_path, fail_on=None).code == 0
    write_tree(tmp_path, {"requirements.txt": "a==1\nb\n"})
    assert scan(tmp_path, fail_on=None).code == 1
    assert scan(tmp_path, "--fail-on", "warning", fail_on=None).code == 1


def test_clean_tree_exits_0(tmp_path):
    write_tree(tmp_path, {"requirements.txt": f"a==1 --hash=sha256:{H1}\n"})
    run = scan(tmp_path, "--fail-on", "note", fail_on=None)
    assert run.code == 0
    assert run.report["findings"] == []


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_unknown_rule_on_the_command_line_exits_2(tmp_path, flag):
    write_tree(tmp_path, REQS)
    run = scan(tmp_path, flag, "HY999")
    assert run.code == 2
    assert "HY999" in run.stderr


def test_cli_select_and_ignore(tmp_path):
    write_tree(tmp_path, REQS)
    assert found(scan(tmp_path, "--select", "HY101").report) == {("requirements.txt", 2, "HY101")}
    assert found(scan(tmp_path, "--ignore", "HY101,HY103").report) == set()
    assert found(scan(tmp_path, "--select", "HY1", "--ignore", "HY103").report) == {("requirements.txt", 2, "HY101")}


def test_usage_error_exits_2(tmp_path):
    write_tree(tmp_path, REQS)
    assert scan(tmp_path, "--fail-on", "sometimes", fail_on=None).code == 2
    assert scan(tmp_path / "does-not-exist").code == 2
