"""claimcheck reads an answer's bytes exactly as h11, the reference parser, does.

Each raw answer is written by a loopback server, then the connection closed. The verdict h11
itself gives (the same bytes fed to a fresh client connection after a GET, in pieces as the
network may deliver them, then the end of the stream) must be claimcheck's: h11 reads an
answer, claimcheck reports its status; h11 refuses it, claimcheck says
``error (malformed-response)``; the stream ends inside a body h11 has begun to read, the
answer's head stands and claimcheck reports its status too, the body read as far as it came.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import h11
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.check.transport import HEAD_LIMIT
from claimcheck.models import Reason, Source
from tests.checking import check, run, source
from tests.helpers import CLEAN_CLAIMS, make_project
from tests.servers import Host, HostFactory, Response
from tests.test_cli import claimcheck

# The most one read of the transport returns: h11's limit is on an unfinished event, so
# where the reads end decides whether a head between 64 and 128 KiB is whole in time.
_PIECE = 64 * 1024
OVER = 3 * HEAD_LIMIT


def reference(answer: bytes) -> str:
    """h11's verdict on ``answer`` to a GET: ``page <status>`` (its body whole, or cut short
    by the end of the stream) or ``malformed``."""
    connection = h11.Connection(h11.CLIENT, max_incomplete_event_size=HEAD_LIMIT)
    connection.send(h11.Request(method="GET", target="/", headers=[("Host", "example.org")]))
    connection.send(h11.EndOfMessage())
    pieces = [answer[i : i + _PIECE] for i in range(0, len(answer), _PIECE)] + [b""]
    status: int | None = None
    try:
        for piece in pieces:
            connection.receive_data(piece)
            while (event := connection.next_event()) is not h11.NEED_DATA:
                if isinstance(event, h11.Response):
                    status = event.status_code
                elif isinstance(event, h11.EndOfMessage):
                    return f"page {status}"
                elif not isinstance(event, h11.InformationalResponse | h11.Data):
                    return "malformed"
    except h11.RemoteProtocolError:
        return f"page {status}" if status is not None and not piece else "malformed"
    return "malformed"


def verdict(result: Source) -> str:
    """claimcheck's verdict on one source, in the reference's words."""
    if result.reason is Reason.MALFORMED_RESPONSE:
        return "malformed"
    if result.reason is Reason.CONNECTION_FAILED:
        return "reset"
    return f"page {result.http_status}"


@dataclass(frozen=True)
class Case:
    name: str
    answer: bytes
    expected: str  # what h11 says, written down so that the reference is checked too


def _chunked(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body


OK = b"HTTP/1.1 200 OK\r\n"
CASES = [
    Case("plain", OK + b"Content-Length: 5\r\n\r\nhello", "page 200"),
    Case("folded-header", OK + b"X-Folded: a\r\n  b\r\nContent-Length: 5\r\n\r\nhello", "page 200"),
    Case(
        "same-length-twice", OK + b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "page 200"
    ),
    Case("length-list-5-5", OK + b"Content-Length: 5, 5\r\n\r\nhello", "page 200"),
    Case(
        "conflicting-lengths",
        OK + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "malformed",
    ),
    Case("negative-length", OK + b"Content-Length: -5\r\n\r\nhello", "malformed"),
    Case("non-numeric-length", OK + b"Content-Length: five\r\n\r\nhello", "malformed"),
    Case("chunk-extension", _chunked(b"5;name=value\r\nhello\r\n0\r\n\r\n"), "page 200"),
    Case("trailers", _chunked(b"5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"), "page 200"),
    Case(
        "100-continue-first",
        b"HTTP/1.1 100 Continue\r\n\r\n" + OK + b"Content-Length: 0\r\n\r\n",
        "page 200",
    ),
    Case(
        "103-early-hints-first",
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
        + OK
        + b"Content-Length: 0\r\n\r\n",
        "page 200",
    ),
    Case("204-no-body", b"HTTP/1.1 204 No Content\r\n\r\n", "page 204"),
    Case(
        "204-stray-body", b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", "page 204"
    ),
    Case("304-no-body", b"HTTP/1.1 304 Not Modified\r\n\r\n", "page 304"),
    Case("304-stray-body", b"HTTP/1.1 304 Not Modified\r\n\r\nhello", "page 304"),
    Case("close-delimited", OK + b"Content-Type: text/html\r\n\r\n<p>until close</p>", "page 200"),
    Case("lf-only", b"HTTP/1.1 200 OK\nContent-Length: 5\n\nhello", "page 200"),
    Case(
        "head-just-under-limit",
        OK + b"X-Long: " + b"a" * 60_000 + b"\r\nContent-Length: 0\r\n\r\n",
        "page 200",
    ),
    Case(
        "over-long-status-line",
        b"HTTP/1.1 200 " + b"O" * OVER + b"\r\nContent-Length: 0\r\n\r\n",
        "malformed",
    ),
    Case(
        "over-long-header-line",
        OK + b"X-Long: " + b"a" * OVER + b"\r\nContent-Length: 0\r\n\r\n",
        "malformed",
    ),
    Case(
        "over-long-chunk-size-line",
        _chunked(b"5;" + b"x" * OVER + b"\r\nhello\r\n0\r\n\r\n"),
        "malformed",
    ),
    Case("bare-cr-in-header", OK + b"X-Bad: a\rb\r\nContent-Length: 5\r\n\r\nhello", "malformed"),
    Case("no-reason-phrase", b"HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello", "page 200"),
    Case(
        "http-1.0-keep-alive",
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello",
        "page 200",
    ),
    Case("http-1.0-until-close", b"HTTP/1.0 200 OK\r\n\r\nhello", "page 200"),
    Case("empty", b"", "malformed"),
    Case("garbage", b"NOT HTTP\r\n\r\n", "malformed"),
    Case("head-cut-short", OK + b"Content-Le", "malformed"),
    Case(
        "chunked-and-content-length",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n"
        b"5\r\nhello\r\n0\r\n\r\n",
        "page 200",
    ),
    Case(
        "transfer-encoding-gzip-chunked",
        OK + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "malformed",
    ),
    Case("invalid-chunk-size", _chunked(b"zz\r\nhello\r\n0\r\n\r\n"), "malformed"),
    Case("chunked-cut-short", _chunked(b"5\r\nhel"), "page 200"),
    Case("sized-body-cut-short", OK + b"Content-Length: 50\r\n\r\nhello", "page 200"),
    Case("not-found", b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "page 404"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_verdict_on_raw_answer_is_h11s(hosts: HostFactory, case: Case) -> None:
    (host,) = hosts(1)
    host.route("/raw", lambda _request: Response(raw=case.answer))

    assert reference(case.answer) == case.expected
    assert verdict(check(host.url("/raw"), retries=0)) == case.expected


_FRAGMENTS = st.sampled_from(
    [
        b"HTTP/1.1 200 OK\r\n",
        b"HTTP/1.1 204 No Content\r\n",
        b"HTTP/1.1 404 Not Found\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"HTTP/1.0 200 OK\r\n",
        b"HTTP/1.1 200\n",
        b"Content-Length: 5\r\n",
        b"Content-Length: 5, 5\r\n",
        b"Content-Length: 7\r\n",
        b"Transfer-Encoding: chunked\r\n",
        b"Connection: close\r\n",
        b"X-Folded: a\r\n b\r\n",
        b"\r\n",
        b"\n",
        b"5\r\nhello\r\n",
        b"5;a=b\r\nhello\r\n",
        b"0\r\n\r\n",
        b"hello",
    ]
)
_ANSWERS = st.one_of(
    st.binary(max_size=64),
    st.lists(st.one_of(_FRAGMENTS, st.binary(max_size=4)), max_size=12).map(b"".join),
)


@pytest.fixture(scope="module")
def any_answer() -> Iterator[tuple[Host, list[bytes]]]:
    """One host for every example: its route writes the last bytes put in the list."""
    answers = [b""]
    with Host() as host:
        host.route("/any", lambda _request: Response(raw=answers[-1]))
        yield host, answers


@settings(max_examples=60, deadline=None)
@given(answer=_ANSWERS)
def test_any_bytes_as_an_answer_end_in_one_status_as_h11_reads_them(
    any_answer: tuple[Host, list[bytes]], answer: bytes
) -> None:
    host, answers = any_answer
    answers.append(answer)

    checked = run([source(host.url("/any"))], retries=0)

    assert len(checked.sources) == 1
    assert verdict(checked.sources[0]) == reference(answer)


BIB = """@online{folded2024,
  title = {A page with a folded header and a listed length},
  url   = {URL_FOLDED},
}
@online{chunky2024,
  title = {A page whose chunk-size line is endless},
  url   = {URL_CHUNKY},
}
"""


def test_verify_reads_what_h11_reads_and_reports_what_it_refuses(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    folded = OK + b"X-Folded: a\r\n b\r\nContent-Length: 5, 5\r\n\r\nhello"
    chunky = _chunked(b"5;" + b"x" * OVER + b"\r\nhello\r\n0\r\n\r\n")
    host.route("/folded", lambda _request: Response(raw=folded))
    host.route("/chunky", lambda _request: Response(raw=chunky))
    bib = BIB.replace("URL_FOLDED", host.url("/folded")).replace("URL_CHUNKY", host.url("/chunky"))
    make_project(
        tmp_path,
        bib=bib,
        claims=CLEAN_CLAIMS.replace("bbc2023", "folded2024").replace("six countries", "hello"),
    )
    (tmp_path / "claimcheck.toml").write_text(
        'probe_hosts = []\nbackoff = 0.01\nignore = ["organisation-host-mismatch"]\n',
        encoding="utf-8",
    )

    result = claimcheck("verify", "--allow-private", "--format", "json", cwd=tmp_path)

    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    sources = {item["key"]: item for item in json.loads(result.stdout)["sources"]}
    assert (sources["folded2024"]["status"], sources["folded2024"]["http_status"]) == ("alive", 200)
    assert (sources["chunky2024"]["status"], sources["chunky2024"]["reason"]) == (
        "error",
        "malformed-response",
    )


@settings(max_examples=300, deadline=None)
@given(rest=st.text(max_size=40))
def test_every_url_httpx_accepts_is_a_request_h11_will_send(rest: str) -> None:
    # Why a request h11 refuses is blamed on a configured header, never on the URL.
    try:
        url = httpx.Request("GET", "http://example.org/" + rest).url
    except httpx.InvalidURL:
        return
    for target in (url.raw_path, url.raw_scheme + b"://" + url.netloc + url.raw_path):
        h11.Request(method=b"GET", target=target, headers=[(b"Host", url.netloc)])
