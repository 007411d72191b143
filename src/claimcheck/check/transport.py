"""A lean HTTP/1.1 transport for httpx: h11 reads the wire, connections are kept alive per origin.

A link check sends one GET and reads a little of the answer, tens of thousands of times;
httpcore's general machinery costs more CPU per request than all of claimcheck's own work.
This transport does only what a checker needs, connects only through the guard, and leaves
every question of the protocol (framing, 1xx answers, keep-alive) to h11, the sans-IO parser
httpx itself is built on, so that claimcheck reads an answer exactly as h11 does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Protocol

import h11
import httpx

from claimcheck.check.faults import (
    BodyCutShort,
    ConnectionReset,
    Fault,
    InvalidRequest,
    ProtocolViolation,
    ReadTimeout,
)

# The most of an unfinished answer head (or line of chunked framing) h11 waits for: past it,
# the answer is malformed. Also the asyncio stream limit of the connector's connections.
HEAD_LIMIT = 64 * 1024
_READ = 64 * 1024
_KEEPALIVE = 5.0


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


# The rest of an answer let go of unread is read, to keep its connection, when it is this
# small and comes this soon: a redirect's or an error page's body, sent apart from its head.
_REST_LIMIT = 64 * 1024
_REST_WAIT = 0.25
# What h11's next_event returns (NEED_DATA only to the loop that then reads).
_Next = h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]


class _Connection:
    """One stream and the h11 state of the exchanges on it."""

    __slots__ = ("eof", "h11", "idle_since", "reader", "received", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=HEAD_LIMIT)
        self.idle_since = time.monotonic()
        self.received = 0  # bytes of the current answer received so far
        self.eof = False

    def usable(self) -> bool:
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < _KEEPALIVE
        )

    async def next_event(self, timeout: float | None) -> _Next:
        """h11's next event, reading from the stream as long as h11 needs more data."""
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            async with asyncio.timeout(timeout):
                data = await self.reader.read(_READ)
            self.received += len(data)
            self.eof = not data
            self.h11.receive_data(data)

    def reusable(self) -> bool:
        """After a complete answer: whether h11 lets the next request use this connection."""
        state = self.h11
        if state.our_state is h11.DONE and state.their_state is h11.DONE:
            state.start_next_cycle()
        return (
            state.our_state is h11.IDLE
            and state.their_state is h11.IDLE
            and not state.trailing_data[0]  # bytes past the answer: a server not to trust
        )


class _Stale(Exception):
    """Nothing of an answer arrived: the connection was closed or reset first.

    On a kept-alive connection the server had most likely closed it before our request
    arrived, and the request is sent again on a fresh one; on a fresh connection ``fault``
    is the failure.
    """

    def __init__(self, fault: Fault) -> None:
        super().__init__(str(fault))
        self.fault = fault


Origin = tuple[str, str, int]


class LeanTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 through h11 over asyncio streams, with idle connections kept per origin."""

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
        events = _request_events(request, content, absolute=self._connector.proxied(*origin))
        connection = self._take_idle(origin)
        if connection is not None:
            try:
                return await self._exchange(origin, connection, events, timeouts)
            except _Stale:
                pass
        connection = await self._open(origin, timeouts.get("connect"))
        try:
            return await self._exchange(origin, connection, events, timeouts)
        except _Stale as stale:
            raise stale.fault from None

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
        """Keep a connection whose answer was read to the end, if h11 says it can go on."""
        idle = self._idle.setdefault(origin, [])
        if len(idle) >= self._idle_per_origin or not connection.reusable():
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
        events: tuple[h11.Event, ...],
        timeouts: dict[str, float | None],
    ) -> httpx.Response:
        connection.received = 0
        try:
            data = b"".join(connection.h11.send(event) or b"" for event in events)
            connection.writer.write(data)
            if connection.writer.transport.get_write_buffer_size():
                async with asyncio.timeout(timeouts.get("write")):
                    await connection.writer.drain()
            answer = await _answer_head(connection, timeouts.get("read"))
        except BaseException as error:
            self.discard(connection)
            fault = _fault(error, connection, head=True)
            if fault is error:
                raise
            raise fault from None
        body = _Body(self, origin, connection, timeouts.get("read"))
        return httpx.Response(
            status_code=answer.status_code,
            headers=answer.headers.raw_items(),
            stream=body,
            extensions={
                "http_version": b"HTTP/" + answer.http_version,
                "reason_phrase": answer.reason,
            },
        )


def _request_events(
    request: httpx.Request, content: bytes, *, absolute: bool
) -> tuple[h11.Event, ...]:
    """The request as h11 events; InvalidRequest if h11 refuses to send it."""
    url = request.url
    target = url.raw_scheme + b"://" + url.netloc + url.raw_path if absolute else url.raw_path
    try:
        head = h11.Request(
            method=request.method.encode("ascii"), target=target, headers=request.headers.raw
        )
    except h11.LocalProtocolError as error:
        raise InvalidRequest(f"h11 will not send this request: {error}") from None
    if content:
        return head, h11.Data(data=content), h11.EndOfMessage()
    return head, h11.EndOfMessage()


async def _answer_head(connection: _Connection, timeout: float | None) -> h11.Response:
    """The answer's status line and headers, after any 1xx interim answers."""
    while True:
        event = await connection.next_event(timeout)
        if isinstance(event, h11.Response):
            return event
        if not isinstance(event, h11.InformationalResponse):
            raise ProtocolViolation(f"h11 read no answer but {type(event).__name__}")


