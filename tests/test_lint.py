"""Offline lint: every finding code on small inputs, the negatives, and the bundled example."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from claimcheck.errors import InputErrors
from claimcheck.lint import lint, looks_like_person, parse_iso_date, single_organisation
from claimcheck.load.bib import load_bibliography
from claimcheck.load.claims import Ledger, load_ledger, parse_ledger
from claimcheck.models import Finding
from claimcheck.rules import BY_CODE, RULES
from claimcheck.severity import Severity
from tests.helpers import make_project
from tests.test_cli import claimcheck

TODAY = date(2026, 11, 29)
CLEAN_FIELDS = {
    "author": "Kim, D.",
    "title": "China trials visa-free travel for six countries",
    "date": "2023",
    "url": "https://www.bbc.com/news/world-asia-china-67516777",
    "urldate": "2025-02-09",
}
# web_page() writes "@online{key," on line 1, then one field a line in this order.
LINE = {"author": 2, "title": 3, "date": 4, "url": 5, "urldate": 6, "doi": 7}


def web_page(key: str = "bbc2023", kind: str = "online", **fields: str) -> str:
    """A clean @online entry, with ``fields`` replacing or following the clean ones."""
    values = {**CLEAN_FIELDS, **fields}
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in values.items())
    return f"@{kind}{{{key},\n{body}}}\n"


def claims_yaml(*sources: str) -> str:
    """A ledger with one quoted claim per source key."""
    items = "".join(
        f"  - id: claim-{index}\n    text: A claim.\n    section: Intro\n"
        f"    evidence:\n      - source: {source}\n        quote: words\n"
        for index, source in enumerate(sources)
    )
    return f"version: 1\nclaims:\n{items}"


def run_lint(folder: Path, bib: str, claims: str | None = None) -> list[Finding]:
    """Lint ``bib`` and ``claims`` written to ``folder``; no claims means an empty ledger."""
    bib_path = folder / "references.bib"
    bib_path.write_text(bib, encoding="utf-8")
    if claims is None:
        ledger = Ledger(path=folder / "claims.yaml", version=1, claims=())
    else:
        (folder / "claims.yaml").write_text(claims, encoding="utf-8")
        ledger = load_ledger(folder / "claims.yaml")
    return lint(load_bibliography(bib_path), ledger, today=TODAY)


def bib_findings(folder: Path, bib: str) -> list[Finding]:
    """The findings about the bibliography itself (no unused-reference, which needs claims)."""
    return [f for f in run_lint(folder, bib) if f.code != "CC102"]


def only(findings: list[Finding], code: str) -> Finding:
    """The one finding with ``code``; fails showing all findings if there are none or several."""
    matching = [finding for finding in findings if finding.code == code]
    assert len(matching) == 1, findings
    return matching[0]


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


def assert_finding(
    finding: Finding, code: str, severity: Severity, file: Path, line: int, subject: str | None
) -> None:
    assert (finding.code, finding.name) == (code, BY_CODE[code].name)
    assert finding.severity is severity
    assert (finding.file, finding.line) == (str(file), line)
    assert finding.subject == subject


# A clean bibliography gives no finding at all


def test_clean_web_page_cited_with_a_quote_gives_no_finding(tmp_path: Path) -> None:
    bib = web_page(author="{BBC}", doi="10.1000/xyz", urldate=TODAY.isoformat())
    assert run_lint(tmp_path, bib, claims_yaml("bbc2023")) == []


@pytest.mark.parametrize("title", ["The benefits of Vitamin C.", "Letters home in World War I."])
def test_title_ending_in_a_capital_letter_and_full_stop_is_not_truncated(
    tmp_path: Path, title: str
) -> None:
    assert bib_findings(tmp_path, web_page(title=title)) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/reports/annual%20report.pdf",
        "https://www.brookings.edu/articles/how-will-south-korea-navigate-us-china-competition-in-2025/",
        "https://example.org/news/why-we-need-more-vitamin-c",
        "https://example.org/news/what-comes-after-plan-b",
        "http://link.springer.com/10.1007/s10583-011-9154-z",
        "https://example.org/search?q=visa-free-policy-for-south-k",
    ],
)
def test_complete_url_is_not_reported(tmp_path: Path, url: str) -> None:
    assert bib_findings(tmp_path, web_page(url=url)) == []


def test_doi_org_url_next_to_the_same_doi_is_not_a_doi_in_url(tmp_path: Path) -> None:
    bib = web_page(url="https://doi.org/10.1000/xyz", doi="10.1000/XYZ")
    assert bib_findings(tmp_path, bib) == []


# CC1xx: the claims ledger against the bibliography


def test_evidence_citing_an_unknown_key_is_an_error_at_the_evidence_item(tmp_path: Path) -> None:
    claims = "version: 1\nclaims:\n  - id: c1\n    text: A claim.\n    evidence:\n"
    claims += "      - source: bbc2023\n        quote: words\n      - source: nosuch\n"
    finding = only(run_lint(tmp_path, web_page(), claims), "CC101")
    assert_finding(finding, "CC101", Severity.ERROR, tmp_path / "claims.yaml", 8, "c1")
    assert finding.message == "claim 'c1' cites 'nosuch', which is not in the bibliography"
    assert finding.hint == BY_CODE["CC101"].hint


def test_unknown_key_that_differs_only_in_case_suggests_the_real_key(tmp_path: Path) -> None:
    finding = only(run_lint(tmp_path, web_page(), claims_yaml("BBC2023")), "CC101")
    assert finding.line == 7
    assert finding.hint == "did you mean 'bbc2023'? keys are case-sensitive"


def test_reference_no_claim_cites_is_an_unused_reference_at_its_entry(tmp_path: Path) -> None:
    bib = web_page() + "\n" + web_page("reuters2025", author="{Reuters}", url="https://r.com/a")
    finding = only(run_lint(tmp_path, bib, claims_yaml("bbc2023")), "CC102")
    assert_finding(
        finding, "CC102", Severity.WARNING, tmp_path / "references.bib", 9, "reuters2025"
    )
    assert finding.message == "reference 'reuters2025' backs no claim"


def test_claim_without_evidence_is_an_error_at_the_claim(tmp_path: Path) -> None:
    claims = claims_yaml("bbc2023") + "  - id: bare\n    text: A claim with no source.\n"
    finding = only(run_lint(tmp_path, web_page(), claims), "CC103")
    assert_finding(finding, "CC103", Severity.ERROR, tmp_path / "claims.yaml", 9, "bare")
    assert finding.message == "claim 'bare' has no evidence"


def test_second_claim_with_an_id_already_used_is_a_duplicate(tmp_path: Path) -> None:
    claims = claims_yaml("bbc2023", "bbc2023").replace("claim-1", "claim-0")
    finding = only(run_lint(tmp_path, web_page(), claims), "CC104")
    assert_finding(finding, "CC104", Severity.ERROR, tmp_path / "claims.yaml", 9, "claim-0")
    assert finding.message == "claim id 'claim-0' is already used at line 3"


def test_evidence_without_quote_for_a_source_with_a_url_is_info(tmp_path: Path) -> None:
    claims = "version: 1\nclaims:\n  - id: c1\n    text: A claim.\n    evidence:\n"
    claims += "      - source: bbc2023\n"
    finding = only(run_lint(tmp_path, web_page(), claims), "CC105")
    assert_finding(finding, "CC105", Severity.INFO, tmp_path / "claims.yaml", 6, "c1")
    assert finding.message == "claim 'c1' cites 'bbc2023' without a quote"


def test_evidence_without_quote_for_a_printed_source_is_fine(tmp_path: Path) -> None:
    bib = "@book{nye1990,\n  author = {Nye, J.},\n  title = {Soft Power},\n  file = {nye.pdf},\n}\n"
    claims = "version: 1\nclaims:\n  - id: c1\n    text: A claim.\n    evidence:\n"
    claims += "      - source: nye1990\n        locator: p. 153\n"
    assert run_lint(tmp_path, bib, claims) == []


def test_same_source_and_quote_twice_in_a_claim_is_duplicate_evidence(tmp_path: Path) -> None:
    claims = "version: 1\nclaims:\n  - id: c1\n    text: A claim.\n    evidence:\n"
    claims += "      - source: bbc2023\n        quote: six\n" * 2
    finding = only(run_lint(tmp_path, web_page(), claims), "CC106")
    assert_finding(finding, "CC106", Severity.WARNING, tmp_path / "claims.yaml", 8, "c1")
    assert finding.message == "claim 'c1' cites 'bbc2023' twice with the same quote"


def test_same_source_with_two_quotes_is_not_duplicate_evidence(tmp_path: Path) -> None:
    claims = "version: 1\nclaims:\n  - id: c1\n    text: A claim.\n    evidence:\n"
    claims += "      - source: bbc2023\n        quote: six\n"
    claims += "      - source: bbc2023\n        quote: countries\n"
    assert run_lint(tmp_path, web_page(), claims) == []


# CC2xx: the bibliography's structure (the loader finds CC201, CC203, CC204, CC208, CC209)


def test_second_entry_with_a_used_key_is_a_duplicate_key(tmp_path: Path) -> None:
    bib = web_page() + web_page(url="https://www.bbc.com/news/other")
    finding = only(bib_findings(tmp_path, bib), "CC201")
    assert_finding(finding, "CC201", Severity.ERROR, tmp_path / "references.bib", 8, "bbc2023")


def test_keys_differing_only_in_case_are_reported_at_the_second(tmp_path: Path) -> None:
    bib = web_page("Bbc2023") + web_page("bbc2023", url="https://www.bbc.com/news/other")
    finding = only(bib_findings(tmp_path, bib), "CC202")
    assert_finding(finding, "CC202", Severity.ERROR, tmp_path / "references.bib", 8, "bbc2023")
    assert finding.message == "key 'bbc2023' differs only in case from 'Bbc2023' (line 1)"


def test_field_given_twice_is_a_duplicate_field(tmp_path: Path) -> None:
    bib = web_page(title="First title").replace("  date", "  title = {Second title},\n  date")
    finding = only(bib_findings(tmp_path, bib), "CC203")
    assert_finding(finding, "CC203", Severity.ERROR, tmp_path / "references.bib", 4, "bbc2023")


def test_entry_with_an_unclosed_brace_is_a_parse_error(tmp_path: Path) -> None:
    bib = "@online{broken,\n  title = {Unclosed,\n}\n\n" + web_page()
    finding = only(bib_findings(tmp_path, bib), "CC204")
    assert_finding(finding, "CC204", Severity.ERROR, tmp_path / "references.bib", 1, "broken")


def test_same_url_under_two_keys_is_reported_at_the_second_url(tmp_path: Path) -> None:
    bib = web_page() + web_page("copy", url="HTTPS://WWW.BBC.COM/news/world-asia-china-67516777/")
    finding = only(bib_findings(tmp_path, bib), "CC205")
    assert_finding(finding, "CC205", Severity.WARNING, tmp_path / "references.bib", 12, "copy")
    assert "'bbc2023' (line 1)" in finding.message


BOOK_URL = "http://books.google.com/books?id=s063rYEYNUIC&pgis=1"


def book_part(key: str, kind: str = "incollection", **fields: str) -> str:
    """An entry citing the book's page as its url."""
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return f"@{kind}{{{key},\n{body}  url = {{{BOOK_URL}}},\n}}\n"


