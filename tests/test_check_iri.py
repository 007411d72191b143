"""Cited IRIs fetched as browsers fetch them: punycode hosts, UTF-8 escapes, IRI redirects."""

from __future__ import annotations

from claimcheck.models import Reason, SourceStatus
from tests.checking import CountingResolver, check, page_requests, run, source
from tests.servers import HostFactory, Response, html_page, redirect

CHINESE_PATH = "/%E6%96%B0%E9%97%BB/%E7%AD%BE%E8%AF%81"  # /新闻/签证
KOREAN_QUERY = "q=%EB%B9%84%EC%9E%90"  # q=비자


def raw_location(location: bytes, code: int = 302) -> Response:
    """A redirect whose Location header carries ``location``'s bytes as they are."""
    # The test server writes header values as latin-1: each byte goes out unchanged.
    return Response(code, [("Location", location.decode("latin-1"))])


def test_chinese_path_is_sent_as_utf8_percent_escapes(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route(CHINESE_PATH, html_page("签证"))
    cited = host.url("/新闻/签证")

    result = check(cited)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert [request.target for request in page_requests(host)] == [CHINESE_PATH]
    assert result.url == cited
    assert result.final_url == host.url(CHINESE_PATH)


def test_korean_query_is_sent_as_utf8_percent_escapes(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route(f"/search?{KOREAN_QUERY}", html_page("비자"))

    result = check(host.url("/search?q=비자"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert [request.target for request in page_requests(host)] == [f"/search?{KOREAN_QUERY}"]


def test_accented_host_is_looked_up_and_named_in_punycode(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/page", html_page("Café"))
    resolver = CountingResolver({"xn--caf-dma.example": host.host})

    result = check(f"http://Café.example:{host.port}/page", resolver)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert resolver.lookups == ["xn--caf-dma.example"]
    (request,) = page_requests(host)
    assert request.headers["Host"] == f"xn--caf-dma.example:{host.port}"
    assert result.final_url == f"http://xn--caf-dma.example:{host.port}/page"


def test_percent_escaped_url_is_sent_as_it_is_not_escaped_twice(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    target = f"/caf%C3%A9/a%2Fb%20c?{KOREAN_QUERY}&r=100%25"
    host.route(target, html_page("Already escaped"))

    result = check(host.url(target))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert [request.target for request in page_requests(host)] == [target]


def test_ipv4_address_with_a_closing_dot_is_that_address(hosts: HostFactory) -> None:
    """As the URL standard reads it: http://192.0.2.1./ is http://192.0.2.1/."""
    (host,) = hosts(1)
    host.route("/news/a", html_page("News"))

    result = check(host.url("/news/a").replace(f"{host.host}:", f"{host.host}.:"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def test_half_escaped_url_escapes_only_what_was_not(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/caf%C3%A9%20menu%C3%A9", html_page("Menu"))

    result = check(host.url("/caf%C3%A9%20menué"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert [request.target for request in page_requests(host)] == ["/caf%C3%A9%20menu%C3%A9"]


def test_redirect_to_an_iri_in_raw_utf8_is_followed_as_its_uri(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/old", lambda request: raw_location("/新闻/签证".encode()))
    host.route(CHINESE_PATH, html_page("签证"))

    result = check(host.url("/old"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert [request.target for request in page_requests(host)] == ["/old", CHINESE_PATH]
    assert [hop.url for hop in result.redirects] == [host.url("/old")]
    assert result.final_url == host.url(CHINESE_PATH)


def test_redirect_to_an_iri_on_an_accented_host_is_sent_in_punycode(hosts: HostFactory) -> None:
    first, second = hosts(2)
    resolver = CountingResolver({"first.test": first.host, "xn--bcher-kva.test": second.host})
    location = f"http://Bücher.test:{second.port}/新闻".encode()
    first.route("/old", lambda request: raw_location(location))
    second.route("/%E6%96%B0%E9%97%BB", html_page("新闻"))

    result = check(f"http://first.test:{first.port}/old", resolver)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert resolver.lookups == ["first.test", "xn--bcher-kva.test"]
    assert result.final_url == f"http://xn--bcher-kva.test:{second.port}/%E6%96%B0%E9%97%BB"


def test_location_bytes_that_are_not_utf8_are_sent_percent_escaped(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/old", lambda request: raw_location(b"/caf\xe9"))
    host.route("/caf%E9", html_page("Latin-1"))

    result = check(host.url("/old"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert [request.target for request in page_requests(host)] == ["/old", "/caf%E9"]


def test_redirect_to_an_address_no_browser_could_send_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/old", redirect("http://exa mple.org/page"))

    result = check(host.url("/old"))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.REDIRECT_INVALID_URL)
    assert "holds ' '" in (result.detail or "")
    assert [request.target for request in page_requests(host)] == ["/old"]


def test_meta_refresh_to_the_page_itself_in_iri_form_is_the_page(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    head = '<meta http-equiv="refresh" content="300; url=/新闻">\n'
    host.route("/%E6%96%B0%E9%97%BB", html_page("Live", extra_head=head))

    result = check(host.url("/新闻"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.redirects == ()
    assert len(page_requests(host)) == 1


def test_invalid_and_unsupported_sources_are_not_fetched(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    port = host.port
    cited = [
        f"htp://{host.host}:{port}/a",
        f"http:/{host.host}:{port}/a",
        f"ftp://{host.host}:{port}/a",
        f"http://{host.host}:99999/a",
    ]

    results = run([source(url, key=f"k{index}") for index, url in enumerate(cited)]).sources

    assert [(r.status, r.reason) for r in results] == [
        (SourceStatus.INVALID, Reason.INVALID_URL),
        (SourceStatus.INVALID, Reason.INVALID_URL),
        (SourceStatus.SKIPPED, Reason.UNSUPPORTED_SCHEME),
        (SourceStatus.INVALID, Reason.INVALID_URL),
    ]
    assert host.requests == []
