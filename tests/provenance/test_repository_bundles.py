"""HY404: the sigstore bundles a repository ships, verified with `scan --verify-provenance`
against the artifact beside them and the identity `sigstore-identities` configures (real
bundles from ../shared/provenance/sigstore-python, staging instance)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree

pytest.importorskip("sigstore")
pytest.importorskip("pypi_attestations")

SP = Path(__file__).resolve().parents[3] / "shared" / "provenance" / "sigstore-python"
pytestmark = pytest.mark.skipif(not SP.is_dir(), reason="../shared/provenance is not present")

LOGIN = "https://github.com/login/oauth"
ACTIONS = "https://token.actions.githubusercontent.com"


def repo_with(tmp_path: Path, files: dict[str, str], config: str) -> Path:
    repo = tmp_path / "repo"
    for dest, src in files.items():
        (repo / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SP / src, repo / dest)
    write_tree(repo, {".hygiene.toml": config})
    return repo


def scan(repo: Path, tmp_path: Path, *extra: str):
    out = tmp_path / "report.json"
    run = run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--fail-on", "never", *extra)
    assert run.code == 0, run.stderr
    report = json.loads(out.read_text("utf-8"))
    findings = [(f["path"], f["line"], f["rule"], f["message"]) for f in report["findings"]]
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    return findings, skipped, report


def identities(*tables: str) -> str:
    return "sigstore-identities = [\n" + ",\n".join(tables) + "\n]\n"


def test_bundles_beside_their_artifacts_verify_or_are_hy404(tmp_path):
    repo = repo_with(
        tmp_path,
        {
            "dist/bundle.txt": "bundle.txt", "dist/bundle.txt.sigstore": "bundle.txt.sigstore",
            "dist/a.txt": "a.txt", "dist/a.txt.sigstore.json": "a.dsse.staging-rekor-v2.txt.sigstore.json",
            "other/staging-rekor-v2.txt": "staging-rekor-v2.txt",
            "other/staging-rekor-v2.txt.sigstore.json": "staging-rekor-v2.txt.sigstore.json",
        },
        identities(
            f'{{ paths = ["dist/a.txt.sigstore.json"], identity-regexp = ".*", issuer = "{ACTIONS}" }}',
            f'{{ paths = ["dist/*", "other/*"], identity-regexp = ".*", issuer = "{LOGIN}" }}',
        ),
    )
    findings, skipped, _ = scan(repo, tmp_path, "--verify-provenance", "--staging")
    # bundle.txt and staging-rekor-v2.txt verify; a.txt's DSSE signature is valid but its
    # statement is about another file.
    assert findings == [
        ("dist/a.txt.sigstore.json", 1, "HY404",
         "the sigstore bundle for dist/a.txt does not verify: the signed statement does not name "
         "sha256:e248a5db4933dba6578200238c91a57f5e65b925b73050ae786933468b7ac101 among its 1 subject(s)"),
    ]
    assert not [c for c in skipped if "bundle" in c]
    # against the production root, none of these staging bundles verifies
    findings, _, _ = scan(repo, tmp_path, "--verify-provenance")
    assert [(p, r) for p, _, r, _ in findings] == [
        ("dist/a.txt.sigstore.json", "HY404"), ("dist/bundle.txt.sigstore", "HY404"), ("other/staging-rekor-v2.txt.sigstore.json", "HY404"),
    ]


def test_the_identity_must_be_the_configured_one(tmp_path):
    repo = repo_with(tmp_path, {"bundle.txt": "bundle.txt", "bundle.txt.sigstore": "bundle.txt.sigstore"},
                     identities(f'{{ identity = "someone@example.com", issuer = "{LOGIN}" }}'))
    findings, _, _ = scan(repo, tmp_path, "--verify-provenance", "--staging")
    assert len(findings) == 1 and findings[0][:3] == ("bundle.txt.sigstore", 1, "HY404")
    assert findings[0][3].startswith("the sigstore bundle for bundle.txt does not verify: Certificate's SANs do not match")


def test_a_changed_artifact_and_a_bundle_that_is_not_one_are_hy404(tmp_path):
    repo = repo_with(tmp_path, {"bundle.txt": "bundle.txt", "bundle.txt.sigstore": "bundle.txt.sigstore"},
                     identities(f'{{ identity-regexp = ".*", issuer = "{LOGIN}" }}'))
    with open(repo / "bundle.txt", "ab") as fh:
        fh.write(b"!")
    write_tree(repo, {"x.sigstore.json": '{"hello": "world"}', "x": "data"})
    findings, _, _ = scan(repo, tmp_path, "--verify-provenance", "--staging")
    assert [(p, m.split(": ", 1)[1][:60]) for p, _, _, m in findings] == [
        ("bundle.txt.sigstore", "Bundle message digest mismatch"),
        ("x.sigstore.json", "x.sigstore.json: not a sigstore bundle (failed to load bundle"[:60]),
    ]


def test_bundles_without_an_identity_or_an_artifact_are_skipped(tmp_path):
    repo = repo_with(
        tmp_path,
        {"signed/bundle.txt": "bundle.txt", "signed/bundle.txt.sigstore": "bundle.txt.sigstore",
         "lonely/bundle_v3.txt.sigstore": "bundle_v3.txt.sigstore"},
        identities(f'{{ paths = ["lonely/*"], identity-regexp = ".*", issuer = "{LOGIN}" }}'),
    )
    outside = tmp_path / "elsewhere.txt"
    shutil.copyfile(SP / "bundle_v3.txt", outside)
    os.symlink(outside, repo / "lonely" / "bundle_v3.txt")  # outside the root: not used
    findings, skipped, _ = scan(repo, tmp_path, "--verify-provenance", "--staging")
    assert findings == []
    assert skipped["1 sigstore bundle(s) without an identity (HY404)"] == (
        "no identity in `sigstore-identities` for signed/bundle.txt.sigstore")
    assert skipped["1 sigstore bundle(s) without their artifact (HY404)"] == (
        "the artifact they sign is not in the repository: lonely/bundle_v3.txt.sigstore")


def test_without_the_flag_bundles_are_only_counted(tmp_path):
    repo = repo_with(tmp_path, {"bundle.txt": "bundle.txt", "bundle.txt.sigstore": "bundle.txt.sigstore"}, "")
    write_tree(repo, {"broken.sigstore.json": "{not json"})
    findings, _, report = scan(repo, tmp_path)
    assert findings == [] and report["errors"] == [] and report["summary"]["files"] == 2


@pytest.mark.parametrize(
    "config",
    [
        'sigstore-identities = [{ identity = "a@b" }]\n',  # no issuer
        f'sigstore-identities = [{{ identity = "a@b", identity-regexp = ".*", issuer = "{LOGIN}" }}]\n',  # both
        f'sigstore-identities = [{{ identity-regexp = "(", issuer = "{LOGIN}" }}]\n',  # bad regexp
        f'sigstore-identities = [{{ identity = "a@b", issuer = "{LOGIN}", path = ["x"] }}]\n',  # unknown key
    ],
)
def test_sigstore_identities_is_validated(tmp_path, config):
    repo = write_tree(tmp_path / "repo", {".hygiene.toml": config, "requirements.txt": "flask==3.0.3\n"})
    run = run_cli("scan", str(repo))
    assert run.code == 2 and "sigstore-identities" in run.stderr
