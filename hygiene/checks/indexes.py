"""CLI-1 package sources: HY106 (more than one index) and HY107 (insecure transport).

Parsers translate each tool's way of naming indexes into `Setting` records: ``index-url``
replaces the default index, ``extra-index-url`` adds one that is searched for every package,
``pinned-index`` is one only the packages that name it come from, ``find-links``,
``trusted-host`` and ``verify-ssl``. Lockfile URLs are judged by the lockfile
check; this one reads the settings and the direct URLs of every other manifest.
"""

from __future__ import annotations

from collections.abc import Iterator

from hygiene.checks.base import CheckContext
from hygiene.model import Finding, SourceKind
from hygiene.urls import transport


def check_indexes(ctx: CheckContext) -> Iterator[Finding]:
    for manifest in ctx.manifests:
        if manifest.is_lockfile or manifest.ecosystem != "pypi":
            continue  # lockfiles are judged with their entries by the lockfile check
        for s in manifest.settings:
            value = s.value
            if s.name in ("index-url", "extra-index-url", "find-links", "pinned-index") and transport(value) == "http":
                yield Finding("HY107", f"`{s.name} {value}` fetches packages over plain HTTP", s.location)
            if s.name == "extra-index-url":
                yield Finding(
                    "HY106",
                    f"extra index `{value}` is searched for every package besides the main index: "
                    "a package name registered on either can win (dependency confusion)",
                    s.location,
                )
            elif s.name == "find-links" and transport(value) in ("http", "https"):
                yield Finding(
                    "HY106",
                    f"remote `--find-links {value}` adds a second source for every package (dependency confusion)",
                    s.location,
                )
            elif s.name == "trusted-host":
                yield Finding("HY107", f"`--trusted-host {value}` disables TLS verification for that host", s.location)
            elif s.name == "verify-ssl" and value.lower() == "false":
                yield Finding("HY107", "TLS verification is disabled for a package source (`verify_ssl = false`)", s.location)
        for dep in manifest.dependencies:
            if dep.url and dep.source in (SourceKind.URL, SourceKind.VCS) and transport(dep.url) == "http":
                yield Finding(
                    "HY107",
                    f"`{dep.name or dep.url}` is fetched over plain HTTP: {dep.url}",
                    dep.location,
                    "pypi",
                    dep.name,
                    dep.specifier or None,
                )
