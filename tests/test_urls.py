"""One classification of dependency URLs, used by every parser and check."""

from __future__ import annotations

import pytest

from hygiene.model import SourceKind
from hygiene.urls import forge_repository, is_remote, source_kind, transport


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


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/Pallets/Flask", "github.com/pallets/flask"),
        ("https://github.com/pallets/flask.git", "github.com/pallets/flask"),
        ("https://www.github.com/pallets/flask/tree/main/src", "github.com/pallets/flask"),
        ("git+https://github.com/theupdateframework/tuf-js.git", "github.com/theupdateframework/tuf-js"),
        ("git+ssh://git@github.com/acme/app.git", "github.com/acme/app"),
        ("git@github.com:acme/app.git", "github.com/acme/app"),
        ("github:acme/app", "github.com/acme/app"),
        ("acme/app", "github.com/acme/app"),  # npm's shorthand
        ("https://gitlab.com/group/sub/project", "gitlab.com/group/sub/project"),
        ("https://gitlab.com/group/project/-/tree/main", "gitlab.com/group/project"),
        ("https://github.com/pallets", None),  # an owner, not a repository
        ("https://evil.example/github.com/pallets/flask", None),
        ("https://notgithub.com/pallets/flask", None),
        ("https://flask.palletsprojects.com/", None),
        ("", None),
    ],
)
def test_forge_repository(url, expected):
    assert forge_repository(url) == expected
