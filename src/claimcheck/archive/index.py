"""The archive's index in SQLite: which capture of which URL sits where in which WARC file."""

from __future__ import annotations

import functools
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from claimcheck.check.cache import require_tables, sql_error
from claimcheck.check.database import REINDEX_HINT, Guard, connect, require_writable
from claimcheck.check.schema import STEPS
from claimcheck.errors import DamagedState
from claimcheck.models import Location, Memento, Snapshot, SourceStatus
from claimcheck.statefiles import unwritable

# The only WARC file names the index may hold: a bare name of claimcheck's own pattern. A name
# read from the database is used to open, cut and delete files, so anything else is damage.
WARC_NAME = re.compile(r"claimcheck-\d{8}T\d{6}Z-[0-9a-f]{8}\.warc\.gz")
# What reading a damaged row raises: a bad time or number, bytes that are not UTF-8 or zlib.
_DAMAGE = (ValueError, TypeError, UnicodeDecodeError, zlib.error, OverflowError)
_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")

_PAYLOAD_COLUMNS = (
    "digest, warc_file, offset, length, target, captured_at, size, text_kind, charset, problem"
)
_SNAPSHOT_COLUMNS = (
    "c.captured_at, c.target, c.http_status, c.content_type, c.payload_digest, c.truncated, "
    "p.text_chars, c.judged"
)
# URLs asked about in one query: well under SQLite's limit of bound parameters.
_URLS_AT_ONCE = 500
_CAPTURE_COLUMNS = (
    "id, url, target, captured_at, http_status, content_type, payload_digest, truncated, "
    "record_type, record_id, warc_file, offset, length, request_offset, request_length, judged"
)
_TABLES = ("warc_files", "retired_files", "payloads", "captures", "mementos")


@dataclass(frozen=True)
class Place:
    """Where one record sits: its WARC file, byte offset and (compressed) length."""

    warc_file: str
    offset: int
    length: int


@dataclass(frozen=True)
class Payload:
    """A body stored once, with the text extracted from it."""

    digest: str
    place: Place
    target: str
    captured_at: datetime
    size: int
    text_kind: str
    charset: str | None
    problem: str | None
    text: str | None


@dataclass(frozen=True)
class CaptureRow:
    """One capture of a cited URL: its response (or revisit) record and its request record."""

    url: str
    target: str
    captured_at: datetime
    http_status: int
    content_type: str | None
    payload_digest: str
    truncated: bool
    record_type: str
    record_id: str
    place: Place
    request: Place
    id: int | None = None
    # What its check judged the page; None when not recorded.
    judged: SourceStatus | None = None

    def snapshot(self) -> Snapshot:
        """This capture as a Snapshot (without its text's length, which the payload knows)."""
        return Snapshot(
            captured_at=self.captured_at,
            url=self.target,
            http_status=self.http_status,
            content_type=self.content_type,
            payload_digest=self.payload_digest,
            truncated=self.truncated,
            judged=self.judged,
        )


@dataclass(frozen=True)
class UrlSummary:
    """A cited URL's snapshots in brief, for `claimcheck archive list`."""

    url: str
    snapshots: int
    newest: datetime
    newest_status: int


