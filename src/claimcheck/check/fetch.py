"""Fetch one URL the way a careful reader's browser would, and record what happened."""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from claimcheck.check.body import read_body
from claimcheck.check.client import Redirected
from claimcheck.check.faults import Failure, failure_of
from claimcheck.check.hosts import UNRESPONSIVE_AFTER, HostGates, backoff
from claimcheck.check.html import PageFacts, is_challenge, is_html, parse_refresh, read_page
from claimcheck.check.options import BROWSER_HEADERS, CheckOptions
from claimcheck.check.urlrules import HostRules
from claimcheck.iri import InvalidURL, to_uri
from claimcheck.models import Hop
from claimcheck.spool import Spool

REDIRECTS = frozenset({301, 302, 303, 307, 308})
# A refresh after longer than this is a page reloading the front page after a while, not one
# that moved: the reader reads it meanwhile.
REFRESH_FOLLOWED = 30.0
PERMANENT = frozenset({301, 308})
REFUSING = frozenset({401, 402, 403, 407, 429, 451, 999})
RETRYABLE = frozenset({408, 500, 502, 503, 504, 520, 521, 522, 523, 524})
_CHALLENGE_READ = 256 * 1024
# Retry-After in seconds; a fraction is read too, though HTTP asks for whole seconds.
_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


# Failures that say nothing of the page, only that its host could not be reached.
CONNECTIVITY = frozenset(
    {
        Failure.NAME_NOT_FOUND,
        Failure.LOOKUP_FAILED,
        Failure.LOOKUP_TIMEOUT,
        Failure.PROXY_FAILED,
        Failure.REFUSED,
        Failure.CONNECT_FAILED,
        Failure.CONNECT_TIMEOUT,
    }
)
_RETRIED = frozenset({Failure.RESET, Failure.CONNECT_TIMEOUT, Failure.READ_TIMEOUT})
# Failures that count towards giving up on a host (check/hosts.py).
_TIMEOUTS = frozenset({Failure.CONNECT_TIMEOUT, Failure.READ_TIMEOUT, Failure.TOTAL_TIMEOUT})


@dataclass(frozen=True)
class Answer:
    """One HTTP response: its status, the headers that matter, and what was read of it.

    The ``body`` of an outcome's answer is the caller's to close.
    """

    url: str
    status: int
    headers: httpx.Headers
    page: PageFacts | None = None
    body: Spool | None = None
    truncated: bool = False
    size: int = 0
    decodable: bool = True
    cut_short: bool = False
    request_headers: httpx.Headers | None = None
    http_version: str = "HTTP/1.1"
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    """Everything one check of a URL saw, for classification."""

    url: str
    started_at: datetime
    elapsed: float = 0.0
    answer: Answer | None = None
    failure: Failure | None = None
    detail: str | None = None
    hops: tuple[Hop, ...] = ()
    retry_after: float | None = None
    tls_problem: str | None = None
    browser_headers: bool = False
    attempts: int = 0
    ignored_refresh: str | None = None


@dataclass
class _Chain:
    """One check of a URL in progress: its deadline, redirects and attempts so far.

    The total deadline starts when the first request is sent, not while the check waits
    for a free slot behind other URLs of the same host.
    """

    want_body: bool
    want_anchors: bool = False
    urgent: bool = False
    timer: asyncio.Timeout | None = None
    deadline: float | None = None
    started_at: datetime | None = None
    clock: float | None = None
    hops: list[Hop] = field(default_factory=list)
    attempts: int = 0
    retry_after: float | None = None
    bodies: list[Spool] = field(default_factory=list)
    ignored_refresh: str | None = None
    asking: str | None = None  # the host a request is being sent to, if one is

    def start(self, total: float, run_deadline: float) -> None:
        """Start the deadline (``total`` from now, or the run's if that is sooner) and the
        clock, once."""
        if self.deadline is not None:
            return
        self.deadline = min(asyncio.get_running_loop().time() + total, run_deadline)
        if self.timer is not None:
            self.timer.reschedule(self.deadline)
        self.started_at = datetime.now(UTC)
        self.clock = time.monotonic()

    def drop(self, answer: Answer) -> None:
        """Close the body of an answer asked for again, now: it is not closed with the others."""
        if answer.body is not None:
            answer.body.close()
            self.hand_over(answer)

    def hand_over(self, answer: Answer) -> None:
        """The final answer's body is the caller's now: not closed with the others."""
        self.bodies = [body for body in self.bodies if body is not answer.body]

    def close_bodies(self) -> None:
        """Close the bodies of answers not handed over (redirected, retried, abandoned)."""
        for body in self.bodies:
            body.close()
        self.bodies.clear()


