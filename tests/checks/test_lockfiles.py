from __future__ import annotations

from pathlib import Path

import pytest

from hygiene.checks.base import CheckContext, CheckOptions
from hygiene.checks.lockfiles import check_lockfiles
from hygiene.model import (
    Dependency,
    Finding,
    Location,
    Manifest,
    ManifestKind,
    Setting,
    SourceKind,
)
from hygiene.parsers import pdm_lock, pipfile_lock, poetry_lock, pylock, uv_lock

LOCKS = Path(__file__).parent.parent / "data" / "locks"
FILES = "https://files.pythonhosted.org/packages/ab/cd"
SHA = "sha256:" + "0" * 64
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def fixture_manifests() -> tuple[Manifest, ...]:
    parsers = {
        "uv/uv.lock": uv_lock.parse,
        "poetry-1.1/poetry.lock": poetry_lock.parse,
        "poetry-2/poetry.lock": poetry_lock.parse,
        "pipenv/Pipfile.lock": pipfile_lock.parse,
        "pdm/pdm.lock": pdm_lock.parse,
        "pylock/pylock.toml": pylock.parse,
    }
    return tuple(parse(path, (LOCKS / path).read_text("utf-8")) for path, parse in parsers.items())


def run(*manifests: Manifest, **options) -> list[Finding]:
    return list(check_lockfiles(CheckContext(manifests, CheckOptions(**options))))


def located(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return sorted((f.location.path, f.location.line, f.rule) for f in findings)


def test_fixture_lockfiles():
    assert located(run(*fixture_manifests())) == [
        ("pdm/pdm.lock", 24, "HY116"),  # click's sdist is "clikc-8.1.7.tar.gz"
        ("pdm/pdm.lock", 38, "HY115"),  # devtool: files = []
        ("pdm/pdm.lock", 46, "HY105"),  # editable VCS: no revision
        ("pdm/pdm.lock", 76, "HY107"),  # http:// artifact
        ("pdm/pdm.lock", 85, "HY116"),  # direct archive on downloads.example.org
        ("pipenv/Pipfile.lock", 18, "HY107"),  # http:// source
        ("pipenv/Pipfile.lock", 19, "HY107"),  # verify_ssl false
        ("pipenv/Pipfile.lock", 33, "HY115"),  # internal-sdk: no hashes
        ("pipenv/Pipfile.lock", 58, "HY116"),  # file on downloads.example.org
        ("pipenv/Pipfile.lock", 67, "HY105"),  # dev-tool at ref "main"
        ("pipenv/Pipfile.lock", 71, "HY115"),  # old-lib: md5 only
        ("poetry-1.1/poetry.lock", 17, "HY115"),  # corp-utils: no files
        ("poetry-1.1/poetry.lock", 77, "HY116"),  # url source on downloads.example.org
        ("poetry-2/poetry.lock", 40, "HY115"),  # legacy-crypto: md5 only
        ("poetry-2/poetry.lock", 53, "HY107"),  # http:// legacy source
        ("poetry-2/poetry.lock", 69, "HY105"),  # toolbox at short sha
        ("pylock/pylock.toml", 43, "HY116"),  # corp-client from pypi.corp.example
        ("pylock/pylock.toml", 66, "HY105"),  # oldvcs: no commit-id
        ("pylock/pylock.toml", 70, "HY115"),  # weakhash: sha1 + md5
        ("uv/uv.lock", 98, "HY116"),  # corp-auth from pypi.corp.example
        ("uv/uv.lock", 122, "HY107"),  # idna artifacts over http
        ("uv/uv.lock", 125, "HY107"),  # http registry
        ("uv/uv.lock", 131, "HY105"),  # legacy-tool at short sha
        ("uv/uv.lock", 144, "HY115"),  # nightly-build: url source without hash
        ("uv/uv.lock", 144, "HY116"),  # … on downloads.example.org
        ("uv/uv.lock", 149, "HY116"),  # requests' sdist is "reqeusts-2.32.3.tar.gz"
        ("uv/uv.lock", 168, "HY115"),  # six: md5 only
        ("uv/uv.lock", 177, "HY115"),  # urllib3: no hash
    ]


def test_finding_fields_and_message():
    uv = fixture_manifests()[0]
    (urllib3,) = [f for f in run(uv) if f.package == "urllib3"]
    assert urllib3 == Finding(
        rule="HY115",
        message="urllib3 2.2.1 is locked without an artifact hash (uv.lock entry)",
        location=Location("uv/uv.lock", 177, 184),
        ecosystem="pypi",
        package="urllib3",
        version_spec="==2.2.1",
    )
    assert urllib3.severity is None and urllib3.hint is None
    (six,) = [f for f in run(uv) if f.package == "six"]
    assert six.message == "six 1.16.0 is locked only with weak hashes (md5) (uv.lock entry)"


def entry(name: str | None = "pkg", source: SourceKind = SourceKind.REGISTRY, *,
          version: str | None = "1.0", hashes: tuple[str, ...] = (SHA,), url: str | None = None,
          line: int = 10) -> Dependency:
    return Dependency(
        ecosystem="pypi",
        name=name,
        location=Location("uv.lock", line, line + 3),
        source=source,
        specifier=f"=={version}" if version else "",
        version=version,
        hashes=hashes,
        url=url,
    )


def lock(*deps: Dependency, settings: tuple[Setting, ...] = (),
         kind: ManifestKind = ManifestKind.UV_LOCK) -> Manifest:
    return Manifest(path="uv.lock", kind=kind, dependencies=deps, settings=settings)


def rules(findings: list[Finding]) -> list[str]:
    return sorted(f.rule for f in findings)


# -- HY115 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("hashes", "expected"),
    [
        ((), ["HY115"]),
        (("md5:00",), ["HY115"]),
        (("md5:00", "sha1:11"), ["HY115"]),
        (("md5:00", SHA), []),
        (("sha512:" + "1" * 128,), []),
        ((SHA,), []),
    ],
)
def test_registry_hashes(hashes, expected):
    assert rules(run(lock(entry(hashes=hashes)))) == expected


