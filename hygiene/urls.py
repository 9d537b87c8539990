"""What a dependency URL is: how it travels, and whether it names a remote artifact, a
version-control checkout or a local path. One place, so that parsers classify sources and
checks judge transports the same way."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from hygiene.model import SourceKind

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_VCS_PREFIXES = ("git", "hg", "svn", "bzr")


def transport(url: str) -> str:
    """The protocol the bytes travel over, lower case: ``https`` for ``https://…`` and for
    ``git+https://…``; ``""`` when the URL has no scheme (a path)."""
    m = _SCHEME.match(url)
    return m.group(1).rpartition("+")[2].lower() if m else ""


def is_remote(url: str) -> bool:
    """A URL with a scheme other than ``file``."""
    m = _SCHEME.match(url)
    return bool(m) and m.group(1).lower() != "file"


def source_kind(url: str) -> SourceKind:
    """VCS for ``git+https://…`` (and ``git://``, ``hg+…``…), PATH for ``file:`` URLs and plain
    paths, URL for any other remote URL."""
    m = _SCHEME.match(url)
    scheme = m.group(1).lower() if m else url.split(":", 1)[0].lower() if ":" in url else ""
    if "+" in scheme and scheme.split("+", 1)[0] in _VCS_PREFIXES or scheme in _VCS_PREFIXES:
        return SourceKind.VCS
    return SourceKind.URL if is_remote(url) else SourceKind.PATH


def vcs_ref(url: str) -> str | None:
    """The revision a pip-style VCS URL asks for (``git+https://host/repo@REF#egg=x``)."""
    base = url.split("#", 1)[0]
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    path = parts.path
    if "@" in path:
        return path.rsplit("@", 1)[1] or None
    return None


_FORGES = ("github.com", "gitlab.com")


def forge_repository(url: str) -> str | None:
    """The forge repository a repository or project URL points into, as ``github.com/owner/repo``
    or ``gitlab.com/group/…/project`` (lower case): https, ``git+https``, ``ssh://`` and
    ``git@host:`` forms, npm's ``github:owner/repo`` and ``owner/repo`` shorthands. A GitHub
    page inside the repository (``/tree/main``) names the repository; GitLab's pages start at
    ``/-/``. None for any other host, or a URL that names no repository."""
    url = url.strip()
    if url.startswith("github:") or re.fullmatch(r"[\w.-]+/[\w.-]+", url):
        url = "https://github.com/" + url.removeprefix("github:")
    if url.startswith("git@"):
        host, _, path = url[4:].partition(":")
    else:
        parts = urlsplit(url.removeprefix("git+"))
        host, path = parts.hostname or "", parts.path
    host = host.lower().removeprefix("www.")
    if host not in _FORGES:
        return None
    segments = [s for s in path.split("/") if s]
    if host == "github.com":
        segments = segments[:2]
    elif "-" in segments:
        segments = segments[: segments.index("-")]
    if len(segments) < 2:
        return None
    segments[-1] = segments[-1].removesuffix(".git")
    return f"{host}/{'/'.join(segments).lower()}"
