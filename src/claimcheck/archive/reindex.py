"""Rebuild the archive's index from its WARC files: `claimcheck archive reindex`.

The WARC files are the record and the index is derived from them: every capture and stored
payload is read back (text included), so a lost or damaged database loses nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from claimcheck.archive.heads import Unreadable, read_head
from claimcheck.archive.index import WARC_NAME, ArchiveIndex, CaptureRow, Payload, Place
from claimcheck.archive.text import extract_text
from claimcheck.archive.warc import WARC_PATTERN
from claimcheck.errors import ClaimcheckError
from claimcheck.statefiles import open_file
from claimcheck.visible import visible

# A stored body is at most the fetcher's cap (10 MiB); a record claiming more is not ours
# and its text is not extracted (the body is not held in memory).
_BODY_CAP = 16 * 1024 * 1024
# After an unreadable stretch, this many later gzip members are tried as records: one that
# reads means the damage is inside the file, not a torn tail.
_RESYNC_TRIES = 64
_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b\x08"


@dataclass(frozen=True)
class Reindexed:
    """What a rebuild found in the WARC files, and what it could not use."""

    files: int
    captures: int
    payloads: int
    notes: tuple[str, ...] = ()


@dataclass
class _Found:
    files: dict[str, int] = field(default_factory=dict)
    payloads: dict[str, Payload] = field(default_factory=dict)
    captures: list[CaptureRow] = field(default_factory=list)
    record_ids: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Record:
    place: Place
    rec_type: str
    headers: dict[str, str]
    status: int | None
    content_type: str | None
    body: bytes | None


def rebuild(folder: Path, index: ArchiveIndex) -> Reindexed:
    """Read every claimcheck WARC file in ``folder`` and put what it holds in ``index``.

    A capture is indexed under the URL it was fetched at: a cited URL that redirected is
    known by its final address until it is captured again.

    A file's committed length becomes the end of its last complete capture. Bytes after it
    are a torn tail only when nothing readable follows them; damage inside a file keeps the
    whole file committed (so nothing is ever cut from it) and is left for `archive verify`
    to report. A file that cannot be read as WARC from its first byte (a Git LFS pointer,
    say) is left out of the index, so that no run cuts it. A record already met (a prune's
    copy) is indexed once. Each note names its file and is safe to print.
    """
    found = _Found()
    for path in sorted(folder.glob(WARC_PATTERN), key=_written_order):
        if WARC_NAME.fullmatch(path.name):
            _scan(path, found)
    index.replace_all(found.files, found.payloads.values(), found.captures)
    return Reindexed(len(found.files), len(found.captures), len(found.payloads), tuple(found.notes))


def _written_order(path: Path) -> tuple[str, int]:
    """Files in the order they were written: the time in the name (to the second), then the
    time of the last write (the random part of the name says nothing)."""
    try:
        modified = path.lstat().st_mtime_ns
    except OSError:
        modified = 0
    return path.name[: len("claimcheck-20260101T000000Z")], modified


def _scan(path: Path, found: _Found) -> None:
    name = visible(path.name)
    try:
        fd = open_file(path, os.O_RDONLY)
    except ClaimcheckError as error:
        found.notes.append(f"{name}: left out: {visible(error.message)}")
        return
    except OSError as error:
        found.notes.append(f"{name}: left out: {visible(error.strerror or str(error))}")
        return
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(fd).st_size
        unreadable = read_head(handle).unreadable
        if unreadable is not None:
            found.notes.append(f"{name} {unreadable.describe()}")
            return
        handle.seek(0)
        records, end, problem, warnings = _records(handle)
        if not records:
            why = f"no record can be read from its first byte ({problem or 'no record'})"
            found.notes.append(f"{name} {Unreadable(why).describe()}")
            return
        if warnings:
            found.notes.append(
                f"{name}: {warnings} records are not followed by the blank lines that end "
                "a record (a wrong Content-Length?)"
            )
        committed = _index_file(path.name, records, found)
        if problem is not None:
            if _readable_after(handle, end, size):
                committed = size
                found.notes.append(
                    f"{name}:{end}: unreadable ({problem}); the records after it are "
                    "not indexed, and no byte is cut"
                )
            else:
                found.notes.append(
                    f"{name}: {size - committed:,} bytes after the last complete capture "
                    "are a torn tail"
                )
    found.files[path.name] = committed


def _records(handle: IO[bytes]) -> tuple[list[_Record], int, str | None, int]:
    """The records read from the start, the end of the last one, what stopped the reading,
    and how many records were not followed by the blank lines that end one."""
    records: list[_Record] = []
    end = 0
    iterator = _quiet(ArchiveIterator(handle, check_digests=False))
    try:
        for record in iterator:
            rec_type, headers, status, content_type, body = _fields(record)
            iterator.read_to_end(record)
            place = Place("", iterator.get_record_offset(), iterator.get_record_length())
            records.append(_Record(place, rec_type, headers, status, content_type, body))
            end = place.offset + place.length
    except Exception as error:  # warcio raises bare Exceptions, zlib and decoding errors alike
        return records, end, _plain(error), iterator.err_count
    handle.seek(0, os.SEEK_END)
    if handle.tell() != end:
        return records, end, "bytes that are not a record", iterator.err_count
    return records, end, None, iterator.err_count


def _quiet(iterator: Any) -> Any:
    """A warcio iterator that counts (in ``err_count``) the records not followed by blank
    lines, instead of writing three lines of warning on stderr for each."""
    iterator.INC_RECORD = ""
    return iterator


def _plain(error: Exception) -> str:
    """An error's message on one short line, its control characters made visible (warcio
    quotes the bytes it choked on)."""
    text = str(error).splitlines()[0] if str(error).strip() else type(error).__name__
    return visible(text if len(text) <= 120 else text[:117] + "...")


def _fields(record: Any) -> tuple[str, dict[str, str], int | None, str | None, bytes | None]:
    """A record's type, WARC headers, HTTP status and Content-Type, and (a response's) body."""
    headers = dict(record.rec_headers.headers)
    status = content_type = body = None
    if record.http_headers is not None and record.rec_type in ("response", "revisit"):
        status = int(record.http_headers.get_statuscode())
        content_type = record.http_headers.get_header("Content-Type")
    if record.rec_type == "response":
        data = record.content_stream().read(_BODY_CAP + 1)
        body = data if len(data) <= _BODY_CAP else None
    return str(record.rec_type), headers, status, content_type, body


def _index_file(name: str, records: list[_Record], found: _Found) -> int:
    """Index the complete captures among ``records``; the end of the last one."""
    committed = records[0].place.offset + records[0].place.length if records else 0
    answers: dict[str, _Record] = {}
    for record in records:
        record_id = record.headers.get("WARC-Record-ID", "")
        if record.rec_type in ("response", "revisit"):
            answers[record_id] = record
            continue
        if record.rec_type != "request":
            continue
        answer = answers.pop(record.headers.get("WARC-Concurrent-To", ""), None)
        if answer is None:
            continue
        committed = record.place.offset + record.place.length
        answer_id = answer.headers.get("WARC-Record-ID", "")
        if answer_id in found.record_ids:
            continue
        capture = _capture(name, answer, record)
        if capture is None:
            continue
        found.record_ids.add(answer_id)
        found.captures.append(capture)
        if capture.record_type == "response" and capture.payload_digest not in found.payloads:
            found.payloads[capture.payload_digest] = _payload(capture, answer)
    return committed


def _capture(name: str, answer: _Record, request: _Record) -> CaptureRow | None:
    headers = answer.headers
    target = headers.get("WARC-Target-URI")
    digest = headers.get("WARC-Payload-Digest")
    captured_at = _moment(headers.get("WARC-Date", ""))
    if target is None or digest is None or captured_at is None or answer.status is None:
        return None
    return CaptureRow(
        url=target,
        target=target,
        captured_at=captured_at,
        http_status=answer.status,
        content_type=answer.content_type,
        payload_digest=digest,
        truncated="WARC-Truncated" in headers,
        record_type=answer.rec_type,
        record_id=headers.get("WARC-Record-ID", ""),
        place=Place(name, answer.place.offset, answer.place.length),
        request=Place(name, request.place.offset, request.place.length),
    )


def _payload(capture: CaptureRow, answer: _Record) -> Payload:
    body = answer.body
    extracted = extract_text(body, capture.content_type) if body is not None else None
    return Payload(
        digest=capture.payload_digest,
        place=capture.place,
        target=capture.target,
        captured_at=capture.captured_at,
        size=len(body) if body is not None else 0,
        text_kind=extracted.kind.value if extracted is not None else "none",
        charset=extracted.charset if extracted is not None else None,
        problem=extracted.problem if extracted is not None else "the stored body is too large",
        text=extracted.text if extracted is not None else None,
    )


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _readable_after(handle: IO[bytes], start: int, size: int) -> bool:
    """Whether a readable WARC record starts somewhere after ``start``."""
    tries = 0
    position = start + 1
    while position < size and tries < _RESYNC_TRIES:
        handle.seek(position)
        chunk = handle.read(_CHUNK + len(_GZIP_MAGIC))
        at = chunk.find(_GZIP_MAGIC)
        if at < 0:
            position += _CHUNK
            continue
        tries += 1
        handle.seek(position + at)
        try:
            for record in _quiet(ArchiveIterator(handle, check_digests=False)):
                if record.rec_type in ("response", "revisit", "request", "warcinfo"):
                    return True
                break
        except Exception:  # not a record here: look further
            pass
        position += at + 1
    return False
