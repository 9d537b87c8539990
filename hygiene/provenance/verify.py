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

sigstore-python accepts a log, CT log or CA key of the trusted root that is valid *now*;
:func:`check_key_windows` adds what the root's ``validFor`` periods are for: each key must have
been valid when it signed (the log when it integrated the entry, the CT log when it issued the
certificate's SCT, the CA when it issued the certificate), so a rotated-out or not-yet-valid key
cannot vouch for an entry made outside its period.

Needs the ``provenance`` extra (`sigstore`, `pypi-attestations`); :func:`available` says whether
it is installed.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
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

        self._root = root
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
        check_key_windows(bundle, self._root)
        if kind != IN_TOTO:
            raise VerificationFailed(f"the envelope holds {kind!r}, not an in-toto statement")
        if payload != attestation.statement:
            raise VerificationFailed("the signed statement is not the one the attestation shows")


def check_key_windows(bundle, root) -> None:
    """Raise :class:`VerificationFailed` when a key of `root` that vouches for `bundle` was not
    valid (``validFor``) at the time it signed. Keys the root does not hold are left to the
    signature checks, which fail for them."""
    from cryptography import x509

    inner = root._inner  # noqa: SLF001 - sigstore exposes no accessor for the periods
    entry = bundle.log_entry._inner  # noqa: SLF001
    if entry.integrated_time:
        when = datetime.fromtimestamp(entry.integrated_time, tz=timezone.utc)
        periods = [t.public_key.valid_for for t in inner.tlogs if t.log_id.key_id == entry.log_id.key_id]
        if periods and not any(_within(p, when) for p in periods):
            raise VerificationFailed(f"the transparency log's key was not valid when it integrated the entry ({when:%Y-%m-%dT%H:%M:%SZ})")
    cert = bundle.signing_certificate
    try:
        scts = list(cert.extensions.get_extension_for_class(x509.PrecertificateSignedCertificateTimestamps).value)
    except x509.ExtensionNotFound:
        scts = []
    for sct in scts:
        when = sct.timestamp.replace(tzinfo=timezone.utc)
        periods = [t.public_key.valid_for for t in inner.ctlogs if t.log_id.key_id == sct.log_id]
        if periods and not any(_within(p, when) for p in periods):
            raise VerificationFailed(f"the certificate transparency log's key was not valid when it issued the SCT ({when:%Y-%m-%dT%H:%M:%SZ})")
    issued = cert.not_valid_before_utc
    issuers = [a.valid_for for a in inner.certificate_authorities if _issued_by(cert, a.cert_chain.certificates)]
    if issuers and not any(_within(p, issued) for p in issuers):
        raise VerificationFailed(f"the certificate authority was not valid when it issued the certificate ({issued:%Y-%m-%dT%H:%M:%SZ})")


def valid_at(when: datetime, start: datetime | None, end: datetime | None) -> bool:
    """Whether `when` falls in a trusted root's ``validFor`` period (an open end, or no start,
    is unbounded); for every key and CA hygiene checks, here and in :mod:`npm_bundle`."""
    return (start is None or start <= when) and (end is None or when <= end)


def signs(issuer, cert) -> bool:
    """Whether `issuer`'s key made `cert`'s signature (names are the caller's to compare)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        issuer.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    except (InvalidSignature, TypeError, AttributeError):
        return False
    return True


def _within(period, when: datetime) -> bool:
    return period is None or valid_at(when, period.start, period.end)


def _issued_by(cert, chain) -> bool:
    """Whether the first certificate of a CA's chain issued `cert`."""
    from cryptography import x509

    if not chain:
        return False
    try:
        issuer = x509.load_der_x509_certificate(chain[0].raw_bytes)
    except ValueError:
        return False
    return issuer.subject == cert.issuer and signs(issuer, cert)


# sigstore-python appends object dumps to some messages: a certificate's repr, an inclusion proof's
# fields with raw bytes. The sentence before them is the reason.
_OBJECT_REPR = re.compile(r"\s*\(encountered processing <[^\n]*\)$|(?<=invalid root hash): expected log_index=.*$")


def _first_line(exc: BaseException) -> str:
    """The first line of a library error, without the object dumps some append."""
    text = str(exc).strip().splitlines()
    return _OBJECT_REPR.sub("", text[0] if text else type(exc).__name__)[:300]
