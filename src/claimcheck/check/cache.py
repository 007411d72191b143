"""Every check's result with its time, in SQLite: fresh alive results are reused, never failures."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from claimcheck.check.database import (
    REINDEX_HINT,
    Guard,
    connect,
    database_error,
    require_writable,
)
from claimcheck.errors import DamagedState, StateError
from claimcheck.models import Location, Reason, Source, SourceStatus

LOG = logging.getLogger(__name__)
# A damaged row is skipped with a warning; past this many, one line at the end says how many.
_WARNINGS = 3
# What reading a damaged row raises: a bad time, bad JSON or fields, bytes that are not UTF-8.
_DAMAGE = (ValueError, TypeError, ValidationError, UnicodeDecodeError)

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


@dataclass(frozen=True)
class Streak:
    """How long a source has had its current status: since when, and for how many checks."""

    since: datetime
    checks: int


@dataclass(frozen=True)
class Unreadable:
    """A URL whose newest check result kept cannot be trusted, and why."""

    why: str


class ResultCache(Protocol):
    """Where check results are kept between runs."""

    def fresh(self, url: str, max_age: timedelta, now: datetime) -> Source | None:
        """The newest result for ``url`` if it is alive and younger than ``max_age`` (one
        dated after ``now``, by a clock that ran ahead, is no younger: never fresh)."""
        ...

    def record(self, results: list[Source]) -> None:
        """Keep these results (those of real checks) with their times."""
        ...

    def latest(self, url: str, now: datetime) -> Source | Unreadable | None:
        """The newest result for ``url``, whatever its status and age; Unreadable when the
        newest one kept cannot be trusted (damaged, or dated after ``now``)."""
        ...

    def first_alive(self, url: str) -> datetime | None:
        """When ``url`` was first found alive."""
        ...

    def streak(self, url: str) -> Streak | None:
        """The run of checks, newest first, that share the newest one's status."""
        ...


