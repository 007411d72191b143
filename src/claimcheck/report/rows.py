"""Long tables and finding lists written exactly as rich writes them, at a fraction of its cost.

Rich spends about half a millisecond on each table row and a tenth on each printed line: the
sources table of a 20,000-source report took longer than checking them. Here rich still lays
a table out, from its header and the few rows that decide the column widths, and the many
ordinary rows are then written by a plain loop. Each layout is checked first: the sample's
rows written here must match rich's rendering of them character for character, else (or for
a cell rich would treat specially) the caller lets rich render everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from rich.text import Text

if TYPE_CHECKING:
    from rich.table import Table  # tables are made by the report's callers

# A table cell: its text, and its style (None: the cell is a plain string, not a Text).
Cell = tuple[str, str | None]
Row = Sequence[Cell]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RULE = frozenset("─")


def line_of(text: Text, console: Console, colors: ColorSystem | None) -> str | None:
    """What ``console.print(text, soft_wrap=True)`` writes; None where rich must say it.

    Rich alone handles control characters, tabs and trailing whitespace in a line.
    """
    plain = text.plain
    if not plain.isprintable() or plain[-1:].isspace():
        return None
    if colors is None:
        return plain + "\n"
    # Joined, as rich joins the lines it prints: the text's own style becomes a span.
    painted = (
        segment.style.render(segment.text, color_system=colors) if segment.style else segment.text
        for segment in Text().join([text]).render(console)
    )
    return "".join(painted) + "\n"


def plain_cell(text: str) -> bool:
    """Whether rich renders ``text`` as its characters, one column each: printable ASCII
    (and the ellipsis of a shortened cell) with no markup (rich reads square brackets as
    style tags)."""
    return text.replace("…", "").isascii() and text.isprintable() and "[" not in text


@dataclass(frozen=True)
class _Layout:
    """Where each column's text starts in a row line and how wide it is; a line's length."""

    starts: tuple[int, ...]
    widths: tuple[int, ...]
    length: int
    no_wrap: tuple[bool, ...]


def table_text(
    make_table: Callable[[Sequence[Row]], Table],
    rows: Sequence[Row],
    console: Console,
    colors: ColorSystem | None,
) -> str | None:
    """What ``console.print(make_table(rows))`` writes; None where rich must render it.

    ``make_table`` builds the table (title, columns, box) with the given rows; its box must
    draw row lines of spaces between and around the cells, and cells are padded one space
    each side (rich's defaults for SIMPLE_HEAD and the like).
    """
    if not rows or not all(plain_cell(text) for row in rows for text, _ in row):
        return None
    marker = [(str(n), style) for n, (_, style) in enumerate(rows[0], start=1)]
    sample = [marker, *(rows[index] for index in _deciding(rows))]
    table = make_table(sample)
    with console.capture() as capture:
        console.print(table)
    lines = capture.get().split("\n")
    separator = next(
        (i for i, line in enumerate(lines) if set(_ANSI.sub("", line).strip()) == _RULE), None
    )
    if separator is None or separator + 1 >= len(lines):
        return None
    layout = _layout(_ANSI.sub("", lines[separator + 1]), table, len(marker))
    if layout is None:
        return None
    written = _write(sample, layout, console, colors)
    end = separator + 1 + len(written or [])
    if written is None or lines[separator + 1 : end] != written:
        return None
    body = _write(rows, layout, console, colors)
    if body is None:
        return None
    return "\n".join([*lines[: separator + 1], *body, *lines[end:]])


def _deciding(rows: Sequence[Row]) -> list[int]:
    """The rows that decide the column widths: each column's longest text and longest word."""
    chosen: set[int] = set()
    for column in range(len(rows[0])):
        texts = [row[column][0] for row in rows]
        chosen.add(max(range(len(texts)), key=lambda i: len(texts[i])))
        chosen.add(max(range(len(texts)), key=lambda i: _longest_word(texts[i])))
    return sorted(chosen)


def _longest_word(text: str) -> int:
    return max(map(len, text.split()), default=len(text))


def _layout(marker_line: str, table: Table, columns: int) -> _Layout | None:
    """The layout shown by the marker row, whose cells read 1, 2, 3, ..."""
    starts = tuple(marker_line.find(str(n)) for n in range(1, columns + 1))
    if min(starts) < 0 or list(starts) != sorted(set(starts)):
        return None
    ends = (*(start - 2 for start in starts[1:]), len(marker_line) - 1)
    widths = tuple(end - start - 1 for start, end in zip(starts, ends, strict=True))
    if min(widths) < 1:
        return None
    no_wrap = tuple(column.no_wrap for column in table.columns)
    return _Layout(starts, widths, len(marker_line), no_wrap)


def _write(
    rows: Sequence[Row], layout: _Layout, console: Console, colors: ColorSystem | None
) -> list[str] | None:
    """The lines of ``rows`` in ``layout``; None when a cell needs what only rich does."""
    lines: list[str] = []
    for row in rows:
        cells: list[list[str]] = []
        for (text, style), width, no_wrap in zip(row, layout.widths, layout.no_wrap, strict=True):
            if len(text) <= width:
                cells.append([text])
            elif no_wrap or style is not None:
                return None
            else:
                wrapped = Text(text).wrap(console, width, justify="left", overflow="fold")
                cells.append([line.plain for line in wrapped])
        for depth in range(max(map(len, cells))):
            parts, position = [], 0
            for (_, style), cell, start, width in zip(
                row, cells, layout.starts, layout.widths, strict=True
            ):
                parts.append(" " * (start - position))
                if depth >= len(cell):
                    parts.append(" " * width)
                elif style is None:
                    parts.append(cell[depth].ljust(width))
                else:
                    parts.append(_paint(style, colors)(cell[depth].ljust(width)))
                position = start + width
            parts.append(" " * (layout.length - position))
            lines.append("".join(parts))
    return lines


@cache
def _paint(style: str, colors: ColorSystem | None) -> Callable[[str], str]:
    """Writes a text in ``style`` as rich does (nothing added for no style or no colours)."""
    parsed = Style.parse(style)
    if colors is None or not parsed:
        return str
    return lambda text: parsed.render(text, color_system=colors)
