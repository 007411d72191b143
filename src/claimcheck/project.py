"""The project's database and local archive: opened, locked, rebuilt when lost."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from pathlib import Path
from typing import TypeVar

from claimcheck.archive.index import ArchiveIndex
from claimcheck.archive.lock import ProjectLock
from claimcheck.archive.store import ARCHIVE_FOLDER, LocalArchive
from claimcheck.archive.warc import WARC_PATTERN
from claimcheck.check.cache import SqliteCache
from claimcheck.check.database import database_error
from claimcheck.config import Settings
from claimcheck.statefiles import unwritable

CACHE_FILE = "claimcheck.sqlite3"
LOG = logging.getLogger(__name__)
_Opened = TypeVar("_Opened", SqliteCache, ArchiveIndex)


def database(settings: Settings) -> Path:
    """The project's database: check results and the archive's index."""
    return settings.cache_dir / CACHE_FILE


@contextmanager
def open_cache(settings: Settings) -> Iterator[SqliteCache]:
    """The check-result cache, closed afterwards."""
    cache = _opened(SqliteCache, settings)
    try:
        yield cache
    finally:
        cache.close()


def open_index(settings: Settings, *, recover: bool = True) -> ArchiveIndex:
    """The archive's index in the project's database (rebuilt first if the database is lost,
    unless ``recover`` is off)."""
    if recover:
        recover_index(settings)
    return _opened(ArchiveIndex, settings)


def recover_index(settings: Settings, *, locked: bool = False) -> None:
    """When the database is missing but WARC files are there, rebuild the index from them.

    The project lock is taken for it, unless the caller holds it (``locked``).
    """
    if database(settings).exists() or not _has_warc_files(settings):
        return
    if not locked:
        with ProjectLock(settings.cache_dir, "archive reindex"):
            recover_index(settings, locked=True)
        return
    # The rebuilding machinery is imported only when a database was lost.
    from claimcheck.archive.reindex import rebuild

    with closing(_opened(ArchiveIndex, settings)) as index:
        rebuilt = rebuild(settings.cache_dir / ARCHIVE_FOLDER, index)
    LOG.warning(
        "%s was missing: the archive's index was rebuilt from %d WARC files (%d captures)",
        database(settings),
        rebuilt.files,
        rebuilt.captures,
    )
    for note in rebuilt.notes:
        LOG.warning("%s", note)


def _has_warc_files(settings: Settings) -> bool:
    folder = settings.cache_dir / ARCHIVE_FOLDER
    return folder.is_dir() and any(folder.glob(WARC_PATTERN))


@contextmanager
def open_archive(settings: Settings, purpose: str) -> Iterator[LocalArchive]:
    """The local archive, with the project lock held; committed and closed afterwards."""
    with ProjectLock(settings.cache_dir, purpose):
        recover_index(settings, locked=True)
        with closing(_opened(ArchiveIndex, settings)) as index:
            index.require_writable()
            archive = LocalArchive(settings.cache_dir / ARCHIVE_FOLDER, index)
            try:
                yield archive
            finally:
                archive.close()


def _opened(kind: type[_Opened], settings: Settings) -> _Opened:
    """The store ``kind`` in the project's database. A new or older database is brought up
    to date first, with the project lock held: this run's, or taken for it once another
    run (an older claimcheck, perhaps) lets go of it."""
    path = database(settings)

    def upgrading() -> AbstractContextManager[object]:
        if ProjectLock.held(settings.cache_dir):
            return nullcontext()
        return ProjectLock(settings.cache_dir, "database upgrade", LOG.warning, exclusive=True)

    try:
        return kind(path, upgrading=upgrading)
    except OSError as error:
        raise unwritable(path, error) from None
    except sqlite3.Error as error:
        raise database_error(path, error) from None
