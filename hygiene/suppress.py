"""Inline suppression comments: ``# hygiene: ignore[HY103]`` on the offending line (any
physical line of it) or on a comment-only line directly above; a bare ``# hygiene: ignore``
suppresses every rule there."""

from __future__ import annotations

import re

from hygiene import rules

# line number -> (rule ids, or None for every rule; whether the line holds only the comment)
Suppressions = dict[int, tuple[frozenset[str] | None, bool]]

_RE = re.compile(r"#\s*hygiene:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)


def find_suppressions(text: str) -> Suppressions:
    if "hygiene:" not in text.lower():
        return {}
    found: Suppressions = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = _RE.search(line)
        if not m:
            continue
        ids: frozenset[str] | None = None
        if m.group(1) is not None:
            ids = frozenset(r.id for sel in m.group(1).split(",") if sel.strip() for r in rules.matching(sel))
        found[number] = (ids, line.lstrip().startswith("#"))
    return found
