"""Which files a pull request changed, read straight from the checkout's `.git` folder.

The action's image has no git, and running git inside a scanned repository would run whatever
its configuration names (`core.fsmonitor`, diff drivers). This module reads only objects:
loose objects and version-2 pack indexes with their packs (offset and reference deltas), enough
to compare two commits' trees. Anything else (a missing object, as in a shallow clone) is a
`GitError` with the reason, and the caller falls back to annotating every file.
"""

from __future__ import annotations

import mmap
import os
import re
import struct
import zlib
from bisect import bisect_left
from pathlib import Path

_HEX40 = re.compile(r"[0-9a-f]{40}")
_TYPES = {1: b"commit", 2: b"tree", 3: b"blob", 4: b"tag"}
_OFS_DELTA, _REF_DELTA = 6, 7
_MAX_DELTA_CHAIN = 10_000


class GitError(Exception):
    """The repository cannot answer: what is missing or malformed."""


def changed_files(worktree: Path, base: str, head: str = "HEAD") -> frozenset[str]:
    """Paths (``/``-separated, relative to the work tree) that differ between two commits."""
    repo = Repository(worktree)
    try:
        return frozenset(repo.diff(repo.tree_of(repo.resolve(base)), repo.tree_of(repo.resolve(head))))
    finally:
        repo.close()


class Repository:
    def __init__(self, worktree: Path) -> None:
        self.gitdir = _gitdir(Path(worktree))
        common = self.gitdir / "commondir"  # a linked worktree shares its objects and refs
        self.common = Path(os.path.normpath(self.gitdir / common.read_text().strip())) if common.is_file() else self.gitdir
        self.objects = self.common / "objects"
        self._packs: list[_Pack] | None = None

    def close(self) -> None:
        for pack in self._packs or ():
            pack.close()

    # -- names -----------------------------------------------------------------------------
    def resolve(self, name: str) -> str:
        """A commit id from a full id, ``HEAD`` or a ref name."""
        if _HEX40.fullmatch(name):
            return name
        target = name
        for _ in range(10):  # symbolic refs, bounded
            text = self._ref_text(target)
            if text is None:
                raise GitError(f"no ref {name!r} in the checkout")
            if text.startswith("ref: "):
                target = text[5:].strip()
                continue
            if _HEX40.fullmatch(text):
                return text
            raise GitError(f"ref {target!r} is malformed")
        raise GitError(f"ref {name!r} is a symbolic-ref loop")

    def _ref_text(self, ref: str) -> str | None:
        if ".." in ref.split("/"):
            return None
        for folder in (self.gitdir, self.common):
            path = folder / ref
            if path.is_file():
                return path.read_text("utf-8", "replace").strip()
        packed = self.common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text("utf-8", "replace").splitlines():
                sha, _, refname = line.partition(" ")
                if refname == ref and _HEX40.fullmatch(sha):
                    return sha
        return None

    # -- objects ---------------------------------------------------------------------------
    def read(self, sha: str) -> tuple[bytes, bytes]:
        """(type, body) of an object."""
        loose = self.objects / sha[:2] / sha[2:]
        if loose.is_file():
            try:
                raw = zlib.decompress(loose.read_bytes())
            except zlib.error as exc:
                raise GitError(f"object {sha} is corrupt ({exc})") from None
            header, _, body = raw.partition(b"\0")
            return header.split(b" ", 1)[0], body
        for pack in self.packs:
            offset = pack.offset_of(bytes.fromhex(sha))
            if offset is not None:
                return pack.read_at(offset, self)
        raise GitError(f"commit or object {sha[:12]} is not in the checkout")

    @property
    def packs(self) -> list[_Pack]:
        if self._packs is None:
            folder = self.objects / "pack"
            names = sorted(folder.glob("pack-*.idx")) if folder.is_dir() else []
            self._packs = [_Pack(idx, idx.with_suffix(".pack")) for idx in names if idx.with_suffix(".pack").is_file()]
        return self._packs

    def tree_of(self, commit: str) -> str:
        kind, body = self.read(commit)
        while kind == b"tag":  # annotated tags point at their commit
            match = re.match(rb"object ([0-9a-f]{40})\n", body)
            if not match:
                raise GitError(f"tag {commit[:12]} is malformed")
            kind, body = self.read(match.group(1).decode())
        match = re.match(rb"tree ([0-9a-f]{40})\n", body) if kind == b"commit" else None
        if not match:
            raise GitError(f"{commit[:12]} is not a commit")
        return match.group(1).decode()

    def entries(self, tree: str) -> dict[str, tuple[bool, str]]:
        """name -> (is a folder, object id)."""
        kind, body = self.read(tree)
        if kind != b"tree":
            raise GitError(f"{tree[:12]} is not a tree")
        out: dict[str, tuple[bool, str]] = {}
        pos = 0
        while pos < len(body):
            space = body.index(b" ", pos)
            nul = body.index(b"\0", space)
            mode, name = body[pos:space], body[space + 1 : nul].decode("utf-8", "surrogateescape")
            out[name] = (mode == b"40000", body[nul + 1 : nul + 21].hex())
            pos = nul + 21
        return out

    def diff(self, a: str | None, b: str | None, prefix: str = "") -> list[str]:
        if a == b:
            return []
        left = self.entries(a) if a else {}
        right = self.entries(b) if b else {}
        changed: list[str] = []
        for name in sorted(left.keys() | right.keys()):
            old, new = left.get(name), right.get(name)
            if old == new:
                continue
            path = prefix + name
            old_dir = old[1] if old and old[0] else None
            new_dir = new[1] if new and new[0] else None
            if old_dir or new_dir:
                changed.extend(self.diff(old_dir, new_dir, path + "/"))
            if (old and not old[0]) or (new and not new[0]):
                changed.append(path)
        return changed


