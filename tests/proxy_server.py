"""An HTTP proxy on loopback for the tests: CONNECT tunnels and absolute-form requests, counted."""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import select
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import pytest

_HEAD_LIMIT = 64 * 1024
_IDLE = 5.0
_REASONS = {407: "Proxy Authentication Required", 502: "Bad Gateway", 504: "Gateway Timeout"}


@dataclass(frozen=True)
class Relayed:
    """One request the proxy received: CONNECT's authority or an absolute-form URL."""

    method: str
    target: str
    headers: dict[str, str]


@dataclass
class ProxyServer:
    """A threaded HTTP proxy on 127.0.0.1 that relays CONNECT tunnels and absolute-form requests.

    It resolves only ``names`` (name -> loopback address) and IP literals; any other name, or a
    target that does not accept the connection, gets 502. ``ports`` sends a name to another
    port than its URL's (a loopback server stands in for a site on port 80). ``answer`` makes
    it answer every request with that status instead (407, 502...); ``credentials``
    (``user:password``) makes it demand them as Basic Proxy-Authorization, answering 407
    without them.
    """

    names: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    answer: int | None = None
    credentials: str | None = None
    received: list[Relayed] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                owner._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The proxy's URL, to give as --proxy or HTTPS_PROXY."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def connects(self) -> list[str]:
        """The authorities (host:port) of every CONNECT received."""
        with self._lock:
            return [r.target for r in self.received if r.method == "CONNECT"]

    @property
    def forwarded(self) -> list[str]:
        """The absolute-form URLs of every other request received."""
        with self._lock:
            return [r.target for r in self.received if r.method != "CONNECT"]

    def stop(self) -> None:
        """Stop accepting and cut every connection still open."""
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        client.settimeout(_IDLE)
        try:
            head, rest = _read_head(client)
            if head is None:
                return
            method, target, headers = _parse(head)
            with self._lock:
                self.received.append(Relayed(method, target, headers))
            refusal = self._refusal(headers)
            if refusal is not None:
                _answer(client, refusal)
                return
            authority = target if method == "CONNECT" else urlsplit(target).netloc
            upstream = self._connect(authority)
            if upstream is None:
                _answer(client, 502)
                return
            with upstream:
                self._track(upstream)
                if method == "CONNECT":
                    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                else:
                    upstream.sendall(_origin_form(head) + rest)
                _relay(client, upstream)
        except OSError:
            return
        finally:
            client.close()

    def _refusal(self, headers: dict[str, str]) -> int | None:
        if self.answer is not None:
            return self.answer
        if self.credentials is not None:
            expected = "Basic " + base64.b64encode(self.credentials.encode()).decode()
            if headers.get("proxy-authorization") != expected:
                return 407
        return None

    def _connect(self, authority: str) -> socket.socket | None:
        parsed = urlsplit(f"//{authority}")
        host = parsed.hostname or ""
        address = self.names.get(host, host)
        try:
            ipaddress.ip_address(address)
            target = (address, self.ports.get(host) or parsed.port or 80)
            return socket.create_connection(target, timeout=_IDLE)
        except (ValueError, OSError):
            return None

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)


def _read_head(client: socket.socket) -> tuple[bytes | None, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(4096)
        if not chunk or len(data) > _HEAD_LIMIT:
            return None, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _parse(head: bytes) -> tuple[str, str, dict[str, str]]:
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, target, _version = request_line.split(" ", 2)
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return method, target, headers


def _origin_form(head: bytes) -> bytes:
    """The request in origin form, its connection closed after one answer."""
    request_line, *lines = head.split(b"\r\n")
    method, target, version = request_line.split(b" ", 2)
    path = urlsplit(target.decode("latin-1"))
    origin = (path.path or "/") + (f"?{path.query}" if path.query else "")
    kept = [
        line
        for line in lines
        if line.split(b":", 1)[0].strip().lower()
        not in {b"proxy-authorization", b"connection", b"proxy-connection"}
    ]
    return (
        b"\r\n".join(
            [method + b" " + origin.encode("latin-1") + b" " + version, *kept, b"Connection: close"]
        )
        + b"\r\n\r\n"
    )


def _answer(client: socket.socket, status: int) -> None:
    reason = _REASONS.get(status, "Refused")
    extra = 'Proxy-Authenticate: Basic realm="test"\r\n' if status == 407 else ""
    client.sendall(
        f"HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: 0\r\n"
        "Connection: close\r\n\r\n".encode("ascii")
    )


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either side closes or both are idle for a while."""
    sockets = [client, upstream]
    while True:
        ready, _, _ = select.select(sockets, [], [], _IDLE)
        if not ready:
            return
        for sock in ready:
            data = sock.recv(65536)
            if not data:
                return
            (upstream if sock is client else client).sendall(data)


@pytest.fixture
def proxy() -> Iterator[ProxyServer]:
    """A running proxy, stopped at teardown."""
    with ProxyServer() as server:
        yield server
