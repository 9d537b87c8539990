"""HY109, second half: the manifest hash a lockfile records no longer matches the manifest.

The fixtures in ``tests/data/lockhash/<tool>-<version>-<variant>/`` are real manifest + lock
pairs, written by the tool named in the folder (poetry 1.8.5 / 2.5.1, pdm 2.19.3 / 2.29.3,
pipenv 2022.1.8 / 2024.0.1 / 2026.10.3) and left as the tool wrote them. Every edit made here
was checked, while the fixtures were made, against the tool's own staleness check
(``poetry check --lock``, ``pdm lock --check``, ``pipenv verify`` / the recorded hash of
pipenv 2022): the tool calls the lock stale exactly where hygiene reports HY109. Neither the
tools nor the network are needed here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hygiene_testkit import found

from hygiene.checks.manifests import _recorded_sha256
from hygiene.parsers import pdm_lock, pipfile, pipfile_lock, poetry_lock, pyproject
from hygiene.parsers.locate import load_toml
from hygiene.parsers.lock_hashes import (
    pdm_content_hashes,
    pipenv_hashes,
    poetry_content_hashes,
)

DATA = Path(__file__).parent / "data" / "lockhash"
FIXTURES = sorted(p.name for p in DATA.iterdir() if p.is_dir())
# A Pipfile without [[source]]: pipenv hashes the sources it injects from the locking
# machine's pip configuration, so nothing is compared (see test_pipfile_without_source_…).
NO_SOURCE = [f for f in FIXTURES if "nosource" in f]
COMPARED = [f for f in FIXTURES if f not in NO_SOURCE]

_LOCKS = {"poetry.lock": ("poetry", poetry_lock), "pdm.lock": ("pdm", pdm_lock), "Pipfile.lock": ("pipenv", pipfile_lock)}
_FIX = {"poetry": "poetry lock", "pdm": "pdm lock", "pipenv": "pipenv lock"}


def pair(name: str) -> tuple[str, str, str]:
    """(manifest file name, lock file name, tool) of a fixture."""
    folder = DATA / name
    lock = next(n for n in _LOCKS if (folder / n).exists())
    manifest = "Pipfile" if lock == "Pipfile.lock" else "pyproject.toml"
    return manifest, lock, _LOCKS[lock][0]


def files(name: str) -> dict[str, str]:
    manifest, lock, _ = pair(name)
    return {n: (DATA / name / n).read_text("utf-8") for n in (manifest, lock)}


def hash_line(name: str) -> int:
    """The line of the lock that records the manifest hash, as the lock parser locates it."""
    _, lock, _ = pair(name)
    parsed = _LOCKS[lock][1].parse(lock, (DATA / name / lock).read_text("utf-8"))
    assert parsed.content_hash_location is not None
    return parsed.content_hash_location.line


def hy109(report: dict) -> set[tuple[str, int, str]]:
    return {f for f in found(report) if f[2] == "HY109"}


def scan_edited(scan_tree, tmp_path: Path, name: str, edit) -> dict:
    manifest, _, _ = pair(name)
    tree = files(name)
    edited = edit(tree[manifest])
    assert edited != tree[manifest], "the edit must change the manifest"
    tree[manifest] = edited
    return scan_tree(tmp_path, tree)


# --- the edits (each checked against the tool itself) ----------------------------------------


def change_constraint(text: str) -> str:
    """six's version constraint: every tool hashes it."""
    if "1.16" in text:
        return text.replace("1.16", "1.15", 1)
    return text.replace('six = "*"', 'six = ">=1.15"', 1)


def add_dependency(text: str) -> str:
    if "[packages]\n" in text:
        return text.replace("[packages]\n", '[packages]\nurllib3 = "*"\n', 1)
    if "dependencies = [\n" in text:
        return text.replace("dependencies = [\n", 'dependencies = [\n    "urllib3",\n', 1)
    if 'dependencies = ["' in text:
        return text.replace('dependencies = ["', 'dependencies = ["urllib3", "', 1)
    return text.replace("[tool.poetry.dependencies]\n", '[tool.poetry.dependencies]\nurllib3 = "*"\n', 1)


def comments_and_blank_lines(text: str) -> str:
    return "# leading comment\n\n" + text.replace("\n[", "\n\n# a section follows\n[", 1) + "\n# trailing\n\n"


def unhashed_field(text: str) -> str:
    """A field no tool hashes: the project version, a pipenv script."""
    if 'version = "0.1.0"' in text:
        return text.replace('version = "0.1.0"', 'version = "0.2.0"', 1)
    if "[scripts]\n" in text:
        return text.replace("[scripts]\n", '[scripts]\nbye = "python -c 1"\n', 1)
    return text + '\n[scripts]\nbye = "python -c 1"\n'


