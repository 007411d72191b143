"""Run the checks over a project's inputs and assemble the report."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from claimcheck import __version__
from claimcheck import identifiers as ids
from claimcheck.check.findings import source_findings
from claimcheck.config import Settings
from claimcheck.lint import lint
from claimcheck.load.bib import Cited, load_bibliographies
from claimcheck.load.claims import Ledger, load_ledger
from claimcheck.models import (
    ClaimResult,
    ClaimStatus,
    Finding,
    Inputs,
    Report,
    Source,
    SourceStatus,
    Summary,
)
from claimcheck.severity import FailOn, Severity

if TYPE_CHECKING:
    from claimcheck.check.resolver import Resolver
    from claimcheck.pipeline import Listener


def run(
    settings: Settings,
    *,
    now: datetime,
    listener: Listener | None = None,
    resolver: Resolver | None = None,
) -> Report:
    """Load the bibliography and ledger named by ``settings``, check them, and report.

    Without a ledger (``settings.claims`` None) the bibliography alone is checked: no ledger
    rule (CC1xx) applies, and the report's ``inputs.claims`` is null.

    Sources are fetched when ``settings.check_links`` is set (and archived unless
    ``settings.archive`` is off), or recalled from the last checks when ``settings.offline``;
    ``listener`` hears of each one as it is done; names are looked up with ``resolver``
    (default: the system's).
    """
    bibliography = load_bibliographies(settings.bib, encoding=settings.encoding)
    ledger = load_ledger(settings.claims) if settings.claims is not None else None
    everything = lint(bibliography, ledger, today=now.date())
    sources = collect_sources(bibliography)
    unreachable = False
    if (settings.check_links or settings.offline) and sources:
        # Only a run that checks links imports the checker and the archive.
        from claimcheck.linkcheck import check

        checked = check(sources, settings, now=now, listener=listener, resolver=resolver)
        sources, unreachable = checked.sources, checked.network_unreachable
        everything += source_findings(sources, bibliography)
    everything.sort(key=lambda f: (f.file, f.line or 0, f.column or 0, f.code))
    findings = tuple(f for f in everything if f.code not in settings.ignore)
    return Report(
        tool_version=__version__,
        generated_at=now,
        inputs=Inputs(
            bib=tuple(str(path) for path in settings.bib),
            claims=str(settings.claims) if settings.claims is not None else None,
        ),
        summary=_summary(bibliography, ledger, findings, sources, len(everything), unreachable),
        findings=findings,
        claims=claim_results(ledger, bibliography) if ledger is not None else (),
        sources=sources,
    )


def collect_sources(bibliography: Cited) -> tuple[Source, ...]:
    """Every distinct cited URL and valid DOI, with the keys that cite it, in file order.

    A URL that is invalid, or has a scheme other than http(s), has its row too, already
    ``invalid`` or ``skipped``: it is never fetched.
    """
    keys: dict[tuple[str, str], list[str]] = {}
    for reference in bibliography.references:
        url = (reference.url or "").strip()
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


def claim_results(ledger: Ledger, bibliography: Cited) -> tuple[ClaimResult, ...]:
    """Each claim with its evidence keys and what is known of its support."""
    known = bibliography.by_key()
    results = []
    for claim in ledger.claims:
        keys = tuple(dict.fromkeys(item.source for item in claim.evidence))
        backed = any(key in known for key in keys)
        results.append(
            ClaimResult(
                id=claim.id,
                text=claim.text,
                section=claim.section,
                tags=claim.tags,
                sources=keys,
                status=ClaimStatus.UNVERIFIED if backed else ClaimStatus.UNSUPPORTED,
                file=claim.location.file,
                line=claim.location.line,
            )
        )
    return tuple(results)


def _summary(
    bibliography: Cited,
    ledger: Ledger | None,
    findings: tuple[Finding, ...],
    sources: tuple[Source, ...],
    found: int,
    unreachable: bool,
) -> Summary:
    counts = Counter(finding.severity for finding in findings)
    statuses = Counter(source.status for source in sources)
    return Summary(
        references=len(bibliography.references),
        claims=len(ledger.claims) if ledger is not None else 0,
        evidence=sum(len(claim.evidence) for claim in ledger.claims) if ledger is not None else 0,
        sources=len(sources),
        findings={severity: counts.get(severity, 0) for severity in Severity},
        ignored_findings=found - len(findings),
        source_statuses={status: statuses[status] for status in SourceStatus if statuses[status]},
        network_unreachable=unreachable,
    )


def failed(report: Report, policy: FailOn) -> bool:
    """Whether any finding of the report fails the run under ``policy``."""
    return any(policy.fails(finding.severity) for finding in report.findings)
