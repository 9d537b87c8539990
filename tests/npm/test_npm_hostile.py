"""Every npm-ecosystem parser, fed broken, truncated, mistyped or foreign input, returns a
`Manifest` (with per-entry `errors`) or raises `ManifestError`: never another exception, never
a hang. The check never fails on what the parsers return."""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path

import pytest

from hygiene.checks.base import CheckContext
from hygiene.checks.npm import check_npm
from hygiene.model import Manifest
from hygiene.parsers import npm_lock, package_json, pnpm_lock, yarn_lock
from hygiene.parsers.base import ManifestError

DATA = Path(__file__).parent.parent / "data" / "npm"
PARSERS = {
    "package.json": package_json.parse,
    "package-lock.json": npm_lock.parse,
    "yarn.lock": yarn_lock.parse,
    "pnpm-lock.yaml": pnpm_lock.parse,
}
FIXTURES = sorted(p for p in DATA.rglob("*") if p.is_file())


def parse_or_refuse(name: str, text: str) -> Manifest | None:
    try:
        manifest = PARSERS[name](name, text)
    except ManifestError as exc:
        assert exc.reason
        assert exc.line is None or exc.line >= 1
        return None
    assert isinstance(manifest, Manifest)
    # the check copes with whatever a parser made
    list(check_npm(CheckContext((manifest,), paths=frozenset({name}))))
    return manifest


def mutations(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = [text[: len(text) * k // 7] for k in range(1, 7)]  # truncated
    for _ in range(25):
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(chars))
            chars[i] = rng.choice(['"', "{", "}", "[", "]", ":", ",", "\n", " ", "\t", "&a", "*a", "#", "@", "-", "x"])
        out.append("".join(chars))
    return out


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: str(p.relative_to(DATA)))
@pytest.mark.parametrize("parser", sorted(PARSERS))
def test_any_fixture_through_any_parser(fixture, parser):
    text = fixture.read_text("utf-8")
    parse_or_refuse(parser, text)
    for mutated in mutations(text, zlib.crc32(f"{fixture.relative_to(DATA)}:{parser}".encode())):
        parse_or_refuse(parser, mutated)


WRONG_TYPES = [
    None, 1, 1.5, True, "s", [], [1, "a"], {}, {"a": 1}, {"a": [1]}, {"a": {"b": None}},
]


@pytest.mark.parametrize("value", WRONG_TYPES, ids=repr)
def test_json_fields_of_every_type(value):
    for key in ("dependencies", "devDependencies", "workspaces", "name"):
        parse_or_refuse("package.json", json.dumps({key: value}))
    parse_or_refuse("package.json", json.dumps({"dependencies": {"a": value}}))
    for field in ("version", "resolved", "integrity", "name", "link", "inBundle", "dev", "dependencies"):
        entry = {"version": "1.0.0", field: value}
        packages = {"": entry, "node_modules/a": entry}
        parse_or_refuse("package-lock.json", json.dumps({"lockfileVersion": 3, "packages": packages}))
        parse_or_refuse("package-lock.json", json.dumps({"lockfileVersion": 1, "dependencies": {"a": entry}}))
    parse_or_refuse("package-lock.json", json.dumps({"lockfileVersion": 3, "packages": value}))
    parse_or_refuse("package-lock.json", json.dumps({"lockfileVersion": value, "packages": {}}))


@pytest.mark.parametrize("value", ["~", "1", "[a, b]", "{a: 1}", "[{}]", "!!binary aGk=", "'x'", "{resolution: [1]}"])
def test_yaml_fields_of_every_type(value):
    for template in (
        "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {value}\n",
        "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {value}\n",
        "lockfileVersion: '9.0'\nimporters:\n  .: {value}\n",
        "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies: {value}\n",
        "lockfileVersion: '5.4'\nspecifiers: {value}\ndependencies: {value}\n",
        "lockfileVersion: {value}\n",
        "__metadata:\n  version: 8\n\"a@npm:1\": {value}\n",
        "__metadata:\n  version: 8\n\"a@npm:1\":\n  resolution: {value}\n  checksum: {value}\n",
        "__metadata:\n  version: 8\n\"a@workspace:.\":\n  resolution: \"a@workspace:.\"\n  dependencies: {value}\n",
    ):
        text = template.format(value=value)
        parse_or_refuse("pnpm-lock.yaml" if "lockfileVersion" in text else "yarn.lock", text)


def test_deep_json_nesting():
    deep = '{"dependencies": ' * 5000 + "{}" + "}" * 5000
    parse_or_refuse("package.json", deep)
    parse_or_refuse("package-lock.json", '{"lockfileVersion": 1, "dependencies": {"a": ' + deep + "}}")


def test_deep_yaml_nesting():
    parse_or_refuse("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages: " + "[" * 2000 + "]" * 2000 + "\n")
    nested = "".join(" " * i + f"k{i}:\n" for i in range(300))
    parse_or_refuse("pnpm-lock.yaml", "lockfileVersion: '9.0'\n" + nested)


def test_binary_looking_text():
    for parser in PARSERS:
        parse_or_refuse(parser, "\x01\x02\ufffd\u202e" * 100)


@pytest.mark.parametrize(
    "resolution", ["a@file::x", "a@patch:", "a@patch:patch:patch:b@file:", "@", "a@workspace:", "a@"]
)
def test_odd_berry_resolutions(resolution):
    text = f'__metadata:\n  version: 8\n"a@npm:1":\n  resolution: "{resolution}"\n  checksum: 10c0/ab\n'
    assert parse_or_refuse("yarn.lock", text) is not None