def _fault(error: BaseException, connection: _Connection, *, head: bool) -> BaseException:
    """The fault ``error``, met while sending a request or reading its answer, stands for.

    Judged by type alone: a timeout, h11's refusal of the request or of the answer, a socket
    or TLS error. Closed or reset before any byte of the answer: _Stale. The stream ended
    inside a body h11 had begun to read: cut short, as a reset is. Anything else (a fault
    already, a cancellation) is itself.
    """
    if isinstance(error, TimeoutError):
        return ReadTimeout(
            "the server sent no answer in time" if head else "the server stopped sending"
        )
    if isinstance(error, h11.LocalProtocolError):
        return InvalidRequest(f"h11 will not send this request: {error}")
    fault: Fault
    if isinstance(error, OSError):  # ConnectionError, and ssl.SSLError mid-stream
        fault = (
            ConnectionReset(f"the connection was reset: {error}")
            if head
            else BodyCutShort(f"the connection was reset mid-body: {error}")
        )
    elif not isinstance(error, h11.RemoteProtocolError):
        return error
    elif head and not connection.received:
        fault = ProtocolViolation("the server closed the connection without an answer")
    elif not head and connection.eof:
        fault = BodyCutShort("the server closed the connection mid-body")
    else:
        fault = ProtocolViolation(f"h11: {error}")
    return _Stale(fault) if head and not connection.received else fault


class _Body(httpx.AsyncByteStream):
    """An answer's body as it arrives; the connection goes back to the pool once it is read."""

    def __init__(
        self,
        transport: LeanTransport,
        origin: Origin,
        connection: _Connection,
        read_timeout: float | None,
    ):
        self._transport = transport
        self._origin = origin
        self._connection: _Connection | None = connection
        self._timeout = read_timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        try:
            while True:
                event = await connection.next_event(self._timeout)
                if isinstance(event, h11.Data):
                    yield bytes(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
                else:
                    raise ProtocolViolation(f"h11 read {type(event).__name__} in the body")
        except BaseException as error:
            self._drop()
            fault = _fault(error, connection, head=False)
            if fault is error:
                raise
            raise fault from None
        self._connection = None
        self._transport.release(self._origin, connection)

    async def aclose(self) -> None:
        """Let go of the answer: the connection goes back to the pool when the rest of the
        answer is small and comes at once (a redirect's or an error page's body, sent with
        its head or just after), else it is closed rather than read."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            rest_read = await _read_rest(connection)
        except BaseException:
            self._transport.discard(connection)
            raise
        if rest_read:
            self._transport.release(self._origin, connection)
        else:
            self._transport.discard(connection)

    def _drop(self) -> None:
        if self._connection is not None:
            self._transport.discard(self._connection)
            self._connection = None


async def _read_rest(connection: _Connection) -> bool:
    """Read the rest of an answer let go of unread, if it is at most _REST_LIMIT bytes and
    comes within _REST_WAIT seconds; whether it did (the connection can go on)."""
    deadline = asyncio.get_running_loop().time() + _REST_WAIT
    read = 0
    try:
        while True:
            event = connection.h11.next_event()
            if isinstance(event, h11.EndOfMessage):
                return True
            if isinstance(event, h11.Data):
                read += len(event.data)
                if read > _REST_LIMIT:
                    return False
                continue
            if event is not h11.NEED_DATA:
                return False
            async with asyncio.timeout_at(deadline):
                data = await connection.reader.read(_READ)
            if not data:
                return False
            connection.h11.receive_data(data)
    except (h11.RemoteProtocolError, TimeoutError, OSError):
        return False