def test_chapters_of_one_book_sharing_its_url_are_no_duplicate(tmp_path: Path) -> None:
    bib = (
        book_part("law", kind="collection", title="Complexities: Social Studies")
        + book_part("mol", title="An Introduction", booktitle="Complexities: {{Social Studies}}")
        + book_part("barry", title="In the Middle", booktitle="complexities: social  studies")
    )
    assert "CC205" not in codes(bib_findings(tmp_path, bib))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"kind": "book", "title": "Telemetry"}, {"kind": "book", "title": "Telemetry"}),
        ({"title": "A", "booktitle": "One Book"}, {"title": "B", "booktitle": "Another Book"}),
        ({"kind": "article", "title": "A"}, {"title": "B", "booktitle": "A"}),
    ],
)
def test_same_url_of_two_books_or_of_parts_of_two_books_is_still_a_duplicate(
    tmp_path: Path, first: dict[str, str], second: dict[str, str]
) -> None:
    bib = book_part("first", **first) + book_part("second", **second)
    assert only(bib_findings(tmp_path, bib), "CC205").subject == "second"


def test_same_doi_in_another_case_under_two_keys_is_a_duplicate_doi(tmp_path: Path) -> None:
    bib = web_page(doi="10.1000/abc") + web_page("copy", url="https://x.org/a", doi="10.1000/ABC")
    finding = only(bib_findings(tmp_path, bib), "CC206")
    assert_finding(finding, "CC206", Severity.WARNING, tmp_path / "references.bib", 15, "copy")
    assert finding.message.startswith("doi 10.1000/abc of 'copy' is also that of 'bbc2023'")


