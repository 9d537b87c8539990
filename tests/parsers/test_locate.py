"""The TOML/JSON line locators: exact lines for every path, all string forms, and no
exception on any input."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import pytest

from hygiene.parsers.base import ManifestError
from hygiene.parsers.locate import (
    json_lines,
    json_spans,
    load_json,
    load_toml,
    normalize_hash,
    toml_lines,
    toml_spans,
)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

LOCKS = Path(__file__).parent.parent / "data" / "locks"


def paths_of(obj, prefix=()):
    """Every key and index path of a loaded document."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield prefix + (key,)
            yield from paths_of(value, prefix + (key,))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield prefix + (index,)
            yield from paths_of(value, prefix + (index,))


# -- TOML -------------------------------------------------------------------------------------

ARRAYS_OF_TABLES = """\
version = 1

[[package]]
name = "a"
wheels = [
    { url = "https://x/a-1-py3-none-any.whl", hash = "sha256:00" },
    { url = "https://x/a-1-cp312-none-any.whl", hash = "sha256:01" },
]

[[ package ]]
name = "b"
sdist = { url = "https://x/b-1.tar.gz", hash = "sha256:02" }

[package.metadata]
requires-dist = [{ name = "a" }]

[[package.metadata.extra]]
x = 1

[[package.metadata.extra]]
x = 2

[[package]]
name = "c"
"""


def test_arrays_of_tables_index_by_occurrence():
    lines = toml_lines(ARRAYS_OF_TABLES)
    assert lines[("version",)] == 1
    assert lines[("package",)] == 3
    assert lines[("package", 0)] == 3
    assert lines[("package", 0, "name")] == 4
    assert lines[("package", 0, "wheels")] == 5
    assert lines[("package", 0, "wheels", 0)] == 6
    assert lines[("package", 0, "wheels", 0, "hash")] == 6
    assert lines[("package", 0, "wheels", 1)] == 7
    assert lines[("package", 1)] == 10
    assert lines[("package", 1, "sdist")] == 12
    assert lines[("package", 1, "sdist", "hash")] == 12
    assert lines[("package", 1, "metadata")] == 14
    assert lines[("package", 1, "metadata", "requires-dist", 0, "name")] == 15
    assert lines[("package", 1, "metadata", "extra", 0)] == 17
    assert lines[("package", 1, "metadata", "extra", 1, "x")] == 21
    assert lines[("package", 2)] == 23
    assert lines[("package", 2, "name")] == 24
    assert set(lines) == set(paths_of(tomllib.loads(ARRAYS_OF_TABLES)))


def test_spans_end_where_the_entry_and_its_subtables_end():
    spans = toml_spans(ARRAYS_OF_TABLES)
    assert spans[("package", 0)] == (3, 8)
    assert spans[("package", 0, "wheels")] == (5, 8)
    assert spans[("package", 1)] == (10, 21)  # [package.metadata] and its [[extra]] belong to it
    assert spans[("package", 1, "metadata")] == (14, 21)
    assert spans[("package", 2)] == (23, 24)
    assert spans[("package",)] == (3, 24)


# Written with <DQ3>/<SQ3> for the triple quotes, which a Python literal cannot hold both of.
STRINGS = r'''# a comment with "quotes" and [brackets] = { and } # more
"quoted.key" = 'literal # not a comment [x]'
'literal key' = "basic \"escaped\" ] } # \\"
"esc\u00e9\"key" = 1
dotted . key.deep = true
after = [ "]", '[', <DQ3>]<DQ3>, <SQ3>[<SQ3> ]  # trailing comment ]
ml_basic = <DQ3>
line with "one" and ""two"" quotes, ] [ } { # not a comment
\<DQ3>escaped delimiter\<DQ3>
ends with two quotes<DQ3>""
ml_literal = <SQ3>
it's '' here <SQ3> # comment
next = 'x'
arr = [  # comment [
  1,   # one ]
  [2, [3, {a = "}"}]],
  { "k" = 'v', n.m = 1979-05-27 07:32:00 },

  "last",
]
[ "table.with.dots" . sub ]
key = 1.5e3
[[ 'aot' ]]
x = -inf
[[aot]]
x = 0x1F
'''.replace("<DQ3>", '"' * 3).replace("<SQ3>", "'" * 3)


