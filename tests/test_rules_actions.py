"""GitHub Actions workflows and action metadata (HY110, HY111), and pre-commit (HY117):
exact (path, line, rule) for each form, with the negatives beside them."""

from __future__ import annotations

import pytest
from hygiene_testkit import finding, found

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
DIGEST = "sha256:" + "ab" * 32

WORKFLOW = f"""\
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    container: node:20
    services:
      db:
        image: postgres:16@{DIGEST}
      cache:
        image: redis:7
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@{SHA} # v5.3.0
      - uses: actions/cache@main
      - uses: github/codeql-action/upload-sarif@1b549b9
      - uses: docker://alpine:3.20
      - uses: docker://alpine@{DIGEST}
      - uses: ./local-action
      - uses: someone/deploy-action@v1.2.3
      - uses: someone/other@{SHA}
      - run: echo hi
  reuse:
    uses: acme/workflows/.github/workflows/build.yml@v2
  boxed:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/acme/builder:1.0
    steps:
      - uses: someone/deploy-action
"""


def test_workflow_references(tmp_path, scan_tree):
    report = scan_tree(tmp_path, {".github/workflows/ci.yml": WORKFLOW})
    assert found(report) == {
        (".github/workflows/ci.yml", 6, "HY111"),  # container: node:20
        (".github/workflows/ci.yml", 11, "HY111"),  # services.cache.image: redis:7
        (".github/workflows/ci.yml", 13, "HY110"),  # actions/checkout@v4
        (".github/workflows/ci.yml", 15, "HY110"),  # actions/cache@main
        (".github/workflows/ci.yml", 16, "HY110"),  # short sha
        (".github/workflows/ci.yml", 17, "HY111"),  # docker://alpine:3.20 (an image, never HY110)
        (".github/workflows/ci.yml", 20, "HY110"),  # someone/deploy-action@v1.2.3
        (".github/workflows/ci.yml", 24, "HY110"),  # reusable workflow at a tag
        (".github/workflows/ci.yml", 28, "HY111"),  # container mapping image
        (".github/workflows/ci.yml", 30, "HY110"),  # no ref at all
    }
    path = ".github/workflows/ci.yml"
    assert finding(report, path, 13, "HY110")["severity"] == "warning"  # actions/*
    assert finding(report, path, 16, "HY110")["severity"] == "warning"  # github/*
    assert finding(report, path, 20, "HY110")["severity"] == "error"
    assert finding(report, path, 16, "HY110")["message"] == (
        "`uses: github/codeql-action/upload-sarif@1b549b9` is pinned to a short commit id, not a full 40-hex commit id"
    )
    assert finding(report, path, 13, "HY110")["message"] == (
        "`uses: actions/checkout@v4` is pinned to the tag or branch `v4`, not a full commit id"
    )
    assert finding(report, path, 30, "HY110")["message"] == (
        "`uses: someone/deploy-action` is not pinned to any ref (the default branch is used)"
    )
    assert finding(report, path, 6, "HY111")["message"] == (
        "image `node:20` is not pinned by digest: its tag can be moved to another image"
    )
    f = finding(report, path, 20, "HY110")
    assert (f["package"], f["version_spec"], f["ecosystem"]) == ("someone/deploy-action", "v1.2.3", "github-actions")


def test_configured_severity_wins_over_the_first_party_warning(tmp_path, scan_tree):
    report = scan_tree(
        tmp_path,
        {".github/workflows/ci.yml": WORKFLOW, ".hygiene.toml": '[severity]\nHY110 = "note"\n'}
    )
    assert {f["severity"] for f in report["findings"] if f["rule"] == "HY110"} == {"note"}


def test_per_owner_policy_allows_tags_for_trusted_owners(tmp_path, scan_tree):
    report = scan_tree(
        tmp_path,
        {
            ".github/workflows/ci.yml": WORKFLOW,
            ".hygiene.toml": '[action-pins]\n"actions/*" = "ref-pin"\n"github/codeql-action" = "ref-pin"\n"acme" = "ref-pin"\n',
        }
    )
    assert {line for path, line, rule in found(report) if rule == "HY110"} == {20, 30}