def test_reference_without_url_doi_or_file_has_nothing_to_check(tmp_path: Path) -> None:
    bib = "\n@article{nye1990,\n  author = {Nye, J.},\n  title = {Soft Power},\n}\n"
    finding = only(bib_findings(tmp_path, bib), "CC207")
    assert_finding(finding, "CC207", Severity.WARNING, tmp_path / "references.bib", 2, "nye1990")


def test_entry_with_an_empty_key_is_a_missing_key(tmp_path: Path) -> None:
    bib = web_page() + "@online{,\n  title = {No key},\n}\n"
    finding = only(bib_findings(tmp_path, bib), "CC208")
    assert_finding(finding, "CC208", Severity.ERROR, tmp_path / "references.bib", 8, None)


def test_field_using_an_undefined_macro_is_reported_at_the_field(tmp_path: Path) -> None:
    bib = web_page().replace("  date", "  publisher = bbcnews,\n  date")
    finding = only(bib_findings(tmp_path, bib), "CC209")
    assert_finding(finding, "CC209", Severity.WARNING, tmp_path / "references.bib", 4, "bbc2023")
    assert "'bbcnews'" in finding.message


def test_field_using_a_defined_macro_is_fine(tmp_path: Path) -> None:
    bib = "@string{bbcnews = {BBC News}}\n" + web_page().replace(
        "  date", "  publisher = bbcnews,\n  date"
    )
    assert bib_findings(tmp_path, bib) == []


# CC3xx: URLs


def test_url_with_a_space_inside_is_an_error_at_the_url_field(tmp_path: Path) -> None:
    finding = only(bib_findings(tmp_path, web_page(url="https://example.org/a report")), "CC301")
    assert_finding(finding, "CC301", Severity.ERROR, tmp_path / "references.bib", 5, "bbc2023")
    assert finding.hint == BY_CODE["CC301"].hint


def test_url_field_holding_two_addresses_says_to_keep_one(tmp_path: Path) -> None:
    url = "http://www.jstor.org/stable/689938 http://www.jstor.org/stable/10.2307/689938"
    finding = only(bib_findings(tmp_path, web_page(url=url)), "CC301")
    assert finding.hint == "the field holds 2 addresses: keep one"


def test_url_without_scheme_is_an_error_with_the_https_url_as_hint(tmp_path: Path) -> None:
    finding = only(bib_findings(tmp_path, web_page(url="www.example.org/report")), "CC302")
    assert_finding(finding, "CC302", Severity.ERROR, tmp_path / "references.bib", 5, "bbc2023")
    assert finding.hint == "write url = {https://www.example.org/report}"


