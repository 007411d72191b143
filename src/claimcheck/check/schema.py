"""The project database's layout: the ordered steps that take it from each version to the next."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """What one step does, and the statements that take the database from version N to N+1.

    The statements of a step run in one transaction with the new version number: a database
    is at one version or the next, never half-way.
    """

    purpose: str
    statements: tuple[str, ...]


# Version 1: the check cache and the archive's index. A database from before versions (0)
# has all of these tables but retired_files, or none at all when it is new: each statement
# creates only what is missing.
_CHECK_CACHE = (
    """CREATE TABLE IF NOT EXISTS checks (
    url TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    status TEXT NOT NULL,
    result TEXT NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS checks_by_url ON checks (url, checked_at)",
)
_ARCHIVE_INDEX = (
    """CREATE TABLE IF NOT EXISTS warc_files (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    committed INTEGER NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS retired_files (
    name TEXT PRIMARY KEY
)""",
    """CREATE TABLE IF NOT EXISTS payloads (
    digest TEXT PRIMARY KEY,
    warc_file TEXT NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    target TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    size INTEGER NOT NULL,
    text_kind TEXT NOT NULL,
    charset TEXT,
    problem TEXT,
    text BLOB,
    text_chars INTEGER
)""",
    """CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    target TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    content_type TEXT,
    payload_digest TEXT NOT NULL,
    truncated INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    warc_file TEXT NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    request_offset INTEGER NOT NULL,
    request_length INTEGER NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS captures_by_url ON captures (url, captured_at)",
    "CREATE INDEX IF NOT EXISTS captures_by_digest ON captures (payload_digest)",
    """CREATE TABLE IF NOT EXISTS mementos (
    url TEXT NOT NULL,
    memento_url TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    original TEXT NOT NULL,
    http_status INTEGER,
    via TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (url, memento_url)
)""",
)

# Oldest first: STEPS[n] takes a database at version n to version n + 1. A step once released
# is never changed; a new layout is a new step at the end.
STEPS: tuple[Step, ...] = (
    Step("the check cache and the archive's index", _CHECK_CACHE + _ARCHIVE_INDEX),
    # What the check that made a capture judged its page (a source status): a 200 answer may
    # be a sign-in, catch-all or error page, which is no copy of the page cited. Captures made
    # before it (NULL) are judged by their HTTP status alone, as they were.
    Step("what each capture was judged", ("ALTER TABLE captures ADD COLUMN judged TEXT",)),
)
