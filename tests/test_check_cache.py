"""The cache spares fresh live sources a request, never failures, and counts failing runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claimcheck.check.cache import SqliteCache
from claimcheck.models import Reason, Source, SourceStatus
from claimcheck.pipeline import run_checks
from tests.checking import options, source
from tests.servers import HostFactory, html_page, sequence, status


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[SqliteCache]:
    with SqliteCache(tmp_path / "c.sqlite3") as opened:
        yield opened


def _check(url: str, cache: SqliteCache | None, max_age: timedelta = timedelta(hours=24)) -> Source:
    return run_checks([source(url)], options(), cache=cache, max_age=max_age).sources[0]


def test_fresh_alive_result_is_reused_without_a_request(
    hosts: HostFactory, cache: SqliteCache
) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    first = _check(host.url("/a"), cache)
    host.clear()

    second = _check(host.url("/a"), cache)

    assert host.requests == []
    assert second.from_cache
    assert not first.from_cache
    assert (second.status, second.reason, second.http_status) == (
        SourceStatus.ALIVE,
        Reason.OK,
        200,
    )
    assert second.checked_at == first.checked_at


def test_cached_result_keeps_the_citing_keys_of_this_run(
    hosts: HostFactory, cache: SqliteCache
) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    _check(host.url("/a"), cache)

    cited = Source(key="new", keys=("new", "other"), kind="url", url=host.url("/a"))
    result = run_checks([cited], options(), cache=cache).sources[0]

    assert result.from_cache
    assert (result.key, result.keys) == ("new", ("new", "other"))


def test_stale_alive_result_is_fetched_again(hosts: HostFactory, cache: SqliteCache) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    old = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    cache.record(
        [
            source(host.url("/a")).model_copy(
                update={"status": SourceStatus.ALIVE, "checked_at": old}
            )
        ]
    )

    result = _check(host.url("/a"), cache)

    assert not result.from_cache
    assert len(host.hits("/a")) == 1
    assert result.checked_at is not None
    assert result.checked_at > old


def test_max_age_decides_what_is_fresh(hosts: HostFactory, cache: SqliteCache) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    cache.record(
        [
            source(host.url("/a")).model_copy(
                update={"status": SourceStatus.ALIVE, "checked_at": hour_ago}
            )
        ]
    )

    assert _check(host.url("/a"), cache, max_age=timedelta(hours=2)).from_cache
    assert not _check(host.url("/a"), cache, max_age=timedelta(minutes=30)).from_cache


def test_a_result_dated_in_the_future_is_never_fresh(
    hosts: HostFactory, cache: SqliteCache
) -> None:
    # A cache from a machine whose clock ran three hours ahead: its alive result would stay
    # younger than any max age, and --max-age 0 would not check the page again.
    (host,) = hosts(1)
    host.route("/a", html_page("A"))
    ahead = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    cache.record(
        [
            source(host.url("/a")).model_copy(
                update={"status": SourceStatus.ALIVE, "checked_at": ahead}
            )
        ]
    )

    assert not _check(host.url("/a"), cache, max_age=timedelta(0)).from_cache
    assert not _check(host.url("/a"), cache, max_age=timedelta(days=7)).from_cache
    assert len(host.hits("/a")) == 2


def test_failures_are_always_checked_again(hosts: HostFactory, cache: SqliteCache) -> None:
    (host,) = hosts(1)

    first = _check(host.url("/missing"), cache)
    second = _check(host.url("/missing"), cache)

    assert first.status is second.status is SourceStatus.DEAD
    assert not second.from_cache
    assert len(host.requests) == 4  # each run asks twice before calling it dead


@pytest.mark.parametrize("code", [403, 500])
def test_blocked_and_errors_are_checked_again(
    hosts: HostFactory, cache: SqliteCache, code: int
) -> None:
    (host,) = hosts(1)
    host.route("/a", sequence(status(code), status(code), status(code), html_page("A")))

    first = _check(host.url("/a"), cache)
    host.route("/a", html_page("A"))
    second = _check(host.url("/a"), cache)

    assert first.status is not SourceStatus.ALIVE
    assert (second.status, second.from_cache) == (SourceStatus.ALIVE, False)


def test_report_says_how_long_a_dead_source_has_been_failing(
    hosts: HostFactory, cache: SqliteCache
) -> None:
    (host,) = hosts(1)

    runs = [_check(host.url("/gone"), cache) for _ in range(3)]

    assert [r.failing_checks for r in runs] == [1, 2, 3]
    assert runs[2].failing_since == runs[0].checked_at
    assert len(host.requests) == 6  # each run asks twice before calling it dead


def test_failing_since_is_the_first_failed_check_after_the_last_alive_one(
    hosts: HostFactory, cache: SqliteCache
) -> None:
    (host,) = hosts(1)
    url = host.url("/gone")
    now = datetime.now(UTC).replace(microsecond=0)
    earlier = [
        source(url).model_copy(update={"status": state, "checked_at": now - timedelta(days=days)})
        for state, days in [
            (SourceStatus.ALIVE, 30),
            (SourceStatus.DEAD, 20),
            (SourceStatus.DEAD, 10),
        ]
    ]
    cache.record(earlier)

    result = _check(url, cache)

    assert result.status is SourceStatus.DEAD
    assert result.failing_checks == 3
    assert result.failing_since == now - timedelta(days=20)


def test_failing_streak_starts_after_the_last_alive_check(
    hosts: HostFactory, cache: SqliteCache
) -> None:
    (host,) = hosts(1)
    host.route("/a", status(404))
    _check(host.url("/a"), cache)
    host.route("/a", html_page("Back"))
    revived = _check(host.url("/a"), cache, max_age=timedelta(0))
    host.route("/a", status(404))
    dead_again = _check(host.url("/a"), cache, max_age=timedelta(seconds=-1))

    assert (revived.status, revived.failing_checks, revived.failing_since) == (
        SourceStatus.ALIVE,
        0,
        None,
    )
    assert dead_again.status is SourceStatus.DEAD
    assert dead_again.failing_checks == 1
    assert dead_again.failing_since == dead_again.checked_at


def test_unreachable_results_are_not_recorded(tmp_path: Path) -> None:
    from tests.helpers import OfflineResolver

    url = "http://gone.invalid/page"
    with SqliteCache(tmp_path / "c.sqlite3") as cache:
        for _ in range(2):
            result = run_checks(
                [source(url)],
                options(probe_hosts=("probe.invalid:443",)),
                cache=cache,
                resolver=OfflineResolver(),
            ).sources[0]
            assert result.status is SourceStatus.UNREACHABLE
        assert cache.streak(url) is None


def test_without_a_cache_every_source_is_fetched(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A"))

    _check(host.url("/a"), None)
    result = _check(host.url("/a"), None)

    assert not result.from_cache
    assert len(host.hits("/a")) == 2
