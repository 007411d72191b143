"""Check a project's quotes: each claim's evidence searched in its sources' texts."""

from __future__ import annotations

import logging
from contextlib import ExitStack, closing

from claimcheck.config import Settings
from claimcheck.errors import StateError
from claimcheck.evidence.assess import QuoteJudge
from claimcheck.evidence.claims import claim_results
from claimcheck.load.bib import Cited
from claimcheck.load.claims import Ledger
from claimcheck.models import ClaimResult, Source
from claimcheck.project import database, open_index

LOG = logging.getLogger("claimcheck")


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
            try:
                index = stack.enter_context(closing(open_index(settings)))
            except StateError as error:
                # A damaged archive costs the quotes its snapshots, not the run: the way out
                # it names (a --no-cache run, or archive reindex) must still work.
                LOG.warning("quotes are checked without the archive: %s", error.message)
        judge = QuoteJudge(index)
        return claim_results(ledger.claims, bibliography.by_key(), sources, judge)
