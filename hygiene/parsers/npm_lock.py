"""npm's lockfiles, ``package-lock.json`` and ``npm-shrinkwrap.json`` (lockfileVersion 1–3).

Versions 2 and 3 (npm 7 and later) record every installed folder under ``packages``, keyed by
its path: ``""`` is the project itself, ``node_modules/a/node_modules/b`` a nested package,
``packages/a`` a workspace (or a ``file:`` directory) and ``node_modules/a`` with ``"link":
true`` the symlink to it. An entry has ``version``, ``resolved`` (left out for registry
packages by ``omit-lockfile-registry-resolved``), ``integrity``, ``dev``, ``optional``,
``inBundle`` and, for aliases (``npm:ms@2.1.2``), the real ``name``. The project and workspace
entries copy their package.json's dependency sections verbatim.

Version 1 (npm 5 and 6) nests ``dependencies`` objects keyed by name instead; an entry's
``version`` is the version, ``npm:<name>@<version>`` for an alias, or the resolved git URL or
``file:`` path.

The graph (`requires`): in versions 2 and 3, each entry's ``dependencies``,
``optionalDependencies`` and ``peerDependencies`` (and the ``devDependencies`` of the project,
workspace and ``file:`` folder entries, which npm installs too); a link has its target's. In
version 1, each entry's ``requires``; the project's own direct dependencies are not recorded
(None).

Each package becomes a `Dependency` at its key's line, with ``text`` = the install path
(``node_modules/…``). Bundled packages (``inBundle``/``bundled``) come inside their parent's
tarball and have no integrity of their own: their ``group`` is ``"bundled"``.
"""

from __future__ import annotations

from typing import Any

from hygiene.model import (
    Dependency,
    Location,
    Manifest,
    ManifestKind,
    ScanError,
    SourceKind,
)
from hygiene.parsers._npm import (
    ECOSYSTEM,
    alias_target,
    classify_resolved,
    dependency_name,
    folder_key,
    integrity_hashes,
    requires,
)
from hygiene.parsers.base import ManifestError
from hygiene.parsers.locate import (
    KeyPath,
    json_spans,
    load_json,
    span_line,
    span_location,
)

_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
_GRAPH = ("dependencies", "optionalDependencies", "peerDependencies")
_SUPPORTED = (1, 2, 3)
Spans = dict[KeyPath, tuple[int, int]]


def parse(path: str, text: str) -> Manifest:
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ManifestError("an npm lockfile must be a JSON object", 1)
    spans = json_spans(text)
    version = doc.get("lockfileVersion")
    packages = doc.get("packages")
    legacy = doc.get("dependencies")
    known = type(version) is int and version in _SUPPORTED
    if not known and not (version is None and (packages is not None or legacy is not None)):
        raise ManifestError(
            f"unsupported lockfileVersion {version!r} (hygiene reads versions 1, 2 and 3)",
            span_line(spans, ("lockfileVersion",)) or 1,
        )
    errors: list[ScanError] = []
    if packages is not None and version != 1:
        if not isinstance(packages, dict):
            raise ManifestError("`packages` must be an object", span_line(spans, ("packages",)))
        dependencies = _packages(path, packages, spans, errors)
    else:
        if legacy is None:
            legacy = {}
        if not isinstance(legacy, dict):
            raise ManifestError("`dependencies` must be an object", span_line(spans, ("dependencies",)))
        dependencies = [_v1_root(path, doc, spans)]
        dependencies += _legacy(path, legacy, spans, errors)
    return Manifest(
        path=path,
        kind=ManifestKind.PACKAGE_LOCK,
        ecosystem=ECOSYSTEM,
        dependencies=tuple(dependencies),
        errors=tuple(errors),
    )


# -- lockfileVersion 2 and 3 -------------------------------------------------------------------


def _install_name(key: str) -> str | None:
    """``node_modules/@s/b`` → ``@s/b``: the folder name under the last ``node_modules``."""
    _, found, rest = key.rpartition("node_modules/")
    if not found or not rest:
        return None
    parts = rest.split("/")
    if parts[0].startswith("@") and len(parts) >= 2:
        return "/".join(parts[:2])
    return parts[0]


def _packages(path: str, packages: dict[str, Any], spans: Spans, errors: list[ScanError]) -> list[Dependency]:
    out: list[Dependency] = []
    graph = {
        key: _edges(entry, _SECTIONS if _install_name(key) is None else _GRAPH)
        for key, entry in packages.items()
        if isinstance(entry, dict)
    }
    for key, entry in packages.items():
        location = span_location(path, spans, ("packages", key))
        if not isinstance(entry, dict):
            errors.append(ScanError(path, f"`packages` entry `{key}` must be an object", location.line or None))
            continue
        installed_as = _install_name(key)
        name = entry.get("name") if isinstance(entry.get("name"), str) and entry.get("name") else installed_as
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        resolved = entry.get("resolved") if isinstance(entry.get("resolved"), str) else None
        group = "dev" if entry.get("dev") is True else None
        fields: dict[str, Any] = {"source": SourceKind.REGISTRY}
        edges: tuple[str, ...] | None = graph[key]
        if installed_as is None:  # the project itself, a workspace or a file: directory
            fields = {
                "source": SourceKind.VIRTUAL,
                "url": folder_key(key),
                "extras": _declared(entry),
            }
        elif entry.get("link") is True:
            fields = {"source": SourceKind.PATH, "url": resolved}
            edges = graph.get(resolved) if resolved else None  # the folder it links to
        elif resolved:
            fields = _resolved(resolved, version)
            version = fields.pop("version")
        if entry.get("inBundle") is True:
            group = "bundled"
        out.append(
            Dependency(
                ecosystem=ECOSYSTEM,
                name=name,
                location=location,
                version=version,
                specifier=version or "",
                hashes=integrity_hashes(entry.get("integrity")),
                group=group,
                text=key,
                requires=edges,
                **fields,
            )
        )
    return out


