"""Links in the review page and the markdown tables go where the cited address goes."""

from __future__ import annotations

from claimcheck.models import Hop, Source
from claimcheck.report.markup import link
from claimcheck.report.review_items import _live
from claimcheck.report.table_markdown import link as markdown_link


def test_a_review_link_targets_the_address_percent_encoded_not_as_shown() -> None:
    html = link("http://news.example/article\u200e?q=a\u202eb&x=1 2")

    assert 'href="http://news.example/article%E2%80%8E?q=a%E2%80%AEb&amp;x=1%202"' in html
    assert "\\u" not in html.split(">", 1)[0]


def test_a_markdown_table_autolinks_only_http_addresses() -> None:
    assert markdown_link("https://news.example/a") == "<https://news.example/a>"
    assert not markdown_link("javascript:fetch('//evil.example/')").startswith("<")
    assert not markdown_link("data:text/html,%3Cscript%3E").startswith("<")


def test_a_cited_iri_not_redirected_is_not_said_to_be_now_elsewhere() -> None:
    cited = Source(
        key="k",
        keys=("k",),
        kind="url",
        url="http://news.example/新闻/2024",
        final_url="http://news.example/%E6%96%B0%E9%97%BB/2024",
    )
    moved = cited.model_copy(
        update={"redirects": (Hop(url=cited.url, status=301),), "final_url": "http://x.example/"}
    )

    assert "now at" not in _live(cited)
    assert "now at" in _live(moved)
