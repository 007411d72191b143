"""Keep only the newest captures of each URL: `claimcheck archive prune --keep N`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from claimcheck.archive.heads import head_of
from claimcheck.archive.index import ArchiveIndex, CaptureRow, Place
from claimcheck.archive.store import delete_retired
from claimcheck.archive.warc import WarcAppender, new_file_name
from claimcheck.errors import ArchiveError
from claimcheck.models import Location
from claimcheck.statefiles import delete_files


@dataclass(frozen=True)
class Pruned:
    """What a prune removed and what it kept."""

    dropped: int
    kept: int
    bytes_before: int
    bytes_after: int


def prune(folder: Path, index: ArchiveIndex, keep: int, now: datetime) -> Pruned:
    """Drop all but the ``keep`` newest captures of each URL, and the records only they used.

    The newest capture of a URL that holds its page (a 2xx its check judged alive) is kept
    too, when the newer ones are failures (a 404, a sign-in page): it is the copy to cite for
    a page now gone, and dropping it would break the claims it backs.

    The kept records are copied byte for byte into one new WARC file, together with the
    stored payloads that kept revisits point to; the index moves to it in one transaction
    and only then are the old files deleted. A run killed part-way leaves either the old
    files or the new one indexed, never a mix. Other runs leave a file the index does not
    know alone; the next prune (or archiving run) deletes the files an interrupted one had
    retired, and only those: the new file it had not indexed yet, or the old ones it had
    moved away from (their names written by the prune itself before it wrote the new file,
    or in the transaction that moved away from the old ones). An indexed file that cannot be
    read as WARC from its first byte (a Git LFS pointer, say) stops the prune before it
    begins: it would be deleted once its records were copied.
    """
    if keep < 1:
        raise ValueError("keep at least one capture of each URL")
    delete_retired(folder, index)
    _refuse_unreadable(folder, index)
    by_url: dict[str, list[CaptureRow]] = {}
    for capture in index.captures():
        by_url.setdefault(capture.url, []).append(capture)
    kept: list[CaptureRow] = []
    dropped: list[int] = []
    for captures in by_url.values():
        newest_first = sorted(captures, key=lambda c: (c.captured_at, c.id or 0), reverse=True)
        kept_here = newest_first[:keep]
        good = next((c for c in newest_first if c.snapshot().holds_the_page()), None)
        if good is not None and good not in kept_here:
            kept_here.append(good)
        kept += kept_here
        dropped += [c.id for c in newest_first if c not in kept_here and c.id is not None]
    old_files = index.files()
    before = sum(_size(folder / name) for name in old_files)
    if not dropped:
        return Pruned(0, len(kept), before, before)
    payloads = {p.digest: p.place for p in index.payloads()}
    needed = {
        c.payload_digest: payloads[c.payload_digest] for c in kept if c.payload_digest in payloads
    }
    files: dict[str, int] = {}
    moved: dict[Place, Place] = {}
    if kept:
        name = new_file_name(now)
        index.retire(name)
        appender = WarcAppender(folder / name)
        try:
            wanted = {c.place for c in kept} | {c.request for c in kept} | set(needed.values())
            for place in sorted(wanted, key=lambda p: (p.warc_file, p.offset)):
                moved[place] = appender.copy(folder / place.warc_file, place)
            files[appender.name] = appender.sync()
        except (OSError, ValueError) as error:
            appender.close()
            appender.path.unlink()
            raise ArchiveError(
                f"cannot copy the records to keep: {error}",
                hint="run 'claimcheck archive verify' to see what is damaged; nothing was pruned",
            ) from None
        appender.close()
    relocated = [replace(c, place=moved[c.place], request=moved[c.request]) for c in kept]
    index.relocate(files, relocated, {d: moved[p] for d, p in needed.items()}, dropped)
    delete_files(folder, old_files)
    index.forget_retired(old_files)
    after = sum(_size(folder / name) for name in files)
    return Pruned(len(dropped), len(kept), before, after)


def _refuse_unreadable(folder: Path, index: ArchiveIndex) -> None:
    for name in index.files():
        path = folder / name
        if not path.exists():
            continue
        unreadable = head_of(path).unreadable
        if unreadable is not None:
            raise ArchiveError(
                f"cannot be read as a WARC file: {unreadable.why}; nothing was pruned",
                Location(file=str(path)),
                hint=unreadable.hint,
            )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
