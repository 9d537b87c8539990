"""Where things are written in TOML and JSON lockfiles, and loading them.

`tomllib` and `json` return plain dicts and lists without positions, but every finding on a
lockfile entry must point at the line where the entry starts. The locators here re-read the
text with a small regex-driven tokenizer and map *key paths* to lines. A path is a tuple of
``str`` keys and ``int`` indexes, exactly the subscripts that reach the value in the loaded
document::

    [[package]]                  # ("package", 3)           the 4th [[package]] header
    name = "anyio"               # ("package", 3, "name")
    wheels = [                   # ("package", 3, "wheels")
        { url = "…" },           # ("package", 3, "wheels", 0), (…, 0, "url")
    ]
    [package.metadata]           # ("package", 3, "metadata")

The locators never raise: on text that is not valid TOML/JSON they return whatever they could
map before losing track (parsers call them only on text the real loader accepted). Parsers
load documents through `load_toml` / `load_json`, which turn decoder errors into
`ManifestError` with the line the decoder names.
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from typing import Any, Union

from hygiene.model import Location
from hygiene.parsers.base import ManifestError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

KeyPath = tuple[Union[str, int], ...]

# Deeper nesting than this is not a lockfile; stop mapping instead of recursing further.
_MAX_DEPTH = 100

_NEWLINE = re.compile(r"\n")
_WS = re.compile(r"[ \t]*")
# Whitespace, newlines and comments between array items and statements.
_WS_NL = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_REST_OF_LINE = re.compile(r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)")
_TO_EOL = re.compile(r"[^\n]*\n?")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Strings. Written as "unrolled loops" so that a failed match costs linear time.
_BASIC = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')
_LITERAL = re.compile(r"'([^'\n]*)'")
# A multi-line basic string: any run of one or two quotes may occur inside, and up to two
# quotes may directly precede the closing delimiter (`"""a""""` is the string `a"`).
_ML_BASIC = re.compile(r'"""[^"\\]*(?:(?:\\[\s\S]|""?(?!"))[^"\\]*)*"""(?:""?)?')
_ML_LITERAL = re.compile(r"'''[\s\S]*?'''(?:''?)?")
# Numbers, booleans, dates and times (a local date-time may contain one space).
_SCALAR = re.compile(r"[^\s,\]}#\[{\"'=]+(?:[ ][0-9][^\s,\]}#\[{\"'=]*)?")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})|(.))", re.S)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b",
                   '"': '"', "\\": "\\"}


class _Lost(Exception):
    """The tokenizer lost track at `pos`; the caller resynchronises at the next line."""

    def __init__(self, pos: int) -> None:
        self.pos = pos


def _unescape(raw: str) -> str:
    """Decode the escapes of a TOML basic string (used for quoted keys)."""
    if "\\" not in raw:
        return raw

    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2) or m.group(3)
        if code:
            try:
                return chr(int(code, 16))
            except (ValueError, OverflowError):
                return m.group(0)
        return _SIMPLE_ESCAPES.get(m.group(4), m.group(0))

    return _ESCAPE.sub(one, raw)


