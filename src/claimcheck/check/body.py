"""Read a response body within a byte cap, inflating gzip and deflate no further than the cap.

A decompression bomb therefore costs no more than an honest page of the cap's size, and a body
past the spool threshold goes to a temporary file, not memory.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import httpx

from claimcheck.check.faults import BodyCutShort
from claimcheck.spool import Spool


@dataclass(frozen=True)
class Body:
    """The decoded bytes read, and whether the cap, an undecodable stream or the connection
    (``cut_short``: closed or reset mid-body) cut them.

    The caller owns ``data`` and closes it.
    """

    data: Spool
    truncated: bool
    decodable: bool = True
    cut_short: bool = False


class _Inflater:
    """A streaming gzip/deflate decoder whose output is bounded by the caller.

    A gzip body of several members (gzip files one after the other, as some servers send a
    page compressed in parts) is inflated member after member, as ``gzip -d`` does; bytes
    after the last member that start no other one are ignored, as browsers ignore them.
    """

    def __init__(self, encoding: str):
        self._encoding = encoding
        self._wbits = 16 + zlib.MAX_WBITS if _is_gzip(encoding) else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(self._wbits)
        self._first = True
        self._plain = False
        self._after: bytes | None = None  # what followed the member that ended, if one did
        self._leftover = b""  # what followed it in the data last fed, to be fed next

    def feed(self, data: bytes, limit: int) -> bytes:
        if self._first and data and _is_gzip(self._encoding) and data[:1] != _GZIP_MAGIC[:1]:
            # Declared gzip, but not gzip from its first byte: the body as it came.
            self._plain = True
        if self._plain:
            self._first = False
            return data
        self._leftover = b""
        if self._after is not None:
            data = self._next_member(self._after + data)
            if not data:
                return b""
        try:
            out = self._inflate.decompress(data, limit)
        except zlib.error:
            if not (self._first and self._encoding == "deflate"):
                raise
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflate.decompress(data, limit)
        self._first = False
        if self._inflate.eof and _is_gzip(self._encoding):
            self._after, self._leftover = b"", self._inflate.unused_data
        return out

    def _next_member(self, after: bytes) -> bytes:
        """What to inflate of ``after``, the bytes after a member that ended: all of them once
        their first two say a next member starts; none while those are not all there, and
        none ever when they say otherwise (only their first two are kept, to say so again)."""
        if len(after) < len(_GZIP_MAGIC) or not after.startswith(_GZIP_MAGIC):
            self._after = after[: len(_GZIP_MAGIC)]
            return b""
        self._after = None
        self._inflate = zlib.decompressobj(self._wbits)
        return after

    @property
    def pending(self) -> bytes:
        if self._plain:
            return b""
        return self._leftover if self._after is not None else self._inflate.unconsumed_tail


def _is_gzip(encoding: str) -> bool:
    return encoding in {"gzip", "x-gzip"}


_GZIP_MAGIC = b"\x1f\x8b"
# Encodings that compress: one of these that claimcheck does not decode (br, zstd, compress)
# leaves the body unread. Another word (UTF-8, none, binary) names no compression at all.
_COMPRESSIONS = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd", "compress", "x-compress"})


async def read_body(response: httpx.Response, max_bytes: int) -> Body:
    """Up to ``max_bytes`` of the decoded body; the rest is not read from the network."""
    encodings = [
        part.strip().lower()
        for part in response.headers.get("content-encoding", "").split(",")
        if part.strip().lower() in _COMPRESSIONS
    ]
    if len(encodings) > 1 or (encodings and encodings[0] not in {"gzip", "x-gzip", "deflate"}):
        return Body(Spool(), truncated=True, decodable=False)
    inflater = _Inflater(encodings[0]) if encodings else None
    spool = Spool()
    try:
        return await _read(response, max_bytes, inflater, spool)
    except BaseException:
        spool.close()
        raise


async def _read(
    response: httpx.Response, max_bytes: int, inflater: _Inflater | None, spool: Spool
) -> Body:
    try:
        async for raw in response.aiter_raw():
            pending = raw
            while pending:
                fed = len(pending)
                if inflater is None:
                    piece, pending = pending, b""
                else:
                    piece = inflater.feed(pending, max_bytes - spool.size + 1)
                    pending = inflater.pending
                if spool.size + len(piece) > max_bytes:
                    spool.write(piece[: max_bytes - spool.size])
                    return Body(spool, truncated=True)
                spool.write(piece)
                if not piece and len(pending) >= fed:
                    break  # nothing came of it: the next bytes from the network may help
    except zlib.error:
        return Body(spool, truncated=True, decodable=False)
    except BodyCutShort:
        return Body(spool, truncated=True, cut_short=True)
    return Body(spool, truncated=False)
