"""The review page's extras read from a real project database: each item's source text with
its passage marked, each source's check history, and damage that costs the extras alone."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from claimcheck import review
from claimcheck.check.cache import SqliteCache
from claimcheck.config import Settings
from claimcheck.evidence.match import excerpt
from claimcheck.evidence.normalise import normalise
from claimcheck.models import Excerpt, QuoteStatus, Reason, Report, Source, SourceStatus
from claimcheck.project import database
from claimcheck.report.review import render_review
from claimcheck.review import gather_extras, locate, window
from tests.servers import HostFactory, html_page
from tests.test_cli_evidence import bib, ledger, news_host, project, verify_json

QUOTE = "China extends visa-free entry to 12 countries"
T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def verified(folder: Path, *args: str) -> Report:
    _, report = verify_json(folder, *args)
    return Report.model_validate(report)


def settings_of(folder: Path) -> Settings:
    """The settings verify ran with in ``folder`` (its cache folder is relative to it)."""
    return Settings(cache_dir=folder / ".claimcheck")


def news_project(hosts: HostFactory, tmp_path: Path, *quotes: str) -> tuple[Path, str]:
    host = news_host(hosts)
    claims = [(f"c{n}", "xinhua", quote, "supports") for n, quote in enumerate(quotes)]
    folder = project(
        tmp_path, bib(("xinhua", f"  url = {{{host.url('/news')}}},\n")), ledger(*claims)
    )
    return folder, host.url("/news")


def report_citing(url: str) -> Report:
    """A report of one claim whose one evidence item cites ``url``, searched in no capture."""
    source = Source(key="k", keys=("k",), kind="url", url=url)
    return Report.model_validate(
        {
            "tool_version": "0",
            "generated_at": T0,
            "inputs": {"bib": ["references.bib"], "claims": "claims.yaml"},
            "summary": {"references": 1, "claims": 1, "evidence": 1, "sources": 1, "findings": {}},
            "findings": [],
            "claims": [
                {
                    "id": "c",
                    "text": "A claim.",
                    "section": None,
                    "tags": [],
                    "sources": ["k"],
                    "status": "unverified",
                    "evidence": [
                        {
                            "source": "k",
                            "quote": None,
                            "locator": None,
                            "stance": "supports",
                            "source_status": "unchecked",
                            "quote_status": None,
                        }
                    ],
                    "file": "claims.yaml",
                    "line": 2,
                }
            ],
            "sources": [source.model_dump()],
        }
    )


def test_the_quote_is_marked_in_the_text_of_the_capture_verify_searched(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder, url = news_project(hosts, tmp_path, QUOTE, "Foreign nationals made 8.19 million")
    report = verified(folder)
    extras = gather_extras(settings_of(folder), report)
    found, closest = extras.texts[(0, 0)], extras.texts[(1, 0)]
    assert [found.text[a:b] for a, b in found.marks] == [QUOTE]
    assert found.marked == "quote"
    assert found.whole
    assert found.captured_at == report.claims[0].evidence[0].snapshot.captured_at  # type: ignore[union-attr]
    assert closest.marked == "closest"
    assert "8.91 million" in closest.text[closest.marks[0][0] : closest.marks[-1][1]]
    (check,) = extras.histories[url].checks
    assert (check.status, check.reason, check.http_status) == (SourceStatus.ALIVE, Reason.OK, 200)
    page = render_review(report, extras)
    assert f'<mark class="quote">{QUOTE}</mark>' in page
    assert '<mark class="closest">' in page


def test_a_drifted_quote_is_marked_in_the_last_snapshot_that_had_it(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = project(
        tmp_path,
        bib(("xinhua", f"  url = {{{host.url('/news')}}},\n")),
        ledger(("c0", "xinhua", QUOTE, "supports")),
    )
    verified(folder)
    host.route("/news", html_page("Visa news", "<p>The page was rewritten.</p>"))
    report = verified(folder, "--max-age", "0s")
    item = report.claims[0].evidence[0]
    assert item.quote_status is QuoteStatus.DRIFTED
    assert item.drift is not None
    text = gather_extras(settings_of(folder), report).texts[(0, 0)]
    assert text.captured_at == item.drift.last_found
    assert [text.text[a:b] for a, b in text.marks] == [QUOTE]
    assert "the last that had the quote" in render_review(
        report, gather_extras(settings_of(folder), report)
    )


def test_history_lists_the_newest_checks_first_and_counts_the_older(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path)
    url = "https://news.example/visa"
    with SqliteCache(database(settings)) as cache:
        cache.record(
            [
                Source(
                    key="k",
                    keys=("k",),
                    kind="url",
                    url=url,
                    status=SourceStatus.DEAD if day % 2 else SourceStatus.ALIVE,
                    reason=Reason.NOT_FOUND if day % 2 else Reason.OK,
                    checked_at=T0 + timedelta(days=day),
                )
                for day in range(review.HISTORY_CHECKS + 5)
            ]
        )
    history = gather_extras(settings, report_citing(url)).histories[url]
    assert len(history.checks) == review.HISTORY_CHECKS
    assert history.older == 5
    newest = history.checks[0]
    assert newest.checked_at == T0 + timedelta(days=review.HISTORY_CHECKS + 4)
    assert [c.checked_at for c in history.checks] == sorted(
        (c.checked_at for c in history.checks), reverse=True
    )


def test_a_damaged_database_costs_the_extras_not_the_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(cache_dir=tmp_path)
    database(settings).write_bytes(b"this is no SQLite database\x00" * 100)
    report = report_citing("https://news.example/visa")
    with caplog.at_level(logging.WARNING):
        extras = gather_extras(settings, report)
    (note,) = extras.notes
    assert "could not be read" in note
    assert (extras.texts, extras.histories) == ({}, {})
    assert "no source texts or check histories" in caplog.text
    assert "could not be read" in render_review(report, extras)


def test_without_a_database_none_is_made_and_the_page_says_so(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path)
    extras = gather_extras(settings, report_citing("https://news.example/visa"))
    assert "is not there" in extras.notes[0]
    assert not database(settings).exists()


def test_a_damaged_stored_text_costs_its_item_alone(hosts: HostFactory, tmp_path: Path) -> None:
    import sqlite3

    folder, _ = news_project(hosts, tmp_path, QUOTE)
    report = verified(folder)
    settings = settings_of(folder)
    with sqlite3.connect(database(settings)) as db:
        db.execute("UPDATE payloads SET text = ?", (b"not zlib",))
    db.close()
    extras = gather_extras(settings, report)
    assert extras.texts == {}
    assert "could not be read" in extras.text_notes[(0, 0)]
    assert extras.histories


def test_texts_past_the_pages_budget_are_left_out_with_a_note(
    hosts: HostFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = news_project(hosts, tmp_path, QUOTE, QUOTE)
    report = verified(folder)
    text = gather_extras(settings_of(folder), report).texts[(0, 0)].text
    monkeypatch.setattr(review, "PAGE_TEXTS", len(text) + 1)
    extras = gather_extras(settings_of(folder), report)
    assert list(extras.texts) == [(0, 0)]
    assert "at most" in extras.text_notes[(1, 0)]


# Finding the passage again -----------------------------------------------------------------------


def test_an_excerpts_passage_is_found_after_its_context_not_at_an_earlier_copy() -> None:
    text = "a cat sat, it began. Then: a cat\n  sat, said the  report."
    spans = locate(text, Excerpt(before="Then: ", match="a cat sat,", after=" said the report."))
    assert spans == ((27, 39),)


def test_each_part_of_an_elided_passage_is_found_in_order() -> None:
    text = "Visa-free entry grew. Later, after much debate, it reached 12 countries."
    passage = Excerpt(before="", match="Visa-free entry grew. … it reached 12 countries.", after="")
    assert [text[a:b] for a, b in locate(text, passage)] == [
        "Visa-free entry grew.",
        "it reached 12 countries.",
    ]


def test_a_passage_not_in_the_text_marks_nothing() -> None:
    assert locate("Nothing here.", Excerpt(before="", match="elsewhere", after="")) == ()


_WORDS = st.text(alphabet="ab \n\t中.", min_size=1, max_size=300)


@given(text=_WORDS, data=st.data())
def test_any_excerpt_of_a_text_is_found_again_in_it(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    before, match, after = excerpt(normalise(text), [(start, end)], 20)
    spans = locate(text, Excerpt(before=before, match=match, after=after))
    assert spans
    (found,) = spans
    assert " ".join(text[found[0] : found[1]].split()) == match


def test_a_long_text_is_cut_around_its_passage() -> None:
    text = "x" * 1000 + "QUOTE" + "y" * 1000
    kept, start, marks = window(text, ((1000, 1005),), 101)
    assert len(kept) == 101
    assert [kept[a:b] for a, b in marks] == ["QUOTE"]
    assert start == 1000 - 48
    assert window(text, (), 10) == ("x" * 10, 0, ())
    assert window("short", ((0, 5),), 10) == ("short", 0, ((0, 5),))


def test_a_passage_longer_than_the_window_is_marked_as_far_as_it_goes() -> None:
    kept, start, marks = window("a" * 50 + "b" * 100 + "c" * 50, ((50, 150),), 20)
    assert (len(kept), marks) == (20, ((0, 20),))
    assert start == 90
