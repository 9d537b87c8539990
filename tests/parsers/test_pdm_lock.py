from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hygiene_testkit import sha256

from hygiene.model import Location, ManifestKind, SourceKind
from hygiene.parsers.base import ManifestError
from hygiene.parsers.pdm_lock import parse

LOCK = Path(__file__).parent.parent / "data" / "locks" / "pdm" / "pdm.lock"
PATH = "pdm.lock"
FILES = "https://files.pythonhosted.org/packages"



@pytest.fixture(scope="module")
def manifest():
    return parse(PATH, LOCK.read_text("utf-8"))


@pytest.fixture(scope="module")
def deps(manifest):
    return {d.name: d for d in manifest.dependencies}


def test_manifest(manifest):
    assert manifest.kind is ManifestKind.PDM_LOCK
    assert [d.name for d in manifest.dependencies] == [
        "blinker", "click", "devtool", "editable-vcs", "flask-ext", "localpkg", "plain-http",
        "remote-archive", "requests",
    ]
    assert manifest.content_hash == "sha256:" + hashlib.sha256(b"pdm-content").hexdigest()
    assert manifest.content_hash_location == Location(PATH, 8, 8)
    assert manifest.settings == ()


def test_registry_entry_with_static_urls(deps):
    blinker = deps["blinker"]
    assert (blinker.version, blinker.specifier, blinker.source) == ("1.8.2", "==1.8.2", SourceKind.REGISTRY)
    assert blinker.hashes == (sha256("blinker-1.8.2-py3-none-any.whl"), sha256("blinker-1.8.2.tar.gz"))
    # The sdist's URL is preferred over the first wheel's.
    assert blinker.url == (f"{FILES}/1e/57/a6a1721eff09598fb01f3c7cda070c1b6a0f12d63c83236edf79a440abcc"
                           "/blinker-1.8.2.tar.gz")
    assert blinker.location == Location(PATH, 13, 22)
    assert deps["click"].url.endswith("/clikc-8.1.7.tar.gz")
    assert deps["click"].location == Location(PATH, 24, 36)


def test_groups_and_extras(deps):
    assert deps["blinker"].group is None
    assert deps["devtool"].group == "dev"
    assert deps["requests"].group is None  # in "default" and "dev"
    assert deps["requests"].extras == ("socks",)
    assert deps["requests"].location == Location(PATH, 95, 109)


def test_missing_hashes(deps):
    assert deps["devtool"].hashes == ()
    assert deps["devtool"].url is None
    assert deps["devtool"].location == Location(PATH, 38, 44)


def test_vcs_entries(deps):
    commit = hashlib.sha1(b"flask-ext").hexdigest()
    flask_ext = deps["flask-ext"]
    assert (flask_ext.source, flask_ext.url) == (
        SourceKind.VCS, f"git+https://github.com/acme/flask-ext.git@{commit}")
    assert flask_ext.location == Location(PATH, 55, 66)
    # An editable VCS package has no resolved revision, only the requested ref.
    editable = deps["editable-vcs"]
    assert (editable.source, editable.url, editable.editable) == (
        SourceKind.VCS, "git+https://github.com/acme/editable-vcs.git@develop", True)


def test_path_and_url_entries(deps):
    local = deps["localpkg"]
    assert (local.source, local.url, local.editable) == (SourceKind.PATH, "./packages/localpkg", True)
    assert local.location == Location(PATH, 68, 74)
    remote = deps["remote-archive"]
    assert (remote.source, remote.url, remote.hashes) == (
        SourceKind.URL, "https://downloads.example.org/remote_archive-2.0.tar.gz",
        (sha256("remote_archive-2.0.tar.gz"),))
    assert deps["plain-http"].url == "http://mirror.example.net/packages/plain_http-3.1-py3-none-any.whl"


