"""pnpm's lockfile, ``pnpm-lock.yaml`` (lockfileVersion 5.x, 6.x and 9.0).

``importers`` (or, for a single project before v9, the top-level ``dependencies``,
``devDependencies``, ``optionalDependencies`` and v5's ``specifiers``) records what each
project of the workspace declares: the spec as written in its package.json and the version
it resolved to. ``packages`` has one entry per resolved package, keyed
``/name/1.0.0`` (v5), ``/name@1.0.0(peer@2.0.0)`` (v6) or ``name@1.0.0`` (v9), with a
``resolution``:

- ``{integrity}``: a package from the configured registry (no URL is written);
- ``{integrity, tarball}``: a tarball URL (``file:`` for a local one; GitHub dependencies
  resolve to ``https://codeload.github.com/o/r/tar.gz/<commit>``);
- ``{type: git, repo, commit}``: a git checkout;
- ``{type: directory, directory}``: a local folder.

v5 and v6 mark ``dev: true`` packages; v9 keeps that in ``snapshots`` no more.

The graph (`requires`): v9 moved each package's resolved ``dependencies`` and
``optionalDependencies`` to ``snapshots``, one per peer-dependency context
(``name@1.0.0(peer@2.0.0)``): a package requires what any of its snapshots does. v5 and v6 keep
them in the ``packages`` entry. An importer requires what it declares (``dependencies``,
``devDependencies``, ``optionalDependencies``). Resolved peers are in ``dependencies``;
``peerDependencies`` (ranges) and ``transitivePeerDependencies`` are not edges of the entry. An
alias (``my-ms: ms@2.1.2``, ``/ms@2.1.2``, ``/ms/2.1.2``) is an edge to the real package.
"""

from __future__ import annotations

import re
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
    classify_resolved,
    folder_key,
    integrity_hashes,
    is_full_commit,
    is_package_name,
    requires,
    split_descriptor,
)
from hygiene.parsers.base import ManifestError
from hygiene.parsers.yamlnodes import YamlMap, load_yaml_mapping

_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")
_GRAPH = ("dependencies", "optionalDependencies")
_PLAIN_VERSION = re.compile(r"^[0-9][0-9A-Za-z.+-]*$")
_LOCKFILE_VERSION = re.compile(r"^(\d+)(?:\.\d+)?$")


def parse(path: str, text: str) -> Manifest:
    doc = load_yaml_mapping(text, "pnpm-lock.yaml")
    major = _major(doc)
    errors: list[ScanError] = []
    dependencies = _importers(path, doc, major)
    snapshots = _snapshots(doc, major) if major >= 9 else None
    packages = doc.get("packages")
    if packages is not None:
        if not isinstance(packages, YamlMap):
            raise ManifestError("`packages` must be a mapping", doc.span("packages")[0] or None)
        for key, entry in packages.items():
            first, last = packages.span(key)
            if not isinstance(entry, YamlMap):
                errors.append(ScanError(path, f"`packages` entry `{key}` must be a mapping", first or None))
                continue
            if major < 9:
                edges: tuple[str, ...] | None = _edges(entry, _GRAPH, major)
            else:  # None without `snapshots`: the lock then records no graph
                edges = snapshots.get(key.split("(", 1)[0]) if snapshots is not None else None
            dependencies.append(_package(key, entry, Location(path, first, last), major, edges))
    return Manifest(
        path=path,
        kind=ManifestKind.PNPM_LOCK,
        ecosystem=ECOSYSTEM,
        dependencies=tuple(dependencies),
        errors=tuple(errors),
    )


def _major(doc: YamlMap) -> int:
    raw = doc.get("lockfileVersion")
    line = doc.span("lockfileVersion")[0] or 1
    m = _LOCKFILE_VERSION.match(str(raw).strip()) if isinstance(raw, str) else None
    if m is None:
        raise ManifestError("not a pnpm lockfile: no readable `lockfileVersion`", line)
    major = int(m.group(1))
    if not 5 <= major <= 9:
        raise ManifestError(f"unsupported pnpm lockfileVersion {raw} (hygiene reads 5.x, 6.x and 9.0)", line)
    return major


