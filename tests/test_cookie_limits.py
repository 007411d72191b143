"""The run's cookies keep only what a browser keeps and can send: ASCII, at most 4 KiB."""

from __future__ import annotations

import asyncio

import pytest

from claimcheck.check.client import make_client
from claimcheck.check.resolver import RunResolver
from tests.checking import CountingResolver, options
from tests.servers import Host, HostFactory, Response, html_page

# The most a cookie's name and value hold together, in bytes, that browsers keep (RFC 6265bis).
BROWSER_LIMIT = 4096


def wire(text: str) -> str:
    """``text`` as a server writes it in UTF-8 (the test servers write headers in Latin-1)."""
    return text.encode("utf-8").decode("latin-1")


def setting(*cookies: str) -> Response:
    """A 200 page that sets ``cookies``, each a Set-Cookie value."""
    return Response(200, [("Content-Type", "text/plain"), *(("Set-Cookie", c) for c in cookies)])


def asked_in_turn(host: Host, *paths: str) -> tuple[list[int], list[str]]:
    """Ask ``host`` for ``paths`` in turn, with one client as a run does: the status of each
    answer, and the names of the cookies the client keeps at the end."""

    async def fetch() -> tuple[list[int], list[str]]:
        async with make_client(options(), RunResolver(CountingResolver())) as client:
            codes = [(await client.get(host.url(path))).status_code for path in paths]
            return codes, sorted(client.cookies)

    return asyncio.run(fetch())


NOT_ASCII = {
    "utf8-value": wire("city=København; Path=/"),
    "latin1-value": "city=K\xf8benhavn; Path=/",
    "korean-value": wire("region=서울; Path=/"),
    "utf8-name": wire("설정=1; Path=/"),
}


@pytest.mark.parametrize("set_cookie", NOT_ASCII.values(), ids=NOT_ASCII.keys())
def test_cookie_not_in_ascii_is_not_kept_and_the_next_request_goes_without_it(
    hosts: HostFactory, set_cookie: str
) -> None:
    (host,) = hosts(1)
    host.route("/set", lambda request: setting("plain=1; Path=/", set_cookie))
    host.route("/next", html_page("Next"))

    codes, kept = asked_in_turn(host, "/set", "/next")

    assert (codes, kept) == ([200, 200], ["plain"])
    (sent,) = host.hits("/next")
    assert sent.headers["Cookie"] == "plain=1"


def test_cookie_over_4096_bytes_is_not_kept(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    largest = "edge=" + "e" * (BROWSER_LIMIT - len("edge"))
    too_large = "state=" + "x" * (BROWSER_LIMIT - len("state") + 1)
    host.route("/set", lambda request: setting(largest + "; Path=/", too_large + "; Path=/"))
    host.route("/next", html_page("Next"))

    codes, kept = asked_in_turn(host, "/set", "/next")

    assert (codes, kept) == ([200, 200], ["edge"])
    (sent,) = host.hits("/next")
    assert sent.headers["Cookie"] == largest


@pytest.mark.parametrize(
    "set_cookie",
    ["state=" + "x" * BROWSER_LIMIT + "; Path=/", wire("state=København; Path=/")],
    ids=["too-large", "not-ascii"],
)
def test_cookie_not_kept_leaves_the_one_of_its_name_as_it_was(
    hosts: HostFactory, set_cookie: str
) -> None:
    (host,) = hosts(1)
    host.route("/first", lambda request: setting("state=short; Path=/"))
    host.route("/second", lambda request: setting(set_cookie))
    host.route("/next", html_page("Next"))

    codes, kept = asked_in_turn(host, "/first", "/second", "/next")

    assert (codes, kept) == ([200, 200, 200], ["state"])
    (sent,) = host.hits("/next")
    assert sent.headers["Cookie"] == "state=short"
