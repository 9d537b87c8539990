"""CLI-1 for npm, yarn and pnpm: ``package.json`` and the lockfiles that pin it.

package.json is abstract: its ranges are fine, a lockfile pins them.

- HY108 missing-lockfile: a package.json that declares any dependency (peer and dev ones
  included) with no lockfile that covers it: a package-lock.json, npm-shrinkwrap.json,
  yarn.lock or pnpm-lock.yaml beside it, or in a parent folder whose lockfile lists this folder
  as one of its workspace projects (for yarn 1, which does not record workspaces, one whose
  package.json ``workspaces`` globs match it).
- HY109 stale-lockfile: a declared dependency the covering lockfile does not record: absent
  from what the lock records the project declaring (npm's ``packages[""]`` or workspace entry,
  pnpm's ``importers``, yarn berry's ``@workspace:`` entry) or, for yarn 1, from every entry
  header; for a registry spec also a different spec than the one recorded (``name@spec`` must
  be a yarn 1 header). Peer dependencies are not judged: whether they are installed depends
  on the tool and its settings.
- HY105 unpinned-source: a git dependency not at a full commit id (the ref is what a new lock
  resolves), and a tarball URL that no covering lockfile records an integrity for (package.json
  has no way to pin its content).
- HY107 insecure-transport: a package.json URL or git dependency over plain ``http://``, and a
  lockfile entry resolved over it.

Lockfile entries (registry and URL artifacts; the project's own links, folders and workspaces
are exempt; bundled packages are covered by their parent's tarball):

- HY115 lockfile-integrity: no integrity, or only sha1/md5;
- HY105: a git entry not locked to a full commit id;
- HY116 lockfile-source: resolved from a host outside ``allowed_npm_hosts``, or an allowed
  registry's tarball of another package than the entry (``/lodash/-/lodash-4.17.21.tgz`` for
  ``lodash``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from hygiene.checks.base import CheckContext, enclosing_folders
from hygiene.model import Dependency, Finding, Manifest, ManifestKind, SourceKind
from hygiene.parsers._npm import (
    ECOSYSTEM,
    is_full_commit,
    split_descriptor,
    tarball_matches,
)
from hygiene.parsers.package_json import is_registry_spec
from hygiene.urls import transport

# The lockfile names npm, yarn and pnpm read, in npm's order of preference.
LOCKFILES = ("npm-shrinkwrap.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml")
_FIX = {
    ManifestKind.PACKAGE_LOCK: "npm install",
    ManifestKind.YARN_LOCK: "yarn install",
    ManifestKind.PNPM_LOCK: "pnpm install",
}
_WEAK_ALGORITHMS = frozenset({"md5", "sha1"})
_PEER = "peerDependencies"


def check_npm(ctx: CheckContext) -> Iterator[Finding]:
    by_path = ctx.by_path()
    paths = ctx.paths | frozenset(by_path)
    allowed = frozenset(host.lower() for host in ctx.options.allowed_npm_hosts)
    for manifest in ctx.manifests:
        if manifest.ecosystem != ECOSYSTEM:
            continue
        if manifest.kind is ManifestKind.PACKAGE_JSON:
            yield from _package_json(manifest, by_path, paths)
        elif manifest.is_lockfile:
            yield from _lockfile(manifest, allowed)


# Fix hints where the catalogue's (Python-worded) ones do not apply.
_GIT_HINT = "Write the full 40-hex commit id after `#` (`github:owner/repo#<commit>`) and regenerate the lockfile."
_TARBALL_HINT = (
    "Commit a lockfile that records the tarball's integrity (`npm install`, `yarn install`, `pnpm install`), "
    "or depend on a registry version."
)
_INTEGRITY_HINT = (
    "Regenerate the lockfile with a current npm, yarn or pnpm: they record a sha512 integrity for every "
    "registry and tarball package."
)


def _finding(rule: str, message: str, dep: Dependency, hint: str | None = None) -> Finding:
    return Finding(
        rule=rule,
        message=message,
        location=dep.location,
        ecosystem=ECOSYSTEM,
        package=dep.name,
        version_spec=dep.specifier or dep.version or None,
        hint=hint,
    )


# -- package.json ------------------------------------------------------------------------------


class _Cover:
    """A lockfile that pins a package.json: its path, the parsed lock (None when it could not
    be read) and the lock's record of this project (None when the lock keeps none)."""

    def __init__(self, path: str, lock: Manifest | None, importer: Dependency | None) -> None:
        self.path = path
        self.lock = lock
        self.importer = importer


