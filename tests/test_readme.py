"""The README's promises: its rule table is the catalogue, its commands are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

from hygiene import rules

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
CI_RUN = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text("utf-8")


def test_rule_table_is_generated_from_the_catalogue():
    block = re.search(r"<!-- rules:start[^\n]*\n(.*?)<!-- rules:end -->", README, re.S)
    assert block, "README lost its rules markers"
    assert block.group(1) == rules.markdown_table(), (
        "README rule table is out of date: regenerate it with `hygiene rules --format markdown`"
    )


def test_readme_names_every_rule_in_the_spec_order():
    ids = re.findall(r"^\| (HY\d{3}) \|", README, re.M)
    assert ids == list(rules.CATALOGUE)


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(commands) >= 2
    install_and_scan, test = commands[0], commands[1]
    assert "hygiene scan examples/webapp" in install_and_scan
    assert "pip install -e '.[test]'" in test and "python -m pytest" in test
    # .ci/run runs the same test command (in its own virtualenv).
    assert "pip install -e '.[test]'" in CI_RUN
    assert "python -m pytest" in CI_RUN
