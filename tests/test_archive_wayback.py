"""The Wayback client: closest capture before a date, Save Page Now, and a misbehaving archive."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeVar

import httpx
import pytest

from claimcheck.archive.wayback import (
    Wayback,
    WaybackOptions,
    WaybackResult,
    WaybackStatus,
    credentials_from_env,
    wayback_client,
    wayback_datetime,
)
from claimcheck.check.options import CheckOptions
from claimcheck.check.resolver import SystemResolver
from tests.checking import closed_port
from tests.wayback_server import (
    AVAILABLE,
    CDX,
    JSON,
    SAVE,
    SAVE_STATUS,
    WaybackFactory,
    WaybackStandIn,
    form_of,
    query_of,
    wayback_stand_in,
)

__all__ = ["wayback_stand_in"]

T = TypeVar("T")
PAGE = "https://example.com/report"
OTHER = "https://example.org/other"
URLDATE = date(2024, 3, 15)
# Short waits throughout: the whole file runs in a few seconds, failing tests included.
FAST: dict[str, Any] = {
    "wayback_timeout": 1.0,
    "retries": 3,
    "backoff": 0.01,
    "retry_after_cap": 1.0,
    "poll_interval": 0.02,
    "wayback_poll_timeout": 1.0,
}


def options(archive: WaybackStandIn | str, **overrides: Any) -> WaybackOptions:
    """The fast options against `archive` (a stand-in or a base URL), with `overrides`."""
    base_url = archive if isinstance(archive, str) else archive.base_url
    return WaybackOptions(wayback_url=base_url, **(FAST | overrides))


def with_wayback(settings: WaybackOptions, action: Callable[[Wayback], Awaitable[T]]) -> T:
    """Run `action` on a Wayback client over a fresh guarded client, in a fresh event loop."""

    async def run() -> T:
        guarded = CheckOptions(allow_private=True, probe_hosts=())
        async with wayback_client(guarded, SystemResolver()) as client:
            return await action(Wayback(client, settings))

    return asyncio.run(run())


def closest(settings: WaybackOptions, url: str = PAGE, before: date | None = None) -> WaybackResult:
    """The capture of `url` closest to before `before`."""
    return with_wayback(settings, lambda wayback: wayback.closest(url, before))


def capture(settings: WaybackOptions, url: str = PAGE) -> WaybackResult:
    """A new capture of `url`."""
    return with_wayback(settings, lambda wayback: wayback.capture(url))


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """`action()`'s result and the seconds it took."""
    start = time.monotonic()
    result = action()
    return result, time.monotonic() - start


def gaps(archive: WaybackStandIn, endpoint: str) -> list[float]:
    """Seconds between consecutive requests to `endpoint`, as the stand-in saw them."""
    times = [request.time for request in archive.hits(endpoint)]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def single(query: dict[str, list[str]]) -> dict[str, str]:
    """A query whose every parameter came once, as plain values."""
    assert all(len(values) == 1 for values in query.values()), query
    return {name: values[0] for name, values in query.items()}


# Finding the capture a reader saw ------------------------------------------------------------


