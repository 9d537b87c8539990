"""hygiene's verifier on real PEP 740 material (../shared/provenance): what PyPI serves
verifies against the production root shipped with sigstore, and every mutation the shared
README lists fails with the right reason. Offline: no TUF refresh, no log lookups."""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path

import pytest

pytest.importorskip("sigstore")
pytest.importorskip("pypi_attestations")
pytest.importorskip("pytest_httpserver")

from hygiene.net import Http  # noqa: E402
from hygiene.provenance import Publisher  # noqa: E402
from hygiene.provenance.pypi import PyPIProvenance, parse_provenance  # noqa: E402
from hygiene.provenance.verify import Pep740Verifier, VerificationFailed, available, trusted_root  # noqa: E402

SHARED = Path(__file__).resolve().parents[3] / "shared" / "provenance"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/provenance is not present")

SDIST = "pypi_attestations-0.0.19.tar.gz"
SDIST_SHA = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
GITLAB_SDIST = "gitlab_oidc_project-0.0.3.tar.gz"
GITLAB_SHA = "c1ca9b0d85df1606451098233018534497bf584362e10e4a8c21dfaea92c02a8"


@pytest.fixture(scope="module")
def production():
    return Pep740Verifier(trusted_root())


def real_provenance() -> dict:
    return json.loads((SHARED / "pypi-attestations" / f"{SDIST}.provenance").read_text("utf-8"))


def attestations():
    return parse_provenance(real_provenance())[1]


def test_the_extra_is_installed():
    assert available() is None


def test_pypi_provenance_verifies_against_the_production_root(production):
    for attestation in attestations():
        production(attestation, SDIST, SDIST_SHA)  # no exception
    # the same root given as a file (--trusted-root)
    Pep740Verifier(trusted_root(SHARED / "trusted-roots" / "production.trusted_root.json"))(attestations()[0], SDIST, SDIST_SHA)


def test_the_staging_root_does_not_verify_production_material():
    staging = Pep740Verifier(trusted_root(staging=True))
    with pytest.raises(VerificationFailed, match="failed to build timestamp certificate chain"):
        staging(attestations()[0], SDIST, SDIST_SHA)
    staging_file = Pep740Verifier(trusted_root(SHARED / "trusted-roots" / "staging.trusted_root.json"))
    with pytest.raises(VerificationFailed):
        staging_file(attestations()[0], SDIST, SDIST_SHA)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"workflow": "evil.yml"}, "the certificate was not issued to the workflow 'evil.yml' of 'trailofbits/pypi-attestations'"),
        ({"repository": "evil/pypi-attestations"},
         "Certificate's OIDCSourceRepositoryURI does not match (got https://github.com/trailofbits/pypi-attestations, "
         "expected https://github.com/evil/pypi-attestations)"),
    ],
)
def test_a_publisher_the_certificate_was_not_issued_to_fails(production, change, reason):
    attestation = attestations()[0]
    raw = {**attestation.publisher.raw, **change}
    claimed = dataclasses.replace(attestation, publisher=Publisher("GitHub", raw["repository"], raw["workflow"], raw=raw))
    with pytest.raises(VerificationFailed) as exc:
        production(claimed, SDIST, SDIST_SHA)
    assert str(exc.value) == reason


def test_a_statement_changed_after_signing_fails(production):
    attestation = attestations()[0]
    statement = json.loads(attestation.statement)
    statement["subject"][0]["digest"]["sha256"] = "00" * 32
    forged = json.dumps(statement, separators=(",", ":")).encode()
    raw = json.loads(json.dumps(attestation.raw))
    raw["envelope"]["statement"] = base64.b64encode(forged).decode()
    with pytest.raises(VerificationFailed, match="[Ss]ignature"):
        production(dataclasses.replace(attestation, statement=forged, raw=raw), SDIST, "00" * 32)


def test_a_statement_other_than_the_signed_one_fails(production):
    attestation = attestations()[0]
    with pytest.raises(VerificationFailed, match="^the signed statement is not the one the attestation shows$"):
        production(dataclasses.replace(attestation, statement=attestation.statement + b" "), SDIST, SDIST_SHA)


def test_no_publisher_means_nothing_to_check_the_certificate_against(production):
    with pytest.raises(VerificationFailed, match="names no publisher"):
        production(dataclasses.replace(attestations()[0], publisher=None), SDIST, SDIST_SHA)


def test_a_gitlab_trusted_publisher_attestation_verifies(production):
    single = json.loads((SHARED / "pypi-attestations" / f"{GITLAB_SDIST}.publish.attestation").read_text("utf-8"))
    publisher = {"kind": "GitLab", "repository": "facutuesca/gitlab-oidc-project", "workflow_filepath": ".gitlab-ci.yml", "environment": None}
    _, (attestation,) = parse_provenance({"version": 1, "attestation_bundles": [{"publisher": publisher, "attestations": [single]}]})
    production(attestation, GITLAB_SDIST, GITLAB_SHA)
    other = {**publisher, "workflow_filepath": "deploy.yml"}
    with pytest.raises(VerificationFailed):
        production(dataclasses.replace(attestation, publisher=Publisher("GitLab", raw=other)), GITLAB_SDIST, GITLAB_SHA)


def test_a_file_that_is_not_a_trusted_root_is_named(tmp_path):
    bogus = tmp_path / "root.json"
    bogus.write_text('{"mediaType": "nope"}', "utf-8")
    with pytest.raises(VerificationFailed, match=f"^{bogus}: not a sigstore trusted root"):
        trusted_root(bogus)


def test_end_to_end_through_the_index(httpserver, production):
    """The lookup and the verifier together: verified for the real file; the same provenance
    served for a renamed file or another digest fails before any signature is checked."""
    httpserver.expect_request(f"/prov/{SDIST}").respond_with_json(real_provenance())
    url = httpserver.url_for(f"/prov/{SDIST}")
    httpserver.expect_request("/simple/pypi-attestations/").respond_with_json({"meta": {"api-version": "1.3"}, "files": [
        {"filename": SDIST, "hashes": {"sha256": SDIST_SHA}, "provenance": url},
        {"filename": "pypi_attestations-0.0.19-py3-none-any.whl", "hashes": {"sha256": "cd" * 32}, "provenance": url},
    ]})
    lookup = PyPIProvenance(Http(retries=0, sleep=lambda s: None), httpserver.url_for("/simple"), verifier=production)
    results = lookup.lookup("pypi-attestations", "0.0.19", [f"sha256:{SDIST_SHA}", "sha256:" + "cd" * 32])
    assert [(r.artifact, r.status, r.reason) for r in results] == [
        ("pypi_attestations-0.0.19-py3-none-any.whl", "failed",
         f"attests '{SDIST}', not 'pypi_attestations-0.0.19-py3-none-any.whl'"),
        (SDIST, "verified", ""),
    ]
    assert results[1].publisher == Publisher("GitHub", "trailofbits/pypi-attestations", "release.yml", None)
