#!/usr/bin/env python3
"""Compare `hygiene sbom` with `cyclonedx-py requirements` on the same requirements files.

    python benchmarks/sbom_compare.py [--repeat 5] [--markdown] [--seed 0] [--locked 750]

1. Generates (seeded, byte-identical for the same arguments) four small projects under
   ``benchmarks/out/sbom-compare/inputs``: ``locked`` (a pip-compile lockfile of ``--locked``
   pinned, hashed requirements), ``ranges`` (ranges, bare names, extras, markers,
   ``--extra-index-url``), ``urls`` (VCS, direct-URL, wheel-URL, editable and local-path lines)
   and ``includes`` (``-r`` and ``-c`` includes, names repeated across files).
2. For each, runs ``cyclonedx-py requirements FILE --output-format JSON --spec-version 1.6
   --validate -o OUT`` (its schema validation is on by default; ``--validate`` says so),
   ``hygiene sbom FILE -o OUT --spec-version 1.6`` (which validates what it writes, also by
   default, with its own validator) and ``hygiene sbom ... --no-validate``. hygiene's output is
   then validated once more, untimed, with cyclonedx-python-lib's ``JsonStrictValidator`` in a
   second process: a cross-check of hygiene's validator.
3. Compares the component sets by purl (PEP 503 name, version, qualifiers stripped) and, for
   every component cyclonedx-py reports, checks that hygiene's has at least its data: name,
   version, purl (qualifiers included), hashes, external references (type and URL), extras and
   the line the requirement is on.
4. Times both tools end to end (``--repeat`` runs, median), twice: with the packages as
   installed, and with ``rfc3987-syntax`` hidden from both (a shim module on ``PYTHONPATH``
   that raises ImportError, which is what jsonschema sees when the package is not installed:
   it then has no ``iri-reference`` checker). Then it breaks the validation down in-process:
   schema load, validation with every format checker, without the ``iri``/``iri-reference``
   checkers, without format checking, and the cost of validating hygiene's SBOM if it carried
   the data cyclonedx-py has and hygiene lacks.
5. Prints the results (``--markdown`` for tables) and writes
   ``benchmarks/out/sbom-compare/results.json``.

Run it with the Python of the environment hygiene is installed in (it needs
``cyclonedx-python-lib[json-validation]``). ``cyclonedx-py`` is looked up beside that Python,
then on ``PATH``; ``--cyclonedx-py PATH`` overrides. When it is missing, the script says how to
install it. This is a benchmark, not a test: it never fails because of a difference.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "sbom-compare"
SPEC = "1.6"
TARGET_RATIO = 10.0
IRI_FORMATS = ("iri", "iri-reference")
INSTALL_HINT = (
    "cyclonedx-py was not found. Install it into an environment of its own and point at it:\n"
    "    python -m venv /tmp/cdx-venv && /tmp/cdx-venv/bin/pip install cyclonedx-bom\n"
    "    python benchmarks/sbom_compare.py --cyclonedx-py /tmp/cdx-venv/bin/cyclonedx-py\n"
    "(or put /tmp/cdx-venv/bin on PATH)"
)
VALIDATE_SNIPPET = """\
import sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
with open(sys.argv[1], encoding="utf-8") as fh:
    error = JsonStrictValidator(SchemaVersion.from_version(sys.argv[2])).validate_str(fh.read())
if error is not None:
    print(f"invalid: {error}", file=sys.stderr)
    sys.exit(1)
"""
PHASES_SNIPPET = """\
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from hygiene import sbom
from hygiene.config import load_with_overrides
from hygiene.pipeline import scan, scan_root
import cyclonedx.model.bom, cyclonedx.output.json  # what build() and render() import lazily
t1 = time.perf_counter()
paths = [Path(sys.argv[1])]
result = scan(paths, load_with_overrides(scan_root(paths)), keep_manifests=True)
t2 = time.perf_counter()
bom = sbom.build(result)
t3 = time.perf_counter()
text = sbom.render(bom, sys.argv[2], "json", validate=False)
t4 = time.perf_counter()
from hygiene.sbom.validate import validate
t5 = time.perf_counter()
validate(text, sys.argv[2])
t6 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "scan (discover, parse, checks)": t2 - t1,
                  "build (cyclonedx model)": t3 - t2, "render (cyclonedx outputter)": t4 - t3,
                  "import jsonschema": t5 - t4, "validate (schema load + check)": t6 - t5}))
