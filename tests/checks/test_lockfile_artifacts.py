"""HY116/HY107 judge every artifact URL a lock entry records, not only the first."""

from __future__ import annotations

H = "sha256:" + "a" * 64
PYPI = "https://files.pythonhosted.org/packages/aa/bb"

UV_LOCK = f"""version = 1

[[package]]
name = "idna"
version = "3.10"
source = {{ registry = "https://pypi.org/simple" }}
sdist = {{ url = "{PYPI}/idna-3.10.tar.gz", hash = "{H}" }}
wheels = [
    {{ url = "{PYPI}/idna-3.10-py3-none-any.whl", hash = "{H}" }},
    {{ url = "https://mirror.example.net/idna-3.10-cp311-none-any.whl", hash = "{H}" }},
    {{ url = "{PYPI}/idnax-3.10-py3-none-any.whl", hash = "{H}" }},
    {{ url = "http://files.pythonhosted.org/packages/idna-3.10-py2-none-any.whl", hash = "{H}" }},
]
"""

PYLOCK = f"""lock-version = "1.0"
created-by = "test"

[[packages]]
name = "idna"
version = "3.10"
index = "https://pypi.org/simple"
sdist = {{ url = "{PYPI}/idna-3.10.tar.gz", hashes = {{ sha256 = "{"a" * 64}" }} }}
wheels = [
    {{ url = "{PYPI}/idna-3.10-py3-none-any.whl", hashes = {{ sha256 = "{"a" * 64}" }} }},
    {{ url = "https://mirror.example.net/idna-3.10-py3-none-any.whl", hashes = {{ sha256 = "{"a" * 64}" }} }},
]
"""

PDM_LOCK = f"""[metadata]
groups = ["default"]
strategy = ["inherit_metadata"]
lock_version = "4.5.0"
content_hash = "sha256:{"b" * 64}"

[[package]]
name = "idna"
version = "3.10"
groups = ["default"]
files = [
    {{url = "{PYPI}/idna-3.10.tar.gz", hash = "{H}"}},
    {{url = "https://mirror.example.net/idna-3.10-py3-none-any.whl", hash = "{H}"}},
]
"""


def _lock_findings(report: dict) -> list[tuple[int, str, str]]:
    return sorted((f["line"], f["rule"], f["message"]) for f in report["findings"])


def test_uv_lock_every_wheel_is_judged(scan_tree, tmp_path):
    report = scan_tree(tmp_path, {"uv.lock": UV_LOCK})
    assert _lock_findings(report) == [
        (3, "HY107", "idna 3.10 is downloaded over plain http from "
         "http://files.pythonhosted.org/packages/idna-3.10-py2-none-any.whl (uv.lock entry)"),
        (3, "HY116", "idna 3.10 is resolved from mirror.example.net, which is not an allowed registry: "
         "https://mirror.example.net/idna-3.10-cp311-none-any.whl (uv.lock entry)"),
        (3, "HY116", f"idna 3.10 points at idnax-3.10-py3-none-any.whl, a file of another distribution: "
         f"{PYPI}/idnax-3.10-py3-none-any.whl (uv.lock entry)"),
    ]


def test_pylock_second_wheel_on_a_foreign_host(scan_tree, tmp_path):
    report = scan_tree(tmp_path, {"pylock.toml": PYLOCK})
    assert [(f["line"], f["rule"]) for f in report["findings"]] == [(4, "HY116")]
    assert "mirror.example.net" in report["findings"][0]["message"]


def test_pdm_lock_second_file_on_a_foreign_host(scan_tree, tmp_path):
    report = scan_tree(tmp_path, {"pdm.lock": PDM_LOCK})
    assert [(f["line"], f["rule"]) for f in report["findings"]] == [(7, "HY116")]
