"""The check interface: a check reads parsed manifests and yields findings. Checks never read
files and never decide output format; the pipeline applies suppressions, severities and
selection afterwards."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from hygiene.model import Finding, Manifest, ManifestKind


@dataclass(frozen=True)
class CheckOptions:
    """The parts of the configuration that change what checks conclude."""

    # Hosts a lockfile may resolve Python artifacts from without HY116.
    allowed_python_hosts: tuple[str, ...] = ("pypi.org", "files.pythonhosted.org")
    # Hosts an npm, yarn or pnpm lockfile may resolve packages from without HY116.
    allowed_npm_hosts: tuple[str, ...] = ("registry.npmjs.org", "registry.yarnpkg.com")
    # Per-owner pinning policy for GitHub Actions `uses:` (HY110): (pattern, policy) pairs,
    # most specific first; policy "hash-pin" (default) or "ref-pin" (a tag or branch is fine).
    action_pins: tuple[tuple[str, str], ...] = ()
    # An SBOM is written from this scan: report what it can only record inexactly (HY301).
    sbom_entries: bool = False


@dataclass(frozen=True)
class CheckContext:
    manifests: tuple[Manifest, ...]
    options: CheckOptions = field(default_factory=CheckOptions)
    # Every manifest path discovered, parsed or not (a lockfile that failed to parse exists).
    paths: frozenset[str] = frozenset()
    # The parsed requirements file at a path, wherever in the scan it is parsed (a parallel scan
    # gives each process some of the files); None when there is none. Default: `manifests`.
    requirement: Callable[[str], Manifest | None] | None = None

    def requirements_file(self, path: str) -> Manifest | None:
        if self.requirement is not None:
            return self.requirement(path)
        return next((m for m in self.manifests if m.path == path and m.kind in _REQUIREMENT_KINDS), None)

    def by_path(self) -> dict[str, Manifest]:
        return {m.path: m for m in self.manifests}


Check = Callable[[CheckContext], Iterable[Finding]]

_REQUIREMENT_KINDS = (ManifestKind.REQUIREMENTS, ManifestKind.CONSTRAINTS, ManifestKind.PIP_COMPILE_INPUT)


def enclosing_folders(path: str) -> Iterator[str]:
    """The folders a root-relative file path is in, nearest first, ending with the root (``""``):
    where a lockfile for a manifest may stand."""
    folder = posixpath.dirname(path)
    while True:
        yield folder
        if not folder:
            return
        folder = posixpath.dirname(folder)
