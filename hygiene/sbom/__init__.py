"""CycloneDX SBOM from the records the scan parsed (CLI-3).

One component per distinct package version across all manifests, identified by its canonical
purl (also its `bom-ref`): `pkg:pypi` (PEP 503 names), `pkg:npm` (scopes encoded),
`pkg:github` (actions and GitHub-hosted pre-commit hooks, at their ref), `pkg:docker` (images,
at their digest or tag), `pkg:generic` (downloaded files); folders installed from the repository
have no purl (`hygiene:path:<folder>`). Each component carries every hash the manifests record,
`distribution` / `vcs` references with the artifact URLs and, for requirements files, the index
page pip asks, where it is declared (`evidence.occurrences`: path and line), and `hygiene:*`
properties. A range in an abstract manifest (pyproject, package.json) is an occurrence of the
locked version it resolves to (the one the npm lock resolves it to; the Python versions its
specifier admits), else a component of its own without a version, with the constraint as a
property.

The dependency graph comes from what lockfiles record (`Dependency.requires`, and
`requires_exact` where the lock names the target entry); the project's direct dependencies (what
a lock's project entry requires, what is declared outside a lock, what nothing requires) hang
from the root component, and every component appears in `dependencies` (a leaf with an empty
list). Scope follows the graph: `required` when a required declaration or a required component
leads to it, `optional` when only dev / optional ones do. Built with cyclonedx-python-lib (no
hand-written CycloneDX) and validated before it is written (:mod:`hygiene.sbom.validate`);
output is deterministic for the same inputs when `reproducible` (or `SOURCE_DATE_EPOCH`) is
set: fixed timestamp, serial number derived from the content.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

from hygiene import __version__
from hygiene.model import Dependency, Manifest, ManifestKind, SourceKind, normalize_name
from hygiene.parsers._npm import split_descriptor
from hygiene.sbom.validate import SbomInvalid
from hygiene.urls import vcs_ref
from hygiene.versions import is_full_commit

__all__ = ["SbomInvalid", "build", "incomplete", "render"]

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult

SPEC_VERSIONS = ("1.5", "1.6", "1.7")
FORMATS = ("json", "xml")
_REQUIRED_GROUPS = {None, "", "main", "default", "dependencies", "runtime", "packages", "prod", "production"}
_SKIPPED_GROUPS = {"uv-source"}  # a source table names a package declared elsewhere
# A folder installed from the repository (`-e ./libs/x`, `file:../x`) has no package URL: its
# component's bom-ref is this prefix and the folder's path from the scan root.
_PATH_PREFIX = "hygiene:path:"
DEFAULT_INDEX = "https://pypi.org/simple"
_ALGORITHMS = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
    "blake2b-256": "BLAKE2b-256",
    "blake2b_256": "BLAKE2b-256",
}


@dataclass
class _Entry:
    """One component being assembled: the records that declare it."""

    ecosystem: str
    name: str
    version: str | None
    purl: str
    deps: list[tuple[Manifest, Dependency]] = field(default_factory=list)
    constraints: set[str] = field(default_factory=set)
    requires: set[str] = field(default_factory=set)  # bom-refs
    has_graph: bool = False


def build(result: ScanResult, *, include_dev: bool = True, reproducible: bool = False):
    """The `cyclonedx.model.bom.Bom` for a scan made with ``keep_manifests=True``."""
    import cyclonedx
    from cyclonedx.model import (
        ExternalReference,
        ExternalReferenceType,
        HashType,
        Property,
        XsUri,
    )
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentScope, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
    from cyclonedx.model.dependency import Dependency as CdxDependency
    from cyclonedx.model.lifecycle import LifecyclePhase, PredefinedLifecycle
    from cyclonedx.model.tool import ToolRepository

    roots: set[str] = set()
    entries = _collect(result.manifests, roots)
    root_name, root_version, commit = _project(result)
    root_ref = f"hygiene:project:{root_name}"

    components = []
    by_ref = {}
    from packageurl import PackageURL

    indexes = _indexes(result.manifests)
    provenance: dict[tuple, list] = defaultdict(list)  # scan --verify-provenance results
    for item in result.provenance or ():
        provenance[(item.ecosystem, _key(item.ecosystem, item.name), item.version)].append(item)
    optional_refs = _optional_components(entries)
    for entry in sorted(entries.values(), key=lambda e: e.purl):
        hashes, urls, vcs = [], [], []
        index_pages: list[tuple[str, str]] = []  # (url, comment)
        seen_hashes = set()
        for manifest, dep in entry.deps:
            for h in dep.hashes:
                algo, _, hexdigest = h.partition(":")
                alg = _ALGORITHMS.get(algo.lower())
                if alg and (alg, hexdigest.lower()) not in seen_hashes:
                    seen_hashes.add((alg, hexdigest.lower()))
                    hashes.append(HashType(alg=_hash_alg(alg), content=hexdigest.lower()))
            for url in (*dep.artifact_urls, *([dep.url] if dep.source is SourceKind.URL and dep.url else [])):
                if url and url.startswith(("http://", "https://")) and url not in urls:
                    urls.append(url)
            if dep.source is SourceKind.VCS and dep.url and dep.url not in vcs:
                vcs.append(dep.url)
            if entry.ecosystem == "pypi" and dep.source is SourceKind.REGISTRY and manifest.kind in _PIP_FILES:
                for index, comment in indexes.get(manifest.path, ((DEFAULT_INDEX, _INDEX_COMMENT),)):
                    page = (f"{index}/{entry.name}/", comment)
                    if page not in index_pages:
                        index_pages.append(page)
        optional = entry.purl in optional_refs
        scope = ComponentScope.REQUIRED
        if optional:
            scope = ComponentScope.OPTIONAL if include_dev else ComponentScope.EXCLUDED
        pinned = entry.version is not None
        hash_pinned = pinned and bool(hashes)
        properties = [
            Property(name="hygiene:pinned", value=str(pinned).lower()),
            Property(name="hygiene:hash-pinned", value=str(hash_pinned).lower()),
        ]
        properties += [Property(name="hygiene:constraint", value=c) for c in sorted(entry.constraints)]
        comments = sorted({d.comment for _, d in entry.deps if d.comment})
        properties += [Property(name="hygiene:ref-comment", value=c) for c in comments]
        # Extras asked for, under the name cyclonedx-py uses, so consumers find them in one place.
        extras = sorted({x for _, d in entry.deps if entry.ecosystem == "pypi" for x in d.extras})
        properties += [Property(name="cdx:python:package:required-extra", value=x) for x in extras]
        for name, value in _provenance_properties(provenance.get((entry.ecosystem, _key(entry.ecosystem, entry.name), entry.version), [])):
            properties.append(Property(name=name, value=value))
        occurrences = sorted({(m.path, d.location.line) for m, d in entry.deps})
        others = []
        if entry.ecosystem == "path":
            local = entry.purl.removeprefix(_PATH_PREFIX)
            properties.append(Property(name="hygiene:local-path", value=local))
            written = sorted({d.url for _, d in entry.deps if d.url})
            others = [(quote(w, safe=_IRI_SAFE), "local path, as written") for w in written]
        component = Component(
            name=entry.name,
            version=entry.version,
            type=ComponentType.CONTAINER if entry.ecosystem == "docker" else ComponentType.LIBRARY,
            bom_ref=entry.purl,
            purl=None if entry.ecosystem == "path" else PackageURL.from_string(entry.purl),
            scope=scope,
            hashes=hashes,
            external_references=[
                *(ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(u)) for u in urls),
                *(ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(u), comment=c) for u, c in index_pages),
                *(ExternalReference(type=ExternalReferenceType.VCS, url=XsUri(u)) for u in vcs),
                *(ExternalReference(type=ExternalReferenceType.OTHER, url=XsUri(u), comment=c) for u, c in others),
            ],
            properties=properties,
            evidence=ComponentEvidence(
                # A bom-ref of our own: the library orders occurrences by it, and its default is
                # random, which would make the same inputs give different bytes.
                occurrences=[
                    Occurrence(bom_ref=f"{entry.purl}#{path}:{line}", location=path, line=line or None)
                    for path, line in occurrences
                ]
            ),
        )
        components.append(component)
        by_ref[entry.purl] = component

    root = Component(
        name=root_name,
        version=root_version,
        type=ComponentType.APPLICATION,
        bom_ref=root_ref,
        properties=[Property(name="hygiene:git-commit", value=commit)] if commit else [],
    )
    direct = _direct(entries, roots)
    graph = [CdxDependency(ref=root.bom_ref, dependencies=[CdxDependency(ref=by_ref[r].bom_ref) for r in sorted(direct)])]
    for ref, entry in sorted(entries.items()):
        graph.append(
            CdxDependency(
                ref=by_ref[ref].bom_ref,
                dependencies=[CdxDependency(ref=by_ref[r].bom_ref) for r in sorted(entry.requires) if r in by_ref and r != ref],
            )
        )
    timestamp = _timestamp(reproducible)
    tools = ToolRepository(
        components=[
            Component(name="hygiene", version=__version__, type=ComponentType.APPLICATION, bom_ref="tool:hygiene"),
            Component(
                name="cyclonedx-python-lib",
                version=cyclonedx.__version__,  # (importlib.metadata costs 10 ms of start-up)
                type=ComponentType.LIBRARY,
                bom_ref="tool:cyclonedx-python-lib",
            ),
        ]
    )
    bom = Bom(
        components=components,
        metadata=BomMetaData(
            component=root,
            tools=tools,
            timestamp=timestamp,
            lifecycles=[PredefinedLifecycle(LifecyclePhase.PRE_BUILD)],
        ),
        dependencies=graph,
    )
    _index_dependencies(bom)
    if reproducible or "SOURCE_DATE_EPOCH" in os.environ:
        # The serial number is derived from what the SBOM says, so the same inputs give the
        # same bytes (a random one would change every run).
        digest = hashlib.sha256(
            json.dumps(sorted(e.purl for e in entries.values())).encode() + root_ref.encode() + str(commit).encode()
        ).hexdigest()
        bom.serial_number = uuid.UUID(digest[:32])
    return bom


def incomplete(manifests) -> list:
    """HY301 for each component the SBOM can only record without an exact version or without
    a hash, at its first declaration. A commit-pinned VCS reference, a digest-pinned image and a
    checksummed download are complete: the commit, digest or checksum is their identity."""
    from hygiene.model import Finding

    out = []
    for entry in _collect(manifests).values():
        if entry.ecosystem == "path":  # the repository's own code: no version to pin
            continue
        hashed = any(d.hashes for _, d in entry.deps)
        identified = entry.ecosystem in ("github-actions", "pre-commit") and any(d.version for _, d in entry.deps)
        identified = identified or any(
            d.source is SourceKind.VCS and is_full_commit(d.version or vcs_ref(d.url or "")) for _, d in entry.deps
        )
        identified = identified or (entry.ecosystem == "docker" and hashed)
        if identified or (entry.version is not None and hashed):
            continue
        manifest, dep = min(entry.deps, key=lambda md: (md[0].path, md[1].location.line))
        missing = "an exact version" if entry.version is None else "a hash"
        out.append(
            Finding(
                "HY301",
                f"`{entry.name}` is recorded in the SBOM without {missing} ({entry.purl})",
                dep.location,
                ecosystem=dep.ecosystem,
                package=entry.name,
                version_spec=dep.specifier or entry.version,
            )
        )
    return out


def _index_dependencies(bom) -> None:
    """Give this Bom a `register_dependency` that looks targets up in an index. The library
    searches its dependency set linearly for each component when it validates before writing,
    which is quadratic (14 s for 4,400 components); our graph already lists every component.
    Set on the instance: the serializer recognises the Bom by its class."""
    original = bom.register_dependency
    index: dict = {}

    def register_dependency(target, depends_on=None):
        if len(index) != len(bom.dependencies):
            index.clear()
            index.update((d.ref, d) for d in bom.dependencies)
        if depends_on or target.bom_ref not in index:
            original(target, depends_on)

    bom.register_dependency = register_dependency


def render(bom, spec_version: str = "1.6", output_format: str = "json", *, validate: bool = True) -> str:
    """The document as text. JSON is validated against the CycloneDX schema of `spec_version`
    first (:mod:`hygiene.sbom.validate`); a failure raises :class:`SbomInvalid` and is a bug in
    hygiene, never something a scanned file can cause. XML is not validated: that needs the
    XSDs and lxml, which hygiene does not depend on."""
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion

    version = SchemaVersion.from_version(spec_version)
    fmt = OutputFormat.JSON if output_format == "json" else OutputFormat.XML
    text = make_outputter(bom, fmt, version).output_as_string(indent=2)
    text = text if text.endswith("\n") else text + "\n"
    if validate and output_format == "json":
        from hygiene.sbom.validate import validate as check

        check(text, spec_version)
    return text


# -- assembling ---------------------------------------------------------------------------


def _collect(manifests, roots: set[str] | None = None) -> dict[str, _Entry]:
    """Components by purl. Pinned records first, so that abstract declarations can become
    occurrences of the version a lockfile pins."""
    roots = set() if roots is None else roots
    entries: dict[str, _Entry] = {}
    pinned_by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    later: list[tuple[Manifest, Dependency]] = []
    for manifest in manifests:
        for dep in manifest.dependencies:
            if dep.group in _SKIPPED_GROUPS or dep.source is SourceKind.VIRTUAL:
                continue
            if dep.source is SourceKind.PATH:
                if dep.url:
                    local = _local_path(manifest, dep.url)
                    name = dep.name or posixpath.basename(local.rstrip("/")) or local
                    entry = entries.setdefault(_PATH_PREFIX + local, _Entry("path", name, None, _PATH_PREFIX + local))
                    entry.deps.append((manifest, dep))
                continue
            identity = _identity(dep)
            if identity is None:
                continue
            ecosystem, name, version = identity
            if version is None and not manifest.concrete and dep.ecosystem in ("pypi", "npm"):
                later.append((manifest, dep))
                continue
            purl = _purl(ecosystem, name, version, dep)
            entry = entries.setdefault(purl, _Entry(ecosystem, name, version, purl))
            entry.deps.append((manifest, dep))
            if version is None and dep.specifier:
                entry.constraints.add(dep.specifier)
            if version is not None and purl not in pinned_by_name[(ecosystem, _key(ecosystem, name))]:
                pinned_by_name[(ecosystem, _key(ecosystem, name))].append(purl)
    locks = [_lock_index(m) for m in manifests if m.is_lockfile]
    by_lock = {index.manifest.path: index for index in locks}
    by_path = {m.path: m for m in manifests}
    paths = frozenset(by_path)
    for manifest, dep in later:
        ecosystem, name, _ = _identity(dep)
        pinned = pinned_by_name.get((ecosystem, _key(ecosystem, name)))
        if pinned:
            for purl in _declared_versions(manifest, dep, name, pinned, entries, by_lock, by_path, paths):
                entries[purl].deps.append((manifest, dep))
            continue
        purl = _purl(ecosystem, name, None, dep)
        entry = entries.setdefault(purl, _Entry(ecosystem, name, None, purl))
        entry.deps.append((manifest, dep))
        if dep.specifier:
            entry.constraints.add(dep.specifier)
    # The graph: edges a lockfile records between its own entries. An edge the lockfile
    # resolves (`requires_exact`: yarn's descriptor, one of the target's patterns; pnpm's
    # `name@version`) goes to that entry. A name is resolved to the version the lockfile means:
    # node's lookup (nested node_modules first) for package-lock, else the lock's only version
    # of that name; an ambiguous name gets no edge rather than a wrong one.
    for index in locks:
        npm_tree = index.manifest.kind is ManifestKind.PACKAGE_LOCK

        def resolve(dep: Dependency, edge: str, ecosystem: str, is_exact: bool, index=index, npm_tree=npm_tree) -> str | None:
            name = edge
            if is_exact:
                if edge in index.exact:
                    return index.exact[edge]
                name = split_descriptor(edge)[0]
            if npm_tree:
                found = _node_lookup(index.by_key, dep.text, name)
                if found:
                    return found
            candidates = index.versions.get(_key(ecosystem, name), set())
            return next(iter(candidates)) if len(candidates) == 1 else None

        for dep in index.manifest.dependencies:
            is_exact = dep.requires_exact is not None
            edges = dep.requires_exact if is_exact else dep.requires
            if edges is None:
                continue
            ecosystem = dep.ecosystem
            targets = {t for t in (resolve(dep, e, ecosystem, is_exact) for e in edges) if t}
            if dep.source is SourceKind.VIRTUAL and dep.url in (None, "", "."):
                roots.update(t for t in targets if t in entries)  # the project's own entry
                continue
            identity = _identity(dep)
            if identity is None or identity[2] is None:
                continue
            purl = _purl(*identity, dep)
            if purl in entries:
                entries[purl].has_graph = True
                entries[purl].requires.update(t for t in targets if t in entries)
    return entries


@dataclass
class _LockIndex:
    """How to find a lockfile's entries: by name, by entry key, by what pins one exactly."""

    manifest: Manifest
    versions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # name key -> purls
    by_key: dict[str, str] = field(default_factory=dict)  # entry key (Dependency.text) -> purl
    exact: dict[str, str] = field(default_factory=dict)  # npm `name@version`, yarn pattern -> purl
    importers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # pnpm folder -> exact edges


