"""Finding a pinned Python artifact's PEP 740 provenance on an index, against a local server
that serves a PEP 691 JSON index and the provenance (real, from ../shared/provenance, and
made-up ones for every way a registry can answer)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

from hygiene.net import Http
from hygiene.provenance import Publisher
from hygiene.provenance.pypi import PyPIProvenance, same_distribution

pytest.importorskip("pytest_httpserver")
from werkzeug import Response  # noqa: E402

SHARED = Path(__file__).resolve().parents[3] / "shared" / "provenance" / "pypi-attestations"
SIMPLE = "application/vnd.pypi.simple.v1+json"
SDIST = "pypi_attestations-0.0.19.tar.gz"
SDIST_SHA = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
OTHER_SHA = "ab" * 32


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def statement(name: str, sha256: str, predicate: str = "https://docs.pypi.org/attestations/publish/v1") -> bytes:
    return json.dumps(
        {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": name, "digest": {"sha256": sha256}}],
         "predicateType": predicate, "predicate": None}
    ).encode()


def provenance(*statements: bytes, publisher: dict | None = None) -> dict:
    """A PEP 740 provenance object around `statements` (signatures and certificate are
    placeholders: these tests are about finding and matching, not verifying)."""
    return {
        "version": 1,
        "attestation_bundles": [
            {
                "publisher": publisher or {"kind": "GitHub", "repository": "acme/pkg", "workflow": "release.yml", "environment": None},
                "attestations": [
                    {"version": 1, "verification_material": {"certificate": b64(b"cert"), "transparency_entries": [{}]},
                     "envelope": {"statement": b64(s), "signature": b64(b"sig")}}
                    for s in statements
                ],
            }
        ],
    }


def serve_page(server, project: str, files: list[dict]) -> None:
    server.expect_request(f"/simple/{project}/", headers={"Accept": SIMPLE}).respond_with_json(
        {"meta": {"api-version": "1.3"}, "name": project, "files": files}, content_type=SIMPLE
    )


def lookup(server, name, version, hashes, **kwargs):
    http = Http(retries=kwargs.pop("retries", 0), timeout=kwargs.pop("timeout", 5.0), sleep=lambda s: None)
    return PyPIProvenance(http, server.url_for("/simple"), **kwargs).lookup(name, version, hashes)


def fields(result) -> tuple:
    return (result.artifact, result.digest, result.status, result.reason)


# -- real provenance (../shared) ----------------------------------------------------------------

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/provenance is not present")


@needs_shared
def test_real_pep740_provenance_is_found_and_its_subject_matches(httpserver):
    real = json.loads((SHARED / f"{SDIST}.provenance").read_text("utf-8"))
    httpserver.expect_request(f"/prov/{SDIST}").respond_with_json(real)
    serve_page(httpserver, "pypi-attestations", [
        {"filename": SDIST, "hashes": {"sha256": SDIST_SHA}, "provenance": httpserver.url_for(f"/prov/{SDIST}")},
    ])
    (result,) = lookup(httpserver, "pypi_attestations", "0.0.19", [f"sha256:{SDIST_SHA}"])
    # Found and bound to the file; without a verifier never "verified".
    assert fields(result) == (SDIST, f"sha256:{SDIST_SHA}", "unsupported", "the attestations' signatures were not verified")
    assert result.publisher == Publisher("GitHub", "trailofbits/pypi-attestations", "release.yml", None)
    assert [a.predicate_type for a in result.attestations] == ["https://docs.pypi.org/attestations/publish/v1"]
    assert result.source == httpserver.url_for(f"/prov/{SDIST}")
    # The verifier sees each attestation with the file it must be about.
    seen = []
    (ok,) = lookup(httpserver, "pypi-attestations", "0.0.19", [f"sha256:{SDIST_SHA}"],
                   verifier=lambda a, f, d: seen.append((f, d)))
    assert ok.status == "verified" and seen == [(SDIST, SDIST_SHA)]

    def refuse(attestation, filename, sha256):
        raise ValueError("certificate identity does not match")

    (bad,) = lookup(httpserver, "pypi-attestations", "0.0.19", [f"sha256:{SDIST_SHA}"], verifier=refuse)
    assert (bad.status, bad.reason) == ("failed", "attestation does not verify: certificate identity does not match")


@needs_shared
def test_real_provenance_for_a_renamed_file_or_another_digest_fails(httpserver):
    real = json.loads((SHARED / f"{SDIST}.provenance").read_text("utf-8"))
    httpserver.expect_request("/prov/real").respond_with_json(real)
    renamed = "pypi_attestations-0.0.20.tar.gz"
    serve_page(httpserver, "pypi-attestations", [
        {"filename": renamed, "hashes": {"sha256": SDIST_SHA}, "provenance": httpserver.url_for("/prov/real")},
        {"filename": SDIST, "hashes": {"sha256": OTHER_SHA}, "provenance": httpserver.url_for("/prov/real")},
    ])
    results = lookup(httpserver, "pypi-attestations", "0.0.19", [f"sha256:{SDIST_SHA}", f"sha256:{OTHER_SHA}"])
    assert [fields(r) for r in results] == [
        (SDIST, f"sha256:{OTHER_SHA}", "failed", f"attests sha256 {SDIST_SHA}, not the pinned {OTHER_SHA}"),
        (renamed, f"sha256:{SDIST_SHA}", "failed", f"attests '{SDIST}', not '{renamed}'"),
    ]


@needs_shared
def test_a_wheel_subject_with_its_tags_in_another_order_is_the_same_file():
    doc = json.loads((SHARED / "spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation").read_text("utf-8"))
    subject = json.loads(base64.b64decode(doc["envelope"]["statement"]))["subject"][0]["name"]
    listed = "spt3g-1.0-cp310-cp310-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    assert subject != listed and same_distribution(subject, listed)
    assert not same_distribution(subject, "spt3g-1.0-cp311-cp311-manylinux2014_x86_64.whl")
    assert not same_distribution(SDIST, "pypi_attestations-0.0.19.zip")


# -- every way an index can answer --------------------------------------------------------------


def test_one_result_per_pinned_file_and_null_provenance_is_missing(httpserver):
    wheel, sdist = "pkg-1.0-py3-none-any.whl", "pkg-1.0.tar.gz"
    httpserver.expect_request("/prov/wheel").respond_with_json(provenance(statement(wheel, "11" * 32)))
    serve_page(httpserver, "pkg", [
        {"filename": sdist, "hashes": {"sha256": "22" * 32}, "provenance": None},
        {"filename": wheel, "hashes": {"sha256": "11" * 32}, "provenance": httpserver.url_for("/prov/wheel")},
        {"filename": "pkg-1.0-cp312-none-any.whl", "hashes": {"sha256": "33" * 32}, "provenance": None},  # not pinned
    ])
    results = lookup(httpserver, "pkg", "1.0", ["sha256:" + "11" * 32, "sha256:" + "22" * 32, "sha512:" + "44" * 64])
    assert [(r.artifact, r.status) for r in results] == [(wheel, "unsupported"), (sdist, "missing")]
    assert results[1].reason == "the index lists no provenance for this file" and results[1].source is None


def test_an_index_without_provenance_keys_is_asked_through_the_integrity_api(httpserver):
    sdist = "pkg-1.0.tar.gz"
    serve_page(httpserver, "pkg", [{"filename": sdist, "hashes": {"sha256": "22" * 32}}])
    integrity = f"/integrity/pkg/1.0/{sdist}/provenance"
    httpserver.expect_request(integrity).respond_with_data("", status=404)
    (none,) = lookup(httpserver, "Pkg", "1.0", ["sha256:" + "22" * 32])
    assert (none.status, none.reason, none.source) == ("missing", "the index has no provenance for this file", httpserver.url_for(integrity))
    httpserver.clear()
    serve_page(httpserver, "pkg", [{"filename": sdist, "hashes": {"sha256": "22" * 32}}])
    httpserver.expect_request(integrity).respond_with_json(provenance(statement(sdist, "22" * 32)))
    (found,) = lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32])
    assert found.status == "unsupported" and found.publisher.repository == "acme/pkg"


@pytest.mark.parametrize(
    ("statements", "reason"),
    [
        ([statement("pkg-1.0.tar.gz", "22" * 32, "https://example.com/other/v1")], "unexpected predicate type 'https://example.com/other/v1'"),
        ([b"not json"], "the statement is not JSON"),
        ([json.dumps({"_type": "https://in-toto.io/Statement/v0.1", "subject": []}).encode()], "the statement is not an in-toto v1 statement"),
        ([json.dumps({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://docs.pypi.org/attestations/publish/v1",
                      "subject": [{"name": "pkg-1.0.tar.gz", "digest": {"sha256": "22" * 32}}, {"name": "x", "digest": {"sha256": "00"}}]}).encode()],
         "the statement must have exactly one subject"),
        # every attestation must be about the file, not only the first
        ([statement("pkg-1.0.tar.gz", "22" * 32), statement("pkg-1.0.tar.gz", "99" * 32, "https://slsa.dev/provenance/v1")],
         f"attests sha256 {'99' * 32}, not the pinned {'22' * 32}"),
    ],
)
def test_statements_that_do_not_attest_the_file_fail(httpserver, statements, reason):
    httpserver.expect_request("/prov").respond_with_json(provenance(*statements))
    serve_page(httpserver, "pkg", [{"filename": "pkg-1.0.tar.gz", "hashes": {"sha256": "22" * 32}, "provenance": httpserver.url_for("/prov")}])
    (result,) = lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32], verifier=lambda *a: None)
    assert (result.status, result.reason) == ("failed", reason)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"version": 2, "attestation_bundles": []}, "`version` is not 1"),
        ({"version": 1, "attestation_bundles": []}, "no `attestation_bundles`"),
        ({"version": 1, "attestation_bundles": [{"publisher": {}, "attestations": []}]}, "no attestations"),
        ({"version": 1, "attestation_bundles": [{"attestations": [{"version": 1, "envelope": {"statement": "%%%", "signature": ""},
                                                                   "verification_material": {"certificate": ""}}]}]},
         "`envelope.statement` is not base64"),
    ],
)
def test_malformed_provenance_is_an_error_naming_the_url(httpserver, body, reason):
    httpserver.expect_request("/prov").respond_with_json(body)
    serve_page(httpserver, "pkg", [{"filename": "pkg-1.0.tar.gz", "hashes": {"sha256": "22" * 32}, "provenance": httpserver.url_for("/prov")}])
    (result,) = lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32])
    assert (result.status, result.reason) == ("error", f"{httpserver.url_for('/prov')}: malformed provenance ({reason})")


def test_index_answers_that_are_not_a_project_page(httpserver):
    page = httpserver.url_for("/simple/pkg/")
    httpserver.expect_request("/simple/pkg/").respond_with_data("", status=404)
    assert fields(lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32])[0]) == (
        None, None, "error", f"{page}: the index has no project 'pkg'")
    httpserver.clear()
    httpserver.expect_request("/simple/pkg/").respond_with_data("denied", status=403)
    assert lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32])[0].reason == f"{page}: HTTP 403"
    httpserver.clear()
    httpserver.expect_request("/simple/pkg/").respond_with_data("<html>", content_type="text/html")
    assert lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32])[0].reason.startswith(f"{page}: not a PEP 691 JSON project page ({page}: not JSON")
    httpserver.clear()
    serve_page(httpserver, "pkg", [{"filename": "pkg-1.0.tar.gz", "hashes": {"sha256": "33" * 32}}])
    assert lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32])[0].reason == (
        f"no file on {httpserver.url_for('/simple')} has a pinned sha256 ({'22' * 32})")


def test_server_errors_and_slow_answers_are_errors_after_bounded_retries(httpserver):
    httpserver.expect_request("/simple/pkg/").respond_with_data("", status=500)
    (down,) = lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32], retries=2)
    assert down.status == "error" and down.reason.endswith("HTTP 500 (after 3 attempts)")
    assert len(httpserver.log) == 3
    httpserver.clear()

    def slow(request):
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    serve_page(httpserver, "pkg", [{"filename": "pkg-1.0.tar.gz", "hashes": {"sha256": "22" * 32}, "provenance": httpserver.url_for("/prov")}])
    httpserver.expect_request("/prov").respond_with_handler(slow)
    (late,) = lookup(httpserver, "pkg", "1.0", ["sha256:" + "22" * 32], timeout=0.2)
    assert (late.status, late.artifact) == ("error", "pkg-1.0.tar.gz")
    assert late.reason.startswith("provenance unreachable: ") and "timed out after 0.2 s" in late.reason


def test_a_pin_without_sha256_cannot_be_checked(httpserver):
    (result,) = lookup(httpserver, "pkg", "1.0", ["sha512:" + "44" * 64])
    assert (result.status, result.reason) == ("unsupported", "pinned without a sha256 hash; PEP 740 attestations bind a sha256")
    assert httpserver.log == []
