"""package-lock.json / npm-shrinkwrap.json, lockfileVersion 1, 2 and 3 (fixtures written by
npm 11.19.1 with ``--lockfile-version N``, see tests/data/npm/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hygiene.model import Location, ManifestKind, SourceKind
from hygiene.parsers.base import ManifestError
from hygiene.parsers.npm_lock import parse

DATA = Path(__file__).parent.parent / "data" / "npm"
NPM = "https://registry.npmjs.org"
SHA = "0123456789abcdef0123456789abcdef01234567"
# sha512-41Cifkg6… of is-number 7.0.0, in hex
IS_NUMBER_7 = (
    "sha512:e350a27e483a7bc4f2952a5db53a5e2d532abd20445734edb47bc4443ef8d7ea6767c00dbf4d34e0c44be3740"
    "a3c394af5c1af369e8d6566540656c65d8c719e"
)


def load(variant: str, project: str = "app"):
    path = DATA / project / variant / "package-lock.json"
    return parse("package-lock.json", path.read_text("utf-8"))


@pytest.mark.parametrize("variant", ["npm-v2", "npm-v3"])
def test_packages_format(variant):
    m = load(variant)
    assert m.kind is ManifestKind.PACKAGE_LOCK and m.ecosystem == "npm" and m.is_lockfile
    assert m.errors == ()
    root, *entries = m.dependencies
    assert root.source is SourceKind.VIRTUAL and root.url == "." and root.name == "fixture-app"
    assert root.location.line == 7  # the "" key
    assert root.extras == (
        "@isaacs/string-locale-compare@^1.1.0", "is-number@^7.0.0", "is-odd@3.0.1", "ms@~2.1.3",
        "my-ms@npm:ms@2.1.2", "@types/ms@*",
    )
    assert [(d.text, d.name, d.version, d.group) for d in entries] == [
        ("node_modules/@isaacs/string-locale-compare", "@isaacs/string-locale-compare", "1.1.0", None),
        ("node_modules/@types/ms", "@types/ms", "2.1.0", None),
        ("node_modules/is-number", "is-number", "7.0.0", None),
        ("node_modules/is-odd", "is-odd", "3.0.1", None),
        ("node_modules/is-odd/node_modules/is-number", "is-number", "6.0.0", None),
        ("node_modules/ms", "ms", "2.1.3", "dev"),
        ("node_modules/my-ms", "ms", "2.1.2", None),  # an alias: the real package's name
    ]
    assert all(d.source is SourceKind.REGISTRY for d in entries)
    is_number = entries[2]
    assert is_number.location == Location("package-lock.json", 38, 46)
    assert is_number.hashes == (IS_NUMBER_7,)
    assert is_number.url == f"{NPM}/is-number/-/is-number-7.0.0.tgz"
    assert is_number.artifact_urls == (is_number.url,)
    assert is_number.specifier == "7.0.0"


def test_version_1():
    m = load("npm-v1")
    assert m.errors == ()
    root, *entries = m.dependencies
    # v1 records no specs for the project: only the names at the top of node_modules.
    assert root.source is SourceKind.VIRTUAL and root.url == "." and root.location.line == 2
    assert root.extras == ("@isaacs/string-locale-compare", "@types/ms", "is-number", "is-odd", "ms", "my-ms")
    assert [(d.location.line, d.text, d.name, d.version, d.group) for d in entries] == [
        (7, "node_modules/@isaacs/string-locale-compare", "@isaacs/string-locale-compare", "1.1.0", None),
        (12, "node_modules/@types/ms", "@types/ms", "2.1.0", None),
        (18, "node_modules/is-number", "is-number", "7.0.0", None),
        (23, "node_modules/is-odd", "is-odd", "3.0.1", None),
        (31, "node_modules/is-odd/node_modules/is-number", "is-number", "6.0.0", None),
        (38, "node_modules/ms", "ms", "2.1.3", "dev"),
        (44, "node_modules/my-ms", "ms", "2.1.2", None),
    ]
    assert entries[2].hashes == (IS_NUMBER_7,)


def test_workspaces_and_links():
    m = load("npm", "workspaces")
    by_text = {d.text: d for d in m.dependencies}
    assert by_text[""].source is SourceKind.VIRTUAL
    a = by_text["packages/a"]
    assert (a.source, a.url, a.name, a.extras) == (
        SourceKind.VIRTUAL, "packages/a", "@fixture/a", ("@fixture/b@1.0.0", "is-number@^7.0.0"))
    link = by_text["node_modules/@fixture/a"]
    assert (link.source, link.url, link.name) == (SourceKind.PATH, "packages/a", "@fixture/a")


def test_file_dependency_and_tarball_url():
    m = load("npm", "sources")
    by_text = {d.text: d for d in m.dependencies}
    assert by_text["lib"].source is SourceKind.VIRTUAL  # the file: folder, a project of its own
    assert by_text["node_modules/local-lib"].source is SourceKind.PATH
    ms = by_text["node_modules/ms"]
    assert ms.source is SourceKind.REGISTRY and ms.hashes  # npm records integrity for URL deps


def lock(packages: dict, version: int = 3) -> str:
    return json.dumps({"name": "x", "lockfileVersion": version, "requires": True, "packages": packages}, indent=2)


def test_git_bundled_file_and_other_sources():
    text = lock({
        "": {"name": "x"},
        "node_modules/pinned": {"version": "1.0.0", "resolved": f"git+ssh://git@github.com/o/pinned.git#{SHA}"},
        "node_modules/bundled": {"version": "1.0.0", "inBundle": True},
        "node_modules/vendored": {"version": "1.0.0", "resolved": "file:vendor/vendored-1.0.0.tgz",
                                  "integrity": "sha512-AAAA"},
        "node_modules/corp": {"version": "2.0.0", "resolved": "https://files.corp.example/corp.tgz",
                              "integrity": "sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA= sha512-AAAA"},
        "node_modules/omitted": {"version": "1.0.0", "integrity": "sha512-AAAA"},
    })
    deps = {d.text: d for d in parse("package-lock.json", text).dependencies}
    git = deps["node_modules/pinned"]
    assert (git.source, git.version, git.url) == (SourceKind.VCS, SHA, f"git+ssh://git@github.com/o/pinned.git#{SHA}")
    assert deps["node_modules/bundled"].group == "bundled"
    assert deps["node_modules/vendored"].source is SourceKind.PATH
    corp = deps["node_modules/corp"]
    assert corp.source is SourceKind.URL
    assert corp.hashes == ("sha1:" + "00" * 20, "sha512:000000")
    omitted = deps["node_modules/omitted"]  # omit-lockfile-registry-resolved
    assert (omitted.source, omitted.url, omitted.hashes) == (SourceKind.REGISTRY, None, ("sha512:000000",))


def test_version_1_git_alias_and_file():
    text = json.dumps({
        "lockfileVersion": 1,
        "dependencies": {
            "g": {"version": f"git+https://github.com/o/g.git#{SHA}", "from": "github:o/g#main"},
            "f": {"version": "file:../f"},
            "al": {"version": "npm:real@1.2.3", "resolved": f"{NPM}/real/-/real-1.2.3.tgz"},
        },
    }, indent=2)
    deps = {d.text: d for d in parse("npm-shrinkwrap.json", text).dependencies}
    assert (deps["node_modules/g"].source, deps["node_modules/g"].version) == (SourceKind.VCS, SHA)
    assert deps["node_modules/f"].source is SourceKind.PATH
    assert (deps["node_modules/al"].name, deps["node_modules/al"].version) == ("real", "1.2.3")


def test_entry_problems_are_errors():
    text = lock({"": {}, "node_modules/a": "nope", "node_modules/b": {"version": "1.0.0", "integrity": "sha512-AAAA"}})
    m = parse("package-lock.json", text)
    assert [d.text for d in m.dependencies] == ["", "node_modules/b"]
    assert [(e.line, "must be an object" in e.reason) for e in m.errors] == [(7, True)]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n", 4, "invalid JSON"),
        ("[]", 1, "must be a JSON object"),
        ('{\n  "lockfileVersion": 99,\n  "packages": {}\n}', 2, "unsupported lockfileVersion 99"),
        ('{"lockfileVersion": true, "packages": {}}', 1, "unsupported lockfileVersion"),
        ('{"name": "x"}', 1, "unsupported lockfileVersion None"),
        ('{\n  "lockfileVersion": 3,\n  "packages": []\n}', 3, "`packages` must be an object"),
        ('{\n  "lockfileVersion": 1,\n  "dependencies": 7\n}', 3, "`dependencies` must be an object"),
    ],
)
def test_unreadable_lock(text, line, reason):
    with pytest.raises(ManifestError) as exc:
        parse("package-lock.json", text)
    assert exc.value.line == line
    assert reason in exc.value.reason


# -- the dependency graph (Dependency.requires) -----------------------------------------------


def graph(m):
    return [(d.text, d.requires) for d in m.dependencies]


@pytest.mark.parametrize("variant", ["npm-v2", "npm-v3"])
def test_requires_packages_format(variant):
    assert graph(load(variant)) == [
        # the project: every section (the dev `ms` and the alias `my-ms` → `ms` are one name;
        # the peer `@types/ms` too)
        ("", ("@isaacs/string-locale-compare", "@types/ms", "is-number", "is-odd", "ms")),
        ("node_modules/@isaacs/string-locale-compare", ()),
        ("node_modules/@types/ms", ()),
        ("node_modules/is-number", ()),
        ("node_modules/is-odd", ("is-number",)),
        ("node_modules/is-odd/node_modules/is-number", ()),
        ("node_modules/ms", ()),
        ("node_modules/my-ms", ()),
    ]


def test_requires_version_1():
    # the project's own direct dependencies are not recorded; each entry's `requires` is
    assert graph(load("npm-v1")) == [
        ("", None),
        ("node_modules/@isaacs/string-locale-compare", ()),
        ("node_modules/@types/ms", ()),
        ("node_modules/is-number", ()),
        ("node_modules/is-odd", ("is-number",)),
        ("node_modules/is-odd/node_modules/is-number", ()),
        ("node_modules/ms", ()),
        ("node_modules/my-ms", ()),
    ]


def test_requires_workspaces_and_links():
    assert graph(load("npm", "workspaces")) == [
        ("", ("ms",)),  # a dev dependency of the root
        ("node_modules/@fixture/a", ("@fixture/b", "is-number")),  # a link: its target's
        ("node_modules/@fixture/b", ()),
        ("node_modules/is-number", ()),
        ("node_modules/ms", ()),
        ("packages/a", ("@fixture/b", "is-number")),
        ("packages/b", ()),
    ]
    assert graph(load("npm", "sources")) == [
        ("", ("local-lib", "ms")),
        ("lib", ()),
        ("node_modules/local-lib", ()),
        ("node_modules/ms", ()),
    ]


def test_requires_sections_and_aliases():
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "p", "devDependencies": {"z-dev": "1"}, "dependencies": {"@s/b": "^1"}},
            "node_modules/@s/b": {
                "version": "1.0.0",
                "dependencies": {"c": "^1", "my-c": "npm:c@^2", "@s/alias": "npm:@s/real@1"},
                "optionalDependencies": {"fsevents": "^2"},
                "peerDependencies": {"react": ">=17", "c": "^1"},
                "devDependencies": {"never-installed": "1"},  # not an edge of an installed package
            },
            "node_modules/gone": {"link": True, "resolved": "missing/folder"},
        },
    }
    m = parse("package-lock.json", json.dumps(lock))
    assert graph(m) == [
        ("", ("@s/b", "z-dev")),
        ("node_modules/@s/b", ("@s/real", "c", "fsevents", "react")),
        ("node_modules/gone", None),  # a link whose target the lock does not record
    ]
    v1 = {
        "lockfileVersion": 1,
        "dependencies": {
            "a": {"version": "1.0.0", "requires": {"b": "^1", "my-b": "npm:b@2.0.0", "@s/c": "1"}},
            "b": {"version": "1.0.0"},
        },
    }
    assert graph(parse("package-lock.json", json.dumps(v1))) == [
        ("", None), ("node_modules/a", ("@s/c", "b")), ("node_modules/b", ()),
    ]
