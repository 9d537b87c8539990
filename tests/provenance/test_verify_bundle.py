"""`hygiene verify bundle` on the real bundles in ../shared/provenance/sigstore-python, with the
outcomes its README lists: exit 0 and `OK:` only when everything verifies, else exit 1 and the
reason on stderr."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hygiene_testkit import run_cli

pytest.importorskip("sigstore")

SHARED = Path(__file__).resolve().parents[3] / "shared" / "provenance"
SP = SHARED / "sigstore-python"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/provenance is not present")

GITHUB = "https://token.actions.githubusercontent.com"
WHEEL_SHA = "c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201"  # rfc8785-0.1.2-py3-none-any.whl
WHEEL_ID = "https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2"


def verify(artifact: str, bundle: str, *args: str):
    return run_cli("verify", "bundle", artifact, "--bundle", str(SP / bundle), *args)


def test_a_production_release_signature_verifies_by_digest():
    run = verify(f"sha256:{WHEEL_SHA}", "bundle_v3_github.whl.sigstore", "--cert-identity", WHEEL_ID, "--cert-oidc-issuer", GITHUB)
    assert (run.code, run.stdout) == (0, f"OK: sha256:{WHEEL_SHA}: message signature over sha256:{WHEEL_SHA}\n")
    run = verify(f"sha256:{WHEEL_SHA}", "bundle_v3_github.whl.sigstore", "--cert-identity-regexp",
                 r"https://github\.com/trailofbits/rfc8785\.py/\.github/workflows/release\.yml@refs/tags/v.*",
                 "--cert-oidc-issuer", GITHUB, "--trusted-root", str(SHARED / "trusted-roots" / "production.trusted_root.json"))
    assert run.code == 0, run.stderr


@pytest.mark.parametrize(
    ("artifact", "args", "reason"),
    [
        (f"sha256:{WHEEL_SHA[:-1]}2", ("--cert-identity", WHEEL_ID), "Bundle message digest mismatch"),
        (f"sha256:{WHEEL_SHA}", ("--cert-identity", WHEEL_ID.replace("trailofbits", "evil")), "Certificate's SANs do not match"),
        (f"sha256:{WHEEL_SHA}", ("--cert-identity-regexp", "https://github.com/evil/.*"),
         f"no certificate identity matches 'https://github.com/evil/.*' (found ['{WHEEL_ID}'])"),
        # a regexp must match the whole identity, not a part of it
        (f"sha256:{WHEEL_SHA}", ("--cert-identity-regexp", "trailofbits"), "no certificate identity matches 'trailofbits'"),
        (f"sha256:{WHEEL_SHA}", ("--cert-identity", WHEEL_ID, "--staging"), "failed to build timestamp certificate chain"),
    ],
)
def test_what_does_not_match_fails_with_the_reason(artifact, args, reason):
    issuer = () if "--cert-oidc-issuer" in args else ("--cert-oidc-issuer", GITHUB)
    run = verify(artifact, "bundle_v3_github.whl.sigstore", *args, *issuer)
    assert run.code == 1 and run.stdout == ""
    assert run.stderr.startswith(f"FAIL: {artifact}: ") and reason in run.stderr


def test_staging_bundles_verify_on_staging_and_not_on_production():
    for artifact, bundle in (("bundle.txt", "bundle.txt.sigstore"), ("bundle_v3.txt", "bundle_v3.txt.sigstore"),
                             ("staging-rekor-v2.txt", "staging-rekor-v2.txt.sigstore.json")):
        args = ("--cert-identity-regexp", ".*", "--cert-oidc-issuer", "https://github.com/login/oauth")
        ok = run_cli("verify", "bundle", str(SP / artifact), "--bundle", str(SP / bundle), *args, "--staging")
        assert ok.code == 0 and ok.stdout.startswith(f"OK: {SP / artifact}: message signature over sha256:"), ok.stderr
        prod = run_cli("verify", "bundle", str(SP / artifact), "--bundle", str(SP / bundle), *args)
        assert prod.code == 1 and "FAIL" in prod.stderr


def test_the_cve_2022_36056_bundle_fails():
    run = run_cli("verify", "bundle", str(SP / "bundle_cve_2022_36056.txt"), "--bundle", str(SP / "bundle_cve_2022_36056.txt.sigstore"),
                  "--cert-identity-regexp", ".*", "--cert-oidc-issuer", "https://github.com/login/oauth", "--staging")
    assert run.code == 1 and "transparency log entry is inconsistent with other materials" in run.stderr


def test_a_dsse_bundle_must_name_the_artifact_in_its_statement():
    bundle = "a.dsse.staging-rekor-v2.txt.sigstore.json"
    doc = json.loads((SP / bundle).read_text("utf-8"))
    subject = json.loads(base64.b64decode(doc["dsseEnvelope"]["payload"]))["subject"][0]["digest"]["sha256"]
    args = ("--cert-identity-regexp", ".*", "--cert-oidc-issuer", GITHUB, "--staging")
    # a.txt is signed by nobody: the statement is about another digest
    run = run_cli("verify", "bundle", str(SP / "a.txt"), "--bundle", str(SP / bundle), *args)
    assert run.code == 1 and "the signed statement does not name sha256:e248a5db" in run.stderr
    run = run_cli("verify", "bundle", f"sha256:{subject}", "--bundle", str(SP / bundle), *args)
    assert run.code == 0 and run.stdout == (
        f"OK: sha256:{subject}: in-toto statement (https://slsa.dev/provenance/v1) naming sha256:{subject}\n")


def test_unusable_inputs(tmp_path):
    args = ("--cert-identity", WHEEL_ID, "--cert-oidc-issuer", GITHUB)
    run = run_cli("verify", "bundle", str(tmp_path / "missing.whl"), "--bundle", str(SP / "bundle_v3_github.whl.sigstore"), *args)
    assert run.code == 1 and "missing.whl: cannot read it" in run.stderr
    bogus = tmp_path / "x.sigstore.json"
    bogus.write_text('{"mediaType": "nope"}', "utf-8")
    run = run_cli("verify", "bundle", f"sha256:{WHEEL_SHA}", "--bundle", str(bogus), *args)
    assert run.code == 1 and f"{bogus}: not a sigstore bundle" in run.stderr
    run = run_cli("verify", "bundle", f"sha256:{WHEEL_SHA}", "--bundle", str(bogus), "--cert-oidc-issuer", GITHUB)
    assert run.code == 2  # an identity is required
    run = run_cli("verify", "bundle", f"sha256:{WHEEL_SHA}", "--bundle", str(bogus), *args, "--staging",
                  "--trusted-root", str(SHARED / "trusted-roots" / "staging.trusted_root.json"))
    assert run.code == 2 and "give one" in run.stderr


PA = SHARED / "pypi-attestations"


@pytest.mark.parametrize(
    ("attestation", "sha256", "identity", "staging"),
    [
        # a GitHub artifact attestation (actions/attest, bundle v0.3, dsse 0.0.1)
        ("pypi_attestation_models-0.0.4a2.tar.gz.sigstore", "c9709ce6fd5b67b59b4a28758cf14d3f411803c4b89b6068b1f1a8e4ee94c8ef",
         ("--cert-identity-regexp", r"https://github\.com/trailofbits/pypi-attestation-models/\.github/workflows/release\.yml@.*",
          "--cert-oidc-issuer", GITHUB), False),
        # PEP 740 attestation files, as `pypi-attestations sign` writes them
        ("pypi_attestations-0.0.19.tar.gz.publish.attestation", "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3",
         ("--cert-identity-regexp", r"https://github\.com/trailofbits/pypi-attestations/\.github/workflows/release\.yml@.*",
          "--cert-oidc-issuer", GITHUB), False),
        ("pypi_attestations-0.0.19.tar.gz.slsa.attestation", "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3",
         ("--cert-identity-regexp", r"https://github\.com/trailofbits/pypi-attestations/.*", "--cert-oidc-issuer", GITHUB), False),
        ("rfc8785-0.1.2-py3-none-any.whl.attestation", WHEEL_SHA,
         ("--cert-identity", "william@yossarian.net", "--cert-oidc-issuer", "https://github.com/login/oauth"), True),
        ("spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation",
         "d2772f9a5199f05ed1be8d9aa78b879e51772e3ead9d73fe8057257b1aec7cf8",
         ("--cert-identity", "william@yossarian.net", "--cert-oidc-issuer", "https://github.com/login/oauth"), True),
    ],
)
def test_attestations_verify_for_their_distribution_and_nothing_else(attestation, sha256, identity, staging):
    staged = ("--staging",) if staging else ()
    run = run_cli("verify", "bundle", f"sha256:{sha256}", "--bundle", str(PA / attestation), *identity, *staged)
    assert run.code == 0 and run.stdout.startswith(f"OK: sha256:{sha256}: in-toto statement ("), run.stderr
    other = ("sha256:" + "0" * 64)
    run = run_cli("verify", "bundle", other, "--bundle", str(PA / attestation), *identity, *staged)
    assert run.code == 1 and f"the signed statement does not name {other} among its 1 subject(s)" in run.stderr
    # the other instance's root
    wrong = () if staging else ("--staging",)
    run = run_cli("verify", "bundle", f"sha256:{sha256}", "--bundle", str(PA / attestation), *identity, *wrong)
    assert run.code == 1 and run.stderr.startswith("FAIL: ")
