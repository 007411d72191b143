"""Settings from flags, `claimcheck.toml`, or `[tool.claimcheck]` in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from claimcheck import rules
from claimcheck.archive.wayback import check_archive_url
from claimcheck.check.options import DEFAULT_PROBE_HOSTS, DEFAULT_USER_AGENT, CheckOptions
from claimcheck.check.proxy import PROXY_FORM, ProxyConfigError, parse_proxy, proxy_routes
from claimcheck.check.trust import check_bundle
from claimcheck.errors import ConfigError
from claimcheck.models import Location, Severity

CONFIG_FILE = "claimcheck.toml"
PYPROJECT = "pyproject.toml"
_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


class FailOn(StrEnum):
    """The mildest finding severity that makes a run fail (exit code 1)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"

    def fails(self, severity: Severity) -> bool:
        """Whether a finding of ``severity`` fails the run under this policy."""
        if self is FailOn.NEVER:
            return False
        return severity.rank <= Severity(self.value).rank


class Settings(BaseModel):
    """Everything a run needs to know, after flags and files are merged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bib: Path = Field(default=Path("references.bib"), description="The bibliography.")
    claims: Path = Field(default=Path("claims.yaml"), description="The claims ledger.")
    encoding: str | None = Field(
        default=None, description="The bibliography's encoding (default: UTF-8, else detected)."
    )
    ignore: tuple[str, ...] = Field(
        default=(), description="Finding codes or names to leave out of the report."
    )
    fail_on: FailOn = Field(
        default=FailOn.ERROR, description="The mildest severity that fails the run."
    )
    check_links: bool = Field(default=True, description="Fetch every cited URL and DOI.")
    concurrency: int = Field(
        default=1024, ge=1, le=1024, description="Requests at once, in all (within ulimit -n)."
    )
    per_host: int = Field(default=4, ge=1, le=64, description="Requests at once to one host.")
    max_body: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Bytes of a body read at most (decoded)."
    )
    connect_timeout: float = Field(default=10.0, gt=0, description="Seconds to connect.")
    read_timeout: float = Field(default=20.0, gt=0, description="Seconds of silence allowed.")
    timeout: float = Field(default=45.0, gt=0, description="Seconds for one URL, in all.")
    run_timeout: float = Field(
        default=1800.0, gt=0, description="Seconds for all the link checks of a run, in all."
    )
    retries: int = Field(default=2, ge=0, le=10, description="Retries of 5xx, 408, resets.")
    backoff: float = Field(default=0.5, ge=0, description="Seconds before the first retry.")
    retry_after_cap: float = Field(
        default=60.0, ge=0, description="The longest Retry-After honoured, in seconds."
    )
    user_agent: str | None = Field(default=None, description="The User-Agent header.")
    allow_private: bool = Field(default=False, description="Check loopback/private addresses.")
    exclude: tuple[str, ...] = Field(default=(), description="Regexes of URLs not to fetch.")
    probe_hosts: tuple[str, ...] = Field(
        default=DEFAULT_PROBE_HOSTS,
        description="host:port that answer on any working network (none: trust the network).",
    )
    dns_timeout: float = Field(default=5.0, gt=0, description="Seconds for one name lookup.")
    dns_attempts: int = Field(
        default=3, ge=1, le=10, description="Tries of a lookup that timed out or failed."
    )
    dns_in_flight: int = Field(
        default=16, ge=1, le=256, description="Name lookups at once, at most."
    )
    doi_resolver: str = Field(default="https://doi.org", description="The DOI resolver.")
    ca_bundle: Path | None = Field(
        default=None,
        description="CA certificates (PEM) trusted besides the system's store.",
    )
    proxy: str | None = Field(
        default=None,
        description="An http:// proxy for every request, over HTTP_PROXY/HTTPS_PROXY/ALL_PROXY.",
    )
    cache_dir: Path = Field(default=Path(".claimcheck"), description="Cache and archive folder.")
    max_age: timedelta = Field(
        default=timedelta(hours=24), description="How long an alive result is reused."
    )
    no_cache: bool = Field(default=False, description="Neither read nor write the cache.")
    archive: bool = Field(default=True, description="Keep a WARC snapshot of each page fetched.")
    offline: bool = Field(
        default=False, description="Make no request: statuses from the last checks."
    )
    wayback_url: str = Field(
        default="https://web.archive.org", description="A Wayback-compatible archive's base URL."
    )
    wayback_timeout: float = Field(
        default=30.0, gt=0, description="Seconds for one request to the Wayback archive."
    )
    wayback_poll_timeout: float = Field(
        default=300.0, gt=0, description="Seconds to wait for a Save Page Now capture to end."
    )

    @field_validator("ignore")
    @classmethod
    def _known_rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = []
        for name in value:
            found = rules.resolve(name)
            if found is None:
                raise ValueError(f"unknown finding code {name!r} (see 'claimcheck rules')")
            codes.append(found.code)
        return tuple(dict.fromkeys(codes))

    @field_validator("exclude")
    @classmethod
    def _regexes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"exclude pattern {pattern!r} is not a regex: {error}") from None
        return value

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        if value is not None:
            parse_proxy(value, "proxy")
        return value

    @field_validator("wayback_url")
    @classmethod
    def _archive_url(cls, value: str) -> str:
        return check_archive_url(value)

    @field_validator("ca_bundle")
    @classmethod
    def _bundle(cls, value: Path | None) -> Path | None:
        if value is not None:
            check_bundle(value)
        return value

    @field_validator("max_age", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    def check_options(self) -> CheckOptions:
        """The link checker's options, with the proxies of ``proxy`` and the environment.

        Raises ConfigError for a proxy variable that is no usable proxy URL.
        """
        try:
            proxies = proxy_routes(self.proxy)
        except ProxyConfigError as error:
            raise ConfigError(
                f"{error}",
                hint=f"set {error.source} to {PROXY_FORM}, or unset it",
            ) from None
        return CheckOptions(
            concurrency=self.concurrency,
            per_host=self.per_host,
            max_bytes=self.max_body,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            total_timeout=self.timeout,
            run_timeout=self.run_timeout,
            retries=self.retries,
            backoff=self.backoff,
            retry_after_cap=self.retry_after_cap,
            user_agent=self.user_agent or DEFAULT_USER_AGENT,
            allow_private=self.allow_private,
            exclude=self.exclude,
            probe_hosts=self.probe_hosts,
            dns_timeout=self.dns_timeout,
            dns_attempts=self.dns_attempts,
            dns_in_flight=self.dns_in_flight,
            doi_resolver=self.doi_resolver,
            ca_bundle=self.ca_bundle,
            proxies=proxies,
        )


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """``90``, ``90s``, ``30m``, ``24h``, ``7d`` or ``2w`` as a timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30m, 24h or 7d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2).lower()])


