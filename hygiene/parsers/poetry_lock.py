"""Poetry's lockfile, ``poetry.lock`` (lock-version 1.x and 2.x).

Lock-version 1.x keeps the artifacts apart from the packages, in ``[metadata.files]`` keyed by
package name (``requests = [{file = "…", hash = "sha256:…"}]``); 2.x moved them into each
``[[package]]`` as ``files = [{file, hash}]``. A package that does not come from PyPI has a
``[package.source]`` table whose ``type`` is ``git``, ``url``, ``directory``, ``file`` or an
index (``legacy``, ``explicit``, ``supplemental``, ``primary``). Groups are ``category``
(``"main"``/``"dev"``) in 1.x and ``groups = [...]`` in 2.1.

The graph: ``[package.dependencies]`` keyed by name (the value a constraint, a table with
``optional``/``markers``/``extras``, or an array of them). `requires` is every key, optional
ones included: the lock does not say which extras of a package are in use. Poetry records no
entry for the project itself.
"""

from __future__ import annotations

from typing import Any

from hygiene.model import (
    Dependency,
    Manifest,
    ManifestKind,
    Setting,
    SourceKind,
    normalize_name,
)
from hygiene.parsers._lock import file_url, iter_packages, locked, requires, vcs_url
from hygiene.parsers.base import ManifestError
from hygiene.parsers.locate import (
    load_toml,
    normalize_hash,
    span_line,
    span_location,
    toml_spans,
    unique,
)

_LOCAL = {"directory", "file"}


def parse(path: str, text: str) -> Manifest:
    doc = load_toml(text)
    spans = toml_spans(text)
    metadata = doc.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ManifestError("`metadata` must be a table", span_line(spans, ("metadata",)))
    files_by_name = _metadata_files(metadata.get("files"))

    dependencies: list[Dependency] = []
    settings: list[Setting] = []
    indexes: set[str] = set()
    for key, entry, name, version, location in iter_packages(doc, "package", path, spans):

        files = entry.get("files")
        if not isinstance(files, list):  # lock-version 1.x
            files = files_by_name.get(normalize_name(name), [])
        files = [f for f in files if isinstance(f, dict)]
        hashes = unique([h for h in (normalize_hash(f.get("hash")) for f in files) if h])

        source = entry.get("source")
        source = source if isinstance(source, dict) else {}
        source_type = source.get("type")
        source_url = source.get("url") if isinstance(source.get("url"), str) else None
        editable = False
        if source_type == "git":
            kind = SourceKind.VCS
            url = _vcs_url(source)
        elif source_type == "url":
            kind, url = SourceKind.URL, source_url
        elif source_type in _LOCAL:
            kind, url = SourceKind.PATH, source_url
            editable = bool(entry.get("develop"))
        else:  # PyPI, or a named index ("legacy", "explicit", "supplemental", "primary")
            kind, url = SourceKind.REGISTRY, file_url(files)
            if source_url and source_url not in indexes:
                indexes.add(source_url)
                settings.append(
                    Setting("index-url", source_url,
                            span_location(path, spans, key + ("source", "url")))
                )

        dependencies.append(
            locked(
                name,
                version,
                location,
                source=kind,
                hashes=hashes,
                url=url,
                editable=editable,
                group=_group(entry),
                requires=_requires(entry, name),
            )
        )

    content_hash = metadata.get("content-hash")
    has_hash = isinstance(content_hash, str) and bool(content_hash)
    return Manifest(
        path=path,
        kind=ManifestKind.POETRY_LOCK,
        dependencies=tuple(dependencies),
        settings=tuple(settings),
        content_hash=content_hash if has_hash else None,
        content_hash_location=(
            span_location(path, spans, ("metadata", "content-hash")) if has_hash else None
        ),
    )


def _metadata_files(files: Any) -> dict[str, list[Any]]:
    """``[metadata.files]`` of lock-version 1.x, keyed by normalised package name."""
    out: dict[str, list[Any]] = {}
    if isinstance(files, dict):
        for name, entries in files.items():
            if isinstance(entries, list):
                out.setdefault(normalize_name(name), []).extend(entries)
    return out


def _vcs_url(source: dict[str, Any]) -> str | None:
    """A pip-style ``git+<url>@<commit>`` from ``[package.source]``: the commit Poetry
    resolved (``resolved_reference``) when it recorded one, else the requested reference."""
    url = source.get("url")
    if not isinstance(url, str) or not url:
        return None
    return vcs_url("git", url, source.get("resolved_reference") or source.get("reference"), source.get("subdirectory"))


def _requires(entry: dict[str, Any], name: str) -> tuple[str, ...]:
    deps = entry.get("dependencies")
    return requires(deps if isinstance(deps, dict) else (), name)


def _group(entry: dict[str, Any]) -> str | None:
    """``"dev"`` / the group names when the package is not in the main group; ``"optional"``
    for a main package installed only through an extra."""
    groups = entry.get("groups")
    if isinstance(groups, list):  # lock-version 2.1
        names = [g for g in groups if isinstance(g, str)]
        if names and "main" not in names:
            return ",".join(names)
    else:
        category = entry.get("category")
        if isinstance(category, str) and category != "main":
            return category
    if entry.get("optional") is True:
        return "optional"
    return None
