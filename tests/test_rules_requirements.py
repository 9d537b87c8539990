"""HY101–HY107 on pip requirements and constraints files, as a user sees them: the exact
(path, line, rule) set of a scan, so a missing finding and an extra one both fail."""

from __future__ import annotations

import pytest
from hygiene_testkit import H1, H2, SHA, finding, found

HASH = f"--hash=sha256:{H1}"


# --- HY101 unpinned-requirement ----------------------------------------------------------


def test_hy101_bare_name_in_requirements(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "requests\n# a comment\n\nflask[async]\n"})
    assert found(r) == {("requirements.txt", 1, "HY101"), ("requirements.txt", 4, "HY101")}
    assert r["errors"] == []


def test_hy101_not_for_a_bare_name_in_a_constraints_file(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"constraints.txt": "requests\nflask==2.0\n"})
    assert found(r) == {("constraints.txt", 2, "HY103")}


def test_hy101_not_when_a_constraint_pins_the_name_exactly(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {"requirements.txt": "-c constraints.txt\nrequests\nflask\n", "constraints.txt": "Requests==2.31.0\n"},
    )
    # requests is pinned by the constraint, which is judged where it is written (no hash
    # mode: HY103); flask is not constrained.
    assert found(r) == {("constraints.txt", 1, "HY103"), ("requirements.txt", 3, "HY101")}


def test_hy101_constraint_with_a_range_does_not_pin(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "-c constraints.txt\nrequests\n", "constraints.txt": "requests>=2\n"})
    assert found(r) == {("constraints.txt", 1, "HY102"), ("requirements.txt", 2, "HY101")}


def test_hy101_constraint_with_hash_covers_requirement_without_findings(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {"requirements.txt": "-c constraints.txt\nrequests\n", "constraints.txt": f"requests==2.31.0 {HASH}\n"},
    )
    assert found(r) == set()


# --- HY102 loose-version -----------------------------------------------------------------


@pytest.mark.parametrize("spec", [">=1.0", "~=1.4", "!=1.3", "==1.*", ">1,<2", "<=2", "==1.0.*"])
def test_hy102_loose_specifiers(tmp_path, scan_tree, spec):
    r = scan_tree(tmp_path, {"requirements.txt": f"# deps\npkg{spec}\n"})
    assert found(r) == {("requirements.txt", 2, "HY102")}
    assert finding(r, "requirements.txt", 2, "HY102")["severity"] == "error"


@pytest.mark.parametrize("spec", ["==1.2", "===1.2", ">=1.7.0,<=1.7.0", " == 1.2 ", "==1.2.0.post1"])
def test_hy102_not_for_exact_pins(tmp_path, scan_tree, spec):
    r = scan_tree(tmp_path, {"requirements.txt": f"pkg{spec}\n"})
    # Exactly pinned, no hash mode: HY103 only.
    assert found(r) == {("requirements.txt", 1, "HY103")}


def test_hy102_range_in_a_constraints_file(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"constraints.txt": "a>=1\nb~=2.0\nc==3\n"})
    assert found(r) == {("constraints.txt", 1, "HY102"), ("constraints.txt", 2, "HY102"), ("constraints.txt", 3, "HY103")}


# --- HY103 missing-hash ------------------------------------------------------------------


def test_hy103_exact_pin_without_hash(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "requests==2.31.0\n"})
    assert found(r) == {("requirements.txt", 1, "HY103")}
    f = finding(r, "requirements.txt", 1, "HY103")
    assert f["severity"] == "warning"
    assert f["name"] == "missing-hash"
    assert f["principle"] == "CLI-1"
    assert f["end_line"] == 1
    assert f["ecosystem"] == "pypi"
    assert f["package"] == "requests"
    assert f["version_spec"] == "==2.31.0"


def test_hy103_not_when_every_pin_has_a_hash(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"requests==2.31.0 {HASH}\nidna==3.4 --hash=sha256:{H2}\n"})
    assert found(r) == set()


