"""What the HTML review page adds to a report from the project's database: texts, histories."""

from __future__ import annotations

import logging
import re
import sqlite3
from contextlib import closing
from typing import Literal

from claimcheck.archive.index import ArchiveIndex
from claimcheck.check.cache import SqliteCache
from claimcheck.config import Settings
from claimcheck.errors import ClaimcheckError
from claimcheck.models import EvidenceResult, Excerpt, Report, Snapshot, Source
from claimcheck.project import database, open_cache, open_index
from claimcheck.report.extras import (
    CheckRecord,
    History,
    ItemKey,
    ReviewExtras,
    SourceText,
    Span,
)

LOG = logging.getLogger(__name__)
# Characters of one source's text kept around its passage, and of all texts on one page.
TEXT_WINDOW = 200_000
PAGE_TEXTS = 20_000_000
# The newest checks of a source shown in its history.
HISTORY_CHECKS = 20
# What joins an elided quote's parts in an excerpt (evidence/match.py).
_ELISION = " … "
# What reading the database may raise: its damage, its absence, another run holding its lock.
_UNREADABLE = (ClaimcheckError, sqlite3.Error, OSError)


def gather_extras(settings: Settings, report: Report) -> ReviewExtras:
    """For each evidence item, the text of the capture it was searched in, with the passage
    found (or the closest one) marked; for each cited source, its check history.

    Never raises: a database that is missing or cannot be read costs the extras, with a note
    saying so; a damaged text costs its item's text alone.
    """
    path = database(settings)
    if not path.is_file():
        if not report.sources:
            return ReviewExtras()
        return ReviewExtras(
            notes=(f"{path} is not there: no source texts or check histories to show.",)
        )
    try:
        with closing(open_index(settings, recover=False)) as index, open_cache(settings) as cache:
            return _gathered(report, index, cache)
    except _UNREADABLE as error:
        LOG.warning("the review page has no source texts or check histories: %s", error)
        return ReviewExtras(
            notes=(
                f"The project's database could not be read ({error}): no source texts or "
                "check histories to show.",
            )
        )


def _gathered(report: Report, index: ArchiveIndex, cache: SqliteCache) -> ReviewExtras:
    by_key = {key: source for source in report.sources for key in source.keys}
    texts: dict[ItemKey, SourceText] = {}
    notes: dict[ItemKey, str] = {}
    room = PAGE_TEXTS
    cited: dict[str, None] = {}
    for claim_index, claim in enumerate(report.claims):
        for item_index, item in enumerate(claim.evidence):
            key = (claim_index, item_index)
            source = by_key.get(item.source)
            if source is not None:
                cited[source.url] = None
            try:
                found = _source_text(index, item, source)
            except _UNREADABLE as error:
                notes[key] = f"its text could not be read: {error}"
                continue
            if isinstance(found, str):
                notes[key] = found
            elif found is not None and len(found.text) > room:
                notes[key] = (
                    f"its text is left out: the page holds at most {PAGE_TEXTS:,} characters "
                    "of source texts, and those before it on the page used them up"
                )
            elif found is not None:
                room -= len(found.text)
                texts[key] = found
    histories = {url: history for url in cited if (history := _history(cache, url)) is not None}
    return ReviewExtras(texts=texts, text_notes=notes, histories=histories)


def _source_text(
    index: ArchiveIndex, item: EvidenceResult, source: Source | None
) -> SourceText | str | None:
    """The text of the capture ``item`` was searched in (for a drifted quote: of the last
    snapshot that had it), around the passage; a note when it cannot be had; None when the
    item was searched in no capture."""
    capture = item.snapshot
    if item.drift is not None and source is not None:
        capture = _capture_at(index, source.url, item) or capture
    if capture is None:
        return None
    payload = index.payload(capture.payload_digest, with_text=True)
    if payload is None:
        return "the text of the capture searched is no longer in the archive"
    if payload.text is None:
        problem = f": {payload.problem}" if payload.problem else ""
        return f"the capture searched has no text{problem}"
    passage = item.excerpt or item.closest
    marks = locate(payload.text, passage) if passage is not None else ()
    kept, start, shown = window(payload.text, marks, TEXT_WINDOW)
    marked: Literal["quote", "closest"] = "quote" if item.excerpt is not None else "closest"
    return SourceText(
        text=kept,
        marks=shown,
        marked=marked,
        captured_at=capture.captured_at,
        url=capture.url,
        start=start,
        length=len(payload.text),
    )


def _capture_at(index: ArchiveIndex, url: str, item: EvidenceResult) -> Snapshot | None:
    """The snapshot of ``url`` that last had ``item``'s drifted quote."""
    assert item.drift is not None
    for capture in index.captures(url):
        if capture.captured_at == item.drift.last_found:
            return capture.snapshot()
    return None


def locate(text: str, passage: Excerpt) -> tuple[Span, ...]:
    """The spans of ``text`` that ``passage`` (an excerpt of it, its whitespace made single
    spaces) was cut from: each part of an elided passage, in order; empty when not found.

    The first part is looked for after the passage's context first, then alone; each later
    part after the one before it.
    """
    parts = [part for part in passage.match.split(_ELISION) if part.strip()]
    if not parts:
        return ()
    first = _pattern(parts[0])
    found: Span | None = None
    if passage.before.strip():
        anchored = re.search(f"{_pattern(passage.before)}\\s*({first})", text)
        found = anchored.span(1) if anchored else None
    if found is None:
        alone = re.search(first, text)
        found = alone.span() if alone else None
    if found is None:
        return ()
    spans = [found]
    for part in parts[1:]:
        later = re.compile(_pattern(part)).search(text, spans[-1][1])
        if later is None:
            break
        spans.append(later.span())
    return tuple(spans)


def _pattern(words: str) -> str:
    """A pattern matching ``words`` with any run of whitespace between them."""
    return r"\s+".join(re.escape(word) for word in words.split())


def window(text: str, marks: tuple[Span, ...], size: int) -> tuple[str, int, tuple[Span, ...]]:
    """At most ``size`` characters of ``text``, centred on ``marks`` (else its start): the
    part kept, where it starts, and the marks within it."""
    if len(text) <= size:
        return text, 0, marks
    start = 0
    if marks:
        centre = (marks[0][0] + marks[-1][1]) // 2
        start = max(0, min(centre - size // 2, len(text) - size))
    end = start + size
    shown = tuple(
        (max(first, start) - start, min(last, end) - start)
        for first, last in marks
        if last > start and first < end
    )
    return text[start:end], start, shown


def _history(cache: SqliteCache, url: str) -> History | None:
    checks = [
        CheckRecord(
            checked_at=check.checked_at,
            status=check.status,
            reason=check.reason,
            http_status=check.http_status,
            detail=check.detail,
        )
        for check in cache.history(url)
        if check.checked_at is not None
    ]
    if not checks:
        return None
    return History(
        checks=tuple(checks[:HISTORY_CHECKS]), older=max(0, len(checks) - HISTORY_CHECKS)
    )