"""
SHIM = '''raise ImportError("rfc3987_syntax hidden by benchmarks/sbom_compare.py")\n'''


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
import run as bench  # noqa: E402  machine info, formatting, git state and the hygiene command, shared with run.py

fmt_s = bench.fmt_s


def load_generator():
    """benchmarks/generate_repo.py, loaded as benchmarks/run.py loads it (one loader for both)."""
    return bench.load_generator()


@dataclass
class Case:
    name: str
    entry: str  # the file both tools are given, relative to the case folder
    what: str
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text

    def stats(self) -> dict:
        req_lines = pinned = hashed = 0
        for text in self.files.values():
            for logical in _logical_lines(text):
                if not logical or logical.startswith(("-r ", "-c ", "--index-url", "--extra-index-url")):
                    continue
                req_lines += 1
                if re.search(r"==\s*[\w.!+]+(?![\w.*])", logical.split(";")[0]):
                    pinned += 1
                if "--hash=" in logical:
                    hashed += 1
        return {
            "files": len(self.files),
            "requirement_lines": req_lines,
            "pinned_lines": pinned,
            "hashed_lines": hashed,
            "physical_lines": sum(t.count("\n") for t in self.files.values()),
        }


def _logical_lines(text: str) -> list[str]:
    out, cur = [], ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        if line.rstrip().endswith("\\"):
            cur += line.rstrip()[:-1] + " "
            continue
        cur += line
        out.append(cur.strip())
        cur = ""
    if cur.strip():
        out.append(cur.strip())
    return out


def _hashed_entry(gen, rng, head: str, via: list[str]) -> list[str]:
    hashes = [gen.sha256(rng) for _ in range(rng.choice((1, 2, 2, 2, 3, 3)))]
    lines = [head + " \\"]
    for i, h in enumerate(hashes):
        lines.append(f"    --hash=sha256:{h}" + (" \\" if i < len(hashes) - 1 else ""))
    if len(via) == 1:
        lines.append(f"    # via {via[0]}")
    else:
        lines.append("    # via")
        lines += [f"    #   {v}" for v in via]
    return lines


def _pip_compile_header(out_name: str, in_name: str) -> list[str]:
    return [
        "#",
        "# This file is autogenerated by pip-compile with Python 3.11",
        "# by the following command:",
        "#",
        f"#    pip-compile --generate-hashes --output-file={out_name} {in_name}",
        "#",
    ]


def lockfile(gen, rng, names: list[str], out_name: str, in_name: str) -> tuple[str, dict[str, str]]:
    """pip-compile --generate-hashes output: sorted `==` pins, 1-3 hashes, `# via` comments,
    the odd extra or environment marker. Also returns the pinned versions."""
    lines = _pip_compile_header(out_name, in_name)
    lines.append("")
    pins: dict[str, str] = {}
    for name in sorted(names):
        pins[name] = gen.version(rng)
        head = f"{name}=={pins[name]}"
        if name in gen.EXTRAS and rng.random() < 0.3:
            head = f"{name}[{gen.EXTRAS[name]}]=={pins[name]}"
        if rng.random() < 0.06:
            head += f" ; {rng.choice(gen.MARKERS)}"
        k = rng.choice((0, 1, 1, 2))
        via = sorted({rng.choice(names) for _ in range(k)} - {name}) or [f"-r {in_name}"]
        lines += _hashed_entry(gen, rng, head, via)
    return "\n".join(lines) + "\n", pins


def make_cases(seed: int, locked: int) -> list[Case]:
    gen = load_generator()
    rng = random.Random(seed)
    pool = gen.name_pool()
    cases: list[Case] = []

    # 1. One big pip-compile lockfile.
    names = gen.pick_names(rng, pool, locked)
    cases.append(Case("locked", "requirements.txt",
                      f"pip-compile --generate-hashes lockfile, {locked} pinned and hashed requirements",
                      {"requirements.txt": lockfile(gen, rng, names, "requirements.txt", "requirements.in")[0]}))

    # 2. A hand-written file: ranges, bare names, extras, markers, comments, odd spellings.
    names = gen.pick_names(rng, pool, 200)
    body = ["--extra-index-url https://download.pytorch.org/whl/cpu", ""]
    for i, name in enumerate(names):
        if i and rng.random() < 0.04:
            body += ["", f"# {rng.choice(('runtime', 'testing', 'tooling', 'optional'))}"]
        body.append(gen.plain_requirement(rng, name))
    cases.append(Case("ranges", "requirements.txt",
                      "hand-written: ranges, ~=, bare names, ==X.*, extras, markers, --extra-index-url",
                      {"requirements.txt": "\n".join(body) + "\n"}))

    # 3. Direct references: VCS (git+https, @ tag/commit, #egg, #subdirectory, -e), archives
    #    and wheels by URL (some hashed), local paths.
    names = gen.pick_names(rng, pool, 60)
    body = []
    for i, name in enumerate(names):
        kind = i % 10
        repo = f"https://github.com/{rng.choice(('acme', 'contoso', 'initech', 'pallets', 'psf'))}/{name}"
        ref = rng.choice((f"v{gen.version(rng)}", f"{rng.getrandbits(160):040x}", "main"))
        ver = gen.version(rng)
        if kind == 0:
            body.append(f"git+{repo}.git@{ref}#egg={name}")
        elif kind == 1:
            body.append(f"{name} @ git+{repo}@{ref}")
        elif kind == 2:
            body.append(f"-e git+{repo}.git@{ref}#egg={name}")
        elif kind == 3:
            body.append(f"{name} @ git+https://gitlab.com/acme/monorepo.git@{ref}#subdirectory=pkgs/{name}")
        elif kind == 4:
            body.append(f"{name} @ https://downloads.example.com/{name}/{name}-{ver}.tar.gz "
                        f"--hash=sha256:{gen.sha256(rng)}")
        elif kind == 5:
            h = gen.sha256(rng)
            wheel = f"{name.replace('-', '_')}-{ver}-py3-none-any.whl"
            body.append(f"{name} @ https://files.pythonhosted.org/packages/{h[:2]}/{h[2:4]}/{h[4:]}/{wheel}")
        elif kind == 6:
            body.append(f"https://downloads.example.com/{name}-{ver}.zip#egg={name}")
        elif kind == 7 and i < 20:
            body.append(f"./libs/{name}" if i < 10 else f"-e ./libs/{name}")
        else:
            body.append(f"{name}=={ver} --hash=sha256:{gen.sha256(rng)}")
    cases.append(Case("urls", "requirements.txt",
                      "VCS, direct URL, files.pythonhosted.org wheel, editable and local-path lines",
                      {"requirements.txt": "\n".join(body) + "\n"}))

    # 4. Includes: a dev file that pulls in the lockfile (-r), a shared set (-r) and the
    #    organisation's constraints (-c); some names are repeated across the files.
    lock_names = gen.pick_names(rng, pool, 120)
    text, locked_pins = lockfile(gen, rng, lock_names, "requirements.txt", "requirements.in")
    files = {"requirements.txt": text}
    con_names = sorted(set(gen.pick_names(rng, pool, 60)) | set(rng.sample(lock_names, 10)))
    pins = {n: locked_pins.get(n) or gen.version(rng) for n in con_names}  # agree with the lockfile
    files["constraints.txt"] = "# Organisation-wide pins.\n\n" + "".join(f"{n}=={pins[n]}\n" for n in con_names)
    test_names = gen.pick_names(rng, pool, 30)
    files["requirements/test.txt"] = "".join(
        f"{n}=={gen.version(rng)}\n" if rng.random() < 0.6 else f"{gen.plain_requirement(rng, n)}\n" for n in test_names)
    dev = ["-r requirements.txt", "-r requirements/test.txt", "-c constraints.txt", ""]
    dev_names = gen.pick_names(rng, pool, 40)
    dev_names += rng.sample(con_names, 5)  # loosely declared here, pinned by -c
    dev_names += rng.sample(test_names, 3)  # repeated from the shared set
    for name in dev_names:
        r = rng.random()
        if name in pins and r < 0.5:
            dev.append(f"{name}=={pins[name]}")  # the same pin as the constraints file
        elif r < 0.75:
            dev.append(gen.plain_requirement(rng, name))
        else:
            dev.append(f"{name}=={gen.version(rng)}")
    files["requirements-dev.txt"] = "\n".join(dev) + "\n"
    cases.append(Case("includes", "requirements-dev.txt",
                      "-r lockfile, -r shared set, -c constraints; names repeated across files", files))
    return cases


def write_cases(cases: list[Case], root: Path) -> None:
    for case in cases:
        if (root / case.name).exists():
            shutil.rmtree(root / case.name)  # no file of an earlier run lingers
        for rel, text in case.files.items():
            path = root / case.name / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")


# --------------------------------------------------------------------------------------------
# Tools and timing
# --------------------------------------------------------------------------------------------


def find_tool(name: str, override: str | None) -> list[str] | None:
    if override:
        return shlex.split(override)
    script = Path(sys.executable).parent / name
    if script.exists():
        return [str(script)]
    found = shutil.which(name)
    return [found] if found else None


def script_python(cmd: list[str]) -> str | None:
    """The interpreter a console script runs with (its shebang), for version look-ups."""
    try:
        first = Path(cmd[0]).read_bytes()[:300].split(b"\n", 1)[0].decode()
    except OSError:
        return None
    return first[2:].strip().split()[0] if first.startswith("#!") else None


def run(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc


def environment(hide_rfc3987_syntax: bool, shim_dir: Path) -> dict:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    if hide_rfc3987_syntax:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim_dir), env.get("PYTHONPATH")]))
    return env


def has_iri_checker(python: str, env: dict) -> bool | None:
    code = "import jsonschema; print('iri-reference' in jsonschema.Draft7Validator.FORMAT_CHECKER.checkers)"
    try:
        proc = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"True": True, "False": False}.get(proc.stdout.strip())


def med(times: list[float]) -> float | None:
    return statistics.median(times) if times else None


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------


def pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def purl_key(purl: str | None) -> str | None:
    """`pkg:type/namespace/name@version`, qualifiers and subpath stripped, PyPI names
    normalised (PEP 503), type and name lower-cased."""
    if not purl:
        return None
    from packageurl import PackageURL

    try:
        p = PackageURL.from_string(purl)
    except ValueError:
        return purl.split("?", 1)[0].split("#", 1)[0].lower()
    name = pep503(p.name) if p.type == "pypi" else p.name
    return PackageURL(type=p.type.lower(), namespace=p.namespace, name=name, version=p.version).to_string()


def purl_qualifiers(purl: str | None) -> dict:
    if not purl:
        return {}
    from packageurl import PackageURL

    try:
        return dict(PackageURL.from_string(purl).qualifiers or {})
    except ValueError:
        return {}


@dataclass
class Facts:
    """What one tool says about one component (merged over duplicates)."""

    key: str
    names: set[str] = field(default_factory=set)
    versions: set[str | None] = field(default_factory=set)
    purls: set[str] = field(default_factory=set)
    hashes: set[tuple[str, str]] = field(default_factory=set)
    refs: set[tuple[str, str]] = field(default_factory=set)
    ref_comments: dict[tuple[str, str], str] = field(default_factory=dict)
    extras: set[str] = field(default_factory=set)
    lines: set[int] = field(default_factory=set)
    property_values: set[str] = field(default_factory=set)
    count: int = 0


def component_facts(doc: dict, tool: str) -> tuple[dict[str, Facts], list[dict]]:
    """Facts by key; components without a purl (cyclonedx-py's local paths) aside."""
    facts: dict[str, Facts] = {}
    no_purl: list[dict] = []
    for c in doc.get("components", []):
        key = purl_key(c.get("purl"))
        if key is None:
            no_purl.append(c)
            continue
        f = facts.setdefault(key, Facts(key))
        f.count += 1
        f.names.add(c.get("name", ""))
        f.versions.add(c.get("version"))
        f.purls.add(c["purl"])
        for h in c.get("hashes", []):
            f.hashes.add((h["alg"], h["content"].lower()))
        for r in c.get("externalReferences", []):
            f.refs.add((r["type"], r["url"]))
            f.ref_comments.setdefault((r["type"], r["url"]), r.get("comment", ""))
            for h in r.get("hashes", []):
                f.hashes.add((h["alg"], h["content"].lower()))
        for p in c.get("properties", []):
            f.property_values.add(str(p.get("value", "")))
            if p.get("name", "").startswith("cdx:python:package:") and "extra" in p.get("name", ""):
                f.extras.add(pep503(str(p.get("value", ""))))
        if tool == "cyclonedx-py":
            m = re.match(r"requirements line (\d+):", c.get("description") or "")
            if m:
                f.lines.add(int(m.group(1)))
        else:
            for occ in (c.get("evidence") or {}).get("occurrences", []):
                if occ.get("line"):
                    f.lines.add(int(occ["line"]))
    return facts, no_purl


def hygiene_extras(f: Facts) -> set[str]:
    """Extras hygiene records, wherever it puts them (a property named *extra*, or the
    requirement text in a property): counted generously."""
    return {pep503(v) for v in f.property_values} | f.extras


def index_page(url: str) -> str:
    head, sep, last = url.rstrip("/").rpartition("/")
    return f"{head}/{pep503(last)}/" if sep and url.endswith("/") else url


def local_match(cdx_comp: dict, hy_doc: dict) -> str | None:
    """The bom-ref of hygiene's component for a local folder cyclonedx-py records without a
    purl (name "unknown", the path as an `other` reference), if hygiene has the same reference."""
    refs = {(r.get("type"), r.get("url")) for r in cdx_comp.get("externalReferences", [])}
    for comp in hy_doc.get("components", []):
        if refs and refs <= {(r.get("type"), r.get("url")) for r in comp.get("externalReferences", [])}:
            return comp.get("bom-ref")
    return None


def compare(cdx_doc: dict, hy_doc: dict) -> dict:
    cdx, cdx_no_purl = component_facts(cdx_doc, "cyclonedx-py")
    hy, _ = component_facts(hy_doc, "hygiene")
    only_cdx = sorted(set(cdx) - set(hy))
    only_hy = sorted(set(hy) - set(cdx))
    # A component whose purl differs only because the tools disagree on its version (say
    # `==2.8.*`, which cyclonedx-py records as version "2.8.*") is still present in hygiene:
    # match what is left by PEP 503 name and the line it is on, and report the version.
    pairs = [(k, k) for k in sorted(set(cdx) & set(hy))]
    by_name_line = {}
    for k in only_hy:
        for n in hy[k].names:
            for line in hy[k].lines:
                by_name_line.setdefault((pep503(n), line), k)
    matched_late = []
    for k in only_cdx:
        hit = next((by_name_line[(pep503(n), line)] for n in cdx[k].names for line in sorted(cdx[k].lines)
                    if (pep503(n), line) in by_name_line), None)
        if hit is not None:
            pairs.append((k, hit))
            matched_late.append(f"{k} = hygiene {hit}")
    only_cdx = [k for k in only_cdx if k not in {a for a, _ in pairs}]
    only_hy = [k for k in only_hy if k not in {b for _, b in pairs}]
    diffs: dict[str, list[str]] = {
        "name": [], "name-spelling": [], "version": [], "purl-qualifiers": [], "hashes": [],
        "external-references": [], "extras": [], "line": [],
    }
    missing_refs_by_comment: dict[str, int] = {}
    for ckey, hkey in pairs:
        c, h, key = cdx[ckey], hy[hkey], ckey
        c_names, h_names = {pep503(n) for n in c.names}, {pep503(n) for n in h.names}
        if not c_names <= h_names:
            diffs["name"].append(f"{key}: cyclonedx-py {sorted(c.names)}, hygiene {sorted(h.names)}")
        elif not c.names <= h.names:
            diffs["name-spelling"].append(f"{key}: cyclonedx-py {sorted(c.names)}, hygiene {sorted(h.names)}")
        if not c.versions <= h.versions:
            constraint = sorted(v for v in h.property_values if any(ch in v for ch in "=<>~!"))
            diffs["version"].append(f"{key}: cyclonedx-py {sorted(map(str, c.versions))}, hygiene {sorted(map(str, h.versions))}"
                                    + (f" (hygiene constraint property {constraint})" if constraint else ""))
        c_q = {(k, v) for p in c.purls for k, v in purl_qualifiers(p).items()}
        h_q = {(k, v) for p in h.purls for k, v in purl_qualifiers(p).items()}
        if not c_q <= h_q:
            urls_elsewhere = all(any(v == u for _, u in h.refs) for _, v in c_q - h_q)
            diffs["purl-qualifiers"].append(
                f"{key}: cyclonedx-py {min(c.purls)}, hygiene {min(h.purls)}"
                + (" (the URL is in hygiene's externalReferences)" if urls_elsewhere else " (the URL is nowhere in hygiene's component)"))
        if c.hashes != h.hashes:
            diffs["hashes"].append(f"{key}: only cyclonedx-py {sorted(c.hashes - h.hashes)}, only hygiene {sorted(h.hashes - c.hashes)}")
        # An index page written with the name as the requirement spells it (cyclonedx-py) is
        # the same page as the one with the PEP 503 name (hygiene; pip asks for that one).
        h_pages = {(t, index_page(u)) for t, u in h.refs}
        respelled = sorted(r for r in c.refs - h.refs if (r[0], index_page(r[1])) in h_pages)
        if respelled:
            diffs["name-spelling"].append(f"{key}: index page {respelled[0][1]} (hygiene: PEP 503 name)")
        missing = sorted(c.refs - h.refs - set(respelled))
        if missing:
            diffs["external-references"].append(
                f"{key}: " + ", ".join(f"{t} {u} ({c.ref_comments.get((t, u), '')})" for t, u in missing))
            for t, u in missing:
                label = f"{t} / {c.ref_comments.get((t, u)) or 'no comment'}"
                missing_refs_by_comment[label] = missing_refs_by_comment.get(label, 0) + 1
        if c.extras and not c.extras <= hygiene_extras(h):
            diffs["extras"].append(f"{key}: cyclonedx-py extras {sorted(c.extras)}")
        if c.lines and not c.lines <= h.lines:
            diffs["line"].append(f"{key}: cyclonedx-py lines {sorted(c.lines)}, hygiene lines {sorted(h.lines)}")
    return {
        "cyclonedx_py_components": len(cdx_doc.get("components", [])),
        "cyclonedx_py_distinct_purls": len(cdx),
        "cyclonedx_py_without_purl": [
            {"name": c.get("name"), "description": c.get("description"),
             "externalReferences": [(r.get("type"), r.get("url")) for r in c.get("externalReferences", [])],
             "in hygiene": local_match(c, hy_doc)}
            for c in cdx_no_purl
        ],
        "hygiene_components": len(hy_doc.get("components", [])),
        "hygiene_distinct_purls": len(hy),
        "matched_by_name_and_line": matched_late,
        "only_cyclonedx_py": only_cdx,
        "only_hygiene": only_hy,
        "differences": diffs,
        "missing_external_references_by_kind": missing_refs_by_comment,
        "cyclonedx_py_external_references": sum(len(c.get("externalReferences", [])) for c in cdx_doc.get("components", [])),
        "hygiene_external_references": sum(len(c.get("externalReferences", [])) for c in hy_doc.get("components", [])),
    }


def with_cdx_data(cdx_doc: dict, hy_doc: dict) -> dict:
    """hygiene's SBOM plus what cyclonedx-py has and hygiene lacks (external references,
    extras): the document hygiene would write if it closed the gap, to time its validation."""
    doc = copy.deepcopy(hy_doc)
    cdx, _ = component_facts(cdx_doc, "cyclonedx-py")
    for c in doc.get("components", []):
        f = cdx.get(purl_key(c.get("purl")) or "")
        if f is None:
            continue
        have = {(r["type"], r["url"]) for r in c.get("externalReferences", [])}
        for t, u in sorted(f.refs - have):
            c.setdefault("externalReferences", []).append({"type": t, "url": u})
        for e in sorted(f.extras):
            c.setdefault("properties", []).append({"name": "cdx:python:package:required-extra", "value": e})
    return doc


# --------------------------------------------------------------------------------------------
# Where validation time goes (in-process)
# --------------------------------------------------------------------------------------------


def count_iri_checks(doc: dict) -> int:
    """Strings the 1.6 schema checks as `iri-reference`: externalReferences[].url, wherever
    they are (components, metadata, services)."""
    n = 0

    def walk(node) -> None:
        nonlocal n
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "externalReferences" and isinstance(v, list):
                    n += sum(1 for r in v if isinstance(r, dict) and "url" in r)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    return n


def validation_breakdown(docs: dict[str, dict], repeat: int) -> dict:
    """In this process: JsonStrictValidator's schema load, then validate_str on each document
    with every format checker, without the iri checkers and without format checking."""
    try:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator
    except ImportError as exc:
        return {"skipped": f"cyclonedx-python-lib[json-validation] is not importable here: {exc}"}
    import jsonschema

    t0 = time.perf_counter()
    strict = JsonStrictValidator(SchemaVersion.from_version(SPEC))
    try:
        base = strict._validator  # the Draft7Validator it builds (schema + registry)
    except Exception as exc:  # noqa: BLE001 - private API, report instead of failing
        return {"skipped": f"JsonStrictValidator._validator unavailable: {exc}"}
    load_s = time.perf_counter() - t0
    fc = base.format_checker
    no_iri = copy.copy(fc)
    no_iri.checkers = {k: v for k, v in fc.checkers.items() if k not in IRI_FORMATS}
    variants = {
        "all formats (as installed)": base,
        "without iri/iri-reference": base.evolve(format_checker=no_iri),
        "no format checking": base.evolve(format_checker=None),
    }
    try:
        from rfc3986_validator import validate_rfc3986
    except ImportError:
        validate_rfc3986 = None
    if validate_rfc3986 is not None:
        # The regex-based RFC 3986 check jsonschema uses for `uri-reference`: ASCII only, so
        # not a full IRI check, but it is what `iri-reference` costs without a parser.
        regex_iri = copy.copy(fc)
        regex_iri.checkers = dict(no_iri.checkers)
        for name in IRI_FORMATS:
            rule = "URI_reference" if name == "iri-reference" else "URI"
            regex_iri.checkers[name] = (lambda inst, _r=rule: not isinstance(inst, str) or bool(validate_rfc3986(inst, rule=_r)), ())
        variants["iri-reference by rfc3986-validator regex"] = base.evolve(format_checker=regex_iri)
    try:
        # jsonschema checks `uniqueItems` (components, dependencies, ...) by comparing every
        # pair of items when they are objects: quadratic in the number of components.
        registry = base._registry
        no_unique = jsonschema.validators.extend(type(base), {"uniqueItems": None})
        variants["no format checking, no uniqueItems"] = no_unique(base.schema, registry=registry, format_checker=None)
    except Exception as exc:  # noqa: BLE001 - private attribute; the other variants still tell
        print(f"note: uniqueItems variants skipped: {exc}", file=sys.stderr)
    try:
        from hygiene.sbom.validate import _validator

        # hygiene's own validator: same schemas, its RFC 3987 regex for iri-reference and
        # uniqueItems by hashable keys (hygiene/sbom/validate.py).
        variants["hygiene's validator (hygiene.sbom.validate)"] = _validator(SPEC)
    except Exception as exc:  # noqa: BLE001 - private API; the other variants still tell
        print(f"note: hygiene's validator skipped: {exc}", file=sys.stderr)
    out: dict = {
        "schema_load_s": load_s,
        "iri_reference_checker": "iri-reference" in fc.checkers,
        "iri_checker_module": getattr(fc.checkers.get("iri-reference", (None,))[0], "__module__", None),
        "documents": {},
    }
    for label, doc in docs.items():
        row = {"iri_reference_checks": count_iri_checks(doc), "bytes": len(json.dumps(doc))}
        for vname, validator in variants.items():
            times, errors = [], None
            for _ in range(repeat):
                t = time.perf_counter()
                errors = sum(1 for _ in validator.iter_errors(doc))
                times.append(time.perf_counter() - t)
            row[vname] = {"median_s": med(times), "all_s": times, "errors": errors}
        out["documents"][label] = row
    return out


def hygiene_phases(python: str, case: Case, inputs: Path, repeat: int) -> dict:
    """`hygiene sbom`'s own time by phase (in one process, as the CLI does it)."""
    runs: list[dict] = []
    for _ in range(repeat):
        _, proc = run([python, "-c", PHASES_SNIPPET, case.entry, SPEC], cwd=inputs / case.name)
        if proc.returncode != 0:
            return {"skipped": f"phase timing failed (hygiene's internal API changed?): {proc.stderr.strip()[-500:]}"}
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {k: med([r[k] for r in runs]) for k in runs[0]}


def startup_costs(python: str, shim_dir: Path, repeat: int) -> dict:
    out = {}
    snippets = {
        "python -c pass": ("pass", False),
        "import jsonschema (as installed)": ("import jsonschema", False),
        "import jsonschema (rfc3987-syntax hidden)": ("import jsonschema", True),
        "import rfc3987_syntax": ("import rfc3987_syntax", False),
    }
    for label, (code, hide) in snippets.items():
        env = environment(hide, shim_dir)
        times = []
        for _ in range(repeat):
            t, proc = run([python, "-c", code], env=env)
            if proc.returncode != 0:
                times = []
                break
            times.append(t)
        out[label] = med(times)
    return out


# --------------------------------------------------------------------------------------------
# Machine
# --------------------------------------------------------------------------------------------


def machine() -> dict:
    return {"cpu": bench.cpu_model(), "usable_cores": bench.usable_cores(), "load_1min": bench.load_average(),
            "busy_at_start": bench.busy_fraction(), "python": platform.python_version(), "platform": platform.platform()}


def versions(cdx_cmd: list[str] | None) -> dict:
    out = {n: bench.package_version(n) for n in ("hygiene", "cyclonedx-python-lib", "jsonschema", "rfc3987-syntax", "rfc3987")}
    if cdx_cmd:
        proc = subprocess.run([*cdx_cmd, "--version"], capture_output=True, text=True, check=False)
        out["cyclonedx-bom"] = proc.stdout.strip() or None
        py = script_python(cdx_cmd)
        if py:
            code = ("from importlib import metadata as m\nfor n in ('cyclonedx-python-lib','jsonschema','rfc3987-syntax'):\n"
                    "    try: print(n, m.version(n))\n    except m.PackageNotFoundError: print(n, '-')")
            proc = subprocess.run([py, "-c", code], capture_output=True, text=True, check=False)
            out["cyclonedx-py environment"] = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    return out


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def time_case(case: Case, inputs: Path, cdx_cmd: list[str], hy_cmd: list[str], validator_py: str,
              repeat: int, mode: str, shim_dir: Path) -> dict:
    """Both tools end to end, each validating what it writes (cyclonedx-py with jsonschema and
    the formats installed, hygiene with its own validator), plus hygiene with --no-validate. Then,
    untimed, hygiene's output through cyclonedx-python-lib's JsonStrictValidator: the check that
    hygiene's validator did not let anything through."""
    env = environment(mode == "rfc3987-syntax hidden", shim_dir)
    folder = inputs / case.name
    outdir = OUT / "sboms" / mode.replace(" ", "-")
    outdir.mkdir(parents=True, exist_ok=True)
    cdx_out, hy_out = outdir / f"{case.name}.cyclonedx-py.json", outdir / f"{case.name}.hygiene.json"
    cdx = [*cdx_cmd, "requirements", case.entry, "--output-format", "JSON", "--spec-version", SPEC,
           "--validate", "-o", str(cdx_out)]
    hy = [*hy_cmd, "sbom", case.entry, "-o", str(hy_out), "--spec-version", SPEC]
    hy_nv = [*hy, "--no-validate"]
    val = [validator_py, "-c", VALIDATE_SNIPPET, str(hy_out), SPEC]
    labels = {"cyclonedx-py": cdx, "hygiene": hy, "hygiene --no-validate": hy_nv}
    res: dict = {"commands": {**{k: shlex.join(v) for k, v in labels.items()},
                              "cross-check": f"{validator_py} -c <JsonStrictValidator snippet> {hy_out} {SPEC}"},
                 "cwd": str(folder)}
    # Warm-up (page cache, .pyc) and a check that every command works.
    for label, cmd in labels.items():
        t, proc = run(cmd, env=env, cwd=folder)
        if proc.returncode != 0:
            res["error"] = f"{label} exited {proc.returncode}: {proc.stderr.strip()[-1500:]}"
            return res
    times: dict[str, list[float]] = {label: [] for label in labels}
    for i in range(repeat):
        for label, cmd in labels.items():
            t, proc = run(cmd, env=env, cwd=folder)
            if proc.returncode != 0:
                res["error"] = f"{label} run {i + 1} exited {proc.returncode}: {proc.stderr.strip()[-1500:]}"
                return res
            times[label].append(t)
        print(f"  [{mode}] {case.name} run {i + 1}/{repeat}: "
              + ", ".join(f"{k} {fmt_s(v[-1])}" for k, v in times.items()), file=sys.stderr)
    _, proc = run(val, env=env, cwd=folder)
    res["cross_check"] = "valid" if proc.returncode == 0 else proc.stderr.strip()[-500:]
    res.update({
        "times_s": times,
        "median": {k: med(v) for k, v in times.items()},
        "outputs": {"cyclonedx-py": str(cdx_out), "hygiene": str(hy_out)},
    })
    res["ratio"] = res["median"]["cyclonedx-py"] / res["median"]["hygiene"]
    res["ratio_without_validation"] = res["median"]["cyclonedx-py"] / res["median"]["hygiene --no-validate"]
    return res


def print_report(results: dict, markdown: bool) -> None:
    p = print
    m = results["machine"]
    p(f"\n## hygiene sbom vs cyclonedx-py requirements  (CycloneDX {SPEC}, JSON)\n")
    p(f"Machine: {m['cpu']}, {m['usable_cores']} usable cores, Python {m['python']}; "
      f"load {'n/a' if m['load_1min'] is None else format(m['load_1min'], '.2f')}, CPU busy at start "
      f"{'n/a' if m['busy_at_start'] is None else format(m['busy_at_start'], '.0%')}. Versions: "
      + ", ".join(f"{k} {v}" for k, v in results["versions"].items() if isinstance(v, str)))
    if "cyclonedx-py environment" in results["versions"]:
        p("cyclonedx-py's environment: " + ", ".join(f"{k} {v}" for k, v in results["versions"]["cyclonedx-py environment"].items()))
    p(f"Commit {results['git'].get('commit')}{' (dirty)' if results['git'].get('dirty') else ''}; "
      f"seed {results['seed']}; {results['repeat']} timed runs per tool, medians.\n")

    # Inputs and components
    if markdown:
        p("| Case | Input | Files | Req. lines | Pinned | Hashed | cyclonedx-py comps (purls) | hygiene comps | Only cyclonedx-py | Only hygiene | No purl in cyclonedx-py (of them in hygiene) |")
        p("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for name, c in results["cases"].items():
        s, cmp_ = c["input"], c.get("comparison")
        if cmp_ is None:
            p(f"{name}: {c.get('error', 'not compared')}")
            continue
        cells = [name, c["what"], s["files"], s["requirement_lines"], s["pinned_lines"], s["hashed_lines"],
                 f"{cmp_['cyclonedx_py_components']} ({cmp_['cyclonedx_py_distinct_purls']})",
                 cmp_["hygiene_components"], len(cmp_["only_cyclonedx_py"]), len(cmp_["only_hygiene"]),
                 f"{len(cmp_['cyclonedx_py_without_purl'])} "
                 f"({sum(1 for x in cmp_['cyclonedx_py_without_purl'] if x['in hygiene'])} in hygiene)"]
        if markdown:
            p("| " + " | ".join(map(str, cells)) + " |")
        else:
            p(f"{name:9} {c['what']}")
            p(f"          {s['files']} file(s), {s['requirement_lines']} requirement lines "
              f"({s['pinned_lines']} pinned, {s['hashed_lines']} hashed), {s['physical_lines']} physical lines")
            p(f"          cyclonedx-py {cmp_['cyclonedx_py_components']} components ({cmp_['cyclonedx_py_distinct_purls']} distinct purls, "
              f"{len(cmp_['cyclonedx_py_without_purl'])} without purl, "
              f"{sum(1 for x in cmp_['cyclonedx_py_without_purl'] if x['in hygiene'])} of them in hygiene), hygiene {cmp_['hygiene_components']}; "
              f"only cyclonedx-py {len(cmp_['only_cyclonedx_py'])}, only hygiene {len(cmp_['only_hygiene'])}")

    # Differences
    p("\n### Data cyclonedx-py has and hygiene lacks (per component, matched by purl)\n")
    kinds = ["name", "version", "purl-qualifiers", "hashes", "external-references", "extras", "line", "name-spelling"]
    if markdown:
        p("| Case | " + " | ".join(kinds) + " |")
        p("|---|" + "--:|" * len(kinds))
    for name, c in results["cases"].items():
        cmp_ = c.get("comparison")
        if not cmp_:
            continue
        counts = [len(cmp_["differences"][k]) for k in kinds]
        if markdown:
            p(f"| {name} | " + " | ".join(map(str, counts)) + " |")
        else:
            p(f"{name:9} " + ", ".join(f"{k} {n}" for k, n in zip(kinds, counts)))
    p("\n(name-spelling: the same PEP 503 name written differently, e.g. `Typing_Extensions` vs "
      "`typing-extensions`; not a loss of information.)")
    for name, c in results["cases"].items():
        cmp_ = c.get("comparison")
        if not cmp_:
            continue
        lines = []
        for key in cmp_["only_cyclonedx_py"][:5]:
            lines.append(f"  only cyclonedx-py: {key}")
        for key in cmp_["only_hygiene"][:5]:
            lines.append(f"  only hygiene: {key}")
        for m in cmp_["matched_by_name_and_line"][:3]:
            lines.append(f"  matched by name and line (purls differ): {m}")
        for comp in cmp_["cyclonedx_py_without_purl"][:4]:
            lines.append(f"  cyclonedx-py, no purl: {comp['name']!r} {comp['description']!r} refs {comp['externalReferences']}"
                         f" -> hygiene: {comp['in hygiene'] or 'MISSING'}")
        for kind in kinds:
            d = cmp_["differences"][kind]
            for ex in d[:2]:
                lines.append(f"  {kind} ({len(d)}): {ex[:220]}")
        if cmp_["missing_external_references_by_kind"]:
            lines.append("  missing external references by kind: " + ", ".join(
                f"{k}: {v}" for k, v in sorted(cmp_["missing_external_references_by_kind"].items())))
        if lines:
            p(f"\n{name}:" if not markdown else f"\n**{name}**\n\n```")
            for line in lines:
                p(line)
            if markdown:
                p("```")

    # Timing
    for mode, per_case in results["timing"].items():
        info = results["iri_checker"].get(mode, {})
        p(f"\n### Time, {mode}  (iri-reference checker: hygiene's validator {info.get('validator')}, "
          f"cyclonedx-py {info.get('cyclonedx-py')})\n")
        if markdown:
            p("| Case | cyclonedx-py | hygiene | hygiene --no-validate | Ratio | Ratio vs --no-validate | ≥ 10× | hygiene's SBOM by JsonStrictValidator |")
            p("|---|--:|--:|--:|--:|--:|:-:|---|")
        for name, r in per_case.items():
            if "error" in r:
                p(f"{name}: {r['error']}")
                continue
            md = r["median"]
            ok = "yes" if r["ratio"] >= TARGET_RATIO else "**no**" if markdown else "NO"
            if markdown:
                p(f"| {name} | {fmt_s(md['cyclonedx-py'])} | {fmt_s(md['hygiene'])} | {fmt_s(md['hygiene --no-validate'])} | "
                  f"{r['ratio']:.1f}× | {r['ratio_without_validation']:.1f}× | {ok} | {r['cross_check']} |")
            else:
                p(f"{name:9} cyclonedx-py {fmt_s(md['cyclonedx-py']):>8}   hygiene {fmt_s(md['hygiene']):>7} "
                  f"(--no-validate {fmt_s(md['hygiene --no-validate']):>7})   ratio {r['ratio']:5.1f}x "
                  f"(vs --no-validate {r['ratio_without_validation']:.1f}x)  >=10x: {ok}  JsonStrictValidator: {r['cross_check']}")

    # Where time goes
    st = results.get("startup", {})
    if st:
        p("\n### Where the time goes\n")
        p("Interpreter start-up and imports (separate processes, median): " + "; ".join(
            f"{k} {fmt_s(v)}" for k, v in st.items()))
    ph = results.get("hygiene_phases", {})
    if ph:
        p("\n`hygiene sbom` by phase (in one process, median): ")
        for name, row in ph.items():
            if "skipped" in row:
                p(f"  {name}: {row['skipped']}")
            else:
                p(f"  {name:9} " + "; ".join(f"{k} {fmt_s(v)}" for k, v in row.items()))
    br = results.get("validation_breakdown", {})
    if br.get("skipped"):
        p(f"\nValidation breakdown skipped: {br['skipped']}")
    elif br:
        p(f"\nIn-process validation (jsonschema, CycloneDX {SPEC} strict schema): schema load "
          f"{fmt_s(br['schema_load_s'])}; iri-reference checker here: {br['iri_reference_checker']} "
          f"({br['iri_checker_module']}).\n")
        cols = ["all formats (as installed)", "without iri/iri-reference", "iri-reference by rfc3986-validator regex",
                "no format checking", "no format checking, no uniqueItems", "hygiene's validator (hygiene.sbom.validate)"]
        cols = [c for c in cols if all(c in row for row in br["documents"].values())]
        if markdown:
            p("| Document | iri-reference checks | " + " | ".join(cols) + " |")
            p("|---|--:|" + "--:|" * len(cols))
        for label, row in br["documents"].items():
            cells = [fmt_s(row[c]["median_s"]) + ("" if not row[c]["errors"] else f" ({row[c]['errors']} errors)") for c in cols]
            if markdown:
                p(f"| {label} | {row['iri_reference_checks']} | " + " | ".join(cells) + " |")
            else:
                p(f"  {label:46} iri checks {row['iri_reference_checks']:5}   " + "   ".join(f"{c}: {x}" for c, x in zip(cols, cells)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per tool and case (default 5)")
    ap.add_argument("--seed", type=int, default=0, help="random seed for the inputs (default 0)")
    ap.add_argument("--locked", type=int, default=750, help="requirements in the big lockfile (default 750)")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("--hygiene", metavar="CMD", help="hygiene command (default: beside this Python, PATH, python -m hygiene)")
    ap.add_argument("--cyclonedx-py", dest="cdx", metavar="PATH", help="cyclonedx-py executable (default: beside this Python, then PATH)")
    ap.add_argument("--validator-python", metavar="PATH", default=sys.executable,
                    help="Python with cyclonedx-python-lib[json-validation] that validates hygiene's output (default: this one)")
    ap.add_argument("--modes", choices=("both", "installed", "hidden"), default="both",
                    help="time with rfc3987-syntax as installed, hidden, or both (default)")
    ap.add_argument("--cases", help="comma-separated subset of locked,ranges,urls,includes")
    args = ap.parse_args(argv)

    cdx_cmd = find_tool("cyclonedx-py", args.cdx)
    if cdx_cmd is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    hy_cmd = bench.hygiene_command(args.hygiene)

    cases = make_cases(args.seed, args.locked)
    if args.cases:
        wanted = set(args.cases.split(","))
        cases = [c for c in cases if c.name in wanted]
    inputs = OUT / "inputs"
    write_cases(cases, inputs)
    shim_dir = Path(tempfile.mkdtemp(prefix="sbom-compare-shim-"))
    (shim_dir / "rfc3987_syntax.py").write_text(SHIM, "utf-8")

    modes = {"both": ["as installed", "rfc3987-syntax hidden"], "installed": ["as installed"],
             "hidden": ["rfc3987-syntax hidden"]}[args.modes]
    cdx_python = script_python(cdx_cmd) or sys.executable
    host = machine()  # samples the CPU before anything runs
    busy = host["busy_at_start"]
    if busy is not None and busy > 0.2:
        print(f"warning: the CPUs were {busy:.0%} busy before the benchmark started; timings will be noisy",
              file=sys.stderr)
    results: dict = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": args.seed, "repeat": args.repeat, "machine": host, "versions": versions(cdx_cmd),
        "git": bench.git_info(), "cases": {}, "timing": {}, "iri_checker": {},
    }
    for mode in modes:
        env = environment(mode == "rfc3987-syntax hidden", shim_dir)
        results["iri_checker"][mode] = {"validator": has_iri_checker(args.validator_python, env),
                                        "cyclonedx-py": has_iri_checker(cdx_python, env)}
        results["timing"][mode] = {}
        for case in cases:
            results["timing"][mode][case.name] = time_case(case, inputs, cdx_cmd, hy_cmd, args.validator_python,
                                                           args.repeat, mode, shim_dir)

    docs: dict[str, dict] = {}
    for case in cases:
        entry: dict = {"what": case.what, "entry": f"{case.name}/{case.entry}", "input": case.stats()}
        r = results["timing"][modes[0]][case.name]
        if "error" in r:
            entry["error"] = r["error"]
        else:
            cdx_doc = json.loads(Path(r["outputs"]["cyclonedx-py"]).read_text("utf-8"))
            hy_doc = json.loads(Path(r["outputs"]["hygiene"]).read_text("utf-8"))
            entry["comparison"] = compare(cdx_doc, hy_doc)
            docs[f"{case.name}: hygiene"] = hy_doc
            docs[f"{case.name}: cyclonedx-py"] = cdx_doc
            docs[f"{case.name}: hygiene + cyclonedx-py's extra data"] = with_cdx_data(cdx_doc, hy_doc)
        results["cases"][case.name] = entry

    print("timing interpreter start-up and validation in-process ...", file=sys.stderr)
    results["startup"] = startup_costs(args.validator_python, shim_dir, max(3, args.repeat))
    results["validation_breakdown"] = validation_breakdown(docs, max(1, min(3, args.repeat)))
    hy_python = script_python(hy_cmd) if hy_cmd[0] != sys.executable else sys.executable
    results["hygiene_phases"] = {c.name: hygiene_phases(hy_python or sys.executable, c, inputs, max(1, min(3, args.repeat)))
                                 for c in cases}
    shutil.rmtree(shim_dir, ignore_errors=True)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", "utf-8")
    print_report(results, args.markdown)
    print(f"\nRaw results: {OUT / 'results.json'}; inputs in {inputs}; SBOMs in {OUT / 'sboms'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
