"""The project's own GitHub files: action.yml and the workflows under .github/workflows.

- both match SchemaStore's schemas (check-jsonschema's vendored copies, so offline);
- zizmor's offline audits find nothing that matters, and no unpinned `uses:`;
- every `uses:` is the action itself (`./`) or pinned to a full commit SHA with a `# v…` comment;
- the self-test workflow only passes inputs, and only reads outputs, that action.yml declares;
- CI's `hygiene scan .` step passes on this repository.

Each check also has a negative test, so that a check which can no longer fail is noticed. The
external tools' tests skip only when check-jsonschema or zizmor is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml
from hygiene_testkit import run_cli

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])
SELF_TEST = WORKFLOWS_DIR / "self-test.yml"
CI = WORKFLOWS_DIR / "ci.yml"

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text("utf-8"))
    if True in data:  # YAML 1.1 reads a workflow's `on:` key as the boolean true
        data["on"] = data.pop(True)
    return data


def _offline_env() -> dict[str, str]:
    """The environment for the external tools: no GitHub token (zizmor's online audits would use
    one), no zizmor or gh settings from the caller, and every proxy pointed at a closed local
    port, so that a tool which tries the network fails at once instead of passing by luck."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"GH_TOKEN", "GITHUB_TOKEN", "GH_HOST", "NO_PROXY", "no_proxy"}
        and not key.startswith("ZIZMOR_")
    }
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env[key] = "http://127.0.0.1:9"
    return env


def _tool(name: str, module: str | None = None) -> list[str]:
    """The command for `name`: the executable beside sys.executable (the test environment's
    own), else ``python -m module``, else one on PATH; skip when none is installed."""
    beside = shutil.which(name, path=str(Path(sys.executable).parent))
    if beside:
        return [beside]
    if module and importlib.util.find_spec(module) is not None:
        return [sys.executable, "-m", module]
    on_path = shutil.which(name)
    if on_path:
        return [on_path]
    pytest.skip(f"{name} is not installed (pip install -e '.[test]')")


def _run(command: list[str], *args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*command, *map(str, args)],
        cwd=cwd,
        env=_offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_workflows_exist():
    names = {path.name for path in WORKFLOWS}
    assert {"ci.yml", "self-test.yml"} <= names, names


# --- SchemaStore's schemas (check-jsonschema) -------------------------------------------------


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return _run(_tool("check-jsonschema", "check_jsonschema"), "--builtin-schema", schema, *files)


def test_action_yml_matches_the_github_actions_schema():
    run = check_jsonschema("vendor.github-actions", ACTION)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok -- validation done" in run.stdout


def test_workflows_match_the_github_workflows_schema():
    run = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok -- validation done" in run.stdout


def _break_runs(data: dict) -> None:
    data["runs"]["bogus"] = 1


def _misspell_using(data: dict) -> None:
    data["runs"]["using"] = "dockerr"


def _drop_runs_on(data: dict) -> None:
    del next(iter(data["jobs"].values()))["runs-on"]


@pytest.mark.parametrize(
    ("source", "schema", "change", "valid"),
    [
        (ACTION, "vendor.github-actions", None, True),
        (ACTION, "vendor.github-actions", _break_runs, False),
        (ACTION, "vendor.github-actions", _misspell_using, False),
        (CI, "vendor.github-workflows", None, True),
        (CI, "vendor.github-workflows", _drop_runs_on, False),
    ],
    ids=["action-copy", "action-bogus-runs-key", "action-using-dockerr", "ci-copy", "ci-job-without-runs-on"],
)
def test_schema_check_rejects_a_broken_copy(tmp_path, source, schema, change, valid):
    # The unchanged copy goes through the same load and dump, so a rejection is the change's.
    data = _load(source)
    if change is not None:
        change(data)
    copy = tmp_path / source.name
    copy.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    run = check_jsonschema(schema, copy)
    if valid:
        assert run.returncode == 0, run.stdout + run.stderr
    else:
        assert run.returncode == 1, run.stdout + run.stderr
        assert "Schema validation errors were encountered" in run.stdout + run.stderr


# --- zizmor --------------------------------------------------------------------------------


