"""Finding quotes: exact, elided, fuzzy never on a claim's facts, the closest passage, excerpts."""

# The sources are CJK prose, whose punctuation ruff would flag as look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claimcheck.evidence.critical import critical_tokens
from claimcheck.evidence.match import (
    FUZZY_MIN_LENGTH,
    MAX_GAP,
    Match,
    Verdict,
    excerpt,
    find_quote,
    quote_parts,
)
from claimcheck.evidence.normalise import normalise

SOURCE = (
    "The State Council said on Monday that China extends visa-free entry to 12 countries,\n"
    "including France and Germany. About 8.19 million people travelled in 2023, up 40 per cent.\n"
    "The policy does not apply to diplomatic passports. Officials said the trial would run for "
    "one year and be reviewed afterwards."
)


def find(quote: str, source: str = SOURCE) -> Match:
    return find_quote(quote, normalise(source))


def test_exact_quote_is_found_with_its_span_in_the_original_text() -> None:
    match = find("China extends visa-free entry to 12 countries")

    assert match.verdict is Verdict.FOUND
    assert match.score == 1.0
    start, end = match.spans[0]
    assert SOURCE[start:end] == "China extends visa-free entry to 12 countries"


def test_quote_is_found_across_a_line_break_and_with_curly_quotes_around_it() -> None:
    match = find("“countries, including France and Germany.”")

    assert match.verdict is Verdict.FOUND
    start, end = match.spans[0]
    assert SOURCE[start:end] == "countries,\nincluding France and Germany"


def test_number_inside_a_longer_number_is_not_found() -> None:
    assert find("2 countries").verdict is Verdict.MISSING
    assert find("8.1 million").verdict is Verdict.MISSING
    assert find("19 million").verdict is Verdict.MISSING


def test_negative_number_does_not_confirm_the_positive_one() -> None:
    assert find("5 °C at night", "Temperatures fell to -5 °C at night.").verdict is Verdict.MISSING


def test_word_inside_a_longer_word_is_not_found() -> None:
    assert find("ten").verdict is Verdict.MISSING  # "often" is not "ten"
    assert find("year and be reviewed after").verdict is Verdict.MISSING


def test_empty_quote_or_only_punctuation_is_missing_without_a_passage() -> None:
    assert find(" … ").verdict is Verdict.MISSING
    assert find("").spans == ()


@pytest.mark.parametrize("ellipsis", ["...", "…", "[...]", "[…]", "[. . .]", ". . .", "(...)"])
def test_elided_quote_is_found_when_its_parts_are_in_order(ellipsis: str) -> None:
    match = find(f"China extends visa-free entry {ellipsis} 8.19 million people travelled")

    assert match.verdict is Verdict.FOUND
    assert len(match.spans) == 2


def test_elided_quote_with_parts_out_of_order_is_missing() -> None:
    assert find("8.19 million people … China extends visa-free entry").verdict is Verdict.MISSING


