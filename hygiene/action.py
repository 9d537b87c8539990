"""The GitHub Action entry point (`hygiene-action`, the container's ENTRYPOINT).

It reads the step's inputs from the ``INPUT_*`` variables the runner sets (names upper-cased,
hyphens kept: ``INPUT_FAIL-ON``), runs the same pipeline as `hygiene scan`, and then:

- writes annotations to stdout (`reporters.github`, or the text report, or nothing);
- appends the job summary to ``$GITHUB_STEP_SUMMARY``;
- writes the SARIF and JSON files into the workspace, owned by the workspace's owner (the
  runner mounts the workspace at /github/workspace and runs the container as root);
- appends its outputs to ``$GITHUB_OUTPUT`` in the heredoc form (never ``::set-output``).

A bad input is an ``::error`` line naming it and exit code 2; otherwise the exit code is the CLI's
(1 when a finding reaches ``fail-on`` or a manifest could not be read).
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from hygiene import git
from hygiene.config import FAIL_ON, ConfigError, load_with_overrides, split_list
from hygiene.escape import github_data
from hygiene.principles import level_reached, state
from hygiene.reporters import REPORTERS, ReportContext
from hygiene.reporters.github import annotation

FORMATS = ("github", "text", "none")
EXIT_USAGE = 2  # as the CLI's: a bad input, like a bad flag
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0", "")


class InputError(Exception):
    """An input the action cannot use; the message names it."""


@dataclass(frozen=True)
class Inputs:
    path: str = "."
    fail_on: str = "error"
    config: str = ""
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    format: str = "github"
    sarif: str = "hygiene.sarif"
    json: str = ""
    sbom: str = ""
    summary: bool = True
    annotations: bool = True
    only_changed: bool = False
    verify_provenance: bool = False
    index_url: str | None = None  # None: ProvenanceOptions' default, PyPI


def read_inputs(env: Mapping[str, str]) -> Inputs:
    def raw(name: str, default: str) -> str:
        return env.get(f"INPUT_{name.upper()}", default).strip()

    def boolean(name: str, default: str) -> bool:
        value = raw(name, default).lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise InputError(f"input '{name}' must be true or false, not {raw(name, default)!r}")

    fail_on = raw("fail-on", "error").lower() or "error"
    if fail_on not in FAIL_ON:
        raise InputError(f"input 'fail-on' must be one of {', '.join(FAIL_ON)}, not {raw('fail-on', '')!r}")
    fmt = raw("format", "github").lower() or "github"
    if fmt not in FORMATS:
        raise InputError(f"input 'format' must be one of {', '.join(FORMATS)}, not {raw('format', '')!r}")
    return Inputs(
        path=raw("path", ".") or ".",
        fail_on=fail_on,
        config=raw("config", ""),
        select=tuple(split_list([raw("select", "")])),
        ignore=tuple(split_list([raw("ignore", "")])),
        format=fmt,
        sarif=raw("sarif", "hygiene.sarif"),
        json=raw("json", ""),
        sbom=raw("sbom", ""),
        summary=boolean("summary", "true"),
        annotations=boolean("annotations", "true"),
        only_changed=boolean("only-changed", "false"),
        verify_provenance=boolean("verify-provenance", "false"),
        index_url=_index_url(raw("index-url", "")),
    )


def _index_url(value: str) -> str | None:
    if not value:
        return None
    if not value.startswith(("https://", "http://")):
        raise InputError(f"input 'index-url' must be an http(s) URL, not {value!r}")
    return value


class Workspace:
    """The checked-out repository: resolves input paths inside it and writes files into it
    owned by its owner."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))
        st = self.root.stat()
        self.owner = (st.st_uid, st.st_gid)

    def resolve(self, value: str, name: str) -> Path:
        path = Path(os.path.realpath(self.root / value))
        if path != self.root and self.root not in path.parents:
            raise InputError(f"input '{name}': {value!r} is outside the workspace")
        return path

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def write(self, value: str, name: str, text: str) -> str:
        """Write `text` to the workspace path `value`; returns it relative to the workspace."""
        target = self.resolve(value, name)
        if target == self.root or target.is_dir():
            raise InputError(f"input '{name}': {value!r} is a folder, not a file")
        missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        for made in [*missing, target]:
            self._own(made)
        return self.relative(target)

    def _own(self, path: Path) -> None:
        if hasattr(os, "geteuid") and os.geteuid() == 0 and self.owner != (0, 0):
            os.chown(path, *self.owner, follow_symlinks=False)


