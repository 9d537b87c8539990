"""A sigstore-shaped trust root minted for the tests, and npm-shaped bundles signed under it.

Everything here is made with `cryptography` at test time: a Fulcio-like CA (root and
intermediate), a leaf certificate for code signing with a GitHub workflow SAN, a transparency
log key that signs entry timestamps, and a registry key. `Minted.bundle(...)` builds a bundle
v0.1 the way npm's registry serves them (DSSE envelope, certificate chain or key hint, an
intoto 0.0.2 log entry with an inclusion promise), and each of its knobs breaks one check, so
that every failure the verifier reports can be produced without any shared data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hygiene.provenance.npm_bundle import TrustedRootFile

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
WORKFLOW = "https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.0.0"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "minted.test"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, key, issuer: str, issuer_key, *, ca: bool, start: datetime, end: datetime, san: str | None = None,
          eku=(ExtendedKeyUsageOID.CODE_SIGNING,)) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject) if subject else x509.Name([]))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(san)]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _spki(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass
class Minted:
    root_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    intermediate_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    log_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    registry_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def __post_init__(self) -> None:
        start, end = NOW - timedelta(days=365), NOW + timedelta(days=365)
        self.root = _cert("minted-root", self.root_key, "minted-root", self.root_key, ca=True, start=start, end=end)
        self.intermediate = _cert("minted-intermediate", self.intermediate_key, "minted-root", self.root_key, ca=True, start=start, end=end)
        self.log_id = hashlib.sha256(_spki(self.log_key)).digest()

    # -- the trust root ------------------------------------------------------------------------

    def trusted_root(self, *, log_valid_from: datetime | None = None) -> dict:
        start = (log_valid_from or NOW - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [{"baseUrl": "https://rekor.minted.test", "hashAlgorithm": "SHA2_256",
                       "publicKey": {"rawBytes": b64(_spki(self.log_key)), "keyDetails": "PKIX_ECDSA_P256_SHA_256", "validFor": {"start": start}},
                       "logId": {"keyId": b64(self.log_id)}}],
            "certificateAuthorities": [{"subject": {"organization": "minted.test", "commonName": "minted-root"},
                                        "uri": "https://fulcio.minted.test",
                                        "certChain": {"certificates": [{"rawBytes": b64(_der(self.intermediate))}, {"rawBytes": b64(_der(self.root))}]},
                                        "validFor": {"start": "2020-01-01T00:00:00Z"}}],
            "ctlogs": [],
            "timestampAuthorities": [],
        }

    def root_file(self, **kwargs) -> TrustedRootFile:
        return TrustedRootFile(self.trusted_root(**kwargs))

    def registry_keys(self) -> dict:
        return {"SHA256:minted": self.registry_key.public_key()}

    # -- statements and bundles ------------------------------------------------------------------

    @staticmethod
    def statement(*subjects: tuple[str, str], predicate: str = "https://slsa.dev/provenance/v0.2") -> bytes:
        return json.dumps({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": predicate,
                           "subject": [{"name": n, "digest": {"sha512": d}} for n, d in subjects], "predicate": {}}).encode()

    def bundle(self, payload: bytes, *, with_key: bool = False, integrated: datetime = NOW, leaf_start: datetime | None = None,
               leaf_minutes: int = 10, leaf_issuer_key=None, eku=(ExtendedKeyUsageOID.CODE_SIGNING,), san: str = WORKFLOW,
               break_promise: bool = False, entry_payload: bytes | None = None, sign_with=None, log_key=None) -> dict:
        """A bundle v0.1 over `payload`; the keyword arguments each break one thing."""
        payload_type = "application/vnd.in-toto+json"
        pae = b"DSSEv1 %d %b %d %b" % (len(payload_type), payload_type.encode(), len(payload), payload)
        if with_key:
            signer_key = self.registry_key
            signer_pem = self.registry_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            material = {"publicKey": {"hint": "SHA256:minted"}}
        else:
            signer_key = ec.generate_private_key(ec.SECP256R1())
            start = leaf_start or integrated - timedelta(minutes=1)
            leaf = _cert("", signer_key, "minted-intermediate", leaf_issuer_key or self.intermediate_key, ca=False,
                         start=start, end=start + timedelta(minutes=leaf_minutes), san=san, eku=eku)
            signer_pem = leaf.public_bytes(serialization.Encoding.PEM)
            material = {"x509CertificateChain": {"certificates": [{"rawBytes": b64(_der(c))} for c in (leaf, self.intermediate, self.root)]}}
        signature = (sign_with or signer_key).sign(pae, ec.ECDSA(hashes.SHA256()))
        logged = entry_payload if entry_payload is not None else payload
        body = {"apiVersion": "0.0.2", "kind": "intoto", "spec": {"content": {
            "envelope": {"payloadType": payload_type, "signatures": [{"sig": b64(b64(signature).encode()), "publicKey": b64(signer_pem)}]},
            "hash": {"algorithm": "sha256", "value": "0" * 64},
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(logged).hexdigest()}}}}
        body_b64 = b64(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
        time, index = int(integrated.timestamp()), 42
        canonical = json.dumps({"body": body_b64, "integratedTime": time, "logID": self.log_id.hex(), "logIndex": index},
                               sort_keys=True, separators=(",", ":")).encode()
        promise = (log_key or self.log_key).sign(canonical + (b"x" if break_promise else b""), ec.ECDSA(hashes.SHA256()))
        material["tlogEntries"] = [{"logIndex": str(index), "logId": {"keyId": b64(self.log_id)},
                                    "kindVersion": {"kind": "intoto", "version": "0.0.2"}, "integratedTime": str(time),
                                    "inclusionPromise": {"signedEntryTimestamp": b64(promise)}, "inclusionProof": None,
                                    "canonicalizedBody": body_b64}]
        return {"mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.1", "verificationMaterial": material,
                "dsseEnvelope": {"payload": b64(payload), "payloadType": payload_type, "signatures": [{"sig": b64(signature), "keyid": ""}]}}
