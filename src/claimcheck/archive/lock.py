"""One writer at a time: an exclusive lock on the project's `.claimcheck` folder."""

from __future__ import annotations

import fcntl
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from claimcheck.errors import BusyError, ConfigError
from claimcheck.models import Location

LOCK_FILE = "lock"
# How long a refused run waits for the holder to have written who it is: 10 x 20 ms.
_HOLDER_READS = 10
_HOLDER_WAIT = 0.02


class ProjectLock:
    """Held while a run writes the archive or the bibliography; a second run is refused.

    The lock is the kernel's (flock), so it goes with the process: a run killed at any
    moment leaves no stale lock behind. The file says who holds it, for the message.
    """

    def __init__(self, folder: Path, purpose: str):
        self.path = folder / LOCK_FILE
        self._purpose = purpose
        self._handle: IO[str] | None = None

    def __enter__(self) -> Self:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+", encoding="utf-8")
        except OSError as error:
            raise ConfigError(
                f"cannot open the lock file: {error.strerror}",
                Location(file=str(self.path)),
                hint="set cache_dir to a writable folder",
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            handle.close()
            raise BusyError(
                f"the archive is in use: {holder}",
                Location(file=str(self.path)),
                hint="wait for that run to finish, then run again",
            ) from None
        handle.seek(0)
        handle.truncate()
        started = datetime.now(UTC).replace(microsecond=0).isoformat()
        handle.write(f"claimcheck {self._purpose} (pid {os.getpid()}, since {started})\n")
        handle.flush()
        self._handle = handle
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            self._handle.truncate(0)
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def _holder(handle: IO[str]) -> str:
    """Who holds the lock, as its holder wrote it; it may take a moment to be written."""
    for _ in range(_HOLDER_READS):
        handle.seek(0)
        holder = handle.read().strip()
        if holder:
            return holder
        time.sleep(_HOLDER_WAIT)
    return "another claimcheck run"
