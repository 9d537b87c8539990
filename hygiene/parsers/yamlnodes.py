"""YAML read as nodes, with line numbers, for the YAML manifests (workflows, actions,
pre-commit, pnpm locks).

A scanned YAML file is hostile: anchors and aliases can describe an exponentially large
document (a "billion laughs"), documents can be scalars or lists, and tags can ask for Python
objects. This module composes the node graph without constructing Python objects (so no tag
can run anything, and aliases stay shared references), walks it with a budget on the number of
nodes visited, and turns every failure into a `ManifestError` naming the line.
"""

from __future__ import annotations

import re
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


_TRAILING_COMMENT = re.compile(r"\s+#\s*(.*?)\s*$")


def trailing_comment(node: Node | None, lines: list[str]) -> str | None:
    """The comment after a one-line scalar (yaml drops comments): `uses: x@<sha> # v4.2.2`
    gives "v4.2.2", `rev: <sha>  # frozen: v5.0.0` gives "frozen: v5.0.0"."""
    if node is None or node.start_mark.line != node.end_mark.line or node.end_mark.line >= len(lines):
        return None
    m = _TRAILING_COMMENT.fullmatch(lines[node.end_mark.line][node.end_mark.column :])
    return m.group(1) if m and m.group(1) else None


def text_start_line(node: ScalarNode) -> int:
    """The file line of the scalar's first content line: the line after `|`/`>` for block
    scalars, the node's own line otherwise."""
    return line(node) + 1 if node.style in ("|", ">") else line(node)


# -- values with line spans (lockfiles) ------------------------------------------------------

# How many times alias references may re-expand a node already read (`a: &a [*b, *b…]`):
# lockfile writers never use aliases, so this only stops "billion laughs" documents.
MAX_ALIAS_EXPANSIONS = 1_000_000
_MAX_DEPTH = 64
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class YamlMap(dict):
    """A YAML mapping with the first and last line of each of its entries (``spans``)."""

    spans: dict[str, tuple[int, int]]

    def span(self, key: str) -> tuple[int, int]:
        return self.spans.get(key, (0, 0))


def load_yaml_mapping(text: str, what: str) -> YamlMap:
    """Parse a YAML lockfile into `YamlMap` / list / scalar values, with lines. Scalars stay
    the text written (``5.4`` is ``"5.4"``), except booleans and nulls. A document that is not
    one mapping, that expands aliases without bound, or that nests deeper than any lockfile
    does is refused with `ManifestError`."""
    node = load(text.removeprefix("\ufeff"))
    if node is None:
        return _empty_map()
    if not isinstance(node, yaml.MappingNode):
        raise ManifestError(f"{what} must be a YAML mapping", node.start_mark.line + 1)
    lines = text.split("\n")
    value = _Converter(lines).convert(node, 0)
    assert isinstance(value, YamlMap)
    return value


def _empty_map() -> YamlMap:
    out = YamlMap()
    out.spans = {}
    return out


class _Converter:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.seen: set[int] = set()
        self.expansions = 0

    def last_line(self, node: yaml.Node, first: int) -> int:
        """The last line with content of a node (1-based): a block node's end mark sits at
        the start of the next key, after any blank lines."""
        mark = node.end_mark
        end = mark.line + 1  # 1-based line of the end mark
        if mark.line < len(self.lines):
            text = self.lines[mark.line]
            if mark.column <= len(text) - len(text.lstrip()):
                end -= 1  # the mark is at the start of a later line: the node ended before it
        end = min(end, len(self.lines))
        while end > first and not self.lines[end - 1].strip():
            end -= 1
        return max(end, first)

    def convert(self, node: yaml.Node, depth: int) -> object:
        if id(node) in self.seen:
            self.expansions += 1
            if self.expansions > MAX_ALIAS_EXPANSIONS:
                raise ManifestError(
                    "YAML aliases expand to more than a million nodes (a lockfile never uses aliases)",
                    node.start_mark.line + 1,
                )
        else:
            self.seen.add(id(node))
        if depth > _MAX_DEPTH:
            raise ManifestError("YAML nested too deeply for a lockfile", node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _BOOL:
                return node.value.lower() in ("true", "yes", "on", "y")
            if node.tag == _NULL:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, depth + 1) for item in node.value]
        out = YamlMap()
        out.spans = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.convert(key_node, depth + 1)  # counted, then ignored: no lockfile has one
                continue
            first = key_node.start_mark.line + 1
            out[key_node.value] = self.convert(value_node, depth + 1)
            out.spans[key_node.value] = (first, self.last_line(value_node, first))
        return out
