"""How a run goes, on stderr: a bar on a terminal, a line now and then in a log, or each source."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from claimcheck.models import Reason, Source, SourceStatus
from claimcheck.visible import visible

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class ProgressBar:
    """Done and total, rate and elapsed time, drawn on stderr and cleared at the end."""

    def __init__(self, progress: Progress):
        self._progress = progress
        self._task: TaskID | None = None

    def started(self, total: int) -> None:
        """Show a bar for ``total`` sources."""
        self._task = self._progress.add_task("checking sources", total=total, rate="")

    def finished(self, source: Source) -> None:
        """Advance the bar by one source."""
        del source
        if self._task is None:
            return
        self._progress.advance(self._task)
        task = self._progress.tasks[self._task]
        elapsed = task.elapsed or 0.0
        rate = f"{task.completed / elapsed:.1f}/s" if elapsed > 0 else ""
        self._progress.update(self._task, rate=rate)


@contextmanager
def progress_on_stderr(
    *, checking: bool, verbose: bool = False, quiet: bool = False
) -> Iterator[ProgressBar | ProgressLines | SourceLines | None]:
    """How the run shows its progress on stderr while the block runs.

    Each source on a line of its own with ``verbose``; nothing when ``quiet`` or when no
    link is checked; a bar on a terminal; otherwise (a CI log, a file) a line now and then.
    """
    if verbose:
        yield SourceLines(sys.stderr)
    elif quiet or not checking:
        yield None
    elif sys.stderr.isatty():
        with progress_bar() as bar:
            yield bar
    else:
        yield ProgressLines(sys.stderr)


@contextmanager
def progress_bar() -> Iterator[ProgressBar]:
    """A progress bar on stderr, cleared at the end."""
    # rich.progress is imported only for a terminal: it adds about 30 ms to every start-up.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield ProgressBar(progress)


# Statuses a progress line counts, in the order it names them (alive ones are the rest).
_WORTH_NAMING = (
    SourceStatus.DEAD,
    SourceStatus.BLOCKED,
    SourceStatus.ERROR,
    SourceStatus.TIMEOUT,
    SourceStatus.INVALID,
    SourceStatus.UNREACHABLE,
)
# A log gets a line at every tenth of the run, and between them one at most this often.
LINE_EVERY = 5.0


class ProgressLines:
    """Progress for a log that is no terminal (CI): a line at every 10 % of the sources, and
    between those at most one every ``every`` seconds, as sources finish.

    ``checked 420/1241 (34%): 12 dead, 3 blocked, about 40 s left``
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        every: float = LINE_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._stream = stream
        self._every = every
        self._clock = clock
        self._total = 0
        self._done = 0
        self._counts: Counter[SourceStatus] = Counter()
        self._started = self._last_line = 0.0

    def started(self, total: int) -> None:
        """Start counting ``total`` sources."""
        self._total = total
        self._started = self._last_line = self._clock()

    def finished(self, source: Source) -> None:
        """Count ``source``; write a line when a tenth is reached or enough time passed."""
        self._done += 1
        self._counts[source.status] += 1
        now = self._clock()
        total = max(self._total, self._done)
        new_tenth = self._done * 10 // total > (self._done - 1) * 10 // total
        if new_tenth or now - self._last_line >= self._every:
            self._last_line = now
            self._stream.write(self.line(now) + "\n")
            self._stream.flush()

    def line(self, now: float) -> str:
        """The progress line as of ``now``."""
        total = max(self._total, self._done)
        percent = self._done * 100 // total if total else 100
        text = f"checked {self._done}/{total} ({percent}%)"
        named = [f"{self._counts[s]} {s.value}" for s in _WORTH_NAMING if self._counts[s]]
        if named:
            text += ": " + ", ".join(named)
        left = total - self._done
        elapsed = now - self._started
        if left and self._done and elapsed > 0:
            text += f", about {_duration(elapsed / self._done * left)} left"
        return text


class SourceLines:
    """Each source as it finishes, on a line of its own (verbose): status, reason, key, URL."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._total = 0
        self._done = 0

    def started(self, total: int) -> None:
        """Remember how many sources there are, to number the lines."""
        self._total = total

    def finished(self, source: Source) -> None:
        """Write ``source``'s line."""
        self._done += 1
        verdict = source.status.value
        if source.reason is not Reason.OK:
            verdict += f" ({source.reason.value})"
        cached = " [cached]" if source.from_cache else ""
        self._stream.write(
            f"[{self._done}/{self._total}] {verdict}{cached} "
            f"{visible(source.key)} {visible(source.url)}\n"
        )
        self._stream.flush()


def _duration(seconds: float) -> str:
    """``40 s``, ``3 min``, ``2 h 5 min``: a rough time left, rounded up."""
    whole = max(1, round(seconds))
    if whole < 90:
        return f"{whole} s"
    minutes = -(-whole // 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
