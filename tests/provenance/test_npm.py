"""npm: the registry's signatures and attestations for locked versions, against a local registry
serving the real material in ../shared/provenance/npm-cli (sigstore@1.0.0, tuf-js@1.0.0)."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree

pytest.importorskip("pytest_httpserver")
pytest.importorskip("cryptography")

from hygiene.net import Http  # noqa: E402
from hygiene.provenance.npm import NpmProvenance  # noqa: E402
from hygiene.provenance.npm_bundle import TrustedRootFile  # noqa: E402

NC = Path(__file__).resolve().parents[3] / "shared" / "provenance" / "npm-cli"
ROOTS = NC.parent / "trusted-roots"
pytestmark = pytest.mark.skipif(not NC.is_dir(), reason="../shared/provenance is not present")


def material():
    signatures = json.loads((NC / "registry-signatures.json").read_text("utf-8"))
    packages = {p["name@version"]: p for p in signatures["packages"]}
    return signatures["keys"], packages


def hex_of(integrity: str) -> str:
    return base64.b64decode(integrity.split("-", 1)[1]).hex()


def registry(server, *, version_doc=None, attestations=None, keys=None, name="sigstore", version="1.0.0"):
    """A registry with `name@version` as npm serves it; overrides change one part."""
    all_keys, packages = material()
    pkg = packages[f"{name}@{version}"]
    att_file = {"sigstore": "valid-sigstore-attestations.json", "tuf-js": "valid-tuf-js-attestations.json"}[name]
    server.expect_request(f"/-/v1/attestations/{name}@{version}").respond_with_json(
        attestations if attestations is not None else json.loads((NC / att_file).read_text("utf-8")))
    doc = version_doc or {
        "name": name, "version": version,
        "dist": {"integrity": pkg["integrity"], "signatures": pkg["signatures"],
                 "attestations": {"url": server.url_for(f"/-/v1/attestations/{name}@{version}"),
                                  "provenance": {"predicateType": "https://slsa.dev/provenance/v0.2"}}},
    }
    server.expect_request(f"/{name}/{version}").respond_with_json(doc)
    server.expect_request("/-/npm/v1/keys").respond_with_json({"keys": keys if keys is not None else all_keys})
    return pkg["integrity"]


def lookup(server, name="sigstore", version="1.0.0", integrity=None, root=None):
    http = Http(retries=0, sleep=lambda s: None)
    return NpmProvenance(http, server.url_for(""), root).lookup(name, version, hex_of(integrity))


def production():
    return TrustedRootFile.load(ROOTS / "production.trusted_root.json")


@pytest.mark.parametrize("name", ["sigstore", "tuf-js"])
def test_real_npm_provenance_verifies_against_the_production_root(httpserver, name):
    integrity = registry(httpserver, name=name)
    result = lookup(httpserver, name, "1.0.0", integrity, root=production())
    assert (result.status, result.reason) == ("verified", "")
    repo = {"sigstore": "sigstore/sigstore-js", "tuf-js": "theupdateframework/tuf-js"}[name]
    assert result.publisher is not None and result.publisher.repository == repo and result.publisher.kind == "GitHub"
    # without a trusted root nothing is called verified
    unchecked = lookup(httpserver, name, "1.0.0", integrity)
    assert (unchecked.status, unchecked.reason) == ("unsupported", (
        "registry signature verified; the attestations (https://github.com/npm/attestation/tree/main/specs/publish/v0.1, "
        "https://slsa.dev/provenance/v0.2) are about this tarball, but their signatures were not verified"))


def test_the_staging_root_and_a_changed_envelope_fail(httpserver):
    integrity = registry(httpserver)
    staging = lookup(httpserver, integrity=integrity, root=TrustedRootFile.load(ROOTS / "staging.trusted_root.json"))
    assert (staging.status, staging.reason) == ("failed", "the https://slsa.dev/provenance/v0.2 attestation does not verify: "
                                                "the certificate chain does not lead to a certificate authority of the trusted root")
    httpserver.clear()
    doc = json.loads((NC / "valid-sigstore-attestations.json").read_text("utf-8"))
    envelope = doc["attestations"][1]["bundle"]["dsseEnvelope"]  # the publish attestation
    envelope["signatures"][0]["sig"] = doc["attestations"][0]["bundle"]["dsseEnvelope"]["signatures"][0]["sig"]
    integrity = registry(httpserver, attestations=doc)
    forged = lookup(httpserver, integrity=integrity, root=production())
    assert (forged.status, forged.reason) == (
        "failed", "the https://github.com/npm/attestation/tree/main/specs/publish/v0.1 attestation does not verify: "
        "the DSSE signature does not verify")


def test_a_signature_over_another_version_fails(httpserver):
    _, packages = material()
    pkg = packages["sigstore@1.0.0"]
    doc = {"dist": {"integrity": pkg["integrity"], "signatures": pkg["signatures"]}}
    registry(httpserver, version_doc=doc, name="sigstore")
    httpserver.expect_request("/sigstore/1.0.1").respond_with_json(doc)
    result = NpmProvenance(Http(retries=0, sleep=lambda s: None), httpserver.url_for("")).lookup("sigstore", "1.0.1", hex_of(pkg["integrity"]))
    assert (result.status, result.reason) == (
        "failed", "the registry signature for sigstore@1.0.1 does not verify with key SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA")


def test_an_unknown_key_and_another_integrity_fail(httpserver):
    integrity = registry(httpserver, keys=[])
    assert lookup(httpserver, integrity=integrity).reason.startswith("the registry signature uses the unknown key 'SHA256:jl3b")
    httpserver.clear()
    registry(httpserver)
    other = "sha512-" + base64.b64encode(b"\x01" * 64).decode()
    result = lookup(httpserver, integrity=other)
    assert result.status == "failed" and result.reason.startswith("the registry's integrity for sigstore@1.0.0 is not the locked one")


def test_an_attestation_about_another_package_fails(httpserver):
    doc = json.loads((NC / "valid-tuf-js-attestations.json").read_text("utf-8"))
    integrity = registry(httpserver, attestations=doc)  # sigstore@1.0.0 served tuf-js's attestations
    result = lookup(httpserver, integrity=integrity)
    assert (result.status, result.reason) == ("failed", "an attestation is not about pkg:npm/sigstore@1.0.0")


def test_no_attestations_is_missing_and_the_signature_is_still_checked(httpserver):
    _, packages = material()
    pkg = packages["sigstore@1.0.0"]
    registry(httpserver, version_doc={"dist": {"integrity": pkg["integrity"], "signatures": pkg["signatures"]}})
    result = lookup(httpserver, integrity=pkg["integrity"])
    assert (result.status, result.reason) == ("missing", "the registry publishes no provenance attestation (registry signature verified)")
    bad = copy.deepcopy(pkg["signatures"])
    bad[0]["sig"] = pkg["signatures"][0]["sig"][:-8] + "AAAAAAA="
    httpserver.clear()
    registry(httpserver, version_doc={"dist": {"integrity": pkg["integrity"], "signatures": bad}})
    assert lookup(httpserver, integrity=pkg["integrity"]).status == "failed"


def test_registry_answers_that_are_errors(httpserver):
    _, packages = material()
    integrity = packages["sigstore@1.0.0"]["integrity"]
    httpserver.expect_request("/sigstore/1.0.0").respond_with_data("", status=404)
    assert lookup(httpserver, integrity=integrity).reason.endswith("the registry has no sigstore@1.0.0")
    httpserver.clear()
    httpserver.expect_request("/sigstore/1.0.0").respond_with_data("nope", status=403)
    assert lookup(httpserver, integrity=integrity).reason.endswith("HTTP 403")
    httpserver.clear()
    httpserver.expect_request("/sigstore/1.0.0").respond_with_json({"dist": {}})
    assert lookup(httpserver, integrity=integrity).reason.endswith("not a version document with `dist.integrity`")
    httpserver.clear()
    registry(httpserver, attestations={"attestations": [{"bundle": {"dsseEnvelope": {"payload": "%%"}}}]})  # noqa
    result = lookup(httpserver, integrity=integrity)
    assert result.status == "error" and "malformed attestations" in result.reason


def test_scan_reports_npm_findings_at_the_lockfile_line(httpserver, tmp_path, monkeypatch):
    pytest.importorskip("sigstore")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _, packages = material()
    good = registry(httpserver, name="tuf-js")
    sig = packages["sigstore@1.0.0"]
    httpserver.expect_request("/sigstore/1.0.0").respond_with_json({"dist": {"integrity": sig["integrity"]}})  # no attestations
    lock = {
        "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
        "packages": {
            "": {"name": "app", "version": "1.0.0", "dependencies": {"sigstore": "1.0.0", "tuf-js": "1.0.0"}},
            "node_modules/sigstore": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/sigstore/-/sigstore-1.0.0.tgz", "integrity": sig["integrity"]},
            "node_modules/tuf-js": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/tuf-js/-/tuf-js-1.0.0.tgz", "integrity": good},
        },
    }
    repo = write_tree(tmp_path / "repo", {
        "package.json": json.dumps({"name": "app", "version": "1.0.0", "dependencies": {"sigstore": "1.0.0", "tuf-js": "1.0.0"}}),
        "package-lock.json": json.dumps(lock, indent=2),
    })
    out = tmp_path / "r.json"
    run_cli("scan", str(repo), "--verify-provenance", "--npm-registry", httpserver.url_for(""), "--format", "json",
            "--output", str(out), "--fail-on", "never")
    report = json.loads(out.read_text("utf-8"))
    line = json.dumps(lock, indent=2).splitlines().index('    "node_modules/sigstore": {') + 1
    assert [(f["path"], f["line"], f["rule"], f["message"]) for f in report["findings"] if f["rule"].startswith("HY40")] == [
        ("package-lock.json", line, "HY401",
         "`sigstore@1.0.0`: the registry publishes no provenance attestation (no registry signature)"),
    ]
    assert sorted((e["package"], e["status"]) for e in report["provenance"]) == [("sigstore", "missing"), ("tuf-js", "verified")]


@pytest.mark.parametrize(
    ("repository", "policy", "expected"),
    [
        ({"type": "git", "url": "git+https://github.com/theupdateframework/tuf-js.git"}, "", []),
        ("theupdateframework/tuf-js", "", []),  # the GitHub shorthand
        ("evil/tuf-js", "",
         ["`tuf-js@1.0.0`: the provenance of tuf-js@1.0.0 verifies, but it names the publisher "
          "github.com/theupdateframework/tuf-js (publish.yml), while the release declares github.com/evil/tuf-js"]),
        ({"type": "git", "url": "git+https://github.com/evil/tuf-js.git"}, "",
         ["`tuf-js@1.0.0`: the provenance of tuf-js@1.0.0 verifies, but it names the publisher "
          "github.com/theupdateframework/tuf-js (publish.yml), while the release declares github.com/evil/tuf-js"]),
        # a policy wins over what the release declares
        ({"type": "git", "url": "git+https://github.com/evil/tuf-js.git"}, 'trusted-publishers = { "tuf-js" = "theupdateframework/*" }\n', []),
        (None, 'trusted-publishers = { "tuf-js" = "acme/tuf-js" }\n',
         ["`tuf-js@1.0.0`: the provenance of tuf-js@1.0.0 verifies, but it names the publisher "
          "theupdateframework/tuf-js (publish.yml), not acme/tuf-js as `trusted-publishers` requires"]),
    ],
)
def test_hy403_for_npm_compares_the_publisher_with_policy_or_the_declared_repository(httpserver, tmp_path, monkeypatch, repository, policy, expected):
    pytest.importorskip("sigstore")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    keys, packages = material()
    pkg = packages["tuf-js@1.0.0"]
    doc = {"name": "tuf-js", "version": "1.0.0",
           "dist": {"integrity": pkg["integrity"], "signatures": pkg["signatures"],
                    "attestations": {"url": httpserver.url_for("/-/v1/attestations/tuf-js@1.0.0")}}}
    if repository is not None:
        doc["repository"] = repository
    registry(httpserver, name="tuf-js", version_doc=doc)
    lock = {"name": "app", "lockfileVersion": 3, "packages": {
        "": {"name": "app", "dependencies": {"tuf-js": "1.0.0"}},
        "node_modules/tuf-js": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/tuf-js/-/tuf-js-1.0.0.tgz", "integrity": pkg["integrity"]}}}
    files = {"package-lock.json": json.dumps(lock, indent=2)}
    if policy:
        files[".hygiene.toml"] = policy
    repo = write_tree(tmp_path / "repo", files)
    out = tmp_path / "r.json"
    run_cli("scan", str(repo), "--verify-provenance", "--npm-registry", httpserver.url_for(""), "--format", "json",
            "--output", str(out), "--fail-on", "never")
    report = json.loads(out.read_text("utf-8"))
    assert [f["message"] for f in report["findings"] if f["rule"] == "HY403"] == expected
    assert [f["rule"] for f in report["findings"] if f["rule"] in ("HY401", "HY402")] == []
