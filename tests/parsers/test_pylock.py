from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hygiene_testkit import sha256

from hygiene.model import Location, ManifestKind, Setting, SourceKind
from hygiene.parsers.base import ManifestError
from hygiene.parsers.pylock import parse

LOCK = Path(__file__).parent.parent / "data" / "locks" / "pylock" / "pylock.toml"
PATH = "pylock.toml"



@pytest.fixture(scope="module")
def manifest():
    return parse(PATH, LOCK.read_text("utf-8"))


@pytest.fixture(scope="module")
def deps(manifest):
    return {d.name: d for d in manifest.dependencies}


def test_manifest(manifest):
    assert manifest.kind is ManifestKind.PYLOCK
    assert [d.name for d in manifest.dependencies] == [
        "attrs", "cffi", "corp-client", "ext-archive", "myproject", "mytool", "oldvcs", "weakhash",
    ]
    assert manifest.settings == (
        Setting("index-url", "https://pypi.org/simple", Location(PATH, 13, 13)),
        Setting("index-url", "https://pypi.corp.example/simple", Location(PATH, 47, 47)),
    )


def test_index_entry_with_inline_artifacts(deps):
    attrs = deps["attrs"]
    assert (attrs.version, attrs.specifier, attrs.source) == ("25.1.0", "==25.1.0", SourceKind.REGISTRY)
    assert attrs.hashes == (sha256("attrs-25.1.0.tar.gz"), sha256("attrs-25.1.0-py3-none-any.whl"))
    assert attrs.url.endswith("/attrs-25.1.0.tar.gz")
    assert attrs.location == Location(PATH, 9, 17)


def test_artifacts_as_arrays_of_tables(deps):
    cffi = deps["cffi"]
    assert cffi.hashes == (
        sha256("cffi-1.17.1.tar.gz"),
        sha256("cffi-1.17.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
        sha256("cffi-1.17.1-cp312-cp312-musllinux_1_1_x86_64.whl"),
    )
    assert cffi.url.endswith("/cffi-1.17.1.tar.gz")
    # The entry runs through its [[packages.wheels]] and [packages.sdist] tables.
    assert cffi.location == Location(PATH, 19, 41)


def test_every_algorithm_is_recorded(deps):
    corp = deps["corp-client"]
    assert corp.hashes == (
        sha256("corp_client-3.0.0-py3-none-any.whl"),
        "sha512:" + hashlib.sha512(b"corp_client-3.0.0-py3-none-any.whl").hexdigest(),
    )
    assert corp.marker == "'dev' in dependency_groups"
    weak = deps["weakhash"]
    assert [h.split(":")[0] for h in weak.hashes] == ["sha1", "md5"]
    # Through the [packages.tool.acme] table with its multi-line string.
    assert weak.location == Location(PATH, 70, 79)


def test_archive_directory_and_vcs(deps):
    archive = deps["ext-archive"]
    assert (archive.source, archive.url, archive.hashes) == (
        SourceKind.URL, "https://files.pythonhosted.org/packages/aa/bb/ext_archive-0.5.tar.gz",
        (sha256("ext_archive-0.5.tar.gz"),))
    project = deps["myproject"]
    assert (project.source, project.url, project.editable, project.version) == (
        SourceKind.PATH, ".", True, None)
    assert project.location == Location(PATH, 57, 59)
    commit = hashlib.sha1(b"mytool").hexdigest()
    assert (deps["mytool"].source, deps["mytool"].url) == (
        SourceKind.VCS, f"git+https://github.com/acme/mytool.git@{commit}")
    assert deps["oldvcs"].url == "git+https://github.com/acme/oldvcs.git@release"
    assert deps["oldvcs"].location == Location(PATH, 66, 68)


def test_local_archive_is_a_path():
    text = ('lock-version = "1.0"\ncreated-by = "x"\n\n[[packages]]\nname = "x"\n'
            'archive = { path = "dist/x-1.0.tar.gz", hashes = { sha256 = "00" } }\n')
    (dep,) = parse(PATH, text).dependencies
    assert (dep.source, dep.url, dep.hashes) == (SourceKind.PATH, "dist/x-1.0.tar.gz", ("sha256:00",))
    assert dep.location == Location(PATH, 4, 6)


def test_invalid_toml_raises_with_line():
    with pytest.raises(ManifestError) as err:
        parse(PATH, 'lock-version = "1.0"\n[[packages]]\nname = "x\n')
    assert err.value.line == 3
    assert err.value.reason.startswith("invalid TOML")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('packages = "x"\n', 1),
        ('lock-version = "1.0"\n[[packages]]\nversion = "1"\n', 2),
    ],
)
def test_wrong_shape_raises(text, line):
    with pytest.raises(ManifestError) as err:
        parse(PATH, text)
    assert err.value.line == line


