"""Finding the manifests under the scan root, and reading them safely.

Every scanned file is hostile: it is read only if it lies inside the scan root (symlinks are
resolved and checked), only up to a size limit, and only as text (UTF-8, or a BOM-marked
UTF-16/32 as pip accepts). Anything else becomes a `ScanError` naming the file.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hygiene.model import ManifestKind, ScanError
from hygiene.parsers.base import ManifestError

# Folders that never hold the repository's own manifests.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", "site-packages", ".tox", ".nox"})

_EXACT_NAMES = {
    "pyproject.toml": ManifestKind.PYPROJECT,
    "setup.cfg": ManifestKind.SETUP_CFG,
    "pipfile": ManifestKind.PIPFILE,
    "pipfile.lock": ManifestKind.PIPFILE_LOCK,
    "uv.lock": ManifestKind.UV_LOCK,
    "poetry.lock": ManifestKind.POETRY_LOCK,
    "pdm.lock": ManifestKind.PDM_LOCK,
    "pylock.toml": ManifestKind.PYLOCK,
    "package.json": ManifestKind.PACKAGE_JSON,
    "package-lock.json": ManifestKind.PACKAGE_LOCK,
    "npm-shrinkwrap.json": ManifestKind.PACKAGE_LOCK,
    "yarn.lock": ManifestKind.YARN_LOCK,
    "pnpm-lock.yaml": ManifestKind.PNPM_LOCK,
}
_PYLOCK_RE = re.compile(r"^pylock\.[^/]+\.toml$")
# Extensions that make `Dockerfile.<ext>` a document, a leftover or code, not a Dockerfile.
_DOCUMENTS = frozenset(
    {"md", "markdown", "rst", "txt", "adoc", "html", "orig", "bak", "swp", "rej", "j2", "jinja", "tmpl", "template",
     "py", "js", "ts", "go", "rs", "rb", "sh", "json", "yml", "yaml", "toml", "lock"}
)
_REQUIREMENTS_DIRS = frozenset({"requirements", "reqs", "requirements.d"})
# `*.in` files that are never pip-compile inputs.
_NOT_PIP_INPUT = re.compile(r"^(manifest|makefile|setup\.cfg|config\.h|.*\.(h|cfg|py|sh|ini|toml|yml|yaml|json))\.in$")


@dataclass(frozen=True)
class Candidate:
    path: str  # root-relative, "/"-separated
    kind: ManifestKind


def classify(relpath: str, siblings: frozenset[str]) -> ManifestKind | None:
    """The manifest kind a file's name (and folder) says it is, or None."""
    parts = relpath.split("/")
    name = parts[-1]
    lower = name.lower()
    if lower in _EXACT_NAMES:
        # Pipfile is case-sensitive for pipenv, but match case-insensitively to be safe.
        return _EXACT_NAMES[lower]
    if lower in ("dockerfile", "containerfile") or lower.endswith((".dockerfile", ".containerfile")):
        return ManifestKind.DOCKERFILE
    if name.startswith(("Dockerfile.", "Containerfile.")) and lower.rsplit(".", 1)[-1] not in _DOCUMENTS:
        return ManifestKind.DOCKERFILE  # Dockerfile.dev, Containerfile.prod; not Dockerfile.md
    if lower.endswith((".sh", ".bash")):
        return ManifestKind.SHELL_SCRIPT
    if lower.endswith((".sigstore.json", ".sigstore")) and lower not in (".sigstore.json", ".sigstore"):
        return ManifestKind.SIGSTORE_BUNDLE
    if name in ("action.yml", "action.yaml"):
        return ManifestKind.ACTION
    if name in (".pre-commit-config.yaml", ".pre-commit-config.yml"):
        return ManifestKind.PRE_COMMIT
    if len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows" and lower.endswith((".yml", ".yaml")):
        # GitHub runs only the files directly in .github/workflows.
        return ManifestKind.WORKFLOW
    if _PYLOCK_RE.match(lower):
        return ManifestKind.PYLOCK
    in_req_dir = any(p.lower() in _REQUIREMENTS_DIRS for p in parts[:-1])
    if lower.endswith(".txt"):
        if "constraint" in lower:
            return ManifestKind.CONSTRAINTS
        if "requirements" in lower or in_req_dir:
            return ManifestKind.REQUIREMENTS
        return None
    if lower.endswith(".in") and not _NOT_PIP_INPUT.match(lower):
        stem = name[:-3]
        compiled = f"{stem}.txt" in siblings
        if compiled:
            return ManifestKind.PIP_COMPILE_INPUT
        if "requirements" in lower or "constraint" in lower or in_req_dir:
            # Installed directly with `pip install -r`: concrete.
            return ManifestKind.REQUIREMENTS
    return None


