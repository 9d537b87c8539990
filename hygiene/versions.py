"""Deciding whether a Python version constraint admits exactly one version."""

from __future__ import annotations

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
