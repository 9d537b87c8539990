"""HTTP for the checks that need a registry (provenance; later vulnerabilities).

A scan must run without a network and must not hang on a slow one, and a scanned repository
must not be able to make hygiene fetch much. So every request here has:

- a timeout (connect and each read, `timeout` seconds) and a size limit on the body;
- bounded retries with exponential backoff and jitter, for connection errors, timeouts, 429
  and 5xx (honouring `Retry-After` up to `max_backoff`); never for other 4xx, which are answers;
- an on-disk cache: an answer keyed by an artifact's digest never changes (`immutable`), the
  others are reused for `ttl` seconds;
- an offline mode, in which nothing is fetched and cached answers are still used; callers
  report what they skipped and why (:class:`Unavailable`).

Only the standard library (urllib, ssl with the system's CA store, which `SSL_CERT_FILE` can
replace) is used. Requests from several threads are fine; the provenance check runs its lookups
on a bounded pool (:data:`hygiene.checks.provenance.WORKERS`).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

from hygiene import __version__

USER_AGENT = f"hygiene/{__version__} (+https://github.com/hygiene-dev/hygiene)"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Unavailable(Exception):
    """The answer could not be had: offline, unreachable, timed out, too large, or the server
    kept failing. The message says which, naming the URL."""


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    content_type: str = ""
    from_cache: bool = False

    def json(self):
        """The body as JSON; :class:`ValueError` names the URL when it is not."""
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ValueError(f"{self.url}: not JSON ({exc})") from None


@dataclass
class Http:
    timeout: float = 10.0
    retries: int = 2  # attempts after the first
    backoff: float = 0.5  # seconds before the first retry, doubled each time
    max_backoff: float = 8.0
    max_bytes: int = 20 * 1024 * 1024
    ttl: float = 3600.0
    cache_dir: Path | None = None
    offline: bool = False
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)  # tests replace it

    def get(self, url: str, *, accept: str = "application/json", immutable: bool = False) -> Response:
        """The answer for `url`. 2xx, 3xx after redirects and 4xx come back as responses (a 404
        is an answer); what is not an answer raises :class:`Unavailable`."""
        key = _cache_key(url, accept)
        cached = self._cached(key, immutable)
        if cached is not None:
            return Response(url, cached[0], cached[1], cached[2], from_cache=True)
        if self.offline:
            raise Unavailable(f"{url}: not fetched (offline)")
        last, retry_after = "", None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self._delay(attempt, retry_after))
            try:
                status, body, content_type, retry_after = self._fetch(url, accept)
            except _Retryable as exc:
                last, retry_after = str(exc), None
                continue
            if status in _RETRY_STATUSES:
                last = f"HTTP {status}"
                continue
            if status < 500:
                self._store(key, status, body, content_type)
            return Response(url, status, body, content_type)
        raise Unavailable(f"{url}: {last} (after {self.retries + 1} attempts)")

    def _fetch(self, url: str, accept: str) -> tuple[int, bytes, str, str | None]:
        """(status, body, content type, Retry-After)."""
        if not url.startswith(("https://", "http://")):
            raise Unavailable(f"{url}: not an http(s) URL")
        request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
        try:
            with _opener().open(request, timeout=self.timeout) as answer:
                return answer.status, self._read(answer, url), answer.headers.get("Content-Type", ""), None
        except urllib.error.HTTPError as exc:
            headers = exc.headers or {}
            body = self._read(exc, url) if exc.fp is not None else b""
            return exc.code, body, headers.get("Content-Type", ""), headers.get("Retry-After")
        except TimeoutError as exc:
            raise _Retryable(f"timed out after {self.timeout:g} s") from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, ssl.SSLError):
                raise Unavailable(f"{url}: TLS error: {reason}") from None
            raise _Retryable(f"cannot connect: {reason}") from exc
        except (ConnectionError, http.client.HTTPException) as exc:
            raise _Retryable(f"connection failed: {exc}") from exc

    def _read(self, answer, url: str) -> bytes:
        body = answer.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise Unavailable(f"{url}: answer larger than {self.max_bytes} bytes")
        return body

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            wait = _retry_after_seconds(retry_after)
            if wait is not None:
                return min(self.max_backoff, wait)
        delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # jitter: clients retrying together spread out

    # -- cache --------------------------------------------------------------------------------

    def _cached(self, key: str, immutable: bool) -> tuple[int, bytes, str] | None:
        if self.cache_dir is None:
            return None
        meta_path = self.cache_dir / f"{key}.json"
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            body = (self.cache_dir / f"{key}.body").read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            return None
        fresh = immutable or self.offline or time.time() - float(meta.get("fetched", 0)) < self.ttl
        return (int(meta["status"]), body, str(meta.get("content_type", ""))) if fresh else None

    def _store(self, key: str, status: int, body: bytes, content_type: str) -> None:
        if self.cache_dir is None:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_dir / f"{key}.{os.getpid()}.{threading.get_ident()}.tmp"  # one per writer
            tmp.write_bytes(body)
            os.replace(tmp, self.cache_dir / f"{key}.body")
            meta = {"status": status, "content_type": content_type, "fetched": time.time(), "sha256": hashlib.sha256(body).hexdigest()}
            tmp.write_text(json.dumps(meta), "utf-8")
            os.replace(tmp, self.cache_dir / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written is no cache, not an error


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hygiene" / "http"


class _Retryable(Exception):
    pass


def _retry_after_seconds(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _cache_key(url: str, accept: str) -> str:
    return hashlib.sha256(f"{accept}\n{url}".encode()).hexdigest()


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects within http(s) only: urllib would also follow one to ftp://."""

    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("https://", "http://")):
            raise Unavailable(f"{req.full_url}: redirected to a URL that is not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER: urllib.request.OpenerDirector | None = None


def _opener() -> urllib.request.OpenerDirector:
    """urllib's default handlers (proxies from HTTPS_PROXY and friends included), with TLS on
    the system's CA store (or SSL_CERT_FILE) and redirects kept to http(s)."""
    global _OPENER
    if _OPENER is None:
        tls = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE") or None)
        _OPENER = urllib.request.build_opener(urllib.request.HTTPSHandler(context=tls), _HttpOnlyRedirects())
    return _OPENER
