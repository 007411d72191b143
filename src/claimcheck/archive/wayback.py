"""Find and make Wayback Machine mementos: availability and CDX look-ups, Save Page Now 2."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Literal, TypeVar

import httpx
from pydantic import Field

from claimcheck.archive.settings import WaybackSettings
from claimcheck.check.client import guarded_transport
from claimcheck.check.faults import AddressRefused
from claimcheck.check.fetch import retry_after_seconds
from claimcheck.check.options import CheckOptions
from claimcheck.check.resolver import Resolver
from claimcheck.check.safety import AddressClass, classify_address, is_ip_literal
from claimcheck.models import Memento

_R = TypeVar("_R")

CREDENTIAL_VARIABLES = ("IA_ACCESS_KEY", "IA_SECRET_KEY")
_PAD_DOWN = "10000101000000"  # how the Wayback pads a short timestamp: 2024 -> 20240101000000
_TIMESTAMP = re.compile(r"[0-9]{1,14}")
_CDX_FIELDS = "timestamp,original,statuscode"
_SUCCESSFUL = "statuscode:[23].."
# Failures worth another try: the connection dropped or the answer broke off.
_RETRIED_ERRORS = (httpx.NetworkError, httpx.RemoteProtocolError)
# SPN2 refusals about the service's limits, not about the page.
_SERVICE_LIMITS = frozenset({"error:user-session-limit", "error:too-many-daily-captures"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
_ANSWER_CAP = 8 * 1024 * 1024  # bytes of one JSON answer, decompressed


class WaybackStatus(StrEnum):
    """How a look-up or a capture ended."""

    FOUND = "found"
    NOT_ARCHIVED = "not-archived"
    RATE_LIMITED = "rate-limited"
    REFUSED = "refused"
    ERROR = "error"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class WaybackResult:
    """A memento found or made, or why there is none, in words for the report."""

    status: WaybackStatus
    memento: Memento | None
    detail: str


class WaybackOptions(WaybackSettings):
    """The settings, the keys from the environment, and the client's own patience."""

    access_key: str | None = Field(default=None, repr=False)
    secret_key: str | None = Field(default=None, repr=False)
    retries: int = 3
    backoff: float = 1.0
    retry_after_cap: float = 120.0
    poll_interval: float = 5.0
    lookups_at_once: int = 4
    captures_at_once: int = 1

    @classmethod
    def of(
        cls, settings: WaybackSettings, *, access_key: str | None, secret_key: str | None
    ) -> WaybackOptions:
        """The options of ``settings``, each under its own name, with the archive's keys."""
        values = {name: getattr(settings, name) for name in WaybackSettings.model_fields}
        return cls.model_validate({**values, "access_key": access_key, "secret_key": secret_key})


def wayback_client(check: CheckOptions, resolver: Resolver) -> httpx.AsyncClient:
    """The archive's HTTP client: it connects as the link check does, and follows no redirect.

    Every connection goes through the link check's guarded connector (each resolved address
    checked when connecting, so private addresses only with --allow-private and metadata
    ones never) and the configured proxies. Redirects are followed by ``Wayback`` itself, one
    hop at a time, each hop a new guarded request.
    """
    return httpx.AsyncClient(
        transport=guarded_transport(check, resolver),
        headers={"User-Agent": check.agent},
        follow_redirects=False,
        trust_env=False,
    )


def check_archive_url(url: str) -> str:
    """``url`` if it can be an archive's base URL; ValueError if it is no http(s) URL with a
    host, or names an address claimcheck never connects to."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise ValueError(f"{url!r} is not a URL: {error}") from None
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ValueError(f"{url!r} is not an http(s) URL with a host")
    if is_ip_literal(parsed.host) and classify_address(parsed.host) is AddressClass.FORBIDDEN:
        raise ValueError(
            f"{url!r} is a link-local, metadata or reserved address, never connected to"
        )
    return url


def credentials_from_env(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The Internet Archive keys (IA_ACCESS_KEY, IA_SECRET_KEY) when both are set and not empty."""
    access, secret = (environ.get(name, "").strip() for name in CREDENTIAL_VARIABLES)
    return (access, secret) if access and secret else None


def wayback_datetime(timestamp: str) -> datetime:
    """The UTC moment of a Wayback timestamp, padded as the Wayback pads it; ValueError if none."""
    if not _TIMESTAMP.fullmatch(timestamp):
        raise ValueError(f"not a Wayback timestamp: {timestamp!r}")
    padded = timestamp + _PAD_DOWN[len(timestamp) :]
    fields = (padded[:4], *(padded[start : start + 2] for start in range(4, 14, 2)))
    year, month, day, hour, minute, second = (int(field) for field in fields)
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