def test_hy103_multiline_requirement_spans_its_physical_lines(tmp_path, scan_tree):
    text = "six==1.16.0\nrequests==2.31.0 \\\n    ; python_version >= '3.8'\nidna==3.4\n"
    r = scan_tree(tmp_path, {"requirements.txt": text})
    assert found(r) == {
        ("requirements.txt", 1, "HY103"),
        ("requirements.txt", 2, "HY103"),
        ("requirements.txt", 4, "HY103"),
    }
    assert finding(r, "requirements.txt", 2, "HY103")["end_line"] == 3
    assert finding(r, "requirements.txt", 4, "HY103")["end_line"] == 4


def test_multiline_hashed_requirement_is_clean(tmp_path, scan_tree):
    text = f"requests==2.31.0 \\\n    --hash=sha256:{H1} \\\n    --hash=sha256:{H2}\nidna==3.4 {HASH}\n"
    r = scan_tree(tmp_path, {"requirements.txt": text})
    assert found(r) == set()


def test_crlf_line_endings_keep_line_numbers(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": b"a==1\r\nb==1 \\\r\n  ; python_version > '3'\r\nc\r\n"})
    assert found(r) == {("requirements.txt", 1, "HY103"), ("requirements.txt", 2, "HY103"), ("requirements.txt", 4, "HY101")}
    assert finding(r, "requirements.txt", 2, "HY103")["end_line"] == 3


def test_findings_are_sorted_by_path_line_rule(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {
            "requirements.txt": "b==1\na\nhttps://example.com/x-1.0.tar.gz\n",
            "requirements-dev.txt": "c>=1\n",
        },
    )
    keys = [(f["path"], f["line"], f["rule"]) for f in r["findings"]]
    assert keys == sorted(keys)
    assert set(keys) == {
        ("requirements-dev.txt", 1, "HY102"),
        ("requirements.txt", 1, "HY103"),
        ("requirements.txt", 2, "HY101"),
        ("requirements.txt", 3, "HY105"),
    }


# --- HY104 hash-mode-broken --------------------------------------------------------------


def test_hy104_hash_mode_from_a_hash_in_the_same_file(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"a==1 {HASH}\nb==2\n"})
    assert found(r) == {("requirements.txt", 2, "HY104")}
    assert "requirements.txt line 1" in finding(r, "requirements.txt", 2, "HY104")["message"]


def test_no_hy104_without_hash_mode(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "a==1\nb==2\n-e ./pkg\n./localdir\n"})
    # No hash anywhere: pins without hashes are HY103, local paths are fine.
    assert found(r) == {("requirements.txt", 1, "HY103"), ("requirements.txt", 2, "HY103")}


def test_hy104_hash_mode_from_an_r_included_file(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "-r base.txt\nb==2\n", "base.txt": f"a==1 {HASH}\n"})
    assert found(r) == {("requirements.txt", 2, "HY104")}


def test_hy104_hash_mode_from_a_c_constraints_file(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {"requirements.txt": "-c constraints.txt\nb==2\na\n", "constraints.txt": f"a==1 {HASH}\n"},
    )
    # `a` is covered by its hashed constraint; `b` has no hash at all.
    assert found(r) == {("requirements.txt", 2, "HY104")}


def test_hy104_hash_mode_from_require_hashes(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"--require-hashes\nb==2\nc==3 {HASH}\n"})
    assert found(r) == {("requirements.txt", 2, "HY104")}


def test_require_hashes_in_an_included_file_turns_on_hash_mode(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": "-r opts.txt\nb==2\n", "opts.txt": "--require-hashes\n"})
    assert found(r) == {("requirements.txt", 2, "HY104")}


def test_no_require_hashes_turns_hash_mode_off(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"--no-require-hashes\na==1 {HASH}\nb==2\n-e ./pkg\n"})
    assert found(r) == {("requirements.txt", 3, "HY103")}
    assert r["errors"] == []