def _excluded(relpath: str, patterns: Iterable[str]) -> bool:
    name = relpath.rsplit("/", 1)[-1]
    for pat in patterns:
        p = pat.strip().rstrip("/")
        if not p:
            continue
        if p.startswith("./"):
            p = p[2:]
        if fnmatch.fnmatchcase(relpath, p) or fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relpath, p + "/*"):
            return True
    return False


def discover(root: Path, targets: Iterable[Path], exclude: Iterable[str] = ()) -> tuple[list[Candidate], list[ScanError]]:
    """Walk `targets` (files or folders inside `root`) and return the manifests found, in
    path order, and the errors met on the way (escaping symlinks)."""
    root = root.resolve()
    exclude = tuple(exclude)
    found: dict[str, Candidate] = {}
    errors: list[ScanError] = []

    def rel(p: Path) -> str:
        return p.relative_to(root).as_posix()

    def add(r: str, kind: ManifestKind) -> None:
        try:
            r.encode("utf-8")
        except UnicodeEncodeError:
            # No report format can name such a file (SARIF URIs, annotations and JSON are
            # UTF-8), so it is an error under a visible spelling of its name, never a crash.
            errors.append(ScanError(_shown(r), "file name is not valid UTF-8; not scanned"))
            return
        found.setdefault(r, Candidate(r, kind))

    for target in targets:
        target_abs = target if target.is_absolute() else (Path.cwd() / target)
        target_abs = Path(os.path.normpath(target_abs))
        if target_abs.is_file():
            r = rel(target_abs)
            kind = classify(r, frozenset(os.listdir(target_abs.parent)))
            if kind is None:
                # Named explicitly: treat a .txt as a requirements file.
                kind = ManifestKind.REQUIREMENTS
            add(r, kind)
            continue
        stack = [target_abs]
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                errors.append(ScanError(_shown(rel(folder)) or ".", f"cannot list folder: {exc.strerror or exc}"))
                continue
            names = frozenset(e.name for e in entries)
            if folder != root and "pyvenv.cfg" in names:
                continue  # a virtualenv
            for entry in entries:
                entry_path = Path(entry.path)
                r = rel(entry_path)
                if _excluded(r, exclude):
                    continue
                try:
                    is_link = entry.is_symlink()
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_link:
                    kind = classify(r, names)
                    real = Path(os.path.realpath(entry_path))
                    inside = real == root or root in real.parents
                    if not inside:
                        if kind is not None or real.is_dir():
                            errors.append(ScanError(_shown(r), "symlink points outside the scan root; not followed"))
                        continue
                    if real.is_dir():
                        continue  # its target is walked where it really lives
                    if kind is not None:
                        add(r, kind)
                    continue
                if is_dir:
                    if entry.name in SKIP_DIRS:
                        continue
                    stack.append(entry_path)
                    continue
                kind = classify(r, names)
                if kind is None and "." not in entry.name and _has_shell_shebang(entry_path):
                    kind = ManifestKind.SHELL_SCRIPT
                if kind is not None:
                    add(r, kind)
    return sorted(found.values(), key=lambda c: c.path), errors


_SHEBANG = re.compile(rb"#![ \t]*(?:/usr)?(?:/local)?/bin/(?:env[ \t]+(?:-S[ \t]+)?)?(?:ba|da|a|z)?sh\b")


def _has_shell_shebang(path: Path) -> bool:
    """An extensionless file that starts with a sh/bash shebang is a shell script. Only the
    first bytes are read, and only of files without an extension."""
    try:
        with open(path, "rb") as fh:
            return bool(_SHEBANG.match(fh.read(64)))
    except OSError:
        return False


def _shown(relpath: str) -> str:
    """A path as reports can carry it: undecodable bytes of a file name (kept by Python as
    surrogates) spelled as ``\\xff``."""
    return os.fsencode(relpath).decode("utf-8", "backslashreplace")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class RootReader:
    """Reads files of the scan root by root-relative path, refusing anything unsafe."""

    def __init__(self, root: Path, max_size: int) -> None:
        self.root = root.resolve()
        self.max_size = max_size

    def read_text(self, relpath: str) -> str:
        path = self.root / relpath
        real = Path(os.path.realpath(path))
        if real != self.root and self.root not in real.parents:
            raise ManifestError("resolves outside the scan root; not read")
        try:
            with open(real, "rb") as fh:
                data = fh.read(self.max_size + 1)
        except FileNotFoundError:
            raise ManifestError("file not found") from None
        except IsADirectoryError:
            raise ManifestError("is a directory, not a file") from None
        except OSError as exc:
            raise ManifestError(f"cannot read: {exc.strerror or exc}") from None
        if len(data) > self.max_size:
            raise ManifestError(
                f"larger than the {self.max_size}-byte limit (max-file-size); not read"
            )
        return decode(data)


def decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ManifestError(f"not valid {encoding.upper()} (byte {exc.start})") from None
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ManifestError(f"not valid UTF-8 (byte {exc.start})") from None
    if "\x00" in text:
        raise ManifestError("contains NUL bytes; not a text file")
    return text
