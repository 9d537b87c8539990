"""`hygiene scan --verify-provenance` end to end, against a local PEP 691 index: HY401 and HY402
at the declaring lines, the JSON `provenance` entries, suppression, the cache and offline
mode, and what is skipped when the index cannot be asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree

pytest.importorskip("sigstore")
pytest.importorskip("pypi_attestations")
pytest.importorskip("pytest_httpserver")
jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "provenance" / "pypi-attestations"
SDIST = "pypi_attestations-0.0.19.tar.gz"
SDIST_SHA = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
FLASK_SHA = "ab" * 32
EVIL_SHA = "cd" * 32
SCHEMA = json.loads((ROOT / "hygiene" / "schemas" / "scan-output.schema.json").read_text("utf-8"))
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/provenance is not present")


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def index(server) -> str:
    real = json.loads((SHARED / f"{SDIST}.provenance").read_text("utf-8"))
    server.expect_request("/prov/real").respond_with_json(real)
    prov = server.url_for("/prov/real")
    pages = {
        "pypi-attestations": [{"filename": SDIST, "hashes": {"sha256": SDIST_SHA}, "provenance": prov}],
        "flask": [{"filename": "flask-3.0.3-py3-none-any.whl", "hashes": {"sha256": FLASK_SHA}, "provenance": None}],
        # a file whose index serves another file's provenance
        "evil": [{"filename": "evil-1.0.tar.gz", "hashes": {"sha256": EVIL_SHA}, "provenance": prov}],
    }
    for name, files in pages.items():
        server.expect_request(f"/simple/{name}/").respond_with_json({"meta": {"api-version": "1.3"}, "files": files})
    return server.url_for("/simple")


REQUIREMENTS = (
    f"pypi-attestations==0.0.19 --hash=sha256:{SDIST_SHA}\n"
    f"flask==3.0.3 --hash=sha256:{FLASK_SHA}\n"
    "click>=8\n"  # not pinned by hash: nothing to look up
    f"evil==1.0 \\\n    --hash=sha256:{EVIL_SHA}\n"
)


def scan(repo: Path, tmp_path: Path, *extra: str):
    out = tmp_path / "report.json"
    run = run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--verify-provenance", *extra)
    report = json.loads(out.read_text("utf-8")) if out.exists() else None
    if report is not None:
        jsonschema.validate(report, SCHEMA)
    return run, report


def rows(report, *rules):
    return [(f["path"], f["line"], f["rule"], f["message"]) for f in report["findings"] if f["rule"] in rules]


@needs_shared
def test_missing_and_failing_provenance_are_reported_where_they_are_pinned(httpserver, tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": REQUIREMENTS})
    run, report = scan(repo, tmp_path, "--index-url", index(httpserver))
    assert rows(report, "HY401", "HY402") == [
        ("requirements.txt", 2, "HY401", "`flask==3.0.3`: the index publishes no provenance for flask-3.0.3-py3-none-any.whl"),
        ("requirements.txt", 4, "HY402",
         f"`evil==1.0`: the provenance of evil-1.0.tar.gz does not verify: attests '{SDIST}', not 'evil-1.0.tar.gz'"),
    ]
    assert run.code == 1  # HY402 is an error
    by_package = {e["package"]: e for e in report["provenance"]}
    assert {p: e["status"] for p, e in by_package.items()} == {"evil": "failed", "flask": "missing", "pypi-attestations": "verified"}
    verified = by_package["pypi-attestations"]
    assert verified["publisher"] == {"kind": "GitHub", "repository": "trailofbits/pypi-attestations", "workflow": "release.yml", "environment": None}
    assert verified["predicate_types"] == ["https://docs.pypi.org/attestations/publish/v1"]
    assert (verified["artifact"], verified["digest"], verified["declared"]) == (SDIST, f"sha256:{SDIST_SHA}", [{"path": "requirements.txt", "line": 1}])
    checks = [s["check"] for s in report["skipped"]]
    assert not [c for c in checks if "HY40" in c]  # every provenance check ran


@needs_shared
def test_suppression_and_selection_apply(httpserver, tmp_path):
    text = REQUIREMENTS.replace(f"{FLASK_SHA}\n", f"{FLASK_SHA}  # hygiene: ignore[HY401]\n")
    repo = write_tree(tmp_path / "repo", {"requirements.txt": text})
    url = index(httpserver)
    _, report = scan(repo, tmp_path, "--index-url", url)
    assert [r[2] for r in rows(report, "HY401", "HY402")] == ["HY402"] and report["summary"]["suppressed"] == 1
    _, report = scan(repo, tmp_path, "--index-url", url, "--ignore", "HY402")
    assert rows(report, "HY401", "HY402") == []


@needs_shared
def test_offline_uses_what_was_fetched_and_skips_the_rest(httpserver, tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": REQUIREMENTS})
    url = index(httpserver)
    _, online = scan(repo, tmp_path, "--index-url", url)
    requests = len(httpserver.log)
    _, offline = scan(repo, tmp_path, "--index-url", url, "--offline")
    assert len(httpserver.log) == requests  # nothing fetched
    assert rows(offline, "HY401", "HY402") == rows(online, "HY401", "HY402")
    # a pin never fetched before cannot be checked offline: skipped, not a finding
    write_tree(repo, {"requirements-more.txt": "six==1.16.0 --hash=sha256:" + "ef" * 32 + "\n"})
    run, report = scan(repo, tmp_path, "--index-url", url, "--offline")
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    assert skipped["provenance of 1 of 4 pinned files (HY401, HY402)"] == (
        f"six==1.16.0: index unreachable: {url}/six/: not fetched (offline)")
    assert [e["status"] for e in report["provenance"] if e["package"] == "six"] == ["error"]


def test_an_unreachable_index_is_skipped_not_a_finding(tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": f"flask==3.0.3 --hash=sha256:{FLASK_SHA}\n"})
    run, report = scan(repo, tmp_path, "--index-url", "http://127.0.0.1:9/simple", "--fail-on", "note")
    assert run.code == 0 and rows(report, "HY401", "HY402") == []
    (entry,) = [s for s in report["skipped"] if s["check"].startswith("provenance of 1 of 1")]
    assert entry["reason"].startswith("flask==3.0.3: index unreachable: http://127.0.0.1:9/simple/flask/: cannot connect")


def test_nothing_pinned_by_hash_asks_nothing(tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": "flask==3.0.3\n"})
    _, report = scan(repo, tmp_path, "--index-url", "http://127.0.0.1:9/simple")
    assert report["provenance"] == [] and rows(report, "HY401", "HY402") == []
    assert not [s for s in report["skipped"] if s["check"].startswith("provenance of 1")]


def test_provenance_options_need_the_flag_and_a_real_root(tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": "flask==3.0.3\n"})
    run = run_cli("scan", str(repo), "--offline")
    assert run.code == 2 and "go with --verify-provenance" in run.stderr
    run = run_cli("scan", str(repo), "--verify-provenance", "--trusted-root", str(tmp_path / "nope.json"))
    assert run.code == 2 and "--trusted-root" in run.stderr and "no such file" in run.stderr
    bogus = tmp_path / "root.json"
    bogus.write_text("{}", "utf-8")
    write_tree(repo, {"requirements.txt": f"flask==3.0.3 --hash=sha256:{FLASK_SHA}\n"})
    _, report = scan(repo, tmp_path, "--trusted-root", str(bogus))
    (entry,) = [s for s in report["skipped"] if s["check"] == "provenance (HY401-HY404)"]
    assert entry["reason"].startswith(f"{bogus}: not a sigstore trusted root")


# -- HY403: the publisher -------------------------------------------------------------------------


def publisher_case(httpserver, tmp_path, config: str = "", metadata: dict | None = None):
    url = index(httpserver)
    if metadata is not None:
        httpserver.expect_request("/pypi/pypi-attestations/0.0.19/json").respond_with_json(metadata)
    files = {"requirements.txt": f"pypi-attestations==0.0.19 --hash=sha256:{SDIST_SHA}\n"}
    if config:
        files[".hygiene.toml"] = config
    repo = write_tree(tmp_path / "repo", files)
    _, report = scan(repo, tmp_path, "--index-url", url)
    return rows(report, "HY401", "HY402", "HY403"), {e["package"]: (e["status"], e["reason"]) for e in report["provenance"]}


@needs_shared
@pytest.mark.parametrize(
    "policy",
    ['"pypi-attestations" = "trailofbits/pypi-attestations"', '"pypi-*" = "trailofbits/*/release.yml"',
     '"PyPI_Attestations" = "TrailOfBits/pypi-attestations/release.yml"'],
)
def test_a_publisher_the_policy_allows_passes(httpserver, tmp_path, policy):
    found, status = publisher_case(httpserver, tmp_path, f"trusted-publishers = {{ {policy} }}\n")
    assert found == [] and status == {"pypi-attestations": ("verified", "")}


@needs_shared
@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("pypa/pypi-attestations", "pypa/pypi-attestations"),
        ("trailofbits/pypi-attestations/publish.yml", "trailofbits/pypi-attestations/publish.yml"),
    ],
)
def test_a_publisher_the_policy_does_not_allow_is_hy403(httpserver, tmp_path, policy, expected):
    found, status = publisher_case(httpserver, tmp_path, f'trusted-publishers = {{ "pypi-attestations" = "{policy}" }}\n')
    why = f"it names the publisher trailofbits/pypi-attestations (release.yml), not {expected} as `trusted-publishers` requires"
    assert found == [("requirements.txt", 1, "HY403", f"`pypi-attestations==0.0.19`: the provenance of {SDIST} verifies, but {why}")]
    assert status == {"pypi-attestations": ("failed", f"publisher mismatch: {why}")}


@needs_shared
def test_without_a_policy_the_publisher_must_be_the_declared_repository(httpserver, tmp_path):
    same = {"info": {"project_urls": {"Source": "https://github.com/trailofbits/pypi-attestations/tree/main", "Docs": "https://x.example"}}}
    found, status = publisher_case(httpserver, tmp_path, metadata=same)
    assert found == [] and status["pypi-attestations"][0] == "verified"


@needs_shared
def test_a_publisher_other_than_the_declared_repository_is_hy403(httpserver, tmp_path):
    other = {"info": {"home_page": "https://github.com/pypi/pypi-attestations.git", "project_urls": None}}
    found, _ = publisher_case(httpserver, tmp_path, metadata=other)
    assert found == [("requirements.txt", 1, "HY403",
                      f"`pypi-attestations==0.0.19`: the provenance of {SDIST} verifies, but it names the publisher "
                      "github.com/trailofbits/pypi-attestations (release.yml), while the release declares "
                      "github.com/pypi/pypi-attestations")]


@needs_shared
def test_no_declared_repository_means_nothing_to_compare(httpserver, tmp_path):
    found, status = publisher_case(httpserver, tmp_path, metadata={"info": {"project_urls": {"Home": "https://example.com"}}})
    assert found == [] and status["pypi-attestations"][0] == "verified"
    # no JSON API at all (a plain mirror answers 404 there): the same
    httpserver.clear()
    httpserver.expect_request("/pypi/pypi-attestations/0.0.19/json").respond_with_data("", status=404)
    found, status = publisher_case(httpserver, tmp_path / "again")
    assert found == [] and status["pypi-attestations"][0] == "verified"


def test_trusted_publishers_is_validated(tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": "flask==3.0.3\n", ".hygiene.toml": 'trusted-publishers = { "flask" = "pallets" }\n'})
    run = run_cli("scan", str(repo))
    assert run.code == 2 and "`trusted-publishers` must map package names" in run.stderr


@needs_shared
def test_the_sbom_carries_the_provenance_of_each_component(httpserver, tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": REQUIREMENTS})
    sbom = tmp_path / "sbom.cdx.json"
    run_cli("scan", str(repo), "--verify-provenance", "--index-url", index(httpserver), "--sbom", str(sbom), "--fail-on", "never")
    comps = {c["bom-ref"]: c for c in json.loads(sbom.read_text("utf-8"))["components"]}

    def props(ref):
        return [(p["name"], p["value"]) for p in comps[ref]["properties"] if p["name"].startswith("hygiene:provenance")]

    assert props("pkg:pypi/pypi-attestations@0.0.19") == [
        ("hygiene:provenance", "verified"),
        ("hygiene:provenance:file", f"{SDIST}: verified"),
        ("hygiene:provenance:publisher", "GitHub:trailofbits/pypi-attestations/release.yml"),
    ]
    assert props("pkg:pypi/flask@3.0.3")[0] == ("hygiene:provenance", "missing")
    assert props("pkg:pypi/evil@1.0")[0] == ("hygiene:provenance", "failed")
    assert props("pkg:pypi/click") == []  # not pinned: not looked up


@needs_shared
def test_the_job_summary_lists_each_file_failures_first(httpserver, tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": REQUIREMENTS})
    summary = tmp_path / "summary.md"
    run_cli("scan", str(repo), "--verify-provenance", "--index-url", index(httpserver), "--summary", str(summary),
            "--format", "json", "--output", str(tmp_path / "r.json"), "--fail-on", "never")
    text = summary.read_text("utf-8")
    table = text[text.index("### Provenance"):].split("\n\n")[1].splitlines()
    assert table == [
        "| Package | File | Status | Publisher |",
        "|---|---|---|---|",
        f"| evil==1.0 | evil-1.0.tar.gz | failed: attests '{SDIST.replace('_', chr(92) + '_')}', not 'evil-1.0.tar.gz' | trailofbits/pypi-attestations (release.yml) |",
        "| flask==3.0.3 | flask-3.0.3-py3-none-any.whl | missing: the index lists no provenance for this file |  |",
        f"| pypi-attestations==0.0.19 | {SDIST.replace('_', chr(92) + '_')} | verified | trailofbits/pypi-attestations (release.yml) |",
    ]


@needs_shared
def test_authz_3_is_assessed_when_provenance_is_verified(httpserver, tmp_path):
    repo = write_tree(tmp_path / "repo", {"requirements.txt": f"pypi-attestations==0.0.19 --hash=sha256:{SDIST_SHA}\n"})
    url = index(httpserver)
    _, report = scan(repo, tmp_path, "--index-url", url)
    authz = report["principles"]["AUTHZ-3"]
    assert (authz["assessed"], authz["reached"], authz["blocking"]) == (True, True, 0)
    # an evil pin blocks it
    write_tree(repo, {"requirements.txt": f"evil==1.0 --hash=sha256:{EVIL_SHA}\n"})
    _, report = scan(repo, tmp_path, "--index-url", url)
    assert report["principles"]["AUTHZ-3"]["blocking_rules"] == {"HY402": 1}
    # what could not be checked keeps it from being reached
    write_tree(repo, {"requirements.txt": f"six==1.16.0 --hash=sha256:{'ef' * 32}\n"})
    _, report = scan(repo, tmp_path, "--index-url", url, "--offline")
    authz = report["principles"]["AUTHZ-3"]
    assert (authz["assessed"], authz["reached"]) == (True, False)
    assert authz["reason"].startswith("incomplete: provenance of 1 of 1 pinned files (HY401, HY402): six==1.16.0")
    # without the flag it is not assessed
    out = tmp_path / "plain.json"
    run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--fail-on", "never")
    plain = json.loads(out.read_text("utf-8"))
    assert plain["principles"]["AUTHZ-3"]["assessed"] is False
    assert plain["principles"]["AUTHZ-3"]["reason"] == "not assessed: run with --verify-provenance (it asks the registries over the network)"
    assert {s["check"]: s["reason"] for s in plain["skipped"]}["provenance (HY401-HY404)"] == (
        "runs only with --verify-provenance: it asks the registries over the network")


def test_a_scan_looks_up_at_most_eight_pins_at_a_time(tmp_path, monkeypatch):
    """The lookups run on a bounded pool: with 20 pins and answers that take a while, 8 are in
    flight at once, never more."""
    import threading
    import time

    from hygiene.net import Http

    lock, state = threading.Lock(), {"now": 0, "max": 0}

    def counting(self, url, accept):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        name = url.rstrip("/").rsplit("/", 1)[-1]
        page = {"meta": {"api-version": "1.3"}, "files": [{"filename": f"{name}-1.0.tar.gz", "hashes": {"sha256": "ab" * 32}, "provenance": None}]}
        return 200, json.dumps(page).encode(), "application/vnd.pypi.simple.v1+json", None

    monkeypatch.setattr(Http, "_fetch", counting)
    repo = write_tree(tmp_path / "repo", {"requirements.txt": "".join(f"pkg{i}==1.0 --hash=sha256:{'ab' * 32}\n" for i in range(20))})
    _, report = scan(repo, tmp_path, "--index-url", "http://127.0.0.1:9/simple")
    assert [e["status"] for e in report["provenance"]] == ["missing"] * 20
    assert state["max"] == 8
