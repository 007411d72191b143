"""Settings from flags, `claimcheck.toml`, or `[tool.claimcheck]` in pyproject.toml."""

from __future__ import annotations

import re
import stat
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from claimcheck import rules
from claimcheck.check.options import DEFAULT_PROBE_HOSTS, DEFAULT_USER_AGENT, CheckOptions
from claimcheck.check.proxy import PROXY_FORM, ProxyConfigError, parse_proxy, proxy_routes
from claimcheck.errors import ConfigError, InputError
from claimcheck.load.text import read_bytes
from claimcheck.models import Location
from claimcheck.severity import FailOn

# The validators of network settings import what they need (httpx, ssl, the Wayback client)
# only when such a setting is given: a command that fetches nothing starts without them.

CONFIG_FILE = "claimcheck.toml"
PYPROJECT = "pyproject.toml"
_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
# A settings file is a few hundred bytes; anything near this is no settings file.
MAX_SETTINGS_BYTES = 1024 * 1024
# The longest wait or age a setting may name: beyond these a value is a typo (or an attack).
_DAY = 86_400.0
MAX_AGE = timedelta(days=36_525)
MAX_BODY = 1024 * 1024 * 1024
MAX_BUNDLE_BYTES = 16 * 1024 * 1024
# Characters a header value (or a URL put into a request) may not hold: C0 controls and DEL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Settings(BaseModel):
    """Everything a run needs to know, after flags and files are merged."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

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
        default=10 * 1024 * 1024,
        ge=1024,
        le=MAX_BODY,
        description="Bytes of a body read at most (decoded).",
    )
    connect_timeout: float = Field(default=10.0, gt=0, le=_DAY, description="Seconds to connect.")
    read_timeout: float = Field(
        default=20.0, gt=0, le=_DAY, description="Seconds of silence allowed."
    )
    timeout: float = Field(default=45.0, gt=0, le=_DAY, description="Seconds for one URL, in all.")
    run_timeout: float = Field(
        default=1800.0,
        gt=0,
        le=_DAY,
        description="Seconds for all the link checks of a run, in all.",
    )
    retries: int = Field(default=2, ge=0, le=10, description="Retries of 5xx, 408, resets.")
    backoff: float = Field(
        default=0.5, ge=0, le=_DAY, description="Seconds before the first retry."
    )
    retry_after_cap: float = Field(
        default=60.0, ge=0, le=_DAY, description="The longest Retry-After honoured, in seconds."
    )
    user_agent: str | None = Field(default=None, description="The User-Agent header.")
    allow_private: bool = Field(default=False, description="Check loopback/private addresses.")
    exclude: tuple[str, ...] = Field(default=(), description="Regexes of URLs not to fetch.")
    probe_hosts: tuple[str, ...] = Field(
        default=DEFAULT_PROBE_HOSTS,
        description="host:port that answer on any working network (none: trust the network).",
    )
    dns_timeout: float = Field(
        default=5.0, gt=0, le=_DAY, description="Seconds for one name lookup."
    )
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
        default=30.0, gt=0, le=_DAY, description="Seconds for one request to the Wayback archive."
    )
    wayback_poll_timeout: float = Field(
        default=300.0,
        gt=0,
        le=_DAY,
        description="Seconds to wait for a Save Page Now capture to end.",
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

    @field_validator("wayback_url")
    @classmethod
    def _archive_url(cls, value: str) -> str:
        from claimcheck.archive.wayback import check_archive_url

        return check_archive_url(base_url(value))

    @field_validator("ca_bundle")
    @classmethod
    def _bundle(cls, value: Path | None) -> Path | None:
        if value is not None:
            from claimcheck.check.trust import check_bundle

            _regular_file(value)
            check_bundle(value)
        return value

    @field_validator("max_age", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("max_age")
    @classmethod
    def _age_in_range(cls, value: timedelta) -> timedelta:
        if not timedelta(0) <= value <= MAX_AGE:
            raise ValueError(f"must be between 0 and {MAX_AGE.days:,} days (100 years)")
        return value

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
    """``90``, ``90s``, ``30m``, ``24h``, ``7d`` or ``2w`` as a timedelta (at most 100 years)."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30m, 24h or 7d")
    seconds = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if seconds > MAX_AGE.total_seconds():
        raise ValueError(f"{text!r} is longer than {MAX_AGE.days:,} days (100 years)")
    return timedelta(seconds=seconds)


