"""A Wayback Machine stand-in on a loopback address: look-ups, Save Page Now 2, misbehaviour."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from tests.servers import HTML, Handler, Host, Request, Response, free_addresses, html_document

AVAILABLE = "/wayback/available"
CDX = "/cdx/search/cdx"
SAVE = "/save"
SAVE_STATUS = "/save/status/"
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
JSON = "application/json"
_PAD_DOWN = "10000101000000"
_PAD_UP = "99991231235959"
_GARBLED = b'{"archived_snapshots": {"closest": '


@dataclass(frozen=True)
class Capture:
    """One capture the stand-in holds."""

    timestamp: str
    original: str
    status: int = 200
    mimetype: str = "text/html"

    def field(self, name: str) -> str:
        """The CDX field `name` of this capture, as the CDX server writes it."""
        values = {
            "urlkey": surt(self.original),
            "timestamp": self.timestamp,
            "original": self.original,
            "mimetype": self.mimetype,
            "statuscode": str(self.status),
            "digest": _digest(self.timestamp + self.original),
            "length": "1234",
        }
        return values[name]


@dataclass
class _Job:
    id: str
    url: str
    polls_left: int
    error: tuple[str, str] | None
    timestamp: str
    finished: bool = False


@dataclass
class _Fault:
    remaining: int
    endpoint: str | None
    response: Response


def surt(url: str) -> str:
    """A simplified SURT key: ``com,example)/path?query``, as CDX rows start."""
    parts = urlsplit(url)
    host = ",".join(reversed((parts.hostname or "").removeprefix("www.").split(".")))
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}){parts.path or '/'}{query}".lower()


def _digest(text: str) -> str:
    return base64.b32encode(hashlib.sha1(text.encode()).digest()).decode()


def _json_response(document: object, status: int = 200) -> Response:
    return Response(status, [("Content-Type", JSON)], json.dumps(document).encode())


def query_of(request: Request) -> dict[str, list[str]]:
    """A request's query parameters, each with every value it was given."""
    return parse_qs(request.query, keep_blank_values=True)


def form_of(request: Request) -> dict[str, str]:
    """A request's urlencoded form body."""
    return dict(parse_qsl(request.body.decode(), keep_blank_values=True))


