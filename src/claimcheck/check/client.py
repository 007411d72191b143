"""The HTTP client: one httpx.AsyncClient whose connections only reach allowed addresses."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import httpcore
import httpx

from claimcheck.check.options import CheckOptions
from claimcheck.check.safety import AddressClass, classify_address, is_ip_literal


class NameNotFound(httpcore.ConnectError):
    """The host name does not resolve (NXDOMAIN, or no address of a usable family)."""


class NameLookupFailed(httpcore.ConnectError):
    """The resolver could not answer (a temporary failure, no resolver reachable)."""


class AddressRefused(httpcore.ConnectError):
    """Every address of the host is one claimcheck must not connect to."""

    def __init__(self, message: str, address_class: AddressClass):
        super().__init__(message)
        self.address_class = address_class


class Resolver(Protocol):
    """Turns a host name into addresses; raises NameNotFound or NameLookupFailed."""

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, in the order to try them."""
        ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo), with answers kept for the run."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, int], list[str]] = {}

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, looked up once per run."""
        cached = self._answers.get((host, port))
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            if error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
                raise NameNotFound(f"{host}: {error.strerror}") from None
            raise NameLookupFailed(f"{host}: {error.strerror}") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        self._answers[(host, port)] = addresses
        return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves names itself, refuses forbidden (and, unless allowed, private) addresses.

    The check is made on the resolved addresses at connect time, for every connection,
    so a redirect or a DNS answer cannot lead the checker to a metadata service.
    """

    def __init__(self, *, allow_private: bool, resolver: Resolver):
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private
        self._resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._addresses(host, port, timeout)
        allowed = [address for address in addresses if self._allowed(address)]
        if not allowed:
            worst = max((classify_address(a) for a in addresses), key=_severity)
            raise AddressRefused(f"{host} resolves to {', '.join(addresses)}", worst)
        error: Exception | None = None
        for address in allowed:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as caught:
                error = caught
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not checked")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def _allowed(self, address: str) -> bool:
        kind = classify_address(address)
        return kind is AddressClass.PUBLIC or (kind is AddressClass.PRIVATE and self._allow_private)

    async def _addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        bare = host.strip("[]")
        if is_ip_literal(bare):
            return [bare]
        try:
            return await asyncio.wait_for(self._resolver.resolve(bare, port), timeout)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"looking up {bare} timed out") from None


def _severity(kind: AddressClass) -> int:
    return {AddressClass.PUBLIC: 0, AddressClass.PRIVATE: 1, AddressClass.FORBIDDEN: 2}[kind]


_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.TimeoutException, httpx.TimeoutException),
)


@contextmanager
def _mapped() -> Iterator[None]:
    """httpcore's exceptions as httpx's, the original kept as ``__cause__``."""
    try:
        yield
    except (
        httpcore.TimeoutException,
        httpcore.NetworkError,
        httpcore.ProtocolError,
        httpcore.UnsupportedProtocol,
    ) as error:
        raise _httpx_error(error) from error


def _httpx_error(error: Exception) -> httpx.TransportError:
    for core, mapped in _EXCEPTIONS:
        if isinstance(error, core):
            return mapped(str(error))
    return httpx.TransportError(str(error))


class _Stream(httpx.AsyncByteStream):
    def __init__(self, stream: Any):
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport over httpcore pools, one per origin, using :class:`GuardedBackend`.

    One pool per origin keeps each host's connections alive between its requests; a single
    shared pool smaller than hosts x per-host limit keeps closing other hosts' connections.
    """

    def __init__(self, options: CheckOptions, resolver: Resolver, *, verify: bool):
        self._ssl_context = ssl_context(options, verify=verify)
        self._backend = GuardedBackend(allow_private=options.allow_private, resolver=resolver)
        self._per_origin = options.per_host
        self._pools: dict[tuple[bytes, bytes, int | None], httpcore.AsyncConnectionPool] = {}

    def _pool(self, url: httpx.URL) -> httpcore.AsyncConnectionPool:
        origin = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(origin)
        if pool is None:
            pool = httpcore.AsyncConnectionPool(
                ssl_context=self._ssl_context,
                max_connections=self._per_origin,
                max_keepalive_connections=self._per_origin,
                keepalive_expiry=5.0,
                network_backend=self._backend,
            )
            self._pools[origin] = pool
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _mapped():
            response = await self._pool(request.url).handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Stream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


def ssl_context(options: CheckOptions, *, verify: bool) -> ssl.SSLContext:
    """Verifying against the system store (plus ``ca_file``), or not verifying at all."""
    if not verify:
        # No certificates to load (that alone takes 50 ms): nothing is verified.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    if options.ca_file is not None:
        context.load_verify_locations(cafile=str(options.ca_file))
    return context


def make_client(
    options: CheckOptions, resolver: Resolver, *, verify: bool = True
) -> httpx.AsyncClient:
    """The client every request of a run goes through (one more, unverified, for TLS retries)."""
    return httpx.AsyncClient(
        transport=GuardedTransport(options, resolver, verify=verify),
        timeout=httpx.Timeout(
            connect=options.connect_timeout,
            read=options.read_timeout,
            write=options.read_timeout,
            pool=options.total_timeout,
        ),
        headers={
            "User-Agent": options.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
            **dict(options.extra_headers),
        },
        follow_redirects=False,
        trust_env=False,
    )
