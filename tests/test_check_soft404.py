"""Soft 404s by principle, against real sites on loopback: catch-all sites, removal notices,
sign-in walls, and cookies set on a redirect."""

from __future__ import annotations

import base64
import html

import pytest

from claimcheck.models import Reason, SourceStatus
from tests.checking import (
    CountingResolver,
    baseline_requests,
    check,
    page_requests,
    run,
    source,
)
from tests.servers import (
    HTML,
    Handler,
    HostFactory,
    Request,
    Response,
    html_document,
    html_page,
    meta_refresh,
    page,
    redirect,
    reset,
    slow,
    status,
)

NAVIGATION = " ".join(
    f'<a href="/{name}">{name.title()}</a>'
    for name in ("world", "politics", "business", "science", "sport", "culture", "opinion")
)
FOOTER = "About us. Contact. Terms of use. Privacy policy. Copyright 2025 Example News Ltd."


def news_page(title: str, text: str) -> str:
    """A page of a news site: its title, the site's navigation and footer, and ``text``."""
    return html_document(
        title,
        f'<div class="menu">{NAVIGATION}</div>\n<div class="content"><p>{html.escape(text)}</p>'
        f'</div>\n<div class="legal">{FOOTER}</div>',
        h1="Example News",
    )


HOME_TEXT = (
    "Top stories today: parliament votes on the budget, a storm closes schools across the "
    "north, and the central bank holds its rate steady for the third month running."
)
ARTICLE_TEXT = (
    "Researchers at the university reported on Tuesday that a new catalyst splits water "
    "into hydrogen and oxygen at half the energy cost of the best commercial electrolysers, "
    "a result that could make green hydrogen competitive with gas within a decade."
)


# A site that answers every unknown path with one page ---------------------------------


