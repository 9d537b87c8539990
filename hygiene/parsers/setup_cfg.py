"""``setup.cfg``: ``[options] install_requires`` and ``[options.extras_require]``, read as
static text (``file:`` and ``attr:`` directives are not followed, and nothing is executed).
Abstract: ranges are not findings."""

from __future__ import annotations

import re

from hygiene.model import (
    Dependency,
    Location,
    Manifest,
    ManifestKind,
    ScanError,
    Skipped,
)
from hygiene.parsers.pyproject import pep508_dependency

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_KEY = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]\s*(.*)$")


def parse(path: str, text: str) -> Manifest:
    deps: list[Dependency] = []
    errors: list[ScanError] = []
    skipped: list[Skipped] = []
    section = ""
    key: str | None = None
    declared: Location | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        m = _SECTION.match(line)
        if m:
            section, key = m.group(1).strip().lower(), None
            continue
        continued = raw[:1] in (" ", "\t") and key is not None
        if not continued:
            km = _KEY.match(stripped)
            key = km.group(1).lower().replace("-", "_") if km else None
            value = km.group(2).strip() if km else ""
        else:
            value = stripped
        group = _group(section, key)
        if group is False or not value:
            continue
        if value.startswith(("file:", "attr:")):
            skipped.append(
                Skipped("setup.cfg requirements", f"line {number}: `{value}` is not followed; only static requirements are read", path)
            )
            continue
        item = value.split(" #", 1)[0].strip()
        if not item:
            continue
        loc = Location(path, number, number)
        declared = declared or loc
        dep = pep508_dependency(path, item, loc, group)
        if isinstance(dep, ScanError):
            errors.append(dep)
        else:
            deps.append(dep)
    return Manifest(path=path, kind=ManifestKind.SETUP_CFG, dependencies=tuple(deps), declared_at=declared, errors=tuple(errors), skipped=tuple(skipped))


def _group(section: str, key: str | None) -> str | None | bool:
    """The group a key's requirements belong to (None: runtime), or False when the key does
    not hold requirements."""
    if key is None:
        return False
    if section == "options" and key in ("install_requires", "setup_requires", "tests_require"):
        return None if key == "install_requires" else key
    if section == "options.extras_require":
        return key
    return False
