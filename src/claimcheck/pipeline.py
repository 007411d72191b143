"""The one concurrent stage: check every source, politely, and say what each one is."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeGuard
from urllib.parse import urlsplit

import httpx

from claimcheck.archive.warc import Exchange
from claimcheck.check.baseline import Baselines
from claimcheck.check.cache import CHECK_FIELDS, RECORDED, ResultCache
from claimcheck.check.classify import Verdict, against_baseline, classify, wants_baseline
from claimcheck.check.client import GuardedConnector, make_client
from claimcheck.check.descriptors import descriptor_budget
from claimcheck.check.doi import check_doi
from claimcheck.check.faults import Failure
from claimcheck.check.fetch import CONNECTIVITY, Answer, Fetcher, Outcome
from claimcheck.check.network import network_is_up
from claimcheck.check.options import CheckOptions
from claimcheck.check.resolver import Resolver, RunResolver, SystemResolver
from claimcheck.check.urlrules import REDACTED, HostRules, UrlFilter
from claimcheck.errors import Interrupted, StateError
from claimcheck.identifiers import unfetchable
from claimcheck.models import Reason, Snapshot, Source, SourceStatus

LOG = logging.getLogger("claimcheck")


class Listener(Protocol):
    """Hears how a run goes: how many sources there are, and each one as it is done."""

    def started(self, total: int) -> None:
        """The run is about to check ``total`` sources."""

    def finished(self, source: Source) -> None:
        """``source`` is done (from the cache or the network)."""


class Archiver(Protocol):
    """Keeps a copy of each page fetched: the local archive."""

    async def keep(self, cited_url: str, exchange: Exchange) -> Snapshot:
        """Archive one capture of ``cited_url`` and say what was kept."""
        ...

    def holds_a_copy(self, cited_url: str) -> bool:
        """Whether a capture of ``cited_url`` that holds its page is kept already."""
        ...


@dataclass(frozen=True, repr=False)
class CheckRun:
    """The sources with what was found, and whether the machine had no network."""

    sources: tuple[Source, ...]
    network_unreachable: bool

    def __repr__(self) -> str:
        # Short: Python 3.11's asyncio.Runner formats the run's task, result included, when
        # it restores the SIGINT handler; every source in full took a second per 20,000.
        return f"CheckRun(<{len(self.sources)} sources>, {self.network_unreachable})"


def run_checks(
    sources: Sequence[Source],
    options: CheckOptions,
    *,
    cache: ResultCache | None = None,
    max_age: timedelta = timedelta(hours=24),
    listener: Listener | None = None,
    resolver: Resolver | None = None,
    archive: Archiver | None = None,
) -> CheckRun:
    """Check ``sources`` and return them with their statuses (blocking).

    Interrupted (Ctrl-C, or SIGTERM as a CI job's cancellation sends), it records the results
    it has in the cache and raises Interrupted. The event loop is uvloop's where it is
    installed (Linux and macOS), else asyncio's own.
    """
    done: dict[int, Source] = {}
    signals: list[int] = []
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        try:
            return runner.run(
                _terminable(
                    check_sources(
                        sources,
                        options,
                        cache=cache,
                        max_age=max_age,
                        listener=listener,
                        resolver=resolver,
                        archive=archive,
                        done=done,
                    ),
                    signals,
                )
            )
        except (KeyboardInterrupt, asyncio.CancelledError) as stopped:
            if isinstance(stopped, asyncio.CancelledError) and not signals:
                raise
            if cache is not None:
                cache.record(list(done.values()))
            raise Interrupted(len(done), len(sources), *signals[:1]) from None


async def _terminable(work: Coroutine[object, object, CheckRun], signals: list[int]) -> CheckRun:
    """``work``, which SIGTERM cancels as Ctrl-C does (its number put in ``signals``), where
    the event loop can hear signals (not on Windows, nor outside the main thread)."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None

    def terminate() -> None:
        signals.append(signal.SIGTERM)
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGTERM, terminate)
    except (NotImplementedError, RuntimeError, ValueError):
        return await work
    try:
        return await work
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