def test_project_root_file_url_is_a_path():
    text = ('[metadata]\nlock_version = "4.4"\n\n[[package]]\nname = "w"\nversion = "1.0"\n'
            'url = "file:///${PROJECT_ROOT}/wheels/w-1.0-py3-none-any.whl"\n'
            'files = [{file = "w-1.0-py3-none-any.whl", hash = "sha256:00"}]\n')
    (dep,) = parse(PATH, text).dependencies
    assert dep.source is SourceKind.PATH
    assert dep.location == Location(PATH, 4, 8)
    assert parse(PATH, text).content_hash is None


def test_invalid_toml_raises_with_line():
    with pytest.raises(ManifestError) as err:
        parse(PATH, '[metadata]\ncontent_hash = "sha256:00"\n[metadata]\n')
    assert err.value.line == 3
    assert err.value.reason.startswith("invalid TOML")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('package = {}\n', 1),
        ('metadata = []\n', 1),
        ('[[package]]\nname = 3\n', 1),
    ],
)
def test_wrong_shape_raises(text, line):
    with pytest.raises(ManifestError) as err:
        parse(PATH, text)
    assert err.value.line == line


WRONG_TYPES = ["5", '"text"', "[1, 2]", "{ a = 1 }", "true", "[{ file = 5, url = [], hash = {} }]"]
FIELDS = {
    "name": '"x"',
    "version": '"1.0"',
    "groups": '["dev"]',
    "extras": '["socks"]',
    "editable": "true",
    "files": '[{ url = "https://files.pythonhosted.org/x-1.0.tar.gz", hash = "sha256:00" }]',
    "git": '"https://github.com/a/x.git"',
    "ref": '"main"',
    "revision": '"0123456789abcdef0123456789abcdef01234567"',
    "subdirectory": '"pkg"',
    "path": '"./x"',
    "url": '"https://example.org/x-1.0.tar.gz"',
}


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize("field", [*FIELDS, "content_hash"])
def test_a_field_of_the_wrong_type_is_a_manifest_error_or_ignored(field, value):
    entry = "\n".join(f"{k} = {value if k == field else v}" for k, v in FIELDS.items())
    content_hash = value if field == "content_hash" else '"sha256:00"'
    text = f"[metadata]\ncontent_hash = {content_hash}\n\n[[package]]\n{entry}\n"
    try:
        manifest = parse(PATH, text)
    except ManifestError as err:
        assert err.line == 4
    else:
        (dep,) = manifest.dependencies
        assert dep.location == Location(PATH, 4, 16)


# -- the dependency graph (Dependency.requires) -----------------------------------------------


def test_requires_graph(deps):
    assert deps["flask-ext"].requires == ("blinker", "click")
    assert deps["click"].requires == ("colorama",)  # with a marker
    # `requests[socks]` requires the plain `requests`: not an edge to another package
    assert deps["requests"].requires == ("pysocks",)
    assert deps["blinker"].requires == () and deps["localpkg"].requires == ()


def test_requires_real_lock_leaves():
    lock = Path(__file__).parent.parent / "data" / "lockhash" / "pdm-2.29-basic" / "pdm.lock"
    manifest = parse(PATH, lock.read_text("utf-8"))
    assert [(d.name, d.requires) for d in manifest.dependencies] == [("idna", ()), ("six", ())]


def test_requires_from_requirement_strings():
    text = """[metadata]
groups = ["default"]
lock_version = "4.5.0"

[[package]]
name = "app-deps"
version = "1.0"
dependencies = [
    "Typing_Extensions>=4; python_version < \\"3.11\\"",
    "uvicorn[standard]>=0.30",
    "local-lib @ file:///${PROJECT_ROOT}/libs/local-lib",
    "-e file:///${PROJECT_ROOT}/libs/Editable.Lib#egg=Editable.Lib",
    "file:///${PROJECT_ROOT}/vendor/thing.tar.gz",
    "attrs",
    "attrs>=22",
]
"""
    (dep,) = parse(PATH, text).dependencies
    # names, normalised; a bare URL without an #egg= name names nothing
    assert dep.requires == ("attrs", "editable-lib", "local-lib", "typing-extensions", "uvicorn")
