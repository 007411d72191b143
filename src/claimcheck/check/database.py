"""The project's SQLite database, opened the same way by the check cache and the archive index."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from claimcheck.errors import DamagedState, StateError
from claimcheck.models import Location
from claimcheck.statefiles import check_existing, real_folder

# Seconds a statement waits for another process's write to finish.
BUSY_TIMEOUT = 30.0
# The layout of the tables, in PRAGMA user_version: a database written by a newer claimcheck
# (a higher number) is refused rather than misread. 0 is a database from before versions.
SCHEMA_VERSION = 1
# Turning a new database to WAL mode can fail at once, busy timeout or not, while another
# process creates it too: that step alone is tried again, for up to 5 s.
_WAL_TRIES = 100
_WAL_WAIT = 0.05
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
# The files SQLite keeps beside the database: checked as the database is.
_COMPANIONS = ("-wal", "-shm", "-journal")
REINDEX_HINT = "run 'claimcheck archive reindex' to rebuild it from the WARC files"


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """A connection to the database at ``path`` (created if need be) in WAL mode with ``schema``.

    The database and the files beside it must be regular files of their own; one from a newer
    claimcheck, one that is not a database, and one that cannot be written are refused with
    a StateError.
    """
    real_folder(path.parent)
    for name in ("", *_COMPANIONS):
        check_existing(path.with_name(path.name + name))
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as error:
        raise database_error(path, error) from None
    try:
        _check_version(path, db)
        _wal(db)
        db.executescript(schema)
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error as error:
        db.close()
        raise database_error(path, error) from None
    except BaseException:
        db.close()
        raise
    return db


def _check_version(path: Path, db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StateError(
            f"was written by a newer claimcheck (database version {version}; this one reads "
            f"up to {SCHEMA_VERSION})",
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
