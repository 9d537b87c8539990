"""Pipenv's lockfile, ``Pipfile.lock`` (JSON, pipfile-spec 6).

Packages live in ``default`` and ``develop`` (and, since pipenv 2023, in any other category
the Pipfile names), keyed by name::

    "requests": {"hashes": ["sha256:…"], "index": "pypi", "version": "==2.32.3"}

A VCS entry has ``git`` (or ``hg``/``svn``/``bzr``) and the resolved ``ref``; a local one
``path`` (often ``editable``); a direct archive ``file``. ``_meta`` records the Pipfile's hash
and the indexes (``sources``) with their ``verify_ssl`` flag. It records no dependency graph:
every entry's `requires` is None.
"""

from __future__ import annotations

from typing import Any

from hygiene.model import (
    Dependency,
    Location,
    Manifest,
    ManifestKind,
    Setting,
    SourceKind,
)
from hygiene.parsers.base import ManifestError
from hygiene.parsers.locate import (
    KeyPath,
    json_spans,
    load_json,
    normalize_hash,
    span_line,
    span_location,
    strings_in,
    unique,
)

_VCS = ("git", "hg", "svn", "bzr")
_GROUPS = {"default": None, "develop": "dev"}
Spans = dict[KeyPath, tuple[int, int]]


def parse(path: str, text: str) -> Manifest:
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ManifestError("Pipfile.lock must be a JSON object", 1)
    spans = json_spans(text)
    meta = doc.get("_meta", {})
    if not isinstance(meta, dict):
        raise ManifestError("`_meta` must be an object", span_line(spans, ("_meta",)))

    dependencies: list[Dependency] = []
    for category, entries in doc.items():
        if category == "_meta":
            continue
        if not isinstance(entries, dict):
            raise ManifestError(f"`{category}` must be an object of packages",
                                span_line(spans, (category,)))
        group = _GROUPS.get(category, category)
        for name, entry in entries.items():
            location = span_location(path, spans, (category, name))
            if not isinstance(entry, dict):
                raise ManifestError(f"entry `{name}` must be an object", location.line or None)
            dependencies.append(_dependency(name, entry, group, location))

    return Manifest(
        path=path,
        kind=ManifestKind.PIPFILE_LOCK,
        dependencies=tuple(dependencies),
        settings=tuple(_settings(path, meta, spans)),
        **_content_hash(path, meta, spans),
    )


def _dependency(
    name: str, entry: dict[str, Any], group: str | None, location: Location
) -> Dependency:
    raw_version = entry.get("version")
    version: str | None = None
    specifier = ""
    if isinstance(raw_version, str):
        stripped = raw_version.strip()
        if stripped.startswith("==="):
            version, specifier = stripped[3:].strip(), stripped
        elif stripped.startswith("=="):
            version = stripped[2:].strip()
            specifier = f"=={version}"
    hashes = unique([h for h in map(normalize_hash, strings_in(entry.get("hashes"))) if h])

    editable = entry.get("editable") is True
    vcs = next((v for v in _VCS if isinstance(entry.get(v), str) and entry[v]), None)
    archive = entry.get("file") or entry.get("url")
    if vcs:
        kind, url = SourceKind.VCS, _vcs_url(vcs, entry)
    elif isinstance(entry.get("path"), str):
        kind, url = SourceKind.PATH, entry["path"]
    elif isinstance(archive, str) and archive:
        remote = archive.lower().startswith(("http://", "https://"))
        kind, url = (SourceKind.URL if remote else SourceKind.PATH), archive
    else:
        kind, url = SourceKind.REGISTRY, None

    markers = entry.get("markers")
    return Dependency(
        ecosystem="pypi",
        name=name,
        location=location,
        source=kind,
        specifier=specifier,
        version=version or None,
        hashes=hashes,
        url=url,
        editable=editable,
        extras=strings_in(entry.get("extras")),
        marker=markers if isinstance(markers, str) and markers else None,
        group=group,
    )


def _vcs_url(vcs: str, entry: dict[str, Any]) -> str:
    """A pip-style ``git+<url>@<ref>`` from the entry's ``git`` and resolved ``ref``."""
    url = entry[vcs]
    if not url.startswith(vcs + "+"):
        url = f"{vcs}+{url}"
    ref = entry.get("ref")
    if isinstance(ref, str) and ref and "@" not in url.split("://", 1)[-1].split("/", 1)[-1]:
        url = f"{url}@{ref}"
    subdirectory = entry.get("subdirectory")
    if isinstance(subdirectory, str) and subdirectory:
        url = f"{url}#subdirectory={subdirectory}"
    return url


def _settings(path: str, meta: dict[str, Any], spans: Spans) -> list[Setting]:
    settings: list[Setting] = []
    sources = meta.get("sources")
    if not isinstance(sources, list):
        return settings
    for i, source in enumerate(sources):
        if not isinstance(source, dict):
            continue
        url = source.get("url")
        if isinstance(url, str) and url:
            settings.append(
                Setting("index-url", url,
                        span_location(path, spans, ("_meta", "sources", i, "url")))
            )
        verify = source.get("verify_ssl")
        if verify is False or (isinstance(verify, str) and verify.lower() == "false"):
            settings.append(
                Setting("verify-ssl", "false",
                        span_location(path, spans, ("_meta", "sources", i, "verify_ssl")))
            )
    return settings


def _content_hash(path: str, meta: dict[str, Any], spans: Spans) -> dict[str, Any]:
    recorded = meta.get("hash")
    value = recorded.get("sha256") if isinstance(recorded, dict) else None
    if not isinstance(value, str) or not value:
        return {}
    return {
        "content_hash": value,
        "content_hash_location": span_location(path, spans, ("_meta", "hash", "sha256")),
    }
