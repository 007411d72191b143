"""Real HTTP(S) servers on loopback addresses, hostile ones too, for the link-checking tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import ipaddress
import itertools
import random
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import traceback
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self, cast
from urllib.parse import urlsplit

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# Names under .invalid never resolve (RFC 2606, RFC 6761): use them for "the domain is gone".
# glibc may still ask the configured resolver about them; the `offline_dns` fixture answers
# NXDOMAIN for every name that is not a loopback address or localhost, without any query.
NXDOMAIN_HOST = "gone.invalid"
NXDOMAIN_URL = f"http://{NXDOMAIN_HOST}/page"
# The certificate of `wrong_host_cert` names this address, which no Host here is served on.
WRONG_HOST = "127.9.9.9"
BROWSER_MARKER = "Mozilla/5.0"
HTML = "text/html; charset=utf-8"
DEFAULT_HOSTNAMES = ("127.0.0.1", "localhost")

_CONNECTION_ERRORS = (OSError, ValueError)  # ssl.SSLError is an OSError; ValueError: closed file
_HANDSHAKE_TIMEOUT = 10.0
_NOT_FOUND = (
    b"<!doctype html><html><head><title>Not Found</title></head>"
    b"<body><h1>Not Found</h1></body></html>"
)
_NO_BODY_STATUSES = frozenset({204, 304})


class Headers(Mapping[str, str]):
    """Case-insensitive, order-keeping headers; `get_all` returns every value of a repeated one."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.pairs: list[tuple[str, str]] = list(pairs)

    def __getitem__(self, key: str) -> str:
        wanted = key.lower()
        for name, value in self.pairs:
            if name.lower() == wanted:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for name, _ in self.pairs:
            if name.lower() not in seen:
                seen.add(name.lower())
                yield name

    def __len__(self) -> int:
        return len({name.lower() for name, _ in self.pairs})

    def get_all(self, key: str) -> list[str]:
        wanted = key.lower()
        return [value for name, value in self.pairs if name.lower() == wanted]

    def __repr__(self) -> str:
        return f"Headers({self.pairs!r})"


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    method: str
    target: str  # the request target as sent, query string included
    path: str
    query: str
    headers: Headers
    body: bytes
    client: tuple[str, int]
    time: float  # time.monotonic() when the request line and headers had arrived
    version: str = "HTTP/1.1"

    @property
    def user_agent(self) -> str:
        return self.headers.get("User-Agent", "")


@dataclass
class Response:
    """What to answer. Date, Server and Content-Length (or chunked framing) are added if absent.

    `chunks` is streamed after the headers, with Transfer-Encoding: chunked unless `headers`
    carry a Content-Length (then the chunks are written as they are); `drip` seconds pass
    between two chunks. `delay` seconds pass before anything is written. `close` resets the
    connection (RST) without any answer; `raw` is written verbatim instead of a response and
    the connection is closed.
    """

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunks: Iterable[bytes] | None = None
    delay: float = 0.0
    drip: float = 0.0
    close: bool = False
    raw: bytes | None = None
    reason: str | None = None


Handler = Callable[[Request], Response | None]
"""A route's handler; None answers the 404 page."""