def test_page_identical_to_the_answer_for_a_nonsense_path_is_soft_404(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("*", page(news_page("Example News", HOME_TEXT)))

    result = check(host.url("/papers/2019/deep-learning.html"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_CATCH_ALL)
    assert result.http_status == 200
    assert "cannot exist" in (result.detail or "")
    assert len(baseline_requests(host)) == 1


def test_catch_all_page_repeating_the_path_asked_for_is_still_soft_404(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)

    def echo(request: Request) -> Response:
        text = f"Nothing lives at {request.path} any more. {HOME_TEXT}"
        return Response(200, [("Content-Type", HTML)], news_page("Example News", text).encode())

    host.route("*", echo)

    result = check(host.url("/papers/2019/deep-learning.html"))

    assert result.reason is Reason.SOFT_404_CATCH_ALL


def test_redirects_ending_where_a_nonsense_paths_end_are_soft_404(hosts: HostFactory) -> None:
    lapsed, parking = hosts(2)
    lander = parking.url("/lander?domain=lapsed.example")
    lapsed.route("*", redirect(lander))
    parking.route("/lander", html_page("Buy this domain", "<p>It may be for sale.</p>"))

    result = check(lapsed.url("/blog/2020/our-method"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_CATCH_ALL)
    assert result.final_url == lander
    assert len(baseline_requests(lapsed)) == 1


@pytest.mark.parametrize(
    ("path", "title", "text"),
    [
        (
            "/video/2024/01/05/storm-hits-northern-coast",
            "Storm hits northern coast | Example News",
            "Footage shows waves crashing over the harbour wall.",
        ),
        (
            "/publications/annual-report-2023",
            "Annual report 2023 | Example News",
            "Published 5 January 2024. Download the annual report 2023 (PDF, 2.3 MB).",
        ),
    ],
)
def test_short_page_titled_with_its_own_slug_is_not_the_sites_error_page(
    hosts: HostFactory, path: str, title: str, text: str
) -> None:
    """The site answers unknown paths with its error page, titled with the site's name alone
    and not repeating the path; the page's title repeats its address's words, which are left
    out only when the error page repeats the path it was asked for."""
    most_read = " ".join(
        f"<li>{headline}</li>"
        for headline in (
            "Central bank holds interest rates steady amid inflation worries",
            "City council approves new budget after marathon late night session",
            "Scientists discover a new species of deep sea fish near the ridge",
            "Local team clinches the championship title in dramatic final minutes",
            "Opinion: why the housing crisis will not be solved by tax cuts alone",
        )
    )

    def chronicle(title: str, body: str) -> str:
        return html_document(
            title,
            f"<div class=content><p>{body}</p></div><ol class=most-read>{most_read}</ol>"
            f"<div class=site-footer><p>{FOOTER} Careers. Advertise with us. Cookie settings."
            " Our journalism is funded by readers like you.</p></div>",
            h1=title.split(" | ")[0],
        )

    (host,) = hosts(1)
    host.route("*", page(chronicle("Example News", "Sorry, the page could not be found.")))
    host.route(path, page(chronicle(title, text)))

    result = check(host.url(path))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def _to_check(request: Request) -> Response:
    """Every address to a robot check that keeps, in base64, where the reader was going."""
    back = base64.urlsafe_b64encode(request.target.encode()).decode()
    return redirect(f"/tosv2.html?vid=&url={back}")(request)


MAINTENANCE = (
    "<h1>We'll be back soon!</h1><p>Sorry for the inconvenience but we're performing some "
    "maintenance at the moment. If you need to you can always contact us, otherwise we'll be "
    "back online shortly!</p>"
)
SIGN_IN_WALL = (
    "<p>You must log in to continue to the page you asked for on Example.</p><form>"
    "<input name=email placeholder='Email or phone number'><input type=password name=pass>"
    "<button>Log in</button></form><p>Forgotten password? Create new account. Not now.</p>"
)
ROBOT_CHECK = (
    "<h1>We've detected unusual activity from your computer network</h1><p>To continue, please "
    "click the box below to let us know you're not a robot.</p>"
)


@pytest.mark.parametrize(
    ("route", "landing", "reason"),
    [
        ("base64", html_document("Example - Are you a robot?", ROBOT_CHECK), Reason.INTERSTITIAL),
        ("plain", html_document("Access Check", ROBOT_CHECK), Reason.INTERSTITIAL),
        (None, html_document("Example Shop", ROBOT_CHECK, h1=""), Reason.BOT_CHALLENGE),
        (
            None,
            html_document("Site Maintenance", MAINTENANCE),
            Reason.INTERSTITIAL,
        ),
        (
            None,
            html_document("Example", SIGN_IN_WALL),
            Reason.LOGIN_REQUIRED,
        ),
    ],
)
def test_a_page_every_address_of_a_site_ends_on_that_the_site_shows_first_is_blocked(
    hosts: HostFactory, route: str | None, landing: str, reason: Reason
) -> None:
    """A robot check, a maintenance notice or a sign-in wall on every path, a path that
    cannot exist too, hides whether the page is there: blocked, never dead."""
    (host,) = hosts(1)
    if route == "base64":
        host.route("*", _to_check)
    elif route == "plain":
        host.route("*", lambda request: redirect(f"/tc/verify?origin={request.path}")(request))
    else:
        host.route("*", page(landing))
    host.route("/tosv2.html", page(landing))
    host.route("/tc/verify", page(landing))

    result = check(host.url("/news/articles/2024-11-22/visa-waiver"))

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, reason)


def test_every_address_redirected_to_a_parked_domains_empty_lander_is_soft_404(
    hosts: HostFactory,
) -> None:
    """The lander is an application's empty shell; the cited address and one that cannot
    exist end on it alike: the page cited is not there, however the lander is drawn."""
    (host,) = hosts(1)
    host.route("*", redirect("/lander"))
    host.route("/lander", page(html_document("", '<div id="root"></div>', h1="")))

    result = check(host.url("/blog/2020/our-method"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_CATCH_ALL)


def test_a_home_page_saying_the_site_is_unavailable_in_the_readers_country_is_blocked(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("/news/2024/visa", redirect("/"))
    notice = "<p>This service is unavailable in your country.</p>"
    host.route("/", page(html_document("Service unavailable in your region", notice)))

    result = check(host.url("/news/2024/visa"))

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.INTERSTITIAL)


def test_distinct_article_of_a_catch_all_site_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("*", page(news_page("Example News", HOME_TEXT)))
    host.route("/science/catalyst", page(news_page("Example News", ARTICLE_TEXT)))

    result = check(host.url("/science/catalyst"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert len(baseline_requests(host)) == 1


PRIVACY_NOTICE = " ".join(
    f"Clause {number}: we keep the records of your visit for {number} days and share them "
    "with nobody but the processors named in the annex of this notice."
    for number in range(1, 40)
)


def with_hidden_notice(text: str) -> str:
    """A page of a site that titles every page alike and carries a long hidden notice."""
    return html_document(
        "Example Site",
        f'<div class="modal" aria-hidden="true"><p>{PRIVACY_NOTICE}</p></div>'
        f"<div hidden><div><p>{PRIVACY_NOTICE}</p></div></div><p>{html.escape(text)}</p>",
    )


def test_article_beside_a_long_hidden_notice_is_not_judged_by_the_notice(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("*", page(with_hidden_notice("Sorry, there is nothing at this address.")))
    host.route("/science/catalyst", page(with_hidden_notice(ARTICLE_TEXT)))

    result = check(host.url("/science/catalyst"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert len(baseline_requests(host)) == 1


def test_page_the_nonsense_path_is_redirected_to_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("*", redirect("/portal/"))
    host.route("/portal/", page(news_page("Example Portal", HOME_TEXT)))

    result = check(host.url("/portal/"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


@pytest.mark.parametrize("cited", ["/blog", "/blog/"])
def test_page_the_nonsense_path_is_redirected_to_is_alive_when_cited_without_its_slash(
    hosts: HostFactory, cited: str
) -> None:
    """The blog's front page, where the site sends every unknown path, cited as /blog: the
    redirect adding the slash shows the page cited. A gone post sent there is still dead."""
    (host,) = hosts(1)
    host.route("*", redirect("/blog/", 301))
    host.route("/blog/", page(news_page("Example Blog", HOME_TEXT)))

    result = check(host.url(cited))
    gone = check(host.url("/blog/2019/a-post-long-gone"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert (gone.status, gone.reason) == (SourceStatus.DEAD, Reason.SOFT_404_CATCH_ALL)


def test_section_cited_without_www_on_a_site_sending_unknown_paths_there_is_alive(
    hosts: HostFactory,
) -> None:
    bare, www = hosts(2)
    names = CountingResolver({"site.example": bare.host, "www.site.example": www.host})
    bare.route(
        "*",
        lambda request: redirect(f"http://www.site.example:{www.port}{request.target}")(request),
    )
    www.route("*", redirect("/news/"))
    www.route("/news/", page(news_page("Site News", HOME_TEXT)))

    result = check(f"http://site.example:{bare.port}/news/", names)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def test_javascript_application_shell_is_not_judged_by_its_likeness(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    shell = html_document(
        "Example App",
        '<div id="root"></div><noscript>You need to enable JavaScript to run this app.'
        '</noscript><script src="/static/app.js"></script>',
        h1="",
    )
    host.route("*", page(shell))

    result = check(host.url("/projects/42/report"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


# A footer long enough to compare, outside any <footer> element: the same on every address.
APP_FOOTER = (
    '<div class="site-footer">Copyright 2024 Ministry of Foreign Affairs of the People\'s '
    "Republic of China. All rights reserved. Address: No. 2 Chaoyangmen Nandajie, Chaoyang "
    "District, Beijing.</div>"
)


@pytest.mark.parametrize(
    "mount",
    ['<div id="root"></div>', '<div id="app" data-v-app></div>', "<app-root></app-root>"],
    ids=["react", "vue", "angular"],
)
def test_pages_of_a_javascript_application_with_a_footer_stay_alive(
    hosts: HostFactory, mount: str
) -> None:
    """The shell is the same for every address, its footer too: it says nothing of the page."""
    (host,) = hosts(1)
    shell = html_document(
        "Ministry of Foreign Affairs",
        f'{mount}<script src="/static/js/main.3f2a.js"></script>{APP_FOOTER}',
        h1="",
    )
    host.route("*", page(shell))

    result = check(host.url("/eng/zxxx/202411/t20241122_11530000.html"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert len(baseline_requests(host)) == 1


def test_catch_all_site_rendered_on_the_server_is_still_soft_404(hosts: HostFactory) -> None:
    """The same footer, but the page served is the home page's content, not a shell."""
    (host,) = hosts(1)
    home = html_document("Ministry of Foreign Affairs", f'<div id="root"><p>{HOME_TEXT}</p></div>')
    host.route("*", page(home + APP_FOOTER))

    result = check(host.url("/eng/zxxx/202411/t20241122_11530000.html"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_CATCH_ALL)


@pytest.mark.parametrize("cited", ["/", "/index.html", "/report.pdf"], ids=["root", "index", "pdf"])
def test_plainly_fine_answer_asks_no_nonsense_path(hosts: HostFactory, cited: str) -> None:
    (host,) = hosts(1)
    host.route("*", page(news_page("Example News", HOME_TEXT)))
    host.route("/report.pdf", page(b"%PDF-1.7 report", content_type="application/pdf"))

    result = check(host.url(cited))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert baseline_requests(host) == []


@pytest.mark.parametrize(
    "nonsense",
    [status(404), status(410), status(500), status(200, [("Content-Type", "text/plain")]), reset()],
    ids=["404", "410", "500", "plain-text", "reset"],
)
def test_page_is_not_judged_by_a_nonsense_path_without_a_2xx_html_answer(
    hosts: HostFactory, nonsense: Handler
) -> None:
    (host,) = hosts(1)
    host.route("*", nonsense)
    host.route("/science/catalyst", page(news_page("Example News", HOME_TEXT)))

    result = check(host.url("/science/catalyst"), retries=0)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    # One nonsense path was asked for (a reset connection may be tried again at once).
    assert len({request.path for request in baseline_requests(host)}) == 1


def test_alive_site_costs_one_extra_request_per_host_shared_by_its_sources(
    hosts: HostFactory,
) -> None:
    first, second = hosts(2)
    # The nonsense path answers late, so that the sources of a host all wait for it at once.
    for host in (first, second):
        host.route("*", slow(status(404), 0.3))
        for name in ("a", "b", "c", "d", "e", "f"):
            host.route(f"/articles/{name}", page(news_page(f"Story {name}", ARTICLE_TEXT)))
    urls = [host.url(f"/articles/{name}") for host in (first, second) for name in "abcdef"]

    result = run([source(url, f"k{index}") for index, url in enumerate(urls)], per_host=8)

    assert {s.status for s in result.sources} == {SourceStatus.ALIVE}
    for host in (first, second):
        assert len(baseline_requests(host)) == 1
        assert len(page_requests(host)) == 6


def test_nonsense_path_goes_before_the_pages_queued_at_its_host(hosts: HostFactory) -> None:
    """Every page of the site waits on that one answer: behind the queue, it came last."""
    (host,) = hosts(1)
    names = "abcdefgh"
    for name in names:
        host.route(f"/articles/{name}", slow(page(news_page(f"Story {name}", ARTICLE_TEXT)), 0.05))
    urls = [host.url(f"/articles/{name}") for name in names]

    result = run([source(url, f"k{index}") for index, url in enumerate(urls)], per_host=1)

    assert {s.status for s in result.sources} == {SourceStatus.ALIVE}
    paths = [request.path for request in host.requests]
    baseline = paths.index(baseline_requests(host)[0].path)
    assert baseline <= 2, paths  # after the first page or two, not after all eight


def test_each_origin_has_its_own_baseline(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("*", page(news_page("Example News", HOME_TEXT)))
    resolver = CountingResolver({"news.example": host.host, "www.news.example": host.host})
    urls = [
        f"http://news.example:{host.port}/a/1",
        f"http://www.news.example:{host.port}/a/1",
        f"http://news.example:{host.port}/a/2",
    ]

    result = run([source(url, f"k{index}") for index, url in enumerate(urls)], resolver)

    assert {s.reason for s in result.sources} == {Reason.SOFT_404_CATCH_ALL}
    hosts_asked = sorted(request.headers["Host"] for request in baseline_requests(host))
    assert hosts_asked == [f"news.example:{host.port}", f"www.news.example:{host.port}"]


# Removal notices ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "notice", "phrase", "codec"),
    [
        (
            "Example News",
            "Sorry, this article has been removed.",
            "this article has been removed",
            "utf-8",
        ),
        (
            "Example Jobs",
            "The content you requested has expired.",
            "The content you requested has expired",
            "utf-8",
        ),
        ("新华网", "对不起\uff0c该文章已被删除", "该文章已被删除", "gbk"),
        ("네이버 블로그", "삭제된 게시물입니다.", "삭제된 게시물입니다", "euc-kr"),
        ("求人ナビ", "掲載期間が終了しました。", "掲載期間が終了しました", "shift_jis"),
    ],
)
def test_short_removal_notice_is_dead(
    hosts: HostFactory, title: str, notice: str, phrase: str, codec: str
) -> None:
    (host,) = hosts(1)
    body = html_document(title, f'<div class="menu">{NAVIGATION}</div><p>{notice}</p>', h1="")
    content_type = f"text/html; charset={codec}"
    host.route("/news/2024/story", page(body.encode(codec), content_type=content_type))

    result = check(host.url("/news/2024/story"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.CONTENT_REMOVED)
    assert repr(phrase) in (result.detail or "")


def test_page_headed_by_a_removal_notice_is_dead(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    long_text = " ".join([ARTICLE_TEXT] * 10)
    host.route("/p/1", page(news_page("This page is no longer available | Example", long_text)))

    result = check(host.url("/p/1"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.CONTENT_REMOVED)


def test_short_page_with_a_hidden_error_template_stays_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    body = html_document(
        "Catalyst splits water at half the cost",
        f"<p>{html.escape(ARTICLE_TEXT)}</p>"
        '<div class="error-template" hidden><p>Sorry, this article has been removed.</p></div>',
    )
    host.route("/science/catalyst", page(body))

    result = check(host.url("/science/catalyst"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def test_page_with_a_hidden_not_found_template_stays_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    body = html_document(
        "Catalyst splits water at half the cost",
        '<template id="error"><h1>Page not found</h1></template>'
        f"<h1>Catalyst splits water</h1><p>{html.escape(ARTICLE_TEXT)}</p>",
        h1="",
    )
    host.route("/science/catalyst", page(body))

    result = check(host.url("/science/catalyst"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def test_short_news_brief_reporting_a_removal_stays_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    brief = (
        "The video has been removed after complaints from viewers, the broadcaster said on "
        "Monday. It showed travellers queueing at Incheon airport for visa-free flights."
    )
    body = html_document("Broadcaster pulls airport video", f"<p>{brief}</p>")
    host.route("/news/brief", page(body))

    result = check(host.url("/news/brief"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def test_long_article_quoting_a_removal_stays_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    story = (
        f"{ARTICLE_TEXT} Critics shared screenshots of a forum thread before a moderator "
        f'wrote: "the post has been removed." {" ".join([ARTICLE_TEXT] * 6)}'
    )
    host.route("/news/forum-row", page(news_page("Forum row over catalyst claims", story)))

    result = check(host.url("/news/forum-row"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


# Sign-in walls ------------------------------------------------------------------------

LOGIN_FORM = (
    '<form method="post"><input name="user"><input type="password" name="pass">'
    "<button>Sign in</button></form>"
)


def test_redirect_to_a_login_page_is_blocked(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/papers/42", redirect("/accounts/login/?next=/papers/42"))
    host.route("/accounts/login/", html_page("Sign in", LOGIN_FORM))

    result = check(host.url("/papers/42"))

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.LOGIN_REQUIRED)
    assert result.final_url == host.url("/accounts/login/?next=/papers/42")


def test_a_sign_in_page_cited_at_an_address_naming_one_is_alive(hosts: HostFactory) -> None:
    """Bootstrap's sign-in example, cited at its old address: the form is the page cited.
    Cited with a return address, it is the wall an author copied, and blocked."""
    (host,) = hosts(1)
    host.route("/docs/examples/sign-in/", redirect("/docs/5.3/examples/sign-in/", 301))
    host.route("/docs/5.3/examples/sign-in/", html_page("Signin Template", LOGIN_FORM))
    host.route("/login", redirect("/accounts/login/?next=/papers/42"))
    host.route("/accounts/login/", html_page("Sign in", LOGIN_FORM))

    example = check(host.url("/docs/examples/sign-in/"))
    wall = check(host.url("/login?next=/papers/42"))

    assert (example.status, example.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert (wall.status, wall.reason) == (SourceStatus.BLOCKED, Reason.LOGIN_REQUIRED)


def test_meta_refresh_to_a_sign_in_form_is_blocked(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/members/report", meta_refresh("/gate"))
    host.route("/gate", html_page("Members", f"<p>Members only.</p>{LOGIN_FORM}"))

    result = check(host.url("/members/report"))

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.LOGIN_REQUIRED)


def test_page_about_logging_in_reached_without_a_redirect_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    guide = f"<p>To log in, type your user name and password.</p>{LOGIN_FORM}"
    host.route("/help/login", html_page("How to log in", guide))

    result = check(host.url("/help/login"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def test_long_page_with_a_sidebar_login_form_after_a_redirect_is_alive(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    thread = f"<p>{' '.join([ARTICLE_TEXT] * 5)}</p><div>{LOGIN_FORM}</div>"
    host.route("/forum/thread/7", redirect("/forum/thread/7-catalyst-news", 301))
    host.route("/forum/thread/7-catalyst-news", html_page("Catalyst news", thread))

    result = check(host.url("/forum/thread/7"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


# Cookies ------------------------------------------------------------------------------

_SET_COOKIE = ("Set-Cookie", "session=granted; Path=/; HttpOnly")


def cookie_wall(request: Request) -> Response:
    """The page, for a reader holding the cookie; else back to where the cookie is set."""
    if "session=granted" in request.headers.get("Cookie", ""):
        body = news_page("The catalyst paper", ARTICLE_TEXT).encode()
        return Response(200, [("Content-Type", HTML)], body)
    return Response(302, [("Location", "/start")])


@pytest.mark.parametrize("named", [False, True], ids=["address", "name"])
def test_cookie_set_on_a_redirect_is_sent_on_the_next_hop(hosts: HostFactory, named: bool) -> None:
    (host,) = hosts(1)
    host.route("/start", lambda request: Response(302, [("Location", "/page"), _SET_COOKIE]))
    host.route("/page", cookie_wall)
    resolver = CountingResolver({"journal.example": host.host})
    origin = f"http://journal.example:{host.port}" if named else host.base_url

    result = check(f"{origin}/start", resolver)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    (hop,) = host.hits("/page")
    assert "session=granted" in hop.headers["Cookie"]