class WaybackStandIn:
    """The Wayback Machine's APIs on a loopback Host, under `prefix`, with scripted faults.

    Captures live in memory per URL (`add_capture`). Save Page Now jobs stay pending for
    `pending_polls` status requests, then succeed (adding a capture at `capture_timestamp`)
    or end in `job_error`; `save_error` refuses the capture request itself. Availability
    answers write mementos under `memento_base` (default: the stand-in's own base URL). Every
    answer is `delay` seconds late. `answer_next` and its helpers script the next N answers.
    """

    def __init__(self, host: Host, prefix: str = "") -> None:
        self.host = host
        self.prefix = prefix.rstrip("/")
        self.delay = 0.0
        self.pending_polls = 0
        self.job_error: tuple[str, str] | None = None
        self.save_error: tuple[str, str] | None = None
        self.capture_timestamp = "20241122093000"
        self.memento_base: str | None = None
        self.jobs_in_flight = 0
        self.max_jobs_in_flight = 0
        self._lock = threading.Lock()
        self._captures: dict[str, list[Capture]] = {}
        self._jobs: dict[str, _Job] = {}
        self._job_numbers = itertools.count(1)
        self._faults: list[_Fault] = []
        self._authorization: str | None = None
        self._route(AVAILABLE, self._available)
        self._route(CDX, self._cdx)
        self._route(SAVE, self._spn(self._save))

    @property
    def base_url(self) -> str:
        """The address to configure as the archive's base URL."""
        return self.host.base_url + self.prefix

    # Setting up ----------------------------------------------------------------------------

    def add_capture(self, url: str, timestamp: str, status: int = 200) -> Capture:
        """Hold a capture of `url` at `timestamp` (14 digits), answering `status`."""
        capture = Capture(timestamp, url, status)
        with self._lock:
            self._captures.setdefault(url, []).append(capture)
            self._captures[url].sort(key=lambda held: held.timestamp)
        self._route(f"/web/{timestamp}/{url}", self._memento(capture))
        return capture

    def require_credentials(self, access: str, secret: str) -> None:
        """Answer Save Page Now requests 401 unless they carry `LOW access:secret`."""
        self._authorization = f"LOW {access}:{secret}"

    def answer_next(
        self,
        n: int,
        status: int,
        headers: Iterable[tuple[str, str]] = (),
        body: bytes = b"",
        endpoint: str | None = None,
    ) -> None:
        """Answer the next `n` requests (to `endpoint` only, if given) with this instead."""
        response = Response(status, list(headers), body)
        with self._lock:
            self._faults.append(_Fault(n, endpoint, response))

    def rate_limit_next(
        self, n: int, retry_after: str | None = None, endpoint: str | None = None
    ) -> None:
        """429 Too Many Requests to the next `n` requests, with Retry-After if given."""
        headers = [("Content-Type", "text/plain")]
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        self.answer_next(n, 429, headers, b"Too Many Requests", endpoint)

    def fail_next(self, n: int, status: int = 503, endpoint: str | None = None) -> None:
        """A 5xx error page to the next `n` requests."""
        page = html_document(f"{status} Server Error").encode()
        self.answer_next(n, status, [("Content-Type", HTML)], page, endpoint)

    def garble_next(self, n: int, endpoint: str | None = None) -> None:
        """A 200 JSON answer cut off mid-way to the next `n` requests."""
        self.answer_next(n, 200, [("Content-Type", JSON)], _GARBLED, endpoint)

    # What was asked ------------------------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, in arrival order."""
        return self.host.requests

    def hits(self, endpoint: str) -> list[Request]:
        """The requests to `endpoint` (a path under the prefix, or its start when it ends in /)."""
        return [r for r in self.requests if _concerns(self.prefix + endpoint, r.path)]

    def stop(self) -> None:
        """Stop the host."""
        self.host.stop()

    # Serving -------------------------------------------------------------------------------

    def _route(self, endpoint: str, handler: Handler) -> None:
        self.host.route(self.prefix + endpoint, self._scripted(endpoint, handler))

    def _scripted(self, endpoint: str, handler: Handler) -> Handler:
        """`handler`, unless a scripted fault answers first; `delay` seconds late either way."""

        def answer(request: Request) -> Response | None:
            response = self._fault_for(endpoint) or handler(request)
            return None if response is None else replace(response, delay=self.delay)

        return answer

    def _fault_for(self, endpoint: str) -> Response | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and _concerns(fault.endpoint, endpoint):
                    fault.remaining -= 1
                    return replace(fault.response)
        return None

    def _available(self, request: Request) -> Response:
        query = query_of(request)
        url = query.get("url", [""])[0]
        wanted = query.get("timestamp", [None])[0]
        closest = self._closest(url, wanted)
        document: dict[str, object] = {"url": url, "archived_snapshots": {}}
        if wanted is not None:
            document["timestamp"] = wanted
        if closest is not None:
            document["archived_snapshots"] = {
                "closest": {
                    "status": str(closest.status),
                    "available": True,
                    "url": f"{self.memento_base or self.base_url}/web/"
                    f"{closest.timestamp}/{closest.original}",
                    "timestamp": closest.timestamp,
                }
            }
        return _json_response(document)

    def _closest(self, url: str, wanted: str | None) -> Capture | None:
        with self._lock:
            held = [c for c in self._captures.get(url, []) if c.status < 400]
        if not held:
            return None
        if wanted is None:
            return held[-1]
        target = int(_pad(wanted, _PAD_DOWN))
        return min(held, key=lambda capture: abs(int(capture.timestamp) - target))

    def _cdx(self, request: Request) -> Response:
        query = query_of(request)
        url = query.get("url", [""])[0]
        fields = query.get("fl", [",".join(CDX_FIELDS)])[0].split(",")
        with self._lock:
            rows = list(self._captures.get(url, []))
        rows = [c for c in rows if all(_passes(c, f) for f in query.get("filter", []))]
        if "from" in query:
            rows = [c for c in rows if c.timestamp >= _pad(query["from"][0], _PAD_DOWN)]
        if "to" in query:
            rows = [c for c in rows if c.timestamp <= _pad(query["to"][0], _PAD_UP)]
        if "limit" in query:
            limit = int(query["limit"][0])
            rows = rows[limit:] if limit < 0 else rows[:limit]
        table = [[c.field(name) for name in fields] for c in rows]
        if query.get("output", [""])[0] != "json":
            text = "".join(" ".join(row) + "\n" for row in table)
            return Response(200, [("Content-Type", "text/plain")], text.encode())
        return _json_response([fields, *table] if table else [])

    def _spn(self, handler: Handler) -> Handler:
        """`handler` behind Save Page Now's checks: credentials, then an Accept for JSON."""

        def answer(request: Request) -> Response | None:
            sent = request.headers.get("Authorization")
            if self._authorization is not None and sent != self._authorization:
                return _json_response({"message": "You need to be logged in"}, 401)
            if JSON not in request.headers.get("Accept", ""):
                return Response(200, [("Content-Type", HTML)], html_document("Saving").encode())
            return handler(request)

        return answer

    def _save(self, request: Request) -> Response:
        url = form_of(request).get("url")
        if not url:
            return _json_response(
                {"status": "error", "status_ext": "error:bad-request", "message": "No url"}
            )
        if self.save_error is not None:
            reason, message = self.save_error
            return _json_response({"status": "error", "status_ext": reason, "message": message})
        job = _Job(
            f"spn2-{next(self._job_numbers):04d}",
            url,
            self.pending_polls,
            self.job_error,
            self.capture_timestamp,
        )
        with self._lock:
            self._jobs[job.id] = job
            self.jobs_in_flight += 1
            self.max_jobs_in_flight = max(self.max_jobs_in_flight, self.jobs_in_flight)
        self._route(SAVE_STATUS + job.id, self._spn(self._status))
        return _json_response({"url": url, "job_id": job.id})

    def _status(self, request: Request) -> Response:
        job_id = request.path.rsplit("/", 1)[1]
        with self._lock:
            job = self._jobs[job_id]
            if job.polls_left > 0:
                job.polls_left -= 1
                return _json_response({"status": "pending", "job_id": job.id, "resources": []})
            if not job.finished:
                job.finished = True
                self.jobs_in_flight -= 1
        if job.error is not None:
            reason, message = job.error
            return _json_response(
                {"status": "error", "status_ext": reason, "message": message, "job_id": job.id}
            )
        self.add_capture(job.url, job.timestamp)
        return _json_response(
            {
                "status": "success",
                "job_id": job.id,
                "original_url": job.url,
                "timestamp": job.timestamp,
                "duration_sec": 1.5,
                "resources": [job.url],
            }
        )

    def _memento(self, capture: Capture) -> Handler:
        page = html_document(f"{capture.original} at {capture.timestamp}").encode()
        return lambda request: Response(200, [("Content-Type", HTML)], page)


