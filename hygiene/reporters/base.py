"""The reporter interface: one module per output format, each a function from a finished
`ScanResult` and a `ReportContext` to text. Adding a format is one new module and one line in
`REPORTERS`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from hygiene import rules
from hygiene.model import Finding, Severity

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.NOTE)


@dataclass(frozen=True)
class ReportContext:
    """What a reporter needs beyond the result: how paths map into the repository, where its
    files can be linked, and which files may be annotated."""

    color: bool = False
    # Prepended to finding paths (which are relative to the scan root) to make them relative to
    # the repository root: "" when the scan root is the repository root, else "sub/dir/".
    path_prefix: str = ""
    # "https://github.com/owner/repo/blob/<sha>/" when links to lines can be made.
    blob_url: str | None = None
    # Repository-relative paths that may carry annotations (None: all). Only annotations are
    # filtered; summaries, SARIF and JSON always cover every file.
    annotate: frozenset[str] | None = None

    def repo_path(self, path: str) -> str:
        return self.path_prefix + path

    def line_url(self, path: str, line: int = 0) -> str | None:
        if self.blob_url is None:
            return None
        url = self.blob_url + quote(self.repo_path(path))
        return f"{url}#L{line}" if line else url

    @classmethod
    def for_scan(cls, root: Path, env: Mapping[str, str] | None = None, *, color: bool = False) -> ReportContext:
        """Paths relative to the repository: ``$GITHUB_WORKSPACE`` when the scan root lies in
        it, else the nearest folder above the root that holds ``.git``, else the root itself.
        Links when the GitHub Actions variables for server, repository and commit are set."""
        env = os.environ if env is None else env
        root = Path(os.path.abspath(root))
        base = _repository_root(root, env.get("GITHUB_WORKSPACE"))
        rel = root.relative_to(base).as_posix()
        prefix = "" if rel == "." else rel + "/"
        server, repo, sha = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), env.get("GITHUB_SHA")
        blob = f"{server.rstrip('/')}/{quote(repo)}/blob/{quote(sha)}/" if server and repo and sha else None
        return cls(color=color, path_prefix=prefix, blob_url=blob)


def _repository_root(root: Path, workspace: str | None) -> Path:
    if workspace:
        ws = Path(os.path.abspath(workspace))
        if root == ws or ws in root.parents:
            return ws
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return root


class Reporter(Protocol):
    def __call__(self, result: ScanResult, context: ReportContext) -> str: ...


def severity(f: Finding) -> Severity:
    return f.severity or rules.get(f.rule).severity


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; within a severity, the report's own order (path, line, rule)."""
    return sorted(findings, key=lambda f: -severity(f).rank)