async def check_sources(
    sources: Sequence[Source],
    options: CheckOptions,
    *,
    cache: ResultCache | None = None,
    max_age: timedelta = timedelta(hours=24),
    listener: Listener | None = None,
    resolver: Resolver | None = None,
    archive: Archiver | None = None,
    done: dict[int, Source] | None = None,
) -> CheckRun:
    """Check every source once: from the cache when fresh and alive, else over the network.

    Names are looked up with ``resolver`` (default: the system's). With ``archive``, every
    page fetched is read whole (to the body cap) and kept there. Each source is put in
    ``done`` (by its index) as soon as it is checked, so that a caller whose run is
    interrupted keeps them.
    """
    now = datetime.now(UTC)
    lookups = RunResolver(
        resolver or SystemResolver(),
        in_flight=options.dns_in_flight,
        timeout=options.dns_timeout,
        attempts=options.dns_attempts,
        backoff=options.backoff,
    )
    chosen = UrlFilter(options.exclude, options.include, options.ignored)
    done = {} if done is None else done
    pending: list[int] = []
    if listener:
        listener.started(len(sources))
    for index, source in enumerate(sources):
        try:
            early = _without_request(source, chosen, cache, max_age, now, archive)
        except StateError:
            raise  # The archive's index is damaged: the run ends, as reading it anywhere would.
        except Exception:
            # A cached result that cannot be read (a damaged row, say): check the source anew.
            LOG.exception("reading the cached result of %s failed", source.url)
            early = None
        if early is None:
            pending.append(index)
        else:
            done[index] = early
            if listener:
                listener.finished(early)
    network = _Network(options, lookups)
    if pending:
        by_host = _by_host(pending, sources)
        options = _within_descriptors(options, min(len(pending), len(by_host) * options.per_host))
        async with (
            make_client(options, lookups) as client,
            make_client(options, lookups, verify=False) as insecure,
        ):
            network.start()
            fetcher = Fetcher(options, client, insecure, want_body=archive is not None)
            baselines = Baselines(fetcher)

            async def one(index: int) -> None:
                source = sources[index]
                try:
                    done[index] = await _checked(fetcher, baselines, source, network, archive)
                except Exception as error:
                    LOG.exception("checking %s (%s) failed", source.url, source.key)
                    done[index] = _internal_error(source, error)
                if listener:
                    listener.finished(done[index])

            async def worker(queue: Iterator[int]) -> None:
                for index in queue:
                    await one(index)

            # One worker per request a host may have in flight, each taking that host's next
            # source as soon as its request is done: no slot waits for a worker, and no worker
            # starts before a slot is there for it (the first requests would wait on them all).
            workers = []
            for host, indices in by_host.items():
                queue = iter(indices)
                slots = min(len(indices), fetcher.rules.concurrency(host))
                workers += [worker(queue) for _ in range(slots)]
            await asyncio.gather(*workers)
            await network.stop()
    results = [done[index] for index in range(len(sources))]
    if cache is not None:
        cache.record(results)
        results = [_with_streak(result, cache) for result in results]
    unreachable = any(result.status is SourceStatus.UNREACHABLE for result in results)
    return CheckRun(sources=tuple(results), network_unreachable=unreachable)


class _Network:
    """Whether the public network works, asked once per run, early and beside the checks.

    A failure to resolve or connect means the page is gone only when the probe hosts answer;
    when they do not, every such failure says only that this machine is offline. The success
    of a loopback or private source proves nothing about the public network, so only the
    probes decide.
    """

    def __init__(self, options: CheckOptions, lookups: RunResolver):
        self._options = options
        self._lookups = lookups
        self._probe: asyncio.Task[bool] | None = None

    def start(self) -> None:
        """Start probing, beside the checks."""
        connector = GuardedConnector(self._options, self._lookups, verify=False)
        self._probe = asyncio.create_task(
            network_is_up(self._options.probe_hosts, self._options.probe_timeout, connector)
        )

    async def up(self) -> bool:
        """Whether the probes answered (waits for them the first time it is asked)."""
        if self._probe is None:
            self.start()
        assert self._probe is not None
        is_up = await asyncio.shield(self._probe)
        if not is_up:
            self._lookups.stop_retrying()
        return is_up

    async def stop(self) -> None:
        """Stop a probe nobody needed the answer of."""
        if self._probe is not None and not self._probe.done():
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)