def _writing(
    method: Callable[Concatenate[ArchiveIndex, _Args], _Result],
) -> Callable[Concatenate[ArchiveIndex, _Args], _Result]:
    """A writer whose failure (a full disk, a read-only file) ends the command with a StateError."""

    @functools.wraps(method)
    def guarded(index: ArchiveIndex, /, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
        try:
            return method(index, *args, **kwargs)
        except sqlite3.Error as error:
            raise sql_error(index.path, error) from None

    return guarded


def _reading(
    method: Callable[Concatenate[ArchiveIndex, _Args], _Result],
) -> Callable[Concatenate[ArchiveIndex, _Args], _Result]:
    """A reader whose damaged rows, or damaged database, end the command with a StateError."""
    written = _writing(method)

    @functools.wraps(method)
    def guarded(index: ArchiveIndex, /, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
        try:
            return written(index, *args, **kwargs)
        except _DAMAGE as error:
            raise DamagedState(
                f"the archive's index has a damaged row: {_plain(error)}",
                Location(file=str(index.path)),
                hint=REINDEX_HINT,
            ) from None

    return guarded


class ArchiveIndex:
    """The index tables in the project's database (``.claimcheck/claimcheck.sqlite3``).

    ``upgrading`` is held while an older database is brought up to date (check/database.py).
    A database that lacks one of the index's tables is refused with a DamagedState.
    """

    def __init__(self, path: Path, *, upgrading: Guard = nullcontext):
        self.path = path
        self._db = connect(path, upgrading=upgrading)
        try:
            require_tables(self._db, path, _TABLES)
        except BaseException:
            self._db.close()
            raise

    def require_writable(self) -> None:
        """Refuse a database that cannot be written, before a run that archives."""
        require_writable(self._db, self.path)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @_reading
    def integrity_check(self) -> str:
        """SQLite's own check of the database file: "ok" when sound."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    @_reading
    def files(self) -> dict[str, int]:
        """Every WARC file the index knows, with the length of its committed part."""
        rows = self._db.execute("SELECT name, committed FROM warc_files ORDER BY name")
        return {warc_name(name): _count(committed) for name, committed in rows}

    @contextmanager
    def consistent(self) -> Iterator[None]:
        """Reads inside see one moment of the index, whatever other runs commit meanwhile."""
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("ROLLBACK")

    @_writing
    def replace_all(
        self,
        files: dict[str, int],
        payloads: Iterable[Payload],
        captures: Iterable[CaptureRow],
    ) -> None:
        """Put a rebuilt index in place of the old one's files, payloads and captures at once."""
        with self._db:
            for table in ("warc_files", "payloads", "captures"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.executemany(
                "INSERT INTO warc_files VALUES (?, datetime('now'), ?)", list(files.items())
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO payloads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_payload_values(payload) for payload in payloads],
            )
            self._db.executemany(
                f"INSERT INTO captures ({_CAPTURE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_capture_values(capture) for capture in captures],
            )

    @_writing
    def drop_damaged_mementos(self) -> int:
        """Delete the memento rows that cannot be read; how many there were."""
        damaged = []
        for rowid, *row in self._db.execute(
            "SELECT rowid, memento_url, captured_at, original, http_status, via FROM mementos"
        ).fetchall():
            try:
                _memento(row)
            except _DAMAGE:
                damaged.append((rowid,))
        with self._db:
            self._db.executemany("DELETE FROM mementos WHERE rowid = ?", damaged)
        return len(damaged)

    @_writing
    def add_file(self, name: str, created_at: datetime, committed: int) -> None:
        """Know a new WARC file whose first ``committed`` bytes are complete (and no longer
        count it as retired, if it was named so before it was written)."""
        with self._db:
            self._db.execute(
                "INSERT INTO warc_files VALUES (?, ?, ?)", (name, created_at.isoformat(), committed)
            )
            self._db.execute("DELETE FROM retired_files WHERE name = ?", (name,))

    @_writing
    def commit(
        self,
        warc_file: str,
        committed: int,
        payloads: Iterable[Payload],
        captures: Iterable[CaptureRow],
    ) -> None:
        """Record new payloads and captures, and how far their WARC file is complete, at once.

        A payload already indexed in a file that is not there any more moves to its new record.
        """
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO payloads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_payload_values(payload) for payload in payloads],
            )
            self._db.executemany(
                f"INSERT INTO captures ({_CAPTURE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_capture_values(capture) for capture in captures],
            )
            self._db.execute(
                "UPDATE warc_files SET committed = ? WHERE name = ?", (committed, warc_file)
            )

    @_reading
    def payload(self, digest: str, *, with_text: bool = False) -> Payload | None:
        """The stored payload with this digest, and its text when asked."""
        row = self._db.execute(
            f"SELECT {_PAYLOAD_COLUMNS}, {'text' if with_text else 'NULL'} "
            "FROM payloads WHERE digest = ?",
            (digest,),
        ).fetchone()
        return _payload(row) if row else None

    @_reading
    def text_chars(self, digest: str) -> int | None:
        """How many characters of text the payload with this digest has, if any."""
        row = self._db.execute(
            "SELECT text_chars FROM payloads WHERE digest = ?", (digest,)
        ).fetchone()
        return _count(row[0]) if row and row[0] is not None else None

    @_reading
    def payloads(self) -> Iterator[Payload]:
        """Every stored payload, without its text."""
        rows = self._db.execute(
            f"SELECT {_PAYLOAD_COLUMNS}, NULL FROM payloads ORDER BY warc_file, offset"
        )
        return iter([_payload(row) for row in rows.fetchall()])

    @_reading
    def captures(self, url: str | None = None) -> list[CaptureRow]:
        """The captures of ``url`` (or of every URL), oldest first."""
        where, args = ("WHERE url = ?", (url,)) if url is not None else ("", ())
        rows = self._db.execute(
            f"SELECT {_CAPTURE_COLUMNS} FROM captures {where} ORDER BY captured_at, id", args
        )
        return [_capture(row) for row in rows.fetchall()]

    @_reading
    def snapshot(self, url: str, *, alive_only: bool = False) -> Snapshot | None:
        """The newest capture of ``url`` as a Snapshot; with ``alive_only``, the newest that
        holds the page cited (Snapshot.holds_the_page: not a sign-in, catch-all or error page
        answered with 200)."""
        rows = self._db.execute(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM captures c "
            "LEFT JOIN payloads p ON p.digest = c.payload_digest WHERE c.url = ? "
            "ORDER BY c.captured_at DESC, c.id DESC",
            (url,),
        )
        for row in rows:
            snapshot = _snapshot(row)
            if not alive_only or snapshot.holds_the_page():
                return snapshot
        return None

    @_reading
    def snapshots(self, urls: Sequence[str]) -> dict[str, Snapshot]:
        """The newest capture of each of ``urls`` that has one: ``snapshot`` for many at once."""
        found: dict[str, Snapshot] = {}
        for start in range(0, len(urls), _URLS_AT_ONCE):
            chunk = urls[start : start + _URLS_AT_ONCE]
            rows = self._db.execute(
                "SELECT url, captured_at, target, http_status, content_type, payload_digest, "
                "truncated, text_chars, judged FROM ("
                f"SELECT c.url, {_SNAPSHOT_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY c.url "
                "ORDER BY c.captured_at DESC, c.id DESC) AS newest FROM captures c "
                "LEFT JOIN payloads p ON p.digest = c.payload_digest "
                f"WHERE c.url IN ({', '.join('?' * len(chunk))})) WHERE newest = 1",
                chunk,
            )
            found.update((row[0], _snapshot(row[1:])) for row in rows)
        return found

    @_reading
    def summaries(self) -> dict[str, UrlSummary]:
        """Each archived URL with its number of captures and its newest one."""
        rows = self._db.execute(
            "SELECT url, COUNT(*), MAX(captured_at), (SELECT newest.http_status FROM captures "
            "newest WHERE newest.url = c.url ORDER BY newest.captured_at DESC, newest.id DESC "
            "LIMIT 1) FROM captures c GROUP BY url ORDER BY url"
        ).fetchall()
        return {
            url: UrlSummary(str(url), _count(count), _moment(newest), _count(status))
            for url, count, newest, status in rows
        }

    @_writing
    def record_memento(self, url: str, memento: Memento, recorded_at: datetime) -> None:
        """Keep a Wayback memento of ``url`` (once per memento address)."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO mementos VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    url,
                    memento.url,
                    memento.captured_at.isoformat(),
                    memento.original,
                    memento.http_status,
                    memento.via,
                    recorded_at.isoformat(),
                ),
            )

    @_reading
    def mementos(self, url: str) -> list[Memento]:
        """The known mementos of ``url``, oldest first."""
        rows = self._db.execute(
            "SELECT memento_url, captured_at, original, http_status, via FROM mementos "
            "WHERE url = ? ORDER BY captured_at",
            (url,),
        ).fetchall()
        return [_memento(row) for row in rows]

    @_reading
    def mementos_of(self, urls: Sequence[str]) -> dict[str, list[Memento]]:
        """The known mementos of each of ``urls`` that has some, oldest first."""
        found: dict[str, list[Memento]] = {}
        for start in range(0, len(urls), _URLS_AT_ONCE):
            chunk = urls[start : start + _URLS_AT_ONCE]
            rows = self._db.execute(
                "SELECT url, memento_url, captured_at, original, http_status, via FROM mementos "
                f"WHERE url IN ({', '.join('?' * len(chunk))}) ORDER BY url, captured_at",
                chunk,
            )
            for row in rows:
                found.setdefault(row[0], []).append(_memento(row[1:]))
        return found

    @_writing
    def relocate(
        self,
        files: dict[str, int],
        kept: Iterable[CaptureRow],
        payload_places: dict[str, Place],
        dropped: Iterable[int],
    ) -> None:
        """After a prune, at once: drop captures, move the kept records, swap the file list."""
        with self._db:
            self._db.executemany("DELETE FROM captures WHERE id = ?", [(i,) for i in dropped])
            self._db.executemany(
                "UPDATE captures SET warc_file = ?, offset = ?, length = ?, request_offset = ?, "
                "request_length = ? WHERE id = ?",
                [_placement(capture) for capture in kept],
            )
            self._db.execute(
                "DELETE FROM payloads WHERE digest NOT IN (SELECT payload_digest FROM captures)"
            )
            self._db.executemany(
                "UPDATE payloads SET warc_file = ?, offset = ?, length = ? WHERE digest = ?",
                [(p.warc_file, p.offset, p.length, d) for d, p in payload_places.items()],
            )
            self._db.execute(
                "INSERT OR IGNORE INTO retired_files SELECT name FROM warc_files "
                f"WHERE name NOT IN ({', '.join('?' * len(files))})",
                list(files),
            )
            self._db.execute("DELETE FROM warc_files")
            self._db.executemany(
                "INSERT INTO warc_files VALUES (?, datetime('now'), ?)", list(files.items())
            )
            self._db.executemany(
                "DELETE FROM retired_files WHERE name = ?", [(name,) for name in files]
            )

    @_reading
    def retired(self) -> list[str]:
        """The files an interrupted run left to be deleted: those a prune moved away from, and
        those a run named before writing them and never indexed."""
        rows = self._db.execute(
            "SELECT name FROM retired_files WHERE name NOT IN (SELECT name FROM warc_files)"
        )
        return [warc_name(name) for (name,) in rows]

    @_writing
    def retire(self, name: str) -> None:
        """Before a new WARC file is written: should the run be killed before the file is
        indexed, the next archiving run (or prune) deletes the part it wrote."""
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO retired_files VALUES (?)", (name,))

    @_writing
    def forget_retired(self, names: Iterable[str]) -> None:
        """The prune's old files are gone: forget them."""
        with self._db:
            self._db.executemany(
                "DELETE FROM retired_files WHERE name = ?", [(name,) for name in names]
            )


