"""npm's project manifest, ``package.json`` (abstract: ranges are fine, a lockfile pins them).

Every entry of ``dependencies``, ``devDependencies``, ``optionalDependencies`` and
``peerDependencies`` is recorded (npm 7 and later install peer dependencies too), with the
section as its ``group``; ``bundleDependencies`` only names entries of those. A spec is read
the way npm-package-arg reads it:

- registry: a semver range, a dist-tag, ``""``, or an alias ``npm:<name>@<range>``;
- VCS: ``git+…``, ``git://…``, ``git@host:…``, ``github:o/r``, ``o/r``, ``gitlab:``,
  ``bitbucket:``, ``gist:``, and ``https://github.com/o/r`` (hosted repositories); the URL is
  normalised to ``git+https://…`` with the ``#ref``, ``specifier`` is the ref and ``version`` the
  commit when the ref is a full commit id;
- URL: any other ``http(s)://`` URL (a tarball);
- PATH: ``file:``, ``link:``, ``workspace:``, ``portal:``, ``exec:``, ``./``, ``../``, ``/``,
  ``~/`` and ``*.tgz`` / ``*.tar.gz`` / ``*.tar`` file names.

Two settings help the checks relate the file to lockfiles: ``package-name`` (the ``name``
field) and one ``workspaces`` setting per workspace glob.
"""

from __future__ import annotations

import re
from typing import Any

from hygiene.model import (
    Dependency,
    Location,
    Manifest,
    ManifestKind,
    ScanError,
    Setting,
    SourceKind,
)
from hygiene.parsers._npm import (
    ECOSYSTEM,
    HOSTED,
    alias_target,
    exact_version,
    is_full_commit,
)
from hygiene.parsers.base import ManifestError
from hygiene.parsers.locate import json_spans, load_json, span_line, span_location

SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
_PATH_PREFIXES = ("file:", "link:", "workspace:", "portal:", "exec:")
_LOCAL = re.compile(r"^(?:\.\.?(?:/|$)|/|~/|[A-Za-z]:[\\/])")
_FILENAME = re.compile(r"\.(?:tgz|tar\.gz|tar)$", re.IGNORECASE)
# `owner/repo[#ref]` (npm-package-arg's GitHub shorthand).
_SHORTHAND = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:#.*)?$")


def parse(path: str, text: str) -> Manifest:
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ManifestError("package.json must be a JSON object", 1)
    spans = json_spans(text)

    dependencies: list[Dependency] = []
    errors: list[ScanError] = []
    declared: Location | None = None
    for section in SECTIONS:
        if section not in doc:
            continue
        entries = doc[section]
        line = span_line(spans, (section,))
        if not isinstance(entries, dict):
            if entries is not None:
                errors.append(ScanError(path, f"`{section}` must be an object of name: spec", line))
            continue
        for name, spec in entries.items():
            location = span_location(path, spans, (section, name))
            if not name or not isinstance(spec, str):
                errors.append(
                    ScanError(path, f"`{section}` entry `{name}` must map a package name to a spec string",
                              location.line or None)
                )
                continue
            dependencies.append(dependency(name, spec, location, section))
            here = span_location(path, spans, (section,))
            if declared is None or here.line < declared.line:
                declared = here

    return Manifest(
        path=path,
        kind=ManifestKind.PACKAGE_JSON,
        ecosystem=ECOSYSTEM,
        dependencies=tuple(dependencies),
        settings=tuple(_settings(path, doc, spans)),
        lock_tools=("npm",) if dependencies else (),
        declared_at=declared,
        errors=tuple(errors),
    )


def dependency(name: str, spec: str, location: Location, group: str | None) -> Dependency:
    kind, url, version, specifier = classify_spec(name, spec)
    return Dependency(
        ecosystem=ECOSYSTEM,
        name=name,
        location=location,
        source=kind,
        specifier=specifier,
        version=version,
        url=url,
        group=group,
        text=f"{name}@{spec}",
    )


def classify_spec(name: str, spec: str) -> tuple[SourceKind, str | None, str | None, str]:
    """``(source, url, version, specifier)`` of a package.json spec."""
    s = spec.strip()
    lower = s.lower()
    if lower.startswith("npm:"):
        _, rng = alias_target(name, s)
        return SourceKind.REGISTRY, None, exact_version(rng), s
    if lower.startswith(_PATH_PREFIXES) or _LOCAL.match(s):
        return SourceKind.PATH, s, None, s
    git = git_url(s)
    if git is not None:
        url, ref = git
        commit = ref.lower() if is_full_commit(ref) else None
        return SourceKind.VCS, url, commit, ref
    if lower.startswith(("http://", "https://")):
        return SourceKind.URL, s, None, s
    if _FILENAME.search(s):
        return SourceKind.PATH, s, None, s
    return SourceKind.REGISTRY, None, exact_version(s), s


def git_url(spec: str) -> tuple[str, str] | None:
    """``(normalised git URL with its #ref, ref)`` when `spec` names a git repository."""
    s = spec.strip()
    lower = s.lower()
    base, _, ref = s.partition("#")
    for prefix, domain in HOSTED.items():
        if lower.startswith(prefix + ":"):
            return _hosted(domain, base[len(prefix) + 1 :], ref), ref
    if lower.startswith(("git+", "git://")):
        return s, ref
    if re.match(r"^[^@/:\s]+@[^/:\s]+:", s):  # scp-like `git@github.com:o/r.git`
        return f"git+ssh://{s}", ref
    if lower.startswith(("http://", "https://")):
        m = re.match(r"^https?://(?:[^@/]*@)?([^/:]+)(?::\d+)?(/[^?#]*)", s, re.IGNORECASE)
        if m and m.group(1).lower() in HOSTED.values():
            parts = [p for p in m.group(2).split("/") if p]
            if len(parts) == 2 or (len(parts) >= 3 and parts[2] == "tree"):
                return "git+" + s, ref
        return None
    if _SHORTHAND.match(s) and not _FILENAME.search(base) and not s.startswith("."):
        return _hosted("github.com", base, ref), ref
    return None


def _hosted(domain: str, repo: str, ref: str) -> str:
    repo = repo.strip("/")
    if not repo.endswith(".git"):
        repo += ".git"
    return f"git+https://{domain}/{repo}" + (f"#{ref}" if ref else "")


def _settings(path: str, doc: dict[str, Any], spans: dict) -> list[Setting]:
    settings: list[Setting] = []
    name = doc.get("name")
    if isinstance(name, str) and name:
        settings.append(Setting("package-name", name, span_location(path, spans, ("name",))))
    workspaces = doc.get("workspaces")
    key: tuple = ("workspaces",)
    if isinstance(workspaces, dict):  # yarn v1: {"packages": [...], "nohoist": [...]}
        workspaces = workspaces.get("packages")
        key = ("workspaces", "packages")
    if isinstance(workspaces, list):
        for i, glob in enumerate(workspaces):
            if isinstance(glob, str) and glob.strip():
                settings.append(Setting("workspaces", glob.strip(), span_location(path, spans, key + (i,))))
    return settings


def is_registry_spec(spec: str) -> bool:
    """A semver range, a dist-tag or an ``npm:`` alias: what lockfiles record verbatim (or,
    yarn berry, with an ``npm:`` prefix)."""
    return classify_spec("x", spec)[0] is SourceKind.REGISTRY
