"""What each kind of answer (or its absence) makes of a source: status, reason and evidence."""

from __future__ import annotations

import time

import pytest

from claimcheck.models import Reason, SourceStatus
from tests.checking import CountingResolver, check, closed_port, full_backlog, run, source
from tests.helpers import OfflineResolver
from tests.servers import (
    BROWSER_MARKER,
    HTML,
    NXDOMAIN_URL,
    HostFactory,
    bot_challenge,
    drip,
    html_document,
    html_page,
    malformed,
    page,
    redirect,
    slow,
    status,
)

# Alive -------------------------------------------------------------------------------------


# An article's worth of words: a main text that is not short (likeness.is_short).
LONG_ARTICLE = (
    "<p>"
    + " ".join(
        f"Paragraph {n} of the study traces how cited web pages change and disappear over time."
        for n in range(20)
    )
    + "</p>"
)
SHORT_NOTICE = "<p>Sorry, there is nothing at this address.</p>"


@pytest.mark.parametrize("code", [200, 201, 203, 204, 206])
def test_success_status_is_alive(hosts: HostFactory, code: int) -> None:
    (host,) = hosts(1)
    host.route("/a", status(code, [("Content-Type", "application/pdf")], b"%PDF-1.7"))

    result = check(host.url("/a"))

    assert (result.status, result.reason, result.http_status) == (
        SourceStatus.ALIVE,
        Reason.OK,
        code,
    )


def test_page_without_content_type_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", status(200, [], b"plain bytes"))

    assert check(host.url("/a")).status is SourceStatus.ALIVE


# Dead --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "reason"), [(404, Reason.NOT_FOUND), (410, Reason.GONE)])
def test_not_found_and_gone_are_dead(hosts: HostFactory, code: int, reason: Reason) -> None:
    (host,) = hosts(1)
    host.route("/a", page(html_document("Gone"), status=code))

    result = check(host.url("/a"))

    assert (result.status, result.reason, result.http_status) == (SourceStatus.DEAD, reason, code)
    assert str(code) in (result.detail or "")


@pytest.mark.parametrize("home", ["/", "/index.html", "/en/", "/eng/", "/kor/index.html"])
def test_redirect_to_site_root_is_soft_404(hosts: HostFactory, home: str) -> None:
    (host,) = hosts(1)
    host.route("/papers/2019/deep-learning.html", redirect(home, 301))
    host.route(home, html_page("Welcome"))

    result = check(host.url("/papers/2019/deep-learning.html"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_HOME_REDIRECT)
    assert result.final_url == host.url(home)


def test_redirect_to_the_home_page_of_another_host_of_the_same_site_is_soft_404(
    hosts: HostFactory,
) -> None:
    blog, www = hosts(2)
    names = CountingResolver({"blog.example.de": blog.host, "www.example.de": www.host})
    blog.route("/2023/05/new-catalyst", redirect(f"http://www.example.de:{www.port}/", 301))
    www.route("/", html_page("Willkommen"))

    result = check(f"http://blog.example.de:{blog.port}/2023/05/new-catalyst", names)

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_HOME_REDIRECT)


def test_redirect_to_the_home_page_of_another_site_is_not_a_home_redirect(
    hosts: HostFactory,
) -> None:
    old, new = hosts(2)
    names = CountingResolver({"old-journal.de": old.host, "new-publisher.de": new.host})
    old.route("/2023/05/new-catalyst", redirect(f"http://new-publisher.de:{new.port}/", 301))
    new.route("/", html_page("Willkommen"))

    result = check(f"http://old-journal.de:{old.port}/2023/05/new-catalyst", names)

    assert result.reason is not Reason.SOFT_404_HOME_REDIRECT