class SqliteCache:
    """The cache in ``.claimcheck/claimcheck.sqlite3``.

    The database may come from anywhere (a CI cache, a colleague): a row that cannot be read
    is skipped with a warning, as if it were not there. A database that cannot be written
    ends the run with a StateError, and one without its ``checks`` table (dropped by hand or
    by another tool) with a DamagedState at once: 'claimcheck archive reindex' makes it anew.
    ``upgrading`` is held while an older database is brought up to date (check/database.py).
    """

    def __init__(self, path: Path, *, upgrading: Guard = nullcontext):
        self._path = path
        self._db = connect(path, upgrading=upgrading)
        try:
            require_tables(self._db, path, ("checks",))
        except BaseException:
            self._db.close()
            raise
        self._db.text_factory = bytes
        self._damaged = 0

    def require_writable(self) -> None:
        """Refuse a database that cannot be written, before a run that records results."""
        require_writable(self._db, self._path)

    def close(self) -> None:
        """Close the database, saying how many damaged rows were skipped past the warnings."""
        if self._damaged > _WARNINGS:
            LOG.warning(
                "%s: %d damaged check results skipped in all; "
                "'claimcheck archive reindex' removes them",
                self._path,
                self._damaged,
            )
        self._db.close()

    def __enter__(self) -> SqliteCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def fresh(self, url: str, max_age: timedelta, now: datetime) -> Source | None:
        for status, checked_at, result in self._rows(
            "SELECT status, checked_at, result FROM checks WHERE url = ? "
            "ORDER BY checked_at DESC, rowid DESC",
            url,
        ):
            try:
                age = now - _moment(checked_at)
                if status != SourceStatus.ALIVE.value or not timedelta(0) <= age <= max_age:
                    return None
                return Source.model_validate_json(result)
            except _DAMAGE as error:
                self._skip(url, error)
        return None

    def latest(self, url: str, now: datetime) -> Source | Unreadable | None:
        # Only the newest row counts: an older one may say what the newest overturned.
        try:
            row = self._db.execute(
                "SELECT checked_at, result FROM checks WHERE url = ? "
                "ORDER BY checked_at DESC, rowid DESC LIMIT 1",
                (url,),
            ).fetchone()
        except sqlite3.DatabaseError as error:
            self._skip(url, error)
            return Unreadable("its check results kept cannot be read")
        if row is None:
            return None
        try:
            moment = _moment(_text(row[0]))
            source = Source.model_validate_json(_text(row[1]))
        except _DAMAGE as error:
            self._skip(url, error)
            return Unreadable("its newest check result kept is damaged")
        if moment > now:
            return Unreadable(
                f"its newest check result kept is dated {moment.isoformat()}, after now"
            )
        return source

    def history(self, url: str) -> list[Source]:
        """Every check of ``url`` kept, newest first (damaged rows skipped)."""
        checks = []
        for (result,) in self._rows(
            "SELECT result FROM checks WHERE url = ? ORDER BY checked_at DESC, rowid DESC", url
        ):
            try:
                checks.append(Source.model_validate_json(result))
            except _DAMAGE as error:
                self._skip(url, error)
        return checks

    def first_alive(self, url: str) -> datetime | None:
        for (checked_at,) in self._rows(
            "SELECT checked_at FROM checks WHERE url = ? AND status = ? ORDER BY checked_at",
            url,
            SourceStatus.ALIVE.value,
        ):
            try:
                return _moment(checked_at)
            except _DAMAGE as error:
                self._skip(url, error)
        return None

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
        try:
            with self._db:
                self._db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error as error:
            raise sql_error(self._path, error) from None

    def drop_damaged(self) -> int:
        """Delete the rows that cannot be read; how many there were."""
        damaged = []
        try:
            rows = self._db.execute(
                "SELECT rowid, url, checked_at, status, result FROM checks"
            ).fetchall()
        except sqlite3.Error as error:
            raise sql_error(self._path, error) from None
        for rowid, *row in rows:
            try:
                _text(row[0]), _moment(_text(row[1])), _text(row[2])
                Source.model_validate_json(_text(row[3]))
            except _DAMAGE:
                damaged.append((rowid,))
        try:
            with self._db:
                self._db.executemany("DELETE FROM checks WHERE rowid = ?", damaged)
        except sqlite3.Error as error:
            raise sql_error(self._path, error) from None
        return len(damaged)

    def streak(self, url: str) -> Streak | None:
        first: str | None = None
        since, count = datetime.min, 0
        for status, checked_at in self._rows(
            "SELECT status, checked_at FROM checks WHERE url = ? "
            "ORDER BY checked_at DESC, rowid DESC",
            url,
        ):
            try:
                moment = _moment(checked_at)
            except _DAMAGE as error:
                self._skip(url, error)
                continue
            first = status if first is None else first
            if status != first:
                break
            since, count = moment, count + 1
        return Streak(since=since, checks=count) if count else None

    def _rows(self, query: str, url: str, *more: str) -> Iterator[tuple[str, ...]]:
        """The rows ``query`` finds for ``url``, as text; one that is not text is skipped."""
        try:
            rows = self._db.execute(query, (url, *more)).fetchall()
        except sqlite3.DatabaseError as error:
            self._skip(url, error)
            return
        for row in rows:
            try:
                text = tuple(_text(value) for value in row)
            except _DAMAGE as error:
                self._skip(url, error)
                continue
            yield text

    def _skip(self, url: str, error: Exception) -> None:
        self._damaged += 1
        if self._damaged <= _WARNINGS:
            LOG.warning(
                "%s: a damaged check result of %s was skipped (%s)",
                self._path,
                url,
                _problem(error),
            )


def sql_error(path: Path, error: sqlite3.Error) -> StateError:
    """What an SQLite error means to the user (``database_error``), where a table or column
    that is not there is damage, not a busy database: the way out is to rebuild it."""
    text = str(error)
    if isinstance(error, sqlite3.OperationalError) and text.startswith(
        ("no such table", "no such column")
    ):
        return DamagedState(f"is damaged: {text}", Location(file=str(path)), hint=REINDEX_HINT)
    return database_error(path, error)


def require_tables(db: sqlite3.Connection, path: Path, tables: Sequence[str]) -> None:
    """Refuse a database that lacks one of ``tables`` (dropped by hand or by another tool)
    with a DamagedState: 'claimcheck archive reindex' makes them anew."""
    try:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error as error:
        raise sql_error(path, error) from None
    present = {_text(name) for (name,) in rows}
    missing = [table for table in tables if table not in present]
    if missing:
        listed = ", ".join(f"'{table}'" for table in missing)
        raise DamagedState(
            f"is damaged: it has no table {listed}"
            if len(missing) == 1
            else f"is damaged: it has no tables {listed}",
            Location(file=str(path)),
            hint=REINDEX_HINT,
        )


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, str):
        return value
    raise TypeError(f"a {type(value).__name__} where text belongs")


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


def _problem(error: Exception) -> str:
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return "".join(c if c.isprintable() else "?" for c in first)[:120]
