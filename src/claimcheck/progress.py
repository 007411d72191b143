"""A progress bar on stderr while sources are checked, only when stderr is a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from claimcheck.models import Source

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
def progress_bar(*, enabled: bool) -> Iterator[ProgressBar | None]:
    """A progress bar while the block runs, or None when disabled."""
    if not enabled:
        yield None
        return
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
