"""The HTML review page as a file: golden pages, every text escaped, nothing loaded from
elsewhere, colours at WCAG AA contrast, and what it says where it has nothing to show."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from claimcheck.models import Report
from claimcheck.report.extras import ReviewExtras
from claimcheck.report.review import render_review
from claimcheck.report.review_style import EDGES, PALETTE, TEXT_ON, contrast
from tests import review_reports
from tests.test_report import assert_golden, seed_report

__all__ = ["seed_report"]


class Elements(HTMLParser):
    """Every start tag with its attributes, the text of each <script> and <style>, and the
    rest of the text."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self.text: list[str] = []
        self._open: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in self.inline else None
        if self._open:
            self.inline[self._open].append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.inline[self._open][-1] += data
        else:
            self.text.append(data)


def everything_page() -> str:
    return render_review(review_reports.report(), review_reports.extras())


def test_the_bundled_examples_page_matches_its_golden_file(seed_report: Report) -> None:
    assert_golden("review-seed.html", render_review(seed_report, ReviewExtras()))


def test_a_page_of_every_status_matches_its_golden_file() -> None:
    assert_golden("review-everything.html", everything_page())


def test_a_script_in_a_quote_title_or_detail_stays_text() -> None:
    page = everything_page()
    parsed = Elements(page)
    assert [tag for tag, _ in parsed.tags].count("script") == 1
    assert not any(tag in {"b", "i"} for tag, _ in parsed.tags)
    text = "".join(parsed.text)
    assert review_reports.HOSTILE in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_an_address_that_is_not_http_is_shown_never_linked() -> None:
    links = [attrs["href"] for tag, attrs in Elements(everything_page()).tags if tag == "a"]
    assert "javascript:alert(1)" not in links
    assert all(link and re.match(r"https?://|#", link) for link in links)
    assert "javascript:alert(1)" in everything_page()


def test_the_page_loads_nothing_from_elsewhere() -> None:
    parsed = Elements(everything_page())
    loading = [
        (tag, name)
        for tag, attrs in parsed.tags
        for name in attrs
        if name in {"src", "srcset", "data", "poster", "action", "formaction"}
    ]
    assert loading == []
    assert not any(tag in {"link", "iframe", "img", "object", "embed"} for tag, _ in parsed.tags)
    style = "".join(parsed.inline["style"])
    assert not re.search(r"url\(|@import", style)


def test_the_content_security_policy_allows_exactly_the_inline_style_and_script() -> None:
    parsed = Elements(everything_page())
    (policy,) = [
        attrs["content"]
        for tag, attrs in parsed.tags
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy is not None
    assert "default-src 'none'" in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    allowed = {
        kind: re.findall(r"'sha256-([^']+)'", directives[f"{kind}-src"])
        for kind in ("style", "script")
    }
    inline = {
        kind: [base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for text in texts]
        for kind, texts in parsed.inline.items()
    }
    assert len(inline["style"]) == 2  # the page's, and the one for a browser without scripts
    assert inline == allowed


@pytest.mark.parametrize(
    ("text", "background"),
    [(text, background) for text, backgrounds in TEXT_ON.items() for background in backgrounds],
)
def test_each_text_colour_meets_wcag_aa_on_its_background(text: str, background: str) -> None:
    assert contrast(PALETTE[text], PALETTE[background]) >= 4.5


@pytest.mark.parametrize("edge", EDGES)
def test_control_edges_and_the_focus_ring_stand_out_from_the_page(edge: str) -> None:
    for background in ("page", "panel"):
        assert contrast(PALETTE[edge], PALETTE[background]) >= 3


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_a_page_without_claims_says_the_bibliography_alone_was_checked(
    seed_report: Report,
) -> None:
    bare = seed_report.model_copy(update={"claims": ()})
    page = render_review(bare, ReviewExtras())
    assert "the bibliography alone was checked" in page
    assert 'id="claims"' not in page


def test_a_cut_text_says_which_characters_it_shows() -> None:
    page = everything_page()
    assert "Characters 88 to 144 of 5,144; the rest is left out." in page
    assert "the newest 4 of 6 checks" in page
