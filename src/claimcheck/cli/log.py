"""Where tracebacks go: the project's log file, never the terminal."""

from __future__ import annotations

import io
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

LOG_FILE = "claimcheck.log"
LOGGER = logging.getLogger("claimcheck")
_MAX_BYTES = 1024 * 1024
_state: dict[str, Path] = {}


class _SafeFileHandler(logging.FileHandler):
    """Appends to the log without following a symbolic link, and opens it only when needed."""

    def _open(self) -> io.TextIOWrapper:
        return _append(Path(self.baseFilename))

    def handleError(self, record: logging.LogRecord) -> None:
        """A log that cannot be written loses the record; the run goes on, silently."""


class _WarningsToStderr(logging.Handler):
    """Warnings meant for the user (a proxy setting ignored, say) on stderr, one line each.

    Records that carry a traceback go to the log file only. The stream is looked up when a
    record is written, so that a test's captured stderr gets it too.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.addFilter(lambda record: record.exc_info is None)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"warning: {record.getMessage()}\n")
        except (OSError, ValueError):
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        """A closed stderr loses the warning; the run goes on."""


LOGGER.addHandler(_WarningsToStderr())


def log_path(cache_dir: Path) -> Path:
    """The log file of a project whose cache folder is ``cache_dir``."""
    return cache_dir / LOG_FILE


@contextmanager
def run_log(cache_dir: Path) -> Iterator[Path]:
    """Send claimcheck's log records (tracebacks of failed sources) to the project's log.

    The file is created only when something is logged; one over 1 MiB is started afresh.
    """
    path = log_path(cache_dir)
    _state["path"] = path
    _trim(path)
    handler = _SafeFileHandler(path, delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    try:
        yield path
    finally:
        LOGGER.removeHandler(handler)
        with suppress(OSError):
            handler.close()


def record_crash(error: BaseException) -> Path | None:
    """Append ``error``'s traceback to the log of the current project; where it went.

    The project's log when its folder can be written, else a file in the temporary folder;
    None when neither can be written.
    """
    text = "".join(traceback.format_exception(error))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    entry = f"{stamp} CRASH claimcheck {' '.join(sys.argv[1:])}\n{text}\n"
    preferred = _state.get("path", log_path(Path(".claimcheck")))
    user = os.getuid() if hasattr(os, "getuid") else "user"
    fallback = Path(tempfile.gettempdir()) / f"claimcheck-{user}.log"
    for path in (preferred, fallback):
        try:
            with _append(path) as log:
                log.write(entry)
        except OSError:
            continue
        return path
    return None


def _append(path: Path) -> io.TextIOWrapper:
    """The log opened for appending, its folder made; never through a symbolic link."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o600), "a", encoding="utf-8", errors="replace")


def _trim(path: Path) -> None:
    try:
        if not path.is_symlink() and path.stat().st_size > _MAX_BYTES:
            path.unlink()
    except OSError:
        pass