@cache
def _zizmor_flags() -> tuple[str, ...]:
    """Offline JSON output, plus the flags this zizmor has for quiet, strict collection."""
    command = _tool("zizmor")
    help_text = _run(command, "--help").stdout
    flags = ["--offline", "--format", "json"]
    flags += [flag for flag in ("--no-progress", "--strict-collection") if flag in help_text]
    return (*command, *flags)


def zizmor(*inputs: Path | str, cwd: Path = ROOT, extra: tuple[str, ...] = ()) -> list[dict]:
    """zizmor's findings on `inputs`, without those an inline or configured ignore covers."""
    run = _run([*_zizmor_flags(), *extra], *inputs, cwd=cwd)
    # 0: no findings; 10-14: findings, by highest severity; anything else is a failure.
    assert run.returncode == 0 or 10 <= run.returncode <= 14, run.stdout + run.stderr
    return [finding for finding in json.loads(run.stdout or "[]") if not finding.get("ignored")]


def _serious(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["determinations"]["severity"].lower() in {"medium", "high"}]


def _summary(findings: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (f["ident"], f["determinations"]["severity"], f["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"])
        for f in findings
    ]


def test_zizmor_finds_no_unpinned_uses_and_nothing_serious():
    findings = zizmor(".github/workflows", "action.yml")
    assert not [f for f in findings if f["ident"] == "unpinned-uses"], _summary(findings)
    assert not _serious(findings), _summary(findings)


