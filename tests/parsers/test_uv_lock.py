from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hygiene_testkit import sha256

from hygiene.model import Location, ManifestKind, Setting, SourceKind
from hygiene.parsers.base import ManifestError
from hygiene.parsers.uv_lock import parse

LOCK = Path(__file__).parent.parent / "data" / "locks" / "uv" / "uv.lock"
PATH = "uv.lock"
FILES = "https://files.pythonhosted.org/packages"



@pytest.fixture(scope="module")
def manifest():
    return parse(PATH, LOCK.read_text("utf-8"))


@pytest.fixture(scope="module")
def deps(manifest):
    return {d.name: d for d in manifest.dependencies}


def test_manifest(manifest):
    assert manifest.kind is ManifestKind.UV_LOCK
    assert manifest.path == PATH
    assert manifest.concrete and manifest.is_lockfile
    assert [d.name for d in manifest.dependencies] == [
        "acme-app", "acme-tools", "anyio", "charset-normalizer", "corp-auth", "flask", "httpx",
        "idna", "legacy-tool", "localwheel", "nightly-build", "requests", "shared-lib", "six",
        "urllib3",
    ]
    assert all(d.ecosystem == "pypi" for d in manifest.dependencies)
    assert manifest.content_hash is None


def test_registry_entry(deps):
    anyio = deps["anyio"]
    assert anyio.version == "4.4.0"
    assert anyio.specifier == "==4.4.0"
    assert anyio.source is SourceKind.REGISTRY
    assert anyio.hashes == (sha256("anyio-4.4.0.tar.gz"), sha256("anyio-4.4.0-py3-none-any.whl"))
    assert anyio.url == (f"{FILES}/e6/e3/c4c8d473d6780ef1853d630d581f70d655b4f8d7553c6997958c283039a2"
                         "/anyio-4.4.0.tar.gz")
    # From the [[package]] header to the end of its [package.optional-dependencies].
    assert anyio.location == Location(PATH, 68, 85)
    assert anyio.group is None and not anyio.editable


def test_every_wheel_hash_is_recorded(deps):
    charset = deps["charset-normalizer"]
    assert charset.hashes == (
        sha256("charset-normalizer-3.3.2.tar.gz"),
        sha256("charset_normalizer-3.3.2-cp311-cp311-macosx_10_9_universal2.whl"),
        sha256("charset_normalizer-3.3.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
        sha256("charset_normalizer-3.3.2-py3-none-any.whl"),
    )
    assert charset.location == Location(PATH, 87, 96)


def test_weak_and_missing_hashes_are_kept_as_written(deps):
    six = deps["six"]
    assert [h.split(":")[0] for h in six.hashes] == ["md5", "md5"]
    assert six.hashes[0] == "md5:" + hashlib.md5(b"six-1.16.0.tar.gz").hexdigest()
    assert deps["urllib3"].hashes == ()
    assert deps["urllib3"].url.endswith("/urllib3-2.2.1.tar.gz")
    assert deps["urllib3"].location == Location(PATH, 177, 184)


def test_git_source(deps):
    flask = deps["flask"]
    commit = hashlib.sha1(b"flask").hexdigest()
    assert flask.source is SourceKind.VCS
    assert flask.url == f"https://github.com/pallets/flask?rev=3.0.3#{commit}"
    assert flask.version == "3.0.3" and flask.specifier == "==3.0.3"
    assert flask.hashes == ()
    assert flask.location == Location(PATH, 107, 114)
    assert deps["legacy-tool"].url == "https://github.com/acme/legacy-tool?branch=main#1a2b3c4"


def test_url_source_keeps_the_source_url_and_the_sdist_hash(deps):
    httpx = deps["httpx"]
    assert httpx.source is SourceKind.URL
    assert httpx.url == (f"{FILES}/5c/2d/3da5bdf4408b8b2800061c339f240c1802f2e82d55e50bd39c5a881f47f0"
                         "/httpx-0.27.0.tar.gz")
    assert httpx.hashes == (sha256("httpx-0.27.0.tar.gz"),)
    assert httpx.location == Location(PATH, 116, 120)
    nightly = deps["nightly-build"]
    assert (nightly.source, nightly.hashes) == (SourceKind.URL, ())
    assert nightly.location == Location(PATH, 144, 147)


@pytest.mark.parametrize(
    ("name", "source", "url", "editable", "lines"),
    [
        ("acme-app", SourceKind.PATH, ".", True, (18, 61)),
        ("acme-tools", SourceKind.VIRTUAL, "packages/tools", False, (63, 66)),
        ("localwheel", SourceKind.PATH, "vendor/localwheel-0.3.0-py3-none-any.whl", False, (136, 142)),
        ("shared-lib", SourceKind.PATH, "libs/shared", False, (163, 166)),
    ],
)
def test_local_sources(deps, name, source, url, editable, lines):
    dep = deps[name]
    assert (dep.source, dep.url, dep.editable) == (source, url, editable)
    assert (dep.location.line, dep.location.end_line) == lines


def test_local_wheel_hash(deps):
    assert deps["localwheel"].hashes == (sha256("localwheel-0.3.0-py3-none-any.whl"),)


def test_each_registry_is_a_setting_once(manifest):
    assert manifest.settings == (
        Setting("index-url", "https://pypi.org/simple", Location(PATH, 71, 71)),
        Setting("index-url", "https://pypi.corp.example/simple", Location(PATH, 101, 101)),
        Setting("index-url", "http://mirror.internal.example/simple", Location(PATH, 125, 125)),
    )


def test_mismatched_and_http_artifact_urls_are_recorded(deps):
    assert deps["requests"].url.endswith("/reqeusts-2.32.3.tar.gz")
    assert deps["idna"].url == "http://mirror.internal.example/packages/idna-3.7.tar.gz"
    assert deps["corp-auth"].url == "https://pypi.corp.example/packages/corp_auth-2.1.0.tar.gz"


def test_entry_without_version_and_local_registry():
    text = (
        'version = 1\n'
        '\n'
        '[[package]]\n'
        'name = "project"\n'
        'source = { editable = "." }\n'
        '\n'
        '[[package]]\n'
        'name = "vendored"\n'
        'version = "1.0"\n'
        'source = { registry = "wheels" }\n'
        'wheels = [{ path = "vendored-1.0-py3-none-any.whl", hash = "SHA256:ABCD" }]\n'
    )
    manifest = parse("sub/uv.lock", text)
    project, vendored = manifest.dependencies
    assert (project.version, project.specifier) == (None, "")
    assert project.location == Location("sub/uv.lock", 3, 5)
    assert (vendored.source, vendored.url, vendored.hashes) == (SourceKind.REGISTRY, None, ("sha256:abcd",))
    assert manifest.settings == ()  # a local flat index is not an index URL


def test_invalid_toml_raises_with_line():
    with pytest.raises(ManifestError) as err:
        parse(PATH, 'version = 1\n\n[[package]]\nname = "x"\nsource = { registry = "https://pypi.org/simple" \n')
    assert err.value.line == 5
    assert "invalid TOML" in err.value.reason


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('package = "x"\n', 1),
        ('version = 1\n[[package]]\nversion = "1.0"\n', 2),
        ('version = 1\npackage = [1]\n', 2),
    ],
)
def test_wrong_shape_raises(text, line):
    with pytest.raises(ManifestError) as err:
        parse(PATH, text)
    assert err.value.reason
    assert err.value.line == line