@pytest.mark.parametrize("source", [SourceKind.PATH, SourceKind.VIRTUAL])
def test_project_entries_are_exempt(source):
    dep = entry(source=source, hashes=(), url="http://example.com/x.tar.gz")
    assert run(lock(dep)) == []


def test_url_entry_without_hash_is_hy115_not_hy105():
    dep = entry(source=SourceKind.URL, hashes=(), url=f"{FILES}/pkg-1.0.tar.gz")
    assert rules(run(lock(dep))) == ["HY115"]


# -- HY105 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"https://github.com/a/b?rev=main#{COMMIT}", []),  # uv
        (f"git+https://github.com/a/b.git@{COMMIT}", []),  # poetry/pdm/pipenv/pylock
        (f"git+https://github.com/a/b.git@{COMMIT}#subdirectory=pkg", []),
        ("git+https://github.com/a/b.git@" + "a" * 64, []),  # sha256 object format
        ("https://github.com/a/b?rev=main#0123456", ["HY105"]),
        ("git+https://github.com/a/b.git@v1.2.3", ["HY105"]),
        ("git+https://github.com/a/b.git@" + COMMIT + "0", ["HY105"]),  # 41 hex: not a commit
        ("git+https://github.com/a/b.git", ["HY105"]),
        (None, ["HY105"]),
        (f"git+http://git.example.com/a/b.git@{COMMIT}", ["HY107"]),
    ],
)
def test_vcs_entries(url, expected):
    dep = entry(source=SourceKind.VCS, hashes=(), url=url)
    assert rules(run(lock(dep))) == expected


