"""Normalisation of quotes and source texts: each fold, the map back to the original text."""

# The cases are the look-alike characters the normalisation exists for.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claimcheck.evidence.normalise import normalise


def norm(text: str) -> str:
    return normalise(text).text


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        pytest.param("Visa-Free ENTRY", "visa-free entry", id="case-folding"),
        pytest.param("Straße", "strasse", id="case-folding-expands-sharp-s"),
        pytest.param("ΟΔΟΣ", "οδοσ", id="case-folding-final-sigma"),
        pytest.param("ﬁnal ﬂow", "final flow", id="ligatures"),
        pytest.param("ＡＢＣ１２３％", "abc123%", id="full-width-forms"),
        pytest.param("ｶﾞｲﾄﾞ", "ガイド", id="half-width-katakana-with-voiced-marks"),
        pytest.param("a\u00a0b\u202fc\u3000d\u2009e", "a b c d e", id="no-break-and-wide-spaces"),
        pytest.param("a \t\n\r\n  b", "a b", id="whitespace-runs"),
        pytest.param("evi\u00addence", "evidence", id="soft-hyphen"),
        pytest.param("visa\u200bfree", "visa free", id="zero-width-space"),
        pytest.param("a\u200cb\u200dc\u2060d\ufeffe", "abcde", id="joiners-and-bom"),
        pytest.param("‘single’ ‚low‛ “double” „low‟ «guillemets» ‹one›", None, id="quotes"),
        pytest.param("「括弧」『二重』", "'括弧''二重'", id="cjk-quotation-brackets"),
        pytest.param(
            'He said "a turning point"', "he said 'a turning point'", id="double-as-single"
        ),
        pytest.param(
            "don´t won\u02bct it\u2032s don`t",
            "don't won't it's don't",
            id="apostrophe-look-alikes",
        ),
        pytest.param("a‐b‑c‒d–e—f―g−h﹘i﹣j－k", "a-b-c-d-e-f-g-h-i-j-k", id="dashes-and-minus"),
        pytest.param("wait… what", "wait... what", id="ellipsis-character"),
        pytest.param("&amp; &#8217; &#x2019; &lt;b&gt;", "& ' ' <b>", id="character-references"),
        pytest.param("&amp;amp; &AMP;", "& &", id="references-escaped-twice"),
        pytest.param("AT&T R&D &copy2020", "at&t r&d &copy2020", id="ampersands-in-running-text"),
        pytest.param("evi-\ndence", "evidence", id="hyphenated-line-break"),
        pytest.param("evi-  \n  dence", "evidence", id="hyphenated-line-break-with-spaces"),
        pytest.param("evi\u00ad\ndence", "evidence", id="soft-hyphen-line-break"),
        pytest.param("Franco-\nGerman", "franco-german", id="capital-after-break-keeps-hyphen"),
        pytest.param("2019-\n2020", "2019-2020", id="digits-keep-hyphen"),
        pytest.param("Rules -- old ones --- stay", "rules-old ones-stay", id="double-dashes"),
        pytest.param("entries\n12\f13\ninto", "entries into", id="running-page-numbers"),
        pytest.param("a table\n2024\nrow\fnext 12", "a table 2024 row next 12", id="numbers-kept"),
        pytest.param(
            "Rules — old — stay, 2010 - 2015", "rules-old-stay, 2010-2015", id="spaced-dashes"
        ),
        pytest.param("cafe\u0301", "café", id="combining-acute-composed"),
        pytest.param("か\u3099", "が", id="japanese-voiced-mark-composed"),
        pytest.param("\u1100\u1161\u11a8", "각", id="hangul-jamo-composed"),
        pytest.param("中国对法国免签", "中国对法国免签", id="chinese-unchanged"),
        pytest.param("무비자 입국", "무비자 입국", id="korean-unchanged"),
        pytest.param("外国人\n入境人次 同比", "外国人入境人次同比", id="chinese-spaces-dropped"),
        pytest.param(
            "日本政府は\u200b入国制限", "日本政府は入国制限", id="japanese-zero-width-space"
        ),
        pytest.param(
            "中国 visa 免签, 增至 12 个", "中国visa免签, 增至12个", id="space-beside-latin-dropped"
        ),
    ],
)
def test_each_normalisation(given_text: str, expected: str | None) -> None:
    if expected is None:
        expected = "'single' 'low' 'double' 'low' 'guillemets' 'one'"
    assert norm(given_text) == expected


def test_decomposed_and_composed_text_normalise_alike() -> None:
    assert norm("Cafe\u0301 a\u0308") == norm("Café ä")


