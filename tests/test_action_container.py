"""The GitHub Action's container, built from the repository's Dockerfile and run exactly the way
the runner runs a Docker action: as root, the checkout mounted at /github/workspace (owned by the
runner's user, not root), the file-command files mounted at /github/file_commands, the inputs as
``INPUT_*`` variables (hyphens kept: ``INPUT_FAIL-ON``).

No image registry is reachable in CI, so the image is built on a local base image
(``HYGIENE_TEST_BASE_IMAGE``, made by ``.ci/docker-env``) through the Dockerfile's ``BASE_IMAGE``
argument. Without a Docker engine or that variable the container tests are skipped, unless
``HYGIENE_REQUIRE_DOCKER=1`` (as ``.ci/run`` sets), where they fail instead.

The first tests need no Docker: they hold the Dockerfile and its lock to what hygiene asks of a
repository (base pinned by digest, every distribution pinned by version and hash).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hygiene_testkit import parse_outputs
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
LOCK = REPO / "requirements" / "action.txt"
FIXTURE = REPO / "tests" / "data" / "action-repo"

IMAGE = "hygiene-action:test"
SHA = "0123456789abcdef0123456789abcdef01234567"
OWNER = 4242  # the workspace's owner: not root, as on a GitHub-hosted runner (uid 1001 there)
KIND = {"error": "error", "warning": "warning", "note": "notice"}  # JSON severity -> annotation


# --- The lock and the Dockerfile (no Docker needed) ---------------------------------------------


def lock_entries(text: str) -> list[str]:
    """The lock's logical lines (continuations joined, comments and blank lines dropped)."""
    joined = re.sub(r"\\\n", " ", text)
    entries = []
    for line in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if line:
            entries.append(line)
    return entries


LOCK_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!-]+)"
    r"(?:\s*;\s*(?P<marker>[^\\]+?))?"
    r"(?P<hashes>(?:\s+--hash=sha256:[0-9a-f]{64})+)$"
)


def parse_lock() -> dict[str, tuple[Version, str | None]]:
    """name -> (version, marker). A name may be pinned once per Python range (uv's universal
    resolution splits when no version supports every Python): then each pin has a marker and
    the pin for the image's Python (3.12) is the one kept."""
    pins: dict[str, tuple[Version, str | None]] = {}
    for entry in lock_entries(LOCK.read_text("utf-8")):
        if entry.startswith("-"):
            # The one option the lock may carry: PyPI as the only index (uv's --emit-index-url).
            assert entry == "--index-url https://pypi.org/simple", f"{LOCK.name}: unexpected option {entry!r}"
            continue
        m = LOCK_LINE.match(entry)
        assert m, f"{LOCK.name}: not `name==version --hash=sha256:…`: {entry[:120]!r}"
        name = canonicalize_name(m["name"])
        if name in pins:
            assert pins[name][1] and m["marker"], f"{LOCK.name} pins {name} twice without a marker to choose"
            if not Marker(m["marker"]).evaluate({"python_full_version": "3.12.0", "python_version": "3.12"}):
                continue
        pins[name] = (Version(m["version"]), m["marker"])
    return pins


def test_lock_pins_every_runtime_dependency_and_the_build_backend_by_version_and_hash():
    pins = parse_lock()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    wanted = [Requirement(r) for r in pyproject["project"]["dependencies"]]
    wanted += [Requirement(r) for r in pyproject["build-system"]["requires"]]
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req} (pyproject.toml) is not in {LOCK.relative_to(REPO)}: regenerate it"
        version, _ = pins[name]
        assert req.specifier.contains(version, prereleases=True), (
            f"{LOCK.relative_to(REPO)} pins {name}=={version}, outside pyproject.toml's {req}: regenerate it"
        )


