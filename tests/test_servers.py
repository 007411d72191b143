"""The loopback test servers do what they say, checked with a plain httpx client."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import ipaddress
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import trustme

from tests import servers
from tests.servers import (
    NXDOMAIN_URL,
    WRONG_HOST,
    Host,
    HostFactory,
    Request,
    Response,
    bot_challenge,
    client_context,
    drip,
    endless,
    free_addresses,
    gzip_bomb,
    gzip_zeros,
    head_hostile,
    html_page,
    malformed,
    meta_refresh,
    page,
    redirect,
    reset,
    retry_after,
    sequence,
    server_cert,
    slow,
    status,
    ua_hostile,
    wrong_host_cert,
)

# The fixtures, until tests/conftest.py imports them for every test module.
offline_dns = servers.offline_dns

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """A plain-HTTP client (verify=False only spares loading the CA bundle: no TLS here)."""
    with httpx.Client(trust_env=False, timeout=10, verify=False) as http:
        yield http


@pytest.fixture
def host(hosts: HostFactory) -> Host:
    return hosts(1)[0]


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


# Routes and simple handlers -------------------------------------------------------------


def test_page_answers_and_unknown_paths_are_404(host: Host, client: httpx.Client) -> None:
    host.route("/", page("<p>hello</p>"))
    ok = client.get(host.url("/"))
    assert ok.status_code == 200
    assert ok.headers["content-type"] == "text/html; charset=utf-8"
    assert ok.text == "<p>hello</p>"
    missing = client.get(host.url("/nope"))
    assert missing.status_code == 404
    assert "Not Found" in missing.text


def test_star_route_answers_every_unrouted_path(host: Host, client: httpx.Client) -> None:
    host.route("/", page("home"))
    host.route("*", page("anything", 200, "text/plain"))
    assert client.get(host.url("/")).text == "home"
    assert client.get(host.url("/no/such/page?x=1")).text == "anything"


def test_page_status_content_type_and_headers(host: Host, client: httpx.Client) -> None:
    host.route("/gone", page("gone", 410, "text/plain", [("X-A", "1"), ("X-A", "2")]))
    response = client.get(host.url("/gone"))
    assert response.status_code == 410
    assert response.headers["content-type"] == "text/plain"
    assert response.headers.get_list("x-a") == ["1", "2"]


def test_query_is_ignored_unless_the_route_has_one(host: Host, client: httpx.Client) -> None:
    host.route("/p", page("path"))
    host.route("/q?id=7", page("seven"))
    assert client.get(host.url("/p?utm_source=x")).text == "path"
    assert client.get(host.url("/q?id=7")).text == "seven"
    assert client.get(host.url("/q?id=8")).status_code == 404


def test_html_page_is_a_whole_document(host: Host, client: httpx.Client) -> None:
    host.route("/doc", html_page("A & B", "<p>text</p>", extra_head='<link rel="x">'))
    host.route("/h1", html_page("Title", h1="Heading"))
    text = client.get(host.url("/doc")).text
    assert text.startswith("<!doctype html>")
    assert "<title>A &amp; B</title>" in text
    assert "<h1>A &amp; B</h1>" in text
    assert '<link rel="x">' in text
    assert "<p>text</p>" in text
    assert "<h1>Heading</h1>" in client.get(host.url("/h1")).text


def test_status_and_bodiless_codes(host: Host, client: httpx.Client) -> None:
    host.route("/teapot", status(418, [("X-Why", "tea")], b"short and stout"))
    host.route("/empty", status(204))
    teapot = client.get(host.url("/teapot"))
    assert (teapot.status_code, teapot.headers["x-why"], teapot.content) == (
        418,
        "tea",
        b"short and stout",
    )
    empty = client.get(host.url("/empty"))
    assert empty.status_code == 204
    assert empty.content == b""
    assert "content-length" not in empty.headers


def test_redirect_and_meta_refresh(host: Host, client: httpx.Client) -> None:
    host.route("/old", redirect("/new", 301))
    host.route("/elsewhere", redirect("http://127.0.0.1:9/x"))
    host.route("/refresh", meta_refresh("/new", delay=2))
    host.route("/new", page("new"))
    moved = client.get(host.url("/old"))
    assert moved.status_code == 301
    assert moved.headers["location"] == "/new"
    assert client.get(host.url("/old"), follow_redirects=True).text == "new"
    assert client.get(host.url("/elsewhere")).status_code == 302
    refresh = client.get(host.url("/refresh"))
    assert refresh.status_code == 200
    assert '<meta http-equiv="refresh" content="2; url=/new">' in refresh.text


def test_sequence_goes_in_order_then_repeats_the_last(host: Host, client: httpx.Client) -> None:
    host.route("/flaky", sequence(status(503), status(502), page("ok")))
    codes = [client.get(host.url("/flaky")).status_code for _ in range(5)]
    assert codes == [503, 502, 200, 200, 200]


def test_retry_after_then_success(host: Host, client: httpx.Client) -> None:
    host.route("/seconds", retry_after(2))
    when = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    host.route("/date", retry_after(when, code=503, then=page("later")))
    first = client.get(host.url("/seconds"))
    assert (first.status_code, first.headers["retry-after"]) == (429, "2")
    assert client.get(host.url("/seconds")).status_code == 200
    dated = client.get(host.url("/date"))
    assert dated.status_code == 503
    assert dated.headers["retry-after"] == "Wed, 02 Jan 2030 03:04:05 GMT"
    assert client.get(host.url("/date")).text == "later"


def test_custom_response_streams_chunks(host: Host, client: httpx.Client) -> None:
    host.route("/chunks", lambda request: Response(chunks=[b"one ", b"", b"two"]))
    host.route("/echo", lambda request: Response(body=request.body[::-1]))
    response = client.get(host.url("/chunks"))
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.content == b"one two"
    assert client.post(host.url("/echo"), content=b"abc").content == b"cba"


def test_a_handler_that_raises_answers_500(
    host: Host, client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(request: Request) -> Response:
        raise RuntimeError("boom")

    host.route("/broken", broken)
    assert client.get(host.url("/broken")).status_code == 500
    assert "RuntimeError: boom" in host.errors[0]
    assert "boom" in capsys.readouterr().err


# Slow and large bodies ---------------------------------------------------------------------


def test_slow_waits_before_answering(host: Host, client: httpx.Client) -> None:
    host.route("/slow", slow(page("late"), 0.3))
    started = time.monotonic()
    assert client.get(host.url("/slow")).text == "late"
    assert time.monotonic() - started >= 0.25
    with pytest.raises(httpx.ReadTimeout):
        client.get(host.url("/slow"), timeout=0.05)


def test_drip_sends_a_byte_per_interval(host: Host, client: httpx.Client) -> None:
    host.route("/drip", drip(None, 0.2))
    with client.stream("GET", host.url("/drip")) as response:
        assert response.headers["transfer-encoding"] == "chunked"
        received = b""
        first = 0.0
        for chunk in response.iter_raw():
            if not received:
                first = time.monotonic()
            received += chunk
            if len(received) >= 3:
                break
        elapsed = time.monotonic() - first
    assert received.startswith(b"<!d")
    assert elapsed >= 0.3  # two intervals of 0.2 s between the first and third byte
    assert wait_until(lambda: host.in_flight == 0)


def test_drip_with_a_total_has_a_content_length(host: Host, client: httpx.Client) -> None:
    host.route("/drip", drip(20, 0.001))
    response = client.get(host.url("/drip"))
    assert response.headers["content-length"] == "20"
    assert response.content == b"<!doctype html><html"


def test_endless_stops_when_the_client_stops_reading(host: Host, client: httpx.Client) -> None:
    host.route("/endless", endless())
    with client.stream("GET", host.url("/endless")) as response:
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received >= 4 << 20:
                break
    assert received >= 4 << 20
    assert host.max_in_flight == 1
    assert wait_until(lambda: host.in_flight == 0)


def test_gzip_bomb_is_small_on_the_wire_and_inflates(host: Host, client: httpx.Client) -> None:
    host.route("/bomb", gzip_bomb())
    with client.stream("GET", host.url("/bomb")) as response:
        assert response.headers["content-encoding"] == "gzip"
        assert int(response.headers["content-length"]) < 2 << 20
        decoded = 0
        for chunk in response.iter_bytes():
            assert not chunk.strip(b"\0")
            decoded += len(chunk)
            if decoded >= 1 << 20:
                break
        assert response.num_bytes_downloaded < 256 << 10
    assert decoded >= 1 << 20
    trailer = gzip_zeros(1 << 30)[-8:]
    assert struct.unpack("<II", trailer)[1] == (1 << 30) & 0xFFFFFFFF


@pytest.mark.parametrize("size", [0, 5, (3 << 20) + 123])
def test_gzip_zeros_is_a_valid_gzip_stream(size: int) -> None:
    assert gzip.decompress(gzip_zeros(size)) == bytes(size)


def test_gzip_zeros_of_a_gib_inflates_by_the_mib() -> None:
    stream = gzip_zeros(1 << 30)
    assert len(stream) < 2 << 20
    inflater = zlib.decompressobj(31)
    first = inflater.decompress(stream[: 64 << 10], 1 << 20)
    assert first == bytes(1 << 20)


# Hostile servers ---------------------------------------------------------------------------


def test_head_hostile(host: Host, client: httpx.Client) -> None:
    host.route("/h", head_hostile(page("body")))
    host.route("/r", head_hostile(page("body"), reset_head=True))
    head = client.head(host.url("/h"))
    assert head.status_code == 405
    assert head.headers["allow"] == "GET"
    assert client.get(host.url("/h")).text == "body"
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.head(host.url("/r"))
    assert client.get(host.url("/r")).text == "body"


def test_ua_hostile(host: Host, client: httpx.Client) -> None:
    host.route("/ua", ua_hostile(page("welcome")))
    assert client.get(host.url("/ua")).status_code == 403
    browser = client.get(host.url("/ua"), headers={"User-Agent": BROWSER})
    assert (browser.status_code, browser.text) == (200, "welcome")
    assert [r.user_agent == BROWSER for r in host.hits("/ua")] == [False, True]


def test_bot_challenge(host: Host, client: httpx.Client) -> None:
    host.route("/cf", bot_challenge())
    response = client.get(host.url("/cf"), headers={"User-Agent": BROWSER})
    assert response.status_code == 403
    assert response.headers.get_list("server") == ["cloudflare"]
    assert response.headers["cf-mitigated"] == "challenge"
    assert "<title>Just a moment...</title>" in response.text


def test_reset_raises(host: Host, client: httpx.Client) -> None:
    host.route("/reset", reset())
    host.route("/ok", page("ok"))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.get(host.url("/reset"))
    assert client.get(host.url("/ok")).text == "ok"
    assert len(host.hits("/reset")) == 1


def test_malformed_raises(host: Host, client: httpx.Client) -> None:
    host.route("/garbage", malformed())
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(host.url("/garbage"))


def test_stop_ends_a_hanging_answer_at_once(hosts: HostFactory) -> None:
    (slow_host,) = hosts(1)
    slow_host.route("/hang", slow(page("never"), 60))
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            with httpx.Client(trust_env=False, timeout=30) as http:
                http.get(slow_host.url("/hang"))
        except httpx.HTTPError as error:
            errors.append(error)

    thread = threading.Thread(target=fetch)
    thread.start()
    assert wait_until(lambda: slow_host.in_flight == 1)
    started = time.monotonic()
    slow_host.stop()
    thread.join(10)
    assert time.monotonic() - started < 3
    assert len(errors) == 1


# Records and concurrency -------------------------------------------------------------------


def test_requests_are_recorded(host: Host, client: httpx.Client) -> None:
    host.route("/a", page("a"))
    before = time.monotonic()
    client.get(host.url("/a?x=1"), headers={"X-Test": "yes", "User-Agent": "probe/1"})
    client.post(host.url("/a"), content=b"payload")
    client.get(host.url("/missing"))
    first, second, third = host.requests
    assert (first.method, first.path, first.target, first.query) == ("GET", "/a", "/a?x=1", "x=1")
    assert first.headers["x-test"] == first.headers["X-TEST"] == "yes"
    assert "x-test" in first.headers
    assert first.user_agent == "probe/1"
    assert first.client[0].startswith("127.")
    assert before <= first.time <= second.time <= third.time
    assert (second.method, second.body) == ("POST", b"payload")
    assert third.path == "/missing"
    assert [r.method for r in host.hits("/a")] == ["GET", "POST"]
    assert len(host.hits(method="POST")) == 1
    assert first.client[1] == third.client[1]  # one kept-alive connection
    host.clear()
    assert host.requests == []


def test_max_in_flight_counts_concurrent_requests(host: Host) -> None:
    host.route("/slow", slow(page("ok"), 0.8))
    with (
        httpx.Client(trust_env=False, timeout=10, verify=False) as http,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        codes = list(pool.map(lambda _: http.get(host.url("/slow")).status_code, range(8)))
    assert codes == [200] * 8
    assert host.max_in_flight >= 8
    # The server counts a request out once it has written the answer, which the client may
    # have read a moment before.
    deadline = time.monotonic() + 5
    while host.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert host.in_flight == 0


def test_64_concurrent_connections_do_not_stall(host: Host) -> None:
    everyone_in = threading.Event()

    def gate(request: Request) -> Response:
        # Nobody is answered before all 64 are being handled at once (or 20 s have passed).
        if host.in_flight >= 64:
            everyone_in.set()
        everyone_in.wait(20)
        return Response(body=b"ok")

    host.route("/gate", gate)

    async def fetch_all() -> list[int]:
        async with httpx.AsyncClient(trust_env=False, timeout=30, verify=False) as http:
            responses = await asyncio.gather(*(http.get(host.url("/gate")) for _ in range(64)))
        return [response.status_code for response in responses]

    assert asyncio.run(fetch_all()) == [200] * 64
    assert host.max_in_flight == 64
    assert len(host.requests) == 64


def test_two_hosts_on_different_addresses(hosts: HostFactory, client: httpx.Client) -> None:
    first, second = hosts(2)
    assert first.host != second.host
    first.route("/", page("first"))
    second.route("/", page("second"))
    assert client.get(first.base_url + "/").text == "first"
    assert client.get(second.url("")).text == "second"
    assert (len(first.requests), len(second.requests)) == (1, 1)


def test_free_addresses_are_distinct_loopback_addresses() -> None:
    addresses = free_addresses(20)
    assert len(set(addresses)) == 20
    assert all(ipaddress.ip_address(a).is_loopback for a in addresses)


def test_a_host_is_a_context_manager() -> None:
    with Host("127.0.0.1", routes={"/": page("hi")}) as plain:
        assert plain.base_url == f"http://127.0.0.1:{plain.port}"
        assert httpx.get(plain.url("/"), trust_env=False).text == "hi"
    with pytest.raises(httpx.ConnectError):
        httpx.get(plain.url("/"), trust_env=False)


def test_invalid_names_never_resolve(offline_dns: None, client: httpx.Client) -> None:
    with pytest.raises(httpx.ConnectError):
        client.get(NXDOMAIN_URL)


# TLS ---------------------------------------------------------------------------------------


def test_tls_with_the_trusted_ca(hosts: HostFactory, ca_bundle: Path) -> None:
    (secure,) = hosts(1, tls=True)
    secure.route("/", page("secret"))
    assert secure.base_url.startswith("https://127.")
    with httpx.Client(verify=client_context(ca_bundle), trust_env=False) as http:
        assert http.get(secure.url("/")).text == "secret"


def test_tls_host_on_its_own(tls_ca: trustme.CA) -> None:
    cert = server_cert(tls_ca, "127.0.0.1")
    with (
        Host("127.0.0.1", tls=cert, routes={"/": page("own")}) as secure,
        httpx.Client(verify=client_context(tls_ca), trust_env=False) as http,
    ):
        assert http.get(secure.url("/")).text == "own"


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("untrusted", "unable to get local issuer certificate"),
        ("self-signed", "self.signed certificate"),
        ("expired", "certificate has expired"),
        ("wrong-host", "mismatch"),
    ],
)
def test_tls_verification_failures(
    hosts: HostFactory, ca_bundle: Path, kind: str, message: str
) -> None:
    (secure,) = hosts(1, tls=kind)
    secure.route("/", page("secret"))
    with (
        httpx.Client(verify=client_context(ca_bundle), trust_env=False) as http,
        pytest.raises(httpx.ConnectError, match=message),
    ):
        http.get(secure.url("/"))
    # The same server still answers a client that does not verify.
    with httpx.Client(verify=False, trust_env=False) as careless:
        assert careless.get(secure.url("/")).text == "secret"


def test_wrong_host_cert_names_another_address(tls_ca: trustme.CA, ca_bundle: Path) -> None:
    with (
        Host("127.0.0.1", tls=wrong_host_cert(tls_ca)) as secure,
        httpx.Client(verify=client_context(ca_bundle), trust_env=False) as http,
        pytest.raises(httpx.ConnectError, match=r"mismatch.*'127\.0\.0\.1'"),
    ):
        http.get(secure.url("/"))
    assert WRONG_HOST == "127.9.9.9"
