"""The reporter interface: one module per output format, each a function from a finished
`ScanResult` to text. Adding a format is one new module and one line in `REPORTERS`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult


class Reporter(Protocol):
    def __call__(self, result: ScanResult, *, color: bool = False) -> str: ...
