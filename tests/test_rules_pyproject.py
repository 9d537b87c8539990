"""Abstract manifests (pyproject.toml with PEP 621 / poetry / uv / pdm tables, setup.cfg,
Pipfile, pip-compile inputs): ranges are not findings; sources (HY105–HY107) and lockfiles
(HY108, HY109) are. Exact (path, line, rule) sets."""

from __future__ import annotations

from hygiene_testkit import H1, SHA, finding, found, poetry_lock, uv_lock

# --- abstract manifests: ranges are not findings -----------------------------------------


def test_pep621_ranges_are_not_findings(tmp_path, scan_tree):
    pyproject = (
        "[project]\n"
        'name = "lib"\n'
        'version = "1.0"\n'
        'dependencies = ["requests>=2", "flask", "attrs~=23.1", "idna==3.*"]\n'
        "\n"
        "[project.optional-dependencies]\n"
        'test = ["pytest>=8", "hypothesis"]\n'
        "\n"
        "[dependency-groups]\n"
        'dev = ["ruff"]\n'
        "\n"
        "[build-system]\n"
        'requires = ["setuptools>=61"]\n'
        'build-backend = "setuptools.build_meta"\n'
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject})
    # A plain [project] library with no tool table: no lockfile is expected (no HY108).
    assert found(r) == set()
    assert r["errors"] == []


def test_setup_cfg_ranges_are_not_findings(tmp_path, scan_tree):
    setup_cfg = (
        "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    requests>=2\n    flask\n"
        "\n[options.extras_require]\ntest =\n    pytest~=8.0\n"
    )
    r = scan_tree(tmp_path, {"setup.cfg": setup_cfg})
    assert found(r) == set()
    assert r["errors"] == []


def test_setup_cfg_vcs_at_a_branch_is_hy105(tmp_path, scan_tree):
    setup_cfg = "[options]\ninstall_requires =\n    requests>=2\n    a @ git+https://github.com/o/a@main\n"
    r = scan_tree(tmp_path, {"setup.cfg": setup_cfg})
    assert found(r) == {("setup.cfg", 4, "HY105")}


def test_pipfile_ranges_are_not_findings_but_need_a_lock(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"Pipfile": '[packages]\nrequests = ">=2"\nflask = "*"\n'})
    assert found(r) == {("Pipfile", 1, "HY108")}


def test_requirements_in_with_compiled_txt_is_abstract(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {
            "requirements.in": "requests\nflask>=1\n",
            "requirements.txt": f"requests==2.31.0 --hash=sha256:{H1}\nflask==3.0.0 --hash=sha256:{H1}\n",
        },
    )
    assert found(r) == set()


def test_requirements_in_alone_is_concrete(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.in": "requests\nflask>=1\nidna==3.4\n"})
    assert found(r) == {
        ("requirements.in", 1, "HY101"),
        ("requirements.in", 2, "HY102"),
        ("requirements.in", 3, "HY103"),
    }


def test_requirements_in_vcs_branch_is_still_hy105(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {
            "requirements.in": "a @ git+https://github.com/o/a@main\nflask\n",
            "requirements.txt": f"a @ git+https://github.com/o/a@{SHA}\nflask==3.0.0\n",
        },
    )
    assert found(r) == {("requirements.in", 1, "HY105"), ("requirements.txt", 2, "HY103")}


# --- HY105 in pyproject sources ----------------------------------------------------------


def test_hy105_pep621_direct_references(tmp_path, scan_tree):
    pyproject = (
        "[project]\n"
        'name = "x"\n'
        'version = "1"\n'
        "dependencies = [\n"
        '  "a @ git+https://github.com/o/a@main",\n'
        '  "b @ https://example.com/b-1.0.tar.gz",\n'
        f'  "c @ https://example.com/c-1.0.tar.gz#sha256={H1}",\n'
        f'  "d @ git+https://github.com/o/d@{SHA}",\n'
        '  "e>=1",\n'
        "]\n"
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject})
    assert found(r) == {("pyproject.toml", 5, "HY105"), ("pyproject.toml", 6, "HY105")}


