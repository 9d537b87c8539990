"""``Pipfile`` (pipenv): package tables, sources. Abstract: the lock is ``Pipfile.lock``.

Sources: pipenv (since 2022.3.23) installs a package from a source other than the first only
when the package names that source with ``index = "…"``, so further sources are pinned indexes,
not extra ones (no HY106). ``verify_ssl = false`` is HY107.
"""

from __future__ import annotations

from typing import Any

from hygiene.model import Dependency, Manifest, ManifestKind, Setting, SourceKind
from hygiene.parsers import lock_hashes
from hygiene.parsers._lock import vcs_url
from hygiene.parsers.pyproject import _Ctx, _table, load_toml
from hygiene.urls import is_remote

_NOT_PACKAGES = {"source", "requires", "pipenv", "scripts"}


def parse(path: str, text: str) -> Manifest:
    data = load_toml(path, text)
    ctx = _Ctx(path, text)
    declared = None
    for category, table in data.items():
        if category in _NOT_PACKAGES or not isinstance(table, dict):
            continue
        group = None if category == "packages" else ("dev" if category == "dev-packages" else category)
        for name, spec in table.items():
            loc = ctx.loc(category, name)
            declared = declared or ctx.loc(category)
            ctx.deps.append(_dependency(name, spec, loc, group))
    for i, source in enumerate(data.get("source") or []):
        if not isinstance(source, dict) or not isinstance(source.get("url"), str):
            continue
        loc = ctx.loc("source", i)
        ctx.settings.append(Setting("index-url" if i == 0 else "pinned-index", source["url"], loc))
        if source.get("verify_ssl") is False:
            ctx.settings.append(Setting("verify-ssl", "false", ctx.loc("source", i, "verify_ssl")))
    return Manifest(
        path=path,
        kind=ManifestKind.PIPFILE,
        dependencies=tuple(ctx.deps),
        settings=tuple(ctx.settings),
        lock_tools=("pipenv",) if ctx.deps else (),
        declared_at=declared,
        lock_hashes=_lock_hashes(data) if ctx.deps else (),
    )


def _lock_hashes(data: dict) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What Pipfile.lock would record as this file's hash (HY109)."""
    digests = lock_hashes.pipenv_hashes(data)
    return (("pipenv", digests),) if digests else ()


def _dependency(name: str, spec: Any, loc, group: str | None) -> Dependency:
    if isinstance(spec, str):
        specifier = "" if spec.strip() == "*" else spec.strip()
        return Dependency("pypi", name, loc, SourceKind.REGISTRY, specifier=specifier, group=group, text=f"{name} = {spec!r}")
    spec = _table(spec)
    if "git" in spec:
        ref = spec.get("ref")
        url = vcs_url("git", str(spec["git"]), ref, spec.get("subdirectory"))
        return Dependency("pypi", name, loc, SourceKind.VCS, url=url, editable=bool(spec.get("editable")), group=group, text=name)
    if "file" in spec or "url" in spec:
        target = str(spec.get("file") or spec.get("url"))
        kind = SourceKind.URL if is_remote(target) else SourceKind.PATH
        return Dependency("pypi", name, loc, kind, url=target, group=group, text=name)
    if "path" in spec:
        return Dependency("pypi", name, loc, SourceKind.PATH, url=str(spec["path"]), editable=bool(spec.get("editable")), group=group, text=name)
    version = str(spec.get("version", "")).strip()
    return Dependency("pypi", name, loc, SourceKind.REGISTRY, specifier="" if version == "*" else version, group=group, text=name)
