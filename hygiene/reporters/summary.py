"""The job summary: Markdown for `$GITHUB_STEP_SUMMARY` (or `hygiene scan --summary FILE`).

It says, per principle, whether the repository reaches it and what blocks it; lists findings
grouped by rule and file with links to the exact lines; and lists the files that could not be
read and the checks that did not run. GitHub refuses a step summary over 1 MiB, so sections are
cut to fit and a footer says what was cut. Text from scanned files goes through
`hygiene.escape.markdown`.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from hygiene import __version__, rules
from hygiene.escape import markdown as md
from hygiene.escape import terminal_safe
from hygiene.principles import ON_REQUEST, level_reached
from hygiene.reporters.base import ReportContext, severity

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult

LIMIT = 1024 * 1024  # GitHub's limit for one step's summary, in bytes
_FOOTER_ROOM = 2048


def render(result: ScanResult, context: ReportContext, *, limit: int = LIMIT) -> str:
    head = _header(result) + _principles(result)
    sections = [
        ("files that could not be read", ["### Files that could not be read", ""], _errors(result, context)),
        ("findings", ["### Findings", ""], _findings(result, context)),
        (
            "provenance entries",
            ["### Provenance", "", "| Package | File | Status | Publisher |", "|---|---|---|---|"],
            _provenance(result),
        ),
        ("not-checked entries", ["### Not checked", ""], _skipped(result, context)),
    ]
    out = "\n".join(head) + "\n"
    size = len(out.encode("utf-8"))
    cut: list[str] = []
    sizes = [sum(len(text.encode("utf-8")) for text, _ in blocks) + 64 for _, _, blocks in sections]
    for i, (name, title, blocks) in enumerate(sections):
        if not blocks:
            continue
        # Later sections are short lists that say what was not checked: keep room for them
        # (up to a quarter of the limit) rather than letting findings take everything.
        reserve = min(sum(sizes[i + 1 :]), limit // 4)
        budget = limit - _FOOTER_ROOM - reserve
        title_text = "\n".join(title) + "\n"
        if size + len(title_text.encode("utf-8")) + len(blocks[0][0].encode("utf-8")) > budget:
            cut.append(f"{sum(n for _, n in blocks)} {name}")
            continue
        out += title_text
        size += len(title_text.encode("utf-8"))
        left = 0
        for text, count in blocks:
            n = len(text.encode("utf-8"))
            if left or size + n > budget:
                left += count
                continue
            out += text
            size += n
        out += "\n"
        size += 1
        if left:
            cut.append(f"{left} {name}")
    if cut:
        out += (
            f"> **Cut to stay under the summary size limit ({limit:,} bytes):** {', '.join(cut)} not shown. "
            "The SARIF and JSON reports list everything.\n"
        )
    return out


def _header(result: ScanResult) -> list[str]:
    counts = ", ".join(f"{result.count(s)} {s}{'' if result.count(s) == 1 else 's'}" for s in ("error", "warning", "note"))
    extra = f", {result.suppressed} suppressed" if result.suppressed else ""
    problems = f"; {len(result.errors)} file(s) could not be read" if result.errors else ""
    return [
        "## hygiene",
        "",
        f"{result.files} manifest file(s) scanned: {counts}{extra}{problems}. "
        f"Level reached: **L{level_reached(result.principles)}**. _hygiene {__version__}_",
        "",
    ]


def _principles(result: ScanResult) -> list[str]:
    lines = ["### Principles", "", "| Principle | Level | Status | Blocking | What blocks it |", "|---|---|---|---|---|"]
    for pid, entry in result.principles.items():
        if not entry.get("assessed"):
            status, blocking = "not assessed", "–"
            what = f"run with `{ON_REQUEST[pid][0]}`" if pid in ON_REQUEST else "no checks in this release"
        elif entry["reached"]:
            status, blocking, what = "✅ reached", "0", "–"
        else:
            status, blocking = "❌ not reached", str(entry["blocking"])
            what = ", ".join(f"{rid} {rules.get(rid).name} ×{n}" for rid, n in entry["blocking_rules"].items())
        if entry.get("disabled_rules"):
            what += f" (disabled: {', '.join(entry['disabled_rules'])})"
        lines.append(f"| {pid}: {entry['title']} | L{entry['level']} | {status} | {blocking} | {what} |")
    lines.append("")
    return lines


def _findings(result: ScanResult, context: ReportContext) -> list[tuple[str, int]]:
    """One block per finding, grouped by rule and then file: the first finding of a rule also
    carries the rule's heading, the first of a file its bullet. A cut can fall between any two
    findings."""
    blocks: list[tuple[str, int]] = []
    ordered = sorted(result.findings, key=lambda f: (f.rule, f.location.path, f.location.line))
    for rule_id, in_rule in groupby(ordered, key=lambda f: f.rule):
        rule = rules.get(rule_id)
        in_rule = list(in_rule)
        heading = (
            f"#### {rule.id} {rule.name} — {len(in_rule)} ({severity(in_rule[0]).value}, {rule.principle} L{rule.level})\n\n"
            f"{rule.summary} Fix: {rule.hint}\n\n"
        )
        for path, in_file in groupby(in_rule, key=lambda f: f.location.path):
            bullet = f"- `{_code(context.repo_path(path))}`\n"
            for f in in_file:
                where = f"line {f.location.line}" if f.location.line else "file"
                url = context.line_url(path, f.location.line)
                link = f"[{where}]({url})" if url else where
                hint = f" Fix: {md(f.hint)}" if f.hint and f.hint != rule.hint else ""
                blocks.append((f"{heading}{bullet}  - {link}: {md(f.message)}{hint}\n", 1))
                heading = bullet = ""
    return blocks


def _errors(result: ScanResult, context: ReportContext) -> list[tuple[str, int]]:
    out = []
    for e in result.errors:
        url = context.line_url(e.path, e.line or 0)
        where = f"`{_code(context.repo_path(e.path))}`" + (f" line {e.line}" if e.line else "")
        out.append((f"- {f'[{where}]({url})' if url else where}: {md(e.reason)}\n", 1))
    return out


def _provenance(result: ScanResult) -> list[tuple[str, int]]:
    """One table row per pinned file looked up (scan --verify-provenance), failures first."""
    from hygiene.provenance import WORST_FIRST

    rows = sorted(result.provenance or (), key=lambda p: (WORST_FIRST.index(p.status), p.name, str(p.artifact)))
    out = []
    for p in rows:
        who = p.publisher.display if p.publisher is not None and p.publisher.repository else ""
        status = p.status + (f": {p.reason}" if p.reason else "")
        cells = [p.pin, p.artifact or "", status, who]
        out.append(("| " + " | ".join(md(c) for c in cells) + " |\n", 1))  # md escapes `|`
    return out


def _skipped(result: ScanResult, context: ReportContext) -> list[tuple[str, int]]:
    out = []
    for s in result.skipped:
        where = f" (`{_code(context.repo_path(s.path))}`)" if s.path else ""
        out.append((f"- {md(s.check)}{where}: {md(s.reason)}\n", 1))
    return out


def _code(text: str) -> str:
    """A path inside a code span: backticks and line breaks cannot be escaped there, so they
    are replaced; HTML specials are inert inside code spans already."""
    return terminal_safe(text.replace("`", "'").replace("\n", " ").replace("\r", " "))
