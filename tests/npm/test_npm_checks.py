"""hygiene.checks.npm: HY105, HY107, HY108, HY109, HY115 and HY116 for package.json and the
npm, yarn and pnpm lockfiles, each as (path, line, rule)."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

import pytest

from hygiene.checks.base import CheckContext, CheckOptions
from hygiene.checks.npm import check_npm
from hygiene.model import Finding, Manifest
from hygiene.parsers import npm_lock, package_json, pnpm_lock, yarn_lock

DATA = Path(__file__).parent.parent / "data" / "npm"
SHA = "0123456789abcdef0123456789abcdef01234567"
NPM = "https://registry.npmjs.org"
PARSERS = {
    "package.json": package_json.parse,
    "package-lock.json": npm_lock.parse,
    "npm-shrinkwrap.json": npm_lock.parse,
    "yarn.lock": yarn_lock.parse,
    "pnpm-lock.yaml": pnpm_lock.parse,
}
LOCKS = {  # fixture variant -> the lockfile's own name
    "npm-v1": "package-lock.json",
    "npm-v2": "package-lock.json",
    "npm-v3": "package-lock.json",
    "yarn-v1": "yarn.lock",
    "yarn-berry": "yarn.lock",
    "pnpm-v5": "pnpm-lock.yaml",
    "pnpm-v6": "pnpm-lock.yaml",
    "pnpm-v9": "pnpm-lock.yaml",
}
APP = (DATA / "app" / "package.json").read_text("utf-8")


def parse_all(files: dict[str, str]) -> tuple[Manifest, ...]:
    return tuple(PARSERS[posixpath.basename(p)](p, text) for p, text in files.items())


def run(files: dict[str, str], *, paths: tuple[str, ...] = (), **options) -> list[Finding]:
    manifests = parse_all(files)
    ctx = CheckContext(manifests, CheckOptions(**options), frozenset(files) | frozenset(paths))
    return list(check_npm(ctx))


def located(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return sorted((f.location.path, f.location.line, f.rule) for f in findings)


def fixture(project: str, variant: str) -> str:
    return (DATA / project / variant / LOCKS[variant]).read_text("utf-8")


def app_with(lock_variant: str, package: str = APP) -> dict[str, str]:
    return {"package.json": package, LOCKS[lock_variant]: fixture("app", lock_variant)}


def pkg(**sections) -> str:
    return json.dumps({"name": "demo", **sections}, indent=2) + "\n"


# -- the real lockfiles are clean ---------------------------------------------------------------


@pytest.mark.parametrize("variant", sorted(LOCKS))
def test_fixture_app_is_clean(variant):
    assert run(app_with(variant)) == []


@pytest.mark.parametrize("variant", ["npm", "yarn-v1", "yarn-berry", "pnpm"])
def test_fixture_workspaces_are_clean(variant):
    files = {
        "package.json": (DATA / "workspaces" / "package.json").read_text("utf-8"),
        "packages/a/package.json": (DATA / "workspaces" / "packages/a/package.json").read_text("utf-8"),
        "packages/b/package.json": (DATA / "workspaces" / "packages/b/package.json").read_text("utf-8"),
    }
    name = {"npm": "package-lock.json", "pnpm": "pnpm-lock.yaml"}.get(variant, "yarn.lock")
    files[name] = (DATA / "workspaces" / variant / name).read_text("utf-8")
    assert run(files) == []


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("npm", []),
        ("yarn-berry", []),
        ("pnpm", []),
        # yarn 1 keeps only the tarball's sha1 for a URL dependency
        ("yarn-v1", [("yarn.lock", 8, "HY115")]),
    ],
)
def test_fixture_sources(variant, expected):
    name = {"npm": "package-lock.json", "pnpm": "pnpm-lock.yaml"}.get(variant, "yarn.lock")
    files = {
        "package.json": (DATA / "sources" / "package.json").read_text("utf-8"),
        name: (DATA / "sources" / variant / name).read_text("utf-8"),
    }
    assert located(run(files)) == expected


# -- HY108 --------------------------------------------------------------------------------------


def test_hy108_no_lockfile():
    findings = run({"package.json": APP})
    assert located(findings) == [("package.json", 5, "HY108")]
    f = findings[0]
    assert f.ecosystem == "npm" and f.location.end_line == 9
    assert "no lockfile" in f.message


@pytest.mark.parametrize("section", ["devDependencies", "peerDependencies", "optionalDependencies"])
def test_hy108_any_kind_of_dependency(section):
    assert located(run({"package.json": pkg(**{section: {"a": "^1"}})})) == [("package.json", 3, "HY108")]


def test_hy108_not_without_dependencies():
    assert run({"package.json": pkg(dependencies={}, scripts={"t": "x"})}) == []


@pytest.mark.parametrize("lock", ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"])
def test_hy108_unreadable_lock_still_counts(lock):
    # The lock was discovered but did not parse: it is reported under errors, not as missing.
    assert run({"package.json": pkg(dependencies={"a": "^1"})}, paths=(lock,)) == []


@pytest.mark.parametrize("variant", ["npm", "yarn-berry", "pnpm"])
def test_hy108_parent_lock_must_list_the_folder(variant):
    name = {"npm": "package-lock.json", "pnpm": "pnpm-lock.yaml"}.get(variant, "yarn.lock")
    files = {
        name: (DATA / "workspaces" / variant / name).read_text("utf-8"),
        "packages/a/package.json": (DATA / "workspaces" / "packages/a/package.json").read_text("utf-8"),
        "examples/demo/package.json": pkg(dependencies={"ms": "^2"}),
    }
    findings = run(files)
    assert located(findings) == [("examples/demo/package.json", 3, "HY108")]
    assert f"{name} does not list examples/demo" in findings[0].message


def test_hy108_yarn_v1_workspaces_from_the_root_package_json():
    root = (DATA / "workspaces" / "package.json").read_text("utf-8")
    lock = (DATA / "workspaces" / "yarn-v1" / "yarn.lock").read_text("utf-8")
    member = (DATA / "workspaces" / "packages/a/package.json").read_text("utf-8")
    files = {"package.json": root, "yarn.lock": lock, "packages/a/package.json": member,
             "packages/b/package.json": (DATA / "workspaces" / "packages/b/package.json").read_text("utf-8"),
             "tools/x/package.json": pkg(dependencies={"ms": "2.1.3"})}
    assert located(run(files)) == [("tools/x/package.json", 3, "HY108")]
    # without the root package.json's `workspaces`, the member is not covered either
    files["package.json"] = pkg(devDependencies={"ms": "2.1.3"})
    assert located(run(files)) == [("packages/a/package.json", 4, "HY108"), ("tools/x/package.json", 3, "HY108")]


def test_hy108_npm_v1_lock_covers_only_its_folder():
    files = {"package-lock.json": fixture("app", "npm-v1"), "sub/package.json": pkg(dependencies={"ms": "^2"})}
    assert located(run(files)) == [("sub/package.json", 3, "HY108")]


# -- HY109 --------------------------------------------------------------------------------------

# The app's package.json with one more dependency (line 9) and is-number moved to ^8 (line 7).
STALE = APP.replace('"is-number": "^7.0.0"', '"is-number": "^8.0.0"').replace(
    '"is-odd": "3.0.1"\n', '"is-odd": "3.0.1",\n    "left-pad": "^1.3.0"\n'
).replace('"@types/ms": "*"', '"@types/ms": "*",\n    "react": ">=18"')


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("npm-v1", [9]),  # v1 records no specs: only the added name is found missing
        ("npm-v2", [7, 9]),
        ("npm-v3", [7, 9]),
        ("yarn-v1", [7, 9]),
        ("yarn-berry", [7, 9]),
        ("pnpm-v5", [7, 9]),
        ("pnpm-v6", [7, 9]),
        ("pnpm-v9", [7, 9]),
    ],
)
def test_hy109_stale(variant, expected):
    findings = run(app_with(variant, STALE))
    # react, a peer dependency added on line 19, is not judged
    assert located(findings) == [("package.json", line, "HY109") for line in expected]
    by_line = {f.location.line: f for f in findings}
    assert by_line[9].package == "left-pad" and by_line[9].version_spec == "^1.3.0"
    assert f"absent from {LOCKS[variant]}" in by_line[9].message
    if 7 in by_line:
        assert "records `is-number@" in by_line[7].message


def test_hy109_workspace_member():
    member = (DATA / "workspaces" / "packages/a/package.json").read_text("utf-8")
    member = member.replace('"is-number": "^7.0.0"', '"is-number": "^7.0.0",\n    "ms": "^2.1.0"')
    for variant, name in [("npm", "package-lock.json"), ("yarn-v1", "yarn.lock"), ("yarn-berry", "yarn.lock"),
                          ("pnpm", "pnpm-lock.yaml")]:
        files = {
            "package.json": (DATA / "workspaces" / "package.json").read_text("utf-8"),
            "packages/a/package.json": member,
            "packages/b/package.json": (DATA / "workspaces" / "packages/b/package.json").read_text("utf-8"),
            name: (DATA / "workspaces" / variant / name).read_text("utf-8"),
        }
        assert located(run(files)) == [("packages/a/package.json", 7, "HY109")], variant


def test_hy109_lock_without_project_entry():
    lock = json.dumps({"lockfileVersion": 3, "packages": {
        "node_modules/a": {"version": "1.0.0", "resolved": f"{NPM}/a/-/a-1.0.0.tgz", "integrity": "sha512-AAAA"}}})
    files = {"package.json": pkg(dependencies={"a": "^1", "b": "^2"}), "package-lock.json": lock}
    assert located(run(files)) == [("package.json", 5, "HY109")]


# -- HY105 / HY107 in package.json ---------------------------------------------------------------


def test_hy105_git_dependencies():
    text = pkg(dependencies={
        "pinned": f"github:o/pinned#{SHA}",
        "branch": "github:o/branch#main",
        "head": "o/head",
        "semver": "git+https://github.com/o/semver.git#semver:^1.0.0",
        "insecure": f"git+http://git.example.com/o/r.git#{SHA}",
    })
    findings = run({"package.json": text})
    assert located(findings) == [
        ("package.json", 3, "HY108"),
        ("package.json", 5, "HY105"),
        ("package.json", 6, "HY105"),
        ("package.json", 7, "HY105"),
        ("package.json", 8, "HY107"),
    ]
    hy105 = [f for f in findings if f.rule == "HY105"]
    assert [(f.location.line, f.package, f.version_spec) for f in hy105] == [
        (5, "branch", "main"), (6, "head", None), (7, "semver", "semver:^1.0.0")]
    assert "ref `main`" in hy105[0].message and "default branch" in hy105[1].message
    assert [f.location.line for f in findings if f.rule == "HY107"] == [8]


def test_hy105_url_dependency_pinned_only_by_a_lock():
    text = pkg(dependencies={"t": "https://example.com/t-1.0.0.tgz", "h": "http://example.com/h-1.0.0.tgz"})
    # no lockfile at all
    assert located(run({"package.json": text})) == [
        ("package.json", 3, "HY108"), ("package.json", 4, "HY105"), ("package.json", 5, "HY105"),
        ("package.json", 5, "HY107"),
    ]
    # a lock that records the integrity of one of them
    lock = json.dumps({"lockfileVersion": 3, "packages": {
        "": {"dependencies": {"t": "https://example.com/t-1.0.0.tgz", "h": "http://example.com/h-1.0.0.tgz"}},
        "node_modules/t": {"version": "1.0.0", "resolved": "https://example.com/t-1.0.0.tgz",
                           "integrity": "sha512-AAAA"},
        "node_modules/h": {"version": "1.0.0", "resolved": "http://example.com/h-1.0.0.tgz"},
    }}, indent=2)
    assert located(run({"package.json": text, "package-lock.json": lock})) == [
        ("package-lock.json", 10, "HY116"),  # t from example.com
        ("package-lock.json", 15, "HY107"),  # h over http
        ("package-lock.json", 15, "HY115"),  # h without integrity
        ("package.json", 5, "HY105"),
        ("package.json", 5, "HY107"),
    ]


def test_path_dependencies_are_the_projects_own():
    text = pkg(dependencies={"lib": "file:../lib", "ws": "workspace:*"})
    assert located(run({"package.json": text})) == [("package.json", 3, "HY108")]


# -- lockfile entries: HY115, HY116, HY107, HY105 -------------------------------------------------


def npm_lock_text(**entries) -> str:
    packages = {"": {"name": "x"}}
    packages.update({f"node_modules/{k}": v for k, v in entries.items()})
    return json.dumps({"name": "x", "lockfileVersion": 3, "requires": True, "packages": packages}, indent=2)


def entry(name: str, version: str = "1.0.0", *, integrity: str | None = "sha512-AAAA",
          resolved: str | None = "") -> dict:
    base = name.rsplit("/", 1)[-1]
    out: dict = {"version": version}
    out["resolved"] = resolved if resolved != "" else f"{NPM}/{name}/-/{base}-{version}.tgz"
    if out["resolved"] is None:
        del out["resolved"]
    if integrity:
        out["integrity"] = integrity
    return out


def lock_findings(text: str, name: str = "package-lock.json", **options) -> list[tuple[int, str]]:
    return [(line, rule) for path, line, rule in located(run({name: text}, **options))]


def test_hy115_npm_lock():
    text = npm_lock_text(
        ok=entry("ok"),
        both=entry("both", integrity="sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA= sha512-AAAA"),
        none=entry("none", integrity=None),
        weak=entry("weak", integrity="sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        md5=entry("md5", integrity="md5-AAAAAAAAAAAAAAAAAAAAAA=="),
        garbled=entry("garbled", integrity="sha512-!!!"),
        bundled={"version": "1.0.0", "inBundle": True},
        linked={"resolved": "../linked", "link": True},
        vendored={"version": "1.0.0", "resolved": "file:vendor/v.tgz"},
    )
    findings = run({"package-lock.json": text})
    assert located(findings) == [
        ("package-lock.json", 19, "HY115"),  # none
        ("package-lock.json", 23, "HY115"),  # weak: sha1 only
        ("package-lock.json", 28, "HY115"),  # md5 only
        ("package-lock.json", 33, "HY115"),  # an integrity that is not base64: none
    ]
    messages = {f.location.line: f.message for f in findings}
    assert "without an integrity hash" in messages[19] and "weak hashes (sha1)" in messages[23]
    assert "weak hashes (md5)" in messages[28]
    f = findings[0]
    assert (f.package, f.version_spec, f.ecosystem) == ("none", "1.0.0", "npm")


def test_hy116_hosts_and_names():
    text = npm_lock_text(**{
        "corp": entry("corp", resolved="https://npm.corp.example/corp/-/corp-1.0.0.tgz"),
        "lodash": entry("lodash", resolved=f"{NPM}/underscore/-/underscore-1.0.0.tgz"),
        "@babel/core": entry("@babel/core", "7.0.0"),
        "@babel/other": entry("@babel/other", resolved=f"{NPM}/@babel/core/-/core-1.0.0.tgz"),
        "yarnpkg": entry("yarnpkg", resolved="https://registry.yarnpkg.com/yarnpkg/-/yarnpkg-1.0.0.tgz"),
        "plain": entry("plain", resolved="http://registry.npmjs.org/plain/-/plain-1.0.0.tgz"),
        "mirror-http": entry("mirror-http", resolved="http://mirror.example/mirror-http/-/mirror-http-1.0.0.tgz"),
    })
    findings = run({"package-lock.json": text})
    assert located(findings) == [
        ("package-lock.json", 9, "HY116"),  # corp: another host
        ("package-lock.json", 14, "HY116"),  # lodash: underscore's tarball
        ("package-lock.json", 24, "HY116"),  # @babel/other: @babel/core's tarball
        ("package-lock.json", 34, "HY107"),  # http to an allowed host: HY107 only
        ("package-lock.json", 39, "HY107"),  # http to another host: HY107 only
    ]
    by_line = {f.location.line: f.message for f in findings}
    assert "npm.corp.example, which is not an allowed registry" in by_line[9]
    assert "does not match the package name" in by_line[14]
    # an allowed host is configurable
    allowed = ("registry.npmjs.org", "npm.corp.example")
    assert (9, "HY116") not in lock_findings(text, allowed_npm_hosts=allowed)


def test_hy105_and_hy107_git_entries():
    text = npm_lock_text(
        pinned={"version": "1.0.0", "resolved": f"git+ssh://git@github.com/o/pinned.git#{SHA}"},
        moving={"version": "1.0.0", "resolved": "git+https://github.com/o/moving.git#main"},
        plain={"version": "1.0.0", "resolved": f"git+http://git.example/o/plain.git#{SHA}"},
    )
    assert lock_findings(text) == [(13, "HY105"), (17, "HY107")]


def test_yarn_v1_entries():
    text = (
        "# yarn lockfile v1\n"
        "\n"
        "old@^1.0.0:\n"
        '  version "1.0.0"\n'
        '  resolved "https://registry.yarnpkg.com/old/-/old-1.0.0.tgz#0123456789abcdef0123456789abcdef01234567"\n'
        "\n"
        "nohash@^1.0.0:\n"
        '  version "1.0.0"\n'
        '  resolved "https://registry.yarnpkg.com/nohash/-/nohash-1.0.0.tgz"\n'
        "\n"
        "corp@^1.0.0:\n"
        '  version "1.0.0"\n'
        '  resolved "https://npm.corp.example/corp/-/corp-1.0.0.tgz"\n'
        "  integrity sha512-AAAA\n"
        "\n"
        '"g@github:o/g#main":\n'
        '  version "1.0.0"\n'
        '  resolved "https://codeload.github.com/o/g/tar.gz/0123456789abcdef0123456789abcdef01234567"\n'
        "\n"
        '"local@file:./local":\n'
        '  version "1.0.0"\n'
    )
    assert lock_findings(text, "yarn.lock") == [(3, "HY115"), (7, "HY115"), (11, "HY116")]


def test_yarn_berry_entries():
    text = (
        "__metadata:\n"
        "  version: 8\n"
        "  cacheKey: 10c0\n"
        "\n"
        '"nochecksum@npm:^1.0.0":\n'
        "  version: 1.0.0\n"
        '  resolution: "nochecksum@npm:1.0.0"\n'
        "\n"
        '"t@https://cdn.example/t-1.0.0.tgz":\n'
        "  version: 1.0.0\n"
        '  resolution: "t@https://cdn.example/t-1.0.0.tgz"\n'
        "  checksum: 10c0/abcdef\n"
        "\n"
        '"g@https://github.com/o/g.git#main":\n'
        "  version: 1.0.0\n"
        '  resolution: "g@https://github.com/o/g.git#commit=main"\n'
        "  checksum: 10c0/abcdef\n"
    )
    assert lock_findings(text, "yarn.lock") == [(5, "HY115"), (9, "HY116"), (14, "HY105")]


def test_pnpm_entries():
    text = (
        "lockfileVersion: '9.0'\n"
        "\n"
        "packages:\n"
        "\n"
        "  nohash@1.0.0:\n"
        "    resolution: {tarball: https://registry.npmjs.org/nohash/-/nohash-1.0.0.tgz}\n"
        "\n"
        "  wrong@1.0.0:\n"
        "    resolution: {integrity: sha512-AAAA, tarball: https://registry.npmjs.org/right/-/right-1.0.0.tgz}\n"
        "\n"
        "  gitdep@git+https://github.com/o/gitdep.git#abc:\n"
        "    resolution: {type: git, repo: https://github.com/o/gitdep.git, commit: abc}\n"
        "\n"
        "  ok@1.0.0:\n"
        "    resolution: {integrity: sha512-AAAA}\n"
        "\n"
        "  local@file:lib:\n"
        "    resolution: {directory: lib, type: directory}\n"
    )
    assert lock_findings(text, "pnpm-lock.yaml") == [(5, "HY115"), (8, "HY116"), (11, "HY105")]


def test_only_npm_manifests_are_judged():
    from hygiene.parsers import uv_lock

    manifest = uv_lock.parse("uv.lock", 'version = 1\n\n[[package]]\nname = "a"\nversion = "1"\n'
                                        'source = { registry = "https://pypi.org/simple" }\n')
    assert list(check_npm(CheckContext((manifest,)))) == []


def test_hy108_yarn_v1_with_an_unreadable_root_package_json():
    files = {
        "yarn.lock": (DATA / "workspaces" / "yarn-v1" / "yarn.lock").read_text("utf-8"),
        "packages/a/package.json": pkg(dependencies={"is-number": "^7.0.0"}),
    }
    assert located(run(files)) == [("packages/a/package.json", 3, "HY108")]
    assert run(files, paths=("package.json",)) == []


def test_hints_and_empty_specs():
    findings = run({"package.json": pkg(dependencies={"g": "o/g#main", "t": "https://example.com/t-1.0.0.tgz"})})
    hints = {f.location.line: f.hint for f in findings if f.rule == "HY105"}
    assert "commit id after `#`" in hints[4] and "records the tarball's integrity" in hints[5]
    # an empty spec is not compared with what a lock records (tools write `*`, `npm:*`, …)
    files = {"package.json": pkg(dependencies={"ms": ""}), "yarn.lock": fixture("app", "yarn-v1")}
    assert run(files) == []
