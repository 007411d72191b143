"""The local archive: captures go to WARC files, their index and text to the database."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from claimcheck.archive.heads import head_of, read_head
from claimcheck.archive.index import ArchiveIndex, CaptureRow, Payload
from claimcheck.archive.text import ExtractedText, extract_text
from claimcheck.archive.warc import (
    WARC_PATTERN,
    Exchange,
    Records,
    WarcAppender,
    Written,
    capture_records,
    new_file_name,
)
from claimcheck.archive.warc import payload_digest as digest_of
from claimcheck.errors import StateError
from claimcheck.models import Snapshot
from claimcheck.spool import SPOOL_THRESHOLD, as_spool
from claimcheck.statefiles import delete_files, open_file, real_folder, unwritable
from claimcheck.visible import visible

ARCHIVE_FOLDER = "archive"
# Captures written but not yet in the index are committed about once a second, or once this
# many are staged: one WARC fsync and one transaction a batch. A run killed in between loses
# at most these, never the consistency of what was committed.
_COMMIT_SECONDS = 1.0
_BATCH = 1024
# Bodies past the spool threshold (up to the 10 MiB cap) are archived this many at a time:
# each is read whole for its text, so memory holds no more than these few at once.
_LARGE_AT_ONCE = 2
# A body up to this size is archived on the event loop (in a few milliseconds): a worker
# thread would cost more in hand-offs and in contention for the GIL than the work itself.
_ON_THE_LOOP = 64 * 1024
_Result = TypeVar("_Result")


@dataclass(frozen=True)
class Repair:
    """What opening the archive put right after an interrupted run, and what it left alone.

    ``left_alone`` names the files it would not cut or could not read as WARC from their first
    byte (a Git LFS pointer, say), each with why and the way out; such a file the index does
    not know is among ``unknown_files`` too. ``absent_files`` are the indexed files whose
    committed records are not all there (missing, shorter, or left alone): a payload stored in
    one is stored anew, not referred to by a revisit.
    """

    torn_bytes: dict[str, int] = field(default_factory=dict)
    unknown_files: tuple[str, ...] = ()
    unfinished_files: tuple[str, ...] = ()
    left_alone: dict[str, str] = field(default_factory=dict)
    absent_files: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(
            self.torn_bytes
            or self.unknown_files
            or self.unfinished_files
            or self.left_alone
            or self.absent_files
        )

    def describe(self) -> str:
        """In words, for a note on stderr (its control characters made visible)."""
        parts = [f"cut {n:,} uncommitted bytes from {name}" for name, n in self.torn_bytes.items()]
        if self.unfinished_files:
            parts.append(f"deleted {', '.join(self.unfinished_files)}, begun but never indexed")
        unknown = [name for name in self.unknown_files if name not in self.left_alone]
        if unknown:
            parts.append(
                f"left {', '.join(unknown)} alone, which the index does not know "
                "('claimcheck archive reindex' indexes it)"
            )
        said = ["an earlier run was interrupted: " + "; ".join(parts)] if parts else []
        said += [f"{name} {why}" for name, why in self.left_alone.items()]
        lost = sorted(self.absent_files - self.left_alone.keys())
        if lost:
            said.append(
                f"{', '.join(lost)}, which the index knows, "
                f"{'is' if len(lost) == 1 else 'are'} missing or shorter than committed "
                "(a copy of .claimcheck/ without its WARC files?): a payload stored there is "
                "stored anew when captured again; 'claimcheck archive verify' lists what is lost"
            )
        return visible("; ".join(said))


@dataclass
class _Staged:
    payloads: dict[str, Payload] = field(default_factory=dict)
    captures: list[CaptureRow] = field(default_factory=list)
    digests: dict[str, tuple[str, datetime]] = field(default_factory=dict)


class LocalArchive:
    """Writes captures to a new WARC file under ``folder`` and indexes them in ``index``.

    The caller holds the project lock. Opening repairs what an interrupted run left: the
    bytes after an indexed file's committed length, and a file it began but never indexed
    (its name was written to the index first). A file the index does not know otherwise is
    left alone (WARC files are the record; the index is derived from them). A write that fails
    (a full disk, say) ends the run with a StateError.
    """

    def __init__(self, folder: Path, index: ArchiveIndex):
        self.folder = folder
        self.index = index
        self._appender: WarcAppender | None = None
        self._in_flight: dict[str, asyncio.Event] = {}
        self._large = asyncio.Semaphore(_LARGE_AT_ONCE)
        self._staged = _Staged()
        self._committed_at = time.monotonic()
        self._failure: StateError | None = None
        real_folder(folder)
        self.repair = repair(folder, index)
        if self.repair:
            logging.getLogger(__name__).warning("%s", self.repair.describe())

    def holds_a_copy(self, cited_url: str) -> bool:
        """Whether a capture of ``cited_url`` that holds its page is indexed."""
        return self.index.snapshot(cited_url, alive_only=True) is not None

    async def keep(self, cited_url: str, exchange: Exchange) -> Snapshot:
        """Archive one capture of ``cited_url``: its records, index rows and text.

        Captures of one payload take turns, so that the first stores it and the others become
        revisits of it. A small body is archived on the event loop; a larger one's digest,
        records and text are made in a worker thread, and bodies past the spool threshold take
        turns, a few at a time.
        """
        if self._failure is not None:
            raise self._failure
        size = as_spool(exchange.body).size
        if size <= _ON_THE_LOOP:
            return await self._keep(cited_url, exchange, _on_the_loop)
        if size <= SPOOL_THRESHOLD:
            return await self._keep(cited_url, exchange, asyncio.to_thread)
        async with self._large:
            return await self._keep(cited_url, exchange, asyncio.to_thread)

    async def _keep(self, cited_url: str, exchange: Exchange, run: _Runner) -> Snapshot:
        digest = await run(digest_of, exchange.body)
        while digest in self._in_flight:
            await self._in_flight[digest].wait()
        stored = self._stored_as(digest)
        if stored is not None:
            records = await run(capture_records, exchange, revisit_of=stored, digest=digest)
            self._stage(cited_url, exchange, digest, self._append(exchange, records), None)
            return self._snapshot(exchange, digest)
        self._in_flight[digest] = asyncio.Event()
        try:
            records, extracted = await run(_prepare, exchange, digest)
            written = self._append(exchange, records)
            self._stage(cited_url, exchange, digest, written, extracted)
        finally:
            self._in_flight.pop(digest).set()
        return self._snapshot(exchange, digest)

    def _stage(
        self,
        cited_url: str,
        exchange: Exchange,
        digest: str,
        written: Written,
        extracted: ExtractedText | None,
    ) -> None:
        content_type = _header(exchange.headers, "content-type")
        if extracted is not None:
            self._staged.payloads[digest] = Payload(
                digest=digest,
                place=written.response,
                target=exchange.target,
                captured_at=exchange.captured_at,
                size=as_spool(exchange.body).size,
                text_kind=extracted.kind.value,
                charset=extracted.charset,
                problem=extracted.problem,
                text=extracted.text,
            )
            self._staged.digests[digest] = (exchange.target, exchange.captured_at)
        self._staged.captures.append(
            CaptureRow(
                url=cited_url,
                target=exchange.target,
                captured_at=exchange.captured_at,
                http_status=exchange.status,
                content_type=content_type,
                payload_digest=digest,
                truncated=exchange.truncated,
                record_type="response" if extracted is not None else "revisit",
                record_id=written.record_id,
                place=written.response,
                request=written.request,
                judged=exchange.judged,
            )
        )
        due = time.monotonic() - self._committed_at >= _COMMIT_SECONDS
        if due or len(self._staged.captures) >= _BATCH:
            self.commit()

    def _snapshot(self, exchange: Exchange, digest: str) -> Snapshot:
        return Snapshot(
            captured_at=exchange.captured_at,
            url=exchange.target,
            http_status=exchange.status,
            content_type=_header(exchange.headers, "content-type"),
            payload_digest=digest,
            truncated=exchange.truncated,
            text_chars=self._text_chars(digest),
            judged=exchange.judged,
        )

    def commit(self) -> None:
        """Make the captures so far durable: sync the WARC file, then index them at once."""
        if self._failure is not None:
            raise self._failure
        if self._appender is None or not self._staged.captures:
            return
        try:
            committed = self._appender.sync()
        except OSError as error:
            raise self._failed(error) from None
        self.index.commit(
            self._appender.name, committed, self._staged.payloads.values(), self._staged.captures
        )
        self._staged = _Staged()
        self._committed_at = time.monotonic()

    def close(self) -> None:
        """Commit what is staged and close the WARC file."""
        try:
            self.commit()
        finally:
            if self._appender is not None:
                appender, self._appender = self._appender, None
                try:
                    appender.close()
                except OSError as error:
                    if self._failure is None:
                        raise self._failed(error) from None

    def _append(self, exchange: Exchange, records: Records) -> Written:
        try:
            return self._file(exchange).append(records)
        except OSError as error:
            raise self._failed(error) from None
        except StateError as error:
            self._failure = error
            raise

    def _failed(self, error: OSError) -> StateError:
        """Remember a failed write: every later capture and the commit fail with it."""
        where = self._appender.path if self._appender is not None else self.folder
        self._failure = unwritable(where, error)
        return self._failure

    def _stored_as(self, digest: str) -> tuple[str, datetime] | None:
        """The URL and time of the capture whose record holds this payload, if it is stored
        in a file that is there: a revisit refers to it."""
        if digest in self._staged.digests:
            return self._staged.digests[digest]
        payload = self.index.payload(digest)
        if payload is None or payload.place.warc_file in self.repair.absent_files:
            return None
        return payload.target, payload.captured_at

    def _text_chars(self, digest: str) -> int | None:
        payload = self._staged.payloads.get(digest)
        if payload is not None:
            return len(payload.text) if payload.text is not None else None
        return self.index.text_chars(digest)

    def _file(self, exchange: Exchange) -> WarcAppender:
        if self._appender is None:
            now = exchange.captured_at
            name = new_file_name(now)
            self.index.retire(name)  # killed before it is indexed, the next run deletes it
            self._appender = WarcAppender(self.folder / name)
            self.index.add_file(name, now, self._appender.sync())
        return self._appender


class _Runner(Protocol):
    """Runs a function for ``keep``: on the event loop, or in a worker thread."""

    def __call__(
        self, function: Callable[..., _Result], /, *args: Any, **kwargs: Any
    ) -> Awaitable[_Result]: ...


async def _on_the_loop(function: Callable[..., _Result], /, *args: Any, **kwargs: Any) -> _Result:
    return function(*args, **kwargs)


def _prepare(exchange: Exchange, digest: str) -> tuple[Records, ExtractedText]:
    """A new payload's records and text: the CPU-heavy part of keeping a capture."""
    content_type = _header(exchange.headers, "content-type")
    text = extract_text(as_spool(exchange.body).read(), content_type, exchange.page)
    return capture_records(exchange, revisit_of=None, digest=digest), text