def test_hy104_editable_vcs_directory_and_unhashed_url_in_hash_mode(tmp_path, scan_tree):
    text = (
        f"a==1 {HASH}\n"
        "-e ./pkg\n"
        f"git+https://github.com/o/r@{SHA}#egg=r\n"
        "./localdir\n"
        "https://example.com/x-1.0.tar.gz\n"
        f"https://example.com/y-1.0.tar.gz#sha256={H2}\n"
        f"z @ https://example.com/z-1.0.tar.gz {HASH}\n"
    )
    r = scan_tree(tmp_path, {"requirements.txt": text})
    assert found(r) == {
        ("requirements.txt", 2, "HY104"),
        ("requirements.txt", 3, "HY104"),  # full commit: no HY105, but pip cannot hash a checkout
        ("requirements.txt", 4, "HY104"),
        ("requirements.txt", 5, "HY104"),
        ("requirements.txt", 5, "HY105"),  # a URL without hash is also HY105
    }


def test_hy104_editable_vcs_at_a_branch_in_hash_mode(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"a==1 {HASH}\n-e git+https://github.com/o/h@main#egg=h\n"})
    assert found(r) == {("requirements.txt", 2, "HY104"), ("requirements.txt", 2, "HY105")}


def test_hy104_url_with_sha256_fragment_is_accepted(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {"requirements.txt": f"a==1 {HASH}\nhttps://example.com/y-1.0.tar.gz#sha256={H2}\n"},
    )
    assert found(r) == set()


def test_hy104_duplicate_name_hashed_first_is_fine(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"a==1 {HASH}\na==1\n"})
    assert found(r) == set()


def test_hy104_duplicate_name_unhashed_first_is_refused_on_the_first_line(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"a==1\na==1 {HASH}\n"})
    assert found(r) == {("requirements.txt", 1, "HY104")}


def test_hy104_md5_hash_is_refused(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"a==1 --hash=md5:{'c' * 32}\n"})
    assert found(r) == {("requirements.txt", 1, "HY104")}
    assert "md5" in finding(r, "requirements.txt", 1, "HY104")["message"]


def test_hy104_sha384_and_sha512_are_accepted(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"a==1 --hash=sha512:{'c' * 128}\nb==1 --hash=sha384:{'d' * 96}\n"})
    assert found(r) == set()


def test_hy104_takes_precedence_over_hy101_hy102_hy103(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"a==1 {HASH}\nb>=1\nc\nd==1\n"})
    assert found(r) == {
        ("requirements.txt", 2, "HY104"),
        ("requirements.txt", 3, "HY104"),
        ("requirements.txt", 4, "HY104"),
    }


def test_range_or_bare_name_with_hashes_in_hash_mode_is_hy102_or_hy101_not_hy104(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"a>=1 {HASH}\nb --hash=sha256:{H2}\nc==1 {HASH}\n"})
    assert found(r) == {("requirements.txt", 1, "HY102"), ("requirements.txt", 2, "HY101")}


def test_hy104_reported_in_the_included_file_where_the_requirement_is_written(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {"requirements.txt": f"-r sub/more.txt\na==1 {HASH}\n", "sub/more.txt": "x==1\n\ny==2\n"},
    )
    assert found(r) == {("sub/more.txt", 1, "HY104"), ("sub/more.txt", 3, "HY104")}
    msg = finding(r, "sub/more.txt", 1, "HY104")["message"]
    assert "requirements.txt" in msg and "sub/more.txt" in msg


def test_hy104_in_shared_include_reported_once(tmp_path, scan_tree):
    # base.txt is installed by prod.txt (hash mode) and dev.txt (no hash mode): pip refuses
    # the prod install, which is what is reported, once, where the line is written.
    r = scan_tree(
        tmp_path,
        {
            "requirements/base.txt": "x==1\n",
            "requirements/prod.txt": f"-r base.txt\na==1 {HASH}\n",
            "requirements/dev.txt": "-r base.txt\n",
        },
    )
    assert found(r) == {("requirements/base.txt", 1, "HY104")}
    assert [f["rule"] for f in r["findings"]] == ["HY104"]


# --- HY105 unpinned-source ---------------------------------------------------------------


