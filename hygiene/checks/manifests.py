"""CLI-1 abstract manifests and their lockfiles: HY108 (missing lockfile), HY109 (stale)."""

from __future__ import annotations

from collections.abc import Iterator

from hygiene.checks.base import CheckContext
from hygiene.model import Finding


def check_manifests(ctx: CheckContext) -> Iterator[Finding]:
    return iter(())
