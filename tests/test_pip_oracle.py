"""Acceptance test: real pip is the oracle for HY104 (hash-mode-broken).

For every case folder in ``tests/data/oracle/<NN-name>/`` hygiene must report HY104 somewhere in
the folder if and only if the newest pip refuses to install the folder's ``requirements.txt`` in
hash-checking mode.

The test is hermetic: a session fixture builds tiny pure wheels (alpha, beta, gamma, delta, each
1.0 and 2.0, no dependencies), the case files are copied into a temporary directory with
placeholders replaced by the wheels' real hashes and paths, and pip runs offline::

    python -m pip install --dry-run --no-index --find-links WHEELS -r requirements.txt

"pip refused" means a non-zero exit status.

Placeholders in the case ``.txt`` files:

``{alpha-1.0}``  sha256 hex of ``alpha-1.0-py3-none-any.whl`` (any package/version of the universe)
``{sha384:alpha-1.0}``, ``{sha512:alpha-1.0}``  the same wheel's sha384 / sha512 hex
``{WHEELS}``     absolute path of the folder holding the wheels
``{LOCALPKG}``   absolute path of a copy of ``tests/data/oracle/_localpkg`` (directory project)
``{bogus}``      a fixed sha256 hex that matches no artifact

Every case's ``requirements.txt`` starts with ``# expect: refused`` or ``# expect: accepted``
followed by what it tests. The test asserts pip's actual verdict equals that line (the corpus
documents itself, and a change of pip behaviour is noticed), then compares hygiene with pip.

Included files. hygiene treats every requirements file as installable on its own, so an HY104 in
an included file may come from installing that file alone. The corpus is designed so that the
verdict of a case is the verdict of ``requirements.txt``: no file that a case includes with
``-r`` is refused by pip when installed on its own unless ``requirements.txt`` is refused too.
The test checks that design rule by running pip on each such file alone as well (files that are
only ever used with ``-c`` are constraints, not installs, and are not run alone); the oracle verdict
of the case is the OR of all these refusals, which by the rule equals the verdict of
``requirements.txt``.

Writing cases. pip must refuse only for hash-mode reasons, so: hashes must match the wheels (a
mismatch is not HY104); directories, editables and VCS URLs appear only in hash mode (outside it
pip would try to build or clone them offline and fail); markers are always true (hygiene does not
evaluate them). pip refuses any ``-r`` cycle at parse time even when everything is hashed (see
``test_pip_refuses_any_include_cycle``), so the cycle case also breaks hash mode. Every ``PIP_*``
variable of the caller is dropped before running pip.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ORACLE_DIR = Path(__file__).parent / "data" / "oracle"
LOCALPKG_DIR = ORACLE_DIR / "_localpkg"

PACKAGES = ("alpha", "beta", "gamma", "delta")
VERSIONS = ("1.0", "2.0")
BOGUS_SHA256 = "0badc0de" * 8  # matches nothing we build

MIN_PIP = (26, 1)
PIP_TIMEOUT = 120
HYGIENE_TIMEOUT = 120
MIN_CASES = 30
MIN_PER_VERDICT = 10

_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.:-]+)\}")
_EXPECT = re.compile(r"^#\s*expect:\s*(refused|accepted)\b")
_INCLUDE = re.compile(
    r"^\s*(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)", re.MULTILINE
)


def _case_dirs() -> list[Path]:
    if not ORACLE_DIR.is_dir():
        return []
    return sorted(
        p
        for p in ORACLE_DIR.iterdir()
        if p.is_dir() and not p.name.startswith(("_", ".")) and (p / "requirements.txt").is_file()
    )


CASES = _case_dirs()


# --------------------------------------------------------------------------- wheels


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def build_wheel(directory: Path, name: str, version: str) -> Path:
    """Write a minimal pure wheel with no dependencies; byte-identical on every run."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f'__version__ = "{version}"\n'.encode(),
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            f"Summary: hygiene pip-oracle test package\n"
        ).encode(),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: hygiene-tests\n"
            "Root-Is-Purelib: true\nTag: py3-none-any\n"
        ).encode(),
    }
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in files.items())
    files[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()

    path = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for arcname, data in files.items():
            info = zipfile.ZipInfo(arcname, date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data)
    return path


@dataclass(frozen=True)
class Universe:
    wheels: Path
    localpkg: Path
    substitutions: dict[str, str]


@pytest.fixture(scope="session")
def pip_version() -> tuple[int, ...]:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--version"],
        capture_output=True,
        text=True,
        env=_pip_env(),
        timeout=PIP_TIMEOUT,
    )
    match = re.match(r"pip (\d+)\.(\d+)", proc.stdout)
    if proc.returncode != 0 or not match:
        pytest.skip(f"pip is not usable in {sys.executable}: {proc.stdout}{proc.stderr}")
    version = (int(match.group(1)), int(match.group(2)))
    if version < MIN_PIP:
        pytest.skip(
            f"the HY104 oracle is the newest pip (>= {MIN_PIP[0]}.{MIN_PIP[1]}: it accepts hashed "
            f"ranges and bare names); {sys.executable} has pip {match.group(1)}.{match.group(2)}"
        )
    return version