def test_markdown_escape_in_url_is_an_error_with_the_fixed_url_as_hint(tmp_path: Path) -> None:
    url = r"https://brill.com/view/journals/cahs/6/1/article-p1\_001.xml?ebody=article%20details"
    finding = only(bib_findings(tmp_path, web_page(url=url)), "CC303")
    assert_finding(finding, "CC303", Severity.ERROR, tmp_path / "references.bib", 5, "bbc2023")
    assert finding.message == (
        r"the url of 'bbc2023' holds \_: the backslash becomes part of the address"
    )
    assert finding.hint == (
        "write url = {https://brill.com/view/journals/cahs/6/1/article-p1_001.xml"
        "?ebody=article%20details}"
    )


def test_doubled_backslash_escape_and_html_ampersand_are_both_fixed_in_the_hint(
    tmp_path: Path,
) -> None:
    url = r"http://citeseerx.ist.psu.edu/viewdoc/download?doi=1\&amp;rep=rep1\\_x"
    finding = only(bib_findings(tmp_path, web_page(url=url)), "CC303")
    assert (
        finding.hint
        == "write url = {http://citeseerx.ist.psu.edu/viewdoc/download?doi=1&rep=rep1_x}"
    )


@pytest.mark.parametrize("url", ["https://doi.org/10.1000/xyz", "doi:10.1000/XYZ"])
def test_doi_in_the_url_field_is_a_warning_suggesting_the_doi_field(
    tmp_path: Path, url: str
) -> None:
    finding = only(bib_findings(tmp_path, web_page(url=url)), "CC304")
    assert_finding(finding, "CC304", Severity.WARNING, tmp_path / "references.bib", 5, "bbc2023")
    assert finding.hint == (
        "write doi = {10.1000/xyz} instead: DOIs are checked through the DOI resolver"
    )


def test_url_ending_in_a_cut_off_slug_word_is_truncated(tmp_path: Path) -> None:
    url = "https://www.cnbc.com/2024/11/07/china-extends-visa-free-policy-to-9-more-countries-including-south-k"
    finding = only(bib_findings(tmp_path, web_page(url=url)), "CC305")
    assert_finding(finding, "CC305", Severity.WARNING, tmp_path / "references.bib", 5, "bbc2023")
    assert (
        finding.message == "the url of 'bbc2023' ends in a cut-off word: 'ntries-including-south-k'"
    )


def test_url_ending_inside_a_percent_escape_is_truncated(tmp_path: Path) -> None:
    finding = only(bib_findings(tmp_path, web_page(url="https://example.org/annual%2")), "CC305")
    assert finding.line == 5


def test_urls_of_several_sites_all_stopping_at_the_longest_length_are_truncated(
    tmp_path: Path,
) -> None:
    cut = {
        "a": "https://www.scmp.com/economy/global-economy/article/3293685/shanghai-draws-s-koreans-droves-chinas-v",
        "b": "https://www.reuters.com/world/china/china-vows-expand-list-unilateral-visa-free-countries-2025-01-13",
    }
    bib = web_page("a", url=cut["a"]) + web_page("b", url=cut["b"]) + web_page("c")
    truncated = [f for f in bib_findings(tmp_path, bib) if f.code == "CC305"]
    assert [(f.subject, f.line) for f in truncated] == [("a", 5), ("b", 12)]
    assert truncated[0].message == (
        "the url of 'a' is 100 characters long, like other urls that all stop at that length: "
        "it looks cut off"
    )


def test_urls_of_one_site_sharing_the_longest_length_are_not_truncated(tmp_path: Path) -> None:
    bib = "".join(
        web_page(
            key, url=f"http://subs.emis.de/LNI/Proceedings/Proceedings190/article{number}.html"
        )
        for key, number in (("a", 6448), ("b", 6191))
    )
    assert bib_findings(tmp_path, bib) == []


@pytest.mark.parametrize("url", ["https://", "report-2024.pdf", "not a url"])
def test_url_without_a_host_is_malformed(tmp_path: Path, url: str) -> None:
    finding = only(bib_findings(tmp_path, web_page(url=url)), "CC306")
    assert_finding(finding, "CC306", Severity.ERROR, tmp_path / "references.bib", 5, "bbc2023")
    assert "CC302" not in codes(bib_findings(tmp_path, web_page(url=url)))


@pytest.mark.parametrize("url", ["http://example.org:99999/a", "http://exa<mple>.org/"])
def test_url_no_browser_could_send_is_malformed_with_the_reason(tmp_path: Path, url: str) -> None:
    finding = only(bib_findings(tmp_path, web_page(url=url)), "CC306")
    assert finding.message.startswith(f"the url of 'bbc2023' cannot be read as an address: {url!r}")
    assert "no address can be sent for it" in finding.message


@pytest.mark.parametrize(
    ("url", "fixed"),
    [
        ("htp://www.bbc.com/news", "http://www.bbc.com/news"),
        ("htps://www.bbc.com/news", "https://www.bbc.com/news"),
        ("http:/www.bbc.com/news", "http://www.bbc.com/news"),
        ("https//www.bbc.com/news", "https://www.bbc.com/news"),
        ("http;//www.bbc.com/news", "http://www.bbc.com/news"),
        ("hhttps://www.bbc.com/news", "https://www.bbc.com/news"),
    ],
)
def test_misspelt_http_scheme_is_an_error_with_the_corrected_url(
    tmp_path: Path, url: str, fixed: str
) -> None:
    findings = bib_findings(tmp_path, web_page(url=url))
    finding = only(findings, "CC308")
    assert_finding(finding, "CC308", Severity.ERROR, tmp_path / "references.bib", 5, "bbc2023")
    assert "a typo of http" in finding.message
    assert finding.hint == f"write url = {{{fixed}}}"
    assert codes(findings) == ["CC308"]


