"""uv's lockfile, ``uv.lock`` (format version 1).

Each ``[[package]]`` records where the package comes from in ``source`` (an inline table with
one key: ``registry``, ``git``, ``url``, ``path``, ``directory``, ``editable``, ``virtual``)
and the artifacts it may install from in ``sdist = {url, hash, size}`` and
``wheels = [{url, hash, size}]``. A git source is written with the resolved commit as its
fragment (``https://github.com/a/b?rev=main#<sha>``); a direct URL source keeps the URL in
``source`` and only the hash in ``sdist``/``wheels``.

The graph: ``dependencies = [{ name = "idna" }, …]`` and, per extra and per dependency group,
``[package.optional-dependencies]`` and ``[package.dev-dependencies]``. `requires` is every
name of the three (markers and extras are not edges of their own); the project's own entry
(``editable``/``virtual``) lists its direct dependencies the same way.
"""

from __future__ import annotations

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

_SOURCES = {
    "registry": SourceKind.REGISTRY,
    "git": SourceKind.VCS,
    "url": SourceKind.URL,
    "path": SourceKind.PATH,
    "directory": SourceKind.PATH,
    "editable": SourceKind.PATH,
    "virtual": SourceKind.VIRTUAL,
    "workspace": SourceKind.VIRTUAL,
}


def parse(path: str, text: str) -> Manifest:
    doc = load_toml(text)
    spans = toml_spans(text)

    dependencies: list[Dependency] = []
    settings: list[Setting] = []
    registries: set[str] = set()
    for key, entry, name, version, location in iter_packages(doc, "package", path, spans):

        kind, origin = _source(entry.get("source"))
        sdist = entry.get("sdist")
        sdist = sdist if isinstance(sdist, dict) else {}
        wheels = tables_in(entry.get("wheels"))
        artifacts = [sdist, *wheels] if sdist else wheels
        hashes = unique([h for h in (normalize_hash(a.get("hash")) for a in artifacts) if h])

        if kind is SourceKind.REGISTRY:
            urls = _urls(sdist, wheels)
            url = urls[0] if urls else None
            if origin and "://" in origin and origin not in registries:
                # A local flat index (a directory) is not an index a check can judge.
                registries.add(origin)
                settings.append(
                    Setting("index-url", origin, span_location(path, spans, key + ("source",)))
                )
        else:
            urls = _urls(sdist, wheels) if kind is SourceKind.URL else ()
            url = origin

        dependencies.append(
            locked(
                name,
                version,
                location,
                source=kind,
                hashes=hashes,
                url=url,
                artifact_urls=urls,
                editable=isinstance(entry.get("source"), dict) and "editable" in entry["source"],
                requires=_requires(entry, name),
            )
        )
    return Manifest(
        path=path,
        kind=ManifestKind.UV_LOCK,
        dependencies=tuple(dependencies),
        settings=tuple(settings),
    )


def _source(source: Any) -> tuple[SourceKind, str | None]:
    """The kind of a ``source`` value and what it names (index URL, git URL, path…)."""
    if isinstance(source, dict):
        for key, kind in _SOURCES.items():
            value = source.get(key)
            if isinstance(value, str):
                return kind, value
        return SourceKind.REGISTRY, None
    if isinstance(source, str):  # pre-1.0 lockfiles: "registry+https://pypi.org/simple"
        scheme, _, value = source.partition("+")
        if scheme in _SOURCES:
            return _SOURCES[scheme], value or None
    return SourceKind.REGISTRY, None


def _requires(entry: dict[str, Any], name: str) -> tuple[str, ...]:
    """Every package the entry depends on: its ``dependencies``, and those of each extra
    (``optional-dependencies``) and dependency group (``dev-dependencies``) the lock records."""
    names = table_names(entry.get("dependencies"))
    for key in ("optional-dependencies", "dev-dependencies"):
        table = entry.get(key)
        if isinstance(table, dict):
            for group in table.values():
                names += table_names(group)
    return requires(names, name)


def _urls(sdist: dict[str, Any], wheels: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(a["url"] for a in (sdist, *wheels) if isinstance(a.get("url"), str) and a["url"])
