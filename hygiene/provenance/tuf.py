"""A newer sigstore trusted root through TUF, only when asked (``--tuf-refresh``).

By default hygiene verifies against the trusted root the installed `sigstore` package ships, or
the file given with ``--trusted-root``, and never asks the network for it. When sigstore rotates
a key after that release, ``--tuf-refresh`` fetches the root the instance's TUF repository
currently vouches for: python-tuf's client walks the repository's root chain from a root it
already trusts (the one sigstore ships for the public-good and staging instances, the previous
refresh's, or ``--tuf-bootstrap`` for another instance), checks timestamp, snapshot and targets
metadata (signatures, thresholds, versions, expiry) and the target's length and hashes.

Requests go through :class:`hygiene.net.Http` (its timeout, bounded retries and backoff) without
its HTTP cache: TUF's metadata directory under hygiene's cache is the cache, and freshness is
TUF's to decide. Two ways to fail are kept apart:

* :class:`RefreshUnavailable`: the repository could not be reached (or ``--offline`` with no
  earlier refresh). A scan then verifies against the shipped root and says so under `skipped`.
* :class:`~hygiene.provenance.verify.VerificationFailed`: the repository answered with metadata
  that does not verify (expired, badly signed, rolled back, a target that is not what the
  targets metadata says). That is not a root to fall back from silently: the provenance
  checks are skipped, and `hygiene verify bundle` fails.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from hygiene.net import Http, Unavailable
from hygiene.provenance.verify import VerificationFailed

INSTANCES = {False: "https://tuf-repo-cdn.sigstore.dev", True: "https://tuf-repo-cdn.sigstage.dev"}
TARGET = "trusted_root.json"


class RefreshUnavailable(Exception):
    """The TUF repository could not be asked; the message says why."""


def refreshed_root(http: Http, cache_dir: Path, *, staging: bool = False, url: str | None = None,
                   bootstrap: Path | None = None) -> Path:
    """The path of the trusted root the TUF repository at `url` (default: the sigstore
    instance's) currently vouches for, kept under `cache_dir`/tuf (hygiene's cache folder). With
    ``http.offline``: the root of the last refresh, if there was one."""
    url = (url or INSTANCES[staging]).rstrip("/")
    base = cache_dir / "tuf" / quote(url, safe="")
    metadata_dir, target_dir = base / "metadata", base / "targets"
    if http.offline:
        cached = target_dir / TARGET
        if cached.is_file():
            return cached
        raise RefreshUnavailable(f"{url}: not fetched (offline), and no earlier refresh is cached")
    initial = _initial_root(url, bootstrap, metadata_dir)

    from tuf.api import exceptions
    from tuf.ngclient import Updater

    metadata_dir.mkdir(parents=True, exist_ok=True)
    target_dir.mkdir(parents=True, exist_ok=True)
    try:
        updater = Updater(
            metadata_dir=str(metadata_dir),
            metadata_base_url=f"{url}/",
            target_base_url=f"{url}/targets/",
            target_dir=str(target_dir),
            fetcher=_fetcher(http),
            bootstrap=initial,
        )
        updater.refresh()
        info = updater.get_targetinfo(TARGET)
        if info is None:
            raise VerificationFailed(f"{url}: the TUF repository lists no {TARGET}")
        path = updater.find_cached_target(info) or updater.download_target(info)
    except exceptions.DownloadError as exc:
        raise RefreshUnavailable(f"{url}: {_reason(exc)}") from None
    except exceptions.RepositoryError as exc:
        raise VerificationFailed(f"{url}: the TUF repository's metadata does not verify ({_reason(exc)})") from None
    except (OSError, ValueError) as exc:  # unwritable cache, a bootstrap root that is not one
        raise VerificationFailed(f"{url}: cannot refresh the trusted root ({_reason(exc)})") from None
    return Path(path)


def _initial_root(url: str, bootstrap: Path | None, metadata_dir: Path) -> bytes | None:
    """The root TUF starts from: the given file, else the previous refresh's (None: TUF loads it
    from `metadata_dir`), else the one sigstore ships for its instances."""
    if bootstrap is not None:
        from tuf.api.metadata import Metadata, Root

        try:
            data = bootstrap.read_bytes()
            Metadata[Root].from_bytes(data)
        except OSError as exc:
            raise VerificationFailed(f"--tuf-bootstrap {bootstrap}: cannot read it ({exc.strerror or exc})") from None
        except Exception as exc:  # noqa: BLE001 - python-tuf raises several kinds for bad input
            raise VerificationFailed(f"--tuf-bootstrap {bootstrap}: not a TUF root ({_reason(exc)})") from None
        return data
    if (metadata_dir / "root.json").is_file():
        return None
    from importlib import resources

    shipped = resources.files("sigstore") / "_store" / quote(url, safe="") / "root.json"
    if not shipped.is_file():
        raise VerificationFailed(f"{url}: hygiene has no initial TUF root for this repository; give one with --tuf-bootstrap")
    return shipped.read_bytes()


def _fetcher(http: Http):
    """A python-tuf fetcher that makes its requests with `http` (no HTTP cache)."""
    from dataclasses import replace

    from tuf.api import exceptions
    from tuf.ngclient import FetcherInterface

    plain = replace(http, cache_dir=None)

    class HttpFetcher(FetcherInterface):
        def _fetch(self, url: str):
            try:
                answer = plain.get(url, accept="application/octet-stream, application/json")
            except Unavailable as exc:
                raise exceptions.DownloadError(str(exc)) from None
            if answer.status != 200:
                raise exceptions.DownloadHTTPError(f"{url}: HTTP {answer.status}", answer.status)
            return iter([answer.body])

    return HttpFetcher()


def _reason(exc: BaseException) -> str:
    """The message, with the causes python-tuf wraps (DownloadError around Unavailable)."""
    parts = []
    while exc is not None and len(parts) < 3:
        text = str(exc).strip()
        if text and text not in parts:
            parts.append(text)
        exc = exc.__cause__ or exc.__context__
    return ": ".join(parts)[:300] or "unknown error"
