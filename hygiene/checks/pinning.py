"""CLI-1 pinning of Python requirements: HY101–HY105.

Requirements files are judged the way pip ≥ 26.1 installs them. Each requirements file is an
*install*: the file plus every file it includes by ``-r``/``-c``, expanded in pip's order. In
an install, hash-checking mode is on when any requirement or constraint carries ``--hash``, or
``--require-hashes`` is written, unless ``--no-require-hashes`` is. A requirement is judged in
every install that contains it, and reported once, where it is written:

- HY104 when pip would refuse some install because of it (hash mode and no usable hash, an
  editable, VCS or directory requirement, a hash algorithm pip rejects);
- otherwise HY101/HY102 when it is not pinned to one version, by itself or by a constraint in
  its own file's install; HY103 when some install takes it without verifying a hash.
URL and VCS requirements are judged by HY105 (and HY104), never HY101–HY103; local paths
only by HY104.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from hygiene.checks.base import CheckContext
from hygiene.model import (
    Dependency,
    Finding,
    Include,
    Location,
    Manifest,
    ManifestKind,
    SourceKind,
)
from hygiene.parsers.requirements import is_archive
from hygiene.urls import vcs_ref
from hygiene.versions import is_full_commit

REQUIREMENT_KINDS = frozenset({ManifestKind.REQUIREMENTS, ManifestKind.CONSTRAINTS, ManifestKind.PIP_COMPILE_INPUT})
PIP_HASH_ALGORITHMS = frozenset({"sha256", "sha384", "sha512"})
_STRONG_FRAGMENTS = ("sha256", "sha384", "sha512")
_ANY_FRAGMENTS = ("sha512", "sha384", "sha256", "sha224", "sha1", "md5")


@dataclass
class Install:
    """One `pip install -r ROOT`: its entries in pip's order and its hash mode."""

    root: str
    entries: list[tuple[Dependency, bool]] = field(default_factory=list)  # (dependency, as constraint)
    hash_mode: bool = False
    trigger: Location | None = None  # what turned hash-checking on
    refused: dict[int, str] = field(default_factory=dict)  # id(dep) -> why pip refuses
    verified: set[int] = field(default_factory=set)  # id(dep) of entries whose hash pip checks


def _expand(by_path: dict[str, Manifest], root: str, as_constraint: bool) -> Install:
    install = Install(root)
    settings: dict[str, Location] = {}

    # pip reads an include where it is written, depth first: an explicit stack of
    # (items, position, as-constraint, files on the path) keeps hostile chains off the C stack.
    def items_of(manifest: Manifest) -> list[Dependency | Include]:
        items: list[Dependency | Include] = list(manifest.dependencies)
        if manifest.includes:  # interleave includes where they are written, as pip reads them
            items = sorted(items + list(manifest.includes), key=_line_of)
        for s in manifest.settings:
            settings.setdefault(s.name, s.location)
        return items

    first = by_path.get(root)
    stack = [(items_of(first), 0, as_constraint, frozenset({root}))] if first else []
    while stack:
        items, pos, constraint, on_path = stack.pop()
        while pos < len(items):
            item = items[pos]
            pos += 1
            if isinstance(item, Include):
                target = item.resolved
                # pip: lines under `-c` are constraints; under `-r` requirements, wherever they sit.
                if target and target not in on_path and target in by_path:
                    stack.append((items, pos, constraint, on_path))
                    stack.append((items_of(by_path[target]), 0, item.constraint, on_path | {target}))
                    break
            else:
                install.entries.append((item, constraint))

    if "no-require-hashes" not in settings:
        hashed = next((d.location for d, _ in install.entries if d.hashes), None)
        if "require-hashes" in settings:
            install.hash_mode, install.trigger = True, settings["require-hashes"]
        elif hashed is not None:
            install.hash_mode, install.trigger = True, hashed
    _simulate(install)
    return install


