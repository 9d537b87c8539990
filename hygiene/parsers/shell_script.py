"""Shell scripts (`*.sh`, `*.bash`, or an extensionless file with a sh/bash shebang): the whole
file is one `Script` for the command checks, run by the shell its shebang names."""

from __future__ import annotations

import re

from hygiene.model import Location, Manifest, ManifestKind, Script, Skipped
from hygiene.shell import POSIX_SHELLS

_SHEBANG = re.compile(r"#!\s*(\S+)(?:\s+(?:-S\s+)?(\S+))?")


def parse(path: str, text: str) -> Manifest:
    shell = "bash" if path.endswith(".bash") else "sh"
    first = text.split("\n", 1)[0]
    m = _SHEBANG.match(first)
    if m:
        program = m.group(1).rsplit("/", 1)[-1]
        shell = (m.group(2) or "").rsplit("/", 1)[-1] if program == "env" else program
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if shell not in POSIX_SHELLS:
        return Manifest(
            path,
            ManifestKind.SHELL_SCRIPT,
            ecosystem="shell",
            skipped=(Skipped("shell script", f"its shebang runs `{shell}`, not a POSIX shell; not analysed", path),),
        )
    script = Script(text, Location(path, 1, max(lines, 1)), shell)
    return Manifest(path, ManifestKind.SHELL_SCRIPT, ecosystem="shell", scripts=(script,))