class _TomlScanner:
    """One pass over TOML text recording ``path -> [first_line, last_line]``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.line_starts = starts
        self.spans: dict[KeyPath, list[int]] = {}

    def line(self, pos: int) -> int:
        return bisect_right(self.line_starts, pos)

    # -- values ---------------------------------------------------------------------------

    def key(self, pos: int) -> tuple[tuple[str, ...], int]:
        """A (dotted) key at `pos`; returns its parts and the position after it."""
        text = self.text
        parts: list[str] = []
        while True:
            c = text[pos : pos + 1]
            if c == '"':
                m = _BASIC.match(text, pos)
                if m is None:
                    raise _Lost(pos)
                parts.append(_unescape(m.group(1)))
            elif c == "'":
                m = _LITERAL.match(text, pos)
                if m is None:
                    raise _Lost(pos)
                parts.append(m.group(1))
            else:
                m = _BARE_KEY.match(text, pos)
                if m is None:
                    raise _Lost(pos)
                parts.append(m.group())
            pos = m.end()
            after = _WS.match(text, pos).end()
            if text.startswith(".", after):
                pos = _WS.match(text, after + 1).end()
                continue
            return tuple(parts), pos

    def value(self, pos: int, path: KeyPath, depth: int) -> int:
        """Skip the value at `pos` (recording its nested keys and items); return its end."""
        text = self.text
        c = text[pos : pos + 1]
        if c == '"':
            if text.startswith('"""', pos):
                m = _ML_BASIC.match(text, pos)
                if m is None:  # unterminated: everything after is inside the string
                    raise _Lost(self.n)
                return m.end()
            m = _BASIC.match(text, pos)
        elif c == "'":
            if text.startswith("'''", pos):
                m = _ML_LITERAL.match(text, pos)
                if m is None:
                    raise _Lost(self.n)
                return m.end()
            m = _LITERAL.match(text, pos)
        elif c == "[":
            return self.array(pos, path, depth + 1)
        elif c == "{":
            return self.inline_table(pos, path, depth + 1)
        else:
            m = _SCALAR.match(text, pos)
        if m is None:
            raise _Lost(pos)
        return m.end()

    def array(self, pos: int, path: KeyPath, depth: int) -> int:
        if depth > _MAX_DEPTH:
            raise _Lost(pos)
        text, n, spans, line = self.text, self.n, self.spans, self.line
        ws = _WS_NL.match
        pos += 1
        index = 0
        while True:
            pos = ws(text, pos).end()
            if pos >= n:
                raise _Lost(n)
            if text[pos] == "]":
                return pos + 1
            item = path + (index,)
            end = self.value(pos, item, depth)
            spans[item] = [line(pos), line(end - 1)]
            index += 1
            pos = ws(text, end).end()
            c = text[pos : pos + 1]
            if c == ",":
                pos += 1
            elif c == "]":
                return pos + 1
            else:
                raise _Lost(pos)

    def inline_table(self, pos: int, path: KeyPath, depth: int) -> int:
        if depth > _MAX_DEPTH:
            raise _Lost(pos)
        text, n = self.text, self.n
        ws = _WS_NL.match  # newlines inside inline tables are TOML 1.1; accept them
        pos += 1
        while True:
            pos = ws(text, pos).end()
            if pos >= n:
                raise _Lost(n)
            if text[pos] == "}":
                return pos + 1
            end = self.key_value(pos, path, depth)
            pos = ws(text, end).end()
            c = text[pos : pos + 1]
            if c == ",":
                pos += 1
            elif c == "}":
                return pos + 1
            else:
                raise _Lost(pos)

    def key_value(self, pos: int, table: KeyPath, depth: int) -> int:
        """``key = value`` at `pos` inside `table`; records the key; returns the end."""
        text = self.text
        keys, after = self.key(pos)
        after = _WS.match(text, after).end()
        if not text.startswith("=", after):
            raise _Lost(after)
        vpos = _WS.match(text, after + 1).end()
        path = table + keys
        end = self.value(vpos, path, depth)
        first, last = self.line(pos), self.line(end - 1)
        spans = self.spans
        spans[path] = [first, last]
        for k in range(len(table) + 1, len(path)):  # dotted key: its implicit tables
            span = spans.setdefault(path[:k], [first, last])
            if span[1] < last:
                span[1] = last
        return end

    # -- statements -----------------------------------------------------------------------

    def header(self, pos: int, counts: dict[KeyPath, int]) -> tuple[KeyPath, int]:
        """A ``[table]`` or ``[[array.of.tables]]`` header; returns its path and end."""
        text = self.text
        array = text.startswith("[[", pos)
        keys, after = self.key(_WS.match(text, pos + (2 if array else 1)).end())
        after = _WS.match(text, after).end()
        close = "]]" if array else "]"
        if not text.startswith(close, after):
            raise _Lost(after)
        line = self.line(pos)
        spans = self.spans
        path: KeyPath = ()
        for key in keys[:-1]:
            path += (key,)
            count = counts.get(path)
            if count:  # a [[x]] seen before: [x.y] and [[x.y]] belong to its latest table
                path += (count - 1,)
            spans.setdefault(path, [line, line])
        path += (keys[-1],)
        if array:
            count = counts.get(path, 0)
            counts[path] = count + 1
            spans.setdefault(path, [line, line])
            path += (count,)
        spans[path] = [line, line]
        return path, after + len(close)

    def run(self) -> dict[KeyPath, list[int]]:
        text, n, spans = self.text, self.n, self.spans
        counts: dict[KeyPath, int] = {}
        table: KeyPath | None = ()
        # The spans that a statement in the current table extends: the table's own and
        # those of every enclosing table (an entry ends where its last subtable ends).
        open_spans: list[list[int]] = []
        pos = 1 if text.startswith("\ufeff") else 0
        while True:
            pos = _WS_NL.match(text, pos).end()
            if pos >= n:
                break
            try:
                if text[pos] == "[":
                    table, end = self.header(pos, counts)
                    open_spans = [spans[table[:k]] for k in range(1, len(table) + 1)
                                  if table[:k] in spans]
                    last = self.line(pos)
                    for span in open_spans:
                        if span[1] < last:
                            span[1] = last
                elif table is None:  # keys under a header we could not read
                    raise _Lost(pos)
                else:
                    end = self.key_value(pos, table, 0)
                    last = self.line(end - 1)
                    for span in open_spans:
                        if span[1] < last:
                            span[1] = last
            except _Lost as lost:
                if text[pos] == "[":
                    table = None
                pos = _TO_EOL.match(text, max(lost.pos, pos)).end()
                continue
            m = _REST_OF_LINE.match(text, end)
            pos = m.end() if m else _TO_EOL.match(text, end).end()
        return spans


