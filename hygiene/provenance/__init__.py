"""Provenance of what the repository depends on (AUTHZ-3, HY401-HY404).

Each registry module finds, for one pinned artifact, the attestations its registry publishes
and checks what can be checked from their content (the statement's subject is that artifact,
with the pinned digest); the signatures are checked by hygiene's verifier against an explicit
trusted root. The result of each lookup is a :class:`Provenance`, which the checks turn into
findings and the reporters and the SBOM show.

Statuses (the JSON output's contract):

- ``verified``: every attestation for the artifact verified, its subject is the artifact.
- ``failed``: an attestation exists and does not verify, or attests another artifact (HY402),
  or names another publisher than policy allows (HY403).
- ``missing``: the registry offers none for this artifact (HY401).
- ``unsupported``: attestations exist in a form hygiene cannot check completely; never
  counted as verified.
- ``error``: the registry could not be asked or answered nonsense; the reason says which (the
  scan lists it under `skipped` when the registry was unreachable).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hygiene.model import Location

STATUSES = ("verified", "failed", "missing", "unsupported", "error")
WORST_FIRST = ("failed", "error", "missing", "unsupported", "verified")  # for tables and summaries


@dataclass(frozen=True)
class Publisher:
    """Who published an artifact, as the attestation bundle states it (PEP 740's publisher,
    npm's build identity): kind ("GitHub", "GitLab", …), repository, workflow, environment."""

    kind: str
    repository: str | None = None
    workflow: str | None = None
    environment: str | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)  # as the registry wrote it

    @property
    def display(self) -> str:
        """``owner/repo (workflow)``, as messages and tables show a publisher."""
        return f"{self.repository or ''}" + (f" ({self.workflow})" if self.workflow else "")


@dataclass(frozen=True)
class Attestation:
    """One attestation as fetched: the DSSE envelope's in-toto statement (bytes, as signed),
    its signature, the signing certificate (DER) and the transparency log entries (raw JSON),
    with the predicate type read from the statement."""

    statement: bytes
    signature: bytes
    certificate: bytes
    transparency_entries: tuple = ()
    predicate_type: str | None = None
    publisher: Publisher | None = None  # its bundle's
    raw: dict = field(default_factory=dict, compare=False, repr=False)  # as the registry wrote it


@dataclass(frozen=True)
class Provenance:
    ecosystem: str
    name: str
    version: str | None
    artifact: str | None  # file name (PyPI) or package@version (npm)
    digest: str | None  # "sha256:<hex>" of the artifact the lookup matched
    status: str
    reason: str = ""
    source: str | None = None  # the URL the attestations came from
    publisher: Publisher | None = None
    attestations: tuple[Attestation, ...] = field(default=(), repr=False)
    # Set when the attestations verify but name another publisher than expected (HY403): why.
    publisher_mismatch: str | None = None
    # The forge repositories the release declares (``github.com/owner/repo``), when the lookup
    # read them on the way (npm's `repository`); None: ask the registry's metadata if needed.
    declared_repositories: tuple[str, ...] | None = None
    # Where the repository pins this artifact (set by the check, for the reports).
    declared: tuple[Location, ...] = ()

    @property
    def pin(self) -> str:
        """The package version as its ecosystem writes a pin: ``name@version`` (npm) or
        ``name==version``."""
        return f"{self.name}@{self.version}" if self.ecosystem == "npm" else f"{self.name}=={self.version}"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown provenance status {self.status!r}")
