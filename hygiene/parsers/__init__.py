"""One parser module per manifest family; this table says which parses what.

Each entry is ``module:function`` with the signature ``(path, text) -> Manifest``, imported on
first use so that a scan pays only for the parsers it needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from hygiene.model import Manifest, ManifestKind

_TABLE: dict[ManifestKind, str] = {
    ManifestKind.REQUIREMENTS: "hygiene.parsers.requirements:parse_requirements",
    ManifestKind.CONSTRAINTS: "hygiene.parsers.requirements:parse_constraints",
    ManifestKind.PIP_COMPILE_INPUT: "hygiene.parsers.requirements:parse_pip_compile_input",
    ManifestKind.PYPROJECT: "hygiene.parsers.pyproject:parse",
    ManifestKind.SETUP_CFG: "hygiene.parsers.setup_cfg:parse",
    ManifestKind.PIPFILE: "hygiene.parsers.pipfile:parse",
    ManifestKind.PIPFILE_LOCK: "hygiene.parsers.pipfile_lock:parse",
    ManifestKind.UV_LOCK: "hygiene.parsers.uv_lock:parse",
    ManifestKind.POETRY_LOCK: "hygiene.parsers.poetry_lock:parse",
    ManifestKind.PDM_LOCK: "hygiene.parsers.pdm_lock:parse",
    ManifestKind.PYLOCK: "hygiene.parsers.pylock:parse",
    ManifestKind.WORKFLOW: "hygiene.parsers.workflow:parse_workflow",
    ManifestKind.ACTION: "hygiene.parsers.workflow:parse_action",
    ManifestKind.PRE_COMMIT: "hygiene.parsers.pre_commit:parse",
    ManifestKind.DOCKERFILE: "hygiene.parsers.dockerfile:parse",
    ManifestKind.SHELL_SCRIPT: "hygiene.parsers.shell_script:parse",
    ManifestKind.PACKAGE_JSON: "hygiene.parsers.package_json:parse",
    ManifestKind.PACKAGE_LOCK: "hygiene.parsers.npm_lock:parse",
    ManifestKind.YARN_LOCK: "hygiene.parsers.yarn_lock:parse",
    ManifestKind.PNPM_LOCK: "hygiene.parsers.pnpm_lock:parse",
    ManifestKind.SIGSTORE_BUNDLE: "hygiene.parsers.sigstore_bundle:parse",
}

_loaded: dict[ManifestKind, Callable[[str, str], Manifest]] = {}


def parser_for(kind: ManifestKind) -> Callable[[str, str], Manifest]:
    fn = _loaded.get(kind)
    if fn is None:
        module, name = _TABLE[kind].split(":")
        fn = getattr(importlib.import_module(module), name)
        _loaded[kind] = fn
    return fn
