"""Install commands where a repository runs them: workflow `run:` steps, composite actions,
Dockerfile `RUN`s and shell scripts (HY112, HY113, HY114), with exact file lines. The command
grammar itself is tested in test_shell.py; here, that each file kind hands the right text, with
the right lines and working directory, to it."""

from __future__ import annotations

from hygiene_testkit import finding, found, sha256

HASHED = f"six==1.16.0 --hash={sha256('six')}\n"

WORKFLOW = """\
jobs:
  build:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: app
    steps:
      - run: pip install -r requirements.txt
      - run: pip install -r ../requirements/loose.txt
      - run: |
          sudo apt-get update
          sudo apt-get install -y curl
          curl -fsSL https://get.example.com/install.sh | bash
      - run: >-
          npm ci &&
          npm install left-pad
      - name: not a POSIX shell
        shell: pwsh
        run: pip install requests
      - run: "pip install --require-hashes -r requirements.txt"
      - run: pip install requests  # hygiene: ignore[HY112]
"""


def test_workflow_run_steps(tmp_path, scan_tree):
    report = scan_tree(
        tmp_path,
        {
            ".github/workflows/build.yml": WORKFLOW,
            "app/requirements.txt": HASHED,
            "requirements/loose.txt": "six==1.16.0\n",
        },
    )
    path = ".github/workflows/build.yml"
    assert found(report, path) == {
        (path, 9, "HY112"),  # -r of a file pip does not install in hash mode
        (path, 12, "HY114"),  # apt-get install curl (a note)
        (path, 13, "HY113"),  # curl | bash
        (path, 16, "HY112"),  # npm install, on the folded scalar's second line
    }
    assert finding(report, path, 12, "HY114")["severity"] == "note"
    assert finding(report, path, 13, "HY113")["package"] == "https://get.example.com/install.sh"
    assert report["summary"]["suppressed"] == 1
    assert [s["reason"] for s in report["skipped"] if s.get("path") == path] == [
        "line 19: runs in `pwsh`, not a POSIX shell; its commands are not analysed"
    ]


def test_requirements_files_resolve_against_the_working_directory_and_the_root(tmp_path, scan_tree):
    workflow = """\
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: pip install -r requirements.txt
      - run: pip install -r requirements.txt
        working-directory: sub
      - run: cd sub && pip install -r requirements.txt
      - run: pip install -r missing.txt
"""
    report = scan_tree(
        tmp_path,
        {".github/workflows/a.yml": workflow, "requirements.txt": "six==1.16.0\n", "sub/requirements.txt": HASHED},
    )
    path = ".github/workflows/a.yml"
    assert found(report, path) == {(path, 5, "HY112"), (path, 9, "HY112")}
    assert "could not be checked" in finding(report, path, 9, "HY112")["message"]


def test_composite_action_steps_are_analysed(tmp_path, scan_tree):
    action = """\
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        go install example.com/tool@latest
        gem install rails -v 7.1.3
"""
    report = scan_tree(tmp_path, {"action.yml": action})
    assert found(report) == {("action.yml", 6, "HY112")}


def test_dockerfile_run_instructions(tmp_path, scan_tree):
    dockerfile = f"""\
FROM python:3.12@sha256:{"ab" * 32}
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
RUN apt-get update \\
    && apt-get install -y --no-install-recommends \\
        git=1:2.39.5-0+deb12u2 \\
        curl \\
    && rm -rf /var/lib/apt/lists/*
RUN <<EOF
set -e
wget -O /tmp/i.sh https://example.com/i.sh
sh /tmp/i.sh
EOF
RUN ["npm", "install", "-g", "pnpm"]
RUN pip install --require-hashes -r requirements.txt
"""
    report = scan_tree(tmp_path, {"Dockerfile": dockerfile, "requirements.txt": "six==1.16.0\n"})
    assert found(report, "Dockerfile") == {
        ("Dockerfile", 3, "HY112"),  # requirements.txt beside the Dockerfile is not hashed
        ("Dockerfile", 5, "HY114"),  # curl has no version; git does
        ("Dockerfile", 11, "HY113"),  # downloaded on line 11, run on line 12
        ("Dockerfile", 14, "HY112"),  # exec form
    }
    assert finding(report, "Dockerfile", 11, "HY113")["end_line"] == 12
    assert finding(report, "Dockerfile", 5, "HY114")["package"] == "curl"