def install_hash_mode(root: str, lookup: Callable[[str], Manifest | None]) -> bool:
    """Whether `pip install -r root` runs in hash-checking mode, decided exactly as for HY104:
    the file and everything it includes, `--no-require-hashes` winning. `lookup` gives the
    parsed requirements file at a path (None when there is none)."""
    by_path: dict[str, Manifest] = {}
    todo = [root]
    while todo:
        path = todo.pop()
        if path in by_path:
            continue
        manifest = lookup(path)
        if manifest is None:
            continue
        by_path[path] = manifest
        todo.extend(inc.resolved for inc in manifest.includes if inc.resolved and inc.resolved not in by_path)
    return root in by_path and _expand(by_path, root, False).hash_mode


def _line_of(item: Dependency | Include) -> int:
    return item.location.line


def _simulate(install: Install) -> None:
    """Decide, as pip would, which entries it refuses and which it checks hashes for."""
    constraint_hashes: set[str] = set()
    for dep, as_c in install.entries:
        if as_c and dep.hashes and dep.key:
            constraint_hashes.add(dep.key)
    first_of_name: dict[str, Dependency] = {}
    for dep, as_c in install.entries:
        bad = [h for h in dep.hashes if h.split(":", 1)[0] not in PIP_HASH_ALGORITHMS] if dep.hashes else None
        if bad:
            install.refused[id(dep)] = (
                f"pip rejects `--hash={bad[0]}` and refuses the whole file: "
                "only sha256, sha384 and sha512 are allowed"
            )
            continue
        if as_c:
            if install.hash_mode or dep.hashes:
                install.verified.add(id(dep))
            continue
        if not install.hash_mode:
            if dep.hashes or fragment_hash(dep.url, _ANY_FRAGMENTS):
                install.verified.add(id(dep))
            continue
        why = _hash_mode_refusal(dep, first_of_name, constraint_hashes)
        if why:
            install.refused[id(dep)] = why
        else:
            install.verified.add(id(dep))


def _hash_mode_refusal(dep: Dependency, first_of_name: dict[str, Dependency], constraint_hashes: set[str]) -> str | None:
    if dep.editable:
        return "an editable requirement cannot be installed in hash-checking mode (there is no single file to hash)"
    if dep.source is SourceKind.VCS:
        return "a VCS requirement cannot be installed in hash-checking mode (pip cannot hash a checkout)"
    if dep.source is SourceKind.PATH:
        if not is_archive(dep.url or ""):
            return "a local directory cannot be installed in hash-checking mode (pip cannot hash a directory)"
        if dep.hashes or fragment_hash(dep.url, _ANY_FRAGMENTS):
            return None
        return "a local archive has no --hash"
    if dep.source is SourceKind.URL:
        if dep.hashes or fragment_hash(dep.url, _ANY_FRAGMENTS):
            return None
        return "a URL requirement has neither --hash nor a #sha256= fragment"
    key = dep.key
    if key is None:
        return None
    first = first_of_name.get(key)
    if first is not None:
        return None  # pip takes the hashes of the first requirement of a name; judged there
    first_of_name[key] = dep
    if dep.hashes or key in constraint_hashes:
        return None
    return "it has no --hash"


def fragment_hash(url: str | None, algorithms: tuple[str, ...] = _STRONG_FRAGMENTS) -> str | None:
    """The ``alg=hex`` hash in a URL's fragment, if it names one of `algorithms`."""
    if not url or "#" not in url:
        return None
    frag = parse_qs(url.split("#", 1)[1])
    for alg in algorithms:
        if frag.get(alg):
            return f"{alg}:{frag[alg][0]}"
    return None




def _spec_text(dep: Dependency) -> str:
    name = dep.name or dep.url or "requirement"
    extras = f"[{','.join(dep.extras)}]" if dep.extras else ""
    return f"{name}{extras}{dep.specifier}"


