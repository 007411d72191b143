"""WARC files as web archives write them: gzip per record, request and response pairs."""

from __future__ import annotations

import hashlib
import io
import os
import random
import secrets
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claimcheck import __version__
from claimcheck.archive.index import Place
from claimcheck.check.html import PageText
from claimcheck.models import SourceStatus
from claimcheck.spool import Spool, as_spool
from claimcheck.statefiles import open_file

WARC_PATTERN = "claimcheck-*.warc.gz"
# Headers that describe the bytes on the wire, not the (decoded) body that is stored: kept
# under this prefix, as replay tools expect, so the record stays self-consistent.
ORIGINAL_PREFIX = "X-Archive-Orig-"
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
# gzip's level: warcio's 9 took twice the time of 6 for 0.2% fewer bytes; 6 takes a fifth
# more than 4 on real pages for 1% fewer bytes (and four times as much on repetitive ones).
_GZIP_LEVEL = 4
# A record up to this size is compressed from one buffer; a larger one as it is written.
_IN_ONE_GO = 64 * 1024
# zlib's largest window (32 KiB), used for records larger than it.
_WINDOW_BITS = 15


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as captured: what goes into a WARC pair.

    The ``body`` is bytes, or a spool (in memory or a temporary file) read back in pieces;
    ``page`` is an HTML body as the check decoded it, for its text. Header names and values
    are the bytes on the wire, a character a byte (Latin-1); a value holding a character
    beyond Latin-1 is text, whose bytes are its UTF-8.
    """

    target: str
    captured_at: datetime
    http_version: str
    status: int
    reason: str
    headers: Sequence[tuple[str, str]]
    request_headers: Sequence[tuple[str, str]]
    body: bytes | Spool
    truncated: bool
    page: PageText | None = None
    cut_short: bool = False
    # What the check judged the answer (a source status): "alive" when it showed the page
    # cited. Not written to the WARC file: the index keeps it with the capture.
    judged: SourceStatus | None = None


@dataclass(frozen=True)
class Written:
    """Where a capture's records went, and the response's record ID."""

    response: Place
    request: Place
    record_id: str


def payload_digest(body: bytes | Spool) -> str:
    """The WARC-Payload-Digest of ``body``: sha1 in base32, as web archives write it."""
    sha1 = hashlib.sha1()
    for piece in as_spool(body).chunks():
        sha1.update(piece)
    return _digest(sha1)


def _digest(sha1: Any) -> str:
    """``sha1:`` and the digest in base32: 160 bits, 16 pairs of letters (base64's is slower)."""
    bits = int.from_bytes(sha1.digest(), "big")
    return "sha1:" + "".join([_BASE32_PAIRS[(bits >> shift) & 1023] for shift in _PAIR_SHIFTS])


_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_BASE32_PAIRS = [first + second for first in _BASE32 for second in _BASE32]
_PAIR_SHIFTS = range(150, -10, -10)


def new_file_name(now: datetime) -> str:
    """A fresh WARC file name: claimcheck-<UTC time>-<random>.warc.gz."""
    return f"claimcheck-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}.warc.gz"


@dataclass(frozen=True)
class Records:
    """A capture's two records, each a complete gzip member, ready to append to a file."""

    response: bytes
    request: bytes
    record_id: str


def capture_records(
    exchange: Exchange, *, revisit_of: tuple[str, datetime] | None, digest: str | None = None
) -> Records:
    """The response (or a revisit of an identical stored payload) and request records.

    ``revisit_of`` names the stored capture (its URL and time) whose payload is identical;
    ``digest`` is the payload's digest when the caller has it already. Pure work on bytes,
    so that it can run beside the event loop.

    The records are written here, byte for byte as warcio writes them, at a tenth of its
    cost; warcio writes them itself when the status or request line is not ASCII. Every
    header is made ASCII first (``_ascii_headers``), for both.
    """
    body = as_spool(exchange.body)
    digest = digest or payload_digest(body)
    response_head = _http_block(
        f"{exchange.http_version} {exchange.status} {exchange.reason}".strip(),
        _stored_headers(exchange.headers, body.size),
    )
    request_head = _http_block(_request_line(exchange), _ascii_headers(exchange.request_headers))
    if response_head is None or request_head is None:
        return _warcio_records(exchange, revisit_of=revisit_of, digest=digest)
    date = _warc_date(exchange.captured_at)
    record_id = _record_id()
    if revisit_of is None:
        fields = [("WARC-Date", date), ("WARC-Payload-Digest", digest)]
        if exchange.truncated:
            fields.append(("WARC-Truncated", _truncated_by(exchange)))
        fields += [
            ("WARC-Type", "response"),
            ("WARC-Record-ID", record_id),
            ("WARC-Target-URI", exchange.target),
        ]
        response = _record(fields, "response", response_head, body)
    else:
        fields = [
            ("WARC-Type", "revisit"),
            ("WARC-Record-ID", record_id),
            ("WARC-Target-URI", exchange.target),
            ("WARC-Date", date),
            ("WARC-Profile", WARCWriter.REVISIT_PROFILE),
            ("WARC-Refers-To-Target-URI", revisit_of[0]),
            ("WARC-Refers-To-Date", _warc_date(revisit_of[1])),
            ("WARC-Payload-Digest", digest),
        ]
        response = _record(fields, "response", response_head, None)
    request_fields = [
        ("WARC-Date", date),
        ("WARC-Concurrent-To", record_id),
        ("WARC-Type", "request"),
        ("WARC-Record-ID", _record_id()),
        ("WARC-Target-URI", exchange.target),
        ("WARC-Payload-Digest", _EMPTY_DIGEST),
    ]
    return Records(response, _record(request_fields, "request", request_head, None), record_id)


_EMPTY_DIGEST = _digest(hashlib.sha1())


def _record_id() -> str:
    """A fresh random (version 4) UUID as a URN, as warcio makes them, without uuid's objects.

    Its bits come from ``random``, seeded from the system's randomness and again in a forked
    child: a record ID has to be unique, not secret.
    """
    bits = random.getrandbits(128) & _UUID_CLEARED | _UUID_V4
    h = f"{bits:032x}"
    return f"<urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}>"


# The version (4) and variant (RFC 4122) bits of a random UUID.
_UUID_CLEARED = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_UUID_V4 = (0x4 << 76) | (0x2 << 62)


def _http_block(first_line: str, headers: Sequence[tuple[str, str]]) -> bytes | None:
    """An HTTP head as warcio stores it; None when it is not ASCII (warcio encodes those)."""
    text = first_line + "\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers)
    try:
        return text.encode("ascii") + b"\r\n"
    except UnicodeEncodeError:
        return None


def _record(fields: list[tuple[str, str]], kind: str, head: bytes, payload: Spool | None) -> bytes:
    """One WARC record of an HTTP message, as a gzip member: ``fields``, then the digest of
    the block and its type and length, then the block (``head`` and ``payload``)."""
    sha1 = hashlib.sha1(head)
    for piece in payload.chunks() if payload is not None else ():
        sha1.update(piece)
    length = len(head) + (payload.size if payload is not None else 0)
    fields = [
        *fields,
        ("WARC-Block-Digest", _digest(sha1)),
        ("Content-Type", f"application/http; msgtype={kind}"),
        ("Content-Length", str(length)),
    ]
    warc_head = "WARC/1.0\r\n" + "".join(f"{n}: {v}\r\n" for n, v in fields) + "\r\n"
    if length <= _IN_ONE_GO:
        # One buffer, compressed in one call: the usual page (and every request) is small.
        body = payload.read() if payload is not None else b""
        return _gzip_member(b"".join((warc_head.encode("utf-8"), head, body, b"\r\n\r\n")))
    out = _Compressing()
    out.write(warc_head.encode("utf-8"))
    out.write(head)
    for piece in payload.chunks() if payload is not None else ():
        out.write(piece)
    out.write(b"\r\n\r\n")
    return out.finish()


def _warcio_records(
    exchange: Exchange, *, revisit_of: tuple[str, datetime] | None, digest: str
) -> Records:
    """The records of ``capture_records``, written by warcio."""
    writer = WARCWriter(None, gzip=False)
    date = _warc_date(exchange.captured_at)
    body = as_spool(exchange.body)
    http = StatusAndHeaders(
        f"{exchange.status} {exchange.reason}".strip(),
        _stored_headers(exchange.headers, body.size),
        protocol=exchange.http_version,
    )
    if revisit_of is None:
        extra = {"WARC-Date": date, "WARC-Payload-Digest": digest}
        if exchange.truncated:
            extra["WARC-Truncated"] = _truncated_by(exchange)
        response = writer.create_warc_record(
            exchange.target,
            "response",
            payload=body.stream(),
            length=body.size,
            http_headers=http,
            warc_headers_dict=extra,
        )
    else:
        response = writer.create_revisit_record(
            exchange.target, digest, revisit_of[0], _warc_date(revisit_of[1]), http_headers=http
        )
        response.rec_headers.replace_header("WARC-Date", date)
    record_id = response.rec_headers.get_header("WARC-Record-ID")
    request = writer.create_warc_record(
        exchange.target,
        "request",
        http_headers=_request_headers(exchange),
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
    )
    return Records(_member(writer, response), _member(writer, request), record_id)


def _member(writer: Any, record: Any) -> bytes:
    """One record as a gzip member of its own, as WARC files want them.

    warcio compresses at level 9; ``_GZIP_LEVEL`` is much cheaper for about the same size.
    """
    out = _Compressing()
    writer.out = out
    writer.write_record(record)
    return out.finish()


class _Compressing:
    """A write-only stream that gzips what is written to it into one member.

    A record that fits zlib's largest window is compressed at the end, with a window (and
    hash table) no larger than the record: setting up the full ones costs more than
    compressing a small page, for the same output size. A larger record is compressed as it
    is written, so that only its compressed bytes are held.
    """

    def __init__(self) -> None:
        self._compressor: zlib._Compress | None = None
        self._parts: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> int:
        if self._compressor is None:
            self._parts.append(bytes(data))
            self._size += len(data)
            if self._size <= 1 << _WINDOW_BITS:
                return len(data)
            self._compressor = _gzip(_WINDOW_BITS)
            data, self._parts = b"".join(self._parts), []
        self._parts.append(self._compressor.compress(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to do: the member ends with finish()."""

    def finish(self) -> bytes:
        """The whole gzip member."""
        if self._compressor is None:
            return _gzip_member(b"".join(self._parts))
        self._parts.append(self._compressor.flush())
        return b"".join(self._parts)


def _gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member, compressed with a window no larger than itself."""
    compressor = _gzip(max(len(data) - 1, 1).bit_length())
    return compressor.compress(data) + compressor.flush()


def _gzip(window_bits: int) -> zlib._Compress:
    """A gzip compressor whose window covers 2**window_bits bytes (9 to 15)."""
    bits = min(max(window_bits, 9), _WINDOW_BITS)
    return zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, bits + 16, max(bits - 7, 1))


class WarcAppender:
    """Writes one new WARC file: a warcinfo record first, then capture records."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        self._handle: IO[bytes] = os.fdopen(
            open_file(path, os.O_WRONLY | os.O_EXCL, create=True, writing=True), "wb"
        )
        writer = WARCWriter(None, gzip=False)
        info = {
            "software": f"claimcheck/{__version__} (warcio)",
            "format": "WARC File Format 1.0",
            "description": "Snapshots of the sources a paper cites, taken by claimcheck",
        }
        self._handle.write(_member(writer, writer.create_warcinfo_record(self.name, info)))
        self.sync()

    def append(self, records: Records) -> Written:
        """Append a capture's records; where they went."""
        response = self._append(records.response)
        return Written(response, self._append(records.request), records.record_id)

    def sync(self) -> int:
        """Flush the file to disk and return its length: every record so far is complete."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        return self._handle.tell()

    def close(self) -> None:
        """Close the file."""
        self._handle.close()

    def copy(self, source: Path, place: Place) -> Place:
        """Copy one record's bytes (a whole gzip member) from another WARC file, unchanged."""
        with _reading(source) as handle:
            handle.seek(place.offset)
            data = handle.read(place.length)
        if len(data) != place.length:
            raise ValueError(f"{source.name} ends inside the record at {place.offset}")
        offset = self._handle.tell()
        self._handle.write(data)
        return Place(self.name, offset, place.length)

    def _append(self, member: bytes) -> Place:
        offset = self._handle.tell()
        self._handle.write(member)
        return Place(self.name, offset, len(member))


def _truncated_by(exchange: Exchange) -> str:
    """Why the record's payload is not the whole body (WARC 1.1: ``length`` for the cap,
    ``disconnect`` for a connection that closed mid-body)."""
    return "disconnect" if exchange.cut_short else "length"


def _warc_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _stored_headers(headers: Sequence[tuple[str, str]], size: int) -> list[tuple[str, str]]:
    """The response headers for the stored (decoded, whole) body; wire headers renamed, and
    every header made ASCII."""
    stored = []
    for name, value in _ascii_headers(headers):
        if name.lower() in _WIRE_HEADERS:
            stored.append((ORIGINAL_PREFIX + name, value))
        else:
            stored.append((name, value))
    stored.append(("Content-Length", str(size)))
    return stored


def _request_headers(exchange: Exchange) -> StatusAndHeaders:
    return StatusAndHeaders(
        _request_line(exchange),
        _ascii_headers(exchange.request_headers),
        protocol="",
        is_http_request=True,
    )


def _ascii_headers(headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` as a WARC record holds them: in ASCII, each other byte percent-encoded.

    warcio means to percent-encode a value that is not ASCII (as UTF-8, RFC 8187), but
    encodes only what follows an ``=`` in a value holding a ``;`` and then fails on the rest
    (``Link: <http://example.com/新闻>; rel="canonical"``, ``Set-Cookie: 설정=1; Path=/``).
    Here every byte beyond ASCII is encoded, wherever it is, before warcio or the writer here
    sees the head: a server's UTF-8 comes out as the UTF-8 percent-escapes of its text.
    """
    return [(_ascii(name), _ascii(value)) for name, value in headers]


def _ascii(text: str) -> str:
    """``text`` (bytes as Latin-1, or text beyond it) with its bytes beyond ASCII as ``%XX``."""
    if text.isascii():
        return text
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return "".join([_ESCAPED[byte] for byte in data])


_ESCAPED = [chr(byte) if byte < 0x80 else f"%{byte:02X}" for byte in range(256)]


def _request_line(exchange: Exchange) -> str:
    parts = urlsplit(exchange.target)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"GET {path} {exchange.http_version}"


@dataclass(frozen=True)
class ReadRecord:
    """A record read back from a WARC file, with what its digests said."""

    place: Place
    rec_type: str
    record_id: str
    target: str | None
    payload_digest: str | None
    concurrent_to: str | None
    digest_problems: tuple[str, ...]


def read_records(path: Path, limit: int) -> Iterator[ReadRecord]:
    """Every record in the first ``limit`` bytes of ``path``, its digests checked.

    Raises OSError or warcio's errors when a record there cannot be read whole.
    """
    with _reading(path) as handle:
        stream = _Bounded(handle, limit)
        records = ArchiveIterator(stream, check_digests=True)
        for record in records:
            body = record.content_stream()
            while body.read(1 << 16):
                pass
            records.read_to_end(record)
            problems = tuple(str(p) for p in record.digest_checker.problems)
            headers = record.rec_headers
            offset = records.get_record_offset()
            yield ReadRecord(
                place=Place(path.name, offset, records.get_record_length()),
                rec_type=record.rec_type,
                record_id=headers.get_header("WARC-Record-ID"),
                target=headers.get_header("WARC-Target-URI"),
                payload_digest=headers.get_header("WARC-Payload-Digest"),
                concurrent_to=headers.get_header("WARC-Concurrent-To"),
                digest_problems=problems,
            )


def read_body(path: Path, place: Place) -> bytes:
    """The HTTP payload of the response record at ``place``."""
    with _reading(path) as handle:
        handle.seek(place.offset)
        stream = _Bounded(handle, place.offset + place.length)
        for record in ArchiveIterator(stream):
            data: bytes = record.content_stream().read()
            return data
    raise ValueError(f"no record at {place.warc_file}:{place.offset}")


def _reading(path: Path) -> IO[bytes]:
    """A WARC file opened to read: a regular file, never through a symbolic link."""
    return os.fdopen(open_file(path, os.O_RDONLY), "rb")


class _Bounded(io.RawIOBase):
    """A file read only up to a byte position: the committed part of a WARC file."""

    def __init__(self, handle: IO[bytes], end: int):
        self._handle = handle
        self._end = end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        room = self._end - self._handle.tell()
        if room <= 0:
            return 0
        view = memoryview(buffer)[: min(len(buffer), room)]
        data = self._handle.read(len(view))
        view[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self._handle.tell()
