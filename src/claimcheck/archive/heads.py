"""Whether a WARC file is one claimcheck can read, judged from its first bytes alone."""

from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from claimcheck.errors import ClaimcheckError
from claimcheck.statefiles import open_file

# What a clone without `git lfs pull` leaves in place of a file that Git LFS keeps.
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_GZIP_MAGIC = b"\x1f\x8b\x08"
# claimcheck's files begin with a warcinfo record of a few hundred bytes: its whole gzip
# member lies well within this many.
_HEAD = 64 * 1024
_WARC_START = re.compile(rb"WARC/1\.[01]\r?\n")
_WARCINFO = re.compile(rb"\nWARC-Type:[ \t]*warcinfo\r?\n", re.IGNORECASE)
LFS_HINT = "run 'git lfs pull' to fetch it, then 'claimcheck archive reindex'"
RESTORE_HINT = (
    "restore it (from a backup, or with 'git lfs pull'), then run 'claimcheck archive "
    "reindex'; or delete it yourself"
)


@dataclass(frozen=True)
class Unreadable:
    """Why a WARC file cannot be read from its first byte, and the way out."""

    why: str
    hint: str = RESTORE_HINT

    def describe(self) -> str:
        """What to say after the file's name."""
        return (
            f"cannot be read as a WARC file: {self.why}; claimcheck leaves it alone (it is "
            f"neither indexed, cut nor deleted): {self.hint}"
        )


@dataclass(frozen=True)
class Head:
    """What the first bytes of a WARC file say: whether it can be read at all, and where its
    first record ends when that record is claimcheck's warcinfo (else None)."""

    unreadable: Unreadable | None
    warcinfo_end: int | None = None


def read_head(handle: IO[bytes]) -> Head:
    """The head of the file open in ``handle`` (read from its first byte)."""
    handle.seek(0)
    head = handle.read(_HEAD)
    if not head:
        return Head(Unreadable("it is empty"))
    if head.startswith(_LFS_POINTER):
        return Head(Unreadable("it is a Git LFS pointer, not the file itself", LFS_HINT))
    not_warc = Head(Unreadable("it does not begin with a gzip-compressed WARC record"))
    if not head.startswith(_GZIP_MAGIC):
        return not_warc
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(head, _HEAD)
    except zlib.error:
        return not_warc
    if not _WARC_START.match(data):
        return not_warc
    headers = data.split(b"\r\n\r\n", 1)[0]
    if inflater.eof and _WARCINFO.search(headers + b"\r\n"):
        return Head(None, len(head) - len(inflater.unused_data))
    return Head(None)


def head_of(path: Path) -> Head:
    """The head of the WARC file at ``path``; one that cannot be opened is unreadable."""
    try:
        fd = open_file(path, os.O_RDONLY)
    except ClaimcheckError as error:
        return Head(Unreadable(f"it cannot be opened: {error.message}"))
    except OSError as error:
        return Head(Unreadable(f"it cannot be opened: {error.strerror or error}"))
    with os.fdopen(fd, "rb") as handle:
        return read_head(handle)
