"""Locators read as pages, the pages of a text, and where a quote is looked for first."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.evidence.linked import LinkedFile
from claimcheck.evidence.local import read_local_copy
from claimcheck.evidence.locator import PageRange, pages_to_search, parse_locator
from claimcheck.evidence.pages import page_index, page_of, page_spans, roman_value
from tests.documents import make_labelled_pdf


@pytest.mark.parametrize(
    ("locator", "pages"),
    [
        ("p. 33", [PageRange(33, 33)]),
        ("p.33", [PageRange(33, 33)]),
        ("P. 33", [PageRange(33, 33)]),
        ("pp. 33-35", [PageRange(33, 35)]),
        ("pp. 33\u201335", [PageRange(33, 35)]),
        ("pp. 33--35", [PageRange(33, 35)]),
        ("page 33", [PageRange(33, 33)]),
        ("pages 33 to 35", [PageRange(33, 35)]),
        ("S. 33", [PageRange(33, 33)]),
        ("Seite 33", [PageRange(33, 33)]),
        ("p. 33f", [PageRange(33, 34)]),
        ("p. 33 f.", [PageRange(33, 34)]),
        ("33ff", [PageRange(33, None)]),
        ("pp. 33ff.", [PageRange(33, None)]),
        ("p. xii", [PageRange(12, 12, roman=True)]),
        ("pp. xii-xiv", [PageRange(12, 14, roman=True)]),
        ("33", [PageRange(33, 33)]),
        ("33-35", [PageRange(33, 35)]),
        ("pp. 233-50", [PageRange(233, 250)]),
        ("pp. 3, 5-7", [PageRange(3, 3), PageRange(5, 7)]),
        ("pp. 3 and 5", [PageRange(3, 3), PageRange(5, 5)]),
        ("p. 33, n. 4", [PageRange(33, 33)]),
        ("p. \uff13\uff13", [PageRange(33, 33)]),
    ],
)
def test_page_locators_are_read(locator: str, pages: list[PageRange]) -> None:
    assert parse_locator(locator) == tuple(pages)


@pytest.mark.parametrize(
    "locator",
    [
        "para. 4",
        "\u00a7 3",
        "ch. 2",
        "fig. 1",
        "table 2",
        "s. 3",  # a section, in British legal citation
        "xii",  # a roman numeral needs "p." to be a page
        "p. 0",
        "pp. 35-33",
        "pp. xii-3",
        "p.",
        "",
        "Kap. 3",
        "p. 1234567890",
    ],
)
def test_locators_that_are_not_pages_give_none(locator: str) -> None:
    assert parse_locator(locator) is None


@given(st.text())
def test_any_locator_is_read_without_raising(locator: str) -> None:
    pages = parse_locator(locator)

    assert pages is None or all(page.last is None or page.first <= page.last for page in pages)


@given(
    st.integers(1, 10**6).flatmap(lambda a: st.tuples(st.just(a), st.integers(a, 10**6))),
    st.sampled_from(["-", "\u2013", "\u2014", "--", " to ", " - "]),
    st.sampled_from(["pp. ", "pp.", "pages ", "p. ", ""]),
)
def test_page_range_gives_its_first_to_its_last_page(
    pages: tuple[int, int], dash: str, prefix: str
) -> None:
    first, last = pages

    assert parse_locator(f"{prefix}{first}{dash}{last}") == (PageRange(first, last),)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("i", 1), ("iv", 4), ("xii", 12), ("XIV", 14), ("xl", 40), ("mcmxc", 1990), ("iiii", None)],
)
def test_roman_numerals_are_valued(numeral: str, value: int | None) -> None:
    assert roman_value(numeral) == value


# Pages of a text -------------------------------------------------------------------------------

TEXT = "one\ftwo\fthree\ffour"


def test_pages_are_found_between_form_feeds() -> None:
    assert page_spans(TEXT) == ((0, 3), (4, 7), (8, 13), (14, 18))


def test_text_without_form_feed_is_one_page() -> None:
    assert page_spans("one\n\ntwo") == ((0, 8),)
    assert page_spans("") == ((0, 0),)


def test_each_offset_falls_on_its_page() -> None:
    spans = page_spans(TEXT)

    pages = [page_of(spans, None, offset) for offset in range(len(TEXT))]

    assert "".join(pages) == "111122223333334444"


def test_offsets_outside_the_text_fall_on_the_first_or_last_page() -> None:
    spans = page_spans(TEXT)

    assert (page_index(spans, -5), page_index(spans, 99)) == (0, 3)


def test_page_is_named_by_its_label() -> None:
    spans = page_spans(TEXT)

    assert page_of(spans, ["i", "ii", "1", "2"], TEXT.index("three")) == "1"
    assert page_of(spans, ["i", "ii"], TEXT.index("four")) == "4"


# Where to look first ---------------------------------------------------------------------------

LABELS = ["i", "ii", "1", "2"]


def search(locator: str, labels: list[str] | None = None) -> list[str]:
    pages = parse_locator(locator)
    assert pages is not None
    return [TEXT[start:end] for start, end in pages_to_search(page_spans(TEXT), labels, pages)]


def test_pages_named_are_searched_first_as_one_span() -> None:
    assert search("pp. 2-3") == ["two\fthree"]
    assert search("pp. 1, 3") == ["one", "three"]
    assert search("p. 2ff") == ["two\fthree\ffour"]


def test_printed_labels_name_the_pages() -> None:
    assert search("p. 2", LABELS) == ["four"]
    assert search("p. ii", LABELS) == ["two"]
    assert search("pp. 1ff", LABELS) == ["three\ffour"]


def test_page_without_a_label_is_counted_from_one() -> None:
    assert search("p. 3", LABELS) == ["three"]


def test_pages_the_document_lacks_give_nothing_to_search_first() -> None:
    assert search("p. 9") == []
    assert search("p. xii", LABELS) == []


def test_quote_found_off_its_locator_names_its_printed_page(tmp_path: Path) -> None:
    sentence = "China extends visa-free entry to 12 countries"
    pdf = make_labelled_pdf(["i", "ii", "a", "b", sentence], roman=2, first_arabic=233)
    (tmp_path / "article.pdf").write_bytes(pdf)
    read = read_local_copy(LinkedFile("article.pdf"), tmp_path)
    assert read.text is not None
    spans = page_spans(read.text)
    pages = parse_locator("p. 233")
    assert pages is not None

    first = [read.text[start:end] for start, end in pages_to_search(spans, read.page_labels, pages)]
    offset = read.text.index(sentence)

    assert first == ["a"]
    assert page_of(spans, read.page_labels, offset) == "235"