UV_SOURCES = (
    "[project]\n"  # 1
    'name = "x"\n'
    'version = "1"\n'
    "dependencies = [\n"  # 4
    '  "a",\n'  # 5
    '  "b",\n'  # 6
    '  "c",\n'  # 7
    "]\n"
    "\n"
    "[tool.uv.sources]\n"  # 10
    'a = { git = "https://github.com/o/a", branch = "main" }\n'  # 11
    f'b = {{ git = "https://github.com/o/b", rev = "{SHA}" }}\n'  # 12
    'c = { url = "https://example.com/c-1.0.tar.gz" }\n'  # 13
)


def test_hy105_uv_sources(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"pyproject.toml": UV_SOURCES, "uv.lock": uv_lock("a", "b", "c")})
    assert found(r) == {("pyproject.toml", 11, "HY105"), ("pyproject.toml", 13, "HY105")}


def test_hy105_uv_sources_pinned_are_clean(tmp_path, scan_tree):
    pyproject = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["a"]\n\n[tool.uv.sources]\n'
        f'a = {{ git = "https://github.com/o/a", rev = "{SHA}" }}\n'
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject, "uv.lock": uv_lock("a")})
    assert found(r) == set()


def test_hy105_poetry_git_tag(tmp_path, scan_tree):
    pyproject = (
        "[tool.poetry]\n"
        'name = "x"\n'
        "\n"
        "[tool.poetry.dependencies]\n"
        'python = "^3.10"\n'
        'a = { git = "https://github.com/o/a", tag = "v1.0" }\n'  # 6
        f'b = {{ git = "https://github.com/o/b", rev = "{SHA}" }}\n'  # 7
        'c = "^1.0"\n'
        'd = { git = "https://github.com/o/d", branch = "main" }\n'  # 9
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject, "poetry.lock": poetry_lock("a", "b", "c", "d")})
    assert found(r) == {("pyproject.toml", 6, "HY105"), ("pyproject.toml", 9, "HY105")}


# --- HY106 / HY107 in tool tables --------------------------------------------------------


def test_hy106_uv_index_not_explicit(tmp_path, scan_tree):
    pyproject = (
        "[project]\n"
        'name = "x"\n'
        'version = "1"\n'
        'dependencies = ["a"]\n'
        "\n"
        "[[tool.uv.index]]\n"  # 6
        'name = "internal"\n'
        'url = "https://x.example/simple"\n'
        "\n"
        "[[tool.uv.index]]\n"  # 10
        'name = "pinned"\n'
        'url = "https://y.example/simple"\n'
        "explicit = true\n"
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject, "uv.lock": uv_lock("a")})
    assert found(r) == {("pyproject.toml", 6, "HY106")}


def test_hy106_not_for_a_default_uv_index(tmp_path, scan_tree):
    pyproject = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["a"]\n\n'
        '[[tool.uv.index]]\nname = "mirror"\nurl = "https://mirror.example/simple"\ndefault = true\n'
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject, "uv.lock": uv_lock("a")})
    assert found(r) == set()


def test_hy106_poetry_supplemental_source(tmp_path, scan_tree):
    pyproject = (
        "[tool.poetry]\n"
        'name = "x"\n'
        "[tool.poetry.dependencies]\n"
        'python = "^3.10"\n'
        'a = "^1"\n'
        "\n"
        "[[tool.poetry.source]]\n"  # 7
        'name = "s"\n'
        'url = "https://x.example/simple"\n'
        'priority = "supplemental"\n'
        "\n"
        "[[tool.poetry.source]]\n"  # 12
        'name = "e"\n'
        'url = "https://y.example/simple"\n'
        'priority = "explicit"\n'
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject, "poetry.lock": poetry_lock("a")})
    assert found(r) == {("pyproject.toml", 7, "HY106")}