WRONG_TYPES = ["5", '"text"', "[1, 2]", "{ a = 1 }", "true",
               "[{ url = 5, path = [], hashes = 5 }]", "{ url = 5, path = {}, hashes = [1] }"]
FIELDS = {
    "name": '"x"',
    "version": '"1.0"',
    "marker": "\"'dev' in dependency_groups\"",
    "index": '"https://pypi.org/simple"',
    "sdist": '{ url = "https://files.pythonhosted.org/x-1.0.tar.gz", hashes = { sha256 = "00" } }',
    "wheels": '[{ url = "https://files.pythonhosted.org/x-1.0-py3-none-any.whl", hashes = { sha256 = "01" } }]',
}
SOURCES = {
    "vcs": '{ type = "git", url = "https://github.com/a/x.git", commit-id = "00" }',
    "directory": '{ path = ".", editable = true }',
    "archive": '{ url = "https://example.org/x.tar.gz", hashes = { sha256 = "02" } }',
}


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize("field", [*FIELDS, *SOURCES])
def test_a_field_of_the_wrong_type_is_a_manifest_error_or_ignored(field, value):
    fields = dict(FIELDS)
    if field in SOURCES:
        fields[field] = SOURCES[field]
    entry = "\n".join(f"{k} = {value if k == field else v}" for k, v in fields.items())
    try:
        manifest = parse(PATH, f'lock-version = "1.0"\n\n[[packages]]\n{entry}\n')
    except ManifestError as err:
        assert err.line == 3
    else:
        (dep,) = manifest.dependencies
        assert dep.location.line == 3


# -- the dependency graph (Dependency.requires) -----------------------------------------------


def test_requires_none_when_the_lock_records_no_graph(manifest):
    assert [d.requires for d in manifest.dependencies] == [None] * 8


def test_requires_from_dependencies_tables():
    text = """lock-version = "1.0"
created-by = "tool"

[[packages]]
name = "myproject"
directory = { path = ".", editable = true }
dependencies = [{ name = "Requests" }, { name = "attrs", version = "25.1.0" }]

[[packages]]
name = "requests"
version = "2.32.3"
dependencies = [{ name = "idna" }, { name = "charset_normalizer" }, { name = "idna" }]

[[packages]]
name = "idna"
version = "3.7"
dependencies = []

[[packages]]
name = "attrs"
version = "25.1.0"
"""
    deps = {d.name: d for d in parse(PATH, text).dependencies}
    assert deps["myproject"].requires == ("attrs", "requests")
    assert deps["requests"].requires == ("charset-normalizer", "idna")
    assert deps["idna"].requires == ()  # recorded as a leaf
    assert deps["attrs"].requires is None  # the key is optional: not recorded


@pytest.mark.parametrize(
    ("marker", "defaults", "group"),
    [
        ("'dev' in dependency_groups", [], "dev"),
        ("'dev' in dependency_groups", ["dev"], None),  # installed by default
        ("('lint' in dependency_groups) or ('dev' in dependency_groups)", ["dev"], None),
        ("\"socks\" in extras or 'all' in extras", ["dev"], "socks"),
        # default-groups names dependency groups: an extra of the same name is not installed by default
        ("'dev' in extras", ["dev"], "dev"),
        ("sys_platform == 'linux'", [], None),
        # a condition on the platform as well: not only a group selection, so left ungrouped
        ("'dev' in dependency_groups and sys_platform == 'linux'", [], None),
        (None, [], None),
    ],
)
def test_an_entry_only_groups_or_extras_select_has_that_group(marker, defaults, group):
    text = (
        f'lock-version = "1.0"\ncreated-by = "x"\ndefault-groups = {defaults!r}\n\n'
        '[[packages]]\nname = "ruff"\nversion = "0.6.9"\n'
        + (f"marker = '''{marker}'''\n" if marker else "")  # a TOML literal string
    )
    (dep,) = parse("pylock.toml", text).dependencies
    assert dep.group == group
