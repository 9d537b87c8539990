"""`.pre-commit-config.yaml`: each hook repository is a dependency pinned by its `rev:`.

pre-commit clones the repository at `rev` and runs its hooks: a tag or branch can be moved to
other code. `repo: local` and `repo: meta` run nothing fetched and are not recorded. A
`# frozen: v1.2.3` comment (what `pre-commit autoupdate --freeze` writes) is kept.
"""

from __future__ import annotations

from hygiene.model import Dependency, Location, Manifest, ManifestKind, SourceKind
from hygiene.parsers import yamlnodes as y
from hygiene.versions import is_full_commit


def parse(path: str, text: str) -> Manifest:
    root = y.load_mapping(text, "a pre-commit configuration")
    lines = text.splitlines()
    budget = y.Budget()
    deps = []
    for entry in y.elements(y.get(root, "repos", budget), budget):
        repo = y.scalar(y.get(entry, "repo", budget))
        if not repo or repo in ("local", "meta"):
            continue
        rev_node = y.get(entry, "rev", budget)
        rev = y.scalar(rev_node) or ""
        where = rev_node if rev_node is not None else entry
        comment = y.trailing_comment(rev_node, lines)
        deps.append(
            Dependency(
                "pre-commit",
                repo,
                Location(path, y.line(where), y.line(where)),
                source=SourceKind.VCS,
                specifier=rev,
                version=rev if is_full_commit(rev) else None,
                url=repo,
                text=f"{repo}@{rev}" if rev else repo,
                comment=comment,
            )
        )
    return Manifest(path, ManifestKind.PRE_COMMIT, ecosystem="pre-commit", dependencies=tuple(deps))
