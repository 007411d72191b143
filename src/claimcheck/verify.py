"""Run the checks over a project's inputs and assemble the report."""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, closing, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from claimcheck import __version__
from claimcheck import identifiers as ids
from claimcheck.archive.index import ArchiveIndex
from claimcheck.archive.lock import ProjectLock
from claimcheck.archive.recall import from_last_checks, with_archive
from claimcheck.archive.reindex import rebuild
from claimcheck.archive.store import ARCHIVE_FOLDER, LocalArchive
from claimcheck.archive.warc import WARC_PATTERN
from claimcheck.check.cache import SqliteCache
from claimcheck.check.database import database_error
from claimcheck.check.findings import source_findings
from claimcheck.check.resolver import Resolver
from claimcheck.config import FailOn, Settings
from claimcheck.lint import lint
from claimcheck.load.bib import Bibliography, load_bibliography
from claimcheck.load.claims import Ledger, load_ledger
from claimcheck.models import (
    ClaimResult,
    ClaimStatus,
    Finding,
    Inputs,
    Report,
    Severity,
    Source,
    SourceStatus,
    Summary,
)
from claimcheck.pipeline import CheckRun, Listener, run_checks
from claimcheck.statefiles import unwritable

CACHE_FILE = "claimcheck.sqlite3"
LOG = logging.getLogger(__name__)
_Opened = TypeVar("_Opened", SqliteCache, ArchiveIndex)


def run(
    settings: Settings,
    *,
    now: datetime,
    listener: Listener | None = None,
    resolver: Resolver | None = None,
) -> Report:
    """Load the bibliography and ledger named by ``settings``, check them, and report.

    Sources are fetched when ``settings.check_links`` is set (and archived unless
    ``settings.archive`` is off), or recalled from the last checks when ``settings.offline``;
    ``listener`` hears of each one as it is done; names are looked up with ``resolver``
    (default: the system's).
    """
    bibliography = load_bibliography(settings.bib, encoding=settings.encoding)
    ledger = load_ledger(settings.claims)
    everything = lint(bibliography, ledger, today=now.date())
    sources = collect_sources(bibliography)
    unreachable = False
    if (settings.check_links or settings.offline) and sources:
        checked = check(sources, settings, now=now, listener=listener, resolver=resolver)
        sources, unreachable = checked.sources, checked.network_unreachable
        everything += source_findings(sources, bibliography)
    everything.sort(key=lambda f: (f.file, f.line or 0, f.column or 0, f.code))
    findings = tuple(f for f in everything if f.code not in settings.ignore)
    return Report(
        tool_version=__version__,
        generated_at=now,
        inputs=Inputs(bib=str(settings.bib), claims=str(settings.claims)),
        summary=_summary(bibliography, ledger, findings, sources, len(everything), unreachable),
        findings=findings,
        claims=claim_results(ledger, bibliography),
        sources=sources,
    )


def check(
    sources: tuple[Source, ...],
    settings: Settings,
    *,
    now: datetime,
    listener: Listener | None = None,
    resolver: Resolver | None = None,
) -> CheckRun:
    """Check ``sources``, archiving what is fetched, and recall what the archive knows.

    Offline, nothing is fetched: each source is as its last check found it. Either way each
    source carries its newest snapshot and memento, and a dead one its best archived copy;
    without the cache and the archive (``no_cache``, ``archive`` off), the project's database
    is not opened at all.
    """
    uses_database = settings.archive or settings.offline or not settings.no_cache
    with ExitStack() as stack:
        local = None
        if settings.archive and not settings.offline:
            # The lock first: a second run is refused before it touches the database.
            local = stack.enter_context(open_archive(settings, "verify"))
        elif uses_database:
            recover_index(settings)
        cache = None if settings.no_cache else stack.enter_context(open_cache(settings))
        if settings.offline:
            index = open_index(settings) if database(settings).exists() else None
            if index is not None:
                stack.callback(index.close)
            recalled = from_last_checks(sources, cache, now) if cache else sources
            return CheckRun(with_archive(recalled, index) if index else recalled, False)
        result = run_checks(
            sources,
            settings.check_options(),
            cache=cache,
            max_age=settings.max_age,
            listener=listener,
            resolver=resolver,
            archive=local,
        )
        if local is not None:
            local.commit()
            return CheckRun(with_archive(result.sources, local.index), result.network_unreachable)
        if uses_database and database(settings).exists():
            index = stack.enter_context(closing(open_index(settings)))
            return CheckRun(with_archive(result.sources, index), result.network_unreachable)
        return result


