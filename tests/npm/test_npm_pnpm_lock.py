"""pnpm-lock.yaml, lockfileVersion 5.4, 6.0 and 9.0 (fixtures written by pnpm 7.33.7, 8.15.9
and 9.15.9, see tests/data/npm/README.md)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hygiene.model import Location, ManifestKind, SourceKind
from hygiene.parsers.base import ManifestError
from hygiene.parsers.pnpm_lock import parse

DATA = Path(__file__).parent.parent / "data" / "npm"
SHA = "0123456789abcdef0123456789abcdef01234567"
DECLARED = (
    "@isaacs/string-locale-compare@^1.1.0", "@types/ms@*", "is-number@^7.0.0", "is-odd@3.0.1",
    "my-ms@npm:ms@2.1.2", "ms@~2.1.3",
)


def load(project: str, variant: str):
    return parse("pnpm-lock.yaml", (DATA / project / variant / "pnpm-lock.yaml").read_text("utf-8"))


@pytest.mark.parametrize(
    ("variant", "importer_line", "lines", "dev"),
    [
        # pnpm 7 does not install peers: @types/ms is not locked
        ("pnpm-v5", 3, [23, 27, 32, 37, 44, 50], True),
        ("pnpm-v6", 7, [33, 37, 41, 46, 51, 58, 64], True),
        ("pnpm-v9", 9, [34, 37, 40, 44, 48, 52, 55], False),
    ],
)
def test_fixtures(variant, importer_line, lines, dev):
    m = load("app", variant)
    assert m.kind is ManifestKind.PNPM_LOCK and m.ecosystem == "npm" and m.errors == ()
    importer, *packages = m.dependencies
    assert (importer.source, importer.url, importer.location.line) == (SourceKind.VIRTUAL, ".", importer_line)
    expected = [d for d in DECLARED if variant != "pnpm-v5" or not d.startswith("@types/")]
    assert sorted(importer.extras) == sorted(expected)
    assert [d.location.line for d in packages] == lines
    names = [(d.name, d.version) for d in packages]
    assert ("is-number", "6.0.0") in names and ("is-number", "7.0.0") in names and ("ms", "2.1.2") in names
    assert ("@isaacs/string-locale-compare", "1.1.0") in names
    assert all(d.source is SourceKind.REGISTRY and d.url is None and d.hashes[0].startswith("sha512:")
               for d in packages)
    ms = next(d for d in packages if (d.name, d.version) == ("ms", "2.1.3"))
    assert ms.group == ("dev" if dev else None)


def test_v9_entry_span():
    m = load("app", "pnpm-v9")
    odd = next(d for d in m.dependencies if d.name == "is-odd")
    assert odd.location == Location("pnpm-lock.yaml", 48, 50)
    assert odd.text == "is-odd@3.0.1"


def test_workspace_importers():
    m = load("workspaces", "pnpm")
    importers = [(d.url, d.extras) for d in m.dependencies if d.source is SourceKind.VIRTUAL]
    assert importers == [
        (".", ("ms@2.1.3",)),
        ("packages/a", ("@fixture/b@1.0.0", "is-number@^7.0.0")),
        ("packages/b", ()),
    ]


def test_sources():
    m = load("sources", "pnpm")
    deps = {d.text: d for d in m.dependencies}
    assert (deps["local-lib@file:lib"].source, deps["local-lib@file:lib"].url) == (SourceKind.PATH, "lib")
    assert deps["ms@2.1.3"].source is SourceKind.REGISTRY


def test_other_resolutions():
    text = (
        "lockfileVersion: '6.0'\n"
        "\n"
        "packages:\n"
        "\n"
        f"  github.com/o/g/{SHA}:\n"
        f"    resolution: {{tarball: https://codeload.github.com/o/g/tar.gz/{SHA}}}\n"
        "    name: g\n"
        "    version: 1.0.0\n"
        "\n"
        "  /gitdep@1.0.0:\n"
        "    resolution: {type: git, repo: https://github.com/o/gitdep.git, commit: main}\n"
        "\n"
        "  /t@1.0.0(react@18.0.0):\n"
        "    resolution: {integrity: sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=, tarball: http://example.com/t-1.0.0.tgz}\n"
        "    dev: true\n"
    )
    g, gitdep, t = parse("pnpm-lock.yaml", text).dependencies[1:]
    assert (g.source, g.name, g.version) == (SourceKind.VCS, "g", SHA)
    assert (gitdep.source, gitdep.version, gitdep.url) == (
        SourceKind.VCS, None, "git+https://github.com/o/gitdep.git#main")
    assert (t.source, t.name, t.version, t.group) == (SourceKind.URL, "t", "1.0.0", "dev")
    assert t.artifact_urls == ("http://example.com/t-1.0.0.tgz",)
    assert t.hashes == ("sha1:" + "00" * 20,)


def test_v5_keys_with_peer_suffixes():
    text = (
        "lockfileVersion: 5.4\n"
        "importers:\n"
        "  .:\n"
        "    specifiers:\n"
        "      '@s/n': ^1.0.0\n"
        "    dependencies:\n"
        "      '@s/n': 1.0.0_react@18.0.0\n"
        "packages:\n"
        "  /@s/n/1.0.0_react@18.0.0:\n"
        "    resolution: {integrity: sha512-AAAA}\n"
    )
    importer, pkg = parse("pnpm-lock.yaml", text).dependencies
    assert importer.extras == ("@s/n@^1.0.0",)
    assert (pkg.name, pkg.version, pkg.location.line) == ("@s/n", "1.0.0", 9)


def test_entry_problems_are_errors():
    text = "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: 3\n  b@1.0.0:\n    resolution: {integrity: sha512-AAAA}\n"
    m = parse("pnpm-lock.yaml", text)
    assert [d.name for d in m.dependencies] == [None, "b"]
    assert [e.line for e in m.errors] == [3]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("- a\n- b\n", 1, "must be a YAML mapping"),
        ("just text\n", 1, "must be a YAML mapping"),
        ("packages: {}\n", 1, "no readable `lockfileVersion`"),
        ("lockfileVersion: '99.0'\n", 1, "unsupported pnpm lockfileVersion 99.0"),
        ("lockfileVersion: '9.0'\npackages: [1]\n", 2, "`packages` must be a mapping"),
        ("lockfileVersion: '9.0'\nimporters: 3\n", 2, "`importers` must be a mapping"),
        ("lockfileVersion: '9.0'\npackages:\n  a: {b: [}\n", 3, "invalid YAML"),
        ("a: 1\n---\nb: 2\n", 2, "invalid YAML"),
        ("a: !!python/object:os.system {}\n", None, None),  # a tag the safe loader keeps as data
    ],
)
def test_unreadable(text, line, reason):
    if reason is None:
        with pytest.raises(ManifestError, match="lockfileVersion"):
            parse("pnpm-lock.yaml", text)
        return
    with pytest.raises(ManifestError) as exc:
        parse("pnpm-lock.yaml", text)
    assert exc.value.line == line
    assert reason in exc.value.reason


def alias_bomb(levels: int = 10, width: int = 9) -> str:
    lines = ["lockfileVersion: '9.0'", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    lines.append(f"packages:\n  bomb@1.0.0:\n    resolution: *a{levels}")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly():
    start = time.monotonic()
    with pytest.raises(ManifestError, match="aliases expand"):
        parse("pnpm-lock.yaml", alias_bomb())
    assert time.monotonic() - start < 10


def test_recursive_alias_is_refused():
    with pytest.raises(ManifestError):
        parse("pnpm-lock.yaml", "lockfileVersion: '9.0'\na: &a [*a]\n")


def test_a_few_aliases_are_read():
    text = "lockfileVersion: '9.0'\nx: &r {integrity: sha512-AAAA}\npackages:\n  a@1.0.0:\n    resolution: *r\n"
    pkg = parse("pnpm-lock.yaml", text).dependencies[1]
    assert pkg.hashes == ("sha512:000000",)


# -- the dependency graph (Dependency.requires) -----------------------------------------------


def graph(m):
    return [(d.text, d.requires) for d in m.dependencies]


@pytest.mark.parametrize(
    ("variant", "keys"),
    [
        ("pnpm-v5", ["/@isaacs/string-locale-compare/1.1.0", "/is-number/6.0.0", "/is-number/7.0.0",
                     "/is-odd/3.0.1", "/ms/2.1.2", "/ms/2.1.3"]),
        ("pnpm-v6", ["/@isaacs/string-locale-compare@1.1.0", "/@types/ms@2.1.0", "/is-number@6.0.0",
                     "/is-number@7.0.0", "/is-odd@3.0.1", "/ms@2.1.2", "/ms@2.1.3"]),
        ("pnpm-v9", ["@isaacs/string-locale-compare@1.1.0", "@types/ms@2.1.0", "is-number@6.0.0",
                     "is-number@7.0.0", "is-odd@3.0.1", "ms@2.1.2", "ms@2.1.3"]),
    ],
)
def test_requires_fixtures(variant, keys):
    m = load("app", variant)
    # the importer: dependencies, dev and optional ones (the alias `my-ms` is the package `ms`);
    # pnpm 7 did not install the peer @types/ms
    direct = ("@isaacs/string-locale-compare", "@types/ms", "is-number", "is-odd", "ms")
    if variant == "pnpm-v5":
        direct = tuple(n for n in direct if n != "@types/ms")
    assert graph(m) == [(".", direct)] + [
        (key, ("is-number",) if "is-odd" in key else ()) for key in keys
    ]


def test_requires_workspaces_and_sources():
    assert graph(load("workspaces", "pnpm")) == [
        (".", ("ms",)),
        ("packages/a", ("@fixture/b", "is-number")),  # `link:../b` is the package @fixture/b
        ("packages/b", ()),
        ("is-number@7.0.0", ()),
        ("ms@2.1.3", ()),
    ]
    assert graph(load("sources", "pnpm")) == [
        (".", ("local-lib", "ms")), ("local-lib@file:lib", ()), ("ms@2.1.3", ()),
    ]


def test_requires_v9_snapshots_peer_contexts_and_aliases():
    text = """lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      react-x:
        specifier: ^1.0.0
        version: 1.0.0(react@18.2.0)
      my-ms:
        specifier: npm:ms@2.1.2
        version: ms@2.1.2