def test_lock_header_records_a_portable_regeneration_command():
    header = [line for line in LOCK.read_text("utf-8").splitlines() if line.startswith("#")][:3]
    command = next((line.lstrip("# ").strip() for line in header if "pip compile" in line), None)
    assert command, f"{LOCK.name}'s header does not say how it was generated: {header}"
    tokens = command.split()
    for needed in ("pyproject.toml", "requirements/action.in", "--generate-hashes", "--universal"):
        assert needed in tokens, (needed, command)
    # Only PyPI, whatever index the machine's pip or uv configuration names.
    assert "--no-config" in tokens, command
    assert "--index-url" in tokens and tokens[tokens.index("--index-url") + 1] == "https://pypi.org/simple", command
    assert not [t for t in tokens if t.startswith("/")], f"local absolute path in the header: {command}"
    assert (REPO / "requirements" / "action.in").is_file()


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text("utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_base_is_pinned_by_digest_and_the_entrypoint_is_absolute():
    text = DOCKERFILE.read_text("utf-8")
    assert not re.search(r"^#\s*syntax\s*=", text, re.M | re.I), "a syntax directive makes BuildKit pull a frontend"
    instructions = dockerfile_instructions()
    args = {}
    for word, rest in instructions:
        if word == "FROM":
            break
        assert word == "ARG", f"only ARG may come before the first FROM, not {word}"
        name, _, default = rest.partition("=")
        args[name] = default
    assert re.fullmatch(r"[^\s@]+@sha256:[0-9a-f]{64}", args.get("BASE_IMAGE", "")), args
    froms = [rest.split() for word, rest in instructions if word == "FROM"]
    assert froms[0][0] == "${BASE_IMAGE}", froms[0]
    stages = set()
    for parts in froms:
        assert parts[0] in ("${BASE_IMAGE}", "$BASE_IMAGE") or parts[0] in stages, f"unpinned base: {parts}"
        if len(parts) == 3 and parts[1].upper() == "AS":
            stages.add(parts[2])
    entrypoints = [rest for word, rest in instructions if word == "ENTRYPOINT"]
    assert len(entrypoints) == 1, entrypoints
    argv = json.loads(entrypoints[0])  # exec form: a JSON array
    assert isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv), argv
    assert argv[0].startswith("/"), f"the entry point must not depend on the working directory: {argv}"
    runs = " ".join(rest for word, rest in instructions if word == "RUN")
    assert "--require-hashes" in runs and "requirements/action.txt" in runs
    action = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
    assert action["runs"] == {"using": "docker", "image": "Dockerfile"}


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves `path` (or a folder above it) out of the build context: the last
    matching pattern wins, `!` re-includes."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pat = pattern[1:] if negate else pattern
        pat = pat.strip("/")
        if any(fnmatch.fnmatchcase(c, pat) or (pat.startswith("**/") and fnmatch.fnmatchcase(c.rsplit("/", 1)[-1], pat[3:]))
               for c in candidates):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_the_build_context_to_what_the_image_needs():
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in (".git/config", "tests/test_cli.py", "benchmarks/x.py", "examples/webapp/requirements.txt",
                 ".venv/bin/python", "hygiene.egg-info/PKG-INFO", "hygiene/__pycache__/cli.cpython-312.pyc"):
        assert dockerignored(path, patterns), f"{path} would be sent to the Docker build"
    for path in ("pyproject.toml", "README.md", "requirements/action.txt", "hygiene/cli.py", "hygiene/rules/HY101.md"):
        assert not dockerignored(path, patterns), f"the build needs {path}"


# --- The container, run as the runner runs it --------------------------------------------------


def _docker(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)


def _unavailable(reason: str):
    if os.environ.get("HYGIENE_REQUIRE_DOCKER") == "1":
        pytest.fail(f"HYGIENE_REQUIRE_DOCKER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def image() -> str:
    """The action's image, built once per module from the repository root."""
    base = os.environ.get("HYGIENE_TEST_BASE_IMAGE")
    if not base:
        _unavailable("HYGIENE_TEST_BASE_IMAGE is not set (.ci/docker-env makes a local base image and sets it)")
    if shutil.which("docker") is None:
        _unavailable("no docker client on PATH")
    try:
        probe = _docker("version", "--format", "{{.Server.Version}}", timeout=60)
    except subprocess.TimeoutExpired:
        _unavailable("the Docker engine did not answer within 60 s")
    if probe.returncode != 0:
        _unavailable(f"no Docker engine answers at {os.environ.get('DOCKER_HOST', 'the default socket')}: "
                     f"{probe.stderr.strip()[-300:]}")
    if os.geteuid() != 0:
        _unavailable("the workspace is chowned to another user as the runner's is, which needs root")
    build = _docker("build", "--network", "host", "--build-arg", f"BASE_IMAGE={base}", "-t", IMAGE, str(REPO),
                    timeout=1200)
    assert build.returncode == 0, f"docker build failed:\n{build.stdout[-4000:]}\n{build.stderr[-4000:]}"
    return IMAGE


@dataclass
class ActionRun:
    code: int
    stdout: str
    stderr: str
    workspace: Path
    commands: Path

    def outputs(self) -> dict[str, str]:
        return parse_outputs((self.commands / "set_output").read_text("utf-8"))

    def summary(self) -> str:
        return (self.commands / "step_summary").read_text("utf-8")

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout[-6000:]}\n--- stderr\n{self.stderr[-4000:]}"


