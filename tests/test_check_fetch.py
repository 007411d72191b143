"""How the checker fetches: GET, once per URL, within limits, following redirects, retrying."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from claimcheck.check.options import CheckOptions
from claimcheck.models import Hop, NoteCode, Reason, Source, SourceStatus
from claimcheck.pipeline import run_checks
from tests.checking import (
    CountingResolver,
    check,
    closed_port,
    note_codes,
    page_requests,
    request_gaps,
    run,
    source,
)
from tests.servers import (
    Handler,
    HostFactory,
    Request,
    Response,
    endless,
    head_hostile,
    html_page,
    meta_refresh,
    redirect,
    reset,
    retry_after,
    sequence,
    slow,
    status,
    ua_hostile,
)

# Limits and the shape of a request --------------------------------------------------------


def test_alive_page_reports_its_evidence(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A page"))
    before = datetime.now(UTC).replace(microsecond=0)

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.http_status == 200
    assert result.final_url == host.url("/a")
    assert result.redirects == ()
    assert result.elapsed_ms is not None
    assert 0 <= result.elapsed_ms < 2000
    assert result.checked_at is not None
    assert before <= result.checked_at <= datetime.now(UTC)
    assert result.notes == ()
    assert not result.from_cache


def test_each_source_is_requested_once(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    for name in "abc":
        host.route(f"/{name}", html_page(name))

    result = run([source(host.url(f"/{name}"), key=name) for name in "abc"])

    assert [s.status for s in result.sources] == [SourceStatus.ALIVE] * 3
    assert sorted(request.path for request in page_requests(host)) == ["/a", "/b", "/c"]


def test_results_keep_the_order_of_the_sources(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/slow", slow(html_page("slow"), 0.3))
    host.route("/fast", html_page("fast"))
    sources = [source(host.url("/slow"), "s"), source(host.url("/fast"), "f")]

    result = run(sources)

    assert [s.key for s in result.sources] == ["s", "f"]


def test_listener_hears_every_source_once(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    heard: list[str] = []
    totals: list[int] = []

    class Listener:
        def started(self, total: int) -> None:
            totals.append(total)

        def finished(self, source: Source) -> None:
            heard.append(source.key)

    sources = [source(host.url("/a"), "a"), source("http://", "b")]
    run_checks(sources, CheckOptions(allow_private=True, probe_hosts=()), listener=Listener())

    assert totals == [2]
    assert sorted(heard) == ["a", "b"]


def test_per_host_limit_caps_requests_in_flight(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    for index in range(20):
        host.route(f"/p{index}", slow(html_page("slow"), 0.2))

    result = run([source(host.url(f"/p{index}"), f"k{index}") for index in range(20)], per_host=4)

    assert all(s.status is SourceStatus.ALIVE for s in result.sources)
    assert 1 < host.max_in_flight <= 4


def test_total_deadline_starts_when_the_request_does_not_while_queued(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    for index in range(6):
        host.route(f"/q{index}", slow(html_page("slow"), 0.3))

    result = run(
        [source(host.url(f"/q{index}"), f"k{index}") for index in range(6)],
        per_host=1,
        timeout=1.0,
    )

    assert [s.status for s in result.sources] == [SourceStatus.ALIVE] * 6
    assert all(s.elapsed_ms is not None and s.elapsed_ms < 1000 for s in result.sources)


def test_page_that_refreshes_itself_is_the_page_not_a_loop(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/live", meta_refresh("/live", delay=300))

    result = check(host.url("/live"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.redirects == ()
    assert len(host.hits("/live")) == 1


def test_global_limit_caps_requests_across_hosts(hosts: HostFactory) -> None:
    many = hosts(4)
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most

    def counted(request: Request) -> Response:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        time.sleep(0.15)
        with lock:
            in_flight[0] -= 1
        return Response(200, [("Content-Type", "text/html")], b"<title>ok</title>")

    sources = []
    for host in many:
        for index in range(3):
            host.route(f"/p{index}", counted)
            sources.append(source(host.url(f"/p{index}"), f"{host.host}-{index}"))

    result = run(sources, concurrency=2)

    assert all(s.status is SourceStatus.ALIVE for s in result.sources)
    assert in_flight[1] == 2


def test_only_get_is_used(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", head_hostile(html_page("A"), reset_head=True))

    result = check(host.url("/a"))

    assert result.status is SourceStatus.ALIVE
    assert [request.method for request in host.requests] == ["GET", "GET"]
    assert len(page_requests(host)) == 1


def test_default_user_agent_names_claimcheck(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))

    check(host.url("/a"))

    assert "claimcheck/" in host.requests[0].user_agent


def test_configured_user_agent_is_sent(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))

    check(host.url("/a"), user_agent="my-paper-checker/2.0 (me@example.org)")

    assert host.requests[0].user_agent == "my-paper-checker/2.0 (me@example.org)"


def test_endless_page_is_read_up_to_the_cap_only(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/endless", endless())
    started = time.monotonic()

    result = check(host.url("/endless"), max_body=512 * 1024)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert note_codes(result) == [NoteCode.BODY_TRUNCATED]
    assert time.monotonic() - started < 3


def test_endless_page_with_the_default_cap_is_alive_and_bounded(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/endless", endless())
    started = time.monotonic()

    result = run_checks(
        [source(host.url("/endless"))], CheckOptions(allow_private=True, probe_hosts=())
    ).sources[0]

    assert result.status is SourceStatus.ALIVE
    assert note_codes(result) == [NoteCode.BODY_TRUNCATED]
    assert time.monotonic() - started < 5


def test_error_page_body_is_not_read(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    # A 404 whose body drips a byte a second: only reading it could make the check slow.
    host.route(
        "/gone",
        lambda request: Response(
            404, [("Content-Type", "text/html")], chunks=iter([b"<"] * 60), drip=1
        ),
    )
    started = time.monotonic()

    result = check(host.url("/gone"), read_timeout=5, timeout=10)

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.NOT_FOUND)
    assert time.monotonic() - started < 2


# Redirects ---------------------------------------------------------------------------------


def test_redirect_chain_is_recorded(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/old", redirect("/middle", 302))
    host.route("/middle", redirect(host.url("/new"), 307))
    host.route("/new", html_page("New"))

    result = check(host.url("/old"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.final_url == host.url("/new")
    assert result.redirects == (
        Hop(url=host.url("/old"), status=302),
        Hop(url=host.url("/middle"), status=307),
    )
    assert result.notes == ()


def test_alive_after_twenty_redirects(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    for index in range(20):
        host.route(f"/r{index}", redirect(f"/r{index + 1}"))
    host.route("/r20", html_page("At last"))

    result = check(host.url("/r0"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert len(result.redirects) == 20
    assert result.final_url == host.url("/r20")


def test_twenty_one_redirects_are_too_many(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    for index in range(21):
        host.route(f"/r{index}", redirect(f"/r{index + 1}"))
    host.route("/r21", html_page("Too far"))

    result = check(host.url("/r0"))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.TOO_MANY_REDIRECTS)
    assert host.hits("/r21") == []


def test_redirect_loop_is_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", redirect("/b"))
    host.route("/b", redirect("/a"))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.REDIRECT_LOOP)
    assert len(host.requests) == 2


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_is_alive_with_a_note_naming_the_new_url(
    hosts: HostFactory, code: int
) -> None:
    (host,) = hosts(1)
    host.route("/old/paper", redirect("/new/paper", code))
    host.route("/new/paper", html_page("Paper"))

    result = check(host.url("/old/paper"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert note_codes(result) == [NoteCode.PERMANENT_REDIRECT]
    assert host.url("/new/paper") in result.notes[0].message


@pytest.mark.parametrize("code", [302, 303, 307])
def test_temporary_redirect_has_no_note(hosts: HostFactory, code: int) -> None:
    (host,) = hosts(1)
    host.route("/old/paper", redirect("/new/paper", code))
    host.route("/new/paper", html_page("Paper"))

    result = check(host.url("/old/paper"))

    assert result.status is SourceStatus.ALIVE
    assert result.notes == ()


def test_meta_refresh_to_a_live_page_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/moved", meta_refresh("/here"))
    host.route("/here", html_page("Here"))

    result = check(host.url("/moved"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.final_url == host.url("/here")
    assert result.redirects == (Hop(url=host.url("/moved"), status=200, kind="meta-refresh"),)


def test_meta_refresh_to_a_dead_page_is_dead(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/moved", meta_refresh("/nowhere"))

    result = check(host.url("/moved"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.NOT_FOUND)
    assert result.http_status == 404


ARTICLE = "<p>" + "Seoul welcomed the visa waiver, officials said on Friday. " * 30 + "</p>"


@pytest.mark.parametrize("cited", ["/news/a", "/news/a#section-2"])
def test_page_reloading_the_front_page_after_minutes_is_the_page(
    hosts: HostFactory, cited: str
) -> None:
    """A news site's "reload the front page after ten minutes": the reader reads the article
    meanwhile (with a #fragment the page is parsed whole; without, searched)."""
    (host,) = hosts(1)
    refresh = '<meta http-equiv="refresh" content="600; url=/">'
    host.route("/news/a", html_page("Visa waiver welcomed", ARTICLE, extra_head=refresh))
    host.route("/", html_page("Front page"))

    result = check(host.url(cited))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.redirects == ()


@pytest.mark.parametrize(
    "head",
    [
        '<noscript><meta http-equiv="refresh" content="0; url=/"></noscript>',
        '<template><meta http-equiv="refresh" content="0; url=/"></template>',
        """<script>var tag = '<meta http-equiv="refresh" content="0; url=/">';</script>""",
    ],
)
@pytest.mark.parametrize("cited", ["/news/a", "/news/a#section-2"])
def test_refresh_a_browser_running_scripts_never_acts_on_is_not_followed(
    hosts: HostFactory, head: str, cited: str
) -> None:
    (host,) = hosts(1)
    host.route("/news/a", html_page("Visa waiver welcomed", ARTICLE, extra_head=head))
    host.route("/", html_page("Front page"))

    result = check(host.url(cited))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.redirects == ()


def test_meta_refresh_is_read_against_the_pages_base_address(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    head = '<base href="/"><meta http-equiv="refresh" content="0; url=en/reports/visa.html">'
    host.route("/old/reports/", html_page("Moved", extra_head=head))
    host.route("/en/reports/visa.html", html_page("Visa report", ARTICLE))

    result = check(host.url("/old/reports/"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.final_url == host.url("/en/reports/visa.html")


def test_refresh_header_is_followed_as_a_meta_refresh_is(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route(
        "/old.php",
        lambda request: Response(
            200,
            [("Content-Type", "text/html"), ("Refresh", "0; url=/news/2024/visa-waiver.html")],
            b"<p>Redirecting...</p>",
        ),
    )
    host.route("/news/2024/visa-waiver.html", html_page("Visa waiver", ARTICLE))

    result = check(host.url("/old.php"))

    assert result.final_url == host.url("/news/2024/visa-waiver.html")
    assert result.redirects == (Hop(url=host.url("/old.php"), status=200, kind="meta-refresh"),)


def test_backslashes_in_a_location_are_read_as_slashes(hosts: HostFactory) -> None:
    """As the URL standard browsers follow reads them in a web address, before its query."""
    (host,) = hosts(1)
    host.route("/x/a", redirect("\\news\\a.html?q=a\\b"))
    host.route("/news/a.html", html_page("Visa waiver", ARTICLE))

    result = check(host.url("/x/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.final_url == host.url("/news/a.html?q=a\\b")


def test_redirect_back_to_the_page_with_a_new_cookie_is_followed_not_a_loop(
    hosts: HostFactory,
) -> None:
    """A site that sets a cookie and sends the reader back to the same address (ASP.NET's
    cookie detection does it through ?AspxAutoDetectCookieSupport=1): asked again with the
    cookie, it answers the page, as a browser sees."""
    (host,) = hosts(1)

    def article(request: Request) -> Response:
        if "seen=1" in request.headers.get("Cookie", ""):
            return html_page("Visa waiver", ARTICLE)(request)
        return Response(302, [("Location", "/news/article-1"), ("Set-Cookie", "seen=1; Path=/")])

    host.route("/news/article-1", article)

    result = check(host.url("/news/article-1"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def test_redirect_back_to_the_page_without_a_new_cookie_is_a_loop(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route(
        "/a",
        lambda request: Response(302, [("Location", "/a"), ("Set-Cookie", "seen=1; Path=/")]),
    )

    result = check(host.url("/a"))

    assert result.reason is Reason.REDIRECT_LOOP


# Retries -----------------------------------------------------------------------------------


def test_persisting_server_error_is_retried_then_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", status(500, [("Content-Type", "text/plain")], b"oops"))

    result = check(host.url("/a"), retries=2)

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.SERVER_ERROR)
    assert result.http_status == 500
    assert len(host.hits("/a")) == 3


def test_retries_back_off_exponentially(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", status(502))

    check(host.url("/a"), retries=2, backoff=0.2)

    first, second = request_gaps(host, "/a")
    # backoff * 2**(n-1), times a jitter of 0.5 to 1.5
    assert 0.1 <= first < 0.3 + 0.2
    assert 0.2 <= second < 0.6 + 0.2


def test_server_error_then_success_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", sequence(status(503), status(502), html_page("Back")))

    result = check(host.url("/a"), retries=2)

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert len(host.hits("/a")) == 3


def test_503_with_a_short_retry_after_then_success_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", retry_after(0.3, code=503))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert len(host.hits("/a")) == 2


def test_not_found_is_asked_once_more_as_a_browser_not_retried(hosts: HostFactory) -> None:
    (host,) = hosts(1)

    result = check(host.url("/missing"), retries=2)

    assert result.status is SourceStatus.DEAD
    agents = [request.headers["User-Agent"] for request in host.requests]
    assert [agent.startswith("claimcheck/") for agent in agents] == [True, False]
    assert agents[1].startswith("Mozilla/5.0")


def hiding_from_robots(found: Handler) -> Handler:
    """404 to a request that names itself a robot (claimcheck's User-Agent); else ``found``."""

    def answer(request: Request) -> Response | None:
        if request.headers.get("User-Agent", "").startswith("claimcheck/"):
            return Response(404, [("Content-Type", "text/html")], b"<title>Not Found</title>")
        return found(request)

    return answer


def test_page_hidden_from_robots_behind_a_404_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", hiding_from_robots(html_page("China trials visa-free travel")))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert NoteCode.BROWSER_HEADERS in note_codes(result)


def test_passing_not_found_then_the_page_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", sequence(status(404), html_page("China trials visa-free travel")))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert len(host.hits("/a")) == 2


def test_passing_error_page_then_the_article_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", sequence(html_page("Page not found"), html_page("Visa-free travel")))

    assert check(host.url("/a")).status is SourceStatus.ALIVE


def test_not_found_is_not_asked_again_past_the_run_deadline(hosts: HostFactory) -> None:
    (host,) = hosts(1)

    result = check(host.url("/missing"), run_timeout=0.3, backoff=1)

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.NOT_FOUND)
    assert len(host.requests) == 1


def test_refused_connection_is_not_retried(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    resolver = CountingResolver({"refusing.test": host.host})
    url = f"http://refusing.test:{closed_port(host.host)}/a"

    result = check(url, resolver, retries=2, backoff=1)

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.CONNECTION_REFUSED)
    assert resolver.lookups == ["refusing.test"]


def test_unknown_domain_is_confirmed_once_not_retried() -> None:
    resolver = CountingResolver()

    result = check("http://gone.test/a", resolver, retries=2, backoff=0.01)

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.DOMAIN_NOT_FOUND)
    assert resolver.lookups == ["gone.test", "gone.test"]


def test_reset_is_retried_then_an_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", reset())

    result = check(host.url("/a"), retries=2)

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.CONNECTION_FAILED)
    assert len(host.hits("/a")) == 3


def test_reset_then_success_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", sequence(reset(), html_page("fine")))

    result = check(host.url("/a"), retries=2)

    assert result.status is SourceStatus.ALIVE


# Retry-After -------------------------------------------------------------------------------


def test_retry_after_seconds_pauses_then_succeeds(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", retry_after(1))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    (gap,) = request_gaps(host, "/a")
    assert gap >= 0.9


def test_retry_after_http_date_pauses_then_succeeds(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    host.route("/a", retry_after(when))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    (gap,) = request_gaps(host, "/a")
    assert gap >= 0.9  # the date has whole seconds: between 1 and 2 s from the first answer


def test_retry_after_beyond_the_cap_is_rate_limited_at_once(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", retry_after(120))
    started = time.monotonic()

    result = check(host.url("/a"), retry_after_cap=1)

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.RATE_LIMITED)
    assert "120" in (result.detail or "")
    assert time.monotonic() - started < 1
    assert len(host.requests) == 1


def test_retry_after_beyond_the_deadline_is_rate_limited_at_once(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", retry_after(5))
    started = time.monotonic()

    result = check(host.url("/a"), retry_after_cap=60, timeout=2)

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.RATE_LIMITED)
    assert time.monotonic() - started < 1


def test_retry_after_pause_holds_other_requests_to_the_host(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", retry_after(1))
    # /b asks its second URL only after /a's 429 has paused the host
    host.route("/b", slow(redirect("/b2"), 0.2))
    host.route("/b2", html_page("B"))

    result = run([source(host.url("/a"), "a"), source(host.url("/b"), "b")])

    assert [s.status for s in result.sources] == [SourceStatus.ALIVE] * 2
    first_a = host.hits("/a")[0].time
    assert host.hits("/b2")[0].time - first_a >= 0.9


def test_retry_after_pause_does_not_hold_other_hosts(hosts: HostFactory) -> None:
    paused, other = hosts(2)
    paused.route("/a", retry_after(1))
    other.route("/b", slow(redirect("/b2"), 0.2))
    other.route("/b2", html_page("B"))

    run([source(paused.url("/a"), "a"), source(other.url("/b"), "b")])

    assert other.hits("/b2")[0].time - paused.hits("/a")[0].time < 0.9


def test_persisting_429_with_retry_after_waits_each_time_then_is_rate_limited(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("/b", status(429, [("Retry-After", "1")], b""))

    result = check(host.url("/b"), retries=1)

    assert (result.status, result.reason) == (SourceStatus.BLOCKED, Reason.RATE_LIMITED)
    assert all(gap >= 0.9 for gap in request_gaps(host, "/b"))


# Browser-like headers ------------------------------------------------------------------------


def test_user_agent_hostile_server_is_alive_with_a_note(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", ua_hostile(html_page("For browsers only")))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert note_codes(result) == [NoteCode.BROWSER_HEADERS]


def test_head_hostile_server_is_alive(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", head_hostile(html_page("No HEAD here")))

    result = check(host.url("/a"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.notes == ()
