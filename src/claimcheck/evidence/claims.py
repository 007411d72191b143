"""Each claim of the ledger with its evidence items judged and its status rolled up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from claimcheck.evidence.status import claim_status
from claimcheck.models import (
    Claim,
    ClaimResult,
    Evidence,
    EvidenceResult,
    QuoteStatus,
    Reference,
    Source,
)

LOG = logging.getLogger("claimcheck")
# Judges one evidence item: given it, its reference and the source that reference cites.
Judge = Callable[[Evidence, Reference | None, Source | None], EvidenceResult]


def claim_results(
    claims: Sequence[Claim],
    references: dict[str, Reference],
    sources: Sequence[Source],
    judge: Judge,
) -> tuple[ClaimResult, ...]:
    """Each claim with each evidence item judged by ``judge``, and its status rolled up.

    An item whose judging raises is unchecked, with the exception in its detail (and the
    traceback in the log): it never ends the run or changes another item's result.
    """
    by_key = sources_by_key(sources)
    results = []
    for claim in claims:
        items = []
        for item in claim.evidence:
            source = by_key.get(item.source)
            try:
                items.append(judge(item, references.get(item.source), source))
            except Exception as error:
                LOG.exception("checking the quote of %s in %s failed", claim.id, item.source)
                items.append(_failed(item, source, error))
        status, why = claim_status(
            items,
            [by_key.get(item.source) for item in claim.evidence],
            [item.source in references for item in claim.evidence],
        )
        results.append(
            ClaimResult(
                id=claim.id,
                text=claim.text,
                section=claim.section,
                tags=claim.tags,
                sources=tuple(dict.fromkeys(item.source for item in claim.evidence)),
                status=status,
                why=why,
                evidence=tuple(items),
                file=claim.location.file,
                line=claim.location.line,
            )
        )
    return tuple(results)


def sources_by_key(sources: Sequence[Source]) -> dict[str, Source]:
    """Each reference key's source: its URL when it cites one, else its DOI."""
    found: dict[str, Source] = {}
    for source in sources:
        for key in source.keys:
            if key not in found or (found[key].kind == "doi" and source.kind == "url"):
                found[key] = source
    return found


def base_result(item: Evidence, source: Source | None) -> EvidenceResult:
    """An evidence item as the ledger gives it, with its source's status; quote not judged."""
    return EvidenceResult(
        source=item.source,
        quote=item.quote,
        locator=item.locator,
        stance=item.stance,
        source_status=source.status if source is not None else None,
        quote_status=None,
        line=item.location.line,
    )


def unchecked(result: EvidenceResult, why: str) -> EvidenceResult:
    """``result`` with its quote unchecked, for the reason ``why``."""
    return result.model_copy(update={"quote_status": QuoteStatus.UNCHECKED, "detail": why})


def quotes_left_alone(why: str) -> Judge:
    """A judge that reads no text: every quote is unchecked, for the reason ``why``."""

    def judge(item: Evidence, reference: Reference | None, source: Source | None) -> EvidenceResult:
        result = base_result(item, source)
        if item.quote is None or reference is None:
            return result
        return unchecked(result, why)

    return judge


def _failed(item: Evidence, source: Source | None, error: Exception) -> EvidenceResult:
    detail = f"claimcheck failed on this quote: {type(error).__name__}: {error}"[:500]
    result = base_result(item, source)
    return unchecked(result, detail) if item.quote else result.model_copy(update={"detail": detail})