def make_universe(base: Path) -> Universe:
    """Build the wheels and the local project under base; compute every placeholder's value."""
    wheels = base / "wheels"
    wheels.mkdir(parents=True)
    subs = {"WHEELS": wheels.as_posix(), "bogus": BOGUS_SHA256}
    for name in PACKAGES:
        for version in VERSIONS:
            data = build_wheel(wheels, name, version).read_bytes()
            subs[f"{name}-{version}"] = hashlib.sha256(data).hexdigest()
            for algo in ("sha384", "sha512"):
                subs[f"{algo}:{name}-{version}"] = hashlib.new(algo, data).hexdigest()
    localpkg = base / "localpkg"
    shutil.copytree(LOCALPKG_DIR, localpkg)
    subs["LOCALPKG"] = localpkg.as_posix()
    return Universe(wheels=wheels, localpkg=localpkg, substitutions=subs)


@pytest.fixture(scope="session")
def universe(tmp_path_factory: pytest.TempPathFactory) -> Universe:
    return make_universe(tmp_path_factory.mktemp("pip-oracle"))


def test_wheels_are_reproducible(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    a = build_wheel(one, "alpha", "1.0").read_bytes()
    b = build_wheel(two, "alpha", "1.0").read_bytes()
    assert a == b
    assert a != build_wheel(one, "alpha", "2.0").read_bytes()


# --------------------------------------------------------------------------- case handling


def _substitute(text: str, subs: dict[str, str], where: Path) -> str:
    def repl(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in subs:
            raise AssertionError(f"{where}: unknown placeholder {{{key}}}")
        return subs[key]

    return _PLACEHOLDER.sub(repl, text)


def materialize(case: Path, dest: Path, universe: Universe) -> Path:
    """Copy a case folder to dest with every placeholder in its .txt files replaced."""
    shutil.copytree(case, dest)
    for path in sorted(dest.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        path.write_text(_substitute(text, universe.substitutions, path), encoding="utf-8")
    return dest


def expected_verdict(case: Path) -> str:
    first = (case / "requirements.txt").read_text(encoding="utf-8").splitlines()[0]
    match = _EXPECT.match(first)
    assert match, f"{case.name}: first line of requirements.txt must be '# expect: refused|accepted'"
    return match.group(1)


def install_roots(root: Path) -> list[Path]:
    """requirements.txt, then every other .txt that some file includes with -r.

    A file reached only through -c is a constraints file: pip never installs it on its own.
    """
    requirement_files: set[Path] = set()
    for path in root.rglob("*.txt"):
        for flag, target in _INCLUDE.findall(path.read_text(encoding="utf-8")):
            if flag in ("-r", "--requirement"):
                requirement_files.add((path.parent / target).resolve())
    top = (root / "requirements.txt").resolve()
    others = sorted(p for p in requirement_files if p != top and p.is_file())
    return [top, *others]


@dataclass(frozen=True)
class PipRun:
    file: str
    returncode: int
    stdout: str
    stderr: str

    @property
    def refused(self) -> bool:
        return self.returncode != 0

    def tail(self, lines: int = 15) -> str:
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return "\n".join(text[-lines:])


def _pip_env() -> dict[str, str]:
    # Drop every PIP_* setting of the caller (PIP_CONSTRAINT, PIP_REQUIRE_HASHES, PIP_INDEX_URL,
    # PIP_FIND_LINKS, ...): the oracle must only see the case files.
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PIP_")}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PYTHONIOENCODING="utf-8",
    )
    return env


def run_pip(root: Path, requirements: Path, universe: Universe) -> PipRun:
    rel = requirements.relative_to(root.resolve()).as_posix()
    cmd = [
        sys.executable, "-m", "pip", "install", "--dry-run", "--no-index",
        "--find-links", str(universe.wheels), "-r", rel,
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=root, env=_pip_env(), capture_output=True, text=True, timeout=PIP_TIMEOUT
    )
    return PipRun(rel, proc.returncode, proc.stdout, proc.stderr)


def run_hygiene(root: Path) -> dict:
    cmd = [sys.executable, "-m", "hygiene", "scan", str(root), "--format", "json", "--fail-on", "never"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=HYGIENE_TIMEOUT)
    assert proc.returncode == 0, (
        f"hygiene exited {proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    )
    return json.loads(proc.stdout)


def _fmt_files(root: Path) -> str:
    """The case's .txt files after substitution, requirements.txt first."""
    paths = sorted(root.rglob("*.txt"), key=lambda p: (p.name != "requirements.txt", p.as_posix()))
    return "\n".join(
        f"--- {p.relative_to(root).as_posix()} ---\n{p.read_text(encoding='utf-8').rstrip()}"
        for p in paths
    )


def _fmt_findings(findings: list[dict]) -> str:
    if not findings:
        return "  (none)"
    return "\n".join(
        f"  {f.get('path')}:{f.get('line')} {f.get('rule')} {f.get('message', '')}" for f in findings
    )


# --------------------------------------------------------------------------- tests


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hy104_matches_pip(
    case: Path, universe: Universe, pip_version: tuple[int, ...], tmp_path: Path
) -> None:
    root = materialize(case, tmp_path / case.name, universe)

    # 1. pip's verdict on requirements.txt, checked against the case's own documentation.
    roots = install_roots(root)
    runs = [run_pip(root, path, universe) for path in roots]
    top = runs[0]
    expect = expected_verdict(case)
    actual = "refused" if top.refused else "accepted"
    assert actual == expect, (
        f"{case.name}: pip {'.'.join(map(str, pip_version))} {actual} requirements.txt, "
        f"the case says '# expect: {expect}'\n--- pip output (tail) ---\n{top.tail()}"
    )

    # 2. Design rule: a file included with -r is never refused alone unless requirements.txt is.
    for run in runs[1:]:
        assert not (run.refused and not top.refused), (
            f"{case.name}: corpus design error: pip refuses {run.file} installed alone but accepts "
            f"requirements.txt\n--- pip output (tail) ---\n{run.tail()}"
        )
    pip_refused = any(run.refused for run in runs)

    # 3. hygiene's verdict: any HY104 finding in the case folder.
    report = run_hygiene(root)
    findings = report["findings"]
    hy104 = [f for f in findings if f.get("rule") == "HY104"]

    # 4. The oracle.
    if pip_refused:
        why = "pip refuses the install in hash-checking mode, hygiene reports no HY104"
    else:
        why = "pip accepts the install, hygiene reports HY104"
    assert bool(hy104) == pip_refused, (
        f"{case.name}: {why}\n"
        f"{_fmt_files(root)}\n"
        f"--- pip on {', '.join(r.file for r in runs)}: "
        f"{', '.join('refused' if r.refused else 'accepted' for r in runs)}; tail ---\n"
        f"{next((r for r in runs if r.refused), top).tail()}\n"
        f"--- hygiene HY104 findings ---\n{_fmt_findings(hy104)}\n"
        f"--- all hygiene findings ---\n{_fmt_findings(findings)}"
    )


@pytest.mark.slow
def test_pip_refuses_any_include_cycle(
    universe: Universe, pip_version: tuple[int, ...], tmp_path: Path
) -> None:
    """Recorded pip behaviour, not an HY104 oracle case: pip refuses an -r cycle at parse time
    ("... recursively references itself in ...") even when every requirement is hashed, so a clean
    cycle would be refused for a reason that has nothing to do with hash mode. The corpus case
    57-include-cycle therefore also has an unhashed requirement in hash mode."""
    hashes = universe.substitutions
    (tmp_path / "requirements.txt").write_text(
        f"alpha==1.0 --hash=sha256:{hashes['alpha-1.0']}\n-r loop.txt\n", encoding="utf-8"
    )
    (tmp_path / "loop.txt").write_text(
        f"beta==1.0 --hash=sha256:{hashes['beta-1.0']}\n-r requirements.txt\n", encoding="utf-8"
    )
    run = run_pip(tmp_path, (tmp_path / "requirements.txt").resolve(), universe)
    assert run.refused, run.tail()
    assert "recursively references itself" in run.stderr, run.tail()


def test_oracle_corpus_size() -> None:
    assert len(CASES) >= MIN_CASES, f"{len(CASES)} oracle cases in {ORACLE_DIR}, want >= {MIN_CASES}"
    verdicts = [expected_verdict(case) for case in CASES]
    refused, accepted = verdicts.count("refused"), verdicts.count("accepted")
    assert refused >= MIN_PER_VERDICT, f"only {refused} cases expect pip to refuse"
    assert accepted >= MIN_PER_VERDICT, f"only {accepted} cases expect pip to accept"
    names = [case.name for case in CASES]
    assert len({n.split("-", 1)[0] for n in names}) == len(names), "case numbers must be unique"