def test_ftp_url_is_info_that_it_is_not_fetched(tmp_path: Path) -> None:
    finding = only(bib_findings(tmp_path, web_page(url="ftp://ftp.example.org/pub/a.ps")), "CC307")
    assert_finding(finding, "CC307", Severity.INFO, tmp_path / "references.bib", 5, "bbc2023")
    assert finding.message == "the url of 'bbc2023' uses ftp:, which claimcheck does not fetch"


# CC4xx: other fields


def test_doi_without_its_prefix_is_invalid_at_the_doi_field(tmp_path: Path) -> None:
    finding = only(bib_findings(tmp_path, web_page(doi="j.desal.2005.02.017")), "CC401")
    assert_finding(finding, "CC401", Severity.ERROR, tmp_path / "references.bib", 7, "bbc2023")
    assert finding.hint == BY_CODE["CC401"].hint


def test_doi_with_a_doubled_backslash_escape_is_invalid_with_the_unescaped_doi_as_hint(
    tmp_path: Path,
) -> None:
    finding = only(bib_findings(tmp_path, web_page(doi=r"{10.1300/J010v41n03\\_01}")), "CC401")
    assert finding.hint == "write doi = {10.1300/J010v41n03_01}"


@pytest.mark.parametrize(
    "doi",
    [
        r"10.1300/J010v41n03\_01",
        r"{10.1300/J010v41n03\_01}",
        r"10.1300/J010v41n03{\_}01",
        r"10.1207/s15327906mbr3403\&4_04",
        r"10.1207/s15327906mbr3403{\&}4_04",
    ],
)
def test_doi_with_latex_escapes_is_read_as_the_characters_escaped_and_is_fine(
    tmp_path: Path, doi: str
) -> None:
    assert bib_findings(tmp_path, web_page(doi=doi)) == []


@pytest.mark.parametrize(
    "doi", ["{10.1145/1500774.1500840}", "{{10.1016/j.rser.2015.12.080}}", " {10.1000/xyz} "]
)
def test_doi_in_braces_is_not_a_finding(tmp_path: Path, doi: str) -> None:
    assert bib_findings(tmp_path, web_page(doi=doi)) == []


def test_escaped_doi_with_a_resolver_prefix_is_info_hinting_the_doi_unescaped(
    tmp_path: Path,
) -> None:
    bib = web_page(doi=r"{https://doi.org/10.1300/J010v41n03\_01}")
    finding = only(bib_findings(tmp_path, bib), "CC402")
    assert finding.hint == "write doi = {10.1300/J010v41n03_01}"


@pytest.mark.parametrize(
    "doi",
    [
        "10.1016/S0140-6736(02)07750-4",
        "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P",
        "10.1175/1520-0485(2002)032<0870:CT>2.0.CO;2",
    ],
)
def test_doi_as_the_publisher_prints_it_is_fine(tmp_path: Path, doi: str) -> None:
    assert bib_findings(tmp_path, web_page(doi=doi)) == []


@pytest.mark.parametrize(
    ("doi", "bare"),
    [
        ("https://doi.org/10.1177/0961463X13511579", "10.1177/0961463X13511579"),
        ("DOI: 10.1016/j.fusengdes.2011.01.128", "10.1016/j.fusengdes.2011.01.128"),
        ("{doi:10.1145/1500774.1500840}", "10.1145/1500774.1500840"),
    ],
)
def test_doi_with_a_resolver_prefix_is_info_with_the_bare_doi_as_hint(
    tmp_path: Path, doi: str, bare: str
) -> None:
    finding = only(bib_findings(tmp_path, web_page(doi=doi)), "CC402")
    assert_finding(finding, "CC402", Severity.INFO, tmp_path / "references.bib", 7, "bbc2023")
    assert finding.hint == f"write doi = {{{bare}}}"


@pytest.mark.parametrize("urldate", ["19/07/2012", "17-Jun-2012", "2025-02-30"])
def test_urldate_that_is_not_an_iso_date_is_an_error(tmp_path: Path, urldate: str) -> None:
    finding = only(bib_findings(tmp_path, web_page(urldate=urldate)), "CC403")
    assert_finding(finding, "CC403", Severity.ERROR, tmp_path / "references.bib", 6, "bbc2023")
    assert finding.message == f"the urldate of 'bbc2023' is not an ISO date: {urldate!r}"


@pytest.mark.parametrize("urldate", ["2026-11-30", "2027"])
def test_urldate_after_today_is_an_error(tmp_path: Path, urldate: str) -> None:
    finding = only(bib_findings(tmp_path, web_page(urldate=urldate)), "CC404")
    assert_finding(finding, "CC404", Severity.ERROR, tmp_path / "references.bib", 6, "bbc2023")
    assert finding.message == f"the urldate of 'bbc2023' ({urldate}) is after today (2026-11-29)"


@pytest.mark.parametrize("urldate", ["2026-11-29", "2026-11", "2026", "2025-02-09T10:30Z"])
def test_urldate_up_to_today_is_fine(tmp_path: Path, urldate: str) -> None:
    assert bib_findings(tmp_path, web_page(urldate=urldate)) == []


