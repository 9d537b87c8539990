"""sigstore bundles v0.3 and PEP 740 attestations minted under a trust root minted for the test
(tests/provenance/minted.py), through hygiene's verifiers (sigstore-python underneath): every
edge case the issue names (expired certificate, wrong identity, missing SCT, bad log promise,
subject mismatch, multi-subject DSSE) and the rest of what a verifier must refuse, with no
shared data and no network."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree

pytest.importorskip("sigstore")
pytest.importorskip("pypi_attestations")
pytest.importorskip("pytest_httpserver")
jsonschema = pytest.importorskip("jsonschema")

from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID  # noqa: E402
from minted import GITHUB_ISSUER, NOW, WORKFLOW, Minted  # noqa: E402

ARTIFACT = b"widget 1.0 release archive\n"
SHA = hashlib.sha256(ARTIFACT).hexdigest()
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "hygiene" / "schemas" / "scan-output.schema.json").read_text("utf-8"))
EVIL = "https://github.com/evil/widget/.github/workflows/release.yml@refs/tags/v1.0.0"


@pytest.fixture(scope="module")
def minted():
    return Minted()


@pytest.fixture
def root(minted, tmp_path):
    return minted.write_root(tmp_path / "trusted_root.json")


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def verify(tmp_path: Path, root: Path, bundle: dict, *args: str, artifact: str | None = None):
    (tmp_path / "widget.tar.gz").write_bytes(ARTIFACT)
    path = tmp_path / "widget.tar.gz.sigstore.json"
    path.write_text(json.dumps(bundle), "utf-8")
    identity = () if any(a.startswith("--cert-identity") for a in args) else ("--cert-identity", WORKFLOW)
    return run_cli("verify", "bundle", artifact or str(tmp_path / "widget.tar.gz"), "--bundle", str(path),
                   *identity, "--cert-oidc-issuer", GITHUB_ISSUER, "--trusted-root", str(root), *args)


def failure(run) -> str:
    assert (run.code, run.stdout) == (1, ""), run.stderr
    assert run.stderr.startswith("FAIL: ")
    return run.stderr.split(": ", 2)[2].strip()


# -- `hygiene verify bundle`: message signatures ------------------------------------------------------


def test_a_minted_message_signature_verifies_by_file_and_by_digest(minted, root, tmp_path):
    bundle = minted.message_bundle(ARTIFACT)
    run = verify(tmp_path, root, bundle)
    assert (run.code, run.stdout) == (0, f"OK: {tmp_path / 'widget.tar.gz'}: message signature over sha256:{SHA}\n"), run.stderr
    run = verify(tmp_path, root, bundle, artifact=f"sha256:{SHA}")
    assert (run.code, run.stdout) == (0, f"OK: sha256:{SHA}: message signature over sha256:{SHA}\n"), run.stderr
    run = verify(tmp_path, root, bundle, "--cert-identity-regexp", r"https://github\.com/acme/widget/.*")
    assert run.code == 0, run.stderr


EXPIRED = {"start": NOW - timedelta(minutes=30)}  # a ten-minute certificate, expired before the log integrated the entry


@pytest.mark.parametrize(
    ("knobs", "reason"),
    [
        ({"leaf": EXPIRED}, "failed to build timestamp certificate chain: validation failed: cert is not valid at validation time"),
        ({"leaf": {"start": NOW + timedelta(minutes=1)}},
         "failed to build timestamp certificate chain: validation failed: cert is not valid at validation time"),
        ({"leaf": {"sct": None}},
         "failed to verify SCT on signing certificate: Certificate does not contain a signed certificate timestamp extension"),
        ({"leaf": {"sct": "forged"}}, "failed to verify SCT on signing certificate: SCT verify failed: keyring: invalid signature"),
        ({"leaf": {"sct": "other-cert"}}, "failed to verify SCT on signing certificate: SCT verify failed: keyring: invalid signature"),
        ({"leaf": {"issuer_key": ec.generate_private_key(ec.SECP256R1())}},
         "failed to build timestamp certificate chain: validation failed: candidates exhausted"),
        ({"leaf": {"eku": (ExtendedKeyUsageOID.SERVER_AUTH,)}}, "Extended usage does not contain `code signing`"),
        ({"break_promise": True}, "invalid log entry: SET: invalid inclusion promise: keyring: invalid signature"),
        ({"log_key": ec.generate_private_key(ec.SECP256R1())}, "invalid log entry: checkpoint: invalid signature: keyring: invalid signature"),
        ({"break_proof": True}, "invalid log entry: inclusion proof contains invalid root hash"),
        ({"break_checkpoint": True}, "invalid log entry: checkpoint: invalid signature: keyring: invalid signature"),
        ({"promise": False}, "not a sigstore bundle (bundle must contain an inclusion promise or signed timestamp(s))"),
        ({"logged_artifact": b"another artifact"}, "transparency log entry is inconsistent with other materials"),
        ({"sign_with": ec.generate_private_key(ec.SECP256R1())}, "Signature is invalid for input"),
    ],
)
def test_each_broken_check_of_a_message_signature_fails(minted, root, tmp_path, knobs, reason):
    assert reason in failure(verify(tmp_path, root, minted.message_bundle(ARTIFACT, **knobs)))


def test_another_artifact_or_identity_fails(minted, root, tmp_path):
    bundle = minted.message_bundle(ARTIFACT)
    assert failure(verify(tmp_path, root, bundle, artifact=f"sha256:{'0' * 64}")) == "Bundle message digest mismatch"
    assert failure(verify(tmp_path, root, bundle, "--cert-identity", EVIL)).startswith("Certificate's SANs do not match")
    assert failure(verify(tmp_path, root, bundle, "--cert-identity-regexp", "https://github.com/evil/.*")) == (
        f"no certificate identity matches 'https://github.com/evil/.*' (found ['{WORKFLOW}'])")
    # the certificate was issued for another identity provider
    other = minted.message_bundle(ARTIFACT, leaf={"issuer": "https://gitlab.com"})
    assert failure(verify(tmp_path, root, other)).startswith("Certificate's OIDCIssuer does not match (got 'https://gitlab.com'")
    # hygiene's own regexp policy checks the issuer too, whatever the identity pattern admits
    assert failure(verify(tmp_path, root, other, "--cert-identity-regexp", ".*")).startswith(
        "Certificate's OIDCIssuer does not match (got 'https://gitlab.com'")


def test_only_the_given_root_counts(minted, root, tmp_path):
    """The same bundle under another minted root (other keys, same names), under the production
    root sigstore ships, and under a root whose log key only became valid after the entry."""
    bundle = minted.message_bundle(ARTIFACT)
    assert failure(verify(tmp_path, Minted().write_root(tmp_path / "other.json"), bundle)).startswith(
        "failed to build timestamp certificate chain")
    run = run_cli("verify", "bundle", f"sha256:{SHA}", "--bundle", str(tmp_path / "widget.tar.gz.sigstore.json"),
                  "--cert-identity", WORKFLOW, "--cert-oidc-issuer", GITHUB_ISSUER)
    assert run.code == 1 and "failed to build timestamp certificate chain" in run.stderr
    # sigstore-python accepts a key valid now; the root says the log's key was not valid yet
    late = minted.write_root(tmp_path / "late.json", log_valid_from=NOW + timedelta(days=1))
    assert failure(verify(tmp_path, late, bundle)) == "the transparency log's key was not valid when it integrated the entry (2026-11-01T12:00:00Z)"
    # ... nor the CT log's key when it issued the SCT, nor the CA when it issued the certificate (rotated out)
    rotated = minted.write_root(tmp_path / "ct.json", ct_valid_until=NOW - timedelta(days=1))
    assert failure(verify(tmp_path, rotated, bundle)) == (
        "the certificate transparency log's key was not valid when it issued the SCT (2026-11-01T11:59:00Z)")
    rotated = minted.write_root(tmp_path / "ca.json", ca_valid_until=NOW - timedelta(days=1))
    assert failure(verify(tmp_path, rotated, bundle)) == (
        "the certificate authority was not valid when it issued the certificate (2026-11-01T11:59:00Z)")
    # the same for a DSSE bundle, and for a PEP 740 attestation through hygiene's verifier
    statement = minted.statement(("widget.tar.gz", SHA), algorithm="sha256", version="v1")
    assert failure(verify(tmp_path, late, minted.dsse_bundle(statement))) == (
        "the transparency log's key was not valid when it integrated the entry (2026-11-01T12:00:00Z)")
    from hygiene.provenance.pypi import parse_provenance
    from hygiene.provenance.verify import Pep740Verifier, VerificationFailed, trusted_root

    filename, sha = _file("widget")
    _, (attestation,) = parse_provenance(_provenance(minted.pep740(minted.pypi_statement((filename, sha)))))
    Pep740Verifier(trusted_root(root))(attestation, filename, sha)  # verifies under the minted root
    with pytest.raises(VerificationFailed, match=r"^the transparency log's key was not valid when it integrated the entry \(2026-11-01T12:00:00Z\)$"):
        Pep740Verifier(trusted_root(late))(attestation, filename, sha)


# -- `hygiene verify bundle`: DSSE statements -----------------------------------------------------------


def test_a_multi_subject_statement_verifies_for_each_artifact_it_names(minted, root, tmp_path):
    other = hashlib.sha256(b"widget-1.0-py3-none-any.whl").hexdigest()
    statement = minted.statement(("widget-1.0.whl", other), ("widget.tar.gz", SHA), algorithm="sha256", version="v1",
                                 predicate="https://slsa.dev/provenance/v1")
    bundle = minted.dsse_bundle(statement)
    for artifact in (None, f"sha256:{other}"):
        run = verify(tmp_path, root, bundle, artifact=artifact)
        named = other if artifact else SHA
        assert run.code == 0 and run.stdout.endswith(f": in-toto statement (https://slsa.dev/provenance/v1) naming sha256:{named}\n"), run.stderr
    assert failure(verify(tmp_path, root, bundle, artifact=f"sha256:{'0' * 64}")) == (
        f"the signed statement does not name sha256:{'0' * 64} among its 2 subject(s)")


@pytest.mark.parametrize(
    ("knobs", "reason"),
    [
        ({"leaf": EXPIRED}, "failed to build timestamp certificate chain"),
        ({"leaf": {"sct": None}}, "failed to verify SCT on signing certificate: Certificate does not contain"),
        ({"leaf": {"san": EVIL, "build_config": EVIL}}, "Certificate's SANs do not match"),
        ({"break_promise": True}, "invalid log entry: SET: invalid inclusion promise"),
        ({"break_proof": True}, "invalid log entry: inclusion proof contains invalid root hash"),
        ({"entry_payload": b"{}"}, "log entry payload hash does not match bundle"),
        ({"sign_with": ec.generate_private_key(ec.SECP256R1())}, "DSSE: invalid signature"),
    ],
)
def test_each_broken_check_of_a_dsse_bundle_fails(minted, root, tmp_path, knobs, reason):
    statement = minted.statement(("widget.tar.gz", SHA), algorithm="sha256", version="v1")
    assert failure(verify(tmp_path, root, minted.dsse_bundle(statement, **knobs))).startswith(reason)


# -- PEP 740, end to end: `hygiene scan --verify-provenance` against a local index -------------------


def _file(name: str) -> tuple[str, str]:
    filename = f"{name}-1.0.tar.gz"
    return filename, hashlib.sha256(filename.encode()).hexdigest()


def _provenance(attestation: dict, repository: str = "acme/widget") -> dict:
    return {"version": 1, "attestation_bundles": [
        {"publisher": {"kind": "GitHub", "repository": repository, "workflow": "release.yml", "environment": None},
         "attestations": [attestation]}]}


def pep740_index(server, minted) -> str:
    """One project per case, each with one sdist and its provenance; every release declares
    github.com/acme/widget as its source."""
    def attest(name: str, *, subjects=None, **knobs) -> dict:
        return minted.pep740(minted.pypi_statement(*(subjects or [_file(name)])), **knobs)

    evil = {"san": EVIL, "build_config": EVIL, "repository": "evil/widget"}
    cases = {
        "good": _provenance(attest("good")),
        "expired": _provenance(attest("expired", leaf=EXPIRED)),
        "no-sct": _provenance(attest("no-sct", leaf={"sct": None})),
        "bad-promise": _provenance(attest("bad-promise", break_promise=True)),
        "bad-proof": _provenance(attest("bad-proof", break_proof=True)),
        # the provenance names acme/widget's workflow; the certificate was issued to evil/widget's
        "wrong-identity": _provenance(attest("wrong-identity", leaf=evil)),
        "subject": _provenance(attest("subject", subjects=[(_file("subject")[0], "ab" * 32)])),
        "two-subjects": _provenance(attest("two-subjects", subjects=[_file("two-subjects"), _file("good")])),
        # signed by evil/widget and saying so: it verifies, but the release declares acme/widget
        "hijacked": _provenance(attest("hijacked", leaf=evil), repository="evil/widget"),
        "foreign-root": _provenance(Minted().pep740(minted.pypi_statement(_file("foreign-root")))),
    }
    for name, provenance in cases.items():
        filename, sha = _file(name)
        server.expect_request(f"/prov/{name}").respond_with_json(provenance)
        server.expect_request(f"/simple/{name}/").respond_with_json({"meta": {"api-version": "1.3"}, "files": [
            {"filename": filename, "hashes": {"sha256": sha}, "provenance": server.url_for(f"/prov/{name}")}]})
        server.expect_request(f"/pypi/{name}/1.0/json").respond_with_json(
            {"info": {"project_urls": {"Source": "https://github.com/acme/widget"}}})
    return server.url_for("/simple")


def test_pep740_attestations_minted_for_each_edge_case(httpserver, minted, root, tmp_path):
    names = ["good", "expired", "no-sct", "bad-promise", "bad-proof", "wrong-identity", "subject", "two-subjects",
             "hijacked", "foreign-root"]
    repo = write_tree(tmp_path / "repo", {"requirements.txt": "".join(f"{n}==1.0 --hash=sha256:{_file(n)[1]}\n" for n in names)})
    out = tmp_path / "report.json"
    run = run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--verify-provenance",
                  "--index-url", pep740_index(httpserver, minted), "--trusted-root", str(root))
    report = json.loads(out.read_text("utf-8"))
    jsonschema.validate(report, SCHEMA)
    assert run.code == 1
    status = {e["package"]: (e["status"], e["reason"]) for e in report["provenance"]}
    assert status["good"] == ("verified", "")
    found = {f["line"]: (f["rule"], f["message"].split(": ", 1)[1]) for f in report["findings"] if f["rule"].startswith("HY40")}

    def broken(name: str, why: str) -> tuple[str, str]:
        return ("HY402", f"the provenance of {_file(name)[0]} does not verify: {why}")

    assert found == {
        2: broken("expired", "attestation does not verify: failed to build timestamp certificate chain: "
                             "validation failed: cert is not valid at validation time"),
        3: broken("no-sct", "attestation does not verify: failed to verify SCT on signing certificate: "
                            "Certificate does not contain a signed certificate timestamp extension"),
        4: broken("bad-promise", "attestation does not verify: invalid log entry: SET: invalid inclusion promise: "
                                 "keyring: invalid signature"),
        5: broken("bad-proof", "attestation does not verify: invalid log entry: inclusion proof contains invalid root hash"),
        6: broken("wrong-identity", "attestation does not verify: Certificate's OIDCSourceRepositoryURI does not match "
                                    "(got https://github.com/evil/widget, expected https://github.com/acme/widget)"),
        7: broken("subject", f"attests sha256 {'ab' * 32}, not the pinned {_file('subject')[1]}"),
        8: broken("two-subjects", "the statement must have exactly one subject"),
        9: ("HY403", f"the provenance of {_file('hijacked')[0]} verifies, but it names the publisher "
                     "github.com/evil/widget (release.yml), while the release declares github.com/acme/widget"),
        10: broken("foreign-root", "attestation does not verify: failed to build timestamp certificate chain: "
                                   "validation failed: candidates exhausted: signature does not match"),
    }


# -- HY404, end to end: bundles a repository ships, under the minted root ------------------------------


def test_repository_bundles_minted_for_each_edge_case(minted, root, tmp_path):
    """Release files with the bundles beside them (GitHub artifact attestations for the wheel and
    the sdist in one multi-subject statement), verified with `--trusted-root`."""
    wheel, sdist = b"wheel bytes", b"sdist bytes"
    both = minted.statement(("widget-1.0-py3-none-any.whl", hashlib.sha256(wheel).hexdigest()),
                            ("widget-1.0.tar.gz", hashlib.sha256(sdist).hexdigest()),
                            algorithm="sha256", version="v1", predicate="https://slsa.dev/provenance/v1")
    files = {
        "dist/widget-1.0-py3-none-any.whl": wheel, "dist/widget-1.0.tar.gz": sdist,
        "dist/widget-1.0.intoto.sigstore.json": minted.dsse_bundle(both),  # names both files
        "dist/widget-1.0.tar.gz.sigstore.json": minted.message_bundle(sdist),
        "dist/expired.bin": b"e", "dist/expired.bin.sigstore.json": minted.message_bundle(b"e", leaf=EXPIRED),
        "dist/no-sct.bin": b"n", "dist/no-sct.bin.sigstore.json": minted.message_bundle(b"n", leaf={"sct": None}),
        "dist/promise.bin": b"p", "dist/promise.bin.sigstore.json": minted.message_bundle(b"p", break_promise=True),
        "dist/evil.bin": b"v", "dist/evil.bin.sigstore.json": minted.message_bundle(b"v", leaf={"san": EVIL}),
    }
    repo = tmp_path / "repo"
    for name, content in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(content if isinstance(content, bytes) else json.dumps(content, indent=1).encode())
    write_tree(repo, {".hygiene.toml": f'sigstore-identities = [{{ identity = "{WORKFLOW}", issuer = "{GITHUB_ISSUER}" }}]\n'})
    out = tmp_path / "report.json"
    run = run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--verify-provenance", "--trusted-root", str(root))
    report = json.loads(out.read_text("utf-8"))
    jsonschema.validate(report, SCHEMA)
    assert run.code == 1
    assert [(f["path"], f["line"], f["rule"], f["message"]) for f in report["findings"]] == [
        ("dist/evil.bin.sigstore.json", 1, "HY404", "the sigstore bundle for dist/evil.bin does not verify: Certificate's SANs do not match "
         f"{WORKFLOW}; actual SANs: {{'{EVIL}'}}"),
        ("dist/expired.bin.sigstore.json", 1, "HY404", "the sigstore bundle for dist/expired.bin does not verify: "
         "failed to build timestamp certificate chain: validation failed: cert is not valid at validation time"),
        ("dist/no-sct.bin.sigstore.json", 1, "HY404", "the sigstore bundle for dist/no-sct.bin does not verify: failed to verify SCT "
         "on signing certificate: Certificate does not contain a signed certificate timestamp extension"),
        ("dist/promise.bin.sigstore.json", 1, "HY404", "the sigstore bundle for dist/promise.bin does not verify: "
         "invalid log entry: SET: invalid inclusion promise: keyring: invalid signature"),
    ]
    assert not [s for s in report["skipped"] if "bundle" in s["check"]]
