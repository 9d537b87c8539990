"""How far the scanned repository gets on each principle, and what blocks it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from hygiene import rules
from hygiene.config import Config
from hygiene.model import Finding, Severity

# Principles this release can assess, by the rules whose findings block them.
ASSESSED = {"CLI-1"}
# Principles assessed only when asked: the option that asks, and why it is not the default.
ON_REQUEST = {"AUTHZ-3": ("--verify-provenance", "it asks the registries over the network")}


def assess(findings: Iterable[Finding], config: Config, *, also: dict[str, str | None] | None = None) -> dict[str, dict]:
    """Per principle: whether it is reached and how many findings block it.

    A finding blocks its principle when its (configured) severity is warning or error; notes
    are advice. A principle is reached when it is assessed and nothing blocks it. `also`:
    principles assessed by this scan beyond the usual (AUTHZ-3 with --verify-provenance),
    each with None or why the assessment is incomplete (then it is not reached).
    """
    also = also or {}
    blocking: dict[str, Counter] = {p: Counter() for p in rules.PRINCIPLES}
    per_rule: Counter = Counter()
    for f in findings:
        if f.severity is not Severity.NOTE and (f.severity is not None or rules.get(f.rule).severity is not Severity.NOTE):
            per_rule[f.rule] += 1
    for rule_id, count in per_rule.items():
        blocking[rules.get(rule_id).principle][rule_id] += count
    out: dict[str, dict] = {}
    for pid, principle in rules.PRINCIPLES.items():
        principle_rules = [r.id for r in rules.CATALOGUE.values() if r.principle == pid]
        disabled = sorted(r for r in principle_rules if r not in config.enabled)
        entry: dict = {"title": principle.title, "level": principle.level}
        if pid in ASSESSED or pid in also:
            count = sum(blocking[pid].values())
            entry.update(
                assessed=True,
                reached=count == 0 and not also.get(pid),
                blocking=count,
                blocking_rules=dict(sorted(blocking[pid].items())),
                disabled_rules=disabled,
            )
            if also.get(pid):
                entry["reason"] = also[pid]
        else:
            entry.update(
                assessed=False,
                reached=None,
                blocking=None,
                blocking_rules={},
                disabled_rules=disabled,
                reason=(f"not assessed: run with {ON_REQUEST[pid][0]} ({ON_REQUEST[pid][1]})" if pid in ON_REQUEST
                        else "not assessed: its checks are not implemented in this release"),
            )
        out[pid] = entry
    return out


def level_reached(assessment: dict[str, dict]) -> int:
    """The highest level L such that every principle of level 1..L is reached (a principle
    this release cannot assess is not reached)."""
    reached = 0
    for level in sorted({entry["level"] for entry in assessment.values()}):
        if all(entry["reached"] is True for entry in assessment.values() if entry["level"] == level):
            reached = level
        else:
            break
    return reached


def state(entry: dict) -> str:
    """One word for a principle's outcome: ``L<level>`` when reached, ``none`` when blocked,
    ``not-assessed`` when this release has no checks for it."""
    if not entry.get("assessed"):
        return "not-assessed"
    return f"L{entry['level']}" if entry["reached"] else "none"