@pytest.mark.parametrize(
    ("text", "day"),
    [("2025", date(2025, 1, 1)), ("2025-02", date(2025, 2, 1)), ("2025-02-09", date(2025, 2, 9))],
)
def test_iso_date_means_its_earliest_day(text: str, day: date) -> None:
    assert parse_iso_date(text) == day


@pytest.mark.parametrize(
    "title",
    [
        "Relations under the Dire State of China-Korea Relations: An Analysis of t.",
        "To Register or Not To Register:",
        "Mechanical Characterization of the Haptic Bimanual, Surgical Simulation Interface,",
        "A survey (part one",
    ],
)
def test_title_that_stops_mid_way_is_truncated(tmp_path: Path, title: str) -> None:
    finding = only(bib_findings(tmp_path, web_page(title=title)), "CC405")
    assert_finding(finding, "CC405", Severity.WARNING, tmp_path / "references.bib", 3, "bbc2023")
    assert finding.message == f"the title of 'bbc2023' looks cut off: ...{title[-20:]!r}"


def test_organisation_page_on_another_site_is_info_at_the_url_field(tmp_path: Path) -> None:
    bib = web_page(
        "xinhua2024", author="{Xinhua}", url="http://en.people.cn/n3/2024/0531/c90000-20176597.html"
    )
    finding = only(bib_findings(tmp_path, bib), "CC406")
    assert_finding(finding, "CC406", Severity.INFO, tmp_path / "references.bib", 5, "xinhua2024")
    assert finding.message == (
        "the url of 'xinhua2024' is on en.people.cn, not a site of its author Xinhua"
    )
    assert finding.hint == (
        "the page may be a syndicated copy: cite the site that published it, or check the author"
    )


@pytest.mark.parametrize(
    ("author", "url"),
    [
        ("{BBC}", "https://www.bbc.com/news/world-asia-china-67516777"),
        (
            "{China Daily}",
            "https://www.chinadaily.com.cn/a/202411/22/WS674025eba310f1265a1cf187.html",
        ),
        ("{CNBC}", "https://www.cnbc.com/2024/11/07/china-extends-visa-free-policy"),
        ("{Reuters}", "https://www.reuters.com/world/china/china-vows-expand-list"),
        ("{People's Daily Online}", "http://en.people.cn/n3/2024/0531/c90000-20176597.html"),
        ("{British Broadcasting Corporation}", "https://www.bbc.co.uk/news"),
        ("{Organisation for Economic Co-operation and Development}", "https://www.oecd.org/x"),
        ("{Online Computer Library Center, Inc.}", "https://www.oclc.org/about"),
        (
            "{Xinhua}",
            "https://web.archive.org/web/2024/http://en.people.cn/n3/2024/0531/c90000.html",
        ),
        ("{Xinhua} and {Reuters}", "http://en.people.cn/n3/2024/0531/c90000-20176597.html"),
        ("Song, Haowen", "http://en.people.cn/n3/2024/0531/c90000-20176597.html"),
        ("{新华社}", "http://en.people.cn/n3/2024/0531/c90000-20176597.html"),
    ],
)
def test_organisation_page_on_its_own_site_or_not_an_organisation_is_fine(
    tmp_path: Path, author: str, url: str
) -> None:
    assert bib_findings(tmp_path, web_page(author=author, url=url)) == []


@pytest.mark.parametrize(
    "author",
    [
        "{Sven Vlaeminck}",
        "{{Sven} {Vlaeminck}}",
        "{Ludwig van Beethoven}",
        "{J. R. R. Tolkien}",
        "{Jean-Paul Sartre}",
        "{Conan O'Brien}",
        "{José Álvarez}",
    ],
)
def test_double_braced_person_name_is_no_organisation_on_another_site(
    tmp_path: Path, author: str
) -> None:
    bib = web_page(author=author, url="https://openeconomics.net/resource/research-data")
    assert bib_findings(tmp_path, bib) == []


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Sven Vlaeminck", True),
        ("Ronald McDonald", True),
        ("Xinhua", False),
        ("Human Rights Watch", False),
        ("China Daily", False),
        ("BBC News", False),
        ("NASA Goddard", False),
        ("Our World in Data", False),
        ("ISIS-2 Collaborative Group", False),
        ("Online Computer Library Center, Inc.", False),
        ("Amnesty International", False),
        ("de la", False),
    ],
)
def test_person_name_has_a_given_and_family_name_and_no_organisation_word(
    name: str, person: bool
) -> None:
    assert looks_like_person(name) is person


def test_organisation_with_an_organisation_word_on_another_site_is_still_reported(
    tmp_path: Path,
) -> None:
    bib = web_page(author="{Human Rights Watch}", url="https://www.theguardian.com/world/x")
    assert codes(bib_findings(tmp_path, bib)) == ["CC406"]


def test_organisation_article_on_its_journal_site_is_fine(tmp_path: Path) -> None:
    bib = web_page(kind="article", author="{ISIS-2 Collaborative Group}", url="https://x.com/a")
    assert bib_findings(tmp_path, bib) == []


@pytest.mark.parametrize(
    ("author", "name"),
    [
        ("{Xinhua}", "Xinhua"),
        ("{World {Health} Organization}", "World Health Organization"),
        ("{Xinhua} and {Reuters}", None),
        ("Nye, J.", None),
        ("{}", None),
    ],
)
def test_single_organisation_is_one_braced_group_filling_the_field(
    author: str, name: str | None
) -> None:
    assert single_organisation(author) == name