def run_action(image: str, tmp: Path, files: dict[str, str] | None = None, **overrides: str) -> ActionRun:
    """Copy the fixture repository to a workspace owned by OWNER and run the image on it with
    the runner's mounts and variables (`overrides` replace `INPUT_*` values by input name;
    `files` replace the fixture's files)."""
    workspace = tmp / "workspace"
    if files is None:
        shutil.copytree(FIXTURE, workspace)
    else:
        for rel, text in files.items():
            (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
            (workspace / rel).write_text(text, "utf-8")
    commands = tmp / "file_commands"
    commands.mkdir()
    for name in ("set_output", "step_summary"):  # the runner creates them before the step
        (commands / name).touch()
    for path in [workspace, *workspace.rglob("*")]:
        os.chown(path, OWNER, OWNER, follow_symlinks=False)
    inputs = {
        "path": ".",
        "fail-on": "error",
        "sarif": "reports/hygiene.sarif",
        "json": "reports/hygiene.json",
        "summary": "true",
        "annotations": "true",
        "format": "github",
        "only-changed": "false",
        "config": "",
        "select": "",
        "ignore": "",
    }
    inputs.update(overrides)
    env = {f"INPUT_{name.upper()}": value for name, value in inputs.items()}
    env.update({
        "GITHUB_WORKSPACE": "/github/workspace",
        "GITHUB_OUTPUT": "/github/file_commands/set_output",
        "GITHUB_STEP_SUMMARY": "/github/file_commands/step_summary",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/app",
        "GITHUB_SHA": SHA,
        "GITHUB_ACTIONS": "true",
        "CI": "true",
    })
    argv = ["run", "--rm", "--network", "host", "--workdir", "/github/workspace",
            "-v", f"{workspace}:/github/workspace", "-v", f"{commands}:/github/file_commands"]
    for name, value in env.items():
        argv += ["-e", f"{name}={value}"]
    proc = _docker(*argv, image, timeout=300)
    return ActionRun(proc.returncode, proc.stdout, proc.stderr, workspace, commands)


@pytest.fixture(scope="module")
def scanned(image, tmp_path_factory) -> ActionRun:
    """One run of the action on the fixture repository, with SARIF and JSON reports."""
    return run_action(image, tmp_path_factory.mktemp("action-run"))


@pytest.fixture(scope="module")
def report(scanned) -> dict:
    path = scanned.workspace / "reports" / "hygiene.json"
    assert path.is_file(), f"no JSON report\n{scanned}"
    data = json.loads(path.read_text("utf-8"))
    assert data["findings"], "the fixture repository is broken on purpose: expected findings"
    return data


def test_exit_code_is_1_on_error_findings(scanned, report):
    assert report["summary"]["error"] > 0
    assert scanned.code == 1, str(scanned)
    assert "Traceback" not in scanned.stdout + scanned.stderr, str(scanned)


def test_every_finding_is_an_annotation_on_its_line(scanned, report):
    annotations = [line for line in scanned.stdout.splitlines() if re.match(r"::(error|warning|notice) file=", line)]
    for f in report["findings"]:
        head = f"::{KIND[f['severity']]} file={f['path']},line={f['line']},"
        assert any(line.startswith(head) for line in annotations), f"no annotation starting {head!r}\n{scanned}"
    assert len(annotations) == len(report["findings"]), str(scanned)
    kinds = {KIND[f["severity"]] for f in report["findings"]}
    assert {"error", "warning"} <= kinds, "the fixture should give errors and warnings"


def test_outputs_match_the_report(scanned, report):
    outputs = scanned.outputs()
    summary = report["summary"]
    assert outputs["findings"] == str(len(report["findings"]))
    assert outputs["errors"] == str(summary["error"])
    assert outputs["warnings"] == str(summary["warning"])
    assert outputs["notes"] == str(summary["note"])
    assert outputs["level"] == "0"  # CLI-1, a level-1 principle, is not reached
    assert outputs["cli-1"] == "none"
    assert outputs["sarif-path"] == "reports/hygiene.sarif"
    assert outputs["json-path"] == "reports/hygiene.json"


def test_step_summary_has_the_principles_table_and_links_to_lines(scanned, report):
    summary = scanned.summary()
    assert re.search(r"^\| CLI-1\b.*\|$", summary, re.M), summary
    for f in report["findings"]:
        url = f"https://github.com/acme/app/blob/{SHA}/{f['path']}#L{f['line']}"
        assert url in summary, f"no link {url}\n{summary}"


def test_sarif_has_one_result_per_finding(scanned, report):
    sarif = json.loads((scanned.workspace / "reports" / "hygiene.sarif").read_text("utf-8"))
    assert sarif["version"] == "2.1.0"
    results = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for run in sarif["runs"]
        for r in run["results"]
    ]
    assert sorted(results) == sorted((f["rule"], f["path"], f["line"]) for f in report["findings"])


