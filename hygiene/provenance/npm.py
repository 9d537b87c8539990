"""npm: the registry's signature and provenance attestations for a locked package version.

For ``name@version`` locked with its sha512 ``integrity``, the registry's version document
(``/<name>/<version>``) gives ``dist.integrity``, ``dist.signatures`` and ``dist.attestations``:

- the lock's integrity must be the registry's (else the lock names another tarball);
- each registry signature is ECDSA P-256 over ``<name>@<version>:<integrity>``, checked with
  the registry key of that id from ``/-/npm/v1/keys`` (an unknown key id fails);
- the attestations (``dist.attestations.url``): each bundle verifies
  (:mod:`hygiene.provenance.npm_bundle`, bundle v0.1 to v0.3: DSSE signature, Fulcio chain at
  the integration time and SCT, or the registry's key; the log's signed promise and inclusion
  proof; the log entry being this envelope) and its
  in-toto statement is about ``pkg:npm/<name>@<version>`` with the locked sha512. Then the
  version is ``verified``, with the publisher the SLSA provenance's certificate names; none is
  ``missing``. Without a trusted root (no `root` given) the bundles are not verified and the
  status is ``unsupported``, never ``verified``.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from urllib.parse import quote

from hygiene.net import Http, Unavailable
from hygiene.parsers._npm import integrity_hashes
from hygiene.provenance import Provenance
from hygiene.urls import forge_repository

NPM = "https://registry.npmjs.org"


class NpmProvenance:
    def __init__(self, http: Http, registry: str = NPM, root=None) -> None:
        self.http = http
        self.registry = registry.rstrip("/")
        self.root = root  # npm_bundle.TrustedRootFile
        self._keys: dict | None = None
        self._keys_error: str | None = None
        self._lock = threading.Lock()

    def lookup(self, name: str, version: str, sha512_hex: str) -> Provenance:
        def result(status: str, reason: str = "", **kwargs) -> Provenance:
            return Provenance("npm", name, version, f"{name}@{version}", f"sha512:{sha512_hex}", status, reason, **kwargs)

        url = f"{self.registry}/{quote(name, safe='@')}/{quote(version)}"
        try:
            answer = self.http.get(url)
        except Unavailable as exc:
            return result("error", f"registry unreachable: {exc}")
        if answer.status == 404:
            return result("error", f"{url}: the registry has no {name}@{version}")
        if answer.status != 200:
            return result("error", f"{url}: HTTP {answer.status}")
        try:
            document = answer.json()
            dist = document["dist"]
            integrity = dist["integrity"]
        except (ValueError, KeyError, TypeError):
            return result("error", f"{url}: not a version document with `dist.integrity`")
        registry = [h.partition(":")[2] for h in integrity_hashes(integrity) if h.startswith("sha512:")]
        if registry[:1] != [sha512_hex]:
            return result("failed", f"the registry's integrity for {name}@{version} is not the locked one ({str(integrity)[:100]})")
        if dist.get("signatures") and self._registry_keys() is None:
            return result("error", f"the registry's keys are unavailable: {self._keys_error}")
        problem = self._signatures_problem(name, version, integrity, dist.get("signatures"))
        if problem:
            return result("failed", problem)
        signed = "registry signature verified" if dist.get("signatures") else "no registry signature"
        attestations = dist.get("attestations")
        if not isinstance(attestations, dict) or not isinstance(attestations.get("url"), str):
            return result("missing", f"the registry publishes no provenance attestation ({signed})")
        source = attestations["url"]
        try:
            found = self.http.get(source, immutable=True)
        except Unavailable as exc:
            return result("error", f"attestations unreachable: {exc}", source=source)
        if found.status == 404:
            return result("missing", f"the registry publishes no provenance attestation ({signed})", source=source)
        if found.status != 200:
            return result("error", f"{source}: HTTP {found.status}", source=source)
        try:
            bundles = [b["bundle"] for b in found.json()["attestations"]]
            statements = [_statement(b) for b in bundles]
        except (ValueError, KeyError, TypeError) as exc:
            return result("error", f"{source}: malformed attestations ({exc})", source=source)
        if not statements:
            return result("missing", f"no attestations ({signed})", source=source)
        for statement in statements:
            why = _subject_problem(statement, name, version, sha512_hex)
            if why:
                return result("failed", why, source=source)
        types = ", ".join(sorted({str(s.get("predicateType")) for s in statements}))
        if self.root is None:
            return result(
                "unsupported",
                f"{signed}; the attestations ({types}) are about this tarball, but their signatures were not verified",
                source=source,
            )
        from hygiene.provenance.npm_bundle import UnsupportedBundle, verify_npm_bundle
        from hygiene.provenance.verify import VerificationFailed

        publisher, unsupported = None, None
        for bundle, statement in zip(bundles, statements):
            try:
                # The statement checked above was read from this same envelope payload.
                verify_npm_bundle(bundle, self.root, self._registry_keys() or {})
            except UnsupportedBundle as exc:
                # not verified, not failed: unless another attestation fails, the version is
                # `unsupported`
                unsupported = unsupported or f"the {statement.get('predicateType')} attestation cannot be checked: {exc}"
                continue
            except VerificationFailed as exc:
                return result("failed", f"the {statement.get('predicateType')} attestation does not verify: {exc}", source=source)
            publisher = publisher or _publisher(bundle)
        if unsupported:
            return result("unsupported", f"{signed}; {unsupported}", source=source, publisher=publisher)
        return result("verified", source=source, publisher=publisher, declared_repositories=_declared(document))

    # -- registry signatures -----------------------------------------------------------------

    def _signatures_problem(self, name: str, version: str, integrity: str, signatures) -> str | None:
        if not signatures:
            return None
        if not isinstance(signatures, list):
            return "`dist.signatures` is not a list"
        keys = self._registry_keys() or {}
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        message = f"{name}@{version}:{integrity}".encode()
        for entry in signatures:
            keyid = entry.get("keyid") if isinstance(entry, dict) else None
            key = keys.get(keyid)
            if key is None:
                return f"the registry signature uses the unknown key {str(keyid)[:80]!r}"
            try:
                key.verify(base64.b64decode(entry.get("sig", ""), validate=True), message, ec.ECDSA(hashes.SHA256()))
            except (InvalidSignature, binascii.Error, ValueError, TypeError):
                return f"the registry signature for {name}@{version} does not verify with key {keyid}"
        return None

    def _registry_keys(self) -> dict | None:
        with self._lock:
            if self._keys is None and self._keys_error is None:
                self._keys, self._keys_error = self._fetch_keys()
            return self._keys

    def _fetch_keys(self) -> tuple[dict | None, str | None]:
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        url = f"{self.registry}/-/npm/v1/keys"
        try:
            answer = self.http.get(url)
            entries = answer.json()["keys"] if answer.status == 200 else None
        except (Unavailable, ValueError, KeyError, TypeError) as exc:
            return None, f"{url}: {exc}"
        if not isinstance(entries, list):
            return None, f"{url}: no keys"
        keys = {}
        for entry in entries:
            try:
                key = load_der_public_key(base64.b64decode(entry["key"]))
            except (KeyError, TypeError, ValueError, binascii.Error):
                continue
            if isinstance(key, ec.EllipticCurvePublicKey):
                keys[entry.get("keyid")] = key
        return keys, None


def _publisher(bundle: dict):
    """The GitHub workflow a Fulcio certificate was issued to (SLSA provenance), if any."""
    import re

    from cryptography import x509

    from hygiene.provenance import Publisher

    material = bundle.get("verificationMaterial", {})
    leaf = material.get("certificate") or next(iter(material.get("x509CertificateChain", {}).get("certificates") or []), None)
    if not leaf:
        return None
    cert = x509.load_der_x509_certificate(base64.b64decode(leaf["rawBytes"]))
    try:
        uris = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.UniformResourceIdentifier
        )
    except x509.ExtensionNotFound:
        return None
    for uri in uris:
        match = re.match(r"https://github\.com/([^/]+/[^/]+)/\.github/workflows/([^@]+)@", uri)
        if match:
            return Publisher("GitHub", match.group(1), match.group(2))
    return None


def _declared(document) -> tuple[str, ...]:
    """The forge repository package.json's `repository` names (``github.com/owner/repo``)."""
    repository = document.get("repository") if isinstance(document, dict) else None
    url = repository.get("url") if isinstance(repository, dict) else repository
    found = forge_repository(url) if isinstance(url, str) else None
    return (found,) if found else ()


def _statement(bundle) -> dict:
    envelope = bundle["dsseEnvelope"]
    payload = json.loads(base64.b64decode(envelope["payload"], validate=True))
    if not isinstance(payload, dict):
        raise TypeError("the payload is not an in-toto statement")
    return payload


def _subject_problem(statement: dict, name: str, version: str, sha512_hex: str) -> str | None:
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not subjects:
        return "an attestation statement has no subject"
    wanted = f"pkg:npm/{name.replace('@', '%40', 1) if name.startswith('@') else name}@{version}"
    for subject in subjects:
        if not isinstance(subject, dict):
            continue
        digest = subject.get("digest")
        if subject.get("name") in (wanted, f"pkg:npm/{name}@{version}") and isinstance(digest, dict):
            if str(digest.get("sha512", "")).lower() == sha512_hex:
                return None
            return f"an attestation is about {subject.get('name')} with another sha512 than the locked one"
    return f"an attestation is not about {wanted}"
