"""The records that flow through a scan: manifests, dependencies, findings.

Everything here is a frozen dataclass. Parsers make `Manifest` and `Dependency` records that
know exactly where they were written; checks turn them into `Finding` records; reporters and
the SBOM read them. Nothing mutates a record after it is made.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from functools import lru_cache


class Severity(str, enum.Enum):
    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


@dataclass(frozen=True, order=True)
class Location:
    """Where something is written: a path relative to the scan root (``/``-separated) and
    the first and last physical line (1-based, inclusive)."""

    path: str
    line: int = 0
    end_line: int = 0

    def __post_init__(self) -> None:
        if self.end_line < self.line:
            object.__setattr__(self, "end_line", self.line)


class ManifestKind(str, enum.Enum):
    REQUIREMENTS = "requirements"
    CONSTRAINTS = "constraints"
    PIP_COMPILE_INPUT = "pip-compile-input"
    PYPROJECT = "pyproject"
    SETUP_CFG = "setup.cfg"
    PIPFILE = "Pipfile"
    PIPFILE_LOCK = "Pipfile.lock"
    UV_LOCK = "uv.lock"
    POETRY_LOCK = "poetry.lock"
    PDM_LOCK = "pdm.lock"
    PYLOCK = "pylock"
    # Beyond Python: where else a repository installs third-party code.
    WORKFLOW = "github-workflow"  # .github/workflows/*.yml
    ACTION = "github-action"  # action.yml / action.yaml
    DOCKERFILE = "dockerfile"  # Dockerfile, Containerfile, *.dockerfile, Dockerfile.*
    SHELL_SCRIPT = "shell-script"  # *.sh, *.bash, or a sh/bash shebang
    PRE_COMMIT = "pre-commit"  # .pre-commit-config.yaml
    PACKAGE_JSON = "package.json"
    PACKAGE_LOCK = "package-lock"  # package-lock.json, npm-shrinkwrap.json
    YARN_LOCK = "yarn.lock"
    PNPM_LOCK = "pnpm-lock"  # pnpm-lock.yaml
    # Signed material the repository ships, checked with --verify-provenance (HY404).
    SIGSTORE_BUNDLE = "sigstore-bundle"  # *.sigstore.json, *.sigstore

    @property
    def is_lockfile(self) -> bool:
        return self in _LOCKFILES


_LOCKFILES = frozenset(
    {
        ManifestKind.PIPFILE_LOCK,
        ManifestKind.UV_LOCK,
        ManifestKind.POETRY_LOCK,
        ManifestKind.PDM_LOCK,
        ManifestKind.PYLOCK,
        ManifestKind.PACKAGE_LOCK,
        ManifestKind.YARN_LOCK,
        ManifestKind.PNPM_LOCK,
    }
)


class SourceKind(str, enum.Enum):
    """How a dependency is obtained."""

    REGISTRY = "registry"  # by name from an index
    URL = "url"  # a direct URL to an archive
    VCS = "vcs"  # a version-control checkout
    PATH = "path"  # a local file or directory of the repository itself
    VIRTUAL = "virtual"  # a lockfile's own project / workspace member


@dataclass(frozen=True)
class Dependency:
    """One dependency as one manifest states it, ecosystem-neutral."""

    ecosystem: str  # "pypi"
    name: str | None  # as written; None for an unnamed URL or path requirement
    location: Location
    source: SourceKind = SourceKind.REGISTRY
    specifier: str = ""  # the version constraint as written ("==1.2", ">=1,<2", "^1.2", "")
    version: str | None = None  # the exact version when the specifier admits exactly one
    hashes: tuple[str, ...] = ()  # "algorithm:hexdigest"
    url: str | None = None  # direct URL, VCS URL, local path or resolved lockfile URL
    artifact_urls: tuple[str, ...] = ()  # every artifact URL a lockfile records for the entry
    editable: bool = False
    extras: tuple[str, ...] = ()
    marker: str | None = None
    group: str | None = None  # optional-dependency group, dependency group, "dev", …
    constraint: bool = False  # written as a constraint (-c file) rather than a requirement
    text: str = ""  # the requirement as written, for messages
    # A comment written after the reference, when it names a version: `# v4.2.2` after an
    # action's commit id, `# frozen: v1.2` after a pre-commit rev (the fix command and the SBOM
    # use it).
    comment: str | None = None
    # For lockfile entries: the names of the packages this one depends on, as the lockfile
    # records them (its dependency graph; the SBOM's `dependencies`). None when the lockfile
    # records no graph; () for a leaf.
    requires: tuple[str, ...] | None = None
    # The same edges where the lockfile says which of its entries each one reaches:
    # ``name@selector``, where yarn's selector is the descriptor's range (``ms@^2.1.0``, one of
    # the target entry's patterns) and pnpm's the resolved version (``ms@2.1.3``); a bare name
    # where it does not say. None when the lockfile records no such thing (the graph then goes
    # by name, see `requires`).
    requires_exact: tuple[str, ...] | None = None

    @property
    def key(self) -> str | None:
        """The PEP 503 normalised name, used to compare names across manifests."""
        return normalize_name(self.name) if self.name else None

    @property
    def display(self) -> str:
        return self.name or self.url or self.text


@dataclass(frozen=True)
class Setting:
    """An installer option written in a manifest (index URLs, trusted hosts, hash mode)."""

    name: str  # "index-url", "extra-index-url", "trusted-host", "find-links",
    # "require-hashes", "no-require-hashes", "verify-ssl"
    value: str
    location: Location


@dataclass(frozen=True)
class Script:
    """Shell commands a manifest runs: a workflow `run:` step, a Dockerfile `RUN`, a shell
    script. `text` keeps the file's line structure: its first line is the file's line
    `location.line`, and so on, so a finding in the script maps to a line of the file."""

    text: str
    location: Location
    shell: str = "sh"  # "bash", "sh", … as the runner would invoke it
    workdir: str | None = None  # repository-relative working directory, when known


@dataclass(frozen=True)
class Include:
    """A ``-r``/``-c`` reference from one requirements file to another."""

    target: str  # as written
    resolved: str | None  # path relative to the scan root, None when it escapes or is remote
    constraint: bool
    location: Location


@dataclass(frozen=True)
class Manifest:
    """A parsed file: its dependencies and the settings and includes that shape how they
    are installed."""

    path: str
    kind: ManifestKind
    ecosystem: str = "pypi"
    dependencies: tuple[Dependency, ...] = ()
    settings: tuple[Setting, ...] = ()
    includes: tuple[Include, ...] = ()
    scripts: tuple[Script, ...] = ()  # shell commands the file runs (checks/commands.py)
    # Which tools' lockfiles this abstract manifest expects ("uv", "poetry", "pdm", "pipenv"),
    # and where it declares its dependencies (HY108 points there).
    lock_tools: tuple[str, ...] = ()
    declared_at: Location | None = None
    # Lines the parser could not understand; the rest of the file is still reported.
    errors: tuple[ScanError, ...] = ()
    # What the parser deliberately did not follow (e.g. setup.cfg `file:` directives).
    skipped: tuple[Skipped, ...] = ()
    # For lockfiles: a hash of the manifest recorded at lock time, and what it covers.
    content_hash: str | None = None
    content_hash_location: Location | None = None
    # For abstract manifests: per locking tool, every hex digest that some release of the tool
    # would record in its lockfile for this manifest (`hygiene.parsers.lock_hashes`); a tool
    # is absent when its hash cannot be determined from the manifest alone.
    lock_hashes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def concrete(self) -> bool:
        return self.kind in _CONCRETE

    @property
    def is_lockfile(self) -> bool:
        return self.kind.is_lockfile


_CONCRETE = frozenset({ManifestKind.REQUIREMENTS, ManifestKind.CONSTRAINTS}) | _LOCKFILES


@dataclass(frozen=True)
class Finding:
    rule: str  # "HY103"
    message: str
    location: Location
    ecosystem: str = "pypi"
    package: str | None = None
    version_spec: str | None = None
    severity: Severity | None = None  # None: the rule's (configured) default
    hint: str | None = None  # None: the rule's own fix hint


@dataclass(frozen=True)
class ScanError:
    """A file that could not be read or understood, and why."""

    path: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class Skipped:
    """A check that did not run, and why."""

    check: str
    reason: str
    path: str | None = None


@dataclass(frozen=True)
class ParseResult:
    manifests: tuple[Manifest, ...] = ()
    errors: tuple[ScanError, ...] = ()
    skipped: tuple[Skipped, ...] = field(default=())


@lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    """PEP 503 normalisation: runs of ``-``, ``_`` and ``.`` become one ``-``, lower case."""
    return _SEPARATORS.sub("-", name.strip()).lower()


_SEPARATORS = re.compile(r"[-_.]+")
