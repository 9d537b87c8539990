"""SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`) and any other SARIF
consumer.

- `tool.driver.rules` is the whole catalogue, with the rule page as help text and Markdown, the
  principle and `supply-chain` as tags, and a `security-severity` GitHub uses to rank alerts
  (from the rule's default severity: error 7.5 "high", warning 5.0 "medium", note 2.0 "low").
- Results point at repository-relative URIs, so code scanning can place them on the diff.
- `partialFingerprints["hygiene/v1"]` hashes what a finding is about (rule, file, package and
  constraint, or the message with line numbers masked), never its line: it stays stable when
  unrelated lines move, and an n-th identical finding in a file gets its own.
- Files that could not be read, and checks that did not run, are tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from hygiene import __version__, rules
from hygiene.model import Severity
from hygiene.reporters.base import ReportContext, severity

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/hygiene-dev/hygiene"
SECURITY_SEVERITY = {Severity.ERROR: "7.5", Severity.WARNING: "5.0", Severity.NOTE: "2.0"}
FINGERPRINT = "hygiene/v1"
_LINE_REFERENCE = re.compile(r"\blines? \d+(?:[-–]\d+)?")


def rule_descriptor(rule: rules.Rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} ({rule.principle}, level {rule.level})"},
        "helpUri": f"{INFORMATION_URI}/blob/main/hygiene/rules/{rule.id}.md",
        "help": {"text": f"{rule.summary}\nFix: {rule.hint}", "markdown": rule.documentation},
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {
            "tags": ["supply-chain", "security", rule.principle, f"L{rule.level}"],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "very-high",
        },
    }


def fingerprints(result: ScanResult, context: ReportContext) -> list[str]:
    """One fingerprint per finding, in order: a hash of what the finding is about (rule,
    repository path, ecosystem, package or the message with line numbers masked, constraint)
    and of how many identical findings came before it in the report."""
    seen: Counter = Counter()
    out = []
    for f in result.findings:
        about = f.package or _LINE_REFERENCE.sub("line", f.message)
        key = "\0".join((f.rule, context.repo_path(f.location.path), f.ecosystem, about, f.version_spec or ""))
        out.append(hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest())
        seen[key] += 1
    return out


@lru_cache(maxsize=4096)
def _uri(path: str) -> str:
    return quote(path, safe="/")


def _location(uri_path: str, line: int = 0, end_line: int = 0) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(uri_path)}}
    if line:
        physical["region"] = {"startLine": line, "endLine": max(end_line, line)}
    return {"physicalLocation": physical}


def document(result: ScanResult, context: ReportContext) -> dict:
    catalogue = list(rules.CATALOGUE.values())
    index = {r.id: i for i, r in enumerate(catalogue)}
    results = []
    for f, print_ in zip(result.findings, fingerprints(result, context)):
        rule = rules.get(f.rule)
        path = context.repo_path(f.location.path)
        hint = f.hint or rule.hint
        entry: dict = {
            "ruleId": rule.id,
            "ruleIndex": index[rule.id],
            "level": severity(f).value,
            "message": {"text": f"{f.message.rstrip('.')}. Fix: {hint}"},
            "locations": [_location(path, f.location.line, f.location.end_line)],
            "partialFingerprints": {FINGERPRINT: print_},
            "properties": {"principle": rule.principle, "level": rule.level, "ecosystem": f.ecosystem},
        }
        if f.package is not None:
            entry["properties"]["package"] = f.package
        if f.version_spec is not None:
            entry["properties"]["versionSpec"] = f.version_spec
        results.append(entry)
    notifications = [
        {
            "level": "error",
            "message": {"text": f"not checked: {e.reason}"},
            "locations": [_location(context.repo_path(e.path), e.line or 0)],
            "descriptor": {"id": "file-not-checked"},
        }
        for e in result.errors
    ] + [
        {
            "level": "note",
            "message": {"text": f"{s.check}: {s.reason}"},
            **({"locations": [_location(context.repo_path(s.path))]} if s.path else {}),
            "descriptor": {"id": "check-skipped"},
        }
        for s in result.skipped
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hygiene",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(r) for r in catalogue],
                    }
                },
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "results": results,
            }
        ],
    }


def render(result: ScanResult, context: ReportContext) -> str:
    """The document indented, except that each result is one line written by json's C encoder:
    ``indent=`` forces the pure-Python encoder, which doubled the time of a 50,000-finding scan."""
    doc = document(result, context)
    results = doc["runs"][0].pop("results")
    doc["runs"][0]["results"] = []
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if results:
        dump = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
        body = ",\n".join("        " + dump(r) for r in results)
        head, _, tail = text.rpartition('"results": []')
        text = f'{head}"results": [\n{body}\n      ]{tail}'
    return text + "\n"
