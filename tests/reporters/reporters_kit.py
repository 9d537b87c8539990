"""Helpers for the reporter tests: scan a tree through the pipeline, build `ScanResult`s by
hand (for caps, truncation and hostile text that no real file can produce), render a format,
and decode workflow commands the way the CI runners do.

Imported as ``from reporters_kit import …`` (pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from hygiene import rules
from hygiene.config import Config, load
from hygiene.model import Finding, Location, ScanError, Severity, Skipped
from hygiene.pipeline import NOT_YET, ScanResult, scan
from hygiene.principles import assess
from hygiene.reporters import REPORTERS, ReportContext

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "webapp"
GITHUB_VARS = ("GITHUB_WORKSPACE", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")
SHA = "0123456789abcdef0123456789abcdef01234567"
H1 = "a" * 64

# The hint of each rule, as every format prints it after "Fix: ".
HINT = {rid: r.hint for rid, r in rules.CATALOGUE.items()}


def clear_ci_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    """The CLI reads the GitHub Actions variables from the environment: start from none of
    them (the suite may itself run in Actions), then set `env`."""
    for name in GITHUB_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def scan_path(*paths: Path, config: Config | None = None) -> ScanResult:
    """The pipeline on `paths` with the configuration the CLI would load."""
    from hygiene.pipeline import scan_root

    return scan(list(paths), config if config is not None else load(scan_root(list(paths))))


def make_finding(
    rule: str,
    path: str = "requirements.txt",
    line: int = 1,
    end_line: int = 0,
    message: str | None = None,
    *,
    severity: Severity | None = None,
    package: str | None = None,
    version_spec: str | None = None,
    hint: str | None = None,
) -> Finding:
    """A finding as the pipeline finalises it: severity and hint always filled in."""
    return Finding(
        rule,
        message if message is not None else f"{rule} at {path} line {line}",
        Location(path, line, end_line),
        package=package,
        version_spec=version_spec,
        severity=severity or rules.get(rule).severity,
        hint=hint or rules.get(rule).hint,
    )


def make_result(
    findings: Iterable[Finding] = (),
    errors: Iterable[ScanError] = (),
    skipped: Iterable[Skipped] = NOT_YET,
    *,
    files: int = 1,
    config: Config | None = None,
) -> ScanResult:
    findings = tuple(findings)
    config = config or Config()
    return ScanResult(
        root=Path("/repo"),
        findings=findings,
        errors=tuple(errors),
        skipped=tuple(skipped),
        manifests=(),
        config=config,
        principles=assess(findings, config),
        files=files,
    )


def render(fmt: str, result: ScanResult, context: ReportContext | None = None) -> str:
    return REPORTERS[fmt](result, context or ReportContext())


def lines_of(output: str) -> list[str]:
    """The output's lines; the output must end with exactly one newline (or be empty)."""
    if output == "":
        return []
    assert output.endswith("\n"), output[-200:]
    return output[:-1].split("\n")


# --- Workflow commands, decoded as the runners decode them ------------------------------------

# GitHub (actions/runner ActionCommand): `::name k=v,k=v::data`; the properties end at the first
# `::` after the name, values and data are unescaped %0D, %0A, then %25 (and %3A, %2C in values).
GITHUB_COMMAND = re.compile(r"::(?P<kind>error|warning|notice) (?P<props>[^:\r\n]*)::(?P<data>[^\r\n]*)")


def github_unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def github_unescape_property(text: str) -> str:
    return (
        text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    )


def parse_github(line: str) -> tuple[str, dict[str, str], str]:
    """(kind, decoded properties, decoded message) of one annotation line."""
    m = GITHUB_COMMAND.fullmatch(line)
    assert m, f"not one well-formed annotation: {line!r}"
    props = {}
    for pair in m["props"].split(","):
        key, sep, value = pair.partition("=")
        assert sep and key in {"file", "line", "endLine", "title"} and key not in props, (pair, line)
        props[key] = github_unescape_property(value)
    return m["kind"], props, github_unescape_data(m["data"])


# Azure (azure-pipelines-agent Command.TryParse): `##vso[area.event k=v;k=v;]data`; the properties
# end at the first `]`; values are unescaped %3B, %0D, %0A, %5D, then %AZP25.
AZURE_COMMAND = re.compile(r"##vso\[task\.logissue (?P<props>[^\]\r\n]*)\](?P<data>[^\r\n]*)")


def azure_unescape(text: str) -> str:
    for escaped, raw in (("%3B", ";"), ("%0D", "\r"), ("%0A", "\n"), ("%5D", "]")):
        text = text.replace(escaped, raw)
    return text.replace("%AZP25", "%")


def parse_azure(line: str) -> tuple[dict[str, str], str]:
    """(decoded properties, decoded message) of one `task.logissue` line."""
    m = AZURE_COMMAND.fullmatch(line)
    assert m, f"not one well-formed logging command: {line!r}"
    assert m["props"].endswith(";"), line
    props = {}
    for pair in m["props"][:-1].split(";"):
        key, sep, value = pair.partition("=")
        assert sep and key in {"type", "sourcepath", "linenumber", "code"} and key not in props, (pair, line)
        props[key] = azure_unescape(value)
    return props, azure_unescape(m["data"])


def github_text(f: Finding) -> str:
    """The decoded message of a finding's annotation."""
    rule = rules.get(f.rule)
    return f"{f.message}\nFix: {f.hint or rule.hint}\n({rule.principle} L{rule.level}; `hygiene explain {rule.id}`)"


def env_for(root: Path, **extra: str) -> Mapping[str, str]:
    return {"GITHUB_WORKSPACE": str(root), **extra}


# A small repository for the exact-output tests of the CI formats: one error of each of two
# rules, a warning, a note (HY103 made a note by configuration) and a file that cannot be read,
# all in the folder `svc/` of the workspace.
SMALL = {
    "svc/.hygiene.toml": 'severity = { HY103 = "note" }\n',
    "svc/requirements.txt": (
        "--extra-index-url https://pypi.internal.example.com/simple\nclick==8.1.7\nrequests\nflask>=2.0\n"
    ),
    "svc/constraints.txt": b"caf\xe9\n",
}


def small_repo(tmp_path: Path) -> tuple[ScanResult, ReportContext]:
    """`SMALL` written under `tmp_path` (the workspace), scanned at `svc/`."""
    for rel, content in SMALL.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    root = tmp_path / "svc"
    return scan_path(root), ReportContext.for_scan(root, {"GITHUB_WORKSPACE": str(tmp_path)})
