"""Run the checks over a project's inputs and assemble the report."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from claimcheck import __version__
from claimcheck import identifiers as ids
from claimcheck.check.findings import source_findings
from claimcheck.config import Settings
from claimcheck.evidence.claims import claim_results, quotes_left_alone
from claimcheck.evidence.findings import claim_findings
from claimcheck.lint import lint
from claimcheck.load.bib import Cited, aliases, load_bibliographies
from claimcheck.load.claims import Ledger, load_ledger, with_aliases
from claimcheck.models import (
    ClaimResult,
    ClaimStatus,
    Finding,
    Inputs,
    QuoteStatus,
    Report,
    Source,
    SourceStatus,
    Summary,
)
from claimcheck.severity import FailOn, Severity

if TYPE_CHECKING:
    from claimcheck.check.resolver import Resolver
    from claimcheck.pipeline import Listener

# Why an evidence item's quote was not looked for.
QUOTES_OFF = "quotes are not checked (--no-quotes)"
LINT_LEAVES_QUOTES = "lint does not check quotes: claimcheck verify does"


def run(
    settings: Settings,
    *,
    now: datetime,
    listener: Listener | None = None,
    resolver: Resolver | None = None,
    bibliography: Cited | None = None,
) -> Report:
    """Load the bibliography and ledger named by ``settings``, check them, and report.

    ``bibliography`` is the one ``settings`` names, when the caller has loaded it already.

    Without a ledger (``settings.claims`` None) the bibliography alone is checked: no ledger
    rule (CC1xx) applies, and the report's ``inputs.claims`` is null.

    Sources are fetched when ``settings.check_links`` is set (and archived unless
    ``settings.archive`` is off), or recalled from the last checks when ``settings.offline``;
    ``listener`` hears of each one as it is done; names are looked up with ``resolver``
    (default: the system's).
    """
    if bibliography is None:
        bibliography = load_bibliographies(settings.bib, encoding=settings.encoding)
    ledger = load_ledger(settings.claims) if settings.claims is not None else None
    if ledger is not None:
        ledger = with_aliases(ledger, aliases(bibliography.references))
    everything = lint(bibliography, ledger, today=now.date())
    sources = collect_sources(bibliography)
    unreachable = False
    if (settings.check_links or settings.offline) and sources:
        # Only a run that checks links imports the checker and the archive.
        from claimcheck.linkcheck import check

        checked = check(sources, settings, now=now, listener=listener, resolver=resolver)
        sources, unreachable = checked.sources, checked.network_unreachable
        everything += source_findings(sources, bibliography)
    claims = _claims(settings, ledger, bibliography, sources) if ledger is not None else ()
    if settings.check_links or settings.offline:
        # lint judges no evidence: its ledger rules (undefined-key, ...) say what it can.
        everything += claim_findings(claims)
    everything.sort(key=lambda f: (f.file, f.line or 0, f.column or 0, f.code))
    findings = tuple(f for f in everything if f.code not in settings.ignore)
    return Report(
        tool_version=__version__,
        generated_at=now,
        inputs=Inputs(
            bib=tuple(str(path) for path in settings.bib),
            claims=str(settings.claims) if settings.claims is not None else None,
        ),
        summary=_summary(
            bibliography, ledger, findings, sources, claims, len(everything), unreachable
        ),
        findings=findings,
        claims=claims,
        sources=sources,
    )


def collect_sources(bibliography: Cited) -> tuple[Source, ...]:
    """Every distinct cited URL and valid DOI, with the keys that cite it, in file order.

    A URL holding LaTeX's or markdown's escapes (``\\_``) is the address without them: the one
    its lint finding (url-markdown-escape) says to write, and the one its author meant.

    A URL that is invalid, or has a scheme other than http(s), has its row too, already
    ``invalid`` or ``skipped``: it is never fetched.
    """
    keys: dict[tuple[str, str], list[str]] = {}
    for reference in bibliography.references:
        url = ids.meant_url((reference.url or "").strip())
        if url and not ids.doi_in_url(url):
            keys.setdefault(("url", url), []).append(reference.key)
        doi = ids.normalise_doi(reference.doi or "") or ids.doi_in_url(url)
        if doi and ids.is_valid_doi(doi):
            keys.setdefault(("doi", doi), []).append(reference.key)
    return tuple(_source(kind, value, cited) for (kind, value), cited in keys.items())


def _source(kind: str, value: str, cited: list[str]) -> Source:
    source = Source(
        key=cited[0],
        keys=tuple(dict.fromkeys(cited)),
        kind="url" if kind == "url" else "doi",
        url=value if kind == "url" else f"https://doi.org/{value}",
        # A DOI is asked of the resolver's handle API (check/doi.py), not fetched as a page.
        doi=None if kind == "url" else value,
    )
    problem = ids.unfetchable(value) if kind == "url" else None
    if problem is None:
        return source
    return source.model_copy(
        update={"status": problem.status, "reason": problem.reason, "detail": problem.detail}
    )


def _claims(
    settings: Settings,
    ledger: Ledger,
    bibliography: Cited,
    sources: tuple[Source, ...],
) -> tuple[ClaimResult, ...]:
    """The claims judged: quotes searched when the run checks links (or recalls them offline)
    and quotes are on; else each claim from what is known of its sources alone."""
    checking = settings.check_links or settings.offline
    if checking and settings.quotes:
        # Only a run that checks quotes imports the matcher and opens the archive for it.
        from claimcheck.quotecheck import check_quotes

        return check_quotes(ledger, bibliography, sources, settings)
    why = QUOTES_OFF if checking else LINT_LEAVES_QUOTES
    return claim_results(ledger.claims, bibliography.by_key(), sources, quotes_left_alone(why))


def _summary(
    bibliography: Cited,
    ledger: Ledger | None,
    findings: tuple[Finding, ...],
    sources: tuple[Source, ...],
    claims: tuple[ClaimResult, ...],
    found: int,
    unreachable: bool,
) -> Summary:
    counts = Counter(finding.severity for finding in findings)
    statuses = Counter(source.status for source in sources)
    claim_statuses = Counter(claim.status for claim in claims)
    quotes = Counter(
        item.quote_status
        for claim in claims
        for item in claim.evidence
        if item.quote_status is not None
    )
    return Summary(
        references=len(bibliography.references),
        claims=len(ledger.claims) if ledger is not None else 0,
        evidence=sum(len(claim.evidence) for claim in ledger.claims) if ledger is not None else 0,
        sources=len(sources),
        findings={severity: counts.get(severity, 0) for severity in Severity},
        ignored_findings=found - len(findings),
        source_statuses={status: statuses[status] for status in SourceStatus if statuses[status]},
        claim_statuses={s: claim_statuses[s] for s in ClaimStatus if claim_statuses[s]},
        quote_statuses={status: quotes[status] for status in QuoteStatus if quotes[status]},
        network_unreachable=unreachable,
    )


def failed(report: Report, policy: FailOn) -> bool:
    """Whether any finding of the report fails the run under ``policy``."""
    return any(policy.fails(finding.severity) for finding in report.findings)