class _Failed(Exception):
    """Ends a look-up or capture early with a result that has no memento."""

    def __init__(self, status: WaybackStatus, detail: str) -> None:
        super().__init__(detail)
        self.result = WaybackResult(status, None, detail)


class Wayback:
    """A Wayback-compatible archive: look up captures, request new ones; failures are results."""

    def __init__(self, client: httpx.AsyncClient, options: WaybackOptions) -> None:
        self._client = client
        self._options = options
        self._base = options.wayback_url.rstrip("/")
        self._lookups = asyncio.Semaphore(options.lookups_at_once)
        self._captures = asyncio.Semaphore(options.captures_at_once)
        self._paused_until = 0.0
        self._closed_until = 0.0

    async def closest(self, url: str, before: date | None = None) -> WaybackResult:
        """The newest successful capture not after the end of day `before`, else the closest."""
        async with self._lookups:
            try:
                if before is not None:
                    found = await self._newest_capture_until(url, before)
                    if found is not None:
                        return found
                return await self._closest_available(url, before)
            except _Failed as failure:
                return failure.result

    async def capture(self, url: str) -> WaybackResult:
        """Ask Save Page Now for a new capture of `url`, then follow the job until it ends."""
        async with self._captures:
            try:
                job_id = await self._start_capture(url)
                return await self._follow_capture(url, job_id)
            except _Failed as failure:
                return failure.result

    # Look-ups ------------------------------------------------------------------------------

    async def _newest_capture_until(self, url: str, before: date) -> WaybackResult | None:
        params = {
            "url": url,
            "output": "json",
            "fl": _CDX_FIELDS,
            "filter": _SUCCESSFUL,
            "to": f"{before:%Y%m%d}235959",
            "limit": "-1",
        }
        answer = await self._json("GET", "/cdx/search/cdx", params=params)
        rows = _parsed("the CDX server", _cdx_rows, answer)
        if not rows:
            return None
        timestamp, original, status = max(rows)
        memento = self._memento(timestamp, original, "cdx", _http_status(status))
        return WaybackResult(
            WaybackStatus.FOUND, memento, f"newest capture not after {before:%Y-%m-%d}: {timestamp}"
        )

    async def _closest_available(self, url: str, before: date | None) -> WaybackResult:
        params = {"url": url}
        if before is not None:
            params["timestamp"] = f"{before:%Y%m%d}235959"
        answer = await self._json("GET", "/wayback/available", params=params)
        closest = _parsed("the availability API", _closest_snapshot, answer)
        if closest is None:
            return WaybackResult(
                WaybackStatus.NOT_ARCHIVED, None, f"the archive holds no capture of {url}"
            )
        timestamp, memento_url, status = closest
        original = _original_of(memento_url, timestamp) or url
        memento = self._memento(timestamp, original, "availability", _http_status(status))
        if before is None:
            detail = f"closest capture: {timestamp}"
        else:
            detail = f"no capture on or before {before:%Y-%m-%d}; the closest is {timestamp}"
        return WaybackResult(WaybackStatus.FOUND, memento, detail)

    # Captures ------------------------------------------------------------------------------

    async def _start_capture(self, url: str) -> str:
        form = {"url": url, "skip_first_archive": "1"}
        answer = await self._json("POST", "/save", data=form, spn=True)
        job_id = _parsed("Save Page Now", _job_id, answer)
        if job_id is None:
            raise _Failed(*_refusal(answer))
        return job_id

    async def _follow_capture(self, url: str, job_id: str) -> WaybackResult:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._options.wayback_poll_timeout
        while loop.time() + self._options.poll_interval <= deadline:
            await asyncio.sleep(self._options.poll_interval)
            answer = await self._json("GET", f"/save/status/{job_id}", spn=True)
            state = _parsed("Save Page Now", _job_state, answer)
            if state == "success":
                return self._captured(url, job_id, answer)
            if state == "error":
                raise _Failed(*_refusal(answer))
        raise _Failed(
            WaybackStatus.TIMEOUT,
            f"capture job {job_id} still pending after {self._options.wayback_poll_timeout:g} s",
        )

    def _captured(self, url: str, job_id: str, answer: Any) -> WaybackResult:
        timestamp, original = _parsed("Save Page Now", _job_capture, answer)
        memento = self._memento(timestamp, original or url, "save", None)
        return WaybackResult(WaybackStatus.FOUND, memento, f"captured {timestamp} (job {job_id})")

    def _memento(
        self,
        timestamp: str,
        original: str,
        via: Literal["availability", "cdx", "save"],
        http_status: int | None,
    ) -> Memento:
        captured_at = _parsed("the archive", wayback_datetime, timestamp)
        return Memento(
            url=f"{self._base}/web/{timestamp}/{original}",
            captured_at=captured_at,
            original=original,
            http_status=http_status,
            via=via,
        )

    # Requests ------------------------------------------------------------------------------

    async def _json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        spn: bool = False,
    ) -> Any:
        """The JSON of the first answer worth reading; raises _Failed for everything else."""
        content = await self._answer(method, self._base + path, params, data, spn)
        try:
            return json.loads(content)
        except (ValueError, RecursionError) as error:
            raise _Failed(WaybackStatus.ERROR, f"malformed JSON from {path}: {error}") from None

    async def _answer(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        spn: bool,
    ) -> bytes:
        """A 2xx answer's body, after retrying 429, 5xx and dropped connections and honouring
        pauses; each try ends within the timeout, redirects included."""
        attempt = 0
        while True:
            await self._wait_for_the_service()
            try:
                async with asyncio.timeout(self._options.wayback_timeout):
                    response, content = await self._exchange(method, url, params, data, spn)
            except (TimeoutError, httpx.TimeoutException):
                raise _Failed(
                    WaybackStatus.TIMEOUT,
                    f"no answer from {url} within {self._options.wayback_timeout:g} s",
                ) from None
            except (httpx.TransportError, httpx.InvalidURL, httpx.DecodingError) as error:
                if isinstance(error, _RETRIED_ERRORS) and attempt < self._options.retries:
                    attempt += 1
                    await asyncio.sleep(self._backoff(attempt))
                    continue
                raise _Failed(
                    WaybackStatus.ERROR, f"cannot reach {url}: {str(error) or type(error).__name__}"
                ) from None
            if response.is_success:
                return content
            await self._before_retrying(response, attempt, spn)
            attempt += 1

    async def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        spn: bool,
    ) -> tuple[httpx.Response, bytes]:
        """The answer at the end of the redirects, and its body if it is a success.

        Each hop is a request of its own through the guarded client. The form and the
        credentials go only to the archive's own origin: a redirect elsewhere is followed
        without them (a GET), or not at all (a POST that would keep its form).
        """
        request = self._request(method, url, params, data, spn)
        for _hop in range(_MAX_REDIRECTS + 1):
            try:
                response = await self._client.send(request, stream=True)
            except AddressRefused as refused:
                raise _Failed(WaybackStatus.ERROR, _refusal_of(request.url, refused)) from None
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    request = self._redirected(request, response, data, spn)
                    continue
                content = await _capped_body(response) if response.is_success else b""
                return response, content
            finally:
                await response.aclose()
        raise _Failed(WaybackStatus.ERROR, f"{url} redirected more than {_MAX_REDIRECTS} times")

    def _request(
        self,
        method: str,
        url: str | httpx.URL,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        spn: bool,
    ) -> httpx.Request:
        """A request to ``url``, with the credentials only if it goes to the archive's origin."""
        headers = {"Accept": "application/json"}
        if spn and _origin(httpx.URL(url)) == _origin(httpx.URL(self._base)):
            headers |= self._authorization()
        return self._client.build_request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            timeout=self._options.wayback_timeout,
        )

    def _redirected(
        self,
        request: httpx.Request,
        response: httpx.Response,
        data: Mapping[str, str] | None,
        spn: bool,
    ) -> httpx.Request:
        """The next hop's request: as browsers do, 301, 302 and 303 turn a POST into a GET."""
        location = response.headers["location"]
        try:
            target = request.url.join(location)
        except httpx.InvalidURL:
            target = None
        if target is None or target.scheme not in {"http", "https"} or not target.host:
            raise _Failed(
                WaybackStatus.ERROR,
                f"the archive redirected {request.url} to {location!r}, not an http(s) address",
            )
        method = request.method
        if method == "POST" and response.status_code in {301, 302, 303}:
            method, data = "GET", None
        if method == "POST" and _origin(target) != _origin(httpx.URL(self._base)):
            raise _Failed(
                WaybackStatus.ERROR,
                f"the archive redirected the capture request to another origin ({target}); "
                "its form and credentials are not sent there",
            )
        return self._request(method, target, None, data if method == "POST" else None, spn)

    async def _before_retrying(self, response: httpx.Response, attempt: int, spn: bool) -> None:
        """Wait before asking again after a failed answer, or raise _Failed if that is pointless."""
        code = response.status_code
        if code in {401, 403}:
            raise _Failed(WaybackStatus.REFUSED, self._refused_detail(code, spn))
        if code != 429 and code < 500:
            raise _Failed(WaybackStatus.ERROR, f"the archive answered HTTP {code}")
        status = WaybackStatus.RATE_LIMITED if code == 429 else WaybackStatus.ERROR
        wait = retry_after_seconds(response.headers.get("retry-after"))
        if wait is not None and wait > self._options.retry_after_cap:
            if code == 429:
                self._closed_until = asyncio.get_running_loop().time() + wait
            raise _Failed(
                status,
                f"the archive answered HTTP {code} and asked to wait {wait:g} s, "
                f"beyond the {self._options.retry_after_cap:g} s cap",
            )
        if attempt >= self._options.retries:
            raise _Failed(status, f"the archive answered HTTP {code} to all {attempt + 1} tries")
        if wait is None:
            await asyncio.sleep(self._backoff(attempt + 1))
        else:
            self._pause(wait)

    def _refused_detail(self, code: int, spn: bool) -> str:
        names = " and ".join(CREDENTIAL_VARIABLES)
        if not spn:
            return f"the archive refused the look-up (HTTP {code})"
        if self._authorization():
            return f"the archive refused the credentials (HTTP {code}); check {names}"
        return f"the archive refused an anonymous capture (HTTP {code}); set {names}"

    def _authorization(self) -> dict[str, str]:
        access, secret = self._options.access_key, self._options.secret_key
        if not (access and secret):
            return {}
        return {"Authorization": f"LOW {access}:{secret}"}

    def _pause(self, seconds: float) -> None:
        """Hold every request to the archive for `seconds`: its rate limit is the host's."""
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)

    async def _wait_for_the_service(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() < self._closed_until:
            left = self._closed_until - loop.time()
            raise _Failed(
                WaybackStatus.RATE_LIMITED,
                f"the archive asked for no requests for another {left:.0f} s",
            )
        while (left := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(left)

    def _backoff(self, attempt: int) -> float:
        base: float = self._options.backoff * 2.0 ** (attempt - 1)
        return base * (0.5 + random.random())


# Answers --------------------------------------------------------------------------------------


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port: where credentials may go."""
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _refusal_of(url: httpx.URL, refused: AddressRefused) -> str:
    """Why the guard refused to connect to ``url``, in words for the report."""
    if refused.kind is AddressClass.FORBIDDEN:
        return f"never connecting to {url}: {refused} (a link-local, metadata or reserved address)"
    return f"not connecting to {url}: {refused} (a private address; --allow-private allows it)"


async def _capped_body(response: httpx.Response) -> bytes:
    """The body of an answer, up to the cap past which it is no answer of the archive's."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > _ANSWER_CAP:
            raise _Failed(
                WaybackStatus.ERROR,
                f"the archive's answer is larger than {_ANSWER_CAP // (1024 * 1024)} MiB",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parsed(source: str, parse: Callable[[Any], _R], answer: Any) -> _R:
    """`parse(answer)`, an odd shape (a missing key, a wrong type) failing as ERROR."""
    try:
        return parse(answer)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        raise _Failed(WaybackStatus.ERROR, f"unexpected answer from {source}: {error!r}") from None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _cdx_rows(answer: Any) -> list[tuple[str, str, str]]:
    """The (timestamp, original, statuscode) rows of a CDX JSON answer, without its header."""
    if not isinstance(answer, list):
        raise TypeError(f"expected a JSON array, got {answer!r}")
    if not answer:
        return []
    header, *rows = answer
    timestamp, original, status = (header.index(name) for name in _CDX_FIELDS.split(","))
    return [(_text(row[timestamp]), _text(row[original]), _text(row[status])) for row in rows]


def _closest_snapshot(answer: Any) -> tuple[str, str, object] | None:
    """The (timestamp, memento URL, status) of an availability answer's closest, if any."""
    closest = answer["archived_snapshots"].get("closest")
    if not closest or closest.get("available") is False:
        return None
    return _text(closest["timestamp"]), _text(closest["url"]), closest.get("status")


def _original_of(memento_url: str, timestamp: str) -> str | None:
    """The captured address in a memento URL ``.../web/{timestamp}/{original}``."""
    marker = f"/web/{timestamp}/"
    start = memento_url.find(marker)
    return (memento_url[start + len(marker) :] or None) if start >= 0 else None


def _http_status(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def _job_id(answer: Any) -> str | None:
    """The job id of a Save Page Now request's answer; None when it refused the request."""
    if "job_id" in answer:
        return _text(answer["job_id"])
    if answer.get("status") == "error":
        return None
    raise KeyError("job_id")


def _job_state(answer: Any) -> str:
    state = _text(answer["status"])
    if state not in {"pending", "success", "error"}:
        raise ValueError(f"unknown job status {state!r}")
    return state


def _job_capture(answer: Any) -> tuple[str, str | None]:
    """The timestamp and the captured address of a finished job."""
    original = answer.get("original_url")
    return _text(answer["timestamp"]), _text(original) if original is not None else None


def _refusal(answer: Any) -> tuple[WaybackStatus, str]:
    """The status and words for Save Page Now's error answer (to a request or a job)."""
    reason = str(answer.get("status_ext") or "error")
    message = str(answer.get("message") or "no message")
    status = WaybackStatus.RATE_LIMITED if reason in _SERVICE_LIMITS else WaybackStatus.NOT_ARCHIVED
    return status, f"Save Page Now: {message} ({reason})"