def test_hy105_vcs_refs_and_urls(tmp_path, scan_tree):
    text = (
        "git+https://github.com/o/a@main#egg=a\n"  # 1 branch
        "git+https://github.com/o/b@v1.0#egg=b\n"  # 2 tag
        "git+https://github.com/o/c@0123abc#egg=c\n"  # 3 short sha
        "git+https://github.com/o/d#egg=d\n"  # 4 no ref
        f"git+https://github.com/o/e@{SHA}#egg=e\n"  # 5 full commit: fine
        "https://example.com/f-1.0.tar.gz\n"  # 6 URL without hash
        f"https://example.com/g-1.0.tar.gz#sha256={H1}\n"  # 7 URL with hash: fine
        "-e git+https://github.com/o/h@main#egg=h\n"  # 8 editable at a branch
        "i @ git+https://github.com/o/i@main\n"  # 9 PEP 508 direct reference
        f"j @ git+https://github.com/o/j@{SHA}\n"  # 10 full commit: fine
        "./localdir\n"  # 11 local path: part of the repository
    )
    r = scan_tree(tmp_path, {"requirements.txt": text})
    assert found(r) == {("requirements.txt", n, "HY105") for n in (1, 2, 3, 4, 6, 8, 9)}


def test_hy105_not_for_a_url_with_a_hash_option(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"k @ https://example.com/k-1.0.tar.gz {HASH}\n"})
    assert found(r) == set()


def test_hy105_vcs_is_never_hy101_to_hy103(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"git+https://github.com/o/e@{SHA}#egg=e\n"})
    assert found(r) == set()


# --- HY106 extra-index / HY107 insecure-transport ----------------------------------------


def test_hy106_extra_index_and_remote_find_links(tmp_path, scan_tree):
    text = (
        "--extra-index-url https://x.example/simple\n"
        "--find-links https://x.example/wheels\n"
        "--find-links ./wheels\n"
        "-f wheels/\n"
        f"a==1 {HASH}\n"
    )
    r = scan_tree(tmp_path, {"requirements.txt": text})
    assert found(r) == {("requirements.txt", 1, "HY106"), ("requirements.txt", 2, "HY106")}
    assert finding(r, "requirements.txt", 1, "HY106")["severity"] == "warning"


def test_hy106_not_for_a_single_https_index(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"--index-url https://mirror.example/simple\na==1 {HASH}\n"})
    assert found(r) == set()


def test_hy107_http_index_trusted_host_and_http_url(tmp_path, scan_tree):
    text = (
        "--index-url http://x.example/simple\n"
        "--trusted-host x.example\n"
        f"http://x.example/a-1.0.tar.gz#sha256={H1}\n"
        "--find-links http://x.example/wheels\n"
        f"b==1 {HASH}\n"
    )
    r = scan_tree(tmp_path, {"requirements.txt": text})
    assert found(r) == {
        ("requirements.txt", 1, "HY107"),
        ("requirements.txt", 2, "HY107"),
        ("requirements.txt", 3, "HY107"),
        ("requirements.txt", 4, "HY106"),
        ("requirements.txt", 4, "HY107"),
    }


def test_hy107_http_extra_index_is_both_rules(tmp_path, scan_tree):
    r = scan_tree(tmp_path, {"requirements.txt": f"--extra-index-url http://x.example/simple\nb==1 {HASH}\n"})
    assert found(r) == {("requirements.txt", 1, "HY106"), ("requirements.txt", 1, "HY107")}


def test_hy107_vcs_over_git_plus_http(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {"requirements.txt": f"git+http://github.com/o/a@{SHA}#egg=a\ngit+http://github.com/o/b@main#egg=b\n"},
    )
    assert found(r) == {
        ("requirements.txt", 1, "HY107"),
        ("requirements.txt", 2, "HY105"),
        ("requirements.txt", 2, "HY107"),
    }


def test_hy107_reported_in_the_file_where_it_is_written(tmp_path, scan_tree):
    r = scan_tree(
        tmp_path,
        {
            "requirements/prod.txt": f"-r common.txt\na==1 {HASH}\n",
            "requirements/dev.txt": f"-r common.txt\nb==1 {HASH}\n",
            "requirements/common.txt": f"--trusted-host x.example\nc==1 {HASH}\n",
        },
    )
    assert found(r) == {("requirements/common.txt", 1, "HY107")}
