"""GitLab Code Quality report (the `codequality` artifact of a job): a JSON array GitLab shows
in merge request widgets and diffs. Fingerprints are the SARIF ones, so they stay stable when
unrelated lines move. Files that could not be read are reported too (check `hygiene/not-checked`),
so a broken manifest never passes unseen."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from hygiene import rules
from hygiene.model import Severity
from hygiene.reporters.base import ReportContext, severity
from hygiene.reporters.sarif import fingerprints

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult

# GitLab's scale: info, minor, major, critical, blocker.
SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "info"}


def document(result: ScanResult, context: ReportContext) -> list[dict]:
    issues = []
    for e in result.errors:
        path = context.repo_path(e.path)
        issues.append(
            {
                "description": f"not checked: {e.reason}",
                "check_name": "hygiene/not-checked",
                "fingerprint": hashlib.sha256(f"not-checked\0{path}\0{e.line}\0{e.reason}".encode()).hexdigest(),
                "severity": "blocker",
                "location": {"path": path, "lines": {"begin": e.line or 1}},
            }
        )
    for f, print_ in zip(result.findings, fingerprints(result, context)):
        rule = rules.get(f.rule)
        path = context.repo_path(f.location.path)
        issues.append(
            {
                "description": f"{rule.id} {rule.name}: {f.message.rstrip('.')}. Fix: {f.hint or rule.hint}",
                "check_name": rule.id,
                "fingerprint": print_,
                "severity": SEVERITY[severity(f)],
                "location": {"path": path, "lines": {"begin": max(f.location.line, 1)}},
            }
        )
    return issues


def render(result: ScanResult, context: ReportContext) -> str:
    """One issue per line (json's C encoder; ``indent=`` would force the slow pure-Python one)."""
    dump = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    issues = document(result, context)
    return "[\n" + ",\n".join("  " + dump(i) for i in issues) + "\n]\n" if issues else "[]\n"