packages:
  react-x@1.0.0:
    resolution: {integrity: sha512-AAAA}
    peerDependencies:
      react: '>=17'
      react-dom: '*'
  react@17.0.2:
    resolution: {integrity: sha512-AAAA}
  orphan@1.0.0:
    resolution: {integrity: sha512-AAAA}
snapshots:
  react-x@1.0.0(react@17.0.2):
    dependencies:
      react: 17.0.2
      '@s/helper': 1.0.0
    transitivePeerDependencies:
      - react-dom
  react-x@1.0.0(react@18.2.0):
    dependencies:
      react: 18.2.0
      my-ms: ms@2.1.2
    optionalDependencies:
      fsevents: 2.3.3
  react@17.0.2: {}
"""
    assert graph(parse("pnpm-lock.yaml", text)) == [
        (".", ("ms", "react-x")),
        # every peer context's dependencies; declared peer ranges and transitive peers are not edges
        ("react-x@1.0.0", ("@s/helper", "fsevents", "ms", "react")),
        ("react@17.0.2", ()),
        ("orphan@1.0.0", None),  # no snapshot: the lock records no graph for it
    ]
    without_snapshots = text.split("snapshots:")[0]
    assert [d.requires for d in parse("pnpm-lock.yaml", without_snapshots).dependencies][1:] == [None] * 3


def test_requires_v5_and_v6_package_entries():
    v6 = """lockfileVersion: '6.0'
