"""Shared helpers for tests that look at hygiene the way a user does: write a tree, run the
CLI on it, read the JSON report (findings as (path, line, rule), errors, exit code).

Test modules import the helpers with ``from hygiene_testkit import …``: this module registers
itself under that name, because every ``conftest.py`` outside a package is imported as
``conftest`` and a second one (in a subfolder) would replace it in ``sys.modules``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import ipaddress
import json
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Imported before any test can make hygiene import it: hygiene hides jsonschema's optional
# format packages when it is the first importer (hygiene/sbom/validate.py), and the tests that
# validate SARIF, workflows and SBOMs with jsonschema's own checkers need all of them.
with contextlib.suppress(ImportError):
    import jsonschema  # noqa: F401

from hygiene.cli import main


@dataclass
class CliRun:
    code: int
    stdout: str
    stderr: str
    report: dict | None  # the parsed JSON report, when one was written


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (root-relative path -> text or bytes) under `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_cli(*argv: str) -> CliRun:
    """Run `hygiene` in-process; a usage error's SystemExit becomes the exit code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return CliRun(code, out.getvalue(), err.getvalue(), None)


def scan(target: Path, *extra: str, fail_on: str | None = "never") -> CliRun:
    """`hygiene scan TARGET --format json [--fail-on X] --output FILE EXTRA…`; the report is
    written outside the scanned tree and parsed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        argv = ["scan", str(target), "--format", "json", "--output", str(out)]
        if fail_on is not None:
            argv += ["--fail-on", fail_on]
        run = run_cli(*argv, *extra)
        if out.exists():
            run.report = json.loads(out.read_text("utf-8"))
    return run


def scan_tree_fn(tmp_path: Path, files: dict[str, str | bytes], *extra: str) -> dict:
    """Write `files` under `tmp_path`, scan it with `--fail-on never`, return the JSON report."""
    write_tree(tmp_path, files)
    run = scan(tmp_path, *extra)
    assert run.code == 0, (run.code, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    assert run.report is not None
    return run.report


@pytest.fixture
def scan_tree():
    """`scan_tree(tmp_path, {path: content}, *extra_args) -> JSON report`."""
    return scan_tree_fn


def found(result: dict, path: str | None = None) -> set[tuple[str, int, str]]:
    """The findings as (path, line, rule); only those in `path` when given."""
    return {
        (f["path"], f["line"], f["rule"])
        for f in result["findings"]
        if path is None or f["path"] == path
    }


def finding(result: dict, path: str, line: int, rule: str) -> dict:
    """The one finding at (path, line, rule)."""
    hits = [f for f in result["findings"] if (f["path"], f["line"], f["rule"]) == (path, line, rule)]
    assert len(hits) == 1, (path, line, rule, found(result))
    return hits[0]


# A valid sha256 hex digest for hashes in test trees.
H1 = "a" * 64
H2 = "b" * 64
SHA = "0123456789abcdef0123456789abcdef01234567"  # a full 40-hex commit id


def uv_lock(*names: str, version: str = "1.0") -> str:
    """A minimal valid ``uv.lock`` locking `names` from PyPI, each with a hashed sdist."""
    out = 'version = 1\nrequires-python = ">=3.10"\n'
    for name in names:
        out += (
            f'\n[[package]]\nname = "{name}"\nversion = "{version}"\n'
            'source = { registry = "https://pypi.org/simple" }\n'
            f'sdist = {{ url = "https://files.pythonhosted.org/packages/ab/cd/{name}-{version}.tar.gz", '
            f'hash = "sha256:{H1}" }}\n'
        )
    return out


def poetry_lock(*names: str, version: str = "1.0") -> str:
    """A minimal valid ``poetry.lock`` (lock-version 2.0) locking `names`, each hashed."""
    out = ""
    for name in names:
        out += (
            f'[[package]]\nname = "{name}"\nversion = "{version}"\ndescription = ""\noptional = false\n'
            f'python-versions = "*"\nfiles = [\n    {{file = "{name}-{version}.tar.gz", hash = "sha256:{H1}"}},\n]\n\n'
        )
    return out + '[metadata]\nlock-version = "2.0"\npython-versions = "^3.10"\ncontent-hash = "0"\n'


def sha256(filename: str) -> str:
    """The lock fixtures' artifact digests: the sha256 of the artifact's file name, so that a
    test can state a digest readably."""
    return "sha256:" + hashlib.sha256(filename.encode()).hexdigest()


def parse_outputs(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: `name<<DELIM` … `DELIM`, or `name=value`."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            assert delimiter, f"empty heredoc delimiter: {line!r}"
            try:
                end = lines.index(delimiter, i + 1)
            except ValueError:
                raise AssertionError(f"output {name!r}: delimiter {delimiter!r} never closes") from None
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
            i += 1
        else:
            assert not line.strip(), f"not an output line: {line!r}"
            i += 1
    return out


# -- no test touches the internet ------------------------------------------------------------
# Every socket connection a test opens in this process must go to this machine (a local HTTP
# server standing in for PyPI or npm); anything else fails the test at once, naming the
# address. (Subprocesses the tests start, such as the pip oracle's, are not covered.)

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class InternetAccessError(AssertionError):
    """A test tried to reach a host that is not this machine."""


def _local(sock: socket.socket, address) -> bool:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _guarded(real):
    def connect(sock, address):
        if not _local(sock, address):
            raise InternetAccessError(f"a test tried to connect to {address!r}; tests must use a local server")
        return real(sock, address)

    return connect


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded(_real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))


sys.modules.setdefault("hygiene_testkit", sys.modules[__name__])
