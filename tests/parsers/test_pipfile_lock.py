from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hygiene_testkit import sha256

from hygiene.model import Location, ManifestKind, Setting, SourceKind
from hygiene.parsers.base import ManifestError
from hygiene.parsers.pipfile_lock import parse

LOCK = Path(__file__).parent.parent / "data" / "locks" / "pipenv" / "Pipfile.lock"
PATH = "Pipfile.lock"



@pytest.fixture(scope="module")
def manifest():
    return parse(PATH, LOCK.read_text("utf-8"))


@pytest.fixture(scope="module")
def deps(manifest):
    return {d.name: d for d in manifest.dependencies}


def test_manifest(manifest):
    assert manifest.kind is ManifestKind.PIPFILE_LOCK
    assert [(d.name, d.group) for d in manifest.dependencies] == [
        ("certifi", None), ("internal-sdk", None), ("mypkg", None), ("requests", None),
        ("toolz", None), ("wheel-from-url", None),
        ("dev-tool", "dev"), ("old-lib", "dev"), ("pytest", "dev"),
    ]
    assert manifest.content_hash == hashlib.sha256(b"Pipfile").hexdigest()
    assert manifest.content_hash_location == Location(PATH, 4, 4)


def test_registry_entry(deps):
    requests = deps["requests"]
    assert (requests.version, requests.specifier, requests.source) == (
        "2.32.3", "==2.32.3", SourceKind.REGISTRY)
    assert requests.hashes == (sha256("requests-2.32.3-py3-none-any.whl"),
                               sha256("requests-2.32.3.tar.gz"))
    assert requests.extras == ("socks",)
    assert requests.marker == "python_version >= '3.8'"
    assert requests.url is None
    # From the entry's key line to its closing brace.
    assert requests.location == Location(PATH, 42, 53)
    assert deps["certifi"].location == Location(PATH, 24, 32)
    assert deps["pytest"].location == Location(PATH, 78, 86)


def test_missing_and_weak_hashes(deps):
    assert deps["internal-sdk"].hashes == ()
    assert deps["internal-sdk"].location == Location(PATH, 33, 37)
    assert deps["old-lib"].hashes == ("md5:" + hashlib.md5(b"old-lib-0.1.tar.gz").hexdigest(),)


def test_vcs_path_and_file_entries(deps):
    toolz = deps["toolz"]
    commit = hashlib.sha1(b"toolz").hexdigest()
    assert (toolz.source, toolz.url, toolz.version, toolz.specifier) == (
        SourceKind.VCS, f"git+https://github.com/pytoolz/toolz.git@{commit}", None, "")
    assert toolz.location == Location(PATH, 54, 57)
    assert deps["dev-tool"].url == "git+https://github.com/acme/dev-tool.git@main"
    mypkg = deps["mypkg"]
    assert (mypkg.source, mypkg.url, mypkg.editable) == (SourceKind.PATH, ".", True)
    wheel = deps["wheel-from-url"]
    assert (wheel.source, wheel.url, wheel.version) == (
        SourceKind.URL, "https://downloads.example.org/wheel_from_url-1.0-py3-none-any.whl", "1.0")
    assert wheel.hashes == (sha256("wheel_from_url-1.0-py3-none-any.whl"),)


def test_sources_are_settings(manifest):
    assert manifest.settings == (
        Setting("index-url", "https://pypi.org/simple", Location(PATH, 13, 13)),
        Setting("index-url", "http://pypi.internal.example/simple", Location(PATH, 18, 18)),
        Setting("verify-ssl", "false", Location(PATH, 19, 19)),
    )


def test_custom_categories_and_local_file():
    text = (
        '{\n'
        '    "_meta": {"sources": []},\n'
        '    "docs": {\n'
        '        "local": {"file": "dist/local-1.0.tar.gz", "version": "===1.0"}\n'
        '    }\n'
        '}\n'
    )
    (dep,) = parse(PATH, text).dependencies
    assert (dep.group, dep.source, dep.url, dep.version, dep.specifier) == (
        "docs", SourceKind.PATH, "dist/local-1.0.tar.gz", "1.0", "===1.0")
    assert dep.location == Location(PATH, 4, 4)


def test_invalid_json_raises_with_line():
    with pytest.raises(ManifestError) as err:
        parse(PATH, '{\n  "default": {\n    "a": {"version": "==1"},\n  }\n}\n')
    assert err.value.line == 4
    assert err.value.reason.startswith("invalid JSON")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[]\n", 1),
        ('{\n  "_meta": []\n}\n', 2),
        ('{\n  "default": []\n}\n', 2),
        ('{\n  "default": {\n    "a": "==1.0"\n  }\n}\n', 3),
    ],
)
def test_wrong_shape_raises(text, line):
    with pytest.raises(ManifestError) as err:
        parse(PATH, text)
    assert err.value.line == line


WRONG_TYPES = ["5", '"text"', "[1, 2]", '{"a": 1}', "true", "null", '[{"url": 5}]']
FIELDS = {
    "version": '"==1.0"',
    "hashes": '["sha256:00"]',
    "index": '"pypi"',
    "markers": '"python_version >= \'3.8\'"',
    "extras": '["socks"]',
    "editable": "true",
    "git": '"https://github.com/a/x.git"',
    "ref": '"main"',
    "subdirectory": '"pkg"',
    "path": '"."',
    "file": '"https://example.org/x-1.0.tar.gz"',
}
META = {"hash": '{"sha256": "00"}', "sources": '[{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]'}


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize("field", [*FIELDS, *META])
def test_a_field_of_the_wrong_type_is_a_manifest_error_or_ignored(field, value):
    entry = ", ".join(f'"{k}": {value if k == field else v}' for k, v in FIELDS.items())
    meta = ", ".join(f'"{k}": {value if k == field else v}' for k, v in META.items())
    text = f'{{\n"_meta": {{{meta}}},\n"default": {{\n"x": {{{entry}}}\n}}\n}}\n'
    try:
        manifest = parse(PATH, text)
    except ManifestError as err:
        assert err.line == 4
    else:
        (dep,) = manifest.dependencies
        assert dep.location == Location(PATH, 4, 4)


def test_requires_none_pipfile_lock_records_no_graph(manifest):
    assert {d.requires for d in manifest.dependencies} == {None}
    lock = Path(__file__).parent.parent / "data" / "lockhash" / "pipenv-2026-basic" / "Pipfile.lock"
    real = parse(PATH, lock.read_text("utf-8"))
    assert real.dependencies and {d.requires for d in real.dependencies} == {None}
