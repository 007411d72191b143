"""How the archive commands show what they found: tables and lines on stdout."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text

from claimcheck.archive.commands import Saved
from claimcheck.archive.wayback import WaybackResult, WaybackStatus
from claimcheck.cli.common import colour, fail
from claimcheck.cli.options import ColorChoice
from claimcheck.config import Settings
from claimcheck.listings import ArchiveList, CaptureEntry, CaptureHistory
from claimcheck.models import Source, SourceStatus
from claimcheck.visible import visible


def note(text: str) -> None:
    sys.stderr.write(f"note: {text}\n")
    sys.stderr.flush()


def saved_table(saved: Saved) -> Table:
    table = titled_table(
        f"Sources ({len(saved.sources)})", "reference", "status", "snapshot", "wayback"
    )
    table.add_column("url", no_wrap=True)
    for source in saved.sources:
        add_row(
            table,
            ", ".join(source.keys),
            source.status.value,
            _snapshot(source),
            _wayback(saved.captures.get(source.url) or saved.lookups.get(source.url)),
            source.url,
        )
    return table


def _snapshot(source: Source) -> str:
    snapshot = source.snapshot
    if snapshot is None:
        return "-"
    fresh = source.checked_at is not None and snapshot.captured_at == source.checked_at
    text = f"{snapshot.text_chars:,} chars" if snapshot.text_chars is not None else "no text"
    return f"{'now' if fresh else when(snapshot.captured_at)}, HTTP {snapshot.http_status}, {text}"


def _wayback(result: WaybackResult | None) -> str:
    if result is None:
        return "-"
    if result.status is WaybackStatus.FOUND and result.memento is not None:
        return f"{when(result.memento.captured_at)}: {result.memento.url}"
    return f"{result.status.value}: {result.detail}"


def saved_summary(saved: Saved, settings: Settings) -> Text:
    captured = sum(
        1 for s in saved.sources if s.snapshot and s.snapshot.captured_at == s.checked_at
    )
    text = Text(f"captured {captured} of {len(saved.sources)} sources")
    if saved.network_unreachable:
        text.append("; network unreachable: nothing could be captured")
    for label, results in (("wayback lookups", saved.lookups), ("new captures", saved.captures)):
        if results:
            found = sum(1 for r in results.values() if r.status is WaybackStatus.FOUND)
            text.append(f"; {label}: {found} of {len(results)} found")
    for path, plan in saved.written or ():
        entries = len({insertion.key for insertion in plan.insertions})
        fields = len(plan.insertions)
        text.append(f"; {visible(str(path))}: {fields} fields added to {entries} entries")
        if plan.skipped:
            text.append(f" ({len(plan.skipped)} already there or not addable)")
    return text


def listed_table(listed: ArchiveList) -> Table:
    """`archive list`: each source's snapshots, the newest one, and the newest memento."""
    table = titled_table(
        "Archived sources", "reference", "snapshots", "newest", "status", "wayback"
    )
    table.add_column("url", no_wrap=True)
    for source in listed.sources:
        memento = source.newest_memento
        add_row(
            table,
            ", ".join(source.keys) if source.cited else "(no longer cited)",
            str(source.snapshots),
            when(source.newest) if source.newest else "-",
            str(source.newest_status) if source.newest_status is not None else "-",
            when(memento.captured_at) if memento else "-",
            source.url,
        )
    return table


def captures_table(history: CaptureHistory) -> Table:
    """`archive show`: one URL's captures, oldest first."""
    title = f"Captures of {visible(history.url)}"
    table = titled_table(title, "captured", "status", "stored", "type", "text")
    table.add_column("digest", no_wrap=True)
    for capture in history.captures:
        text = capture.text_chars
        add_row(
            table,
            when(capture.captured_at),
            _status(capture),
            "new" if capture.stored == "new" else "same as before",
            (capture.content_type or "-") + (" (truncated)" if capture.truncated else ""),
            f"{text:,} chars" if text is not None else "none",
            capture.payload_digest,
        )
    return table


