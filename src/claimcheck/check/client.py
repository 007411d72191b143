"""The HTTP client: one httpx.AsyncClient whose connections only reach allowed addresses."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable
from http.cookiejar import Cookie
from typing import Any

import httpx

from claimcheck.check.faults import (
    AddressRefused,
    ConnectFailed,
    ConnectionRefused,
    ConnectTimeout,
    LookupFailed,
    LookupTimeout,
    NameNotFound,
    ProxyFailed,
    TLSFailed,
    TLSVerifyFailed,
)
from claimcheck.check.options import CheckOptions
from claimcheck.check.proxy import Proxy
from claimcheck.check.resolver import Resolver
from claimcheck.check.safety import AddressClass, classify_address, is_ip_literal, worst
from claimcheck.check.transport import HEAD_LIMIT, LeanTransport
from claimcheck.check.trust import unverified_context, verifying_context
from claimcheck.check.tunnel import open_tunnel


class GuardedConnector:
    """Opens connections only to allowed addresses, checked after the name is resolved.

    The check is made on the resolved addresses for every connection, so neither a redirect
    nor a DNS answer can lead the checker to a metadata service. Through a proxy the check
    is made on the target's addresses (the proxy itself may be private, never forbidden).
    """

    def __init__(self, options: CheckOptions, resolver: Resolver, *, verify: bool):
        self._allow_private = options.allow_private
        self._resolver = resolver
        self._routes = options.proxies
        self._lookup_wait = options.dns_timeout
        self._ca_bundle = options.ca_bundle
        self._verify = verify
        self._context: ssl.SSLContext | None = None

    async def open(
        self, scheme: str, host: str, port: int, timeout: float | None
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A stream to ``host``: TLS for https, within ``timeout`` seconds.

        Through a proxy: a CONNECT tunnel for https, the proxy's own stream for http.
        Raises a fault of check/faults.py saying why not: the name, the address, the
        connection, the proxy or the TLS handshake.
        """
        proxy = self._routes.route(scheme, host, port)
        try:
            async with asyncio.timeout(timeout):
                if proxy is None:
                    addresses = await self._addresses(host, port)
                    return await self._connect(scheme, host, port, addresses)
                tunnel = scheme == "https"
                reader, writer = await self._through(proxy, host, port, tunnel=tunnel)
                if tunnel:
                    await _closing_on_failure(writer, self._start_tls(writer, host))
                return reader, writer
        except TimeoutError:
            raise ConnectTimeout(f"connecting to {host} timed out") from None

    async def reach(self, host: str, port: int, timeout: float | None) -> None:
        """Return once ``host:port`` accepts a connection, or raise a fault saying why not.

        Through a proxy this is a CONNECT tunnel (no TLS): the proxy reached the host. A
        connection to the proxy alone would prove nothing about the network beyond it.
        """
        proxy = self._routes.route("https", host, port) or self._routes.route("http", host, port)
        try:
            async with asyncio.timeout(timeout):
                if proxy is None:
                    addresses = await self._addresses(host, port)
                    _reader, writer = await self._connect("http", host, port, addresses)
                else:
                    _reader, writer = await self._through(proxy, host, port, tunnel=True)
        except TimeoutError:
            raise ConnectTimeout(f"connecting to {host} timed out") from None
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()

    @property
    def _ssl(self) -> ssl.SSLContext:
        """The TLS context, made at the first https connection: loading the system's
        certificates takes tens of milliseconds a run of plain-http links need not pay."""
        if self._context is None:
            self._context = (
                verifying_context(self._ca_bundle) if self._verify else unverified_context()
            )
        return self._context

    def proxied(self, scheme: str, host: str, port: int) -> bool:
        """Whether requests to this origin go to an HTTP proxy in absolute form (plain http)."""
        return scheme == "http" and self._routes.route(scheme, host, port) is not None

    def proxy_authorization(self, scheme: str, host: str, port: int) -> str | None:
        """The Proxy-Authorization a request to this origin carries in its head, if any."""
        proxy = self._routes.route(scheme, host, port) if scheme == "http" else None
        return proxy.authorization if proxy is not None else None

    async def _addresses(self, host: str, port: int) -> list[str]:
        bare = host.strip("[]")
        addresses = [bare] if is_ip_literal(bare) else await self._resolver.resolve(bare, port)
        allowed = [address for address in addresses if self._allowed(address)]
        if not allowed:
            kind = worst([classify_address(a) for a in addresses])
            raise AddressRefused(f"{bare} resolves to {', '.join(addresses)}", kind)
        return allowed

    async def _through(
        self, proxy: Proxy, host: str, port: int, *, tunnel: bool
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A stream to the proxy, for ``host:port`` (tunnelled with CONNECT if ``tunnel``)."""
        await self._guard_target(host, port)
        reader, writer = await self._reach_proxy(proxy)
        if tunnel:
            await _closing_on_failure(writer, open_tunnel(reader, writer, proxy, host, port))
        return reader, writer

    async def _guard_target(self, host: str, port: int) -> None:
        """Refuse a target any of whose addresses is not allowed (the proxy picks which).

        A name this machine cannot look up (behind a proxy there is often no DNS) is left to
        the proxy to resolve: the proxy's answer decides, and a failed lookup kills nothing.
        """
        bare = host.strip("[]")
        if is_ip_literal(bare):
            addresses = [bare]
        else:
            try:
                async with asyncio.timeout(self._lookup_wait):
                    addresses = await self._resolver.resolve(bare, port)
            except (NameNotFound, LookupFailed, LookupTimeout, TimeoutError):
                return
        refused = [address for address in addresses if not self._allowed(address)]
        if refused:
            kind = worst([classify_address(a) for a in refused])
            raise AddressRefused(f"{bare} resolves to {', '.join(addresses)}", kind)

    async def _reach_proxy(self, proxy: Proxy) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A connection to the proxy: private addresses allowed, forbidden ones never."""
        try:
            addresses = (
                [proxy.host]
                if is_ip_literal(proxy.host)
                else await self._resolver.resolve(proxy.host, proxy.port)
            )
        except (NameNotFound, LookupFailed, LookupTimeout) as error:
            raise ProxyFailed(f"cannot look up the proxy {proxy.address}: {error}") from error
        usable = [a for a in addresses if classify_address(a) is not AddressClass.FORBIDDEN]
        if not usable:
            raise ProxyFailed(
                f"the proxy {proxy.address} resolves to {', '.join(addresses)}, "
                "a link-local or metadata address claimcheck never connects to"
            )
        try:
            return await self._connect("http", proxy.host, proxy.port, usable)
        except (ConnectionRefused, ConnectFailed) as error:
            raise ProxyFailed(f"cannot connect to the proxy {proxy.address}: {error}") from error

    async def _start_tls(self, writer: asyncio.StreamWriter, host: str) -> None:
        try:
            await writer.start_tls(self._ssl, server_hostname=host.strip("[]"))
        except ssl.SSLCertVerificationError as caught:
            raise TLSVerifyFailed(caught.verify_message or str(caught)) from caught
        except ssl.SSLError as caught:
            raise TLSFailed(f"TLS handshake failed: {caught.reason or caught}") from caught
        except OSError as caught:
            raise TLSFailed(f"the tunnel closed during the TLS handshake: {caught}") from caught

    async def _connect(
        self, scheme: str, host: str, port: int, addresses: list[str]
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        tls = self._ssl if scheme == "https" else None
        error: BaseException | None = None
        for address in addresses:
            try:
                return await asyncio.open_connection(
                    address,
                    port,
                    ssl=tls,
                    server_hostname=host.strip("[]") if tls else None,
                    limit=HEAD_LIMIT,
                )
            except ssl.SSLCertVerificationError as caught:
                raise TLSVerifyFailed(caught.verify_message or str(caught)) from caught
            except ssl.SSLError as caught:
                raise TLSFailed(f"TLS handshake failed: {caught.reason or caught}") from caught
            except OSError as caught:
                error = caught
        if isinstance(error, ConnectionRefusedError):
            raise ConnectionRefused(f"{host}:{port} refused the connection") from error
        raise ConnectFailed(f"could not connect to {host}: {error}") from error

    def _allowed(self, address: str) -> bool:
        kind = classify_address(address)
        return kind is AddressClass.PUBLIC or (kind is AddressClass.PRIVATE and self._allow_private)


async def _closing_on_failure(writer: asyncio.StreamWriter, step: Awaitable[None]) -> None:
    """Await ``step`` on a fresh connection, closing the connection if it fails."""
    try:
        await step
    except BaseException:
        writer.close()
        raise


class _ProxyCredentials(httpx.AsyncBaseTransport):
    """Adds Proxy-Authorization to plain-http requests sent to a proxy in absolute form.

    The header goes on a copy of the request: the request httpx keeps (and the archive
    records) never carries the credentials. A 407 from the proxy is a proxy failure, not
    the page's answer.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, connector: GuardedConnector):
        self._inner = inner
        self._connector = connector

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = (url.scheme, url.raw_host.decode("ascii"), url.port or 80)
        if not self._connector.proxied(*origin):
            return await self._inner.handle_async_request(request)
        authorization = self._connector.proxy_authorization(*origin)
        if authorization is not None:
            headers = request.headers.copy()
            headers["Proxy-Authorization"] = authorization
            request = httpx.Request(
                request.method,
                url,
                headers=headers,
                stream=request.stream,
                extensions=request.extensions,
            )
        response = await self._inner.handle_async_request(request)
        if response.status_code == 407:
            await response.aclose()
            asked = "refused the credentials" if authorization else "requires authentication"
            raise ProxyFailed(f"the proxy {asked} (407 Proxy Authentication Required)")
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class _Cookies(httpx.Cookies):
    """The run's cookies; an answer without Set-Cookie costs nothing to look at.

    A cookie whose name and value hold more than ``COOKIE_LIMIT`` bytes is ignored, as
    browsers ignore it (RFC 6265bis): sent back, it makes many servers answer 400 to every
    later request to the host. So is a cookie whose name or value is not ASCII: httpx writes
    the Cookie header in ASCII only, and could send no request to the host while it is kept.
    An ignored cookie leaves the one of its name already kept as it was.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" not in response.headers:
            return
        request = self._CookieCompatRequest(response.request)
        answer = self._CookieCompatResponse(response)
        for cookie in self.jar.make_cookies(answer, request):  # type: ignore[arg-type]
            if _sendable(cookie):
                self.jar.set_cookie_if_ok(cookie, request)


# The longest cookie (its name and value together, in bytes) a browser keeps: RFC 6265bis,
# Chrome and Firefox ignore a longer one.
COOKIE_LIMIT = 4096


def _sendable(cookie: Cookie) -> bool:
    """Whether ``cookie`` can go in a request's Cookie header, as a browser would send it."""
    name, value = cookie.name, cookie.value or ""
    return name.isascii() and value.isascii() and len(name) + len(value) <= COOKIE_LIMIT


class Redirected(Exception):
    """A redirect, handed back as it came: the fetcher follows redirects itself.

    httpx builds the next request of every redirect it is given, even one it will not
    follow, and fails on what it cannot parse (``mailto:``, ``data:``, a host IDNA rejects)
    before the fetcher sees the answer. Raised by a response hook, this ends the request
    (httpx closes the response) with the answer's status and headers intact.
    """

    def __init__(self, response: httpx.Response):
        super().__init__(f"redirected ({response.status_code})")
        self.response = response


async def _hand_back_redirects(response: httpx.Response) -> None:
    if response.has_redirect_location:
        raise Redirected(response)


class CheckerClient(httpx.AsyncClient):
    """httpx's client, keeping cookies as a browser does (so cookie walls do not loop).

    httpx reads every answer's cookies through urllib's adapters, about a tenth of a link
    check's CPU; here only answers that set a cookie pay for it.
    """

    def __init__(self, **options: Any):
        super().__init__(**options)
        self._run_cookies = _Cookies()

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookies servers have set during this run."""
        return self._run_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._run_cookies = _Cookies(cookies)


def guarded_transport(
    options: CheckOptions, resolver: Resolver, *, verify: bool = True
) -> httpx.AsyncBaseTransport:
    """The one way claimcheck connects anywhere: through the guard, and the proxies if set.

    The link check, the DOI look-ups and the Wayback client all send their requests through
    such a transport; the network probe uses the same GuardedConnector.
    """
    connector = GuardedConnector(options, resolver, verify=verify)
    transport: httpx.AsyncBaseTransport = LeanTransport(connector, idle_per_origin=options.per_host)
    if options.proxies.http is not None:
        transport = _ProxyCredentials(transport, connector)
    return transport


def make_client(
    options: CheckOptions, resolver: Resolver, *, verify: bool = True
) -> httpx.AsyncClient:
    """The client every request of a run goes through (one more, unverified, for TLS retries)."""
    return CheckerClient(
        transport=guarded_transport(options, resolver, verify=verify),
        timeout=httpx.Timeout(
            connect=options.connect_timeout,
            read=options.read_timeout,
            write=options.read_timeout,
            pool=options.timeout,
        ),
        headers={
            "User-Agent": options.agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
            **dict(options.extra_headers),
        },
        follow_redirects=False,
        event_hooks={"response": [_hand_back_redirects]},
        trust_env=False,
    )