async def _checked(
    fetcher: Fetcher,
    baselines: Baselines,
    source: Source,
    network: _Network,
    archive: Archiver | None,
) -> Source:
    """One source checked (and archived): its verdict, judged against the network's state."""
    outcome, verdict = await _check(fetcher, baselines, source)
    with _body_of(outcome.answer):
        if _connectivity(outcome) and not await network.up():
            return _unreachable(source)
        result = _result(source, outcome, verdict)
        answer = outcome.answer
        if archive is not None and source.kind == "url" and _archivable(answer):
            redacted = fetcher.rules.redacted(_host(answer.url))
            when = result.checked_at or outcome.started_at
            exchange = _exchange(answer, when, redacted, judged=result.status)
            snapshot = await archive.keep(source.url, exchange)
            result = result.model_copy(update={"snapshot": snapshot})
        return result


def _internal_error(source: Source, error: Exception) -> Source:
    """A source whose check raised: an error of claimcheck's own, told with its exception."""
    return source.model_copy(
        update={
            "status": SourceStatus.ERROR,
            "reason": Reason.INTERNAL_ERROR,
            "detail": f"claimcheck failed on this source: {type(error).__name__}: {error}"[:500],
            "notes": (),
            "snapshot": None,
            "from_cache": False,
        }
    )


def _without_request(
    source: Source,
    chosen: UrlFilter,
    cache: ResultCache | None,
    max_age: timedelta,
    now: datetime,
    archive: Archiver | None,
) -> Source | None:
    """A result that needs no request: invalid or another scheme, excluded or not included,
    alive and fresh in the cache (unless only an ``accept`` rule made it alive, or the run
    archives and no copy of the page is kept yet: checked with --no-archive, say)."""
    problem = unfetchable(source.url)
    if problem is not None:
        return source.model_copy(
            update={"status": problem.status, "reason": problem.reason, "detail": problem.detail}
        )
    excluded = chosen.excluded(source.url)
    if excluded is not None or not chosen.included(source.url):
        reason = Reason.EXCLUDED if excluded is not None else Reason.NOT_INCLUDED
        detail = excluded or "not checked: no include pattern matches it"
        return source.model_copy(
            update={"status": SourceStatus.SKIPPED, "reason": reason, "detail": detail}
        )
    cached = cache.fresh(source.url, max_age, now) if cache is not None else None
    if cached is None or cached.reason is Reason.ACCEPTED_STATUS:
        return None
    if archive is not None and source.kind == "url" and not archive.holds_a_copy(source.url):
        return None
    update = {field: getattr(cached, field) for field in CHECK_FIELDS}
    return source.model_copy(update=update | {"from_cache": True})


async def _check(fetcher: Fetcher, baselines: Baselines, source: Source) -> tuple[Outcome, Verdict]:
    """The source's outcome and verdict. A URL whose server's answer makes it dead is asked
    again after a backoff, with a browser's request headers, and is dead only when the
    second answer says so too: a server's passing 404 or error page, or one it shows only
    to robots, does not make a source dead. Past the run's deadline, the first answer
    stands."""
    if source.kind == "doi" and source.doi:
        return await check_doi(fetcher, source.doi)
    first = await _check_url(fetcher, baselines, source.url)
    outcome, verdict = first
    if verdict.status is not SourceStatus.DEAD or outcome.answer is None:
        return first
    with contextlib.ExitStack() as first_body:
        first_body.enter_context(_body_of(outcome.answer))
        await asyncio.sleep(fetcher.backoff(1))
        second = await _check_url(fetcher, baselines, source.url, as_browser=True)
        if second[0].failure is Failure.RUN_DEADLINE:
            first_body.pop_all()
            return first
        return second


async def _check_url(
    fetcher: Fetcher, baselines: Baselines, url: str, *, as_browser: bool = False
) -> tuple[Outcome, Verdict]:
    outcome = await fetcher.fetch(url, as_browser=as_browser)
    verdict = classify(outcome, fragments=fetcher.options.check_fragments)
    if wants_baseline(outcome, verdict):
        verdict = against_baseline(outcome, verdict, await baselines.get(url))
    return outcome, _accepted(outcome, verdict, fetcher.rules)


