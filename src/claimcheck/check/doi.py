"""Check a DOI through the DOI resolver's handle API, not the publisher's robot-shy page."""

from __future__ import annotations

import json
from urllib.parse import quote

from claimcheck.check.classify import Verdict, classify
from claimcheck.check.fetch import Fetcher, Outcome
from claimcheck.models import Reason, SourceStatus

REGISTERED = 1
NOT_FOUND = 100


def handle_url(resolver: str, doi: str) -> str:
    """The handle API address of ``doi`` at ``resolver`` (e.g. https://doi.org)."""
    return f"{resolver.rstrip('/')}/api/handles/{quote(doi, safe='/')}"


async def check_doi(fetcher: Fetcher, doi: str) -> tuple[Outcome, Verdict]:
    """Ask the resolver whether ``doi`` exists: responseCode 1 yes, 100 no."""
    outcome = await fetcher.fetch(handle_url(fetcher.options.doi_resolver, doi), want_body=True)
    answer = outcome.answer
    if answer is None:
        verdict = classify(outcome)
        if verdict.status in {SourceStatus.DEAD, SourceStatus.ERROR}:
            # The resolver's own name or connection failed: that says nothing of the DOI.
            return outcome, Verdict(
                SourceStatus.ERROR,
                Reason.DOI_RESOLVER_ERROR,
                f"the DOI resolver could not be reached: {verdict.detail}",
            )
        return outcome, verdict
    code = _response_code(answer.body.read() if answer.body else None)
    if code == REGISTERED:
        return outcome, Verdict(
            SourceStatus.ALIVE, Reason.DOI_REGISTERED, "the DOI resolver knows this DOI"
        )
    if code == NOT_FOUND:
        return outcome, Verdict(
            SourceStatus.DEAD,
            Reason.DOI_NOT_FOUND,
            "the DOI resolver has no such DOI (responseCode 100)",
        )
    verdict = classify(outcome)
    if verdict.status in {SourceStatus.BLOCKED, SourceStatus.TIMEOUT}:
        return outcome, verdict
    return outcome, Verdict(
        SourceStatus.ERROR,
        Reason.DOI_RESOLVER_ERROR,
        f"the DOI resolver answered HTTP {answer.status}"
        + (f" with responseCode {code}" if code is not None else " without a responseCode"),
    )


def _response_code(body: bytes | None) -> int | None:
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    code = data.get("responseCode") if isinstance(data, dict) else None
    return code if isinstance(code, int) else None
