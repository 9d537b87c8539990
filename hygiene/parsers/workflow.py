"""GitHub Actions workflows (`.github/workflows/*.yml`) and action metadata (`action.yml`).

What they pull in, as records with their lines:
- `uses: owner/repo[/path]@ref` in steps and at job level (reusable workflows): ecosystem
  ``github-actions``, the ref as specifier, the version when the ref is a full commit id, and a
  ``# v4.2.2`` comment after it; local ``./…`` is the repository itself and not recorded;
- images: `uses: docker://…`, job `container:` (string or mapping), `services.*.image`, and an
  action's `runs.image: docker://…`: ecosystem ``docker``;
- `run:` steps as `Script` records for the command checks, with the shell the runner would use.
  Steps in a non-POSIX shell (pwsh, cmd, python, …) are listed under `skipped`.

`${{ matrix.x }}` in an image or `uses:` is expanded from the job's literal matrix; anything
else with an expression cannot be judged and is listed under `skipped`, never passed silently.
"""

from __future__ import annotations

import itertools
import re

from hygiene.model import (
    Dependency,
    Location,
    Manifest,
    ManifestKind,
    Script,
    Skipped,
    SourceKind,
)
from hygiene.parsers import yamlnodes as y
from hygiene.parsers.images import image_dependency
from hygiene.shell import POSIX_SHELLS
from hygiene.versions import is_full_commit

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
_MATRIX_REF = re.compile(r"^\s*matrix\.([A-Za-z0-9_-]+)\s*$")
_MAX_EXPANSION = 256


def parse_workflow(path: str, text: str) -> Manifest:
    return _Parser(path, text, ManifestKind.WORKFLOW).workflow()


def parse_action(path: str, text: str) -> Manifest:
    return _Parser(path, text, ManifestKind.ACTION).action()


