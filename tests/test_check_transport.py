"""The lean HTTP/1.1 transport against servers that bend the protocol in the ways real ones do."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from claimcheck.check.client import GuardedConnector
from claimcheck.check.transport import HEAD_LIMIT, LeanTransport
from claimcheck.models import NoteCode, Reason, SourceStatus
from claimcheck.pipeline import run_checks
from tests.checking import (
    CountingResolver,
    check,
    note_codes,
    options,
    page_requests,
    run,
    source,
)
from tests.servers import (
    Host,
    HostFactory,
    Request,
    Response,
    html_document,
    html_page,
    redirect,
    sequence,
    status,
)

PAGE = html_document("A page").encode()


def raw(data: bytes) -> Response:
    """An answer written byte for byte, then the connection closed."""
    return Response(raw=data)


def test_answer_with_lf_only_line_ends_is_read(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    head = b"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: %d\n\n" % len(PAGE)
    host.route("/lf", lambda _request: raw(head + PAGE))

    result = check(host.url("/lf"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)


def test_http_1_0_body_until_close_is_read(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
    host.route("/old", lambda _request: raw(head + html_document("Page not found").encode()))

    result = check(host.url("/old"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_TITLE)


def test_chunked_body_is_read_across_chunks(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    body = html_document("Page not found").encode()
    chunks = [body[:10], body[10:]]
    host.route(
        "/chunked",
        lambda _request: Response(headers=[("Content-Type", "text/html")], chunks=chunks),
    )

    result = check(host.url("/chunked"))

    assert result.reason is Reason.SOFT_404_TITLE


def test_head_unfinished_after_64_kib_is_a_malformed_answer(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    # Far over the limit: whatever the reads' sizes, h11 holds an unfinished head over 64 KiB.
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Filler: " + b"a" * 3 * HEAD_LIMIT + b"\r\n\r\n"
    host.route("/huge", lambda _request: raw(head))

    result = check(host.url("/huge"))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.MALFORMED_RESPONSE)


def test_interim_100_continue_is_skipped(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    answer = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 410 Gone\r\nContent-Length: 0\r\n\r\n"
    host.route("/interim", lambda _request: raw(answer))

    result = check(host.url("/interim"))

    assert (result.status, result.http_status) == (SourceStatus.DEAD, 410)


@pytest.mark.parametrize("framing", ["Content-Length: 5000", "Transfer-Encoding: chunked"])
def test_body_cut_short_each_time_keeps_its_status_with_a_note(
    hosts: HostFactory, framing: str
) -> None:
    (host,) = hosts(1)
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{framing}\r\n\r\n".encode()
    part = b"<html><title>Visa waiver extended</title><p>China extends"
    body = part if framing.startswith("Content") else b"%x\r\n" % (len(part) + 9) + part
    host.route("/short", lambda _request: raw(head + body))

    result = check(host.url("/short"))

    assert (result.status, result.reason, result.http_status) == (
        SourceStatus.ALIVE,
        Reason.OK,
        200,
    )
    assert note_codes(result) == [NoteCode.BODY_CUT_SHORT]
    assert len(host.hits("/short")) == 3


def test_not_found_answer_cut_short_is_dead(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    head = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9000\r\n\r\n"
    host.route("/gone", lambda _request: raw(head + b"<html><title>Not found"))

    result = check(host.url("/gone"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.NOT_FOUND)


def test_body_cut_short_once_is_asked_again_and_read_whole(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    page = html_document("Visa waiver extended", "<p>China extends its visa waiver.</p>").encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(page)
    host.route(
        "/flaky",
        sequence(lambda _request: raw(head + page[:40]), lambda _request: raw(head + page)),
    )

    result = check(host.url("/flaky"))

    assert (result.status, note_codes(result)) == (SourceStatus.ALIVE, [])
    assert len(host.hits("/flaky")) == 2


def _ports(host: Host) -> list[int]:
    """The client port of each request the host received, in arrival order."""
    return [request.client[1] for request in page_requests(host)]


def test_requests_in_sequence_to_one_origin_share_one_connection(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A")).route("/b", html_page("B")).route("/c", html_page("C"))

    checked = run([source(host.url(path), key=path) for path in ("/a", "/b", "/c")], per_host=1)

    assert [result.status for result in checked.sources] == [SourceStatus.ALIVE] * 3
    assert len(page_requests(host)) == 3
    assert len(set(_ports(host))) == 1


def test_redirect_whose_body_came_with_its_head_keeps_the_connection(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("/old", redirect("/new", 301)).route("/new", html_page("New"))
    host.route("/b", html_page("B"))

    checked = run([source(host.url(path), key=path) for path in ("/old", "/b")], per_host=1)

    assert [result.status for result in checked.sources] == [SourceStatus.ALIVE] * 2
    assert len({request.client[1] for request in host.requests}) == 1


def test_answer_let_go_before_its_body_arrived_closes_the_connection(
    hosts: HostFactory,
) -> None:
    """The rest of a redirect's body is late: the check waits a moment, not for all of it."""
    (host,) = hosts(1)
    late_body = Response(
        302,
        [("Location", "/new"), ("Content-Type", "text/html")],
        chunks=[b"<title>Moved</title>", b"<p>moved</p>"],
        drip=2.0,
    )
    host.route("/old", lambda _request: late_body).route("/new", html_page("New"))

    checked = run([source(host.url("/old"))], per_host=1)

    assert checked.sources[0].status is SourceStatus.ALIVE
    assert (checked.sources[0].elapsed_ms or 0) < 1500
    assert len({request.client[1] for request in host.requests}) == 2


