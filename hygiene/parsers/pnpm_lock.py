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
    split_descriptor,
)
from hygiene.parsers.base import ManifestError
from hygiene.parsers.yamlnodes import YamlMap, load_yaml_mapping

_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")
_PLAIN_VERSION = re.compile(r"^[0-9][0-9A-Za-z.+-]*$")
_LOCKFILE_VERSION = re.compile(r"^(\d+)(?:\.\d+)?$")


def parse(path: str, text: str) -> Manifest:
    doc = load_yaml_mapping(text, "pnpm-lock.yaml")
    major = _major(doc)
    errors: list[ScanError] = []
    dependencies = _importers(path, doc)
    packages = doc.get("packages")
    if packages is not None:
        if not isinstance(packages, YamlMap):
            raise ManifestError("`packages` must be a mapping", doc.span("packages")[0] or None)
        for key, entry in packages.items():
            first, last = packages.span(key)
            if not isinstance(entry, YamlMap):
                errors.append(ScanError(path, f"`packages` entry `{key}` must be a mapping", first or None))
                continue
            dependencies.append(_package(key, entry, Location(path, first, last), major))
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


def _importers(path: str, doc: YamlMap) -> list[Dependency]:
    importers = doc.get("importers")
    if importers is None:
        present = [k for k in ("specifiers", *_SECTIONS) if k in doc]
        line = min((doc.span(k)[0] for k in present), default=doc.span("lockfileVersion")[0] or 1)
        return [_importer(".", doc, Location(path, line))]
    if not isinstance(importers, YamlMap):
        raise ManifestError("`importers` must be a mapping", doc.span("importers")[0] or None)
    out = []
    for key, value in importers.items():
        first, last = importers.span(key)
        out.append(_importer(key, value if isinstance(value, dict) else {}, Location(path, first, last)))
    return out


def _importer(key: str, importer: dict[str, Any], location: Location) -> Dependency:
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
    return Dependency(
        ecosystem=ECOSYSTEM,
        name=None,
        location=location,
        source=SourceKind.VIRTUAL,
        url=folder_key(key),
        extras=tuple(dict.fromkeys(declared)),
        text=key,
    )


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


def _package(key: str, entry: YamlMap, location: Location, major: int) -> Dependency:
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
        **fields,
    )