def delete_retired(folder: Path, index: ArchiveIndex) -> tuple[str, ...]:
    """Delete the WARC files an interrupted run retired (a prune's old files, or a new file
    never indexed) and forget them; their names."""
    retired = tuple(index.retired())
    delete_files(folder, retired)
    index.forget_retired(retired)
    return retired


def repair(folder: Path, index: ArchiveIndex) -> Repair:
    """Cut each indexed WARC file back to its committed length; delete those an interrupted
    run retired (named before writing, never indexed); leave files it does not know.

    The names come from the index, checked to be bare names of claimcheck's WARC files; each
    file is opened without following a symbolic link, and only a regular file with no other
    hard link is cut or deleted. Only a file that begins with claimcheck's warcinfo record,
    whole, and whose committed length is past it, is cut: one that cannot be read as WARC
    from its first byte (a Git LFS pointer, garbage) is left alone, and so reported. An indexed
    file missing or shorter than committed is noted as absent.
    """
    unfinished = delete_retired(folder, index)
    known = index.files()
    torn: dict[str, int] = {}
    left_alone: dict[str, str] = {}
    absent: set[str] = set()
    for name, committed in known.items():
        path = folder / name
        try:
            fd = open_file(path, os.O_RDWR, writing=True)
        except FileNotFoundError:
            absent.add(name)
            continue
        except OSError as error:
            raise unwritable(path, error) from None
        with os.fdopen(fd, "r+b") as handle:
            size = os.fstat(fd).st_size
            if size < committed:
                absent.add(name)
            if size <= committed:
                continue
            why = _not_to_cut(handle, committed, size)
            if why is not None:
                left_alone[name] = why
                absent.add(name)
                continue
            try:
                handle.truncate(committed)
            except OSError as error:
                raise unwritable(path, error) from None
            torn[name] = size - committed
    unknown = tuple(p.name for p in sorted(folder.glob(WARC_PATTERN)) if p.name not in known)
    for name in unknown:
        unreadable = head_of(folder / name).unreadable
        if unreadable is not None:
            left_alone[name] = unreadable.describe()
    return Repair(torn, unknown, unfinished, left_alone, frozenset(absent))


def _not_to_cut(handle: IO[bytes], committed: int, size: int) -> str | None:
    """Why the bytes after ``committed`` of the file open in ``handle`` are not a torn tail
    to cut, if they are not."""
    head = read_head(handle)
    if head.unreadable is not None:
        return head.unreadable.describe()
    if head.warcinfo_end is None:
        return (
            f"does not begin with claimcheck's warcinfo record: its {size - committed:,} bytes "
            "after the length the index has committed are left alone ('claimcheck archive "
            "verify' checks it)"
        )
    if committed < head.warcinfo_end:
        return (
            f"has a committed length in the index ({committed:,} bytes) that ends inside its "
            "first record: nothing is cut from it; 'claimcheck archive reindex' rebuilds the "
            "index"
        )
    return None


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None
