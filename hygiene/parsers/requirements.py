"""pip requirements and constraints files.

pip's own grammar is applied by `pip-requirements-parser` (a vendored copy of pip's parser):
line continuations, comments, per-requirement options such as several ``--hash``, markers,
extras, editables, VCS, URL and path requirements, and option lines. We drive its building
blocks one file at a time from text the scan has already read (so size limits and the
no-escape rule hold), and resolve ``-r``/``-c`` ourselves: includes are recorded on the
`Manifest` and followed by the checks, never read by the parser.
"""

from __future__ import annotations

import optparse
import posixpath
import re
import shlex
from collections.abc import Iterator
from functools import lru_cache

import pip_requirements_parser as prp
from packaging.markers import InvalidMarker, Marker

from hygiene.model import (
    Dependency,
    Include,
    Location,
    Manifest,
    ManifestKind,
    ScanError,
    Setting,
    SourceKind,
)
from hygiene.urls import is_remote, transport
from hygiene.versions import exact_version

_ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")

# --- a faster line parser with pip's exact semantics -------------------------------------
#
# pip (and pip-requirements-parser) build a new optparse parser for every line, because
# optparse's "append" options append to the *shared* default lists. Building the parser is
# ~70% of the parse time. One parser with fresh copies of the list defaults per line behaves
# identically. ``shlex.split`` is likewise replaced by ``str.split`` only where the two are
# provably equal: printable ASCII with no quote or backslash characters.

_LINE_PARSER = prp.build_parser()
_LIST_DEFAULTS = {k for k, v in _LINE_PARSER.defaults.items() if isinstance(v, list)}
_NEEDS_SHLEX = re.compile(r"[^\x21-\x7e \t\r\n]|['\"\\]")


def _parse_line(line: str) -> tuple[str, optparse.Values, list[str]]:
    defaults = dict(_LINE_PARSER.defaults)
    for key in _LIST_DEFAULTS:
        defaults[key] = list(defaults[key])
    args_str, options_str = prp.break_args_options(line)
    tokens = shlex.split(options_str) if _NEEDS_SHLEX.search(options_str) else options_str.split()
    opts, arguments = _LINE_PARSER.parse_args(tokens, optparse.Values(defaults))
    return args_str, opts, arguments


# Options newer pips accept that the vendored parser does not know.
_NEWER_PIP_OPTIONS = {"--no-require-hashes": "no-require-hashes"}


def parse_requirements_file(path: str, text: str, kind: ManifestKind = ManifestKind.REQUIREMENTS) -> Manifest:
    """Parse one requirements/constraints file into a `Manifest`.

    `path` is root-relative; includes are resolved relative to this file's folder and recorded
    as `Include` records (``resolved`` is None when the target is remote or escapes the root).
    """
    deps: list[Dependency] = []
    settings: list[Setting] = []
    includes: list[Include] = []
    errors: list[ScanError] = []
    constraint_file = kind is ManifestKind.CONSTRAINTS

    fast_match = _FAST.fullmatch if FAST_PATH else None
    for number, end, line, comment in _logical_lines(text):
        if comment:
            continue
        if fast_match is not None:
            m = fast_match(line)
            if m is not None:
                simple = _simple_dependency(line, m, Location(path, number, end), constraint_file)
                if simple is not None:
                    deps.append(simple)
                    continue
        location = Location(path, number, end)
        for parsed in _parse_with_pip(path, number, line):
            if isinstance(parsed, prp.InvalidRequirementLine):
                stripped = line.strip()
                newer = _NEWER_PIP_OPTIONS.get(stripped.split()[0] if stripped else "")
                if newer and len(stripped.split()) == 1:
                    settings.append(Setting(newer, "true", location))
                    continue
                errors.append(ScanError(path, f"pip cannot parse this line: {_first_line(parsed.error_message)}", number))
            elif isinstance(parsed, prp.OptionLine):
                _option_settings(parsed.options, location, path, settings, includes)
            elif isinstance(parsed, prp.InstallRequirement):
                deps.append(_dependency(parsed, location, constraint_file))
    return Manifest(
        path=path,
        kind=kind,
        dependencies=tuple(deps),
        settings=tuple(settings),
        includes=tuple(includes),
        errors=tuple(errors),
    )


# --- the common line, without the general machinery -----------------------------------------
#
# Most lines of real requirements files (all of pip-compile's output) have one shape:
# ``name[extras] <op> <version>[, <op> <version>…] [--hash=alg:hex …]`` with plain numeric
# versions, no marker, URL, quote or escape. For that shape pip's grammar leaves nothing to
# decide, so we read it with one regular expression instead of optparse + packaging (5x faster).
# Every other line goes through pip's parser. tests/parsers/test_requirements_fast_path.py
# checks, line by line over a large generated corpus, that both paths give identical records.

