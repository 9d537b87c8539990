"""Deciding whether a reference names exactly one thing: a Python version constraint that
admits one version, a full commit id."""

from __future__ import annotations

import re
from functools import lru_cache

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version


@lru_cache(maxsize=65536)
def exact_version(specifier: str) -> str | None:
    """The one version `specifier` admits, or None when it admits more (or is unparseable).

    ``==1.2`` and ``===1.2`` are exact; ``==1.*`` is not; a range whose inclusive bounds meet
    (``>=1.7.0,<=1.7.0``) is exact, written the way a user might write a pin.
    """
    spec = specifier.strip()
    if not spec:
        return None
    try:
        specs = list(SpecifierSet(spec))
    except InvalidSpecifier:
        return None
    for s in specs:
        if s.operator == "===":
            return s.version
    pinned = [s for s in specs if s.operator == "==" and not s.version.endswith(".*")]
    if pinned:
        candidate = pinned[0].version
        try:
            if all(s.contains(candidate, prereleases=True) for s in specs):
                return candidate
        except InvalidVersion:
            return None
        return None
    lower = [s.version for s in specs if s.operator == ">="]
    upper = [s.version for s in specs if s.operator == "<="]
    for low in lower:
        for up in upper:
            try:
                if Version(low) == Version(up) and all(s.contains(low, prereleases=True) for s in specs):
                    return low
            except InvalidVersion:
                continue
    return None


_FULL_COMMIT = re.compile(r"[0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?")  # SHA-1, or SHA-256 repositories


def is_full_commit(ref: str | None) -> bool:
    """A full commit id (40 hex digits, or 64 in SHA-256 repositories): it cannot be moved,
    unlike a tag, a branch or a short id."""
    return bool(ref) and _FULL_COMMIT.fullmatch(ref) is not None
