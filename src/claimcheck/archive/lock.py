"""One writer at a time: an exclusive lock on the project's `.claimcheck` folder."""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, ClassVar, Self

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
# Windows locks a byte range, and no other process may read a locked byte: the lock is taken
# on one byte far past the holder's line, which stays readable for the message.
_WINDOWS_REGION = 1 << 30


if sys.platform == "win32":

    def _try_lock(fd: int, *, shared: bool) -> bool:
        """Take the lock without waiting; False when another process holds it.

        Windows has no shared lock for a file descriptor: readers take it one at a time.
        """
        import msvcrt

        os.lseek(fd, _WINDOWS_REGION, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        import msvcrt

        os.lseek(fd, _WINDOWS_REGION, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:

    def _try_lock(fd: int, *, shared: bool) -> bool:
        """Take the lock (shared or exclusive) without waiting; False when another holds it."""
        import fcntl

        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class ProjectLock:
    """Held while a run writes the archive or the bibliography; a second run is refused.

    The lock is the kernel's (flock; on Windows, a locked byte of the file), so it goes with
    the process: a run killed at any moment leaves no stale lock behind. The file says who
    holds it, for the message. It is opened without following a symbolic link and only as a
    regular file of its own, since taking the lock rewrites it.

    A reader (``waiting`` given) takes the lock shared: readers run together, and one waits
    for a writer to finish (up to WAIT_LIMIT seconds), saying so once through ``waiting``.
    A short writer (``waiting`` given and ``exclusive``) waits the same way for the lock
    to itself, instead of being refused.
    """

    # The folders whose lock this process holds, for ``held``.
    _held: ClassVar[set[Path]] = set()

    def __init__(
        self,
        folder: Path,
        purpose: str,
        waiting: Callable[[str], None] | None = None,
        *,
        exclusive: bool = False,
    ):
        self.path = folder / LOCK_FILE
        self._purpose = purpose
        self._waiting = waiting
        self._shared = waiting is not None and not exclusive
        self._handle: IO[str] | None = None

    def __enter__(self) -> Self:
        real_folder(self.path.parent)
        handle = self._open()
        try:
            if self._waiting is None:
                if not _try_lock(handle.fileno(), shared=False):
                    raise self._busy(_holder(handle))
            else:
                self._wait(handle, self._waiting)
            if not self._shared:
                self._sign(handle)
        except BaseException:
            with suppress(OSError):
                handle.close()
            raise
        self._handle = handle
        ProjectLock._held.add(self.path.parent.absolute())
        return self

    @classmethod
    def held(cls, folder: Path) -> bool:
        """Whether this process holds the lock of ``folder``."""
        return folder.absolute() in cls._held

    def _open(self) -> IO[str]:
        try:
            fd = open_file(self.path, os.O_RDWR, create=True, writing=True)
        except OSError as error:
            if not self._shared or error.errno not in _READ_ONLY:
                raise unwritable(self.path, error) from None
            try:
                # A reader of a read-only project locks the file without writing it.
                fd = open_file(self.path, os.O_RDONLY)
            except OSError as again:
                raise unwritable(self.path, again) from None
            return os.fdopen(fd, "r", encoding="utf-8", errors="replace")
        return os.fdopen(fd, "r+", encoding="utf-8", errors="replace")

    def _sign(self, handle: IO[str]) -> None:
        """Write who holds the lock into its file, for the message of a refused run."""
        started = datetime.now(UTC).replace(microsecond=0).isoformat()
        holder = f"claimcheck {self._purpose} (pid {os.getpid()}, since {started})\n"
        try:
            # Straight to the file, unbuffered: a full disk fails here, not at close.
            os.ftruncate(handle.fileno(), 0)
            os.lseek(handle.fileno(), 0, os.SEEK_SET)
            os.write(handle.fileno(), holder.encode("utf-8"))
        except OSError as error:
            raise unwritable(self.path, error) from None

    def _wait(self, handle: IO[str], waiting: Callable[[str], None]) -> None:
        deadline = time.monotonic() + WAIT_LIMIT
        told = False
        while not _try_lock(handle.fileno(), shared=self._shared):
            if not told:
                waiting(f"waiting for {_holder(handle)} to finish")
                told = True
            if time.monotonic() > deadline:
                raise self._busy(_holder(handle))
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
            if not self._shared:
                with suppress(OSError):
                    self._handle.truncate(0)
            ProjectLock._held.discard(self.path.parent.absolute())
            _unlock(self._handle.fileno())
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