class _Stop(Exception):
    """A request ended without an answer worth following."""

    def __init__(self, failure: Failure, detail: str):
        super().__init__(detail)
        self.failure = failure
        self.detail = detail


class Fetcher:
    """Fetches URLs through one client, politely: per-host slots, retries, Retry-After."""

    def __init__(
        self,
        options: CheckOptions,
        client: httpx.AsyncClient,
        insecure_client: httpx.AsyncClient,
        *,
        want_body: bool = False,
    ):
        self.options = options
        self._client = client
        self._insecure = insecure_client
        self._global = asyncio.Semaphore(options.concurrency)
        self._want_body = want_body
        # The run's deadline, on the event loop's clock (the fetcher is made as the run starts).
        self._run_deadline = asyncio.get_running_loop().time() + options.run_timeout
        self.rules = HostRules(options.hosts, options.accept, options.per_host)
        self._gates = HostGates(options.per_host, self.rules, until=self._run_deadline)

    async def fetch(
        self,
        url: str,
        *,
        want_body: bool | None = None,
        urgent: bool = False,
        as_browser: bool = False,
    ) -> Outcome:
        """Fetch ``url``, following redirects and meta refreshes, within the total deadline.

        The body is kept when ``want_body`` (default: as the fetcher was made) asks for it.
        An ``urgent`` fetch, one that other checks wait on, goes first at its hosts' gates;
        one ``as_browser`` sends a browser's request headers from the start.
        What is sent, and recorded as each answer's address, is ``url`` as a URI (IDNA host,
        percent-escaped path), as a browser sends it.
        """
        queued_at = datetime.now(UTC)
        try:
            url = to_uri(url)
        except InvalidURL as error:
            return Outcome(
                url=url, started_at=queued_at, failure=Failure.INVALID_URL, detail=str(error)
            )
        chain = _Chain(
            want_body=self._want_body if want_body is None else want_body,
            want_anchors=bool(urlsplit(url).fragment) and self.options.check_fragments,
            urgent=urgent,
        )
        try:
            async with asyncio.timeout(None) as timer:
                chain.timer = timer
                outcome = await self._fetch(url, queued_at, chain, as_browser)
        except TimeoutError:
            if chain.asking is not None:
                self._gates.timed_out(chain.asking)
            failure, detail = (
                Failure.TOTAL_TIMEOUT,
                (f"no answer within the total deadline of {self.options.timeout:g} s"),
            )
            if self._past_run_deadline():
                failure, detail = Failure.RUN_DEADLINE, self._run_deadline_detail()
            outcome = Outcome(
                url=url,
                started_at=queued_at,
                failure=failure,
                detail=detail,
                hops=tuple(chain.hops),
                attempts=chain.attempts,
            )
        finally:
            chain.close_bodies()
        elapsed = time.monotonic() - chain.clock if chain.clock is not None else 0.0
        return replace(outcome, started_at=chain.started_at or queued_at, elapsed=elapsed)

    async def _fetch(self, url: str, started: datetime, chain: _Chain, browser: bool) -> Outcome:
        client, tls_problem = self._client, None
        while True:
            chain.hops.clear()
            chain.ignored_refresh = None
            try:
                answer = await self._follow(url, client, browser, chain)
            except _Stop as stop:
                if stop.failure is Failure.TLS_VERIFY and client is self._client:
                    client, tls_problem = self._insecure, stop.detail
                    continue
                return Outcome(
                    url=url,
                    started_at=started,
                    failure=stop.failure,
                    detail=stop.detail,
                    hops=tuple(chain.hops),
                    retry_after=chain.retry_after,
                    tls_problem=tls_problem,
                    browser_headers=browser,
                    attempts=chain.attempts,
                )
            if not browser and _refuses_robots(answer) and not self._accepted(answer):
                browser = True
                continue
            chain.hand_over(answer)
            return Outcome(
                url=url,
                started_at=started,
                answer=answer,
                hops=tuple(chain.hops),
                retry_after=chain.retry_after,
                tls_problem=tls_problem,
                browser_headers=browser,
                attempts=chain.attempts,
                ignored_refresh=chain.ignored_refresh,
            )

    async def _follow(
        self, url: str, client: httpx.AsyncClient, browser: bool, chain: _Chain
    ) -> Answer:
        current = url
        # Each address asked, with the cookies the chain's answers had set by then: coming
        # back to one after a new cookie is a bounce (set a cookie, ask again) that a browser
        # follows, not a loop.
        seen: dict[str, frozenset[str]] = {}
        cookies_set: frozenset[str] = frozenset()
        for _ in range(self.options.max_redirects + 1):
            if seen.get(current) == cookies_set:
                raise _Stop(Failure.REDIRECT_LOOP, f"the redirects come back to {current}")
            seen[current] = cookies_set
            _check_scheme(current, redirected=bool(chain.hops))
            answer = await self._request(current, client, browser, chain)
            if "set-cookie" in answer.headers:
                cookies_set |= frozenset(answer.headers.get_list("set-cookie"))
            target = _redirect_target(answer)
            if target is None:
                return answer
            if answer.status in REDIRECTS:
                chain.hops.append(Hop(url=current, status=answer.status, kind="http"))
                current = _next_url(current, target)
                continue
            refresh = _refresh_url(current, target)
            if refresh is None:
                chain.ignored_refresh = target
                return answer
            chain.hops.append(Hop(url=current, status=answer.status, kind="meta-refresh"))
            current = refresh
        raise _Stop(
            Failure.TOO_MANY_REDIRECTS,
            f"more than {self.options.max_redirects} redirects",
        )

    async def _request(
        self, url: str, client: httpx.AsyncClient, browser: bool, chain: _Chain
    ) -> Answer:
        """One GET with retries: 5xx, 408, resets and timeouts back off; Retry-After pauses."""
        host = (urlsplit(url).hostname or "").lower()
        headers = (dict(BROWSER_HEADERS) if browser else {}) | self.rules.headers(host)
        attempt = 0
        while True:
            chain.attempts += 1
            try:
                async with self._gates.slot(host, urgent=chain.urgent), self._global:
                    self._refuse_unasked(host)
                    chain.start(self.options.timeout, self._run_deadline)
                    chain.asking = host
                    answer = await self._get(client, url, headers, chain)
                    chain.asking = None
                    self._gates.answered(host)
            except _Stop as stop:
                chain.asking = None
                if stop.failure in _TIMEOUTS:
                    self._gates.timed_out(host)
                retry = stop.failure in _RETRIED and attempt < self.options.retries
                # A host given up on is not asked again, this URL's retries included.
                if retry and not self._gates.unresponsive(host):
                    attempt += 1
                    await asyncio.sleep(self.backoff(attempt))
                    continue
                raise
            wait = _retry_after(answer)
            if answer.status in {429, 503} and wait is not None:
                chain.retry_after = wait
                # A wait beyond the cap, or past the check's deadline, is not waited out:
                # the answer stands (rate limited) instead of ending as a timeout.
                deadline = chain.deadline or 0.0
                too_long = wait > self.options.retry_after_cap or (
                    asyncio.get_running_loop().time() + wait >= deadline
                )
                if too_long or attempt >= self.options.retries:
                    return answer
                attempt += 1
                self._gates.pause(host, wait)
                continue
            retry = (answer.status in RETRYABLE or answer.status == 429) and not self._accepted(
                answer
            )
            # A body cut short is asked for again, as a reset is; the last one cut short
            # stands: its status and headers were said, and its body read as far as it came.
            if (retry or answer.cut_short) and attempt < self.options.retries:
                chain.drop(answer)
                attempt += 1
                await asyncio.sleep(self.backoff(attempt))
                continue
            return answer

    async def _get(
        self, client: httpx.AsyncClient, url: str, headers: dict[str, str], chain: _Chain
    ) -> Answer:
        try:
            request = client.build_request("GET", url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as error:
            if chain.hops:
                detail = f"a redirect leads to an address no request can be made for: {url}"
                raise _Stop(Failure.REDIRECT_INVALID_URL, f"{detail} ({error})") from None
            detail = f"no request can be made for {url}"
            raise _Stop(Failure.INVALID_URL, f"{detail} ({error})") from None
        try:
            response = await client.send(request, stream=True)
        except Redirected as redirected:
            return Answer(
                url=url, status=redirected.response.status_code, headers=redirected.response.headers
            )
        except httpx.HTTPError as error:
            raise _stop_for(error) from None
        try:
            return await self._answer(url, response, chain)
        except httpx.HTTPError as error:
            raise _stop_for(error) from None
        finally:
            await response.aclose()

    async def _answer(self, url: str, response: httpx.Response, chain: _Chain) -> Answer:
        want_body = chain.want_body
        content_type = response.headers.get("content-type")
        status = response.status_code
        html = is_html(content_type) or (content_type is None and 200 <= status < 300)
        success = 200 <= status < 300
        if (want_body or html) and success:
            limit = self.options.max_body
        elif (want_body and status not in REDIRECTS) or (
            html and (status in REFUSING or status in RETRYABLE)
        ):
            # An error page is kept, when bodies are wanted, only as far as a challenge page.
            limit = _CHALLENGE_READ
        else:
            limit = 0
        if limit == 0:
            return Answer(url=url, status=status, headers=response.headers)
        body = await read_body(response, limit)
        if want_body:
            chain.bodies.append(body.data)
        try:
            # Read back whole for the page's facts, one page at a time (no await until done),
            # decoded once: a kept body's decoded markup goes on to the archive.
            page = (
                read_page(
                    body.data.read(), content_type, anchors=chain.want_anchors, keep=want_body
                )
                if html
                else None
            )
        finally:
            if not want_body:
                body.data.close()
        return Answer(
            url=url,
            status=status,
            headers=response.headers,
            page=page,
            body=body.data if want_body else None,
            truncated=body.truncated,
            size=body.data.size,
            decodable=body.decodable,
            cut_short=body.cut_short,
            request_headers=response.request.headers if want_body else None,
            http_version=response.http_version,
            reason=response.reason_phrase,
        )

    def _accepted(self, answer: Answer) -> bool:
        """Whether an ``accept`` setting counts the answer's status as alive: it is final."""
        host = (urlsplit(answer.url).hostname or "").lower()
        return self.rules.accepted(host, answer.status) is not None

    def _refuse_unasked(self, host: str) -> None:
        """Raise _Stop rather than ask a host that keeps timing out, or past the run's deadline."""
        if self._past_run_deadline():
            raise _Stop(Failure.RUN_DEADLINE, self._run_deadline_detail())
        if self._gates.unresponsive(host):
            raise _Stop(
                Failure.HOST_UNRESPONSIVE,
                f"not asked: {UNRESPONSIVE_AFTER} requests in a row to {host} timed out",
            )

    def _past_run_deadline(self) -> bool:
        return asyncio.get_running_loop().time() >= self._run_deadline

    def _run_deadline_detail(self) -> str:
        return f"the run's deadline of {self.options.run_timeout:g} s (--run-timeout) passed"

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before the ``attempt``-th retry: doubling, with jitter."""
        return backoff(self.options.backoff, attempt)


def _check_scheme(url: str, *, redirected: bool) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"http", "https"}:
        return
    if redirected:
        raise _Stop(
            Failure.REDIRECT_UNSUPPORTED_SCHEME,
            f"a redirect leads to a {scheme or 'schemeless'} address, not a web page: {url}",
        )
    raise _Stop(Failure.UNSUPPORTED_SCHEME, f"{scheme or 'no'} scheme: {url}")


def _refresh_url(current: str, target: str) -> str | None:
    """The web address a meta refresh on ``current`` leads to; None when there is none
    (a malformed address, ``javascript:``), which a browser ignores and stays on the page."""
    try:
        url = to_uri(_joined(current, target))
    except ValueError:
        return None
    return url if urlsplit(url).scheme in {"http", "https"} else None


def _next_url(current: str, target: str) -> str:
    """The URI a redirect from ``current`` to ``target`` (an IRI, perhaps) leads to."""
    try:
        return to_uri(_joined(current, target))
    except ValueError as error:
        detail = f"a redirect leads to no address: {error}"
        raise _Stop(Failure.REDIRECT_INVALID_URL, detail) from None


def _joined(current: str, target: str) -> str:
    """``target`` read against ``current`` as a browser reads it in a web address: a backslash
    before the query is a slash (``\\news\\a.html`` is ``/news/a.html``)."""
    end = min((place for place in (target.find("?"), target.find("#")) if place >= 0), default=-1)
    if "\\" in (target if end < 0 else target[:end]):
        head, tail = (target, "") if end < 0 else (target[:end], target[end:])
        target = head.replace("\\", "/") + tail
    return urljoin(current, target)


def _redirect_target(answer: Answer) -> str | None:
    """Where an answer sends the reader: a Location, or a refresh (the Refresh header, else a
    meta refresh) to another page within REFRESH_FOLLOWED seconds.

    A Location is read as UTF-8, as browsers read it; bytes that are not UTF-8 stay bytes
    (surrogate escapes), and are sent percent-escaped. A page that refreshes itself (a live
    blog reloading every few minutes) is the page, and so is one that reloads the front page
    after a while (a reader reads it meanwhile). A meta refresh's address is read against the
    page's <base href>.
    """
    if answer.status in REDIRECTS:
        raw = next(
            (value for name, value in answer.headers.raw if name.lower() == b"location"), b""
        )
        location = raw.decode("utf-8", "surrogateescape").strip()
        return location or None
    if not 200 <= answer.status < 300:
        return None
    header = answer.headers.get("refresh")
    refresh = parse_refresh(header) if header else None
    base = None
    if refresh is None and answer.page and answer.page.refresh:
        refresh, base = answer.page.refresh, answer.page.base
    if refresh is None or refresh[0] > REFRESH_FOLLOWED:
        return None
    target = refresh[1]
    try:
        if base:
            target = _joined(_joined(answer.url, base), target)
        itself = urldefrag(to_uri(_joined(answer.url, target)))[0] == urldefrag(answer.url)[0]
    except ValueError:
        itself = False
    return None if itself else target


def _refuses_robots(answer: Answer) -> bool:
    """An answer that may only mean the server dislikes robots: worth one browser-like try.

    Not a 429 or 503 with Retry-After: the server said when to come back, and asking again
    at once, in another guise, would ignore it.
    """
    if answer.status in {429, 503} and _retry_after(answer) is not None:
        return False
    return answer.status in REFUSING or is_challenge(answer.status, answer.headers, answer.page)


def _retry_after(answer: Answer) -> float | None:
    return retry_after_seconds(answer.headers.get("retry-after"))


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait, from a Retry-After of seconds or of an HTTP date; None if neither."""
    if value is None:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


# What each failure means to a reader of the report; the fault's own words follow.
_SAYS = {
    Failure.NAME_NOT_FOUND: "the domain does not resolve",
    Failure.LOOKUP_FAILED: "the name lookup failed",
    Failure.LOOKUP_TIMEOUT: "the name lookup timed out",
    Failure.FORBIDDEN_ADDRESS: "never connected (link-local or cloud metadata)",
    Failure.PRIVATE_ADDRESS: "not connected: a private address (--allow-private checks it)",
    Failure.REFUSED: "the connection was refused",
    Failure.CONNECT_FAILED: "could not connect",
    Failure.CONNECT_TIMEOUT: "connecting timed out",
    Failure.TLS: "the TLS handshake failed",
    Failure.PROXY_FAILED: "the proxy could not reach the page",
    Failure.READ_TIMEOUT: "the server stopped sending",
    Failure.RESET: "the connection closed before the answer was complete",
    Failure.MALFORMED: "the answer is not valid HTTP",
    Failure.UNSUPPORTED_SCHEME: "an unsupported scheme",
    Failure.TOO_MANY_REDIRECTS: "too many redirects",
    Failure.INTERNAL: "claimcheck could not send the request",
}


def _stop_for(error: httpx.HTTPError) -> _Stop:
    """The failure an httpx exception stands for, judged by its type alone."""
    failure = failure_of(error)
    if failure is Failure.TLS_VERIFY:
        return _Stop(failure, str(error))
    says = _SAYS.get(failure, failure.value)
    words = str(error)
    return _Stop(failure, f"{says}: {words}" if words else says)
