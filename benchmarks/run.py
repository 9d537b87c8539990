#!/usr/bin/env python3
"""Time `hygiene scan` on a large synthetic repository and compare it with a baseline.

    python benchmarks/run.py [--repo DIR] [--repeat 5]

1. Generates the repository (``generate_repo.py``, 2,000 files / 100,000 requirement lines,
   seed 0) into ``benchmarks/out/repo`` unless it is already there with the same parameters.
2. Runs ``hygiene scan REPO --format json --output FILE --fail-on never`` once, untimed, to warm
   the page cache and count findings.
3. Times ``hygiene scan REPO --format json --output /dev/null --fail-on never`` end-to-end as a
   subprocess (wall clock: interpreter start, imports, discovery, parsing, checks, report),
   ``--repeat`` times; reports best and median, files/s and requirement lines/s.
4. Times ``hygiene scan --help`` the same way: the fixed start-up cost inside the figure above.
5. Times the baseline a user would otherwise run: ``pip-requirements-parser`` alone,
   ``RequirementsFile.from_file`` over every generated file, in this process (no interpreter
   start-up, no checks, no report), and prints the ratio hygiene / baseline.
6. Prints a Markdown table for the README and writes everything to ``benchmarks/out/results.json``.

This is a benchmark, not a test: it never fails because something is slow. (``--profile`` also
writes a cProfile of one scan to ``benchmarks/out/profile.txt``.)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
TARGET_SECONDS = 3.0
TARGET_CORES = 2
DEFAULTS = {"files": 2000, "requirements": 100_000, "seed": 0}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_n(n: float | None) -> str:
    return "n/a" if n is None else f"{n:,.0f}"


def summarize(times: list[float]) -> dict:
    return {
        "runs": len(times),
        "best_s": min(times),
        "median_s": statistics.median(times),
        "worst_s": max(times),
        "all_s": times,
    }


def hygiene_command(spec: str | None) -> list[str]:
    if spec:
        return shlex.split(spec)
    script = Path(sys.executable).parent / ("hygiene.exe" if os.name == "nt" else "hygiene")
    if script.exists():
        return [str(script)]
    found = shutil.which("hygiene")
    return [found] if found else [sys.executable, "-m", "hygiene"]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def busy_fraction(seconds: float = 1.0) -> float | None:
    """Share of all CPUs busy over the next `seconds` (Linux /proc/stat), before we start. The
    load average lags by minutes, so this is what says whether something else is running."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def git_info() -> dict:
    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def package_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def load_module(name: str):
    """A sibling benchmark module (benchmarks/NAME.py), loaded by path under a private name."""
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


def load_generator():
    return load_module("generate_repo")


def ensure_repo(repo: Path, params: dict, regenerate: bool, default_location: bool) -> dict:
    meta_path = repo / ".bench-repo.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text("utf-8"))
        same = (meta.get("files"), meta.get("requirement_lines"), meta.get("seed")) == (
            params["files"], params["requirements"], params["seed"])
        if same and not regenerate:
            return meta
        if not same and not default_location and not regenerate:
            print(f"note: {repo} was generated with other parameters "
                  f"({meta.get('files')} files, {meta.get('requirement_lines')} lines, seed "
                  f"{meta.get('seed')}); using it as is (--regenerate to rebuild)", file=sys.stderr)
            return meta
        gen = load_generator()
        shutil.rmtree(repo)
    elif repo.exists() and any(repo.iterdir()):
        raise SystemExit(f"error: {repo} exists, is not empty and is not a generated repository")
    else:
        gen = load_generator()
    print(f"generating {params['files']:,} files / {params['requirements']:,} requirement lines "
          f"(seed {params['seed']}) into {repo} ...", file=sys.stderr)
    return gen.generate(repo, params["files"], params["requirements"], params["seed"])