WRONG_TYPES = ["5", '"text"', "[1, 2]", "{ a = 1 }", "true", "[{ url = 5, hash = 5, path = [] }]",
               "{ registry = 5, git = [], url = {} }"]
FIELDS = {
    "name": '"x"',
    "version": '"1.0"',
    "source": '{ registry = "https://pypi.org/simple" }',
    "sdist": '{ url = "https://files.pythonhosted.org/x-1.0.tar.gz", hash = "sha256:00" }',
    "wheels": '[{ url = "https://files.pythonhosted.org/x-1.0-py3-none-any.whl", hash = "sha256:01" }]',
}


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize("field", FIELDS)
def test_a_field_of_the_wrong_type_is_a_manifest_error_or_ignored(field, value):
    entry = "\n".join(f"{k} = {value if k == field else v}" for k, v in FIELDS.items())
    try:
        manifest = parse(PATH, f"version = 1\n\n[[package]]\n{entry}\n")
    except ManifestError as err:
        assert err.line == 3
    else:
        (dep,) = manifest.dependencies
        assert dep.location == Location(PATH, 3, 8)


# -- the dependency graph (Dependency.requires) -----------------------------------------------


def test_requires_graph(deps):
    # The project's own (editable) entry: its direct dependencies, its dev group's included.
    assert deps["acme-app"].source is SourceKind.PATH
    assert deps["acme-app"].requires == (
        "acme-tools", "anyio", "charset-normalizer", "corp-auth", "flask", "httpx", "idna",
        "legacy-tool", "localwheel", "nightly-build", "requests", "shared-lib", "six", "urllib3",
    )
    # a marker does not drop an edge; an extra's dependencies ([package.optional-dependencies])
    # are edges too
    assert deps["anyio"].requires == ("exceptiongroup", "idna", "sniffio", "trio")
    assert deps["requests"].requires == ("charset-normalizer", "idna", "urllib3")
    assert deps["flask"].requires == ("blinker", "click")
    # leaves, the virtual workspace member included
    assert deps["acme-tools"].source is SourceKind.VIRTUAL and deps["acme-tools"].requires == ()
    assert deps["idna"].requires == () and deps["urllib3"].requires == ()


def test_requires_normalised_sorted_without_self_references():
    text = """version = 1
[[package]]
name = "Foo_Bar"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "Zope.Interface" }, { name = "attrs", marker = "sys_platform == 'win32'" }, { name = "attrs" }]

[package.optional-dependencies]
all = [{ name = "foo-bar", extra = ["fast"] }, { name = "Typing_Extensions" }]
fast = [{ name = "uvloop" }]

[package.dev-dependencies]
test = [{ name = "pytest" }, { extra = ["x"] }]
"""
    (dep,) = parse(PATH, text).dependencies
    # PEP 503 names, sorted, once each; the recursive extra `foo-bar[fast]` is no edge
    assert dep.requires == ("attrs", "pytest", "typing-extensions", "uvloop", "zope-interface")
