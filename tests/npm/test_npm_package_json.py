"""package.json: one record per declared dependency, located, classified the way npm reads
its spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hygiene.model import Location, ManifestKind, Setting, SourceKind
from hygiene.parsers.base import ManifestError
from hygiene.parsers.package_json import classify_spec, parse

DATA = Path(__file__).parent.parent / "data" / "npm"
SHA = "0123456789abcdef0123456789abcdef01234567"


def package_json(**sections) -> str:
    return json.dumps({"name": "demo", "version": "1.0.0", **sections}, indent=2) + "\n"


def test_fixture_app():
    m = parse("package.json", (DATA / "app" / "package.json").read_text("utf-8"))
    assert m.kind is ManifestKind.PACKAGE_JSON and m.ecosystem == "npm"
    assert not m.concrete and not m.is_lockfile
    assert [(d.name, d.specifier, d.group, d.location.line) for d in m.dependencies] == [
        ("@isaacs/string-locale-compare", "^1.1.0", "dependencies", 6),
        ("is-number", "^7.0.0", "dependencies", 7),
        ("is-odd", "3.0.1", "dependencies", 8),
        ("ms", "~2.1.3", "devDependencies", 11),
        ("my-ms", "npm:ms@2.1.2", "optionalDependencies", 14),
        ("@types/ms", "*", "peerDependencies", 17),
    ]
    assert all(d.source is SourceKind.REGISTRY and d.ecosystem == "npm" for d in m.dependencies)
    deps = {d.name: d for d in m.dependencies}
    assert deps["is-odd"].version == "3.0.1"  # exact
    assert deps["is-number"].version is None  # a range
    assert deps["my-ms"].version == "2.1.2"  # alias of an exact version
    assert m.lock_tools == ("npm",)
    assert m.declared_at == Location("package.json", 5, 9)  # the "dependencies" object
    assert m.settings == (Setting("package-name", "fixture-app", Location("package.json", 2)),)
    assert m.errors == ()


def test_workspaces_are_settings():
    m = parse("package.json", (DATA / "workspaces" / "package.json").read_text("utf-8"))
    assert [(s.name, s.value, s.location.line) for s in m.settings] == [
        ("package-name", "fixture-ws", 2),
        ("workspaces", "packages/*", 4),
    ]
    # yarn 1's object form
    m = parse("package.json", json.dumps({"workspaces": {"packages": ["apps/*", "libs/**"], "nohoist": ["x"]}}))
    assert [s.value for s in m.settings if s.name == "workspaces"] == ["apps/*", "libs/**"]


def test_declared_at_is_the_first_section_by_line():
    text = '{\n  "devDependencies": {\n    "a": "1"\n  },\n  "dependencies": {\n    "b": "2"\n  }\n}\n'
    m = parse("package.json", text)
    assert m.declared_at == Location("package.json", 2, 4)


def test_no_dependencies():
    m = parse("package.json", package_json(dependencies={}, scripts={"test": "x"}))
    assert m.dependencies == () and m.lock_tools == () and m.declared_at is None


@pytest.mark.parametrize(
    ("spec", "source", "url", "version", "specifier"),
    [
        ("^1.2.3", SourceKind.REGISTRY, None, None, "^1.2.3"),
        ("1.2.3", SourceKind.REGISTRY, None, "1.2.3", "1.2.3"),
        ("=v1.2.3", SourceKind.REGISTRY, None, "1.2.3", "=v1.2.3"),
        ("latest", SourceKind.REGISTRY, None, None, "latest"),
        ("", SourceKind.REGISTRY, None, None, ""),
        ("npm:other@^2", SourceKind.REGISTRY, None, None, "npm:other@^2"),
        ("github:o/r#main", SourceKind.VCS, "git+https://github.com/o/r.git#main", None, "main"),
        (f"o/r#{SHA}", SourceKind.VCS, f"git+https://github.com/o/r.git#{SHA}", SHA, SHA),
        ("o/r", SourceKind.VCS, "git+https://github.com/o/r.git", None, ""),
        ("gitlab:g/p#v1", SourceKind.VCS, "git+https://gitlab.com/g/p.git#v1", None, "v1"),
        ("bitbucket:t/r", SourceKind.VCS, "git+https://bitbucket.org/t/r.git", None, ""),
        ("gist:11081aaa281", SourceKind.VCS, "git+https://gist.github.com/11081aaa281.git", None, ""),
        ("git+ssh://git@github.com:o/r.git#semver:^1", SourceKind.VCS,
         "git+ssh://git@github.com:o/r.git#semver:^1", None, "semver:^1"),
        ("git://github.com/o/r.git#abc1234", SourceKind.VCS, "git://github.com/o/r.git#abc1234", None, "abc1234"),
        ("git@github.com:o/r.git", SourceKind.VCS, "git+ssh://git@github.com:o/r.git", None, ""),
        ("https://github.com/o/r", SourceKind.VCS, "git+https://github.com/o/r", None, ""),
        ("https://example.com/x-1.0.0.tgz", SourceKind.URL, "https://example.com/x-1.0.0.tgz", None,
         "https://example.com/x-1.0.0.tgz"),
        ("https://github.com/o/r/archive/v1.tar.gz", SourceKind.URL, "https://github.com/o/r/archive/v1.tar.gz",
         None, "https://github.com/o/r/archive/v1.tar.gz"),
        ("file:../lib", SourceKind.PATH, "file:../lib", None, "file:../lib"),
        ("link:./x", SourceKind.PATH, "link:./x", None, "link:./x"),
        ("workspace:^", SourceKind.PATH, "workspace:^", None, "workspace:^"),
        ("portal:../p", SourceKind.PATH, "portal:../p", None, "portal:../p"),
        ("./vendor/x", SourceKind.PATH, "./vendor/x", None, "./vendor/x"),
        ("vendor/x-1.0.0.tgz", SourceKind.PATH, "vendor/x-1.0.0.tgz", None, "vendor/x-1.0.0.tgz"),
    ],
)
def test_classify_spec(spec, source, url, version, specifier):
    assert classify_spec("x", spec) == (source, url, version, specifier)


def test_entry_problems_are_errors_not_fatal():
    text = (
        '{\n'
        '  "dependencies": {\n'
        '    "good": "^1",\n'
        '    "bad": 3\n'
        '  },\n'
        '  "devDependencies": ["not", "an", "object"],\n'
        '  "peerDependencies": null\n'
        '}\n'
    )
    m = parse("package.json", text)
    assert [d.name for d in m.dependencies] == ["good"]
    assert [(e.line, e.reason.split(" ")[0]) for e in m.errors] == [(4, "`dependencies`"), (6, "`devDependencies`")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{\n  "dependencies": {\n    "a": "1",\n  }\n}\n', 4),  # trailing comma
        ("[1, 2]\n", 1),
        ('"just a string"', 1),
        ("", 1),
    ],
)
def test_unreadable_package_json(text, line):
    with pytest.raises(ManifestError) as exc:
        parse("package.json", text)
    assert exc.value.line == line