def test_action_pins_must_name_a_known_policy(tmp_path):
    from hygiene_testkit import scan, write_tree

    write_tree(tmp_path, {".hygiene.toml": '[action-pins]\n"actions/*" = "trust"\n'})
    run = scan(tmp_path)
    assert run.code == 2
    assert "`action-pins` must map owner patterns" in run.stderr


def test_matrix_values_are_expanded_and_other_expressions_are_skipped(tmp_path, scan_tree):
    workflow = """\
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        image: ["python:3.12", "python:3.13@sha256:%s"]
        include:
          - image: "pypy:3.10"
    container: ${{ matrix.image }}
    steps:
      - uses: ${{ inputs.action }}
      - uses: docker://${{ matrix.missing }}
""" % ("cd" * 32)
    report = scan_tree(tmp_path, {".github/workflows/m.yml": workflow})
    assert found(report) == {(".github/workflows/m.yml", 9, "HY111")}
    messages = sorted(f["message"] for f in report["findings"])
    assert messages == [
        "image `pypy:3.10` is not pinned by digest: its tag can be moved to another image",
        "image `python:3.12` is not pinned by digest: its tag can be moved to another image",
    ]
    skipped = [s for s in report["skipped"] if s.get("path") == ".github/workflows/m.yml"]
    assert [s["reason"] for s in skipped] == [
        "line 11: `${{ inputs.action }}` depends on `${{ inputs.action }}`, which is not a literal matrix value; not judged",
        "line 12: `docker://${{ matrix.missing }}` depends on `${{ matrix.missing }}`, which is not a literal matrix value; not judged",
    ]


def test_non_posix_run_steps_are_listed_as_skipped(tmp_path, scan_tree):
    workflow = """\
jobs:
  win:
    runs-on: windows-latest
    steps:
      - run: choco install git
      - run: echo hi
        shell: bash
  py:
    runs-on: ubuntu-latest
    steps:
      - run: print(1)
        shell: python
"""
    report = scan_tree(tmp_path, {".github/workflows/w.yml": workflow})
    assert [(s["check"], s["reason"]) for s in report["skipped"] if s.get("path") == ".github/workflows/w.yml"] == [
        ("run step", "line 5: runs in `pwsh`, not a POSIX shell; its commands are not analysed"),
        ("run step", "line 11: runs in `python`, not a POSIX shell; its commands are not analysed"),
    ]


def test_actions_composite_docker_and_javascript(tmp_path, scan_tree):
    report = scan_tree(
        tmp_path,
        {
            "action.yml": f"runs:\n  using: docker\n  image: docker://ghcr.io/acme/tool:1\n",
            "pinned/action.yml": f"runs:\n  using: docker\n  image: docker://ghcr.io/acme/tool@{DIGEST}\n",
            "local/action.yaml": "runs:\n  using: docker\n  image: Dockerfile\n",
            "js/action.yml": "runs:\n  using: node20\n  main: index.js\n",
            "composite/action.yml": (
                "runs:\n  using: composite\n  steps:\n"
                "    - uses: actions/setup-node@v4\n"
                f"    - uses: acme/helper@{SHA} # v1.0.0\n"
                "    - run: echo no shell given\n"
            ),
        }
    )
    assert found(report) == {("action.yml", 3, "HY111"), ("composite/action.yml", 4, "HY110")}
    assert [s["reason"] for s in report["skipped"] if s.get("path") == "composite/action.yml"] == [
        "line 6: a composite action step without `shell:`; its commands are not analysed"
    ]


def test_only_top_level_workflow_files_are_workflows(tmp_path, scan_tree):
    report = scan_tree(
        tmp_path,
        {
            ".github/workflows/sub/not-run.yml": "jobs:\n  a:\n    steps:\n      - uses: a/b@v1\n",
            ".github/workflows/readme.md": "uses: a/b@v1\n",
            "workflows/ci.yml": "jobs:\n  a:\n    steps:\n      - uses: a/b@v1\n",
        }
    )
    assert found(report) == set()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("jobs: [1, 2\n", "invalid YAML: did not find expected ',' or ']'"),
        ("- just\n- a list\n", "a workflow must be a mapping, but the document is a list"),
        ("just a string\n", "a workflow must be a mapping, but the document is a scalar"),
        ("", "a workflow must be a mapping, but the document is empty"),
        ("a: !!python/object/apply:os.system ['echo pwned']\n", None),
    ],
)
def test_hostile_workflows_are_errors_and_other_files_still_report(tmp_path, text, reason):
    from hygiene_testkit import scan, write_tree

    write_tree(tmp_path, {".github/workflows/bad.yml": text, "requirements.txt": "six\n"})
    run = scan(tmp_path)
    assert ("requirements.txt", 1, "HY101") in found(run.report)
    errors = run.report["errors"]
    if reason is None:  # a tag asking for Python objects is just data: no error, nothing run
        assert errors == []
    else:
        assert [(e["path"], e["reason"]) for e in errors] == [(".github/workflows/bad.yml", reason)]


