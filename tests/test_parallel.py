"""A large tree is scanned in several processes; the report must be exactly the one-process
report, including for files included from installs that land in different processes."""

from __future__ import annotations

from pathlib import Path

import pytest

import hygiene.pipeline as pipeline
from hygiene.config import Config
from hygiene.reporters.json import document

H = "--hash=sha256:" + "a" * 64


def _tree(root: Path) -> None:
    files = {
        # shared.txt is included from a hash-mode install (a/…) and a plain one (z/…): its
        # unhashed pin is HY104 in the first and HY103 in the second; HY104 must win.
        "shared.txt": "shared-pin==1.0\nbare-shared\n# hygiene: ignore[HY101]\nsuppressed-bare\n",
        "constraints.txt": "cpin==2.0\n",
        "pyproject.toml": '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\nrequests = "^2"\n',
    }
    for i in range(30):
        files[f"a/{i:02d}/requirements.txt"] = f"-r ../../shared.txt\nhashed{i}==1.0 {H}\n"
        files[f"z/{i:02d}/requirements.txt"] = f"-r ../../shared.txt\n-c ../../constraints.txt\ncpin\nloose{i}>=1\n"
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def _report(root: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(pipeline, "_PARALLEL_MIN_FILES", 1 if parallel else 10**9)
    doc = document(pipeline.scan([root], Config()))
    doc.pop("root")
    return doc


def test_parallel_scan_equals_serial_scan(tmp_path, monkeypatch):
    _tree(tmp_path)
    candidates, _ = pipeline.discover(tmp_path, [tmp_path])
    parts = pipeline._partitions(tmp_path, candidates, 2)
    assert len(parts) == 2
    # The shared file is included from both parts: that is the case under test.
    assert any(c.path.startswith("a/") for c in parts[0]) and any(c.path.startswith("z/") for c in parts[1])

    serial = _report(tmp_path, False, monkeypatch)
    parallel = _report(tmp_path, True, monkeypatch)
    assert parallel == serial

    shared = {(f["line"], f["rule"]) for f in serial["findings"] if f["path"] == "shared.txt"}
    assert shared == {(1, "HY104"), (2, "HY104"), (4, "HY104")}
    assert serial["summary"]["suppressed"] == 0  # HY101 is not reported where HY104 is
    assert ("pyproject.toml", 3, "HY108") in {(f["path"], f["line"], f["rule"]) for f in serial["findings"]}


def _part(findings, suppressed=()):
    return pipeline._Part(list(findings), [], [], (), set(suppressed))


def test_merge_prefers_the_files_own_install_message():
    from hygiene.model import Finding, Location

    loc = Location("b.txt", 3, 3)
    other = Finding("HY104", "pip refuses to install a.txt, which includes b.txt, because of `x`", loc)
    own = Finding("HY104", "pip refuses to install b.txt because of `x`", loc)
    hy103 = Finding("HY103", "`x==1` is pinned but has no --hash", loc)
    assert pipeline._merge([_part([other]), _part([hy103, own])]) == ((own,), 0)
    assert pipeline._merge([_part([hy103]), _part([hy103])]) == ((hy103,), 0)
    # A refusal suppressed in one part still takes precedence over another part's HY103.
    suppressed_refusal = ("b.txt", 3, "HY104", other.message)
    assert pipeline._merge([_part([], [suppressed_refusal]), _part([hy103])]) == ((), 1)


def test_parallel_equals_serial_when_a_refusal_is_suppressed(tmp_path, monkeypatch):
    _tree(tmp_path)
    (tmp_path / "shared.txt").write_text("shared-pin==1.0  # hygiene: ignore[HY104]\n")
    assert _report(tmp_path, True, monkeypatch) == _report(tmp_path, False, monkeypatch)
