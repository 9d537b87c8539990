"""Output formats for `hygiene scan --format` (and the action): one module each, one interface
(`hygiene.reporters.base.Reporter`)."""

from __future__ import annotations

from hygiene.reporters import azure, github, gitlab, json, sarif, summary, text
from hygiene.reporters.base import ReportContext, Reporter

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "azure": azure.render,
    "summary": summary.render,
}

__all__ = ["REPORTERS", "ReportContext", "Reporter"]
