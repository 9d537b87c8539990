"""CLI-1 abstract manifests and their lockfiles: HY108 (missing lockfile), HY109 (stale).

An abstract manifest states ranges; its tool's lockfile is what gets installed. The lockfile is
looked for in the manifest's folder and every parent folder up to the scan root (uv and
workspaces keep one lock at the workspace root).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from hygiene.checks.base import CheckContext, enclosing_folders
from hygiene.model import Finding, Manifest, ManifestKind, SourceKind

# The lockfile names each tool reads.
LOCKFILES: dict[str, tuple[str, ...]] = {
    "uv": ("uv.lock", "pylock.toml"),
    "poetry": ("poetry.lock",),
    "pdm": ("pdm.lock", "pylock.toml"),
    "pipenv": ("Pipfile.lock",),
}
_FIX = {"uv": "uv lock", "poetry": "poetry lock", "pdm": "pdm lock", "pipenv": "pipenv lock"}


def find_lockfile(manifest: Manifest, tool: str, paths: frozenset[str]) -> str | None:
    for folder in enclosing_folders(manifest.path):
        for name in LOCKFILES[tool]:
            candidate = posixpath.join(folder, name) if folder else name
            if candidate in paths:
                return candidate
    return None


def check_manifests(ctx: CheckContext) -> Iterator[Finding]:
    by_path = ctx.by_path()
    paths = ctx.paths | frozenset(by_path)
    for manifest in ctx.manifests:
        if manifest.kind not in (ManifestKind.PYPROJECT, ManifestKind.PIPFILE) or not manifest.lock_tools:
            continue
        found = [(tool, find_lockfile(manifest, tool, paths)) for tool in manifest.lock_tools]
        locked = [(tool, lock) for tool, lock in found if lock is not None]
        if not locked:
            tools = ", ".join(manifest.lock_tools)
            names = " or ".join(n for t in manifest.lock_tools for n in LOCKFILES[t][:1])
            where = manifest.declared_at or manifest.dependencies[0].location
            yield Finding(
                "HY108",
                f"{manifest.path} declares dependencies for {tools} but no lockfile ({names}) is committed: "
                f"installs resolve whatever is newest (run `{_FIX[manifest.lock_tools[0]]}`)",
                where,
            )
            continue
        tool, lock_path = locked[0]
        lock = by_path.get(lock_path)
        if lock is None:
            continue  # present but unreadable: reported under errors
        yield from _stale(manifest, lock, tool)


def _stale(manifest: Manifest, lock: Manifest, tool: str) -> Iterator[Finding]:
    yield from _stale_hash(manifest, lock, tool)
    locked = {d.key for d in lock.dependencies if d.key}
    for dep in manifest.dependencies:
        # Build requirements are never locked; a uv source says where a declared dependency
        # comes from, it does not declare it again; path dependencies are the repository's own.
        if dep.group in ("build-system", "uv-source") or not dep.key or dep.source is SourceKind.PATH:
            continue
        if dep.key not in locked:
            yield Finding(
                "HY109",
                f"`{dep.name}` is declared here but absent from {lock.path}: the lockfile is stale "
                f"(run `{_FIX[tool]}`)",
                dep.location,
                "pypi",
                dep.name,
                dep.specifier or None,
            )


# The lockfile format in which each tool records the manifest's hash.
_HASHED_LOCK = {
    "poetry": ManifestKind.POETRY_LOCK,
    "pdm": ManifestKind.PDM_LOCK,
    "pipenv": ManifestKind.PIPFILE_LOCK,
}
# What each calls the field.
_HASH_NAME = {"poetry": "content-hash", "pdm": "content_hash", "pipenv": "hash"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _recorded_sha256(value: str | None) -> str | None:
    """The hex digest a lock records (pdm writes ``sha256:<hex>``); None for anything that is
    not a SHA-256, which is then not compared."""
    if not value:
        return None
    algorithm, sep, digest = value.strip().rpartition(":")
    if sep and algorithm.lower() != "sha256":
        return None
    digest = digest.lower()
    return digest if _SHA256.fullmatch(digest) else None


def _stale_hash(manifest: Manifest, lock: Manifest, tool: str) -> Iterator[Finding]:
    """The manifest hash the lockfile records matches none that the tool would compute now.

    Compared only when the lock is the tool's own format, sits next to the manifest (a lock
    found in a parent folder, such as a pdm workspace root's, hashes other files too), and
    records a SHA-256; the manifest's parser left out every tool whose hash it cannot know."""
    expected = dict(manifest.lock_hashes).get(tool)
    recorded = _recorded_sha256(lock.content_hash)
    if (
        not expected
        or recorded is None
        or lock.kind is not _HASHED_LOCK.get(tool)
        or lock.content_hash_location is None
        or posixpath.dirname(lock.path) != posixpath.dirname(manifest.path)
    ):
        return
    if recorded in expected:
        return
    yield Finding(
        "HY109",
        f"{lock.path} records a {_HASH_NAME[tool]} of {manifest.path} that no longer matches it: the "
        f"lockfile is stale (run `{_FIX[tool]}`)",
        lock.content_hash_location,
        "pypi",
    )