def check_requirements(ctx: CheckContext) -> Iterator[Finding]:
    # Abstract manifests (pyproject, setup.cfg, Pipfile): ranges are fine, but a VCS or URL
    # source is what gets fetched, so it is judged like one in a requirements file.
    for manifest in ctx.manifests:
        if manifest.ecosystem != "pypi":
            continue  # other ecosystems have their own checks (refs, npm)
        if manifest.kind not in REQUIREMENT_KINDS and not manifest.is_lockfile:
            for dep in manifest.dependencies:
                if dep.source in (SourceKind.VCS, SourceKind.URL):
                    yield from _judge_source(dep, _finder(dep))
    by_path = {m.path: m for m in ctx.manifests if m.kind in REQUIREMENT_KINDS}
    if not by_path:
        return
    included_as_constraint = {
        inc.resolved for m in by_path.values() for inc in m.includes if inc.constraint and inc.resolved
    }
    installs: list[Install] = []
    own: dict[str, Install] = {}
    for path, manifest in sorted(by_path.items()):
        if manifest.kind is ManifestKind.REQUIREMENTS:
            inst = _expand(by_path, path, as_constraint=False)
            installs.append(inst)
            own[path] = inst
        elif manifest.kind is ManifestKind.CONSTRAINTS:
            inst = _expand(by_path, path, as_constraint=True)
            own[path] = inst
            if path not in included_as_constraint:
                # Used from the command line (`-c`, PIP_CONSTRAINT): judged on its own.
                installs.append(inst)

    refused: dict[int, tuple[str, Install]] = {}
    unverified: set[int] = set()
    for inst in installs:
        for dep, _ in inst.entries:
            i = id(dep)
            if i in inst.refused:
                # Name the file's own install when it is one of those refused.
                if i not in refused or inst.root == dep.location.path:
                    refused[i] = (inst.refused[i], inst)
            elif i not in inst.verified:
                unverified.add(i)

    for path, manifest in sorted(by_path.items()):
        inst = own.get(path)
        pins = _constraint_pins(inst) if inst is not None else {}
        abstract = manifest.kind is ManifestKind.PIP_COMPILE_INPUT
        for dep in manifest.dependencies:
            yield from _judge(dep, manifest, abstract, refused.get(id(dep)), id(dep) in unverified, pins)


def _constraint_pins(inst: Install) -> dict[str, Dependency]:
    pins: dict[str, Dependency] = {}
    for dep, as_c in inst.entries:
        if as_c and dep.key and dep.version:
            pins.setdefault(dep.key, dep)
    return pins


def _judge(
    dep: Dependency,
    manifest: Manifest,
    abstract: bool,
    refusal: tuple[str, Install] | None,
    unverified: bool,
    pins: dict[str, Dependency],
) -> Iterator[Finding]:
    spec = _spec_text(dep)
    finding = _finder(dep)

    if refusal is not None:
        why, inst = refusal
        trig = inst.trigger
        mode = ""
        if trig is not None and not why.startswith("pip rejects"):
            mode = f" (hash-checking is on because of {trig.path} line {trig.line})"
        installing = inst.root if inst.root == manifest.path else f"{inst.root}, which includes {manifest.path},"
        yield finding("HY104", f"pip refuses to install {installing} because of `{spec}`: {why}{mode}")

    if dep.source in (SourceKind.VCS, SourceKind.URL):
        yield from _judge_source(dep, finding)
        return
    if dep.source is SourceKind.PATH or abstract or refusal is not None:
        return
    if dep.version is None:
        pin = pins.get(dep.key or "") if not dep.constraint else None
        if pin is not None:
            return  # pinned by a constraint, which is judged where it is written
        if not dep.specifier:
            if not dep.constraint:
                yield finding("HY101", f"`{spec}` has no version constraint: pip installs whatever version is newest")
            return
        yield finding("HY102", f"`{spec}` admits more than one version")
        return
    if unverified and not dep.hashes:
        yield finding("HY103", f"`{spec}` is pinned but has no --hash, so pip does not verify what it downloads")


def _finder(dep: Dependency):
    def finding(rule: str, message: str) -> Finding:
        return Finding(rule, message, dep.location, "pypi", dep.name, dep.specifier or None)

    return finding


def _judge_source(dep: Dependency, finding) -> Iterator[Finding]:
    spec = dep.url or dep.text
    if dep.source is SourceKind.VCS:
        ref = vcs_ref(dep.url or "")
        if not is_full_commit(ref):
            what = f"ref `{ref}`" if ref else "no ref (the default branch)"
            yield finding("HY105", f"VCS requirement `{spec}` is at {what}, not a full commit id")
    elif not dep.hashes and not fragment_hash(dep.url):
        yield finding("HY105", f"URL requirement `{spec}` has no hash (`--hash` or `#sha256=` fragment)")