def test_connection_close_answer_is_not_reused(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    closing = status(200, [("Content-Type", "text/html"), ("Connection", "close")], PAGE)
    host.route("/a", closing).route("/b", closing)

    checked = run([source(host.url("/a"), key="a"), source(host.url("/b"), key="b")], per_host=1)

    assert [result.status for result in checked.sources] == [SourceStatus.ALIVE] * 2
    assert len(set(_ports(host))) == 2


@pytest.mark.parametrize(
    "hang_up",
    [Response(raw=b""), Response(close=True)],
    ids=["closed", "reset"],
)
def test_kept_alive_connection_closed_before_the_answer_is_retried_once_on_a_fresh_one(
    hosts: HostFactory, hang_up: Response
) -> None:
    (host,) = hosts(1)
    served: set[int] = set()

    def once_per_connection(request: Request) -> Response:
        # The server times the idle connection out just as the second request arrives.
        if request.client[1] in served:
            return hang_up
        served.add(request.client[1])
        return Response(headers=[("Content-Type", "text/html")], body=PAGE)

    host.route("/a", once_per_connection).route("/b", once_per_connection)

    checked = run([source(host.url("/a"), key="a"), source(host.url("/b"), key="b")], per_host=1)

    assert [result.status for result in checked.sources] == [SourceStatus.ALIVE] * 2
    ports = _ports(host)
    assert len(ports) == 3
    assert ports[0] == ports[1] != ports[2]


def test_no_content_answer_keeps_the_connection_for_the_next_request(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("/empty", status(204)).route("/same", status(304))

    checked = run(
        [source(host.url("/empty"), key="a"), source(host.url("/same"), key="b")], per_host=1
    )

    assert [result.http_status for result in checked.sources] == [204, 304]
    assert len(set(_ports(host))) == 1


def test_empty_answer_on_a_fresh_connection_is_malformed_and_not_sent_again(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("/nothing", lambda _request: raw(b""))

    result = check(host.url("/nothing"), retries=0)

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.MALFORMED_RESPONSE)
    assert len(host.hits("/nothing")) == 1


def test_header_value_h11_will_not_send_is_an_internal_error_not_a_crash(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    # Past the settings' own refusal of such a value, as a bug elsewhere could slip it by.
    unchecked = options().model_copy(update={"user_agent": "claimcheck\r\nX-Injected: yes"})

    result = run_checks([source(host.url("/a"))], unchecked).sources[0]

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.INTERNAL_ERROR)
    assert host.requests == []


class _ProxiedConnector(GuardedConnector):
    """The guarded connector, telling the transport that every origin is behind a proxy."""

    def proxied(self, scheme: str, host: str, port: int) -> bool:
        return True


def test_origin_behind_a_proxy_is_sent_an_absolute_form_target(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    url = host.url("/a?q=1")

    async def fetch() -> int:
        connector = _ProxiedConnector(options(), CountingResolver(), verify=False)
        transport = LeanTransport(connector, idle_per_origin=1)
        async with httpx.AsyncClient(transport=transport) as client:
            return (await client.get(url)).status_code

    assert asyncio.run(fetch()) == 200
    assert [request.target for request in host.requests] == [url]
