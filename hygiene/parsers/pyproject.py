"""``pyproject.toml``: PEP 621 ``[project]`` dependencies and optional dependencies, PEP 735
``[dependency-groups]``, ``[build-system].requires``, and the tool tables of poetry, uv and
pdm (their dependency tables, sources and indexes).

Everything here is abstract: ranges are correct practice and are not findings. What matters is
which lockfile the project's tool keeps (HY108, HY109), where its sources point (HY105 for VCS
and URL sources, HY106/HY107 for indexes), and the exact line of every declaration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from hygiene.model import (
    Dependency,
    Location,
    Manifest,
    ManifestKind,
    ScanError,
    Setting,
    SourceKind,
)
from hygiene.parsers import locate, lock_hashes
from hygiene.parsers._lock import vcs_url
from hygiene.parsers.locate import toml_spans
from hygiene.urls import source_kind
from hygiene.versions import exact_version

Path = tuple


class _Ctx:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.spans = toml_spans(text)
        self.deps: list[Dependency] = []
        self.settings: list[Setting] = []
        self.errors: list[ScanError] = []

    def loc(self, *keys: Any) -> Location:
        """The location of the deepest of `keys` the locator knows."""
        for n in range(len(keys), 0, -1):
            span = self.spans.get(tuple(keys[:n]))
            if span:
                return Location(self.path, span[0], span[1])
        return Location(self.path, 1, 1)


def load_toml(path: str, text: str) -> dict:
    return locate.load_toml(text)


def parse(path: str, text: str) -> Manifest:
    data = load_toml(path, text)
    ctx = _Ctx(path, text)
    project = _table(data.get("project"))
    tool = _table(data.get("tool"))
    declared: Location | None = None

    # PEP 621
    deps = project.get("dependencies")
    if isinstance(deps, list) and deps:
        declared = ctx.loc("project", "dependencies")
    for i, item in _strings(deps):
        ctx.deps.append(_pep508(ctx, item, ctx.loc("project", "dependencies", i), None))
    for group, items in _table(project.get("optional-dependencies")).items():
        for i, item in _strings(items):
            declared = declared or ctx.loc("project", "optional-dependencies")
            ctx.deps.append(_pep508(ctx, item, ctx.loc("project", "optional-dependencies", group, i), group))
    # PEP 735
    for group, items in _table(data.get("dependency-groups")).items():
        for i, item in _strings(items):
            declared = declared or ctx.loc("dependency-groups")
            ctx.deps.append(_pep508(ctx, item, ctx.loc("dependency-groups", group, i), group))
    # Build requirements are installed by every build: recorded, never a lockfile matter.
    for i, item in _strings(_table(data.get("build-system")).get("requires")):
        ctx.deps.append(_pep508(ctx, item, ctx.loc("build-system", "requires", i), "build-system"))

    lock_tools: list[str] = []
    poetry = _table(tool.get("poetry"))
    if poetry:
        _poetry(ctx, poetry)
        lock_tools.append("poetry")
        declared = declared or ctx.loc("tool", "poetry", "dependencies")
    uv = tool.get("uv")
    if isinstance(uv, dict):
        _uv(ctx, uv)
        lock_tools.append("uv")
    pdm = tool.get("pdm")
    if isinstance(pdm, dict):
        _pdm(ctx, pdm)
        lock_tools.append("pdm")
    if not any(d.group != "build-system" for d in ctx.deps):
        lock_tools = []  # nothing to lock
    return Manifest(
        path=path,
        kind=ManifestKind.PYPROJECT,
        dependencies=tuple(ctx.deps),
        settings=tuple(ctx.settings),
        lock_tools=tuple(lock_tools),
        declared_at=declared,
        errors=tuple(ctx.errors),
        lock_hashes=_lock_hashes(data, lock_tools),
    )


def _lock_hashes(data: dict, lock_tools: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What poetry.lock / pdm.lock would record as this file's content hash (HY109)."""
    compute = {"poetry": lock_hashes.poetry_content_hashes, "pdm": lock_hashes.pdm_content_hashes}
    out = []
    for tool in lock_tools:
        if tool in compute:
            digests = compute[tool](data)
            if digests:
                out.append((tool, digests))
    return tuple(out)