def test_spaces_at_the_ends_are_kept_as_one() -> None:
    assert norm("\n\n  quote \t") == " quote "


def test_a_span_maps_back_to_the_original_text() -> None:
    original = "The  Ministry’s\n“visa-free” policy: evi-\ndence &amp; more"
    normalised = normalise(original)
    start = normalised.text.index("ministry's")
    end = normalised.text.index("evidence") + len("evidence")

    mapped = normalised.to_original(start, end)

    assert original[mapped[0] : mapped[1]] == "Ministry’s\n“visa-free” policy: evi-\ndence"


def test_an_expanded_character_maps_back_whole() -> None:
    normalised = normalise("Straße")
    start = normalised.text.index("ss")

    assert normalised.to_original(start, start + 1) == (4, 5)


def test_an_empty_span_maps_to_a_position() -> None:
    assert normalise("a\u00adb").to_original(1, 1) == (2, 2)


def test_a_five_megabyte_text_normalises_as_its_lines_do_one_by_one() -> None:
    # How fast is benchmarks/bench_evidence.py's to say (about 0.2 s here): this holds that a
    # text of that size is normalised whole, alike in every part, and maps back exactly.
    line = "Visa–free “entry” for 12 countries.\n中国对法国免签。무비자 입국. ﬁ Straße "
    text = line * 70_000
    normalised = normalise(text)
    one = normalise(line).text.strip()
    assert normalised.text.strip() == " ".join([one] * 70_000)
    last = normalised.text.rindex("strasse")
    start, end = normalised.to_original(last, last + len("strasse"))
    assert text[start:end] == "Straße"


# Properties --------------------------------------------------------------------------------

# Characters the normalisation changes, by kind, and plain ones.
IRREGULAR = [
    "\u00a0",
    "\u202f",
    "\u3000",
    "\u200b",
    "\u00ad",
    "\u200d",
    "\ufeff",
    "\n",
    "\t",
    " ",
    "  ",
    "’",
    "“",
    "—",
    "−",
    "…",
    "ﬁ",
    "ß",
    "İ",
    "Ａ",
    "ｶﾞ",
    "&amp;",
    "&#8217;",
    "&amp;amp;",
    "e\u0301",
    "か\u3099",
    "\u1100\u1161",
    "-\n",
    "´",
]
PLAIN = list("abcXYZ019 .,-中国한국かな")
# Characters that never expand, so that every span of the normalised text maps back exactly.
NOT_EXPANDING = [
    "\u00a0",
    "\u3000",
    "\u200b",
    "\u00ad",
    "\n",
    "  ",
    "’",
    "“",
    "—",
    "&amp;",
    "&#8217;",
    "e\u0301",
    "か\u3099",
    "-\n",
]

texts = st.lists(st.sampled_from(PLAIN + IRREGULAR), max_size=40).map("".join)
plain_texts = st.lists(st.sampled_from(PLAIN + NOT_EXPANDING), max_size=40).map("".join)


@given(texts)
@settings(max_examples=300, deadline=None)
def test_normalising_twice_is_normalising_once(text: str) -> None:
    once = norm(text)
    assert norm(once) == once


@given(plain_texts, st.data())
@settings(max_examples=300, deadline=None)
def test_any_span_maps_back_to_original_text_that_normalises_to_it(
    text: str, data: st.DataObject
) -> None:
    normalised = normalise(text)
    end = data.draw(st.integers(0, len(normalised.text)))
    start = data.draw(st.integers(0, end))
    assume(start < end)

    mapped_start, mapped_end = normalised.to_original(start, end)

    assert norm(text[mapped_start:mapped_end]) == normalised.text[start:end]


@given(texts, st.data())
@settings(max_examples=300, deadline=None)
def test_any_span_maps_back_to_original_text_holding_it(text: str, data: st.DataObject) -> None:
    """Expanding characters (ß, ﬁ) map back whole: a span cutting one maps to text holding it."""
    normalised = normalise(text)
    end = data.draw(st.integers(0, len(normalised.text)))
    start = data.draw(st.integers(0, end))
    assume(start < end)

    mapped_start, mapped_end = normalised.to_original(start, end)

    assert normalised.text[start:end] in norm(text[mapped_start:mapped_end])


@given(texts)
@settings(max_examples=200, deadline=None)
def test_the_whole_text_maps_back_to_the_whole_original(text: str) -> None:
    normalised = normalise(text)
    assume(normalised.text.strip())
    start = len(normalised.text) - len(normalised.text.lstrip())
    end = len(normalised.text.rstrip())

    mapped = normalised.to_original(start, end)

    assert norm(text[mapped[0] : mapped[1]]) == normalised.text.strip()
