"""PEP 740 provenance of a pinned Python artifact, from a PEP 691 JSON index.

For ``name==version`` pinned with sha256 hashes: the index's JSON project page
(``Accept: application/vnd.pypi.simple.v1+json``) lists each file with its ``hashes`` and, since
PEP 740, a ``provenance`` URL (``null``: the file has none). An index that does not say (an older
mirror, no ``provenance`` key) is asked through PyPI's Integrity API,
``/integrity/<project>/<version>/<filename>/provenance`` on the index's host (404: none). A
provenance object holds attestation bundles, each a publisher and its attestations (DSSE
envelopes over in-toto statements, signed by a sigstore certificate).

What this module checks itself, before any signature: each statement's subject is the file
(its name, wheel tags in any order) with the pinned sha256, and its predicate type is one PyPI
uses. The signatures are checked by `verifier` (hygiene's sigstore verifier) when one is
given; without one, attestations that pass the content checks are ``unsupported``, never
``verified``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from urllib.parse import quote, urlsplit, urlunsplit

from hygiene.model import normalize_name
from hygiene.net import Http, Unavailable
from hygiene.provenance import Attestation, Provenance, Publisher
from hygiene.urls import forge_repository

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
PYPI = "https://pypi.org/simple"
STATEMENT_V1 = "https://in-toto.io/Statement/v1"
PREDICATES = (
    "https://docs.pypi.org/attestations/publish/v1",
    "https://slsa.dev/provenance/v1",
)

# verifier(attestation, filename, sha256_hex) -> None, raising ValueError with the reason.
Verifier = Callable[[Attestation, str, str], None]


class PyPIProvenance:
    def __init__(self, http: Http, index_url: str = PYPI, verifier: Verifier | None = None) -> None:
        self.http = http
        self.index_url = index_url.rstrip("/")
        self.verifier = verifier

    def lookup(self, name: str, version: str, hashes: Iterable[str]) -> list[Provenance]:
        """One result per file of ``name==version`` whose sha256 the pin lists (pip may
        install any of them), or one ``error`` result that says why there is none."""
        pinned = {h.partition(":")[2].lower() for h in hashes if h.lower().startswith("sha256:")}

        def fail(reason: str, status: str = "error") -> list[Provenance]:
            return [Provenance("pypi", name, version, None, None, status, reason)]

        if not pinned:
            return fail("pinned without a sha256 hash; PEP 740 attestations bind a sha256", "unsupported")
        project = normalize_name(name)
        page_url = f"{self.index_url}/{quote(project)}/"
        try:
            page = self.http.get(page_url, accept=SIMPLE_JSON)
        except Unavailable as exc:
            return fail(f"index unreachable: {exc}")
        if page.status == 404:
            return fail(f"{page_url}: the index has no project {project!r}")
        if page.status != 200:
            return fail(f"{page_url}: HTTP {page.status}")
        try:
            files = _files(page.json())
        except ValueError as exc:
            return fail(f"{page_url}: not a PEP 691 JSON project page ({exc})")
        matched = [f for f in files if f["sha256"] in pinned]
        if not matched:
            return fail(
                f"no file on {self.index_url} has a pinned sha256 ({', '.join(sorted(pinned))[:200]})"
            )
        return [self._one(name, version, f) for f in sorted(matched, key=lambda f: f["filename"])]

    def _one(self, name: str, version: str, file: dict) -> Provenance:
        filename, sha256 = file["filename"], file["sha256"]
        digest = f"sha256:{sha256}"

        def result(status: str, reason: str = "", **kwargs) -> Provenance:
            return Provenance("pypi", name, version, filename, digest, status, reason, **kwargs)

        if "provenance" in file and file["provenance"] is None:
            return result("missing", "the index lists no provenance for this file")
        url = file.get("provenance") or self._integrity_url(name, version, filename)
        try:
            answer = self.http.get(url, immutable=True)  # bound to the file's digest
        except Unavailable as exc:
            return result("error", f"provenance unreachable: {exc}", source=url)
        if answer.status == 404:
            return result("missing", "the index has no provenance for this file", source=url)
        if answer.status != 200:
            return result("error", f"{url}: HTTP {answer.status}", source=url)
        try:
            publisher, attestations = parse_provenance(answer.json())
        except ValueError as exc:
            return result("error", f"{url}: malformed provenance ({exc})", source=url)
        common = {"source": url, "publisher": publisher, "attestations": attestations}
        for attestation in attestations:
            problem = subject_problem(attestation, filename, sha256)
            if problem:
                return result("failed", problem, **common)
        if self.verifier is None:
            return result("unsupported", "the attestations' signatures were not verified", **common)
        for attestation in attestations:
            try:
                self.verifier(attestation, filename, sha256)
            except ValueError as exc:
                return result("failed", f"attestation does not verify: {exc}", **common)
        return result("verified", **common)

    def _integrity_url(self, name: str, version: str, filename: str) -> str:
        return _on_index_host(self.index_url, f"/integrity/{quote(normalize_name(name))}/{quote(version)}/{quote(filename)}/provenance")


def declared_repositories(http: Http, index_url: str, name: str, version: str) -> set[str]:
    """The forge repositories (``github.com/owner/repo``) a release's metadata links to, from
    the JSON API on the index's host (``/pypi/<name>/<version>/json``: ``project_urls`` and
    ``home_page``); empty when it cannot say."""
    url = _on_index_host(index_url, f"/pypi/{quote(name)}/{quote(version)}/json")
    try:
        answer = http.get(url, immutable=True)
        info = answer.json().get("info") if answer.status == 200 else None
    except (Unavailable, ValueError, AttributeError):
        return set()
    if not isinstance(info, dict):
        return set()
    urls = list((info.get("project_urls") or {}).values()) if isinstance(info.get("project_urls"), dict) else []
    urls.append(info.get("home_page"))
    # Only full URLs: a bare "owner/repo" in metadata is not a link (that shorthand is npm's).
    return {r for r in (forge_repository(u) for u in urls if isinstance(u, str) and "://" in u) if r}


def _on_index_host(index_url: str, path: str) -> str:
    """`path` on the index's host: PyPI's Integrity and JSON APIs live beside /simple."""
    parts = urlsplit(index_url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _files(page) -> list[dict]:
    if not isinstance(page, dict) or not isinstance(page.get("files"), list):
        raise ValueError("no `files` list")
    out = []
    for entry in page["files"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
            continue
        hashes = entry.get("hashes")
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        if not isinstance(sha256, str):
            continue
        item = {"filename": entry["filename"], "sha256": sha256.lower()}
        if "provenance" in entry:
            provenance = entry["provenance"]
            item["provenance"] = provenance if isinstance(provenance, str) and provenance else None
        out.append(item)
    return out


def parse_provenance(doc) -> tuple[Publisher | None, tuple[Attestation, ...]]:
    """PEP 740's provenance object: version 1, its bundles' attestations (every bundle's), the
    first bundle's publisher. :class:`ValueError` says what is wrong."""
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise ValueError("`version` is not 1")
    bundles = doc.get("attestation_bundles")
    if not isinstance(bundles, list) or not bundles:
        raise ValueError("no `attestation_bundles`")
    publisher = None
    attestations: list[Attestation] = []
    for bundle in bundles:
        if not isinstance(bundle, dict) or not isinstance(bundle.get("attestations"), list):
            raise ValueError("a bundle without `attestations`")
        own = _publisher(bundle["publisher"]) if isinstance(bundle.get("publisher"), dict) else None
        publisher = publisher or own
        attestations += [_attestation(a, own) for a in bundle["attestations"]]
    if not attestations:
        raise ValueError("no attestations")
    return publisher, tuple(attestations)


def _publisher(doc: dict) -> Publisher:
    def text(key: str) -> str | None:
        value = doc.get(key)
        return value if isinstance(value, str) and value else None

    workflow = text("workflow") or text("workflow_filepath")  # GitHub; GitLab
    return Publisher(text("kind") or "unknown", text("repository"), workflow, text("environment"), raw=doc)


def _attestation(doc, publisher: Publisher | None) -> Attestation:
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise ValueError("an attestation whose `version` is not 1")
    envelope, material = doc.get("envelope"), doc.get("verification_material")
    if not isinstance(envelope, dict) or not isinstance(material, dict):
        raise ValueError("an attestation without `envelope` or `verification_material`")
    statement = _b64(envelope.get("statement"), "envelope.statement")
    entries = material.get("transparency_entries")
    predicate = None
    try:
        predicate = json.loads(statement).get("predicateType")
    except (ValueError, AttributeError):
        pass
    return Attestation(
        statement=statement,
        signature=_b64(envelope.get("signature"), "envelope.signature"),
        certificate=_b64(material.get("certificate"), "verification_material.certificate"),
        transparency_entries=tuple(entries) if isinstance(entries, list) else (),
        predicate_type=predicate if isinstance(predicate, str) else None,
        publisher=publisher,
        raw=doc,
    )


def _b64(value, where: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"`{where}` is missing")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"`{where}` is not base64") from None