# -- importers ---------------------------------------------------------------------------------


def _importers(path: str, doc: YamlMap, major: int) -> list[Dependency]:
    importers = doc.get("importers")
    if importers is None:
        present = [k for k in ("specifiers", *_SECTIONS) if k in doc]
        line = min((doc.span(k)[0] for k in present), default=doc.span("lockfileVersion")[0] or 1)
        return [_importer(".", doc, Location(path, line), major)]
    if not isinstance(importers, YamlMap):
        raise ManifestError("`importers` must be a mapping", doc.span("importers")[0] or None)
    out = []
    for key, value in importers.items():
        first, last = importers.span(key)
        out.append(_importer(key, value if isinstance(value, dict) else {}, Location(path, first, last), major))
    return out


def _importer(key: str, importer: dict[str, Any], location: Location, major: int) -> Dependency:
    specifiers = importer.get("specifiers")
    specifiers = specifiers if isinstance(specifiers, dict) else {}
    declared: list[str] = []
    for section in _SECTIONS:
        deps = importer.get(section)
        if not isinstance(deps, dict):
            continue
        for name, value in deps.items():
            spec = value.get("specifier") if isinstance(value, dict) else specifiers.get(name)
            declared.append(f"{name}@{spec}" if isinstance(spec, str) else name)
    for name, spec in specifiers.items():  # v5: every declared name has a specifier
        declared.append(f"{name}@{spec}" if isinstance(spec, str) else name)
    edges = _edges(importer, _SECTIONS, major)
    return Dependency(
        ecosystem=ECOSYSTEM,
        name=None,
        location=location,
        source=SourceKind.VIRTUAL,
        url=folder_key(key),
        extras=tuple(dict.fromkeys(declared)),
        text=key,
        requires=_names(edges),
        requires_exact=edges,
    )


# -- the graph ---------------------------------------------------------------------------------


def _edges(entry: dict[str, Any], sections: tuple[str, ...], major: int) -> tuple[str, ...]:
    """The edges the dependency maps `sections` of an entry record, each as ``name@version``
    (the real package of an alias, the version without peer suffixes) when the map resolves
    it, else the name (``link:``, ``file:``)."""
    out: set[str] = set()
    for section in sections:
        deps = entry.get(section)
        if isinstance(deps, dict):
            for n, v in deps.items():
                real = _real_name(n, v, major)
                version = _resolved_version(v, major)
                out.add(f"{real}@{version}" if version else real)
    return tuple(sorted(out))


