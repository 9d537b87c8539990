from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hygiene_testkit import sha256

from hygiene.model import Location, ManifestKind, Setting, SourceKind
from hygiene.parsers.base import ManifestError
from hygiene.parsers.poetry_lock import parse

LOCKS = Path(__file__).parent.parent / "data" / "locks"
V1 = "app/poetry.lock"
V2 = "poetry.lock"



@pytest.fixture(scope="module")
def v1():
    return parse(V1, (LOCKS / "poetry-1.1" / "poetry.lock").read_text("utf-8"))


@pytest.fixture(scope="module")
def v2():
    return parse(V2, (LOCKS / "poetry-2" / "poetry.lock").read_text("utf-8"))


def by_name(manifest):
    return {d.name: d for d in manifest.dependencies}


# -- lock-version 1.1: hashes in [metadata.files] ---------------------------------------------

def test_v1_manifest(v1):
    assert v1.kind is ManifestKind.POETRY_LOCK
    assert [d.name for d in v1.dependencies] == [
        "certifi", "colorama", "corp-utils", "django-extensions", "mylib", "requests",
        "tarball-pkg", "typing-extensions", "vendored-wheel",
    ]
    assert v1.content_hash == hashlib.sha256(b"poetry-1.1-content").hexdigest()
    assert v1.content_hash_location == Location(V1, 115, 115)


def test_v1_hashes_are_joined_from_metadata_files(v1):
    deps = by_name(v1)
    certifi = deps["certifi"]
    assert certifi.hashes == (sha256("certifi-2021.10.8-py2.py3-none-any.whl"),
                              sha256("certifi-2021.10.8.tar.gz"))
    assert (certifi.version, certifi.specifier, certifi.source) == (
        "2021.10.8", "==2021.10.8", SourceKind.REGISTRY)
    assert certifi.url is None
    assert certifi.location == Location(V1, 1, 7)
    # [metadata.files] keys are matched by normalised name ("typing_extensions").
    assert len(deps["typing-extensions"].hashes) == 3
    assert deps["corp-utils"].hashes == ()


def test_v1_entries_span_their_subtables(v1):
    deps = by_name(v1)
    assert deps["requests"].location == Location(V1, 61, 75)  # through [package.extras]
    assert deps["django-extensions"].location == Location(V1, 30, 46)


def test_v1_groups(v1):
    deps = by_name(v1)
    assert deps["colorama"].group == "dev"
    assert deps["certifi"].group is None
    assert deps["typing-extensions"].group == "optional"


def test_v1_sources(v1):
    deps = by_name(v1)
    git = deps["django-extensions"]
    commit = hashlib.sha1(b"django-extensions").hexdigest()
    assert git.source is SourceKind.VCS
    assert git.url == f"git+https://github.com/django-extensions/django-extensions.git@{commit}"
    assert (deps["mylib"].source, deps["mylib"].url, deps["mylib"].editable) == (
        SourceKind.PATH, "libs/mylib", True)
    assert (deps["vendored-wheel"].source, deps["vendored-wheel"].url) == (
        SourceKind.PATH, "vendor/vendored_wheel-1.0-py3-none-any.whl")
    tarball = deps["tarball-pkg"]
    assert (tarball.source, tarball.url, tarball.hashes) == (
        SourceKind.URL, "https://downloads.example.org/tarball-pkg-0.9.tar.gz",
        (sha256("tarball-pkg-0.9.tar.gz"),))
    corp = deps["corp-utils"]
    assert (corp.source, corp.url) == (SourceKind.REGISTRY, None)
    assert v1.settings == (
        Setting("index-url", "https://pypi.corp.example/simple", Location(V1, 27, 27)),
    )


# -- lock-version 2.1: files inside each [[package]] ------------------------------------------

def test_v2_files_inside_packages(v2):
    deps = by_name(v2)
    assert [d.name for d in v2.dependencies] == ["attrs", "black", "legacy-crypto", "rich", "toolbox"]
    assert deps["attrs"].hashes == (sha256("attrs-23.2.0-py3-none-any.whl"),
                                    sha256("attrs-23.2.0.tar.gz"))
    assert deps["attrs"].location == Location(V2, 3, 17)
    assert len(deps["black"].hashes) == 4
    assert deps["black"].location == Location(V2, 19, 38)
    assert deps["legacy-crypto"].hashes == (
        "md5:" + hashlib.md5(b"legacy_crypto-0.3.tar.gz").hexdigest(),)
    assert v2.content_hash == hashlib.sha256(b"poetry-2-content").hexdigest()
    assert v2.content_hash_location == Location(V2, 91, 91)


def test_v2_groups(v2):
    deps = by_name(v2)
    assert deps["attrs"].group is None
    assert deps["black"].group == "dev,lint"
    assert deps["rich"].group == "optional"