UNSAFE_WORKFLOW = """\
name: unsafe
on: pull_request_target
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_zizmor_flags_a_tag_pinned_action_and_template_injection(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "unsafe.yml").write_text(UNSAFE_WORKFLOW, "utf-8")
    findings = zizmor(workflows / "unsafe.yml", cwd=tmp_path, extra=("--no-config",))
    idents = {f["ident"] for f in findings}
    assert "unpinned-uses" in idents, _summary(findings)
    assert "template-injection" in idents, _summary(findings)
    assert _serious(findings), _summary(findings)


# --- pins, read from the lines (YAML loses the comments) -----------------------------------

USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<value>[^\s#]+)(?P<rest>.*)$")
PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+(?:/[^@\s]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(?:\.\d+)*\b")


def uses_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, value, rest of the line) of every `uses:` line."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = USES_LINE.match(line)
        if match:
            out.append((number, match["value"].strip("'\""), match["rest"]))
    return out


def pin_problems(text: str) -> list[str]:
    """Every `uses:` that is neither the repository itself nor pinned to a full commit SHA with
    a `# v…` comment naming the version."""
    problems = []
    for number, value, rest in uses_lines(text):
        if value == "./" or value.startswith("./"):
            continue
        if not PINNED.match(value):
            problems.append(f"line {number}: {value} is not pinned to a full 40-hex commit SHA")
        elif not VERSION_COMMENT.match(rest):
            problems.append(f"line {number}: {value} has no `# v…` version comment")
    return problems


def yaml_uses(data: dict) -> list[str]:
    """Every `uses` value the YAML holds: reusable-workflow jobs and steps."""
    out = []
    for job in (data.get("jobs") or {}).values():
        if "uses" in job:
            out.append(job["uses"])
        out += [step["uses"] for step in job.get("steps") or [] if "uses" in step]
    return out


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_uses_is_local_or_pinned_by_sha_with_a_version_comment(workflow):
    text = workflow.read_text("utf-8")
    assert pin_problems(text) == []
    # The line scan saw every `uses:` the YAML holds (none hides in a flow mapping).
    assert sorted(value for _, value, _ in uses_lines(text)) == sorted(yaml_uses(yaml.safe_load(text)))


def test_pin_check_rejects_tags_short_shas_and_missing_comments():
    text = (
        "steps:\n"
        "  - uses: actions/checkout@v4\n"
        f"  - uses: actions/setup-python@{SHA[:12]} # v5.3.0\n"
        f"  - uses: actions/upload-artifact@{SHA}\n"
        f"  - uses: github/codeql-action/upload-sarif@{SHA} # pinned\n"
        "  - uses: docker://alpine:3.20\n"
        f"  - uses: actions/checkout@{SHA} # v4.2.2\n"
        f"  - {{name: flow, uses: 'github/codeql-action/upload-sarif@{SHA}'}} # v3.27.5\n"
        "  - uses: ./\n"
    )
    problems = pin_problems(text)
    assert [problem.split(":")[0] for problem in problems] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    # A `uses:` in a flow mapping escapes the line scan; the YAML comparison notices it.
    assert len(uses_lines(text)) == 7 != len(yaml_uses({"jobs": {"j": yaml.safe_load(text)}}))


# --- the self-test workflow against action.yml ----------------------------------------------

OUTPUT_REF = re.compile(
    r"\bsteps\.(?P<id>[A-Za-z_][\w-]*)\.outputs(?:\.(?P<name>[A-Za-z_][\w-]*)|\[\s*'(?P<quoted>[^']+)'\s*\])"
)


def interface_problems(workflow_text: str, action: dict) -> list[str]:
    """Inputs passed to `uses: ./` steps that action.yml does not declare (or required ones not
    passed), and `steps.<id>.outputs.<name>` references it does not declare or whose step does
    not exist."""
    inputs = action.get("inputs") or {}
    outputs = action.get("outputs") or {}
    problems = []
    local_ids, all_ids = set(), set()
    for job_name, job in (yaml.safe_load(workflow_text).get("jobs") or {}).items():
        for step in job.get("steps") or []:
            if "id" in step:
                all_ids.add(step["id"])
            if str(step.get("uses", "")).strip() != "./":
                continue
            if "id" in step:
                local_ids.add(step["id"])
            given = set(step.get("with") or {})
            problems += [f"{job_name}: unknown input {key!r}" for key in sorted(given - set(inputs))]
            problems += [
                f"{job_name}: required input {key!r} not given"
                for key, spec in inputs.items()
                if (spec or {}).get("required") and "default" not in (spec or {}) and key not in given
            ]
    for match in OUTPUT_REF.finditer(workflow_text):
        step_id, name = match["id"], match["name"] or match["quoted"]
        if step_id not in all_ids:
            problems.append(f"steps.{step_id}: no step has that id")
        elif step_id in local_ids and name not in outputs:
            problems.append(f"steps.{step_id}.outputs.{name}: action.yml has no such output")
    return problems


def test_self_test_uses_only_inputs_and_outputs_action_yml_declares():
    text = SELF_TEST.read_text("utf-8")
    assert interface_problems(text, _load(ACTION)) == []
    # Not vacuous: the workflow runs the action and reads the outputs it asserts on.
    steps = [step for job in yaml.safe_load(text)["jobs"].values() for step in job.get("steps", [])]
    local = [step for step in steps if step.get("uses") == "./"]
    assert [step.get("id") for step in local] == ["hygiene"]
    assert local[0]["with"]["path"] == "examples/webapp"
    assert local[0]["with"]["fail-on"] == "never"
    read = {match["name"] or match["quoted"] for match in OUTPUT_REF.finditer(text) if match["id"] == "hygiene"}
    assert {"findings", "cli-1", "sarif-path"} <= read


def test_interface_check_rejects_unknown_inputs_and_outputs():
    action = {
        "inputs": {"path": {"default": "."}, "token": {"required": True}},
        "outputs": {"findings": {}, "cli-1": {}},
    }
    workflow = """\
jobs:
  check:
    steps:
      - id: hygiene
        uses: ./
        with:
          pth: examples/webapp
      - env:
          OK: ${{ steps.hygiene.outputs.findings }}
          ALSO_OK: ${{ steps.hygiene.outputs['cli-1'] }}
          TYPO: ${{ steps.hygiene.outputs.finding }}
          QUOTED: ${{ steps.hygiene.outputs['cli-9'] }}
          ELSEWHERE: ${{ steps.hygeine.outputs.findings }}
        run: "true"
"""
    assert interface_problems(workflow, action) == [
        "check: unknown input 'pth'",
        "check: required input 'token' not given",
        "steps.hygiene.outputs.finding: action.yml has no such output",
        "steps.hygiene.outputs.cli-9: action.yml has no such output",
        "steps.hygeine: no step has that id",
    ]


# --- CI's self-scan ---------------------------------------------------------------------------


def test_ci_scans_the_repository_and_the_scan_passes():
    runs = [step.get("run", "") for job in _load(CI)["jobs"].values() for step in job.get("steps", [])]
    assert "hygiene scan ." in runs
    run = run_cli("scan", str(ROOT), "--no-color")
    assert run.code == 0, run.stdout + run.stderr