def test_every_string_form_and_comment():
    lines = toml_lines(STRINGS)
    doc = tomllib.loads(STRINGS)
    assert set(lines) == set(paths_of(doc))
    assert lines[("quoted.key",)] == 2
    assert lines[("literal key",)] == 3
    assert lines[('esc\u00e9"key',)] == 4
    assert lines[("dotted",)] == 5
    assert lines[("dotted", "key", "deep")] == 5
    assert lines[("after", 3)] == 6
    assert lines[("ml_basic",)] == 7
    assert lines[("ml_literal",)] == 11
    assert lines[("next",)] == 13
    assert lines[("arr",)] == 14
    assert lines[("arr", 0)] == 15
    assert lines[("arr", 1)] == 16
    assert lines[("arr", 1, 1, 1, "a")] == 16
    assert lines[("arr", 2, "k")] == 17
    assert lines[("arr", 2, "n", "m")] == 17
    assert lines[("arr", 3)] == 19
    assert lines[("table.with.dots", "sub")] == 21
    assert lines[("table.with.dots", "sub", "key")] == 22
    assert lines[("aot", 0)] == 23
    assert lines[("aot", 1, "x")] == 26
    spans = toml_spans(STRINGS)
    assert spans[("ml_basic",)] == (7, 10)
    assert spans[("arr",)] == (14, 20)


def test_crlf_line_endings_and_bom():
    text = "\ufeff" + ARRAYS_OF_TABLES.replace("\n", "\r\n")
    assert toml_lines(text) == toml_lines(ARRAYS_OF_TABLES)


class _TomlWriter:
    """Writes random valid TOML and records the line each path starts on."""

    CHARS = ['a', 'Z', '0', ' ', '#', '[', ']', '{', '}', ',', '=', "'", '.', '\u00e9']

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.parts: list[str] = []
        self.line = 1
        self.expected: dict[tuple, int] = {}
        self.counter = 0

    def write(self, s: str) -> None:
        self.parts.append(s)
        self.line += s.count("\n")

    def name(self) -> str:
        self.counter += 1
        return f"k{self.counter}"

    def key(self) -> tuple[str, str]:
        """(the key as written, the key)"""
        name = self.name()
        style = self.rnd.randrange(4)
        if style == 0:
            return name, name
        if style == 1:
            return f'"{name}.\\"q\\" \\u00e9"', f'{name}."q" \u00e9'
        if style == 2:
            return f"'{name} # ['", f"{name} # ["
        return name, name

    def text(self) -> str:
        return "".join(self.rnd.choice(self.CHARS) for _ in range(self.rnd.randrange(8)))

    def scalar(self, inline: bool) -> str:
        rnd = self.rnd
        kind = rnd.randrange(9)
        if inline and kind in (5, 6):  # no newlines inside an inline table (TOML 1.0)
            kind += 2
        if kind == 0:
            return str(rnd.randrange(-5, 1000))
        if kind == 1:
            return rnd.choice(["true", "false", "1.5", "-inf", "nan", "1_000", "0o17"])
        if kind == 2:
            return rnd.choice(["1979-05-27T07:32:00Z", "1979-05-27 07:32:00", "07:32:00",
                               "1979-05-27"])
        if kind == 3:
            return '"' + self.text().replace("'", "\\\"") + '"'
        if kind == 4:
            return "'" + self.text().replace("'", '"') + "'"
        if kind == 5:
            body = self.text() + '\n"x' + self.text() + '""y' + self.text() + "\n"
            return '"""' + body + rnd.choice(["", '"', '""']) + '"""'
        if kind == 6:
            body = "\n" + self.text().replace("'", "x") + "''y" + self.text() + "\n"
            return "'''" + body + rnd.choice(["", "'", "''"]) + "'''"
        if kind == 7:
            return '"""' + self.text() + '"""'
        return "'''" + self.text().replace("'", "x") + "'''"

    def value(self, path: tuple, depth: int, inline: bool = False) -> None:
        rnd = self.rnd
        kind = rnd.randrange(6) if depth < 3 else 0
        if inline and kind == 4:
            kind = 3
        if kind in (0, 1, 2):
            self.write(self.scalar(inline))
        elif kind == 3:  # inline array
            self.write("[")
            for i in range(rnd.randrange(4)):
                if i:
                    self.write(", ")
                self.expected[path + (i,)] = self.line
                self.value(path + (i,), depth + 1, inline)
            self.write("]")
        elif kind == 4:  # multi-line array with comments
            self.write("[ # open [\n")
            for i in range(rnd.randrange(4)):
                self.write("    ")
                self.expected[path + (i,)] = self.line
                self.value(path + (i,), depth + 1)
                self.write(", # item ]\n" if rnd.randrange(2) else ",\n\n")
            self.write("]")
        else:  # inline table
            self.write("{ ")
            for i in range(rnd.randrange(3)):
                if i:
                    self.write(", ")
                written, key = self.key()
                self.expected[path + (key,)] = self.line
                self.write(f"{written} = ")
                self.value(path + (key,), depth + 1, inline=True)
            self.write(" }")

    def key_values(self, table: tuple) -> None:
        for _ in range(self.rnd.randrange(1, 5)):
            written, key = self.key()
            if self.rnd.randrange(5) == 0:  # a dotted key: its implicit table starts here
                outer = self.name()
                self.expected[table + (outer,)] = self.line
                written, key = f"{outer} . {written}", key
                path = table + (outer, key)
            else:
                path = table + (key,)
            self.expected[path] = self.line
            self.write(f"{written} = ")
            self.value(path, 0)
            self.write(self.rnd.choice(["\n", "  # trailing ] comment\n", "\n\n"]))

    def document(self) -> str:
        rnd = self.rnd
        self.key_values(())
        for _ in range(rnd.randrange(1, 6)):
            self.write(rnd.choice(["\n", "# between tables [x]\n"]))
            written, key = self.key()
            if rnd.randrange(2):
                self.expected[(key,)] = self.line
                self.write(f"[ {written} ]\n")
                self.key_values((key,))
                continue
            for i in range(rnd.randrange(1, 4)):
                self.expected.setdefault((key,), self.line)
                self.expected[(key, i)] = self.line
                self.write(f"[[{written}]]\n" if rnd.randrange(2) else f"[[ {written} ]]\n")
                self.key_values((key, i))
                sub_written, sub = self.key()
                for j in range(rnd.randrange(3)):
                    self.expected.setdefault((key, i, sub), self.line)
                    self.expected[(key, i, sub, j)] = self.line
                    self.write(f"[[{written}.{sub_written}]]\n")
                    self.key_values((key, i, sub, j))
        return "".join(self.parts)


