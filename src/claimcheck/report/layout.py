"""Column widths and middle-shortened URLs that keep a table readable at any width."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

ELLIPSIS = "…"
# What a row of a SIMPLE_HEAD table spends besides its cells: an edge each side, one space
# between columns, and a space of padding each side of every cell.
_EDGES = 2


def table_room(width: int, columns: int) -> int:
    """The columns left for the cells of a ``columns``-column table ``width`` wide."""
    return width - _EDGES - (columns - 1) - 2 * columns


def shorten_url(url: str, width: int) -> str:
    """``url`` when it fits in ``width`` columns, else its start and end around an ellipsis.

    The start keeps the site (scheme, host and the slash after it) when it fits in two
    thirds of the room, else two thirds of it; never less than half.
    """
    if cell_len(url) <= width:
        return url
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1
    scheme, separator, rest = url.partition("://")
    host, slash, _ = rest.partition("/")
    site = cell_len(scheme + separator + host + slash) if separator else 0
    head = _fitting(url, max((room + 1) // 2, min(site, room - room // 3)))
    tail = _fitting(url[::-1], room - cell_len(head))[::-1]
    return head + ELLIPSIS + tail


def _fitting(text: str, width: int) -> str:
    """The longest start of ``text`` that fits in ``width`` columns."""
    if text.isascii():
        return text[:width]
    used = 0
    for index, character in enumerate(text):
        used += cell_len(character)
        if used > width:
            return text[:index]
    return text


def widest(texts: Sequence[str], heading: str) -> int:
    """The columns the widest of ``texts`` (or the heading) takes."""
    return max([cell_len(heading), *map(cell_len, texts)])


def longest_word(texts: Sequence[str]) -> int:
    """The columns the longest space-free word of ``texts`` takes."""
    return max((cell_len(word) for text in texts for word in text.split()), default=1)
