"""Configuration: ``[tool.hygiene]`` in the root's ``pyproject.toml``, ``.hygiene.toml``, or a
file named with ``--config``; validated strictly, since a typo that silently disables a rule is
worse than an error.

Keys (kebab-case; snake_case is accepted too):

    select = ["HY1"]                    # rule ids, prefixes, names or "ALL" (default ALL)
    ignore = ["HY106"]
    exclude = ["tests/fixtures/**"]      # globs of paths not scanned
    per-path-ignores = { "docs/**" = ["HY101"] }
    severity = { HY103 = "error" }      # override default severities
    fail-on = "warning"                 # error | warning | note | never
    max-file-size = 10485760            # bytes read at most per file
    allowed-python-hosts = ["pypi.org", "files.pythonhosted.org", "pypi.internal.example"]
    allowed-npm-hosts = ["registry.npmjs.org", "registry.yarnpkg.com"]
    action-pins = { "myorg/*" = "ref-pin" }   # HY110 policy per owner: hash-pin | ref-pin
    trusted-publishers = { "flask" = "pallets/flask", "acme-*" = "acme/*/release.yml" }
                                        # HY403: who may publish a package (OWNER/REPO[/WORKFLOW])
    sigstore-identities = [             # HY404: who signs the bundles the repository ships
        { paths = ["dist/*"], identity-regexp = "https://github\\.com/acme/app/.*",
          issuer = "https://token.actions.githubusercontent.com" },
    ]
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from hygiene import rules
from hygiene.model import Severity, normalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
FAIL_ON = ("error", "warning", "note", "never")


class ConfigError(Exception):
    """The configuration or the command line is wrong; exit code 2."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: str = "error"
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    allowed_python_hosts: tuple[str, ...] = ("pypi.org", "files.pythonhosted.org")
    allowed_npm_hosts: tuple[str, ...] = ("registry.npmjs.org", "registry.yarnpkg.com")
    action_pins: tuple[tuple[str, str], ...] = ()
    trusted_publishers: tuple[tuple[str, str], ...] = ()  # (package pattern, OWNER/REPO[/WORKFLOW])
    # (bundle path globs, identity, identity regexp, issuer): one of identity / regexp is set.
    sigstore_identities: tuple[tuple[tuple[str, ...], str | None, str | None, str], ...] = ()
    source: str | None = None  # where it was read from
    enabled: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        selected = {r.id for sel in self.select for r in rules.matching(sel)}
        ignored = {r.id for sel in self.ignore for r in rules.matching(sel)}
        object.__setattr__(self, "enabled", frozenset(selected - ignored))

    def is_enabled(self, rule_id: str, path: str | None = None) -> bool:
        if rule_id not in self.enabled:
            return False
        if path is not None:
            for pattern, ids in self.per_path_ignores:
                if _path_matches(path, pattern) and any(rule_id in _ids(sel) for sel in ids):
                    return False
        return True

    def severity_override(self, rule_id: str) -> Severity | None:
        for rid, sev in self.severity:
            if rid == rule_id:
                return sev
        return None


def _ids(selector: str) -> set[str]:
    return {r.id for r in rules.matching(selector)}


def _path_matches(path: str, pattern: str) -> bool:
    p = pattern.strip().rstrip("/")
    return fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(path, p + "/*")


_KEYS = {
    "select",
    "ignore",
    "exclude",
    "per-path-ignores",
    "severity",
    "fail-on",
    "max-file-size",
    "allowed-python-hosts",
    "allowed-npm-hosts",
    "action-pins",
    "trusted-publishers",
    "sigstore-identities",
}