@pytest.mark.parametrize("seed", range(300))
def test_random_documents_agree_with_a_writer_that_counts_lines(seed):
    writer = _TomlWriter(random.Random(seed))
    text = writer.document()
    doc = tomllib.loads(text)  # the writer only writes valid TOML
    assert set(writer.expected) == set(paths_of(doc))
    assert toml_lines(text) == writer.expected


def test_every_path_of_the_fixture_locks_is_located():
    for path in LOCKS.glob("*/*"):
        text = path.read_text("utf-8")
        if path.name == "Pipfile.lock":
            assert set(json_lines(text)) == set(paths_of(json.loads(text))), path
        else:
            assert set(toml_lines(text)) == set(paths_of(tomllib.loads(text))), path


# -- JSON -------------------------------------------------------------------------------------

JSON_TEXT = """{
    "_meta": {"hash": {"sha256": "ab"},
        "sources": [
            {"name": "pypi", "url": "https://pypi.org/simple"},
            {"name": "brace } \\" [ ,", "url": "x"}
        ]
    },
    "default": {
        "a\\u00e9": {
            "hashes": [
                "sha256:00",
                "sha256:01"
            ],
            "version": "==1.0"
        },
        "empty": {}, "list": [], "n": -1.5e3, "t": true, "z": null
    }
}
"""


def test_json_lines():
    lines = json_lines(JSON_TEXT)
    assert set(lines) == set(paths_of(json.loads(JSON_TEXT)))
    assert lines[("_meta",)] == 2
    assert lines[("_meta", "hash", "sha256")] == 2
    assert lines[("_meta", "sources", 0)] == 4
    assert lines[("_meta", "sources", 1, "url")] == 5
    assert lines[("default", "a\u00e9")] == 9
    assert lines[("default", "a\u00e9", "hashes", 1)] == 12
    assert lines[("default", "a\u00e9", "version")] == 14
    assert lines[("default", "z")] == 16
    spans = json_spans(JSON_TEXT)
    assert spans[("default", "a\u00e9")] == (9, 15)
    assert spans[("_meta",)] == (2, 7)
    assert spans[("default", "empty")] == (16, 16)


# -- hostile input ----------------------------------------------------------------------------

