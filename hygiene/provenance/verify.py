"""hygiene's sigstore verifier: signatures checked offline against an explicit trusted root.

The trusted root is a file: the one given (``--trusted-root``), else the production (or, when
asked, staging) root the installed `sigstore` package ships. hygiene never refreshes it through
TUF on its own, so a scan needs no network for this, and the same inputs give the same verdicts.

For a PEP 740 attestation, :class:`Pep740Verifier` checks, through sigstore-python's
`Verifier.verify_dsse`: the DSSE signature with the certificate's key, the certificate's chain
to the root's Fulcio CA at the time the transparency log integrated the entry, the log entry's
inclusion (promise or proof) under the root's log keys, the certificate's SCT, and that the
certificate was issued to the publisher the bundle names (issuer, repository, workflow, through
pypi-attestations' Trusted Publisher policies). The signed payload must be the statement hygiene
read its subject from (:mod:`hygiene.provenance.pypi` checks the subject).

Needs the ``provenance`` extra (`sigstore`, `pypi-attestations`); :func:`available` says whether
it is installed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from hygiene.provenance import Attestation

IN_TOTO = "application/vnd.in-toto+json"
_ROOTS = {
    False: "https%3A%2F%2Ftuf-repo-cdn.sigstore.dev",
    True: "https%3A%2F%2Ftuf-repo-cdn.sigstage.dev",
}


class VerificationFailed(ValueError):
    """The material does not verify; the message says which check failed."""


def available() -> str | None:
    """None when verification can run, else why not (for `skipped`)."""
    try:
        import pypi_attestations  # noqa: F401
        import sigstore  # noqa: F401
    except ImportError as exc:
        return f"provenance verification needs the `provenance` extra (pip install 'hygiene[provenance]'): {exc}"
    return None


def trusted_root(path: str | Path | None = None, *, staging: bool = False):
    """The `TrustedRoot` from `path`, else sigstore's shipped production or staging root."""
    from sigstore.models import TrustedRoot

    if path is not None:
        try:
            return TrustedRoot.from_file(str(path))
        except Exception as exc:  # noqa: BLE001 - pydantic, JSON, OS errors alike
            raise VerificationFailed(f"{path}: not a sigstore trusted root ({_first_line(exc)})") from None
    with resources.as_file(shipped_root(staging)) as file:
        return TrustedRoot.from_file(str(file))


def shipped_root(staging: bool = False):
    """The production (or staging) trusted root file the installed sigstore package ships."""
    return resources.files("sigstore") / "_store" / _ROOTS[staging] / "trusted_root.json"


class Pep740Verifier:
    """A `hygiene.provenance.pypi.Verifier`: raises :class:`VerificationFailed` (a ValueError)
    with the reason when an attestation does not verify."""

    def __init__(self, root) -> None:
        from sigstore.verify import Verifier

        self._verifier = Verifier(trusted_root=root)

    def __call__(self, attestation: Attestation, filename: str, sha256: str) -> None:
        import sigstore.errors
        from pydantic import TypeAdapter, ValidationError
        from pypi_attestations import Attestation as Pep740
        from pypi_attestations import AttestationError, Publisher

        if attestation.publisher is None:
            raise VerificationFailed("the bundle names no publisher to check the certificate against")
        try:
            bundle = Pep740.model_validate(attestation.raw).to_bundle()
            publisher = TypeAdapter(Publisher).validate_python(attestation.publisher.raw)
        except (ValidationError, AttestationError, ValueError) as exc:
            raise VerificationFailed(f"not a PEP 740 attestation ({_first_line(exc)})") from None
        try:
            kind, payload = self._verifier.verify_dsse(bundle, publisher._as_policy())  # noqa: SLF001
        except sigstore.errors.VerificationError as exc:
            message = _first_line(exc)
            if message.startswith("Certificate's Build Config URI"):  # the library prints objects
                named = attestation.publisher
                message = f"the certificate was not issued to the workflow {named.workflow!r} of {named.repository!r}"
            raise VerificationFailed(message) from None
        if kind != IN_TOTO:
            raise VerificationFailed(f"the envelope holds {kind!r}, not an in-toto statement")
        if payload != attestation.statement:
            raise VerificationFailed("the signed statement is not the one the attestation shows")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
