"""The sources table's layout: URLs shortened in the middle, and which sources are listed."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rich.cells import cell_len

from claimcheck.models import Reason, Report, Source, SourceStatus
from claimcheck.report import RenderOptions, formats
from claimcheck.report.layout import ELLIPSIS, shorten_url
from tests.test_report import GOLDEN


@pytest.fixture
def seed_report() -> Report:
    """The bundled example's report as its golden file holds it (no run, no lock taken)."""
    return Report.model_validate_json((GOLDEN / "seed-verify.json").read_text(encoding="utf-8"))


@given(st.text(min_size=1), st.integers(min_value=1, max_value=200))
@example(text="0" * 19 + ELLIPSIS + "0" * 21, width=40)
def test_shortened_text_fits_and_keeps_its_start_and_end(text: str, width: int) -> None:
    shown = shorten_url(text, width)

    assert cell_len(shown) <= width
    if cell_len(text) <= width:
        assert shown == text
    else:
        # The text may hold an ellipsis of its own: one of those in what is shown is the cut.
        cuts = [place for place, character in enumerate(shown) if character == ELLIPSIS]
        assert any(
            text.startswith(shown[:place]) and text.endswith(shown[place + 1 :]) for place in cuts
        )


def test_shortened_url_keeps_its_site_and_the_end_of_its_path() -> None:
    url = "https://www.example.org/articles/2024/a-long-title-of-an-article-about-something"

    assert shorten_url(url, 40) == "https://www.example.org/…about-something"


def test_shortened_url_keeps_a_third_for_its_end_when_the_site_is_long() -> None:
    url = "https://a-very-long-host-name-of-some-university.example.edu/paper.pdf"

    assert shorten_url(url, 21) == "https://a-very…er.pdf"


def alive(n: int) -> Source:
    return Source(
        key=f"k{n}", keys=(f"k{n}",), kind="url", url=f"https://example.org/{n}",
        status=SourceStatus.ALIVE, reason=Reason.OK,
    )  # fmt: skip


def dead() -> Source:
    return Source(
        key="gone", keys=("gone",), kind="url", url="https://example.org/gone",
        status=SourceStatus.DEAD, reason=Reason.NOT_FOUND,
    )  # fmt: skip


def table_of(report: Report, count: int, *, all_sources: bool = False) -> str:
    sources = (*(alive(n) for n in range(count)), dead())
    changed = report.model_copy(update={"sources": sources, "claims": ()})
    options = RenderOptions(width=100, all_sources=all_sources)
    text = formats()["terminal"].render(changed, options)
    return text[text.index("Sources (") :]


def test_fifty_alive_sources_are_all_listed(seed_report: Report) -> None:
    text = table_of(seed_report, 50)

    assert "k49 " in text
    assert "not listed" not in text


def test_past_fifty_alive_sources_only_those_needing_attention_are_listed(
    seed_report: Report,
) -> None:
    text = table_of(seed_report, 51)

    assert "k0 " not in text
    assert "gone" in text
    assert "51 more not listed: 51 alive (--all lists every source)" in text


def test_all_sources_lists_every_alive_one(seed_report: Report) -> None:
    assert "k50 " in table_of(seed_report, 51, all_sources=True)


def test_quiet_report_shows_the_summary_and_only_failing_findings(seed_report: Report) -> None:
    text = formats()["terminal"].render(seed_report, RenderOptions(width=100, quiet=True))

    assert text.splitlines()[0].startswith("claimcheck 33 claims")
    assert "CC303" in text
    assert "CC207" not in text  # a warning
    assert "Sources (" not in text


def test_report_tables_fit_a_40_column_terminal(seed_report: Report) -> None:
    text = formats()["terminal"].render(seed_report, RenderOptions(width=40))

    tables = text[text.index("Sources (") :]
    assert max(map(len, tables.splitlines())) <= 40
