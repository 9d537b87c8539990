#!/usr/bin/env python3
"""Generate a large, deterministic, realistic-looking repository of pip requirements files.

    python benchmarks/generate_repo.py OUT_DIR [--files 2000] [--requirements 100000] [--seed 0]

The repository has the shape of a big monorepo:

* ``constraints.txt``                       one shared constraints file (exact pins, no hashes)
* ``requirements/<name>.txt``               shared requirement sets (``base``, ``test``, ``docs``...)
* ``services/<svc>/requirements.txt``       mostly ``pip-compile --generate-hashes`` output
* ``services/<svc>/requirements-dev.txt``   mostly hand-written, loose, ``-r requirements.txt``

Exactly ``--requirements`` logical requirement lines are written across exactly ``--files``
files, and exactly half of them (``requirements // 2``) are pinned with ``==`` and carry 1-3
``--hash=sha256:`` options, written as pip-compile writes them (backslash continuations,
4-space indent, ``# via`` comments). The other half mixes ``==`` without hash, ranges
(``>=1.2,<2``), ``~=``, bare names, extras and environment markers. Hashed ("hash-mode") files
are all-hashed like real pip-compile output; plain files carry no hash at all; a few files are
mixed (a lockfile with hand-added, unhashed lines). ``-r``/``-c`` lines and option lines
(``--index-url``, ...) are not counted as requirement lines.

The same arguments always produce byte-identical output (``random.Random(seed)``, no set or
dict-order dependence, no timestamps). A summary is printed and also written to
``OUT_DIR/.bench-repo.json`` so ``run.py`` can tell which parameters a repository was built with.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Real, popular PyPI project names (~300). Suffixed variants are derived from them to give the
# generator a pool large enough that a big lockfile never has to repeat a name.
BASE_NAMES = """
aiobotocore aiofiles aiohttp aiosignal alabaster alembic amqp aniso8601 annotated-types anyio
appdirs argcomplete argon2-cffi arrow asgiref asn1crypto astroid asttokens async-timeout
attrs authlib autopep8 avro babel backcall backoff bcrypt beautifulsoup4 billiard black bleach
blinker boto3 botocore bottle build cachecontrol cachetools celery certifi cffi cfgv chardet
charset-normalizer cleo click click-didyoumean click-plugins click-repl cloudpickle colorama
coloredlogs comm contourpy coverage crashtest croniter cryptography cycler cython dask
databricks-sql-connector dataclasses-json datadog debugpy decorator defusedxml deprecated
dill distlib distro dnspython docker docutils dulwich ecdsa elasticsearch email-validator
entrypoints et-xmlfile exceptiongroup execnet executing factory-boy faker fastapi fastjsonschema
filelock flake8 flask flask-cors flask-sqlalchemy flatbuffers fonttools freezegun frozenlist
fsspec future gast gevent gitdb gitpython google-api-core google-api-python-client google-auth
google-auth-httplib2 google-auth-oauthlib google-cloud-bigquery google-cloud-core
google-cloud-storage google-crc32c google-pasta google-resumable-media googleapis-common-protos
greenlet grpcio grpcio-status grpcio-tools gunicorn h11 h2 h5py hpack httpcore httplib2 httpx
huggingface-hub humanfriendly hyperframe identify idna imageio imagesize importlib-metadata
importlib-resources iniconfig ipykernel ipython ipywidgets isodate isort itsdangerous jaraco-classes
jedi jeepney jinja2 jmespath joblib jsonpatch jsonpointer jsonschema jsonschema-specifications
jupyter-client jupyter-core jupyterlab-widgets keras keyring kiwisolver kombu kubernetes
lazy-object-proxy libclang lightgbm llvmlite lxml mako markdown markdown-it-py markupsafe
marshmallow matplotlib matplotlib-inline mccabe mdurl mock more-itertools moto msal msgpack
multidict multiprocess mypy mypy-extensions nest-asyncio networkx nltk nodeenv numba numpy
oauthlib openpyxl opentelemetry-api opentelemetry-sdk opt-einsum orjson oscrypto packaging
pandas paramiko parso pathspec pbr pendulum pexpect pickleshare pillow pip-tools pkginfo
pkgutil-resolve-name platformdirs pluggy ply poetry-core portalocker pre-commit prometheus-client
prompt-toolkit proto-plus protobuf psutil psycopg2 psycopg2-binary ptyprocess pure-eval py
pyarrow pyasn1 pyasn1-modules pycodestyle pycparser pycryptodome pydantic pydantic-core
pyflakes pygments pyjwt pylint pymysql pynacl pyodbc pyopenssl pyparsing pyproject-hooks
pyrsistent pysocks pytest pytest-asyncio pytest-cov pytest-mock pytest-xdist python-dateutil
python-dotenv python-json-logger pytz pywavelets pyyaml pyzmq redis referencing regex requests
requests-aws4auth requests-oauthlib requests-toolbelt responses rfc3339-validator rich rpds-py
rsa ruamel-yaml ruff s3fs s3transfer scikit-learn scipy scramp seaborn secretstorage
semver sentry-sdk setuptools setuptools-scm shapely shellingham simplejson six smart-open
smmap sniffio snowflake-connector-python sortedcontainers soupsieve sphinx sphinx-rtd-theme
sqlalchemy sqlparse stack-data starlette statsmodels structlog sympy tabulate tenacity
tensorboard tensorflow termcolor threadpoolctl tinycss2 tokenizers toml tomli tomlkit toolz
torch tornado tox tqdm traitlets transformers trove-classifiers typer types-pyyaml
types-requests typing-extensions typing-inspect tzdata tzlocal ujson urllib3 uvicorn
uvloop vine virtualenv waitress watchdog wcwidth webencodings websocket-client websockets
werkzeug wheel widgetsnbextension wrapt xgboost xlrd xmltodict yarl zipp zope-interface
""".split()

SUFFIXES = ("utils", "client", "core", "plugin", "sdk", "tools", "ext", "compat", "stubs")
ORG_PREFIXES = ("acme", "contoso", "initech")
EXTRAS = {
    "uvicorn": "standard", "celery": "redis", "requests": "socks", "fastapi": "all",
    "pydantic": "email", "sqlalchemy": "asyncio", "boto3": "crt", "black": "jupyter",
    "coverage": "toml", "psycopg2": "pool", "dask": "dataframe", "httpx": "http2",
    "moto": "s3", "sentry-sdk": "flask", "gunicorn": "gevent", "pytest-cov": "toml",
}
MARKERS = (
    'python_version < "3.11"',
    'python_version >= "3.9"',
    'sys_platform == "linux"',
    'sys_platform == "win32"',
    'platform_machine == "x86_64"',
    'implementation_name == "cpython"',
    'os_name == "posix"',
)
SHARED_SET_NAMES = (
    "base", "prod", "dev", "test", "docs", "lint", "typing", "ci", "release", "bench",
    "notebooks", "ml", "etl", "api", "worker", "cli", "integration", "e2e", "security", "tools",
)
SERVICE_WORDS = (
    "auth", "billing", "catalog", "checkout", "search", "ingest", "notify", "orders", "payments",
    "profile", "ranking", "reports", "gateway", "inventory", "ledger", "media", "metrics",
    "pricing", "scheduler", "shipping", "tagging", "users", "web", "export", "audit",
)


@dataclass
class FilePlan:
    path: str  # POSIX, root-relative
    kind: str  # "constraints" | "shared" | "service" | "service-dev"
    size: int = 0  # logical requirement lines
    hashed: int = 0  # of which pinned + hashed
    includes: list[str] = field(default_factory=list)  # "-r ..." / "-c ..." lines

    @property
    def mode(self) -> str:
        if self.hashed == 0:
            return "plain"
        return "hashed" if self.hashed == self.size else "mixed"


def name_pool() -> list[str]:
    pool = list(BASE_NAMES)
    pool += [f"{n}-{s}" for n in BASE_NAMES for s in SUFFIXES]
    pool += [f"{p}-{n}" for p in ORG_PREFIXES for n in BASE_NAMES]
    return pool


def version(rng: random.Random) -> str:
    major = rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 10, 23, 24))
    minor = rng.randrange(0, 30)
    if rng.random() < 0.15:
        return f"{major}.{minor}"
    return f"{major}.{minor}.{rng.randrange(0, 20)}"


def sha256(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


# --------------------------------------------------------------------------------------------
# Planning: which files exist, how many requirements each holds, how many of those are hashed.
# --------------------------------------------------------------------------------------------


def plan_files(rng: random.Random, n_files: int) -> list[FilePlan]:
    if n_files == 1:
        return [FilePlan("requirements.txt", "shared")]
    plans = [FilePlan("constraints.txt", "constraints")]
    n_shared = min(n_files - 1, max(1, round(n_files * 0.05)))
    for i in range(n_shared):
        base = SHARED_SET_NAMES[i % len(SHARED_SET_NAMES)]
        name = base if i < len(SHARED_SET_NAMES) else f"{base}-{i // len(SHARED_SET_NAMES)}"
        plans.append(FilePlan(f"requirements/{name}.txt", "shared"))
    remaining = n_files - len(plans)
    svc = 0
    while remaining > 0:
        word = SERVICE_WORDS[svc % len(SERVICE_WORDS)]
        name = f"{word}-{svc // len(SERVICE_WORDS):03d}"
        plans.append(FilePlan(f"services/{name}/requirements.txt", "service"))
        remaining -= 1
        if remaining > 0:
            plans.append(FilePlan(f"services/{name}/requirements-dev.txt", "service-dev"))
            remaining -= 1
        svc += 1
    return plans


def assign_sizes(rng: random.Random, plans: list[FilePlan], total: int) -> None:
    """Split `total` requirement lines over the files, exactly, with a realistic spread:
    lockfiles are long, dev files are short, shared sets are in between."""
    weight_range = {
        "constraints": (8.0, 8.0),
        "shared": (0.3, 1.5),
        "service": (0.8, 2.2),
        "service-dev": (0.05, 0.4),
    }
    weights = [rng.uniform(*weight_range[p.kind]) for p in plans]
    wsum = sum(weights)
    raw = [w / wsum * total for w in weights]
    sizes = [int(r) for r in raw]
    # Largest remainder, ties broken by index: deterministic and exact.
    order = sorted(range(len(plans)), key=lambda i: (-(raw[i] - sizes[i]), i))
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    # Every file gets at least one requirement when there are enough to go round.
    if total >= len(plans):
        for i, s in enumerate(sizes):
            if s == 0:
                donor = max(range(len(sizes)), key=lambda j: (sizes[j], -j))
                sizes[donor] -= 1
                sizes[i] = 1
    for p, s in zip(plans, sizes):
        p.size = s
    assert sum(p.size for p in plans) == total


def assign_hashes(rng: random.Random, plans: list[FilePlan], target: int) -> None:
    """Choose which lines are hashed so that exactly `target` are: most lockfiles all-hashed,
    dev files and constraints plain, a few mixed files."""
    candidates = [p for p in plans if p.kind != "constraints" and p.size > 0]
    # A few mixed files: a pip-compile lockfile with some hand-added, unhashed lines.
    mixed = [p for p in candidates if p.size >= 4 and rng.random() < 0.03]
    for p in mixed:
        p.hashed = max(1, min(p.size - 1, round(p.size * rng.uniform(0.6, 0.95))))
    budget = target - sum(p.hashed for p in mixed)
    preference = {"service": 0.0, "shared": 0.35, "service-dev": 0.75}
    rest = [p for p in candidates if p not in mixed]
    rest.sort(key=lambda p: preference[p.kind] + rng.random() * 0.5)
    for p in rest:
        if p.size <= budget:
            p.hashed = p.size
            budget -= p.size
    # Close the gap exactly: top up mixed files, then turn plain files into mixed ones.
    if budget > 0:
        for p in mixed + [p for p in rest if p.hashed == 0]:
            if budget == 0:
                break
            room = p.size - p.hashed
            if p.hashed == 0 and p.size > 1:
                room = p.size - 1  # keep it mixed rather than flipping it to all-hashed
            take = min(room, budget)
            p.hashed += take
            budget -= take
    if budget > 0:  # tiny repositories: anything goes, constraints included
        for p in plans:
            take = min(p.size - p.hashed, budget)
            p.hashed += take
            budget -= take
    while budget < 0:  # only possible when mixed files alone overshoot the target
        p = max((p for p in plans if p.hashed > 0), key=lambda p: (p.hashed, p.path))
        take = min(p.hashed, -budget)
        p.hashed -= take
        budget += take
    assert sum(p.hashed for p in plans) == target


def assign_includes(rng: random.Random, plans: list[FilePlan]) -> None:
    by_path = {p.path for p in plans}
    shared = sorted(p.path for p in plans if p.kind == "shared")
    has_constraints = "constraints.txt" in by_path
    for p in plans:
        depth = p.path.count("/")
        up = "../" * depth
        if p.kind == "service-dev":
            sibling = p.path.rsplit("/", 1)[0] + "/requirements.txt"
            if sibling in by_path and rng.random() < 0.7:
                p.includes.append("-r requirements.txt")
            if shared and rng.random() < 0.2:
                p.includes.append(f"-r {up}{rng.choice(shared)}")
        elif p.kind == "shared" and p.mode == "plain":
            if "requirements/base.txt" in by_path and p.path != "requirements/base.txt":
                if rng.random() < 0.5:
                    p.includes.append("-r base.txt")
        elif p.kind == "service" and p.mode == "plain" and shared and rng.random() < 0.3:
            p.includes.append(f"-r {up}{rng.choice(shared)}")
        if has_constraints and p.kind != "constraints" and p.mode != "hashed":
            if rng.random() < 0.05:
                p.includes.append(f"-c {up}constraints.txt")


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def pick_names(rng: random.Random, pool: list[str], n: int) -> list[str]:
    """`n` distinct names, the real (un-suffixed) ones much more likely."""
    n_base = len(BASE_NAMES)
    chosen: list[str] = []
    seen: set[str] = set()
    if n > len(pool):  # absurdly large file: allow numbered variants
        extra = [f"{pool[i % len(pool)]}-{i // len(pool)}" for i in range(len(pool), n)]
        pool = pool + extra
    while len(chosen) < n:
        if rng.random() < 0.6:
            name = BASE_NAMES[rng.randrange(n_base)]
        else:
            name = pool[rng.randrange(len(pool))]
        if name not in seen:
            seen.add(name)
            chosen.append(name)
        elif len(seen) > 0.9 * len(pool):  # sampling is getting slow: sweep instead
            for name in pool:
                if len(chosen) == n:
                    break
                if name not in seen:
                    seen.add(name)
                    chosen.append(name)
    return chosen


def display_name(rng: random.Random, name: str) -> str:
    # People write names in every case and with underscores; normalisation is the tool's job.
    r = rng.random()
    if r < 0.05:
        return name.replace("-", "_")
    if r < 0.08:
        return name.title()
    return name


def hashed_requirement(rng: random.Random, name: str, all_names: list[str], infile: str) -> list[str]:
    """One pip-compile --generate-hashes entry, as physical lines."""
    head = f"{name}=={version(rng)}"
    if name in EXTRAS and rng.random() < 0.3:
        head = f"{name}[{EXTRAS[name]}]=={version(rng)}"
    if rng.random() < 0.06:
        head += f" ; {rng.choice(MARKERS)}"
    hashes = [sha256(rng) for _ in range(rng.choice((1, 2, 2, 2, 3, 3)))]
    lines = [head + " \\"]
    for i, h in enumerate(hashes):
        lines.append(f"    --hash=sha256:{h}" + (" \\" if i < len(hashes) - 1 else ""))
    vias = rng.choice((0, 1, 1, 1, 2, 3))
    if vias == 0:
        lines.append(f"    # via -r {infile}")
    elif vias == 1:
        lines.append(f"    # via {rng.choice(all_names)}")
    else:
        lines.append("    # via")
        for v in sorted({rng.choice(all_names) for _ in range(vias)}):
            lines.append(f"    #   {v}")
        if rng.random() < 0.3:
            lines.append(f"    #   -r {infile}")
    return lines


def plain_requirement(rng: random.Random, name: str) -> str:
    shown = display_name(rng, name)
    r = rng.random()
    if r < 0.35:
        spec = f"=={version(rng)}"
    elif r < 0.55:
        major = rng.randrange(0, 6)
        spec = f">={major}.{rng.randrange(0, 20)},<{major + 1}"
    elif r < 0.65:
        spec = f"~={version(rng)}"
    elif r < 0.72:
        spec = f">={version(rng)}"
    elif r < 0.75:
        spec = f"!={version(rng)}"
    elif r < 0.77:
        spec = f"<{version(rng)}"
    elif r < 0.79:
        spec = f"=={rng.randrange(0, 5)}.{rng.randrange(0, 20)}.*"
    else:
        spec = ""  # bare name
    if name in EXTRAS and rng.random() < 0.4:
        shown = f"{shown}[{EXTRAS[name]}]"
    line = f"{shown}{spec}"
    if rng.random() < 0.08:
        line += f"; {rng.choice(MARKERS)}"
    if rng.random() < 0.04:
        line += "  # " + rng.choice(("pinned for compat", "TODO: pin", "see ADR-12", "keep in sync"))
    return line


def render(rng: random.Random, plan: FilePlan, pool: list[str]) -> str:
    names = pick_names(rng, pool, plan.size)
    infile = plan.path.rsplit("/", 1)[-1].replace(".txt", ".in")
    out: list[str] = []
    if plan.mode in ("hashed", "mixed"):
        out += [
            "#",
            "# This file is autogenerated by pip-compile with Python 3.11",
            "# by the following command:",
            "#",
            f"#    pip-compile --generate-hashes --output-file={plan.path.rsplit('/', 1)[-1]} {infile}",
            "#",
        ]
        if rng.random() < 0.15:
            out.append("--index-url https://pypi.org/simple")
        out.append("")
        out += plan.includes
        hashed_names = sorted(names[: plan.hashed])
        for name in hashed_names:
            out += hashed_requirement(rng, name, names, infile)
        if plan.mode == "mixed":
            out += ["", "# added by hand, not (yet) recompiled"]
            out += [plain_requirement(rng, n) for n in names[plan.hashed :]]
    else:
        if plan.kind == "constraints":
            out += ["# Organisation-wide pins. Used with -c by a few services.", ""]
            for name in sorted(names):
                out.append(f"{name}=={version(rng)}")
            return "\n".join(out) + "\n"
        if rng.random() < 0.05:
            out.append("--index-url https://pypi.org/simple")
        if rng.random() < 0.01:
            out.append("--extra-index-url https://download.pytorch.org/whl/cpu")
        out += plan.includes
        if out:
            out.append("")
        for i, name in enumerate(names):
            if i and rng.random() < 0.04:
                out += ["", f"# {rng.choice(('runtime', 'testing', 'tooling', 'optional', 'pinned by infra'))}"]
            out.append(plain_requirement(rng, name))
    return "\n".join(out) + "\n"


def generate(out_dir: Path, n_files: int, n_requirements: int, seed: int) -> dict:
    if n_files < 1:
        raise SystemExit("--files must be at least 1")
    if n_requirements < 0:
        raise SystemExit("--requirements must not be negative")
    rng = random.Random(seed)
    plans = plan_files(rng, n_files)
    assign_sizes(rng, plans, n_requirements)
    assign_hashes(rng, plans, n_requirements // 2)
    assign_includes(rng, plans)
    pool = name_pool()

    out_dir.mkdir(parents=True, exist_ok=True)
    physical = size = 0
    modes = {"hashed": 0, "plain": 0, "mixed": 0}
    for plan in plans:
        text = render(rng, plan, pool)
        data = text.encode("utf-8")
        target = out_dir / plan.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        physical += text.count("\n")
        size += len(data)
        modes[plan.mode] += 1
    summary = {
        "generator": "benchmarks/generate_repo.py",
        "seed": seed,
        "files": len(plans),
        "requirement_lines": sum(p.size for p in plans),
        "hashed_requirement_lines": sum(p.hashed for p in plans),
        "physical_lines": physical,
        "bytes": size,
        "files_by_mode": modes,
        "include_lines": sum(len(p.includes) for p in plans),
    }
    (out_dir / ".bench-repo.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path, help="directory to write the repository into")
    ap.add_argument("--files", type=int, default=2000, help="number of requirements files (default 2000)")
    ap.add_argument("--requirements", type=int, default=100_000,
                    help="total logical requirement lines (default 100000)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--force", action="store_true",
                    help="write even if OUT_DIR is a non-empty directory not made by this script")
    args = ap.parse_args(argv)

    out: Path = args.out_dir
    if out.exists() and any(out.iterdir()) and not (out / ".bench-repo.json").exists() and not args.force:
        print(f"error: {out} is not empty and was not made by this generator (use --force)", file=sys.stderr)
        return 2
    if (out / ".bench-repo.json").exists():
        # Regenerating over an older repository: remove what the previous run wrote so files
        # from a bigger earlier run do not linger.
        for path in sorted(out.rglob("*.txt"), reverse=True):
            path.unlink()
        for d in sorted((p for p in out.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            if not any(d.iterdir()):
                d.rmdir()
    s = generate(out, args.files, args.requirements, args.seed)
    print(f"wrote {out}{os.sep}")
    print(f"  files              {s['files']:>12,}  "
          f"(hashed {s['files_by_mode']['hashed']:,}, plain {s['files_by_mode']['plain']:,}, "
          f"mixed {s['files_by_mode']['mixed']:,})")
    print(f"  requirement lines  {s['requirement_lines']:>12,}  (hashed {s['hashed_requirement_lines']:,})")
    print(f"  -r / -c lines      {s['include_lines']:>12,}")
    print(f"  physical lines     {s['physical_lines']:>12,}")
    print(f"  bytes              {s['bytes']:>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