def _table(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> Iterator[tuple[int, str]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield i, item


def pep508_dependency(path: str, text: str, location: Location, group: str | None) -> Dependency | ScanError:
    """A PEP 508 requirement string as a `Dependency`, or the error that it is not one."""
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        return ScanError(path, f"invalid requirement {text!r}: {str(exc).splitlines()[0]}", location.line)
    url = req.url
    source = source_kind(url) if url else SourceKind.REGISTRY
    spec = str(req.specifier)

    return Dependency(
        ecosystem="pypi",
        name=req.name,
        location=location,
        source=source,
        specifier=spec,
        version=exact_version(spec) if spec else None,
        url=url,
        extras=tuple(sorted(req.extras)),
        marker=str(req.marker) if req.marker else None,
        group=group,
        text=text,
    )


def _pep508(ctx: _Ctx, text: str, location: Location, group: str | None) -> Dependency:
    dep = pep508_dependency(ctx.path, text, location, group)
    if isinstance(dep, ScanError):
        ctx.errors.append(dep)
        return Dependency("pypi", None, location, SourceKind.REGISTRY, text=text, group=group)
    return dep


# --- poetry ---------------------------------------------------------------------------------


def _poetry(ctx: _Ctx, poetry: dict) -> None:
    tables: list[tuple[tuple, dict, str | None]] = [
        (("tool", "poetry", "dependencies"), _table(poetry.get("dependencies")), None),
        (("tool", "poetry", "dev-dependencies"), _table(poetry.get("dev-dependencies")), "dev"),
    ]
    for group, body in _table(poetry.get("group")).items():
        tables.append((("tool", "poetry", "group", group, "dependencies"), _table(_table(body).get("dependencies")), group))
    for keys, table, group in tables:
        for name, value in table.items():
            if name.lower() == "python":
                continue
            for i, spec in enumerate(value if isinstance(value, list) else [value]):
                keypath = keys + (name,) + ((i,) if isinstance(value, list) else ())
                ctx.deps.append(_poetry_dep(ctx, name, spec, ctx.loc(*keypath), group))
    primaries = 0
    for i, source in enumerate(poetry.get("source") or []):
        if not isinstance(source, dict) or not isinstance(source.get("url"), str):
            continue
        loc = ctx.loc("tool", "poetry", "source", i)
        priority = str(source.get("priority", "")).lower()
        if source.get("default") is True or priority == "default":
            kind = "index-url"
        elif priority == "explicit":
            kind = "pinned-index"
        elif priority == "supplemental" or source.get("secondary") is True or priority == "secondary":
            kind = "extra-index-url"
        else:  # primary (the default priority): the first replaces PyPI, more are searched too
            primaries += 1
            kind = "index-url" if primaries == 1 else "extra-index-url"
        ctx.settings.append(Setting(kind, source["url"], loc))


def _poetry_dep(ctx: _Ctx, name: str, spec: Any, location: Location, group: str | None) -> Dependency:
    if isinstance(spec, str):
        return Dependency("pypi", name, location, SourceKind.REGISTRY, specifier=spec, group=group, text=f"{name} = {spec!r}")
    spec = _table(spec)
    group = "optional" if spec.get("optional") is True and group is None else group
    if "git" in spec:
        ref = spec.get("rev") or spec.get("tag") or spec.get("branch")
        url = vcs_url("git", str(spec["git"]), ref, spec.get("subdirectory"))
        return Dependency("pypi", name, location, SourceKind.VCS, url=url, group=group, text=f"{name} (git {spec['git']})")
    if "url" in spec:
        return Dependency("pypi", name, location, SourceKind.URL, url=str(spec["url"]), group=group, text=name)
    if "path" in spec:
        return Dependency(
            "pypi", name, location, SourceKind.PATH, url=str(spec["path"]), editable=bool(spec.get("develop")), group=group, text=name
        )
    version = spec.get("version", "")
    return Dependency("pypi", name, location, SourceKind.REGISTRY, specifier=str(version), group=group, text=name)


# --- uv -------------------------------------------------------------------------------------


def _uv(ctx: _Ctx, uv: dict) -> None:
    for i, item in _strings(uv.get("dev-dependencies")):
        ctx.deps.append(_pep508(ctx, item, ctx.loc("tool", "uv", "dev-dependencies", i), "dev"))
    for name, source in _table(uv.get("sources")).items():
        for i, entry in enumerate(source if isinstance(source, list) else [source]):
            entry = _table(entry)
            keypath = ("tool", "uv", "sources", name) + ((i,) if isinstance(source, list) else ())
            loc = ctx.loc(*keypath)
            if "git" in entry:
                ref = entry.get("rev") or entry.get("tag") or entry.get("branch")
                url = vcs_url("git", str(entry["git"]), ref, entry.get("subdirectory"))
                ctx.deps.append(Dependency("pypi", name, loc, SourceKind.VCS, url=url, group="uv-source", text=f"{name} (git)"))
            elif "url" in entry:
                ctx.deps.append(Dependency("pypi", name, loc, SourceKind.URL, url=str(entry["url"]), group="uv-source", text=name))
    for i, index in enumerate(uv.get("index") or []):
        if not isinstance(index, dict) or not isinstance(index.get("url"), str):
            continue
        loc = ctx.loc("tool", "uv", "index", i)
        if index.get("default") is True:
            kind = "index-url"
        elif index.get("explicit") is True:
            kind = "pinned-index"
        elif index.get("format") == "flat":
            kind = "find-links"
        else:
            kind = "extra-index-url"
        ctx.settings.append(Setting(kind, index["url"], loc))
    for key, kind in (("index-url", "index-url"), ("extra-index-url", "extra-index-url"), ("find-links", "find-links")):
        values = uv.get(key)
        for i, value in enumerate(values if isinstance(values, list) else [values] if isinstance(values, str) else []):
            keypath = ("tool", "uv", key) + ((i,) if isinstance(values, list) else ())
            ctx.settings.append(Setting(kind, value, ctx.loc(*keypath)))


# --- pdm ------------------------------------------------------------------------------------


def _pdm(ctx: _Ctx, pdm: dict) -> None:
    for group, items in _table(pdm.get("dev-dependencies")).items():
        for i, item in _strings(items):
            if item.startswith("-e "):
                item = item[3:].strip()
            ctx.deps.append(_pep508(ctx, item, ctx.loc("tool", "pdm", "dev-dependencies", group, i), group))
    for i, source in enumerate(pdm.get("source") or []):
        if not isinstance(source, dict) or not isinstance(source.get("url"), str):
            continue
        loc = ctx.loc("tool", "pdm", "source", i)
        if str(source.get("type", "")) == "find_links":
            kind = "find-links"
        elif source.get("name") == "pypi":
            kind = "index-url"
        elif source.get("include_packages"):
            kind = "pinned-index"
        else:
            kind = "extra-index-url"
        ctx.settings.append(Setting(kind, source["url"], loc))
        if source.get("verify_ssl") is False:
            ctx.settings.append(Setting("verify-ssl", "false", loc))
