"""Output formats for `hygiene scan --format`."""

from __future__ import annotations

from hygiene.reporters.base import Reporter
from hygiene.reporters.json import render as render_json
from hygiene.reporters.text import render as render_text

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
}
