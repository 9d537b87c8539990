"""A scan, start to end: discover → parse → check → select/suppress → result.

Library code: no flags, no printing. The CLI (and later the action) turn their inputs into a
`Config` and hand it here; reporters read the `ScanResult`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from hygiene import rules
from hygiene.checks.base import CheckContext, CheckOptions
from hygiene.config import Config
from hygiene.discover import Candidate, RootReader, discover
from hygiene.model import Finding, Manifest, ManifestKind, ScanError, Skipped
from hygiene.parsers import parser_for
from hygiene.parsers.base import ManifestError
from hygiene.principles import assess
from hygiene.suppress import Suppressions, find_suppressions

# Checks run in this order; each is `(CheckContext) -> Iterable[Finding]`.
_CHECKS = (
    "hygiene.checks.pinning:check_requirements",
    "hygiene.checks.indexes:check_indexes",
    "hygiene.checks.lockfiles:check_lockfiles",
    "hygiene.checks.manifests:check_manifests",
)

# Checks the catalogue specifies that this release does not run, and why.
NOT_YET = (
    Skipped("vulnerabilities (HY201, HY302)", "not implemented in this release: no advisory database is queried"),
    Skipped("provenance (HY401-HY404)", "not implemented in this release"),
    Skipped("typosquatting (HY501)", "not implemented in this release"),
    Skipped("SBOM completeness (HY301)", "not implemented in this release"),
    Skipped(
        "GitHub Actions, containers, shell, npm, pre-commit (HY110-HY114, HY117, HY118)",
        "not implemented in this release: only Python manifests are scanned",
    ),
)

_PARALLEL_MIN_FILES = 256
_REQ_KINDS = (ManifestKind.REQUIREMENTS, ManifestKind.CONSTRAINTS, ManifestKind.PIP_COMPILE_INPUT)


@dataclass(frozen=True)
class ScanResult:
    root: Path
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    skipped: tuple[Skipped, ...]
    manifests: tuple[Manifest, ...]
    config: Config
    principles: dict = field(default_factory=dict)
    suppressed: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity is not None and f.severity.value == severity)


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


def _parse_all(root: Path, candidates: Sequence[Candidate], max_size: int) -> list[tuple[Manifest | None, list[ScanError], Suppressions]]:
    jobs = [(str(root), c.path, c.kind, max_size) for c in candidates]
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) >= _PARALLEL_MIN_FILES and workers > 1:
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(_read_and_parse, jobs, chunksize=max(16, len(jobs) // (workers * 8))))
        except (OSError, RuntimeError):
            pass  # no process pool here (restricted sandbox): parse in-process
    return [_read_and_parse(job) for job in jobs]


def scan(paths: Sequence[Path], config: Config) -> ScanResult:
    root = scan_root(paths)
    candidates, errors = discover(root, [Path(os.path.abspath(p)) for p in paths] or [root], config.exclude)
    manifests: dict[str, Manifest] = {}
    suppressions: dict[str, Suppressions] = {}
    skipped: list[Skipped] = []

    for manifest, errs, supp in _parse_all(root, candidates, config.max_file_size):
        errors.extend(errs)
        if manifest is not None:
            skipped.extend(manifest.skipped)
            manifests[manifest.path] = manifest
            if supp:
                suppressions[manifest.path] = supp

    _follow_includes(root, config, manifests, suppressions, errors, skipped)
    errors.extend(_include_cycles(manifests))

    ordered = tuple(sorted(manifests.values(), key=lambda m: m.path))
    ctx = CheckContext(
        ordered,
        CheckOptions(allowed_python_hosts=config.allowed_python_hosts),
        paths=frozenset(c.path for c in candidates) | frozenset(manifests),
    )
    raw: list[Finding] = []
    for spec in _CHECKS:
        raw.extend(_load(spec)(ctx))

    findings, suppressed = _finalise(raw, config, suppressions)
    all_skipped = tuple(skipped) + NOT_YET
    return ScanResult(
        root=root,
        findings=findings,
        errors=tuple(sorted(set(errors), key=lambda e: (e.path, e.line or 0, e.reason))),
        skipped=all_skipped,
        manifests=ordered,
        config=config,
        principles=assess(findings, config),
        suppressed=suppressed,
    )


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


def _finalise(raw: Iterable[Finding], config: Config, suppressions: dict[str, Suppressions]) -> tuple[tuple[Finding, ...], int]:
    out: dict[tuple, Finding] = {}
    suppressed = 0
    for f in raw:
        path = f.location.path
        if not config.is_enabled(f.rule, path):
            continue
        supp = suppressions.get(path)
        if supp and _is_suppressed(f, supp):
            suppressed += 1
            continue
        rule = rules.get(f.rule)
        resolved = replace(f, severity=config.severity_of(f.rule), hint=f.hint or rule.hint)
        out.setdefault((path, f.location.line, f.rule, f.message), resolved)
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
