"""Making text from scanned files safe for where it is shown."""

from __future__ import annotations

import re

# C0 and C1 control characters (ESC, CSI, BEL, …) and bidi overrides, which can rewrite what a
# terminal shows; tab is kept.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Show control characters as visible escapes instead of letting a terminal act on them."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def log_safe(text: str) -> str:
    """Terminal-safe text that also cannot act as a CI log command: GitHub runs a line that
    starts with ``::`` (after blanks), Azure one that holds ``##vso[`` anywhere. Those are
    spelled with a visible escape, like control characters."""
    text = terminal_safe(text).replace("##vso[", "\\x23#vso[")
    stripped = text.lstrip()
    if stripped.startswith("::"):
        text = text[: len(text) - len(stripped)] + "\\x3a" + stripped[1:]
    return text


# Workflow commands (GitHub Actions `::cmd prop=value::data`, Azure Pipelines
# `##vso[cmd prop=value;]data`) are line-based: once newlines are encoded, text from a scanned
# file cannot start a command of its own. Property values also encode their separators.
_GITHUB_DATA = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_GITHUB_PROPERTY = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})
_AZURE_DATA = str.maketrans({"%": "%AZP25", "\r": "%0D", "\n": "%0A"})
_AZURE_PROPERTY = str.maketrans({"%": "%AZP25", "\r": "%0D", "\n": "%0A", ";": "%3B", "]": "%5D"})


def github_data(text: str) -> str:
    """The message part of a GitHub workflow command (as @actions/core's escapeData)."""
    return text.translate(_GITHUB_DATA)


def github_property(text: str) -> str:
    """A property value of a GitHub workflow command (as @actions/core's escapeProperty)."""
    return text.translate(_GITHUB_PROPERTY)


def azure_data(text: str) -> str:
    """The message part of an Azure Pipelines logging command (as azure-pipelines-task-lib)."""
    return text.translate(_AZURE_DATA)


def azure_property(text: str) -> str:
    """A property value of an Azure Pipelines logging command (as azure-pipelines-task-lib)."""
    return text.translate(_AZURE_PROPERTY)


# Markdown: the text always follows other text on its line (a list item's link, a table cell), so
# block syntax (`#`, `-`, `1.` at the start of a line) cannot occur; what can is inline syntax
# (emphasis, code, links, strikethrough, table pipes, autolinks and raw HTML): those characters
# are backslash-escaped or encoded, and line breaks are folded so the text stays in its cell.
_MARKDOWN = str.maketrans(
    {
        **{c: "\\" + c for c in "\\`*_[]|~"},
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
    }
)


def markdown(text: str) -> str:
    """Text from a scanned file made inert inside a line of GitHub-flavoured Markdown (and
    terminal-safe)."""
    return terminal_safe(text.replace("\r", " ").replace("\n", " ")).translate(_MARKDOWN)
