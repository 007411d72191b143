"""One writer at a time: an exclusive lock on the project's `.claimcheck` folder."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from claimcheck.errors import BusyError
from claimcheck.models import Location
from claimcheck.statefiles import open_file, real_folder, unwritable

LOCK_FILE = "lock"
# How long a refused run waits for the holder to have written who it is: 10 x 20 ms.
_HOLDER_READS = 10
_HOLDER_WAIT = 0.02
# A reader waiting for a writer asks again this often, for at most this long.
_POLL = 0.05
WAIT_LIMIT = 600.0
_READ_ONLY = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


class ProjectLock:
    """Held while a run writes the archive or the bibliography; a second run is refused.

    The lock is the kernel's (flock), so it goes with the process: a run killed at any
    moment leaves no stale lock behind. The file says who holds it, for the message. It is
    opened without following a symbolic link and only as a regular file of its own, since
    taking the lock rewrites it.

    A reader (``waiting`` given) takes the lock shared: readers run together, and one waits
    for a writer to finish (up to WAIT_LIMIT seconds), saying so once through ``waiting``.
    """

    def __init__(self, folder: Path, purpose: str, waiting: Callable[[str], None] | None = None):
        self.path = folder / LOCK_FILE
        self._purpose = purpose
        self._waiting = waiting
        self._handle: IO[str] | None = None

    def __enter__(self) -> Self:
        real_folder(self.path.parent)
        handle = self._open()
        try:
            if self._waiting is None:
                self._exclusive(handle)
            else:
                self._shared(handle, self._waiting)
        except BaseException:
            with suppress(OSError):
                handle.close()
            raise
        self._handle = handle
        return self

    def _open(self) -> IO[str]:
        try:
            fd = open_file(self.path, os.O_RDWR, create=True, writing=True)
        except OSError as error:
            if self._waiting is None or error.errno not in _READ_ONLY:
                raise unwritable(self.path, error) from None
            try:
                # A reader of a read-only project locks the file without writing it.
                fd = open_file(self.path, os.O_RDONLY)
            except OSError as again:
                raise unwritable(self.path, again) from None
        writable = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDWR
        return os.fdopen(fd, "r+" if writable else "r", encoding="utf-8", errors="replace")

    def _exclusive(self, handle: IO[str]) -> None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise self._busy(_holder(handle)) from None
        started = datetime.now(UTC).replace(microsecond=0).isoformat()
        holder = f"claimcheck {self._purpose} (pid {os.getpid()}, since {started})\n"
        try:
            # Straight to the file, unbuffered: a full disk fails here, not at close.
            os.ftruncate(handle.fileno(), 0)
            os.pwrite(handle.fileno(), holder.encode("utf-8"), 0)
        except OSError as error:
            raise unwritable(self.path, error) from None

    def _shared(self, handle: IO[str], waiting: Callable[[str], None]) -> None:
        deadline = time.monotonic() + WAIT_LIMIT
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if not told:
                    waiting(f"waiting for {_holder(handle)} to finish")
                    told = True
                if time.monotonic() > deadline:
                    raise self._busy(_holder(handle)) from None
                time.sleep(_POLL)

    def _busy(self, holder: str) -> BusyError:
        return BusyError(
            f"the archive is in use: {holder}",
            Location(file=str(self.path)),
            hint="wait for that run to finish, then run again",
        )

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            if self._waiting is None:
                with suppress(OSError):
                    self._handle.truncate(0)
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def _holder(handle: IO[str]) -> str:
    """Who holds the lock, as its holder wrote it; it may take a moment to be written."""
    for _ in range(_HOLDER_READS):
        handle.seek(0)
        holder = handle.read(200).strip()
        if holder:
            return "".join(c if c.isprintable() else "?" for c in holder)
        time.sleep(_HOLDER_WAIT)
    return "another claimcheck run"