def test_alias_bomb_is_refused_quickly(tmp_path):
    import time

    from hygiene_testkit import scan, write_tree

    # 1,000 jobs that all alias one list of 1,000 steps: 20 kB of YAML, a million steps.
    steps = "s: &s [" + ", ".join(["{run: echo}"] * 1000) + "]"
    jobs = "\n".join(f"  j{i}: {{runs-on: x, steps: *s}}" for i in range(1000))
    bomb = f"{steps}\njobs:\n{jobs}\n"
    write_tree(tmp_path, {".github/workflows/bomb.yml": bomb, "requirements.txt": "six\n"})
    start = time.perf_counter()
    run = scan(tmp_path)
    assert time.perf_counter() - start < 5
    assert [(e["path"], e["reason"].split(" (")[0]) for e in run.report["errors"]] == [
        (".github/workflows/bomb.yml", "YAML expands to more than 200,000 nodes")
    ]
    assert ("requirements.txt", 1, "HY101") in found(run.report)


# -- pre-commit -----------------------------------------------------------------------------

PRE_COMMIT = f"""\
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.9
    hooks:
      - id: ruff
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: {SHA}  # frozen: v5.0.0
    hooks:
      - id: trailing-whitespace
  - repo: https://github.com/psf/black
    rev: main
    hooks: [{{id: black}}]
  - repo: https://github.com/short/sha
    rev: 1b549b9
    hooks: [{{id: x}}]
  - repo: local
    hooks:
      - id: mine
        entry: ./run.sh
        language: system
  - repo: meta
    hooks: [{{id: check-hooks-apply}}]
"""


def test_pre_commit_revs(tmp_path, scan_tree):
    report = scan_tree(tmp_path, {".pre-commit-config.yaml": PRE_COMMIT})
    assert found(report) == {
        (".pre-commit-config.yaml", 3, "HY117"),
        (".pre-commit-config.yaml", 11, "HY117"),
        (".pre-commit-config.yaml", 14, "HY117"),
    }
    f = finding(report, ".pre-commit-config.yaml", 3, "HY117")
    assert f["message"] == (
        "hook repository `https://github.com/astral-sh/ruff-pre-commit` is at `rev: v0.6.9`, "
        "pinned to the tag or branch `v0.6.9`, not a full commit id"
    )
    assert f["severity"] == "warning"


def test_frozen_comment_and_version_comment_are_recorded():
    from hygiene.parsers.pre_commit import parse as parse_pre_commit
    from hygiene.parsers.workflow import parse_workflow

    deps = parse_pre_commit(".pre-commit-config.yaml", PRE_COMMIT).dependencies
    assert [(d.location.line, d.version is not None, d.comment) for d in deps] == [
        (3, False, None),
        (7, True, "frozen: v5.0.0"),
        (11, False, None),
        (14, False, None),
    ]
    deps = parse_workflow("w.yml", WORKFLOW).dependencies
    assert [(d.location.line, d.comment) for d in deps if d.comment] == [(14, "v5.3.0")]


def test_a_workflow_over_the_size_limit_is_an_error_and_the_rest_is_reported(tmp_path):
    from hygiene_testkit import scan, write_tree

    big = "jobs:\n  a:\n    steps:\n" + "      - run: echo hi\n" * 60_000
    write_tree(
        tmp_path,
        {".github/workflows/big.yml": big, "requirements.txt": "six\n", ".hygiene.toml": "max-file-size = 1000000\n"},
    )
    run = scan(tmp_path)
    assert [e["path"] for e in run.report["errors"]] == [".github/workflows/big.yml"]
    assert run.report["errors"][0]["reason"] == "larger than the 1000000-byte limit (max-file-size); not read"
    assert ("requirements.txt", 1, "HY101") in found(run.report)