dependencies:
  a:
    specifier: ^1
    version: 1.0.0(react@18.2.0)
packages:
  /a@1.0.0(react@18.2.0):
    resolution: {integrity: sha512-AAAA}
    peerDependencies:
      react: '*'
    dependencies:
      react: 18.2.0
      alias-b: /b@2.0.0
      c: link:../c
    optionalDependencies:
      '@s/opt': 1.0.0
"""
    assert graph(parse("pnpm-lock.yaml", v6)) == [
        (".", ("a",)), ("/a@1.0.0(react@18.2.0)", ("@s/opt", "b", "c", "react")),
    ]
    v5 = """lockfileVersion: 5.4
specifiers:
  alias-b: npm:b@2
dependencies:
  alias-b: /b/2.0.0
packages:
  /a/1.0.0_react@18.2.0:
    resolution: {integrity: sha512-AAAA}
    dependencies:
      react: 18.2.0_x@1.0.0
      alias-b: /b/2.0.0
"""
    assert graph(parse("pnpm-lock.yaml", v5)) == [
        (".", ("b",)), ("/a/1.0.0_react@18.2.0", ("b", "react")),
    ]


@pytest.mark.parametrize("variant", ["pnpm-v5", "pnpm-v6", "pnpm-v9"])
def test_requires_exact_are_resolved_versions(variant):
    """`is-odd` reaches is-number 6.0.0 (the lock has 6.0.0 and 7.0.0); the alias `my-ms` is
    ms@2.1.2; peer suffixes (`(react@18)`, v5's `_react@18`) are not part of the version."""
    m = load("app", variant)
    exact = {d.text: d.requires_exact for d in m.dependencies}
    odd = next(k for k in exact if "is-odd" in k)
    assert exact[odd] == ("is-number@6.0.0",)
    direct = ("@isaacs/string-locale-compare@1.1.0", "@types/ms@2.1.0", "is-number@7.0.0", "is-odd@3.0.1", "ms@2.1.2", "ms@2.1.3")
    assert exact["."] == tuple(d for d in direct if variant != "pnpm-v5" or not d.startswith("@types"))
    # `link:` edges stay names
    ws = {d.text: d.requires_exact for d in load("workspaces", "pnpm").dependencies}
    assert ws["packages/a"] == ("@fixture/b", "is-number@7.0.0")
    text = (
        "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      react-x:\n        specifier: ^1.0.0\n"
        "        version: 1.0.0(react@18.2.0)\npackages:\n  react-x@1.0.0:\n    resolution: {integrity: sha512-AAAA}\n"
        "snapshots:\n  react-x@1.0.0(react@18.2.0):\n    dependencies:\n      react: 18.2.0\n      my-ms: ms@2.1.2\n"
    )
    deps = {d.text: d.requires_exact for d in parse("pnpm-lock.yaml", text).dependencies}
    assert deps == {".": ("react-x@1.0.0",), "react-x@1.0.0": ("ms@2.1.2", "react@18.2.0")}
