"""npm attestation bundles verified by hand, with `cryptography`, against a trusted root file.

npm's registry serves sigstore bundles v0.1 whose Rekor entries are `intoto` 0.0.2 with an
inclusion promise and no inclusion proof, which sigstore-python does not accept. Each check it
would make is made here instead; a bundle is accepted only when all of them hold:

1. the DSSE signature over PAE(payloadType, payload), with the leaf certificate's key (SLSA
   provenance, signed by Fulcio) or with the registry key the bundle's hint names (npm's
   publish attestation);
2. for a certificate: the chain up to a certificate authority of the trusted root, every
   certificate valid at the time the log integrated the entry, each signed by the next, and the
   leaf for code signing;
3. the log's promise: the signed entry timestamp over the canonical JSON of the entry (body,
   integrated time, log id, log index), with the trusted root's key for that log id, valid at
   that time;
4. the log entry is this envelope: its payload hash is the payload's sha256, its signature is
   the envelope's, its public key is the signing certificate or key;
5. for a certificate: its embedded SCT (RFC 6962), signed over the precertificate by a
   certificate transparency log of the trusted root that was valid at the SCT's time, so the
   certificate is one Fulcio logged publicly.

Not checked: inclusion proofs (v0.1 bundles carry none; the promise stands for it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from datetime import datetime, timedelta, timezone

from hygiene.provenance.verify import VerificationFailed

_CODE_SIGNING = "1.3.6.1.5.5.7.3.3"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class TrustedRootFile:
    """The parts of a sigstore trusted root (JSON) the npm checks need."""

    def __init__(self, doc: dict) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        self.authorities: list[tuple[x509.Certificate, datetime, datetime | None]] = []
        for ca in doc.get("certificateAuthorities", []):
            start, end = _window(ca.get("validFor", {}))
            for cert in ca.get("certChain", {}).get("certificates", []):
                self.authorities.append((x509.load_der_x509_certificate(base64.b64decode(cert["rawBytes"])), start, end))
        def keys(logs) -> dict[bytes, tuple[object, datetime, datetime | None]]:
            out = {}
            for log in logs:
                key = log.get("publicKey", {})
                start, end = _window(key.get("validFor", {}))
                out[base64.b64decode(log["logId"]["keyId"])] = (load_der_public_key(base64.b64decode(key["rawBytes"])), start, end)
            return out

        self.logs = keys(doc.get("tlogs", []))
        self.ct_logs = keys(doc.get("ctlogs", []))

    @classmethod
    def load(cls, path=None, *, staging: bool = False) -> TrustedRootFile:
        from hygiene.provenance.verify import shipped_root

        try:
            if path is not None:
                with open(path, encoding="utf-8") as handle:
                    return cls(json.load(handle))
            return cls(json.loads(shipped_root(staging).read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise VerificationFailed(f"{path or 'the shipped trusted root'}: not a sigstore trusted root ({exc})") from None


def verify_npm_bundle(bundle: dict, root: TrustedRootFile, registry_keys: dict) -> bytes:
    """The verified in-toto payload of `bundle`; :class:`VerificationFailed` says which check
    failed."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        envelope = bundle["dsseEnvelope"]
        payload = base64.b64decode(envelope["payload"], validate=True)
        payload_type = envelope["payloadType"]
        signature_b64 = envelope["signatures"][0]["sig"]
        signature = base64.b64decode(signature_b64, validate=True)
        material = bundle["verificationMaterial"]
        entry = material["tlogEntries"][0]
        body_b64 = entry["canonicalizedBody"]
        body = json.loads(base64.b64decode(body_b64, validate=True))
        integrated = int(entry["integratedTime"])
        log_index = int(entry["logIndex"])
        log_id = base64.b64decode(entry["logId"]["keyId"], validate=True)
        promise = base64.b64decode(entry["inclusionPromise"]["signedEntryTimestamp"], validate=True)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise VerificationFailed(f"not a sigstore bundle with a DSSE envelope and a log entry ({exc})") from None
    when = datetime.fromtimestamp(integrated, tz=timezone.utc)

    # 1. who signed: a certificate chain, or a registry key
    chain = material.get("x509CertificateChain", {}).get("certificates")
    if chain:
        certs = [x509.load_der_x509_certificate(base64.b64decode(c["rawBytes"])) for c in chain]
        issuer = _check_chain(certs, root, when)
        _check_sct(certs[0], issuer, root)
        key = certs[0].public_key()
        signer = certs[0].public_bytes(serialization.Encoding.DER)
    else:
        hint = material.get("publicKey", {}).get("hint")
        key = registry_keys.get(hint)
        if key is None:
            raise VerificationFailed(f"signed with the key {str(hint)[:80]!r}, which the registry does not list")
        signer = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pae = b"DSSEv1 %d %b %d %b" % (len(payload_type), payload_type.encode(), len(payload), payload)
    try:
        key.verify(signature, pae, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, TypeError, AttributeError):
        raise VerificationFailed("the DSSE signature does not verify") from None

    # 3. the log's promise
    log = root.logs.get(log_id)
    if log is None:
        raise VerificationFailed(f"the log {log_id.hex()} is not in the trusted root")
    log_key, start, end = log
    if when < start or (end is not None and when > end):
        raise VerificationFailed("the log's key was not valid when the entry was integrated")
    canonical = json.dumps(
        {"body": body_b64, "integratedTime": integrated, "logID": log_id.hex(), "logIndex": log_index},
        sort_keys=True, separators=(",", ":"),
    ).encode()
    try:
        log_key.verify(promise, canonical, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, TypeError, AttributeError):
        raise VerificationFailed("the transparency log's signed entry timestamp does not verify") from None

    # 4. the entry is this envelope
    try:
        content = body["spec"]["content"]
        logged_hash = content["payloadHash"]["value"]
        logged = content["envelope"]["signatures"][0]
        logged_sig = base64.b64decode(logged["sig"]).decode()
        logged_key = base64.b64decode(logged["publicKey"])
    except (KeyError, IndexError, TypeError, ValueError, UnicodeDecodeError):
        raise VerificationFailed("the log entry is not an intoto 0.0.2 entry") from None
    if body.get("kind") != "intoto":
        raise VerificationFailed(f"the log entry is a {str(body.get('kind'))[:40]!r} entry, not intoto")
    if logged_hash != hashlib.sha256(payload).hexdigest():
        raise VerificationFailed("the log entry is for another payload")
    try:
        if chain:
            logged_signer = x509.load_pem_x509_certificate(logged_key).public_bytes(serialization.Encoding.DER)
        else:
            logged_signer = serialization.load_pem_public_key(logged_key).public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
    except ValueError:
        raise VerificationFailed("the log entry's signer is not a PEM certificate or key") from None
    if logged_sig != signature_b64 or logged_signer != signer:
        raise VerificationFailed("the log entry has another signature or signer than the bundle")
    return payload


