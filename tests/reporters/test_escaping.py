"""`hygiene.escape`: what text from a scanned file becomes in a GitHub workflow command, an Azure
logging command and a line of Markdown. Each table is exact; `%` is always escaped first, so a
literal escape sequence in the input survives a decode unchanged."""

from __future__ import annotations

import pytest
from reporters_kit import azure_unescape, github_unescape_data, github_unescape_property

from hygiene.escape import azure_data, azure_property, github_data, github_property, markdown, terminal_safe

HOSTILE = [
    "",
    "plain text, with: punctuation; and ] brackets",
    "foo%0A::error::pwned",
    "line one\n::error::pwned",
    "cr\r::warning::pwned\r\n::notice::crlf",
    "100%",
    "%25%0D%0A%3A%2C%3B%5D%AZP25",
    "##vso[task.setvariable variable=x]1\n##vso[task.complete result=Failed;]done",
    "unicode … é 😀",
]


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("%", "%25"),
        ("\r", "%0D"),
        ("\n", "%0A"),
        (":", ":"),
        (",", ","),
        (";", ";"),
        ("]", "]"),
        ("::error::x", "::error::x"),
        ("%0A", "%250A"),
        ("50%\r\n::error::pwned", "50%25%0D%0A::error::pwned"),
    ],
)
def test_github_data(raw, escaped):
    assert github_data(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("%", "%25"),
        ("\r", "%0D"),
        ("\n", "%0A"),
        (":", "%3A"),
        (",", "%2C"),
        (";", ";"),
        ("]", "]"),
        ("%0A", "%250A"),
        ("%3A", "%253A"),
        ("a,b:c", "a%2Cb%3Ac"),
        ("evil\n::error::pwned/requirements.txt", "evil%0A%3A%3Aerror%3A%3Apwned/requirements.txt"),
    ],
)
def test_github_property(raw, escaped):
    assert github_property(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("%", "%AZP25"),
        ("\r", "%0D"),
        ("\n", "%0A"),
        (";", ";"),
        ("]", "]"),
        (":", ":"),
        ("%0A", "%AZP250A"),
        ("%AZP25", "%AZP25AZP25"),
        ("50%\r\n##vso[task.complete]", "50%AZP25%0D%0A##vso[task.complete]"),
    ],
)
def test_azure_data(raw, escaped):
    assert azure_data(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("%", "%AZP25"),
        ("\r", "%0D"),
        ("\n", "%0A"),
        (";", "%3B"),
        ("]", "%5D"),
        (":", ":"),
        (",", ","),
        ("%3B", "%AZP253B"),
        ("a;type=error]x", "a%3Btype=error%5Dx"),
    ],
)
def test_azure_property(raw, escaped):
    assert azure_property(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("\\", "\\\\"),
        ("`", "\\`"),
        ("*", "\\*"),
        ("_", "\\_"),
        ("[", "\\["),
        ("]", "\\]"),
        ("|", "\\|"),
        ("~", "\\~"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("&", "&amp;"),
        ("\n", " "),
        ("\r", " "),
        ("\t", "\t"),
        # Not double-escaped: an entity in the input stays visible as written.
        ("&lt;", "&amp;lt;"),
        # Control characters become visible escapes (whose backslash is then escaped).
        ("\x1b[31m", "\\\\x1b\\[31m"),
        ("\u202e", "\\\\u202e"),
        ("# heading", "# heading"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("[x](https://evil.example)", "\\[x\\](https://evil.example)"),
        ("a*b|c", "a\\*b\\|c"),
    ],
)
def test_markdown(raw, escaped):
    assert markdown(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("\x07", "\\x07"),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\x9b", "\\x9b"),
        ("\u202e", "\\u202e"),
        ("\t", "\t"),
        ("é…", "é…"),
    ],
)
def test_terminal_safe(raw, shown):
    assert terminal_safe(raw) == shown


def test_percent_is_escaped_first():
    """A literal escape sequence must not decode to the character it names."""
    assert github_data("%0A") == "%250A"
    assert github_property("%0A") == "%250A"
    assert azure_data("%0A") == "%AZP250A"
    assert azure_property("%0A") == "%AZP250A"
    assert github_unescape_data(github_data("%0A::error::pwned")) == "%0A::error::pwned"


@pytest.mark.parametrize("text", HOSTILE)
def test_github_escaping_round_trips_and_stays_on_one_line(text):
    for escape, unescape, forbidden in (
        (github_data, github_unescape_data, "\r\n"),
        (github_property, github_unescape_property, "\r\n:,"),
    ):
        escaped = escape(text)
        assert not any(c in escaped for c in forbidden), escaped
        assert unescape(escaped) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_azure_escaping_round_trips_and_stays_on_one_line(text):
    for escape, forbidden in ((azure_data, "\r\n"), (azure_property, "\r\n;]")):
        escaped = escape(text)
        assert not any(c in escaped for c in forbidden), escaped
        assert azure_unescape(escaped) == text
