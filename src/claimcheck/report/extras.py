"""What the HTML review page shows beyond the report: source texts and check histories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from claimcheck.models import Reason, SourceStatus

# An evidence item by its place in the report: (claim's index, item's index), from 0.
ItemKey = tuple[int, int]
Span = tuple[int, int]


@dataclass(frozen=True)
class SourceText:
    """The extracted text of the capture an evidence item was searched in, or the part of it
    kept around the passage, with the passage's spans in it."""

    text: str = field(repr=False)
    # The passage (an elided quote: each of its parts) as spans of ``text``; none when it
    # could not be found in this text.
    marks: tuple[Span, ...]
    # What is marked: the quote as found, or the passage most like a missing quote.
    marked: Literal["quote", "closest"]
    captured_at: datetime
    # The address captured.
    url: str
    # Where ``text`` starts in the whole text, and the whole text's length.
    start: int
    length: int

    @property
    def whole(self) -> bool:
        """Whether ``text`` is the whole extracted text."""
        return self.start == 0 and len(self.text) == self.length


@dataclass(frozen=True)
class CheckRecord:
    """One check of a source, as the check-result cache keeps it."""

    checked_at: datetime
    status: SourceStatus
    reason: Reason
    http_status: int | None = None
    detail: str | None = None


@dataclass(frozen=True)
class History:
    """A source's newest checks, newest first, and how many older ones were left out."""

    checks: tuple[CheckRecord, ...]
    older: int = 0


@dataclass(frozen=True)
class ReviewExtras:
    """Source texts by evidence item, check histories by source URL, and what could not be
    shown (why an item has no text, a database that could not be read)."""

    texts: Mapping[ItemKey, SourceText] = field(default_factory=dict)
    text_notes: Mapping[ItemKey, str] = field(default_factory=dict)
    histories: Mapping[str, History] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