# --- fresh locks ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMPARED)
def test_recorded_hash_is_one_hygiene_computes(name):
    manifest_name, lock_name, tool = pair(name)
    tree = files(name)
    parse = pipfile.parse if manifest_name == "Pipfile" else pyproject.parse
    manifest = parse(manifest_name, tree[manifest_name])
    lock = _LOCKS[lock_name][1].parse(lock_name, tree[lock_name])
    expected = dict(manifest.lock_hashes)[tool]
    assert _recorded_sha256(lock.content_hash) in expected


@pytest.mark.parametrize("name", FIXTURES)
def test_fresh_lock_is_not_reported(tmp_path, scan_tree, name):
    report = scan_tree(tmp_path, files(name))
    assert hy109(report) == set()
    assert report["errors"] == []


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("edit", [comments_and_blank_lines, unhashed_field])
def test_edit_the_tool_ignores_is_not_reported(tmp_path, scan_tree, name, edit):
    assert hy109(scan_edited(scan_tree, tmp_path, name, edit)) == set()


# --- stale locks ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMPARED)
def test_changed_constraint_is_reported_on_the_hash_line(tmp_path, scan_tree, name):
    manifest, lock, tool = pair(name)
    report = scan_edited(scan_tree, tmp_path, name, change_constraint)
    assert hy109(report) == {(lock, hash_line(name), "HY109")}
    (f,) = [f for f in report["findings"] if f["rule"] == "HY109"]
    assert f["message"].startswith(f"{lock} records a ")
    assert f" of {manifest} that no longer matches it" in f["message"]
    assert f"(run `{_FIX[tool]}`)" in f["message"]
    assert f["severity"] == "warning"


@pytest.mark.parametrize("name", COMPARED)
def test_added_dependency_is_reported_on_the_hash_line_and_where_declared(tmp_path, scan_tree, name):
    manifest, lock, _ = pair(name)
    report = scan_edited(scan_tree, tmp_path, name, add_dependency)
    on_manifest = {f for f in hy109(report) if f[0] == manifest}
    assert hy109(report) - on_manifest == {(lock, hash_line(name), "HY109")}
    # … and the membership half: urllib3 is absent from the lock, reported where declared.
    assert len(on_manifest) == 1
    (f,) = [f for f in report["findings"] if f["rule"] == "HY109" and f["path"] == manifest]
    assert f["package"] == "urllib3"


def test_message_names_tool_hash_field(tmp_path, scan_tree):
    fields = {"poetry-2.5-project-groups": "content-hash", "pdm-2.29-basic": "content_hash", "pipenv-2026-basic": "hash"}
    for name, field in fields.items():
        report = scan_edited(scan_tree, tmp_path / name, name, change_constraint)
        (f,) = [f for f in report["findings"] if f["rule"] == "HY109"]
        assert f" records a {field} of " in f["message"]


# --- what is deliberately not compared ---------------------------------------------------------


def test_pipfile_without_source_is_never_compared(tmp_path, scan_tree):
    # The same Pipfile, locked by the same pipenv on two machines (one with a pip.conf
    # extra-index-url): both locks are fresh there, their recorded hashes differ, and the lock
    # does not record the injected indexes.
    clean, pipconf = (files(n) for n in NO_SOURCE)
    assert clean["Pipfile"] == pipconf["Pipfile"]
    assert json.loads(clean["Pipfile.lock"])["_meta"]["hash"] != json.loads(pipconf["Pipfile.lock"])["_meta"]["hash"]
    assert json.loads(clean["Pipfile.lock"])["_meta"]["sources"] == json.loads(pipconf["Pipfile.lock"])["_meta"]["sources"]
    assert pipfile.parse("Pipfile", clean["Pipfile"]).lock_hashes == ()
    for name in NO_SOURCE:
        report = scan_edited(scan_tree, tmp_path / name, name, change_constraint)
        assert hy109(report) == set()


def test_pipenv_name_normalisation(tmp_path, scan_tree):
    # pipenv 2026 hashes PEP 503-normalised names, pipenv 2024 the names as written. Renaming
    # `Six` to `six`: the 2026 lock stays fresh for pipenv 2026 (stale only for 2024), so it
    # is not reported; the 2024 lock is stale for both.
    rename = lambda t: t.replace("Six = ", "six = ", 1)
    report = scan_edited(scan_tree, tmp_path / "a", "pipenv-2026-categories", rename)
    assert hy109(report) == set()
    report = scan_edited(scan_tree, tmp_path / "b", "pipenv-2024-categories", rename)
    assert hy109(report) == {("Pipfile.lock", hash_line("pipenv-2024-categories"), "HY109")}


def pdm_groups_pyproject() -> dict:
    return load_toml((DATA / "pdm-2.29-groups-source" / "pyproject.toml").read_text("utf-8"))


