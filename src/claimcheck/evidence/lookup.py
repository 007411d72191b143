"""A quote looked for on the pages its locator names first, then in the whole text."""

from __future__ import annotations

from dataclasses import dataclass, replace

from claimcheck.evidence.locator import pages_to_search, parse_locator
from claimcheck.evidence.match import Match, Verdict, find_quote
from claimcheck.evidence.normalise import Normalised, normalise
from claimcheck.evidence.pages import Span, page_of, page_spans

_RANK = {Verdict.FOUND: 2, Verdict.FUZZY: 1, Verdict.MISSING: 0}


@dataclass(frozen=True)
class PageSearch:
    """Where a quote was found (or the passage closest to it), and on which page.

    ``match`` spans are offsets of the whole original text; ``note`` says when a quote was
    found elsewhere than on the pages its locator names.
    """

    match: Match
    spans: tuple[Span, ...]
    labels: tuple[str, ...] | None
    note: str | None = None

    def page_of(self, offset: int) -> str | None:
        """The page (its printed label, else its number) ``offset`` is on; None for a text
        of one page."""
        if len(self.spans) < 2:
            return None
        return page_of(self.spans, self.labels, offset)


def search_pages(
    quote: str, locator: str | None, text: Normalised, labels: tuple[str, ...] | None
) -> PageSearch:
    """``quote`` in ``text``: on the pages ``locator`` names first (a PDF's pages are
    separated by form feeds), then anywhere; found elsewhere, the note names the page."""
    spans = page_spans(text.original)
    whole = find_quote(quote, text)
    ranges = parse_locator(locator) if locator and len(spans) > 1 else None
    if not ranges:
        return PageSearch(whole, spans, labels)
    named = pages_to_search(spans, labels, ranges)
    on_pages = [_on_page(quote, text.original, span) for span in named]
    best_named = max(on_pages, key=strength, default=None)
    if best_named is not None and strength(best_named) >= strength(whole):
        return PageSearch(best_named, spans, labels)
    search = PageSearch(whole, spans, labels)
    if whole.verdict is Verdict.MISSING or not whole.spans:
        return search
    page = search.page_of(whole.spans[0][0])
    where = "none of the pages it names" if named else "pages the document does not have"
    return replace(
        search,
        note=f"found on page {page}, not on the page the locator names ({locator}: {where})",
    )


def _on_page(quote: str, original: str, span: Span) -> Match:
    """The quote looked for in one page's text alone, its spans moved to the whole text's."""
    start, end = span
    match = find_quote(quote, normalise(original[start:end]))
    moved = tuple((a + start, b + start) for a, b in match.spans)
    return replace(match, spans=moved)


def strength(match: Match) -> tuple[int, float]:
    """How well a match backs its quote, to compare two: found, then fuzzy, then missing,
    each by its score."""
    return _RANK[match.verdict], match.score or 0.0
