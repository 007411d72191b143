"""Bytes kept in memory up to a threshold, and beyond it in an unnamed temporary file."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO

# A body larger than this is read into a temporary file instead of memory, so that memory
# grows with the requests in flight times this, not times the 10 MiB body cap.
SPOOL_THRESHOLD = 256 * 1024
_CHUNK = 256 * 1024


class Spool:
    """Bytes written once, then read back from the start; ``close()`` frees them.

    Past ``threshold`` bytes they move to a temporary file that has no name on POSIX systems
    (unlinked as it is made): nothing is left on disk once it is closed, even after a crash.
    One reader at a time: ``stream()`` and ``chunks()`` share the file's position.
    """

    def __init__(self, threshold: int = SPOOL_THRESHOLD):
        self._threshold = threshold
        self._parts: list[bytes] = []
        self._file: IO[bytes] | None = None
        self._closed = False
        self.size = 0

    @classmethod
    def holding(cls, data: bytes) -> Spool:
        """A spool of ``data``, in memory whatever its size."""
        spool = cls(threshold=len(data))
        spool.write(data)
        return spool

    @property
    def in_file(self) -> bool:
        """Whether the bytes are in a temporary file rather than in memory."""
        return self._file is not None

    def write(self, data: bytes) -> None:
        """Append ``data``; past the threshold everything so far moves to a temporary file."""
        if self._closed:
            raise ValueError("write to a closed spool")
        if not data:
            return
        if self._file is None and self.size + len(data) > self._threshold:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
            self._file.writelines(self._parts)
            self._parts = []
        if self._file is not None:
            self._file.write(data)
        else:
            self._parts.append(bytes(data))
        self.size += len(data)

    def read(self) -> bytes:
        """All the bytes at once: for a caller that needs them whole, one body at a time."""
        if self._file is None:
            self._check_open()
            if len(self._parts) > 1:
                self._parts = [b"".join(self._parts)]
            return self._parts[0] if self._parts else b""
        self._file.seek(0)
        return self._file.read()

    def chunks(self) -> Iterator[bytes]:
        """The bytes from the start, in pieces of bounded size."""
        if self._file is None:
            self._check_open()
            yield from self._parts
            return
        self._file.seek(0)
        while piece := self._file.read(_CHUNK):
            yield piece

    def stream(self) -> IO[bytes]:
        """A readable, seekable stream of the bytes from the start (until ``close()``)."""
        if self._file is None:
            return io.BytesIO(self.read())
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        """Free the bytes: the memory, or the temporary file (which then vanishes)."""
        self._closed = True
        self._parts = []
        if self._file is not None:
            self._file.close()
            self._file = None

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("read of a closed spool")

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def as_spool(body: bytes | Spool) -> Spool:
    """``body`` as a spool: itself, or one holding the bytes in memory."""
    return body if isinstance(body, Spool) else Spool.holding(body)
