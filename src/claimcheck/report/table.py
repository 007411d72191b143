"""The claims-to-sources table: its rows built from a report, and the formats that write it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from claimcheck.evidence.claims import sources_by_key
from claimcheck.models import (
    ArchivedCopy,
    ClaimResult,
    EvidenceResult,
    Reference,
    Report,
    Source,
    SourceStatus,
)
from claimcheck.sourcetable import SourceTable, TableRow

_YEAR = re.compile(r"\b(\d{4})\b")


@dataclass(frozen=True)
class TableOptions:
    """How the table is written: ``bom`` starts a CSV with a byte order mark."""

    bom: bool = False


class TableFormat(Protocol):
    """One format of the table: a name for --format, and a way to write the table."""

    name: str

    def render(self, table: SourceTable, options: TableOptions) -> str:
        """The whole table as text, ending in a newline."""
        ...


def table_formats() -> dict[str, TableFormat]:
    """Every format the table is written in, by the name --format takes."""
    from claimcheck.report.table_csv import CsvTable
    from claimcheck.report.table_json import JsonTable
    from claimcheck.report.table_latex import LatexTable
    from claimcheck.report.table_markdown import MarkdownTable
    from claimcheck.report.table_robust_links import RobustLinks

    found: list[TableFormat] = [
        CsvTable(),
        MarkdownTable(),
        JsonTable(),
        LatexTable(),
        RobustLinks(),
    ]
    return {fmt.name: fmt for fmt in found}


def source_table(report: Report, references: Iterable[Reference]) -> SourceTable:
    """The report's claims, one row per claim and evidence item, in ledger order; each
    reference's title, authors and year from ``references`` (the bibliography)."""
    by_key: dict[str, Reference] = {}
    for reference in references:
        by_key.setdefault(reference.key, reference)
    sources = sources_by_key(report.sources)
    rows = [row for claim in report.claims for row in _claim_rows(claim, by_key, sources)]
    return SourceTable(
        tool_version=report.tool_version, generated_at=report.generated_at, rows=tuple(rows)
    )


def _claim_rows(
    claim: ClaimResult, references: dict[str, Reference], sources: dict[str, Source]
) -> list[TableRow]:
    if not claim.evidence:
        return [_row(claim, None, None, None)]
    return [
        _row(claim, item, references.get(item.source), sources.get(item.source))
        for item in claim.evidence
    ]


def _row(
    claim: ClaimResult,
    item: EvidenceResult | None,
    reference: Reference | None,
    source: Source | None,
) -> TableRow:
    copy = archived_copy(item, source)
    doi = reference.doi if reference is not None else None
    url = reference.url if reference is not None else None
    if not url and source is not None:
        url = source.url
    year = _YEAR.search(reference.date or "") if reference is not None else None
    return TableRow(
        claim_id=claim.id,
        claim_text=claim.text,
        section=claim.section,
        tags=claim.tags,
        claim_status=claim.status,
        source_key=item.source if item is not None else None,
        stance=item.stance if item is not None else None,
        locator=item.locator if item is not None else None,
        source_title=reference.title if reference is not None else None,
        authors=reference.authors if reference is not None else (),
        year=year.group(1) if year else None,
        url=url or None,
        doi=doi or None,
        source_status=source.status if source is not None else None,
        source_reason=source.reason if source is not None else None,
        quote=item.quote if item is not None else None,
        quote_status=item.quote_status if item is not None else None,
        archived_url=copy.url if copy is not None else None,
        archived_date=copy.captured_at.date() if copy is not None else None,
        archived_kind=copy.kind if copy is not None else None,
    )


def archived_copy(item: EvidenceResult | None, source: Source | None) -> ArchivedCopy | None:
    """The copy to cite for an evidence item: the one its drifted quote names, else its
    source's rescue (a dead source's best copy), else its newest Wayback memento, else its
    newest local snapshot when that holds the page: a 2xx answer judged alive when it was
    captured, of a source neither dead nor blocked now (not the error page, catch-all page or
    sign-in page it was captured as)."""
    if item is not None and item.drift is not None:
        return item.drift.cite
    if source is None:
        return None
    if source.rescue is not None:
        return source.rescue
    if source.memento is not None:
        memento = source.memento
        return ArchivedCopy(kind="wayback", captured_at=memento.captured_at, url=memento.url)
    snapshot = source.snapshot
    if (
        snapshot is not None
        and snapshot.holds_the_page()
        and source.status not in {SourceStatus.DEAD, SourceStatus.BLOCKED}
    ):
        return ArchivedCopy(kind="local", captured_at=snapshot.captured_at, url=snapshot.url)
    return None


@dataclass(frozen=True)
class Column:
    """A column of the flat formats (CSV, markdown): its header and its cell as text."""

    header: str
    cell: Callable[[TableRow], str]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _joined(values: Sequence[str]) -> str:
    return "; ".join(values)


COLUMNS: tuple[Column, ...] = (
    Column("claim", lambda row: row.claim_id),
    Column("claim text", lambda row: row.claim_text),
    Column("section", lambda row: _text(row.section)),
    Column("tags", lambda row: _joined(row.tags)),
    Column("claim status", lambda row: row.claim_status.value),
    Column("source", lambda row: _text(row.source_key)),
    Column("stance", lambda row: _text(row.stance)),
    Column("locator", lambda row: _text(row.locator)),
    Column("title", lambda row: _text(row.source_title)),
    Column("authors", lambda row: _joined(row.authors)),
    Column("year", lambda row: _text(row.year)),
    Column("url or doi", lambda row: _text(row.url or row.doi)),
    Column("source status", lambda row: _text(row.source_status)),
    Column("reason", lambda row: _text(row.source_reason)),
    Column("quote", lambda row: _text(row.quote)),
    Column("quote status", lambda row: _text(row.quote_status)),
    Column("archived copy", lambda row: _text(row.archived_url)),
    Column("archived on", lambda row: _text(row.archived_date)),
    Column("archive", lambda row: _text(row.archived_kind)),
)
