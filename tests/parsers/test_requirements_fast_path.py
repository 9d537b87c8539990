"""The requirements parser's fast path must agree exactly with pip's grammar.

Lines of the common shape (``name[extras] op version… --hash=…``) are read with one regular
expression instead of pip-requirements-parser; every other line goes through the latter. Here
every line of a large generated corpus is parsed both ways and the records compared field by
field, and lines outside the fast shape are shown to take the slow path.
"""

from __future__ import annotations

import itertools

import pytest

import hygiene.parsers.requirements as req

NAMES = ["requests", "Flask_Login", "zope.interface", "a", "A1", "ruamel.yaml.clib", "x-y_z.w"]
EXTRAS = ["", "[security]", "[b, a]", "[ socks ]", "[x,y,z]"]
SPECS = [
    "", "==1.0", "== 2.31.0", "===1.0", ">=1,<2", ">= 1.7.0, <= 1.7.0", "~=1.4", "~=1.4.2", "!=1.3.*",
    "==1.*", "<3", ">0", "==2024.8.30", "!=1.0,>=0.9", ">=1.0.0,<2.0.0,!=1.5",
]
MARKERS = [
    "",
    '; python_version >= "3.8"',
    ";python_version<'3.10'",
    ' ; sys_platform == "win32" and platform_machine != "x86-64"',
    '; extra == "test"',
    "; python_version >= '3' or os_name=='nt'",
    '; platform_release >= -1',  # a word starting with "-": pip splits options there
    "; bogus_marker == '1'",  # invalid: pip refuses
    ';',
]
HASHES = [
    "",
    " --hash=sha256:" + "ab" * 32,
    " --hash=sha256:" + "AB" * 32 + " --hash=sha384:" + "c" * 96,
    " --hash sha512:" + "d" * 128,
    " --hash=md5:" + "e" * 32,
    " --hash=SHA256:" + "f" * 64,
]


def _records(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(req, "FAST_PATH", fast)
    manifest = req.parse_requirements_file("requirements.txt", text)
    return manifest.dependencies, manifest.errors


def _corpus() -> list[str]:
    lines = [f"{n}{e}{s}{h}" for n, e, s, h in itertools.product(NAMES, EXTRAS, SPECS, HASHES)]
    lines += [f"{n}{s}{m}{h}" for n, s, m, h in itertools.product(NAMES[:3], SPECS, MARKERS, HASHES)]
    # pip-compile layout: continuations, comments, blank lines.
    lines += [
        "certifi==2024.8.30 \\\n    --hash=sha256:" + "1" * 64 + " \\\n    --hash=sha256:" + "2" * 64 + "\n    # via requests",
        "idna==3.10    # pinned by hand",
        "   spaced==1.0   ",
    ]
    return lines


def test_fast_path_is_taken_for_the_common_shape(monkeypatch):
    taken = []
    original = req._simple_dependency

    def spy(*args, **kwargs):
        taken.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(req, "_simple_dependency", spy)
    req.parse_requirements_file("r.txt", "requests==2.31.0 --hash=sha256:" + "a" * 64 + "\nflask>=2\n")
    assert taken == ["requests==2.31.0 --hash=sha256:" + "a" * 64, "flask>=2"]


def test_fast_and_pip_grammar_agree_line_by_line(monkeypatch):
    corpus = _corpus()
    assert len(corpus) > 3000
    fast_hits = 0
    for line in corpus:
        fast = _records(line + "\n", True, monkeypatch)
        slow = _records(line + "\n", False, monkeypatch)
        assert fast == slow, line
        fast_hits += bool(fast[0])
    assert fast_hits > 2000  # the corpus really exercises the fast path


def test_fast_and_pip_grammar_agree_on_a_whole_file(monkeypatch):
    text = "\n".join(_corpus()) + "\n"
    assert _records(text, True, monkeypatch) == _records(text, False, monkeypatch)


@pytest.mark.parametrize(
    "line",
    [
        "requests @ https://example.com/r-2.0.tar.gz",  # URL
        "requests==2.0rc1",  # pre-release version: not the plain shape
        "requests==1.0+local",
        "requests>=1.*",  # invalid for pip: must be reported, not read
        "requests~=1",  # invalid for pip
        "requests[a,,b]==1.0",  # invalid extras
        "-e ./pkg",
        "requests==1.0 --global-option=x",
        "'quoted'==1.0",
    ],
)
def test_other_lines_take_pips_grammar(line, monkeypatch):
    assert req._FAST.fullmatch(line) is None
    assert _records(line + "\n", True, monkeypatch) == _records(line + "\n", False, monkeypatch)


PREPROCESS_TEXTS = [
    "a==1 \\\n  --hash=sha256:ab \\\n  --hash=sha256:cd\n    # via x\n",
    "# only a comment \\\nb==2\n",
    "c==1 # trailing \\\nd==2\n",  # pip joins: the comment swallows d==2
    "e==1 \\\n",  # file ends inside a continuation
    "\\\n\\\n",
    "   \n\t\n#\n ## x\nf  #g\nh#i\n",
    "j==1\\\\\nk\n",
    "x==1 \\\n# c\ny==2\n",
    "",
]


@pytest.mark.parametrize("text", PREPROCESS_TEXTS + ["\n".join(_corpus())])
def test_preprocess_is_pips(text):
    import pip_requirements_parser as prp

    assert list(req.preprocess(text)) == list(prp.preprocess(text))


def test_end_line_follows_pips_continuation_rule():
    text = "c==1 # trailing \\\nd==2\nx==1 \\\n  --hash=sha256:" + "a" * 64 + "\n# note \\\ny==2\n"
    deps = req.parse_requirements_file("r.txt", text).dependencies
    assert [(d.name, d.location.line, d.location.end_line) for d in deps] == [
        ("c", 1, 2),
        ("x", 3, 4),
        ("y", 6, 6),
    ]