def _lock_index(manifest: Manifest) -> _LockIndex:
    index = _LockIndex(manifest)
    for dep in manifest.dependencies:
        if dep.source is SourceKind.VIRTUAL and dep.url is not None and dep.requires_exact is not None:
            index.importers[dep.url] = dep.requires_exact
        identity = _identity(dep)
        if identity and identity[2] is not None:
            purl = _purl(*identity, dep)
            index.versions[_key(identity[0], identity[1])].add(purl)
            index.by_key[dep.text] = purl
            if dep.ecosystem == "npm":
                index.exact[f"{identity[1]}@{identity[2]}"] = purl
                if manifest.kind is ManifestKind.YARN_LOCK:
                    index.exact.update((pattern, purl) for pattern in dep.extras)
    return index


def _declared_versions(
    manifest: Manifest, dep: Dependency, name: str, pinned: list[str], entries, locks, by_path, paths
) -> list[str]:
    """The locked versions a range declaration is an occurrence of: for npm, the one the
    lockfile beside (or above) the package.json resolves it to, as the package manager
    installs it; for Python, those the specifier admits. When that finds none (a stale lock),
    every locked version of the name."""
    if dep.ecosystem == "npm":
        found = _npm_resolution(manifest, dep, name, locks, by_path, paths)
        return [found] if found in pinned else pinned
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        spec = SpecifierSet(dep.specifier)
    except InvalidSpecifier:
        return pinned
    admitted = []
    for purl in pinned:
        try:
            if spec.contains(Version(entries[purl].version), prereleases=True):
                admitted.append(purl)
        except InvalidVersion:
            continue
    return admitted or pinned


