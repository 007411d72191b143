"""Which HTTP proxy, if any, a request goes through: from --proxy or the *_PROXY variables."""

from __future__ import annotations

import base64
import functools
import ipaddress
import logging
import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

LOG = logging.getLogger("claimcheck")
PROXY_FORM = "http://[user:password@]host[:port]"


class ProxyConfigError(ValueError):
    """A proxy URL claimcheck cannot use: ``source`` names the variable or setting."""

    def __init__(self, source: str, message: str):
        super().__init__(f"{source}: {message}")
        self.source = source


class UnsupportedProxy(ProxyConfigError):
    """A proxy URL of a scheme other than http:// (socks5://, https://...)."""


@dataclass(frozen=True)
class Proxy:
    """An HTTP proxy: where it listens and, with credentials, its Proxy-Authorization."""

    host: str
    port: int
    authorization: str | None = None

    @property
    def address(self) -> str:
        """``host:port`` (``[v6]:port``), as messages show it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class ProxyRoutes:
    """The proxy of each scheme, and the hosts (NO_PROXY) that are reached directly."""

    http: Proxy | None = None
    https: Proxy | None = None
    no_proxy: str = ""

    def route(self, scheme: str, host: str, port: int) -> Proxy | None:
        """The proxy a request to ``scheme://host:port`` goes through, or None: direct."""
        proxy = self.https if scheme == "https" else self.http
        if proxy is None or self.bypassed(host, port):
            return None
        return proxy

    def bypassed(self, host: str, port: int) -> bool:
        """Whether NO_PROXY names the host (exactly, as a domain suffix, as host:port, or *),
        or, for an IP address, a network that holds it (``10.0.0.0/8``, as curl reads it)."""
        if not self.no_proxy:
            return False
        if _in_networks(host.strip("[]"), self.no_proxy):
            return True
        # urllib.request (and http.client, email with it) is imported only when needed: the
        # commands that make no request start faster without it.
        from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

        bare = host.strip("[]")
        rules = {"no": self.no_proxy}
        found = proxy_bypass_environment(bare, rules) or proxy_bypass_environment(
            f"{bare}:{port}", rules
        )
        return bool(found)


def _in_networks(host: str, no_proxy: str) -> bool:
    """Whether ``host`` is an IP address inside a network NO_PROXY gives in CIDR form."""
    networks = _networks(no_proxy)
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: only its own entries apply, as in curl
    return any(address in network for network in networks)


@functools.cache
def _networks(no_proxy: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The entries of ``no_proxy`` in CIDR form; one that is no network is left to urllib."""
    found = []
    for entry in no_proxy.split(","):
        address, slash, prefix = entry.strip().partition("/")
        if slash:
            try:
                found.append(ipaddress.ip_network(f"{address.strip('[]')}/{prefix}", strict=False))
            except ValueError:
                continue
    return tuple(found)


def parse_proxy(url: str, source: str) -> Proxy:
    """An ``http://`` proxy URL (the scheme may be left out) as a Proxy.

    Raises UnsupportedProxy for another scheme, ProxyConfigError for anything unusable;
    ``source`` (a variable or setting) is named in the message, the password never is.
    """
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise ProxyConfigError(source, f"{_shown(url)} is not a proxy URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme != "http":
        raise UnsupportedProxy(source, f"{scheme}:// proxies are not supported, only {PROXY_FORM}")
    if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ProxyConfigError(source, f"{_shown(url)} is not of the form {PROXY_FORM}")
    authorization = None
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    return Proxy(parts.hostname, port or 80, authorization)


def proxy_routes(setting: str | None) -> ProxyRoutes:
    """The run's proxies: ``setting`` (--proxy) for both schemes, else the environment's.

    HTTP_PROXY, HTTPS_PROXY and ALL_PROXY are read in lower or upper case, the lower winning
    (urllib's rules); NO_PROXY applies to ``setting`` too. A proxy variable of another scheme
    (say a socks5:// ALL_PROXY kept for other tools) is ignored with a warning, and those
    requests go direct; a variable that is no URL at all is a ProxyConfigError.
    """
    from urllib.request import getproxies_environment

    variables = getproxies_environment()
    no_proxy = variables.get("no", "")
    if setting is not None:
        proxy = parse_proxy(setting, "proxy")
        return ProxyRoutes(http=proxy, https=proxy, no_proxy=no_proxy)
    parsed = {key: _from_environment(key, variables[key]) for key in _KEYS if key in variables}
    fallback = parsed.get("all")
    return ProxyRoutes(
        http=parsed.get("http", fallback),
        https=parsed.get("https", fallback),
        no_proxy=no_proxy,
    )


_KEYS = ("http", "https", "all")


def _from_environment(key: str, url: str) -> Proxy | None:
    lower = f"{key}_proxy"
    name = lower if os.environ.get(lower) else lower.upper()
    try:
        return parse_proxy(url, name)
    except UnsupportedProxy as error:
        LOG.warning("ignoring %s; the requests it would carry go direct", error)
        return None


def _shown(url: str) -> str:
    """``url`` with any password masked."""
    scheme, sep, rest = url.rpartition("://")
    userinfo, at, host = rest.rpartition("@")
    if not at or ":" not in userinfo:
        return repr(url)
    user = userinfo.split(":", 1)[0]
    return repr(f"{scheme}{sep}{user}:***@{host}")