def _status(capture: CaptureEntry) -> str:
    """A capture's HTTP status, and what its check judged the page when that was a failure
    answered with a 2xx (``200 dead``: a soft 404; ``200 blocked``: a sign-in page)."""
    judged = capture.judged
    if judged is None or judged is SourceStatus.ALIVE or capture.http_status >= 300:
        return str(capture.http_status)
    return f"{capture.http_status} {judged.value}"


def mementos_table(history: CaptureHistory) -> Table:
    """`archive show`: one URL's known Wayback mementos, oldest first."""
    table = titled_table("Wayback mementos", "captured", "via")
    table.add_column("memento", no_wrap=True)
    for memento in history.mementos:
        add_row(table, when(memento.captured_at), memento.via, memento.url)
    return table


def titled_table(title: str, *columns: str) -> Table:
    """A table whose columns wrap at spaces only: ``show`` gives each column room for its
    longest word, so that a URL or a digest is never broken inside (copied, it is whole)."""
    table = Table(
        title=Text(title, no_wrap=True, overflow="ignore"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def add_row(table: Table, *cells: str) -> None:
    """A row of ``cells`` as text, not markup, each with its control characters made visible
    (a URL or a server's content type may hold [brackets] or escape codes)."""
    table.add_row(*(Text(visible(cell)) for cell in cells))


def say(line: str) -> None:
    """One line naming what the archive holds, its control characters made visible."""
    show(Text(visible(line)))


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(
            f"--at {text!r} is not a date or time",
            hint="write it as 2024-11-22 or 2024-11-22T09:30",
        )
    if len(text.strip()) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def show_text(text: str) -> None:
    """One line as it is (it names nothing a server chose)."""
    show(Text(text))


def show(renderable: Table | Text, color: ColorChoice = ColorChoice.AUTO) -> None:
    """Print a table in the width of the terminal (120 columns in a pipe), or wider when its
    words (URLs, digests) are: none is broken inside. A line of text is never wrapped."""
    width = Console(file=sys.stdout).width if sys.stdout.isatty() else 120
    if isinstance(renderable, Table):
        width = _fit(renderable, width)
    coloured = colour(color)
    Console(width=width, force_terminal=coloured, no_color=not coloured, highlight=False).print(
        renderable, soft_wrap=isinstance(renderable, Text)
    )


def _fit(table: Table, width: int) -> int:
    """Set the width of each column of ``table`` to fit ``width`` where it can: a column
    narrows down to its longest word (a ``no_wrap`` one not at all), the widest first and the
    first column last. The width the table and its title then need: ``width``, or more."""
    natural = [max(cell_len(line) for line in _texts(column)) for column in table.columns]
    floor = [
        wide if column.no_wrap else max(_longest_word(column), 1)
        for column, wide in zip(table.columns, natural, strict=True)
    ]
    for column in table.columns:
        column.width = 1
    extra = _measured(table) - len(table.columns)  # edges, separators and padding
    room = max(width - extra, sum(floor))
    widths = list(natural)
    # The first column (what a row is of) narrows last: a row is found by its first line.
    while sum(widths) > room:
        narrowable = [
            i for i, (w, least) in enumerate(zip(widths, floor, strict=True)) if w > least
        ]
        later = [i for i in narrowable if i > 0]
        widths[max(later or narrowable, key=lambda i: widths[i])] -= 1
    for column, wide in zip(table.columns, widths, strict=True):
        column.width = wide
    title = table.title.plain if isinstance(table.title, Text) else str(table.title or "")
    return max(width, _measured(table), cell_len(title))


def _texts(column: Column) -> list[str]:
    """The header and the cells of ``column``, as plain text, line by line."""
    texts = [str(column.header)]
    texts += [cell.plain if isinstance(cell, Text) else str(cell) for cell in column.cells]
    return [line for text in texts for line in text.splitlines() or [""]]


def _longest_word(column: Column) -> int:
    return max((cell_len(word) for text in _texts(column) for word in text.split()), default=0)


def _measured(table: Table) -> int:
    """The width ``table`` takes as its columns are set."""
    console = Console(width=1 << 20)
    return Measurement.get(console, console.options, table).maximum
