#!/usr/bin/env python3
"""Generate a deterministic corpus of GitHub Actions workflows and Dockerfiles for comparing
hygiene's pinning rules with zizmor and hadolint.

    python benchmarks/pinning_corpus.py OUT_DIR [--workflows 200] [--dockerfiles 200]
                                                [--repos 40] [--seed 0]

The corpus is a folder of ``--repos`` small repositories, ``repo-000/`` …, each with a few
``.github/workflows/*.yml`` files, sometimes a composite or Docker action under
``.github/actions/``, one or more Dockerfiles (``Dockerfile``, ``docker/<svc>/Dockerfile``,
``Dockerfile.dev``) and, where a Dockerfile installs one, a ``requirements.txt`` (hashed or not).
Exactly ``--workflows`` workflow files and ``--dockerfiles`` Dockerfiles are written. They use
the forms found in real repositories, pinned and unpinned:

* workflows: ``uses:`` with a major tag, a full tag, a branch, a short commit id, a full commit
  id with or without a ``# vX.Y.Z`` comment, sub-path actions, local actions, ``docker://``
  images, reusable workflows (remote and local), job ``container:`` as a string or a mapping,
  ``services:``, images taken from a literal ``strategy.matrix`` (values and ``include``), and
  ``run:`` steps (one line or a ``|`` block) with pip/uv/pipx, npm/npx/yarn/pnpm, gem, go,
  cargo, apt-get/apk, and ``curl | sh``-style downloads, each pinned or not;
* Dockerfiles: ``# syntax`` directives, ``ARG`` defaults used in ``FROM``, multi-stage builds,
  ``scratch``, ``--platform``, ``COPY --from`` a stage or an image, ``RUN --mount`` caches,
  ``RUN`` chains with ``&& \\`` continuations, heredocs, ``ADD <url>`` with and without
  ``--checksum``, Git ``ADD`` sources.

``tricky/<case>/`` holds hand-written cases, each in its own folder, that exercise known blind
spots of one tool or another (see ``TRICKY`` below: hadolint not substituting ``ARG`` in
``FROM``, matrix expressions, ``sudo pip install``, ``bash -c "curl … | sh"``, ``python -m pip``,
a heredoc hadolint cannot parse, …). Nothing is copied from anywhere: every file is written by
this script.

Next to the files the generator writes, for every line, what hygiene's rule catalogue says
must be reported there, as comparison categories (``action-ref``, ``image-digest``,
``image-tag``, ``pip-pin``, ``npm-pin``, ``gem-pin``, ``go-pin``, ``cargo-pin``, ``os-package``,
``download-exec``, ``add-url``, and ``skipped`` for expressions hygiene must list as not
judged). ``compare_pinning.py`` uses that as an oracle for hygiene, next to the peers' output.

The same arguments always produce byte-identical files (``random.Random(seed)``, no set or
dict-order dependence, no timestamps). ``OUT_DIR/.corpus.json`` holds the parameters and counts,
``OUT_DIR/.corpus-expected.json`` the expected findings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULTS = {"workflows": 200, "dockerfiles": 200, "repos": 40, "seed": 0}

# Comparison category -> the hygiene rule that reports it (image-tag is a subset of HY111:
# images with no tag at all or the floating `latest` tag, the only case hadolint reports).
CATEGORY_RULE = {
    "action-ref": "HY110",
    "image-digest": "HY111",
    "image-tag": "HY111",
    "pip-pin": "HY112",
    "npm-pin": "HY112",
    "gem-pin": "HY112",
    "go-pin": "HY112",
    "cargo-pin": "HY112",
    "download-exec": "HY113",
    "os-package": "HY114",
    "add-url": "HY118",
    "skipped": "-",
}

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

# (action, major tag, full tag, branch). Names of real, popular actions; refs are plausible but
# the commit ids below are random: nothing is resolved, every tool under test works offline.
FIRST_PARTY_ACTIONS = (
    ("actions/checkout", "v4", "v4.2.2", "main"),
    ("actions/setup-python", "v5", "v5.3.0", "main"),
    ("actions/setup-node", "v4", "v4.1.0", "main"),
    ("actions/setup-go", "v5", "v5.1.0", "main"),
    ("actions/cache", "v4", "v4.1.2", "main"),
    ("actions/upload-artifact", "v4", "v4.4.3", "main"),
    ("actions/download-artifact", "v4", "v4.1.8", "main"),
    ("github/codeql-action/init", "v3", "v3.27.5", "main"),
    ("github/codeql-action/analyze", "v3", "v3.27.5", "main"),
)
THIRD_PARTY_ACTIONS = (
    ("docker/setup-buildx-action", "v3", "v3.7.1", "master"),
    ("docker/login-action", "v3", "v3.3.0", "master"),
    ("docker/build-push-action", "v6", "v6.10.0", "master"),
    ("docker/setup-qemu-action", "v3", "v3.2.0", "master"),
    ("pypa/gh-action-pypi-publish", "release/v1", "v1.12.2", "unstable/v1"),
    ("codecov/codecov-action", "v5", "v5.0.7", "main"),
    ("astral-sh/setup-uv", "v4", "v4.1.0", "main"),
    ("softprops/action-gh-release", "v2", "v2.1.0", "master"),
    ("peter-evans/create-pull-request", "v7", "v7.0.5", "main"),
    ("tj-actions/changed-files", "v45", "v45.0.4", "main"),
    ("dorny/paths-filter", "v3", "v3.0.2", "master"),
    ("hashicorp/setup-terraform", "v3", "v3.1.2", "main"),
    ("aws-actions/configure-aws-credentials", "v4", "v4.0.2", "main"),
    ("google-github-actions/auth", "v2", "v2.1.7", "main"),
    ("azure/login", "v2", "v2.2.0", "master"),
    ("golangci/golangci-lint-action", "v6", "v6.1.1", "master"),
    ("ruby/setup-ruby", "v1", "v1.202.0", "master"),
    ("dtolnay/rust-toolchain", "stable", "1.83.0", "master"),
    ("pnpm/action-setup", "v4", "v4.0.0", "master"),
    ("sigstore/cosign-installer", "v3", "v3.7.0", "main"),
    ("super-linter/super-linter/slim", "v7", "v7.2.0", "main"),
    ("mycorp/shared-actions/setup-env", "v2", "v2.3.1", "main"),
)
REUSABLE_WORKFLOWS = (
    "mycorp/shared-workflows/.github/workflows/python-ci.yml",
    "mycorp/shared-workflows/.github/workflows/docker-publish.yml",
    "octo-org/ci-templates/.github/workflows/node.yml",
    "platform-team/pipelines/.github/workflows/release.yml",
)

# (image, tags, distro family of its package manager or None)
IMAGES = (
    ("python", ("3.12-slim", "3.11", "3.12-slim-bookworm", "3.13-alpine", "3.10-bullseye"), "py"),
    ("node", ("20", "20-alpine", "22-bookworm-slim", "18.20.4"), "node"),
    ("golang", ("1.22", "1.23-alpine", "1.23.3-bookworm"), "go"),
    ("ruby", ("3.3-slim", "3.2.6"), "ruby"),
    ("rust", ("1.83-slim", "1.82.0-bookworm"), "rust"),
    ("ubuntu", ("22.04", "24.04", "noble"), "deb"),
    ("debian", ("bookworm-slim", "12", "12.8"), "deb"),
    ("alpine", ("3.20", "3.19", "3.21.0"), "apk"),
    ("fedora", ("41", "40"), "rpm"),
    ("registry.access.redhat.com/ubi9/ubi-minimal", ("9.5",), "rpm"),
    ("mcr.microsoft.com/dotnet/sdk", ("8.0", "9.0-alpine"), None),
    ("eclipse-temurin", ("21-jre", "17-jdk-jammy"), "deb"),
    ("ghcr.io/mycorp/base", ("2024.11", "v3"), "deb"),
)
SERVICE_IMAGES = (
    ("postgres", ("16", "15-alpine", "16.4")),
    ("redis", ("7", "7-alpine", "7.4.1")),
    ("mysql", ("8.0", "8.4")),
    ("mongo", ("7.0",)),
    ("rabbitmq", ("3-management", "3.13")),
    ("ghcr.io/mycorp/mock-server", ("1.4.0",)),
    ("docker.elastic.co/elasticsearch/elasticsearch", ("8.15.3",)),
)
RUNTIME_IMAGES = (
    ("gcr.io/distroless/static-debian12", ("nonroot", "latest")),
    ("gcr.io/distroless/python3-debian12", ("nonroot",)),
    ("nginx", ("1.27-alpine", "stable")),
    ("alpine", ("3.20",)),
    ("debian", ("bookworm-slim",)),
)
COPY_FROM_IMAGES = (
    ("ghcr.io/astral-sh/uv", ("0.5.4", "0.4.18"), "/uv /uvx /bin/"),
    ("busybox", ("1.36", "1.37-musl"), "/bin/busybox /bin/busybox"),
    ("docker.io/tianon/gosu", ("1.17",), "/usr/local/bin/gosu /usr/local/bin/gosu"),
    ("ghcr.io/mycorp/tools", ("2.1.0",), "/opt/tools /opt/tools"),
    ("hashicorp/terraform", ("1.9",), "/bin/terraform /usr/local/bin/terraform"),
)

PY_PACKAGES = (
    "requests", "flask", "django", "fastapi", "uvicorn", "gunicorn", "celery", "boto3", "numpy",
    "pandas", "pydantic", "sqlalchemy", "psycopg2-binary", "redis", "httpx", "pytest", "black",
    "ruff", "mypy", "tox", "nox", "twine", "build", "wheel", "setuptools", "poetry", "pre-commit",
    "awscli", "ansible", "jinja2", "pyyaml", "click", "rich", "coverage", "sphinx",
)
PY_TOOLS = ("black", "ruff", "poetry", "pre-commit", "tox", "nox", "twine", "cookiecutter", "pdm")
NPM_TOOLS = ("typescript", "pnpm", "yarn", "eslint", "prettier", "@angular/cli", "serve",
             "semantic-release", "npm-check-updates", "@vercel/ncc", "lerna", "nx")
NPM_PACKAGES = ("lodash", "left-pad", "express", "react", "axios", "dotenv", "jest", "webpack",
                "@types/node", "chalk", "commander")
GEMS = ("bundler", "rake", "rails", "fastlane", "jekyll", "rubocop", "cocoapods", "solargraph")
GO_TOOLS = (
    "golang.org/x/tools/gopls", "github.com/golangci/golangci-lint/cmd/golangci-lint",
    "golang.org/x/vuln/cmd/govulncheck", "github.com/go-delve/delve/cmd/dlv",
    "honnef.co/go/tools/cmd/staticcheck", "github.com/swaggo/swag/cmd/swag",
    "google.golang.org/protobuf/cmd/protoc-gen-go", "mvdan.cc/gofumpt",
)
CRATES = ("ripgrep", "cargo-audit", "cargo-deny", "sccache", "wasm-pack", "just", "cross")
DEB_PACKAGES = ("curl", "ca-certificates", "git", "build-essential", "libpq-dev", "gnupg",
                "wget", "unzip", "jq", "openssh-client", "tzdata", "locales", "libssl-dev",
                "python3-dev", "make", "gcc", "tini", "procps")
APK_PACKAGES = ("curl", "ca-certificates", "git", "bash", "build-base", "libffi-dev",
                "openssl-dev", "postgresql-dev", "tzdata", "jq", "tini", "su-exec")
RPM_PACKAGES = ("git", "curl-minimal", "gcc", "make", "python3-devel", "openssl-devel", "tar",
                "shadow-utils", "which")
INSTALL_SCRIPTS = (
    "https://sh.rustup.rs",
    "https://get.docker.com",
    "https://install.python-poetry.org",
    "https://deb.nodesource.com/setup_20.x",
    "https://astral.sh/uv/install.sh",
    "https://raw.githubusercontent.com/nvm-sh/nvm/v0.40.1/install.sh",
    "https://get.helm.sh/helm-installer.sh",
    "https://cli.mycorp.example/install.sh",
    "https://raw.githubusercontent.com/mycorp/bootstrap/main/setup.sh",
    "https://downloads.example.org/agent/latest/install.sh",
)
RELEASE_DOWNLOADS = (
    ("krallin/tini", "tini-amd64", "v0.19.0"),
    ("mikefarah/yq", "yq_linux_amd64", "v4.44.5"),
    ("hadolint/hadolint", "hadolint-Linux-x86_64", "v2.12.0"),
    ("jqlang/jq", "jq-linux-amd64", "jq-1.7.1"),
    ("aquasecurity/trivy", "trivy_0.57.1_Linux-64bit.tar.gz", "v0.57.1"),
    ("mycorp/deploy-tool", "deploy-linux-amd64", "v3.2.0"),
)

# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def hex_digits(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def sha40(rng: random.Random) -> str:
    return hex_digits(rng, 40)


def digest(rng: random.Random) -> str:
    return "sha256:" + hex_digits(rng, 64)


def semver(rng: random.Random) -> str:
    return f"{rng.randrange(0, 9)}.{rng.randrange(0, 30)}.{rng.randrange(0, 15)}"


def weighted(rng: random.Random, table):
    """Pick from ((weight, value), ...) deterministically."""
    total = sum(w for w, _ in table)
    x = rng.random() * total
    for w, v in table:
        x -= w
        if x < 0:
            return v
    return table[-1][1]


@dataclass
class Cmd:
    """One shell command, possibly over several physical lines (the joiner adds the `\\`), and
    the categories hygiene must report on its first line."""

    lines: list[str]
    cats: tuple[str, ...] = ()


@dataclass
class FileBuilder:
    path: str
    lines: list[str] = field(default_factory=list)
    expect: list[tuple[int, str, str]] = field(default_factory=list)  # (line, category, case)
    case: str = ""

    def add(self, text: str, *cats: str) -> int:
        self.lines.append(text)
        n = len(self.lines)
        for c in cats:
            self.expect.append((n, c, self.case))
        return n

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# --------------------------------------------------------------------------------------------
# Image references
# --------------------------------------------------------------------------------------------


@dataclass
class ImageRef:
    text: str
    cats: tuple[str, ...]  # expected categories when the reference is written literally


def image_ref(rng: random.Random, name: str, tags: tuple[str, ...], pinned_share: float = 0.35) -> ImageRef:
    form = weighted(rng, (
        (0.05, "bare"), (0.05, "latest"), (1 - pinned_share - 0.15, "tag"),
        (pinned_share, "tag+digest"), (0.05, "digest"),
    ))
    tag = rng.choice(tags)
    if form == "bare":
        return ImageRef(name, ("image-digest", "image-tag"))
    if form == "latest":
        return ImageRef(f"{name}:latest", ("image-digest", "image-tag"))
    if form == "tag":
        return ImageRef(f"{name}:{tag}", ("image-digest", "image-tag") if tag == "latest" else ("image-digest",))
    if form == "tag+digest":
        return ImageRef(f"{name}:{tag}@{digest(rng)}", ())
    return ImageRef(f"{name}@{digest(rng)}", ())


# --------------------------------------------------------------------------------------------
# Shell commands (shared by workflow `run:` steps and Dockerfile `RUN`s)
# --------------------------------------------------------------------------------------------


def pkgs(rng: random.Random, pool, lo: int = 1, hi: int = 3) -> list[str]:
    n = rng.randint(lo, min(hi, len(pool)))
    return rng.sample(pool, n)


def pip_cmd(rng: random.Random, where: str, hashed_file: bool | None) -> list[Cmd]:
    """`hashed_file`: True/False when a requirements.txt beside the Dockerfile is (not) fully
    hashed; None when there is none to refer to."""
    pip = rng.choice(("pip", "pip", "pip3", "python -m pip", "python3 -m pip"))
    sudo = "sudo " if where == "workflow" and rng.random() < 0.15 else ""
    nc = "--no-cache-dir " if where == "docker" and rng.random() < 0.6 else ""
    choices = [
        (3, "bare"), (2, "exact"), (1, "range"), (2, "upgrade-pip"), (1, "user"),
        (1, "project"), (1, "pipx"), (1, "pipx-pinned"), (1, "uv-pip"), (1, "uv-sync"),
        (1, "uv-tool-pinned"), (1, "editable"),
    ]
    if hashed_file is not None:
        choices += [(4, "req")]
    elif where == "workflow":
        choices += [(1, "require-hashes")]
    form = weighted(rng, choices)
    if form == "bare":
        names = pkgs(rng, PY_PACKAGES)
        return [Cmd([f"{sudo}{pip} install {nc}{' '.join(names)}"], ("pip-pin",))]
    if form == "exact":
        names = [f"{n}=={semver(rng)}" for n in pkgs(rng, PY_PACKAGES)]
        return [Cmd([f"{sudo}{pip} install {nc}{' '.join(names)}"], ("pip-pin",))]
    if form == "range":
        n = rng.choice(PY_PACKAGES)
        return [Cmd([f'{pip} install {nc}"{n}>={rng.randrange(1, 5)}.0,<{rng.randrange(5, 9)}"'], ("pip-pin",))]
    if form == "upgrade-pip":
        tail = rng.choice(("pip", "pip setuptools wheel"))
        return [Cmd([f"{sudo}{pip} install {nc}--upgrade {tail}"], ("pip-pin",))]
    if form == "user":
        return [Cmd([f"{pip} install --user {nc}{rng.choice(PY_TOOLS)}"], ("pip-pin",))]
    if form == "project":
        return [Cmd([f"{pip} install {nc}."], ("pip-pin",))]
    if form == "editable":
        return [Cmd([f"{pip} install -e '.[dev]'"], ("pip-pin",))]
    if form == "pipx":
        return [Cmd([f"pipx install {rng.choice(PY_TOOLS)}"], ("pip-pin",))]
    if form == "pipx-pinned":
        return [Cmd([f"pipx install {rng.choice(PY_TOOLS)}=={semver(rng)}"], ())]
    if form == "uv-pip":
        sysflag = "--system " if rng.random() < 0.6 else ""
        return [Cmd([f"uv pip install {sysflag}{' '.join(pkgs(rng, PY_PACKAGES, 1, 2))}"], ("pip-pin",))]
    if form == "uv-sync":
        return [Cmd([f"uv sync {rng.choice(('--locked', '--frozen'))}"], ())]
    if form == "uv-tool-pinned":
        return [Cmd([f"uv tool install {rng.choice(PY_TOOLS)}=={semver(rng)}"], ())]
    if form == "require-hashes":
        return [Cmd([f"{pip} install --require-hashes --no-deps -r requirements.lock"], ())]
    # form == "req": requirements.txt next to the Dockerfile
    if hashed_file:
        flag = rng.choice(("--require-hashes ", "", "--no-deps --require-hashes "))
        cmds = [Cmd([f"{pip} install {nc}{flag}-r requirements.txt"], ())]
        if rng.random() < 0.3:
            cmds.append(Cmd([f"{pip} install {nc}--no-deps ."], ()))
        return cmds
    return [Cmd([f"{pip} install {nc}-r requirements.txt"], ("pip-pin",))]


def npm_cmd(rng: random.Random, where: str) -> list[Cmd]:
    form = weighted(rng, (
        (4, "ci"), (2, "install"), (2, "global"), (2, "global-pinned"), (1, "add-dev"),
        (2, "npx"), (1, "npx-no-install"), (1, "yarn-frozen"), (1, "yarn-immutable"),
        (1, "yarn-bare"), (1, "yarn-global"), (1, "pnpm-frozen"), (1, "pnpm-install"),
    ))
    tool = rng.choice(NPM_TOOLS)
    if form == "ci":
        return [Cmd([rng.choice(("npm ci", "npm ci --ignore-scripts", "npm ci --omit=dev"))], ())]
    if form == "install":
        return [Cmd([rng.choice(("npm install", "npm i", "npm install --production"))], ("npm-pin",))]
    if form == "global":
        return [Cmd([f"npm install -g {tool}"], ("npm-pin",))]
    if form == "global-pinned":
        return [Cmd([f"npm install --global {tool}@{semver(rng)}"], ("npm-pin",))]
    if form == "add-dev":
        return [Cmd([f"npm i --save-dev {rng.choice(NPM_PACKAGES)}"], ("npm-pin",))]
    if form == "npx":
        return [Cmd([f"npx {rng.choice(('prettier --check .', 'eslint .', 'tsc --noEmit', 'cowsay hi'))}"], ("npm-pin",))]
    if form == "npx-no-install":
        return [Cmd(["npx --no-install prettier --check ."], ())]
    if form == "yarn-frozen":
        return [Cmd(["yarn install --frozen-lockfile"], ())]
    if form == "yarn-immutable":
        return [Cmd(["yarn install --immutable"], ())]
    if form == "yarn-bare":
        return [Cmd([rng.choice(("yarn", "yarn install"))], ("npm-pin",))]
    if form == "yarn-global":
        return [Cmd([f"yarn global add {tool}"], ("npm-pin",))]
    if form == "pnpm-frozen":
        return [Cmd(["pnpm install --frozen-lockfile"], ())]
    return [Cmd(["pnpm install"], ("npm-pin",))]


def gem_cmd(rng: random.Random) -> list[Cmd]:
    gem = rng.choice(GEMS)
    form = weighted(rng, ((3, "bare"), (2, "v"), (1, "colon"), (1, "bundle")))
    if form == "bare":
        return [Cmd([f"gem install {gem}" + rng.choice(("", " --no-document"))], ("gem-pin",))]
    if form == "v":
        return [Cmd([f"gem install {gem} -v {semver(rng)}" + rng.choice(("", " --no-document"))], ())]
    if form == "colon":
        return [Cmd([f"gem install {gem}:{semver(rng)}"], ())]
    return [Cmd(["bundle install --jobs 4"], ())]


def go_cmd(rng: random.Random) -> list[Cmd]:
    tool = rng.choice(GO_TOOLS)
    form = weighted(rng, ((3, "latest"), (3, "pinned"), (1, "bare"), (1, "local"), (1, "build")))
    if form == "latest":
        return [Cmd([f"go install {tool}@latest"], ("go-pin",))]
    if form == "pinned":
        return [Cmd([f"go install {tool}@v{semver(rng)}"], ())]
    if form == "bare":
        return [Cmd([f"go install {tool}"], ("go-pin",))]
    if form == "local":
        return [Cmd(["go install ./cmd/..."], ())]
    return [Cmd(["CGO_ENABLED=0 go build -o /out/app ./cmd/app"], ())]


def cargo_cmd(rng: random.Random) -> list[Cmd]:
    crate = rng.choice(CRATES)
    if rng.random() < 0.5:
        return [Cmd([f"cargo install {crate}"], ("cargo-pin",))]
    return [Cmd([f"cargo install {crate} --version {semver(rng)} --locked"], ())]


def os_cmd(rng: random.Random, distro: str, where: str) -> list[Cmd]:
    sudo = "sudo " if where == "workflow" else ""
    pinned = rng.random() < 0.25
    multiline = rng.random() < 0.5
    if distro == "apk":
        names = pkgs(rng, APK_PACKAGES, 1, 4)
        if pinned:
            names = [f"{n}={rng.randrange(1, 9)}.{rng.randrange(0, 20)}.{rng.randrange(0, 9)}-r{rng.randrange(0, 4)}" for n in names]
        head = "apk add --no-cache"
        if rng.random() < 0.2:
            head += " --virtual .build-deps"
        lines = [head, *[f"    {n}" for n in names]] if multiline else [f"{head} {' '.join(names)}"]
        return [Cmd(lines, () if pinned else ("os-package",))]
    if distro == "rpm":
        names = pkgs(rng, RPM_PACKAGES, 1, 3)
        tool = rng.choice(("dnf", "microdnf", "yum"))
        if pinned:
            names = [f"{n}-{rng.randrange(1, 9)}.{rng.randrange(0, 40)}.{rng.randrange(0, 9)}" for n in names]
        cats = () if pinned else ("os-package",)  # microdnf is dnf (UBI minimal images)
        return [Cmd([f"{sudo}{tool} install -y {' '.join(names)}"], cats)]
    # Debian family
    names = pkgs(rng, DEB_PACKAGES, 1, 5)
    if pinned:
        names = [f"{n}={rng.randrange(1, 9)}.{rng.randrange(0, 40)}-{rng.randrange(1, 9)}" for n in names]
    apt = "apt-get" if rng.random() < 0.85 else "apt"
    flags = rng.choice(("-y", "-y --no-install-recommends", "-qq -y", "--yes --no-install-recommends"))
    cmds = [Cmd([f"{sudo}{apt} update" + (" -qq" if rng.random() < 0.3 else "")])]
    if multiline:
        cmds.append(Cmd([f"{sudo}{apt} install {flags}", *[f"    {n}" for n in names]], () if pinned else ("os-package",)))
    else:
        cmds.append(Cmd([f"{sudo}{apt} install {flags} {' '.join(names)}"], () if pinned else ("os-package",)))
    if where == "docker" and rng.random() < 0.7:
        cmds.append(Cmd(["rm -rf /var/lib/apt/lists/*"]))
    return cmds


def download_cmd(rng: random.Random, where: str) -> list[Cmd]:
    url = rng.choice(INSTALL_SCRIPTS)
    repo, asset, tag = rng.choice(RELEASE_DOWNLOADS)
    rel = f"https://github.com/{repo}/releases/download/{tag}/{asset}"
    form = weighted(rng, (
        (4, "pipe-sh"), (2, "pipe-bash-args"), (1, "wget-pipe"), (1, "pipe-python"),
        (1, "sh-c-subst"), (1, "save-run"), (2, "verified"), (1, "immutable"),
        (2, "fetch-only"), (1, "binary"), (1, "pipe-sudo"),
    ) + (((1, "procsub"),) if where == "workflow" else ()))
    if form == "pipe-sh":
        return [Cmd([f"curl -fsSL {url} | sh"], ("download-exec",))]
    if form == "pipe-bash-args":
        return [Cmd([f"curl --proto '=https' --tlsv1.2 -sSf {url} | bash -s -- -y"], ("download-exec",))]
    if form == "wget-pipe":
        return [Cmd([f"wget -qO- {url} | sh"], ("download-exec",))]
    if form == "pipe-python":
        return [Cmd([f"curl -sSL {url} | python3 -"], ("download-exec",))]
    if form == "pipe-sudo":
        return [Cmd([f"curl -fsSL {url} | sudo -E bash -"], ("download-exec",))]
    if form == "sh-c-subst":
        return [Cmd([f'sh -c "$(curl -fsSL {url})"'], ("download-exec",))]
    if form == "procsub":
        return [Cmd([f"bash <(curl -fsSL {url})"], ("download-exec",))]
    if form == "save-run":
        return [Cmd([f"curl -fsSL -o /tmp/install.sh {url}"], ("download-exec",)),
                Cmd(["sh /tmp/install.sh"])]
    if form == "verified":
        return [Cmd([f"curl -fsSL -o /tmp/install.sh {url}"]),
                Cmd([f'echo "{hex_digits(rng, 64)}  /tmp/install.sh" | sha256sum -c -']),
                Cmd(["sh /tmp/install.sh"])]
    if form == "immutable":
        return [Cmd([f"curl -fsSL https://raw.githubusercontent.com/mycorp/bootstrap/{sha40(rng)}/setup.sh | bash"], ())]
    if form == "fetch-only":
        return [Cmd([f"curl -fsSLO {rel}"]), Cmd([f"tar -xzf {asset} -C /usr/local/bin"])]
    return [Cmd([f"curl -fsSL -o /usr/local/bin/tool {rel}"], ("download-exec",)),
            Cmd(["chmod +x /usr/local/bin/tool"]), Cmd(["/usr/local/bin/tool --version"])]


NOISE = (
    "echo \"building $GITHUB_SHA\"", "make test", "pytest -q", "go test ./...", "npm test",
    "cargo build --release", "bundle exec rake", "docker build -t app .", "ls -la",
    "git config --global user.name ci", "./scripts/check.sh", "mkdir -p dist", "python -V",
)
DOCKER_NOISE = (
    "mkdir -p /app/data", "useradd --create-home app", "chmod +x /entrypoint.sh",
    "ln -sf /usr/share/zoneinfo/UTC /etc/localtime", "python -m compileall -q /app",
    "npm run build", "go build -o /out/server ./cmd/server", "true",
)


def commands_for(rng: random.Random, where: str, family: str | None, hashed_file: bool | None) -> list[Cmd]:
    """A short command sequence suited to the image family (Dockerfile) or a CI job."""
    options = [(2, "noise"), (2, "download")]
    if where == "workflow":
        options += [(4, "pip"), (3, "npm"), (1, "gem"), (1, "go"), (1, "cargo"), (2, "os-deb")]
    else:
        lang = {"py": "pip", "node": "npm", "go": "go", "ruby": "gem", "rust": "cargo"}.get(family or "")
        if lang:
            options += [(6, lang)]
        options += [(1, "pip")] if lang != "pip" else []
        if family == "apk":
            options += [(4, "os-apk")]
        elif family == "rpm":
            options += [(4, "os-rpm")]
        elif family != "node" or rng.random() < 0.5:
            options += [(4, "os-deb")]
    kind = weighted(rng, options)
    if kind == "noise":
        return [Cmd([rng.choice(NOISE if where == "workflow" else DOCKER_NOISE)])]
    if kind == "download":
        return download_cmd(rng, where)
    if kind == "pip":
        return pip_cmd(rng, where, hashed_file)
    if kind == "npm":
        return npm_cmd(rng, where)
    if kind == "gem":
        return gem_cmd(rng)
    if kind == "go":
        return go_cmd(rng)
    if kind == "cargo":
        return cargo_cmd(rng)
    distro = {"os-apk": "apk", "os-rpm": "rpm"}.get(kind, "deb")
    if where == "docker" and family in ("apk", "rpm") and distro == "deb":
        distro = family
    return os_cmd(rng, distro, where)


# --------------------------------------------------------------------------------------------
# Writing commands into files
# --------------------------------------------------------------------------------------------


def emit_chain(fb: FileBuilder, head: str, cmds: list[Cmd], style: str = "&&") -> None:
    """One logical line over several physical ones: `RUN a \\` / ` && b \\` / ` && c`, or with
    `style=";"`: `RUN set -eux; a; \\` / `    b; \\` / `    c`."""
    physical: list[tuple[str, tuple[str, ...]]] = []
    for i, c in enumerate(cmds):
        for j, line in enumerate(c.lines):
            if j == 0:
                prefix = head if i == 0 else (" && " if style == "&&" else "    ")
                physical.append((prefix + line, c.cats))
            else:
                physical.append(("      " + line.lstrip(), ()))
        if style == ";" and i < len(cmds) - 1:
            text, cats = physical[-1]
            physical[-1] = (text + ";", cats)
    for k, (text, cats) in enumerate(physical):
        fb.add(text + (" \\" if k < len(physical) - 1 else ""), *cats)


def emit_block(fb: FileBuilder, indent: str, cmds: list[Cmd]) -> None:
    """One command per line (continuations inside a command), as in a `run: |` block or a
    heredoc."""
    for c in cmds:
        for j, line in enumerate(c.lines):
            last = j == len(c.lines) - 1
            fb.add(indent + line + ("" if last else " \\"), *(c.cats if j == 0 else ()))


def plain_yaml_ok(s: str) -> bool:
    return (": " not in s and " #" not in s and not s.startswith(("'", '"', "*", "&", "!", "{", "[", "|", ">", "%", "@", "`"))
            and "\\" not in s)


# --------------------------------------------------------------------------------------------
# Workflows
# --------------------------------------------------------------------------------------------


def action_uses(rng: random.Random, local_actions: list[str]) -> tuple[str, tuple[str, ...]]:
    """(`uses:` value with optional trailing comment, expected categories)."""
    if local_actions and rng.random() < 0.08:
        return f"./.github/actions/{rng.choice(local_actions)}", ()
    if rng.random() < 0.04:
        ref = image_ref(rng, *rng.choice(SERVICE_IMAGES + tuple((n, t) for n, t, _ in IMAGES[:5])))
        return f"docker://{ref.text}", ref.cats
    pool = FIRST_PARTY_ACTIONS if rng.random() < 0.5 else THIRD_PARTY_ACTIONS
    name, major, full, branch = rng.choice(pool)
    form = weighted(rng, (
        (30, "major"), (10, "full"), (6, "branch"), (3, "short"), (36, "sha-comment"),
        (10, "sha"), (5, "sha-comment-major"),
    ))
    if form == "major":
        return f"{name}@{major}", ("action-ref",)
    if form == "full":
        return f"{name}@{full}", ("action-ref",)
    if form == "branch":
        return f"{name}@{branch}", ("action-ref",)
    if form == "short":
        return f"{name}@{hex_digits(rng, 7)}", ("action-ref",)
    if form == "sha-comment":
        return f"{name}@{sha40(rng)} # {full}", ()
    if form == "sha-comment-major":
        return f"{name}@{sha40(rng)}  # {major}", ()
    return f"{name}@{sha40(rng)}", ()


def with_block(name: str) -> list[str]:
    if "setup-python" in name:
        return ["python-version: '3.12'"]
    if "setup-node" in name:
        return ["node-version: 20", "cache: npm"]
    if "setup-go" in name:
        return ["go-version-file: go.mod"]
    if "checkout" in name:
        return ["persist-credentials: false"]
    if "upload-artifact" in name or "download-artifact" in name:
        return ["name: dist", "path: dist/"]
    return []


def write_steps(fb: FileBuilder, rng: random.Random, local_actions: list[str], n: int, indent: str = "      ",
                composite: bool = False) -> None:
    for _ in range(n):
        if rng.random() < 0.45:
            uses, cats = action_uses(rng, local_actions)
            if rng.random() < 0.3:
                fb.add(f"{indent}- name: {rng.choice(('Set up', 'Build', 'Publish', 'Cache', 'Scan', 'Check out'))}")
                fb.add(f"{indent}  uses: {uses}", *cats)
            else:
                fb.add(f"{indent}- uses: {uses}", *cats)
            w = with_block(uses.split("@")[0])
            if w and rng.random() < 0.7:
                fb.add(f"{indent}  with:")
                for line in w:
                    fb.add(f"{indent}    {line}")
            continue
        cmds = commands_for(rng, "workflow", None, None)
        if rng.random() < 0.4:
            cmds += commands_for(rng, "workflow", None, None)
        named = rng.random() < 0.6
        if named:
            fb.add(f"{indent}- name: {rng.choice(('Install', 'Set up tools', 'Test', 'Bootstrap', 'Build', 'Lint'))}")
        key = f"{indent}  run:" if named else f"{indent}- run:"
        single = len(cmds) == 1 and len(cmds[0].lines) == 1 and plain_yaml_ok(cmds[0].lines[0]) and rng.random() < 0.6
        if single:
            fb.add(f"{key} {cmds[0].lines[0]}", *cmds[0].cats)
        else:
            fb.add(f"{key} |")
            emit_block(fb, indent + "    ", cmds)
        if composite or rng.random() < 0.15:  # composite steps must name their shell
            fb.add(f"{indent}  shell: bash")


def write_job(fb: FileBuilder, rng: random.Random, job: str, local_actions: list[str], local_reusable: list[str]) -> None:
    fb.add(f"  {job}:")
    # Job that calls a reusable workflow.
    if rng.random() < 0.12:
        if local_reusable and rng.random() < 0.4:
            fb.add(f"    uses: ./.github/workflows/{rng.choice(local_reusable)}")
        else:
            wf = rng.choice(REUSABLE_WORKFLOWS)
            form = weighted(rng, ((4, "tag"), (1, "branch"), (4, "sha")))
            if form == "tag":
                fb.add(f"    uses: {wf}@v{rng.randrange(1, 4)}", "action-ref")
            elif form == "branch":
                fb.add(f"    uses: {wf}@main", "action-ref")
            else:
                fb.add(f"    uses: {wf}@{sha40(rng)} # v{rng.randrange(1, 4)}.{rng.randrange(0, 9)}.0")
        fb.add("    with:")
        fb.add(f"      environment: {rng.choice(('staging', 'production', 'ci'))}")
        if rng.random() < 0.5:
            fb.add("    secrets: inherit")
        return
    fb.add(f"    runs-on: {rng.choice(('ubuntu-latest', 'ubuntu-24.04', 'ubuntu-22.04'))}")
    if rng.random() < 0.3:
        fb.add("    permissions:")
        fb.add("      contents: read")
    matrix_images: list[ImageRef] = []
    if rng.random() < 0.15:
        # Images from a literal matrix: `${{ matrix.image }}`, values and `include` entries.
        name, tags, _ = rng.choice(IMAGES[:5])
        vals = [image_ref(rng, name, tags, pinned_share=0.5) for _ in range(rng.randint(1, 3))]
        fb.add("    strategy:")
        fb.add("      fail-fast: false")
        fb.add("      matrix:")
        fb.add("        image:")
        for v in vals:
            fb.add(f"          - {v.text}")
        matrix_images += vals
        if rng.random() < 0.5:
            inc = image_ref(rng, name, tags, pinned_share=0.5)
            fb.add("        include:")
            fb.add(f"          - image: {inc.text}")
            fb.add("            experimental: true")
            matrix_images.append(inc)
    if matrix_images:
        cats = tuple(sorted({c for v in matrix_images for c in v.cats}))
        if rng.random() < 0.5:
            fb.add("    container: ${{ matrix.image }}", *cats)
        else:
            fb.add("    container:")
            fb.add("      image: ${{ matrix.image }}", *cats)
            fb.add("      options: --user 1001")
    elif rng.random() < 0.25:
        ref = image_ref(rng, *rng.choice(tuple((n, t) for n, t, _ in IMAGES)))
        if rng.random() < 0.5:
            fb.add(f"    container: {ref.text}", *ref.cats)
        else:
            fb.add("    container:")
            fb.add(f"      image: {ref.text}", *ref.cats)
            if rng.random() < 0.5:
                fb.add("      env:")
                fb.add("        NODE_ENV: test")
    if rng.random() < 0.25:
        fb.add("    services:")
        for sname, (img, tags) in zip(("db", "cache", "mock"), rng.sample(SERVICE_IMAGES, rng.randint(1, 2))):
            ref = image_ref(rng, img, tags)
            fb.add(f"      {sname}:")
            fb.add(f"        image: {ref.text}", *ref.cats)
            if rng.random() < 0.5:
                fb.add("        ports:")
                fb.add(f"          - {rng.choice(('5432:5432', '6379:6379', '8080:8080'))}")
    fb.add("    steps:")
    write_steps(fb, rng, local_actions, rng.randint(2, 7))


def write_workflow(rng: random.Random, path: str, local_actions: list[str], local_reusable: list[str],
                   reusable: bool) -> FileBuilder:
    fb = FileBuilder(path)
    fb.add(f"name: {rng.choice(('CI', 'Release', 'Lint', 'Tests', 'Docs', 'Nightly', 'Publish'))}")
    if reusable:
        trigger = ["on:", "  workflow_call:", "    inputs:", "      environment:", "        type: string",
                   "        required: true"]
    else:
        trigger = rng.choice((["on: [push, pull_request]"],
                              ["on:", "  push:", "    branches: [main]", "  pull_request:"],
                              ["on:", "  workflow_dispatch:", "  schedule:", "    - cron: '0 3 * * 1'"],
                              ["on:", "  push:", "    tags: ['v*']"]))
    for line in trigger:
        fb.add(line)
    if rng.random() < 0.6:
        fb.add("permissions:")
        fb.add("  contents: read")
    if rng.random() < 0.2:
        fb.add("env:")
        fb.add("  PYTHONUNBUFFERED: '1'")
    fb.add("jobs:")
    jobs = rng.sample(("build", "test", "lint", "release", "docs", "e2e", "scan", "deploy"), rng.randint(1, 3))
    for job in jobs:
        write_job(fb, rng, job, local_actions, [] if reusable else local_reusable)
    return fb


def write_action(rng: random.Random, path: str) -> FileBuilder:
    fb = FileBuilder(path)
    fb.add(f"name: {rng.choice(('Setup', 'Bootstrap tools', 'Prepare env'))}")
    fb.add("description: Shared setup steps")
    if rng.random() < 0.25:
        ref = image_ref(rng, *rng.choice(COPY_FROM_IMAGES)[:2])
        fb.add("runs:")
        fb.add("  using: docker")
        fb.add(f"  image: docker://{ref.text}", *ref.cats)
        return fb
    fb.add("runs:")
    fb.add("  using: composite")
    fb.add("  steps:")
    write_steps(fb, rng, [], rng.randint(2, 4), indent="    ", composite=True)
    return fb


# --------------------------------------------------------------------------------------------
# Dockerfiles
# --------------------------------------------------------------------------------------------


def write_requirements(rng: random.Random, hashed: bool) -> str:
    out = []
    if hashed:
        out.append("# This file is autogenerated by pip-compile with Python 3.12")
        out.append("#    pip-compile --generate-hashes requirements.in")
    for name in sorted(rng.sample(PY_PACKAGES, rng.randint(2, 5))):
        if hashed:
            out.append(f"{name}=={semver(rng)} \\")
            out.append(f"    --hash=sha256:{hex_digits(rng, 64)}")
        else:
            out.append(f"{name}=={semver(rng)}" if rng.random() < 0.6 else f"{name}>={rng.randrange(1, 4)}.0")
    return "\n".join(out) + "\n"


def write_dockerfile(rng: random.Random, path: str, hashed_file: bool | None) -> FileBuilder:
    fb = FileBuilder(path)
    if rng.random() < 0.3:
        fb.add(f"# syntax=docker/dockerfile:{rng.choice(('1', '1.7', '1.10'))}")
    n_stages = weighted(rng, ((4, 1), (5, 2), (2, 3)))
    stages: list[str] = []
    last_family: str | None = None
    for s in range(n_stages):
        final = s == n_stages - 1
        if final and n_stages > 1 and rng.random() < 0.6:
            name, tags = rng.choice(RUNTIME_IMAGES)
            family = "apk" if name == "alpine" else ("deb" if name == "debian" else None)
            if rng.random() < 0.15:
                name, tags, family = "scratch", (), None
        else:
            name, tags, family = rng.choice(IMAGES)
        alias = "" if final else f" AS {rng.choice(('build', 'builder', 'deps', 'assets', 'compile'))}{s}"
        platform = "--platform=$BUILDPLATFORM " if not final and rng.random() < 0.2 else ""
        if name == "scratch":
            fb.add(f"FROM scratch{alias}")
        elif s == 0 and rng.random() < 0.3 and tags:
            # ARG default used in FROM: the tag, or the whole image.
            ref = image_ref(rng, name, tags)
            if rng.random() < 0.5 and ":" in ref.text.split("/")[-1] and "@" not in ref.text:
                img, tag = ref.text.rsplit(":", 1)
                var = rng.choice(("BASE_TAG", "VERSION"))
                fb.add(f"ARG {var}={tag}")
                fb.add(f"FROM {platform}{img}:${{{var}}}{alias}", *ref.cats)
            else:
                fb.add(f"ARG BASE_IMAGE={ref.text}")
                fb.add(f"FROM {platform}${{BASE_IMAGE}}{alias}", *ref.cats)
        elif s > 0 and not final and stages and rng.random() < 0.3:
            fb.add(f"FROM {stages[-1]}{alias}")  # a stage built on a previous stage
            family = last_family
        else:
            ref = image_ref(rng, name, tags)
            fb.add(f"FROM {platform}{ref.text}{alias}", *ref.cats)
        if alias:
            stages.append(alias.split()[-1])
        last_family = family
        write_stage_body(fb, rng, family, stages[:-1] if alias else stages, hashed_file, final)
        if not final:
            fb.add("")
    return fb


def write_stage_body(fb: FileBuilder, rng: random.Random, family: str | None, earlier: list[str],
                     hashed_file: bool | None, final: bool) -> None:
    if family is None:  # distroless / scratch / dotnet: copy only
        if earlier:
            fb.add(f"COPY --from={rng.choice(earlier)} /out/ /app/")
        if rng.random() < 0.3:
            img, tags, what = rng.choice(COPY_FROM_IMAGES)
            ref = image_ref(rng, img, tags)
            fb.add(f"COPY --from={ref.text} {what}", *ref.cats)
        if final:
            fb.add('ENTRYPOINT ["/app/server"]')
        return
    fb.add(f"WORKDIR {rng.choice(('/app', '/src', '/build', '/usr/src/app'))}")
    if rng.random() < 0.3:
        fb.add(f"ENV {rng.choice(('PYTHONDONTWRITEBYTECODE=1', 'DEBIAN_FRONTEND=noninteractive', 'NODE_ENV=production', 'CGO_ENABLED=0'))}")
    if rng.random() < 0.15:
        fb.add('SHELL ["/bin/bash", "-o", "pipefail", "-c"]')
    if hashed_file is not None and (family == "py" or rng.random() < 0.3):
        fb.add("COPY requirements.txt ./")
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.12:
            repo, asset, tag = rng.choice(RELEASE_DOWNLOADS)
            url = f"https://github.com/{repo}/releases/download/{tag}/{asset}"
            form = weighted(rng, ((3, "plain"), (3, "checksum"), (1, "chmod"), (1, "git-tag"), (1, "git-sha"), (1, "local")))
            if form == "plain":
                fb.add(f"ADD {url} /usr/local/bin/{asset.split('_')[0]}", "add-url")
            elif form == "checksum":
                fb.add(f"ADD --checksum=sha256:{hex_digits(rng, 64)} {url} /usr/local/bin/{asset.split('_')[0]}")
            elif form == "chmod":
                fb.add(f"ADD --chmod=755 {url} /usr/local/bin/{asset.split('_')[0]}", "add-url")
            elif form == "git-tag":
                fb.add(f"ADD https://github.com/{repo}.git#{tag} /src/{repo.split('/')[1]}", "add-url")
            elif form == "git-sha":
                fb.add(f"ADD https://github.com/{repo}.git#{sha40(rng)} /src/{repo.split('/')[1]}")
            else:
                fb.add("ADD vendor/tools.tar.gz /opt/")
            continue
        if roll < 0.2:
            if earlier and rng.random() < 0.6:
                fb.add(f"COPY --from={rng.choice(earlier)} /app /app")
            else:
                img, tags, what = rng.choice(COPY_FROM_IMAGES)
                ref = image_ref(rng, img, tags)
                fb.add(f"COPY --from={ref.text} {what}", *ref.cats)
            continue
        if roll < 0.26:
            fb.add(f"COPY {rng.choice(('. .', 'src/ ./src/', 'package.json package-lock.json ./', 'go.mod go.sum ./'))}")
            continue
        cmds = commands_for(rng, "docker", family, hashed_file)
        if rng.random() < 0.5:
            cmds += commands_for(rng, "docker", family, hashed_file)
        style = weighted(rng, ((6, "chain"), (2, "heredoc"), (1, "semicolon"), (1, "mount"), (2, "single")))
        if style == "single" and not (len(cmds) == 1 and len(cmds[0].lines) == 1):
            style = "chain"
        if style == "heredoc":
            fb.add("RUN <<EOF")
            fb.add("set -eux")
            emit_block(fb, "", cmds)
            fb.add("EOF")
            fb.add("")  # hadolint 2.x cannot parse an instruction right after a heredoc's end
        elif style == "semicolon":
            emit_chain(fb, "RUN set -eux; ", cmds, style=";")
        elif style == "mount":
            target = {"py": "/root/.cache/pip", "node": "/root/.npm", "go": "/go/pkg/mod", "rust": "/usr/local/cargo/registry",
                      "apk": "/etc/apk/cache", "rpm": "/var/cache/dnf"}.get(family or "", "/var/cache/apt")
            emit_chain(fb, f"RUN --mount=type=cache,target={target} ", cmds)
        else:
            emit_chain(fb, "RUN ", cmds)
    if final:
        if rng.random() < 0.5:
            fb.add(f"USER {rng.choice(('app', '1001', 'nobody'))}")
        fb.add(f"EXPOSE {rng.choice((8000, 8080, 3000, 5000))}")
        fb.add(rng.choice(('CMD ["python", "-m", "app"]', 'CMD ["node", "server.js"]', 'ENTRYPOINT ["/app/server"]',
                           'CMD ["gunicorn", "app:app"]')))


# --------------------------------------------------------------------------------------------
# Hand-written tricky cases
# --------------------------------------------------------------------------------------------

_SHA_A = "5c" * 20  # synthetic commit ids and digests: nothing is resolved
_SHA_B = "9d" * 20
_DIG_A = "sha256:" + "3f" * 32
_DIG_B = "sha256:" + "a1" * 32

WF_HEAD = ["on: push", "permissions: {}", "jobs:"]


def _wf(*job_lines: str) -> str:
    return "\n".join([*WF_HEAD, *job_lines])


# Each case: (name, relative file path, content, expected {line: categories}, what it shows).
# Content is written exactly as given; `#!` marks nothing special. Lines are 1-based.
TRICKY: tuple[tuple[str, str, str, dict[int, tuple[str, ...]], str], ...] = (
    ("arg-from-untagged", "Dockerfile",
     "ARG BASE_IMAGE=ubuntu\nFROM ${BASE_IMAGE}\nRUN echo ok",
     {2: ("image-digest", "image-tag")},
     "hadolint does not substitute ARG defaults in FROM: an untagged image behind an ARG passes DL3006"),
    ("arg-from-latest", "Dockerfile",
     "ARG IMAGE=node:latest\nFROM $IMAGE AS build\nRUN echo ok",
     {2: ("image-digest", "image-tag")},
     "the same with `$VAR` and an explicit `latest` tag (DL3007 not raised)"),
    ("arg-from-no-default", "Dockerfile",
     "ARG RUNTIME_IMAGE\nFROM ${RUNTIME_IMAGE}\nCMD [\"/app\"]",
     {2: ("image-digest",)},
     "an image chosen entirely by --build-arg: nothing in the repository pins it (HY111 note)"),
    ("arg-tag-in-from", "Dockerfile",
     "ARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_VERSION}-slim\nRUN echo ok",
     {2: ("image-digest",)},
     "a tag assembled from an ARG: no digest"),
    ("arg-digest-in-from", "Dockerfile",
     f"ARG BASE=python:3.12-slim@{_DIG_A}\nFROM ${{BASE}}\nRUN echo ok",
     {},
     "a digest behind an ARG default is pinned"),
    ("sudo-pip", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + "\nRUN sudo pip install flask",
     {2: ("pip-pin",)},
     "hadolint reports DL3004 (sudo) but not DL3013 for `sudo pip install`"),
    ("sudo-pip-workflow", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    steps:", "      - run: sudo pip install flask"),
     {7: ("pip-pin",)},
     "zizmor's adhoc-packages does not look at pip"),
    ("bash-c-curl", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nRUN bash -c \"curl -fsSL https://get.example.dev/install.sh | bash\"",
     {2: ("download-exec",)},
     "a pipe inside `bash -c \"…\"`: hadolint sees no pipe (no DL4006 even)"),
    ("bash-c-curl-workflow", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    steps:",
         "      - run: bash -c \"curl -fsSL https://get.example.dev/install.sh | bash\""),
     {7: ("download-exec",)},
     "zizmor has no download-and-execute audit"),
    ("python-m-pip-workflow", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    steps:", "      - run: python -m pip install requests"),
     {7: ("pip-pin",)},
     "`python -m pip install` in a workflow"),
    ("python-m-pip", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + "\nRUN python3 -m pip install --no-cache-dir requests",
     {2: ("pip-pin",)},
     "`python3 -m pip install` in a Dockerfile"),
    ("venv-pip", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + "\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install flask",
     {2: ("pip-pin",)},
     "pip called by its path inside a virtualenv"),
    ("env-prefix-pip", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + "\nRUN PIP_NO_CACHE_DIR=1 pip install six",
     {2: ("pip-pin",)},
     "an environment assignment before `pip`"),
    ("pip-exact-no-hash", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + "\nRUN pip install --no-cache-dir requests==2.32.3",
     {2: ("pip-pin",)},
     "an exact version without a hash: hadolint is satisfied, hygiene wants --require-hashes"),
    ("heredoc-then-instruction", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + "\nRUN <<EOF\npip install requests\nEOF\nRUN npm install -g yarn",
     {3: ("pip-pin",), 5: ("npm-pin",)},
     "hadolint 2.x fails to parse (DL1000) an instruction right after a heredoc and reports nothing for the file"),
    ("heredoc-to-bash", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nRUN bash -eux <<'EOF'\napt-get update\napt-get install -y curl\nEOF\n",
     {4: ("os-package",)},
     "a heredoc fed to `bash`"),
    ("escape-backtick", "Dockerfile",
     "# escape=`\nFROM debian:12@" + _DIG_A + "\nRUN apt-get update && `\n    apt-get install -y curl && `\n    pip install requests",
     {4: ("os-package",), 5: ("pip-pin",)},
     "the `# escape=` directive changes the continuation character"),
    ("lowercase-instructions", "Dockerfile",
     "from ubuntu:24.04\nrun apt-get update && apt-get install -y curl",
     {1: ("image-digest",), 2: ("os-package",)},
     "instructions are case-insensitive"),
    ("onbuild-add-url", "Dockerfile",
     "FROM alpine:3.20@" + _DIG_A + "\nONBUILD ADD https://example.com/tool.tar.gz /opt/",
     {2: ("add-url",)},
     "`ONBUILD ADD <url>` runs in every downstream build; hadolint has no rule for ADD <url>"),
    ("add-url-vs-checksum", "Dockerfile",
     "FROM alpine:3.20@" + _DIG_A + "\nADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini\n"
     "ADD --checksum=sha256:" + "7c" * 32 + " https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini2\n"
     "ADD https://github.com/krallin/tini.git#v0.19.0 /src/tini\nADD https://github.com/krallin/tini.git#" + _SHA_A + " /src/tini2",
     {2: ("add-url",), 4: ("add-url",)},
     "ADD <url>: with and without --checksum, Git sources at a tag and at a commit"),
    ("add-json-form", "Dockerfile",
     "FROM alpine:3.20@" + _DIG_A + "\nADD [\"https://example.com/tool.tar.gz\", \"/opt/\"]\n"
     "ADD --chown=1000:1000 [\"https://example.com/data.tar.gz\", \"/srv/data/\"]",
     {2: ("add-url",), 3: ("add-url",)},
     "ADD in its JSON (exec) form downloads a URL just the same"),
    ("stage-name-case", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + " AS Build\nRUN python -m compileall /app\n\nFROM build AS test\n"
     "RUN python -m unittest\n\nFROM gcr.io/distroless/python3-debian12@" + _DIG_B + "\nCOPY --from=BUILD /app /app",
     {},
     "stage names are case-insensitive: `build` and `BUILD` are the stage `Build`, not images"),
    ("packages-from-file", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nCOPY packages.txt /tmp/\n"
     "RUN apt-get update && apt-get install -y --no-install-recommends $(cat /tmp/packages.txt)",
     {},
     "package names read from a file at build time: which packages, and whether pinned, is not in the Dockerfile"),
    ("checksum-printed-not-checked", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nRUN curl -fsSLo /tmp/i.sh https://get.example.dev/install.sh \\\n"
     " && sha256sum /tmp/i.sh \\\n && sh /tmp/i.sh",
     {2: ("download-exec",)},
     "`sha256sum FILE` without `-c` only prints the digest: nothing is verified before the run"),
    ("run-exec-form", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + "\nRUN [\"pip\", \"install\", \"requests\"]",
     {2: ("pip-pin",)},
     "RUN in its JSON (exec) form"),
    ("comment-in-continuation", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nRUN apt-get update && \\\n    # tools for the healthcheck\n    apt-get install -y curl",
     {4: ("os-package",)},
     "a comment line inside a continued RUN is dropped by docker"),
    ("copy-from-images", "Dockerfile",
     "FROM python:3.12-slim@" + _DIG_A + "\nCOPY --from=nginx /etc/nginx /etc/nginx\n"
     "COPY --from=ghcr.io/astral-sh/uv:0.5.4 /uv /bin/uv\nCOPY --from=busybox:1.36@" + _DIG_B + " /bin/busybox /bin/",
     {2: ("image-digest", "image-tag"), 3: ("image-digest",)},
     "COPY --from an image: hadolint only notices an untagged one (DL3022, as an unknown stage)"),
    ("copy-from-later-stage", "Dockerfile",
     "FROM alpine:3.20@" + _DIG_A + " AS base\nCOPY --from=assets /dist /srv\n\nFROM node:20@" + _DIG_B + " AS assets\nRUN npm ci",
     {2: ("image-digest", "image-tag")},
     "a stage can only be used after it is defined: docker pulls `assets` from Docker Hub"),
    ("run-mount-from-image", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nRUN --mount=type=bind,from=ghcr.io/mycorp/tools:2.1.0,source=/bin/t,target=/usr/local/bin/t t --version",
     {2: ("image-digest",)},
     "`RUN --mount=…,from=<image>` pulls an image"),
    ("platform-scratch-stages", "Dockerfile",
     "FROM --platform=$BUILDPLATFORM golang:1.23@" + _DIG_A + " AS build\nRUN go build -o /out/app ./cmd/app\n\n"
     "FROM build AS test\nRUN go test ./...\n\nFROM scratch\nCOPY --from=build /out/app /app",
     {},
     "pinned builder, stage reuse and scratch: nothing to report"),
    ("npm-global-pinned", "Dockerfile",
     "FROM node:20@" + _DIG_A + "\nRUN npm install -g pnpm@9.12.1",
     {2: ("npm-pin",)},
     "an exact npm version without a lockfile: hadolint is satisfied, hygiene wants npm ci"),
    ("npm-bare-install", "Dockerfile",
     "FROM node:20@" + _DIG_A + "\nCOPY package.json package-lock.json ./\nRUN npm install\nRUN yarn",
     {3: ("npm-pin",), 4: ("npm-pin",)},
     "`npm install` / `yarn` with no package named: resolves afresh instead of `npm ci`"),
    ("gem-with-version-workflow", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    steps:", "      - run: gem install bundler -v 2.5.18"),
     {},
     "`gem install -v` is pinned for hygiene; zizmor's adhoc-packages reports any install outside a lockfile"),
    ("go-install-latest", "Dockerfile",
     "FROM golang:1.23@" + _DIG_A + "\nRUN go install golang.org/x/tools/gopls@latest\nRUN go install honnef.co/go/tools/cmd/staticcheck",
     {2: ("go-pin",), 3: ("go-pin",)},
     "`go install …@latest` and with no version"),
    ("apt-local-deb", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nCOPY tool.deb /tmp/\nRUN apt-get install -y /tmp/tool.deb",
     {},
     "a local .deb file is part of the build context"),
    ("apk-virtual-pinned", "Dockerfile",
     "FROM alpine:3.20@" + _DIG_A + "\nRUN apk add --no-cache --virtual .build-deps gcc=13.2.1_git20240309-r0 musl-dev=1.2.5-r0",
     {},
     "`--virtual NAME` names a group, not a package"),
    ("curl-pipe-workflow", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    steps:", "      - run: curl -fsSL https://get.example.dev/install.sh | sh"),
     {7: ("download-exec",)},
     "`curl | sh` in a workflow"),
    ("verified-download", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nRUN curl -fsSLo /tmp/i.sh https://get.example.dev/install.sh \\\n"
     " && echo \"" + "5e" * 32 + "  /tmp/i.sh\" | sha256sum -c - \\\n && sh /tmp/i.sh",
     {},
     "download, verify, then run: not reported"),
    ("immutable-url", "Dockerfile",
     "FROM debian:12@" + _DIG_A + "\nRUN curl -fsSL https://raw.githubusercontent.com/mycorp/bootstrap/" + _SHA_A + "/setup.sh | bash",
     {},
     "a script URL pinned to a commit is immutable"),
    ("matrix-container", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    strategy:", "      matrix:",
         "        image: [\"node:20\", \"node:22@" + _DIG_A + "\"]", "        include:",
         "          - image: node", "    container: ${{ matrix.image }}", "    steps:", "      - run: npm ci"),
     {11: ("image-digest", "image-tag")},
     "`container: ${{ matrix.image }}` expanded from the literal matrix, `include` too"),
    ("matrix-partial-expression", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    strategy:", "      matrix:", "        python: [\"3.11\", \"3.12\"]",
         "    container: python:${{ matrix.python }}-slim", "    steps:", "      - run: python -V"),
     {9: ("image-digest",)},
     "an image assembled from a matrix value"),
    ("matrix-object-property", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    strategy:", "      matrix:", "        db:",
         "          - image: postgres:16", "          - image: postgres:15@" + _DIG_A,
         "    services:", "      db:", "        image: ${{ matrix.db.image }}", "    steps:", "      - run: echo"),
     {13: ("skipped",)},
     "`${{ matrix.db.image }}`: a property of a matrix object; the spec only expands `${{ matrix.x }}`"),
    ("inputs-image", ".github/workflows/reusable.yml",
     ("on:\n  workflow_call:\n    inputs:\n      image:\n        type: string\n        required: true\npermissions: {}\n"
      "jobs:\n  t:\n    runs-on: ubuntu-latest\n    container: ${{ inputs.image }}\n    steps:\n      - run: echo"),
     {11: ("skipped",)},
     "an image chosen by the caller cannot be judged from this file"),
    ("docker-uses", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    steps:", "      - uses: docker://alpine",
         "      - uses: docker://alpine:3.20@" + _DIG_A, "      - uses: docker://ghcr.io/mycorp/linter:1.4"),
     {7: ("image-digest", "image-tag"), 9: ("image-digest",)},
     "`uses: docker://…` is an image (HY111), never an action ref"),
    ("action-ref-forms", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    steps:",
         "      - uses: actions/checkout@v4", "      - uses: actions/checkout@" + _SHA_A[:7],
         "      - uses: actions/checkout@" + _SHA_A + " # v4.1.1", "      - uses: mycorp/shared-actions/setup-env@main",
         "      - uses: ./.github/actions/local", "      - uses: codecov/codecov-action@" + _SHA_B),
     {7: ("action-ref",), 8: ("action-ref",), 10: ("action-ref",)},
     "tag, short sha, full sha with comment, sub-path action on a branch, local action, bare full sha"),
    ("reusable-workflow-ref", ".github/workflows/ci.yml",
     _wf("  call:", "    uses: mycorp/shared-workflows/.github/workflows/python-ci.yml@v2",
         "  call-pinned:", "    uses: mycorp/shared-workflows/.github/workflows/python-ci.yml@" + _SHA_B + " # v2.1.0",
         "  call-local:", "    uses: ./.github/workflows/reusable.yml"),
     {5: ("action-ref",)},
     "reusable workflows are judged like actions"),
    ("composite-action", ".github/actions/setup/action.yml",
     ("name: setup\ndescription: d\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n"
      "    - run: pip install tox\n      shell: bash\n    - run: curl -fsSL https://get.example.dev/i.sh | bash\n"
      "      shell: bash"),
     {6: ("action-ref",), 7: ("pip-pin",), 9: ("download-exec",)},
     "steps of a composite action are judged like workflow steps"),
    ("docker-action", ".github/actions/lint/action.yml",
     "name: lint\ndescription: d\nruns:\n  using: docker\n  image: docker://ghcr.io/mycorp/linter:1.4",
     {5: ("image-digest",)},
     "a Docker action's `runs.image`"),
    ("nested-repo-requirements", ".github/workflows/ci.yml",
     _wf("  t:", "    runs-on: ubuntu-latest", "    steps:", "      - uses: actions/checkout@" + _SHA_A,
         "      - run: pip install -r requirements.txt"),
     {8: ()},
     ("a workflow of a repository that is a sub-folder of the scanned folder installs that "
      "repository's fully hashed requirements.txt")),
)
TRICKY_EXTRA_FILES = {
    # case -> {relative path: content}
    "nested-repo-requirements": {"requirements.txt": "six==1.16.0 \\\n    --hash=sha256:" + "1d" * 32 + "\n"},
    "apt-local-deb": {},
}


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def generator_digest() -> str:
    """SHA-256 of this script: a corpus made by another version of it is regenerated."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def spread(total: int, buckets: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """`total` items over `buckets`, each at least `minimum` when possible, deterministic."""
    if buckets <= 0:
        return []
    base = [min(minimum, total // buckets if total >= buckets * minimum else 0)] * buckets
    left = total - sum(base)
    while left > 0:
        base[rng.randrange(buckets)] += 1
        left -= 1
    return base


def generate(out_dir: Path, workflows: int, dockerfiles: int, repos: int, seed: int) -> dict:
    if repos < 1:
        raise SystemExit("--repos must be at least 1")
    rng = random.Random(seed)
    files: list[FileBuilder] = []
    extra: dict[str, str] = {}
    wf_counts = spread(workflows, repos, rng)
    df_counts = spread(dockerfiles, repos, rng)
    n_actions = 0
    for r in range(repos):
        root = f"repo-{r:03d}"
        local_actions: list[str] = []
        if rng.random() < 0.3:
            name = rng.choice(("setup", "bootstrap", "prepare"))
            files.append(write_action(rng, f"{root}/.github/actions/{name}/action.yml"))
            local_actions.append(name)
            n_actions += 1
        local_reusable: list[str] = []
        k = wf_counts[r]
        names = ["ci.yml", "release.yml", "lint.yml", "nightly.yml", "docs.yml", "e2e.yml", "publish.yml", "scan.yml"]
        wf_names = [names[i] if i < len(names) else f"workflow-{i}.yml" for i in range(k)]
        if k >= 2 and rng.random() < 0.3:
            wf_names[-1] = "reusable-build.yml"
            local_reusable.append("reusable-build.yml")
        for name in sorted(wf_names, key=lambda n: n != "reusable-build.yml"):
            files.append(write_workflow(rng, f"{root}/.github/workflows/{name}", local_actions, local_reusable,
                                        reusable=name == "reusable-build.yml"))
        d = df_counts[r]
        df_paths = ["Dockerfile", "Dockerfile.dev"] + [f"docker/{s}/Dockerfile" for s in
                                                       ("api", "worker", "web", "cron", "migrate", "proxy")]
        df_paths = [df_paths[i] if i < len(df_paths) else f"docker/svc{i}/Dockerfile" for i in range(d)]
        for p in df_paths:
            folder = p.rsplit("/", 1)[0] if "/" in p else ""
            req_path = f"{root}/{folder + '/' if folder else ''}requirements.txt"
            if req_path in extra:
                hashed_file: bool | None = extra[req_path].startswith("# This file is autogenerated")
            elif rng.random() < 0.4:
                hashed_file = rng.random() < 0.6
                extra[req_path] = write_requirements(rng, hashed_file)
            else:
                hashed_file = None
            files.append(write_dockerfile(rng, f"{root}/{p}", hashed_file))

    for name, rel, content, expected, _why in TRICKY:
        fb = FileBuilder(f"tricky/{name}/{rel}", case=name)
        for i, line in enumerate(content.split("\n"), start=1):
            fb.add(line, *expected.get(i, ()))
        files.append(fb)
        for p, text in TRICKY_EXTRA_FILES.get(name, {}).items():
            extra[f"tricky/{name}/{p}"] = text

    out_dir.mkdir(parents=True, exist_ok=True)
    expected_rows = []
    n_bytes = n_lines = 0
    for fb in files:
        target = out_dir / fb.path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = fb.text().encode("utf-8")
        target.write_bytes(data)
        n_bytes += len(data)
        n_lines += len(fb.lines)
        for line, cat, case in fb.expect:
            expected_rows.append({"path": fb.path, "line": line, "category": cat,
                                  "rule": CATEGORY_RULE[cat], "case": case or None})
    for p, text in sorted(extra.items()):
        (out_dir / p).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / p).write_text(text, "utf-8")
    expected_rows.sort(key=lambda e: (e["path"], e["line"], e["category"]))
    by_cat: dict[str, int] = {}
    for e in expected_rows:
        by_cat[e["category"]] = by_cat.get(e["category"], 0) + 1

    def is_wf(p: str) -> bool:
        return "/.github/workflows/" in p

    summary = {
        "generator": "benchmarks/pinning_corpus.py",
        "generator_version": GENERATOR_VERSION,
        "generator_sha256": generator_digest(),
        "seed": seed,
        "repos": repos,
        "workflows": sum(1 for f in files if is_wf(f.path) and not f.path.startswith("tricky/")),
        "dockerfiles": sum(1 for f in files if not f.path.endswith(".yml") and not f.path.startswith("tricky/")),
        "actions": n_actions,
        "requirements_files": sum(1 for p in extra if not p.startswith("tricky/")),
        "tricky_cases": len(TRICKY),
        "files": len(files) + len(extra),
        "lines": n_lines,
        "bytes": n_bytes,
        "expected_by_category": dict(sorted(by_cat.items())),
    }
    (out_dir / ".corpus.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    (out_dir / ".corpus-expected.json").write_text(json.dumps({
        "note": "what hygiene's rule catalogue requires on each line of the generated corpus",
        "tricky": [{"case": n, "path": f"tricky/{n}/{rel}", "why": why} for n, rel, _c, _e, why in TRICKY],
        "findings": expected_rows,
    }, indent=1) + "\n", "utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path, help="directory to write the corpus into")
    ap.add_argument("--workflows", type=int, default=DEFAULTS["workflows"],
                    help=f"workflow files (default {DEFAULTS['workflows']})")
    ap.add_argument("--dockerfiles", type=int, default=DEFAULTS["dockerfiles"],
                    help=f"Dockerfiles (default {DEFAULTS['dockerfiles']})")
    ap.add_argument("--repos", type=int, default=DEFAULTS["repos"],
                    help=f"repositories to spread them over (default {DEFAULTS['repos']})")
    ap.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="random seed (default 0)")
    ap.add_argument("--force", action="store_true",
                    help="write even if OUT_DIR is a non-empty directory not made by this script")
    args = ap.parse_args(argv)
    out: Path = args.out_dir
    if out.exists() and any(out.iterdir()):
        if not (out / ".corpus.json").exists() and not args.force:
            print(f"error: {out} is not empty and was not made by this generator (use --force)", file=sys.stderr)
            return 2
        if (out / ".corpus.json").exists():
            shutil.rmtree(out)  # our own output: start clean so no file of a bigger run lingers
    s = generate(out, args.workflows, args.dockerfiles, args.repos, args.seed)
    print(f"wrote {out}/: {s['workflows']} workflows, {s['dockerfiles']} Dockerfiles, {s['actions']} actions, "
          f"{s['requirements_files']} requirements files in {s['repos']} repositories, "
          f"+ {s['tricky_cases']} tricky cases; {s['lines']:,} lines")
    print("expected hygiene findings by category: "
          + ", ".join(f"{k} {v}" for k, v in s["expected_by_category"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
