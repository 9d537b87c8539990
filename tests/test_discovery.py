"""Which files a scan reads: requirements files by name and folder, files named only by
``-r``, and the folders that never hold the repository's own manifests."""

from __future__ import annotations

import pytest
from hygiene_testkit import found, scan, write_tree

TREE = {
    "requirements-dev.txt": "a\n",
    "requirements/prod.txt": "b\n",
    "constraints.txt": "c>=1\n",
    "requirements.txt": "-r deps/base.pip\n",
    "deps/base.pip": "d\n",  # named only by `-r`
    "dev-requirements.txt": "e\n",
    "reqs/test.txt": "f\n",
    "tests/fixtures/requirements.txt": "g\n",
    # Never scanned:
    ".git/requirements.txt": "x1\n",
    "node_modules/pkg/requirements.txt": "x2\n",
    "venv/pyvenv.cfg": "home = /usr/bin\n",
    "venv/requirements.txt": "x3\n",
    "venv/lib/python3.11/requirements-x.txt": "x3b\n",
    "__pycache__/requirements.txt": "x4\n",
    "lib/python3.11/site-packages/pkg/requirements.txt": "x5\n",
    ".tox/py311/requirements.txt": "x6\n",
    "docs/notes.txt": "x7\n",  # a .txt that is not a requirements file
    "src/deps.pip": "x8\n",  # a .pip nobody includes
    # MANIFEST.in is not a pip-compile input: pip could not parse this as requirements.
    "MANIFEST.in": "include requirements.txt\nrecursive-include src *.py\n",
    "setup.py.in": "x9\n",
}

EXPECTED = {
    ("constraints.txt", 1, "HY102"),
    ("deps/base.pip", 1, "HY101"),
    ("dev-requirements.txt", 1, "HY101"),
    ("reqs/test.txt", 1, "HY101"),
    ("requirements-dev.txt", 1, "HY101"),
    ("requirements/prod.txt", 1, "HY101"),
    ("tests/fixtures/requirements.txt", 1, "HY101"),
}


def test_discovery_finds_requirements_and_skips_vendored_folders(tmp_path, scan_tree):
    r = scan_tree(tmp_path, TREE)
    assert found(r) == EXPECTED
    assert r["errors"] == []


def test_manifest_in_is_not_parsed(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"MANIFEST.in": "include requirements.txt\ngraft src\n", "requirements.txt": "a==1\n"})
    assert found(r) == {("requirements.txt", 1, "HY103")}
    assert r["errors"] == []
    assert r["summary"]["files"] == 1


@pytest.mark.parametrize(
    ("pattern", "gone"),
    [
        ("tests/fixtures/**", {"tests/fixtures/requirements.txt"}),
        ("tests", {"tests/fixtures/requirements.txt"}),
        ("requirements-*.txt", {"requirements-dev.txt"}),
        ("requirements/", {"requirements/prod.txt"}),
        ("./constraints.txt", {"constraints.txt"}),
    ],
)
def test_exclude_glob(tmp_path, pattern, gone):
    write_tree(tmp_path, TREE)
    run = scan(tmp_path, "--exclude", pattern)
    assert run.code == 0, run.stderr
    assert found(run.report) == {f for f in EXPECTED if f[0] not in gone}


def test_exclude_is_repeatable(tmp_path):
    write_tree(tmp_path, TREE)
    run = scan(tmp_path, "--exclude", "tests/**", "--exclude", "reqs")
    assert found(run.report) == {f for f in EXPECTED if f[0] not in {"tests/fixtures/requirements.txt", "reqs/test.txt"}}


def test_exclude_from_config(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {**TREE, ".hygiene.toml": 'exclude = ["tests/**", "dev-*"]\n'})
    assert found(r) == {f for f in EXPECTED if f[0] not in {"tests/fixtures/requirements.txt", "dev-requirements.txt"}}


def test_in_file_in_requirements_folder_without_compiled_sibling_is_concrete(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements/dev.in": "a\n", "requirements/prod.in": "b\n", "requirements/prod.txt": "b==1\n"})
    assert found(r) == {("requirements/dev.in", 1, "HY101"), ("requirements/prod.txt", 1, "HY103")}


def test_scanning_a_subfolder_reports_paths_relative_to_it(tmp_path):
    write_tree(tmp_path, {"svc/requirements.txt": "a\n", "requirements.txt": "b\n"})
    run = scan(tmp_path / "svc")
    assert found(run.report) == {("requirements.txt", 1, "HY101")}


def test_symlink_inside_the_root_is_read(tmp_path, scan_tree):
    write_tree(tmp_path, {"real/base.pip": "a\n"})
    (tmp_path / "requirements.txt").symlink_to(tmp_path / "real" / "base.pip")
    r = scan_tree(tmp_path, {})
    assert found(r) == {("requirements.txt", 1, "HY101")}
    assert r["errors"] == []
