"""The rule catalogue: every rule's id, name, principle, default severity and fix hint.

This module is the one place rules are defined (it mirrors the product specification of the
catalogue). Each rule's long documentation — what it detects, why it matters, how to fix it,
examples — is the Markdown page beside this file, ``HYxxx.md``; `hygiene explain` prints it and
the README's rule table is generated from `CATALOGUE`.
"""

from __future__ import annotations

from dataclasses import dataclass

from hygiene.model import Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE


@dataclass(frozen=True)
class Principle:
    id: str
    title: str
    level: int


PRINCIPLES: dict[str, Principle] = {
    p.id: p
    for p in (
        Principle("CLI-1", "Dependencies are installed pinned by version and hash", 1),
        Principle("CLI-2", "Known vulnerabilities in dependencies are reported", 2),
        Principle("CLI-3", "An SBOM is produced and vulnerabilities are remediated", 3),
        Principle("AUTHZ-3", "Packages carry build provenance, and it is verified", 3),
        Principle("GEN-1", "Typosquatting is guarded against", 1),
    )
}


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    principle: str
    severity: Severity
    summary: str  # one line: what is wrong
    hint: str  # one line: what to do about it

    @property
    def level(self) -> int:
        return PRINCIPLES[self.principle].level

    @property
    def documentation(self) -> str:
        """The rule's Markdown page."""
        from importlib import resources  # only here: 6 ms of start-up otherwise

        return resources.files(__package__).joinpath(f"{self.id}.md").read_text("utf-8")