def _relative(folder: str, base: str) -> str:
    if folder == base:
        return "."
    return folder[len(base) + 1 :] if base else folder


def _importers(lock: Manifest) -> dict[str, Dependency]:
    return {d.url or ".": d for d in lock.dependencies if d.source is SourceKind.VIRTUAL}


def _glob(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out)


def _in_workspaces(rel: str, root: Manifest | None) -> bool:
    """Whether folder `rel` is one of the workspaces a root package.json declares."""
    if root is None:
        return False
    included = excluded = False
    for s in root.settings:
        if s.name != "workspaces":
            continue
        pattern = s.value.strip()
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip()
        pattern = pattern.removeprefix("./")
        pattern = pattern.rstrip("/")
        if pattern and _glob(pattern).fullmatch(rel):
            if negate:
                excluded = True
            else:
                included = True
    return included and not excluded


def covering_locks(
    manifest: Manifest, by_path: dict[str, Manifest], paths: frozenset[str]
) -> tuple[list[_Cover], list[str]]:
    """The lockfiles that pin `manifest` (those of the nearest folder that has any), and the
    lockfiles met on the way that do not cover it (for messages)."""
    folder = posixpath.dirname(manifest.path)
    passed: list[str] = []
    for base in enclosing_folders(manifest.path):
        rel = _relative(folder, base)
        covers: list[_Cover] = []
        for name in LOCKFILES:
            lock_path = posixpath.join(base, name) if base else name
            if lock_path not in paths:
                continue
            lock = by_path.get(lock_path)
            if lock is None:  # present but unreadable (reported under errors): assume it covers
                covers.append(_Cover(lock_path, None, None))
                continue
            importers = _importers(lock)
            importer = importers.get(rel)
            if rel == "." or importer is not None:
                covers.append(_Cover(lock_path, lock, importer))
            elif not importers and lock.kind is ManifestKind.YARN_LOCK:
                root_path = posixpath.join(base, "package.json") if base else "package.json"
                root = by_path.get(root_path)
                # yarn 1 records no workspaces: the root package.json's globs say which they are
                # (an unreadable one cannot say: assume it lists this folder).
                if (root is None and root_path in paths) or _in_workspaces(rel, root):
                    covers.append(_Cover(lock_path, lock, None))
                else:
                    passed.append(lock_path)
            else:
                passed.append(lock_path)
        if covers:
            return covers, passed
    return [], passed


def _package_json(manifest: Manifest, by_path: dict[str, Manifest], paths: frozenset[str]) -> Iterator[Finding]:
    if not manifest.dependencies:
        return
    covers, passed = covering_locks(manifest, by_path, paths)
    if not covers:
        where = manifest.declared_at or manifest.dependencies[0].location
        note = ""
        if passed:
            note = f" ({passed[0]} does not list {posixpath.dirname(manifest.path) or '.'} as one of its projects)"
        yield Finding(
            "HY108",
            f"{manifest.path} declares dependencies but no lockfile (package-lock.json, npm-shrinkwrap.json, "
            f"yarn.lock or pnpm-lock.yaml) pins them{note}: every install resolves whatever is newest "
            "(run `npm install`, `yarn install` or `pnpm install` and commit the lockfile)",
            where,
            ECOSYSTEM,
        )
    for dep in manifest.dependencies:
        yield from _source(dep, covers)
    for cover in covers:
        if cover.lock is not None:
            yield from _stale(manifest, cover, by_path)