# The catalogue


def test_every_rule_has_a_unique_code_and_name_and_cc406_follows_cc405() -> None:
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES)
    rule_codes = [r.code for r in RULES]
    assert rule_codes.index("CC406") == rule_codes.index("CC405") + 1
    assert (BY_CODE["CC406"].name, BY_CODE["CC406"].severity) == (
        "organisation-host-mismatch",
        Severity.INFO,
    )


# The bundled example: the defects a careful reader spots in the printed reference list

SEED_DEFECTS = {
    ("CC303", "kim2024"),
    ("CC305", "cnbc2024"),
    ("CC305", "chen2025"),
    ("CC305", "reuters2025"),
    ("CC405", "wang2024"),
    ("CC406", "xinhua2024"),
}


@pytest.fixture
def seed_findings(repo: Path) -> list[Finding]:
    bibliography = load_bibliography(repo / "references.bib")
    return lint(bibliography, load_ledger(repo / "claims.yaml"), today=TODAY)


def test_bundled_example_shows_exactly_the_defects_of_the_printed_list(
    seed_findings: list[Finding],
) -> None:
    defects = {(f.code, f.subject) for f in seed_findings if f.code[2] in "34"}
    assert defects == SEED_DEFECTS


def test_bundled_example_has_no_error_but_the_markdown_escape(
    seed_findings: list[Finding],
) -> None:
    errors = [(f.code, f.subject, f.line) for f in seed_findings if f.severity is Severity.ERROR]
    assert errors == [("CC303", "kim2024", 68)]


def test_bundled_example_ledger_matches_the_bibliography(seed_findings: list[Finding]) -> None:
    assert not {"CC101", "CC102", "CC103", "CC104"} & set(codes(seed_findings))


def test_bundled_example_cut_urls_stop_at_exactly_100_characters(repo: Path) -> None:
    references = load_bibliography(repo / "references.bib").by_key()
    lengths = {
        key: len(references[key].url or "") for key in ("cnbc2024", "chen2025", "reuters2025")
    }
    assert lengths == {"cnbc2024": 100, "chen2025": 100, "reuters2025": 100}


def test_bundled_example_uses_all_21_references_from_25_or_more_claims(repo: Path) -> None:
    references = load_bibliography(repo / "references.bib").references
    ledger = load_ledger(repo / "claims.yaml")
    cited = {item.source for claim in ledger.claims for item in claim.evidence}
    assert len(references) == 21
    assert cited == {reference.key for reference in references}
    assert len(ledger.claims) >= 25
    assert all(claim.section for claim in ledger.claims)


# CC305 needs evidence of a cut, CC403 reads urldates as biblatex does, a blank quote is empty

COINCIDENT_URLS = {
    "guardian": "https://www.theguardian.com/world/2024/nov/22/china-visa-free-entry",
    "reuters": "https://www.reuters.com/world/china/china-eases-visa-rules-2024-11/",
    "bbc": "https://www.bbc.com/news/world-asia-china-67516777",
}


def test_longest_urls_of_several_sites_are_cut_only_when_three_stop_there_or_one_ends_cut(
    tmp_path: Path,
) -> None:
    cut = "https://www.cnbc.com/2024/11/07/china-extends-visa-free-policy-to-9-more-countries-including-south-k"
    same_length = [
        "https://www.scmp.com/economy/global-economy/article/3293685/shanghai-draws-korean-tourists-in-droves",
        "https://www.reuters.com/world/china/china-vows-expand-list-unilateral-visa-free-countries-2025-01-13",
        "https://www.brookings.edu/articles/how-will-south-korea-navigate-us-china-competitions-in-year-2025/",
    ]
    assert {len(url) for url in (cut, *same_length)} == {100}
    scenarios = {
        "two complete": dict(COINCIDENT_URLS),
        "three complete": dict(zip("abc", same_length, strict=True)),
        "one cut off, one complete": {"a": cut, "b": same_length[1]},
    }
    flagged = {}
    for name, urls in scenarios.items():
        folder = tmp_path / name.replace(" ", "-").replace(",", "")
        folder.mkdir()
        bib = "".join(web_page(key, url=url) for key, url in urls.items())
        flagged[name] = sorted(f.subject for f in bib_findings(folder, bib) if f.code == "CC305")
    assert flagged == {
        "two complete": [],
        "three complete": ["a", "b", "c"],
        "one cut off, one complete": ["a", "b"],
    }


