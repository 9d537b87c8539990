"""Install commands in workflow `run:` steps, Dockerfile `RUN`s and shell scripts: HY112
(unpinned installs), HY113 (downloads executed unverified), HY114 (OS packages without versions).

The shell text is analysed by `hygiene.shell`; this check maps its findings to the file and
answers its one question about the repository: is a `pip install -r FILE` file one that pip
installs in hash-checking mode? FILE is resolved against the command's `cd` directory, the
step's `working-directory`, the folder of the file that runs it, and the repository root, in
that order, and must be a requirements file hygiene parsed; hash mode is decided as for HY104
(`pinning.install_hash_mode`: the file with its includes).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from hygiene import shell
from hygiene.checks.base import CheckContext
from hygiene.checks.pinning import install_hash_mode
from hygiene.model import Finding, Location, Manifest, ManifestKind, Script


def check_commands(ctx: CheckContext) -> Iterable[Finding]:
    for manifest in ctx.manifests:
        for script in manifest.scripts:
            hashed = _hashed_lookup(manifest, script, ctx)
            for f in shell.analyze(script.text, first_line=script.location.line, requirements_hashed=hashed):
                yield Finding(
                    f.rule,
                    f.message,
                    Location(manifest.path, f.line, f.end_line),
                    ecosystem=_ECOSYSTEM.get(manifest.kind, "shell"),
                    package=f.package,
                )


_ECOSYSTEM = {
    ManifestKind.WORKFLOW: "github-actions",
    ManifestKind.ACTION: "github-actions",
    ManifestKind.DOCKERFILE: "docker",
    ManifestKind.SHELL_SCRIPT: "shell",
}


def _hashed_lookup(manifest: Manifest, script: Script, ctx: CheckContext):
    if manifest.kind is ManifestKind.WORKFLOW:
        # Steps run at the root of the repository that holds .github/ (a scan may cover a
        # folder of checkouts).
        here = manifest.path.rpartition(".github/workflows/")[0].rstrip("/")
    elif manifest.kind is ManifestKind.ACTION:
        here = ""  # composite steps run in the caller's workspace
    else:
        here = posixpath.dirname(manifest.path)  # a Dockerfile's build context, a script's folder

    def hashed(path: str, cwd: str | None) -> bool | None:
        if "$" in path or path.startswith(("http://", "https://")):
            return None
        bases = [b for b in (cwd, script.workdir, here, "") if b is not None]
        for base in dict.fromkeys(bases):
            joined = posixpath.normpath(posixpath.join(base, path))
            if joined.startswith("../") or joined == "..":
                continue
            found = joined.removeprefix("./")
            if ctx.requirements_file(found) is not None:
                return install_hash_mode(found, ctx.requirements_file)
        return None

    return hashed