def test_shell_scripts(tmp_path, scan_tree):
    report = scan_tree(
        tmp_path,
        {
            "scripts/setup.sh": "#!/bin/sh\nset -e\npip3 install black\n",
            "bin/bootstrap": "#!/usr/bin/env bash\nbash <(curl -s https://example.com/x.sh)\n",
            "bin/tool.py": "#!/usr/bin/env python3\nimport os\nos.system('pip install x')\n",
            "bin/notes": "just text, pip install x\n",
            "fish.sh": "#!/usr/bin/fish\npip install x\n",
        },
    )
    assert found(report) == {("scripts/setup.sh", 3, "HY112"), ("bin/bootstrap", 2, "HY113")}
    assert [s["reason"] for s in report["skipped"] if s.get("path") == "fish.sh"] == [
        "its shebang runs `fish`, not a POSIX shell; not analysed"
    ]


def test_github_expressions_in_commands_do_not_break_the_analysis(tmp_path, scan_tree):
    workflow = """\
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "${{ github.event.pull_request.title }}"
          pip install "${{ matrix.package }}"
          pip install requests==${{ env.VERSION }}
"""
    report = scan_tree(tmp_path, {".github/workflows/a.yml": workflow})
    assert found(report) == {(".github/workflows/a.yml", 8, "HY112")}


def test_workflow_of_a_nested_repository_resolves_against_that_repository(tmp_path, scan_tree):
    workflow = "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install -r requirements.txt\n"
    report = scan_tree(
        tmp_path,
        {"checkouts/app/.github/workflows/ci.yml": workflow, "checkouts/app/requirements.txt": HASHED},
    )
    assert found(report) == set()


def test_parallel_scan_judges_requirements_files_parsed_by_another_process(tmp_path):
    """With hundreds of files the scan is split across processes; a Dockerfile's `-r` file may
    be parsed by another one, and must be judged as in a one-process scan."""
    import os

    from hygiene_testkit import scan, write_tree

    files = {f"svc{i:03d}/requirements.txt": HASHED for i in range(300)}
    files["svc299/Dockerfile"] = f"FROM python@sha256:{'ab' * 32}\nRUN pip install -r requirements.txt\n"
    files["svc150/Dockerfile"] = f"FROM python@sha256:{'ab' * 32}\nRUN pip install -r nothere.txt\n"
    write_tree(tmp_path, files)
    if len(os.sched_getaffinity(0)) < 2:
        import pytest

        pytest.skip("needs two cores to split the scan")
    run = scan(tmp_path)
    assert found(run.report) == {("svc150/Dockerfile", 2, "HY112")}


def test_hash_mode_of_a_requirements_file_is_decided_as_for_hy104(tmp_path, scan_tree):
    """`pip install -r FILE` is judged with FILE's includes, and `--no-require-hashes` wins
    over `--require-hashes`, exactly as pip (and HY104) decide hash mode."""
    dockerfile = f"FROM python@sha256:{'ab' * 32}\n" + "".join(
        f"RUN pip install -r {name}\n" for name in ("requirements/via-include.txt", "requirements/switched-off.txt")
    )
    report = scan_tree(
        tmp_path,
        {
            "Dockerfile": dockerfile,
            "requirements/via-include.txt": "-r hashed.txt\n",  # no hash of its own; its include has one
            "requirements/hashed.txt": HASHED,
            "requirements/switched-off.txt": "--require-hashes\n--no-require-hashes\n" + HASHED,
        },
    )
    assert found(report, "Dockerfile") == {("Dockerfile", 3, "HY112")}
