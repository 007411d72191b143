"""The archive's index in SQLite: which capture of which URL sits where in which WARC file."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from claimcheck.check.database import connect
from claimcheck.models import Memento, Snapshot

_SCHEMA = """
CREATE TABLE IF NOT EXISTS warc_files (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    committed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS payloads (
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
);
CREATE TABLE IF NOT EXISTS captures (
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
);
CREATE INDEX IF NOT EXISTS captures_by_url ON captures (url, captured_at);
CREATE INDEX IF NOT EXISTS captures_by_digest ON captures (payload_digest);
CREATE TABLE IF NOT EXISTS mementos (
    url TEXT NOT NULL,
    memento_url TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    original TEXT NOT NULL,
    http_status INTEGER,
    via TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (url, memento_url)
);
"""
_PAYLOAD_COLUMNS = (
    "digest, warc_file, offset, length, target, captured_at, size, text_kind, charset, problem"
)
_SNAPSHOT_COLUMNS = (
    "c.captured_at, c.target, c.http_status, c.content_type, c.payload_digest, c.truncated, "
    "p.text_chars"
)
# URLs asked about in one query: well under SQLite's limit of bound parameters.
_URLS_AT_ONCE = 500
_CAPTURE_COLUMNS = (
    "id, url, target, captured_at, http_status, content_type, payload_digest, truncated, "
    "record_type, record_id, warc_file, offset, length, request_offset, request_length"
)


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


@dataclass(frozen=True)
class UrlSummary:
    """A cited URL's snapshots in brief, for `claimcheck archive list`."""

    url: str
    snapshots: int
    newest: datetime
    newest_status: int


class ArchiveIndex:
    """The index tables in the project's database (``.claimcheck/claimcheck.sqlite3``)."""

    def __init__(self, path: Path):
        self._db = connect(path, _SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def integrity_check(self) -> str:
        """SQLite's own check of the database file: "ok" when sound."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def files(self) -> dict[str, int]:
        """Every WARC file the index knows, with the length of its committed part."""
        return dict(self._db.execute("SELECT name, committed FROM warc_files ORDER BY name"))

    def add_file(self, name: str, created_at: datetime, committed: int) -> None:
        """Know a new WARC file whose first ``committed`` bytes are complete."""
        with self._db:
            self._db.execute(
                "INSERT INTO warc_files VALUES (?, ?, ?)", (name, created_at.isoformat(), committed)
            )

    def commit(
        self,
        warc_file: str,
        committed: int,
        payloads: Iterable[Payload],
        captures: Iterable[CaptureRow],
    ) -> None:
        """Record new payloads and captures, and how far their WARC file is complete, at once."""
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO payloads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_payload_values(payload) for payload in payloads],
            )
            self._db.executemany(
                f"INSERT INTO captures ({_CAPTURE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_capture_values(capture) for capture in captures],
            )
            self._db.execute(
                "UPDATE warc_files SET committed = ? WHERE name = ?", (committed, warc_file)
            )

    def payload(self, digest: str, *, with_text: bool = False) -> Payload | None:
        """The stored payload with this digest, and its text when asked."""
        row = self._db.execute(
            f"SELECT {_PAYLOAD_COLUMNS}, {'text' if with_text else 'NULL'} "
            "FROM payloads WHERE digest = ?",
            (digest,),
        ).fetchone()
        return _payload(row) if row else None

    def origin(self, digest: str) -> tuple[str, datetime] | None:
        """The URL and time of the response record that holds this payload, if stored."""
        row = self._db.execute(
            "SELECT target, captured_at FROM payloads WHERE digest = ?", (digest,)
        ).fetchone()
        return (row[0], datetime.fromisoformat(row[1])) if row else None

    def text_chars(self, digest: str) -> int | None:
        """How many characters of text the payload with this digest has, if any."""
        row = self._db.execute(
            "SELECT text_chars FROM payloads WHERE digest = ?", (digest,)
        ).fetchone()
        return row[0] if row else None

    def payloads(self) -> Iterator[Payload]:
        """Every stored payload, without its text."""
        rows = self._db.execute(
            f"SELECT {_PAYLOAD_COLUMNS}, NULL FROM payloads ORDER BY warc_file, offset"
        )
        return (_payload(row) for row in rows.fetchall())

    def captures(self, url: str | None = None) -> list[CaptureRow]:
        """The captures of ``url`` (or of every URL), oldest first."""
        where, args = ("WHERE url = ?", (url,)) if url is not None else ("", ())
        rows = self._db.execute(
            f"SELECT {_CAPTURE_COLUMNS} FROM captures {where} ORDER BY captured_at, id", args
        )
        return [_capture(row) for row in rows.fetchall()]

    def snapshot(self, url: str, *, alive_only: bool = False) -> Snapshot | None:
        """The newest capture of ``url`` (only a 2xx one if ``alive_only``), as a Snapshot."""
        alive = "AND c.http_status BETWEEN 200 AND 299" if alive_only else ""
        row = self._db.execute(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM captures c "
            f"LEFT JOIN payloads p ON p.digest = c.payload_digest WHERE c.url = ? {alive} "
            "ORDER BY c.captured_at DESC, c.id DESC LIMIT 1",
            (url,),
        ).fetchone()
        return _snapshot(row) if row is not None else None

    def snapshots(self, urls: Sequence[str]) -> dict[str, Snapshot]:
        """The newest capture of each of ``urls`` that has one: ``snapshot`` for many at once."""
        found: dict[str, Snapshot] = {}
        for start in range(0, len(urls), _URLS_AT_ONCE):
            chunk = urls[start : start + _URLS_AT_ONCE]
            rows = self._db.execute(
                "SELECT url, captured_at, target, http_status, content_type, payload_digest, "
                "truncated, text_chars FROM ("
                f"SELECT c.url, {_SNAPSHOT_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY c.url "
                "ORDER BY c.captured_at DESC, c.id DESC) AS newest FROM captures c "
                "LEFT JOIN payloads p ON p.digest = c.payload_digest "
                f"WHERE c.url IN ({', '.join('?' * len(chunk))})) WHERE newest = 1",
                chunk,
            )
            found.update((row[0], _snapshot(row[1:])) for row in rows)
        return found

    def summaries(self) -> dict[str, UrlSummary]:
        """Each archived URL with its number of captures and its newest one."""
        rows = self._db.execute(
            "SELECT url, COUNT(*), MAX(captured_at), (SELECT newest.http_status FROM captures "
            "newest WHERE newest.url = c.url ORDER BY newest.captured_at DESC, newest.id DESC "
            "LIMIT 1) FROM captures c GROUP BY url ORDER BY url"
        ).fetchall()
        return {
            url: UrlSummary(url, count, datetime.fromisoformat(newest), status)
            for url, count, newest, status in rows
        }

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

    def mementos(self, url: str) -> list[Memento]:
        """The known mementos of ``url``, oldest first."""
        rows = self._db.execute(
            "SELECT memento_url, captured_at, original, http_status, via FROM mementos "
            "WHERE url = ? ORDER BY captured_at",
            (url,),
        ).fetchall()
        return [_memento(row) for row in rows]

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
            self._db.execute("DELETE FROM warc_files")
            self._db.executemany(
                "INSERT INTO warc_files VALUES (?, datetime('now'), ?)", list(files.items())
            )


def _snapshot(row: Sequence[object]) -> Snapshot:
    return Snapshot(
        captured_at=datetime.fromisoformat(str(row[0])),
        url=str(row[1]),
        http_status=int(str(row[2])),
        content_type=row[3] if isinstance(row[3], str) else None,
        payload_digest=str(row[4]),
        truncated=bool(row[5]),
        text_chars=row[6] if isinstance(row[6], int) else None,
    )


def _memento(row: Sequence[object]) -> Memento:
    return Memento(
        url=str(row[0]),
        captured_at=datetime.fromisoformat(str(row[1])),
        original=str(row[2]),
        http_status=row[3] if isinstance(row[3], int) else None,
        via=str(row[4]),
    )


def _placement(capture: CaptureRow) -> tuple[object, ...]:
    place, request = capture.place, capture.request
    return (place.warc_file, place.offset, place.length, request.offset, request.length, capture.id)


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
        zlib.compress(text.encode("utf-8"), 6) if text is not None else None,
        len(text) if text is not None else None,
    )


def _payload(row: tuple[object, ...]) -> Payload:
    blob = row[10]
    text = zlib.decompress(blob).decode("utf-8") if isinstance(blob, bytes) else None
    return Payload(
        digest=str(row[0]),
        place=Place(str(row[1]), int(str(row[2])), int(str(row[3]))),
        target=str(row[4]),
        captured_at=datetime.fromisoformat(str(row[5])),
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
    )


def _capture(row: tuple[object, ...]) -> CaptureRow:
    return CaptureRow(
        id=int(str(row[0])),
        url=str(row[1]),
        target=str(row[2]),
        captured_at=datetime.fromisoformat(str(row[3])),
        http_status=int(str(row[4])),
        content_type=row[5] if isinstance(row[5], str) else None,
        payload_digest=str(row[6]),
        truncated=bool(row[7]),
        record_type=str(row[8]),
        record_id=str(row[9]),
        place=Place(str(row[10]), int(str(row[11])), int(str(row[12]))),
        request=Place(str(row[10]), int(str(row[13])), int(str(row[14]))),
    )
