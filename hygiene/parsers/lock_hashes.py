"""The manifest hash each locking tool records in its lockfile, recomputed from the manifest.

Poetry, PDM and pipenv each write into their lockfile a SHA-256 of the parts of the manifest
that matter for resolution (``poetry.lock`` ``metadata.content-hash``, ``pdm.lock``
``metadata.content_hash``, ``Pipfile.lock`` ``_meta.hash.sha256``). When the manifest changes
in one of those parts, the recorded hash no longer matches and the tool itself refuses or
re-resolves the lock (``poetry check --lock``, ``pdm lock --check``, ``pipenv install
--deploy``): the lockfile is stale (HY109).

Each function here mirrors one tool's own code, read from its released source, and returns
*every* digest that some release of the tool would have recorded for this manifest, so that a
lock written by any of them matches. A function returns ``()`` whenever the recorded hash
cannot be determined from the manifest alone (it depends on the locking machine, on other
files, or on the tool's own non-deterministic state); then nothing is compared. A wrong
recomputation would report a freshly generated lock as stale, which is worse than saying
nothing.

All three tools serialise a dict with Python's ``json.dumps(..., sort_keys=True)`` (with
``ensure_ascii``) and hash its UTF-8 bytes; the TOML values are the same whether the tool
loaded them with ``tomllib``, ``toml`` or ``tomlkit``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any


def _sha256(data: Any, separators: tuple[str, str] | None = None) -> str | None:
    try:
        text = json.dumps(data, sort_keys=True, separators=separators)
    except (TypeError, ValueError):  # a TOML date/time: the tool itself could not hash it
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digests(*candidates: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in candidates if c))


def _table(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


# --- poetry ---------------------------------------------------------------------------------

_POETRY_LEGACY_KEYS = ("dependencies", "source", "extras", "dev-dependencies")
_POETRY_KEYS = _POETRY_LEGACY_KEYS + ("group",)
_POETRY_PROJECT_KEYS = ("requires-python", "dependencies", "optional-dependencies")


def poetry_content_hashes(pyproject: dict[str, Any]) -> tuple[str, ...]:
    """``metadata.content-hash`` of ``poetry.lock`` (``Locker._get_content_hash``).

    Mirrors poetry 1.0 – 2.5 (lock-version 1.0 – 2.1; source read in 1.0.10, 1.1.15, 1.2.0,
    1.8.5, 2.0.0, 2.1.4, 2.2.1, 2.3.0 and 2.5.1), whose releases differ in what they hash:

    - 1.0 – 1.1: the ``[tool.poetry]`` keys ``dependencies``, ``dev-dependencies``,
      ``source`` and ``extras``, each present (``null`` when absent);
    - 1.2 – 1.8: the same, plus ``group`` when present;
    - 2.0 – 2.2: when ``[project]`` has ``requires-python``, ``dependencies`` or
      ``optional-dependencies``: ``{"project": those, "tool": {"poetry": <the 1.2 keys that
      are present>}}``, else as 1.2;
    - 2.3 and later: as 2.0, plus the whole PEP 735 ``[dependency-groups]`` table when it is
      not empty (2.3+ still accept a lock whose hash was computed without it, when the lock
      was written by a poetry older than 2.3).

    Which release wrote a lock shows only in its header comment (``lock-version`` 2.0 spans
    1.3 – 2.x), which the lock parser does not keep, so every variant is returned.
    """
    tool_poetry = _table(_table(pyproject.get("tool")).get("poetry"))
    # 1.0 – 1.1
    v10 = {key: tool_poetry.get(key) for key in _POETRY_LEGACY_KEYS}
    # 1.2 – 1.8
    v12 = {key: tool_poetry.get(key) for key in _POETRY_KEYS if key in _POETRY_LEGACY_KEYS or tool_poetry.get(key) is not None}
    return _digests(
        _sha256(v10),
        _sha256(v12),
        _sha256(_poetry2(pyproject, tool_poetry, with_dependency_groups=False)),
        _sha256(_poetry2(pyproject, tool_poetry, with_dependency_groups=True)),
    )


def _poetry2(pyproject: dict[str, Any], tool_poetry: dict[str, Any], *, with_dependency_groups: bool) -> dict:
    project = _table(pyproject.get("project"))
    groups = pyproject.get("dependency-groups", {}) if with_dependency_groups else {}
    relevant_project = {key: project[key] for key in _POETRY_PROJECT_KEYS if project.get(key) is not None}
    relevant_poetry = {}
    for key in _POETRY_KEYS:
        data = tool_poetry.get(key)
        if data is None and (key not in _POETRY_LEGACY_KEYS or relevant_project or groups):
            continue
        relevant_poetry[key] = data
    content: dict[str, Any] = {}
    if relevant_project:
        content["project"] = relevant_project
    if groups:
        content["dependency-groups"] = groups
    if content:
        content["tool"] = {"poetry": relevant_poetry}
        return content
    return relevant_poetry


# --- pdm ------------------------------------------------------------------------------------


def _pdm_group(name: str) -> str:
    # pdm.utils.normalize_name: every run of characters other than ASCII letters and digits.
    return re.sub(r"[^A-Za-z0-9]+", "-", name).lower()


def pdm_content_hashes(pyproject: dict[str, Any]) -> tuple[str, ...]:
    """``metadata.content_hash`` of ``pdm.lock`` (``sha256:`` + ``PyProject.content_hash``).

    Mirrors pdm 1.0 – 2.29 (lock_version 3.x – 4.5.1; source read in 1.0.0, 1.5.0, 1.15.5,
    2.0.0, 2.4.0, 2.8.0, 2.12.0, 2.16.0, 2.19.0, 2.20.0, 2.22.0, 2.25.0 and 2.29.3). Every
    release hashes ``sources`` (``[[tool.pdm.source]]``), and ``dependencies``,
    ``optional-dependencies`` and ``requires-python`` from ``[project]``; they differ in the
    rest:

    - 1.0: ``dev-dependencies`` from ``[project]``;
    - 1.5: ``dev-dependencies`` from ``[tool.pdm]``;
    - 1.15 – 2.12: also ``overrides``: ``[tool.pdm.overrides]`` (1.15, 2.0), that table or
      else ``[tool.pdm.resolution.overrides]`` (2.4, 2.8), only the latter (2.12);
    - 2.16 – 2.19: ``resolution``, the whole ``[tool.pdm.resolution]`` table, instead;
    - 2.20 and later: ``dev-dependencies`` also merges PEP 735 ``[dependency-groups]``, under
      pdm's normalised group names.

    Nothing is returned when pdm would not record (or not read) the hash: a workspace root
    (``[tool.pdm.workspace]``: the hash also covers every member's pyproject), a project
    that opted into ``[tool.pdm.resolution] lock_inputs = true`` (pdm 2.29+ then compares
    lock inputs, not the hash), or a group named both in ``[dependency-groups]`` and in
    ``[tool.pdm.dev-dependencies]`` (pdm 2.20+ merges them by appending in place each time it
    computes the hash, so the recorded digest depends on how often it did so).
    """
    project = _table(pyproject.get("project"))
    pdm = _table(_table(pyproject.get("tool")).get("pdm"))
    resolution = _table(pdm.get("resolution"))
    if pdm.get("workspace") or resolution.get("lock_inputs") is True:
        return ()
    common = {
        "sources": pdm.get("source", []),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "requires-python": project.get("requires-python", ""),
    }
    dev = pdm.get("dev-dependencies", {})
    overrides = (
        pdm.get("overrides", {}),  # 1.15, 2.0
        pdm["overrides"] if "overrides" in pdm else resolution.get("overrides", {}),  # 2.4, 2.8
        resolution.get("overrides", {}),  # 2.12
    )
    candidates = [
        {**common, "dev-dependencies": project.get("dev-dependencies", [])},  # 1.0
        {**common, "dev-dependencies": dev},  # 1.5
        *({**common, "dev-dependencies": dev, "overrides": o} for o in overrides),  # 1.15 – 2.12
        {**common, "dev-dependencies": dev, "resolution": pdm.get("resolution", {})},  # 2.16 – 2.19
    ]
    merged = _pdm_dev_dependencies(pyproject.get("dependency-groups", {}), dev)
    if merged is None:
        return ()
    candidates.append({**common, "dev-dependencies": merged, "resolution": pdm.get("resolution", {})})
    return _digests(*(_sha256(c) for c in candidates))


def _pdm_dev_dependencies(dependency_groups: Any, dev: Any) -> dict[str, list] | None:
    """``PyProject.dev_dependencies`` of pdm 2.20+, or None when pdm's own result would not be
    deterministic (see `pdm_content_hashes`) or pdm would refuse the file."""
    if not isinstance(dependency_groups, dict) or not isinstance(dev, dict):
        return None
    groups: dict[str, list] = {}
    for group, deps in dependency_groups.items():
        group = _pdm_group(group)
        if group in groups or not isinstance(deps, list):
            return None  # pdm: "The group … is duplicated in dependency-groups"
        groups[group] = list(deps)
    for group, deps in dev.items():
        group = _pdm_group(group)
        if group in groups or not isinstance(deps, list):
            return None
        groups[group] = list(deps)
    return groups


# --- pipenv ---------------------------------------------------------------------------------

# plette's PIPFILE_SECTIONS: tables of a Pipfile that are not package categories.
_PIPFILE_SECTIONS = frozenset({"source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv"})


def pipenv_hashes(pipfile: dict[str, Any]) -> tuple[str, ...]:
    """``_meta.hash.sha256`` of ``Pipfile.lock`` (``calculate_pipfile_hash``).

    Mirrors pipenv 2018.11 – 2026.10 (source read in 2018.11.26, 2020.11.15, 2022.1.8,
    2023.2.4, 2024.0.1, 2025.0.1 and 2026.10.3), which hash ``{"_meta": {"sources",
    "requires"}, "default": [packages], "develop": [dev-packages], ...}`` with compact
    separators:

    - 2018.11 – 2022.x (the ``pipfile`` library): only those four;
    - 2023.x – 2025.x (plette ``Pipfile.get_hash``): plus every other package category
      (a table that is not one of plette's sections), under its own name;
    - a later release (2026.10.3 does): the same, with every package name PEP 503-normalised.

    Nothing is returned for a Pipfile without ``[[source]]``: pipenv then hashes the sources
    it injects, which come from the locking machine's pip configuration (``index-url``,
    ``extra-index-url``) or ``PIPENV_TEST_INDEX``, and are not all written to the lock.
    """
    sources = pipfile.get("source")
    if not sources:
        return ()
    meta = {"sources": sources, "requires": pipfile.get("requires", {})}
    packages = pipfile.get("packages", {})
    dev_packages = pipfile.get("dev-packages", {})
    categories = {
        name: table
        for name, table in pipfile.items()
        if name not in _PIPFILE_SECTIONS and name not in ("default", "develop")
    }
    if not all(isinstance(t, dict) for t in (packages, dev_packages, *categories.values())):
        return ()

    def canonical(section: dict) -> dict:
        # packaging.utils.canonicalize_name (no stripping, unlike hygiene's normalize_name)
        return {re.sub(r"[-_.]+", "-", name).lower(): value for name, value in section.items()}

    old = {"_meta": meta, "default": packages, "develop": dev_packages}
    plette = {**old, **categories}
    normalised = {
        "_meta": meta,
        "default": canonical(packages),
        "develop": canonical(dev_packages),
        **{name: canonical(table) for name, table in categories.items()},
    }
    compact = (",", ":")
    return _digests(_sha256(old, compact), _sha256(plette, compact), _sha256(normalised, compact))
