"""The HTTP client: one httpx.AsyncClient whose connections only reach allowed addresses."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import httpx

from claimcheck.check.faults import (
    AddressRefused,
    ConnectFailed,
    ConnectionRefused,
    ConnectTimeout,
    TLSFailed,
    TLSVerifyFailed,
)
from claimcheck.check.options import CheckOptions
from claimcheck.check.resolver import Resolver
from claimcheck.check.safety import AddressClass, classify_address, is_ip_literal
from claimcheck.check.transport import HEAD_LIMIT, LeanTransport


class GuardedConnector:
    """Opens connections only to allowed addresses, checked after the name is resolved.

    The check is made on the resolved addresses for every connection, so neither a redirect
    nor a DNS answer can lead the checker to a metadata service.
    """

    def __init__(self, options: CheckOptions, resolver: Resolver, *, verify: bool):
        self._allow_private = options.allow_private
        self._resolver = resolver
        self._ssl = ssl_context(options, verify=verify)

    async def open(
        self, scheme: str, host: str, port: int, timeout: float | None
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A stream to ``host``: TLS for https, within ``timeout`` seconds.

        Raises a fault of check/faults.py saying why not: the name, the address, the
        connection or the TLS handshake.
        """
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._addresses(host, port)
                return await self._connect(scheme, host, port, addresses)
        except TimeoutError:
            raise ConnectTimeout(f"connecting to {host} timed out") from None

    def proxied(self, scheme: str, host: str, port: int) -> bool:
        """Whether requests to this origin go to a proxy in absolute form (none here)."""
        return False

    async def _addresses(self, host: str, port: int) -> list[str]:
        bare = host.strip("[]")
        addresses = [bare] if is_ip_literal(bare) else await self._resolver.resolve(bare, port)
        allowed = [address for address in addresses if self._allowed(address)]
        if not allowed:
            worst = max((classify_address(a) for a in addresses), key=_severity)
            raise AddressRefused(f"{bare} resolves to {', '.join(addresses)}", worst)
        return allowed

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


def _severity(kind: AddressClass) -> int:
    return {AddressClass.PUBLIC: 0, AddressClass.PRIVATE: 1, AddressClass.FORBIDDEN: 2}[kind]


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


class _Cookies(httpx.Cookies):
    """The run's cookies; an answer without Set-Cookie costs nothing to look at."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


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


def make_client(
    options: CheckOptions, resolver: Resolver, *, verify: bool = True
) -> httpx.AsyncClient:
    """The client every request of a run goes through (one more, unverified, for TLS retries)."""
    connector = GuardedConnector(options, resolver, verify=verify)
    return CheckerClient(
        transport=LeanTransport(connector, idle_per_origin=options.per_host),
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
