"""What the TOML lockfile parsers (uv, poetry, pdm, pylock) share: walking the array of
package tables with located, validated entries, and writing VCS and artifact URLs the way pip
would read them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from hygiene.model import Dependency, Location, normalize_name
from hygiene.parsers.base import ManifestError
from hygiene.parsers.locate import span_line, span_location


def iter_packages(
    doc: dict[str, Any], key: str, path: str, spans: dict
) -> Iterator[tuple[tuple, dict[str, Any], str, str | None, Location]]:
    """``(key path, entry, name, version, location)`` for each ``[[key]]`` table; a lock whose
    entries are not tables, or lack a name, is refused with the line."""
    packages = doc.get(key, [])
    if not isinstance(packages, list):
        raise ManifestError(f"`{key}` must be an array of tables", span_line(spans, (key,)))
    for index, entry in enumerate(packages):
        location = span_location(path, spans, (key, index))
        if not isinstance(entry, dict):
            raise ManifestError(f"a [[{key}]] entry is not a table", location.line or None)
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise ManifestError(f"[[{key}]] entry without a `name`", location.line or None)
        version = entry.get("version")
        yield (key, index), entry, name, version if isinstance(version, str) and version else None, location


def requires(names: Iterable[Any], own: str | None = None) -> tuple[str, ...]:
    """A lock entry's `Dependency.requires`: the names it depends on as PEP 503 keys, sorted,
    without repeats and without the entry's own name (uv's recursive extras, pdm's
    ``name[extra]`` entries requiring the plain package: not an edge to another package)."""
    own_key = normalize_name(own) if own else None
    keys = {normalize_name(n) for n in names if isinstance(n, str) and n.strip()}
    return tuple(sorted(k for k in keys if k and k != own_key))


def table_names(value: Any) -> list[str]:
    """The ``name`` of each table of an array (uv's and pylock's ``dependencies = [{name =
    …}]``); nothing when it is not an array."""
    if not isinstance(value, list):
        return []
    return [t["name"] for t in value if isinstance(t, dict) and isinstance(t.get("name"), str)]


def vcs_url(scheme: str, url: str, ref: Any = None, subdirectory: Any = None) -> str:
    """A pip-style ``git+<url>@<ref>[#subdirectory=…]``."""
    if not url.startswith(scheme + "+"):
        url = f"{scheme}+{url}"
    if isinstance(ref, str) and ref:
        url = f"{url}@{ref}"
    if isinstance(subdirectory, str) and subdirectory:
        url = f"{url}#subdirectory={subdirectory}"
    return url


def file_url(files: list[dict[str, Any]]) -> str | None:
    """The sdist's URL, else the first wheel's, when the lock records artifact URLs."""
    urls = [f["url"] for f in files if isinstance(f.get("url"), str) and f["url"]]
    sdists = [u for u in urls if not u.split("#", 1)[0].endswith(".whl")]
    return (sdists or urls or [None])[0]


def locked(name: str, version: str | None, location: Location, **fields: Any) -> Dependency:
    """A lockfile entry as a `Dependency`: the exact version it locks, as an ``==`` pin."""
    return Dependency(
        ecosystem="pypi",
        name=name,
        location=location,
        specifier=f"=={version}" if version else "",
        version=version,
        **fields,
    )
