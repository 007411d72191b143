"""URL and DOI syntax: examples from real .bib files, and properties over generated input."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimcheck import identifiers as ids
from claimcheck.models import Reason, SourceStatus

DOIS = st.from_regex(re.compile(r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+", re.ASCII), fullmatch=True)
RESOLVER_PREFIXES = st.sampled_from(["", "https://doi.org/", "http://dx.doi.org/", "doi:", "DOI: "])
HOST_AND_PATH = st.from_regex(
    re.compile(r"[a-z0-9]{1,8}\.[a-z]{2,6}(/[a-z0-9._-]{0,10}){0,3}"), fullmatch=True
)
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


# A DOI of characters LaTeX reserves, and each of them as an export may escape it.
LATEX_DOIS = st.from_regex(
    re.compile(r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9%&#]+", re.ASCII), fullmatch=True
)
LATEX_ESCAPES = st.sampled_from(["\\{}", "{{\\{}}}"])


@given(doi=LATEX_DOIS, data=st.data(), braces=st.integers(0, 2))
def test_latex_escaped_doi_reads_as_the_doi_it_escapes(
    doi: str, data: st.DataObject, braces: int
) -> None:
    escaped = "".join(
        data.draw(LATEX_ESCAPES).format(char) if char in "_%&#" else char for char in doi
    )
    written = "{" * braces + escaped + "}" * braces
    assert ids.unescape_latex(escaped) == doi
    assert ids.read_doi(written) == ids.bare_doi(written) == doi
    assert ids.normalise_doi(written) == doi.lower()


@given(text=st.text(alphabet=st.sampled_from("ab_%&#\\{} "), max_size=30) | st.text())
@example(text="{\\{\\_}}")
@example(text="\\{\\_}")
def test_latex_unescaping_is_idempotent_and_keeps_text_without_backslashes(text: str) -> None:
    once = ids.unescape_latex(text)
    assert ids.unescape_latex(once) == once
    assert ids.read_doi(ids.read_doi(text)) == ids.read_doi(text)
    assert ids.bare_doi(ids.bare_doi(text)) == ids.bare_doi(text)
    if "\\" not in text:
        assert once == text


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        (r"10.1300/J010v41n03\_01", "10.1300/J010v41n03_01"),
        (r"{10.1300/J010v41n03{\_}01}", "10.1300/J010v41n03_01"),
        (r"10.1000/50\%off", "10.1000/50%off"),
        (r"10.1207/s15327906mbr3403\&4_04", "10.1207/s15327906mbr3403&4_04"),
        (r"10.1000/a\\_b", r"10.1000/a\\_b"),
        ("{{10.1016/j.rser.2015.12.080}}", "10.1016/j.rser.2015.12.080"),
        ("{10.1000/a}{B}", "10.1000/aB"),
        (r"10.1000/\{a\}", r"10.1000/\{a\}"),
        (" { 10.1000/xyz } ", "10.1000/xyz"),
        ("https://doi.org/10.1000/a", "https://doi.org/10.1000/a"),
    ],
)
def test_doi_field_is_read_as_latex_reads_it_prefix_kept(raw: str, read: str) -> None:
    assert ids.read_doi(raw) == read


@given(url=URL_TEXT | st.text())
@example(url=r"https://brill.com/article-p1\\_001.xml")
@example(url=r"\{\_}")
@example(url=r"\textasciitilde\textasciitilde{}")
def test_unescaped_url_holds_no_escape(url: str) -> None:
    assert ids.markdown_escapes(ids.unescape(url)) == []


@given(url=URL_TEXT.map(lambda path: "https://Example.org/" + path) | st.text())
@example(url="https://example.org/report /")
@example(url="https://example.org/a?q= #top")
@example(url="https://Example.org/? #")
def test_canonical_url_is_idempotent(url: str) -> None:
    once = ids.canonical_url(url)
    assert ids.canonical_url(once) == once


FUNCTIONS: list[Callable[[str], object]] = [
    ids.normalise_doi,
    ids.bare_doi,
    ids.read_doi,
    ids.unescape_latex,
    ids.is_valid_doi,
    ids.doi_in_url,
    ids.markdown_escapes,
    ids.unescape,
    ids.meant_url,
    ids.has_whitespace,
    ids.looks_schemeless,
    ids.scheme,
    ids.host,
    ids.registrable_label,
    ids.registrable_domain,
    ids.is_archive_or_resolver,
    ids.canonical_url,
    ids.truncated_slug,
    ids.ends_mid_escape,
    ids.scheme_typo,
    ids.unfetchable,
]


# No deadline: the first registrable-domain question reads the Public Suffix List (~0.1 s).
@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.__name__)
@settings(max_examples=50, deadline=None)
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
        (r"{https://doi.org/10.1300/J010v41n03\_01}", "10.1300/J010v41n03_01"),
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
        (r"http://x.org/some{\_}page", "http://x.org/some_page"),
        (r"http://x.org/\~{}user/", "http://x.org/~user/"),
        (r"http://x.org/{\textasciitilde}user/", "http://x.org/~user/"),
        (r"http://x.org/\textasciitilde{}user/", "http://x.org/~user/"),
        (r"http://x.org/\textasciitilde user/", "http://x.org/~user/"),
        (r"http://x.org/\textasciitilde/user/", "http://x.org/~/user/"),
        (r"http://x.org/a\textunderscore{}b", "http://x.org/a_b"),
        (r"http://x.org/100\%25", "http://x.org/100%25"),
        # A brace group read leaves an escape to read in turn.
        (r"http://x.org/a\{\_}b", "http://x.org/a_b"),
    ],
)
def test_unescape_removes_markdown_latex_and_html_escapes(url: str, fixed: str) -> None:
    assert ids.unescape(url) == fixed


@pytest.mark.parametrize(
    "url",
    [
        "http://x.org/some_page?a=1&amp;b=2",
        r"http://x.org/\textasciitildeuser/",
        "http://x.org/%7Euser/",
    ],
)
def test_url_without_escapes_means_itself(url: str) -> None:
    assert ids.meant_url(url) == url


@pytest.mark.parametrize(
    ("url", "meant"),
    [
        ("https://x.org/very/long/\n      report.pdf", "https://x.org/very/long/report.pdf"),
        ("https://x.org/very/long/ \r\n\treport.pdf", "https://x.org/very/long/report.pdf"),
        ("https://x.org/re-\n  port.pdf", "https://x.org/re-port.pdf"),
        ("https://x.org/p1\\_\n  001.xml", "https://x.org/p1_001.xml"),
        # A space on one line may be the address's own (sent as %20); several addresses
        # are left as they are, for lint's finding to say which to keep.
        ("https://x.org/a b.pdf", "https://x.org/a b.pdf"),
        ("https://a.org/x\n  https://b.org/y", "https://a.org/x\n  https://b.org/y"),
    ],
)
def test_url_wrapped_over_lines_means_the_address_joined(url: str, meant: str) -> None:
    assert ids.meant_url(url) == meant


def test_deeply_nested_escapes_are_read_in_time_linear_in_their_length() -> None:
    # {\{\{\_}}}: each group read leaves an escape to read in turn. Read over and over,
    # a 60 kB field took 36 s; a hostile one of a few MB would never end.
    depth = 300_000
    hostile = "https://x.org/" + "{\\" * depth + "_" + "}" * depth
    started = time.process_time()

    assert ids.meant_url(hostile) == "https://x.org/_"
    assert time.process_time() - started < 5


def test_a_long_run_of_backslashes_is_read_in_time_linear_in_its_length() -> None:
    # Each backslash of the run used to start a new scan of the rest: 40,000 took 17 s, in
    # lint's url-markdown-escape rule too.
    hostile = "https://x.org/" + "\\" * 1_000_000 + "a"
    started = time.process_time()

    assert ids.markdown_escapes(hostile) == []
    assert ids.meant_url(hostile) == hostile
    assert time.process_time() - started < 5


@pytest.mark.parametrize("gap", [" ", " \n"])
def test_a_long_run_of_spaces_is_read_in_time_linear_in_its_length(gap: str) -> None:
    hostile = "https://x.org/a" + gap * 1_000_000 + "b"
    started = time.process_time()

    meant = ids.meant_url(hostile)
    canonical = ids.canonical_url(hostile)

    assert meant == ("https://x.org/ab" if "\n" in gap else hostile)
    assert canonical.startswith("https://x.org/a")
    assert time.process_time() - started < 5


def test_url_with_escapes_means_the_address_its_hint_gives() -> None:
    assert (
        ids.meant_url(r"https://x.org/p1\_001.xml?a=1\&amp;b=2")
        == "https://x.org/p1_001.xml?a=1&b=2"
    )


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


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("blog.example.de", "example.de"),
        ("www.example.de", "example.de"),
        ("WWW.BBC.CO.UK.", "bbc.co.uk"),
        ("a.b.chinadaily.com.cn", "chinadaily.com.cn"),
        ("alice.github.io", "alice.github.io"),
        ("github.io", "github.io"),
        ("localhost", "localhost"),
        ("127.0.1.5", "127.0.1.5"),
        ("[::1]", "[::1]"),
    ],
)
def test_registrable_domain_follows_the_public_suffix_list(host: str, domain: str) -> None:
    assert ids.registrable_domain(host) == domain


def test_canonical_url_ignores_host_case_trailing_slash_and_fragment() -> None:
    assert ids.canonical_url("HTTPS://WWW.BBC.COM/news/a/#top") == "https://www.bbc.com/news/a"


@pytest.mark.parametrize(
    ("url", "cut"),
    [("https://x.org/a%2", True), ("https://x.org/a%", True), ("https://x.org/a%20", False)],
)
def test_url_ending_inside_a_percent_escape_is_cut(url: str, cut: bool) -> None:
    assert ids.ends_mid_escape(url) is cut


# Misspelt schemes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "written", "corrected"),
    [
        ("htp://example.org/a", "htp://", "http://example.org/a"),
        ("htps://example.org/a", "htps://", "https://example.org/a"),
        ("htttp://example.org/a", "htttp://", "http://example.org/a"),
        ("hhttps://example.org/a", "hhttps://", "https://example.org/a"),
        ("ttps://example.org/a", "ttps://", "https://example.org/a"),
        ("htpt://example.org/a", "htpt://", "http://example.org/a"),
        ("http:/example.org/a", "http:/", "http://example.org/a"),
        ("https//example.org/a", "https//", "https://example.org/a"),
        ("http;//example.org/a", "http;//", "http://example.org/a"),
        ("https:///example.org/a", "https:///", "https://example.org/a"),
        ("http:\\\\example.org/a", "http:\\\\", "http://example.org/a"),
        ("HTTPS:example.org", "HTTPS:", "https://example.org"),
    ],
)
def test_scheme_one_edit_from_http_or_a_wrong_separator_is_a_typo(
    url: str, written: str, corrected: str
) -> None:
    typo = ids.scheme_typo(url)
    assert typo is not None
    assert (typo.written, typo.corrected) == (written, corrected)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a",
        "HTTP://example.org/a",
        "ftp://ftp.example.org/pub",
        "hxxp://example.org/",
        "mailto:someone@example.org",
        "http.example.org/a",
        "www.example.org/a",
        "news:comp.lang.python",
    ],
)
def test_real_schemes_and_schemeless_urls_are_not_typos(url: str) -> None:
    assert ids.scheme_typo(url) is None


def _one_letter_edits(word: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {left + right[1:] for left, right in splits if right}
        | {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
        | {left + c + right[1:] for left, right in splits if right for c in letters}
        | {left + c + right for left, right in splits for c in letters}
    )


def _one_separator_edits(separator: str) -> set[str]:
    marks = ":;/\\"
    splits = [(separator[:i], separator[i:]) for i in range(len(separator) + 1)]
    edits = (
        {left + right[1:] for left, right in splits if right}
        | {left + c + right[1:] for left, right in splits if right for c in marks}
        | {left + c + right for left, right in splits for c in marks}
    )
    return edits - {""}


MISSPELT = st.builds(
    lambda scheme, separator, rest: (scheme + separator, rest),
    st.sampled_from(sorted(_one_letter_edits("http") | _one_letter_edits("https"))),
    st.sampled_from(sorted(_one_separator_edits("://") | {"://"})),
    HOST_AND_PATH,
).filter(lambda pair: pair[0].lower() not in {"http://", "https://"})


@given(misspelt=MISSPELT)
def test_every_one_edit_misspelling_of_the_scheme_is_an_invalid_typo(
    misspelt: tuple[str, str],
) -> None:
    start, rest = misspelt
    typo = ids.scheme_typo(start + rest)
    assert typo is not None
    assert typo.corrected in {f"http://{rest}", f"https://{rest}"}
    problem = ids.unfetchable(start + rest)
    assert problem is not None
    assert (problem.status, problem.reason) == (SourceStatus.INVALID, Reason.INVALID_URL)
    assert "typo" in problem.detail


@given(scheme=st.sampled_from(["http", "https", "HTTP", "Https"]), rest=HOST_AND_PATH)
def test_a_well_formed_http_url_is_neither_a_typo_nor_unfetchable(scheme: str, rest: str) -> None:
    assert ids.scheme_typo(f"{scheme}://{rest}") is None
    assert ids.unfetchable(f"{scheme}://{rest}") is None


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("ftp://ftp.example.org/pub/a.ps", SourceStatus.SKIPPED, "not ftp:"),
        ("mailto:someone@example.org", SourceStatus.SKIPPED, "not mailto:"),
        ("file:///home/me/paper.pdf", SourceStatus.SKIPPED, "not file:"),
        ("www.example.org/a", SourceStatus.INVALID, "no scheme"),
        ("not a url", SourceStatus.INVALID, "no scheme"),
        ("https://", SourceStatus.INVALID, "need a host"),
        ("http://example.org:99999/", SourceStatus.INVALID, "not a port number"),
        ("http://exa mple.org/", SourceStatus.INVALID, "holds ' '"),
        ("htps://example.org/", SourceStatus.INVALID, "htps:// looks like a typo of https://"),
    ],
)
def test_unfetchable_url_says_why_in_its_status_and_detail(
    url: str, status: SourceStatus, detail: str
) -> None:
    problem = ids.unfetchable(url)
    assert problem is not None
    assert problem.status is status
    expected = Reason.UNSUPPORTED_SCHEME if status is SourceStatus.SKIPPED else Reason.INVALID_URL
    assert problem.reason is expected
    assert detail in problem.detail


@pytest.mark.parametrize(
    "url", ["https://例え.jp/新闻?q=비자", "http://host/a b", "http://host/caf%C3%A9"]
)
def test_iri_and_url_with_spaces_are_fetchable(url: str) -> None:
    assert ids.unfetchable(url) is None


def test_registered_domain_agrees_with_the_public_suffix_list_package_on_its_own_rules() -> None:
    from publicsuffixlist import PublicSuffixList

    from claimcheck.suffixes import _rules, registered_domain

    reference = PublicSuffixList()
    rules = [line for line in _rules() if line and not line.startswith("//")]
    names = [rule.removeprefix("!").replace("*", "x") for rule in rules]
    # Hosts arrive in Punycode: each rule's names also in the form IDNA gives them.
    names += [_punycode(name) for name in names if not name.isascii()]
    hosts = [host for name in names for host in (name, f"a.{name}", f"b.a.{name}")]
    assert [(h, registered_domain(h)) for h in hosts] == [
        (h, reference.privatesuffix(h)) for h in hosts
    ]


def test_the_bundled_list_writes_each_rule_in_lower_case_without_spaces() -> None:
    from claimcheck.suffixes import _rules

    rules = [line for line in _rules() if line and not line.startswith("//")]

    assert len(rules) > 9_000
    assert all(rule == rule.strip().lower() and " " not in rule for rule in rules)


def _punycode(name: str) -> str:
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in name.split(".")
    )
