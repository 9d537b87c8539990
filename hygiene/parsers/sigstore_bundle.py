"""A sigstore bundle the repository ships (``*.sigstore.json``, ``*.sigstore``).

It declares no dependency; it is recorded so that ``scan --verify-provenance`` can verify it
against the artifact beside it (HY404, :mod:`hygiene.checks.provenance`). Its content is read
then, by sigstore; a file that is not a bundle is reported there, as a bundle that does not
verify, rather than failing every scan.
"""

from __future__ import annotations

from hygiene.model import Manifest, ManifestKind


def parse(path: str, text: str) -> Manifest:
    return Manifest(path=path, kind=ManifestKind.SIGSTORE_BUNDLE, ecosystem="sigstore")
