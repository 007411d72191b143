"""A lean HTTP/1.1 transport for httpx on asyncio streams, keeping connections alive per origin.

A link check sends one GET and reads a little of the answer, tens of thousands of times;
httpcore's general machinery costs more CPU per request than all of claimcheck's own work.
This transport does only what a checker needs, and connects only through the guard.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from claimcheck.check.faults import ConnectionReset, ProtocolViolation, ReadTimeout

HEAD_LIMIT = 64 * 1024
_READ = 64 * 1024
_KEEPALIVE = 5.0
_NO_BODY = frozenset({204, 304})


class Connector(Protocol):
    """Opens a stream to an origin, or raises a fault (check/faults.py) saying why not."""

    async def open(
        self, scheme: str, host: str, port: int, timeout: float | None
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A connected (for https, TLS-wrapped) stream."""
        ...

    def proxied(self, scheme: str, host: str, port: int) -> bool:
        """Whether requests to this origin go to an HTTP proxy, in absolute form."""
        ...


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def usable(self) -> bool:
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < _KEEPALIVE
        )


class _Stale(Exception):
    """A kept-alive connection the server had closed before our request arrived."""


Origin = tuple[str, str, int]


class LeanTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over asyncio streams: keep-alive per origin, chunked and sized bodies."""

    def __init__(self, connector: Connector, *, idle_per_origin: int):
        self._connector = connector
        self._idle_per_origin = idle_per_origin
        self._idle: dict[Origin, list[_Connection]] = {}
        self._closing: set[asyncio.StreamWriter] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        origin = (url.scheme, url.raw_host.decode("ascii"), port)
        content = await request.aread()
        head = _request_head(request, content, absolute=self._connector.proxied(*origin))
        connection = self._take_idle(origin)
        if connection is not None:
            try:
                return await self._exchange(origin, connection, head, request, timeouts)
            except (_Stale, ConnectionReset):
                # A kept-alive connection the server had already closed: not an answer.
                self.discard(connection)
        connection = await self._open(origin, timeouts.get("connect"))
        try:
            return await self._exchange(origin, connection, head, request, timeouts)
        except _Stale:
            self.discard(connection)
            raise ProtocolViolation("Server disconnected without sending a response.") from None

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                self.discard(connection)
        self._idle.clear()
        closing, self._closing = self._closing, set()
        await asyncio.gather(*(writer.wait_closed() for writer in closing), return_exceptions=True)

    def discard(self, connection: _Connection) -> None:
        """Close a connection that will not be used again."""
        connection.writer.close()
        self._closing.add(connection.writer)

    def release(self, origin: Origin, connection: _Connection) -> None:
        """Keep a connection whose answer was read to the end, for the origin's next request."""
        idle = self._idle.setdefault(origin, [])
        if len(idle) >= self._idle_per_origin:
            self.discard(connection)
            return
        connection.idle_since = time.monotonic()
        idle.append(connection)

    def _take_idle(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
            self.discard(connection)
        return None

    async def _open(self, origin: Origin, timeout: float | None) -> _Connection:
        reader, writer = await self._connector.open(*origin, timeout)
        return _Connection(reader, writer)

    async def _exchange(
        self,
        origin: Origin,
        connection: _Connection,
        head: bytes,
        request: httpx.Request,
        timeouts: dict[str, float | None],
    ) -> httpx.Response:
        try:
            connection.writer.write(head)
            if connection.writer.transport.get_write_buffer_size():
                async with asyncio.timeout(timeouts.get("write")):
                    await connection.writer.drain()
            async with asyncio.timeout(timeouts.get("read")):
                status, reason, version, headers = await _read_head(connection.reader)
        except TimeoutError:
            self.discard(connection)
            raise ReadTimeout("the server sent no answer in time") from None
        except (ConnectionError, OSError) as error:
            self.discard(connection)
            raise ConnectionReset(f"the connection was reset: {error}") from error
        except ProtocolViolation:
            self.discard(connection)
            raise
        body = _Body(
            self,
            origin,
            connection,
            _framing(request.method, status, headers),
            _keeps_alive(version, headers),
            timeouts.get("read"),
        )
        return httpx.Response(
            status_code=status,
            headers=headers,
            stream=body,
            extensions={"http_version": version, "reason_phrase": reason},
        )


def _request_head(request: httpx.Request, content: bytes, *, absolute: bool) -> bytes:
    url = request.url
    target = url.raw_scheme + b"://" + url.netloc + url.raw_path if absolute else url.raw_path
    lines = [request.method.encode("ascii") + b" " + target + b" HTTP/1.1"]
    lines += [name + b": " + value for name, value in request.headers.raw]
    return b"\r\n".join(lines) + b"\r\n\r\n" + content


async def _read_head(
    reader: asyncio.StreamReader,
) -> tuple[int, bytes, bytes, list[tuple[bytes, bytes]]]:
    """The status line and headers of one answer, skipping any 1xx interim answers."""
    while True:
        try:
            raw = await _head_bytes(reader)
        except asyncio.IncompleteReadError as error:
            if not error.partial:
                raise _Stale() from None
            raise ProtocolViolation(
                f"illegal or incomplete answer: {error.partial[:40]!r}"
            ) from None
        except asyncio.LimitOverrunError:
            raise ProtocolViolation("the answer's head is over 64 KiB") from None
        status, reason, version, headers = _parse_head(raw)
        if not 100 <= status < 200:
            return status, reason, version, headers


async def _head_bytes(reader: asyncio.StreamReader) -> bytes:
    """An answer's head with CRLF line ends, also from servers that end lines with LF only."""
    lines: list[bytes] = []
    size = 0
    while line := (await reader.readuntil(b"\n")).rstrip(b"\r\n"):
        size += len(line)
        if size > HEAD_LIMIT:
            raise asyncio.LimitOverrunError("the head is too long", size)
        lines.append(line)
    if not lines:
        raise ProtocolViolation("an empty line where the status line should be")
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _parse_head(raw: bytes) -> tuple[int, bytes, bytes, list[tuple[bytes, bytes]]]:
    status_line, _, rest = raw[:-4].partition(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise ProtocolViolation(f"illegal status line: {status_line[:40]!r}")
    headers: list[tuple[bytes, bytes]] = []
    for line in rest.split(b"\r\n") if rest else ():
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise ProtocolViolation(f"illegal header line: {line[:40]!r}")
        headers.append((name, value.strip()))
    reason = parts[2] if len(parts) > 2 else b""
    return int(parts[1]), reason, parts[0], headers


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


@dataclass(frozen=True)
class _Framing:
    kind: str
    length: int = 0


def _framing(method: str, status: int, headers: list[tuple[bytes, bytes]]) -> _Framing:
    if method == "HEAD" or status in _NO_BODY:
        return _Framing("none")
    encoding = _header(headers, b"transfer-encoding")
    if encoding is not None and b"chunked" in encoding.lower():
        return _Framing("chunked")
    length = _header(headers, b"content-length")
    if length is not None:
        try:
            size = int(length)
        except ValueError:
            raise ProtocolViolation(f"illegal Content-Length: {length!r}") from None
        if size < 0:
            raise ProtocolViolation(f"illegal Content-Length: {length!r}")
        return _Framing("sized", size)
    return _Framing("until-close")


def _keeps_alive(version: bytes, headers: list[tuple[bytes, bytes]]) -> bool:
    connection = (_header(headers, b"connection") or b"").lower()
    if version == b"HTTP/1.0":
        return b"keep-alive" in connection
    return b"close" not in connection


class _Body(httpx.AsyncByteStream):
    """An answer's body as it arrives; the connection goes back to the pool once it is read."""

    def __init__(
        self,
        transport: LeanTransport,
        origin: Origin,
        connection: _Connection,
        framing: _Framing,
        keep_alive: bool,
        read_timeout: float | None,
    ):
        self._transport = transport
        self._origin = origin
        self._connection: _Connection | None = connection
        self._framing = framing
        self._keep_alive = keep_alive and framing.kind != "until-close"
        self._timeout = read_timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        try:
            async for chunk in self._chunks(connection.reader):
                yield chunk
        except TimeoutError:
            self._drop()
            raise ReadTimeout("the server stopped sending") from None
        except asyncio.IncompleteReadError:
            self._drop()
            raise ConnectionReset("the server closed the connection mid-body") from None
        except (ConnectionError, OSError) as error:
            self._drop()
            raise ConnectionReset(f"the connection was reset: {error}") from error
        except BaseException:
            self._drop()
            raise
        if self._keep_alive:
            self._connection = None
            self._transport.release(self._origin, connection)
        else:
            self._drop()

    async def aclose(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            self._transport.discard(self._connection)
            self._connection = None

    async def _chunks(self, reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
        kind = self._framing.kind
        if kind == "sized":
            async for chunk in self._sized(reader, self._framing.length):
                yield chunk
        elif kind == "chunked":
            while True:
                size = await self._chunk_size(reader)
                if size == 0:
                    await self._trailers(reader)
                    return
                async for chunk in self._sized(reader, size):
                    yield chunk
                await self._read(reader.readexactly(2))
        elif kind == "until-close":
            while chunk := await self._read(reader.read(_READ)):
                yield chunk

    async def _sized(self, reader: asyncio.StreamReader, size: int) -> AsyncIterator[bytes]:
        while size > 0:
            chunk = await self._read(reader.read(min(size, _READ)))
            if not chunk:
                raise asyncio.IncompleteReadError(b"", size)
            size -= len(chunk)
            yield chunk

    async def _chunk_size(self, reader: asyncio.StreamReader) -> int:
        line = await self._read(reader.readuntil(b"\r\n"))
        text = line.split(b";", 1)[0].strip()
        try:
            return int(text, 16)
        except ValueError:
            raise ProtocolViolation(f"illegal chunk size: {text[:20]!r}") from None

    async def _trailers(self, reader: asyncio.StreamReader) -> None:
        while (await self._read(reader.readuntil(b"\r\n"))) != b"\r\n":
            pass

    async def _read(self, operation: Any) -> bytes:
        async with asyncio.timeout(self._timeout):
            data: bytes = await operation
        return data
