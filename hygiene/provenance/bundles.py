"""Verify a sigstore bundle for an artifact (`hygiene verify bundle`; later HY404).

A message-signature bundle signs the artifact's digest: sigstore-python's `verify_artifact`
checks the signature over the artifact (or the sha256 digest given instead), the certificate
chain at the log's integration time, the log entry and the SCT. A DSSE bundle (in-toto
statements, GitHub artifact attestations) signs a statement: `verify_dsse` checks the same
material, and the statement must name the artifact's sha256 among its subjects; a valid
signature over a statement about something else is a failure.

The certificate must name the identity (exactly, or by a regular expression that must match
all of it, as the sigstore CLI's `--cert-identity-regexp`) and the OIDC issuer.

A PEP 740 attestation file (``{"version": 1, "envelope": ..., "verification_material": ...}``, as
`pypi-attestations sign` writes them next to a distribution) is a DSSE bundle in another
shape: it is converted with pypi-attestations' model and verified the same way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
from pathlib import Path

from hygiene.provenance.verify import VerificationFailed, _first_line

_DIGEST = re.compile(r"sha256:([0-9a-fA-F]{64})")


def artifact_digest(artifact: str) -> tuple[str, bytes | None]:
    """(sha256 hex, contents or None) of ARTIFACT: a file, or ``sha256:<hex>``."""
    match = _DIGEST.fullmatch(artifact)
    if match:
        return match.group(1).lower(), None
    path = Path(artifact)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise VerificationFailed(f"{artifact}: cannot read it ({exc.strerror or exc})") from None
    return hashlib.sha256(data).hexdigest(), data


def verify_bundle(
    artifact: str,
    bundle_path: Path,
    *,
    issuer: str,
    identity: str | None = None,
    identity_regexp: str | None = None,
    root=None,
) -> str:
    """What was verified, in one line; :class:`VerificationFailed` says why not."""
    import sigstore.errors
    from sigstore.hashes import Hashed
    from sigstore.models import Bundle
    from sigstore.verify import Verifier

    from hygiene.provenance.verify import check_key_windows, trusted_root

    sha256, data = artifact_digest(artifact)
    try:
        raw = bundle_path.read_bytes()
    except OSError as exc:
        raise VerificationFailed(f"{bundle_path}: cannot read it ({exc.strerror or exc})") from None
    try:
        bundle = _pep740_bundle(raw) or Bundle.from_json(raw)
    except Exception as exc:  # noqa: BLE001 - the libraries raise several kinds for bad input
        raise VerificationFailed(f"{bundle_path}: not a sigstore bundle ({_first_line(exc)})") from None
    policy = _policy(issuer, identity, identity_regexp)
    root = root if root is not None else trusted_root()
    verifier = Verifier(trusted_root=root)
    try:
        if bundle._dsse_envelope is None:  # noqa: SLF001 - the library's own discriminator
            if data is not None:
                verifier.verify_artifact(data, bundle, policy)
            else:
                prehashed = Hashed(algorithm=_sha256_algorithm(), digest=bytes.fromhex(sha256))
                verifier.verify_artifact(prehashed, bundle, policy)
            check_key_windows(bundle, root)
            return f"message signature over sha256:{sha256}"
        kind, payload = verifier.verify_dsse(bundle, policy)
    except sigstore.errors.VerificationError as exc:
        raise VerificationFailed(_first_line(exc)) from None
    check_key_windows(bundle, root)
    if kind != "application/vnd.in-toto+json":
        raise VerificationFailed(f"the envelope holds {kind!r}, not an in-toto statement")
    try:
        statement = json.loads(payload)
        subjects = statement["subject"]
        digests = {str(s["digest"].get("sha256", "")).lower() for s in subjects if isinstance(s, dict) and isinstance(s.get("digest"), dict)}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise VerificationFailed("the signed payload is not an in-toto statement with subjects") from None
    if sha256 not in digests:
        raise VerificationFailed(f"the signed statement does not name sha256:{sha256} among its {len(subjects)} subject(s)")
    return f"in-toto statement ({statement.get('predicateType')}) naming sha256:{sha256}"


def _pep740_bundle(raw: bytes):
    """The sigstore bundle a PEP 740 attestation file holds, or None when it is not one."""
    try:
        doc = json.loads(raw)
    except ValueError:
        return None
    if not (isinstance(doc, dict) and doc.get("version") == 1 and "envelope" in doc and "verification_material" in doc):
        return None
    from pypi_attestations import Attestation

    return Attestation.model_validate(doc).to_bundle()


def _sha256_algorithm():
    import sigstore.hashes

    return sigstore.hashes.HashAlgorithm.SHA2_256


def _policy(issuer: str, identity: str | None, identity_regexp: str | None):
    from sigstore.verify import policy

    if identity is not None:
        return policy.Identity(identity=identity, issuer=issuer)
    if identity_regexp is None:
        raise VerificationFailed("an identity is required (--cert-identity or --cert-identity-regexp)")
    try:
        pattern = re.compile(identity_regexp)
    except re.error as exc:
        raise VerificationFailed(f"--cert-identity-regexp: {exc}") from None
    return _IdentityPattern(pattern, issuer)


class _IdentityPattern:
    """Like sigstore's `Identity` policy, with a regular expression that must match a whole
    SAN (email, URI or sigstore other-name)."""

    def __init__(self, pattern: re.Pattern, issuer: str) -> None:
        from sigstore.verify import policy

        self._pattern = pattern
        self._issuer = policy.OIDCIssuer(issuer)

    def verify(self, cert) -> None:
        from cryptography.x509 import (
            OtherName,
            RFC822Name,
            SubjectAlternativeName,
            UniformResourceIdentifier,
        )
        from sigstore.errors import VerificationError

        self._issuer.verify(cert)
        sans = cert.extensions.get_extension_for_class(SubjectAlternativeName).value
        names = set(sans.get_values_for_type(RFC822Name)) | set(sans.get_values_for_type(UniformResourceIdentifier))
        names |= {o.value.decode(errors="replace") for o in sans.get_values_for_type(OtherName)}
        if not any(self._pattern.fullmatch(name) for name in names):
            raise VerificationError(f"no certificate identity matches {self._pattern.pattern!r} (found {sorted(names)})")


def signed_artifacts(root: Path, bundle_path: str) -> list[str]:
    """Root-relative paths of the files a bundle in the repository signs: the file beside it
    (``x.whl.sigstore.json`` signs ``x.whl``) and, for a DSSE bundle, the files its statement
    names in the same folder; only those that exist inside `root`."""
    folder = posixpath.dirname(bundle_path)
    name = posixpath.basename(bundle_path)
    stem = name[: -len(".sigstore.json")] if name.lower().endswith(".sigstore.json") else name[: -len(".sigstore")]
    candidates = [posixpath.join(folder, stem)] if stem else []
    try:
        doc = json.loads((root / bundle_path).read_text("utf-8"))
        payload = json.loads(base64.b64decode(doc["dsseEnvelope"]["payload"]))
        candidates += [posixpath.join(folder, s["name"]) for s in payload.get("subject", []) if isinstance(s.get("name"), str)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    out = []
    for rel in dict.fromkeys(candidates):
        path = (root / rel).resolve()
        if path.is_file() and (path == root or root in path.parents):
            out.append(posixpath.normpath(rel))
    return out