def _npm_resolution(
    manifest: Manifest, dep: Dependency, name: str, locks: dict[str, _LockIndex], by_path, paths: frozenset[str]
) -> str | None:
    """The locked version a package.json declaration resolves to, in the lockfiles that pin
    that package.json (the npm checks' own answer: nearest folder, workspaces included)."""
    from hygiene.checks.npm import covering_locks

    folder = posixpath.dirname(manifest.path) or "."
    for cover in covering_locks(manifest, by_path, paths)[0]:
        index = locks.get(cover.path)
        if index is None:
            continue
        rel = posixpath.relpath(folder, posixpath.dirname(cover.path) or ".")
        kind = index.manifest.kind
        if kind is ManifestKind.YARN_LOCK:
            for descriptor in (f"{name}@{dep.specifier}", f"{name}@npm:{dep.specifier}"):
                if descriptor in index.exact:
                    return index.exact[descriptor]
        elif kind is ManifestKind.PNPM_LOCK:
            for edge in index.importers.get(rel, ()):
                if split_descriptor(edge)[0] == name and edge in index.exact:
                    return index.exact[edge]
        else:
            keys = ([f"{rel}/node_modules/{name}"] if rel != "." else []) + [f"node_modules/{name}"]
            for key in keys:
                if key in index.by_key:
                    return index.by_key[key]
    return None