def _accepted(outcome: Outcome, verdict: Verdict, rules: HostRules) -> Verdict:
    """The verdict, or alive when the final answer's status is not 2xx but an ``accept``
    setting for its host counts it as alive."""
    answer = outcome.answer
    if answer is None:
        return verdict
    said = rules.accepted(_host(answer.url), answer.status)
    if said is None:
        return verdict
    return Verdict(
        SourceStatus.ALIVE,
        Reason.ACCEPTED_STATUS,
        f"HTTP {answer.status}, counted as alive by {said} (it would be "
        f"{verdict.status.value}, {verdict.reason.value})",
    )


def _result(source: Source, outcome: Outcome, verdict: Verdict) -> Source:
    answer = outcome.answer
    return source.model_copy(
        update={
            "status": verdict.status,
            "reason": verdict.reason,
            "detail": verdict.detail,
            "http_status": answer.status if answer else None,
            "final_url": answer.url if answer and source.kind == "url" else None,
            "redirects": outcome.hops,
            "checked_at": outcome.started_at.replace(microsecond=0),
            "elapsed_ms": round(outcome.elapsed * 1000),
            "notes": verdict.notes,
            "from_cache": False,
        }
    )


def _archivable(answer: Answer | None) -> TypeGuard[Answer]:
    return answer is not None and answer.body is not None and answer.decodable


def _exchange(
    answer: Answer, captured_at: datetime, redacted: frozenset[str], *, judged: SourceStatus
) -> Exchange:
    """What the archive needs of an answer: both sides of the exchange, the body, and what
    the check judged it; the request headers named in ``redacted`` (those rules set) keep
    their name, not their value."""
    request = answer.request_headers
    return Exchange(
        target=answer.url,
        captured_at=captured_at,
        http_version=answer.http_version,
        status=answer.status,
        reason=answer.reason,
        headers=_pairs(answer.headers),
        request_headers=_pairs(request, redacted) if request is not None else [],
        body=answer.body or b"",
        truncated=answer.truncated,
        page=answer.page.kept if answer.page is not None else None,
        cut_short=answer.cut_short,
        judged=judged,
    )


def _body_of(answer: Answer | None) -> contextlib.AbstractContextManager[object]:
    """Closes the answer's body (its temporary file, if any) once the source is done with."""
    if answer is None or answer.body is None:
        return contextlib.nullcontext()
    return answer.body


def _pairs(headers: httpx.Headers, redacted: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    pairs = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers.raw]
    return [(name, REDACTED if name.lower() in redacted else value) for name, value in pairs]


def _connectivity(outcome: Outcome) -> bool:
    return outcome.answer is None and outcome.failure in CONNECTIVITY


def _unreachable(source: Source) -> Source:
    return source.model_copy(
        update={
            "status": SourceStatus.UNREACHABLE,
            "reason": Reason.NETWORK_UNREACHABLE,
            "detail": "not checked: this machine cannot reach the network (no probe host answers)",
            "http_status": None,
            "final_url": None,
            "redirects": (),
            "checked_at": None,
            "elapsed_ms": None,
        }
    )


def _with_streak(source: Source, cache: ResultCache) -> Source:
    if source.status not in RECORDED or source.status is SourceStatus.ALIVE or source.from_cache:
        return source
    streak = cache.streak(source.url)
    if streak is None or source.checked_at is None:
        return source
    return source.model_copy(
        update={"failing_since": streak.since, "failing_checks": streak.checks}
    )


def _within_descriptors(options: CheckOptions, useful: int) -> CheckOptions:
    """The options with no more requests at once than the open-file limit allows.

    A warning says so only when the limit slows this run: when fewer requests fit than the
    ``useful`` number the run could have in flight at once.
    """
    budget = descriptor_budget(options.concurrency)
    if budget.requests >= options.concurrency:
        return options
    if budget.requests < useful:
        logging.getLogger(__name__).warning(
            "at most %d requests at once, not %d: the open-file limit is %s (ulimit -n)",
            budget.requests,
            min(options.concurrency, useful),
            budget.soft_limit,
        )
    return options.model_copy(update={"concurrency": budget.requests})


def _by_host(indices: list[int], sources: Sequence[Source]) -> dict[str, list[int]]:
    """The indices grouped by their URL's host, in order."""
    by_host: dict[str, list[int]] = {}
    for index in indices:
        by_host.setdefault(_host(sources[index].url), []).append(index)
    return by_host


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