def toml_spans(text: str) -> dict[KeyPath, tuple[int, int]]:
    """Map every key, array item and table of TOML `text` to its first and last line
    (1-based, inclusive). A table's last line is that of its last key or subtable, so
    ``("package", 3)`` spans the whole 4th ``[[package]]`` entry. Never raises."""
    return {path: (a, b) for path, (a, b) in _TomlScanner(text).run().items()}


def toml_lines(text: str) -> dict[KeyPath, int]:
    """Map every key, array item and table of TOML `text` to the line where it starts
    (1-based). Never raises."""
    return {path: span[0] for path, span in _TomlScanner(text).run().items()}


# -- JSON -------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(
    r'(\n)|[ \t\r]+|("[^"\\\n]*(?:\\.[^"\\\n]*)*")|([{}\[\]:,])|([^\s{}\[\]:,"]+)|(.)'
)
_NL, _STR, _PUNCT, _SCALAR_TOK, _JUNK = 1, 2, 3, 4, 5


def json_spans(text: str) -> dict[KeyPath, tuple[int, int]]:
    """Map every object key and array item of JSON `text` to the first and last line of
    its member (the key's line to the line where its value ends). Never raises."""
    spans: dict[KeyPath, tuple[int, int]] = {}
    # Token stream without whitespace: (kind, text, line).
    tokens: list[tuple[int, str, int]] = []
    line = 1
    for m in _JSON_TOKEN.finditer(text):
        kind = m.lastindex
        if kind is None:
            continue
        if kind == _NL:
            line += 1
        elif kind == _JUNK:
            break
        else:
            tokens.append((kind, m.group(kind), line))
    tokens.append((0, "", line))  # end marker

    pos = 0

    def key_of(token: str) -> str:
        try:
            return str(json.loads(token))
        except ValueError:
            return token[1:-1]

    def value(path: KeyPath, depth: int) -> int:
        """Consume one value; return the line of its last token."""
        nonlocal pos
        kind, tok, ln = tokens[pos]
        if kind == _PUNCT and tok in "[{" and depth < _MAX_DEPTH:
            pos += 1
            closer = "]" if tok == "[" else "}"
            index = 0
            while True:
                kind, tok, ln = tokens[pos]
                if kind == _PUNCT and tok == closer:
                    pos += 1
                    return ln
                if closer == "}":
                    if kind != _STR:
                        raise _Lost(pos)
                    member = path + (key_of(tok),)
                    start = ln
                    pos += 1
                    if tokens[pos][1] != ":" or tokens[pos][0] != _PUNCT:
                        raise _Lost(pos)
                    pos += 1
                else:
                    member = path + (index,)
                    start = ln
                    index += 1
                spans[member] = (start, start)  # kept if the value turns out to be garbage
                spans[member] = (start, value(member, depth + 1))
                kind, tok, ln = tokens[pos]
                if kind == _PUNCT and tok == ",":
                    pos += 1
                elif not (kind == _PUNCT and tok == closer):
                    raise _Lost(pos)
        if kind in (_STR, _SCALAR_TOK):
            pos += 1
            return ln
        raise _Lost(pos)

    try:
        value((), 0)
    except _Lost:
        pass
    return spans


