"""Dockerfiles and Containerfiles, read as BuildKit reads them.

Records, each with its lines:
- images: `FROM` (with `--platform`, `AS` aliases; a later `FROM alias` and `scratch` are not
  images), `COPY --from=<image>` and `RUN --mount=…,from=<image>` when the source is not a
  build stage; `ARG` defaults are substituted (`$X`, `${X}`, `${X:-default}`) before judging,
  the global ones for `FROM` as docker does; an image left with an unset `ARG` is recorded as
  written (chosen at build time, so not pinned by the repository);
- `ADD <url>` downloads, with the `--checksum` given (HY118);
- `RUN` commands (shell form with continuations, exec form, heredocs, `ONBUILD RUN`) as
  `Script` records whose lines are the file's lines, run by the shell `SHELL` last set.

Instructions are case-insensitive; the `# escape=` parser directive changes the line
continuation character.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from hygiene.model import (
    Dependency,
    Location,
    Manifest,
    ManifestKind,
    Script,
    Skipped,
    SourceKind,
)
from hygiene.parsers.images import image_dependency
from hygiene.shell import POSIX_SHELLS
from hygiene.versions import is_full_commit

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_RUN_HEAD = re.compile(r"\s*(?:ONBUILD\s+)?RUN(?:\s+--\S+)*\s*", re.IGNORECASE)


@dataclass
class _Instruction:
    keyword: str
    args: str  # the arguments joined as BuildKit joins continuation lines
    first: int
    last: int
    raw: list[str]  # the file's lines first..last, keyword included
    heredocs: list[tuple[str, int, list[str]]]  # (word, first body line, body lines)


def parse(path: str, text: str) -> Manifest:
    return _Parser(path, text).parse()


class _Parser:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.escape = "\\"
        self.deps: list[Dependency] = []
        self.scripts: list[Script] = []
        self.skipped: list[Skipped] = []
        self.stages: set[str] = set()
        self.global_args: dict[str, str | None] = {}
        self.stage_args: dict[str, str | None] = {}
        self.shell = "sh"
        self.in_stage = False

    def parse(self) -> Manifest:
        for ins in self._instructions():
            self._instruction(ins)
        return Manifest(
            self.path,
            ManifestKind.DOCKERFILE,
            ecosystem="docker",
            dependencies=tuple(self.deps),
            scripts=tuple(self.scripts),
            skipped=tuple(self.skipped),
        )

    # -- reading ---------------------------------------------------------------------------
    def _instructions(self) -> list[_Instruction]:
        out: list[_Instruction] = []
        i, n = 0, len(self.lines)
        directives_allowed = True
        while i < n:
            line = self.lines[i]
            stripped = line.strip()
            if not stripped:
                i += 1
                continue
            if stripped.startswith("#"):
                m = _DIRECTIVE.match(stripped)
                if directives_allowed and m and m.group(1).lower() == "escape" and m.group(2) in ("\\", "`"):
                    self.escape = m.group(2)
                elif not m:
                    directives_allowed = False
                i += 1
                continue
            directives_allowed = False
            first = i
            parts = []
            while True:
                body = self.lines[i].rstrip()
                if body.strip().startswith("#") and i != first:
                    i += 1  # comment lines inside a continuation are dropped
                    if i >= n:
                        break
                    continue
                if body.endswith(self.escape):
                    parts.append(body[:-1])
                    i += 1
                    if i >= n:
                        break
                    continue
                parts.append(body)
                i += 1
                break
            joined = " ".join(p.strip() for p in parts)
            keyword, _, args = joined.partition(" ")
            last = i - 1
            heredocs = []
            if keyword.upper() in ("RUN", "COPY", "ADD") or (keyword.upper() == "ONBUILD" and "<<" in args):
                for m in _HEREDOC.finditer(args):
                    dash, word = m.group(1), m.group(3)
                    body_lines: list[str] = []
                    start = i + 1
                    while i < n:
                        candidate = self.lines[i].lstrip("\t") if dash else self.lines[i]
                        i += 1
                        if candidate.rstrip() == word:
                            break
                        body_lines.append(self.lines[i - 1])
                    heredocs.append((word, start, body_lines))
                    last = i - 1
            out.append(_Instruction(keyword.upper(), args.strip(), first + 1, last + 1, self.lines[first:last + 1], heredocs))
        return out

    # -- meaning -------------------------------------------------------------------------------
    def _instruction(self, ins: _Instruction) -> None:
        if ins.keyword == "ONBUILD":
            inner, _, rest = ins.args.partition(" ")
            ins = _Instruction(inner.upper(), rest.strip(), ins.first, ins.last, ins.raw, ins.heredocs)
        handler = {
            "ARG": self._arg, "FROM": self._from, "COPY": self._copy, "ADD": self._add,
            "SHELL": self._shell, "RUN": self._run,
        }.get(ins.keyword)  # fmt: skip
        if handler is not None:
            handler(ins)

    def _arg(self, ins: _Instruction) -> None:
        target = self.stage_args if self.in_stage else self.global_args
        for item in ins.args.split():
            name, eq, default = item.partition("=")
            target[name] = self._substitute(_unquote(default), target)[0] if eq else target.get(name)

    def _from(self, ins: _Instruction) -> None:
        words = [w for w in ins.args.split() if not w.startswith("--")]
        self.in_stage, self.stage_args, self.shell = True, {}, "sh"
        if not words:
            return
        image, complete = self._substitute(words[0], self.global_args)
        if len(words) >= 3 and words[1].lower() == "as":
            self.stages.add(words[2].lower())
        if image.lower() in self.stages or image.lower() == "scratch":
            return
        dep = image_dependency(image, Location(self.path, ins.first, ins.last))
        if not complete:  # left to --build-arg: keep it as written
            dep = replace(dep, text=words[0])
        self.deps.append(dep)

    def _copy(self, ins: _Instruction) -> None:
        for flag in _flags(ins.args):
            if flag.startswith("--from="):
                self._image_ref(flag[len("--from=") :], ins)

    def _add(self, ins: _Instruction) -> None:
        flags = _flags(ins.args)
        checksum = next((f.split("=", 1)[1] for f in flags if f.startswith("--checksum=")), None)
        rest = _strip_flags(ins.args)
        words: list = []
        if rest.startswith("["):  # JSON form: ADD ["src", …, "dest"]
            try:
                words = json.loads(rest)
            except ValueError:
                words = []
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                words = []
        else:
            words = rest.split()
        for source in words[:-1]:
            if re.match(r"^(https?|ftp)://", source, re.I) or source.startswith("git@"):
                # A Git source (`….git#ref`) at a full commit id is fixed content.
                url, _, ref = source.partition("#")
                is_git = url.endswith(".git") or source.startswith("git@")
                commit = ref.split(":")[0] if is_git and is_full_commit(ref.split(":")[0]) else None
                self.deps.append(
                    Dependency(
                        "url",
                        None,
                        Location(self.path, ins.first, ins.last),
                        source=SourceKind.VCS if is_git else SourceKind.URL,
                        url=source,
                        version=commit,
                        hashes=(checksum,) if checksum else (),
                        text=f"ADD {source}",
                    )
                )

    def _shell(self, ins: _Instruction) -> None:
        try:
            argv = json.loads(ins.args)
        except ValueError:
            return
        if isinstance(argv, list) and argv and isinstance(argv[0], str):
            self.shell = argv[0].rsplit("/", 1)[-1].lower()

    def _run(self, ins: _Instruction) -> None:
        for flag in _flags(ins.args):
            if flag.startswith("--mount="):
                for part in flag[len("--mount=") :].split(","):
                    key, _, value = part.partition("=")
                    if key == "from":
                        self._image_ref(value, ins)
        rest = _strip_flags(ins.args)
        where = Location(self.path, ins.first, ins.last)
        if self.shell not in POSIX_SHELLS:
            self.skipped.append(
                Skipped("RUN", f"line {ins.first}: runs in `{self.shell}`, not a POSIX shell; its commands are not analysed", self.path)
            )
            return
        if rest.startswith("["):  # exec form: no shell unless it names one
            try:
                argv = json.loads(rest)
            except ValueError:
                argv = None
            if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
                if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in POSIX_SHELLS and argv[1] == "-c":
                    text = argv[2].replace("\n", " ")
                else:
                    text = " ".join(_quote(a) for a in argv)
                self.scripts.append(Script(text, Location(self.path, ins.first, ins.first), "sh"))
                return
        if rest.startswith("<<") and ins.heredocs:  # `RUN <<EOF`: the body is the script
            word, start, body = ins.heredocs[0]
            if body:
                self.scripts.append(Script("\n".join(body), Location(self.path, start, start + len(body) - 1), self.shell))
            return
        # Shell form: the file's lines, with the keyword and flags blanked, so the analyser's
        # line numbers are the file's; comment lines inside the continuation are emptied.
        raw = list(ins.raw)
        keyword = _RUN_HEAD.match(raw[0])
        cut = keyword.end() if keyword else 0
        raw[0] = " " * cut + raw[0][cut:]
        raw = ["" if line.strip().startswith("#") and k else line for k, line in enumerate(raw)]
        if self.escape != "\\":
            raw = [line[:-1] + "\\" if line.rstrip().endswith(self.escape) else line for line in raw]
        self.scripts.append(Script("\n".join(raw), where, self.shell))

    # -- helpers ---------------------------------------------------------------------------
    def _image_ref(self, value: str, ins: _Instruction) -> None:
        image, complete = self._substitute(_unquote(value), {**self.global_args, **self.stage_args})
        if image.isdigit() or image.lower() in self.stages or image.lower() == "scratch":
            return
        dep = image_dependency(image, Location(self.path, ins.first, ins.last))
        if not complete:
            dep = replace(dep, text=value)
        self.deps.append(dep)

    def _substitute(self, text: str, args: dict[str, str | None]) -> tuple[str, bool]:
        """`text` with ARG values substituted, and whether every variable had a value."""
        complete = True

        def one(m: re.Match) -> str:
            nonlocal complete
            name = m.group(1) or m.group(4)
            op, word = m.group(2), m.group(3) or ""
            value = args.get(name)
            if op in (":-", "-"):
                return value if value else word
            if op in (":+", "+"):
                return word if value else ""
            if value is None:
                complete = False
                return m.group(0)
            return value

        return _VAR.sub(one, text), complete


def _flags(args: str) -> list[str]:
    out = []
    for word in args.split():
        if not word.startswith("--"):
            break
        out.append(word)
    return out


def _strip_flags(args: str) -> str:
    words = args.split(" ")
    while words and (words[0].startswith("--") or not words[0]):
        words.pop(0)
    return " ".join(words).strip()


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"
