"""The standard lockfile of PEP 751, ``pylock.toml`` / ``pylock.<name>.toml``.

Each ``[[packages]]`` entry has exactly one source: an index (``index`` plus ``sdist`` and/or
``wheels``), ``vcs = {type, url|path, requested-revision, commit-id}``,
``directory = {path, editable}`` or ``archive = {url|path, hashes}``. Hashes are tables keyed
by algorithm (``hashes = {sha256 = "…"}``).

An entry whose marker only selects it for dependency groups or extras (``'dev' in
dependency_groups``, ``'socks' in extras or 'all' in extras``) is installed only when one of
them is asked for: its `group` is the first of them, unless the lock's ``default-groups`` holds
one (installed by default). Any other marker (a platform, a Python version) leaves it ungrouped.

The graph is optional in PEP 751: ``dependencies = [{name = "idna"}, …]`` (each table
identifies another ``[[packages]]`` entry). `requires` is their names; None for an entry
without the key, since the lock then does not say.
"""

from __future__ import annotations

import re
from typing import Any

from hygiene.model import Dependency, Manifest, ManifestKind, Setting, SourceKind
from hygiene.parsers._lock import iter_packages, locked, requires, table_names
from hygiene.parsers.locate import (
    load_toml,
    normalize_hash,
    span_location,
    tables_in,
    toml_spans,
    unique,
)


def parse(path: str, text: str) -> Manifest:
    doc = load_toml(text)
    spans = toml_spans(text)

    dependencies: list[Dependency] = []
    settings: list[Setting] = []
    indexes: set[str] = set()
    defaults = doc.get("default-groups")
    defaults = {g for g in defaults if isinstance(g, str)} if isinstance(defaults, list) else set()
    for key, entry, name, version, location in iter_packages(doc, "packages", path, spans):

        sdist = _table(entry.get("sdist"))
        wheels = tables_in(entry.get("wheels"))
        vcs, directory, archive = (_table(entry.get(k)) for k in ("vcs", "directory", "archive"))
        artifacts = [a for a in (sdist, *wheels, archive) if a]
        urls: tuple[str, ...] = ()
        hashes = unique([h for a in artifacts for h in _hashes(a.get("hashes"))])
        editable = False

        if vcs:
            kind, url = SourceKind.VCS, _vcs_url(vcs)
        elif directory:
            kind = SourceKind.PATH
            url = directory.get("path") if isinstance(directory.get("path"), str) else None
            editable = directory.get("editable") is True
        elif archive:
            remote = _str(archive.get("url"))
            kind = SourceKind.URL if remote else SourceKind.PATH
            url = remote or _str(archive.get("path"))
        else:
            index_url = _str(entry.get("index"))
            urls = tuple(u for u in (_str(a.get("url")) for a in (sdist, *wheels)) if u)
            url = urls[0] if urls else None
            local = [p for p in (_str(a.get("path")) for a in (sdist, *wheels)) if p]
            if not index_url and not url and local:  # artifacts on disk only
                kind, url = SourceKind.PATH, local[0]
            else:
                kind = SourceKind.REGISTRY
            if index_url and index_url not in indexes:
                indexes.add(index_url)
                settings.append(
                    Setting("index-url", index_url, span_location(path, spans, key + ("index",)))
                )

        marker = _str(entry.get("marker"))
        dependencies.append(
            locked(
                name,
                version,
                location,
                source=kind,
                hashes=hashes,
                url=url,
                artifact_urls=urls,
                editable=editable,
                marker=marker,
                group=_selecting_group(marker, defaults),
                requires=_requires(entry, name),
            )
        )
    return Manifest(
        path=path,
        kind=ManifestKind.PYLOCK,
        dependencies=tuple(dependencies),
        settings=tuple(settings),
    )


_SELECTOR = r"""\s*(?:'([^'\\]+)'|"([^"\\]+)")\s+in\s+(dependency_groups|extras)\s*"""
_SELECTORS = re.compile(rf"\(?{_SELECTOR}\)?(?:\s+or\s+\(?{_SELECTOR}\)?)*")
_ONE = re.compile(_SELECTOR)


def _selecting_group(marker: str | None, defaults: set[str]) -> str | None:
    if not marker or _SELECTORS.fullmatch(marker.strip()) is None:
        return None
    names = [m.group(1) or m.group(2) for m in _ONE.finditer(marker)]
    kinds = {m.group(3) for m in _ONE.finditer(marker)}
    if "dependency_groups" in kinds and defaults & set(names):
        return None
    return names[0] if names else None


def _requires(entry: dict[str, Any], name: str) -> tuple[str, ...] | None:
    deps = entry.get("dependencies")
    return requires(table_names(deps), name) if isinstance(deps, list) else None


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _hashes(table: Any) -> list[str]:
    if not isinstance(table, dict):
        return []
    out = []
    for alg, digest in table.items():
        normal = normalize_hash(f"{alg}:{digest}") if isinstance(digest, str) else None
        if normal:
            out.append(normal)
    return out


def _vcs_url(vcs: dict[str, Any]) -> str | None:
    """A pip-style ``<type>+<url>@<commit-id>`` (``commit-id`` is required by PEP 751; the
    requested revision is used only when a hand-edited lock lacks it)."""
    url = _str(vcs.get("url")) or _str(vcs.get("path"))
    if url is None:
        return None
    vcs_type = _str(vcs.get("type")) or "git"
    if not url.startswith(vcs_type + "+"):
        url = f"{vcs_type}+{url}"
    ref = _str(vcs.get("commit-id")) or _str(vcs.get("requested-revision"))
    if ref:
        url = f"{url}@{ref}"
    subdirectory = _str(vcs.get("subdirectory"))
    if subdirectory:
        url = f"{url}#subdirectory={subdirectory}"
    return url
