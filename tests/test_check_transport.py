"""The lean HTTP/1.1 transport against servers that bend the protocol in the ways real ones do."""

from __future__ import annotations

from claimcheck.check.transport import HEAD_LIMIT
from claimcheck.models import Reason, SourceStatus
from tests.checking import check
from tests.servers import HostFactory, Response, html_document

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


def test_body_cut_short_is_a_connection_failure_never_dead(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"
    host.route("/short", lambda _request: raw(head + b"<html>"))

    result = check(host.url("/short"))

    assert (result.status, result.reason) == (SourceStatus.ERROR, Reason.CONNECTION_FAILED)
    assert len(host.hits("/short")) == 3