def test_v2_sources(v2):
    deps = by_name(v2)
    assert deps["toolbox"].source is SourceKind.VCS
    assert deps["toolbox"].url == "git+https://github.com/acme/toolbox.git@3f2a1b9"
    assert deps["toolbox"].location == Location(V2, 69, 83)
    assert v2.settings == (
        Setting("index-url", "http://pypi.legacy.example/simple", Location(V2, 53, 53)),
    )


def test_git_source_without_resolved_reference_keeps_the_requested_one():
    text = (
        '[[package]]\nname = "x"\nversion = "1.0"\ndescription = ""\noptional = false\n'
        'python-versions = "*"\nfiles = []\n\n[package.source]\ntype = "git"\n'
        'url = "https://github.com/a/x.git"\nreference = "main"\nsubdirectory = "pkg"\n\n'
        '[metadata]\nlock-version = "2.0"\npython-versions = "^3.9"\ncontent-hash = "ab"\n'
    )
    (dep,) = parse(V2, text).dependencies
    assert dep.url == "git+https://github.com/a/x.git@main#subdirectory=pkg"
    assert dep.location == Location(V2, 1, 13)


def test_invalid_toml_raises_with_line():
    with pytest.raises(ManifestError) as err:
        parse(V2, '[[package]]\nname = "x"\nversion = "1.0"\nfiles = [\n  {file = "x.tar.gz" hash = "sha256:00"},\n]\n')
    assert err.value.line == 5
    assert err.value.reason.startswith("invalid TOML")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('package = 1\n', 1),
        ('metadata = "x"\n', 1),
        ('[[package]]\nversion = "1.0"\n', 1),
    ],
)
def test_wrong_shape_raises(text, line):
    with pytest.raises(ManifestError) as err:
        parse(V2, text)
    assert err.value.line == line


WRONG_TYPES = ["5", '"text"', "[1, 2]", "{ a = 1 }", "true", "[{ file = 5, hash = 5, url = [] }]",
               '{ type = "git", url = 5, reference = [], resolved_reference = {} }']
FIELDS = {
    "name": '"x"',
    "version": '"1.0"',
    "category": '"dev"',
    "groups": '["main"]',
    "optional": "false",
    "develop": "true",
    "files": '[{ file = "x-1.0.tar.gz", hash = "sha256:00" }]',
    "source": '{ type = "legacy", url = "https://pypi.corp.example/simple", reference = "corp" }',
}


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize("field", [*FIELDS, "metadata.files", "metadata.content-hash"])
def test_a_field_of_the_wrong_type_is_a_manifest_error_or_ignored(field, value):
    entry = "\n".join(f"{k} = {value if k == field else v}" for k, v in FIELDS.items())
    files = value if field == "metadata.files" else "{ x = [] }"
    content_hash = value if field == "metadata.content-hash" else '"00"'
    text = (f"[[package]]\n{entry}\n\n[metadata]\nlock-version = \"1.1\"\n"
            f"content-hash = {content_hash}\nfiles = {files}\n")
    try:
        manifest = parse(V1, text)
    except ManifestError as err:
        assert err.line in (1, 10)
    else:
        (dep,) = manifest.dependencies
        assert dep.location == Location(V1, 1, 9)


# -- the dependency graph (Dependency.requires) -----------------------------------------------


def test_requires_graph(v1, v2):
    deps = by_name(v1)
    # a constraint string and a table with markers alike; PEP 503 names (`Django`)
    assert deps["requests"].requires == ("certifi", "charset-normalizer")
    assert deps["django-extensions"].requires == ("django",)
    assert deps["certifi"].requires == () and deps["mylib"].requires == ()
    assert by_name(v2)["black"].requires == ("click", "mypy-extensions")
    assert by_name(v2)["rich"].requires == ()


@pytest.mark.parametrize("variant", ["poetry-1.8-legacy", "poetry-2.5-project-groups"])
def test_requires_real_lock_leaves(variant):
    lock = Path(__file__).parent.parent / "data" / "lockhash" / variant / "poetry.lock"
    manifest = parse(V2, lock.read_text("utf-8"))
    assert [(d.name, d.requires) for d in manifest.dependencies] == [("idna", ()), ("six", ())]


def test_requires_includes_optional_and_multiple_constraint_dependencies():
    text = """[[package]]
name = "requests"
version = "2.32.3"
optional = false
python-versions = ">=3.8"
groups = ["main"]
files = []

[package.dependencies]
certifi = ">=2017.4.17"
charset-normalizer = ">=2,<4"
PySocks = {version = ">=1.5.6,!=1.5.7", optional = true}
urllib3 = [
    {version = ">=1.21.1,<3", markers = "python_version >= \\"3.8\\""},
    {version = "<2", markers = "python_version < \\"3.8\\""},
]

[metadata]
lock-version = "2.1"
python-versions = ">=3.9"
content-hash = "0"
"""
    (dep,) = parse(V2, text).dependencies
    # every name the lock records, optional ones too (which extras are in use is not recorded)
    assert dep.requires == ("certifi", "charset-normalizer", "pysocks", "urllib3")