def restore_tables(path: Path) -> tuple[str, ...]:
    """Make anew, empty, the tables (and their indexes) the database at ``path`` lacks, as a
    table dropped by hand or by another tool; the tables made. The caller holds the project
    lock. The statements are the layout's own, each of which makes only what is missing; a
    column a later step added is added to a table made anew.
    """
    try:
        db = connect(path)
    except OSError as error:
        raise unwritable(path, error) from None
    try:
        before = _table_names(db)
        with db:
            for step in STEPS:
                for statement in step.statements:
                    if statement.startswith("CREATE ") and " IF NOT EXISTS " in statement:
                        db.execute(statement)
                    added = _ADDED_COLUMN.fullmatch(statement)
                    if added is not None and added[2] not in _column_names(db, added[1]):
                        db.execute(statement)
        return tuple(sorted(_table_names(db) - before))
    except sqlite3.Error as error:
        raise sql_error(path, error) from None
    finally:
        db.close()


_ADDED_COLUMN = re.compile(r"ALTER TABLE (\w+) ADD COLUMN (\w+) \w+")


def _column_names(db: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}


def _table_names(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(name) for (name,) in rows}


def _snapshot(row: Sequence[object]) -> Snapshot:
    return Snapshot(
        captured_at=_moment(str(row[0])),
        url=str(row[1]),
        http_status=int(str(row[2])),
        content_type=row[3] if isinstance(row[3], str) else None,
        payload_digest=str(row[4]),
        truncated=bool(row[5]),
        text_chars=_count(row[6]) if row[6] is not None else None,
        judged=judged_status(row[7]),
    )


