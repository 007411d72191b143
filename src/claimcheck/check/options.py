"""The knobs of link checking, each declared once, with the defaults a polite checker uses."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from claimcheck import __version__
from claimcheck.check.proxy import ProxyRoutes, parse_proxy
from claimcheck.check.urlrules import Accepted, HostRule, UrlPattern, regexes
from claimcheck.setting import (
    CHECKS,
    DAY,
    FileOnly,
    Flag,
    base_url,
    header_value,
    refuse_control_characters,
)

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
# A probe host as written: a name or IPv4 address, or an IPv6 address in brackets, and a port
# (443 when left out). A typo would make every probe fail and every failure "unreachable".
_PROBE_TARGET = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{1,5}))?"
)
MAX_BODY = 1024 * 1024 * 1024
MAX_BUNDLE_BYTES = 16 * 1024 * 1024


class CheckSettings(BaseModel):
    """How to check links, as a user sets it: limits, deadlines, retries, what not to touch.

    Declarations only: the run's Settings inherits them and is the model validated, so this
    one's validator is never built (defer_build).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, defer_build=True)

    concurrency: Annotated[
        int,
        Field(ge=1, le=1024, description="Requests at once, in all (kept within ulimit -n)."),
        Flag("--concurrency", CHECKS, metavar="N"),
    ] = 1024
    per_host: Annotated[
        int,
        Field(ge=1, le=64, description="Requests at once to one host."),
        Flag("--per-host", CHECKS, metavar="N"),
    ] = 4
    max_body: Annotated[
        int,
        Field(ge=1024, le=MAX_BODY, description="Bytes of a body read at most (decoded)."),
        Flag("--max-body", CHECKS, metavar="BYTES"),
    ] = 10 * 1024 * 1024
    connect_timeout: Annotated[
        float,
        Field(gt=0, le=DAY, description="Seconds to connect."),
        Flag("--connect-timeout", CHECKS, metavar="SECONDS"),
    ] = 10.0
    read_timeout: Annotated[
        float,
        Field(gt=0, le=DAY, description="Seconds of silence allowed while reading an answer."),
        Flag("--read-timeout", CHECKS, metavar="SECONDS"),
    ] = 20.0
    timeout: Annotated[
        float,
        Field(gt=0, le=DAY, description="Seconds for one URL, retries included."),
        Flag("--timeout", CHECKS, metavar="SECONDS"),
    ] = 45.0
    run_timeout: Annotated[
        float,
        Field(
            gt=0,
            le=DAY,
            description="Seconds for all the link checks of a run; what is left then is "
            "reported as 'timeout (run-deadline)'.",
        ),
        Flag("--run-timeout", CHECKS, metavar="SECONDS"),
    ] = 1800.0
    retries: Annotated[
        int,
        Field(ge=0, le=10, description="Retries of server errors, resets and timeouts."),
        Flag("--retries", CHECKS, metavar="N"),
    ] = 2
    backoff: Annotated[
        float,
        Field(ge=0, le=DAY, description="Seconds before the first retry (doubling after)."),
        Flag("--backoff", CHECKS, metavar="SECONDS"),
    ] = 0.5
    retry_after_cap: Annotated[
        float,
        Field(ge=0, le=DAY, description="The longest Retry-After honoured, in seconds."),
        Flag("--retry-after-cap", CHECKS, metavar="SECONDS"),
    ] = 60.0
    user_agent: Annotated[
        str | None,
        Field(description=f"The User-Agent header (none set: {DEFAULT_USER_AGENT})."),
        Flag("--user-agent", CHECKS, metavar="TEXT"),
    ] = None
    allow_private: Annotated[
        bool,
        Field(description="Also check loopback and private addresses."),
        Flag("--allow-private", CHECKS, negative="--no-allow-private"),
    ] = False
    exclude: Annotated[
        tuple[str, ...],
        Field(
            description="Regexes of URLs not to fetch (repeatable), besides .claimcheckignore's."
        ),
        Flag("--exclude", CHECKS, metavar="REGEX"),
    ] = ()
    include: Annotated[
        tuple[str, ...],
        Field(description="Regexes of URLs to check: when given, only those (repeatable)."),
        Flag("--include", CHECKS, metavar="REGEX"),
    ] = ()
    accept: Annotated[
        Accepted,
        Field(
            description="Status codes or ranges (403, 200-299) that count as alive besides "
            "2xx, from any host (repeatable)."
        ),
        Flag("--accept", CHECKS, metavar="CODES"),
    ] = ()
    hosts: Annotated[
        tuple[HostRule, ...],
        Field(
            description="Rules per host: [[hosts]] tables with match (a host glob), accept, "
            "headers (values may name ${VARIABLES}), concurrency and interval (seconds)."
        ),
        FileOnly(),
    ] = ()
    probe_hosts: Annotated[
        tuple[str, ...],
        Field(
            description="host:port that answer on any working network (none: trust the network)."
        ),
        Flag("--probe-host", CHECKS, metavar="HOST:PORT"),
    ] = DEFAULT_PROBE_HOSTS
    dns_timeout: Annotated[
        float,
        Field(gt=0, le=DAY, description="Seconds for one name lookup."),
        Flag("--dns-timeout", CHECKS, metavar="SECONDS"),
    ] = 5.0
    dns_attempts: Annotated[
        int,
        Field(ge=1, le=10, description="Tries of a lookup that timed out or failed."),
        Flag("--dns-attempts", CHECKS, metavar="N"),
    ] = 3
    dns_in_flight: Annotated[
        int,
        Field(ge=1, le=256, description="Name lookups at once, at most."),
        Flag("--dns-in-flight", CHECKS, metavar="N"),
    ] = 16
    doi_resolver: Annotated[
        str,
        Field(description="The DOI resolver's base URL."),
        Flag("--doi-resolver", CHECKS, metavar="URL"),
    ] = "https://doi.org"
    ca_bundle: Annotated[
        Path | None,
        Field(
            description="CA certificates (PEM) trusted besides the system's store, "
            "SSL_CERT_FILE and SSL_CERT_DIR."
        ),
        Flag("--ca-bundle", CHECKS, metavar="FILE", path=True),
    ] = None
    proxy: Annotated[
        str | None,
        Field(
            description="An http:// proxy for every request (user:password@ allowed), over "
            "HTTP_PROXY, HTTPS_PROXY and ALL_PROXY; NO_PROXY still applies."
        ),
        Flag("--proxy", CHECKS, metavar="URL"),
    ] = None

    @field_validator("exclude", "include")
    @classmethod
    def _regexes(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return regexes(value, str(info.field_name))

    @field_validator("probe_hosts")
    @classmethod
    def _probe_targets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for target in value:
            found = _PROBE_TARGET.fullmatch(target)
            if found is None or not 0 < int(found["port"] or 443) < 65536:
                raise ValueError(
                    f"{target!r} is no HOST:PORT (a name or address, then a port from 1 to "
                    "65535: one.one.one.one:443, [2606:4700::1111]:443)"
                )
        return value

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        if value is not None:
            refuse_control_characters(value)
            parse_proxy(value, "proxy")
        return value

    @field_validator("user_agent")
    @classmethod
    def _header_value(cls, value: str | None) -> str | None:
        return None if value is None else header_value(value)

    @field_validator("doi_resolver")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return base_url(value)

    @field_validator("ca_bundle")
    @classmethod
    def _bundle(cls, value: Path | None) -> Path | None:
        if value is not None:
            _regular_file(value)
            from claimcheck.check.trust import check_bundle

            check_bundle(value)
        return value


class CheckOptions(CheckSettings):
    """The settings, and what the checker decides for itself or takes from the environment."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    max_redirects: int = 20
    probe_timeout: float = 5.0
    check_fragments: bool = True
    extra_headers: tuple[tuple[str, str], ...] = ()
    proxies: ProxyRoutes = Field(default_factory=ProxyRoutes)
    ignored: tuple[UrlPattern, ...] = ()

    @classmethod
    def of(
        cls, settings: CheckSettings, proxies: ProxyRoutes, ignored: tuple[UrlPattern, ...] = ()
    ) -> CheckOptions:
        """The options of ``settings``, each under its own name, with the proxies to use and
        the patterns of the project's .claimcheckignore."""
        values = {name: getattr(settings, name) for name in CheckSettings.model_fields}
        return cls.model_validate({**values, "proxies": proxies, "ignored": ignored})

    @property
    def agent(self) -> str:
        """The User-Agent requests carry."""
        return self.user_agent or DEFAULT_USER_AGENT


def _regular_file(path: Path) -> None:
    """Raise ValueError unless ``path`` is a regular file (no pipe, device or folder) of at
    most MAX_BUNDLE_BYTES."""
    try:
        status = path.stat()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(status.st_mode):
        raise ValueError(f"{path} is not a regular file")
    if status.st_size > MAX_BUNDLE_BYTES:
        raise ValueError(f"{path} is over {MAX_BUNDLE_BYTES // 2**20} MiB: no certificate bundle")