def _direct(entries: dict[str, _Entry], roots: set[str]) -> set[str]:
    """What the project depends on directly: what a lockfile's own project entry requires,
    whatever no other component requires, and every component declared outside a lockfile
    graph (requirements files, manifests, workflows, images)."""
    required = {r for e in entries.values() for r in e.requires}
    declared = {ref for ref, e in entries.items() if any(not m.is_lockfile for m, _ in e.deps)}
    return set(roots) | declared | {ref for ref in entries if ref not in required}


_PIP_FILES = (ManifestKind.REQUIREMENTS, ManifestKind.CONSTRAINTS)
_INDEX_COMMENT = "package index page (pip's --index-url)"
_EXTRA_INDEX_COMMENT = "package index page (pip's --extra-index-url)"
_IRI_SAFE = "/:@!$&'()*+,;=-._~%"


def _local_path(manifest: Manifest, written: str) -> str:
    """A local requirement's folder from the scan root (`./libs/x` in `sub/requirements.txt`
    is `sub/libs/x`); an absolute path or `file://` URL as written."""
    path = written[len("file:"):] if written.startswith("file:") and not written.startswith("file://") else written
    if path.startswith(("/", "file://")) or (len(path) > 1 and path[1] == ":"):
        return path
    return posixpath.normpath(posixpath.join(posixpath.dirname(manifest.path), path.replace("\\", "/")))