def write_outputs(path: str, outputs: Mapping[str, str]) -> None:
    """Append outputs in the multi-line form `name<<DELIM ... DELIM`, with a delimiter that
    cannot occur in the value."""
    with open(path, "a", encoding="utf-8") as out:
        for name, value in outputs.items():
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            while delimiter in value:  # pragma: no cover - 128 random bits
                delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            out.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def outputs_for(result, sarif_path: str, json_path: str, sbom_path: str = "") -> dict[str, str]:
    out = {
        "findings": str(len(result.findings)),
        "errors": str(result.count("error")),
        "warnings": str(result.count("warning")),
        "notes": str(result.count("note")),
        "level": str(level_reached(result.principles)),
    }
    for pid, entry in result.principles.items():
        out[pid.lower()] = state(entry)
    out["sarif-path"] = sarif_path
    out["json-path"] = json_path
    out["sbom-path"] = sbom_path
    return out


def changed_paths(workspace: Path, env: Mapping[str, str]) -> tuple[frozenset[str] | None, str | None]:
    """Repository paths the pull request changed, or None and the reason they are unknown."""
    event_path = env.get("GITHUB_EVENT_PATH")
    if not event_path:
        return None, "GITHUB_EVENT_PATH is not set"
    try:
        with open(event_path, encoding="utf-8") as fh:
            event = json.load(fh)
        base = event["pull_request"]["base"]["sha"]
    except (OSError, ValueError, KeyError, TypeError):
        return None, "the event is not a pull request"
    try:
        return git.changed_files(workspace, base, "HEAD"), None
    except git.GitError as exc:
        return None, f"{exc} (check out with fetch-depth: 0 so the base commit is present)"


def run(env: Mapping[str, str]) -> int:
    from hygiene.pipeline import scan

    inputs = read_inputs(env)
    workspace = Workspace(Path(env.get("GITHUB_WORKSPACE") or os.getcwd()))
    target = workspace.resolve(inputs.path, "path")
    if not target.exists():
        raise InputError(f"input 'path': {inputs.path!r} does not exist in the workspace")
    root = target if target.is_dir() else target.parent
    config_file = workspace.resolve(inputs.config, "config") if inputs.config else None
    config = load_with_overrides(
        root, config_file=config_file, select=inputs.select, ignore=inputs.ignore, fail_on=inputs.fail_on, flag="input "
    )
    provenance = None
    if inputs.verify_provenance:
        from hygiene.checks.provenance import ProvenanceOptions

        # Answers are cached in the container's own temporary folder: never in the repository.
        provenance = ProvenanceOptions(
            **({"index_url": inputs.index_url} if inputs.index_url else {}),
            cache_dir=Path(tempfile.gettempdir()) / "hygiene-http",
            trusted_publishers=config.trusted_publishers,
            sigstore_identities=config.sigstore_identities,
        )
    result = scan([target], config, sbom=bool(inputs.sbom), provenance=provenance)
    context = ReportContext.for_scan(root, {**env, "GITHUB_WORKSPACE": str(workspace.root)})
    sbom_path = ""
    sbom_failed = False
    if inputs.sbom:
        from hygiene import sbom

        try:
            sbom_path = workspace.write(inputs.sbom, "sbom", sbom.render(sbom.build(result)))
        except sbom.SbomInvalid as exc:  # a bug in hygiene: say so, still report the findings
            sbom_failed = True
            message = f"the SBOM does not conform to the CycloneDX 1.6 schema, so it was not written: {exc}"
            sys.stdout.write(annotation("error", message, title="hygiene: SBOM not written") + "\n")

    notices: list[str] = []
    if inputs.only_changed:
        changed, why = changed_paths(workspace.root, env)
        if changed is None:
            notices.append(annotation("notice", f"only-changed: annotating every file, because {why}.", title="hygiene"))
        else:
            context = replace(context, annotate=changed)

    if inputs.annotations and inputs.format == "github":
        sys.stdout.write("".join(n + "\n" for n in notices) + REPORTERS["github"](result, context))
    elif inputs.annotations and inputs.format == "text":
        sys.stdout.write(REPORTERS["text"](result, context))
    sarif_path = workspace.write(inputs.sarif, "sarif", REPORTERS["sarif"](result, context)) if inputs.sarif else ""
    json_path = workspace.write(inputs.json, "json", REPORTERS["json"](result, context)) if inputs.json else ""
    if inputs.summary and env.get("GITHUB_STEP_SUMMARY"):
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
            fh.write(REPORTERS["summary"](result, context))
    if env.get("GITHUB_OUTPUT"):
        write_outputs(env["GITHUB_OUTPUT"], outputs_for(result, sarif_path, json_path, sbom_path))
    sys.stdout.flush()
    return EXIT_USAGE if sbom_failed else result.exit_code(config.fail_on)


def main() -> int:
    try:
        return run(os.environ)
    except (InputError, ConfigError) as exc:
        sys.stdout.write(f"::error title=hygiene: bad input::{github_data(str(exc))}\n")
        sys.stdout.flush()
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
