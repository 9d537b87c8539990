"""hygiene.net against a local HTTP server: answers, retries with backoff, timeouts, size
limits, the on-disk cache and offline mode; and the guard that keeps tests off the internet."""

from __future__ import annotations

import socket
import time

import pytest
from hygiene_testkit import InternetAccessError

from hygiene.net import Http, Unavailable

pytest.importorskip("pytest_httpserver")
from werkzeug import Response as WResponse  # noqa: E402 (pytest-httpserver's dependency)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(tmp_path=None, **kwargs) -> tuple[Http, Sleeps]:
    sleeps = Sleeps()
    http = Http(sleep=sleeps, cache_dir=(tmp_path / "cache") if tmp_path else None, **kwargs)
    return http, sleeps


def test_json_answer(httpserver):
    httpserver.expect_request("/simple/flask/").respond_with_json({"name": "flask"})
    http, _ = client()
    answer = http.get(httpserver.url_for("/simple/flask/"))
    assert (answer.status, answer.json(), answer.from_cache) == (200, {"name": "flask"}, False)
    request, _ = httpserver.log[0]
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("hygiene/")


@pytest.mark.parametrize("status", [403, 404, 410])
def test_a_client_error_is_an_answer_and_is_not_retried(httpserver, status):
    httpserver.expect_request("/x").respond_with_data("no", status=status)
    http, sleeps = client()
    assert http.get(httpserver.url_for("/x")).status == status
    assert len(httpserver.log) == 1 and sleeps == []


def test_server_errors_are_retried_with_growing_backoff(httpserver):
    httpserver.expect_ordered_request("/x").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/x").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": True})
    http, sleeps = client(retries=2, backoff=1.0)
    assert http.get(httpserver.url_for("/x")).json() == {"ok": True}
    assert len(httpserver.log) == 3
    # jittered between half and all of 1 s, then of 2 s
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0


def test_retries_are_bounded_and_the_error_names_the_url(httpserver):
    httpserver.expect_request("/x").respond_with_data("down", status=502)
    http, sleeps = client(retries=2)
    url = httpserver.url_for("/x")
    with pytest.raises(Unavailable) as exc:
        http.get(url)
    assert str(exc.value) == f"{url}: HTTP 502 (after 3 attempts)"
    assert len(httpserver.log) == 3 and len(sleeps) == 2


def test_retry_after_is_honoured_up_to_the_cap(httpserver):
    httpserver.expect_ordered_request("/x").respond_with_data("slow down", status=429, headers={"Retry-After": "3"})
    httpserver.expect_ordered_request("/x").respond_with_data("slow down", status=429, headers={"Retry-After": "600"})
    httpserver.expect_ordered_request("/x").respond_with_json([])
    http, sleeps = client(retries=2, max_backoff=8.0)
    assert http.get(httpserver.url_for("/x")).json() == []
    assert sleeps == [3.0, 8.0]


def test_a_slow_server_times_out_and_is_retried(httpserver):
    def slow(request):
        time.sleep(1.0)
        return WResponse("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    http, sleeps = client(timeout=0.2, retries=1)
    url = httpserver.url_for("/slow")
    with pytest.raises(Unavailable, match=r"^" + url + r": timed out after 0\.2 s \(after 2 attempts\)$"):
        http.get(url)
    assert len(sleeps) == 1


def test_an_answer_larger_than_the_limit_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 2048)
    http, _ = client(max_bytes=1024)
    with pytest.raises(Unavailable, match="answer larger than 1024 bytes"):
        http.get(httpserver.url_for("/big"))


def test_malformed_json_names_the_url(httpserver):
    httpserver.expect_request("/bad").respond_with_data("{not json", content_type="application/json")
    http, _ = client()
    url = httpserver.url_for("/bad")
    with pytest.raises(ValueError, match=r"^" + url + ": not JSON"):
        http.get(url).json()


def test_nothing_listening_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nobody listens
    http, sleeps = client(retries=1)
    with pytest.raises(Unavailable, match=r"cannot connect: .*refused.* \(after 2 attempts\)"):
        http.get(f"http://127.0.0.1:{port}/x")
    assert len(sleeps) == 1


