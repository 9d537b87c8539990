"""PDM's lockfile, ``pdm.lock`` (``[metadata] lock_version`` 4.x).

Each ``[[package]]`` lists its artifacts in ``files = [{file = "…", hash = "sha256:…"}]``
(``url`` instead of ``file`` with the ``static_urls`` strategy). A VCS package has ``git``
(or ``hg``/``svn``/``bzr``) with the resolved ``revision`` and the requested ``ref``; a
direct archive ``url``; a local one ``path`` (with ``editable = true`` for a development
install). ``groups`` (4.4+) names the dependency groups that pull the package in.
"""

from __future__ import annotations

from typing import Any

from hygiene.model import Dependency, Manifest, ManifestKind, SourceKind
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

_VCS = ("git", "hg", "svn", "bzr")


def parse(path: str, text: str) -> Manifest:
    doc = load_toml(text)
    spans = toml_spans(text)
    packages = doc.get("package", [])
    if not isinstance(packages, list):
        raise ManifestError("`package` must be an array of tables", span_line(spans, ("package",)))
    metadata = doc.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ManifestError("`metadata` must be a table", span_line(spans, ("metadata",)))

    dependencies: list[Dependency] = []
    for index, entry in enumerate(packages):
        location = span_location(path, spans, ("package", index))
        if not isinstance(entry, dict):
            raise ManifestError("a [[package]] entry is not a table", location.line or None)
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise ManifestError("[[package]] entry without a `name`", location.line or None)
        version = entry.get("version")
        version = version if isinstance(version, str) and version else None

        files = tables_in(entry.get("files"))
        hashes = unique([h for h in (normalize_hash(f.get("hash")) for f in files) if h])

        vcs = next((v for v in _VCS if isinstance(entry.get(v), str) and entry[v]), None)
        if vcs:
            kind, url = SourceKind.VCS, _vcs_url(vcs, entry)
        elif isinstance(entry.get("path"), str):
            kind, url = SourceKind.PATH, entry["path"]
        elif isinstance(entry.get("url"), str) and entry["url"]:
            url = entry["url"]
            remote = "://" in url and not url.lower().startswith("file:")
            kind = SourceKind.URL if remote else SourceKind.PATH
        else:
            kind, url = SourceKind.REGISTRY, _file_url(files)

        dependencies.append(
            Dependency(
                ecosystem="pypi",
                name=name,
                location=location,
                source=kind,
                specifier=f"=={version}" if version else "",
                version=version,
                hashes=hashes,
                url=url,
                editable=entry.get("editable") is True,
                extras=strings_in(entry.get("extras")),
                group=_group(entry.get("groups")),
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
    url: str = entry[vcs]
    if not url.startswith(vcs + "+"):
        url = f"{vcs}+{url}"
    ref = entry.get("revision") or entry.get("ref")
    if isinstance(ref, str) and ref:
        url = f"{url}@{ref}"
    subdirectory = entry.get("subdirectory")
    if isinstance(subdirectory, str) and subdirectory:
        url = f"{url}#subdirectory={subdirectory}"
    return url


def _file_url(files: list[dict[str, Any]]) -> str | None:
    """The sdist's URL, else the first wheel's, when the lock records artifact URLs."""
    urls = [f["url"] for f in files if isinstance(f.get("url"), str) and f["url"]]
    sdists = [u for u in urls if not u.split("#", 1)[0].endswith(".whl")]
    return (sdists or urls or [None])[0]


def _group(groups: Any) -> str | None:
    if not isinstance(groups, list):
        return None
    names = [g for g in groups if isinstance(g, str)]
    if not names or "default" in names:
        return None
    return ",".join(names)