def refuse_control_characters(value: str) -> None:
    """Raise ValueError for a value holding a line break or another control character."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(
            f"holds the control character U+{ord(found.group()):04X} at position "
            f"{found.start() + 1}: line breaks and controls cannot go into a request"
        )


def header_value(value: str) -> str:
    """A header value from a flag or setting, stripped; ValueError unless printable ASCII."""
    refuse_control_characters(value)
    for position, character in enumerate(value, start=1):
        if not character.isascii():
            raise ValueError(
                f"holds {character!r} (U+{ord(character):04X}) at position {position}: "
                "a header value must be ASCII (percent-encode or transliterate it)"
            )
    stripped = value.strip()
    if not stripped:
        raise ValueError("is empty")
    return stripped


def base_url(value: str) -> str:
    """An http(s) base URL from a flag or setting; ValueError for anything else."""
    refuse_control_characters(value)
    if any(character.isspace() for character in value):
        raise ValueError(f"{value!r} holds whitespace: write a space in a URL as %20")
    import httpx

    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, ValueError) as error:
        raise ValueError(f"{value!r} is not a URL: {error}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value


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


def load_settings(
    folder: Path, *, config_file: Path | None = None, flags: Mapping[str, Any] | None = None
) -> Settings:
    """Settings for a run in ``folder``: defaults, then config files, then ``flags``.

    ``config_file`` names a file to read instead of looking for `claimcheck.toml` and
    pyproject.toml. Paths in a file are relative to the file's folder.
    """
    values: dict[str, Any] = {}
    origin: Path | None = None
    text = ""
    if config_file is not None:
        (values, text), origin = _read_file(config_file), config_file
    else:
        for candidate in (folder / PYPROJECT, folder / CONFIG_FILE):
            if candidate.is_file():
                found, read = _read_file(candidate)
                if found:
                    values, origin, text = {**values, **found}, candidate, read
    if origin is not None:
        values = _relative_paths(values, origin.parent)
    values.update({name: value for name, value in (flags or {}).items() if value is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        from_flag = (flags or {}).get(name) is not None
        where = _where(origin, text, name) if origin and not from_flag else None
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(
            f"setting {name!r}: {message}",
            where,
            hint="see the Configuration section of the README for every setting",
        ) from None


def _read_file(path: Path) -> tuple[dict[str, Any], str]:
    """The settings a TOML file holds (its ``[tool.claimcheck]`` table for pyproject.toml),
    and its text. A file over MAX_SETTINGS_BYTES, a pipe or a device is refused unread."""
    where = Location(file=str(path))
    try:
        data = read_bytes(path, MAX_SETTINGS_BYTES)
    except InputError as error:
        message = "config file not found" if error.message == "file not found" else error.message
        raise ConfigError(message, where, hint=error.hint) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"not UTF-8: byte 0x{data[error.start]:02x} cannot be decoded",
            Location(file=str(path), line=data[: error.start].count(b"\n") + 1),
            hint="TOML files are UTF-8",
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        place = _TOML_PLACE.search(str(error))
        line, column = (int(place[1]), int(place[2])) if place else (None, None)
        raise ConfigError(
            f"invalid TOML: {_TOML_PLACE.sub('', str(error))}",
            Location(file=str(path), line=line, column=column),
        ) from None
    except RecursionError:
        raise ConfigError(
            "invalid TOML: arrays or tables nested too deeply",
            where,
            hint="is this a settings file?",
        ) from None
    section: object = document
    if path.name == PYPROJECT:
        tool = document.get("tool", {})
        section = tool.get("claimcheck", {}) if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        raise ConfigError("[tool.claimcheck] must be a table", where)
    return {key.replace("-", "_"): value for key, value in section.items()}, text


def _relative_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    result = dict(values)
    for name in ("bib", "claims", "cache_dir", "ca_bundle"):
        if isinstance(result.get(name), str):
            result[name] = base / result[name]
    return result


def _where(path: Path, text: str, name: str) -> Location:
    """Where in the settings file ``text`` (read from ``path``) the setting ``name`` is set."""
    pattern = re.compile(rf"^\s*{re.escape(name).replace('_', '[_-]')}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return Location(file=str(path), line=number)
    return Location(file=str(path))