def _source(dep: Dependency, covers: list[_Cover]) -> Iterator[Finding]:
    url = dep.url or ""
    if dep.source is SourceKind.VCS:
        if not is_full_commit(dep.version):
            ref = f"ref `{dep.specifier}`" if dep.specifier else "no ref (the default branch)"
            yield _finding(
                "HY105",
                f"git dependency `{dep.text}` is at {ref}, not a full commit id: every new lock "
                "resolves whatever the ref points at then",
                dep,
                _GIT_HINT,
            )
    elif dep.source is SourceKind.URL and not _lock_integrity(dep, covers):
        lock = "no lockfile records its integrity" if covers else "no lockfile pins it"
        yield _finding(
            "HY105",
            f"`{dep.name}` is a tarball URL ({url}): package.json cannot pin its content and {lock}",
            dep,
            _TARBALL_HINT,
        )
    if dep.source in (SourceKind.VCS, SourceKind.URL) and transport(url) == "http":
        yield _finding("HY107", f"`{dep.name}` is fetched over plain HTTP: {url}", dep)


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _lock_integrity(dep: Dependency, covers: list[_Cover]) -> bool:
    """Whether some covering lockfile records an integrity for a package.json tarball URL."""
    want = _strip_fragment(dep.url or "")
    filename = want.rsplit("/", 1)[-1]
    for cover in covers:
        if cover.lock is None:
            return True  # unreadable: its own error says so
        for entry in cover.lock.dependencies:
            if not entry.hashes or entry.source in (SourceKind.VIRTUAL, SourceKind.PATH):
                continue
            urls = {_strip_fragment(u) for u in (entry.url, *entry.artifact_urls) if u}
            if want in urls:
                return True
            # pnpm writes no URL for a tarball it recognises as the registry's own.
            base = (entry.name or "").rsplit("/", 1)[-1]
            if not urls and base and entry.version and filename.startswith(f"{base}-{entry.version}."):
                return True
    return False


def _declared(importer: Dependency) -> dict[str, set[str | None]]:
    """What a lock records a project declaring: name -> specs (None: spec not recorded)."""
    out: dict[str, set[str | None]] = {}
    for item in importer.extras:
        name, spec = split_descriptor(item)
        out.setdefault(name, set()).add(spec if "@" in item[1:] else None)
    return out


def _compare_spec(spec: str) -> bool:
    """Whether a lockfile records `spec` as written (registry ranges, tags and aliases; git,
    URL and path specs are normalised differently by each tool, and an empty spec too)."""
    return bool(spec.strip()) and is_registry_spec(spec)