HOSTILE = [
    "",
    "\n\n",
    "[",
    "[[",
    "[[]]",
    "a",
    "a =",
    "a = \"unterminated",
    'a = """unterminated\nb = 1\n',
    "a = '''unterminated",
    "a = [1, 2",
    "a = {b = 1",
    "a = [" * 50_000,
    "a = " + "{b = " * 50_000,
    "[a.b.c\nx = 1\n[d]\ny = 2\n",
    "= 1\n[[x]]\n]]\n",
    '"\\',
    "a = 1 2 3\nb = 2\n",
    "\x00\x01\x02[[\udcff]]",
    "{" * 10_000,
    '{"a": [' * 10_000,
    '{"a": "unterminated\n, "b": 1}',
    '{"a" 1}',
    "]]]}}}",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_locators_never_raise(text):
    for locate in (toml_lines, toml_spans, json_lines, json_spans):
        assert isinstance(locate(text), dict)


def test_locators_survive_random_bytes():
    rnd = random.Random(1234)
    fixtures = [p.read_bytes() for p in LOCKS.glob("*/*")]
    for _ in range(300):
        if rnd.randrange(2):
            data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(400)))
        else:  # a real lockfile with bytes flipped
            data = bytearray(rnd.choice(fixtures))
            for _ in range(rnd.randrange(1, 20)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            data = bytes(data)
        for text in (data.decode("latin-1"), data.decode("utf-8", "replace")):
            toml_spans(text)
            json_spans(text)


def test_a_truncated_lock_keeps_the_lines_before_the_cut():
    full_text = (LOCKS / "uv" / "uv.lock").read_text("utf-8")
    full = toml_lines(full_text)
    rnd = random.Random(7)
    for _ in range(100):
        cut = rnd.randrange(len(full_text))
        cut_line = full_text.count("\n", 0, cut) + 1
        partial = toml_lines(full_text[:cut])
        for path, line in partial.items():
            if path in full and full[path] < cut_line:
                assert line == full[path], (cut, path)
        # Every package header before the cut is found.
        headers = [p for p, ln in full.items() if len(p) == 2 and p[0] == "package"
                   and ln < cut_line]
        assert all(p in partial for p in headers)
    json_text = (LOCKS / "pipenv" / "Pipfile.lock").read_text("utf-8")
    json_full = json_lines(json_text)
    for cut in range(0, len(json_text), 97):
        for path, line in json_lines(json_text[:cut]).items():
            assert json_full[path] == line


def _big_uv_lock(target: int) -> str:
    out = ["version = 1", 'requires-python = ">=3.10"', ""]
    i = 0
    while sum(map(len, out)) < target:
        out += ["[[package]]", f'name = "pkg-{i}"', f'version = "1.{i}.0"',
                'source = { registry = "https://pypi.org/simple" }',
                "dependencies = [", '    { name = "idna" },',
                '    { name = "sniffio", marker = "python_full_version < \'3.11\'" },', "]",
                f'sdist = {{ url = "https://files.pythonhosted.org/packages/ab/cd/pkg_{i}-1.{i}.0.tar.gz", '
                f'hash = "sha256:{i:064x}", size = 1234, upload-time = "2024-05-26T21:54:36.813Z" }}',
                "wheels = ["]
        for w in range(8):
            out.append(f'    {{ url = "https://files.pythonhosted.org/packages/ab/cd/{"e" * 60}/'
                       f'pkg_{i}-1.{i}.0-cp3{w}-cp3{w}-manylinux_2_17_x86_64.whl", '
                       f'hash = "sha256:{w:064x}", size = 86780, upload-time = "2024-05-26T21:54:36.813Z" }},')
        out += ["]", ""]
        i += 1
    return "\n".join(out) + "\n"


def test_a_one_megabyte_lock_is_located_in_linear_time():
    text = _big_uv_lock(1_000_000)
    start = time.perf_counter()
    lines = toml_lines(text)
    elapsed = time.perf_counter() - start
    # ~0.1 s on the development machine; the bound only catches quadratic behaviour.
    assert elapsed < 3.0
    packages = sum(1 for p in lines if len(p) == 2 and p[0] == "package")
    assert packages == text.count("[[package]]")


# -- loading ----------------------------------------------------------------------------------

def test_load_toml_reports_reason_and_line():
    with pytest.raises(ManifestError) as err:
        load_toml('a = 1\n[[package]]\nname = "x"\nversion = = "1"\n')
    assert err.value.line == 4
    assert err.value.reason.startswith("invalid TOML: ")
    assert "line" not in err.value.reason  # the line is a field, not repeated in the text


def test_load_toml_at_end_of_document_names_the_last_line_with_content():
    with pytest.raises(ManifestError) as err:
        load_toml('a = 1\nb = [1,\n\n')
    assert err.value.line == 2


def test_load_json_reports_reason_and_line():
    with pytest.raises(ManifestError) as err:
        load_json('{\n  "a": 1,\n  "b": \n}\n')
    assert err.value.line == 4
    assert err.value.reason.startswith("invalid JSON: ")


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("sha256:ABCDEF01", "sha256:abcdef01"),
        ("SHA256=abcdef01", "sha256:abcdef01"),
        ("md5:00ff", "md5:00ff"),
        ("sha256", None),
        (None, None),
        (":abc", None),
    ],
)
def test_normalize_hash(written, normal):
    assert normalize_hash(written) == normal
