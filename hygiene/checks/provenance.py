"""HY401-HY404: the provenance of pinned artifacts (`scan --verify-provenance`).

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
- ``verified`` / ``unsupported`` → no finding; both are in the JSON output's `provenance`, and
  ``unsupported`` ones are also listed under `skipped` (AUTHZ-3 is then not reached).
- ``error``    → not a finding: the check could not be made (index unreachable, offline, a
  malformed answer), which `skipped` says, with the count.

npm packages locked with a sha512 integrity are checked by :mod:`hygiene.provenance.npm` (HY401,
HY402, and HY403 against `trusted-publishers` or the `repository` package.json declares).
Sigstore bundles the repository ships are HY404.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hygiene.model import (
    Dependency,
    Finding,
    Location,
    Manifest,
    ManifestKind,
    Skipped,
    SourceKind,
    normalize_name,
)
from hygiene.provenance import Provenance
from hygiene.provenance.npm import NPM, NpmProvenance
from hygiene.provenance.pypi import PYPI, PyPIProvenance, declared_repositories

WORKERS = 8


@dataclass(frozen=True)
class ProvenanceOptions:
    index_url: str = PYPI
    offline: bool = False
    trusted_root: Path | None = None
    staging: bool = False
    tuf_refresh: bool = False  # the trusted root the TUF repository vouches for now
    tuf_url: str | None = None
    tuf_bootstrap: Path | None = None
    cache_dir: Path | None = None  # None: hygiene.net.default_cache_dir()
    timeout: float = 10.0
    retries: int = 2
    npm_registry: str = NPM
    trusted_publishers: tuple[tuple[str, str], ...] = ()  # Config.trusted_publishers
    sigstore_identities: tuple = ()  # Config.sigstore_identities
    root: Path | None = None  # the scan root, where the bundles and artifacts are


def verify_provenance(manifests, options: ProvenanceOptions) -> tuple[list[Finding], list[Provenance], list[Skipped]]:
    """(findings, one result per looked-up artifact with where it is pinned, skipped)."""
    from hygiene.net import Http, default_cache_dir
    from hygiene.provenance.verify import (
        Pep740Verifier,
        VerificationFailed,
        available,
        trusted_root,
    )

    skipped = [
    ]
    targets = _targets(manifests)
    npm_targets = _npm_targets(manifests)
    bundles = [m for m in manifests if m.kind is ManifestKind.SIGSTORE_BUNDLE]
    if not targets and not bundles and not npm_targets:
        return [], [], skipped
    why = available()
    if why is not None:
        return [], [], [Skipped("provenance (HY401-HY404)", why), *skipped]
    http = Http(
        timeout=options.timeout,
        retries=options.retries,
        offline=options.offline,
        cache_dir=options.cache_dir or default_cache_dir(),
    )
    root_file = options.trusted_root
    if options.tuf_refresh:
        from hygiene.provenance.tuf import RefreshUnavailable, refreshed_root

        try:
            root_file = refreshed_root(http, (options.cache_dir or default_cache_dir()).parent, staging=options.staging,
                                       url=options.tuf_url, bootstrap=options.tuf_bootstrap)
        except RefreshUnavailable as exc:
            skipped.append(Skipped("trusted root refresh (--tuf-refresh)", f"{exc}; verified against the trusted root sigstore ships"))
        except VerificationFailed as exc:
            return [], [], [Skipped("provenance (HY401-HY404)", f"--tuf-refresh: {exc}"), *skipped]
    try:
        root = trusted_root(root_file, staging=options.staging)
    except VerificationFailed as exc:
        return [], [], [Skipped("provenance (HY401-HY404)", str(exc)), *skipped]
    bundle_findings, bundle_skipped = _verify_bundles(bundles, options, root)
    skipped.extend(bundle_skipped)
    lookup = PyPIProvenance(http, options.index_url, verifier=Pep740Verifier(root))
    from hygiene.provenance.npm_bundle import TrustedRootFile

    try:
        npm_root = TrustedRootFile.load(root_file, staging=options.staging)
    except VerificationFailed:
        npm_root = None  # the same file failed to load for PyPI above: not reached
    npm = NpmProvenance(http, options.npm_registry, npm_root)
    targets = {**targets, **npm_targets}
    keys = sorted(targets)

    def one(key: tuple) -> list[Provenance]:
        if key[0] == "npm":
            found = npm.lookup(key[1], key[2], key[3])
            return [_judge_publisher(found, options, http) if found.status == "verified" else found]
        results = lookup.lookup(key[1], key[2], key[3])
        return [_judge_publisher(r, options, http) if r.status == "verified" else r for r in results]

    answers = {}
    if keys:
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(keys))) as pool:
            answers = dict(zip(keys, pool.map(one, keys)))

    findings: list[Finding] = []
    entries: list[Provenance] = []
    errors: list[str] = []
    partial: list[str] = []
    for key in keys:
        declared = targets[key]
        for result in answers[key]:
            entries.append(dataclasses.replace(result, declared=tuple(d.location for _, d in declared)))
            if result.status == "error":
                errors.append(f"{result.pin}: {result.reason}")
                continue
            if result.status == "unsupported":
                partial.append(f"{result.pin}: {result.reason}")
            for manifest, dep in declared:
                finding = _finding(result, dep)
                if finding is not None:
                    findings.append(finding)
    total = sum(len(r) for r in answers.values())
    if partial:
        # Attestations hygiene cannot check completely: not a finding, but not verified either,
        # so AUTHZ-3 is not reached on them.
        skipped.insert(0, Skipped(f"provenance of {len(partial)} of {total} pinned files, not fully verifiable (HY402)", _first_of(partial)))
    if errors:
        skipped.insert(0, Skipped(f"provenance of {len(errors)} of {total} pinned files (HY401, HY402)", _first_of(errors)))
    return findings + bundle_findings, entries, skipped


def _targets(manifests) -> dict[tuple, list[tuple[Manifest, Dependency]]]:
    out: dict[tuple, list[tuple[Manifest, Dependency]]] = defaultdict(list)
    for manifest in manifests:
        for dep in manifest.dependencies:
            if dep.ecosystem != "pypi" or dep.source is not SourceKind.REGISTRY or not dep.name or not dep.version:
                continue
            sha256 = tuple(sorted({h.lower() for h in dep.hashes if h.lower().startswith("sha256:")}))
            if sha256:
                out[("pypi", normalize_name(dep.name), dep.version, sha256)].append((manifest, dep))
    return out


def _npm_targets(manifests) -> dict[tuple, list[tuple[Manifest, Dependency]]]:
    """npm packages locked from the registry with a sha512 integrity, by (npm, name, version, hex)."""
    out: dict[tuple, list[tuple[Manifest, Dependency]]] = defaultdict(list)
    for manifest in manifests:
        if not manifest.is_lockfile:
            continue
        for dep in manifest.dependencies:
            if dep.ecosystem != "npm" or dep.source is not SourceKind.REGISTRY or not dep.name or not dep.version:
                continue
            sha512 = next((h.split(":", 1)[1].lower() for h in dep.hashes if h.lower().startswith("sha512:")), None)
            if sha512:
                out[("npm", dep.name, dep.version, sha512)].append((manifest, dep))
    return out


def _finding(result: Provenance, dep: Dependency) -> Finding | None:
    npm = dep.ecosystem == "npm"
    pin = f"`{dep.name}@{dep.version}`" if npm else f"`{dep.name}=={dep.version}`"
    if result.publisher_mismatch:
        rule, what = "HY403", f"the provenance of {result.artifact} verifies, but {result.publisher_mismatch}"
    elif result.status in ("missing", "failed"):
        rule = "HY401" if result.status == "missing" else "HY402"
        # npm's reasons name the package version; PyPI's are about one of its files
        if npm:
            what = result.reason
        elif result.status == "missing":
            what = f"the index publishes no provenance for {result.artifact}"
        else:
            what = f"the provenance of {result.artifact} does not verify: {result.reason}"
    else:
        return None
    message = f"{pin}: {what}"
    return Finding(rule, message, dep.location, dep.ecosystem, dep.name, dep.specifier or dep.version)


# -- HY403: who published it ----------------------------------------------------------------------

_FORGES = {"GitHub": "github.com", "GitLab": "gitlab.com"}


def _judge_publisher(result: Provenance, options: ProvenanceOptions, http) -> Provenance:
    publisher = result.publisher
    if publisher is None or not publisher.repository:
        return result
    named = publisher.display
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
    declared = (
        set(result.declared_repositories) if result.declared_repositories is not None
        else declared_repositories(http, options.index_url, result.name, result.version or "")
    )
    if not declared:
        return result  # the release declares no repository: nothing to compare with
    if f"{forge}/{publisher.repository.lower()}" in declared:
        return result
    why = f"it names the publisher {forge}/{named}, while the release declares {', '.join(sorted(declared))}"
    return dataclasses.replace(result, status="failed", reason=f"publisher mismatch: {why}", publisher_mismatch=why)


# -- HY404: the bundles the repository ships ---------------------------------------------------------


def _verify_bundles(bundles: list[Manifest], options: ProvenanceOptions, trust_root) -> tuple[list[Finding], list[Skipped]]:
    """Each bundle against the artifact beside it (``x.whl.sigstore.json`` signs ``x.whl``) or,
    for a DSSE bundle, the files its statement names in the same folder, with the identity
    `sigstore-identities` configures for its path. A bundle without a configured identity, or
    whose artifact is not in the repository, is skipped: neither can be verified."""
    from hygiene.provenance.bundles import signed_artifacts, verify_bundle
    from hygiene.provenance.verify import VerificationFailed

    findings: list[Finding] = []
    unconfigured: list[str] = []
    orphans: list[str] = []
    root = (options.root or Path(".")).resolve()
    for bundle in sorted(bundles, key=lambda m: m.path):
        identity = next((i for i in options.sigstore_identities if any(fnmatch.fnmatchcase(bundle.path, p) for p in i[0])), None)
        if identity is None:
            unconfigured.append(bundle.path)
            continue
        artifacts = signed_artifacts(root, bundle.path)
        if not artifacts:
            orphans.append(bundle.path)
            continue
        for artifact in artifacts:
            try:
                verify_bundle(
                    str(root / artifact), root / bundle.path,
                    issuer=identity[3], identity=identity[1], identity_regexp=identity[2], root=trust_root,
                )
            except VerificationFailed as exc:
                reason = str(exc).replace(str(root) + "/", "")
                findings.append(
                    Finding("HY404", f"the sigstore bundle for {artifact} does not verify: {reason}", Location(bundle.path, 1, 1), "sigstore")
                )
    skipped = []
    if unconfigured:
        skipped.append(Skipped(
            f"{len(unconfigured)} sigstore bundle(s) without an identity (HY404)",
            "no identity in `sigstore-identities` for " + _listed(unconfigured),
        ))
    if orphans:
        skipped.append(Skipped(
            f"{len(orphans)} sigstore bundle(s) without their artifact (HY404)",
            "the artifact they sign is not in the repository: " + _listed(orphans),
        ))
    return findings, skipped


def _first_of(reasons: list[str]) -> str:
    """The first reason, and how many more there are."""
    return reasons[0] if len(reasons) == 1 else f"{reasons[0]} (and {len(reasons) - 1} more)"


def _listed(paths: list[str], most: int = 5) -> str:
    return ", ".join(paths[:most]) + (" …" if len(paths) > most else "")
