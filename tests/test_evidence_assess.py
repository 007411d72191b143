"""The quote check against a real archive: which capture is searched, drift and its citation,
and a damaged stored text that costs one item its check, never the others'."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import timedelta
from pathlib import Path

from claimcheck.archive.index import ArchiveIndex
from claimcheck.archive.store import LocalArchive
from claimcheck.evidence.assess import QuoteJudge
from claimcheck.evidence.claims import claim_results
from claimcheck.models import (
    Claim,
    ClaimStatus,
    Evidence,
    Location,
    Memento,
    QuoteStatus,
    Reason,
    Reference,
    Snapshot,
    Source,
    SourceStatus,
)
from tests.test_archive_store import T0, exchange, keep, project

__all__ = ["project"]

URL = "https://news.example/visa"
HAD = "<html><body><p>China extends visa-free entry to 12 countries.</p></body></html>"
LACKS = "<html><body><p>The page was rewritten.</p></body></html>"
QUOTE = "China extends visa-free entry to 12 countries"


def reference(key: str = "xinhua") -> Reference:
    return Reference(
        key=key, entry_type="online", fields={}, url=URL, location=Location(file="r.bib")
    )


def evidence(quote: str = QUOTE, key: str = "xinhua") -> Evidence:
    return Evidence(source=key, quote=quote, location=Location(file="claims.yaml", line=5))


def claim(*items: Evidence) -> Claim:
    return Claim(id="c", text="A claim.", evidence=items, location=Location(file="claims.yaml"))


def checked_now(snapshot: Snapshot, status: SourceStatus = SourceStatus.ALIVE) -> Source:
    """The source as this run's check left it: checked, with the snapshot it archived."""
    return Source(
        key="xinhua",
        keys=("xinhua",),
        kind="url",
        url=URL,
        status=status,
        reason=Reason.OK if status is SourceStatus.ALIVE else Reason.NOT_FOUND,
        checked_at=snapshot.captured_at,
        snapshot=snapshot,
    )


def captured(project: tuple[Path, ArchiveIndex], *pages: str) -> list[Snapshot]:
    """Each page kept as a capture of URL, a day apart, in one archive."""
    folder, index = project
    archive = LocalArchive(folder, index)
    snapshots = [
        keep(archive, exchange(URL, body=page.encode(), at=T0 + timedelta(days=day)))[0]
        for day, page in enumerate(pages)
    ]
    archive.close()
    return snapshots


def judged(index: ArchiveIndex, source: Source, *items: Evidence) -> list[object]:
    (result,) = claim_results(
        [claim(*items)], {"xinhua": reference()}, [source], QuoteJudge(index, lambda _: None)
    )
    return [result.status, *result.evidence]


def test_a_quote_gone_since_an_earlier_snapshot_proposes_that_days_memento(
    project: tuple[Path, ArchiveIndex],
) -> None:
    _, second, third = captured(project, HAD, HAD.replace("12", "12 "), LACKS)
    index = project[1]
    memento = Memento(
        url="https://web.archive.org/web/20241123/https://news.example/visa",
        captured_at=second.captured_at + timedelta(hours=3),
        original=URL,
        http_status=200,
        via="cdx",
    )
    index.record_memento(URL, memento, T0)
    status, item = judged(index, checked_now(third), evidence())
    assert status is ClaimStatus.AT_RISK
    assert item.quote_status is QuoteStatus.DRIFTED
    assert item.drift.last_found == second.captured_at
    assert item.drift.first_missing == third.captured_at
    assert (item.drift.cite.kind, item.drift.cite.url) == ("wayback", memento.url)
    assert item.checked_in == "live"


def test_without_a_memento_of_that_day_the_snapshot_that_had_it_is_proposed(
    project: tuple[Path, ArchiveIndex],
) -> None:
    first, second = captured(project, HAD, LACKS)
    index = project[1]
    later = Memento(
        url="https://web.archive.org/web/20241130/https://news.example/visa",
        captured_at=second.captured_at + timedelta(days=7),
        original=URL,
        http_status=200,
        via="cdx",
    )
    index.record_memento(URL, later, T0)
    _, item = judged(index, checked_now(second), evidence())
    assert item.drift.cite.kind == "local"
    assert item.drift.cite.captured_at == first.captured_at


def test_a_dead_sources_quote_is_searched_in_the_last_page_before_this_run(
    project: tuple[Path, ArchiveIndex],
) -> None:
    first, error_page = captured(project, HAD, "<html><body>Page not found</body></html>")
    status, item = judged(project[1], checked_now(error_page, SourceStatus.DEAD), evidence())
    assert item.quote_status is QuoteStatus.FOUND
    assert item.checked_in == "2024-11-22T09:30:00Z"
    assert item.snapshot.captured_at == first.captured_at
    assert status is ClaimStatus.BROKEN  # dead, and best_copy (rescue) was not looked up here


def test_a_stored_text_that_inflates_without_end_unchecks_its_item_alone(
    project: tuple[Path, ArchiveIndex], tmp_path: Path
) -> None:
    (snapshot,) = captured(project, HAD)
    index = project[1]
    bomb = zlib.compress(b"a" * 100_000_000, 9)
    with sqlite3.connect(tmp_path / "claimcheck.sqlite3") as db:
        db.execute("UPDATE payloads SET text = ?", (bomb,))
    db.close()
    book = Evidence(source="book", quote="a quote", location=Location(file="claims.yaml"))
    (result,) = claim_results(
        [claim(evidence(), book)],
        {"xinhua": reference(), "book": reference("book").model_copy(update={"url": None})},
        [checked_now(snapshot)],
        QuoteJudge(index, lambda _: None),
    )
    damaged, printed = result.evidence
    assert damaged.quote_status is QuoteStatus.UNCHECKED
    assert "inflates past" in (damaged.detail or "")
    assert printed.detail == "the reference has no URL and no local copy (file field) to search"