def _indexes(manifests) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per requirements file, the package indexes pip reads it against: pip applies the
    options of every file of one invocation (the file and those it includes with -r/-c, and
    those including it) to all of them; the last --index-url wins, every --extra-index-url
    adds one. Credentials are dropped (an SBOM is shared); a value that is not an http(s) URL
    (an unexpanded ${VAR}, a local folder) gives no reference. A file with no --index-url
    uses PyPI, as pip does without configuration."""
    files = {m.path: m for m in manifests if m.kind in _PIP_FILES}
    group = {path: path for path in files}

    def find(path: str) -> str:
        while group[path] != path:
            group[path] = group[group[path]]
            path = group[path]
        return path

    for manifest in files.values():
        for include in manifest.includes:
            if include.resolved in files:
                group[find(include.resolved)] = find(manifest.path)
    settings: dict[str, list] = defaultdict(list)
    for path in sorted(files):
        settings[find(path)].extend(files[path].settings)
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for path in files:
        primary, extras = DEFAULT_INDEX, []
        for setting in settings[find(path)]:
            url = _public_index(setting.value)
            if url is None:
                continue
            if setting.name == "index-url":
                primary = url
            elif setting.name == "extra-index-url" and url not in extras:
                extras.append(url)
        out[path] = ((primary, _INDEX_COMMENT), *((e, _EXTRA_INDEX_COMMENT) for e in extras if e != primary))
    return out


def _public_index(value: str) -> str | None:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or "$" in value:
        return None
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, quote(parts.path.rstrip("/"), safe=_IRI_SAFE), "", ""))


def _node_lookup(by_key: dict[str, str], key: str, name: str) -> str | None:
    """Where node finds `name` from the package at `key` (`node_modules/a/node_modules/b`):
    its own nested node_modules, then each enclosing one, up to the top."""
    here = key
    while True:
        candidate = f"{here}/node_modules/{name}" if here else f"node_modules/{name}"
        if candidate in by_key:
            return by_key[candidate]
        if not here:
            return None
        cut = here.rfind("node_modules/")
        here = here[:cut].rstrip("/") if cut > 0 else ""


def _identity(dep: Dependency) -> tuple[str, str, str | None] | None:
    if dep.ecosystem == "pypi":
        if not dep.name:
            return None
        return "pypi", normalize_name(dep.name), dep.version
    if dep.ecosystem == "npm":
        return ("npm", dep.name, dep.version) if dep.name else None
    if dep.ecosystem in ("github-actions", "pre-commit"):
        if not dep.name:
            return None
        return dep.ecosystem, dep.name, dep.version or dep.specifier or None
    if dep.ecosystem == "docker":
        return ("docker", dep.name, dep.version or dep.specifier or None) if dep.name else None
    if dep.ecosystem == "url" and dep.url:
        return "url", dep.url, dep.version or (dep.hashes[0] if dep.hashes else None)
    return None


def _key(ecosystem: str, name: str) -> str:
    return normalize_name(name) if ecosystem == "pypi" else name


def _purl(ecosystem: str, name: str, version: str | None, dep: Dependency) -> str:
    from packageurl import PackageURL

    if ecosystem == "pypi":
        # A direct URL or VCS requirement names where the code comes from: kept as the purl
        # qualifier the purl specification defines for it.
        qualifiers = None
        if dep.source is SourceKind.VCS and dep.url:
            qualifiers = {"vcs_url": dep.url.split("#", 1)[0]}
        elif dep.source is SourceKind.URL and dep.url:
            qualifiers = {"download_url": dep.url.split("#", 1)[0]}
        return PackageURL(type="pypi", name=name, version=version, qualifiers=qualifiers).to_string()
    if ecosystem == "npm":
        namespace, _, short = name.rpartition("/") if name.startswith("@") else ("", "", name)
        return PackageURL(type="npm", namespace=namespace or None, name=short, version=version).to_string()
    if ecosystem in ("github-actions", "pre-commit"):
        github = _github_path(name if ecosystem == "github-actions" else dep.url or name)
        if github:
            owner, repo, sub = github
            return PackageURL(type="github", namespace=owner, name=repo, version=version, subpath=sub or None).to_string()
        return PackageURL(type="generic", name=name.rstrip("/").rsplit("/", 1)[-1], version=version, qualifiers={"vcs_url": name}).to_string()
    if ecosystem == "docker":
        registry, _, path = name.partition("/") if "/" in name and ("." in name.split("/")[0] or ":" in name.split("/")[0]) else ("", "", name)
        namespace, _, short = path.rpartition("/")
        qualifiers = {}
        if registry:
            qualifiers["repository_url"] = registry
        if dep.specifier and version != dep.specifier:
            qualifiers["tag"] = dep.specifier
        return PackageURL(
            type="docker", namespace=namespace or ("library" if not registry else None), name=short, version=version, qualifiers=qualifiers or None
        ).to_string()
    url = name
    return PackageURL(
        type="generic", name=urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or "download", version=version, qualifiers={"download_url": url}
    ).to_string()


def _github_path(ref: str) -> tuple[str, str, str] | None:
    ref = ref.removeprefix("https://github.com/").removesuffix(".git")
    if "://" in ref:
        return None
    parts = ref.split("/")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1], "/".join(parts[2:])


def _provenance_properties(items: list) -> list[tuple[str, str]]:
    """`hygiene:provenance` (the worst status over the component's pinned files: every file
    must verify for `verified`), and per file its status and publisher."""
    if not items:
        return []
    from hygiene.provenance import WORST_FIRST

    worst = min((i.status for i in items), key=WORST_FIRST.index)
    out = [("hygiene:provenance", worst)]
    for item in sorted(items, key=lambda i: str(i.artifact)):
        label = item.artifact or "(no file)"
        out.append(("hygiene:provenance:file", f"{label}: {item.status}" + (f" ({item.reason})" if item.reason else "")))
        publisher = item.publisher
        if publisher is not None and publisher.repository:
            value = f"{publisher.kind}:{publisher.repository}" + (f"/{publisher.workflow}" if publisher.workflow else "")
            if ("hygiene:provenance:publisher", value) not in out:
                out.append(("hygiene:provenance:publisher", value))
    return out


def _optional(dep: Dependency) -> bool:
    return dep.group not in _REQUIRED_GROUPS


def _optional_components(entries: dict[str, _Entry]) -> set[str]:
    """The components only dev and optional groups need (scope `optional`). A declaration
    says what it is needed for (`[dependency-groups] dev`, `devDependencies`, a lock entry
    npm or Pipenv marks dev) but a lock entry without a group does not: a lockfile lists what
    the project and its groups pull in together. So: a component is required when a
    declaration in a required group names it or a required component depends on it (the
    graph); optional when only declarations in other groups name it, or only optional
    components depend on it; required when nothing says (no declaration, no graph)."""

    def said(entry: _Entry) -> list[bool]:  # optional?, for each declaration that says
        return [_optional(d) for m, d in entry.deps if not (m.is_lockfile and d.group is None)]

    required_seeds = {ref for ref, e in entries.items() if not all(said(e) or [True])}
    optional_seeds = {ref for ref, e in entries.items() if said(e) and all(said(e))}
    required = _closure(required_seeds, entries)
    return _closure(optional_seeds - required, entries) - required


def _closure(refs: set[str], entries: dict[str, _Entry]) -> set[str]:
    seen, todo = set(refs), list(refs)
    while todo:
        for target in entries[todo.pop()].requires:
            if target not in seen and target in entries:
                seen.add(target)
                todo.append(target)
    return seen


def _hash_alg(name: str):
    from cyclonedx.model import HashAlgorithm

    return HashAlgorithm(name)


def _timestamp(reproducible: bool) -> datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    if reproducible:
        return datetime.fromtimestamp(0, tz=timezone.utc)
    return None  # the library stamps the current time


def _project(result: ScanResult) -> tuple[str, str | None, str | None]:
    """The scanned project: name and version from its pyproject.toml or package.json, else the
    folder name; the git commit when the folder is a checkout."""
    from hygiene import git

    root = Path(result.root)
    name, version = root.name or "project", None
    pyproject = root / "pyproject.toml"
    package_json = root / "package.json"
    try:
        if pyproject.is_file() and pyproject.stat().st_size <= result.config.max_file_size:
            try:
                import tomllib
            except ModuleNotFoundError:  # pragma: no cover - Python 3.10
                import tomli as tomllib
            project = tomllib.loads(pyproject.read_text("utf-8")).get("project", {})
            if isinstance(project, dict) and isinstance(project.get("name"), str):
                name = project["name"]
                version = project.get("version") if isinstance(project.get("version"), str) else None
        elif package_json.is_file() and package_json.stat().st_size <= result.config.max_file_size:
            data = json.loads(package_json.read_text("utf-8"))
            if isinstance(data, dict) and isinstance(data.get("name"), str):
                name = data["name"]
                version = data.get("version") if isinstance(data.get("version"), str) else None
    except (OSError, ValueError, UnicodeDecodeError):
        pass  # the scan reports the broken file; the SBOM falls back to the folder name
    try:
        repo = git.Repository(root)
        try:
            commit = repo.resolve("HEAD")
        finally:
            repo.close()
    except (git.GitError, OSError):
        commit = None
    return name, version, commit
