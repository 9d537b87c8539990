"""References to third-party code that must be immutable: GitHub Actions `uses:` (HY110),
container images (HY111), pre-commit hook revisions (HY117) and Dockerfile `ADD <url>`
downloads (HY118).

A full 40-hex commit id or an `@sha256:` digest names exactly one content; a tag, a branch or a
short commit id can be moved (or, for a short id, collide) to other code.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

from hygiene.checks.base import CheckContext
from hygiene.model import Dependency, Finding, ManifestKind, Severity

_HEX = re.compile(r"[0-9a-fA-F]{7,39}")
_FIRST_PARTY = ("actions", "github")  # GitHub's own actions: a warning by default


def check_refs(ctx: CheckContext) -> Iterable[Finding]:
    for manifest in ctx.manifests:
        for dep in manifest.dependencies:
            if dep.ecosystem == "github-actions" and dep.version is None:
                finding = _action(dep, ctx.options.action_pins)
                if finding is not None:
                    yield finding
            elif dep.ecosystem == "docker" and not dep.hashes and dep.name != "scratch":
                why = (
                    "is chosen at build time (`--build-arg`; the ARG has no default), so nothing in the repository pins it"
                    if "$" in dep.text
                    else "is not pinned by digest: its tag can be moved to another image"
                )
                yield Finding(
                    "HY111",
                    f"image `{dep.text}` {why}",
                    dep.location,
                    ecosystem="docker",
                    package=dep.name,
                    version_spec=dep.specifier or None,
                )
            elif dep.ecosystem == "url" and manifest.kind is ManifestKind.DOCKERFILE and not dep.hashes and not dep.version:
                yield Finding(
                    "HY118",
                    f"`{dep.text}` downloads without `--checksum`: the build uses whatever the server returns",
                    dep.location,
                    ecosystem="docker",
                    package=dep.url,
                )
            elif dep.ecosystem == "pre-commit" and dep.version is None:
                yield Finding(
                    "HY117",
                    f"hook repository `{dep.name}` is at `rev: {dep.specifier or '(none)'}`, {_what_ref(dep.specifier)}",
                    dep.location,
                    ecosystem="pre-commit",
                    package=dep.name,
                    version_spec=dep.specifier or None,
                )


def _action(dep: Dependency, pins: tuple[tuple[str, str], ...]) -> Finding | None:
    owner_repo = "/".join((dep.name or "").lower().split("/")[:2])
    for pattern, policy in pins:
        if fnmatch.fnmatchcase(owner_repo, pattern) or fnmatch.fnmatchcase(owner_repo.split("/")[0], pattern):
            if policy == "ref-pin":
                return None
            break
    owner = owner_repo.split("/")[0]
    return Finding(
        "HY110",
        f"`uses: {dep.text}` is {_what_ref(dep.specifier)}",
        dep.location,
        ecosystem="github-actions",
        package=dep.name,
        version_spec=dep.specifier or None,
        severity=Severity.WARNING if owner in _FIRST_PARTY else None,
    )


def _what_ref(ref: str) -> str:
    if not ref:
        return "not pinned to any ref (the default branch is used)"
    if _HEX.fullmatch(ref):
        return "pinned to a short commit id, not a full 40-hex commit id"
    return f"pinned to the tag or branch `{ref}`, not a full commit id"