def subject_problem(attestation: Attestation, filename: str, sha256: str) -> str | None:
    """Why the statement does not attest exactly this file, or None."""
    try:
        statement = json.loads(attestation.statement)
    except ValueError:
        return "the statement is not JSON"
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_V1:
        return "the statement is not an in-toto v1 statement"
    if statement.get("predicateType") not in PREDICATES:
        return f"unexpected predicate type {str(statement.get('predicateType'))[:100]!r}"
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or len(subjects) != 1 or not isinstance(subjects[0], dict):
        return "the statement must have exactly one subject"
    subject = subjects[0]
    name = subject.get("name")
    digest = subject.get("digest")
    attested = digest.get("sha256") if isinstance(digest, dict) else None
    if not isinstance(name, str) or not same_distribution(name, filename):
        return f"attests {str(name)[:200]!r}, not {filename!r}"
    if not isinstance(attested, str) or attested.lower() != sha256:
        return f"attests sha256 {str(attested)[:64]}, not the pinned {sha256}"
    return None


def same_distribution(a: str, b: str) -> bool:
    """Two distribution file names name the same file: equal, or wheels with the same name,
    version, build and set of tags (PyPI normalises tag order; pypi-attestations too)."""
    if a == b:
        return True
    if not (a.endswith(".whl") and b.endswith(".whl")):
        return False
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    try:
        return parse_wheel_filename(a) == parse_wheel_filename(b)
    except InvalidWheelFilename:
        return False
