"""Read a response body within a byte cap, inflating gzip and deflate no further than the cap.

A decompression bomb therefore costs no more memory than an honest page of the cap's size.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Body:
    """The decoded bytes read, and whether the cap (or an undecodable stream) cut them."""

    data: bytes
    truncated: bool
    decodable: bool = True


class _Inflater:
    """A streaming gzip/deflate decoder whose output is bounded by the caller."""

    def __init__(self, encoding: str):
        self._encoding = encoding
        wbits = 16 + zlib.MAX_WBITS if encoding in {"gzip", "x-gzip"} else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(wbits)
        self._first = True

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            out = self._inflate.decompress(data, limit)
        except zlib.error:
            if not (self._first and self._encoding == "deflate"):
                raise
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflate.decompress(data, limit)
        self._first = False
        return out

    @property
    def pending(self) -> bytes:
        return self._inflate.unconsumed_tail


async def read_body(response: httpx.Response, max_bytes: int) -> Body:
    """Up to ``max_bytes`` of the decoded body; the rest is not read from the network."""
    encodings = [
        part.strip().lower()
        for part in response.headers.get("content-encoding", "").split(",")
        if part.strip() and part.strip().lower() != "identity"
    ]
    if len(encodings) > 1 or (encodings and encodings[0] not in {"gzip", "x-gzip", "deflate"}):
        return Body(b"", truncated=True, decodable=False)
    inflater = _Inflater(encodings[0]) if encodings else None
    parts: list[bytes] = []
    size = 0
    try:
        async for raw in response.aiter_raw():
            pending = raw
            while pending:
                if inflater is None:
                    piece, pending = pending, b""
                else:
                    piece = inflater.feed(pending, max_bytes - size + 1)
                    pending = inflater.pending
                size += len(piece)
                if size > max_bytes:
                    parts.append(piece[: len(piece) - (size - max_bytes)])
                    return Body(b"".join(parts), truncated=True)
                parts.append(piece)
                if inflater is not None and not piece:
                    break
    except zlib.error:
        return Body(b"".join(parts), truncated=True, decodable=False)
    return Body(b"".join(parts), truncated=False)