def load_settings(
    folder: Path, *, config_file: Path | None = None, flags: Mapping[str, Any] | None = None
) -> Settings:
    """Settings for a run in ``folder``: defaults, then config files, then ``flags``.

    ``config_file`` names a file to read instead of looking for `claimcheck.toml` and
    pyproject.toml. Paths in a file are relative to the file's folder.
    """
    values: dict[str, Any] = {}
    origin: Path | None = None
    if config_file is not None:
        values, origin = _read_file(config_file), config_file
    else:
        for candidate in (folder / PYPROJECT, folder / CONFIG_FILE):
            if candidate.is_file():
                found = _read_file(candidate)
                if found:
                    values, origin = {**values, **found}, candidate
    if origin is not None:
        values = _relative_paths(values, origin.parent)
    values.update({name: value for name, value in (flags or {}).items() if value is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        given = {flag for flag, value in (flags or {}).items() if value is not None}
        where = _where(origin, name) if origin and name not in given else None
        raise ConfigError(
            f"setting {name!r}: {first['msg']}",
            where,
            hint="see the Configuration section of the README for every setting",
        ) from None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", Location(file=str(path))) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file: {error}", Location(file=str(path))) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        place = _TOML_PLACE.search(str(error))
        line, column = (int(place[1]), int(place[2])) if place else (None, None)
        raise ConfigError(
            f"invalid TOML: {_TOML_PLACE.sub('', str(error))}",
            Location(file=str(path), line=line, column=column),
        ) from None
    section = data.get("tool", {}).get("claimcheck", {}) if path.name == PYPROJECT else data
    if not isinstance(section, dict):
        raise ConfigError("[tool.claimcheck] must be a table", Location(file=str(path)))
    return {key.replace("-", "_"): value for key, value in section.items()}


def _relative_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    result = dict(values)
    for name in ("bib", "claims", "cache_dir", "ca_bundle"):
        if isinstance(result.get(name), str):
            result[name] = base / result[name]
    return result


def _where(path: Path, name: str) -> Location:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return Location(file=str(path))
    pattern = re.compile(rf"^\s*{re.escape(name).replace('_', '[_-]')}\s*=")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return Location(file=str(path), line=number)
    return Location(file=str(path))
