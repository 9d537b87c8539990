"""npm attestation bundles verified by hand, with `cryptography`, against a trusted root file.

npm's registry serves the sigstore bundles the npm CLI of the day wrote: v0.1 (npm 9.5, 2023)
whose Rekor entries are `intoto` 0.0.2 with an inclusion promise only, then v0.2 (certificate
chain) and v0.3 (one certificate) with an inclusion proof and a signed checkpoint, their
entries `intoto` 0.0.2 or `dsse` 0.0.1; some are signed by the registry's key rather than a
certificate. sigstore-python accepts neither intoto entries nor key-signed bundles, so every
check it would make is made here; a bundle is accepted only when all of them hold:

1. the DSSE signature over PAE(payloadType, payload), with the leaf certificate's key (SLSA
   provenance, signed by Fulcio) or with the registry key the bundle's hint names (npm's
   publish attestation);
2. for a certificate: the chain up to a certificate authority of the trusted root, every
   certificate valid at the time the log integrated the entry, each signed by the next, and the
   leaf for code signing;
3. for a certificate: its embedded SCT (RFC 6962), signed over the precertificate by a
   certificate transparency log of the trusted root that was valid at the SCT's time, so the
   certificate is one Fulcio logged publicly;
4. the log's promise: the signed entry timestamp over the canonical JSON of the entry (body,
   integrated time, log id, log index), with the trusted root's key for that log id, valid at
   that time (the promise is where the signing time comes from, so it is always required);
5. the log's inclusion proof (required from v0.2, checked in v0.1 when it has a checkpoint):
   the RFC 9162 audit path from the entry to the root hash, and the checkpoint, a note signed by
   the same log key, naming that root hash and tree size;
6. the log entry is this envelope: its payload hash is the payload's sha256, its one signature
   is the envelope's, its public key is the signing certificate or key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from datetime import datetime, timedelta, timezone

from hygiene.provenance.verify import VerificationFailed, signs, valid_at

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


class UnsupportedBundle(VerificationFailed):
    """A bundle in a format hygiene cannot check completely (a newer media type, another kind
    of log entry): neither verified nor evidence of tampering."""


_MEDIA_TYPES = {
    "application/vnd.dev.sigstore.bundle+json;version=0.1": 1,
    "application/vnd.dev.sigstore.bundle+json;version=0.2": 2,
    "application/vnd.dev.sigstore.bundle+json;version=0.3": 3,
    "application/vnd.dev.sigstore.bundle.v0.3+json": 3,
}


def verify_npm_bundle(bundle: dict, root: TrustedRootFile, registry_keys: dict) -> bytes:
    """The verified in-toto payload of `bundle`; :class:`VerificationFailed` says which check
    failed."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    version = _MEDIA_TYPES.get(bundle.get("mediaType")) if isinstance(bundle, dict) else None
    if version is None:
        media = bundle.get("mediaType") if isinstance(bundle, dict) else None
        shown = repr(str(media)[:80]) if media is not None else "no mediaType"
        raise UnsupportedBundle(f"a sigstore bundle format hygiene does not know ({shown})")
    try:
        envelope = bundle["dsseEnvelope"]
        payload = base64.b64decode(envelope["payload"], validate=True)
        payload_type = envelope["payloadType"]
        signature_b64 = envelope["signatures"][0]["sig"]
        signature = base64.b64decode(signature_b64, validate=True)
        material = bundle["verificationMaterial"]
        (entry,) = material["tlogEntries"]
        body_bytes = base64.b64decode(entry["canonicalizedBody"], validate=True)
        body = json.loads(body_bytes)
        integrated = int(entry["integratedTime"])
        log_index = int(entry["logIndex"])
        log_id = base64.b64decode(entry["logId"]["keyId"], validate=True)
        promise = (entry.get("inclusionPromise") or {}).get("signedEntryTimestamp")
        promise = base64.b64decode(promise, validate=True) if promise is not None else None
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise VerificationFailed(f"not a sigstore bundle with a DSSE envelope and one log entry ({exc})") from None
    if promise is None or not integrated:
        # hygiene takes the signing time from the log's promise; npm's bundles carry no
        # timestamp authority's
        raise VerificationFailed("the log entry has no signed entry timestamp, so the signing time is not proven")
    when = datetime.fromtimestamp(integrated, tz=timezone.utc)

    # 1. who signed: a certificate (chain), or a registry key
    chain = material.get("x509CertificateChain", {}).get("certificates") if version < 3 else None
    if version == 3 and isinstance(material.get("certificate"), dict):
        chain = [material["certificate"]]
    if chain:
        try:
            certs = [x509.load_der_x509_certificate(base64.b64decode(c["rawBytes"])) for c in chain]
        except (KeyError, TypeError, ValueError):
            raise VerificationFailed("the bundle's certificate is not a DER certificate") from None
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

    # 3. the log's promise, and (required from bundle v0.2) its inclusion proof
    log = root.logs.get(log_id)
    if log is None:
        raise VerificationFailed(f"the log {log_id.hex()} is not in the trusted root")
    log_key, start, end = log
    if not valid_at(when, start, end):
        raise VerificationFailed("the log's key was not valid when the entry was integrated")
    canonical = json.dumps(
        {"body": entry["canonicalizedBody"], "integratedTime": integrated, "logID": log_id.hex(), "logIndex": log_index},
        sort_keys=True, separators=(",", ":"),
    ).encode()
    try:
        log_key.verify(promise, canonical, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, TypeError, AttributeError):
        raise VerificationFailed("the transparency log's signed entry timestamp does not verify") from None
    proof = entry.get("inclusionProof")
    if isinstance(proof, dict) and proof.get("checkpoint"):
        _check_inclusion(body_bytes, proof, log_key, log_id)
    elif version >= 2:
        raise VerificationFailed("the bundle has no inclusion proof with a checkpoint (required from bundle v0.2)")

    # 4. the entry is this envelope
    _check_entry(body, payload, signature, signer, bool(chain))
    return payload


