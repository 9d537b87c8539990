"""HY401 / HY402: the provenance of pinned Python artifacts (`scan --verify-provenance`).

Runs after the other checks, on every manifest of the scan: each Python dependency pinned to a
version with sha256 hashes (a hashed requirements file, a lockfile) is looked up once, however
many files declare it (:mod:`hygiene.provenance.pypi`), and its findings are reported at every
declaration.

- ``missing``  → HY401 (note): the index publishes no provenance for a pinned file.
- ``failed``   → HY402 (error): an attestation does not verify, or attests another file or digest.
- ``failed`` with a publisher mismatch → HY403 (error): the attestations verify, but the
  publisher they name (repository, workflow) is not the one `trusted-publishers` allows for the
  package or, without a policy for it, not the source repository the release declares in its
  metadata (`project_urls`, from the index's JSON API; not checked when it declares none).
- ``verified`` / ``unsupported`` → no finding; both are in the JSON output's `provenance`.
- ``error``    → not a finding: the check could not be made (index unreachable, offline, a
  malformed answer), which `skipped` says, with the count.

npm provenance and the repository's own bundles (HY404) are not checked yet; `skipped` says so.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

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
    trusted_publishers: tuple[tuple[str, str], ...] = ()  # Config.trusted_publishers


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

    def one(key: tuple) -> list[Provenance]:
        results = lookup.lookup(key[0], key[1], key[2])
        return [_judge_publisher(r, options, http) if r.status == "verified" else r for r in results]

    with ThreadPoolExecutor(max_workers=min(WORKERS, len(keys))) as pool:
        answers = dict(zip(keys, pool.map(one, keys)))

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
    elif result.publisher_mismatch:
        message = f"{pin}: the provenance of {result.artifact} verifies, but {result.publisher_mismatch}"
        rule = "HY403"
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


# -- HY403: who published it ----------------------------------------------------------------------

_FORGES = {"GitHub": "github.com", "GitLab": "gitlab.com"}
_REPO_URL = re.compile(r"^https?://(?:www\.)?(github\.com|gitlab\.com)/([^?#]+?)(?:\.git)?/?(?:[?#].*)?$", re.IGNORECASE)


def _judge_publisher(result: Provenance, options: ProvenanceOptions, http) -> Provenance:
    publisher = result.publisher
    if publisher is None or not publisher.repository:
        return result
    named = f"{publisher.repository}" + (f" ({publisher.workflow})" if publisher.workflow else "")
    policy = next((v for k, v in options.trusted_publishers if fnmatch.fnmatchcase(normalize_name(result.name), k)), None)
    if policy is not None:
        parts = policy.split("/")
        owner_repo, workflow = "/".join(parts[:2]), (parts[2] if len(parts) > 2 else None)
        ok = fnmatch.fnmatchcase(publisher.repository.lower(), owner_repo.lower()) and (
            workflow is None or fnmatch.fnmatchcase(publisher.workflow or "", workflow)
        )
        if ok:
            return result
        why = f"it names the publisher {named}, not {policy} as `trusted-publishers` requires"
        return dataclasses.replace(result, status="failed", reason=f"publisher mismatch: {why}", publisher_mismatch=why)
    forge = _FORGES.get(publisher.kind)
    if forge is None:
        return result
    declared = _declared_repositories(result, options, http)
    if not declared:
        return result  # the release declares no repository: nothing to compare with
    if f"{forge}/{publisher.repository.lower()}" in declared:
        return result
    why = f"it names the publisher {forge}/{named}, while the release declares {', '.join(sorted(declared))}"
    return dataclasses.replace(result, status="failed", reason=f"publisher mismatch: {why}", publisher_mismatch=why)


def _declared_repositories(result: Provenance, options: ProvenanceOptions, http) -> set[str]:
    """The forge repositories (``github.com/owner/repo``) a release's metadata links to, from
    the index's JSON API (``/pypi/<name>/<version>/json``); empty when it cannot say."""
    from hygiene.net import Unavailable

    parts = urlsplit(options.index_url)
    url = urlunsplit((parts.scheme, parts.netloc, f"/pypi/{quote(result.name)}/{quote(result.version or '')}/json", "", ""))
    try:
        answer = http.get(url, immutable=True)
        info = answer.json().get("info") if answer.status == 200 else None
    except (Unavailable, ValueError, AttributeError):
        return set()
    if not isinstance(info, dict):
        return set()
    urls = list((info.get("project_urls") or {}).values()) if isinstance(info.get("project_urls"), dict) else []
    urls.append(info.get("home_page"))
    found = set()
    for value in urls:
        match = _REPO_URL.match(value.strip()) if isinstance(value, str) else None
        if match:
            path = match.group(2).lower().strip("/")
            if match.group(1).lower() == "github.com":
                path = "/".join(path.split("/")[:2])  # github.com/owner/repo/tree/main → owner/repo
            found.add(f"{match.group(1).lower()}/{path}")
    return found