def test_lint_does_not_call_two_complete_urls_of_the_same_length_cut_off(tmp_path: Path) -> None:
    bib = "".join(web_page(key, url=url) for key, url in COINCIDENT_URLS.items())
    make_project(tmp_path, bib=bib, claims=claims_yaml(*COINCIDENT_URLS))
    result = claimcheck("lint", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == []


@pytest.mark.parametrize(
    "urldate",
    [
        "2024-01-02T10:00:00+01:00",
        "2024-01-02T10:00:00-05:00",
        "2024-01-02T10:00+0530",
        "2024-01-02T10:00:00-03",
        "2024-01-02/2024-01-05",
        "2024-01/2024-02",
        "2024-01-02/",
        "2024-01-02/..",
    ],
)
def test_urldate_with_a_time_zone_or_as_a_range_is_fine(tmp_path: Path, urldate: str) -> None:
    assert bib_findings(tmp_path, web_page(urldate=urldate)) == []


def test_urldate_in_other_digits_or_with_an_impossible_time_or_range_is_an_error(
    tmp_path: Path,
) -> None:
    urldates = {
        "arabic-indic": "\u0662\u0660\u0662\u0664-01-02",
        "fullwidth": "\uff12\uff10\uff12\uff14-01-02",
        "hour-25": "2024-01-02T25:00:00Z",
        "minute-61": "2024-01-02T10:61",
        "zone-75-minutes": "2024-01-02T10:00:00+01:75",
        "backwards": "2024-01-05/2024-01-02",
        "end-in-words": "2024-01-02/tomorrow",
    }
    bib = "".join(
        web_page(key, url=f"https://www.bbc.com/news/{key}", urldate=value)
        for key, value in urldates.items()
    )
    messages = {f.subject: f.message for f in bib_findings(tmp_path, bib) if f.code == "CC403"}
    assert messages == {
        key: f"the urldate of {key!r} is not an ISO date: {value!r}"
        for key, value in urldates.items()
    }


def test_urldate_range_ending_after_today_is_in_the_future(tmp_path: Path) -> None:
    finding = only(bib_findings(tmp_path, web_page(urldate="2026-11-01/2026-12-05")), "CC404")
    assert finding.message == (
        "the urldate of 'bbc2023' (2026-11-01/2026-12-05) is after today (2026-11-29)"
    )


def test_lint_accepts_biblatex_urldates_and_refuses_other_digits(tmp_path: Path) -> None:
    dates = {
        "offset": "2024-01-02T10:00:00+01:00",
        "range": "2024-01-02/2024-01-05",
        "open": "2024-01-02/",
        "arabic": "\u0662\u0660\u0662\u0664-01-02",
    }
    bib = "".join(
        web_page(key, url=f"https://www.bbc.com/news/{key}", urldate=value)
        for key, value in dates.items()
    )
    make_project(tmp_path, bib=bib, claims=claims_yaml(*dates))
    result = claimcheck("lint", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["subject"]) for f in findings] == [("CC403", "arabic")]


BLANK_QUOTE = claims_yaml("bbc2023").replace("quote: words", 'quote: " \\t "')


def test_whitespace_only_quote_is_refused_at_its_place_as_an_empty_one_is(tmp_path: Path) -> None:
    problems = {}
    for name, claims in (("blank", BLANK_QUOTE), ("empty", BLANK_QUOTE.replace(" \\t ", ""))):
        with pytest.raises(InputErrors) as caught:
            parse_ledger(claims, tmp_path / "claims.yaml")
        (error,) = caught.value.errors
        assert error.location is not None
        problems[name] = (error.location.line, error.location.column, error.message, error.hint)
    hint = "write the words the source should contain, or leave the quote out"
    assert problems == {
        "blank": (8, 16, "claim 'claim-0', evidence[0].quote: should not be empty: "
                  "it holds only whitespace", hint),
        "empty": (8, 16, "claim 'claim-0', evidence[0].quote: should not be empty", hint),
    }  # fmt: skip


def test_lint_stops_on_a_whitespace_only_quote_with_its_file_and_line(tmp_path: Path) -> None:
    make_project(tmp_path, bib=web_page(), claims=BLANK_QUOTE)
    result = claimcheck("lint", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "error: claims.yaml:8:16: claim 'claim-0', evidence[0].quote: should not be empty: "
        "it holds only whitespace"
    )
    assert result.stdout == ""


def test_lint_finds_something_to_check_in_a_crossref_parent_and_nothing_missing_in_a_set(
    tmp_path: Path,
) -> None:
    """A child entry fills its fields from the entry its crossref names, as BibTeX and
    biblatex print it; a @set groups entries, each judged for itself."""
    bib = (
        "@article{child,\n  crossref = {parent},\n}\n"
        "@article{parent,\n  title = {A},\n  doi = {10.1000/xyz},\n}\n"
        "@set{group,\n  entryset = {child,parent},\n}\n"
        "@article{alone,\n  title = {B},\n}\n"
    )
    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")

    result = claimcheck("lint", "--format", "json", cwd=tmp_path)

    nothing = [f["subject"] for f in json.loads(result.stdout)["findings"] if f["code"] == "CC207"]
    assert nothing == ["alone"]


def test_a_claim_citing_an_old_key_an_entry_lists_in_ids_cites_that_entry(tmp_path: Path) -> None:
    """Better BibTeX keeps a renamed entry's old keys in ids; \\cite{oldkey} still works."""
    bib = (
        "@online{newkey,\n  ids = {oldkey, olderkey},\n  title = {Aliased},\n"
        "  url = {https://example.org/a},\n  urldate = {2024-01-01},\n}\n"
    )
    claims = (
        "version: 1\nclaims:\n  - id: c1\n    text: T.\n    evidence:\n"
        "      - source: oldkey\n        quote: q\n"
    )
    make_project(tmp_path, bib=bib, claims=claims)

    result = claimcheck("lint", "--format", "json", cwd=tmp_path)

    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert "CC101" not in codes
    assert "CC102" not in codes
    assert result.returncode == 0, result.stdout
