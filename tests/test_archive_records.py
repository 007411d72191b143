"""WARC records written by claimcheck itself are, byte for byte, the ones warcio writes."""

from __future__ import annotations

import gzip
import io
import random
import re
import uuid
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from claimcheck.archive.warc import Exchange, Records, _warcio_records, capture_records
from claimcheck.archive.warc import payload_digest as digest_of
from claimcheck.spool import Spool

T0 = datetime(2024, 11, 22, 9, 30, tzinfo=UTC)
_RECORD_ID = re.compile(rb"urn:uuid:[0-9a-f-]{36}")
TOKENS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12)
ASCII_VALUES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
# Servers may send other bytes in a value (obs-text). warcio, the reference here, fails on a
# value holding both such a character and a "name=value" parameter (it tries to re-encode it
# as RFC 5987), so those two never meet in one generated value.
VALUES = st.one_of(
    ASCII_VALUES,
    st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x2FF, exclude_characters=";="),
        max_size=30,
    ),
)


def uncompressed(records: Records) -> tuple[bytes, bytes]:
    """Both records, decompressed, with their random record IDs (the same in both) elided."""
    response, request = (
        _RECORD_ID.sub(b"urn:uuid:ID", gzip.decompress(record))
        for record in (records.response, records.request)
    )
    return response, request


@given(
    body=st.one_of(
        st.binary(max_size=2000), st.integers(60_000, 70_000).map(random.Random(0).randbytes)
    ),
    threshold=st.sampled_from([0, 100, 1 << 20]),
    headers=st.lists(st.tuples(TOKENS, VALUES), max_size=5),
    # claimcheck sends ASCII header values only (the settings refuse others).
    request_headers=st.lists(st.tuples(TOKENS, ASCII_VALUES), max_size=4),
    reason=st.sampled_from(["OK", "", "Not Found"]),
    path=st.sampled_from(["/", "/a/b?x=1", "/%C3%A9"]),
    truncated=st.booleans(),
    revisit=st.booleans(),
)
def test_records_are_the_ones_warcio_writes(
    body: bytes,
    threshold: int,
    headers: list[tuple[str, str]],
    request_headers: list[tuple[str, str]],
    reason: str,
    path: str,
    truncated: bool,
    revisit: bool,
) -> None:
    spool = Spool(threshold=threshold)
    spool.write(body)
    exchange = Exchange(
        target=f"https://news.example{path}",
        captured_at=T0,
        http_version="HTTP/1.1",
        status=200,
        reason=reason,
        headers=headers,
        request_headers=request_headers,
        body=spool,
        truncated=truncated,
    )
    revisit_of = ("https://news.example/first", T0) if revisit else None
    digest = digest_of(body)
    with spool:
        ours = capture_records(exchange, revisit_of=revisit_of)
        theirs = _warcio_records(exchange, revisit_of=revisit_of, digest=digest)
    assert uncompressed(ours) == uncompressed(theirs)


def test_record_ids_are_distinct_random_uuids() -> None:
    exchange = Exchange(
        target="https://news.example/",
        captured_at=T0,
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        headers=[],
        request_headers=[],
        body=b"page",
        truncated=False,
    )
    ids = []
    for _ in range(500):
        response, request = uncompressed_with_ids(capture_records(exchange, revisit_of=None))
        ids += [*_RECORD_ID.findall(response), *_RECORD_ID.findall(request)[1:]]

    assert len(ids) == len(set(ids)) == 1000
    for found in ids:
        parsed = uuid.UUID(found.decode().removeprefix("urn:uuid:"))
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == found.decode().removeprefix("urn:uuid:")


def uncompressed_with_ids(records: Records) -> tuple[bytes, bytes]:
    return gzip.decompress(records.response), gzip.decompress(records.request)


def test_header_not_in_ascii_is_stored_with_its_bytes_percent_encoded() -> None:
    # Header values hold the bytes on the wire, a character a byte: here a server's UTF-8.
    link = '<http://example.com/新闻/签证>; rel="canonical"'.encode().decode("latin-1")
    exchange = Exchange(
        target="https://news.example/",
        captured_at=T0,
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        headers=[("Link", link), ("Set-Cookie", "설정=1; Path=/".encode().decode("latin-1"))],
        # A Latin-1 byte, and text beyond Latin-1 (its bytes are its UTF-8).
        request_headers=[("Cookie", "city=K\xf8benhavn; Path=/"), ("X-Region", "서울")],
        body=b"page",
        truncated=False,
    )

    records = capture_records(exchange, revisit_of=None)

    response, request = (
        next(iter(ArchiveIterator(io.BytesIO(record), check_digests=True)))
        for record in (records.response, records.request)
    )
    assert response.http_headers.headers == [
        ("Link", '<http://example.com/%E6%96%B0%E9%97%BB/%E7%AD%BE%E8%AF%81>; rel="canonical"'),
        ("Set-Cookie", "%EC%84%A4%EC%A0%95=1; Path=/"),
        ("Content-Length", "4"),
    ]
    assert request.http_headers.headers == [
        ("Cookie", "city=K%F8benhavn; Path=/"),
        ("X-Region", "%EC%84%9C%EC%9A%B8"),
    ]
    assert response.content_stream().read() == b"page"
    digest = digest_of(b"page")
    theirs = _warcio_records(exchange, revisit_of=None, digest=digest)
    assert uncompressed(records) == uncompressed(theirs)
