"""The JSON output contract (see the rule catalogue specification): stable keys, findings
sorted by path, line, rule."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from hygiene import __version__, rules
from hygiene.model import Finding

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult
    from hygiene.reporters.base import ReportContext


def finding_dict(f: Finding) -> dict:
    rule = rules.get(f.rule)
    out = {
        "rule": f.rule,
        "name": rule.name,
        "principle": rule.principle,
        "level": rule.level,
        "severity": (f.severity or rule.severity).value,
        "message": f.message,
        "path": f.location.path,
        "line": f.location.line,
        "end_line": f.location.end_line,
        "ecosystem": f.ecosystem,
        "hint": f.hint or rule.hint,
    }
    if f.package is not None or f.version_spec is not None:
        out["package"] = f.package
        out["version_spec"] = f.version_spec
    return out


def provenance_dict(p) -> dict:
    """One `hygiene.provenance.Provenance` as the output contract writes it."""
    publisher = p.publisher
    return {
        "ecosystem": p.ecosystem,
        "package": p.name,
        "version": p.version,
        "artifact": p.artifact,
        "digest": p.digest,
        "status": p.status,
        "reason": p.reason,
        "publisher": None
        if publisher is None
        else {"kind": publisher.kind, "repository": publisher.repository, "workflow": publisher.workflow, "environment": publisher.environment},
        "predicate_types": sorted({a.predicate_type for a in p.attestations if a.predicate_type}),
        "source": p.source,
        "declared": [{"path": loc.path, "line": loc.line} for loc in p.declared],
    }


def document(result: ScanResult) -> dict:
    return {
        "version": __version__,
        "root": str(result.root),
        "findings": [finding_dict(f) for f in result.findings],
        "summary": {
            "error": result.count("error"),
            "warning": result.count("warning"),
            "note": result.count("note"),
            "suppressed": result.suppressed,
            "files": result.files,
        },
        "principles": result.principles,
        "skipped": [
            {"check": s.check, "reason": s.reason, **({"path": s.path} if s.path else {})} for s in result.skipped
        ],
        "errors": [
            {"path": e.path, "reason": e.reason, **({"line": e.line} if e.line is not None else {})}
            for e in result.errors
        ],
        # Only when provenance was verified (scan --verify-provenance): one entry per pinned file.
        **({"provenance": [provenance_dict(p) for p in result.provenance]} if result.provenance is not None else {}),
    }


def render(result: ScanResult, context: ReportContext) -> str:
    """The document with each top-level key on its own line and each finding, skipped entry
    and error on one line of its own: readable and grep-able, and written by json's C encoder
    (``indent=`` would force the pure-Python one, several times slower on large reports)."""
    doc = document(result)
    dump = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    parts = []
    for key, value in doc.items():
        if isinstance(value, list):
            body = ",\n".join("    " + dump(item) for item in value)
            parts.append(f'  "{key}": [\n{body}\n  ]' if value else f'  "{key}": []')
        elif key == "principles":
            body = ",\n".join(f"    {dump(k)}: {dump(v)}" for k, v in value.items())
            parts.append(f'  "{key}": {{\n{body}\n  }}')
        else:
            parts.append(f'  "{key}": {dump(value)}')
    return "{\n" + ",\n".join(parts) + "\n}\n"
