"""`claimcheck verify` judging evidence end to end: quotes looked for in live pages, snapshots
and local copies served or written for the test, and each claim's status rolled up."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from tests.documents import make_pdf
from tests.servers import Host, HostFactory, Response, html_document, html_page, page, status
from tests.test_cli import claimcheck
from tests.test_cli_verify import fast_settings

NEWS = (
    "<p>China extends visa-free entry to 12 countries, the foreign ministry said on Friday.</p>"
    "<p>Foreign nationals made 8.91 million entries in the third quarter.</p>"
)


def bib(*entries: tuple[str, str]) -> str:
    """A bibliography of ``(key, fields)`` online entries."""
    return "".join(
        f"@online{{{key},\n  author = {{{{Xinhua}}}},\n  title = {{News}},\n{fields}}}\n"
        for key, fields in entries
    )


def ledger(*claims: tuple[str, str, str, str]) -> str:
    """A ledger of ``(id, source key, quote, stance)`` claims, one evidence item each."""
    lines = ["version: 1", "claims:"]
    for claim_id, key, quote, stance in claims:
        lines += [
            f"  - id: {claim_id}",
            f"    text: The claim {claim_id}.",
            "    evidence:",
            f"      - source: {key}",
            f"        quote: {json.dumps(quote)}",
            f"        stance: {stance}",
        ]
    return "\n".join(lines) + "\n"


def project(folder: Path, bib_text: str, claims: str) -> Path:
    (folder / "references.bib").write_text(bib_text, encoding="utf-8")
    (folder / "claims.yaml").write_text(claims, encoding="utf-8")
    return fast_settings(folder)


def news_project(folder: Path, host: Host, *claims: tuple[str, str, str, str]) -> Path:
    """A project citing the news page of ``host`` as 'xinhua', with ``claims`` on it."""
    return project(folder, bib(("xinhua", f"  url = {{{host.url('/news')}}},\n")), ledger(*claims))


def verify_json(folder: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = claimcheck("verify", "--allow-private", "--format", "json", *args, cwd=folder)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout)


def claims_by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {claim["id"]: claim for claim in report["claims"]}


def news_host(hosts: HostFactory, body: str = NEWS) -> Host:
    (host,) = hosts(1)
    host.route("/news", html_page("Visa news", body))
    return host


def test_a_quote_on_the_live_page_supports_its_claim_and_one_it_lacks_breaks_its(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = news_project(
        tmp_path,
        host,
        ("extends", "xinhua", "China extends visa-free entry to 12 countries", "supports"),
        ("absent", "xinhua", "China ends visa-free entry for all countries", "supports"),
    )
    code, report = verify_json(folder)
    claims = claims_by_id(report)
    found = claims["extends"]["evidence"][0]
    assert claims["extends"]["status"] == "supported"
    assert found["quote_status"] == "found"
    assert found["checked_in"] == "live"
    assert found["excerpt"]["match"] == "China extends visa-free entry to 12 countries"
    assert "foreign ministry said on Friday" in found["excerpt"]["after"]
    assert found["snapshot"]["payload_digest"]
    missing = claims["absent"]["evidence"][0]
    assert claims["absent"]["status"] == "broken"
    assert missing["quote_status"] == "missing"
    assert "China extends visa-free entry to 12 countries" in missing["closest"]["match"]
    assert code == 1
    codes = [(f["code"], f["subject"], f["file"]) for f in report["findings"]]
    assert ("CC601", "absent", "claims.yaml") in codes
    assert report["summary"]["claim_statuses"] == {"broken": 1, "supported": 1}


def test_a_quote_on_a_page_sent_under_an_encoding_that_compresses_nothing_is_found(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    body = html_document("Visa news", NEWS).encode()
    host.route(
        "/news",
        lambda request: Response(
            200, [("Content-Type", "text/html"), ("Content-Encoding", "UTF-8")], body
        ),
    )
    quote = "China extends visa-free entry to 12 countries"
    folder = news_project(tmp_path, host, ("extends", "xinhua", quote, "supports"))

    _, report = verify_json(folder)

    assert claims_by_id(report)["extends"]["evidence"][0]["quote_status"] == "found"


def _gzip_members(body: bytes, cuts: tuple[int, ...]) -> bytes:
    """``body`` cut at ``cuts`` and each part gzipped on its own: one gzip member after another."""
    bounds = (0, *cuts, len(body))
    return b"".join(gzip.compress(body[a:b]) for a, b in itertools.pairwise(bounds))


@pytest.mark.parametrize(
    "after",
    [b"", b"\n\x00\x00 trailing bytes", b"\x1f"],
    ids=["members", "then-garbage", "then-a-stray-byte"],
)
@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_a_quote_in_a_later_member_of_a_gzip_body_is_found(
    hosts: HostFactory, tmp_path: Path, after: bytes, chunk: int
) -> None:
    (host,) = hosts(1)
    body = html_document("Visa news", NEWS).encode()
    sent = _gzip_members(body, (len(body) // 3, 2 * len(body) // 3)) + after
    headers = [
        ("Content-Type", "text/html"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(sent))),
    ]
    parts = [sent[i : i + chunk] for i in range(0, len(sent), chunk)]
    host.route("/news", lambda request: Response(200, headers, chunks=parts))
    quote = "Foreign nationals made 8.91 million entries in the third quarter"
    folder = news_project(tmp_path, host, ("entries", "xinhua", quote, "supports"))

    code, report = verify_json(folder)

    assert claims_by_id(report)["entries"]["evidence"][0]["quote_status"] == "found"
    assert (code, report["sources"][0]["status"], report["sources"][0]["notes"]) == (0, "alive", [])


def test_a_forum_thread_with_one_reply_deleted_is_alive_and_its_post_quoted(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    thread = (
        "<div class=post><b>kimtravels</b><p>Does the visa waiver for Korean citizens still "
        "apply in 2025? Planning a 10 day trip.</p></div>"
        "<div class=post><b>mod_anna</b><p>This post has been deleted by the author.</p></div>"
        "<div class=post><b>lee88</b><p>Yes, it was extended until the end of 2025, 15 days "
        "max.</p></div>"
    )
    host.route("/news", html_page("Visa waiver question | Travel forum", thread))
    quote = "it was extended until the end of 2025"
    folder = news_project(tmp_path, host, ("extended", "xinhua", quote, "supports"))

    code, report = verify_json(folder)

    [source] = report["sources"]
    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert claims_by_id(report)["extended"]["status"] == "supported"
    assert code == 0


@pytest.mark.parametrize(
    ("on_the_page", "quoted"),
    [
        (
            'Visitors<sup class="noprint Inline-Template">[<i><a href="/wiki/W:CN">citation '
            "needed</a></i>]</sup> from Korea doubled",
            "Visitors from Korea doubled",
        ),
        (
            'Visitors<a href="#fn1" class="footnote-ref"><sup>1</sup></a> from Korea doubled',
            "Visitors from Korea doubled",
        ),
        ("We don\u00b4t know yet how many came", "We don't know yet how many came"),
        ("The rules\u2014old ones\u2014stay", "The rules -- old ones -- stay"),
        ("He called it \u2018a turning point\u2019 for", 'He called it "a turning point" for'),
        ("中国免签国家增至 12 个", "中国免签国家增至12个"),
        ("Officials said the rules changed in May", "[T]he rules changed in May"),
        ("The goverment said so on Monday", "The goverment [sic] said so on Monday"),
        ("It will open in May, the mayor said", "[The bridge] will open in May, the mayor said"),
        ("He called it <q>a turning point</q> for", 'He called it "a turning point" for'),
    ],
    ids=[
        "citation-needed",
        "pandoc-note",
        "acute-apostrophe",
        "dashes",
        "inner-quotes",
        "cjk-space",
        "changed-capital",
        "sic",
        "insertion",
        "q-element",
    ],
)
def test_a_quote_written_as_authors_write_it_is_found(
    hosts: HostFactory, tmp_path: Path, on_the_page: str, quoted: str
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("Visa news", f"<p>{on_the_page}</p>"))
    folder = news_project(tmp_path, host, ("claim", "xinhua", quoted, "supports"))

    code, report = verify_json(folder)

    assert claims_by_id(report)["claim"]["evidence"][0]["quote_status"] == "found"
    assert code == 0


def test_a_quote_on_a_javascript_application_is_unchecked_not_missing(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    shell = (
        "<!doctype html><html><head><title>Open Data Portal</title></head><body>"
        "<noscript>You need to enable JavaScript to run this app.</noscript>"
        '<div id="root"></div><script src="/static/js/main.js"></script>'
        '<script id="__DATA__" type="application/json">{"text": "Visitors doubled"}</script>'
        "</body></html>"
    )
    host.route("/news", page(shell.encode()))
    folder = news_project(tmp_path, host, ("claim", "xinhua", "Visitors doubled", "supports"))

    code, report = verify_json(folder)

    [claim] = report["claims"]
    [evidence] = claim["evidence"]
    assert (report["sources"][0]["status"], evidence["quote_status"]) == ("alive", "unchecked")
    assert "JavaScript application's shell" in evidence["detail"]
    assert claim["status"] == "unverified"
    assert code == 0


def test_a_quote_cited_under_an_old_key_in_ids_is_checked_in_that_entrys_source(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    entry = f"  ids = {{xinhua-old}},\n  url = {{{host.url('/news')}}},\n"
    quote = "China extends visa-free entry to 12 countries"
    folder = project(
        tmp_path, bib(("xinhua", entry)), ledger(("extends", "xinhua-old", quote, "supports"))
    )

    _, report = verify_json(folder)

    item = claims_by_id(report)["extends"]["evidence"][0]
    assert (item["source"], item["quote_status"]) == ("xinhua", "found")


@pytest.mark.parametrize(
    "markup",
    [
        "<ul><li hidden>Draft<li>{quote}, the foreign ministry said.</ul>",
        "<table><tr><td style='display:none'>1001<td>{quote}.</table>",
        "<p hidden>Note<p>{quote}.",
    ],
)
def test_a_quote_after_a_hidden_element_left_unclosed_is_found(
    hosts: HostFactory, tmp_path: Path, markup: str
) -> None:
    """HTML lets a page leave out </li>, </td> and </p>: a browser ends the hidden element at
    the next item, cell or paragraph, and shows the quote."""
    quote = "China extends visa-free entry to 12 countries"
    host = news_host(hosts, markup.format(quote=quote))
    folder = news_project(tmp_path, host, ("extends", "xinhua", quote, "supports"))

    _, report = verify_json(folder)

    assert claims_by_id(report)["extends"]["evidence"][0]["quote_status"] == "found"


@pytest.mark.parametrize(
    ("markup", "quote"),
    [
        ('<p>Published<span aria-hidden="true"> · </span>12 March 2024</p>', "12 March 2024"),
        (
            '<p><a href="/r">China extends visa-free entry<span class="sr-only"> (opens in new '
            "tab)</span></a> to 12 countries.</p>",
            "China extends visa-free entry to 12 countries",
        ),
        (
            "<p>日本政府は<ruby>入国<rt>にゅうこく</rt></ruby>制限を緩和すると発表した。</p>",
            "日本政府は入国制限を緩和すると発表した",
        ),
        (
            '<p>China extends visa-free entry<sup class="reference"><a href="#cite_note-1">[1]'
            "</a></sup> to 12 countries.</p>",
            "China extends visa-free entry to 12 countries",
        ),
        # A Chinese page wrapped in its source: the line break parts no words.
        ("<p>今年第三季度外国人\n入境人次同比增长百分之四十八。</p>", "外国人入境人次同比增长"),
    ],
)
def test_a_quote_is_found_as_the_words_stand_on_the_screen(
    hosts: HostFactory, tmp_path: Path, markup: str, quote: str
) -> None:
    host = news_host(hosts, markup)
    folder = news_project(tmp_path, host, ("said", "xinhua", quote, "supports"))

    _, report = verify_json(folder)

    assert claims_by_id(report)["said"]["evidence"][0]["quote_status"] == "found"


def test_a_changed_number_is_missing_never_a_near_match(hosts: HostFactory, tmp_path: Path) -> None:
    host = news_host(hosts)
    quote = "Foreign nationals made 8.19 million entries in the third quarter."
    folder = news_project(tmp_path, host, ("arrivals", "xinhua", quote, "supports"))
    _, report = verify_json(folder)
    item = report["claims"][0]["evidence"][0]
    assert item["quote_status"] == "missing"
    assert {"quote": "8.19", "source": "8.91", "decisive": True} in item["differences"]
    assert "8.91 million" in item["closest"]["match"]


def test_the_terminal_report_shows_the_claim_needing_attention_with_its_closest_passage(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = news_project(
        tmp_path,
        host,
        ("extends", "xinhua", "China extends visa-free entry to 12 countries", "supports"),
        ("arrivals", "xinhua", "made 8.19 million entries", "supports"),
    )
    result = claimcheck("verify", "--allow-private", cwd=folder, env={"COLUMNS": "200"})
    assert result.returncode == 1
    out = result.stdout
    assert "claims: 1 broken, 1 supported" in out
    assert "Claims needing attention (1)" in out
    assert "broken arrivals claims.yaml:" in out
    assert "quote missing" in out
    assert "closest: " in out
    assert "«" in out
    assert out.index("arrivals") < out.index("extends")


def test_a_quote_gone_from_the_page_is_drifted_with_the_snapshot_that_had_it(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = news_project(
        tmp_path,
        host,
        ("extends", "xinhua", "China extends visa-free entry to 12 countries", "supports"),
    )
    first_code, first = verify_json(folder)
    assert first_code == 0
    host.route("/news", html_page("Visa news", "<p>The page was rewritten.</p>"))
    code, report = verify_json(folder, "--max-age", "0s")
    claim = report["claims"][0]
    item = claim["evidence"][0]
    assert item["quote_status"] == "drifted"
    assert claim["status"] == "at-risk"
    assert (
        item["drift"]["last_found"] == first["claims"][0]["evidence"][0]["snapshot"]["captured_at"]
    )
    assert item["drift"]["cite"]["kind"] == "local"
    assert item["excerpt"]["match"] == "China extends visa-free entry to 12 countries"
    assert [f["code"] for f in report["findings"] if f["code"].startswith("CC6")] == ["CC602"]
    assert code == 0
    shown = claimcheck("verify", "--offline", "--all", cwd=folder, env={"COLUMNS": "200"}).stdout
    day = item["drift"]["last_found"][:10]
    assert f"found in the snapshot of {day}: " in shown


def test_prune_keeps_the_last_copy_of_a_page_now_gone_so_its_claim_stays_at_risk(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    quote = "China extends visa-free entry to 12 countries"
    folder = news_project(tmp_path, host, ("extends", "xinhua", quote, "supports"))
    assert verify_json(folder)[0] == 0
    host.route("/news", status(404))
    for _ in range(3):
        verify_json(folder, "--max-age", "0s")

    pruned = claimcheck("archive", "prune", "--keep", "2", cwd=folder)
    code, report = verify_json(folder, "--offline")

    assert pruned.returncode == 0, pruned.stderr
    assert "dropped 1 captures, kept 3" in pruned.stdout
    [claim] = report["claims"]
    assert (claim["status"], claim["evidence"][0]["quote_status"]) == ("at-risk", "found")
    assert report["sources"][0]["rescue"]["kind"] == "local"
    assert code == 1


def test_a_page_that_lost_the_quote_and_then_died_says_so_and_names_the_older_copy(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    quote = "China extends visa-free entry to 12 countries"
    folder = news_project(tmp_path, host, ("extends", "xinhua", quote, "supports"))
    first = verify_json(folder)[1]
    host.route("/news", html_page("Visa news", "<p>The page was rewritten.</p>"))
    verify_json(folder, "--max-age", "0s")
    host.route("/news", status(404))

    _, report = verify_json(folder, "--max-age", "0s")

    [claim] = report["claims"]
    [evidence] = claim["evidence"]
    assert claim["status"] == "at-risk"
    assert claim["why"] == (
        "'xinhua' is dead, and the quote was gone from it before; an older snapshot has it"
    )
    cited = first["claims"][0]["evidence"][0]["snapshot"]["captured_at"]
    assert (evidence["quote_status"], evidence["drift"]["cite"]["captured_at"]) == (
        "drifted",
        cited,
    )


def test_a_run_with_the_archive_after_one_without_it_captures_the_page_and_checks_quotes(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    quote = "China extends visa-free entry to 12 countries"
    folder = news_project(tmp_path, host, ("extends", "xinhua", quote, "supports"))
    verify_json(folder, "--no-archive", "--no-quotes")
    asked = len(host.hits("/news"))

    code, report = verify_json(folder)
    again = len(host.hits("/news"))
    _, third = verify_json(folder)

    assert again == asked + 1, "a fresh cached result, but no copy kept: asked again"
    assert len(host.hits("/news")) == again, "with a copy kept, the cached result stands"
    assert report["sources"][0]["snapshot"] is not None
    assert claims_by_id(report)["extends"]["evidence"][0]["quote_status"] == "found"
    assert third["sources"][0]["from_cache"] is True
    assert code == 0


def test_offline_the_quote_is_checked_in_the_newest_snapshot_saying_which(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = news_project(
        tmp_path,
        host,
        ("extends", "xinhua", "China extends visa-free entry to 12 countries", "supports"),
    )
    _, first = verify_json(folder)
    host.stop()
    code, report = verify_json(folder, "--offline")
    item = report["claims"][0]["evidence"][0]
    assert item["quote_status"] == "found"
    assert item["checked_in"] == first["claims"][0]["evidence"][0]["snapshot"]["captured_at"]
    assert report["claims"][0]["status"] == "supported"
    assert code == 0


def test_a_dead_source_is_searched_in_its_snapshot_and_its_claim_is_at_risk(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = news_project(
        tmp_path,
        host,
        ("extends", "xinhua", "China extends visa-free entry to 12 countries", "supports"),
    )
    verify_json(folder)
    host.route("/news", status(404))
    _, report = verify_json(folder, "--max-age", "0s")
    claim = report["claims"][0]
    item = claim["evidence"][0]
    assert item["source_status"] == "dead"
    assert item["quote_status"] == "found", item["detail"]
    assert item["checked_in"] != "live"
    assert claim["status"] == "at-risk"


def test_a_refuting_quote_that_is_there_contests_the_claim(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = news_project(
        tmp_path,
        host,
        ("extends", "xinhua", "China extends visa-free entry to 12 countries", "refutes"),
    )
    _, report = verify_json(folder)
    assert report["claims"][0]["status"] == "contested"
    assert [f["code"] for f in report["findings"] if f["code"].startswith("CC6")] == ["CC603"]


def test_no_quotes_leaves_every_quote_unchecked_and_the_claim_unverified(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = news_project(
        tmp_path, host, ("absent", "xinhua", "A sentence the page does not have", "supports")
    )
    code, report = verify_json(folder, "--no-quotes")
    item = report["claims"][0]["evidence"][0]
    assert item["quote_status"] == "unchecked"
    assert "--no-quotes" in item["detail"]
    assert report["claims"][0]["status"] == "unverified"
    assert code == 0


def test_a_local_pdf_copy_of_a_reference_without_url_is_searched_page_first(
    tmp_path: Path,
) -> None:
    pdf = make_pdf(["Title page", "Arrivals rose by 48.8 per cent in the third quarter."])
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "report.pdf").write_bytes(pdf)
    folder = project(
        tmp_path,
        bib(("report", "  file = {:papers/report.pdf:PDF},\n")),
        "version: 1\nclaims:\n  - id: rise\n    text: Arrivals rose.\n    evidence:\n"
        "      - source: report\n        quote: Arrivals rose by 48.8 per cent\n"
        "        locator: p. 1\n",
    )
    code, report = verify_json(folder)
    item = report["claims"][0]["evidence"][0]
    assert item["quote_status"] == "found"
    assert item["checked_in"] == "file"
    assert item["file"].endswith("report.pdf")
    assert item["excerpt"]["page"] == "2"
    assert "page 2" in item["detail"]
    assert report["claims"][0]["status"] == "supported"
    assert code == 0


@pytest.mark.parametrize("footer", ["12", "Page 12", "- 12 -"])
def test_a_quote_across_a_pdf_page_break_is_found_past_the_page_number(
    hosts: HostFactory, tmp_path: Path, footer: str
) -> None:
    (host,) = hosts(1)
    pdf = make_pdf(
        [
            f"Foreign nationals made 8.91 million entries\n\n{footer}",
            "13\ninto China in the third quarter of 2024.",
        ]
    )
    host.route("/news", page(pdf, content_type="application/pdf"))
    quote = "Foreign nationals made 8.91 million entries into China"
    folder = news_project(tmp_path, host, ("entries", "xinhua", quote, "supports"))

    code, report = verify_json(folder)

    [evidence] = report["claims"][0]["evidence"]
    assert (evidence["quote_status"], evidence["differences"]) == ("found", [])
    assert code == 0


def test_a_quote_that_cannot_be_searched_is_unchecked_with_its_reason(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/chart.png", page(b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png"))
    host.route("/scan.pdf", page(make_pdf([""]), content_type="application/pdf"))
    host.route("/paywall", status(403, [("Content-Type", "text/html")], b"<p>Forbidden</p>"))
    folder = project(
        tmp_path,
        bib(
            ("chart", f"  url = {{{host.url('/chart.png')}}},\n"),
            ("scan", f"  url = {{{host.url('/scan.pdf')}}},\n"),
            ("paywall", f"  url = {{{host.url('/paywall')}}},\n"),
            ("book", "  isbn = {978-0-465-00719-5},\n"),
        ),
        ledger(
            ("c-chart", "chart", "arrivals doubled", "supports"),
            ("c-scan", "scan", "arrivals doubled", "supports"),
            ("c-paywall", "paywall", "arrivals doubled", "supports"),
            ("c-book", "book", "arrivals doubled", "supports"),
        ),
    )
    _, report = verify_json(folder)
    claims = claims_by_id(report)
    details = {key: claims[f"c-{key}"]["evidence"][0]["detail"] for key in claims_keys()}
    statuses = {claims[f"c-{key}"]["evidence"][0]["quote_status"] for key in claims_keys()}
    assert statuses == {"unchecked"}
    assert "image/png has no text" in details["chart"]
    assert "the PDF has no text to extract" in details["scan"]
    assert details["paywall"] == "the source is blocked and the archive has no snapshot of it"
    assert details["book"] == "the reference has no URL and no local copy (file field) to search"
    assert claims["c-paywall"]["status"] == "at-risk"
    assert claims["c-book"]["status"] == "unverified"
    assert claims["c-chart"]["status"] == "unverified"


def claims_keys() -> tuple[str, ...]:
    return ("chart", "scan", "paywall", "book")


def test_a_long_quote_with_a_typo_is_fuzzy_and_its_claim_at_risk(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    quote = "China extends visa-free entry to 12 countreis, the foreign ministry said"
    folder = news_project(tmp_path, host, ("extends", "xinhua", quote, "supports"))
    code, report = verify_json(folder)
    claim = report["claims"][0]
    item = claim["evidence"][0]
    assert item["quote_status"] == "fuzzy"
    assert 0.85 <= item["score"] < 1
    assert {"quote": "countreis", "source": "countries", "decisive": False} in item["differences"]
    assert claim["status"] == "at-risk"
    assert code == 0


def test_an_elided_quote_is_found_when_its_parts_stand_in_order(
    hosts: HostFactory, tmp_path: Path
) -> None:
    host = news_host(hosts)
    folder = news_project(
        tmp_path,
        host,
        (
            "elided",
            "xinhua",
            "China extends visa-free entry [...] 8.91 million entries",
            "supports",
        ),
        ("reversed", "xinhua", "8.91 million entries ... China extends visa-free", "supports"),
    )
    _, report = verify_json(folder)
    claims = claims_by_id(report)
    assert claims["elided"]["evidence"][0]["quote_status"] == "found"
    assert claims["reversed"]["evidence"][0]["quote_status"] == "missing"


def test_a_chinese_quote_is_found_in_a_gbk_page(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    body = "<html><head><meta charset=gbk><title>签证</title></head><body>"
    body += "<p>中国对法国、德国等六国试行免签政策。</p></body></html>"
    host.route("/zh", page(body.encode("gbk"), content_type="text/html; charset=gbk"))
    folder = project(
        tmp_path,
        bib(("xinhua", f"  url = {{{host.url('/zh')}}},\n")),
        ledger(
            ("six", "xinhua", "对法国、德国等六国试行免签政策", "supports"),
            ("not", "xinhua", "对法国、德国等六国不试行免签政策", "supports"),
        ),
    )
    _, report = verify_json(folder)
    claims = claims_by_id(report)
    assert claims["six"]["evidence"][0]["quote_status"] == "found"
    assert claims["not"]["evidence"][0]["quote_status"] == "missing"


def test_offline_before_any_check_the_quote_is_unchecked_and_says_why(tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        bib(("xinhua", "  url = {https://news.example/visa},\n")),
        ledger(("extends", "xinhua", "China extends visa-free entry", "supports")),
    )
    code, report = verify_json(folder, "--offline")
    item = report["claims"][0]["evidence"][0]
    assert item["quote_status"] == "unchecked"
    assert item["detail"] == (
        "not checked in this run (offline), and the archive has no snapshot of it"
    )
    assert report["claims"][0]["status"] == "unverified"
    assert code == 0
