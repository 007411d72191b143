"""Check a project's quotes: each claim's evidence searched in its sources' texts."""

from __future__ import annotations

from contextlib import ExitStack, closing

from claimcheck.config import Settings
from claimcheck.evidence.assess import QuoteJudge
from claimcheck.evidence.claims import claim_results
from claimcheck.load.bib import Cited
from claimcheck.load.claims import Ledger
from claimcheck.models import ClaimResult, Source
from claimcheck.project import database, open_index


def check_quotes(
    ledger: Ledger,
    bibliography: Cited,
    sources: tuple[Source, ...],
    settings: Settings,
) -> tuple[ClaimResult, ...]:
    """Each claim with its evidence judged: quotes searched in this run's captures, the
    archive's snapshots and the references' local copies, and its status rolled up. The
    archive is opened only when it exists."""
    with ExitStack() as stack:
        index = None
        if database(settings).exists():
            index = stack.enter_context(closing(open_index(settings)))
        judge = QuoteJudge(index)
        return claim_results(ledger.claims, bibliography.by_key(), sources, judge)