FAST_PATH = True

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_REL = r"[0-9]+(?:\.[0-9]+)*"
_ONE = (
    rf"(?:(?:==|!=)[ \t]*{_REL}(?:\.\*)?"  # == and != may end in .*
    rf"|~=[ \t]*[0-9]+(?:\.[0-9]+)+"  # ~= needs two release segments
    rf"|(?:===|<=|>=|<|>)[ \t]*{_REL})"
)
_FAST = re.compile(
    rf"(?P<name>{_NAME})[ \t]*"
    rf"(?:\[[ \t]*(?P<extras>{_NAME}(?:[ \t]*,[ \t]*{_NAME})*)?[ \t]*\])?[ \t]*"
    rf"(?P<spec>{_ONE}(?:[ \t]*,[ \t]*{_ONE})*)?"
    r"(?:[ \t]*;(?P<marker>[^#]*?))?"
    r"(?P<hashes>(?:[ \t]+--hash(?:=|[ \t]+)[A-Za-z0-9]+:[0-9A-Fa-f]+)*)"
    r"[ \t]*"
)
_SPEC_PART = re.compile(r"(===|==|!=|<=|>=|~=|<|>)[ \t]*([0-9.*]+)")
_HASH_PART = re.compile(r"--hash(?:=|[ \t]+)([A-Za-z0-9]+:[0-9A-Fa-f]+)")


@lru_cache(maxsize=4096)
def _marker(text: str) -> str | None:
    """A marker as packaging writes it, or None when packaging would refuse it."""
    try:
        return str(Marker(text))
    except InvalidMarker:
        return None


def _simple_dependency(line: str, m: re.Match, location: Location, constraint: bool) -> Dependency | None:
    marker_text = m.group("marker")
    marker = None
    if marker_text is not None:
        # pip splits a line into requirement and options at the first word starting with "-";
        # a marker holding such a word is not the simple shape.
        if " -" in marker_text or "\t-" in marker_text:
            return None
        marker = _marker(marker_text.strip())
        if marker is None:
            return None
    spec_text = m.group("spec")
    version = None
    if not spec_text:
        specifier = ""
    elif spec_text[:2] == "==" and spec_text[2:3] != "=" and "," not in spec_text:
        # The pin pip-compile writes: one `==` with a plain version is exact by itself.
        version = spec_text[2:].strip()
        specifier = "==" + version
        if version.endswith("*"):
            version = None
    else:
        # packaging writes a specifier set as its specifiers, sorted, without spaces.
        specifier = ",".join(sorted(op + ver for op, ver in _SPEC_PART.findall(spec_text)))
        version = exact_version(specifier)
    extras = m.group("extras")
    return Dependency(
        ecosystem="pypi",
        name=m.group("name"),
        location=location,
        source=SourceKind.REGISTRY,
        specifier=specifier,
        version=version,
        hashes=tuple(_HASH_PART.findall(m.group("hashes"))) if m.group("hashes") else (),
        extras=tuple(sorted({e.strip() for e in extras.split(",")})) if extras else (),
        marker=marker,
        constraint=constraint,
        text=line[:300] if "  " not in line and "\t" not in line else " ".join(line.split())[:300],
    )


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "invalid line"