def test_the_cache_answers_within_its_ttl_and_keeps_immutable_answers(httpserver, tmp_path, monkeypatch):
    httpserver.expect_request("/page").respond_with_json({"n": 1})
    httpserver.expect_request("/blob").respond_with_json({"digest": "abc"})
    http, _ = client(tmp_path, ttl=60)
    page, blob = httpserver.url_for("/page"), httpserver.url_for("/blob")
    assert http.get(page).from_cache is False
    assert http.get(page).from_cache is True and http.get(page).json() == {"n": 1}
    http.get(blob, immutable=True)
    assert len(httpserver.log) == 2
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert http.get(page).from_cache is False  # stale: fetched again
    assert http.get(blob, immutable=True).from_cache is True  # keyed by a digest: never stale
    assert len(httpserver.log) == 3


def test_not_found_is_cached_but_server_errors_are_not(httpserver, tmp_path):
    httpserver.expect_request("/missing").respond_with_data("", status=404)
    http, _ = client(tmp_path, retries=0)
    http.get(httpserver.url_for("/missing"))
    assert http.get(httpserver.url_for("/missing")).from_cache is True
    httpserver.expect_request("/down").respond_with_data("", status=503)
    for _ in range(2):
        with pytest.raises(Unavailable):
            http.get(httpserver.url_for("/down"))
    assert len([r for r, _ in httpserver.log if r.path == "/down"]) == 2
    # a 5xx that is not retried is returned, and still not cached
    httpserver.expect_request("/unimplemented").respond_with_data("", status=501)
    assert http.get(httpserver.url_for("/unimplemented")).status == 501
    assert http.get(httpserver.url_for("/unimplemented")).from_cache is False
    assert len([r for r, _ in httpserver.log if r.path == "/unimplemented"]) == 2


def test_a_corrupt_cache_entry_is_fetched_again(httpserver, tmp_path):
    httpserver.expect_request("/page").respond_with_json({"n": 1})
    http, _ = client(tmp_path)
    http.get(httpserver.url_for("/page"))
    (body,) = (tmp_path / "cache").glob("*.body")
    body.write_bytes(b'{"n": 666}')
    answer = http.get(httpserver.url_for("/page"))
    assert (answer.from_cache, answer.json()) == (False, {"n": 1})


def test_offline_uses_the_cache_and_fetches_nothing(httpserver, tmp_path, monkeypatch):
    httpserver.expect_request("/page").respond_with_json({"n": 1})
    online, _ = client(tmp_path, ttl=1)
    online.get(httpserver.url_for("/page"))
    offline, _ = client(tmp_path, ttl=1, offline=True)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert offline.get(httpserver.url_for("/page")).json() == {"n": 1}  # stale, still used
    with pytest.raises(Unavailable, match=r"/other: not fetched \(offline\)$"):
        offline.get(httpserver.url_for("/other"))
    assert len(httpserver.log) == 1


def test_the_guard_stops_a_test_from_reaching_the_internet():
    with socket.socket() as sock, pytest.raises(InternetAccessError, match=r"192\.0\.2\.1"):
        sock.connect(("192.0.2.1", 443))
    http, _ = client(retries=0)
    with pytest.raises(InternetAccessError):
        http.get("https://pypi.org/simple/flask/")


def test_redirects_stay_within_http(httpserver):
    httpserver.expect_request("/moved").respond_with_data("", status=302, headers={"Location": httpserver.url_for("/here")})
    httpserver.expect_request("/here").respond_with_json({"ok": 1})
    httpserver.expect_request("/ftp").respond_with_data("", status=302, headers={"Location": "ftp://127.0.0.1:9/x"})
    http, _ = client(retries=0)
    assert http.get(httpserver.url_for("/moved")).json() == {"ok": 1}
    with pytest.raises(Unavailable, match=r"/ftp: redirected to a URL that is not http\(s\)$"):
        http.get(httpserver.url_for("/ftp"))
    with pytest.raises(Unavailable, match=r"^file:///etc/passwd: not an http\(s\) URL$"):
        http.get("file:///etc/passwd")
