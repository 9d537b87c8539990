"""PDM's lockfile, ``pdm.lock`` (``[metadata] lock_version`` 4.x).

Each ``[[package]]`` lists its artifacts in ``files = [{file = "…", hash = "sha256:…"}]``
(``url`` instead of ``file`` with the ``static_urls`` strategy). A VCS package has ``git``
(or ``hg``/``svn``/``bzr``) with the resolved ``revision`` and the requested ``ref``; a
direct archive ``url``; a local one ``path`` (with ``editable = true`` for a development
install). ``groups`` (4.4+) names the dependency groups that pull the package in.

The graph: ``dependencies = ["idna>=2.5", "PySocks!=1.5.7; extra == \"socks\"", "-e
file:///${PROJECT_ROOT}/libs/x#egg=x"]``, requirement strings; `requires` is their names.
An entry for a package with extras (``extras = ["socks"]``) requires the plain package, which is
no edge to another package and is left out. PDM records no entry for the project itself.
"""

from __future__ import annotations

import re
from typing import Any

from hygiene.model import Dependency, Manifest, ManifestKind, SourceKind
from hygiene.parsers._lock import file_url, iter_packages, locked, requires, vcs_url
from hygiene.parsers.base import ManifestError
from hygiene.parsers.locate import (
    load_toml,
    normalize_hash,
    span_line,
    span_location,
    strings_in,
    tables_in,
    toml_spans,
    unique,
)
from hygiene.urls import is_remote

_VCS = ("git", "hg", "svn", "bzr")
_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(.?)")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def parse(path: str, text: str) -> Manifest:
    doc = load_toml(text)
    spans = toml_spans(text)
    metadata = doc.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ManifestError("`metadata` must be a table", span_line(spans, ("metadata",)))

    dependencies: list[Dependency] = []
    for _key, entry, name, version, location in iter_packages(doc, "package", path, spans):

        files = tables_in(entry.get("files"))
        urls: tuple[str, ...] = ()
        hashes = unique([h for h in (normalize_hash(f.get("hash")) for f in files) if h])

        vcs = next((v for v in _VCS if isinstance(entry.get(v), str) and entry[v]), None)
        if vcs:
            kind, url = SourceKind.VCS, _vcs_url(vcs, entry)
        elif isinstance(entry.get("path"), str):
            kind, url = SourceKind.PATH, entry["path"]
        elif isinstance(entry.get("url"), str) and entry["url"]:
            url = entry["url"]
            remote = is_remote(url)
            kind = SourceKind.URL if remote else SourceKind.PATH
        else:
            kind, url = SourceKind.REGISTRY, file_url(files)
            urls = tuple(f["url"] for f in files if isinstance(f.get("url"), str) and f["url"])

        dependencies.append(
            locked(
                name,
                version,
                location,
                source=kind,
                hashes=hashes,
                url=url,
                artifact_urls=urls,
                editable=entry.get("editable") is True,
                extras=strings_in(entry.get("extras")),
                group=_group(entry.get("groups")),
                requires=requires(map(_requirement_name, strings_in(entry.get("dependencies"))), name),
            )
        )

    content_hash = metadata.get("content_hash")
    has_hash = isinstance(content_hash, str) and bool(content_hash)
    return Manifest(
        path=path,
        kind=ManifestKind.PDM_LOCK,
        dependencies=tuple(dependencies),
        content_hash=content_hash if has_hash else None,
        content_hash_location=(
            span_location(path, spans, ("metadata", "content_hash")) if has_hash else None
        ),
    )


def _vcs_url(vcs: str, entry: dict[str, Any]) -> str:
    """A pip-style ``git+<url>@<revision>``: the commit PDM resolved, else the requested
    ``ref``."""
    return vcs_url(vcs, entry[vcs], entry.get("revision") or entry.get("ref"), entry.get("subdirectory"))


def _requirement_name(requirement: str) -> str | None:
    """The name a requirement string names: ``name[extra]>=1; marker``, ``name @ url``, or an
    editable / bare URL with an ``#egg=name`` fragment."""
    text = requirement.strip()
    if not text.startswith("-e"):
        m = _NAME.match(text)
        if m and m.group(2) != ":":  # not the scheme of a bare URL
            return m.group(1)
    egg = _EGG.search(text)
    return egg.group(1) if egg else None


def _group(groups: Any) -> str | None:
    if not isinstance(groups, list):
        return None
    names = [g for g in groups if isinstance(g, str)]
    if not names or "default" in names:
        return None
    return ",".join(names)
