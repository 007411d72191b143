"""Per-URL rules: URLs to check, statuses counted as alive, each host's headers and pace."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_serializer,
    field_validator,
)

from claimcheck.setting import DAY

# What a header set by a rule shows wherever a request is recorded (the WARC files).
REDACTED = "[redacted]"
IGNORE_FILE = ".claimcheckignore"
_RANGE = re.compile(r"^\s*([0-9]{3})\s*(?:(?:-|\.\.=)\s*([0-9]{3})\s*)?$")
_TEMPLATE = re.compile(r"\$\$|\$\{([^}]*)\}")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HOST_GLOB = re.compile(r"[a-z0-9*?._:\[\]-]+")
# Headers the HTTP client writes itself, or that would change how the request is framed.
_MANAGED = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
        "proxy-authorization",
        "proxy-connection",
    }
)


class StatusRange(BaseModel):
    """HTTP status codes from ``low`` to ``high``, both included."""

    model_config = ConfigDict(frozen=True)

    low: int = Field(ge=100, le=599)
    high: int = Field(ge=100, le=599)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, int) and self.low <= code <= self.high

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


def status_ranges(value: object) -> object:
    """The codes of an ``accept`` list (``403``, ``"200-299"``, ``"200..=299"``, ``"401,403"``)
    as StatusRanges; ValueError for anything else."""
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return value
    ranges: list[object] = []
    for item in value:
        if isinstance(item, StatusRange):
            ranges.append(item)
        elif isinstance(item, bool) or not isinstance(item, (str, int)):
            raise ValueError(f"{item!r} is not a status code or a range such as 200-299")
        elif isinstance(item, int):
            ranges.append(_range(str(item)))
        else:
            ranges.extend(_range(part) for part in item.split(","))
    return tuple(ranges)


def _range(text: str) -> StatusRange:
    match = _RANGE.match(text)
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a status code or a range such as 200-299")
    low, high = int(match[1]), int(match[2] or match[1])
    if not 100 <= low <= high <= 599:
        raise ValueError(f"{text.strip()!r} is not a range of status codes from 100 to 599")
    return StatusRange(low=low, high=high)


Accepted = Annotated[
    tuple[Annotated[StatusRange, PlainSerializer(str, return_type=str)], ...],
    BeforeValidator(status_ranges),
    WithJsonSchema(
        {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": "integer", "minimum": 100, "maximum": 599},
                    {"type": "string", "pattern": r"^[0-9]{3}((-|\.\.=)[0-9]{3})?$"},
                ]
            },
        }
    ),
]


class Header(BaseModel):
    """A request header a rule sets: its value as the settings file writes it (``template``,
    ``${NAME}`` standing for an environment variable), and as it is sent (never shown; None
    when the variables were not read: for a command that sends no request)."""

    model_config = ConfigDict(frozen=True)

    name: str
    template: str
    value: str | None = Field(exclude=True, repr=False)


def _headers(value: object, info: ValidationInfo) -> object:
    """A rule's ``headers`` table as Headers, each ``${NAME}`` replaced by that variable of
    the environment in the validation context (default: this process's); with ``"requests":
    False`` in the context, the variables are not read."""
    if not isinstance(value, Mapping):
        return value
    context = info.context if isinstance(info.context, Mapping) else {}
    environ: Mapping[str, str] = context.get("environ", os.environ)
    requests = context.get("requests", True)
    headers = []
    for name, template in value.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a header name")
        if name.lower() in _MANAGED:
            raise ValueError(f"header {name}: claimcheck sets it itself; it cannot be set here")
        if not isinstance(template, str):
            raise ValueError(f"header {name}: the value must be a string")
        sent = _expand(name, template, environ) if requests else None
        headers.append(Header(name=name, template=template, value=sent))
    return tuple(headers)


def _expand(name: str, template: str, environ: Mapping[str, str]) -> str:
    """``template`` with its variables replaced and checked; the errors never show a value."""
    used: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if match[0] == "$$":
            return "$"
        variable = match[1]
        if not _VARIABLE.fullmatch(variable):
            raise ValueError(f"header {name}: ${{{variable}}} is not an environment variable")
        found = environ.get(variable)
        if found is None:
            raise ValueError(f"header {name}: the environment variable {variable} is not set")
        if not found:
            raise ValueError(f"header {name}: the environment variable {variable} is empty")
        used.append(variable)
        return found

    value = _TEMPLATE.sub(replace, template)
    origin = f" (from {', '.join(used)})" if used else ""
    for position, character in enumerate(value, start=1):
        if not (character.isascii() and character.isprintable()):
            raise ValueError(
                f"header {name}: its value{origin} holds a control or non-ASCII character "
                f"at position {position}"
            )
    if not value.strip():
        raise ValueError(f"header {name}: its value{origin} is empty")
    return value.strip()


class HostRule(BaseModel):
    """What applies to every request to a host ``match`` names (a glob; ``*.`` takes in the
    domain itself too): statuses that count as alive, headers, requests at once, a pace."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    match: str = Field(description="A host glob: jstor.org, *.jstor.org, 10.0.0.?")
    accept: Accepted = ()
    headers: Annotated[
        tuple[Header, ...],
        WithJsonSchema({"type": "object", "additionalProperties": {"type": "string"}}),
    ] = ()
    concurrency: int | None = Field(default=None, ge=1, le=64)
    interval: float = Field(default=0.0, ge=0, le=DAY)

    @field_validator("match")
    @classmethod
    def _glob(cls, value: str) -> str:
        glob = value.strip().lower().rstrip(".")
        if not glob or not _HOST_GLOB.fullmatch(glob):
            raise ValueError(
                f"{value!r} is not a host glob such as *.jstor.org (letters, digits, '.', '-', "
                "'*', '?'; a non-ASCII name in its xn-- form)"
            )
        return glob

    @field_validator("headers", mode="before")
    @classmethod
    def _headers(cls, value: object, info: ValidationInfo) -> object:
        return _headers(value, info)

    @field_serializer("headers")
    def _templates(self, headers: tuple[Header, ...]) -> dict[str, str]:
        return {header.name: header.template for header in headers}

    def matches(self, host: str) -> bool:
        """Whether ``host`` (lower case, without port) is one this rule is for."""
        if self.match.startswith("*.") and host == self.match[2:]:
            return True
        return fnmatch.fnmatchcase(host, self.match)


class UrlPattern(BaseModel):
    """A regex of URLs not to check, and where it was written."""

    model_config = ConfigDict(frozen=True)

    regex: str
    origin: str


def ignore_file_patterns(text: str, file: str) -> tuple[UrlPattern, ...]:
    """The regexes of a .claimcheckignore file's ``text``: one a line, ``#`` comments and
    blank lines left out. IgnoreFileError, naming the line, for one that is no regex."""
    patterns = []
    for number, line in enumerate(text.splitlines(), start=1):
        regex = line.strip()
        if not regex or regex.startswith("#"):
            continue
        try:
            re.compile(regex)
        except re.error as error:
            raise IgnoreFileError(number, f"{regex!r} is not a regex: {error}") from None
        patterns.append(UrlPattern(regex=regex, origin=f"{file}:{number}"))
    return tuple(patterns)


class IgnoreFileError(ValueError):
    """A line of .claimcheckignore that is no regex."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class HostRules:
    """The rules of a run, asked per host (the first rule that matches a host is its rule)."""

    def __init__(self, rules: tuple[HostRule, ...], accept: tuple[StatusRange, ...], per_host: int):
        self._rules = rules
        self._accept = accept
        self._per_host = per_host
        self._found: dict[str, HostRule | None] = {}

    def rule(self, host: str) -> HostRule | None:
        """The rule for ``host``, if any."""
        if host not in self._found:
            self._found[host] = next((rule for rule in self._rules if rule.matches(host)), None)
        return self._found[host]

    def headers(self, host: str) -> dict[str, str]:
        """The headers requests to ``host`` carry besides the usual ones."""
        rule = self.rule(host)
        if rule is None:
            return {}
        return {header.name: header.value for header in rule.headers if header.value is not None}

    def redacted(self, host: str) -> frozenset[str]:
        """The names (lower case) of the headers a rule sets on requests to ``host``."""
        rule = self.rule(host)
        return frozenset(header.name.lower() for header in rule.headers) if rule else frozenset()

    def accepted(self, host: str, status: int) -> str | None:
        """Where ``status`` from ``host`` is said to count as alive, or None if it is not
        (nor for a 2xx: those are judged as ever, soft 404s and all)."""
        if 200 <= status < 300:
            return None
        rule = self.rule(host)
        if rule is not None and any(status in codes for codes in rule.accept):
            return f"accept of the rule for {rule.match}"
        if any(status in codes for codes in self._accept):
            return "accept"
        return None

    def concurrency(self, host: str) -> int:
        """Requests to ``host`` at once."""
        rule = self.rule(host)
        return rule.concurrency if rule is not None and rule.concurrency else self._per_host

    def interval(self, host: str) -> float:
        """Seconds at least between the starts of two requests to ``host``."""
        rule = self.rule(host)
        return rule.interval if rule is not None else 0.0


class UrlFilter:
    """Which cited URLs are checked: none that an exclusion matches, and when there are
    inclusions, only those that one of them matches."""

    def __init__(
        self,
        exclude: tuple[str, ...],
        include: tuple[str, ...],
        ignored: tuple[UrlPattern, ...] = (),
    ):
        self._exclude = [(re.compile(regex), "exclude") for regex in exclude]
        self._exclude += [(re.compile(pattern.regex), pattern.origin) for pattern in ignored]
        self._include = [re.compile(regex) for regex in include]

    def excluded(self, url: str) -> str | None:
        """Why ``url`` is not checked, in words, or None when it is checked."""
        for pattern, origin in self._exclude:
            if pattern.search(url):
                return f"excluded by {pattern.pattern!r} ({origin})"
        return None

    def included(self, url: str) -> bool:
        """Whether ``url`` is among those to check (every one, without inclusions)."""
        return not self._include or any(pattern.search(url) for pattern in self._include)


def regexes(value: tuple[str, ...], setting: str) -> tuple[str, ...]:
    """``value`` if each is a regex; ValueError naming the first that is not."""
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"{setting} pattern {pattern!r} is not a regex: {error}") from None
    return value
