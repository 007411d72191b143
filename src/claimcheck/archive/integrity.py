"""Re-read every WARC record and hold it against the index: `claimcheck archive verify`."""

from __future__ import annotations

import io
import sqlite3
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path

from claimcheck.archive.heads import head_of
from claimcheck.archive.index import ArchiveIndex, Place
from claimcheck.archive.warc import WARC_PATTERN, ReadRecord, read_records
from claimcheck.visible import visible


@dataclass(frozen=True)
class Problem:
    """One way the archive and its index disagree."""

    where: str
    message: str


@dataclass(frozen=True)
class Integrity:
    """What a full re-read of the archive found."""

    files: int
    records: int
    captures: int
    payloads: int
    problems: tuple[Problem, ...]
    uncommitted: dict[str, int]
    unknown_files: tuple[str, ...]
    # The files (indexed or not) that cannot be read as WARC from their first byte: each is
    # among the problems, once.
    unreadable_files: tuple[str, ...] = ()
    # The files a run named before writing and was killed before indexing (perhaps still
    # empty): the next archiving run deletes them. Not among the unknown files.
    unfinished_files: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every record and every index row agree."""
        return not self.problems


def check_archive(folder: Path, index: ArchiveIndex) -> Integrity:
    """Read every committed record of every indexed WARC file, check digests and the index.

    Bytes after a file's committed length (a run killed while writing) and files the index
    does not know are reported apart: the next archiving run cuts the former and leaves the
    latter alone ('claimcheck archive reindex' indexes them); a file a killed run had named
    but not indexed yet is neither, and the next archiving run deletes it. A file that cannot
    be read as WARC from its first byte (a Git LFS pointer, say), indexed or not, is one
    problem; the index entries pointing into it add none. The index is read at one moment, so a run
    committing meanwhile adds nothing half-seen.
    """
    with index.consistent():
        files = index.files()
        captures = index.captures()
        payloads = list(index.payloads())
        retired = set(index.retired())
    problems: list[Problem] = []
    records: dict[Place, ReadRecord] = {}
    uncommitted: dict[str, int] = {}
    unreadable: list[str] = []
    for name, committed in files.items():
        path = folder / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            problems.append(Problem(name, "the file is missing"))
            continue
        except OSError as error:
            problems.append(Problem(name, f"cannot be read: {error.strerror or error}"))
            unreadable.append(name)
            continue
        head = head_of(path).unreadable
        if head is not None:
            problems.append(Problem(name, head.describe()))
            unreadable.append(name)
            continue
        if size < committed:
            problems.append(Problem(name, f"{size:,} bytes, but {committed:,} were committed"))
        elif size > committed:
            uncommitted[name] = size - committed
        problems += _read(path, min(size, committed), records)
    strays = [p.name for p in sorted(folder.glob(WARC_PATTERN)) if p.name not in files]
    unfinished = tuple(name for name in strays if name in retired)
    unknown = tuple(name for name in strays if name not in retired)
    for name in unknown:
        head = head_of(folder / name).unreadable
        if head is not None:
            problems.append(Problem(name, head.describe()))
            unreadable.append(name)
    # Entries pointing into an unreadable file: that file is the one problem to report.
    readable = [c for c in captures if c.place.warc_file not in unreadable]
    referenced: set[Place] = set()
    for capture in readable:
        where = f"{capture.place.warc_file}:{capture.place.offset}"
        response = _expect(records, capture.place, capture.record_type, problems)
        if response is not None:
            if response.record_id != capture.record_id:
                problems.append(Problem(where, "the record ID differs from the index"))
            if response.target != capture.target:
                problems.append(Problem(where, f"the record is of {response.target}"))
            if response.payload_digest != capture.payload_digest:
                problems.append(Problem(where, "the payload digest differs from the index"))
        request = _expect(records, capture.request, "request", problems)
        if request is not None and request.concurrent_to != capture.record_id:
            problems.append(
                Problem(f"{capture.request.warc_file}:{capture.request.offset}", "unpaired request")
            )
        referenced |= {capture.place, capture.request}
    for payload in (p for p in payloads if p.place.warc_file not in unreadable):
        record = _expect(records, payload.place, "response", problems)
        if record is not None and record.payload_digest != payload.digest:
            where = f"{payload.place.warc_file}:{payload.place.offset}"
            problems.append(Problem(where, "the stored payload's digest differs from the index"))
        referenced.add(payload.place)
    for place, record in records.items():
        if place not in referenced and record.rec_type != "warcinfo":
            problems.append(
                Problem(
                    f"{place.warc_file}:{place.offset}", f"a {record.rec_type} record not indexed"
                )
            )
    problems += _database(index)
    return Integrity(
        files=len(files),
        records=len(records),
        captures=len(captures),
        payloads=len(payloads),
        problems=tuple(problems),
        uncommitted=uncommitted,
        unknown_files=unknown,
        unreadable_files=tuple(unreadable),
        unfinished_files=unfinished,
    )


def _read(path: Path, limit: int, records: dict[Place, ReadRecord]) -> list[Problem]:
    problems = []
    end = 0
    # warcio writes three lines on stderr for each record not followed by blank lines (a wrong
    # Content-Length): they are counted here, and said once.
    warned = io.StringIO()
    failure = None
    try:
        with redirect_stderr(warned):
            for record in read_records(path, limit):
                records[record.place] = record
                end = record.place.offset + record.place.length
                for problem in record.digest_problems:
                    problems.append(Problem(f"{path.name}:{record.place.offset}", problem))
    except Exception as error:  # warcio raises bare Exceptions and zlib/IO errors alike
        failure = Problem(f"{path.name}:{end}", f"unreadable record: {_plain(error)}")
    unended = warned.getvalue().count("WARNING:")
    if unended:
        problems.append(
            Problem(
                path.name,
                f"{unended} records are not followed by the blank lines that end a record "
                "(a wrong Content-Length?)",
            )
        )
    if failure is not None:
        return [*problems, failure]
    if end != limit:
        problems.append(Problem(f"{path.name}:{end}", f"{limit - end:,} bytes are not a record"))
    return problems


def _plain(error: Exception) -> str:
    """An error's message on one short line (warcio quotes the bytes it choked on), its
    control characters made visible."""
    text = str(error).splitlines()[0] if str(error).strip() else type(error).__name__
    return visible(text if len(text) <= 120 else text[:117] + "...")


def _expect(
    records: dict[Place, ReadRecord], place: Place, rec_type: str, problems: list[Problem]
) -> ReadRecord | None:
    record = records.get(place)
    where = f"{place.warc_file}:{place.offset}"
    if record is None:
        problems.append(Problem(where, f"no {rec_type} record of {place.length:,} bytes here"))
        return None
    if record.rec_type != rec_type:
        problems.append(Problem(where, f"a {record.rec_type} record, not a {rec_type} one"))
        return None
    return record


def _database(index: ArchiveIndex) -> list[Problem]:
    try:
        result = index.integrity_check()
    except sqlite3.DatabaseError as error:
        return [Problem("index", f"the database cannot be read: {error}")]
    return [] if result == "ok" else [Problem("index", f"the database is damaged: {result}")]
