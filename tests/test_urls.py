"""One classification of dependency URLs, used by every parser and check."""

from __future__ import annotations

import pytest

from hygiene.model import SourceKind
from hygiene.urls import is_remote, source_kind, transport


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://files.pythonhosted.org/x.whl", "https"),
        ("git+https://github.com/a/b@main", "https"),
        ("git+HTTP://example.com/a", "http"),
        ("git://github.com/a/b", "git"),
        ("file:///tmp/x.whl", "file"),
        ("./pkg", ""),
        ("dir/with://inside", ""),
    ],
)
def test_transport(url, expected):
    assert transport(url) == expected


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://example.com/x-1.0.tar.gz", SourceKind.URL),
        ("http://example.com/x-1.0.tar.gz", SourceKind.URL),
        ("git+https://github.com/a/b@" + "0" * 40, SourceKind.VCS),
        ("hg+https://example.com/repo", SourceKind.VCS),
        ("git://github.com/a/b", SourceKind.VCS),
        ("git+ssh://git@github.com/a/b.git", SourceKind.VCS),
        ("file:///abs/x.whl", SourceKind.PATH),
        ("FILE:///abs/x.whl", SourceKind.PATH),
        ("./vendor/x-1.0.tar.gz", SourceKind.PATH),
        ("vendor/with://inside", SourceKind.PATH),
    ],
)
def test_source_kind(url, kind):
    assert source_kind(url) is kind
    assert is_remote(url) is (kind is not SourceKind.PATH)