def test_elided_quote_with_parts_too_far_apart_is_missing() -> None:
    source = "The start of it. " + "filler words here " * (MAX_GAP // 10) + "The end of it."

    assert find("The start … The end of it", source).verdict is Verdict.MISSING
    assert find("The start … filler words", source).verdict is Verdict.FOUND


def test_leading_and_trailing_ellipses_are_ignored() -> None:
    assert quote_parts("… China extends visa-free entry …") == ["china extends visa-free entry"]


def test_long_quote_with_a_dropped_word_is_fuzzy_with_its_differences() -> None:
    match = find("Officials said the trial would run for one year and be reviewed afterwards")
    assert match.verdict is Verdict.FOUND

    match = find("Officials said that the trial would run for one year and be reviewed")

    assert match.verdict is Verdict.FUZZY
    assert match.score is not None
    assert 0.85 <= match.score < 1.0
    assert ("that", "") in match.differences
    assert not match.decisive


def test_long_quote_with_a_typo_is_fuzzy() -> None:
    match = find("The policy does not aply to diplomatic passports")

    assert match.verdict is Verdict.FUZZY
    assert match.differences == (("aply", "apply"),)


def test_short_quote_is_never_fuzzy() -> None:
    quote = "diplomatic pasports"
    assert len(quote) < FUZZY_MIN_LENGTH

    assert find(quote).verdict is Verdict.MISSING


@pytest.mark.parametrize(
    ("quote", "difference"),
    [
        ("About 8.91 million people travelled in 2023", ("8.91", "8.19")),
        ("About 8,19 million people travelled in 2023", ("8,19", "8.19")),
        ("About 8.19 billion people travelled in 2023", ("billion", "million")),
        ("About 8.19 million people travelled in 2022", ("2022", "2023")),
        ("8.19 million people travelled in 2023, up 40 dollars", ("dollars", "per")),
        ("China extends visa-free entry to 13 countries", ("13", "12")),
        ("The policy does apply to diplomatic passports", ("", "not")),
        ("The State Council said on Tuesday that China extends", ("tuesday", "monday")),
        ("would run for two years and be reviewed afterwards", ("two years", "one year")),
    ],
)
def test_near_match_differing_in_a_critical_token_is_missing_decisively(
    quote: str, difference: tuple[str, str]
) -> None:
    match = find(quote)

    assert match.verdict is Verdict.MISSING
    assert match.decisive
    assert match.spans
    assert difference in match.differences


def test_missing_quote_shows_the_closest_passage() -> None:
    match = find("The policy does apply to diplomatic passports")

    start, end = match.spans[0]
    assert SOURCE[start:end] == "The policy does not apply to diplomatic passports"
    assert match.score is not None
    assert match.score > 0.85


def test_quote_like_nothing_in_the_text_has_no_closest_passage() -> None:
    match = find("Penguins waddle across the frozen Antarctic ice shelf")

    assert match == Match(Verdict.MISSING, None, (), (), False)


def test_chinese_quote_is_matched_character_by_character() -> None:
    source = "自2023年12月1日起，中国对法国、德国等六国持普通护照人员试行单方面免签政策。"

    assert find("中国对法国、德国等六国持普通护照人员", source).verdict is Verdict.FOUND
    assert find("中国对法国、德国等六国持普通护照人員试行", source).verdict is Verdict.FUZZY
    negated = find("中国对法国、德国等六国持普通护照人员不试行", source)
    assert negated.verdict is Verdict.MISSING
    assert negated.decisive


def test_excerpt_gives_context_cut_at_words_with_whitespace_shown_as_one_space() -> None:
    normalised = normalise(SOURCE)
    match = find_quote("including France and Germany", normalised)

    before, matched, after = excerpt(normalised, match.spans, context=20)

    assert (before, matched, after) == (
        "to 12 countries, ",
        "including France and Germany",
        ". About 8.19 million",
    )


def test_excerpt_joins_an_elided_quotes_parts() -> None:
    normalised = normalise(SOURCE)
    match = find_quote("The policy … run for one year", normalised)

    assert excerpt(normalised, match.spans, context=0) == (
        "",
        "The policy … run for one year",
        "",
    )


def test_excerpt_of_no_spans_is_empty() -> None:
    assert excerpt(normalise(SOURCE), ()) == ("", "", "")


def test_critical_tokens_tell_numbers_apart_by_digits_and_separators() -> None:
    tokens = critical_tokens(normalise("8.19 million, 8,19 and 8.91; 40% or 40 per cent").text)

    assert tokens == {"8.19": 1, "million": 1, "8,19": 1, "8.91": 1, "40": 2, "%": 2}


@pytest.mark.parametrize(
    ("passage", "token"),
    [
        ("it did not", "not"),
        ("it didn't", "not"),
        ("we cannot", "not"),
        ("never again", "never"),
        ("without a visa", "without"),
        ("免签不超过", "不"),
        ("没有签证", "没"),
        ("尚未实施", "未"),
        ("받지 않았다", "않"),
        ("비자 없이", "없"),
        ("含まれていない", "ない"),
        ("導入しません", "ません"),
        ("5 km", "km"),
        ("12km", "km"),
        ("15天", "天"),
        ("2023年", "年"),
        ("12월", "월"),
        ("$5", "$"),
        ("100 yuan", "yuan"),
        ("in March", "march"),
        ("二〇二五", "二〇二五"),
    ],
)
def test_critical_tokens_cover_negation_units_currency_and_dates(passage: str, token: str) -> None:
    assert token in critical_tokens(normalise(passage).text)


# Properties ------------------------------------------------------------------------------------

WORDS = [
    "visa",
    "entry",
    "policy",
    "the",
    "of",
    "countries",
    "travel",
    "border",
    "ministry",
    "said",
    "trial",
    "citizens",
    "中国",
    "免签",
    "정부",
    "발표",
    "ビザ",
    "導入",
]
numbers = st.integers(0, 99_999).map(str) | st.floats(0, 1000, allow_nan=False).map(
    lambda value: f"{value:.2f}"
)
tokens = st.sampled_from(WORDS) | numbers
source_texts = st.lists(tokens, min_size=12, max_size=80)


@given(source_texts, st.data())
@settings(max_examples=200, deadline=None)
def test_a_quote_cut_from_a_text_is_always_found(words: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    text = " ".join(words)
    quote = " ".join(words[start:end])

    assert find(quote, text).verdict is Verdict.FOUND


@given(source_texts, st.data())
@settings(max_examples=200, deadline=None)
def test_a_quote_with_one_digit_changed_is_never_found_nor_fuzzy(
    words: list[str], data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    text = " ".join(words)
    quote = " ".join(words[start:end])
    digits = [index for index, char in enumerate(quote) if char.isdigit()]
    assume(digits)
    at = data.draw(st.sampled_from(digits))
    new = data.draw(st.sampled_from([digit for digit in "0123456789" if digit != quote[at]]))
    changed = quote[:at] + new + quote[at + 1 :]
    # The changed quote may happen to be elsewhere in the text, as a whole number.
    assume(f" {changed} " not in f" {text} ")

    assert find(changed, text).verdict is Verdict.MISSING


def test_editorial_brackets_are_read_as_scholars_write_them() -> None:
    page = "It will open in May, the mayor said. The goverment agreed on Monday."

    assert find("[I]t will open in May", page).verdict is Verdict.FOUND
    assert find("The goverment [sic!] agreed", page).verdict is Verdict.FOUND
    assert find("[The bridge] will open in May", page).verdict is Verdict.FOUND
    assert find("[The bridge] will close in May", page).verdict is Verdict.MISSING
    assert find("The government [sic] agreed", page).verdict is not Verdict.FOUND


def test_elided_parts_found_out_of_order_are_missing_with_no_score() -> None:
    found = find("the mayor said ... It will open in May", "It will open in May, the mayor said.")

    assert (found.verdict, found.score) == (Verdict.MISSING, None)
