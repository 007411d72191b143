"""`claimcheck verify` end to end against servers whose headers browsers take as they come:
cookies not in ASCII or over 4 KiB, header values not in ASCII; the archive stays sound."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.servers import Handler, HostFactory, Request, Response, html_document, page, slow
from tests.test_cli_archive import entry, of_kind, project, read_warc, run, warc_files
from tests.test_cli_verify import verified_json

ARTICLE = html_document(
    "Visa waiver extended",
    "<p>The ministry extended the visa waiver for citizens of South Korea until the end of "
    "2025, allowing stays of up to fifteen days for tourism and business.</p>",
).encode()
TOO_LARGE = b"<html><head><title>400 Request Header Or Cookie Too Large</title></head></html>"


def wire(text: str) -> str:
    """``text`` as a server writes it in UTF-8 (the test servers write headers in Latin-1)."""
    return text.encode("utf-8").decode("latin-1")


def with_headers(*headers: tuple[str, str]) -> Handler:
    """The article, 200, with ``headers`` besides its Content-Type."""
    return page(ARTICLE, headers=headers)


def after(answered: threading.Event, handler: Handler) -> Handler:
    """``handler``'s answer once ``answered`` is set, and half a second later still: the
    client has taken in the answer that set it by then."""
    delayed = slow(handler, 0.5)

    def answer(request: Request) -> Response | None:
        answered.wait(10)
        return delayed(request)

    return answer


def setting(answered: threading.Event, set_cookie: str, then: Handler) -> Handler:
    """``then``'s answer with Set-Cookie ``set_cookie``; ``answered`` is set once it is made."""

    def answer(request: Request) -> Response | None:
        response = then(request)
        assert response is not None
        answered.set()
        return replace(response, headers=[*response.headers, ("Set-Cookie", set_cookie)])

    return answer


def redirect_to(location: str, code: int = 302) -> Handler:
    """A redirect to ``location``, without a body."""
    return lambda request: Response(code, [("Location", location)])


def sources(folder: Path) -> dict[str, dict[str, Any]]:
    """`claimcheck verify --format json` (quotes not searched) in ``folder``, which must exit
    0: each source's row of the report, by its key."""
    report = json.loads(run("verify", "--no-quotes", "--format", "json", cwd=folder).stdout)
    return {source["key"]: source for source in report["sources"]}


@pytest.mark.parametrize(
    "set_cookie",
    [wire("city=København; Path=/"), "city=K\xf8benhavn; Path=/"],
    ids=["utf8", "latin1"],
)
def test_verify_follows_a_redirect_that_sets_a_cookie_not_in_ascii(
    hosts: HostFactory, tmp_path: Path, set_cookie: str
) -> None:
    (host,) = hosts(1)
    host.route(
        "/a", lambda request: Response(302, [("Location", "/news/a"), ("Set-Cookie", set_cookie)])
    )
    host.route("/news/a", page(ARTICLE))

    source, result = verified_json(tmp_path, host.url("/a"))

    assert (source["status"], source["reason"]) == ("alive", "ok"), result.stderr
    (followed,) = host.hits("/news/a")
    assert "Cookie" not in followed.headers


def test_verify_keeps_a_cookie_not_in_ascii_from_changing_another_sources_result(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    answered = threading.Event()
    host.route("/news/1", setting(answered, wire("region=서울; Path=/"), page(ARTICLE)))
    host.route("/news/2", after(answered, redirect_to("/news/2.html", 301)))
    host.route("/news/2.html", page(ARTICLE))
    bib = entry("first", host.url("/news/1")) + entry("second", host.url("/news/2"))

    found = sources(project(tmp_path, bib))

    assert {key: (s["status"], s["reason"]) for key, s in found.items()} == {
        "first": ("alive", "ok"),
        "second": ("alive", "ok"),
    }
    assert all("Cookie" not in request.headers for request in host.requests)


def refusing_large_cookies(handler: Handler) -> Handler:
    """``handler``, behind a server that answers 400 to a Cookie header over 8 KB (nginx)."""

    def answer(request: Request) -> Response | None:
        if len(request.headers.get("Cookie", "")) > 8000:
            return Response(400, [("Content-Type", "text/html")], TOO_LARGE)
        return handler(request)

    return answer


def test_verify_does_not_keep_a_cookie_over_4096_bytes_that_the_server_then_refuses(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    answered = threading.Event()
    state = "state=" + "x" * 9000 + "; Path=/"
    host.route("/go/1", setting(answered, state, redirect_to("/news/1")))
    host.route("/news/2", after(answered, redirect_to("/news/2.html", 301)))
    for path in ("/news/1", "/news/2.html"):
        host.route(path, refusing_large_cookies(page(ARTICLE)))
    bib = entry("first", host.url("/go/1")) + entry("second", host.url("/news/2"))

    found = sources(project(tmp_path, bib))

    assert {key: (s["status"], s["reason"]) for key, s in found.items()} == {
        "first": ("alive", "ok"),
        "second": ("alive", "ok"),
    }
    assert all("Cookie" not in request.headers for request in host.requests)


NOT_ASCII_HEADERS = {
    "link-iri": (
        ("Link", wire('<http://example.com/新闻/签证>; rel="canonical"')),
        '<http://example.com/%E6%96%B0%E9%97%BB/%E7%AD%BE%E8%AF%81>; rel="canonical"',
    ),
    "cookie-name": (("Set-Cookie", wire("설정=1; Path=/")), "%EC%84%A4%EC%A0%95=1; Path=/"),
}


@pytest.mark.parametrize(
    ("header", "stored"), NOT_ASCII_HEADERS.values(), ids=NOT_ASCII_HEADERS.keys()
)
def test_verify_archives_a_page_whose_header_is_not_in_ascii_percent_encoded(
    hosts: HostFactory, tmp_path: Path, header: tuple[str, str], stored: str
) -> None:
    (host,) = hosts(1)
    host.route("/news/a", with_headers(header))
    url = host.url("/news/a")
    folder = project(tmp_path, entry("news", url))

    found = sources(folder)

    assert (found["news"]["status"], found["news"]["reason"]) == ("alive", "ok")
    assert found["news"]["snapshot"] is not None
    (warc,) = warc_files(folder)
    (response,) = of_kind(read_warc(warc), "response", url)
    assert response.http_headers[header[0]] == stored
    assert response.body == ARTICLE
    checked = run("archive", "verify", cwd=folder).stdout
    assert "every digest matches and every index entry finds its record" in checked
