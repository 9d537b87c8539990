"""The README's promises: its rule table is the catalogue, its commands are the real ones."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hygiene import rules

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
CI_RUN = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text("utf-8")


def test_rule_table_is_generated_from_the_catalogue():
    block = re.search(r"<!-- rules:start[^\n]*\n(.*?)<!-- rules:end -->", README, re.S)
    assert block, "README lost its rules markers"
    assert block.group(1) == rules.markdown_table(), (
        "README rule table is out of date: regenerate it with `hygiene rules --format markdown`"
    )


def test_readme_names_every_rule_in_the_spec_order():
    ids = re.findall(r"^\| (HY\d{3}) \|", README, re.M)
    assert ids == list(rules.CATALOGUE)


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(commands) >= 2
    install_and_scan, test = commands[0], commands[1]
    assert "hygiene scan examples/webapp" in install_and_scan
    assert "pip install --require-hashes -r requirements/test.txt" in test and "python -m pytest" in test
    assert "pip install --no-deps --no-build-isolation -e ." in test
    # .ci/run runs the same test command (in its own virtualenv).
    assert "pip install --require-hashes -r requirements/test.txt" in CI_RUN
    assert "pip install --no-deps --no-build-isolation -e ." in CI_RUN
    assert "python -m pytest" in CI_RUN


def _readme_workflow() -> str:
    section = README.split("### GitHub Actions", 1)[1]
    return re.search(r"```yaml\n(.*?)\n```", section, re.S).group(1)


def test_readme_workflow_uses_only_real_inputs_and_outputs():
    action = yaml.safe_load((Path(__file__).resolve().parents[1] / "action.yml").read_text("utf-8"))
    workflow = yaml.safe_load(_readme_workflow())
    steps = workflow["jobs"]["hygiene"]["steps"]
    ours = [s for s in steps if s.get("id") == "hygiene"]
    assert len(ours) == 1
    assert set(ours[0]["with"]) <= set(action["inputs"])
    used = set(re.findall(r"steps\.hygiene\.outputs\.([a-z0-9-]+)", _readme_workflow()))
    assert used and used <= set(action["outputs"])
    assert workflow["jobs"]["hygiene"]["permissions"]["security-events"] == "write"
    for step in steps:
        if "uses" in step and step is not ours[0]:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_readme_workflow_is_a_valid_workflow(tmp_path):
    exe = Path(sys.executable).with_name("check-jsonschema")
    if not exe.exists() and shutil.which("check-jsonschema") is None:
        pytest.skip("check-jsonschema is not installed")
    workflow = tmp_path / "hygiene.yml"
    workflow.write_text(_readme_workflow().replace("<full commit sha>", "0" * 40), encoding="utf-8")
    run = subprocess.run(
        [str(exe) if exe.exists() else "check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
