"""hygiene.git against git itself: for repositories made here, the changed paths between two
commits are exactly what `git diff --name-only` prints, with loose objects, packs (with deltas),
linked worktrees, and a shallow clone that lacks the base commit."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hygiene_testkit import write_tree

from hygiene import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make fixture repositories")

_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def run(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=_ENV).stdout.strip()


def commit(repo: Path, message: str) -> str:
    run(repo, "add", "-A")
    run(repo, "commit", "-q", "--allow-empty", "-m", message)
    return run(repo, "rev-parse", "HEAD")


def git_diff(repo: Path, a: str, b: str) -> frozenset[str]:
    return frozenset(run(repo, "-c", "core.quotepath=off", "diff", "--no-renames", "--name-only", a, b).splitlines())


@pytest.fixture
def history(tmp_path):
    """A repository with a base commit and a pull-request commit that adds, edits, deletes and
    renames files, turns a file into a folder and a folder into a file, and edits deep paths."""
    repo = tmp_path / "repo"
    repo.mkdir()
    run(repo, "init", "-q", "-b", "main")
    big = "".join(f"package-{i}==1.{i}\n" for i in range(400))  # large enough for git to delta it
    write_tree(repo, {
        "requirements.txt": big,
        "docs/guide.md": "guide\n",
        "a/b/c/deep.txt": "deep\n",
        "becomes-dir": "file\n",
        "dir-becomes-file/x.txt": "x\n",
        "old-name.txt": "rename me\n",
        "unchanged/keep.txt": "keep\n",
        "ünïcode dir/file name.txt": "u\n",
    })
    base = commit(repo, "base")
    (repo / "requirements.txt").write_text(big + "one-more==1.0\n", encoding="utf-8")
    (repo / "docs/guide.md").unlink()
    (repo / "a/b/c/deep.txt").write_text("deeper\n", encoding="utf-8")
    (repo / "becomes-dir").unlink()
    write_tree(repo, {"becomes-dir/inside.txt": "now a folder\n", "new/added.txt": "new\n"})
    shutil.rmtree(repo / "dir-becomes-file")
    (repo / "dir-becomes-file").write_text("now a file\n", encoding="utf-8")
    (repo / "old-name.txt").rename(repo / "new-name.txt")
    (repo / "ünïcode dir/file name.txt").write_text("changed\n", encoding="utf-8")
    head = commit(repo, "pull request")
    return repo, base, head


EXPECTED = {
    "requirements.txt",
    "docs/guide.md",
    "a/b/c/deep.txt",
    "becomes-dir",
    "becomes-dir/inside.txt",
    "new/added.txt",
    "dir-becomes-file",
    "dir-becomes-file/x.txt",
    "old-name.txt",
    "new-name.txt",
    "ünïcode dir/file name.txt",
}


def test_loose_objects(history):
    repo, base, head = history
    assert git_diff(repo, base, head) == EXPECTED  # the fixture is what we think it is
    assert git.changed_files(repo, base, "HEAD") == EXPECTED
    assert git.changed_files(repo, base, head) == EXPECTED
    assert git.changed_files(repo, base, "refs/heads/main") == EXPECTED


def test_packed_objects_with_deltas_and_packed_refs(history):
    repo, base, head = history
    run(repo, "gc", "-q", "--aggressive")
    assert not any((repo / ".git/objects").glob("[0-9a-f][0-9a-f]/*"))  # everything is packed
    assert "delta" in run(repo, "verify-pack", "-v", *map(str, (repo / ".git/objects/pack").glob("*.idx")))
    assert git.changed_files(repo, base, "HEAD") == EXPECTED
    assert git.changed_files(repo, head, base) == EXPECTED  # symmetric


def test_same_commit_changes_nothing(history):
    repo, base, _ = history
    assert git.changed_files(repo, base, base) == frozenset()


def test_linked_worktree_reads_the_shared_objects(history, tmp_path):
    repo, base, _ = history
    worktree = tmp_path / "wt"
    run(repo, "worktree", "add", "-q", "--detach", str(worktree), "main")
    assert (worktree / ".git").is_file()
    assert git.changed_files(worktree, base, "HEAD") == EXPECTED


def test_a_shallow_clone_without_the_base_commit_says_so(history, tmp_path):
    repo, base, _ = history
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True, env=_ENV)
    with pytest.raises(git.GitError, match=f"commit or object {base[:12]} is not in the checkout"):
        git.changed_files(clone, base, "HEAD")


def test_not_a_checkout(tmp_path):
    with pytest.raises(git.GitError, match="is not a git checkout"):
        git.changed_files(tmp_path, "0" * 40)


def test_unknown_ref_and_corrupt_object(history):
    repo, base, _ = history
    with pytest.raises(git.GitError, match="no ref 'refs/heads/nope'"):
        git.changed_files(repo, base, "refs/heads/nope")
    loose = repo / ".git/objects" / base[:2] / base[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"not zlib")
    with pytest.raises(git.GitError, match=f"object {base} is corrupt"):
        git.changed_files(repo, base, "HEAD")
