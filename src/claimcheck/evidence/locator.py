"""An evidence item's locator read as pages (``p. 33``, ``pp. 33-35``), and where to look first."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from claimcheck.evidence.pages import Span, arabic_value, page_name, roman_value


@dataclass(frozen=True)
class PageRange:
    """Pages a locator names: ``first`` to ``last`` (None: to the end of the document), in
    arabic or roman numbers as printed."""

    first: int
    last: int | None
    roman: bool = False


def parse_locator(locator: str) -> tuple[PageRange, ...] | None:
    """The pages a locator names, or None when it names none (``para. 4``, ``§ 3``, ``ch. 2``).

    Read: ``p. 33``, ``p.33``, ``pp. 33-35`` (hyphen, en or em dash, ``to``), ``page 33``,
    ``pages 33 to 35``, ``S. 33``, ``33f`` (33-34), ``33ff`` (33 to the end), roman numerals
    after a prefix (``p. xii``), a bare ``33`` or ``33-35``, a list (``pp. 3, 5-7``), an
    abbreviated range (``233-50`` is 233-250). What follows a page list after a comma
    (``p. 33, n. 4``) is left aside. Never raises.
    """
    written = unicodedata.normalize("NFKC", locator).strip()
    match = _PREFIX.match(written)
    prefixed = bool(match)
    rest = written[match.end() :] if match else written
    ranges: list[PageRange] = []
    for number, element in enumerate(_SEPARATOR.split(rest)):
        page_range = _page_range(element.strip(), roman_allowed=prefixed)
        if page_range is None:
            if number == 0:
                return None
            break
        ranges.append(page_range)
    return tuple(ranges) or None


# "S." (Seite) only in capitals: a lower-case "s." is as often a section.
_PREFIX = re.compile(r"(?i:pages?|pgs?|pp|p|seiten?)(?:\.\s*|\s+|(?=\d))|S(?:\.\s*|\s+)")
_SEPARATOR = re.compile(r"\s*(?:[,;&]|\band\b|\bund\b)\s*", re.IGNORECASE)
_NUMBER = r"\d{1,9}|[ivxlcdm]{1,15}"
_RANGE = re.compile(
    rf"(?P<first>{_NUMBER})\s*(?:"
    rf"(?:-{{1,3}}|[\u2010\u2011\u2012\u2013\u2014\u2212]|\bto\b|\bbis\b)\s*(?P<last>{_NUMBER})"
    r"|(?P<following>ff?)\.?"
    r")?",
    re.IGNORECASE,
)


def _page_range(element: str, *, roman_allowed: bool) -> PageRange | None:
    match = _RANGE.fullmatch(element)
    if not match:
        return None
    first_written, last_written = match.group("first"), match.group("last")
    roman = not first_written.isdigit()
    if roman and not roman_allowed:
        return None
    first = _value(first_written, roman)
    if first is None or first < 1:
        return None
    following = (match.group("following") or "").lower()
    if following:
        return PageRange(first, first + 1 if following == "f" else None, roman)
    if last_written is None:
        return PageRange(first, first, roman)
    if last_written.isdigit() == roman:
        return None
    last = _value(last_written, roman)
    if last is not None and not roman and last < first and len(last_written) < len(first_written):
        last = int(first_written[: len(first_written) - len(last_written)] + last_written)
    if last is None or last < first:
        return None
    return PageRange(first, last, roman)


def _value(numeral: str, roman: bool) -> int | None:
    return roman_value(numeral) if roman else arabic_value(numeral)


# Where to look first -----------------------------------------------------------------------------


def pages_to_search(
    spans: Sequence[Span], labels: Sequence[str] | None, ranges: Sequence[PageRange]
) -> tuple[Span, ...]:
    """The text offsets of the pages ``ranges`` name, to search before the whole text;
    consecutive pages are one span (a quote may run over a page break).

    Pages are matched by their printed labels (a PDF's /PageLabels) when they have them, else,
    and when no label matches an arabic range, by their number counted from 1. Empty when the
    document has none of the pages named.
    """
    indices = sorted(
        {index for page_range in ranges for index in _indices(spans, labels, page_range)}
    )
    merged: list[Span] = []
    previous = -2
    for index in indices:
        if index == previous + 1 and merged:
            merged[-1] = (merged[-1][0], spans[index][1])
        else:
            merged.append(spans[index])
        previous = index
    return tuple(merged)


def _indices(
    spans: Sequence[Span], labels: Sequence[str] | None, page_range: PageRange
) -> list[int]:
    """The indices of the pages a range names, by label, else by number."""
    count = len(spans)
    found = _matching(count, lambda index: page_name(labels, index), page_range)
    if not found and labels and not page_range.roman:
        found = _matching(count, lambda index: str(index + 1), page_range)
    if found and page_range.last is None:
        return list(range(found[0], count))
    return found


def _matching(count: int, name: Callable[[int], str], page_range: PageRange) -> list[int]:
    last = page_range.last if page_range.last is not None else float("inf")
    found = []
    for index in range(count):
        value = _value(name(index).strip(), page_range.roman)
        if value is not None and page_range.first <= value <= last:
            found.append(index)
    return found
