"""A claim's status, rolled up from what is known of each evidence item and its source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from claimcheck.models import (
    ClaimStatus,
    EvidenceResult,
    QuoteStatus,
    Source,
    SourceStatus,
    Stance,
)

# Source statuses that say nothing of the page today: it could not be asked.
_UNKNOWN = frozenset(
    {
        SourceStatus.ERROR,
        SourceStatus.TIMEOUT,
        SourceStatus.UNREACHABLE,
        SourceStatus.UNCHECKED,
        SourceStatus.SKIPPED,
        SourceStatus.INVALID,
    }
)
_IN_TEXT = frozenset({QuoteStatus.FOUND, QuoteStatus.FUZZY})


class ItemState(Enum):
    """What one evidence item does for its claim's status."""

    SUPPORTED = "supported"
    AT_RISK = "at-risk"
    BROKEN = "broken"
    UNVERIFIED = "unverified"
    # Nothing to check by nature: a printed work with neither URL, DOI nor local copy.
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Judged:
    """An evidence item's state and, in words, why."""

    state: ItemState
    why: str


def judge_item(item: EvidenceResult, source: Source | None, *, defined: bool) -> Judged:
    """The state of one (supporting or contextual) evidence item.

    ``source`` is the URL or DOI its reference cites (None: it cites neither), ``defined``
    whether its key is in the bibliography.
    """
    key = item.source
    if not defined:
        return Judged(ItemState.BROKEN, f"{key!r} is not in the bibliography")
    quote = item.quote_status
    where = f"in {key!r}" + _searched(item.checked_in)
    if quote is QuoteStatus.MISSING:
        return Judged(ItemState.BROKEN, f"the quote is missing {where}")
    if source is not None and source.status is SourceStatus.DEAD:
        if source.rescue is None:
            return Judged(ItemState.BROKEN, f"{key!r} is dead and has no archived copy")
        if quote is QuoteStatus.DRIFTED:
            # The newest copy lacks the quote too: the one to cite is the drift's, older.
            return Judged(
                ItemState.AT_RISK,
                f"{key!r} is dead, and the quote was gone from it before; an older snapshot has it",
            )
        return Judged(ItemState.AT_RISK, f"{key!r} is dead; an archived copy has it")
    if quote is QuoteStatus.DRIFTED:
        return Judged(ItemState.AT_RISK, f"the quote is gone from {key!r}; a snapshot has it")
    if source is not None and source.status is SourceStatus.BLOCKED:
        return Judged(ItemState.AT_RISK, f"{key!r} is blocked: it refuses checkers")
    if quote is QuoteStatus.FUZZY:
        return Judged(ItemState.AT_RISK, f"the quote is only a near match {where}")
    if quote is QuoteStatus.FOUND:
        return Judged(ItemState.SUPPORTED, f"the quote is {where}")
    if source is None and item.file is None:
        return Judged(ItemState.NEUTRAL, f"{key!r} has no URL, DOI or local copy to check")
    if quote is QuoteStatus.UNCHECKED:
        return Judged(ItemState.UNVERIFIED, f"the quote in {key!r} could not be checked")
    if source is not None and source.status in _UNKNOWN:
        return Judged(ItemState.UNVERIFIED, f"{key!r} could not be checked")
    return Judged(ItemState.SUPPORTED, f"{key!r} answers")


def _searched(checked_in: str | None) -> str:
    """Which text was searched, in words: `` (the live page)``."""
    if checked_in is None:
        return ""
    if checked_in == "live":
        return " (the live page)"
    if checked_in == "file":
        return " (its local copy)"
    return f" (the snapshot of {checked_in})"


def claim_status(
    items: Sequence[EvidenceResult],
    sources: Sequence[Source | None],
    defined: Sequence[bool],
) -> tuple[ClaimStatus, str]:
    """A claim's status from its evidence items (with each one's source and whether its key is
    defined), and what decided it.

    In order: no evidence is ``unsupported``; any broken item makes the claim ``broken``; a
    refuting quote found makes it ``contested``; any item at risk makes it ``at-risk``; with no
    supporting item it is ``unsupported``; with one that could not be checked, or none that
    could, ``unverified``; else ``supported``.
    """
    if not items:
        return ClaimStatus.UNSUPPORTED, "no evidence"
    judged: list[Judged] = []
    contested: list[str] = []
    for item, source, known in zip(items, sources, defined, strict=True):
        if item.stance is Stance.REFUTES:
            if not known:
                judged.append(judge_item(item, source, defined=False))
            elif item.quote_status in _IN_TEXT:
                contested.append(f"{item.source!r} refutes it: its quote is there")
            continue
        judged.append(judge_item(item, source, defined=known))
    broken = [j.why for j in judged if j.state is ItemState.BROKEN]
    if broken:
        return ClaimStatus.BROKEN, "; ".join(broken)
    if contested:
        return ClaimStatus.CONTESTED, "; ".join(contested)
    at_risk = [j.why for j in judged if j.state is ItemState.AT_RISK]
    if at_risk:
        return ClaimStatus.AT_RISK, "; ".join(at_risk)
    if not judged:
        return ClaimStatus.UNSUPPORTED, "no evidence supports it (only refuting evidence)"
    checkable = [j for j in judged if j.state is not ItemState.NEUTRAL]
    if not checkable:
        return ClaimStatus.UNVERIFIED, "; ".join(j.why for j in judged)
    unverified = [j.why for j in checkable if j.state is ItemState.UNVERIFIED]
    if unverified:
        return ClaimStatus.UNVERIFIED, "; ".join(unverified)
    return ClaimStatus.SUPPORTED, "; ".join(j.why for j in checkable)