def _check_chain(certs, root: TrustedRootFile, when: datetime):
    """Check the chain; return the certificate that issued the leaf."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec

    for cert in certs:
        if not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
            raise VerificationFailed(f"the certificate {cert.subject.rfc4514_string() or '(leaf)'} was not valid when the entry was integrated")
    try:
        usages = certs[0].extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usages = []
    if not any(u.dotted_string == _CODE_SIGNING for u in usages):
        raise VerificationFailed("the signing certificate is not for code signing")
    anchors = [c for c, s, e in root.authorities if s <= when and (e is None or when <= e)]
    anchor_der = {c.public_bytes(_der()) for c in anchors}

    def signed_by(child, issuer) -> bool:
        try:
            issuer.public_key().verify(child.signature, child.tbs_certificate_bytes, ec.ECDSA(child.signature_hash_algorithm))
        except (InvalidSignature, TypeError, AttributeError):
            return False
        return True

    leaf_issuer = None
    for child, parent in zip(certs, certs[1:] + [None]):
        if child.public_bytes(_der()) in anchor_der and leaf_issuer is not None:
            return leaf_issuer  # the chain reached a certificate authority of the trusted root
        anchor = next((a for a in anchors if a.subject == child.issuer and signed_by(child, a)), None)
        if anchor is not None:
            return leaf_issuer or anchor  # signed by one
        # Otherwise the next certificate of the bundle must have signed it, and be a CA.
        if parent is None:
            break
        leaf_issuer = leaf_issuer or parent
        if not signed_by(child, parent):
            raise VerificationFailed(f"the certificate {child.subject.rfc4514_string() or '(leaf)'} is not signed by its issuer")
        try:
            is_ca = parent.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        if not is_ca:
            raise VerificationFailed(f"the certificate {parent.subject.rfc4514_string() or '(leaf)'} signs others but is no CA")
    raise VerificationFailed("the certificate chain does not lead to a certificate authority of the trusted root")


def _check_sct(leaf, issuer, root: TrustedRootFile) -> None:
    """The leaf's embedded SCT verifies (RFC 6962 3.2: over the precertificate's TBS and the
    issuer's key hash) with a CT log key of the root, valid at the SCT's time."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.certificate_transparency import LogEntryType

    try:
        scts = list(leaf.extensions.get_extension_for_class(x509.PrecertificateSignedCertificateTimestamps).value)
    except x509.ExtensionNotFound:
        scts = []
    if not scts:
        raise VerificationFailed("the signing certificate has no SCT: it was not logged for certificate transparency")
    issuer_key_hash = hashlib.sha256(
        issuer.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ).digest()
    why = "its SCT is from a certificate transparency log the trusted root does not hold"
    for sct in scts:
        log = root.ct_logs.get(sct.log_id)
        if log is None:
            continue
        key, start, end = log
        when = sct.timestamp.replace(tzinfo=timezone.utc)
        if when < start or (end is not None and when > end):
            why = "the certificate transparency log's key was not valid when it issued the SCT"
            continue
        if sct.entry_type == LogEntryType.PRE_CERTIFICATE:
            tbs = leaf.tbs_precertificate_bytes
            entry = issuer_key_hash + len(tbs).to_bytes(3, "big") + tbs
        else:
            der = leaf.public_bytes(serialization.Encoding.DER)
            entry = len(der).to_bytes(3, "big") + der
        millis = (when - _EPOCH) // timedelta(milliseconds=1)  # exact, unlike float seconds * 1000
        signed = (struct.pack("!BBQH", sct.version.value, 0, millis, sct.entry_type.value)
                  + entry + struct.pack("!H", len(sct.extension_bytes)) + sct.extension_bytes)
        try:
            key.verify(sct.signature, signed, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, TypeError, AttributeError):
            why = "its SCT does not verify"
            continue
        return
    raise VerificationFailed(f"the signing certificate's transparency is not proven: {why}")


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def _window(valid_for: dict) -> tuple[datetime, datetime | None]:
    def parse(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None

    return parse(valid_for.get("start")) or datetime.min.replace(tzinfo=timezone.utc), parse(valid_for.get("end"))
