"""GitHub Actions workflow commands: one annotation per finding, shown on the pull request's
diff at the line that needs a change.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and silently drops
the rest, so the most severe are written first, at most 10 of each kind, and then one notice that
says how many were left out and where to find them. Every value that comes from a scanned file
is escaped (`hygiene.escape.github_data` / `github_property`), so it can never start a command
of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hygiene import rules
from hygiene.escape import github_data, github_property
from hygiene.model import Severity
from hygiene.reporters.base import ReportContext, by_severity, severity

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult

PER_KIND = 10  # GitHub's limit per annotation kind and step
COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def annotation(kind: str, message: str, *, file: str | None = None, line: int = 0, end_line: int = 0, title: str = "") -> str:
    props = []
    if file is not None:
        props.append(f"file={github_property(file)}")
    if line:
        props.append(f"line={line}")
        if end_line and end_line != line:
            props.append(f"endLine={end_line}")
    if title:
        props.append(f"title={github_property(title)}")
    head = f"::{kind} {','.join(props)}" if props else f"::{kind}"
    return f"{head}::{github_data(message)}"


def render(result: ScanResult, context: ReportContext) -> str:
    candidates: list[tuple[str, str]] = []  # (kind, line), most severe first
    for e in result.errors:
        path = context.repo_path(e.path)
        if context.annotate is None or path in context.annotate:
            candidates.append(
                ("error", annotation("error", f"not checked: {e.reason}", file=path, line=e.line or 0, title="hygiene: file not checked"))
            )
    for f in by_severity(result.findings):
        path = context.repo_path(f.location.path)
        if context.annotate is not None and path not in context.annotate:
            continue
        rule = rules.get(f.rule)
        kind = COMMAND[severity(f)]
        text = f"{f.message}\nFix: {f.hint or rule.hint}\n({rule.principle} L{rule.level}; `hygiene explain {rule.id}`)"
        candidates.append(
            (
                kind,
                annotation(
                    kind, text, file=path, line=f.location.line, end_line=f.location.end_line, title=f"{rule.id} {rule.name}"
                ),
            )
        )

    shown: dict[str, int] = {"error": 0, "warning": 0, "notice": 0}
    lines: list[str] = []
    held_back = 0
    total_notices = sum(1 for kind, _ in candidates if kind == "notice")
    overflow = any(sum(1 for k, _ in candidates if k == kind) > PER_KIND for kind in shown)
    # The closing notice is itself a notice: keep room for it when anything overflows.
    notice_cap = PER_KIND - 1 if overflow or total_notices > PER_KIND else PER_KIND
    for kind, line in candidates:
        cap = notice_cap if kind == "notice" else PER_KIND
        if shown[kind] < cap:
            shown[kind] += 1
            lines.append(line)
        else:
            held_back += 1
    if held_back:
        lines.append(
            annotation(
                "notice",
                f"{held_back} more finding(s) are not shown as annotations (GitHub shows {PER_KIND} per kind and step): "
                "see the job summary, or the SARIF and JSON reports.",
                title="hygiene: more findings",
            )
        )
    return "".join(line + "\n" for line in lines)
