"""HY401 / HY402: the provenance of pinned Python artifacts (`scan --verify-provenance`).

Runs after the other checks, on every manifest of the scan: each Python dependency pinned to a
version with sha256 hashes (a hashed requirements file, a lockfile) is looked up once, however
many files declare it (:mod:`hygiene.provenance.pypi`), and its findings are reported at every
declaration.

- ``missing``  → HY401 (note): the index publishes no provenance for a pinned file.
- ``failed``   → HY402 (error): an attestation does not verify, or attests another file or digest.
- ``verified`` / ``unsupported`` → no finding; both are in the JSON output's `provenance`.
- ``error``    → not a finding: the check could not be made (index unreachable, offline, a
  malformed answer), which `skipped` says, with the count.

Publisher policy (HY403), npm provenance and the repository's own bundles (HY404) are not
checked yet; `skipped` says so.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hygiene.model import (
    Dependency,
    Finding,
    Manifest,
    Skipped,
    SourceKind,
    normalize_name,
)
from hygiene.provenance import Provenance

PYPI = "https://pypi.org/simple"
WORKERS = 8


@dataclass(frozen=True)
class ProvenanceOptions:
    index_url: str = PYPI
    offline: bool = False
    trusted_root: Path | None = None
    staging: bool = False
    cache_dir: Path | None = None  # None: hygiene.net.default_cache_dir()
    timeout: float = 10.0
    retries: int = 2


def verify_provenance(manifests, options: ProvenanceOptions) -> tuple[list[Finding], list[dict], list[Skipped]]:
    """(findings, one JSON-ready entry per looked-up artifact, skipped)."""
    from hygiene.net import Http, default_cache_dir
    from hygiene.provenance.pypi import PyPIProvenance
    from hygiene.provenance.verify import (
        Pep740Verifier,
        VerificationFailed,
        available,
        trusted_root,
    )

    skipped = [
        Skipped("provenance of npm packages (HY401-HY403)", "not implemented in this release"),
        Skipped("publisher policy (HY403)", "not implemented in this release: the publisher is reported, not judged"),
        Skipped("sigstore bundles in the repository (HY404)", "not implemented in this release"),
    ]
    targets = _targets(manifests)
    if not targets:
        return [], [], skipped
    why = available()
    if why is not None:
        return [], [], [Skipped("provenance (HY401, HY402)", why), *skipped]
    try:
        root = trusted_root(options.trusted_root, staging=options.staging)
    except VerificationFailed as exc:
        return [], [], [Skipped("provenance (HY401, HY402)", str(exc)), *skipped]
    http = Http(
        timeout=options.timeout,
        retries=options.retries,
        offline=options.offline,
        cache_dir=options.cache_dir or default_cache_dir(),
    )
    lookup = PyPIProvenance(http, options.index_url, verifier=Pep740Verifier(root))
    keys = sorted(targets)
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(keys))) as pool:
        answers = dict(zip(keys, pool.map(lambda k: lookup.lookup(k[0], k[1], k[2]), keys)))

    findings: list[Finding] = []
    entries: list[dict] = []
    errors: list[str] = []
    for key in keys:
        declared = targets[key]
        for result in answers[key]:
            entries.append(_entry(result, declared))
            if result.status == "error":
                errors.append(f"{key[0]}=={key[1]}: {result.reason}")
                continue
            for manifest, dep in declared:
                finding = _finding(result, dep)
                if finding is not None:
                    findings.append(finding)
    if errors:
        reason = errors[0] if len(errors) == 1 else f"{errors[0]} (and {len(errors) - 1} more)"
        total = sum(len(r) for r in answers.values())
        skipped.insert(0, Skipped(f"provenance of {len(errors)} of {total} pinned files (HY401, HY402)", reason))
    return findings, entries, skipped


def _targets(manifests) -> dict[tuple, list[tuple[Manifest, Dependency]]]:
    out: dict[tuple, list[tuple[Manifest, Dependency]]] = defaultdict(list)
    for manifest in manifests:
        for dep in manifest.dependencies:
            if dep.ecosystem != "pypi" or dep.source is not SourceKind.REGISTRY or not dep.name or not dep.version:
                continue
            sha256 = tuple(sorted({h.lower() for h in dep.hashes if h.lower().startswith("sha256:")}))
            if sha256:
                out[(normalize_name(dep.name), dep.version, sha256)].append((manifest, dep))
    return out


def _finding(result: Provenance, dep: Dependency) -> Finding | None:
    pin = f"`{dep.name}=={dep.version}`"
    if result.status == "missing":
        message = f"{pin}: the index publishes no provenance for {result.artifact}"
        rule = "HY401"
    elif result.status == "failed":
        message = f"{pin}: the provenance of {result.artifact} does not verify: {result.reason}"
        rule = "HY402"
    else:
        return None
    return Finding(rule, message, dep.location, "pypi", dep.name, dep.specifier or f"=={dep.version}")


def _entry(result: Provenance, declared) -> dict:
    publisher = result.publisher
    return {
        "ecosystem": result.ecosystem,
        "package": result.name,
        "version": result.version,
        "artifact": result.artifact,
        "digest": result.digest,
        "status": result.status,
        "reason": result.reason,
        "publisher": None
        if publisher is None
        else {"kind": publisher.kind, "repository": publisher.repository, "workflow": publisher.workflow, "environment": publisher.environment},
        "predicate_types": sorted({a.predicate_type for a in result.attestations if a.predicate_type}),
        "source": result.source,
        "declared": [{"path": m.path, "line": d.location.line} for m, d in declared],
    }