# -- HY116 / HY107 on artifact URLs -----------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("requests", f"{FILES}/requests-2.32.3.tar.gz", []),
        ("requests", f"{FILES}/requests-2.32.3-py3-none-any.whl", []),
        ("requests", f"{FILES}/reqeusts-2.32.3.tar.gz", ["HY116"]),
        ("requests", f"{FILES}/reqeusts-2.32.3-py3-none-any.whl", ["HY116"]),
        ("PyYAML", f"{FILES}/pyyaml-6.0.1.tar.gz", []),
        ("zope.interface", f"{FILES}/zope_interface-6.4-cp312-cp312-manylinux_2_17_x86_64.whl", []),
        ("python-dateutil", f"{FILES}/python-dateutil-2.9.0.post0.tar.gz", []),
        ("python_dateutil", f"{FILES}/python_dateutil-2.9.0.post0-py2.py3-none-any.whl", []),
        ("foo", f"{FILES}/foo-bar-1.0.tar.gz", ["HY116"]),
        ("foo", f"{FILES}/foo_2-1.0-py3-none-any.whl", ["HY116"]),
        ("foo", f"{FILES}/foo-1.0.zip", []),
        ("foo", "https://pypi.org/packages/foo-bar-1.0.tar.gz", []),  # name check: pythonhosted only
        ("foo", "https://FILES.PYTHONHOSTED.ORG:443/packages/foo-1.0.tar.gz", []),
        ("foo", "https://evil.example/packages/foo-1.0.tar.gz", ["HY116"]),
        ("foo", "https://files.pythonhosted.org.evil.example/foo-1.0.tar.gz", ["HY116"]),
        ("foo", "http://files.pythonhosted.org/packages/foo-1.0.tar.gz", ["HY107"]),
        ("foo", "http://evil.example/packages/foo-1.0.tar.gz", ["HY107"]),
        ("foo", "file:///srv/wheels/foo-1.0.tar.gz", []),
    ],
)
def test_artifact_urls(name, url, expected):
    for source in (SourceKind.REGISTRY, SourceKind.URL):
        assert rules(run(lock(entry(name, source, url=url)))) == expected, source


def test_allowed_hosts_come_from_the_options():
    dep = entry(url="https://pypi.corp.example/packages/pkg-1.0.tar.gz")
    assert rules(run(lock(dep))) == ["HY116"]
    assert run(lock(dep), allowed_python_hosts=("pypi.corp.example",)) == []
    pythonhosted = entry(url=f"{FILES}/pkg-1.0.tar.gz")
    assert rules(run(lock(pythonhosted), allowed_python_hosts=("pypi.corp.example",))) == ["HY116"]


def test_host_message_names_the_package_host_and_url():
    dep = entry("corp-auth", version="2.1.0", url="https://pypi.corp.example/p/corp_auth-2.1.0.tar.gz")
    (finding,) = run(lock(dep))
    assert finding.message == (
        "corp-auth 2.1.0 is resolved from pypi.corp.example, which is not an allowed registry: "
        "https://pypi.corp.example/p/corp_auth-2.1.0.tar.gz (uv.lock entry)"
    )
    assert finding.location == Location("uv.lock", 10, 13)


# -- settings ---------------------------------------------------------------------------------

def test_settings():
    settings = (
        Setting("index-url", "https://pypi.org/simple", Location("uv.lock", 3)),
        Setting("index-url", "HTTP://mirror.example/simple", Location("uv.lock", 5)),
        Setting("verify-ssl", "false", Location("uv.lock", 6)),
        Setting("verify-ssl", "true", Location("uv.lock", 7)),
    )
    findings = run(lock(settings=settings))
    assert located(findings) == [("uv.lock", 5, "HY107"), ("uv.lock", 6, "HY107")]
    assert all(f.package is None for f in findings)


def test_only_lockfiles_are_checked():
    requirements = Manifest(
        path="requirements.txt",
        kind=ManifestKind.REQUIREMENTS,
        dependencies=(entry(hashes=(), url="http://evil.example/pkg-1.0.tar.gz"),),
        settings=(Setting("index-url", "http://mirror.example/simple", Location("requirements.txt", 1)),),
    )
    assert run(requirements) == []


def test_unversioned_entry_message():
    dep = entry("tool", SourceKind.VCS, version=None, hashes=(), url="git+https://g.example/t.git@main")
    (finding,) = run(lock(dep, kind=ManifestKind.PIPFILE_LOCK))
    assert finding.version_spec is None
    assert finding.message == (
        "tool is locked to VCS source git+https://g.example/t.git@main without a full commit id "
        "(uv.lock entry)"
    )
