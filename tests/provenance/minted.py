"""A sigstore trust root minted for the tests, and bundles signed under it.

Everything here is made with `cryptography` at test time, the way the public-good instance makes
it: a Fulcio-like CA (root and intermediate), leaf certificates in Fulcio's profile (code
signing, the workflow's URI as SAN, the OIDC claims as extensions, one embedded SCT from a
minted certificate transparency log), a Rekor-like log that signs entry timestamps and
checkpoints over a Merkle tree, and an npm-like registry key.

* `Minted.bundle(...)` builds a bundle v0.1 the way npm's registry serves them (DSSE envelope,
  certificate chain or key hint, an intoto 0.0.2 entry with an inclusion promise only);
* `Minted.dsse_bundle(...)` and `Minted.message_bundle(...)` build bundles v0.3 as `cosign` /
  `sigstore sign` / GitHub artifact attestations write them (dsse or hashedrekord 0.0.1 entry,
  inclusion promise and inclusion proof with a signed checkpoint);
* `Minted.pep740(...)` builds a PEP 740 attestation as PyPI serves it.

Each keyword argument breaks exactly one check, so that every failure a verifier reports can be
produced without any shared data.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from hygiene.provenance.npm_bundle import TrustedRootFile

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
REPOSITORY = "acme/widget"
WORKFLOW_FILE = "release.yml"
REF = "refs/tags/v1.0.0"
WORKFLOW = f"https://github.com/{REPOSITORY}/.github/workflows/{WORKFLOW_FILE}@{REF}"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
IN_TOTO = "application/vnd.in-toto+json"

_SCT_LIST = ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
_FULCIO = "1.3.6.1.4.1.57264.1."


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "minted.test"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _utf8string(value: str) -> bytes:
    data = value.encode()
    return b"\x0c" + _der_length(len(data)) + data


def _cert(subject: str, key, issuer: str, issuer_key, *, ca: bool, start: datetime, end: datetime, san: str | None = None,
          eku=(ExtendedKeyUsageOID.CODE_SIGNING,)) -> x509.Certificate:
    """A CA certificate in Fulcio's profile, or a plain leaf (for chains that must not verify)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject) if subject else x509.Name([]))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer_key is not key:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    if ca:
        builder = builder.add_extension(_key_usage(cert_sign=True), critical=True)
    else:
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(san)]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _key_usage(*, cert_sign: bool = False, digital_signature: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=digital_signature, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
                         encipher_only=False, decipher_only=False)


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _spki(key) -> bytes:
    public = key.public_key() if hasattr(key, "public_key") else key
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _canonical(value) -> bytes:
    """RFC 8785 for the ASCII strings and integers log entries hold."""
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


# -- an RFC 6962 Merkle tree ------------------------------------------------------------------


