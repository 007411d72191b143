"""A claim's status rolled up from its evidence items: each rule of the README's table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claimcheck.evidence.status import claim_status
from claimcheck.models import (
    ArchivedCopy,
    ClaimStatus,
    EvidenceResult,
    QuoteStatus,
    Source,
    SourceStatus,
    Stance,
)

WHEN = datetime(2026, 11, 30, tzinfo=UTC)


def item(
    quote: QuoteStatus | None = QuoteStatus.FOUND,
    *,
    stance: Stance = Stance.SUPPORTS,
    file: str | None = None,
    key: str = "k",
) -> EvidenceResult:
    return EvidenceResult(
        source=key,
        quote=None if quote is None else "a quote",
        locator=None,
        stance=stance,
        source_status=None,
        quote_status=quote,
        file=file,
    )


def source(status: SourceStatus = SourceStatus.ALIVE, *, rescued: bool = False) -> Source:
    copy = (
        ArchivedCopy(kind="local", captured_at=WHEN, url="https://a.example/") if rescued else None
    )
    return Source(
        key="k", keys=("k",), kind="url", url="https://a.example/", status=status, rescue=copy
    )


def status_of(*entries: tuple[EvidenceResult, Source | None, bool]) -> ClaimStatus:
    items, sources, defined = zip(*entries, strict=True) if entries else ((), (), ())
    return claim_status(list(items), list(sources), list(defined))[0]


def test_a_claim_without_evidence_is_unsupported() -> None:
    assert status_of() is ClaimStatus.UNSUPPORTED


def test_every_quote_found_in_a_live_source_is_supported() -> None:
    assert status_of((item(), source(), True), (item(None), source(), True)) is (
        ClaimStatus.SUPPORTED
    )


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ((item(QuoteStatus.MISSING), source(), True), ClaimStatus.BROKEN),
        ((item(None), source(SourceStatus.DEAD), True), ClaimStatus.BROKEN),
        ((item(), None, False), ClaimStatus.BROKEN),
        ((item(None), source(SourceStatus.DEAD, rescued=True), True), ClaimStatus.AT_RISK),
        ((item(QuoteStatus.FUZZY), source(), True), ClaimStatus.AT_RISK),
        ((item(QuoteStatus.DRIFTED), source(), True), ClaimStatus.AT_RISK),
        ((item(None), source(SourceStatus.BLOCKED), True), ClaimStatus.AT_RISK),
        (
            (item(QuoteStatus.UNCHECKED), source(SourceStatus.UNREACHABLE), True),
            ClaimStatus.UNVERIFIED,
        ),
        ((item(None), source(SourceStatus.TIMEOUT), True), ClaimStatus.UNVERIFIED),
        ((item(QuoteStatus.FOUND), source(SourceStatus.UNREACHABLE), True), ClaimStatus.SUPPORTED),
        ((item(QuoteStatus.UNCHECKED), None, True), ClaimStatus.UNVERIFIED),
        ((item(QuoteStatus.FOUND, file="copy.pdf"), None, True), ClaimStatus.SUPPORTED),
        ((item(QuoteStatus.UNCHECKED, file="copy.pdf"), None, True), ClaimStatus.UNVERIFIED),
    ],
    ids=[
        "missing-quote-is-broken",
        "dead-without-copy-is-broken",
        "undefined-key-is-broken",
        "dead-with-copy-is-at-risk",
        "fuzzy-quote-is-at-risk",
        "drifted-quote-is-at-risk",
        "blocked-source-is-at-risk",
        "offline-without-snapshot-is-unverified",
        "timeout-without-quote-is-unverified",
        "quote-found-in-a-snapshot-of-an-unreachable-source-is-supported",
        "a-printed-work-alone-is-unverified",
        "quote-found-in-a-local-copy-is-supported",
        "unreadable-local-copy-is-unverified",
    ],
)
def test_one_item_decides_the_claim(
    evidence: tuple[EvidenceResult, Source | None, bool], expected: ClaimStatus
) -> None:
    assert status_of(evidence) == expected


def test_the_worst_item_wins_broken_over_at_risk_over_unverified() -> None:
    fine = (item(), source(), True)
    risky = (item(QuoteStatus.FUZZY), source(), True)
    broken = (item(QuoteStatus.MISSING), source(), True)
    unknown = (item(QuoteStatus.UNCHECKED), source(SourceStatus.UNREACHABLE), True)
    assert status_of(fine, unknown) is ClaimStatus.UNVERIFIED
    assert status_of(fine, unknown, risky) is ClaimStatus.AT_RISK
    assert status_of(risky, broken, fine) is ClaimStatus.BROKEN


def test_a_printed_work_beside_checked_evidence_does_not_hold_the_claim_back() -> None:
    printed = (item(QuoteStatus.UNCHECKED), None, True)
    assert status_of((item(), source(), True), printed) is ClaimStatus.SUPPORTED


def test_a_refuting_quote_found_contests_the_claim_and_one_missing_does_not() -> None:
    supports = (item(), source(), True)
    refutes_found = (item(stance=Stance.REFUTES), source(), True)
    refutes_missing = (item(QuoteStatus.MISSING, stance=Stance.REFUTES), source(), True)
    assert status_of(supports, refutes_found) is ClaimStatus.CONTESTED
    assert status_of(supports, refutes_missing) is ClaimStatus.SUPPORTED
    assert status_of(refutes_missing) is ClaimStatus.UNSUPPORTED


def test_a_broken_claim_stays_broken_when_also_contested() -> None:
    broken = (item(QuoteStatus.MISSING), source(), True)
    refutes_found = (item(stance=Stance.REFUTES), source(), True)
    assert status_of(broken, refutes_found) is ClaimStatus.BROKEN


def test_the_reason_names_the_items_that_decided() -> None:
    items = [item(QuoteStatus.MISSING, key="bbc"), item(key="cnn")]
    status, why = claim_status(items, [source(), source()], [True, True])
    assert status is ClaimStatus.BROKEN
    assert why == "the quote is missing in 'bbc'"


def test_a_dead_source_whose_quote_had_gone_before_says_so_not_that_its_copy_has_it() -> None:
    dead = source(SourceStatus.DEAD, rescued=True)

    drifted = claim_status([item(QuoteStatus.DRIFTED)], [dead], [True])
    found = claim_status([item(QuoteStatus.FOUND)], [dead], [True])

    assert drifted == (
        ClaimStatus.AT_RISK,
        "'k' is dead, and the quote was gone from it before; an older snapshot has it",
    )
    assert found == (ClaimStatus.AT_RISK, "'k' is dead; an archived copy has it")