def test_hy106_pdm_source_without_include_packages(tmp_path, scan_tree):
    pyproject = (
        "[project]\n"
        'name = "x"\n'
        'version = "1"\n'
        'dependencies = ["a"]\n'
        "\n"
        "[[tool.pdm.source]]\n"  # 6
        'name = "s"\n'
        'url = "https://x.example/simple"\n'
        "\n"
        "[[tool.pdm.source]]\n"  # 10
        'name = "t"\n'
        'url = "https://y.example/simple"\n'
        'include_packages = ["a"]\n'
    )
    pdm_lock = (
        '[metadata]\ngroups = ["default"]\n\n[[package]]\nname = "a"\nversion = "1.0"\n'
        f'files = [\n    {{file = "a-1.0.tar.gz", hash = "sha256:{H1}"}},\n]\n'
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject, "pdm.lock": pdm_lock})
    assert found(r) == {("pyproject.toml", 6, "HY106")}


PIPFILE_TWO_SOURCES = (
    "[[source]]\n"  # 1
    'name = "pypi"\n'
    'url = "https://pypi.org/simple"\n'
    "verify_ssl = true\n"
    "\n"
    "[[source]]\n"  # 6
    'name = "internal"\n'
    'url = "https://x.example/simple"\n'
    "verify_ssl = VERIFY\n"  # 9
    "\n"
    "[packages]\n"  # 11
    'requests = "*"\n'
    'internal-lib = { version = "*", index = "internal" }\n'
)


def _pipfile_lock(*names: str) -> str:
    entries = ",\n".join(
        f'    "{n}": {{"hashes": ["sha256:{H1}"], "index": "pypi", "version": "==1.0"}}' for n in names
    )
    return (
        '{\n  "_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6, "requires": {}, '
        '"sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]},\n'
        f'  "default": {{\n{entries}\n  }},\n  "develop": {{}}\n}}\n'
    )


def test_pipfile_two_sources_is_not_hy106(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {"Pipfile": PIPFILE_TWO_SOURCES.replace("VERIFY", "true"), "Pipfile.lock": _pipfile_lock("requests", "internal-lib")},
    )
    assert found(r) == set()
    assert r["errors"] == []


def test_hy107_pipfile_verify_ssl_false(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {"Pipfile": PIPFILE_TWO_SOURCES.replace("VERIFY", "false"), "Pipfile.lock": _pipfile_lock("requests", "internal-lib")},
    )
    assert found(r) == {("Pipfile", 9, "HY107")}


def test_hy107_http_index_in_pyproject(tmp_path, scan_tree):
    pyproject = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["a"]\n\n'
        '[[tool.uv.index]]\nname = "mirror"\nurl = "http://mirror.example/simple"\ndefault = true\n'
    )
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject, "uv.lock": uv_lock("a")})
    assert found(r) == {("pyproject.toml", 6, "HY107")}


# --- HY108 missing-lockfile --------------------------------------------------------------


POETRY = (
    "[tool.poetry]\n"
    'name = "x"\n'
    "\n"
    "[tool.poetry.dependencies]\n"  # 4
    'python = "^3.10"\n'
    'a = "^1"\n'
)


def test_hy108_poetry_without_poetry_lock(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"pyproject.toml": POETRY})
    assert found(r) == {("pyproject.toml", 4, "HY108")}
    f = finding(r, "pyproject.toml", 4, "HY108")
    assert f["severity"] == "warning"
    assert "poetry.lock" in f["message"]


def test_no_hy108_poetry_with_poetry_lock(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"pyproject.toml": POETRY, "poetry.lock": poetry_lock("a")})
    assert found(r) == set()


def test_no_hy108_poetry_with_only_python(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"pyproject.toml": '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.10"\n'})
    assert found(r) == set()


def test_hy108_uv_project_without_uv_lock(tmp_path, scan_tree):
    pyproject = '[project]\nname = "x"\nversion = "1"\ndependencies = [\n  "a>=1",\n]\n\n[tool.uv]\n'
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject})
    assert found(r) == {("pyproject.toml", 4, "HY108")}


def test_no_hy108_uv_workspace_member_with_lock_in_a_parent_folder(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "root"\nversion = "1"\n\n[tool.uv.workspace]\nmembers = ["pkgs/*"]\n',
            "uv.lock": uv_lock("a"),
            "pkgs/m/pyproject.toml": '[project]\nname = "m"\nversion = "1"\ndependencies = ["a>=1"]\n\n[tool.uv]\n',
        },
    )
    assert found(r) == set()