class _Parser:
    def __init__(self, path: str, text: str, kind: ManifestKind) -> None:
        self.path, self.text, self.kind = path, text, kind
        self.lines = text.splitlines()
        self.budget = y.Budget()
        self.deps: list[Dependency] = []
        self.scripts: list[Script] = []
        self.skipped: list[Skipped] = []

    def manifest(self) -> Manifest:
        return Manifest(
            self.path,
            self.kind,
            ecosystem="github-actions",
            dependencies=tuple(self.deps),
            scripts=tuple(self.scripts),
            skipped=tuple(self.skipped),
        )

    # -- documents ---------------------------------------------------------------------------
    def workflow(self) -> Manifest:
        root = y.load_mapping(self.text, "a workflow")
        default_shell, default_dir = self._run_defaults(y.get(root, "defaults", self.budget), None, None)
        for _, _, job in y.items(y.get(root, "jobs", self.budget), self.budget):
            if not isinstance(job, y.MappingNode):
                continue
            matrix = self._matrix(job)
            uses = y.get(job, "uses", self.budget)
            if uses is not None:  # a reusable workflow
                self._uses(uses, matrix)
            container = y.get(job, "container", self.budget)
            if container is not None:
                self._image(y.get(container, "image", self.budget) if isinstance(container, y.MappingNode) else container, matrix, "job container")
            for _, _, service in y.items(y.get(job, "services", self.budget), self.budget):
                self._image(y.get(service, "image", self.budget), matrix, "service container")
            runs_on = y.scalar(y.get(job, "runs-on", self.budget)) or ""
            shell = "pwsh" if "windows" in runs_on.lower() else "bash"
            shell, workdir = self._run_defaults(y.get(job, "defaults", self.budget), default_shell or shell, default_dir)
            self._steps(y.get(job, "steps", self.budget), matrix, shell, workdir)
        return self.manifest()

    def action(self) -> Manifest:
        root = y.load_mapping(self.text, "an action")
        runs = y.get(root, "runs", self.budget)
        image = y.get(runs, "image", self.budget)
        value = y.scalar(image)
        if value and value.startswith("docker://"):
            self._image(image, {}, "action image")
        # Composite steps must name their shell; None makes a step without one skipped.
        self._steps(y.get(runs, "steps", self.budget), {}, None, None)
        return self.manifest()

    # -- parts --------------------------------------------------------------------------------
    def _run_defaults(self, defaults: y.Node | None, shell: str | None, workdir: str | None) -> tuple[str | None, str | None]:
        run = y.get(defaults, "run", self.budget)
        return (
            y.scalar(y.get(run, "shell", self.budget)) or shell,
            y.scalar(y.get(run, "working-directory", self.budget)) or workdir,
        )

    def _steps(self, steps: y.Node | None, matrix: dict, shell: str | None, workdir: str | None) -> None:
        for step in y.elements(steps, self.budget):
            uses = y.get(step, "uses", self.budget)
            if uses is not None:
                self._uses(uses, matrix)
            run = y.get(step, "run", self.budget)
            if isinstance(run, y.ScalarNode):
                step_shell = y.scalar(y.get(step, "shell", self.budget)) or shell
                step_dir = y.scalar(y.get(step, "working-directory", self.budget)) or workdir
                self._run(run, step_shell, step_dir)

    def _run(self, node: y.ScalarNode, shell: str | None, workdir: str | None) -> None:
        first, last = y.text_start_line(node), y.end_line(node)
        where = Location(self.path, y.line(node), last)
        name = _shell_name(shell)
        if name not in POSIX_SHELLS:
            reason = "a composite action step without `shell:`" if shell is None else f"runs in `{shell}`, not a POSIX shell"
            self.skipped.append(Skipped("run step", f"line {where.line}: {reason}; its commands are not analysed", self.path))
            return
        if node.style in ("|", ">"):
            # The file's own lines keep the mapping from script lines to file lines, for folded
            # (`>`) scalars too; the indentation is removed.
            raw = self.lines[first - 1 : last]
            indent = min((len(s) - len(s.lstrip()) for s in raw if s.strip()), default=0)
            text = "\n".join(s[indent:] for s in raw)
        else:
            first, text = y.line(node), node.value.replace("\n", " ")
        self.scripts.append(Script(text, Location(self.path, first, max(last, first)), name, workdir))

    def _uses(self, node: y.Node, matrix: dict) -> None:
        value = y.scalar(node)
        if not value or value.startswith("./") or value.startswith(".\\"):
            return  # the repository's own action or workflow
        for ref in self._expand(value, node, matrix, "`uses:`"):
            if ref.startswith("docker://"):
                self.deps.append(image_dependency(ref[len("docker://") :], self._loc(node), comment=y.trailing_comment(node, self.lines)))
                continue
            name, _, version = ref.partition("@")
            self.deps.append(
                Dependency(
                    "github-actions",
                    name,
                    self._loc(node),
                    source=SourceKind.VCS,
                    specifier=version,
                    version=version if is_full_commit(version) else None,
                    url=f"https://github.com/{'/'.join(name.split('/')[:2])}",
                    text=ref,
                    comment=y.trailing_comment(node, self.lines),
                )
            )

    def _image(self, node: y.Node | None, matrix: dict, what: str) -> None:
        value = y.scalar(node)
        if not value:
            return
        value = value.removeprefix("docker://")
        for ref in self._expand(value, node, matrix, what):
            self.deps.append(image_dependency(ref, self._loc(node), comment=y.trailing_comment(node, self.lines)))

    def _expand(self, value: str, node: y.Node, matrix: dict, what: str) -> list[str]:
        """The literal values `value` takes: `${{ matrix.x }}` from the job's matrix; any
        other expression makes it unknowable (listed under `skipped`)."""
        names = _EXPRESSION.findall(value)
        if not names:
            return [value]
        keys = []
        for expr in names:
            m = _MATRIX_REF.match(expr)
            if not m or m.group(1) not in matrix:
                self.skipped.append(
                    Skipped(f"{what} with an expression", f"line {y.line(node)}: `{value}` depends on `${{{{{expr}}}}}`, which is not a literal matrix value; not judged", self.path)
                )
                return []
            keys.append(m.group(1))
        combos = list(itertools.islice(itertools.product(*(matrix[k] for k in keys)), _MAX_EXPANSION))
        out = []
        for combo in combos:
            it = iter(combo)
            out.append(_EXPRESSION.sub(lambda _m: next(it), value))
        return list(dict.fromkeys(out))

    def _matrix(self, job: y.MappingNode) -> dict[str, list[str]]:
        """Literal values of each matrix key: its list, plus `include` entries."""
        matrix = y.get(y.get(job, "strategy", self.budget), "matrix", self.budget)
        out: dict[str, list[str]] = {}
        for key, _, value in y.items(matrix, self.budget):
            if key == "include":
                for entry in y.elements(value, self.budget):
                    for k, _, v in y.items(entry, self.budget):
                        if y.scalar(v) is not None:
                            out.setdefault(k, []).append(y.scalar(v))
            elif key != "exclude" and isinstance(value, y.SequenceNode):
                values = [y.scalar(v) for v in y.elements(value, self.budget)]
                if all(v is not None for v in values):
                    out.setdefault(key, []).extend(values)
        return {k: list(dict.fromkeys(v)) for k, v in out.items()}

    def _loc(self, node: y.Node) -> Location:
        return Location(self.path, y.line(node), y.line(node))


def _shell_name(shell: str | None) -> str | None:
    """The program a `shell:` value runs: `bash`, `sh`, `bash -e {0}` → bash; `pwsh` → pwsh."""
    if shell is None:
        return None
    first = shell.split()[0] if shell.split() else ""
    return first.rsplit("/", 1)[-1]
