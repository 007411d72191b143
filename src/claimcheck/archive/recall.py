"""What the archive and past checks know of each source: snapshots, mementos, rescues."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from claimcheck.archive.index import ArchiveIndex
from claimcheck.check.cache import CHECK_FIELDS, ResultCache, Unreadable
from claimcheck.models import ArchivedCopy, Memento, Reason, Snapshot, Source, SourceStatus


def with_archive(sources: Iterable[Source], index: ArchiveIndex) -> tuple[Source, ...]:
    """Each source with its newest snapshot and memento, and a dead one's best archived copy."""
    sources = tuple(sources)
    snapshots = index.snapshots([source.url for source in sources if source.snapshot is None])
    mementos = index.mementos_of([source.url for source in sources])
    return tuple(
        _recalled(source, snapshots.get(source.url), mementos.get(source.url, []), index)
        for source in sources
    )


def _recalled(
    source: Source, newest: Snapshot | None, mementos: list[Memento], index: ArchiveIndex
) -> Source:
    update: dict[str, object] = {}
    if source.snapshot is None and newest is not None:
        update["snapshot"] = newest
    if source.memento is None and mementos:
        update["memento"] = mementos[-1]
    if source.status is SourceStatus.DEAD:
        update["rescue"] = best_copy(source, index)
    # The source itself when nothing is new: a copy of each would be a third of the run's
    # sources held at once, beside the ones checked and the ones cited.
    return source.model_copy(update=update) if update else source


def best_copy(source: Source, index: ArchiveIndex) -> ArchivedCopy | None:
    """The newest copy taken while the page answered: a local 2xx snapshot or a memento.

    At the same date a Wayback memento wins: it can be cited, a local file cannot.
    """
    copies = []
    snapshot = index.snapshot(source.url, alive_only=True)
    if snapshot is not None:
        copies.append(
            ArchivedCopy(kind="local", captured_at=snapshot.captured_at, url=snapshot.url)
        )
    for memento in index.mementos(source.url):
        if memento.http_status is None or 200 <= memento.http_status < 300:
            copies.append(
                ArchivedCopy(kind="wayback", captured_at=memento.captured_at, url=memento.url)
            )
    if not copies:
        return None
    return max(copies, key=lambda c: (c.captured_at.date(), c.kind == "wayback", c.captured_at))


def from_last_checks(
    sources: Iterable[Source], cache: ResultCache, now: datetime
) -> tuple[Source, ...]:
    """Each source as its last check found it, for a run that makes no request.

    A source never checked stays unchecked (never-checked), and so does one whose newest
    check kept cannot be trusted (not-checked): an older check may say what that one
    overturned. The others keep their check's time, so the report can say how old each
    status is.
    """
    results = []
    for source in sources:
        if source.status is not SourceStatus.UNCHECKED:
            results.append(source)
            continue
        last = cache.latest(source.url, now)
        if isinstance(last, Unreadable):
            detail = f"offline, and {last.why}: check it online again"
            results.append(source.model_copy(update={"detail": detail}))
            continue
        if last is None:
            results.append(
                source.model_copy(
                    update={
                        "reason": Reason.NEVER_CHECKED,
                        "detail": "offline, and never checked before",
                    }
                )
            )
            continue
        update = {name: getattr(last, name) for name in CHECK_FIELDS} | {"from_cache": True}
        source = source.model_copy(update=update)
        if source.status is not SourceStatus.ALIVE:
            streak = cache.streak(source.url)
            if streak is not None:
                source = source.model_copy(
                    update={"failing_since": streak.since, "failing_checks": streak.checks}
                )
        results.append(source)
    return tuple(results)
