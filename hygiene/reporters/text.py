"""Human-readable output for terminals and CI logs: grouped by file, one line per finding
with its rule, line and fix hint, and a closing count per severity. Colour only when asked
(the CLI asks on a TTY without NO_COLOR). Text from scanned files is made safe for terminals and CI logs
(`hygiene.escape.log_safe`)."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from hygiene import rules
from hygiene.escape import log_safe

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult
    from hygiene.reporters.base import ReportContext

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "note": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(result: ScanResult, context: ReportContext) -> str:
    color = context.color

    def c(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.location.path):
        lines.append(c(_BOLD, log_safe(path)))
        for f in group:
            rule = rules.get(f.rule)
            sev = (f.severity or rule.severity).value
            lines.append(
                f"  {f.location.line:>5}  {c(_COLORS[sev], f'{sev:<7}')} {f.rule} {rule.name}: {log_safe(f.message)}"
            )
            lines.append(c(_DIM, f"{'':>16}fix: {log_safe(f.hint or rule.hint)}"))
        lines.append("")
    if result.errors:
        lines.append(c(_BOLD, "Files that could not be read or understood:"))
        for e in result.errors:
            where = f"{e.path}:{e.line}" if e.line else e.path
            lines.append(f"  {log_safe(where)}: {log_safe(e.reason)}")
        lines.append("")
    located = [s for s in result.skipped if s.path]
    if located:
        lines.append(c(_BOLD, "Not checked:"))
        for s in located:
            lines.append(f"  {log_safe(s.path)}: {log_safe(s.reason)}")
        lines.append("")
    general = [s for s in result.skipped if not s.path]
    if general:
        lines.append(
            c(_DIM, "Not checked in this run: " + "; ".join(s.check for s in general) + " (details: --format json)")
        )
    cli1 = result.principles.get("CLI-1", {})
    if cli1.get("assessed"):
        state = "reached" if cli1["reached"] else f"not reached ({cli1['blocking']} blocking)"
        lines.append(f"CLI-1 (pinned by version and hash): {state}")
    lines.append(
        f"{_n(result.files, 'file')} scanned: {_n(result.count('error'), 'error')}, "
        f"{_n(result.count('warning'), 'warning')}, {_n(result.count('note'), 'note')}"
        + (f", {result.suppressed} suppressed" if result.suppressed else "")
        + (f"; {_n(len(result.errors), 'file problem')}" if result.errors else "")
    )
    return "\n".join(lines) + "\n"


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
