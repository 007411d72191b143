"""Every check's result with its time, in SQLite: fresh alive results are reused, never failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from claimcheck.check.database import connect
from claimcheck.models import Reason, Source, SourceStatus

# Results that say something about the page itself; the others say only that it was not asked.
RECORDED = frozenset(
    {
        SourceStatus.ALIVE,
        SourceStatus.DEAD,
        SourceStatus.BLOCKED,
        SourceStatus.ERROR,
        SourceStatus.TIMEOUT,
    }
)
# Timeouts that say only that the page was not asked: its host had stopped answering, or the
# run's deadline had passed.
_NOT_ASKED = frozenset({Reason.HOST_UNRESPONSIVE, Reason.RUN_DEADLINE})
# The fields of a source that one check sets; a cached result brings back these.
CHECK_FIELDS = (
    "status",
    "reason",
    "detail",
    "http_status",
    "final_url",
    "redirects",
    "checked_at",
    "elapsed_ms",
    "notes",
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    url TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    status TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checks_by_url ON checks (url, checked_at);
"""


@dataclass(frozen=True)
class Streak:
    """How long a source has had its current status: since when, and for how many checks."""

    since: datetime
    checks: int


class ResultCache(Protocol):
    """Where check results are kept between runs."""

    def fresh(self, url: str, max_age: timedelta, now: datetime) -> Source | None:
        """The newest result for ``url`` if it is alive and younger than ``max_age``."""
        ...

    def record(self, results: list[Source]) -> None:
        """Keep these results (those of real checks) with their times."""
        ...

    def latest(self, url: str) -> Source | None:
        """The newest result for ``url``, whatever its status and age."""
        ...

    def first_alive(self, url: str) -> datetime | None:
        """When ``url`` was first found alive."""
        ...

    def streak(self, url: str) -> Streak | None:
        """The run of checks, newest first, that share the newest one's status."""
        ...


class SqliteCache:
    """The cache in ``.claimcheck/claimcheck.sqlite3``."""

    def __init__(self, path: Path):
        self._db = connect(path, _SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> SqliteCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def fresh(self, url: str, max_age: timedelta, now: datetime) -> Source | None:
        row = self._db.execute(
            "SELECT status, checked_at, result FROM checks WHERE url = ? "
            "ORDER BY checked_at DESC, rowid DESC LIMIT 1",
            (url,),
        ).fetchone()
        if row is None or row[0] != SourceStatus.ALIVE.value:
            return None
        if now - datetime.fromisoformat(row[1]) > max_age:
            return None
        return Source.model_validate_json(row[2])

    def latest(self, url: str) -> Source | None:
        row = self._db.execute(
            "SELECT result FROM checks WHERE url = ? ORDER BY checked_at DESC, rowid DESC LIMIT 1",
            (url,),
        ).fetchone()
        return Source.model_validate_json(row[0]) if row else None

    def first_alive(self, url: str) -> datetime | None:
        row = self._db.execute(
            "SELECT MIN(checked_at) FROM checks WHERE url = ? AND status = ?",
            (url, SourceStatus.ALIVE.value),
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def record(self, results: list[Source]) -> None:
        rows = [
            (
                source.url,
                source.checked_at.isoformat(),
                source.status.value,
                source.model_dump_json(),
            )
            for source in results
            if source.status in RECORDED
            and source.reason not in _NOT_ASKED
            and source.checked_at
            and not source.from_cache
        ]
        with self._db:
            self._db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?)", rows)

    def streak(self, url: str) -> Streak | None:
        rows = self._db.execute(
            "SELECT status, checked_at FROM checks WHERE url = ? "
            "ORDER BY checked_at DESC, rowid DESC",
            (url,),
        )
        first = next(rows, None)
        if first is None:
            return None
        since, count = first[1], 1
        for status, checked_at in rows:
            if status != first[0]:
                break
            since, count = checked_at, count + 1
        return Streak(since=datetime.fromisoformat(since), checks=count)