def test_a_sites_home_page_in_a_language_is_not_judged_by_a_nonsense_path(
    hosts: HostFactory,
) -> None:
    """An embassy site answering every unknown path with its Korean home page, unredirected:
    the Korean home page itself is what was cited."""
    (host,) = hosts(1)
    host.route("*", html_page("Embassy of China in Korea", LONG_ARTICLE))

    result = check(host.url("/kor/"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


@pytest.mark.parametrize("route", ["#/dataset/air-quality-2023", "#!/dataset/air-quality-2023"])
def test_redirect_to_a_route_of_an_application_on_the_home_page_is_alive(
    hosts: HostFactory, route: str
) -> None:
    """/dataset/x redirected to /#/dataset/x: the application drawn in the browser shows the
    dataset; its path moved into the fragment, not lost."""
    (host,) = hosts(1)
    host.route("/dataset/air-quality-2023", redirect(f"/{route}"))
    host.route("/", html_page("Open Data Portal", LONG_ARTICLE))

    result = check(host.url("/dataset/air-quality-2023"))

    assert result.reason is not Reason.SOFT_404_HOME_REDIRECT
    assert result.status is SourceStatus.ALIVE


def test_home_page_redirecting_to_home_page_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/", redirect("/en/"))
    host.route("/en/", html_page("Welcome"))

    assert check(host.url("/")).status is SourceStatus.ALIVE


@pytest.mark.parametrize(
    "alias",
    [
        "/index",
        "/main.do",
        "/www/main.do",
        "/eng/main.do",
        "/web/guest/home",
        "/pages/default.aspx",
        "/cms/index.php",
        "/portal/",
        "/en/index.shtml",
        "/welcome",
    ],
)
def test_home_page_under_another_name_redirecting_to_the_home_page_is_alive(
    hosts: HostFactory, alias: str
) -> None:
    (host,) = hosts(1)
    host.route(alias, redirect("/", 301))
    host.route("/", html_page("Ministry of Foreign Affairs", LONG_ARTICLE))

    result = check(host.url(alias))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


@pytest.mark.parametrize("section", ["/news/2024/11/index.html", "/news/2024/11/main.do"])
def test_page_deeper_than_two_segments_named_index_is_still_deep(
    hosts: HostFactory, section: str
) -> None:
    (host,) = hosts(1)
    host.route(section, redirect("/", 301))
    host.route("/", html_page("Welcome"))

    assert check(host.url(section)).reason is Reason.SOFT_404_HOME_REDIRECT


@pytest.mark.parametrize(
    "error_page",
    [
        "/errors/404.html",
        "/page-not-found",
        "/en/404/",
        "/Error/NotFound?aspxerrorpath=/article/42",
        "/error?code=404",
        "/site?page=not-found",
        "/404.aspx?404;http://example.org/article/42",
        # An error page that offers to send the reader back is an error page all the same.
        "/404.html?redirect=%2Farticle%2F42",
    ],
)
def test_redirect_to_an_error_page_is_soft_404(hosts: HostFactory, error_page: str) -> None:
    (host,) = hosts(1)
    host.route("/article/42", redirect(error_page))
    host.route(error_page.split("?")[0], html_page("Oops"))

    result = check(host.url("/article/42"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_ERROR_URL)


@pytest.mark.parametrize(
    "canonical",
    [
        "/news/404-days-since-the-invasion",
        "/story?id=404",
        "/music/not-found-the-album",
        # A post whose id is 404 (WordPress's /?p=404 to /archives/404).
        "/archives/404",
        "/questions/404/why-is-my-page-missing",
    ],
)
def test_redirect_to_an_article_whose_address_holds_404_is_alive(
    hosts: HostFactory, canonical: str
) -> None:
    (host,) = hosts(1)
    host.route("/story/12345", redirect(canonical, 301))
    host.route(canonical.split("?")[0], html_page("Seoul welcomes visa-free travel", LONG_ARTICLE))

    assert check(host.url("/story/12345")).status is SourceStatus.ALIVE


def test_redirect_to_an_error_address_ending_on_a_long_article_is_alive(
    hosts: HostFactory,
) -> None:
    """Wikipedia's /wiki/Soft_404 redirects to its article /wiki/HTTP_404, an address an error
    page could have: the article is long, and an error page is not."""
    (host,) = hosts(1)
    host.route("/wiki/Soft_404", redirect("/wiki/HTTP_404#Soft_404_errors", 301))
    host.route("/wiki/HTTP_404", html_page("HTTP 404 - Wikipedia", LONG_ARTICLE * 3))
    host.route("/article/42", redirect("/wiki/HTTP_404"))
    host.route("/404.html", html_page("Oops"))
    host.route("/article/43", redirect("/404.html"))

    assert check(host.url("/wiki/Soft_404")).status is SourceStatus.ALIVE
    assert check(host.url("/article/43")).reason is Reason.SOFT_404_ERROR_URL


def test_title_the_cited_address_names_is_the_pages_subject(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    stub = "<p>Page Not Found is the second album by the band, released in 2009.</p>"
    for path in ("/wiki/Page_Not_Found_(album)", "/wiki/Some_other_page"):
        host.route(path, html_page("Page Not Found (album) - Wikipedia", stub, h1=""))

    assert check(host.url("/wiki/Page_Not_Found_(album)")).status is SourceStatus.ALIVE
    assert check(host.url("/wiki/Some_other_page")).reason is Reason.SOFT_404_TITLE


def test_page_titled_page_not_found_is_soft_404(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/article/42", html_page("Page not found", h1="Sorry"))

    result = check(host.url("/article/42"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_TITLE)
    assert result.http_status == 200
    assert "Page not found" in (result.detail or "")


def test_page_headed_404_not_found_is_soft_404(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/article/42", html_page("Example Journal", h1="404 - Not Found"))

    result = check(host.url("/article/42"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_TITLE)


@pytest.mark.parametrize(
    ("title", "codec", "declared"),
    [
        ("对不起\uff0c您访问的页面不存在", "gbk", "meta"),
        ("页面未找到 - 新华网", "gb2312", "header"),
        ("페이지를 찾을 수 없습니다", "euc-kr", "meta"),
        ("お探しのページが見つかりません", "shift_jis", "header"),
    ],
)
def test_page_titled_not_found_in_chinese_korean_or_japanese_is_soft_404(
    hosts: HostFactory, title: str, codec: str, declared: str
) -> None:
    (host,) = hosts(1)
    meta = f'<meta charset="{codec}">' if declared == "meta" else ""
    content_type = f"text/html; charset={codec}" if declared == "header" else "text/html"
    body = f"<html><head>{meta}<title>{title}</title></head><body><p>{title}</p></body></html>"
    host.route("/news/1", page(body.encode(codec), content_type=content_type))

    result = check(host.url("/news/1"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_TITLE)
    assert title in (result.detail or "")


def test_page_about_a_missing_visa_document_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/news/2", html_page("中韩免签\uff1a护照页面不存在问题的解答", h1="签证政策问答"))

    assert check(host.url("/news/2")).status is SourceStatus.ALIVE


def test_page_about_not_found_errors_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/blog", html_page("Handling 404 pages well", h1="Why users hate error pages"))

    assert check(host.url("/blog")).status is SourceStatus.ALIVE


@pytest.mark.parametrize(
    "headline",
    [
        "Error 404: Why the web is forgetting itself",
        "404 Not Found: A history of the web's most famous error",
        "Leaked document does not exist, ministry says",
        "Study finds a quarter of web pages no longer exist",
        "The page does not exist: link rot in scholarly articles",
        "Not found: searching for Korea's missing war dead",
        "When the article is not found: citation decay in law reviews",
        "Ministry: visa document not found at border",
    ],
)
def test_article_headlined_about_a_missing_page_is_alive(hosts: HostFactory, headline: str) -> None:
    (host,) = hosts(1)
    host.route("/news/3", html_page(headline, LONG_ARTICLE, h1=headline))

    assert check(host.url("/news/3")).status is SourceStatus.ALIVE


@pytest.mark.parametrize(
    "notice",
    [
        "Error 404 (Not Found)!!1",
        "Sorry, this page does not exist",
        "The page you requested was not found.",
        "We're sorry, the page you requested could not be found",
        "The page you were looking for doesn't exist (404)",
        "Sorry, the page you tried to access does not exist",
        "404 error: page not found",
        "Oops! Page not found.",
        "404",
    ],
)
def test_page_headed_by_a_not_found_notice_is_soft_404_however_long(
    hosts: HostFactory, notice: str
) -> None:
    (host,) = hosts(1)
    host.route("/article/7", html_page("Example Journal", LONG_ARTICLE, h1=notice))

    result = check(host.url("/article/7"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_TITLE)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/en-US/docs/Web/HTTP/Status/404", "404 Not Found - HTTP | MDN"),
        ("/status-codes/not-found", "Not Found | HTTP status codes"),
        ("/errors/404.html", "404 | Error pages of the Example style guide"),
    ],
)
def test_page_about_the_error_its_address_names_is_alive(
    hosts: HostFactory, path: str, title: str
) -> None:
    (host,) = hosts(1)
    host.route(path, html_page(title, LONG_ARTICLE, h1=title.split(" |")[0].split(" - ")[0]))

    assert check(host.url(path)).status is SourceStatus.ALIVE


def test_not_found_title_naming_its_site_after_a_colon_is_soft_404_on_a_short_page(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    title = "Page Not Found: Example University"
    host.route("/notice", html_page(title, SHORT_NOTICE, h1="Example University"))
    host.route("/article", html_page(title, LONG_ARTICLE, h1="Example University"))

    notice, article = check(host.url("/notice")), check(host.url("/article"))

    assert (notice.status, notice.reason) == (SourceStatus.DEAD, Reason.SOFT_404_TITLE)
    assert article.status is SourceStatus.ALIVE


def test_unknown_domain_with_the_network_up_is_dead() -> None:
    result = check(NXDOMAIN_URL, OfflineResolver())

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.DOMAIN_NOT_FOUND)
    assert result.http_status is None


# Blocked -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [401, 402, 403, 407, 451, 999])
def test_refusal_is_blocked_after_a_browser_like_retry(hosts: HostFactory, code: int) -> None:
    (host,) = hosts(1)
    host.route("/a", status(code, [("Content-Type", HTML)], b"<title>No</title>"))

    result = check(host.url("/a"))

    assert (result.status, result.reason, result.http_status) == (
        SourceStatus.BLOCKED,
        Reason.ACCESS_DENIED,
        code,
    )
    first, second = host.hits("/a")
    assert BROWSER_MARKER not in first.user_agent
    assert BROWSER_MARKER in second.user_agent


def test_persisting_429_is_blocked_after_a_browser_like_retry(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", status(429, [("Content-Type", "text/plain")], b"slow down"))

    result = check(host.url("/a"), retries=1)

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.RATE_LIMITED)
    assert BROWSER_MARKER in host.hits("/a")[-1].user_agent


def test_bot_challenge_is_blocked(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", bot_challenge())

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.BOT_CHALLENGE)
    assert BROWSER_MARKER in host.hits("/a")[-1].user_agent


# Error -------------------------------------------------------------------------------------


def test_refused_connection_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)

    result = check(f"http://{host.host}:{closed_port(host.host)}/a")

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.CONNECTION_REFUSED)


def test_malformed_answer_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", malformed())

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.MALFORMED_RESPONSE)


def test_malformed_status_line_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", malformed(b"HTTP/1.1 abc Broken\r\nContent-Length: 0\r\n\r\n"))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.MALFORMED_RESPONSE)


@pytest.mark.parametrize("code", [300, 304, 399])
def test_unexpected_status_is_an_error(hosts: HostFactory, code: int) -> None:
    (host,) = hosts(1)
    host.route("/a", status(code))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.UNEXPECTED_STATUS)


def test_redirect_without_location_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", status(302, [("Content-Type", HTML)], b"<title>Moved</title>"))

    result = check(host.url("/a"))

    assert result.status is SourceStatus.ERROR


# Timeout -----------------------------------------------------------------------------------


def test_connect_timeout(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    with full_backlog(host.host) as port:
        result = check(f"http://{host.host}:{port}/a", connect_timeout=0.3, retries=0)

    assert (result.status, result.reason) == (SourceStatus.TIMEOUT, Reason.CONNECT_TIMEOUT)


def test_read_timeout(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", slow(html_page("late"), 3))

    result = check(host.url("/a"), read_timeout=0.5, retries=1)

    assert (result.status, result.reason) == (SourceStatus.TIMEOUT, Reason.READ_TIMEOUT)
    assert len(host.hits("/a")) == 2


def test_total_timeout_ends_a_slow_drip(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", drip(interval=0.2))
    started = time.monotonic()

    result = check(host.url("/a"), timeout=1, read_timeout=2)

    assert (result.status, result.reason) == (SourceStatus.TIMEOUT, Reason.TOTAL_TIMEOUT)
    assert 0.9 <= time.monotonic() - started < 2


# Invalid and skipped ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://", "http://[::1", "https:///path", "http://:80/a", "www.example.org:8080/a"]
)
def test_unusable_url_is_invalid(url: str) -> None:
    result = check(url)

    assert (result.status, result.reason) == (SourceStatus.INVALID, Reason.INVALID_URL)


@pytest.mark.parametrize("url", ["ftp://ftp.example.org/pub/data.csv", "mailto:a@example.org"])
def test_url_of_another_scheme_is_skipped(url: str) -> None:
    result = check(url)

    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.UNSUPPORTED_SCHEME)


def test_excluded_url_is_skipped_without_a_request(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/private/a", html_page("A"))

    result = check(host.url("/private/a"), exclude=(r"/private/",))

    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.EXCLUDED)
    assert host.requests == []


def test_redirect_to_another_scheme_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/data", redirect("ftp://ftp.example.org/pub/data.csv"))

    result = check(host.url("/data"))

    expected = (SourceStatus.ERROR, Reason.REDIRECT_UNSUPPORTED_SCHEME)
    assert (result.status, result.reason) == expected
    assert len(host.requests) == 1


def test_sources_are_judged_independently(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/ok", html_page("OK"))
    urls = [host.url("/ok"), host.url("/missing"), "http://", NXDOMAIN_URL]

    result = run([source(url, f"k{index}") for index, url in enumerate(urls)], OfflineResolver())

    assert [s.status for s in result.sources] == [
        SourceStatus.ALIVE,
        SourceStatus.DEAD,
        SourceStatus.INVALID,
        SourceStatus.DEAD,
    ]
    assert not result.network_unreachable
