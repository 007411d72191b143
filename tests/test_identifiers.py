"""URL and DOI syntax: examples from real .bib files, and properties over generated input."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimcheck import identifiers as ids

DOIS = st.from_regex(re.compile(r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+", re.ASCII), fullmatch=True)
RESOLVER_PREFIXES = st.sampled_from(["", "https://doi.org/", "http://dx.doi.org/", "doi:", "DOI: "])
URL_TEXT = st.text(alphabet=st.sampled_from("ab/_\\*[]()~#&%$:. ?=-"), max_size=40)


@given(doi=DOIS, prefix=RESOLVER_PREFIXES)
def test_normalised_doi_is_lower_case_without_prefix_and_stable(doi: str, prefix: str) -> None:
    normalised = ids.normalise_doi(prefix + doi)
    assert normalised == doi.lower()
    assert ids.normalise_doi(normalised) == normalised


@given(doi=DOIS)
def test_every_doi_of_the_crossref_pattern_is_valid(doi: str) -> None:
    assert ids.is_valid_doi(doi)


@given(text=st.text())
@example(text="doi:doi:10.1000/xyz")
@example(text="https://doi.org/ doi:10.1000/xyz")
def test_normalise_doi_is_idempotent_on_any_text(text: str) -> None:
    once = ids.normalise_doi(text)
    assert ids.normalise_doi(once) == once


@given(url=URL_TEXT | st.text())
@example(url=r"https://brill.com/article-p1\\_001.xml")
def test_unescaped_url_holds_no_escape(url: str) -> None:
    assert ids.markdown_escapes(ids.unescape(url)) == []


@given(url=URL_TEXT.map(lambda path: "https://Example.org/" + path) | st.text())
@example(url="https://example.org/report /")
@example(url="https://example.org/a?q= #top")
def test_canonical_url_is_idempotent(url: str) -> None:
    once = ids.canonical_url(url)
    assert ids.canonical_url(once) == once


FUNCTIONS: list[Callable[[str], object]] = [
    ids.normalise_doi,
    ids.bare_doi,
    ids.is_valid_doi,
    ids.doi_in_url,
    ids.markdown_escapes,
    ids.unescape,
    ids.has_whitespace,
    ids.looks_schemeless,
    ids.scheme,
    ids.host,
    ids.registrable_label,
    ids.is_archive_or_resolver,
    ids.canonical_url,
    ids.truncated_slug,
    ids.ends_mid_escape,
]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.__name__)
@settings(max_examples=50)
@given(text=st.text() | st.text().map(lambda rest: "http://[" + rest))
def test_identifier_function_does_not_raise_on_any_text(
    function: Callable[[str], object], text: str
) -> None:
    function(text)


@pytest.mark.parametrize(
    ("raw", "bare"),
    [
        ("https://doi.org/10.1000/XYZ", "10.1000/XYZ"),
        ("  DOI: 10.1000/xyz ", "10.1000/xyz"),
        ("{10.1145/1500774.1500840}", "10.1145/1500774.1500840"),
        ("https://doi.org/doi:10.1000/xyz", "10.1000/xyz"),
        ("http://doi.ieeecomputersociety.org/10.1109/MCG.1982.1674498", "10.1109/MCG.1982.1674498"),
    ],
)
def test_bare_doi_drops_prefixes_and_braces_but_keeps_case(raw: str, bare: str) -> None:
    assert ids.bare_doi(raw) == bare


@pytest.mark.parametrize(
    ("doi", "valid"),
    [
        ("10.1016/s0140-6736(02)07750-4", True),
        ("10.1002/(sici)1097-4571(199705)48:5<480::aid-asi18>3.0.co;2-2", True),
        ("10.1175/1520-0485(2002)032<0870:ct>2.0.co;2", True),
        ("10.1207/s15327906mbr3803&3_02", True),
        ("j.desal.2005.02.017", False),
        ("10.1000/a b", False),
        ("10.\uff11\uff12\uff13\uff14/abc", False),
        ("10.1300/j010v41n03\\_01", False),
    ],
)
def test_doi_validity_follows_crossref_patterns(doi: str, valid: bool) -> None:
    assert ids.is_valid_doi(doi) is valid


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://doi.org/10.1000/XYZ", "10.1000/xyz"),
        ("http://dx.doi.org/10.1613/jair.1982", "10.1613/jair.1982"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("10.1000/xyz", "10.1000/xyz"),
        ("https://doi.org/", None),
        ("https://example.org/10.1000/xyz", None),
    ],
)
def test_doi_in_url_finds_resolver_links_and_bare_dois(url: str, doi: str | None) -> None:
    assert ids.doi_in_url(url) == doi


@pytest.mark.parametrize(
    ("url", "schemeless"),
    [
        ("www.example.org", True),
        ("citeseer.nj.nec.com/article/williamson96unified.html", True),
        ("bai-bac-mci-ijcai07.pdf", False),
        ("https://www.example.org", False),
        ("not a url", False),
    ],
)
def test_schemeless_url_is_a_host_name_not_a_file_name(url: str, schemeless: bool) -> None:
    assert ids.looks_schemeless(url) is schemeless


@pytest.mark.parametrize(
    ("url", "cut"),
    [
        (
            "https://www.cnbc.com/2024/11/07/china-extends-visa-free-policy-to-more-including-south-k",
            True,
        ),
        (
            "https://example.org/news/china-vows-expand-list-of-visa-free-countries-2025-01-13",
            False,
        ),
        ("https://example.org/news/why-we-need-more-vitamin-c", False),
        ("http://link.springer.com/10.1007/s10583-011-9154-z", False),
        ("https://example.org/a-b-c-d?page=2", False),
        ("https://example.org/page-about-this-x.html", False),
    ],
)
def test_truncated_slug_ends_in_one_lower_case_letter_after_words(url: str, cut: bool) -> None:
    assert ids.truncated_slug(url) is cut


@pytest.mark.parametrize(
    ("url", "fixed"),
    [
        (r"https://brill.com/article-p1\_001.xml", "https://brill.com/article-p1_001.xml"),
        (r"https://brill.com/article-p1\\_001.xml", "https://brill.com/article-p1_001.xml"),
        (r"http://x.org/?a=1\&amp;b=2", "http://x.org/?a=1&b=2"),
        (r"http://www.ai.sri.com/\~wilkins/", "http://www.ai.sri.com/~wilkins/"),
    ],
)
def test_unescape_removes_markdown_latex_and_html_escapes(url: str, fixed: str) -> None:
    assert ids.unescape(url) == fixed


@pytest.mark.parametrize(
    ("host", "label"),
    [
        ("www.bbc.com", "bbc"),
        ("www.chinadaily.com.cn", "chinadaily"),
        ("en.people.cn", "people"),
        ("www.bbc.co.uk", "bbc"),
        ("localhost", "localhost"),
    ],
)
def test_registrable_label_skips_country_second_levels(host: str, label: str) -> None:
    assert ids.registrable_label(host) == label


def test_canonical_url_ignores_host_case_trailing_slash_and_fragment() -> None:
    assert ids.canonical_url("HTTPS://WWW.BBC.COM/news/a/#top") == "https://www.bbc.com/news/a"


@pytest.mark.parametrize(
    ("url", "cut"),
    [("https://x.org/a%2", True), ("https://x.org/a%", True), ("https://x.org/a%20", False)],
)
def test_url_ending_inside_a_percent_escape_is_cut(url: str, cut: bool) -> None:
    assert ids.ends_mid_escape(url) is cut
