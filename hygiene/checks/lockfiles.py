"""Lockfile entries that do not pin what gets installed, or pin it from the wrong place.

- HY115 lockfile-integrity: a registry or direct-URL entry with no artifact hash, or only
  weak ones (md5, sha1). The project's own path/editable/virtual entries are exempt, and VCS
  entries are judged by their commit instead:
- HY105 unpinned-source: a VCS entry whose URL does not name a full commit id.
- HY116 lockfile-source: an artifact URL on a host outside the allowed registries, or a
  ``files.pythonhosted.org`` file that belongs to a different distribution than the entry.
- HY107 insecure-transport: an entry, index or source resolved over plain ``http://``, or a
  source with ``verify_ssl = false``.

One finding per entry and rule, on the entry's first line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from hygiene.checks.base import CheckContext
from hygiene.model import Dependency, Finding, Manifest, SourceKind, normalize_name
from hygiene.urls import transport

_WEAK_ALGORITHMS = frozenset({"md5", "sha1"})
_PYPI_FILES_HOST = "files.pythonhosted.org"
# A full commit id after the separator that introduces a revision: `@` (pip style),
# `#` (uv writes the resolved commit as the fragment), `rev=`/`commit=` query parameters.
_FULL_COMMIT = re.compile(
    r"(?:[@#]|\brev=|\bcommit=)(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{40})(?![0-9A-Za-z])"
)
_SDIST_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tar.Z", ".tar", ".tgz", ".tbz", ".zip")
_INDEX_SETTINGS = frozenset({"index-url", "extra-index-url", "find-links"})


def check_lockfiles(ctx: CheckContext) -> Iterator[Finding]:
    allowed = frozenset(host.lower() for host in ctx.options.allowed_python_hosts)
    for manifest in ctx.manifests:
        if not manifest.is_lockfile or manifest.ecosystem != "pypi":
            continue  # npm, yarn and pnpm locks: checks/npm.py
        label = posixpath.basename(manifest.path) or manifest.path
        yield from _settings(manifest, label)
        for dep in manifest.dependencies:
            yield from _entry(dep, label, allowed)


def _settings(manifest: Manifest, label: str) -> Iterator[Finding]:
    for setting in manifest.settings:
        if setting.name in _INDEX_SETTINGS and transport(setting.value) == "http":
            yield Finding(
                rule="HY107",
                message=f"{label} resolves packages from {setting.value} over plain http",
                location=setting.location,
                ecosystem=manifest.ecosystem,
            )
        elif setting.name == "verify-ssl" and setting.value.lower() == "false":
            yield Finding(
                rule="HY107",
                message=f"{label} turns off TLS certificate verification for a package source"
                " (verify_ssl = false)",
                location=setting.location,
                ecosystem=manifest.ecosystem,
            )


def _entry(dep: Dependency, label: str, allowed: frozenset[str]) -> Iterator[Finding]:
    if dep.source in (SourceKind.PATH, SourceKind.VIRTUAL):
        return
    what = f"{dep.display} {dep.version}" if dep.version else dep.display

    def finding(rule: str, problem: str) -> Finding:
        return Finding(
            rule=rule,
            message=f"{what} {problem} ({label} entry)",
            location=dep.location,
            ecosystem=dep.ecosystem,
            package=dep.name,
            version_spec=dep.specifier or None,
        )

    url = dep.url or ""
    if dep.source is SourceKind.VCS:
        if not _FULL_COMMIT.search(url):
            source = f" {url}" if url else ""
            yield finding("HY105", f"is locked to VCS source{source} without a full commit id")
        if transport(url) == "http":
            yield finding("HY107", f"is fetched over plain http from {url}")
        return

    # REGISTRY and URL: the artifact must be pinned by a strong hash…
    if not dep.hashes:
        yield finding("HY115", "is locked without an artifact hash")
    else:
        algorithms = {h.partition(":")[0].lower() for h in dep.hashes}
        if algorithms <= _WEAK_ALGORITHMS:
            weak = ", ".join(sorted(algorithms))
            yield finding("HY115", f"is locked only with weak hashes ({weak})")

    # …and every artifact must come from an allowed host, under its own name.
    urls = dep.artifact_urls or ((url,) if url else ())
    plain_http = [u for u in urls if transport(u) == "http"]
    if plain_http:
        yield finding("HY107", f"is downloaded over plain http from {plain_http[0]}")
    foreign: dict[str, str] = {}
    for artifact in urls:
        if transport(artifact) != "https":
            continue
        host = (urlsplit(artifact).hostname or "").lower()
        if host not in allowed:
            foreign.setdefault(host, artifact)
        elif host == _PYPI_FILES_HOST and dep.name:
            filename = unquote(posixpath.basename(urlsplit(artifact).path))
            if not _file_belongs_to(filename, dep.name):
                yield finding("HY116", f"points at {filename}, a file of another distribution: {artifact}")
    for host, artifact in foreign.items():
        yield finding("HY116", f"is resolved from {host}, which is not an allowed registry: {artifact}")


def _file_belongs_to(filename: str, name: str) -> bool:
    """Whether a wheel or sdist file name is one of distribution `name` (PEP 503
    normalised). Other file names are given the benefit of the doubt."""
    key = normalize_name(name)
    if filename.endswith(".whl"):  # "{name}-{version}(-{build})?-{py}-{abi}-{platform}.whl"
        return normalize_name(filename.split("-", 1)[0]) == key
    for suffix in _SDIST_SUFFIXES:
        if filename.endswith(suffix):
            # "{name}-{version}{suffix}"; legacy sdists keep dashes in the name, so compare
            # the prefix and require the rest to look like a version.
            stem = normalize_name(filename[: -len(suffix)])
            if not stem.startswith(key + "-"):
                return False
            rest = stem[len(key) + 1 :]
            return rest[:1].isdigit() or (rest[:1] == "v" and rest[1:2].isdigit())
    return True