class _Aborted(Exception):
    """The host is stopping, or the client went away: drop the connection quietly."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the listen backlog: socketserver's 5 stalls bursts of clients
    owner: Host

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn, a reverse DNS look-up: skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"{self.owner.base_url} connection",
            daemon=True,
        )
        with self.owner._lock:
            self.owner._threads.add(thread)
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        owner = self.owner
        conn: socket.socket = request
        try:
            if owner._ssl_context is not None:
                conn = owner._ssl_context.wrap_socket(
                    request, server_side=True, do_handshake_on_connect=False
                )
            with owner._lock:
                owner._connections.add(conn)
                stopping = owner._stopping.is_set()
            if not stopping:
                if isinstance(conn, ssl.SSLSocket):
                    conn.settimeout(_HANDSHAKE_TIMEOUT)
                    conn.do_handshake()
                    conn.settimeout(None)
                self.finish_request(conn, client_address)
        except Exception:
            self.handle_error(conn, client_address)
        finally:
            with owner._lock:
                owner._connections.discard(conn)
                owner._threads.discard(threading.current_thread())
            self.shutdown_request(conn)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if self.owner._stopping.is_set() or isinstance(error, _CONNECTION_ERRORS):
            return
        self.owner.errors.append(traceback.format_exc())
        traceback.print_exc(file=sys.stderr)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms ACK wait
    server: _Server

    def __getattr__(self, name: str) -> Any:
        # do_GET, do_HEAD, do_POST, ...: every method goes to the route table.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _dispatch(self) -> None:
        host = self.server.owner
        arrived = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            target=self.path,
            path=parts.path or "/",
            query=parts.query,
            headers=Headers(self.headers.items()),
            body=body,
            client=(str(self.client_address[0]), int(self.client_address[1])),
            time=arrived,
            version=self.request_version,
        )
        with host._lock:
            host._requests.append(request)
            host.in_flight += 1
            host.max_in_flight = max(host.max_in_flight, host.in_flight)
        try:
            self._answer(host, request)
        except (_Aborted, *_CONNECTION_ERRORS):
            self.close_connection = True
        finally:
            with host._lock:
                host.in_flight -= 1

    def _answer(self, host: Host, request: Request) -> None:
        handler = host._lookup(request)
        response: Response | None = None
        if handler is not None:
            try:
                response = handler(request)
            except Exception:
                host.errors.append(traceback.format_exc())
                traceback.print_exc(file=sys.stderr)
                response = Response(500, [("Content-Type", "text/plain")], b"handler failed")
        if response is None:
            response = Response(404, [("Content-Type", HTML)], _NOT_FOUND)
        if response.delay > 0 and host._stopping.wait(response.delay):
            raise _Aborted
        if response.close:
            self._reset()
        elif response.raw is not None:
            self.wfile.write(response.raw)
            self.close_connection = True
        else:
            self._write(host, request, response)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout: close() sends RST instead of FIN; `finish` closes.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._abort = True
        raise _Aborted

    def finish(self) -> None:
        super().finish()
        if getattr(self, "_abort", False):
            self.connection.close()

    def _write(self, host: Host, request: Request, response: Response) -> None:
        headers = Headers(response.headers)
        self.send_response_only(response.status, response.reason)
        if "Date" not in headers:
            self.send_header("Date", self.date_time_string())
        if "Server" not in headers:
            self.send_header("Server", "claimcheck-test-server")
        for name, value in response.headers:
            self.send_header(name, value)
        no_body = response.status in _NO_BODY_STATUSES or response.status < 200
        chunked = False
        if not no_body and "Content-Length" not in headers:
            if response.chunks is not None:
                if "Transfer-Encoding" not in headers:
                    self.send_header("Transfer-Encoding", "chunked")
                chunked = True
            else:
                self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if no_body or request.method == "HEAD":
            return
        if response.chunks is None:
            self.wfile.write(response.body)
            return
        for index, chunk in enumerate(response.chunks):
            if index and response.drip > 0 and host._stopping.wait(response.drip):
                raise _Aborted
            if host._stopping.is_set():
                raise _Aborted
            if not chunk:
                continue
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


class Host:
    """One HTTP/1.1 server on `address` (a 127.x.y.z address), an OS-chosen port, in a thread.

    `tls` is a LeafCert to serve, a CA to issue one for `address` from, or a callable
    `address -> LeafCert`. It starts at once; `stop()` (or leaving a `with` block) ends it.
    """

    def __init__(
        self,
        address: str = "127.0.0.1",
        *,
        tls: trustme.CA | trustme.LeafCert | Callable[[str], trustme.LeafCert] | None = None,
        routes: Mapping[str, Handler] | None = None,
        port: int = 0,
    ) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, Handler] = dict(routes or {})
        self._requests: list[Request] = []
        self._connections: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._stopping = threading.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        self.errors: list[str] = []  # tracebacks of handlers that raised (answered 500)
        self._ssl_context = _server_context(tls, address) if tls is not None else None
        self.scheme = "https" if self._ssl_context is not None else "http"
        self.host: str = address
        self.port: int = port
        self._server = _Server((address, port), _RequestHandler, bind_and_activate=False)
        self._server.owner = self
        try:
            self._server.server_bind()
            self._server.server_activate()
        except BaseException:
            self._server.server_close()
            raise
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.base_url} server",
            daemon=True,
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, handler: Handler) -> Self:
        """Answer `path` with `handler`; a key with '?' must match the whole target.

        The path "*" answers every request no other route matches (a catch-all site).
        """
        with self._lock:
            self._routes[path] = handler
        return self

    def _lookup(self, request: Request) -> Handler | None:
        with self._lock:
            return (
                self._routes.get(request.target)
                or self._routes.get(request.path)
                or self._routes.get("*")
            )

    @property
    def requests(self) -> list[Request]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def hits(self, path: str | None = None, method: str | None = None) -> list[Request]:
        """The requests for `path` (matched on the path, query ignored) and/or `method`."""
        return [
            r
            for r in self.requests
            if (path is None or r.path == path) and (method is None or r.method == method)
        ]

    def clear(self) -> None:
        """Forget the recorded requests and reset `max_in_flight`."""
        with self._lock:
            self._requests.clear()
            self.max_in_flight = self.in_flight

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, drop open connections and join the threads; safe to call twice."""
        with self._lock:
            if self._stopping.is_set():
                return
            self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            connections = list(self._connections)
            threads = list(self._threads)
        for conn in connections:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(conn, socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        self._thread.join(max(0.0, deadline - time.monotonic()))
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Host {self.base_url}>"


def _server_context(
    tls: trustme.CA | trustme.LeafCert | Callable[[str], trustme.LeafCert], address: str
) -> ssl.SSLContext:
    if isinstance(tls, trustme.CA):
        cert = server_cert(tls, (address,))
    elif isinstance(tls, trustme.LeafCert):
        cert = tls
    else:
        cert = tls(address)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    return context


# Handlers ---------------------------------------------------------------------------------


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def page(
    content: str | bytes,
    status: int = 200,
    content_type: str = HTML,
    headers: Iterable[tuple[str, str]] = (),
) -> Handler:
    """Answer `content` with `status`."""
    response_headers = [("Content-Type", content_type), *headers]
    body = _as_bytes(content)
    return lambda request: Response(status, list(response_headers), body)


def html_document(
    title: str, body_html: str = "", h1: str | None = None, extra_head: str = ""
) -> str:
    """A whole HTML document; `h1` defaults to the title ("" for none)."""
    heading = title if h1 is None else h1
    h1_html = f"<h1>{html.escape(heading)}</h1>\n" if heading else ""
    return (
        "<!doctype html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        f"<title>{html.escape(title)}</title>\n{extra_head}</head>\n"
        f"<body>\n{h1_html}{body_html}\n</body>\n</html>\n"
    )


def html_page(
    title: str, body_html: str = "", h1: str | None = None, extra_head: str = ""
) -> Handler:
    """A 200 full HTML document."""
    return page(html_document(title, body_html, h1, extra_head))


def status(code: int, headers: Iterable[tuple[str, str]] = (), body: bytes = b"") -> Handler:
    """Answer `code` with `headers` and `body`."""
    pairs = list(headers)
    return lambda request: Response(code, list(pairs), body)


def redirect(location: str, code: int = 302) -> Handler:
    """A redirect to `location` (kept as given: relative locations stay relative)."""
    link = html.escape(location)
    body = f'<!doctype html><title>Moved</title><a href="{link}">{link}</a>'.encode()
    return status(code, [("Location", location), ("Content-Type", HTML)], body)


def meta_refresh(location: str, delay: int = 0) -> Handler:
    """A 200 HTML page whose <meta http-equiv="refresh"> points at `location`."""
    content = html.escape(f"{delay}; url={location}", quote=True)
    head = f'<meta http-equiv="refresh" content="{content}">\n'
    return html_page(
        "Redirecting", f"<p>This page has moved to {html.escape(location)}.</p>", "", head
    )


def sequence(*handlers: Handler) -> Handler:
    """The first request gets the first handler, the second the second, ..., then the last."""
    if not handlers:
        raise ValueError("sequence() needs at least one handler")
    lock = threading.Lock()
    count = itertools.count()

    def answer(request: Request) -> Response | None:
        with lock:
            index = next(count)
        return handlers[min(index, len(handlers) - 1)](request)

    return answer


def retry_after(
    seconds_or_date: float | str | dt.datetime, code: int = 429, then: Handler | None = None
) -> Handler:
    """`code` with Retry-After on the first request, then `then` (a 200 page by default)."""
    if isinstance(seconds_or_date, dt.datetime):
        value = format_datetime(seconds_or_date.astimezone(dt.UTC), usegmt=True)
    elif isinstance(seconds_or_date, float) and not seconds_or_date.is_integer():
        value = str(seconds_or_date)
    elif isinstance(seconds_or_date, int | float):
        value = str(int(seconds_or_date))
    else:
        value = seconds_or_date
    first = status(code, [("Retry-After", value), ("Content-Type", "text/plain")], b"slow down")
    return sequence(first, then or html_page("OK"))


def slow(handler: Handler, delay: float) -> Handler:
    """`handler`'s answer, `delay` seconds late (the wait ends early when the host stops)."""

    def answer(request: Request) -> Response | None:
        response = handler(request)
        if response is None:
            response = Response(404, [("Content-Type", HTML)], _NOT_FOUND)
        return replace(response, delay=response.delay + delay)

    return answer


_DRIP_PREFIX = b"<!doctype html><html><head><title>drip</title></head><body>"


def _drip_bytes(total: int | None) -> Iterator[bytes]:
    stream = itertools.chain(_DRIP_PREFIX, itertools.repeat(ord(".")))
    for byte in itertools.islice(stream, total):
        yield bytes((byte,))


def drip(total_bytes: int | None = None, interval: float = 1.0) -> Handler:
    """A 200 HTML body, one byte every `interval` seconds; endless when `total_bytes` is None.

    With a total the response has a Content-Length, otherwise it is chunked.
    """
    length = [] if total_bytes is None else [("Content-Length", str(total_bytes))]
    return lambda request: Response(
        200, [("Content-Type", HTML), *length], chunks=_drip_bytes(total_bytes), drip=interval
    )


ENDLESS_CHUNK = b"<p>" + b"." * (65536 - 3)


def endless() -> Handler:
    """A 200 HTML body streamed forever in 64 KiB chunks: the client must stop by its cap."""
    return lambda request: Response(
        200, [("Content-Type", HTML)], chunks=itertools.repeat(ENDLESS_CHUNK)
    )


@functools.cache
def gzip_zeros(decoded_size: int) -> bytes:
    """A gzip stream of `decoded_size` zero bytes, about 1/1000 of that size; cached.

    Each MiB is deflated once and repeated: after Z_FULL_FLUSH the compressor starts afresh,
    so every full MiB compresses to the same bytes.
    """
    block = 1 << 20
    full, rest = divmod(decoded_size, block)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(block)
    compressed_block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail_compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = tail_compressor.compress(bytes(rest)) + tail_compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(full):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, mtime 0, unix
    trailer = struct.pack("<II", crc, decoded_size & 0xFFFFFFFF)
    return header + compressed_block * full + tail + trailer


def gzip_bomb(decoded_size: int = 1 << 30) -> Handler:
    """A 200 `Content-Encoding: gzip` HTML response: ~1 MB on the wire per GiB decoded."""
    body = gzip_zeros(decoded_size)
    return lambda request: Response(
        200, [("Content-Type", HTML), ("Content-Encoding", "gzip")], body
    )


def head_hostile(handler: Handler, reset_head: bool = False) -> Handler:
    """405 (or, with `reset_head`, a reset) to HEAD; `handler` to every other method."""

    def answer(request: Request) -> Response | None:
        if request.method != "HEAD":
            return handler(request)
        if reset_head:
            return Response(close=True)
        return Response(405, [("Allow", "GET"), ("Content-Type", "text/plain")], b"no HEAD")

    return answer


def ua_hostile(handler: Handler) -> Handler:
    """403 unless the User-Agent looks like a browser's (holds "Mozilla/5.0"), else `handler`."""

    def answer(request: Request) -> Response | None:
        if BROWSER_MARKER in request.user_agent:
            return handler(request)
        return Response(403, [("Content-Type", HTML)], html_document("Forbidden").encode())

    return answer


BOT_CHALLENGE_BODY = html_document(
    "Just a moment...",
    '<div id="challenge-error-text">Enable JavaScript and cookies to continue</div>\n'
    '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>',
    h1="",
    extra_head='<meta name="robots" content="noindex,nofollow">\n',
).encode()


def bot_challenge() -> Handler:
    """A Cloudflare-style bot challenge: 403, Server: cloudflare, cf-mitigated: challenge."""
    headers = [
        ("Content-Type", "text/html; charset=UTF-8"),
        ("Server", "cloudflare"),
        ("cf-mitigated", "challenge"),
        ("cf-ray", "8f1e2d3c4b5a6978-AMS"),
        ("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate"),
    ]
    return status(403, headers, BOT_CHALLENGE_BODY)


def reset() -> Handler:
    """Reset the connection (RST) after reading the request, without any answer."""
    return lambda request: Response(close=True)


def malformed(garbage: bytes = b"NOT HTTP\r\n\r\n") -> Handler:
    """Write `garbage`, which is not HTTP, then close the connection."""
    return lambda request: Response(raw=garbage)


# TLS --------------------------------------------------------------------------------------


def _names(hostnames: str | Sequence[str]) -> tuple[str, ...]:
    return (hostnames,) if isinstance(hostnames, str) else tuple(hostnames)


def make_ca() -> trustme.CA:
    """A new certificate authority."""
    return trustme.CA()


def server_cert(
    ca: trustme.CA, hostnames: str | Sequence[str] = DEFAULT_HOSTNAMES
) -> trustme.LeafCert:
    """A valid certificate from `ca` for `hostnames` (IP addresses become IP SANs)."""
    return ca.issue_cert(*_names(hostnames))


def expired_cert(
    ca: trustme.CA, hostnames: str | Sequence[str] = DEFAULT_HOSTNAMES
) -> trustme.LeafCert:
    """A certificate from `ca` that expired yesterday.

    Only `not_after` is set (trustme >= 0.8); trustme's not-before is 2000-01-01. (`not_before`
    exists from trustme 1.2 only.)
    """
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    return ca.issue_cert(*_names(hostnames), not_after=yesterday)


def untrusted_cert(hostnames: str | Sequence[str] = DEFAULT_HOSTNAMES) -> trustme.LeafCert:
    """A certificate from a throwaway CA that nobody trusts."""
    return make_ca().issue_cert(*_names(hostnames))


def self_signed_cert(hostnames: str | Sequence[str] = DEFAULT_HOSTNAMES) -> trustme.LeafCert:
    """A truly self-signed certificate (its own issuer) for `hostnames`."""
    key = ec.generate_private_key(ec.SECP256R1())
    names = _names(hostnames)
    sans: list[x509.GeneralName] = []
    for name in names:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            sans.append(x509.DNSName(name))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return trustme.LeafCert(key_pem, cert.public_bytes(serialization.Encoding.PEM), [])


def wrong_host_cert(ca: trustme.CA, hostname: str = WRONG_HOST) -> trustme.LeafCert:
    """A valid certificate from `ca`, but for `hostname` (127.9.9.9) only."""
    return ca.issue_cert(hostname)


def ca_file(ca: trustme.CA, directory: Path) -> Path:
    """Write `ca`'s certificate as PEM into `directory` and return the file's path."""
    path = Path(directory) / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def client_context(ca: trustme.CA | Path | str) -> ssl.SSLContext:
    """A client SSLContext that trusts `ca` (a CA or a PEM file) and nothing else.

    Pass it as httpx's `verify=`: httpx 0.28 deprecates `verify=<path>`.
    """
    if isinstance(ca, trustme.CA):
        context = ssl.create_default_context()
        context.load_verify_locations(cadata=ca.cert_pem.bytes().decode("ascii"))
        return context
    return ssl.create_default_context(cafile=str(ca))


# Addresses and names ----------------------------------------------------------------------


def _bindable(address: str) -> bool:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True


def free_addresses(n: int) -> list[str]:
    """`n` distinct, bindable loopback addresses in 127.42.0.0/16, each standing for a host."""
    chosen: list[str] = []
    candidates = random.sample(range(256 * 254), k=min(256 * 254, n * 4 + 16))
    for index in candidates:
        address = f"127.42.{index // 254}.{index % 254 + 1}"
        if _bindable(address):
            chosen.append(address)
            if len(chosen) == n:
                return chosen
    raise RuntimeError(f"only {len(chosen)} of {n} loopback addresses are bindable")


_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def _is_loopback_literal(name: str) -> bool:
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


# Fixtures ---------------------------------------------------------------------------------


class HostFactory(Protocol):
    """The `hosts` fixture: `hosts(n, tls=None) -> list[Host]`."""

    def __call__(self, n: int = 1, tls: object = None) -> list[Host]: ...


_TLS_KINDS = ("trusted", "expired", "self-signed", "untrusted", "wrong-host")


def _resolve_tls(tls: object, ca: trustme.CA) -> Callable[[str], trustme.LeafCert] | None:
    if tls is None or tls is False:
        return None
    if tls is True or tls == "trusted":
        return lambda address: server_cert(ca, (address,))
    if tls == "expired":
        return lambda address: expired_cert(ca, (address,))
    if tls == "self-signed":
        return lambda address: self_signed_cert((address,))
    if tls == "untrusted":
        return lambda address: untrusted_cert((address,))
    if tls == "wrong-host":
        return lambda address: wrong_host_cert(ca)
    if isinstance(tls, trustme.CA):
        other = tls
        return lambda address: server_cert(other, (address,))
    if isinstance(tls, trustme.LeafCert):
        leaf = tls
        return lambda address: leaf
    if callable(tls):
        return cast(Callable[[str], trustme.LeafCert], tls)
    raise ValueError(f"tls must be None, True, one of {_TLS_KINDS}, a CA, a LeafCert or a callable")


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    """The session's certificate authority; `hosts(n, tls=True)` serves certificates from it."""
    return make_ca()


@pytest.fixture(scope="session")
def ca_bundle(tls_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PEM file of `tls_ca`, for a client to trust."""
    return ca_file(tls_ca, tmp_path_factory.mktemp("ca"))


@pytest.fixture
def hosts(tls_ca: trustme.CA) -> Iterator[HostFactory]:
    """A factory of running hosts on distinct loopback addresses, all stopped at teardown.

    `tls`: None (plain HTTP), True or "trusted" (a certificate from `tls_ca` for each host's
    address), "expired", "self-signed", "untrusted", "wrong-host", a CA, a LeafCert, or a
    callable `address -> LeafCert`.
    """
    started: list[Host] = []

    def factory(n: int = 1, tls: object = None) -> list[Host]:
        issue = _resolve_tls(tls, tls_ca)
        for address in free_addresses(n):
            started.append(Host(address, tls=issue))
        return started[-n:] if n else []

    try:
        yield factory
    finally:
        for host in started:
            host.stop()


@pytest.fixture
def offline_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer NXDOMAIN for every name but loopback addresses and localhost, asking no resolver."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if (
            name is None
            or name.lower().rstrip(".") in _LOOPBACK_NAMES
            or _is_loopback_literal(name)
        ):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