def _names(edges: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """`Dependency.requires` from exact edges: the package names."""
    return None if edges is None else requires(split_descriptor(e)[0] for e in edges)


def _resolved_version(value: Any, major: int) -> str | None:
    """The version a ``name: <value>`` edge reaches: ``1.0.0`` for ``1.0.0``,
    ``1.0.0(react@18.2.0)`` (v6, v9), ``1.0.0_react@18.2.0`` (v5), an alias's ``ms@2.1.2``
    (v9), ``/ms@2.1.2`` (v6) or ``/ms/2.1.2`` (v5); None for ``link:`` and other references."""
    if isinstance(value, dict):  # v6 and v9 importers: {specifier, version}
        value = value.get("version")
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith("/") and major < 6:
        return _key_name_version(value, major)[1]
    value = value.removeprefix("/").split("(", 1)[0]
    if major < 6:
        value = value.split("_", 1)[0]
    name, rest = split_descriptor(value)
    version = rest if rest and is_package_name(name) else value
    return version if _PLAIN_VERSION.match(version) else None


def _real_name(name: str, value: Any, major: int) -> str:
    """The package a ``name: <version>`` edge reaches: the real package of an alias
    (``ms@2.1.2`` in v9, ``/ms@2.1.2`` in v6, ``/ms/2.1.2`` in v5), else `name`."""
    if isinstance(value, dict):  # v6 and v9 importers: {specifier, version}
        value = value.get("version")
    if not isinstance(value, str):
        return name
    value = value.strip()
    if major < 6:
        if not value.startswith("/"):
            return name
        real = _key_name_version(value, major)[0]
    else:
        real, rest = split_descriptor(value.removeprefix("/").split("(", 1)[0])
        if not rest:
            return name
    return real if real and is_package_name(real) else name


def _snapshots(doc: YamlMap, major: int) -> dict[str, tuple[str, ...]] | None:
    """v9: what each ``packages`` key requires, from its ``snapshots`` (the key without the
    peer-dependency suffixes); None when the lock has no ``snapshots``."""
    snapshots = doc.get("snapshots")
    if not isinstance(snapshots, dict):
        return None
    found: dict[str, set[str]] = {}
    for key, entry in snapshots.items():
        base = str(key).split("(", 1)[0]
        edges = _edges(entry, _GRAPH, major) if isinstance(entry, dict) else ()
        found.setdefault(base, set()).update(edges)
    return {key: tuple(sorted(edges)) for key, edges in found.items()}


# -- packages ----------------------------------------------------------------------------------


def _key_name_version(key: str, major: int) -> tuple[str | None, str | None]:
    """The package name and version a ``packages`` key names, when it names them."""
    k = key.removeprefix("/")
    if major < 6:  # "/name/1.0.0", "/@s/n/1.0.0_peer@2.0.0"
        parts = k.split("/")
        scoped = parts[0].startswith("@")
        name = "/".join(parts[:2]) if scoped else parts[0]
        rest = parts[2:] if scoped else parts[1:]
        version = rest[0].split("_", 1)[0] if len(rest) == 1 else ""
        if name and _PLAIN_VERSION.match(version):
            return name, version
        return None, None
    k = k.split("(", 1)[0]  # "(peer@2.0.0)" suffixes
    name, rest = split_descriptor(k)
    if not rest or not name or ":" in name:
        return None, None
    return name, rest if _PLAIN_VERSION.match(rest) else None


def _package(
    key: str, entry: YamlMap, location: Location, major: int, edges: tuple[str, ...] | None
) -> Dependency:
    name, version = _key_name_version(key, major)
    if isinstance(entry.get("name"), str) and entry["name"]:
        name = entry["name"]
    if isinstance(entry.get("version"), str) and entry["version"]:
        version = entry["version"]
    resolution = entry.get("resolution")
    resolution = resolution if isinstance(resolution, dict) else {}
    tarball = resolution.get("tarball")
    repo = resolution.get("repo")
    commit = resolution.get("commit")
    fields: dict[str, Any] = {"source": SourceKind.REGISTRY}
    if resolution.get("type") == "git" or (isinstance(repo, str) and repo):
        repo = repo if isinstance(repo, str) else ""
        commit = commit if isinstance(commit, str) else ""
        url = repo if repo.startswith("git+") else f"git+{repo}"
        fields = {"source": SourceKind.VCS, "url": f"{url}#{commit}" if commit else url}
        version = commit.lower() if is_full_commit(commit) else None
    elif resolution.get("type") == "directory" or isinstance(resolution.get("directory"), str):
        directory = resolution.get("directory")
        fields = {"source": SourceKind.PATH, "url": directory if isinstance(directory, str) else None}
    elif isinstance(tarball, str) and tarball:
        found = classify_resolved(tarball)
        fields = {"source": found.kind, "url": tarball}
        if found.kind is SourceKind.VCS:
            version = found.commit
        elif found.kind in (SourceKind.REGISTRY, SourceKind.URL):
            fields["artifact_urls"] = (tarball,)
    if name is None:
        name = key
    return Dependency(
        ecosystem=ECOSYSTEM,
        name=name,
        location=location,
        specifier=version or "",
        version=version,
        hashes=integrity_hashes(resolution.get("integrity")),
        group="dev" if entry.get("dev") is True else None,
        text=key,
        requires=_names(edges),
        requires_exact=edges,
        **fields,
    )