_RULES = (
    # CLI-1: pinning
    Rule("HY101", "unpinned-requirement", "CLI-1", E,
         "A concrete requirement has no version constraint at all.",
         "Pin an exact version with `==` and add its `--hash` (e.g. with `pip-compile --generate-hashes`)."),
    Rule("HY102", "loose-version", "CLI-1", E,
         "A concrete requirement's constraint admits more than one version.",
         "Pin the exact version with `==` (no wildcard) and add its `--hash`."),
    Rule("HY103", "missing-hash", "CLI-1", W,
         "A requirement is pinned to an exact version but carries no `--hash`.",
         "Add `--hash=sha256:…` for every artifact of that version (`pip-compile --generate-hashes` or `hygiene fix`)."),
    Rule("HY104", "hash-mode-broken", "CLI-1", E,
         "pip installs this file in hash-checking mode and would refuse the whole install because of this requirement.",
         "Give the requirement a `--hash`, or replace the editable/VCS/directory requirement with a hashed artifact."),
    Rule("HY105", "unpinned-source", "CLI-1", E,
         "A VCS dependency is not pinned to a full commit id, or a URL dependency has no hash.",
         "Pin VCS dependencies to a full 40-hex commit id; add `#sha256=…` (or a lock hash) to URL dependencies."),
    Rule("HY106", "extra-index", "CLI-1", W,
         "Packages may come from more than one index: dependency-confusion risk.",
         "Use a single index (a proxy that mirrors the public one), or pin each package to its index."),
    Rule("HY107", "insecure-transport", "CLI-1", E,
         "Packages are fetched over plain HTTP or with TLS verification disabled.",
         "Use `https://` URLs and remove `--trusted-host` / `verify_ssl = false`."),
    Rule("HY108", "missing-lockfile", "CLI-1", W,
         "An abstract manifest declares dependencies but its tool's lockfile is missing.",
         "Generate and commit the lockfile (`uv lock`, `poetry lock`, `pdm lock`, `pipenv lock`, `npm install --package-lock-only`)."),
    Rule("HY109", "stale-lockfile", "CLI-1", W,
         "The lockfile does not match the manifest it was generated from.",
         "Regenerate the lockfile from the manifest and commit it."),
    Rule("HY110", "unpinned-action", "CLI-1", E,
         "A workflow or action `uses:` ref is not a full commit id.",
         "Pin `uses:` to a full 40-hex commit id with a `# vX.Y.Z` comment."),
    Rule("HY111", "unpinned-image", "CLI-1", E,
         "A container image is referenced without an `@sha256:` digest.",
         "Pin the image by digest: `image:tag@sha256:…`."),
    Rule("HY112", "unpinned-install", "CLI-1", E,
         "A command installs packages without pinning them.",
         "Install from a hashed lockfile (`pip install --require-hashes -r …`, `npm ci`, `--frozen-lockfile`)."),
    Rule("HY113", "download-exec", "CLI-1", E,
         "A downloaded script is executed without verifying it.",
         "Download to a file, verify its checksum or signature, then run it; or pin the URL to a commit."),
    Rule("HY114", "unpinned-os-package", "CLI-1", N,
         "An OS package manager installs packages without versions.",
         "Pin OS package versions (`apt-get install pkg=1.2-3`) or rely on a digest-pinned base image."),
    Rule("HY115", "lockfile-integrity", "CLI-1", E,
         "A lockfile entry has no artifact hash, or only a weak one (md5, sha1).",
         "Regenerate the lockfile with a tool version that records sha256 (or stronger) hashes."),
    Rule("HY116", "lockfile-source", "CLI-1", W,
         "A lockfile entry resolves from a host outside the allowed registries, or its URL does not match the package.",
         "Resolve from an allowed registry, or add the host to the allowed registries in the configuration."),
    Rule("HY117", "mutable-hook-rev", "CLI-1", W,
         "A pre-commit hook `rev:` is a tag or branch, not a full commit id.",
         "Run `pre-commit autoupdate --freeze` to pin hooks by commit."),
    Rule("HY118", "unverified-download", "CLI-1", W,
         "A Dockerfile `ADD <url>` has no `--checksum`.",
         "Add `--checksum=sha256:…` to `ADD`, or download and verify in a `RUN` step."),
    # CLI-2: vulnerabilities
    Rule("HY201", "known-vulnerability", "CLI-2", E,
         "A pinned dependency version is affected by a published advisory.",
         "Upgrade to a fixed version (`hygiene fix`), or record why the advisory does not apply."),
    # CLI-3: SBOM and remediation
    Rule("HY301", "incomplete-sbom-entry", "CLI-3", N,
         "A component could only be recorded in the SBOM without an exact version or hash.",
         "Pin the dependency by version and hash so the SBOM can name the exact artifact."),
    Rule("HY302", "remediation-available", "CLI-3", W,
         "An upgrade exists that removes every known vulnerability.",
         "Run `hygiene fix` to apply the upgrade."),
    # AUTHZ-3: provenance
    Rule("HY401", "provenance-missing", "AUTHZ-3", N,
         "The registry offers no provenance or attestation for this exact artifact.",
         "Prefer releases published with trusted publishing and attestations; ask the maintainers to enable them."),
    Rule("HY402", "provenance-invalid", "AUTHZ-3", E,
         "An attestation or signature exists and fails verification, or attests a different digest.",
         "Do not install this artifact: check the pinned hash and the registry, and report it to the maintainers."),
    Rule("HY403", "publisher-mismatch", "AUTHZ-3", E,
         "Valid provenance names a different source repository or workflow than expected.",
         "Check that the package comes from the expected repository; update the publisher policy if the move is legitimate."),
    Rule("HY404", "signature-invalid", "AUTHZ-3", E,
         "A sigstore bundle in the repository fails verification for its artifact and identity.",
         "Re-sign the artifact or fix the configured identity; never ship an artifact whose bundle fails."),
    # GEN-1: typosquatting
    Rule("HY501", "possible-typosquat", "GEN-1", W,
         "A dependency or action name is one small edit from a much more popular one.",
         "Check the spelling; if the name is intended, suppress the finding for that line."),
)

CATALOGUE: dict[str, Rule] = {r.id: r for r in _RULES}
BY_NAME: dict[str, Rule] = {r.name: r for r in _RULES}


def get(rule_id: str) -> Rule:
    return CATALOGUE[rule_id]


def matching(selector: str) -> list[Rule]:
    """Rules matched by an id, an id prefix (``HY1``, ``HY10``), ``ALL``, or a rule name."""
    sel = selector.strip()
    if sel.upper() == "ALL":
        return list(_RULES)
    if sel in BY_NAME:
        return [BY_NAME[sel]]
    up = sel.upper()
    return [r for r in _RULES if r.id.startswith(up)] if up.startswith("HY") else []


def markdown_table() -> str:
    """The catalogue as the Markdown table the README carries (kept in sync by a test)."""
    rows = ["| id | name | principle | default | what it reports |", "|---|---|---|---|---|"]
    for r in _RULES:
        rows.append(f"| {r.id} | `{r.name}` | {r.principle} | {r.severity.value} | {r.summary} |")
    return "\n".join(rows) + "\n"
