"""The knobs of link checking, with the defaults a polite checker uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from claimcheck import __version__
from claimcheck.check.proxy import ProxyRoutes

DEFAULT_USER_AGENT = f"claimcheck/{__version__} (citation link checker)"
BROWSER_HEADERS = (
    (
        "User-Agent",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
    ),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "en-US,en;q=0.9"),
    ("Upgrade-Insecure-Requests", "1"),
)
# Hosts that answer on any working network: one of these answering proves that a name which
# fails to resolve is really gone, and none answering means the machine is offline.
DEFAULT_PROBE_HOSTS = ("example.com:443", "www.iana.org:443", "one.one.one.one:443")


@dataclass(frozen=True)
class CheckOptions:
    """How to check links: limits, deadlines, retries, and what not to touch."""

    concurrency: int = 1024
    per_host: int = 4
    max_bytes: int = 10 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 45.0
    run_timeout: float | None = None
    retries: int = 2
    backoff: float = 0.5
    retry_after_cap: float = 60.0
    max_redirects: int = 20
    user_agent: str = DEFAULT_USER_AGENT
    allow_private: bool = False
    exclude: tuple[str, ...] = ()
    probe_hosts: tuple[str, ...] = DEFAULT_PROBE_HOSTS
    probe_timeout: float = 5.0
    dns_timeout: float = 5.0
    dns_attempts: int = 3
    dns_in_flight: int = 16
    doi_resolver: str = "https://doi.org"
    ca_bundle: Path | None = None
    proxies: ProxyRoutes = field(default_factory=ProxyRoutes)
    check_fragments: bool = True
    extra_headers: tuple[tuple[str, str], ...] = field(default=())
