"""`--tuf-refresh`: the trusted root a TUF repository vouches for now, instead of the one
sigstore ships. A TUF repository minted for the test (tests/provenance/tuf_repo.py) serves the
trusted root minted in tests/provenance/minted.py; bundles signed under that root verify only
when the refresh worked. Also: the root chain is walked, offline reuses the last refresh, an
unreachable repository falls back to the shipped root (and says so), and metadata that does not
verify is never fallen back from silently."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree

pytest.importorskip("sigstore")
pytest.importorskip("pypi_attestations")
pytest.importorskip("pytest_httpserver")
pytest.importorskip("tuf")

from minted import GITHUB_ISSUER, WORKFLOW, Minted
from tuf_repo import TufRepo

ARTIFACT = b"widget 1.0\n"


@pytest.fixture(scope="module")
def minted():
    return Minted()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def tuf(minted, httpserver, tmp_path):
    repo = TufRepo(json.dumps(minted.trusted_root()).encode())
    (tmp_path / "tuf-root.json").write_bytes(repo.initial_root())
    return repo


def verify(tmp_path: Path, bundle: dict, *args: str):
    (tmp_path / "widget.bin").write_bytes(ARTIFACT)
    (tmp_path / "widget.bin.sigstore.json").write_text(json.dumps(bundle), "utf-8")
    return run_cli("verify", "bundle", str(tmp_path / "widget.bin"), "--bundle", str(tmp_path / "widget.bin.sigstore.json"),
                   "--cert-identity", WORKFLOW, "--cert-oidc-issuer", GITHUB_ISSUER, *args)


def refresh_args(url: str, tmp_path: Path) -> tuple[str, ...]:
    return ("--tuf-refresh", "--tuf-url", url, "--tuf-bootstrap", str(tmp_path / "tuf-root.json"))


def test_verify_bundle_uses_the_root_the_repository_vouches_for(minted, tuf, httpserver, tmp_path):
    bundle = minted.message_bundle(ARTIFACT)
    # against the production root sigstore ships, a bundle of the minted instance cannot verify
    assert verify(tmp_path, bundle).code == 1
    run = verify(tmp_path, bundle, *refresh_args(tuf.serve(httpserver), tmp_path))
    assert (run.code, run.stderr) == (0, ""), run.stderr
    paths = [request.path for request, _ in httpserver.log]
    assert paths[0] == "/tuf/2.root.json" and "/tuf/timestamp.json" in paths and paths[-1].endswith(".trusted_root.json")


def test_the_root_chain_is_walked_and_a_new_instance_root_is_picked_up(minted, tuf, httpserver, tmp_path):
    url = tuf.serve(httpserver)
    assert verify(tmp_path, minted.message_bundle(ARTIFACT), *refresh_args(url, tmp_path)).code == 0
    # the instance rotates: a new TUF root (new timestamp key) and a new sigstore trusted root
    rotated = Minted()
    tuf.rotate_timestamp_key()
    tuf.publish(json.dumps(rotated.trusted_root()).encode())
    httpserver.clear()
    url = tuf.serve(httpserver)
    run = verify(tmp_path, rotated.message_bundle(ARTIFACT), *refresh_args(url, tmp_path))
    assert run.code == 0, run.stderr
    assert "/tuf/2.root.json" in [request.path for request, _ in httpserver.log]
    # the old instance's bundles no longer verify under the new root
    assert verify(tmp_path, minted.message_bundle(ARTIFACT), *refresh_args(url, tmp_path)).code == 1


def test_metadata_that_does_not_verify_fails_instead_of_falling_back(minted, tuf, httpserver, tmp_path):
    # the target is not the one the targets metadata lists
    tuf.files = {p: (b'{"tampered": true}' if p.startswith("targets/") else d) for p, d in tuf.files.items()}
    run = verify(tmp_path, minted.message_bundle(ARTIFACT), *refresh_args(tuf.serve(httpserver), tmp_path))
    assert run.code == 1 and run.stderr.startswith(f"FAIL: {tmp_path / 'widget.bin'}: http://localhost:")
    assert "the TUF repository's metadata does not verify (" in run.stderr


def test_expired_metadata_fails(minted, tuf, httpserver, tmp_path):
    tuf.publish(json.dumps(minted.trusted_root()).encode(), timestamp_expires=datetime.now(timezone.utc) - timedelta(days=1))
    run = verify(tmp_path, minted.message_bundle(ARTIFACT), *refresh_args(tuf.serve(httpserver), tmp_path))
    assert run.code == 1 and "the TUF repository's metadata does not verify (timestamp.json is expired)" in run.stderr


def test_an_unreachable_repository_falls_back_to_the_shipped_root_and_says_so(minted, tuf, tmp_path):
    run = verify(tmp_path, minted.message_bundle(ARTIFACT), *refresh_args("http://127.0.0.1:9/tuf", tmp_path))
    assert run.code == 1  # the shipped production root does not know the minted instance
    assert run.stderr.startswith("hygiene: --tuf-refresh: http://127.0.0.1:9/tuf: ")
    assert "cannot connect" in run.stderr and "; verifying against the shipped trusted root\n" in run.stderr
    # a bootstrap that is not a TUF root is an error of its own
    (tmp_path / "tuf-root.json").write_text("{}", "utf-8")
    run = verify(tmp_path, minted.message_bundle(ARTIFACT), *refresh_args("http://127.0.0.1:9/tuf", tmp_path))
    assert run.code == 1 and f"--tuf-bootstrap {tmp_path / 'tuf-root.json'}: not a TUF root (" in run.stderr


def test_options(tmp_path):
    bundle = tmp_path / "b.sigstore.json"
    bundle.write_text("{}", "utf-8")
    base = ("verify", "bundle", "sha256:" + "0" * 64, "--bundle", str(bundle), "--cert-identity", "x", "--cert-oidc-issuer", "y")
    assert "--tuf-url and --tuf-bootstrap go with --tuf-refresh" in run_cli(*base, "--tuf-url", "https://tuf.example").stderr
    run = run_cli(*base, "--tuf-refresh", "--trusted-root", str(bundle))
    assert run.code == 2 and "--trusted-root and --tuf-refresh: give one" in run.stderr
    run = run_cli(*base, "--tuf-refresh", "--tuf-url", "file:///etc")
    assert run.code == 2 and "not an http(s) URL" in run.stderr
    run = run_cli(*base, "--tuf-refresh", "--tuf-url", "https://tuf.example")
    assert run.code == 1 and "hygiene has no initial TUF root for this repository; give one with --tuf-bootstrap" in run.stderr


# -- in a scan --------------------------------------------------------------------------------------------


def scan(repo: Path, tmp_path: Path, *extra: str):
    out = tmp_path / "report.json"
    run = run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--verify-provenance", "--fail-on", "never", *extra)
    assert run.code == 0, run.stderr
    report = json.loads(out.read_text("utf-8"))
    findings = [(f["path"], f["rule"]) for f in report["findings"]]
    return findings, {s["check"]: s["reason"] for s in report["skipped"]}


def test_a_scan_verifies_repository_bundles_under_the_refreshed_root_and_offline_reuses_it(minted, tuf, httpserver, tmp_path):
    repo = write_tree(tmp_path / "repo", {".hygiene.toml": f'sigstore-identities = [{{ identity = "{WORKFLOW}", issuer = "{GITHUB_ISSUER}" }}]\n'})
    (repo / "widget.bin").write_bytes(ARTIFACT)
    (repo / "widget.bin.sigstore.json").write_text(json.dumps(minted.message_bundle(ARTIFACT)), "utf-8")
    url = tuf.serve(httpserver)
    findings, skipped = scan(repo, tmp_path, *refresh_args(url, tmp_path))
    assert findings == [] and not [c for c in skipped if "refresh" in c or "HY40" in c]
    # offline: the last refresh's root, and nothing fetched
    asked = len(httpserver.log)
    findings, skipped = scan(repo, tmp_path, *refresh_args(url, tmp_path), "--offline")
    assert findings == [] and len(httpserver.log) == asked
    # the repository unreachable and nothing cached: the shipped root, which fails the bundle, and a skipped entry
    other = "http://127.0.0.1:9/tuf"
    findings, skipped = scan(repo, tmp_path, *refresh_args(other, tmp_path))
    assert findings == [("widget.bin.sigstore.json", "HY404")]
    reason = skipped["trusted root refresh (--tuf-refresh)"]
    assert reason.startswith(f"{other}: ") and reason.endswith("; verified against the trusted root sigstore ships")
    # metadata that does not verify: the provenance checks are skipped, not run under another root
    tuf.files = {p: (b"{}" if p.startswith("targets/") else d) for p, d in tuf.files.items()}
    httpserver.clear()
    (tmp_path / "cache").rename(tmp_path / "old-cache")
    findings, skipped = scan(repo, tmp_path, *refresh_args(tuf.serve(httpserver), tmp_path))
    assert findings == []
    assert skipped["provenance (HY401-HY404)"].startswith("--tuf-refresh: http://localhost:")
    assert "the TUF repository's metadata does not verify" in skipped["provenance (HY401-HY404)"]
    # and the option needs the flag
    run = run_cli("scan", str(repo), "--tuf-refresh")
    assert run.code == 2 and "go with --verify-provenance" in run.stderr
