"""The project's SQLite database, opened the same way by the check cache and the archive index."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from claimcheck.check.schema import STEPS, Step
from claimcheck.errors import DamagedState, StateError
from claimcheck.models import Location
from claimcheck.statefiles import check_existing, real_folder

# Seconds a statement waits for another process's write to finish.
BUSY_TIMEOUT = 30.0
# The layout of the tables, in PRAGMA user_version: the number of steps (check/schema.py) the
# database has been through. One written by a newer claimcheck (a higher number) is refused
# rather than misread; 0 is a new database, or one from before versions.
SCHEMA_VERSION = len(STEPS)
# Turning a new database to WAL mode can fail at once, busy timeout or not, while another
# process creates it too: that step alone is tried again, for up to 5 s.
_WAL_TRIES = 100
_WAL_WAIT = 0.05
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
# The files SQLite keeps beside the database: checked as the database is.
_COMPANIONS = ("-wal", "-shm", "-journal")
REINDEX_HINT = (
    "run 'claimcheck archive reindex' to rebuild it from the WARC files, "
    "or run with --no-cache --no-archive to check the links without it"
)
# What is held while an older database is brought up to date (the project lock, given by
# the caller); nothing by default.
Guard = Callable[[], AbstractContextManager[object]]


def connect(
    path: Path, *, upgrading: Guard = nullcontext, steps: tuple[Step, ...] = STEPS
) -> sqlite3.Connection:
    """A connection to the database at ``path`` (created if need be) in WAL mode, at the
    version of the last of ``steps``.

    A database of an earlier version is brought up to date in place, with ``upgrading()``
    held, by the steps it has not been through, in one transaction. The database and the
    files beside it must be regular files of their own; one from a newer claimcheck, one
    that is not a database, and one that cannot be written are refused with a StateError.
    """
    real_folder(path.parent)
    for name in ("", *_COMPANIONS):
        check_existing(path.with_name(path.name + name))
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as error:
        raise database_error(path, error) from None
    try:
        _check_version(path, version(db), len(steps))
        _wal(db)
        if version(db) < len(steps):
            with upgrading():
                migrate(path, db, steps)
    except sqlite3.Error as error:
        db.close()
        if _on_read_only_media(path):
            return _read_only(path, len(steps))
        raise database_error(path, error) from None
    except BaseException:
        db.close()
        raise
    return db


def _on_read_only_media(path: Path) -> bool:
    """Whether the database is there but its folder cannot be written (a read-only mount, a
    colleague's share): SQLite cannot make the files WAL mode reads through."""
    return path.is_file() and not os.access(path.parent, os.W_OK)


def _read_only(path: Path, latest: int) -> sqlite3.Connection:
    """The database on read-only media, opened to be read as it is (SQLite's immutable mode:
    nothing can change it there). One that needs an upgrade cannot be read so."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        found = version(db)
        _check_version(path, found, latest)
        if found < latest:
            raise sqlite3.OperationalError("attempt to write a readonly database (to upgrade it)")
    except sqlite3.Error as error:
        db.close()
        raise database_error(path, error) from None
    except BaseException:
        db.close()
        raise
    return db


def require_writable(db: sqlite3.Connection, path: Path) -> None:
    """Refuse, with a StateError, a database this process may read but not write (a file or
    folder made read-only, another user's): before a run does work it could not keep.

    The probe writes the version it reads, and takes it back: nothing changes.
    """
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(f"PRAGMA user_version = {version(db)}")
        finally:
            db.rollback()
    except sqlite3.Error as error:
        raise database_error(path, error) from None


def version(db: sqlite3.Connection) -> int:
    """The layout's version the database says it has (its PRAGMA user_version)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(path: Path, db: sqlite3.Connection, steps: tuple[Step, ...] = STEPS) -> int:
    """Take the database through the ``steps`` it has not been through, in one transaction.

    The version is read again inside the transaction, which holds SQLite's write lock: of
    two runs upgrading at once, the second finds nothing left to do. On any failure nothing
    changes. Returns the version the database had.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        found = version(db)
        _check_version(path, found, len(steps))
        for step in steps[found:]:
            for statement in step.statements:
                db.execute(statement)
        if found < len(steps):
            db.execute(f"PRAGMA user_version = {len(steps)}")
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return found


def _check_version(path: Path, found: int, known: int) -> None:
    if found < 0:
        raise DamagedState(
            f"is damaged: its version ({found}) is not one claimcheck writes",
            Location(file=str(path)),
            hint=REINDEX_HINT,
        )
    if found > known:
        raise StateError(
            f"was written by a newer claimcheck (database version {found}; this one reads "
            f"up to {known})",
            Location(file=str(path)),
            hint="upgrade claimcheck, or set cache_dir to another folder",
        )


def database_error(path: Path, error: sqlite3.Error) -> StateError:
    """What an SQLite error means to the user, naming the database and the way out."""
    text = str(error)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return StateError(
            f"cannot be written: {text}",
            Location(file=str(path)),
            hint="make it and its folder writable, or set cache_dir to a writable folder "
            "(or pass --no-cache --no-archive)",
        )
    if "full" in lowered:
        return StateError(
            f"cannot be written: {text}",
            Location(file=str(path)),
            hint="free some space on that disk, or set cache_dir to a folder on another one",
        )
    operational = isinstance(error, sqlite3.OperationalError)
    if "decode" in lowered or (isinstance(error, sqlite3.DatabaseError) and not operational):
        return DamagedState(f"is damaged: {text}", Location(file=str(path)), hint=REINDEX_HINT)
    return StateError(
        f"cannot be used: {text}",
        Location(file=str(path)),
        hint="wait for other claimcheck runs to finish, or set cache_dir to another folder",
    )


def _wal(db: sqlite3.Connection) -> None:
    for attempt in range(_WAL_TRIES):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            # The primary result code (the low byte of an extended one) says "locked".
            if error.sqlite_errorcode & 0xFF not in _BUSY or attempt == _WAL_TRIES - 1:
                raise
            time.sleep(_WAL_WAIT)
