"""The CycloneDX SBOM: valid against the schemas cyclonedx-python-lib ships (1.5, 1.6, 1.7),
exact purls, hashes, scopes, occurrences and graph edges, and byte-identical when reproducible."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree

from hygiene import __version__

pytest.importorskip("cyclonedx.validation.json")

from cyclonedx.schema import SchemaVersion  # noqa: E402
from cyclonedx.validation.json import JsonStrictValidator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "webapp"
NPM = ROOT / "tests" / "data" / "npm" / "app"
SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
DIGEST = "sha256:" + "ab" * 32


def sbom(target: Path, tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "sbom.cdx.json"
    run = run_cli("sbom", str(target), "-o", str(out), *extra)
    assert run.code == 0, run.stderr
    return json.loads(out.read_text("utf-8"))


def components(doc: dict) -> dict[str, dict]:
    return {c["bom-ref"]: c for c in doc["components"]}


def occurrences(component: dict) -> list[tuple[str, int]]:
    return [(o["location"], o["line"]) for o in component["evidence"]["occurrences"]]


def props(component: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in component.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out


@pytest.mark.parametrize("version", ["1.5", "1.6", "1.7"])
def test_every_spec_version_validates(tmp_path, version):
    out = tmp_path / "sbom.json"
    assert run_cli("sbom", str(EXAMPLE), "-o", str(out), "--spec-version", version).code == 0
    text = out.read_text("utf-8")
    assert json.loads(text)["specVersion"] == version
    assert JsonStrictValidator(SchemaVersion.from_version(version)).validate_str(text) is None


def test_validation_can_fail(tmp_path):
    from hygiene.sbom.validate import SbomInvalid, validate

    doc = sbom(EXAMPLE, tmp_path)
    doc["components"][0]["scope"] = "sometimes"
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(doc)) is not None
    with pytest.raises(SbomInvalid, match=r"^components/0/scope: 'sometimes' is not one of"):
        validate(json.dumps(doc), "1.6")


def test_example_components_purls_hashes_and_occurrences(tmp_path):
    doc = sbom(EXAMPLE, tmp_path)
    comps = components(doc)
    assert sorted(comps) == [
        "pkg:pypi/black?vcs_url=git%2Bhttps://github.com/psf/black%40main",
        "pkg:pypi/celery@5.4.0",
        "pkg:pypi/certifi@2024.8.30",
        "pkg:pypi/charset-normalizer@3.3.2",
        "pkg:pypi/flask@3.0.3",
        "pkg:pypi/gunicorn@23.0.0",
        "pkg:pypi/idna@3.10",
        "pkg:pypi/mypy",
        "pkg:pypi/mypy@1.11.2",
        "pkg:pypi/pytest",
        "pkg:pypi/pytest@8.3.3",
        "pkg:pypi/redis@5.0.8",
        "pkg:pypi/requests@2.32.3",
        "pkg:pypi/ruff",
        "pkg:pypi/ruff@0.6.9",
        "pkg:pypi/sentry-sdk",
        "pkg:pypi/urllib3@2.2.3",
    ]
    celery = comps["pkg:pypi/celery@5.4.0"]
    # Declared as a range in worker/pyproject.toml, pinned with hashes in worker/uv.lock.
    assert occurrences(celery) == [("worker/pyproject.toml", 6), ("worker/uv.lock", 4)]
    assert props(celery)["hygiene:pinned"] == ["true"] and props(celery)["hygiene:hash-pinned"] == ["true"]
    # worker/uv.lock lines 8 and 10: celery's sdist and wheel, each with its URL and sha256
    sdist = "https://files.pythonhosted.org/packages/8a/9c/cf0bce2cc1c8971bf56629d8f180e4ca35612c7e79e6e432e785261a8be4/celery-5.4.0.tar.gz"
    wheel = "https://files.pythonhosted.org/packages/90/c4/6a4d3772e5407622feb93dd25c86ce3c0fee746fa822a777a627d56b4f2a/celery-5.4.0-py3-none-any.whl"
    assert sorted((h["alg"], h["content"]) for h in celery["hashes"]) == [
        ("SHA-256", "369631eb580cf8c51a82721ec538684994f8277637edde2dfc0dacd73ed97f64"),
        ("SHA-256", "504a19140e8d3029d5acad88330c541d4c3f64c789d85f94756762d8bca7e706"),
    ]
    assert celery["externalReferences"] == [{"type": "distribution", "url": sdist}, {"type": "distribution", "url": wheel}]
    # Declared without a version and pinned nowhere: present, with its constraint.
    sentry = comps["pkg:pypi/sentry-sdk"]
    assert props(sentry) == {
        "hygiene:constraint": [">=2.14"],
        "hygiene:hash-pinned": ["false"],
        "hygiene:pinned": ["false"],
    }
    assert occurrences(sentry) == [("worker/pyproject.toml", 8)]
    black = comps["pkg:pypi/black?vcs_url=git%2Bhttps://github.com/psf/black%40main"]
    assert black["externalReferences"] == [{"type": "vcs", "url": "git+https://github.com/psf/black@main"}]


def test_metadata_root_tools_lifecycle(tmp_path):
    write_tree(tmp_path / "p", {"pyproject.toml": '[project]\nname = "demo"\nversion = "2.1.0"\ndependencies = []\n'})
    doc = sbom(tmp_path / "p", tmp_path)
    meta = doc["metadata"]
    assert (meta["component"]["name"], meta["component"]["version"], meta["component"]["type"]) == ("demo", "2.1.0", "application")
    assert [(t["name"], t["version"]) for t in meta["tools"]["components"]] == [
        ("hygiene", __version__),
        ("cyclonedx-python-lib", __import__("importlib.metadata").metadata.version("cyclonedx-python-lib")),
    ]
    assert meta["lifecycles"] == [{"phase": "pre-build"}]
    assert doc["dependencies"] == [{"ref": meta["component"]["bom-ref"]}]


def test_folder_name_and_git_commit_when_there_is_no_project_metadata(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is needed to make the fixture repository")
    repo = write_tree(tmp_path / "plain-folder", {"requirements.txt": "six==1.16.0\n"})
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e", "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    doc = sbom(repo, tmp_path)
    root = doc["metadata"]["component"]
    assert root["name"] == "plain-folder" and "version" not in root
    assert root["properties"] == [{"name": "hygiene:git-commit", "value": head}]


def test_npm_scopes_integrity_and_scoped_purls(tmp_path):
    repo = tmp_path / "app"
    repo.mkdir()
    shutil.copy(NPM / "package.json", repo / "package.json")
    shutil.copy(NPM / "npm-v3" / "package-lock.json", repo / "package-lock.json")
    lock = json.loads((repo / "package-lock.json").read_text("utf-8"))["packages"]
    doc = sbom(repo, tmp_path)
    comps = components(doc)
    scoped = comps["pkg:npm/%40isaacs/string-locale-compare@1.1.0"]
    integrity = lock["node_modules/@isaacs/string-locale-compare"]["integrity"]
    assert scoped["hashes"] == [
        {"alg": "SHA-512", "content": base64.b64decode(integrity.split("-", 1)[1]).hex()}
    ]
    assert comps["pkg:npm/ms@2.1.3"]["scope"] == "optional"  # a devDependency
    assert comps["pkg:npm/is-number@7.0.0"]["scope"] == "required"
    assert "pkg:npm/is-number@6.0.0" in comps  # a nested copy is its own component
    excluded = components(sbom(repo, tmp_path, "--exclude-dev"))
    assert excluded["pkg:npm/ms@2.1.3"]["scope"] == "excluded"
    # only the dev-only components: what is required stays required
    assert {p: c["scope"] for p, c in excluded.items() if c["scope"] != "excluded"} == {
        p: c["scope"] for p, c in comps.items() if c["scope"] != "optional"}


def test_actions_images_and_hooks(tmp_path):
    repo = write_tree(
        tmp_path / "r",
        {
            ".github/workflows/ci.yml": (
                "jobs:\n  a:\n    runs-on: x\n"
                f"    container: python:3.12@{DIGEST}\n"
                "    steps:\n"
                f"      - uses: actions/checkout@{SHA} # v4.2.2\n"
                "      - uses: github/codeql-action/upload-sarif@v3\n"
            ),
            ".pre-commit-config.yaml": f"repos:\n  - repo: https://github.com/psf/black\n    rev: {SHA}\n    hooks: [{{id: black}}]\n",
            "Dockerfile": f"FROM ghcr.io/acme/base:1.0@{DIGEST}\n",
        },
    )
    comps = components(sbom(repo, tmp_path))
    assert sorted(comps) == [
        f"pkg:docker/acme/base@sha256:{'ab' * 32}?repository_url=ghcr.io&tag=1.0",
        f"pkg:docker/library/python@sha256:{'ab' * 32}?tag=3.12",
        f"pkg:github/actions/checkout@{SHA}",
        "pkg:github/github/codeql-action@v3#upload-sarif",
        f"pkg:github/psf/black@{SHA}",
    ]
    checkout = comps[f"pkg:github/actions/checkout@{SHA}"]
    assert props(checkout)["hygiene:ref-comment"] == ["v4.2.2"]
    assert occurrences(checkout) == [(".github/workflows/ci.yml", 6)]
    assert comps[f"pkg:docker/library/python@sha256:{'ab' * 32}?tag=3.12"]["type"] == "container"


def test_reproducible_output_is_byte_identical(tmp_path):
    outs = []
    for i, seed in enumerate(("1", "2")):
        out = tmp_path / f"s{i}.json"
        subprocess.run(
            [sys.executable, "-m", "hygiene", "sbom", str(EXAMPLE), "-o", str(out), "--reproducible"],
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    doc = json.loads(outs[0])
    assert doc["metadata"]["timestamp"] == "1970-01-01T00:00:00+00:00"


def test_source_date_epoch_sets_the_timestamp(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    doc = sbom(EXAMPLE, tmp_path)
    assert doc["metadata"]["timestamp"] == "2023-11-14T22:13:20+00:00"


def test_every_component_is_in_the_graph_and_the_root_holds_the_direct_ones(tmp_path):
    doc = sbom(EXAMPLE, tmp_path)
    refs = {d["ref"] for d in doc["dependencies"]}
    assert refs == {c["bom-ref"] for c in doc["components"]} | {doc["metadata"]["component"]["bom-ref"]}
    root = next(d for d in doc["dependencies"] if d["ref"] == doc["metadata"]["component"]["bom-ref"])
    assert "pkg:pypi/gunicorn@23.0.0" in root["dependsOn"]  # from a requirements file: direct


def test_scan_writes_the_sbom_in_the_same_pass(tmp_path):
    out = tmp_path / "sbom.json"
    run = run_cli("scan", str(EXAMPLE), "--format", "json", "--output", str(tmp_path / "r.json"), "--sbom", str(out))
    assert run.code == 1  # the example's findings still decide the exit code
    doc = json.loads(out.read_text("utf-8"))
    assert doc["specVersion"] == "1.6"
    assert len(doc["components"]) == 17


def test_xml_output(tmp_path):
    out = tmp_path / "sbom.xml"
    assert run_cli("sbom", str(EXAMPLE), "-o", str(out), "--output-format", "xml").code == 0
    import xml.etree.ElementTree as ET

    root = ET.parse(out).getroot()
    assert root.tag == "{http://cyclonedx.org/schema/bom/1.6}bom"
    assert len(root.find("{http://cyclonedx.org/schema/bom/1.6}components")) == 17


LOCK_FILES = {"npm-v3": "package-lock.json", "yarn-v1": "yarn.lock", "yarn-berry": "yarn.lock",
              "pnpm-v5": "pnpm-lock.yaml", "pnpm-v6": "pnpm-lock.yaml", "pnpm-v9": "pnpm-lock.yaml"}


@pytest.mark.parametrize("variant", sorted(LOCK_FILES))
def test_npm_graph_goes_to_the_version_the_lock_resolves(tmp_path, variant):
    """The lock has is-number 6.0.0 and 7.0.0: is-odd's edge goes to 6.0.0 as package-lock's
    nested node_modules, yarn's descriptor `is-number@^6.0.0` and pnpm's `is-number: 6.0.0`
    say."""
    repo = tmp_path / "app"
    repo.mkdir()
    shutil.copy(NPM / "package.json", repo / "package.json")
    shutil.copy(NPM / variant / LOCK_FILES[variant], repo / LOCK_FILES[variant])
    doc = sbom(repo, tmp_path)
    graph = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    # is-odd 3.0.1 has its own nested is-number 6.0.0; the top-level one is 7.0.0.
    assert graph["pkg:npm/is-odd@3.0.1"] == ["pkg:npm/is-number@6.0.0"]
    assert graph["pkg:npm/is-number@6.0.0"] == [] and graph["pkg:npm/is-number@7.0.0"] == []
    root = graph[doc["metadata"]["component"]["bom-ref"]]
    assert {"pkg:npm/is-odd@3.0.1", "pkg:npm/is-number@7.0.0", "pkg:npm/ms@2.1.3"} <= set(root)
    assert "pkg:npm/is-number@6.0.0" not in root  # reached through is-odd only


def test_uv_lock_graph_and_the_projects_direct_dependencies(tmp_path):
    doc = sbom(EXAMPLE, tmp_path)
    graph = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    root = graph[doc["metadata"]["component"]["bom-ref"]]
    # worker/uv.lock's own project entry requires celery and redis.
    assert {"pkg:pypi/celery@5.4.0", "pkg:pypi/redis@5.0.8"} <= set(root)
    assert graph["pkg:pypi/celery@5.4.0"] == []  # the fixture lock records celery as a leaf


def test_poetry_lock_edges(tmp_path):
    repo = tmp_path / "p"
    repo.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "locks" / "poetry-1.1" / "poetry.lock", repo / "poetry.lock")
    doc = sbom(repo, tmp_path)
    graph = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    requests = next(ref for ref in graph if ref.startswith("pkg:pypi/requests@"))
    # requests requires certifi and charset-normalizer; this trimmed lock has no entry for the
    # latter (nor for django), and an edge to nothing is dropped rather than invented.
    assert graph[requests] == ["pkg:pypi/certifi@2021.10.8"]
    django_ext = next(ref for ref in graph if ref.startswith("pkg:pypi/django-extensions@"))
    assert graph[django_ext] == []
    for deps in graph.values():
        assert set(deps) <= set(graph)  # every edge points at a component of the SBOM


def test_scan_with_sbom_reports_what_the_sbom_could_not_record_exactly(tmp_path):
    repo = write_tree(
        tmp_path / "r",
        {
            "requirements.txt": (
                "flask>=3\n"  # no exact version
                "click==8.1.7\n"  # no hash
                "git+https://github.com/o/p@" + "a" * 40 + "#egg=p\n"  # a full commit is its identity
                "git+https://github.com/o/q@main#egg=q\n"  # a branch is not
            ),
            "Dockerfile": f"FROM python:3.12@{DIGEST}\nFROM node:20\n",
        },
    )
    out = tmp_path / "report.json"
    run = run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--sbom", str(tmp_path / "s.json"), "--fail-on", "never")
    assert run.code == 0
    report = json.loads(out.read_text("utf-8"))
    hy301 = [(f["path"], f["line"], f["message"]) for f in report["findings"] if f["rule"] == "HY301"]
    assert hy301 == [
        ("Dockerfile", 2, "`node` is recorded in the SBOM without a hash (pkg:docker/library/node@20)"),
        ("requirements.txt", 1, "`flask` is recorded in the SBOM without an exact version (pkg:pypi/flask)"),
        ("requirements.txt", 2, "`click` is recorded in the SBOM without a hash (pkg:pypi/click@8.1.7)"),
        (
            "requirements.txt",
            4,
            "`q` is recorded in the SBOM without an exact version (pkg:pypi/q?vcs_url=git%2Bhttps://github.com/o/q%40main)",
        ),
    ]
    assert {f["severity"] for f in report["findings"] if f["rule"] == "HY301"} == {"note"}
    # Without --sbom there is no SBOM, and no HY301.
    run = run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--fail-on", "never")
    assert not [f for f in json.loads(out.read_text("utf-8"))["findings"] if f["rule"] == "HY301"]


def test_extras_are_recorded_as_cyclonedx_py_records_them(tmp_path):
    repo = write_tree(tmp_path / "r", {"requirements.txt": "requests[socks,security]==2.32.3\n"})
    comps = components(sbom(repo, tmp_path))
    assert props(comps["pkg:pypi/requests@2.32.3"])["cdx:python:package:required-extra"] == ["security", "socks"]


def test_hy301_goes_through_the_pipeline_like_any_rule(tmp_path):
    """Inline suppression and --ignore apply to HY301 as to every rule."""
    repo = write_tree(tmp_path / "r", {"requirements.txt": "flask>=3  # hygiene: ignore[HY301]\nclick==8.1.7\n"})
    out = tmp_path / "report.json"
    argv = ("scan", str(repo), "--format", "json", "--output", str(out), "--sbom", str(tmp_path / "s.json"), "--fail-on", "never")
    run_cli(*argv)
    report = json.loads(out.read_text("utf-8"))
    assert [(f["line"], f["rule"]) for f in report["findings"] if f["rule"] == "HY301"] == [(2, "HY301")]
    assert report["summary"]["suppressed"] == 1
    run_cli(*argv, "--ignore", "HY301")
    assert not [f for f in json.loads(out.read_text("utf-8"))["findings"] if f["rule"] == "HY301"]


def test_index_pages_follow_the_options_pip_applies_to_the_whole_invocation(tmp_path):
    """pip reads -r/-c files in one invocation: --index-url (last wins) and every
    --extra-index-url of any of them apply to all; credentials never reach the SBOM."""
    repo = write_tree(
        tmp_path / "r",
        {
            "requirements.txt": "--index-url https://user:s3cret@mirror.example.com/simple/\n-r base.txt\n-c c.txt\nFlask_Login==0.6.3\n",
            "base.txt": "--extra-index-url https://download.pytorch.org/whl/cpu\nclick==8.1.7\n",
            "c.txt": "six==1.16.0\n",
            "other/requirements.txt": "idna==3.10\n--extra-index-url ${TOKEN_URL}\n",
        },
    )
    comps = components(sbom(repo, tmp_path))
    mirror = ("https://mirror.example.com/simple/{}/", "package index page (pip's --index-url)")
    torch = ("https://download.pytorch.org/whl/cpu/{}/", "package index page (pip's --extra-index-url)")
    for ref, name in (("pkg:pypi/flask-login@0.6.3", "flask-login"), ("pkg:pypi/click@8.1.7", "click"), ("pkg:pypi/six@1.16.0", "six")):
        refs = {(r["url"], r["comment"]) for r in comps[ref]["externalReferences"]}
        assert refs == {(mirror[0].format(name), mirror[1]), (torch[0].format(name), torch[1])}
        assert {r["type"] for r in comps[ref]["externalReferences"]} == {"distribution"}
    # A file of another invocation uses PyPI; an unexpanded variable gives no reference.
    assert comps["pkg:pypi/idna@3.10"]["externalReferences"] == [
        {"comment": "package index page (pip's --index-url)", "type": "distribution", "url": "https://pypi.org/simple/idna/"}
    ]
    assert "s3cret" not in (tmp_path / "sbom.cdx.json").read_text("utf-8")


def test_local_folders_are_components_without_a_purl(tmp_path):
    repo = write_tree(
        tmp_path / "r",
        {
            "sub/requirements.txt": "-e ./libs/msgpack\n./libs/acme-networkx\nfoo @ file:///opt/foo\n",
            "package.json": '{"name": "app", "dependencies": {"loc": "file:../loc"}}',
        },
    )
    doc = sbom(repo, tmp_path)
    comps = components(doc)
    expected = {
        "hygiene:path:sub/libs/msgpack": ("msgpack", "./libs/msgpack", ("sub/requirements.txt", 1)),
        "hygiene:path:sub/libs/acme-networkx": ("acme-networkx", "./libs/acme-networkx", ("sub/requirements.txt", 2)),
        "hygiene:path:file:///opt/foo": ("foo", "file:///opt/foo", ("sub/requirements.txt", 3)),
        "hygiene:path:../loc": ("loc", "file:../loc", ("package.json", 1)),
    }
    assert set(comps) == set(expected)
    for ref, (name, written, where) in expected.items():
        comp = comps[ref]
        assert comp["name"] == name and "purl" not in comp and "version" not in comp
        assert comp["externalReferences"] == [{"comment": "local path, as written", "type": "other", "url": written}]
        assert props(comp)["hygiene:local-path"] == [ref.removeprefix("hygiene:path:")]
        assert occurrences(comp) == [where]
    assert {d["ref"] for d in doc["dependencies"]} >= set(expected)
    # The repository's own code is not an incomplete SBOM entry.
    out = tmp_path / "report.json"
    run_cli("scan", str(repo), "--format", "json", "--output", str(out), "--sbom", str(tmp_path / "s.json"), "--fail-on", "never")
    assert not [f for f in json.loads(out.read_text("utf-8"))["findings"] if f["rule"] == "HY301"]


def test_an_sbom_that_fails_validation_is_not_written(tmp_path, monkeypatch):
    """hygiene validates before writing; a failure (a bug in hygiene) exits 2, names where the
    document is wrong and leaves no file behind."""
    from hygiene.sbom import formats, validate

    validate._validator.cache_clear()
    monkeypatch.setitem(formats.CHECKERS, "iri-reference", lambda value: False)
    try:
        out = tmp_path / "sbom.cdx.json"
        run = run_cli("sbom", str(EXAMPLE), "-o", str(out))
        assert run.code == 2
        assert "does not conform to the CycloneDX 1.6 schema, so it was not written" in run.stderr
        assert "components/0/externalReferences/0/url" in run.stderr and "is not a 'iri-reference'" in run.stderr
        assert not out.exists()
        assert run_cli("sbom", str(EXAMPLE), "-o", str(out), "--no-validate").code == 0 and out.exists()
    finally:
        validate._validator.cache_clear()
