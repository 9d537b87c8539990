"""YAML read as nodes, with line numbers, for the YAML manifests (workflows, actions,
pre-commit, pnpm locks).

A scanned YAML file is hostile: anchors and aliases can describe an exponentially large
document (a "billion laughs"), documents can be scalars or lists, and tags can ask for Python
objects. This module composes the node graph without constructing Python objects (so no tag
can run anything, and aliases stay shared references), walks it with a budget on the number of
nodes visited, and turns every failure into a `ManifestError` naming the line.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from hygiene.parsers.base import ManifestError

try:  # libyaml's composer is several times faster; same node graph
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MappingNode, SequenceNode, ScalarNode, Node = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode, yaml.Node

# Nodes one walk may visit. Real workflows have a few thousand; an alias bomb has billions.
MAX_NODES = 200_000


class Budget:
    """Counts nodes visited across one file; aliases make a shared node count each time it
    is reached, which is what bounds an alias bomb."""

    def __init__(self, limit: int = MAX_NODES) -> None:
        self.left = limit

    def spend(self, node: Node) -> None:
        self.left -= 1
        if self.left < 0:
            raise ManifestError(
                f"YAML expands to more than {MAX_NODES:,} nodes (anchors and aliases?); not analysed", line(node)
            )


def load(text: str) -> Node | None:
    """The first document's root node (None for an empty file)."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ManifestError(f"invalid YAML: {exc.problem or exc}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:  # "expected a single document", reader errors
        raise ManifestError(f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise ManifestError("YAML nested too deeply to parse") from None
    return root


def load_mapping(text: str, what: str) -> MappingNode:
    root = load(text)
    if not isinstance(root, MappingNode):
        kind = "empty" if root is None else ("a list" if isinstance(root, SequenceNode) else "a scalar")
        raise ManifestError(f"{what} must be a mapping, but the document is {kind}", line(root) if root else None)
    return root


def line(node: Node) -> int:
    return node.start_mark.line + 1


def end_line(node: Node) -> int:
    """The last line holding the node's content (a block ends at the start of the next line)."""
    end = node.end_mark
    return end.line if end.column == 0 and end.line > node.start_mark.line else end.line + 1


def items(node: Node | None, budget: Budget) -> Iterator[tuple[str, ScalarNode, Node]]:
    """(key, key node, value node) of a mapping with scalar keys; anything else yields nothing."""
    if not isinstance(node, MappingNode):
        return
    for key, value in node.value:
        budget.spend(value)
        if isinstance(key, ScalarNode):
            yield key.value, key, value


def get(node: Node | None, key: str, budget: Budget) -> Node | None:
    for k, _, value in items(node, budget):
        if k == key:
            return value
    return None


def elements(node: Node | None, budget: Budget) -> Iterator[Node]:
    if not isinstance(node, SequenceNode):
        return
    for value in node.value:
        budget.spend(value)
        yield value


def scalar(node: Node | None) -> str | None:
    """A scalar's text (as written, without quotes), or None for anything else."""
    return node.value if isinstance(node, ScalarNode) else None


def text_start_line(node: ScalarNode) -> int:
    """The file line of the scalar's first content line: the line after `|`/`>` for block
    scalars, the node's own line otherwise."""
    return line(node) + 1 if node.style in ("|", ">") else line(node)