def json_lines(text: str) -> dict[KeyPath, int]:
    """Map every object key and array item of JSON `text` to the line where it starts
    (the key's line for members). Never raises."""
    return {path: span[0] for path, span in json_spans(text).items()}


# -- loading ----------------------------------------------------------------------------------

_TOML_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$|\s*\(at end of document\)\s*$")


def load_toml(text: str) -> dict[str, Any]:
    """Parse TOML text; raise `ManifestError` naming the decoder's reason and line."""
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        message = str(getattr(exc, "msg", None) or exc)
        line = getattr(exc, "lineno", None)
        m = _TOML_AT_LINE.search(message)
        if m:
            if line is None and m.group(1):
                line = int(m.group(1))
            message = message[: m.start()]
        if line is None and "end of document" in str(exc):  # the last line with content
            line = text.rstrip().count("\n") + 1
        raise ManifestError(f"invalid TOML: {message}", line) from None
    except RecursionError:
        raise ManifestError("invalid TOML: nested too deeply") from None


def load_json(text: str) -> Any:
    """Parse JSON text; raise `ManifestError` naming the decoder's reason and line."""
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise ManifestError("invalid JSON: nested too deeply") from None


def normalize_hash(value: object) -> str | None:
    """``"sha256:ABC"``, ``"sha256=abc"`` → ``"sha256:abc"`` (lower-case algorithm; the
    digest as written, lower-cased when hexadecimal). None when it is not a hash."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    for sep in (":", "="):
        alg, found, digest = value.partition(sep)
        if found and alg and digest and alg.replace("-", "").replace("_", "").isalnum():
            digest = digest.strip()
            if all(ch in "0123456789abcdefABCDEF" for ch in digest):
                digest = digest.lower()
            return f"{alg.strip().lower()}:{digest}"
    return None


def span_location(path: str, spans: dict[KeyPath, tuple[int, int]], key: KeyPath) -> Location:
    """The `Location` of `key` in a file at root-relative `path`; line 0 when unknown."""
    span = spans.get(key)
    if span is None:
        return Location(path)
    return Location(path, span[0], span[1])


def span_line(spans: dict[KeyPath, tuple[int, int]], key: KeyPath) -> int | None:
    """The first line of `key`, or None when it is not mapped (for `ManifestError`)."""
    span = spans.get(key)
    return span[0] if span else None


def tables_in(value: object) -> list[dict[str, Any]]:
    """The tables of an array (``wheels``, ``files``); nothing when it is not an array."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def strings_in(value: object) -> tuple[str, ...]:
    """The strings of an array (``extras``, ``groups``); nothing when it is not an array."""
    return tuple(i for i in value if isinstance(i, str)) if isinstance(value, list) else ()


def unique(items: list[str]) -> tuple[str, ...]:
    """`items` without repeats, in first-seen order."""
    return tuple(dict.fromkeys(items))
