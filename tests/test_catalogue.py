"""The rule catalogue is data in one place and must agree with the product specification
(`../shared/spec/rules.md`, beside the repository) and with its own documentation pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hygiene import rules

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "rules.md"


def _spec_rows() -> dict[str, tuple[str, str, str]]:
    """id -> (name, principle, default severity) from the spec's tables."""
    text = SPEC.read_text("utf-8")
    rows: dict[str, tuple[str, str, str]] = {}
    principle = None
    for line in text.splitlines():
        heading = re.match(r"^## (CLI-\d|AUTHZ-\d|GEN-\d)\b", line)
        if heading:
            principle = heading.group(1)
        m = re.match(r"^\| (HY\d{3}) \| ([a-z0-9-]+) \| (error|warning|note)\b", line)
        if m:
            rows[m.group(1)] = (m.group(2), principle, m.group(3))
    return rows


@pytest.mark.skipif(not SPEC.is_file(), reason="../shared/spec/rules.md is not beside this checkout")
def test_catalogue_matches_the_specification():
    spec = _spec_rows()
    assert len(spec) == 26
    ours = {r.id: (r.name, r.principle, r.severity.value) for r in rules.CATALOGUE.values()}
    assert ours == spec


def test_every_rule_has_a_page_with_the_standard_sections():
    for rule in rules.CATALOGUE.values():
        page = rule.documentation
        assert page.startswith(f"# {rule.id} {rule.name}\n"), rule.id
        assert f"**Principle:** {rule.principle} " in page, rule.id
        assert f"**Default severity:** {rule.severity.value}" in page, rule.id
        positions = [page.find(h) for h in ("## What it detects", "## Why it matters", "## How to fix", "## Example", "## Notes")]
        assert -1 not in positions and positions == sorted(positions), rule.id


def test_selectors():
    assert [r.id for r in rules.matching("HY10")] == [f"HY10{i}" for i in range(1, 10)]
    assert [r.id for r in rules.matching("missing-hash")] == ["HY103"]
    assert len(rules.matching("ALL")) == len(rules.CATALOGUE)
    assert rules.matching("HY999") == [] and rules.matching("nonsense") == []