def _stale(manifest: Manifest, cover: _Cover, by_path: dict[str, Manifest]) -> Iterator[Finding]:
    lock = cover.lock
    assert lock is not None
    fix = _FIX.get(lock.kind, "npm install")
    lock_name = cover.path

    def absent(dep: Dependency) -> Finding:
        return _finding(
            "HY109",
            f"`{dep.text}` is declared here but absent from {lock_name}: the lockfile is stale (run `{fix}`)",
            dep,
        )

    def differs(dep: Dependency, recorded: str) -> Finding:
        return _finding(
            "HY109",
            f"`{dep.text}` is declared here but {lock_name} records `{recorded}`: the lockfile is stale "
            f"(run `{fix}`)",
            dep,
        )

    deps = [d for d in manifest.dependencies if d.group != _PEER and d.name]
    if cover.importer is not None:
        declared = _declared(cover.importer)
        for dep in deps:
            specs = declared.get(dep.name or "")
            if specs is None:
                yield absent(dep)
                continue
            known = {s for s in specs if s is not None}
            if (
                known
                and None not in specs
                and _compare_spec(dep.specifier)
                and dep.specifier not in known
                and f"npm:{dep.specifier}" not in known  # yarn berry's normalised ranges
            ):
                yield differs(dep, f"{dep.name}@{min(known)}")
        return

    if lock.kind is ManifestKind.YARN_LOCK:  # yarn 1: the entry headers are the record
        patterns = {p for entry in lock.dependencies for p in entry.extras}
        by_name: dict[str, list[str]] = {}
        for p in patterns:
            by_name.setdefault(split_descriptor(p)[0], []).append(p)
        workspaces = _workspace_names(posixpath.dirname(cover.path), by_path)
        for dep in deps:
            name = dep.name or ""
            if name in workspaces:
                continue  # yarn 1 links workspace packages without locking them
            if name not in by_name:
                yield absent(dep)
            elif _compare_spec(dep.specifier) and f"{name}@{dep.specifier}" not in patterns:
                yield differs(dep, min(by_name[name]))
        return

    # A lockfile with no record of the project (hand-made): the top of node_modules.
    installed = {d.text.rsplit("node_modules/", 1)[-1] for d in lock.dependencies if d.text.startswith("node_modules/")}
    installed |= {d.name for d in lock.dependencies if d.name}
    for dep in deps:
        if dep.name not in installed:
            yield absent(dep)


def _workspace_names(base: str, by_path: dict[str, Manifest]) -> set[str]:
    prefix = base + "/" if base else ""
    return {
        s.value
        for m in by_path.values()
        if m.kind is ManifestKind.PACKAGE_JSON and m.path.startswith(prefix)
        for s in m.settings
        if s.name == "package-name"
    }


# -- lockfiles ---------------------------------------------------------------------------------


def _lockfile(lock: Manifest, allowed: frozenset[str]) -> Iterator[Finding]:
    label = posixpath.basename(lock.path) or lock.path
    for dep in lock.dependencies:
        if dep.source in (SourceKind.PATH, SourceKind.VIRTUAL) or dep.group == "bundled":
            continue
        yield from _entry(dep, label, allowed)


def _entry(dep: Dependency, label: str, allowed: frozenset[str]) -> Iterator[Finding]:
    what = f"{dep.name} {dep.version}" if dep.name and dep.version and dep.source is not SourceKind.VCS else dep.display

    def finding(rule: str, problem: str, hint: str | None = None) -> Finding:
        return _finding(rule, f"{what} {problem} ({label} entry)", dep, hint)

    url = dep.url or ""
    if dep.source is SourceKind.VCS:
        if not is_full_commit(dep.version):
            yield finding("HY105", f"is locked to git source {url} without a full commit id", _GIT_HINT)
        if transport(url) == "http":
            yield finding("HY107", f"is fetched over plain http from {url}")
        return

    if not dep.hashes:
        yield finding("HY115", "is locked without an integrity hash", _INTEGRITY_HINT)
    else:
        algorithms = {h.partition(":")[0].lower() for h in dep.hashes}
        if algorithms <= _WEAK_ALGORITHMS:
            weak = ", ".join(sorted(algorithms))
            yield finding("HY115", f"is locked only with weak hashes ({weak})", _INTEGRITY_HINT)

    urls = dep.artifact_urls or ((url,) if url else ())
    plain = [u for u in urls if transport(u) == "http"]
    if plain:
        yield finding("HY107", f"is downloaded over plain http from {plain[0]}")
    for artifact in urls:
        if transport(artifact) != "https":
            continue
        try:
            host = (urlsplit(artifact).hostname or "").lower()
        except ValueError:
            host = ""
        if host not in allowed:
            yield finding("HY116", f"is resolved from {host or artifact}, which is not an allowed registry: {artifact}")
        elif dep.name and not tarball_matches(artifact, dep.name):
            yield finding("HY116", f"is resolved from a URL that does not match the package name: {artifact}")
