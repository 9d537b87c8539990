"""The action's entry point run in-process the way the runner drives it: INPUT_* variables,
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a workspace. (The container itself is exercised by
test_action_container.py.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import subprocess
from pathlib import Path

import pytest
from hygiene_testkit import parse_outputs, write_tree

from hygiene import action

SHA = "0123456789abcdef0123456789abcdef01234567"
REQUIREMENTS = (
    "requests\n"  # 1: HY101 error
    "flask>=3\n"  # 2: HY102 error
    "click==8.1.7\n"  # 3: HY103 warning (no line has a hash, so pip is not in hash mode)
)


@pytest.fixture
def runner(tmp_path):
    """A workspace with a repository, the runner's file-command files, and a function that runs
    the action with some inputs and returns (exit code, stdout, outputs, summary)."""
    workspace = write_tree(tmp_path / "workspace", {"requirements.txt": REQUIREMENTS})
    commands = tmp_path / "file_commands"
    commands.mkdir()

    def run(capsys, **inputs: str):
        env = {
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(commands / "set_output"),
            "GITHUB_STEP_SUMMARY": str(commands / "step_summary"),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "acme/app",
            "GITHUB_SHA": SHA,
        }
        env.update({f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()})
        try:
            code = action.run(env)
        except (action.InputError, action.ConfigError) as exc:
            code = ("input", str(exc))
        out = capsys.readouterr().out
        outputs = commands / "set_output"
        summary = commands / "step_summary"
        return (
            code,
            out,
            parse_outputs(outputs.read_text("utf-8")) if outputs.exists() else {},
            summary.read_text("utf-8") if summary.exists() else "",
        )

    run.workspace = workspace
    return run


def test_annotations_outputs_files_and_summary(runner, capsys):
    code, out, outputs, summary = runner(capsys, sarif="reports/h.sarif", json="reports/h.json")
    assert code == 1  # errors reach the default fail-on
    assert [line.split("::")[1] for line in out.splitlines()] == [
        "error file=requirements.txt,line=1,title=HY101 unpinned-requirement",
        "error file=requirements.txt,line=2,title=HY102 loose-version",
        "warning file=requirements.txt,line=3,title=HY103 missing-hash",
    ]
    assert outputs == {
        "findings": "3",
        "errors": "2",
        "warnings": "1",
        "notes": "0",
        "level": "0",
        "cli-1": "none",
        "cli-2": "not-assessed",
        "cli-3": "not-assessed",
        "authz-3": "not-assessed",
        "gen-1": "not-assessed",
        "sarif-path": "reports/h.sarif",
        "json-path": "reports/h.json",
        "sbom-path": "",
    }
    sarif = json.loads((runner.workspace / "reports/h.sarif").read_text("utf-8"))
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]] == [
        ("HY101", 1),
        ("HY102", 2),
        ("HY103", 3),
    ]
    report = json.loads((runner.workspace / "reports/h.json").read_text("utf-8"))
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("HY101", 1), ("HY102", 2), ("HY103", 3)]
    assert "| CLI-1: Dependencies are installed pinned by version and hash | L1 | ❌ not reached | 3 |" in summary
    assert f"[line 1](https://github.com/acme/app/blob/{SHA}/requirements.txt#L1)" in summary


def test_outputs_use_the_heredoc_form_with_a_fresh_delimiter(runner, capsys):
    runner(capsys)
    text = (runner.workspace.parent / "file_commands/set_output").read_text("utf-8")
    heads = re.findall(r"^([a-z0-9-]+)<<(ghadelimiter_[0-9a-f]{32})$", text, re.M)
    assert [name for name, _ in heads][:4] == ["findings", "errors", "warnings", "notes"]
    assert len({delim for _, delim in heads}) == len(heads)
    assert "::set-output" not in text


def test_outputs_are_appended_to_what_earlier_steps_wrote(runner, capsys):
    (runner.workspace.parent / "file_commands/set_output").write_text("earlier=1\n", encoding="utf-8")
    _, _, outputs, _ = runner(capsys)
    assert outputs["earlier"] == "1"
    assert outputs["findings"] == "3"


def test_default_inputs_write_sarif_only(runner, capsys):
    code, _, outputs, _ = runner(capsys)
    assert code == 1
    assert outputs["sarif-path"] == "hygiene.sarif" and outputs["json-path"] == ""
    assert sorted(p.name for p in runner.workspace.iterdir()) == ["hygiene.sarif", "requirements.txt"]


@pytest.mark.parametrize(
    ("inputs", "expected_code"),
    [({"fail-on": "never"}, 0), ({"fail-on": "warning"}, 1), ({"ignore": "HY101,HY102"}, 0), ({"select": "HY103", "fail-on": "warning"}, 1)],
)
def test_fail_on_select_and_ignore(runner, capsys, inputs, expected_code):
    code, *_ = runner(capsys, **inputs)
    assert code == expected_code


def test_annotations_false_and_format_none_print_nothing(runner, capsys):
    assert runner(capsys, annotations="false")[1] == ""
    assert runner(capsys, format="none")[1] == ""


def test_format_text_prints_the_text_report(runner, capsys):
    _, out, _, _ = runner(capsys, format="text")
    assert out.startswith("requirements.txt\n      1  error   HY101 unpinned-requirement:")


def test_summary_false_leaves_the_summary_alone(runner, capsys):
    assert runner(capsys, summary="false")[3] == ""


def test_path_and_config_inputs_are_workspace_relative(runner, capsys):
    write_tree(runner.workspace, {"sub/requirements.txt": "six\n", "policy.toml": 'ignore = ["HY101"]\n'})
    code, out, outputs, _ = runner(capsys, path="sub", config="policy.toml", sarif="")
    assert (code, out, outputs["findings"], outputs["sarif-path"]) == (0, "", "0", "")
    code, out, _, _ = runner(capsys, path="sub", sarif="")
    # annotations name the repository path, not the scanned folder's
    assert out.startswith("::error file=sub/requirements.txt,line=1,title=HY101 unpinned-requirement::")


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"fail-on": "sometimes"}, "input 'fail-on' must be one of error, warning, note, never, not 'sometimes'"),
        ({"summary": "maybe"}, "input 'summary' must be true or false, not 'maybe'"),
        ({"only-changed": "2"}, "input 'only-changed' must be true or false, not '2'"),
        ({"format": "sarif"}, "input 'format' must be one of github, text, none, not 'sarif'"),
        ({"path": "../elsewhere"}, "input 'path': '../elsewhere' is outside the workspace"),
        ({"path": "missing"}, "input 'path': 'missing' does not exist in the workspace"),
        ({"sarif": "../out.sarif"}, "input 'sarif': '../out.sarif' is outside the workspace"),
        ({"json": "."}, "input 'json': '.' is a folder, not a file"),
        ({"select": "HY999"}, "input select: unknown rule 'HY999'"),
        ({"config": "nope.toml"}, "nope.toml: configuration file not found"),
        ({"verify-provenance": "yes please"}, "input 'verify-provenance' must be true or false, not 'yes please'"),
        ({"index-url": "file:///etc"}, "input 'index-url' must be an http(s) URL, not 'file:///etc'"),
    ],
)
def test_bad_inputs_name_the_input(runner, capsys, inputs, message):
    code, *_ = runner(capsys, **inputs)
    assert code[0] == "input"
    assert code[1].endswith(message)


def test_main_turns_a_bad_input_into_an_error_command_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("INPUT_FAIL-ON", "sometimes\n::error::pwned")
    assert action.main() == 2
    out = capsys.readouterr().out
    assert out == (
        "::error title=hygiene: bad input::input 'fail-on' must be one of error, warning, note, never, "
        "not 'sometimes\\n::error::pwned'\n"  # repr() keeps the newline visible and on one line
    )


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing owners needs root")
def test_written_files_and_folders_belong_to_the_workspace_owner(runner, capsys):
    os.chown(runner.workspace, 4242, 4343)
    runner(capsys, sarif="out/deep/h.sarif", json="h.json")
    for rel in ("out", "out/deep", "out/deep/h.sarif", "h.json"):
        st = (runner.workspace / rel).stat()
        assert (rel, st.st_uid, st.st_gid) == (rel, 4242, 4343)


# -- only-changed -------------------------------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make the fixture repository")
def test_only_changed_annotates_the_files_the_pull_request_changed(runner, capsys, tmp_path):
    repo = runner.workspace
    write_tree(repo, {"old/requirements.txt": "six\n"})
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    base = _git(repo, "rev-parse", "HEAD")
    write_tree(repo, {"new/requirements.txt": "attrs\n"})
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "pr")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}}}), encoding="utf-8")

    def run_with_event(event_path):
        env = {
            "GITHUB_WORKSPACE": str(repo),
            "GITHUB_EVENT_PATH": str(event_path),
            "INPUT_ONLY-CHANGED": "true",
            "INPUT_SARIF": "",
        }
        code = action.run(env)
        return code, capsys.readouterr().out

    code, out = run_with_event(event)
    assert code == 1
    assert out.splitlines() == [
        "::error file=new/requirements.txt,line=1,title=HY101 unpinned-requirement::"
        "`attrs` has no version constraint: pip installs whatever version is newest%0A"
        "Fix: Pin an exact version with `==` and add its `--hash` (e.g. with `pip-compile --generate-hashes`).%0A"
        "(CLI-1 L1; `hygiene explain HY101`)"
    ]

    event.write_text(json.dumps({"pull_request": {"base": {"sha": "f" * 40}}}), encoding="utf-8")
    code, out = run_with_event(event)
    lines = out.splitlines()
    assert lines[0] == (
        "::notice title=hygiene::only-changed: annotating every file, because commit or object ffffffffffff "
        "is not in the checkout (check out with fetch-depth: 0 so the base commit is present)."
    )
    assert [line.split("::")[1] for line in lines[1:]] == [
        "error file=new/requirements.txt,line=1,title=HY101 unpinned-requirement",
        "error file=old/requirements.txt,line=1,title=HY101 unpinned-requirement",
        "error file=requirements.txt,line=1,title=HY101 unpinned-requirement",
        "error file=requirements.txt,line=2,title=HY102 loose-version",
        "warning file=requirements.txt,line=3,title=HY103 missing-hash",
    ]

    event.write_text(json.dumps({"push": {}}), encoding="utf-8")
    _, out = run_with_event(event)
    assert out.splitlines()[0] == (
        "::notice title=hygiene::only-changed: annotating every file, because the event is not a pull request."
    )


def test_sbom_input_writes_the_sbom_and_sets_sbom_path(runner, capsys):
    code, _, outputs, _ = runner(capsys, sbom="reports/sbom.cdx.json")
    assert outputs["sbom-path"] == "reports/sbom.cdx.json"
    doc = json.loads((runner.workspace / "reports/sbom.cdx.json").read_text("utf-8"))
    assert doc["specVersion"] == "1.6"
    assert sorted(c["bom-ref"] for c in doc["components"]) == ["pkg:pypi/click@8.1.7", "pkg:pypi/flask", "pkg:pypi/requests"]
    assert code == 1  # the findings still decide the exit code
    # HY301 notes: none of the three can be recorded with both an exact version and a hash.
    assert (outputs["findings"], outputs["notes"]) == ("6", "3")


def test_verify_provenance_input_reports_hy401_where_the_file_is_pinned(runner, capsys, tmp_path, monkeypatch):
    pytest.importorskip("sigstore")
    pytest.importorskip("pypi_attestations")
    httpserver = pytest.importorskip("pytest_httpserver").HTTPServer()
    httpserver.start()
    try:
        sha = "ab" * 32
        httpserver.expect_request("/simple/click/").respond_with_json(
            {"meta": {"api-version": "1.3"}, "files": [{"filename": "click-8.1.7-py3-none-any.whl", "hashes": {"sha256": sha}, "provenance": None}]}
        )
        write_tree(runner.workspace, {"requirements.txt": f"click==8.1.7 --hash=sha256:{sha}\n"})
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the answer cache
        code, out, outputs, _ = runner(capsys, **{"verify-provenance": "true", "index-url": httpserver.url_for("/simple")})
    finally:
        httpserver.stop()
    assert code == 0 and outputs["notes"] == "1"
    assert "::notice file=requirements.txt,line=1,title=HY401 provenance-missing::`click==8.1.7`: " in out
    assert "the index publishes no provenance for click-8.1.7-py3-none-any.whl" in out
    # the answers were cached in the container's temporary folder, and nothing in the repository
    assert any((tmp_path / "hygiene-http").iterdir())
    assert sorted(p.name for p in runner.workspace.iterdir()) == ["hygiene.sarif", "requirements.txt"]