def _leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _tree_hash(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return _node_hash(_tree_hash(leaves[:k]), _tree_hash(leaves[k:]))


def _audit_path(index: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 2.1.1 PATH(m, D[n]), from the leaf's sibling upwards."""
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return _audit_path(index, leaves[:k]) + [_tree_hash(leaves[k:])]
    return _audit_path(index - k, leaves[k:]) + [_tree_hash(leaves[:k])]


@dataclass
class Minted:
    root_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    intermediate_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    log_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    ct_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    registry_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def __post_init__(self) -> None:
        start, end = NOW - timedelta(days=365), NOW + timedelta(days=365)
        self.root = _cert("minted-root", self.root_key, "minted-root", self.root_key, ca=True, start=start, end=end)
        self.intermediate = _cert("minted-intermediate", self.intermediate_key, "minted-root", self.root_key, ca=True, start=start, end=end)
        self.log_id = hashlib.sha256(_spki(self.log_key)).digest()
        self.ct_log_id = hashlib.sha256(_spki(self.ct_key)).digest()

    # -- the trust root ------------------------------------------------------------------------

    def trusted_root(self, *, log_valid_from: datetime | None = None, ct_valid_until: datetime | None = None,
                     ca_valid_until: datetime | None = None) -> dict:
        """The root as JSON; the keyword arguments narrow the log's, the CT log's or the CA's
        validity period."""
        start = (log_valid_from or NOW - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")

        def period(end: datetime | None) -> dict:
            return {"start": "2020-01-01T00:00:00Z", **({"end": end.strftime("%Y-%m-%dT%H:%M:%SZ")} if end else {})}

        def key(private, valid_for: dict) -> dict:
            return {"rawBytes": b64(_spki(private)), "keyDetails": "PKIX_ECDSA_P256_SHA_256", "validFor": valid_for}

        return {
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [{"baseUrl": "https://rekor.minted.test", "hashAlgorithm": "SHA2_256",
                       "publicKey": key(self.log_key, {"start": start}), "logId": {"keyId": b64(self.log_id)}}],
            "certificateAuthorities": [{"subject": {"organization": "minted.test", "commonName": "minted-root"},
                                        "uri": "https://fulcio.minted.test",
                                        "certChain": {"certificates": [{"rawBytes": b64(_der(self.intermediate))}, {"rawBytes": b64(_der(self.root))}]},
                                        "validFor": period(ca_valid_until)}],
            "ctlogs": [{"baseUrl": "https://ctfe.minted.test", "hashAlgorithm": "SHA2_256",
                        "publicKey": key(self.ct_key, period(ct_valid_until)), "logId": {"keyId": b64(self.ct_log_id)}}],
            "timestampAuthorities": [],
        }

    def root_file(self, **kwargs) -> TrustedRootFile:
        return TrustedRootFile(self.trusted_root(**kwargs))

    def write_root(self, path, **kwargs):
        path.write_text(json.dumps(self.trusted_root(**kwargs)), "utf-8")
        return path

    def registry_keys(self) -> dict:
        return {"SHA256:minted": self.registry_key.public_key()}

    # -- certificates ----------------------------------------------------------------------------

    def leaf(self, key, *, start: datetime, minutes: int = 10, san: str = WORKFLOW, issuer: str = GITHUB_ISSUER,
             repository: str = REPOSITORY, build_config: str | None = None, issuer_key=None,
             eku=(ExtendedKeyUsageOID.CODE_SIGNING,), sct: str | None = "valid") -> x509.Certificate:
        """A leaf in Fulcio's profile for a GitHub Actions run of `repository`'s release workflow.

        `sct`: "valid" embeds one SCT from the minted CT log; None embeds none; "forged" one
        signed by a key the trust root does not know; "other-cert" one valid for another
        certificate."""
        signer = issuer_key or self.intermediate_key
        build_config = build_config or san
        serial = x509.random_serial_number()
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([]))
            .issuer_name(_name("minted-intermediate"))
            .public_key(key.public_key())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(minutes=minutes))
            .add_extension(_key_usage(digital_signature=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(san)]), critical=True)
        )
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
        claims = {
            "1": issuer.encode(),  # the legacy issuer extension holds the raw string
            "8": _utf8string(issuer),
            "9": _utf8string(build_config),
            "12": _utf8string(f"https://github.com/{repository}"),
            "13": _utf8string("0123456789abcdef0123456789abcdef01234567"),
            "14": _utf8string(REF),
            "18": _utf8string(build_config),
        }
        for arc, value in claims.items():
            builder = builder.add_extension(x509.UnrecognizedExtension(ObjectIdentifier(_FULCIO + arc), value), critical=False)
        if sct is None:
            return builder.serial_number(serial).sign(signer, hashes.SHA256())
        # The SCT signs the precertificate: this certificate's TBS without the SCT extension.
        signed_serial = x509.random_serial_number() if sct == "other-cert" else serial
        signed_tbs = builder.serial_number(signed_serial).sign(signer, hashes.SHA256()).tbs_certificate_bytes
        ct_key = ec.generate_private_key(ec.SECP256R1()) if sct == "forged" else self.ct_key
        return builder.serial_number(serial).add_extension(
            x509.UnrecognizedExtension(_SCT_LIST, self._sct_list(signed_tbs, _spki(signer), start, ct_key)), critical=False
        ).sign(signer, hashes.SHA256())

    def _sct_list(self, tbs: bytes, issuer_spki: bytes, when: datetime, ct_key) -> bytes:
        """The SCT extension's value: an OCTET STRING holding a TLS SignedCertificateTimestampList
        with one precertificate SCT (RFC 6962 3.2)."""
        timestamp = int(when.timestamp() * 1000)
        signed = (struct.pack("!BBQH", 0, 0, timestamp, 1) + hashlib.sha256(issuer_spki).digest()
                  + len(tbs).to_bytes(3, "big") + tbs + struct.pack("!H", 0))
        signature = ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        sct = (bytes([0]) + hashlib.sha256(_spki(ct_key)).digest() + struct.pack("!QH", timestamp, 0)
               + bytes([4, 3]) + struct.pack("!H", len(signature)) + signature)
        listed = struct.pack("!H", len(sct)) + sct
        tls = struct.pack("!H", len(listed)) + listed
        return b"\x04" + _der_length(len(tls)) + tls

    # -- statements ------------------------------------------------------------------------------

    @staticmethod
    def statement(*subjects: tuple[str, str], predicate: str = "https://slsa.dev/provenance/v0.2",
                  algorithm: str = "sha512", version: str = "v0.1") -> bytes:
        return json.dumps({"_type": f"https://in-toto.io/Statement/{version}", "predicateType": predicate,
                           "subject": [{"name": n, "digest": {algorithm: d}} for n, d in subjects], "predicate": {}}).encode()

    # -- bundles v0.1, as npm serves them ----------------------------------------------------------

    def bundle(self, payload: bytes, *, with_key: bool = False, integrated: datetime = NOW, leaf_start: datetime | None = None,
               leaf_minutes: int = 10, leaf_issuer_key=None, eku=(ExtendedKeyUsageOID.CODE_SIGNING,), san: str = WORKFLOW,
               break_promise: bool = False, entry_payload: bytes | None = None, sign_with=None, log_key=None,
               sct: str | None = "valid", version: str = "0.1", kind: str = "intoto", **log) -> dict:
        """A bundle over `payload` as npm's registry serves them: v0.1 with an intoto 0.0.2
        entry and a promise only (2023), or v0.2 / v0.3 (certificate instead of chain) with an
        inclusion proof, the entry intoto 0.0.2 or dsse 0.0.1. The other keyword arguments each
        break one thing (`log` goes to :meth:`tlog_entry`)."""
        pae = _pae(IN_TOTO, payload)
        if with_key:
            signer_key = self.registry_key
            signer_pem = self.registry_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            material = {"publicKey": {"hint": "SHA256:minted"}}
        else:
            signer_key = ec.generate_private_key(ec.SECP256R1())
            leaf = self.leaf(signer_key, start=leaf_start or integrated - timedelta(minutes=1), minutes=leaf_minutes, san=san,
                             issuer_key=leaf_issuer_key, eku=eku, sct=sct)
            signer_pem = _pem(leaf)
            material = {"x509CertificateChain": {"certificates": [{"rawBytes": b64(_der(c))} for c in (leaf, self.intermediate, self.root)]}}
        signature = (sign_with or signer_key).sign(pae, ec.ECDSA(hashes.SHA256()))
        logged = hashlib.sha256(entry_payload if entry_payload is not None else payload).hexdigest()
        if kind == "intoto":
            body = {"apiVersion": "0.0.2", "kind": "intoto", "spec": {"content": {
                "envelope": {"payloadType": IN_TOTO, "signatures": [{"sig": b64(b64(signature).encode()), "publicKey": b64(signer_pem)}]},
                "hash": {"algorithm": "sha256", "value": "0" * 64},
                "payloadHash": {"algorithm": "sha256", "value": logged}}}}
        else:
            body = {"apiVersion": "0.0.1", "kind": "dsse", "spec": {
                "envelopeHash": {"algorithm": "sha256", "value": "0" * 64},
                "payloadHash": {"algorithm": "sha256", "value": logged},
                "signatures": [{"signature": b64(signature), "verifier": b64(signer_pem)}]}}
        entry = self.tlog_entry(body, (body["kind"], body["apiVersion"]), integrated=integrated, break_promise=break_promise,
                                log_key=log_key, **{"proof": version != "0.1", **log})
        if version == "0.3" and "x509CertificateChain" in material:
            material = {"certificate": material["x509CertificateChain"]["certificates"][0]}
        material["tlogEntries"] = [entry]
        media = "application/vnd.dev.sigstore.bundle.v0.3+json" if version == "0.3" else f"application/vnd.dev.sigstore.bundle+json;version={version}"
        return {"mediaType": media, "verificationMaterial": material,
                "dsseEnvelope": {"payload": b64(payload), "payloadType": IN_TOTO, "signatures": [{"sig": b64(signature), "keyid": ""}]}}

    # -- the transparency log ----------------------------------------------------------------------

    def tlog_entry(self, body: dict, kind: tuple[str, str], *, integrated: datetime = NOW, index: int = 5, tree_size: int = 7,
                   break_promise: bool = False, promise: bool = True, proof: bool = True, break_proof: bool = False,
                   break_checkpoint: bool = False, checkpoint_for_another_tree: bool = False, log_key=None) -> dict:
        """A Rekor v1 entry for `body` at `index` of a tree of `tree_size` leaves, with its signed
        entry timestamp and (when `proof`) its inclusion proof and signed checkpoint."""
        log_key = log_key or self.log_key
        body_bytes = _canonical(body)
        time = int(integrated.timestamp())
        entry = {"logIndex": str(index), "logId": {"keyId": b64(self.log_id)},
                 "kindVersion": {"kind": kind[0], "version": kind[1]}, "integratedTime": str(time),
                 "canonicalizedBody": b64(body_bytes)}
        if promise:
            canonical = _canonical({"body": b64(body_bytes), "integratedTime": time, "logID": self.log_id.hex(), "logIndex": index})
            entry["inclusionPromise"] = {"signedEntryTimestamp": b64(log_key.sign(canonical + (b"x" if break_promise else b""),
                                                                                 ec.ECDSA(hashes.SHA256())))}
        if not proof:
            entry["inclusionProof"] = None
            return entry
        leaves = [_leaf_hash(b"other entry %d" % i) for i in range(tree_size)]
        leaves[index] = _leaf_hash(body_bytes)
        path = _audit_path(index, leaves)
        if break_proof:
            path[0] = hashlib.sha256(path[0]).digest()
        root_hash = _tree_hash(leaves)
        # a genuine checkpoint, signed by the log, can still be about a bigger tree than the proof's
        note = f"rekor.minted.test - 1\n{tree_size + checkpoint_for_another_tree}\n{b64(root_hash)}\n"
        signature = log_key.sign(note.encode() + (b"x" if break_checkpoint else b""), ec.ECDSA(hashes.SHA256()))
        checkpoint = f"{note}\n\u2014 rekor.minted.test {b64(self.log_id[:4] + signature)}\n"
        entry["inclusionProof"] = {"logIndex": str(index), "rootHash": b64(root_hash), "treeSize": str(tree_size),
                                   "hashes": [b64(h) for h in path], "checkpoint": {"envelope": checkpoint}}
        return entry

    # -- bundles v0.3 and PEP 740 attestations -----------------------------------------------------

    def _signer(self, integrated: datetime, leaf: dict) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        options = dict(leaf)
        start = options.pop("start", integrated - timedelta(minutes=1))
        return key, self.leaf(key, start=start, **options)

    def dsse_parts(self, payload: bytes, *, integrated: datetime = NOW, leaf: dict | None = None, sign_with=None,
                   entry_payload: bytes | None = None, **log) -> tuple[x509.Certificate, bytes, dict]:
        """(certificate, DSSE signature, dsse 0.0.1 log entry) over `payload`."""
        key, cert = self._signer(integrated, leaf or {})
        signature = (sign_with or key).sign(_pae(IN_TOTO, payload), ec.ECDSA(hashes.SHA256()))
        envelope = {"payload": b64(payload), "payloadType": IN_TOTO, "signatures": [{"sig": b64(signature)}]}
        body = {"apiVersion": "0.0.1", "kind": "dsse", "spec": {
            "envelopeHash": {"algorithm": "sha256", "value": hashlib.sha256(_canonical(envelope)).hexdigest()},
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(entry_payload if entry_payload is not None else payload).hexdigest()},
            "signatures": [{"signature": b64(signature), "verifier": b64(_pem(cert))}]}}
        return cert, signature, self.tlog_entry(body, ("dsse", "0.0.1"), integrated=integrated, **log)

    def dsse_bundle(self, payload: bytes, **knobs) -> dict:
        """A bundle v0.3 with a DSSE envelope over `payload` (an in-toto statement)."""
        cert, signature, entry = self.dsse_parts(payload, **knobs)
        return {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                "verificationMaterial": {"certificate": {"rawBytes": b64(_der(cert))}, "tlogEntries": [entry]},
                "dsseEnvelope": {"payload": b64(payload), "payloadType": IN_TOTO, "signatures": [{"sig": b64(signature), "keyid": ""}]}}

    def message_bundle(self, artifact: bytes, *, integrated: datetime = NOW, leaf: dict | None = None, sign_with=None,
                       logged_artifact: bytes | None = None, **log) -> dict:
        """A bundle v0.3 with a message signature over `artifact`'s sha256."""
        key, cert = self._signer(integrated, leaf or {})
        digest = hashlib.sha256(artifact).digest()
        signature = (sign_with or key).sign(artifact, ec.ECDSA(hashes.SHA256()))
        logged = hashlib.sha256(logged_artifact).hexdigest() if logged_artifact is not None else digest.hex()
        body = {"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": logged}},
            "signature": {"content": b64(signature), "publicKey": {"content": b64(_pem(cert))}}}}
        entry = self.tlog_entry(body, ("hashedrekord", "0.0.1"), integrated=integrated, **log)
        return {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                "verificationMaterial": {"certificate": {"rawBytes": b64(_der(cert))}, "tlogEntries": [entry]},
                "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": b64(digest)}, "signature": b64(signature)}}

    def pep740(self, statement: bytes, **knobs) -> dict:
        """A PEP 740 attestation (version 1) over `statement`, as PyPI's provenance objects hold them."""
        cert, signature, entry = self.dsse_parts(statement, **knobs)
        return {"version": 1, "verification_material": {"certificate": b64(_der(cert)), "transparency_entries": [entry]},
                "envelope": {"statement": b64(statement), "signature": b64(signature)}}

    @staticmethod
    def pypi_statement(*subjects: tuple[str, str], predicate: str = "https://docs.pypi.org/attestations/publish/v1") -> bytes:
        """An in-toto v1 statement about distribution files (name, sha256), as PyPI's publish
        attestations are."""
        return Minted.statement(*subjects, predicate=predicate, algorithm="sha256", version="v1")


def _pae(payload_type: str, payload: bytes) -> bytes:
    return b"DSSEv1 %d %b %d %b" % (len(payload_type), payload_type.encode(), len(payload), payload)