def database(settings: Settings) -> Path:
    """The project's database: check results and the archive's index."""
    return settings.cache_dir / CACHE_FILE


@contextmanager
def open_cache(settings: Settings) -> Iterator[SqliteCache]:
    """The check-result cache, closed afterwards."""
    cache = _opened(SqliteCache, settings)
    try:
        yield cache
    finally:
        cache.close()


def open_index(settings: Settings, *, recover: bool = True) -> ArchiveIndex:
    """The archive's index in the project's database (rebuilt first if the database is lost,
    unless ``recover`` is off)."""
    if recover:
        recover_index(settings)
    return _opened(ArchiveIndex, settings)


def recover_index(settings: Settings, *, locked: bool = False) -> None:
    """When the database is missing but WARC files are there, rebuild the index from them.

    The project lock is taken for it, unless the caller holds it (``locked``).
    """
    if database(settings).exists() or not _has_warc_files(settings):
        return
    if not locked:
        with ProjectLock(settings.cache_dir, "archive reindex"):
            recover_index(settings, locked=True)
        return
    with closing(_opened(ArchiveIndex, settings)) as index:
        rebuilt = rebuild(settings.cache_dir / ARCHIVE_FOLDER, index)
    LOG.warning(
        "%s was missing: the archive's index was rebuilt from %d WARC files (%d captures)",
        database(settings),
        rebuilt.files,
        rebuilt.captures,
    )
    for note in rebuilt.notes:
        LOG.warning("%s", note)


def _has_warc_files(settings: Settings) -> bool:
    folder = settings.cache_dir / ARCHIVE_FOLDER
    return folder.is_dir() and any(folder.glob(WARC_PATTERN))


@contextmanager
def open_archive(settings: Settings, purpose: str) -> Iterator[LocalArchive]:
    """The local archive, with the project lock held; committed and closed afterwards."""
    with ProjectLock(settings.cache_dir, purpose):
        recover_index(settings, locked=True)
        with closing(_opened(ArchiveIndex, settings)) as index:
            archive = LocalArchive(settings.cache_dir / ARCHIVE_FOLDER, index)
            try:
                yield archive
            finally:
                archive.close()


def _opened(kind: type[_Opened], settings: Settings) -> _Opened:
    """The store ``kind`` in the project's database. A new or older database is brought up
    to date first, with the project lock held: this run's, or taken for it once another
    run (an older claimcheck, perhaps) lets go of it."""
    path = database(settings)

    def upgrading() -> AbstractContextManager[object]:
        if ProjectLock.held(settings.cache_dir):
            return nullcontext()
        return ProjectLock(settings.cache_dir, "database upgrade", LOG.warning, exclusive=True)

    try:
        return kind(path, upgrading=upgrading)
    except OSError as error:
        raise unwritable(path, error) from None
    except sqlite3.Error as error:
        raise database_error(path, error) from None


def collect_sources(bibliography: Bibliography) -> tuple[Source, ...]:
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


def claim_results(ledger: Ledger, bibliography: Bibliography) -> tuple[ClaimResult, ...]:
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
    bibliography: Bibliography,
    ledger: Ledger,
    findings: tuple[Finding, ...],
    sources: tuple[Source, ...],
    found: int,
    unreachable: bool,
) -> Summary:
    counts = Counter(finding.severity for finding in findings)
    statuses = Counter(source.status for source in sources)
    return Summary(
        references=len(bibliography.references),
        claims=len(ledger.claims),
        evidence=sum(len(claim.evidence) for claim in ledger.claims),
        sources=len(sources),
        findings={severity: counts.get(severity, 0) for severity in Severity},
        ignored_findings=found - len(findings),
        source_statuses={status: statuses[status] for status in SourceStatus if statuses[status]},
        network_unreachable=unreachable,
    )


def failed(report: Report, policy: FailOn) -> bool:
    """Whether any finding of the report fails the run under ``policy``."""
    return any(policy.fails(finding.severity) for finding in report.findings)
