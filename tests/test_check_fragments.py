"""A #fragment naming nothing on the page is noted; the page is still alive."""

from __future__ import annotations

import pytest

from claimcheck.models import NoteCode, Reason, SourceStatus
from tests.checking import check, note_codes
from tests.servers import HostFactory, html_page, page, redirect

ARTICLE = html_page(
    "An article",
    '<h2 id="methods">Methods</h2><p>...</p><a name="results-table"></a><div id="Résumé">y</div>',
)


@pytest.mark.parametrize("fragment", ["methods", "results-table", "R%C3%A9sum%C3%A9"])
def test_fragment_on_the_page_is_alive_without_a_note(hosts: HostFactory, fragment: str) -> None:
    (host,) = hosts(1)
    host.route("/article", ARTICLE)

    result = check(host.url(f"/article#{fragment}"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert result.notes == ()


def test_missing_fragment_is_alive_with_a_note(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/article", ARTICLE)

    result = check(host.url("/article#discussion"))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert note_codes(result) == [NoteCode.FRAGMENT_MISSING]
    assert "discussion" in result.notes[0].message


@pytest.mark.parametrize("fragment", ["!/route/42", "/route/42", ":~:text=hello", "page=3"])
def test_application_routes_are_not_judged(hosts: HostFactory, fragment: str) -> None:
    (host,) = hosts(1)
    host.route("/app", ARTICLE)

    result = check(host.url(f"/app#{fragment}"))

    assert result.status is SourceStatus.ALIVE
    assert result.notes == ()


def test_fragment_is_looked_for_on_the_page_the_redirects_end_at(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/old", redirect("/article"))
    host.route("/article", ARTICLE)

    assert check(host.url("/old#methods")).notes == ()
    assert note_codes(check(host.url("/old#nowhere"))) == [NoteCode.FRAGMENT_MISSING]


def test_fragment_of_a_non_html_document_is_not_judged(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/paper.pdf", page(b"%PDF-1.7", content_type="application/pdf"))

    result = check(host.url("/paper.pdf#page=4"))

    assert result.notes == ()
    assert check(host.url("/paper.pdf#section2")).notes == ()


def test_fragments_are_not_judged_when_switched_off(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/article", ARTICLE)

    result = check(host.url("/article#discussion"), check_fragments=False)

    assert result.status is SourceStatus.ALIVE
    assert result.notes == ()


def test_fragment_beyond_the_cap_is_not_judged(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    filler = "<p>" + "x" * 4096 + "</p>"
    host.route("/long", html_page("Long", filler * 64 + '<h2 id="end">End</h2>'))

    result = check(host.url("/long#end"), max_body=64 * 1024)

    assert note_codes(result) == [NoteCode.BODY_TRUNCATED]
