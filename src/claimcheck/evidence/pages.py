"""The pages of a text (a PDF's, its pages separated by form feeds) and the page an offset is on."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from claimcheck.archive.text import PAGE_BREAK

Span = tuple[int, int]


def page_spans(text: str) -> tuple[Span, ...]:
    """Each page's (start, end) offsets in ``text``, the form feeds between pages left out;
    a text without a form feed is one page."""
    spans: list[Span] = []
    start = 0
    for page in text.split(PAGE_BREAK):
        spans.append((start, start + len(page)))
        start += len(page) + len(PAGE_BREAK)
    return tuple(spans)


def page_index(spans: Sequence[Span], offset: int) -> int:
    """The index (from 0) of the page ``offset`` falls on; a form feed belongs to the page
    it ends, offsets outside the text to the first or last page."""
    starts = [start for start, _ in spans]
    return min(max(bisect_right(starts, offset) - 1, 0), max(len(spans) - 1, 0))


def page_of(spans: Sequence[Span], labels: Sequence[str] | None, offset: int) -> str:
    """The page ``offset`` falls on: its printed label (a PDF's /PageLabels: "233", "xii")
    when there is one, else its number counted from 1."""
    return page_name(labels, page_index(spans, offset))


def page_name(labels: Sequence[str] | None, index: int) -> str:
    """The label of the page at ``index``, else its number counted from 1."""
    if labels and index < len(labels) and labels[index].strip():
        return labels[index]
    return str(index + 1)


# Page numbers as printed: arabic or roman --------------------------------------------------------

_ROMAN = re.compile(r"(?i)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}


def roman_value(numeral: str) -> int | None:
    """The value of a roman numeral written the usual way (``xii``, ``XIV``), else None."""
    if not numeral or not _ROMAN.fullmatch(numeral):
        return None
    values = [_ROMAN_VALUES[char] for char in numeral.lower()]
    return sum(
        -value if index + 1 < len(values) and value < values[index + 1] else value
        for index, value in enumerate(values)
    )


def arabic_value(numeral: str) -> int | None:
    """The value of a page number in digits (at most nine), else None."""
    return int(numeral) if numeral.isascii() and numeral.isdigit() and len(numeral) <= 9 else None
