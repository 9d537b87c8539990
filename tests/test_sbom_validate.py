"""hygiene's own SBOM validator: the same verdicts as cyclonedx-python-lib's JsonStrictValidator,
its format checkers the same as the packages jsonschema would use, and fast to import."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree

from hygiene.sbom import formats
from hygiene.sbom.validate import SbomInvalid, _key, validate

rfc3987_syntax = pytest.importorskip("rfc3987_syntax")
rfc3986_validator = pytest.importorskip("rfc3986_validator")
rfc3339_validator = pytest.importorskip("rfc3339_validator")
pytest.importorskip("cyclonedx.validation.json")

from cyclonedx.schema import SchemaVersion  # noqa: E402
from cyclonedx.validation.json import JsonStrictValidator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

IRIS = [
    "https://pypi.org/simple/flask/",
    "https://files.pythonhosted.org/packages/ab/cd/flask-3.0.3-py3-none-any.whl#sha256=" + "0" * 64,
    "git+https://github.com/psf/black@main",
    "git+ssh://git@github.com/acme/x.git@v1#egg=x&subdirectory=a/b",
    "./libs/msgpack",
    "../up/one",
    "file:///opt/foo",
    "file:../loc",
    "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:pypi/x@1",
    "mailto:security@example.com",
    "http://example.com:8080/a/b;c=d?e=f&g=h#frag",
    "http://user:pass@host/",
    "http://[v7.abc:def]/",
    "http://192.168.0.1/x",
    "http://例え.テスト/パス?クエリ#断片",
    "http://example.com/%E2%82%AC",
    "//host/only",
    "/absolute/path",
    "?query-only",
    "#fragment-only",
    "",
    "relative:colon-in-first-segment",
    "a:b:c",
    "http:",
    "http://example.com/\ue000",  # a private-use character: not in a path
    "http://example.com/?\ue000",  # but allowed in a query
    "http://example.com/\u00a0",
    # invalid
    "has space",
    "http://exa mple.com/",
    "%zz",
    "%4",
    ":no-scheme",
    "1http://bad-scheme",
    "http://host/<tag>",
    'http://host/"quote"',
    "http://host/back\\slash",
    "http://host/{brace}",
    "http://host/a|b",
    "http://host/^",
    "http://host/`",
    "http://[1::2::3]/",
    "http://[::1/",
    "http://host:port/",
    "http://host/#frag#frag",
    "tab\there",
    "new\nline",
    "http://host/\x7f",
]
# rfc3987-syntax 1.1 rejects IPv6 literals written with `::`, which RFC 3987 (its IP-literal is
# RFC 3986's) allows; rfc3986-validator and hygiene accept them.
COMPRESSED_IPV6 = ["http://[::1]:80/x", "http://[2001:db8::1]/", "http://[::ffff:1.2.3.4]/", "http://[fe80::]/"]


def _fuzz(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = [
        "http", "https", "git+ssh", ":", "//", "/", "?", "#", "@", "[", "]", "::1", "%2F", "%", "%g0",
        "a", "Z", "0", "9", "-", ".", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=",
        " ", "\\", "<", ">", '"', "{", "}", "|", "^", "`", "é", "€", "\u00a0", "\ufdd0", "\ue000",
        "\U0001f600", "\U000e0001", "example.com", "user:pw@", ":8080", "v1.x",
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(count)]


def _bmp(value: str) -> bool:
    return all(ord(c) <= 0xFFFF for c in value)


@pytest.mark.parametrize("value", [v for v in IRIS + _fuzz(250, 7) if _bmp(v)])
def test_iri_reference_agrees_with_rfc3987_syntax(value):
    assert formats.is_iri_reference(value) == rfc3987_syntax.is_valid_syntax("iri_reference", value)
    assert formats.is_iri(value) == rfc3987_syntax.is_valid_syntax("iri", value)


@pytest.mark.parametrize("value", COMPRESSED_IPV6)
def test_compressed_ipv6_literals_are_valid_as_rfc3986_says(value):
    assert formats.is_iri_reference(value) and formats.is_uri(value)
    assert rfc3986_validator.validate_rfc3986(value, rule="URI")
    assert not rfc3987_syntax.is_valid_syntax("iri_reference", value)  # its bug, documented above


# rfc3987-syntax 1.1's grammar has only the Basic Multilingual Plane part of `ucschar` and
# `iprivate`; RFC 3987 section 2.2 also allows the planes 1-14 (ucschar) and 15-16 (iprivate,
# in queries), except each plane's last two code points and plane 14's first 4096.
ASTRAL = [
    ("http://x/\U0001f600", True),
    ("\U0001f600@", True),
    ("http://x/\U00020000", True),
    ("http://x/\U0001fffe", False),
    ("http://x/\U000e0001", False),
    ("http://x/\U000e1000", True),
    ("http://x/?\U000f0000", True),
    ("http://x/\U000f0000", False),
    ("http://x/?\U0010fffd", True),
    ("http://x/?\U0010fffe", False),
]


@pytest.mark.parametrize(("value", "valid"), ASTRAL)
def test_characters_beyond_the_bmp_follow_rfc_3987(value, valid):
    assert formats.is_iri_reference(value) is valid
    assert not formats.is_uri_reference(value)


@pytest.mark.parametrize("value", [v for v in IRIS + _fuzz(250, 11) if "\n" not in v])
def test_uri_agrees_with_rfc3986_validator(value):
    # (rfc3986-validator anchors with `$`, which also matches before a final newline.)
    assert formats.is_uri(value) == bool(rfc3986_validator.validate_rfc3986(value, rule="URI"))
    assert formats.is_uri_reference(value) == bool(rfc3986_validator.validate_rfc3986(value, rule="URI_reference"))


DATE_TIMES = [
    "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2024-12-31T23:59:59.123456+14:00", "2024-01-01T00:00:00-00:00",
    "2024-01-01t00:00:00z", "2024-01-01 00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z",
    "2024-01-01T23:59:60Z", "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-04-31T00:00:00Z",
    "0000-01-01T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+01:60",
    "2024-01-01T00:00:00.Z", "2024-1-01T00:00:00Z", "２０２４-01-01T00:00:00Z", "",
]


@pytest.mark.parametrize("value", DATE_TIMES)
def test_date_time_agrees_with_rfc3339_validator(value):
    # jsonschema passes the value upper-cased.
    assert formats.is_date_time(value) == rfc3339_validator.validate_rfc3339(value.upper())


@pytest.mark.parametrize("value", ["2024-02-29", "2023-02-29", "2024-1-01", "20240101", "2024-01-01T00:00:00Z", "０２４-01-01"])
def test_date_agrees_with_jsonschema(value):
    import jsonschema

    expected = jsonschema.FormatChecker().conforms(value, "date")
    assert formats.is_date(value) == expected


def test_unique_items_key_is_json_schema_equality():
    assert _key(1) == _key(1.0)
    assert _key(True) != _key(1) and _key(False) != _key(0)
    assert _key({"a": 1, "b": [1, {"c": None}]}) == _key({"b": [1.0, {"c": None}], "a": 1})
    assert _key([1, 2]) != _key([2, 1])
    assert _key("1") != _key(1)


def _documents(tmp_path: Path) -> dict[str, str]:
    repo = write_tree(
        tmp_path / "repo",
        {
            "requirements.txt": "--extra-index-url https://download.pytorch.org/whl/cpu\n-e ./libs/a\nflask==3.0.3\nclick>=8\n",
            "package.json": '{"name": "@acme/app", "version": "1.0.0", "dependencies": {"loc": "file:../x"}}',
        },
    )
    docs = {}
    for name, target in (("example", ROOT / "examples" / "webapp"), ("npm", ROOT / "tests" / "data" / "npm" / "app"), ("tree", repo)):
        for version in ("1.5", "1.6", "1.7"):
            out = tmp_path / f"{name}-{version}.json"
            assert run_cli("sbom", str(target), "-o", str(out), "--spec-version", version, "--no-validate").code == 0
            docs[f"{name}-{version}"] = out.read_text("utf-8")
    return docs


def _mutations(doc: dict) -> list[tuple[str, dict]]:
    def mutated(change) -> dict:
        copy = json.loads(json.dumps(doc))
        change(copy)
        return copy

    first = 0
    return [
        ("duplicate component", mutated(lambda d: d["components"].append(d["components"][first]))),
        ("duplicate component, keys reordered", mutated(lambda d: d["components"].append(dict(reversed(list(d["components"][first].items())))))),
        ("bad scope", mutated(lambda d: d["components"][first].__setitem__("scope", "sometimes"))),
        ("unknown key", mutated(lambda d: d["components"][first].__setitem__("colour", "red"))),
        ("url with a space", mutated(lambda d: d["metadata"].__setitem__("component", {**d["metadata"]["component"], "externalReferences": [{"type": "vcs", "url": "http://a b"}]}))),
        ("bad timestamp", mutated(lambda d: d["metadata"].__setitem__("timestamp", "2024-02-30T00:00:00Z"))),
        ("hash of the wrong length", mutated(lambda d: d["components"][first].__setitem__("hashes", [{"alg": "SHA-256", "content": "abc"}]))),
        ("duplicate dependency", mutated(lambda d: d["dependencies"].append(d["dependencies"][0]))),
    ]


def test_same_verdicts_as_json_strict_validator(tmp_path):
    for label, text in _documents(tmp_path).items():
        version = json.loads(text)["specVersion"]
        strict = JsonStrictValidator(SchemaVersion.from_version(version))
        assert strict.validate_str(text) is None, label
        validate(text, version)  # no exception
        if version != "1.6":
            continue  # (JsonStrictValidator with rfc3987-syntax takes ~12 ms per URL)
        for what, doc in _mutations(json.loads(text)):
            mutated = json.dumps(doc)
            assert strict.validate_str(mutated) is not None, (label, what)
            with pytest.raises(SbomInvalid):
                validate(mutated, version)


def test_the_spec_version_chooses_the_schema(tmp_path):
    """A 1.6 document is not a valid 1.5 one (`evidence.occurrences[].line` is new in 1.6):
    the validator must use the schema of the version it is asked for."""
    text = _documents(tmp_path)["example-1.6"]
    assert JsonStrictValidator(SchemaVersion.V1_5).validate_str(text) is not None
    with pytest.raises(SbomInvalid, match="'line' was unexpected"):
        validate(text, "1.5")


def test_the_error_names_where_the_document_is_wrong(tmp_path):
    text = _documents(tmp_path)["example-1.6"]
    doc = json.loads(text)
    doc["components"][3]["scope"] = "sometimes"
    with pytest.raises(SbomInvalid, match=r"^components/3/scope: 'sometimes' is not one of \['required', 'optional', 'excluded'\]"):
        validate(json.dumps(doc), "1.6")
    with pytest.raises(SbomInvalid, match=r"^not JSON"):
        validate("{", "1.6")
    doc = json.loads(text)
    doc["components"].append(doc["components"][0])
    with pytest.raises(SbomInvalid, match=r"^components: .* is repeated; the items must be unique"):
        validate(json.dumps(doc), "1.6")


def test_writing_an_sbom_does_not_import_rfc3987_syntax(tmp_path):
    """The 0.8 s import jsonschema would do for a checker hygiene does not use; the hiding is
    undone, so the package stays importable in the same process."""
    repo = write_tree(tmp_path / "r", {"requirements.txt": "flask==3.0.3\n"})
    code = (
        "import sys\n"
        "from hygiene.cli import main\n"
        f"assert main(['sbom', {str(repo)!r}, '-o', {str(tmp_path / 'o.json')!r}]) == 0\n"
        "assert 'jsonschema' in sys.modules\n"
        "print('rfc3987_syntax' in sys.modules)\n"
        "import rfc3987_syntax\n"
        "print(rfc3987_syntax.is_valid_syntax('iri', 'https://x/'))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True"]
