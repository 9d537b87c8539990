"""Container image references (`python:3.12-slim@sha256:…`, `ghcr.io/o/i:tag`), wherever a
manifest names one: Dockerfile `FROM`, workflow containers and services, `docker://` actions."""

from __future__ import annotations

import re

from hygiene.model import Dependency, Location, SourceKind

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def split_reference(ref: str) -> tuple[str, str, str | None]:
    """(name, tag, digest) of an image reference as Docker reads it: the digest follows `@`,
    the tag is a `:` after the last `/` (a `:` before it is a registry port)."""
    ref = ref.strip()
    name, _, digest = ref.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = ""
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest or None


def image_dependency(ref: str, location: Location, *, comment: str | None = None) -> Dependency:
    name, tag, digest = split_reference(ref)
    return Dependency(
        "docker",
        name,
        location,
        source=SourceKind.REGISTRY,
        specifier=tag,
        version=digest if digest and _DIGEST.fullmatch(digest) else None,
        hashes=(digest,) if digest and _DIGEST.fullmatch(digest) else (),
        text=ref.strip(),
        comment=comment,
    )