class _Pack:
    def __init__(self, idx: Path, pack: Path) -> None:
        self._idx_file = open(idx, "rb")  # noqa: SIM115 - closed by close()
        self._pack_file = open(pack, "rb")  # noqa: SIM115
        try:
            self.idx = mmap.mmap(self._idx_file.fileno(), 0, access=mmap.ACCESS_READ)
            self.pack = mmap.mmap(self._pack_file.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # empty file
            self.close()
            raise GitError(f"{idx.name} is empty") from None
        if self.idx[:8] != b"\377tOc\0\0\0\2":
            self.close()
            raise GitError(f"{idx.name} is not a version-2 pack index")
        self.count = struct.unpack(">I", self.idx[8 + 255 * 4 : 8 + 256 * 4])[0]
        self._names = 8 + 256 * 4
        self._offsets = self._names + self.count * 24  # after names and CRCs
        self._large = self._offsets + self.count * 4

    def close(self) -> None:
        for handle in ("idx", "pack"):
            if hasattr(self, handle):
                getattr(self, handle).close()
        self._idx_file.close()
        self._pack_file.close()

    def offset_of(self, sha: bytes) -> int | None:
        first = sha[0]
        lo = struct.unpack(">I", self.idx[8 + (first - 1) * 4 : 8 + first * 4])[0] if first else 0
        hi = struct.unpack(">I", self.idx[8 + first * 4 : 12 + first * 4])[0]
        names = _NameView(self.idx, self._names)
        i = bisect_left(names, sha, lo, hi)
        if i >= hi or names[i] != sha:
            return None
        offset = struct.unpack(">I", self.idx[self._offsets + i * 4 : self._offsets + i * 4 + 4])[0]
        if offset & 0x80000000:
            at = self._large + (offset & 0x7FFFFFFF) * 8
            offset = struct.unpack(">Q", self.idx[at : at + 8])[0]
        return offset

    def read_at(self, offset: int, repo: Repository, depth: int = 0) -> tuple[bytes, bytes]:
        if depth > _MAX_DELTA_CHAIN:
            raise GitError("delta chain too long")
        try:
            byte = self.pack[offset]
            kind, pos = (byte >> 4) & 7, offset + 1
            while byte & 0x80:
                byte = self.pack[pos]
                pos += 1
            if kind == _OFS_DELTA:
                byte = self.pack[pos]
                pos += 1
                back = byte & 0x7F
                while byte & 0x80:
                    byte = self.pack[pos]
                    pos += 1
                    back = ((back + 1) << 7) | (byte & 0x7F)
                if not 0 < back <= offset:
                    raise GitError("bad delta offset in pack")
                base_kind, base = self.read_at(offset - back, repo, depth + 1)
                return base_kind, _apply_delta(base, _inflate(self.pack, pos))
            if kind == _REF_DELTA:
                base_kind, base = repo.read(self.pack[pos : pos + 20].hex())
                return base_kind, _apply_delta(base, _inflate(self.pack, pos + 20))
            if kind not in _TYPES:
                raise GitError(f"unknown object type {kind} in pack")
            return _TYPES[kind], _inflate(self.pack, pos)
        except (IndexError, zlib.error) as exc:
            raise GitError(f"pack is corrupt ({exc})") from None


class _NameView:
    """The sorted object names of a pack index, as a sequence `bisect` can search."""

    def __init__(self, idx: mmap.mmap, start: int) -> None:
        self.idx, self.start = idx, start

    def __getitem__(self, i: int) -> bytes:
        at = self.start + i * 20
        return self.idx[at : at + 20]

    def __len__(self) -> int:  # pragma: no cover - bisect is always given bounds
        return 0


def _inflate(data: mmap.mmap, pos: int) -> bytes:
    inflater = zlib.decompressobj()
    out = []
    while not inflater.eof:
        chunk = data[pos : pos + 65536]
        if not chunk:
            raise GitError("pack ends inside an object")
        out.append(inflater.decompress(chunk))
        pos += len(chunk)
    return b"".join(out)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _apply_delta(base: bytes, delta: bytes) -> bytes:
    try:
        size, pos = _varint(delta, 0)
        if size != len(base):
            raise GitError("delta does not fit its base")
        target_size, pos = _varint(delta, pos)
        out = bytearray()
        while pos < len(delta):
            op = delta[pos]
            pos += 1
            if op & 0x80:  # copy from the base
                offset = length = 0
                for i in range(4):
                    if op & (1 << i):
                        offset |= delta[pos] << (8 * i)
                        pos += 1
                for i in range(3):
                    if op & (1 << (4 + i)):
                        length |= delta[pos] << (8 * i)
                        pos += 1
                length = length or 0x10000
                out += base[offset : offset + length]
            elif op:  # insert literal bytes
                out += delta[pos : pos + op]
                pos += op
            else:
                raise GitError("delta has a reserved opcode")
    except IndexError:
        raise GitError("delta is truncated") from None
    if len(out) != target_size:
        raise GitError("delta produced the wrong size")
    return bytes(out)


def _gitdir(worktree: Path) -> Path:
    dotgit = worktree / ".git"
    if dotgit.is_dir():
        return dotgit
    if dotgit.is_file():  # worktrees and submodules: "gitdir: <path>"
        text = dotgit.read_text("utf-8", "replace").strip()
        if text.startswith("gitdir: "):
            target = Path(text[8:])
            return target if target.is_absolute() else Path(os.path.normpath(worktree / target))
    raise GitError(f"{worktree} is not a git checkout")
