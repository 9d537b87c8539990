"""What every manifest parser shares.

A parser turns one file's text into a `Manifest` of `Dependency` records, each carrying the
path and lines it was written on. Parsers never decide severity and never read other files
except through the `FileReader` they are given; they never execute or import anything from the
scanned repository.
"""

from __future__ import annotations

from typing import Protocol

from hygiene.model import Manifest


class ManifestError(Exception):
    """The file cannot be understood as a manifest of its kind. Becomes an entry in the scan's
    ``errors`` naming the file (and the line, when known)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class FileReader(Protocol):
    def read_text(self, relpath: str) -> str:
        """Read a file of the scan root by its root-relative path; raise `ManifestError`
        when it cannot be read (missing, outside the root, too large, not UTF-8, NUL bytes)."""
        ...


class Parser(Protocol):
    def __call__(self, path: str, text: str) -> Manifest: ...
