"""HY301: what an SBOM written from this scan can only record without an exact version or
hash. Runs only when an SBOM is requested (`scan --sbom`, the action's `sbom` input): the
findings describe that SBOM's entries. The entries are assembled by `hygiene.sbom`, the same
code that writes the SBOM."""

from __future__ import annotations

from collections.abc import Iterable

from hygiene.checks.base import CheckContext
from hygiene.model import Finding


def check_sbom_entries(ctx: CheckContext) -> Iterable[Finding]:
    if not ctx.options.sbom_entries:
        return ()
    from hygiene.sbom import incomplete

    return incomplete(ctx.manifests)
