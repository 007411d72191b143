"""Check a project's sources: fetch and archive them, or recall the last checks offline."""

from __future__ import annotations

from contextlib import ExitStack, closing
from datetime import datetime

from claimcheck.archive.recall import from_last_checks, with_archive
from claimcheck.check.resolver import Resolver
from claimcheck.config import Settings
from claimcheck.models import Source
from claimcheck.pipeline import CheckRun, Listener, run_checks
from claimcheck.project import database, open_archive, open_cache, open_index, recover_index


def check(
    sources: tuple[Source, ...],
    settings: Settings,
    *,
    now: datetime,
    listener: Listener | None = None,
    resolver: Resolver | None = None,
) -> CheckRun:
    """Check ``sources``, archiving what is fetched, and recall what the archive knows.

    Offline, nothing is fetched: each source is as its last check found it. Either way each
    source carries its newest snapshot and memento, and a dead one its best archived copy;
    without the cache and the archive (``no_cache``, ``archive`` off), the project's database
    is not opened at all.
    """
    uses_database = settings.archive or settings.offline or not settings.no_cache
    with ExitStack() as stack:
        local = None
        if settings.archive and not settings.offline:
            # The lock first: a second run is refused before it touches the database.
            local = stack.enter_context(open_archive(settings, "verify"))
        elif uses_database:
            recover_index(settings)
        cache = None if settings.no_cache else stack.enter_context(open_cache(settings))
        if cache is not None and not settings.offline:
            cache.require_writable()
        if settings.offline:
            index = open_index(settings) if database(settings).exists() else None
            if index is not None:
                stack.callback(index.close)
            recalled = from_last_checks(sources, cache, now) if cache else sources
            return CheckRun(with_archive(recalled, index) if index else recalled, False)
        result = run_checks(
            sources,
            settings.check_options(),
            cache=cache,
            max_age=settings.max_age,
            listener=listener,
            resolver=resolver,
            archive=local,
        )
        if local is not None:
            local.commit()
            return CheckRun(with_archive(result.sources, local.index), result.network_unreachable)
        if uses_database and database(settings).exists():
            index = stack.enter_context(closing(open_index(settings)))
            return CheckRun(with_archive(result.sources, index), result.network_unreachable)
        return result
