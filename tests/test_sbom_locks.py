"""The SBOM of each lockfile kind: exact purls, hashes, scopes, occurrences and graph edges.

The fixtures are in ``tests/data/sbom/`` (one small project per lockfile kind; the npm, yarn
and pnpm locks all lock the same ``npm/package.json``). Every expectation below was read off the
fixture lockfile itself (what it records, and how its package manager resolves it), never off
hygiene's output:

- a ``[[package]]`` / ``[[packages]]`` table, a Pipfile.lock entry, a ``node_modules/…`` key, a
  yarn block header or a pnpm ``packages`` key is the occurrence line of the package it locks,
  and a declaration in ``pyproject.toml`` / ``Pipfile`` / ``package.json`` is an occurrence of
  the locked version it resolves to;
- hashes are every digest the lock records for the package's artifacts (npm ``integrity`` is
  base64 and must appear as hex; a yarn v1 ``resolved`` URL's ``#<sha1>`` fragment is the
  tarball's SHA-1; a berry ``checksum`` is ``<cacheKey>/<sha512 hex>``);
- a package only the project's dev / optional groups pull in has the scope ``optional``;
- the npm locks hold ``ms`` twice: ``ms@2.0.0`` for ``debug@2.6.9`` (which asks for exactly
  ``2.0.0``) and ``ms@2.1.3`` for the project (``^2.1.3``) and for ``humanize-ms`` (``^2.0.0``).
  Each edge must reach the version the lockfile resolves it to.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hygiene_testkit import run_cli, write_tree

pytest.importorskip("cyclonedx.validation.json")

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

DATA = Path(__file__).resolve().parent / "data" / "sbom"

# kind -> (folder name of the scanned project, {path in the project: fixture under DATA})
PROJECTS: dict[str, tuple[str, dict[str, str]]] = {
    "uv": ("weather", {"pyproject.toml": "uv/pyproject.toml", "uv.lock": "uv/uv.lock"}),
    "poetry": ("invoices", {"pyproject.toml": "poetry/pyproject.toml", "poetry.lock": "poetry/poetry.lock"}),
    "pdm": ("scrape", {"pyproject.toml": "pdm/pyproject.toml", "pdm.lock": "pdm/pdm.lock"}),
    "pylock": ("ledger-sync", {"pylock.toml": "pylock/pylock.toml"}),
    "pipenv": ("mail-relay", {"Pipfile": "pipenv/Pipfile", "Pipfile.lock": "pipenv/Pipfile.lock"}),
    "npm-v3": ("status", {"package.json": "npm/package.json", "package-lock.json": "npm/npm-v3/package-lock.json"}),
    "yarn-v1": ("status", {"package.json": "npm/package.json", "yarn.lock": "npm/yarn-v1/yarn.lock"}),
    "yarn-berry": ("status", {"package.json": "npm/package.json", "yarn.lock": "npm/yarn-berry/yarn.lock"}),
    "pnpm-v9": ("status", {"package.json": "npm/package.json", "pnpm-lock.yaml": "npm/pnpm-v9/pnpm-lock.yaml"}),
    "pnpm-v6": ("status", {"package.json": "npm/package.json", "pnpm-lock.yaml": "npm/pnpm-v6/pnpm-lock.yaml"}),
}
NPM_KINDS = ("npm-v3", "yarn-v1", "yarn-berry", "pnpm-v9", "pnpm-v6")
KINDS = tuple(PROJECTS)

# The root component: (bom-ref, name, version). pyproject.toml / package.json name the project;
# a folder without either is named after the folder.
ROOTS = {
    "uv": ("hygiene:project:weather-api", "weather-api", "0.3.0"),
    "poetry": ("hygiene:project:invoice-service", "invoice-service", "1.2.0"),
    "pdm": ("hygiene:project:scraper", "scraper", "0.1.0"),
    "pylock": ("hygiene:project:ledger-sync", "ledger-sync", None),
    "pipenv": ("hygiene:project:mail-relay", "mail-relay", None),
    **{kind: ("hygiene:project:status-page", "status-page", "2.4.0") for kind in NPM_KINDS},
}


# -- hashes, as the lockfiles write them ----------------------------------------------------


def sha256(*hexdigests: str) -> list[tuple[str, str]]:
    return [("SHA-256", h) for h in hexdigests]


def sri(integrity: str) -> list[tuple[str, str]]:
    """An npm/yarn/pnpm ``integrity`` (Subresource Integrity, base64) as CycloneDX hashes."""
    out = []
    for token in integrity.split():
        algorithm, _, b64 = token.partition("-")
        out.append(({"sha512": "SHA-512", "sha1": "SHA-1"}[algorithm], base64.b64decode(b64).hex()))
    return out


# The integrity of each tarball, as package-lock.json, yarn.lock v1 and pnpm-lock.yaml record it.
INTEGRITY = {
    "pkg:npm/%40types/ms@0.7.34": "sha512-XoXWLpl2BoqI15aF8hlFSZ8WddzQGxuXGHUbLxoizI+WwYWr9OCsrIteBTFkkG/uXauZRoy4i2Pu6+m/4+nQkQ==",
    "pkg:npm/debug@2.6.9": "sha512-P0zanIrsEWANhoy+3VKxDlm3/VjNdauDbRmchn6Edoc9FLJJBAM9oDWLYG8s8VpIkeA9GGucrySVlFHl/+LpSg==",
    "pkg:npm/humanize-ms@1.2.1": "sha512-YWF9nnH66Zvl8TbDxaREBw58hv0QhYYIjCRcxYD1RmMiRgOxT5yWIIXI0RGMw7qaSRF+EkcO3P9ftij6CJHaIg==",
    "pkg:npm/ms@2.0.0": "sha512-dk6dlt866aBRuvCDa33/6ee6yy1+phkY08gvK9rfiYIMnx0sYEJJLwGDvCK1kEURcA/24fWanvE+Tw61+T9nog==",
    "pkg:npm/ms@2.1.3": "sha512-uSXveDcWpcXee8YVayX+77yDFndhVwTNTAebMN1gvQ1kVQmft/DdiJnKm7DM1KBdkqmF5pea6LcVPxMV6R4toQ==",
}
# yarn v1: the `#<sha1>` fragment of each `resolved` URL.
YARN_SHA1 = {
    "pkg:npm/%40types/ms@0.7.34": "6e44678b86ede8687ccec1fcfde1621be94bab04",
    "pkg:npm/debug@2.6.9": "2c1724777a5bbba38605d2f858bd2b8c0338b7bc",
    "pkg:npm/humanize-ms@1.2.1": "e3b7ad39ae661879ed30f50892dfc6f342418d72",
    "pkg:npm/ms@2.0.0": "15d1ef4253c68c517c6637a665c0b0472eaba4f6",
    "pkg:npm/ms@2.1.3": "0ceffd2a4715b2f2cd00708b2afee6a0e4b802c2",
}
# yarn berry: the `checksum` of each entry, after the `10c0/` cache key.
BERRY_CHECKSUM = {
    "pkg:npm/%40types/ms@0.7.34": "5b9ce945bc6a32526cfa77c4bfc32bb6fa8e04b057a8f5bb2ba983df0017775551e096b4998b80155796bd67f20cda8f4243aa9ce6f20e58d1d320d0d58ce89a",
    "pkg:npm/debug@2.6.9": "93c2ac5d0d9f56d4ebcb23c136582eaea51b6e46192e64d425dc0cb40fa4b0c8cf06ce5d88e312aad8fedca826d82b68452bef556987808df9bdaa4ced99cee6",
    "pkg:npm/humanize-ms@1.2.1": "be295fd436d76ca49c390e97624750618f387c0a56c0ff68ee36cc2a0af2153da7eb56dda28bfb351080157ed16b4315bb16c87e6b5b58d708dea3af9beaecd8",
    "pkg:npm/ms@2.0.0": "10943f4c788080f305ce04e7fb87be4d5283519c631bcdd95a127e62cba617ae8393d9829b37cd3a13ed3db7d9f99563e036b0f357d5a6035d1c85e4bfb9bb50",
    "pkg:npm/ms@2.1.3": "056dbb67b411e1980c2336b5e2aabdc983cb3bc7f79af4a0f793804c8aecc75da0fe2871f3782a82f251d8f2f00d8d96b82a044d171825c3c25ab8128a8d0ded",
}
NPM_HASHES = {
    "npm-v3": {ref: sri(v) for ref, v in INTEGRITY.items()},
    "yarn-v1": {ref: [*sri(v), ("SHA-1", YARN_SHA1[ref])] for ref, v in INTEGRITY.items()},
    "yarn-berry": {ref: [("SHA-512", v)] for ref, v in BERRY_CHECKSUM.items()},
    "pnpm-v9": {ref: sri(v) for ref, v in INTEGRITY.items()},
    "pnpm-v6": {ref: sri(v) for ref, v in INTEGRITY.items()},
}

# -- components: purl -> (name, version, hashes) ----------------------------------------------

_PYPI_HASHES = {
    # uv.lock (sdist, wheels)
    "markdown-it-py@3.0.0": sha256(
        "d11bce6439e6c4690ae13bdb34b7537b050d042bc70415425d4ec1c92927df4f",
        "132e22bfa31cdeb5d73d1d1984673bd1064433ccfd859c7e5c9b3a201965ac7a",
    ),
    "mdurl@0.1.2": sha256(
        "42467db70d2b4044bccf07a2c6fb608c3b1f2088b4ad66e3f4809f672ba75c8c",
        "50810e576ab6a7e9c5c06223760edf6f2aa33a6ebf7fd4877ecb375bfa096e66",
    ),
    "pygments@2.18.0": sha256(
        "683b5b007b80a10de34cc479295eceda9d0563f54395dfa4655ec6c82ddca2b5",
        "30105cef8b8646872b5e972ba3718335ba3f5df064eff3dd62db4e39b0a4479b",
    ),
    "rich@13.7.1": sha256(
        "a835433d1b6079198c6a1ddaf50cedea6567a992b98530dbde09ab413e760302",
        "199af8a0730c5989cb7eed5f04464b990087f10c1f2250652560285eab262aef",
    ),
    # poetry.lock
    "click@8.1.7": sha256(
        "522836119b7383b214ab374ea35d65a3857b18f88d806dc194604eb7adeba31f",
        "79bd720a93b05043b30d7c6a9f3e1baeb6fc540fcef9e767034fb79fe298fc2c",
    ),
    "colorama@0.4.6": sha256(
        "292d9104c3b56c179f4ef7da15ace71415913cca824b1c8cbd108adba63ee200",
        "3e874d25f90ebccae879754fbe7d313c071d5226eb96938a6d13092c455106a3",
    ),
    "coverage@7.6.1": sha256(
        "46133b7b0af80f483695158792856b1f3c0c12db1f0f0deeaf23ea112a7a2ce8",
        "abdc40a58c74552bfa9ea93c8e15bcdd8c0ffccf758835b4a86f730e81610416",
    ),
    "python-dateutil@2.9.0.post0": sha256(
        "0f0fe7a724531bfb9ad92ada71aa4139bc43fbea3fb5221cceee5f4bbcc00f97",
        "b3e6aec9973853d31d12615d066c8425debef176bc95e8d5decc7cab65a13671",
    ),
    # poetry.lock and pdm.lock lock the same six
    "six@1.16.0": sha256(
        "cfeb0022683830dc7506d502d9ee66f32c27b3817d24ea9ca0662377102577ef",
        "135e350f19a413031effd323157deca33127accf74d95f3a723e6ed10ee8ef25",
    ),
    # pdm.lock
    "beautifulsoup4@4.12.3": sha256(
        "d78ca0e0ac500dda4150aee2040c9e20a3119723223c0843ea4046cdd455c14f",
        "1d90938562fe8b410ded28ba4e67ddf0d586d3d160f5b0f832bcfbd1d9c52b3b",
    ),
    "html5lib@1.1": sha256(
        "b12c44403c44bd6b975c0fa9879e786d332e082f6588bb612ecce4b30a2d4a69",
        "6b973109d5c278908e8bc7551ffa4ff7c4b88e537d501a73d5029851254f1b45",
    ),
    "pyflakes@3.2.0": sha256(
        "979581df5a5f52a1f8ceef1cec40474e6997866674f3c89f6a9b2c98cbbb29bc",
        "baafd8cf0f6df830bfde27ebf6e9e8fa267fcfa0f6fa463a785b7a6347dea53b",
    ),
    "soupsieve@2.6": sha256(
        "d2f7f3c5721e66a055b5927b0950f576a7c97dcc9e63a183e424bf43f7c5e8dd",
        "e55a5b44c1a344c46d20f3fd9ec1b997c945d5084e85188e40f347c076d3ad23",
    ),
    "webencodings@0.5.1": sha256(
        "67a95204af07d1bbf7497ff1e91844a9ee3417aa7fe7ebc967a5da94d2b729ff",
        "1a1500807acb05c9d271b87164366371c44f432674714b8f993176ee129a237d",
    ),
    # pylock.toml and Pipfile.lock lock the same requests stack
    "certifi@2024.8.30": sha256(
        "efe65d8eca56634dc9efa08547a73c53ced6ab0ee2d02c07244eee2bade7c147",
        "8f8e0cf064f1969db8cd0f729459bb3f86550f138a825338ccfbb197cc94de36",
    ),
    "charset-normalizer@3.3.2": sha256(
        "bdcdecdbf26c6582c66f0613e23096e370f1a226d18c6181750a1ef143331e1c",
        "3867656e0cb25b83ec48e26788e20b492db52dfefd80c72dfb0aee4abd526e70",
    ),
    "idna@3.10": sha256(
        "6900fe2c6f8c58b85a7d96f4b0937545e40289be9e0aa2392b3035f3bc176d6b",
        "cb0c73b778992a64913402aa2b222077f09ad1627b85526d8b9c2aa770daa1f1",
    ),
    "requests@2.32.3": sha256(
        "d3661b32ef71c53e839964f1652bec8ac7b30a882a656a9e5055bbd4043b48f1",
        "bd0c80ddb748e530fc1c4dec6b66909a820f246d37f72b3461438ce1fcd8a30a",
    ),
}
RUFF_SDIST = "2c240418b605279af8d19521c9cd72dae2aaa99ba674739a79c1648dea169ebc"
RUFF_ARM64 = "cd36717ae970dc4e3f37c10f3e9e5efba9718fb9bbeb7d82812c11aa4e7e1dad"
RUFF_X86_64 = "f08abcce4c51f9d0b5785c0ba0e8d628d847688f02ea5a28b5cc9f9323a8a094"
URLLIB3_SDIST = "ca2b1bc8f016a5fcec90e8f342842fed1b9894edaf2ec1e006234d16bbd8d743"
URLLIB3_WHEEL = "9e68f9ecb9c2044d8ad6550fc27fbb09b2198e8669ef519d30c8bec578436d67"
URLLIB3_WHEEL_SHA512 = (
    "2c5e338a137fbb393e74e29184445c0dfd99b7dd7889ad4d21d49908f3021a22"
    "a127255d601a23645ee201b737719bef9e915a7426cccbfbfddfb5ac5438efb8"
)


def _pypi(*names: str) -> dict[str, list[tuple[str, str]]]:
    return {f"pkg:pypi/{n}": _PYPI_HASHES[n] for n in names}


# purl -> hashes (as (alg, hex) pairs)
HASHES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "uv": {
        **_pypi("markdown-it-py@3.0.0", "mdurl@0.1.2", "pygments@2.18.0", "rich@13.7.1"),
        "pkg:pypi/ruff@0.6.9": sha256(RUFF_SDIST, RUFF_ARM64, RUFF_X86_64),
    },
    "poetry": _pypi("click@8.1.7", "colorama@0.4.6", "coverage@7.6.1", "python-dateutil@2.9.0.post0", "six@1.16.0"),
    "pdm": _pypi("beautifulsoup4@4.12.3", "html5lib@1.1", "pyflakes@3.2.0", "six@1.16.0", "soupsieve@2.6", "webencodings@0.5.1"),
    "pylock": {
        **_pypi("certifi@2024.8.30", "charset-normalizer@3.3.2", "idna@3.10", "requests@2.32.3"),
        "pkg:pypi/ruff@0.6.9": sha256(RUFF_X86_64),  # the lock records the one manylinux wheel
        "pkg:pypi/urllib3@2.2.3": [*sha256(URLLIB3_SDIST, URLLIB3_WHEEL), ("SHA-512", URLLIB3_WHEEL_SHA512)],
    },
    "pipenv": {
        **_pypi("certifi@2024.8.30", "charset-normalizer@3.3.2", "idna@3.10", "requests@2.32.3"),
        "pkg:pypi/ruff@0.6.9": sha256(RUFF_SDIST, RUFF_ARM64, RUFF_X86_64),
        "pkg:pypi/urllib3@2.2.3": sha256(URLLIB3_SDIST, URLLIB3_WHEEL),
    },
    **NPM_HASHES,
}

# purl -> name and version, as the lockfile writes them (npm names keep their scope).
NAMES = {
    "pkg:npm/%40types/ms@0.7.34": ("@types/ms", "0.7.34"),
}

# -- scopes: what only dev / optional groups pull in -----------------------------------------

OPTIONAL = {
    # uv.lock: ruff is only in the project's [package.dev-dependencies] dev group.
    "uv": {"pkg:pypi/ruff@0.6.9"},
    # poetry.lock: coverage is `groups = ["dev"]`.
    "poetry": {"pkg:pypi/coverage@7.6.1"},
    # pdm.lock: html5lib, six and webencodings are `groups = ["html5"]` (an extra), pyflakes
    # `groups = ["lint"]`.
    "pdm": {"pkg:pypi/html5lib@1.1", "pkg:pypi/six@1.16.0", "pkg:pypi/webencodings@0.5.1", "pkg:pypi/pyflakes@3.2.0"},
    # pylock.toml: ruff has `marker = "'dev' in dependency_groups"`.
    "pylock": {"pkg:pypi/ruff@0.6.9"},
    # Pipfile.lock: ruff is in `develop`.
    "pipenv": {"pkg:pypi/ruff@0.6.9"},
    # @types/ms is the project's only devDependency and nothing else requires it
    # (package-lock: `"dev": true`; pnpm v6: `dev: true`; pnpm v9: the importer's
    # devDependencies; yarn: package.json's devDependencies).
    **{kind: {"pkg:npm/%40types/ms@0.7.34"} for kind in NPM_KINDS},
}

# -- occurrences: purl -> [(path, line)] -----------------------------------------------------

_NPM_LOCK_LINES = {  # the line of each package's entry in the lock
    "npm-v3": ("package-lock.json", {"%40types/ms@0.7.34": 19, "debug@2.6.9": 26, "ms@2.0.0": 35, "humanize-ms@1.2.1": 41, "ms@2.1.3": 50}),
    "yarn-v1": ("yarn.lock", {"%40types/ms@0.7.34": 5, "debug@2.6.9": 10, "humanize-ms@1.2.1": 17, "ms@2.0.0": 24, "ms@2.1.3": 29}),
    "yarn-berry": ("yarn.lock", {"%40types/ms@0.7.34": 8, "debug@2.6.9": 15, "humanize-ms@1.2.1": 24, "ms@2.0.0": 33, "ms@2.1.3": 40}),
    "pnpm-v9": ("pnpm-lock.yaml", {"%40types/ms@0.7.34": 27, "debug@2.6.9": 30, "humanize-ms@1.2.1": 33, "ms@2.0.0": 36, "ms@2.1.3": 39}),
    "pnpm-v6": ("pnpm-lock.yaml", {"%40types/ms@0.7.34": 25, "debug@2.6.9": 29, "humanize-ms@1.2.1": 35, "ms@2.0.0": 41, "ms@2.1.3": 45}),
}
# package.json: `"debug": "^2.6.9"` (6), `"humanize-ms": "^1.2.1"` (7), `"ms": "^2.1.3"` (8, which
# only 2.1.3 satisfies), `"@types/ms": "^0.7.34"` (11).
_PACKAGE_JSON_LINES = {"%40types/ms@0.7.34": 11, "debug@2.6.9": 6, "humanize-ms@1.2.1": 7, "ms@2.1.3": 8}


def _npm_occurrences(kind: str) -> dict[str, list[tuple[str, int]]]:
    lock, lines = _NPM_LOCK_LINES[kind]
    out = {}
    for short, line in lines.items():
        found = [(lock, line)]
        if short in _PACKAGE_JSON_LINES:
            found.append(("package.json", _PACKAGE_JSON_LINES[short]))
        out[f"pkg:npm/{short}"] = sorted(found)
    return out


OCCURRENCES: dict[str, dict[str, list[tuple[str, int]]]] = {
    "uv": {
        "pkg:pypi/markdown-it-py@3.0.0": [("uv.lock", 5)],
        "pkg:pypi/mdurl@0.1.2": [("uv.lock", 17)],
        "pkg:pypi/pygments@2.18.0": [("uv.lock", 26)],
        "pkg:pypi/rich@13.7.1": [("pyproject.toml", 7), ("uv.lock", 35)],
        "pkg:pypi/ruff@0.6.9": [("pyproject.toml", 12), ("uv.lock", 48)],
    },
    "poetry": {
        "pkg:pypi/click@8.1.7": [("poetry.lock", 3), ("pyproject.toml", 7)],
        "pkg:pypi/colorama@0.4.6": [("poetry.lock", 18)],
        "pkg:pypi/coverage@7.6.1": [("poetry.lock", 31), ("pyproject.toml", 12)],
        "pkg:pypi/python-dateutil@2.9.0.post0": [("poetry.lock", 46), ("pyproject.toml", 8)],
        "pkg:pypi/six@1.16.0": [("poetry.lock", 61)],
    },
    "pdm": {
        "pkg:pypi/beautifulsoup4@4.12.3": [("pdm.lock", 13), ("pyproject.toml", 7)],
        "pkg:pypi/html5lib@1.1": [("pdm.lock", 27), ("pyproject.toml", 12)],
        "pkg:pypi/pyflakes@3.2.0": [("pdm.lock", 42), ("pyproject.toml", 17)],
        "pkg:pypi/six@1.16.0": [("pdm.lock", 53)],
        "pkg:pypi/soupsieve@2.6": [("pdm.lock", 64)],
        "pkg:pypi/webencodings@0.5.1": [("pdm.lock", 75)],
    },
    "pylock": {
        "pkg:pypi/certifi@2024.8.30": [("pylock.toml", 9)],
        "pkg:pypi/charset-normalizer@3.3.2": [("pylock.toml", 18)],
        "pkg:pypi/idna@3.10": [("pylock.toml", 27)],
        "pkg:pypi/requests@2.32.3": [("pylock.toml", 36)],
        "pkg:pypi/ruff@0.6.9": [("pylock.toml", 51)],
        "pkg:pypi/urllib3@2.2.3": [("pylock.toml", 60)],
    },
    "pipenv": {
        "pkg:pypi/certifi@2024.8.30": [("Pipfile.lock", 19)],
        "pkg:pypi/charset-normalizer@3.3.2": [("Pipfile.lock", 28)],
        "pkg:pypi/idna@3.10": [("Pipfile.lock", 37)],
        "pkg:pypi/requests@2.32.3": [("Pipfile", 7), ("Pipfile.lock", 46)],
        "pkg:pypi/ruff@0.6.9": [("Pipfile", 10), ("Pipfile.lock", 66)],
        "pkg:pypi/urllib3@2.2.3": [("Pipfile.lock", 55)],
    },
    **{kind: _npm_occurrences(kind) for kind in NPM_KINDS},
}

# -- the graph: purl -> what it depends on (the root's edges are in ROOT_EDGES) -------------------

_NPM_EDGES = {
    "pkg:npm/%40types/ms@0.7.34": [],
    "pkg:npm/debug@2.6.9": ["pkg:npm/ms@2.0.0"],  # debug asks for ms "2.0.0"
    "pkg:npm/humanize-ms@1.2.1": ["pkg:npm/ms@2.1.3"],  # ^2.0.0, resolved to the project's 2.1.3
    "pkg:npm/ms@2.0.0": [],
    "pkg:npm/ms@2.1.3": [],
}
EDGES: dict[str, dict[str, list[str]]] = {
    "uv": {
        "pkg:pypi/markdown-it-py@3.0.0": ["pkg:pypi/mdurl@0.1.2"],
        "pkg:pypi/mdurl@0.1.2": [],
        "pkg:pypi/pygments@2.18.0": [],
        "pkg:pypi/rich@13.7.1": ["pkg:pypi/markdown-it-py@3.0.0", "pkg:pypi/pygments@2.18.0"],
        "pkg:pypi/ruff@0.6.9": [],
    },
    "poetry": {
        "pkg:pypi/click@8.1.7": ["pkg:pypi/colorama@0.4.6"],
        "pkg:pypi/colorama@0.4.6": [],
        "pkg:pypi/coverage@7.6.1": [],
        "pkg:pypi/python-dateutil@2.9.0.post0": ["pkg:pypi/six@1.16.0"],
        "pkg:pypi/six@1.16.0": [],
    },
    "pdm": {
        "pkg:pypi/beautifulsoup4@4.12.3": ["pkg:pypi/soupsieve@2.6"],
        "pkg:pypi/html5lib@1.1": ["pkg:pypi/six@1.16.0", "pkg:pypi/webencodings@0.5.1"],
        "pkg:pypi/pyflakes@3.2.0": [],
        "pkg:pypi/six@1.16.0": [],
        "pkg:pypi/soupsieve@2.6": [],
        "pkg:pypi/webencodings@0.5.1": [],
    },
    "pylock": {
        "pkg:pypi/certifi@2024.8.30": [],
        "pkg:pypi/charset-normalizer@3.3.2": [],
        "pkg:pypi/idna@3.10": [],
        "pkg:pypi/requests@2.32.3": [
            "pkg:pypi/certifi@2024.8.30",
            "pkg:pypi/charset-normalizer@3.3.2",
            "pkg:pypi/idna@3.10",
            "pkg:pypi/urllib3@2.2.3",
        ],
        "pkg:pypi/ruff@0.6.9": [],
        "pkg:pypi/urllib3@2.2.3": [],
    },
    # Pipfile.lock records no graph: every component is there, with no edges.
    "pipenv": {ref: [] for ref in OCCURRENCES["pipenv"]},
    **{kind: _NPM_EDGES for kind in NPM_KINDS},
}
ROOT_EDGES = {
    # uv.lock's own `weather-api` entry: dependencies rich, dev-dependencies ruff.
    "uv": ["pkg:pypi/rich@13.7.1", "pkg:pypi/ruff@0.6.9"],
    # poetry.lock has no project entry: what no locked package requires (and what the
    # pyproject.toml declares): click, python-dateutil and the dev group's coverage.
    "poetry": ["pkg:pypi/click@8.1.7", "pkg:pypi/coverage@7.6.1", "pkg:pypi/python-dateutil@2.9.0.post0"],
    # pdm.lock likewise: beautifulsoup4, the html5 extra's html5lib, the lint group's pyflakes.
    "pdm": ["pkg:pypi/beautifulsoup4@4.12.3", "pkg:pypi/html5lib@1.1", "pkg:pypi/pyflakes@3.2.0"],
    # pylock.toml likewise: requests (which requires the other four) and ruff.
    "pylock": ["pkg:pypi/requests@2.32.3", "pkg:pypi/ruff@0.6.9"],
    # package.json's four dependencies, each to the version the lock resolves it to: ms to 2.1.3.
    **{
        kind: ["pkg:npm/%40types/ms@0.7.34", "pkg:npm/debug@2.6.9", "pkg:npm/humanize-ms@1.2.1", "pkg:npm/ms@2.1.3"]
        for kind in NPM_KINDS
    },
}
# Pipfile.lock records no graph, so which locked packages the project requires directly cannot be
# told from it; the Pipfile declares requests and ruff, so those at least hang from the root.
ROOT_EDGES_AT_LEAST = {"pipenv": ["pkg:pypi/requests@2.32.3", "pkg:pypi/ruff@0.6.9"]}


# -- helpers (as in test_sbom.py) --------------------------------------------------------------


def components(doc: dict) -> dict[str, dict]:
    return {c["bom-ref"]: c for c in doc["components"]}


def occurrences(component: dict) -> list[tuple[str, int]]:
    return sorted((o["location"], o["line"]) for o in component["evidence"]["occurrences"])


def hashes(component: dict) -> list[tuple[str, str]]:
    return sorted((h["alg"], h["content"]) for h in component.get("hashes", []))


def graph(doc: dict) -> dict[str, list[str]]:
    refs = [d["ref"] for d in doc["dependencies"]]
    assert len(refs) == len(set(refs)), "a ref listed twice in `dependencies`"
    return {d["ref"]: sorted(d.get("dependsOn", [])) for d in doc["dependencies"]}


@pytest.fixture(scope="module")
def sbom(tmp_path_factory):
    """`sbom(kind) -> (text, document)`: the SBOM of that kind's project, made once per module
    with `hygiene sbom PROJECT -o FILE`."""
    made: dict[str, tuple[str, dict]] = {}

    def make(kind: str) -> tuple[str, dict]:
        if kind not in made:
            folder, files = PROJECTS[kind]
            base = tmp_path_factory.mktemp(kind)
            root = write_tree(base / folder, {dest: (DATA / src).read_text("utf-8") for dest, src in files.items()})
            out = base / "sbom.cdx.json"
            run = run_cli("sbom", str(root), "-o", str(out))
            assert run.code == 0, run.stderr
            assert "Traceback" not in run.stderr, run.stderr
            text = out.read_text("utf-8")
            made[kind] = (text, json.loads(text))
        return made[kind]

    return make


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_sbom_is_valid_cyclonedx_1_6_with_the_project_as_root(sbom, kind):
    text, doc = sbom(kind)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert doc["specVersion"] == "1.6"
    root = doc["metadata"]["component"]
    ref, name, version = ROOTS[kind]
    assert (root["bom-ref"], root["name"], root.get("version"), root["type"]) == (ref, name, version, "application")


@pytest.mark.parametrize("kind", KINDS)
def test_components_are_exactly_the_locked_packages_with_their_purls_and_hashes(sbom, kind):
    _, doc = sbom(kind)
    comps = components(doc)
    assert sorted(comps) == sorted(HASHES[kind])
    for ref, expected in HASHES[kind].items():
        comp = comps[ref]
        assert comp["purl"] == ref and comp["type"] == "library"
        name, version = NAMES.get(ref) or ref.split("/", 1)[1].rsplit("@", 1)
        assert (comp["name"], comp["version"]) == (name, version), ref
        assert hashes(comp) == sorted(expected), ref
        # hygiene states what it knows: pinned to a version and to at least one digest.
        assert {p["name"]: p["value"] for p in comp["properties"] if p["name"].startswith("hygiene:")} == {
            "hygiene:pinned": "true",
            "hygiene:hash-pinned": "true",
        }, ref


@pytest.mark.parametrize("kind", KINDS)
def test_what_the_project_needs_at_run_time_is_required(sbom, kind):
    _, doc = sbom(kind)
    scopes = {ref: c["scope"] for ref, c in components(doc).items()}
    runtime = set(HASHES[kind]) - OPTIONAL[kind]
    assert runtime and {ref: scopes.get(ref) for ref in runtime} == dict.fromkeys(runtime, "required")


@pytest.mark.parametrize("kind", KINDS)
def test_what_only_dev_or_optional_groups_pull_in_is_optional(sbom, kind):
    _, doc = sbom(kind)
    scopes = {ref: c["scope"] for ref, c in components(doc).items()}
    assert {ref: scopes.get(ref) for ref in OPTIONAL[kind]} == dict.fromkeys(OPTIONAL[kind], "optional")


@pytest.mark.parametrize("kind", KINDS)
def test_occurrences_are_the_lock_entry_and_the_declarations(sbom, kind):
    _, doc = sbom(kind)
    comps = components(doc)
    expected = OCCURRENCES[kind]
    assert sorted(comps) == sorted(expected)
    # ms@2.0.0 is checked on its own (test_a_range_is_an_occurrence_only_of_the_version_it_resolves_to).
    for ref in sorted(set(expected) - {"pkg:npm/ms@2.0.0"}):
        assert occurrences(comps[ref]) == expected[ref], ref
    if "pkg:npm/ms@2.0.0" in expected:
        assert expected["pkg:npm/ms@2.0.0"][0] in occurrences(comps["pkg:npm/ms@2.0.0"])


@pytest.mark.parametrize("kind", NPM_KINDS)
def test_a_range_is_an_occurrence_only_of_the_version_it_resolves_to(sbom, kind):
    _, doc = sbom(kind)
    comps = components(doc)
    lock, lines = _NPM_LOCK_LINES[kind]
    assert occurrences(comps["pkg:npm/ms@2.1.3"]) == sorted([(lock, lines["ms@2.1.3"]), ("package.json", 8)])
    assert occurrences(comps["pkg:npm/ms@2.0.0"]) == [(lock, lines["ms@2.0.0"])]


@pytest.mark.parametrize("kind", KINDS)
def test_every_component_is_in_the_graph_with_the_edges_its_lock_records(sbom, kind):
    _, doc = sbom(kind)
    edges = graph(doc)
    root = doc["metadata"]["component"]["bom-ref"]
    assert set(edges) == set(EDGES[kind]) | {root}
    assert {ref: deps for ref, deps in edges.items() if ref != root} == {ref: sorted(d) for ref, d in EDGES[kind].items()}


@pytest.mark.parametrize("kind", KINDS)
def test_the_root_depends_on_the_projects_direct_dependencies(sbom, kind):
    _, doc = sbom(kind)
    root = graph(doc)[doc["metadata"]["component"]["bom-ref"]]
    if kind in ROOT_EDGES_AT_LEAST:
        assert set(ROOT_EDGES_AT_LEAST[kind]) <= set(root)
        assert set(root) <= set(EDGES[kind])
    else:
        assert root == sorted(ROOT_EDGES[kind])


@pytest.mark.parametrize("kind", NPM_KINDS)
def test_two_versions_of_one_name_each_edge_reaches_the_version_the_lock_resolves(sbom, kind):
    """debug@2.6.9 asks for ms "2.0.0": package-lock nests it at node_modules/debug/node_modules/ms,
    yarn v1 has the block `ms@2.0.0:`, berry `"ms@npm:2.0.0":`, pnpm writes `ms: 2.0.0`.
    humanize-ms asks for ms "^2.0.0": node finds the top-level node_modules/ms (2.1.3), yarn's
    block `ms@^2.0.0, ms@^2.1.3` is 2.1.3, pnpm writes `ms: 2.1.3`."""
    _, doc = sbom(kind)
    edges = graph(doc)
    assert edges["pkg:npm/debug@2.6.9"] == ["pkg:npm/ms@2.0.0"]
    assert edges["pkg:npm/humanize-ms@1.2.1"] == ["pkg:npm/ms@2.1.3"]
    assert "pkg:npm/ms@2.0.0" not in edges[doc["metadata"]["component"]["bom-ref"]]
    # Each copy is its own component, with its own tarball's digest.
    comps = components(doc)
    assert hashes(comps["pkg:npm/ms@2.0.0"]) != hashes(comps["pkg:npm/ms@2.1.3"])
    assert hashes(comps["pkg:npm/ms@2.0.0"]) == sorted(NPM_HASHES[kind]["pkg:npm/ms@2.0.0"])
