"""The project's SQLite database, opened the same way by the check cache and the archive index."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

# Seconds a statement waits for another process's write to finish.
BUSY_TIMEOUT = 30.0
# Turning a new database to WAL mode can fail at once, busy timeout or not, while another
# process creates it too: that step alone is tried again, for up to 5 s.
_WAL_TRIES = 100
_WAL_WAIT = 0.05
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """A connection to the database at ``path`` (created if need be) in WAL mode with ``schema``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    try:
        _wal(db)
        db.executescript(schema)
    except BaseException:
        db.close()
        raise
    return db


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