def children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_timed(cmd: list[str], cwd: Path, cpu: list[float] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Wall-clock seconds of one subprocess run; its CPU seconds (user + sys, worker processes
    included) are appended to `cpu` when given."""
    cpu_before = children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append(children_cpu() - cpu_before)
    return elapsed, proc


def count_findings(report_path: Path) -> dict:
    """Count findings in hygiene's JSON report without depending on every detail of its schema."""
    try:
        data = json.loads(report_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return {"error": f"could not read JSON report: {exc}"}
    findings = data.get("findings") if isinstance(data, dict) else data
    out: dict = {}
    if isinstance(findings, list):
        out["total"] = len(findings)
        by_rule: dict[str, int] = {}
        for f in findings:
            if isinstance(f, dict):
                rule = f.get("rule") or f.get("rule_id") or f.get("id") or "?"
                if isinstance(rule, dict):
                    rule = rule.get("id", "?")
                by_rule[str(rule)] = by_rule.get(str(rule), 0) + 1
        out["by_rule"] = dict(sorted(by_rule.items()))
    if isinstance(data, dict):
        for key in ("errors",):
            if isinstance(data.get(key), list):
                out[key] = len(data[key])
        for key in ("manifests", "files", "scanned"):
            if isinstance(data.get(key), list):
                out[f"{key}_reported"] = len(data[key])
            elif isinstance(data.get(key), int):
                out[f"{key}_reported"] = data[key]
        if isinstance(data.get("summary"), dict):
            out["summary"] = data["summary"]
    return out


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------


def bench_hygiene(cmd: list[str], repo: Path, repeat: int) -> dict:
    help_t, proc = run_timed([*cmd, "scan", "--help"], ROOT)
    if proc.returncode != 0:
        return {"skipped": f"`{shlex.join([*cmd, 'scan', '--help'])}` failed "
                           f"(exit {proc.returncode}): {proc.stderr.strip()[-500:]}"}
    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / "scan.json"
    scan = [*cmd, "scan", str(repo), "--format", "json", "--fail-on", "never"]
    warm_t, proc = run_timed([*scan, "--output", str(report)], ROOT)  # warm-up + findings
    if proc.returncode != 0:
        return {"skipped": f"`{shlex.join(scan)}` exited {proc.returncode}: {proc.stderr.strip()[-1000:]}"}
    findings = count_findings(report)
    times: list[float] = []
    cpu: list[float] = []
    for i in range(repeat):
        t, proc = run_timed([*scan, "--output", os.devnull], ROOT, cpu)
        if proc.returncode != 0:
            return {"skipped": f"run {i + 1} exited {proc.returncode}: {proc.stderr.strip()[-1000:]}"}
        times.append(t)
        print(f"  hygiene scan run {i + 1}/{repeat}: {fmt_s(t)} (CPU {fmt_s(cpu[-1])})", file=sys.stderr)
    startup = [help_t]
    for _ in range(max(2, repeat // 2)):
        startup.append(run_timed([*cmd, "scan", "--help"], ROOT)[0])
    return {
        "command": shlex.join([*scan, "--output", os.devnull]),
        "warmup_s": warm_t,
        **summarize(times),
        "cpu_median_s": statistics.median(cpu) if cpu else None,
        "cpu_all_s": cpu,
        "startup_scan_help": summarize(startup),
        "findings": findings,
    }


def bench_baseline(repo: Path, repeat: int) -> dict:
    try:
        import pip_requirements_parser as prp
    except ImportError:
        return {"skipped": "pip-requirements-parser is not installed"}
    files = sorted(str(p) for p in repo.rglob("*.txt"))
    times = []
    reqs = invalid = 0
    for i in range(repeat):
        start = time.perf_counter()
        n_req = n_invalid = 0
        for f in files:
            rf = prp.RequirementsFile.from_file(f, include_nested=False)
            n_req += len(rf.requirements)
            n_invalid += len(rf.invalid_lines)
        times.append(time.perf_counter() - start)
        reqs, invalid = n_req, n_invalid
        print(f"  baseline run {i + 1}/{repeat}: {fmt_s(times[-1])}", file=sys.stderr)
    return {
        "what": "pip_requirements_parser.RequirementsFile.from_file over every file, in-process",
        "version": package_version("pip-requirements-parser"),
        "files": len(files),
        "requirements_parsed": reqs,
        "invalid_lines": invalid,
        **summarize(times),
    }


def profile_hygiene(repo: Path) -> str | None:
    OUT.mkdir(parents=True, exist_ok=True)
    prof = OUT / "hygiene.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "hygiene", "scan", str(repo),
           "--format", "json", "--output", os.devnull, "--fail-on", "never"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0 or not prof.exists():
        return None
    import io
    import pstats

    buf = io.StringIO()
    pstats.Stats(str(prof), stream=buf).sort_stats("cumulative").print_stats(40)
    text = buf.getvalue()
    (OUT / "profile.txt").write_text(text, "utf-8")
    return text


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def markdown(results: dict) -> str:
    repo, machine = results["repo"], results["machine"]
    hy, base = results["hygiene"], results["baseline"]
    files, lines = repo["files"], repo["requirement_lines"]
    rows = []

    def row(tool: str, scope: str, r: dict, rates: bool = True) -> None:
        med = r["median_s"]
        rate = f"{fmt_n(files / med)} | {fmt_n(lines / med)}" if rates else "— | —"
        rows.append(f"| {tool} | {scope} | {r['runs']} | {fmt_s(r['best_s'])} | {fmt_s(med)} | {rate} |")

    if "skipped" not in hy:
        row("`hygiene scan` (subprocess, end-to-end)",
            "start-up, discovery, parsing, checks, JSON report", hy)
        row("`hygiene scan --help` (subprocess)", "start-up only (included above)",
            hy["startup_scan_help"], rates=False)
    if "skipped" not in base:
        row(f"pip-requirements-parser {base['version']} (in-process)",
            "`RequirementsFile.from_file` per file; parsing only", base)

    out = [
        f"Repository: {files:,} requirements files, {lines:,} requirement lines "
        f"({repo['hashed_requirement_lines']:,} hashed), {repo['physical_lines']:,} physical lines, "
        f"{repo['bytes'] / 1e6:.1f} MB (`generate_repo.py --seed {repo['seed']}`).  ",
        f"Machine: {machine['usable_cores']} usable core{'s' if machine['usable_cores'] != 1 else ''} "
        f"({machine['cpu']}), "
        f"Python {machine['python']}, {machine['platform']}"
        + (f", {machine['cpu_busy_at_start']:.0%} CPU busy at start."
           if machine.get("cpu_busy_at_start") is not None else "."),
        "",
        "| Tool | Scope | Runs | Best | Median | Files/s (median) | Requirement lines/s (median) |",
        "|---|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]
    if "skipped" not in hy and hy.get("cpu_median_s"):
        out.append(f"`hygiene scan` CPU time (user + sys, all its processes), median: "
                   f"{fmt_s(hy['cpu_median_s'])}.  ")
    if "skipped" not in hy:
        f = hy["findings"]
        if "total" in f:
            out.append(f"Findings reported: {f['total']:,}"
                       + (" (" + ", ".join(f"{k} {v:,}" for k, v in f["by_rule"].items()) + ")"
                          if f.get("by_rule") else "") + ".  ")
    if results.get("ratio_hygiene_over_baseline") is not None:
        ratio = results["ratio_hygiene_over_baseline"]
        out.append(f"hygiene / baseline (median): **{ratio:.3f}×** "
                   f"({1 / ratio:.1f}× faster than parsing with pip-requirements-parser alone)."
                   if ratio < 1 else
                   f"hygiene / baseline (median): **{ratio:.2f}×**.")
    if "skipped" not in hy:
        target = results["target"]
        verdict = "met" if target["met"] else "**not met**"
        cores_note = "" if target["cores_match"] else f" (measured on {machine['usable_cores']} core{'s' if machine['usable_cores'] != 1 else ''})"
        out.append(f"  \nTarget: under {TARGET_SECONDS:g} s on {TARGET_CORES} cores — "
                   f"{verdict}: median {fmt_s(hy['median_s'])}{cores_note}.")
    if results.get("peers_not_compared"):
        out.append("  \nNot compared: " + "; ".join(results["peers_not_compared"]) + ".")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", type=Path, default=None,
                    help="repository to scan (default: benchmarks/out/repo, generated if absent)")
    ap.add_argument("--repeat", type=int, default=5, help="timed hygiene runs (default 5)")
    ap.add_argument("--baseline-repeat", type=int, default=3,
                    help="timed baseline runs (default 3; the baseline is slow)")
    ap.add_argument("--files", type=int, default=DEFAULTS["files"])
    ap.add_argument("--requirements", type=int, default=DEFAULTS["requirements"])
    ap.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    ap.add_argument("--regenerate", action="store_true", help="rebuild the repository first")
    ap.add_argument("--hygiene", metavar="CMD", default=None,
                    help="command that runs hygiene (default: the `hygiene` script beside this "
                         "Python, else `python -m hygiene`)")
    ap.add_argument("--cores", type=int, default=None,
                    help="restrict this process and its children to the first N CPUs (Linux), "
                         f"e.g. --cores {TARGET_CORES} to check the target on a bigger machine")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--profile", action="store_true",
                    help="also profile one scan with cProfile into benchmarks/out/profile.txt")
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.baseline_repeat < 1:
        ap.error("--repeat and --baseline-repeat must be at least 1")

    if args.cores:
        try:
            cpus = sorted(os.sched_getaffinity(0))[: args.cores]
            os.sched_setaffinity(0, cpus)
        except AttributeError:
            print("warning: --cores needs Linux; ignored", file=sys.stderr)

    default_location = args.repo is None
    repo = (args.repo or OUT / "repo").resolve()
    params = {"files": args.files, "requirements": args.requirements, "seed": args.seed}
    repo_meta = ensure_repo(repo, params, args.regenerate, default_location)

    cmd = hygiene_command(args.hygiene)
    machine = {
        "usable_cores": usable_cores(),
        "cpu_count": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(terse=True),
    }
    machine["load_average_1min_at_start"] = load_average()
    busy = machine["cpu_busy_at_start"] = busy_fraction()
    if busy is not None and busy > 0.2:
        print(f"warning: the machine is busy ({busy:.0%} of CPU in use before the benchmark "
              "started); timings will be noisy -- stop other work and run again for a figure "
              "to record", file=sys.stderr)
    peers_not_compared = []
    if shutil.which("pip-audit") or importlib.util.find_spec("pip_audit"):
        peers_not_compared.append("pip-audit is installed but not comparable (it resolves and "
                                  "queries a vulnerability service over the network)")

    print(f"timing `{shlex.join(cmd)} scan` x{args.repeat} ...", file=sys.stderr)
    hy = bench_hygiene(cmd, repo, args.repeat)
    if "skipped" in hy:
        print(f"hygiene not timed: {hy['skipped']}", file=sys.stderr)
    if args.skip_baseline:
        base = {"skipped": "--skip-baseline"}
    else:
        print(f"timing baseline x{args.baseline_repeat} ...", file=sys.stderr)
        base = bench_baseline(repo, args.baseline_repeat)

    ratio = None
    if "skipped" not in hy and "skipped" not in base:
        ratio = hy["median_s"] / base["median_s"]
    results = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "params": {**params, "repeat": args.repeat, "baseline_repeat": args.baseline_repeat,
                   "cores_requested": args.cores},
        "repo": {**repo_meta, "path": str(repo)},
        "machine": machine,
        "hygiene_version": package_version("hygiene"),
        "git": git_info(),
        "hygiene": hy,
        "baseline": base,
        "ratio_hygiene_over_baseline": ratio,
        "peers_not_compared": peers_not_compared,
    }
    if "skipped" not in hy:
        results["hygiene"]["files_per_s"] = repo_meta["files"] / hy["median_s"]
        results["hygiene"]["requirement_lines_per_s"] = repo_meta["requirement_lines"] / hy["median_s"]
        results["target"] = {
            "seconds": TARGET_SECONDS,
            "cores": TARGET_CORES,
            "met": hy["median_s"] < TARGET_SECONDS,
            "cores_match": machine["usable_cores"] == TARGET_CORES,
        }
    if "skipped" not in base:
        results["baseline"]["files_per_s"] = base["files"] / base["median_s"]
        results["baseline"]["requirement_lines_per_s"] = base["requirements_parsed"] / base["median_s"]

    if args.profile and "skipped" not in hy:
        print("profiling one scan ...", file=sys.stderr)
        if profile_hygiene(repo) is not None:
            results["profile"] = str(OUT / "profile.txt")

    md = markdown(results)
    results["markdown"] = md
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print()
    print(md)
    print(f"\n(results: {OUT / 'results.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
