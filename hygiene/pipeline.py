"""A scan, start to end: discover → parse → check → select/suppress → result.

Library code: no flags, no printing. The CLI (and later the action) turn their inputs into a
`Config` and hand it here; reporters read the `ScanResult`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from dataclasses import dataclass, field, replace
from pathlib import Path

from hygiene import rules
from hygiene.checks.base import CheckContext, CheckOptions
from hygiene.config import Config
from hygiene.discover import Candidate, RootReader, discover
from hygiene.model import (
    Finding,
    Location,
    Manifest,
    ManifestKind,
    ScanError,
    Severity,
    Skipped,
)
from hygiene.parsers import parser_for
from hygiene.parsers.base import ManifestError
from hygiene.principles import assess
from hygiene.suppress import Suppressions, find_suppressions

if TYPE_CHECKING:
    from hygiene.provenance import Provenance

# Checks run in this order; each is `(CheckContext) -> Iterable[Finding]`.
_CHECKS = (
    "hygiene.checks.pinning:check_requirements",
    "hygiene.checks.indexes:check_indexes",
    "hygiene.checks.lockfiles:check_lockfiles",
    "hygiene.checks.manifests:check_manifests",
    "hygiene.checks.refs:check_refs",
    "hygiene.checks.npm:check_npm",
    "hygiene.checks.commands:check_commands",
    "hygiene.checks.sbom:check_sbom_entries",
)

# Checks the catalogue specifies that a plain scan does not run, and why.
NOT_YET = (
    Skipped("vulnerabilities (HY201, HY302)", "not implemented in this release: no advisory database is queried"),
    Skipped("provenance (HY401-HY404)", "runs only with --verify-provenance: it asks the registries over the network"),
    Skipped("typosquatting (HY501)", "not implemented in this release"),
    Skipped("SBOM completeness (HY301)", "checked only when an SBOM is written (scan --sbom FILE)"),
)

_PARALLEL_MIN_FILES = 256
_REQ_KINDS = (ManifestKind.REQUIREMENTS, ManifestKind.CONSTRAINTS, ManifestKind.PIP_COMPILE_INPUT)


@dataclass(frozen=True)
class ScanResult:
    root: Path
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    skipped: tuple[Skipped, ...]
    manifests: tuple[Manifest, ...]  # empty unless scan(..., keep_manifests=True)
    config: Config
    principles: dict = field(default_factory=dict)
    suppressed: int = 0
    files: int = 0  # manifests parsed
    provenance: tuple[Provenance, ...] | None = None  # per pinned file, with --verify-provenance

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity is not None and f.severity.value == severity)

    def exit_code(self, fail_on: str) -> int:
        """0, or 1 when a finding reaches `fail_on` or a manifest could not be read (an
        unreadable manifest is never a pass), unless `fail_on` is ``never``."""
        if fail_on == "never":
            return 0
        if self.errors:
            return 1
        threshold = Severity(fail_on).rank
        return int(any((f.severity or rules.get(f.rule).severity).rank >= threshold for f in self.findings))


def scan_root(paths: Sequence[Path]) -> Path:
    """The folder findings are reported relative to: the one folder scanned, the folder of
    the one file scanned, or the common folder of several paths."""
    absolute = [Path(os.path.abspath(p)) for p in paths] or [Path.cwd()]
    folders = [p if p.is_dir() else p.parent for p in absolute]
    return Path(os.path.commonpath([str(f) for f in folders]))


def _read_and_parse(args: tuple[str, str, ManifestKind, int]) -> tuple[Manifest | None, list[ScanError], Suppressions]:
    root, path, kind, max_size = args
    reader = RootReader(Path(root), max_size)
    try:
        text = reader.read_text(path)
    except ManifestError as exc:
        return None, [ScanError(path, exc.reason, exc.line)], {}
    try:
        manifest = parser_for(kind)(path, text)
    except ManifestError as exc:
        return None, [ScanError(path, exc.reason, exc.line)], find_suppressions(text)
    except RecursionError:
        return None, [ScanError(path, "nested too deeply to parse")], {}
    except Exception as exc:  # a parser bug must not hide the other files' findings
        return None, [ScanError(path, f"internal error while parsing ({type(exc).__name__}: {exc})")], {}
    return manifest, list(manifest.errors), find_suppressions(text)


@dataclass
class _Part:
    """What one partition of the scan yields."""

    findings: list[Finding]
    errors: list[ScanError]
    skipped: list[Skipped]
    manifests: tuple  # the Manifest records, or only their paths
    suppressed: set[tuple]  # keys of suppressed findings (a file may be seen by two parts)


def _scan_part(
    root: Path,
    candidates: Sequence[Candidate],
    config: Config,
    keep: bool,
    requirement_paths: dict[str, ManifestKind] | None = None,
    *,
    sbom: bool = False,
) -> _Part:
    """The whole pipeline for some of the files: parse, follow includes, check, finalise.

    `requirement_paths` are the requirements files of the whole scan: a command in this part
    (`pip install -r FILE`) may name one that another part parses, and is judged the same."""
    errors: list[ScanError] = []
    skipped: list[Skipped] = []
    manifests: dict[str, Manifest] = {}
    suppressions: dict[str, Suppressions] = {}
    for c in candidates:
        manifest, errs, supp = _read_and_parse((str(root), c.path, c.kind, config.max_file_size))
        errors.extend(errs)
        if manifest is not None:
            skipped.extend(manifest.skipped)
            manifests[manifest.path] = manifest
            if supp:
                suppressions[manifest.path] = supp
    _follow_includes(root, config, manifests, suppressions, errors, skipped)
    errors.extend(_include_cycles(manifests))
    ordered = tuple(sorted(manifests.values(), key=lambda m: m.path))
    elsewhere: dict[str, Manifest | None] = {}

    def requirement(path: str) -> Manifest | None:
        if path in manifests:
            return manifests[path] if manifests[path].kind in _REQ_KINDS else None
        kind = (requirement_paths or {}).get(path)
        if kind is None:
            return None
        if path not in elsewhere:
            elsewhere[path] = _read_and_parse((str(root), path, kind, config.max_file_size))[0]
        return elsewhere[path]

    ctx = CheckContext(
        ordered,
        CheckOptions(
            allowed_python_hosts=config.allowed_python_hosts,
            allowed_npm_hosts=config.allowed_npm_hosts,
            action_pins=config.action_pins,
            sbom_entries=sbom,
        ),
        paths=frozenset(c.path for c in candidates) | frozenset(manifests),
        requirement=requirement,
    )
    raw: list[Finding] = []
    for spec in _CHECKS:
        raw.extend(_load(spec)(ctx))
    findings, suppressed = _finalise(raw, config, suppressions)
    return _Part(list(findings), errors, skipped, ordered if keep else tuple(m.path for m in ordered), suppressed)


def _scan_part_job(args: tuple) -> _Part:
    """`_scan_part` in a worker process. Findings travel as plain tuples: pickling frozen
    dataclasses and enum members costs more than the scan of a small part."""
    part = _scan_part(*args)
    part.findings = [
        (f.rule, f.message, f.location.path, f.location.line, f.location.end_line, f.ecosystem,
         f.package, f.version_spec, f.severity.value if f.severity else None, f.hint)
        for f in part.findings
    ]
    return part


def _from_job(part: _Part) -> _Part:
    part.findings = [
        Finding(rule, message, Location(path, line, end), eco, package, spec, Severity(sev) if sev else None, hint)
        for rule, message, path, line, end, eco, package, spec, sev, hint in part.findings
    ]
    return part


def _partitions(root: Path, candidates: Sequence[Candidate], count: int) -> list[list[Candidate]]:
    """Split the files into `count` groups of about equal work: contiguous runs of paths (so a
    folder's files, which include each other, mostly stay together), with abstract manifests
    and lockfiles all in the first group (HY108/HY109 relate them by folder). Each group's
    worker follows the includes it meets, so a file included from two groups is parsed in both,
    and `_merge` reconciles what they say about it."""
    sizes: dict[str, int] = {}
    for c in candidates:
        try:
            sizes[c.path] = (root / c.path).stat().st_size + 256  # a file costs something to open
        except OSError:
            sizes[c.path] = 256
    others = [c for c in candidates if c.kind not in _REQ_KINDS]
    reqs = [c for c in candidates if c.kind in _REQ_KINDS]
    total = sum(sizes.values())
    # The first group is scanned by this process, which also receives the others' results:
    # it takes a little more, so that all finish together.
    shares = [total * (1.15 if i == 0 else 1.0) / (count + 0.15) for i in range(count)]
    groups: list[list[Candidate]] = [list(others)]
    load = sum(sizes[c.path] for c in others)
    for c in reqs:
        if load >= shares[len(groups) - 1] and len(groups) < count:
            groups.append([])
            load = 0
        groups[-1].append(c)
        load += sizes[c.path]
    return [g for g in groups if g]


def _run_parts(root: Path, candidates: Sequence[Candidate], config: Config, keep: bool, sbom: bool = False) -> list[_Part]:
    try:
        workers = len(os.sched_getaffinity(0))  # the cores this process may use
    except (AttributeError, OSError):
        workers = os.cpu_count() or 1
    workers = min(workers, 8)
    if len(candidates) >= _PARALLEL_MIN_FILES and workers > 1 and not keep:
        parts = _partitions(root, candidates, workers)
        if len(parts) > 1:
            try:
                from concurrent.futures import ProcessPoolExecutor  # 5 ms to import: only when used

                pool = ProcessPoolExecutor(max_workers=len(parts) - 1)
            except (OSError, RuntimeError, NotImplementedError):
                pool = None  # no process pool here (restricted sandbox): scan in-process
            if pool is not None:
                with pool:
                    # Workers take the other parts; this process scans the largest itself.
                    reqs = {c.path: c.kind for c in candidates if c.kind in _REQ_KINDS}
                    futures = [pool.submit(_scan_part_job, (root, part, config, False, reqs)) for part in parts[1:]]
                    own = _scan_part(root, parts[0], config, False, reqs)
                    return [own] + [_from_job(f.result()) for f in futures]
    return [_scan_part(root, candidates, config, keep, sbom=sbom)]


_PRECEDED = ("HY101", "HY102", "HY103")


def _merge(parts: Sequence[_Part]) -> tuple[tuple[Finding, ...], int]:
    """Findings of several parts as one scan reports them, and how many were suppressed.

    Parts agree on everything decided inside one file's own install; a requirement included
    from several installs can be refused (HY104) in one part's install and merely unhashed
    (HY103) in another's. HY104 wins, as it does in one process — whether or not it was then
    suppressed — with the message of the requirement file's own install if that is one of those
    refused, else of the first install by path."""
    refused_lines = {(f.location.path, f.location.line) for part in parts for f in part.findings if f.rule == "HY104"}
    refused_lines |= {(k[0], k[1]) for part in parts for k in part.suppressed if k[2] == "HY104"}
    by_line: dict[tuple[str, int], list[Finding]] = {}
    for part in parts:
        for f in part.findings:
            by_line.setdefault((f.location.path, f.location.line), []).append(f)
    out: list[Finding] = []
    for (path, line), group in by_line.items():
        if len(group) == 1 and (group[0].rule not in _PRECEDED or (path, line) not in refused_lines):
            out.append(group[0])
            continue
        if (path, line) in refused_lines:
            refusals = sorted({f.message: f for f in group if f.rule == "HY104"}.values(), key=lambda f: f.message)
            own = [f for f in refusals if f.message.startswith(f"pip refuses to install {path} because")]
            group = [f for f in group if f.rule not in _PRECEDED and f.rule != "HY104"] + (own or refusals)[:1]
        seen: dict[tuple, Finding] = {}
        for f in group:
            seen.setdefault((f.rule, f.message), f)
        out.extend(seen.values())
    out.sort(key=lambda f: (f.location.path, f.location.line, f.rule, f.message))
    suppressed: set[tuple] = set()
    for part in parts:
        suppressed |= {k for k in part.suppressed if not (k[2] in _PRECEDED and (k[0], k[1]) in refused_lines)}
    hy104_suppressed = {(k[0], k[1]) for k in suppressed if k[2] == "HY104"}
    # Several parts may suppress a refusal of the same line with different messages: count it once.
    suppressed = {k for k in suppressed if k[2] != "HY104"} | {(p, l, "HY104") for p, l in hy104_suppressed}
    return tuple(out), len(suppressed)


def scan(
    paths: Sequence[Path], config: Config, *, keep_manifests: bool = False, sbom: bool = False, provenance=None
) -> ScanResult:
    """Scan `paths` with `config`. Large trees are split across processes by include-connected
    groups of files; `keep_manifests` keeps the parsed records in the result (in one process).
    `sbom`: an SBOM is written from this scan, so HY301 reports what it cannot record exactly
    (this keeps the manifests too: the SBOM is built from them). `provenance`: options of
    `hygiene.checks.provenance` to verify what pinned artifacts' registries attest, after the
    other checks (network; the manifests are kept)."""
    root = scan_root(paths)
    candidates, errors = discover(root, [Path(os.path.abspath(p)) for p in paths] or [root], config.exclude)
    parts = _run_parts(root, candidates, config, keep_manifests or sbom or provenance is not None, sbom)
    skipped: list[Skipped] = []
    files: set[str] = set()
    manifests: list[Manifest] = []
    if len(parts) > 1:
        ordered, suppressed = _merge(parts)
    else:
        ordered, suppressed = tuple(parts[0].findings), len(parts[0].suppressed)
    for part in parts:
        errors.extend(part.errors)
        skipped.extend(s for s in part.skipped if s not in skipped)
        for m in part.manifests:
            if isinstance(m, Manifest):
                manifests.append(m)
                files.add(m.path)
            else:
                files.add(m)
    not_yet = NOT_YET
    entries = None
    also: dict[str, str | None] = {}
    if provenance is not None:
        ordered, more_suppressed, entries, more_skipped = _verify_provenance(root, config, manifests, provenance, ordered)
        suppressed += more_suppressed
        skipped.extend(more_skipped)
        not_yet = tuple(s for s in NOT_YET if not s.check.startswith("provenance"))
        unchecked = [s for s in more_skipped if "HY40" in s.check]
        also["AUTHZ-3"] = f"incomplete: {unchecked[0].check}: {unchecked[0].reason}" if unchecked else None
    return ScanResult(
        root=root,
        findings=ordered,
        errors=tuple(sorted(set(errors), key=lambda e: (e.path, e.line or 0, e.reason))),
        skipped=tuple(skipped) + not_yet,
        manifests=tuple(sorted(manifests, key=lambda m: m.path)),
        config=config,
        principles=assess(ordered, config, also=also),
        suppressed=suppressed,
        files=len(files),
        provenance=tuple(entries) if entries is not None else None,
    )


def _verify_provenance(root: Path, config: Config, manifests, options, ordered):
    """The provenance findings, selected and suppressed like any other, merged into `ordered`."""
    from hygiene.checks.provenance import verify_provenance

    raw, entries, skipped = verify_provenance(manifests, dataclasses.replace(options, root=root))
    reader = RootReader(root, config.max_file_size)
    suppressions: dict[str, Suppressions] = {}
    for path in {f.location.path for f in raw}:
        try:
            suppressions[path] = find_suppressions(reader.read_text(path))
        except ManifestError:
            pass
    found, suppressed = _finalise(raw, config, suppressions)
    merged = tuple(sorted((*ordered, *found), key=lambda f: (f.location.path, f.location.line, f.rule, f.message)))
    return merged, len(suppressed), entries, skipped


def _load(spec: str):
    import importlib

    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


def _follow_includes(
    root: Path,
    config: Config,
    manifests: dict[str, Manifest],
    suppressions: dict[str, Suppressions],
    errors: list[ScanError],
    skipped: list[Skipped],
) -> None:
    """Parse files reached by ``-r``/``-c`` that discovery did not recognise by name, and
    report includes pip could not follow or that leave the scan root."""
    queue = [m for m in manifests.values() if m.kind in _REQ_KINDS]
    while queue:
        manifest = queue.pop()
        for inc in manifest.includes:
            opt = "-c" if inc.constraint else "-r"
            if inc.resolved is None:
                if re.match(r"^(https?|ftp)://", inc.target, re.I):
                    skipped.append(
                        Skipped("requirements include", f"`{opt} {inc.target}` is remote; not fetched", manifest.path)
                    )
                else:
                    errors.append(
                        ScanError(
                            manifest.path,
                            f"`{opt} {inc.target}` points outside the scan root; not read",
                            inc.location.line,
                        )
                    )
                continue
            if inc.resolved in manifests:
                continue
            kind = ManifestKind.CONSTRAINTS if inc.constraint else ManifestKind.REQUIREMENTS
            target = root / inc.resolved
            if not target.exists():
                errors.append(
                    ScanError(manifest.path, f"`{opt} {inc.target}`: {inc.resolved} does not exist; pip would fail", inc.location.line)
                )
                continue
            new, errs, supp = _read_and_parse((str(root), inc.resolved, kind, config.max_file_size))
            errors.extend(
                ScanError(e.path, f"{e.reason} (included from {manifest.path} line {inc.location.line})", e.line)
                if e.path == inc.resolved and e.line is None
                else e
                for e in errs
            )
            if new is not None:
                manifests[new.path] = new
                if supp:
                    suppressions[new.path] = supp
                queue.append(new)


MAX_INSTALL_ENTRIES = 500_000


def _include_cycles(manifests: dict[str, Manifest]) -> list[ScanError]:
    """pip refuses a requirements file that includes itself, directly or not. Iterative, so
    a hostile chain of thousands of includes cannot exhaust the stack.

    Also refuses to check an install that expands to more than `MAX_INSTALL_ENTRIES` lines (a
    file including another twice, thirty levels deep, is a billion lines to pip too): such a
    file's includes are dropped, with an error naming it."""
    errors: list[ScanError] = []
    order: list[str] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(manifests):
        if manifests[start].kind not in _REQ_KINDS or start in state:
            continue
        trail: list[str] = [start]
        state[start] = 1
        stack = [iter(manifests[start].includes)]
        while stack:
            inc = next(stack[-1], None)
            if inc is None:
                stack.pop()
                done = trail.pop()
                state[done] = 2
                order.append(done)
                continue
            target = inc.resolved
            if target is None or target not in manifests:
                continue
            if state.get(target) == 1:
                cycle = trail[trail.index(target):] + [target]
                errors.append(
                    ScanError(
                        trail[-1],
                        f"include cycle {' -> '.join(cycle)}: pip refuses a requirements file that includes itself",
                        inc.location.line,
                    )
                )
            elif target not in state:
                state[target] = 1
                trail.append(target)
                stack.append(iter(manifests[target].includes))
    size: dict[str, int] = {}
    for path in order:  # post-order: includes first (back edges count 0, pip refuses cycles)
        m = manifests[path]
        total = len(m.dependencies) + sum(size.get(i.resolved, 0) for i in m.includes if i.resolved)
        size[path] = min(total, MAX_INSTALL_ENTRIES + 1)
        if total > MAX_INSTALL_ENTRIES:
            errors.append(
                ScanError(
                    path,
                    f"its -r/-c includes expand to more than {MAX_INSTALL_ENTRIES:,} requirements; "
                    "includes not checked",
                )
            )
            manifests[path] = replace(m, includes=())
            size[path] = len(m.dependencies)
    return errors


def _finalise(
    raw: Iterable[Finding], config: Config, suppressions: dict[str, Suppressions]
) -> tuple[tuple[Finding, ...], set[tuple]]:
    out: dict[tuple, Finding] = {}
    suppressed: set[tuple] = set()
    severities: dict[str, object] = {}
    enabled: dict[tuple[str, str], bool] = {}
    for f in raw:
        path = f.location.path
        ok = enabled.get((f.rule, path))
        if ok is None:
            ok = enabled[(f.rule, path)] = config.is_enabled(f.rule, path)
        if not ok:
            continue
        supp = suppressions.get(path)
        if supp and _is_suppressed(f, supp):
            suppressed.add((path, f.location.line, f.rule, f.message))
            continue
        key = (path, f.location.line, f.rule, f.message)
        if key in out:
            continue
        if f.rule not in severities:
            severities[f.rule] = config.severity_override(f.rule)
        # The configured severity wins; then what the check chose for this finding (HY110 is a
        # warning for GitHub's own actions); then the rule's default.
        sev = severities[f.rule] or f.severity or rules.get(f.rule).severity
        out[key] = Finding(
            f.rule, f.message, f.location, f.ecosystem, f.package, f.version_spec,
            sev, f.hint or rules.get(f.rule).hint,
        )
    findings = sorted(out.values(), key=lambda f: (f.location.path, f.location.line, f.rule, f.message))
    return tuple(findings), suppressed


def _is_suppressed(f: Finding, supp: Suppressions) -> bool:
    first, last = f.location.line, max(f.location.end_line, f.location.line)
    for line in range(first, last + 1):
        entry = supp.get(line)
        if entry and (entry[0] is None or f.rule in entry[0]):
            return True
    above = supp.get(first - 1)
    return bool(above and above[1] and (above[0] is None or f.rule in above[0]))