def _logical_lines(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """pip's line preprocessing — join backslash continuations (a comment-only line ends one),
    split off comments, strip, drop blank lines — as ``(first line, last line, text,
    is_comment)``. Same result as `pip_requirements_parser.preprocess` (see `preprocess`), in
    one pass and without a regular-expression split for lines that hold no ``#``."""
    comment_match = prp.COMMENT_RE.match
    comment_split = prp.COMMENT_RE.split
    primary = 0
    pending: list[str] = []
    number = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.endswith("\\") and not comment_match(line):
            if not pending:
                primary = number
            pending.append(line.strip("\\"))
            continue
        first = number
        if comment_match(line):
            line = " " + line
        if pending:
            pending.append(line)
            first, line = primary, "".join(pending)
            pending = []
        stripped = line.strip()
        if "#" not in line:
            if stripped:
                yield first, number, stripped, False
            continue
        if stripped[:1] == "#":  # a comment-only line (pip-compile's "# via …")
            yield first, number, stripped, True
            continue
        parts = [part.strip() for part in comment_split(line) if part.strip()]
        if len(parts) == 1:
            yield first, number, parts[0], parts[0].startswith("#")
        elif len(parts) == 2:
            yield first, number, parts[0], False
            yield first, number, parts[1], True
    if pending:
        line = "".join(pending)
        if "#" not in line:
            if line.strip():
                yield primary, number, line.strip(), False
        else:
            parts = [part.strip() for part in comment_split(line) if part.strip()]
            for i, part in enumerate(parts[:2]):
                yield primary, number, part, part.startswith("#") if len(parts) == 1 else i == 1


def preprocess(text: str) -> list[prp.TextLine | prp.CommentLine]:
    """`_logical_lines` in the shape of `pip_requirements_parser.preprocess`, to test one
    against the other."""
    return [
        (prp.CommentLine if comment else prp.TextLine)(line_number=first, line=line)
        for first, _, line, comment in _logical_lines(text)
    ]


def _parse_with_pip(path: str, number: int, line: str) -> Iterator[object]:
    """One logical line through pip-requirements-parser's own handling."""
    req_line = prp.RequirementLine(line=line, line_number=number, filename=path)
    try:
        requirement_string, options, arguments = _parse_line(line)
    except Exception as exc:  # optparse errors, shlex errors on unbalanced quotes
        yield prp.InvalidRequirementLine(requirement_line=req_line, error_message=str(getattr(exc, "msg", exc)))
        return
    parsed_line = prp.ParsedLine(
        requirement_string=requirement_string,
        options=options,
        is_constraint=False,
        requirement_line=req_line,
        arguments=arguments,
    )
    for item in prp.handle_line(parsed_line=parsed_line):
        if isinstance(item, prp.ParsedRequirement):
            try:
                req = prp.build_req_from_parsedreq(item)
            except Exception as exc:  # packaging.requirements.InvalidRequirement and friends
                yield prp.InvalidRequirementLine(requirement_line=req_line, error_message=str(exc))
                continue
            if req.invalid_options:
                yield prp.InvalidRequirementLine(
                    requirement_line=req_line,
                    error_message="options not allowed on a requirement line: "
                    + ", ".join(sorted(req.invalid_options)),
                )
            else:
                yield req
        else:
            yield item


def _option_settings(
    options: dict,
    location: Location,
    path: str,
    settings: list[Setting],
    includes: list[Include],
) -> None:
    single = {"index_url": "index-url"}
    multi = {
        "extra_index_urls": "extra-index-url",
        "trusted_hosts": "trusted-host",
        "find_links": "find-links",
    }
    for dest, name in single.items():
        if options.get(dest):
            settings.append(Setting(name, str(options[dest]), location))
    for dest, name in multi.items():
        for value in options.get(dest) or ():
            settings.append(Setting(name, str(value), location))
    if options.get("require_hashes"):
        settings.append(Setting("require-hashes", "true", location))
    if options.get("no_index"):
        settings.append(Setting("no-index", "true", location))
    for dest, constraint in (("requirements", False), ("constraints", True)):
        for target in options.get(dest) or ():
            includes.append(Include(str(target), resolve_include(path, str(target)), constraint, location))


def resolve_include(including: str, target: str) -> str | None:
    """Resolve a ``-r``/``-c`` target the way pip does (relative to the including file),
    as a root-relative path; None for remote targets and for paths that leave the root."""
    if transport(target):
        return None  # remote, or a file:// URL (an absolute path): neither is read
    if target.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", target):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(including), target.replace("\\", "/")))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


def _dependency(req: prp.InstallRequirement, location: Location, constraint: bool) -> Dependency:
    link = req.link
    url = link.url if link is not None else None
    if req.is_vcs_url:
        source = SourceKind.VCS
    elif url is not None and is_remote(url):
        source = SourceKind.URL
    elif url is not None:
        source = SourceKind.PATH
    else:
        source = SourceKind.REGISTRY
    specifier = str(req.specifier) if req.req is not None and req.specifier else ""
    return Dependency(
        ecosystem="pypi",
        name=req.name,
        location=location,
        source=source,
        specifier=specifier,
        version=exact_version(specifier) if specifier else None,
        hashes=tuple(req.hash_options),
        url=url,
        editable=bool(req.is_editable),
        extras=tuple(sorted(req.extras or ())),
        marker=str(req.marker) if req.marker else None,
        constraint=constraint,
        text=" ".join((req.line or "").split())[:300],
    )


def is_archive(url_or_path: str) -> bool:
    base = url_or_path.split("#", 1)[0].split("?", 1)[0].lower()
    return base.endswith(_ARCHIVE_SUFFIXES)


def parse_requirements(path: str, text: str) -> Manifest:
    return parse_requirements_file(path, text, ManifestKind.REQUIREMENTS)


def parse_constraints(path: str, text: str) -> Manifest:
    return parse_requirements_file(path, text, ManifestKind.CONSTRAINTS)


def parse_pip_compile_input(path: str, text: str) -> Manifest:
    return parse_requirements_file(path, text, ManifestKind.PIP_COMPILE_INPUT)