def judged_status(value: object) -> SourceStatus | None:
    """A capture's recorded verdict, read from the database: None when there is none, or
    when it is no status this version knows (the database may come from anywhere)."""
    try:
        return SourceStatus(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _memento(row: Sequence[object]) -> Memento:
    return Memento(
        url=str(row[0]),
        captured_at=_moment(str(row[1])),
        original=str(row[2]),
        http_status=row[3] if isinstance(row[3], int) else None,
        via=str(row[4]),
    )


def _placement(capture: CaptureRow) -> tuple[object, ...]:
    place, request = capture.place, capture.request
    return (place.warc_file, place.offset, place.length, request.offset, request.length, capture.id)


# zlib's level for a payload's text: as the WARC records' (level 6 took a fifth more time on
# real pages for 2% fewer bytes, and four times as much on repetitive text).
_TEXT_LEVEL = 4
# The most bytes a stored text may inflate to: a PDF's text is cut at 20 million characters
# (up to 4 bytes each in UTF-8). A row that inflates further is damage, or a zip bomb.
_MAX_TEXT_BYTES = 80_000_000


def _inflated(blob: bytes) -> bytes:
    """A stored text's bytes, inflated within ``_MAX_TEXT_BYTES``; ValueError beyond."""
    inflater = zlib.decompressobj()
    data = inflater.decompress(blob, _MAX_TEXT_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError(f"a stored text inflates past {_MAX_TEXT_BYTES:,} bytes")
    return data


def _payload_values(payload: Payload) -> tuple[object, ...]:
    text = payload.text
    return (
        payload.digest,
        payload.place.warc_file,
        payload.place.offset,
        payload.place.length,
        payload.target,
        payload.captured_at.isoformat(),
        payload.size,
        payload.text_kind,
        payload.charset,
        payload.problem,
        zlib.compress(text.encode("utf-8"), _TEXT_LEVEL) if text is not None else None,
        len(text) if text is not None else None,
    )


def _payload(row: tuple[object, ...]) -> Payload:
    blob = row[10]
    text = _inflated(blob).decode("utf-8") if isinstance(blob, bytes) else None
    return Payload(
        digest=str(row[0]),
        place=_place(row[1], row[2], row[3]),
        target=str(row[4]),
        captured_at=_moment(str(row[5])),
        size=int(str(row[6])),
        text_kind=str(row[7]),
        charset=row[8] if isinstance(row[8], str) else None,
        problem=row[9] if isinstance(row[9], str) else None,
        text=text,
    )


def _capture_values(capture: CaptureRow) -> tuple[object, ...]:
    return (
        capture.id,
        capture.url,
        capture.target,
        capture.captured_at.isoformat(),
        capture.http_status,
        capture.content_type,
        capture.payload_digest,
        int(capture.truncated),
        capture.record_type,
        capture.record_id,
        capture.place.warc_file,
        capture.place.offset,
        capture.place.length,
        capture.request.offset,
        capture.request.length,
        capture.judged.value if capture.judged is not None else None,
    )


def _capture(row: tuple[object, ...]) -> CaptureRow:
    return CaptureRow(
        id=int(str(row[0])),
        url=str(row[1]),
        target=str(row[2]),
        captured_at=_moment(str(row[3])),
        http_status=int(str(row[4])),
        content_type=row[5] if isinstance(row[5], str) else None,
        payload_digest=str(row[6]),
        truncated=bool(row[7]),
        record_type=str(row[8]),
        record_id=str(row[9]),
        place=_place(row[10], row[11], row[12]),
        request=_place(row[10], row[13], row[14]),
        judged=judged_status(row[15]),
    )


def warc_name(value: object) -> str:
    """A WARC file name read from the database, checked to be a bare name of our pattern."""
    if not isinstance(value, str) or not WARC_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not the name of a claimcheck WARC file")
    return value


def _place(name: object, offset: object, length: object) -> Place:
    return Place(warc_name(name), _count(offset), _count(length))


def _count(value: object) -> int:
    """A non-negative whole number read from the database."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a count")
    return value


def _moment(value: object) -> datetime:
    """A time read from the database: ISO 8601 with a time zone."""
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment


def _plain(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return "".join(c if c.isprintable() else "?" for c in text)[:160]
