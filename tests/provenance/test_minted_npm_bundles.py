"""The npm bundle verifier on bundles minted for each edge case under a trust root minted for
the test (tests/provenance/minted.py): no shared data, no network."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest

pytest.importorskip("cryptography")
pytest.importorskip("pytest_httpserver")

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID  # noqa: E402
from minted import NOW, Minted  # noqa: E402

from hygiene.net import Http  # noqa: E402
from hygiene.provenance import Publisher  # noqa: E402
from hygiene.provenance.npm import NpmProvenance  # noqa: E402
from hygiene.provenance.npm_bundle import TrustedRootFile, verify_npm_bundle  # noqa: E402
from hygiene.provenance.verify import VerificationFailed  # noqa: E402

TARBALL = hashlib.sha512(b"widget-1.0.0.tgz").digest()
SHA512 = TARBALL.hex()
INTEGRITY = "sha512-" + base64.b64encode(TARBALL).decode()


@pytest.fixture(scope="module")
def minted():
    return Minted()


def statement(minted, *subjects):
    return minted.statement(*(subjects or (("pkg:npm/widget@1.0.0", SHA512),)))


def test_a_well_formed_bundle_verifies_with_a_certificate_or_the_registry_key(minted):
    payload = statement(minted)
    assert verify_npm_bundle(minted.bundle(payload), minted.root_file(), {}) == payload
    assert verify_npm_bundle(minted.bundle(payload, with_key=True), minted.root_file(), minted.registry_keys()) == payload


@pytest.mark.parametrize(
    ("knobs", "reason"),
    [
        # the leaf expired before the log integrated the entry
        ({"leaf_start": NOW - timedelta(minutes=30)}, "the certificate (leaf) was not valid when the entry was integrated"),
        # a leaf issued by a key that is not the trusted intermediate's
        ({"leaf_issuer_key": ec.generate_private_key(ec.SECP256R1())}, "the certificate (leaf) is not signed by its issuer"),
        ({"eku": (ExtendedKeyUsageOID.SERVER_AUTH,)}, "the signing certificate is not for code signing"),
        ({"break_promise": True}, "the transparency log's signed entry timestamp does not verify"),
        ({"log_key": ec.generate_private_key(ec.SECP256R1())}, "the transparency log's signed entry timestamp does not verify"),
        ({"entry_payload": b"another payload"}, "the log entry is for another payload"),
        ({"sign_with": ec.generate_private_key(ec.SECP256R1())}, "the DSSE signature does not verify"),
        ({"sct": None}, "the signing certificate has no SCT: it was not logged for certificate transparency"),
        ({"sct": "forged"}, "the signing certificate's transparency is not proven: "
                            "its SCT is from a certificate transparency log the trusted root does not hold"),
        ({"sct": "other-cert"}, "the signing certificate's transparency is not proven: its SCT does not verify"),
    ],
)
def test_each_broken_check_fails_with_its_reason(minted, knobs, reason):
    with pytest.raises(VerificationFailed) as exc:
        verify_npm_bundle(minted.bundle(statement(minted), **knobs), minted.root_file(), {})
    assert str(exc.value) == reason


def test_the_root_decides_which_log_and_which_times_count(minted):
    bundle = minted.bundle(statement(minted))
    with pytest.raises(VerificationFailed, match="the certificate transparency log's key was not valid when it issued the SCT"):
        verify_npm_bundle(bundle, minted.root_file(ct_valid_until=NOW - timedelta(days=1)), {})
    # a certificate authority the root retired before the entry anchors nothing
    with pytest.raises(VerificationFailed, match="^the certificate chain does not lead to a certificate authority of the trusted root$"):
        verify_npm_bundle(bundle, minted.root_file(ca_valid_until=NOW - timedelta(days=1)), {})
    with pytest.raises(VerificationFailed, match="the log's key was not valid when the entry was integrated"):
        verify_npm_bundle(bundle, minted.root_file(log_valid_from=NOW + timedelta(days=1)), {})
    # another instance's root, with the same names but other keys: its CA did not sign this chain
    with pytest.raises(VerificationFailed, match="^the certificate chain does not lead to a certificate authority of the trusted root$"):
        verify_npm_bundle(bundle, Minted().root_file(), {})
    no_log = minted.trusted_root()
    no_log["tlogs"] = []
    with pytest.raises(VerificationFailed, match="is not in the trusted root"):
        verify_npm_bundle(bundle, TrustedRootFile(no_log), {})
    with pytest.raises(VerificationFailed, match="which the registry does not list"):
        verify_npm_bundle(minted.bundle(statement(minted), with_key=True), minted.root_file(), {})


def test_a_bundle_that_is_not_one(minted):
    with pytest.raises(VerificationFailed, match="^a sigstore bundle format hygiene does not know \\(no mediaType\\)$"):
        verify_npm_bundle({"dsseEnvelope": {}}, minted.root_file(), {})
    bundle = minted.bundle(statement(minted))
    del bundle["verificationMaterial"]["tlogEntries"]
    with pytest.raises(VerificationFailed, match="^not a sigstore bundle with a DSSE envelope and one log entry"):
        verify_npm_bundle(bundle, minted.root_file(), {})


# Bundle formats npm has served: v0.1 (npm 9.5, 2023), v0.2 with an inclusion proof (npm 9.7+),
# v0.3 with a single certificate, and dsse 0.0.1 log entries besides intoto 0.0.2.
FORMATS = [("0.1", "intoto"), ("0.2", "intoto"), ("0.2", "dsse"), ("0.3", "intoto"), ("0.3", "dsse")]


@pytest.mark.parametrize(("version", "kind"), FORMATS)
def test_every_bundle_format_npm_serves_verifies(minted, version, kind):
    payload = statement(minted)
    for with_key in (False, True):
        bundle = minted.bundle(payload, version=version, kind=kind, with_key=with_key)
        assert verify_npm_bundle(bundle, minted.root_file(), minted.registry_keys()) == payload


@pytest.mark.parametrize(("version", "kind"), FORMATS[1:])
@pytest.mark.parametrize(
    ("knobs", "reason"),
    [
        ({"break_proof": True}, "the inclusion proof does not lead to its root hash"),
        ({"break_checkpoint": True}, "the checkpoint's signature does not verify"),
        ({"checkpoint_for_another_tree": True}, "the checkpoint names another tree than the inclusion proof"),
        ({"proof": False}, "the bundle has no inclusion proof with a checkpoint (required from bundle v0.2)"),
        ({"promise": False}, "the log entry has no signed entry timestamp, so the signing time is not proven"),
        ({"entry_payload": b"{}"}, "the log entry is for another payload"),
        ({"sct": None}, "the signing certificate has no SCT: it was not logged for certificate transparency"),
        ({"leaf_start": NOW - timedelta(minutes=30)}, "the certificate (leaf) was not valid when the entry was integrated"),
    ],
)
def test_each_broken_check_of_a_newer_bundle_fails(minted, version, kind, knobs, reason):
    with pytest.raises(VerificationFailed) as exc:
        verify_npm_bundle(minted.bundle(statement(minted), version=version, kind=kind, **knobs), minted.root_file(), {})
    assert str(exc.value) == reason


def _relogged(minted, bundle: dict, **replaced: str) -> dict:
    """`bundle` with its dsse 0.0.1 entry's signature or verifier replaced, and logged again
    (promise, proof and checkpoint valid for the changed body)."""
    import json

    entry = bundle["verificationMaterial"]["tlogEntries"][0]
    body = json.loads(base64.b64decode(entry["canonicalizedBody"]))
    body["spec"]["signatures"][0].update(replaced)
    bundle["verificationMaterial"]["tlogEntries"] = [minted.tlog_entry(body, ("dsse", "0.0.1"))]
    return bundle


def test_an_entry_of_another_kind_or_signer_fails(minted):
    import json

    other = minted.bundle(statement(minted), version="0.3", kind="dsse")  # another leaf, same statement
    other_logged = json.loads(base64.b64decode(other["verificationMaterial"]["tlogEntries"][0]["canonicalizedBody"]))
    # the entry's signer alone, then its signature alone, differ from the bundle's
    for replaced in ({"verifier": other_logged["spec"]["signatures"][0]["verifier"]},
                     {"signature": other_logged["spec"]["signatures"][0]["signature"]}):
        bundle = _relogged(minted, minted.bundle(statement(minted), version="0.3", kind="dsse"), **replaced)
        with pytest.raises(VerificationFailed, match="^the log entry has another signature or signer than the bundle$"):
            verify_npm_bundle(bundle, minted.root_file(), {})
    body = {"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {}}
    bundle = minted.bundle(statement(minted))
    entry = minted.tlog_entry(body, ("hashedrekord", "0.0.1"), proof=False)
    bundle["verificationMaterial"]["tlogEntries"] = [entry]
    with pytest.raises(VerificationFailed, match="^the log entry is a 'hashedrekord' 0.0.1 entry, not intoto 0.0.2 or dsse 0.0.1$"):
        verify_npm_bundle(bundle, minted.root_file(), {})


def serve(server, minted, bundles):
    """A registry serving widget@1.0.0, signed by the minted registry key, with `bundles`."""
    message = f"widget@1.0.0:{INTEGRITY}".encode()
    sig = base64.b64encode(minted.registry_key.sign(message, ec.ECDSA(hashes.SHA256()))).decode()
    spki = minted.registry_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    server.expect_request("/-/npm/v1/keys").respond_with_json({"keys": [{"keyid": "SHA256:minted", "key": base64.b64encode(spki).decode()}]})
    server.expect_request("/att").respond_with_json({"attestations": [{"predicateType": "x", "bundle": b} for b in bundles]})
    server.expect_request("/widget/1.0.0").respond_with_json(
        {"dist": {"integrity": INTEGRITY, "signatures": [{"keyid": "SHA256:minted", "sig": sig}], "attestations": {"url": server.url_for("/att")}}})
    return NpmProvenance(Http(retries=0, sleep=lambda s: None), server.url_for(""), minted.root_file())


@pytest.mark.parametrize(("version", "kind"), FORMATS)
def test_through_the_registry_verified_with_the_publisher(httpserver, minted, version, kind):
    npm = serve(httpserver, minted, [minted.bundle(statement(minted), version=version, kind=kind),
                                     minted.bundle(statement(minted), with_key=True, version=version, kind=kind)])
    result = npm.lookup("widget", "1.0.0", SHA512)
    assert (result.status, result.reason, result.publisher) == ("verified", "", Publisher("GitHub", "acme/widget", "release.yml"))


@pytest.mark.parametrize(
    ("subjects", "status", "reason"),
    [
        # a multi-subject statement counts when one subject is exactly this tarball
        ((("pkg:npm/other@2.0.0", "00" * 64), ("pkg:npm/widget@1.0.0", SHA512)), "verified", ""),
        ((("pkg:npm/widget@1.0.0", "11" * 64),), "failed", "an attestation is about pkg:npm/widget@1.0.0 with another sha512 than the locked one"),
        ((("pkg:npm/widget@1.0.1", SHA512),), "failed", "an attestation is not about pkg:npm/widget@1.0.0"),
    ],
)
def test_the_statement_must_be_about_the_locked_tarball(httpserver, minted, subjects, status, reason):
    npm = serve(httpserver, minted, [minted.bundle(statement(minted, *subjects))])
    result = npm.lookup("widget", "1.0.0", SHA512)
    assert (result.status, result.reason) == (status, reason)


def test_a_bundle_whose_signature_fails_makes_the_version_fail(httpserver, minted):
    bad = minted.bundle(statement(minted), break_promise=True)
    npm = serve(httpserver, minted, [minted.bundle(statement(minted), with_key=True), bad])
    result = npm.lookup("widget", "1.0.0", SHA512)
    assert (result.status, result.reason) == (
        "failed", "the https://slsa.dev/provenance/v0.2 attestation does not verify: the transparency log's signed entry timestamp does not verify")


def test_a_chain_of_look_alike_certificates_is_not_trusted(minted):
    """An attacker's CA with the trusted CA's names: the leaf verifies against the bundle's own
    intermediate, but no certificate authority of the trusted root signed anything in it."""
    impostor = Minted()  # same subject names, its own keys
    payload = statement(minted)
    with pytest.raises(VerificationFailed, match="^the certificate chain does not lead to a certificate authority of the trusted root$"):
        verify_npm_bundle(impostor.bundle(payload), minted.root_file(), {})


def test_a_leaf_cannot_sign_another_certificate(minted):
    """A chain in which a code-signing leaf signs the signing certificate is refused."""
    import datetime as dt

    from cryptography.x509.oid import ExtendedKeyUsageOID as Eku
    from minted import _cert

    signer = ec.generate_private_key(ec.SECP256R1())
    middle = _cert("not-a-ca", signer, "minted-intermediate", minted.intermediate_key, ca=False,
                   start=NOW - dt.timedelta(days=1), end=NOW + dt.timedelta(days=1), eku=(Eku.CODE_SIGNING,))
    bundle = minted.bundle(statement(minted), leaf_issuer_key=signer)
    chain = bundle["verificationMaterial"]["x509CertificateChain"]["certificates"]
    from cryptography.hazmat.primitives.serialization import Encoding

    chain.insert(1, {"rawBytes": base64.b64encode(middle.public_bytes(Encoding.DER)).decode()})
    with pytest.raises(VerificationFailed, match="signs others but is no CA"):
        verify_npm_bundle(bundle, minted.root_file(), {})


def test_inclusion_proofs_are_checked_for_every_leaf_of_every_tree_size():
    """The hand-written RFC 9162 path check, against audit paths built by the RFC 6962
    definition, for each index of trees of 1 to 33 leaves; a path for a neighbouring leaf, or
    one hash short, fails."""
    import minted as m

    from hygiene.provenance.npm_bundle import _check_inclusion

    key = ec.generate_private_key(ec.SECP256R1())
    log_id = hashlib.sha256(b"log").digest()

    def proof(index: int, size: int, path: list[bytes], root: bytes) -> dict:
        note = f"log - 1\n{size}\n{base64.b64encode(root).decode()}\n"
        sig = base64.b64encode(log_id[:4] + key.sign(note.encode(), ec.ECDSA(hashes.SHA256()))).decode()
        return {"logIndex": str(index), "treeSize": str(size), "rootHash": base64.b64encode(root).decode(),
                "hashes": [base64.b64encode(h).decode() for h in path], "checkpoint": {"envelope": f"{note}\n\u2014 log {sig}\n"}}

    for size in range(1, 34):
        bodies = [b"entry %d" % i for i in range(size)]
        leaves = [m._leaf_hash(b) for b in bodies]
        root = m._tree_hash(leaves)
        for index in range(size):
            path = m._audit_path(index, leaves)
            _check_inclusion(bodies[index], proof(index, size, path, root), key.public_key(), log_id)
            if size > 1:
                with pytest.raises(VerificationFailed):
                    _check_inclusion(bodies[index], proof((index + 1) % size, size, path, root), key.public_key(), log_id)
                with pytest.raises(VerificationFailed):
                    _check_inclusion(bodies[index], proof(index, size, path[:-1], root), key.public_key(), log_id)


def future(bundle: dict) -> dict:
    return {**bundle, "mediaType": "application/vnd.dev.sigstore.bundle.v0.4+json"}


def test_a_format_hygiene_cannot_check_is_unsupported_never_verified_nor_failed(httpserver, minted):
    npm = serve(httpserver, minted, [minted.bundle(statement(minted), version="0.3"),
                                     future(minted.bundle(statement(minted), with_key=True, version="0.3"))])
    result = npm.lookup("widget", "1.0.0", SHA512)
    assert (result.status, result.reason) == ("unsupported", (
        "registry signature verified; the https://slsa.dev/provenance/v0.2 attestation cannot be checked: "
        "a sigstore bundle format hygiene does not know ('application/vnd.dev.sigstore.bundle.v0.4+json')"))
    # ... but an attestation that fails still fails the version
    httpserver.clear()
    npm = serve(httpserver, minted, [future(minted.bundle(statement(minted))), minted.bundle(statement(minted), break_promise=True)])
    assert npm.lookup("widget", "1.0.0", SHA512).status == "failed"


def test_in_a_scan_unsupported_is_listed_as_not_verified_and_authz3_is_not_reached(httpserver, minted, tmp_path):
    import json

    from hygiene_testkit import run_cli, write_tree

    from hygiene.escape import markdown as md

    serve(httpserver, minted, [future(minted.bundle(statement(minted)))])
    lock = {"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": {
        "": {"name": "app", "version": "1.0.0", "dependencies": {"widget": "1.0.0"}},
        "node_modules/widget": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/widget/-/widget-1.0.0.tgz", "integrity": INTEGRITY}}}
    repo = write_tree(tmp_path / "repo", {"package-lock.json": json.dumps(lock, indent=2)})
    root = minted.write_root(tmp_path / "root.json")
    out = tmp_path / "r.json"
    summary = tmp_path / "summary.md"
    run = run_cli("scan", str(repo), "--verify-provenance", "--npm-registry", httpserver.url_for(""), "--trusted-root", str(root),
                  "--format", "json", "--output", str(out), "--fail-on", "note", "--summary", str(summary))
    report = json.loads(out.read_text("utf-8"))
    assert run.code == 0 and [f for f in report["findings"] if f["rule"].startswith("HY40")] == []
    assert [(e["package"], e["status"]) for e in report["provenance"]] == [("widget", "unsupported")]
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    assert skipped["provenance of 1 of 1 pinned files, not fully verifiable (HY402)"].startswith("widget@1.0.0: registry signature verified; ")
    authz = report["principles"]["AUTHZ-3"]
    assert (authz["assessed"], authz["reached"]) == (True, False)
    assert authz["reason"].startswith("incomplete: provenance of 1 of 1 pinned files, not fully verifiable (HY402): widget@1.0.0")
    # the job summary names an npm package the way npm pins it
    rows = [line for line in summary.read_text("utf-8").splitlines() if line.startswith("| widget")]
    assert rows == [f"| widget@1.0.0 | widget@1.0.0 | {md('unsupported: ' + report['provenance'][0]['reason'])} |  |"]


def _slow(request):
    import time

    from werkzeug import Response

    time.sleep(0.5)
    return Response("{}", content_type="application/json")


@pytest.mark.parametrize(
    ("path", "answer", "status", "reason"),
    [
        ("/widget/1.0.0", ("", 500), "error", "/widget/1.0.0: HTTP 500 (after 2 attempts)"),
        ("/widget/1.0.0", _slow, "error", "/widget/1.0.0: timed out after 0.2 s (after 2 attempts)"),
        ("/widget/1.0.0", ("not json", 200), "error", "/widget/1.0.0: not a version document with `dist.integrity`"),
        ("/att", ("", 404), "missing", "the registry publishes no provenance attestation (registry signature verified)"),
        ("/att", ("", 403), "error", "/att: HTTP 403"),
        ("/att", ("", 503), "error", "/att: HTTP 503 (after 2 attempts)"),
        ("/att", _slow, "error", "/att: timed out after 0.2 s (after 2 attempts)"),
        ("/att", ('{"attestations": "none"}', 200), "error", "malformed attestations"),
        ("/-/npm/v1/keys", ("", 500), "error", "/-/npm/v1/keys: HTTP 500 (after 2 attempts)"),
        ("/-/npm/v1/keys", ("{}", 200), "error", "the registry's keys are unavailable"),
    ],
)
def test_registry_endpoints_that_fail_or_stall(httpserver, minted, path, answer, status, reason):
    """Each endpoint of the lookup (version document, attestations, keys) answering 4xx, 5xx,
    too slowly or with something that is not what it should be: `error` (listed under skipped,
    never a finding) or, for a 404 on the attestations, `missing`."""
    if callable(answer):
        httpserver.expect_request(path).respond_with_handler(answer)
    else:
        httpserver.expect_request(path).respond_with_data(answer[0], status=answer[1], content_type="application/json")
    serve(httpserver, minted, [minted.bundle(statement(minted))])  # the other endpoints answer well
    npm = NpmProvenance(Http(retries=1, timeout=0.2, sleep=lambda s: None), httpserver.url_for(""), minted.root_file())
    result = npm.lookup("widget", "1.0.0", SHA512)
    assert result.status == status and reason in result.reason, result.reason
