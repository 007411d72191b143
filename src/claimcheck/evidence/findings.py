"""Findings for claims whose evidence fails them, placed at each claim's line in the ledger."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from claimcheck.models import ClaimResult, ClaimStatus, Finding, Location
from claimcheck.rules import rule

_STATUS_RULES = {
    ClaimStatus.BROKEN: "claim-broken",
    ClaimStatus.AT_RISK: "claim-at-risk",
    ClaimStatus.CONTESTED: "claim-contested",
}


def claim_findings(claims: Iterable[ClaimResult]) -> Iterator[Finding]:
    """One finding for each broken, at-risk or contested claim, saying why."""
    for claim in claims:
        name = _STATUS_RULES.get(claim.status)
        if name is not None:
            yield rule(name).finding(
                f"claim {claim.id!r} is {claim.status.value}: {claim.why}",
                Location(file=claim.file, line=claim.line),
                subject=claim.id,
            )