def _check_entry(body, payload: bytes, signature: bytes, signer: bytes, certified: bool) -> None:
    """The log entry (intoto 0.0.2 or dsse 0.0.1) records this payload, signature and signer."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    kind = (body.get("kind"), body.get("apiVersion")) if isinstance(body, dict) else (None, None)
    if kind not in (("intoto", "0.0.2"), ("dsse", "0.0.1")):
        raise UnsupportedBundle(f"the log entry is a {str(kind[0])[:40]!r} {str(kind[1])[:20]} entry, not intoto 0.0.2 or dsse 0.0.1")
    try:
        if kind[0] == "intoto":
            content = body["spec"]["content"]
            logged_hash = content["payloadHash"]["value"]
            logged = [(base64.b64decode(base64.b64decode(s["sig"])), base64.b64decode(s["publicKey"]))
                      for s in content["envelope"]["signatures"]]
        else:
            logged_hash = body["spec"]["payloadHash"]["value"]
            logged = [(base64.b64decode(s["signature"]), base64.b64decode(s["verifier"])) for s in body["spec"]["signatures"]]
    except (KeyError, IndexError, TypeError, ValueError):
        raise VerificationFailed(f"the log entry is not a well-formed {kind[0]} {kind[1]} entry") from None
    if logged_hash != hashlib.sha256(payload).hexdigest():
        raise VerificationFailed("the log entry is for another payload")

    def der(pem: bytes) -> bytes | None:
        try:
            if certified:
                return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
            return serialization.load_pem_public_key(pem).public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        except ValueError:
            return None

    if len(logged) != 1 or logged[0][0] != signature or der(logged[0][1]) != signer:
        raise VerificationFailed("the log entry has another signature or signer than the bundle")


def _check_inclusion(body: bytes, proof: dict, log_key, log_id: bytes) -> None:
    """RFC 6962 inclusion of the entry in the tree whose root the log's signed checkpoint names."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        index, size = int(proof["logIndex"]), int(proof["treeSize"])
        path = [base64.b64decode(h, validate=True) for h in proof.get("hashes") or []]
        root_hash = base64.b64decode(proof["rootHash"], validate=True)
        note = proof["checkpoint"]["envelope"]
    except (KeyError, TypeError, ValueError):
        raise VerificationFailed("the inclusion proof is malformed") from None
    if not 0 <= index < size:
        raise VerificationFailed("the inclusion proof's index is outside its tree")
    # RFC 9162 2.1.3.2: verify the audit path from the leaf up
    node, fn, sn = hashlib.sha256(b"\x00" + body).digest(), index, size - 1
    for sibling in path:
        if sn == 0:
            raise VerificationFailed("the inclusion proof is longer than its tree")
        if fn & 1 or fn == sn:
            node = hashlib.sha256(b"\x01" + sibling + node).digest()
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = hashlib.sha256(b"\x01" + node + sibling).digest()
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or node != root_hash:
        raise VerificationFailed("the inclusion proof does not lead to its root hash")
    # the checkpoint: a signed note whose body names the tree's size and root
    text, sep, signatures = str(note).partition("\n\n")
    lines = text.split("\n")
    try:
        noted_size, noted_root = int(lines[1]), base64.b64decode(lines[2], validate=True)
    except (IndexError, ValueError):
        raise VerificationFailed("the inclusion proof's checkpoint is malformed") from None
    if not sep or noted_root != root_hash or noted_size != size:
        raise VerificationFailed("the checkpoint names another tree than the inclusion proof")
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "\u2014":
            continue
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except ValueError:
            continue
        if raw[:4] != log_id[:4]:
            continue
        try:
            log_key.verify(raw[4:], (text + "\n").encode(), ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, TypeError, AttributeError):
            raise VerificationFailed("the checkpoint's signature does not verify") from None
        return
    raise VerificationFailed("the checkpoint is not signed by the log")


def _check_chain(certs, root: TrustedRootFile, when: datetime):
    """Check the chain; return the certificate that issued the leaf."""
    from cryptography import x509

    for cert in certs:
        if not valid_at(when, cert.not_valid_before_utc, cert.not_valid_after_utc):
            raise VerificationFailed(f"the certificate {cert.subject.rfc4514_string() or '(leaf)'} was not valid when the entry was integrated")
    try:
        usages = certs[0].extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usages = []
    if not any(u.dotted_string == _CODE_SIGNING for u in usages):
        raise VerificationFailed("the signing certificate is not for code signing")
    anchors = [c for c, s, e in root.authorities if valid_at(when, s, e)]
    anchor_der = {c.public_bytes(_der()) for c in anchors}
    leaf_issuer = None
    for child, parent in zip(certs, certs[1:] + [None]):
        if child.public_bytes(_der()) in anchor_der and leaf_issuer is not None:
            return leaf_issuer  # the chain reached a certificate authority of the trusted root
        anchor = next((a for a in anchors if a.subject == child.issuer and signs(a, child)), None)
        if anchor is not None:
            return leaf_issuer or anchor  # signed by one
        # Otherwise the next certificate of the bundle must have signed it, and be a CA.
        if parent is None:
            break
        leaf_issuer = leaf_issuer or parent
        if not signs(parent, child):
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
        if not valid_at(when, start, end):
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
