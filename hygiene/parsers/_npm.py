"""What the npm-ecosystem parsers (package.json, package-lock, yarn.lock, pnpm-lock) share:
reading descriptors (``name@range``), integrity strings and resolved URLs the way npm, yarn and
pnpm write them, and loading YAML lockfiles with the line of every key.

Conventions of the records these parsers make (the checks in `hygiene.checks.npm` rely on
them):

- ``ecosystem`` is ``"npm"`` and ``name`` is the package's own registry name (``ms`` for an
  alias ``"my-ms": "npm:ms@2.1.2"``); ``text`` is the entry's key as written in the lockfile
  (``node_modules/my-ms``, a yarn header, a pnpm package key).
- ``hashes`` are ``"<algorithm>:<hex>"``, one per algorithm of an integrity string.
- A VCS entry's ``version`` is the commit it is locked to (a full 40-hex id), else None.
- ``SourceKind.VIRTUAL`` marks exactly the lockfile's *importers*: the projects whose
  package.json the lock was made from (npm's ``""`` and workspace folder entries, pnpm's
  ``importers``, yarn berry's ``@workspace:`` entries). Their ``url`` is the project's folder
  relative to the lockfile's (``"."`` for the lockfile's own folder) and their ``extras`` the
  ``name@spec`` of every dependency the lock records the project declaring (just ``name``
  where the lock does not record the spec).
- yarn entries (v1 and berry) carry in ``extras`` the descriptors of their header
  (``is-number@^7.0.0``), which is what yarn matches package.json against.
- ``requires`` (the graph the lock records) names packages as `name` does: the registry name,
  scope included, and the real package of an alias (``ms`` for ``"my-ms": "npm:ms@2.1.2"``);
  sorted, without repeats. Names only: which version of a name an edge reaches is not kept.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from hygiene.model import SourceKind
from hygiene.versions import is_full_commit

ECOSYSTEM = "npm"

_SRI = re.compile(r"^([A-Za-z0-9]+)-([A-Za-z0-9+/=_-]+)(?:\?.*)?$")
_HEX = re.compile(r"[0-9a-fA-F]+")
_EXACT_VERSION = re.compile(r"^[=v]*\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$")
# Hosts whose `https://host/owner/repo` URLs npm reads as git repositories (hosted-git-info).
HOSTED = {
    "github": "github.com",
    "gitlab": "gitlab.com",
    "bitbucket": "bitbucket.org",
    "gist": "gist.github.com",
}
_HOSTED_DOMAINS = frozenset(HOSTED.values())
_CODELOAD = re.compile(r"^/([^/]+)/([^/]+)/(?:tar\.gz|zip|legacy\.tar\.gz)/([0-9a-fA-F]{40})/?$")
# What npm accepts as a package name (validate-npm-package-name, old upper-case names too).
_PACKAGE_NAME = re.compile(r"(?:@[A-Za-z0-9~-][A-Za-z0-9._~-]*/)?[A-Za-z0-9~-][A-Za-z0-9._~-]*")




def exact_version(spec: str) -> str | None:
    """``1.2.3`` for ``1.2.3``, ``=1.2.3``, ``v1.2.3``; None for ranges and tags."""
    m = _EXACT_VERSION.match(spec.strip())
    return m.group(1) if m else None


def split_descriptor(descriptor: str) -> tuple[str, str]:
    """``name@range`` → ``(name, range)``; a scoped ``@s/n@r`` keeps its scope; a bare name
    has the range ``""``."""
    at = descriptor.find("@", 1)
    if at < 0:
        return descriptor, ""
    return descriptor[:at], descriptor[at + 1 :]


def alias_target(name: str, spec: str) -> tuple[str, str]:
    """The package a spec installs: ``("ms", "2.1.2")`` for ``npm:ms@2.1.2``, else
    ``(name, spec)``."""
    if spec.startswith("npm:"):
        real, rng = split_descriptor(spec[4:])
        if real:
            return real, rng
    return name, spec


def is_package_name(name: str) -> bool:
    return _PACKAGE_NAME.fullmatch(name) is not None


def dependency_name(name: str, spec: Any, *, protocol: bool = False) -> str:
    """The package a dependency map's ``name: spec`` installs: ``ms`` for the alias
    ``"my-ms": "npm:ms@2.1.2"``, else `name`. With `protocol` (yarn berry), ``npm:`` is also
    the registry protocol of a plain range (``npm:^6.0.0``), so only ``npm:<name>@<range>`` is
    an alias."""
    if not isinstance(spec, str) or not spec.startswith("npm:"):
        return name
    real, rng = split_descriptor(spec[4:].strip())
    if (rng or not protocol) and is_package_name(real):
        return real
    return name


def requires(names: Iterable[Any]) -> tuple[str, ...]:
    """A lock entry's `Dependency.requires`: the names, sorted, without repeats."""
    return tuple(sorted({n for n in names if isinstance(n, str) and n}))