def _edges(entry: dict[str, Any], sections: tuple[str, ...]) -> tuple[str, ...]:
    """The names of the packages an entry's dependency `sections` name."""
    names: list[str] = []
    for section in sections:
        deps = entry.get(section)
        if isinstance(deps, dict):
            names += [dependency_name(n, spec) for n, spec in deps.items()]
    return requires(names)


def _resolved(resolved: str, version: str | None) -> dict[str, Any]:
    found = classify_resolved(resolved)
    if found.kind is SourceKind.VCS:
        version = found.commit
    fields: dict[str, Any] = {"source": found.kind, "url": found.url, "version": version}
    if found.kind in (SourceKind.REGISTRY, SourceKind.URL):
        fields["artifact_urls"] = (resolved,)
    return fields


def _declared(entry: dict[str, Any]) -> tuple[str, ...]:
    """``name@spec`` of every dependency a project entry copies from its package.json."""
    out: list[str] = []
    for section in _SECTIONS:
        deps = entry.get(section)
        if isinstance(deps, dict):
            out += [f"{n}@{s}" for n, s in deps.items() if isinstance(s, str)]
    return tuple(dict.fromkeys(out))


# -- lockfileVersion 1 --------------------------------------------------------------------------


def _v1_root(path: str, doc: dict[str, Any], spans: Spans) -> Dependency:
    """The project itself: version 1 records no package.json specs, only which names are
    installed at the top of node_modules."""
    legacy = doc.get("dependencies")
    names = tuple(legacy) if isinstance(legacy, dict) else ()
    name = doc.get("name") if isinstance(doc.get("name"), str) else None
    version = doc.get("version") if isinstance(doc.get("version"), str) else None
    line = span_line(spans, ("name",)) or 1
    return Dependency(
        ecosystem=ECOSYSTEM,
        name=name or None,
        location=Location(path, line),
        source=SourceKind.VIRTUAL,
        version=version,
        url=".",
        extras=names,
        text="",
        requires=None,  # which of `names` the project itself requires is not recorded
    )


def _legacy(path: str, legacy: dict[str, Any], spans: Spans, errors: list[ScanError]) -> list[Dependency]:
    out: list[Dependency] = []
    # (key path to the `dependencies` object, install path of its owner); iterative, so a
    # deeply nested lockfile cannot exhaust the stack.
    stack: list[tuple[KeyPath, str, dict[str, Any]]] = [(("dependencies",), "", legacy)]
    while stack:
        keypath, owner, deps = stack.pop()
        for name, entry in deps.items():
            key = keypath + (name,)
            location = span_location(path, spans, key)
            install_path = f"{owner}node_modules/{name}"
            if not isinstance(entry, dict):
                reason = f"`dependencies` entry `{name}` must be an object"
                errors.append(ScanError(path, reason, location.line or None))
                continue
            out.append(_legacy_entry(name, entry, location, install_path))
            nested = entry.get("dependencies")
            if isinstance(nested, dict) and nested:
                stack.append((key + ("dependencies",), install_path + "/", nested))
            elif nested is not None and not isinstance(nested, dict):
                errors.append(ScanError(path, f"`dependencies` of `{name}` must be an object",
                                        span_line(spans, key + ("dependencies",))))
    out.sort(key=lambda d: d.location.line)
    return out


def _legacy_entry(name: str, entry: dict[str, Any], location: Location, install_path: str) -> Dependency:
    raw = entry.get("version") if isinstance(entry.get("version"), str) else ""
    resolved = entry.get("resolved") if isinstance(entry.get("resolved"), str) else None
    real, version = alias_target(name, raw)
    fields: dict[str, Any] = {"source": SourceKind.REGISTRY}
    lowered = version.lower()
    if lowered.startswith(("file:", "link:")):
        fields = {"source": SourceKind.PATH, "url": version[5:]}
        version = ""
    elif "://" in version or lowered.startswith(("git+", "git@", "github:")):
        # A git dependency: `version` is the resolved URL with the commit.
        fields = _resolved(version, None)
        version = fields.pop("version") or ""
    elif resolved:
        fields = _resolved(resolved, version)
        version = fields.pop("version") or ""
    group = "dev" if entry.get("dev") is True else None
    if entry.get("bundled") is True:
        group = "bundled"
    return Dependency(
        ecosystem=ECOSYSTEM,
        name=real,
        location=location,
        version=version or None,
        specifier=version,
        hashes=integrity_hashes(entry.get("integrity")),
        group=group,
        text=install_path,
        requires=_edges(entry, ("requires",)),
        **fields,
    )