def _concerns(endpoint: str | None, path: str) -> bool:
    """Whether `endpoint` (None: any; ending in /: any path under it) covers `path`."""
    if endpoint is None or endpoint == path:
        return True
    return endpoint.endswith("/") and path.startswith(endpoint)


def _pad(timestamp: str, padding: str) -> str:
    return timestamp + padding[len(timestamp) :]


def _passes(capture: Capture, expression: str) -> bool:
    """Whether `capture` passes a CDX filter ``[!]field:regex`` (the regex matching in full)."""
    negated = expression.startswith("!")
    name, _, pattern = expression.removeprefix("!").partition(":")
    matched = re.fullmatch(pattern, capture.field(name)) is not None
    return matched != negated


class WaybackFactory(Protocol):
    """The `wayback_stand_in` fixture: `wayback_stand_in(prefix="") -> WaybackStandIn`."""

    def __call__(self, prefix: str = "") -> WaybackStandIn: ...


@pytest.fixture
def wayback_stand_in() -> Iterator[WaybackFactory]:
    """A factory of running Wayback stand-ins on loopback addresses, all stopped at teardown."""
    started: list[WaybackStandIn] = []

    def factory(prefix: str = "") -> WaybackStandIn:
        (address,) = free_addresses(1)
        started.append(WaybackStandIn(Host(address), prefix))
        return started[-1]

    try:
        yield factory
    finally:
        for stand_in in started:
            stand_in.stop()
