"""yarn's lockfile, ``yarn.lock``: yarn 1's own text format, or yarn 2+ ("berry") YAML.

yarn 1 writes one block per resolved package, headed by every ``name@range`` pattern that
resolved to it, with indented ``key value`` fields::

    "@babel/core@^7.0.0", "@babel/core@^7.1.0":
      version "7.1.2"
      resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.1.2.tgz#<sha1>"
      integrity sha512-…
      dependencies:
        debug "^4.1.0"

The ``#<sha1>`` fragment of a tarball URL is the tarball's SHA-1 (the only hash locks written
before yarn 1.10 have); yarn 1 records neither workspace packages nor peer dependencies.

Berry (a ``__metadata`` mapping first) keys each entry by its descriptors
(``"is-number@npm:^6.0.0, is-number@npm:^6.1.0"``) and records the ``resolution`` locator
(``is-number@npm:6.0.0``, ``app@workspace:.``, ``pkg@https://…``, ``pkg@https://github.com/o/r.git#commit=<sha>``)
and a ``checksum``: the SHA-512 (hex, after the ``<cacheKey>/`` prefix) of the archive yarn
stores, which it verifies on install. Berry records no download URL for registry packages: the
registry is configured in ``.yarnrc.yml``. Workspace entries list what each workspace declares.

The graph (`requires`): yarn 1's ``dependencies`` and ``optionalDependencies`` blocks; berry's
``dependencies`` (optional ones included, marked in ``dependenciesMeta``) and
``peerDependencies`` maps, for packages and workspaces alike (a workspace's ``dependencies``
include its dev dependencies). yarn 1 records no entry for the project.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from hygiene.model import (
    Dependency,
    Location,
    Manifest,
    ManifestKind,
    ScanError,
    SourceKind,
)
from hygiene.parsers._npm import (
    ECOSYSTEM,
    alias_target,
    classify_resolved,
    dependency_name,
    folder_key,
    hex_hash,
    integrity_hashes,
    requires,
    split_descriptor,
)
from hygiene.parsers.base import ManifestError
from hygiene.parsers.yamlnodes import YamlMap, load_yaml_mapping

_BERRY = re.compile(r'^(?:__metadata|"__metadata"|\'__metadata\')\s*:', re.MULTILINE)
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_BARE_KEY = re.compile(r"[^\s:,\"]+")
_V1_GRAPH = ("dependencies", "optionalDependencies")
_BERRY_GRAPH = ("dependencies", "optionalDependencies", "peerDependencies")


def parse(path: str, text: str) -> Manifest:
    text = text.removeprefix("\ufeff")
    if _BERRY.search(text):
        dependencies, errors = _berry(path, text)
    else:
        dependencies, errors = _v1(path, text)
    return Manifest(
        path=path,
        kind=ManifestKind.YARN_LOCK,
        ecosystem=ECOSYSTEM,
        dependencies=tuple(dependencies),
        errors=tuple(errors),
    )


# -- yarn 1 ------------------------------------------------------------------------------------


class _Entry:
    def __init__(self, line: int, patterns: list[str]) -> None:
        self.line = line
        self.last = line
        self.patterns = patterns
        self.fields: dict[str, Any] = {}
        self.section: dict[str, Any] | None = None  # the nested map being read
        self.section_indent = 0


def _v1(path: str, text: str) -> tuple[list[Dependency], list[ScanError]]:
    entries: list[_Entry] = []
    errors: list[ScanError] = []
    current: _Entry | None = None
    field_indent = 0
    unreadable: int | None = None  # first line that was not understood
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if line[indent:indent + 1] == "\t":
            errors.append(ScanError(path, "yarn.lock is indented with spaces, not tabs", lineno))
            unreadable = unreadable or lineno
            current = None
            continue
        if indent == 0:
            current = None
            patterns = _header(stripped)
            if patterns is None:
                errors.append(ScanError(path, f"not a yarn.lock entry header: {_shorten(stripped)}", lineno))
                unreadable = unreadable or lineno
                continue
            current = _Entry(lineno, patterns)
            entries.append(current)
            field_indent = 0
            continue
        if current is None:
            continue  # the body of an entry whose header was not understood
        if field_indent == 0:
            field_indent = indent
        current.last = lineno
        if indent > field_indent:  # a line of a nested map (`dependencies:`)
            if current.section is not None:
                current.section_indent = current.section_indent or indent
                if indent == current.section_indent:
                    _nested(current.section, stripped)
            continue
        current.section = None
        if indent < field_indent:
            errors.append(ScanError(path, "inconsistent indentation in yarn.lock", lineno))
            continue
        field = _field(stripped)
        if field is None:
            errors.append(ScanError(path, f"cannot read yarn.lock field: {_shorten(stripped)}", lineno))
            continue
        key, value = field
        if value is None:
            current.section, current.section_indent = {}, 0
            value = current.section
        current.fields[key] = value
    if not entries and unreadable is not None:
        raise ManifestError("not a yarn lockfile: no entry could be read", unreadable)
    return [_v1_dependency(path, e) for e in entries], errors


def _shorten(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _header(text: str) -> list[str] | None:
    """The patterns of an entry header ``a@^1, "b@^2":``, or None."""
    if not text.endswith(":"):
        return None
    body = text[:-1].strip()
    patterns: list[str] = []
    pos = 0
    while pos < len(body):
        if body[pos] == '"':
            m = _QUOTED.match(body, pos)
            if m is None:
                return None
            try:
                patterns.append(json.loads(m.group()))
            except ValueError:
                return None
        else:
            m = _BARE_KEY.match(body, pos)
            if m is None:
                return None
            patterns.append(m.group())
        pos = m.end()
        rest = body[pos:].lstrip()
        if not rest:
            break
        if not rest.startswith(","):
            return None
        pos = len(body) - len(rest) + 1
        while pos < len(body) and body[pos] == " ":
            pos += 1
        if pos >= len(body):
            return None  # a comma with no pattern after it
    if not patterns or any(not p for p in patterns):
        return None
    return patterns


def _field(text: str) -> tuple[str, Any] | None:
    """``key value``, ``key "value"``, ``key: value`` or ``key:`` (a nested map)."""
    if text.startswith('"'):
        m = _QUOTED.match(text)
        if m is None:
            return None
        try:
            key = json.loads(m.group())
        except ValueError:
            return None
        rest = text[m.end():]
    else:
        m = _BARE_KEY.match(text)
        if m is None:
            return None
        key, rest = m.group(), text[m.end():]
    rest = rest.removeprefix(":")
    rest = rest.strip()
    if not rest:
        return key, None
    if rest.startswith('"'):
        m = _QUOTED.fullmatch(rest)
        if m is None:
            return None
        try:
            return key, json.loads(rest)
        except ValueError:
            return None
    if rest in ("true", "false"):
        return key, rest == "true"
    if any(c.isspace() for c in rest):
        return None  # yarn quotes every value with a space in it
    return key, rest


def _nested(section: dict[str, Any], text: str) -> None:
    """A ``name "range"`` line of a nested map; a value yarn would not write still names the
    key."""
    field = _field(text)
    if field is not None:
        section[field[0]] = field[1]
        return
    m = _QUOTED.match(text) if text.startswith('"') else _BARE_KEY.match(text)
    if m is not None:
        try:
            key = json.loads(m.group()) if text.startswith('"') else m.group()
        except ValueError:
            return
        section[key] = None


def _graph(fields: Any, sections: tuple[str, ...], *, protocol: bool) -> tuple[str, ...]:
    """The names of the packages the dependency maps `sections` of an entry name."""
    names: list[str] = []
    for section in sections:
        deps = fields.get(section)
        if isinstance(deps, dict):
            names += [dependency_name(n, spec, protocol=protocol) for n, spec in deps.items()]
    return requires(names)


def _descriptors(fields: Any, sections: tuple[str, ...]) -> tuple[str, ...]:
    """The same edges as yarn resolves them: the descriptor ``name@range`` (``my-ms@npm:ms@2``
    for an alias), which is one of the patterns of the entry it reaches; the bare name for a
    value yarn would not write."""
    out: set[str] = set()
    for section in sections:
        deps = fields.get(section)
        if isinstance(deps, dict):
            out.update(f"{n}@{spec}" if isinstance(spec, str) and spec else n for n, spec in deps.items())
    return tuple(sorted(out))


def _v1_dependency(path: str, entry: _Entry) -> Dependency:
    install_name, spec = split_descriptor(entry.patterns[0])
    name, spec = alias_target(install_name, spec)
    fields = entry.fields
    version = fields.get("version") if isinstance(fields.get("version"), str) else None
    resolved = fields.get("resolved") if isinstance(fields.get("resolved"), str) else None
    hashes = list(integrity_hashes(fields.get("integrity")))
    source, url, artifact_urls = SourceKind.REGISTRY, None, ()
    if resolved:
        found = classify_resolved(resolved)
        source, url = found.kind, found.url
        if found.kind is SourceKind.VCS:
            version = found.commit
        elif found.kind in (SourceKind.REGISTRY, SourceKind.URL):
            artifact_urls = (resolved,)
            sha1 = hex_hash("sha1", found.sha1 or "")
            if sha1 and sha1 not in hashes:
                hashes.append(sha1)
    elif spec.startswith(("file:", "link:", "portal:", "workspace:", ".", "/", "~/")):
        source, url = SourceKind.PATH, spec.partition(":")[2] if ":" in spec else spec
    return Dependency(
        ecosystem=ECOSYSTEM,
        name=name,
        location=Location(path, entry.line, entry.last),
        source=source,
        specifier=version or "",
        version=version,
        hashes=tuple(hashes),
        url=url,
        artifact_urls=artifact_urls,
        extras=tuple(entry.patterns),
        text=", ".join(entry.patterns),
        requires=_graph(fields, _V1_GRAPH, protocol=False),
        requires_exact=_descriptors(fields, _V1_GRAPH),
    )


# -- berry -------------------------------------------------------------------------------------

_PATH_PROTOCOLS = ("file:", "link:", "portal:", "exec:")


def _berry(path: str, text: str) -> tuple[list[Dependency], list[ScanError]]:
    doc = load_yaml_mapping(text, "yarn.lock")
    meta = doc.get("__metadata")
    if not isinstance(meta, dict):
        raise ManifestError("`__metadata` must be a mapping", doc.span("__metadata")[0] or None)
    out: list[Dependency] = []
    errors: list[ScanError] = []
    for key, entry in doc.items():
        if key == "__metadata":
            continue
        first, last = doc.span(key)
        location = Location(path, first, last)
        if not isinstance(entry, YamlMap):
            errors.append(ScanError(path, f"yarn.lock entry `{_shorten(key)}` must be a mapping", first or None))
            continue
        descriptors = [d.strip() for d in key.split(",") if d.strip()]
        resolution = entry.get("resolution")
        if not isinstance(resolution, str) or not resolution:
            if not descriptors:
                errors.append(ScanError(path, "yarn.lock entry without descriptors", first or None))
                continue
            resolution = descriptors[0]
        out.append(_berry_dependency(key, entry, descriptors, resolution, location))
    return out, errors


def _berry_dependency(
    key: str, entry: YamlMap, descriptors: list[str], resolution: str, location: Location
) -> Dependency:
    name, reference = split_descriptor(resolution)
    version = entry.get("version") if isinstance(entry.get("version"), str) else None
    checksum = entry.get("checksum")
    hashes: tuple[str, ...] = ()
    if isinstance(checksum, str) and checksum:
        digest = checksum.rsplit("/", 1)[-1]
        found = hex_hash("sha512", digest)
        hashes = (found,) if found else ()
    fields: dict[str, Any] = {"source": SourceKind.REGISTRY}
    kind, url, commit = _berry_reference(reference)
    if kind is SourceKind.VIRTUAL:
        fields = {"source": kind, "url": folder_key(url or "."), "extras": _workspace_declares(entry)}
        version = None
    else:
        fields = {"source": kind, "url": url, "extras": tuple(descriptors)}
        if kind is SourceKind.VCS:
            version = commit
        elif url:
            fields["artifact_urls"] = (url,)
    return Dependency(
        ecosystem=ECOSYSTEM,
        name=name or None,
        location=location,
        specifier=version or "",
        version=version,
        hashes=hashes,
        text=key,
        requires=_graph(entry, _BERRY_GRAPH, protocol=True),
        requires_exact=_descriptors(entry, _BERRY_GRAPH),
        **fields,
    )


def _berry_reference(reference: str) -> tuple[SourceKind, str | None, str | None]:
    """``(source, url, commit)`` of a berry locator's reference."""
    ref = reference.strip()
    for _ in range(8):  # `patch:<descriptor, url-encoded>#<patch>`: judged as the package it patches
        if not ref.lower().startswith("patch:"):
            break
        ref = split_descriptor(unquote(ref[len("patch:"):].split("#", 1)[0]))[1].strip()
    lower = ref.lower()
    if lower.startswith("workspace:"):
        return SourceKind.VIRTUAL, ref[len("workspace:"):], None
    if lower.startswith(_PATH_PROTOCOLS):
        return SourceKind.PATH, ref.split("::", 1)[0].split("#", 1)[0].partition(":")[2], None
    if lower.startswith("npm:") or ":" not in ref:
        return SourceKind.REGISTRY, None, None
    found = classify_resolved(ref)
    if found.kind is SourceKind.VCS or (
        found.kind is SourceKind.URL and ("#commit=" in ref or ".git#" in ref or ref.endswith(".git"))
    ):
        return SourceKind.VCS, ref, found.commit
    if found.kind is SourceKind.PATH:
        return SourceKind.REGISTRY, None, None  # another registry protocol (jsr:, …)
    return found.kind, ref, None


def _workspace_declares(entry: YamlMap) -> tuple[str, ...]:
    out: list[str] = []
    for section in ("dependencies", "peerDependencies"):
        deps = entry.get(section)
        if isinstance(deps, dict):
            out += [f"{n}@{r}" if isinstance(r, str) else n for n, r in deps.items()]
    return tuple(dict.fromkeys(out))