def test_closest_before_urldate_picks_the_newest_successful_capture_not_after_it(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.add_capture(PAGE, "20240310080000")
    archive.add_capture(PAGE, "20240315100000", status=301)
    archive.add_capture(PAGE, "20240315200000", status=404)
    archive.add_capture(PAGE, "20240316000001")

    result = closest(options(archive), before=URLDATE)

    assert result.status is WaybackStatus.FOUND
    assert result.memento is not None
    assert result.memento.via == "cdx"
    assert result.memento.url == f"{archive.base_url}/web/20240315100000/{PAGE}"
    assert result.memento.captured_at == datetime(2024, 3, 15, 10, tzinfo=UTC)
    assert result.memento.original == PAGE
    assert result.memento.http_status == 301
    (request,) = archive.requests
    assert request.path == CDX
    assert single(query_of(request)) == {
        "url": PAGE,
        "output": "json",
        "fl": "timestamp,original,statuscode",
        "filter": "statuscode:[23]..",
        "to": "20240315235959",
        "limit": "-1",
    }


def test_capture_at_the_last_second_of_the_urldate_counts_as_before_it(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.add_capture(PAGE, "20240315235959")

    result = closest(options(archive), before=URLDATE)

    assert result.memento is not None
    assert (result.memento.via, result.memento.captured_at) == (
        "cdx",
        datetime(2024, 3, 15, 23, 59, 59, tzinfo=UTC),
    )


def test_no_capture_before_the_urldate_falls_back_to_the_availability_closest(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.add_capture(PAGE, "20240401120000")
    archive.add_capture(PAGE, "20250101000000")

    result = closest(options(archive), before=URLDATE)

    assert result.status is WaybackStatus.FOUND
    assert result.memento is not None
    assert result.memento.via == "availability"
    assert result.memento.url == f"{archive.base_url}/web/20240401120000/{PAGE}"
    assert result.memento.captured_at == datetime(2024, 4, 1, 12, tzinfo=UTC)
    assert result.memento.http_status == 200
    assert "2024-03-15" in result.detail
    assert [r.path for r in archive.requests] == [CDX, AVAILABLE]
    assert single(query_of(archive.hits(AVAILABLE)[0])) == {
        "url": PAGE,
        "timestamp": "20240315235959",
    }


def test_lookup_without_a_date_asks_only_the_availability_api(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.add_capture(PAGE, "20200101000000")
    archive.add_capture(PAGE, "20230607080910")

    result = closest(options(archive))

    assert result.memento is not None
    assert (result.memento.via, result.memento.captured_at) == (
        "availability",
        datetime(2023, 6, 7, 8, 9, 10, tzinfo=UTC),
    )
    (request,) = archive.requests
    assert (request.path, single(query_of(request))) == (AVAILABLE, {"url": PAGE})


@pytest.mark.parametrize("before", [URLDATE, None], ids=["with-urldate", "without"])
def test_page_never_archived_is_not_archived(
    wayback_stand_in: WaybackFactory, before: date | None
) -> None:
    archive = wayback_stand_in()
    archive.add_capture(OTHER, "20240101000000")

    result = closest(options(archive), before=before)

    assert (result.status, result.memento) == (WaybackStatus.NOT_ARCHIVED, None)
    assert PAGE in result.detail


def test_availability_memento_is_rewritten_onto_the_configured_base(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.memento_base = "http://web.archive.org"
    archive.add_capture(PAGE, "20130919044612")

    result = closest(options(archive))

    assert result.memento is not None
    assert result.memento.url == f"{archive.base_url}/web/20130919044612/{PAGE}"


def test_institution_base_url_is_used_for_every_request_and_memento(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in(prefix="/institution/wayback")
    archive.add_capture(PAGE, "20240101000000")
    settings = options(archive, access_key="a", secret_key="s")

    found = [closest(settings, before=URLDATE), closest(settings), capture(settings)]

    assert [r.status for r in found] == [WaybackStatus.FOUND] * 3
    mementos = [r.memento.url for r in found if r.memento is not None]
    assert all(url.startswith(archive.base_url + "/web/") for url in mementos)
    assert all(r.path.startswith("/institution/wayback/") for r in archive.requests)
    assert {r.path for r in archive.requests} >= {
        "/institution/wayback" + endpoint for endpoint in (CDX, AVAILABLE, SAVE)
    }
    with httpx.Client(trust_env=False) as client:
        assert [client.get(url).status_code for url in mementos] == [200] * 3


# Save Page Now --------------------------------------------------------------------------------


def test_capture_with_credentials_sends_them_and_polls_until_success(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.require_credentials("a", "s")
    archive.pending_polls = 2

    result = capture(options(archive, access_key="a", secret_key="s"))

    assert result.status is WaybackStatus.FOUND
    assert result.memento is not None
    assert result.memento.via == "save"
    assert result.memento.captured_at == datetime(2024, 11, 22, 9, 30, tzinfo=UTC)
    assert result.memento.url == f"{archive.base_url}/web/20241122093000/{PAGE}"
    assert result.memento.original == PAGE
    (save,) = archive.hits(SAVE)
    assert save.method == "POST"
    assert form_of(save) == {"url": PAGE, "skip_first_archive": "1"}
    polls = archive.hits(SAVE_STATUS)
    assert [r.path for r in polls] == [f"{SAVE_STATUS}spn2-0001"] * 3
    assert {r.headers.get("Authorization") for r in [save, *polls]} == {"LOW a:s"}
    assert {r.headers.get("Accept") for r in [save, *polls]} == {JSON}


def test_anonymous_capture_sends_no_authorization(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.pending_polls = 1

    result = capture(options(archive))

    assert result.status is WaybackStatus.FOUND
    assert len(archive.requests) == 3
    assert all("Authorization" not in r.headers for r in archive.requests)


def test_lookups_never_send_authorization(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.add_capture(PAGE, "20250101000000")
    settings = options(archive, access_key="a", secret_key="s")

    results = [closest(settings, before=URLDATE), closest(settings)]

    assert [r.status for r in results] == [WaybackStatus.FOUND] * 2
    assert [r.path for r in archive.requests] == [CDX, AVAILABLE, AVAILABLE]
    assert all("Authorization" not in r.headers for r in archive.requests)


def test_job_error_is_not_archived_with_the_services_message(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.pending_polls = 1
    archive.job_error = ("error:not-found", "The server cannot find the requested resource.")

    result = capture(options(archive))

    assert (result.status, result.memento) == (WaybackStatus.NOT_ARCHIVED, None)
    assert "The server cannot find the requested resource." in result.detail
    assert "error:not-found" in result.detail


def test_capture_refused_for_the_session_limit_is_rate_limited(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.save_error = ("error:user-session-limit", "You already have 5 sessions running.")

    result = capture(options(archive))

    assert result.status is WaybackStatus.RATE_LIMITED
    assert "5 sessions" in result.detail
    assert archive.hits(SAVE_STATUS) == []


def test_job_pending_past_the_poll_deadline_times_out(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.pending_polls = 1000

    result, elapsed = timed(lambda: capture(options(archive, wayback_poll_timeout=0.2)))

    assert (result.status, result.memento) == (WaybackStatus.TIMEOUT, None)
    assert "spn2-0001" in result.detail
    assert 0.15 <= elapsed < 1.0
    assert 5 <= len(archive.hits(SAVE_STATUS)) <= 10


@pytest.mark.parametrize("limit", [1, 3])
def test_captures_at_once_bounds_the_jobs_the_archive_sees_in_flight(
    wayback_stand_in: WaybackFactory, limit: int
) -> None:
    archive = wayback_stand_in()
    archive.pending_polls = 3
    urls = [f"https://example.com/{n}" for n in range(3)]

    async def capture_all(wayback: Wayback) -> list[WaybackResult]:
        return list(await asyncio.gather(*(wayback.capture(url) for url in urls)))

    results = with_wayback(options(archive, captures_at_once=limit), capture_all)

    assert [r.status for r in results] == [WaybackStatus.FOUND] * 3
    assert archive.max_jobs_in_flight == limit


def test_lookups_at_once_bounds_the_requests_in_flight(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.delay = 0.1

    async def look_up_all(wayback: Wayback) -> list[WaybackResult]:
        urls = [f"https://example.com/{n}" for n in range(5)]
        return list(await asyncio.gather(*(wayback.closest(url) for url in urls)))

    results = with_wayback(options(archive, lookups_at_once=2), look_up_all)

    assert [r.status for r in results] == [WaybackStatus.NOT_ARCHIVED] * 5
    assert archive.host.max_in_flight == 2


# A misbehaving archive ------------------------------------------------------------------------


def test_429_with_a_short_retry_after_is_waited_out_and_succeeds(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.add_capture(PAGE, "20240101000000")
    archive.rate_limit_next(1, retry_after="0.3")

    result = closest(options(archive))

    assert result.status is WaybackStatus.FOUND
    (wait,) = gaps(archive, AVAILABLE)
    assert wait >= 0.3


def test_retry_after_pauses_every_request_to_the_archive(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.rate_limit_next(1, retry_after="0.4")

    async def two_lookups(wayback: Wayback) -> list[WaybackResult]:
        first = asyncio.create_task(wayback.closest(PAGE))
        await asyncio.sleep(0.1)
        second = await wayback.closest(OTHER)
        return [await first, second]

    results = with_wayback(options(archive), two_lookups)

    assert [r.status for r in results] == [WaybackStatus.NOT_ARCHIVED] * 2
    limited, *later = archive.requests
    other = next(r for r in later if single(query_of(r))["url"] == OTHER)
    assert other.time - limited.time >= 0.4


def test_429_with_retry_after_over_the_cap_is_rate_limited_without_waiting(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.rate_limit_next(1, retry_after="60")

    async def two_lookups(wayback: Wayback) -> list[WaybackResult]:
        return [await wayback.closest(PAGE), await wayback.closest(OTHER)]

    results, elapsed = timed(lambda: with_wayback(options(archive), two_lookups))

    assert [r.status for r in results] == [WaybackStatus.RATE_LIMITED] * 2
    assert "60 s" in results[0].detail
    assert elapsed < 0.5
    assert len(archive.requests) == 1


def test_retry_after_as_an_http_date_beyond_the_cap_is_rate_limited(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    in_an_hour = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    archive.rate_limit_next(1, retry_after=in_an_hour)

    result, elapsed = timed(lambda: closest(options(archive)))

    assert result.status is WaybackStatus.RATE_LIMITED
    assert elapsed < 0.5
    assert len(archive.requests) == 1


def test_429_without_retry_after_is_retried_with_backoff_then_rate_limited(
    wayback_stand_in: WaybackFactory,
) -> None:
    archive = wayback_stand_in()
    archive.rate_limit_next(100)

    result = closest(options(archive, backoff=0.05))

    assert result.status is WaybackStatus.RATE_LIMITED
    assert "4 tries" in result.detail
    waits = gaps(archive, AVAILABLE)
    assert len(waits) == 3
    assert all(wait >= 0.05 * 2**n * 0.5 for n, wait in enumerate(waits))


def test_503_then_success_is_found(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.add_capture(PAGE, "20240101000000")
    archive.fail_next(2, 503)

    result = closest(options(archive))

    assert result.status is WaybackStatus.FOUND
    assert len(archive.hits(AVAILABLE)) == 3


def test_502_beyond_the_retries_is_an_error(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.fail_next(100, 502, endpoint=SAVE)

    result = capture(options(archive, retries=2))

    assert result.status is WaybackStatus.ERROR
    assert "502" in result.detail
    assert len(archive.hits(SAVE)) == 3


def test_status_poll_recovers_from_a_503(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.pending_polls = 1
    archive.fail_next(1, 503, endpoint=SAVE_STATUS)

    result = capture(options(archive))

    assert result.status is WaybackStatus.FOUND
    assert len(archive.hits(SAVE_STATUS)) == 3


@pytest.mark.parametrize(
    ("credentials", "hint"),
    [({"access_key": "a", "secret_key": "wrong"}, "refused the credentials"), ({}, "anonymous")],
    ids=["wrong-keys", "anonymous"],
)
def test_401_is_refused_at_once(
    wayback_stand_in: WaybackFactory, credentials: dict[str, str], hint: str
) -> None:
    archive = wayback_stand_in()
    archive.require_credentials("a", "s")

    result = capture(options(archive, **credentials))

    assert (result.status, result.memento) == (WaybackStatus.REFUSED, None)
    assert hint in result.detail
    assert "IA_ACCESS_KEY" in result.detail
    assert len(archive.requests) == 1


def test_slow_answers_beyond_the_timeout_time_out(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.delay = 0.6

    result, elapsed = timed(lambda: closest(options(archive, wayback_timeout=0.2)))

    assert (result.status, result.memento) == (WaybackStatus.TIMEOUT, None)
    assert elapsed < 0.5


def test_malformed_json_is_an_error(wayback_stand_in: WaybackFactory) -> None:
    archive = wayback_stand_in()
    archive.garble_next(1)

    result = closest(options(archive))

    assert (result.status, result.memento) == (WaybackStatus.ERROR, None)
    assert "malformed JSON" in result.detail


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        (AVAILABLE, b'{"archived_snapshots": []}'),
        (AVAILABLE, b'{"archived_snapshots": {"closest": {"timestamp": "2024"}}}'),
        (AVAILABLE, b'{"archived_snapshots": {"closest": {"timestamp": "x", "url": "y"}}}'),
        (CDX, b'{"rows": []}'),
        (CDX, b'[["timestamp", "original"], ["20240101000000", "https://example.com/"]]'),
        (SAVE, b'{"url": "https://example.com/report"}'),
        (SAVE, b"[]"),
    ],
    ids=[
        "snapshots-not-an-object",
        "closest-without-url",
        "bad-timestamp",
        "cdx-not-an-array",
        "cdx-missing-column",
        "save-without-job",
        "save-array",
    ],
)
def test_answer_of_an_unexpected_shape_is_an_error(
    wayback_stand_in: WaybackFactory, endpoint: str, body: bytes
) -> None:
    archive = wayback_stand_in()
    archive.answer_next(1, 200, [("Content-Type", JSON)], body, endpoint=endpoint)
    settings = options(archive)

    result = capture(settings) if endpoint == SAVE else closest(settings, before=URLDATE)

    assert (result.status, result.memento) == (WaybackStatus.ERROR, None)
    assert "unexpected answer" in result.detail


def test_connection_refused_is_an_error() -> None:
    base_url = f"http://127.0.0.1:{closed_port('127.0.0.1')}"

    result, elapsed = timed(lambda: closest(options(base_url)))

    assert (result.status, result.memento) == (WaybackStatus.ERROR, None)
    assert "cannot reach" in result.detail
    assert elapsed < 1.0


# Credentials and timestamps -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"IA_ACCESS_KEY": "a", "IA_SECRET_KEY": "s"}, ("a", "s")),
        ({"IA_ACCESS_KEY": "a"}, None),
        ({"IA_ACCESS_KEY": "a", "IA_SECRET_KEY": ""}, None),
        ({"IA_ACCESS_KEY": "  ", "IA_SECRET_KEY": "s"}, None),
        ({}, None),
    ],
    ids=["both", "secret-missing", "secret-empty", "access-blank", "none"],
)
def test_credentials_come_from_both_ia_variables(
    environ: dict[str, str], expected: tuple[str, str] | None
) -> None:
    assert credentials_from_env(environ) == expected


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("20130919044612", datetime(2013, 9, 19, 4, 46, 12, tzinfo=UTC)),
        ("2024", datetime(2024, 1, 1, tzinfo=UTC)),
        ("20240315", datetime(2024, 3, 15, tzinfo=UTC)),
        ("2024031512", datetime(2024, 3, 15, 12, tzinfo=UTC)),
    ],
)
def test_short_timestamps_are_padded_as_the_wayback_pads_them(
    timestamp: str, expected: datetime
) -> None:
    assert wayback_datetime(timestamp) == expected


@pytest.mark.parametrize("timestamp", ["", "2024-03-15", "202413", "20240230", "201309190446120"])
def test_malformed_timestamps_are_refused(timestamp: str) -> None:
    with pytest.raises(ValueError, match=r"timestamp|must be in|out of range"):
        wayback_datetime(timestamp)