def _check_selectors(values: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: `{key}` must be a list of rule ids")
    for v in values:
        if not rules.matching(v):
            raise ConfigError(f"{where}: `{key}` names an unknown rule: {v!r}")
    return tuple(values)


def from_mapping(data: dict, where: str) -> Config:
    """Validate a ``[tool.hygiene]``-shaped mapping into a `Config`."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: configuration must be a table")
    norm: dict[str, object] = {}
    for key, value in data.items():
        k = key.replace("_", "-")
        if k not in _KEYS:
            raise ConfigError(f"{where}: unknown configuration key `{key}` (known: {', '.join(sorted(_KEYS))})")
        norm[k] = value
    cfg = Config(source=where)
    updates: dict[str, object] = {}
    if "select" in norm:
        updates["select"] = _check_selectors(norm["select"], "select", where)
    if "ignore" in norm:
        updates["ignore"] = _check_selectors(norm["ignore"], "ignore", where)
    if "exclude" in norm:
        ex = norm["exclude"]
        if isinstance(ex, str):
            ex = [ex]
        if not isinstance(ex, list) or not all(isinstance(v, str) for v in ex):
            raise ConfigError(f"{where}: `exclude` must be a list of globs")
        updates["exclude"] = tuple(ex)
    if "per-path-ignores" in norm:
        ppi = norm["per-path-ignores"]
        if not isinstance(ppi, dict):
            raise ConfigError(f"{where}: `per-path-ignores` must be a table of glob = [rule ids]")
        updates["per_path_ignores"] = tuple(
            (str(glob), _check_selectors(ids, f"per-path-ignores.{glob}", where)) for glob, ids in ppi.items()
        )
    if "severity" in norm:
        sev = norm["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{where}: `severity` must be a table of rule id = severity")
        pairs = []
        for rid, level in sev.items():
            if rid.upper() not in rules.CATALOGUE:
                raise ConfigError(f"{where}: `severity` names an unknown rule: {rid!r}")
            try:
                pairs.append((rid.upper(), Severity(str(level).lower())))
            except ValueError:
                raise ConfigError(f"{where}: severity for {rid} must be error, warning or note, not {level!r}") from None
        updates["severity"] = tuple(pairs)
    if "fail-on" in norm:
        updates["fail_on"] = check_fail_on(norm["fail-on"], where)
    if "max-file-size" in norm:
        size = norm["max-file-size"]
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise ConfigError(f"{where}: `max-file-size` must be a positive number of bytes")
        updates["max_file_size"] = size
    if "allowed-python-hosts" in norm:
        hosts = norm["allowed-python-hosts"]
        if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
            raise ConfigError(f"{where}: `allowed-python-hosts` must be a list of host names")
        updates["allowed_python_hosts"] = tuple(h.lower() for h in hosts)
    if "allowed-npm-hosts" in norm:
        hosts = norm["allowed-npm-hosts"]
        if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
            raise ConfigError(f"{where}: `allowed-npm-hosts` must be a list of host names")
        updates["allowed_npm_hosts"] = tuple(h.lower() for h in hosts)
    if "action-pins" in norm:
        pins = norm["action-pins"]
        if not isinstance(pins, dict) or not all(
            isinstance(k, str) and k and v in ACTION_PIN_POLICIES for k, v in pins.items()
        ):
            raise ConfigError(
                f"{where}: `action-pins` must map owner patterns (\"myorg/*\") to one of "
                f"{', '.join(ACTION_PIN_POLICIES)}"
            )
        # Most specific pattern first: fewer wildcards, then longer.
        ordered = sorted(pins.items(), key=lambda kv: (kv[0].count("*"), -len(kv[0])))
        updates["action_pins"] = tuple((k.lower(), v) for k, v in ordered)
    if "trusted-publishers" in norm:
        publishers = norm["trusted-publishers"]
        if not isinstance(publishers, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) and _PUBLISHER.fullmatch(v) for k, v in publishers.items()
        ):
            raise ConfigError(
                f"{where}: `trusted-publishers` must map package names or patterns (\"acme-*\") to "
                "\"OWNER/REPO\" or \"OWNER/REPO/WORKFLOW\" (globs allowed)"
            )
        ordered = sorted(publishers.items(), key=lambda kv: (kv[0].count("*"), -len(kv[0])))
        updates["trusted_publishers"] = tuple((_normalize_pattern(k), v) for k, v in ordered)
    if "sigstore-identities" in norm:
        updates["sigstore_identities"] = _sigstore_identities(norm["sigstore-identities"], where)
    return replace(cfg, **updates)


def _sigstore_identities(value: object, where: str) -> tuple:
    problem = (
        f"{where}: `sigstore-identities` must be a list of tables with `issuer`, one of `identity` or "
        "`identity-regexp`, and optionally `paths` (globs of bundle paths)"
    )
    if not isinstance(value, list):
        raise ConfigError(problem)
    out = []
    for table in value:
        if not isinstance(table, dict) or set(table) - {"paths", "identity", "identity-regexp", "issuer"}:
            raise ConfigError(problem)
        paths, identity, pattern, issuer = (table.get(k) for k in ("paths", "identity", "identity-regexp", "issuer"))
        paths = ["*"] if paths is None else paths
        if (
            not isinstance(issuer, str) or not issuer
            or (identity is None) == (pattern is None)
            or not all(isinstance(v, str) and v for v in (identity or pattern,))
            or not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths)
        ):
            raise ConfigError(problem)
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where}: `sigstore-identities`: identity-regexp {pattern!r}: {exc}") from None
        out.append((tuple(paths), identity, pattern, issuer))
    return tuple(out)


_PUBLISHER = re.compile(r"[^/\s]+/[^/\s]+(?:/[^/\s]+)?")


def _normalize_pattern(pattern: str) -> str:
    """A package name pattern, PEP 503-normalised around its wildcards."""
    return "*".join(normalize_name(part) for part in pattern.split("*"))


ACTION_PIN_POLICIES = ("hash-pin", "ref-pin")


def check_fail_on(value: object, where: str) -> str:
    if not isinstance(value, str) or value.lower() not in FAIL_ON:
        raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON)}, not {value!r}")
    return value.lower()


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            data = fh.read(DEFAULT_MAX_FILE_SIZE + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    if len(data) > DEFAULT_MAX_FILE_SIZE:
        raise ConfigError(f"{path}: configuration file larger than {DEFAULT_MAX_FILE_SIZE} bytes")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: configuration is not valid UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: configuration nested too deeply") from None


def _inside(root: Path, path: Path) -> bool:
    real = path.resolve()
    root = root.resolve()
    return real == root or root in real.parents


def load(root: Path, explicit: Path | None = None) -> Config:
    """The configuration for a scan of `root`: the explicit file, else ``.hygiene.toml``, else
    ``[tool.hygiene]`` of the root's ``pyproject.toml``, else the defaults."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        data = _read_toml(explicit)
        if explicit.name == "pyproject.toml" or "tool" in data:
            table = data.get("tool", {}).get("hygiene") if isinstance(data.get("tool"), dict) else None
            if table is None:
                raise ConfigError(f"{explicit}: no [tool.hygiene] table")
            return from_mapping(table, str(explicit))
        return from_mapping(data, str(explicit))
    # The scanned repository's own configuration is read like any scanned file: never through
    # a symlink that leaves the root, never past the size limit.
    dotfile = root / ".hygiene.toml"
    if dotfile.is_file():
        if not _inside(root, dotfile):
            raise ConfigError(".hygiene.toml resolves outside the scanned folder; refusing to use it")
        return from_mapping(_read_toml(dotfile), ".hygiene.toml")
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and _inside(root, pyproject):
        try:
            data = _read_toml(pyproject)
        except ConfigError:
            return Config()  # the scan reports the broken pyproject.toml itself
        tool = data.get("tool")
        if isinstance(tool, dict) and "hygiene" in tool:
            return from_mapping(tool["hygiene"], "pyproject.toml [tool.hygiene]")
    return Config()


def split_list(values: Sequence[str] | None) -> list[str]:
    """Comma-separated and repeated values (``--select A,B --select C``) as one list."""
    return [v.strip() for item in values or () for v in item.split(",") if v.strip()]


def load_with_overrides(
    root: Path,
    *,
    config_file: Path | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    exclude: Sequence[str] = (),
    fail_on: str | None = None,
    flag: str = "--",
) -> Config:
    """The configuration found for `root` (see `load`), with command-line or action-input
    overrides: select, ignore and fail-on replace the configured values, exclude adds to them.
    `flag` prefixes option names in error messages (``--`` for the CLI, ``input `` for the
    action)."""
    config = load(root, config_file)
    updates: dict = {}
    for key, values in (("select", select), ("ignore", ignore)):
        if values:
            for v in values:
                if not rules.matching(v):
                    raise ConfigError(f"{flag}{key}: unknown rule {v!r}")
            updates[key] = tuple(values)
    if exclude:
        updates["exclude"] = config.exclude + tuple(exclude)
    if fail_on:
        updates["fail_on"] = check_fail_on(fail_on, f"{flag}fail-on")
    return replace(config, **updates) if updates else config