def test_reports_are_owned_by_the_workspace_owner(scanned, report):
    for rel in ("reports", "reports/hygiene.sarif", "reports/hygiene.json"):
        st = (scanned.workspace / rel).stat()
        assert (st.st_uid, st.st_gid) == (OWNER, OWNER), f"{rel} is owned by {st.st_uid}:{st.st_gid}"


def test_bad_input_is_an_error_annotation_and_exit_2(image, tmp_path):
    run = run_action(image, tmp_path, **{"fail-on": "sometimes"})
    assert run.code == 2, str(run)
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert errors and any("fail-on" in line for line in errors), str(run)
    assert "Traceback" not in run.stdout + run.stderr, str(run)


def test_annotations_are_exactly_the_github_report_of_the_same_tree(scanned, tmp_path, monkeypatch):
    """The image runs the same code as the host: its log is byte for byte what
    `hygiene scan --format github` prints for the same repository."""
    from hygiene.cli import main

    copy = tmp_path / "repo"
    shutil.copytree(FIXTURE, copy)
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(copy))
    out = tmp_path / "annotations.txt"
    assert main(["scan", str(copy), "--format", "github", "--output", str(out)]) == 1
    assert scanned.stdout == out.read_text("utf-8")
    assert [line.split("::")[1] for line in scanned.stdout.splitlines()] == [
        "error file=requirements.txt,line=1,title=HY104 hash-mode-broken",
        "error file=requirements.txt,line=2,title=HY104 hash-mode-broken",
        "error file=requirements.txt,line=3,title=HY104 hash-mode-broken",
        "warning file=requirements-dev.txt,line=1,title=HY103 missing-hash",
    ]
    assert scanned.outputs()["findings"] == "4"


PROVENANCE = REPO.parent / "shared" / "provenance" / "pypi-attestations"


@pytest.mark.skipif(not PROVENANCE.is_dir(), reason="../shared/provenance is not present")
def test_the_image_verifies_pep740_provenance_from_an_index(image, tmp_path):
    """verify-provenance inside the image: sigstore and pypi-attestations are installed from
    the lock, the shipped trusted root is found, and a local index (the host's, through the
    host network) is asked."""
    from pytest_httpserver import HTTPServer

    sdist, sha = "pypi_attestations-0.0.19.tar.gz", "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
    server = HTTPServer(host="127.0.0.1")
    server.start()
    try:
        server.expect_request("/prov").respond_with_json(json.loads((PROVENANCE / f"{sdist}.provenance").read_text("utf-8")))
        server.expect_request("/simple/pypi-attestations/").respond_with_json(
            {"meta": {"api-version": "1.3"}, "files": [{"filename": sdist, "hashes": {"sha256": sha}, "provenance": server.url_for("/prov")}]})
        server.expect_request("/simple/flask/").respond_with_json(
            {"meta": {"api-version": "1.3"}, "files": [{"filename": "flask-3.0.3.tar.gz", "hashes": {"sha256": "ab" * 32}, "provenance": None}]})
        requirements = f"pypi-attestations==0.0.19 --hash=sha256:{sha}\nflask==3.0.3 --hash=sha256:{'ab' * 32}\n"
        run = run_action(image, tmp_path, files={"requirements.txt": requirements},
                         **{"verify-provenance": "true", "index-url": server.url_for("/simple")})
    finally:
        server.stop()
    assert run.code == 0, str(run)
    assert "::notice file=requirements.txt,line=2,title=HY401 provenance-missing::`flask==3.0.3`: the index publishes no provenance" in run.stdout, str(run)
    report = json.loads((run.workspace / "reports" / "hygiene.json").read_text("utf-8"))
    assert sorted((e["package"], e["status"]) for e in report["provenance"]) == [("flask", "missing"), ("pypi-attestations", "verified")]
    assert report["principles"]["AUTHZ-3"]["reached"] is True