def test_pdm_hash_not_computed_when_pdm_would_not_compare_it():
    base = pdm_groups_pyproject()
    assert pdm_content_hashes(base)
    # A workspace root: the hash also covers every member's pyproject.toml.
    workspace = {**base, "tool": {"pdm": {**base["tool"]["pdm"], "workspace": {"members": ["packages/*"]}}}}
    assert pdm_content_hashes(workspace) == ()
    # Opted into lock inputs: pdm 2.29+ no longer compares the hash.
    inputs = {**base, "tool": {"pdm": {**base["tool"]["pdm"], "resolution": {"lock_inputs": True}}}}
    assert pdm_content_hashes(inputs) == ()
    # A group in both [dependency-groups] and [tool.pdm.dev-dependencies] (after pdm's name
    # normalisation): pdm 2.20+ appends one to the other in place on every hash it computes,
    # so what it records depends on how often it did (pdm 2.29.3 records its own lock stale).
    overlap = {**base, "tool": {"pdm": {**base["tool"]["pdm"], "dev-dependencies": {"LINT": ["idna"]}}}}
    assert pdm_content_hashes(overlap) == ()


def test_pdm_overlapping_groups_are_not_reported(tmp_path, scan_tree):
    name = "pdm-2.29-groups-source"
    report = scan_edited(scan_tree, tmp_path, name, lambda t: t.replace("test = [", "lint = [", 1))
    assert hy109(report) == set()


def test_lock_in_a_parent_folder_is_not_hash_compared(tmp_path, scan_tree):
    # pdm and uv keep a workspace's lock at its root; it hashes more than this manifest.
    tree = files("pdm-2.29-basic")
    report = scan_tree(tmp_path, {"member/pyproject.toml": change_constraint(tree["pyproject.toml"]), "pdm.lock": tree["pdm.lock"]})
    assert hy109(report) == set()


@pytest.mark.parametrize("recorded", ["0", "md5:" + "a" * 32, "sha1:" + "a" * 64, "sha256:" + "z" * 64, ""])
def test_a_recorded_value_that_is_not_sha256_is_not_compared(tmp_path, scan_tree, recorded):
    tree = files("poetry-2.5-project-groups")
    original = poetry_lock.parse("poetry.lock", tree["poetry.lock"]).content_hash
    tree["poetry.lock"] = tree["poetry.lock"].replace(original, recorded)
    tree["pyproject.toml"] = change_constraint(tree["pyproject.toml"])
    assert hy109(scan_tree(tmp_path, tree)) == set()


def test_recorded_sha256_normalisation():
    digest = "ab" * 32
    assert _recorded_sha256(digest) == digest
    assert _recorded_sha256("sha256:" + digest) == digest
    assert _recorded_sha256("SHA256:" + digest.upper()) == digest
    assert _recorded_sha256(" " + digest + "\n") == digest
    assert _recorded_sha256("md5:" + digest) is None
    assert _recorded_sha256(None) is None


# --- the algorithms' version differences ---------------------------------------------------------


def test_poetry_variants():
    # poetry 1.0–1.1 hash four [tool.poetry] keys (null when absent); 1.2+ add `group` when
    # present. The poetry 1.8 lock of a project with a group records the 1.2+ digest.
    data = load_toml((DATA / "poetry-1.8-groups-source" / "pyproject.toml").read_text("utf-8"))
    recorded = poetry_lock.parse("poetry.lock", (DATA / "poetry-1.8-groups-source" / "poetry.lock").read_text("utf-8")).content_hash
    digests = poetry_content_hashes(data)
    assert recorded in digests and len(digests) == 2
    no_group = {**data, "tool": {"poetry": {k: v for k, v in data["tool"]["poetry"].items() if k != "group"}}}
    assert len(poetry_content_hashes(no_group)) == 1  # 1.0 – 2.x agree without a group or [project]
    # poetry 2.3+ also hash [dependency-groups]; 2.0 – 2.2 did not, and 2.3+ accept both.
    project = load_toml((DATA / "poetry-2.5-project-groups" / "pyproject.toml").read_text("utf-8"))
    without = {k: v for k, v in project.items() if k != "dependency-groups"}
    assert set(poetry_content_hashes(without)) < set(poetry_content_hashes(project))


def test_pipenv_variants():
    # pipenv ≤ 2022 (pipfile library) ignores custom categories, 2023–2025 (plette) hash them
    # as written, 2026 hashes normalised names: three digests for a Pipfile with a category
    # and a name that normalisation changes.
    data = load_toml((DATA / "pipenv-2026-categories" / "Pipfile").read_text("utf-8"))
    assert len(pipenv_hashes(data)) == 3
    basic = load_toml((DATA / "pipenv-2026-basic" / "Pipfile").read_text("utf-8"))
    assert len(pipenv_hashes(basic)) == 1


def test_hash_of_an_unhashable_value_is_not_computed():
    # A TOML date: the tools' json.dumps fails on it, so no digest is expected.
    import datetime

    assert poetry_content_hashes({"tool": {"poetry": {"dependencies": {"a": datetime.date(2024, 1, 1)}}}}) == ()