def integrity_hashes(value: Any) -> tuple[str, ...]:
    """``sha512-<base64> sha1-<base64>`` → ``("sha512:<hex>", "sha1:<hex>")``; tokens that are
    not Subresource Integrity hashes are left out."""
    if not isinstance(value, str):
        return ()
    out: list[str] = []
    for token in value.split():
        m = _SRI.match(token)
        if not m:
            continue
        try:
            digest = base64.b64decode(m.group(2).replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            continue
        if digest:
            item = f"{m.group(1).lower()}:{digest.hex()}"
            if item not in out:
                out.append(item)
    return tuple(out)


def hex_hash(algorithm: str, digest: str) -> str | None:
    """``"sha1:<hex>"`` for a hexadecimal digest, else None."""
    return f"{algorithm}:{digest.lower()}" if digest and _HEX.fullmatch(digest) else None


@dataclass(frozen=True)
class Resolved:
    """What a lockfile's resolved URL (or pnpm/yarn reference) says about the source."""

    kind: SourceKind
    url: str | None
    commit: str | None = None  # VCS: the full commit id it names
    sha1: str | None = None  # yarn v1: the `#<sha1>` fragment of a tarball URL


def classify_resolved(resolved: str) -> Resolved:
    """A resolved reference as npm, yarn v1 and pnpm write it: a registry tarball, another
    tarball URL, a git URL (or a GitHub codeload tarball of a commit) or a local path."""
    value = resolved.strip()
    lower = value.lower()
    if lower.startswith(("git+", "git://", "git@", "ssh://", *(f"{h}:" for h in HOSTED))):
        return Resolved(SourceKind.VCS, value, _commit_of(value.partition("#")[2]))
    if lower.startswith(("http://", "https://")):
        try:
            parts = urlsplit(value)
        except ValueError:
            return Resolved(SourceKind.URL, value)
        host = (parts.hostname or "").lower()
        codeload = _CODELOAD.match(parts.path) if host == "codeload.github.com" else None
        if codeload:
            return Resolved(SourceKind.VCS, value, codeload.group(3).lower())
        if host in _HOSTED_DOMAINS and _hosted_repo_path(parts.path):
            return Resolved(SourceKind.VCS, value, _commit_of(parts.fragment))
        sha1 = parts.fragment if is_full_commit(parts.fragment) else None
        path = unquote(parts.path)
        kind = SourceKind.REGISTRY if "/-/" in path and path.endswith(".tgz") else SourceKind.URL
        return Resolved(kind, value, sha1=sha1.lower() if sha1 else None)
    return Resolved(SourceKind.PATH, value)


def _commit_of(ref: str) -> str | None:
    """The full commit a git URL fragment names: ``#<sha>`` or berry's ``#commit=<sha>``."""
    for part in re.split(r"[&#]", ref or ""):
        key, eq, value = part.partition("=")
        candidate = value if eq and key in ("commit", "hash") else part
        if is_full_commit(candidate):
            return candidate.lower()
    return None


def _hosted_repo_path(path: str) -> bool:
    """`/owner/repo`, `/owner/repo.git` or `/owner/repo/tree/<ref>`: a repository, not a
    download (hosted-git-info reads only these as git)."""
    parts = [p for p in path.split("/") if p]
    return len(parts) == 2 or (len(parts) >= 3 and parts[2] == "tree")


def tarball_matches(url: str, name: str) -> bool:
    """Whether a registry tarball URL is one of package `name`: npm registries serve
    ``…/<name>/-/<basename>-<version>.tgz`` (``/@babel/core/-/core-7.0.0.tgz``; some write
    the scope in the file name, ``/-/@babel/core-7.0.0.tgz``). URLs without ``/-/`` must at
    least name the package as consecutive path segments (GitHub Packages:
    ``/download/@o/pkg/1.0.0/…``)."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return False
    name = name.lower()
    path = path.lower()
    base = name.rsplit("/", 1)[-1]
    if "/-/" in path:
        before, _, filename = path.rpartition("/-/")
        if not (before + "/").endswith("/" + name + "/") and before != name:
            return False
        filename = filename.rsplit("/", 1)[-1] if filename.startswith("@") else filename
        return filename.startswith(base + "-")
    return f"/{name}/" in path + "/"


def folder_key(path: str) -> str:
    """An importer folder as the check compares them: ``"."`` or ``"packages/a"``."""
    path = path.strip().replace("\\", "/")
    if path in ("", "."):
        return "."
    return posixpath.normpath(path)