def test_hy108_uv_lock_in_a_sibling_folder_does_not_count(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {
            "other/uv.lock": uv_lock("a"),
            "pkgs/m/pyproject.toml": '[project]\nname = "m"\nversion = "1"\ndependencies = ["a>=1"]\n\n[tool.uv]\n',
        },
    )
    assert found(r) == {("pkgs/m/pyproject.toml", 4, "HY108")}


def test_no_hy108_for_a_plain_project_library(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["a>=1"]\n'})
    assert found(r) == set()


def test_hy108_pipfile_without_pipfile_lock(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"Pipfile": '[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\n\n[packages]\nrequests = "*"\n'})
    assert found(r) == {("Pipfile", 5, "HY108")}


def test_no_hy108_pipfile_with_pipfile_lock(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"Pipfile": '[packages]\nrequests = "*"\n', "Pipfile.lock": _pipfile_lock("requests")})
    assert found(r) == set()
    assert r["errors"] == []


def test_hy108_pdm_without_lock(tmp_path, scan_tree):
    pyproject = '[project]\nname = "x"\nversion = "1"\ndependencies = ["a"]\n\n[tool.pdm]\ndistribution = true\n'
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject})
    assert found(r) == {("pyproject.toml", 4, "HY108")}


# --- HY109 stale-lockfile ----------------------------------------------------------------


UV_PROJECT = (
    "[project]\n"
    'name = "x"\n'
    'version = "1"\n'
    "dependencies = [\n"
    '  "A_B[extra]>=1",\n'  # 5: normalised to a-b
    '  "c>=1",\n'  # 6
    "]\n"
    "\n"
    "[project.optional-dependencies]\n"
    'test = ["pytest>=8"]\n'  # 10
    "\n"
    "[build-system]\n"
    'requires = ["hatchling"]\n'  # 13: never a lockfile matter
    "\n"
    "[tool.uv]\n"
)


def test_hy109_dependency_absent_from_uv_lock(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"pyproject.toml": UV_PROJECT, "uv.lock": uv_lock("a-b")})
    assert found(r) == {("pyproject.toml", 6, "HY109"), ("pyproject.toml", 10, "HY109")}
    f = finding(r, "pyproject.toml", 6, "HY109")
    assert f["package"] == "c"
    assert "uv.lock" in f["message"]
    assert r["errors"] == []


def test_no_hy109_when_uv_lock_has_every_dependency(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"pyproject.toml": UV_PROJECT, "uv.lock": uv_lock("a-b", "c", "pytest")})
    assert found(r) == set()


def test_hy109_poetry_groups(tmp_path, scan_tree):
    pyproject = POETRY + 'b = { version = "^2", optional = true }\n\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n'
    r = scan_tree(tmp_path, {"pyproject.toml": pyproject, "poetry.lock": poetry_lock("a")})
    assert found(r) == {("pyproject.toml", 7, "HY109"), ("pyproject.toml", 10, "HY109")}


def test_hy109_reported_once_at_the_declaring_line_not_at_the_uv_source(tmp_path, scan_tree):
    # A [tool.uv.sources] entry says where a declared dependency comes from; it is not a
    # second declaration, so a dependency missing from uv.lock is reported once.
    r = scan_tree(tmp_path, {"pyproject.toml": UV_SOURCES, "uv.lock": uv_lock("b", "c")})
    assert found(r) == {("pyproject.toml", 5, "HY109"), ("pyproject.toml", 11, "HY105"), ("pyproject.toml", 13, "HY105")}


def test_setup_cfg_file_directive_is_skipped_not_an_error(scan_tree, tmp_path):
    report = scan_tree(
        tmp_path,
        {
            "setup.cfg": "[options]\ninstall_requires = file: requirements.in\n",
            "requirements.txt": "requests\n",
        }
    )
    assert report["errors"] == []
    assert {(f["path"], f["line"], f["rule"]) for f in report["findings"]} == {("requirements.txt", 1, "HY101")}
    assert {
        "check": "setup.cfg requirements",
        "reason": "line 2: `file: requirements.in` is not followed; only static requirements are read",
        "path": "setup.cfg",
    } in report["skipped"]
