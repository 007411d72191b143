"""`claimcheck verify` end to end against real servers on loopback: exit codes, JSON, cache."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from tests.checking import baseline_requests, page_requests
from tests.helpers import CLEAN_CLAIMS, make_project, run_on_terminal
from tests.servers import (
    HostFactory,
    Response,
    html_page,
    offline_dns,
    page,
    redirect,
    sequence,
    slow,
    status,
)
from tests.test_cli import claimcheck

__all__ = ["offline_dns"]

BIB = """@online{bbc2023,
  author  = {{BBC}},
  title   = {China trials visa-free travel for six countries},
  url     = {URL},
  urldate = {2025-02-09},
}
"""
SOURCE_FIELDS = {
    "key",
    "keys",
    "url",
    "status",
    "reason",
    "http_status",
    "final_url",
    "redirects",
    "checked_at",
    "elapsed_ms",
    "from_cache",
}


def project(folder: Path, url: str) -> Path:
    """A one-claim project citing ``url``, with settings that keep tests fast and local."""
    make_project(folder, bib=BIB.replace("URL", url), claims=CLEAN_CLAIMS)
    return fast_settings(folder)


def verified_json(
    folder: Path, url: str
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """`claimcheck verify --format json` (quotes not searched) run on a one-claim project
    citing ``url`` in ``folder``: the source's row of the report, and the run."""
    result = claimcheck(
        "verify", "--allow-private", "--no-quotes", "--format", "json", cwd=project(folder, url)
    )
    return json.loads(result.stdout)["sources"][0], result


def fast_settings(folder: Path) -> Path:
    """Settings in ``folder`` that keep tests fast and local."""
    (folder / "claimcheck.toml").write_text(
        'probe_hosts = []\nbackoff = 0.01\ntimeout = 10\nignore = ["organisation-host-mismatch"]\n',
        encoding="utf-8",
    )
    return folder


def test_verify_exits_0_when_every_source_is_alive(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    result = claimcheck("verify", "--allow-private", cwd=project(tmp_path, host.url("/news")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sources: 1 alive" in result.stdout
    assert len(host.hits("/news")) == 1


def test_verify_exits_1_for_a_dead_source_with_a_finding_at_its_url_line(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", status(404))
    result = claimcheck("verify", "--allow-private", cwd=project(tmp_path, host.url("/news")))
    assert result.returncode == 1
    assert "references.bib:4 CC501 'bbc2023': " in result.stdout
    assert "is dead (not-found): HTTP 404" in result.stdout


def test_verify_keeps_a_page_alive_whose_server_said_404_once(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", sequence(status(404), html_page("China trials visa-free travel")))

    folder = project(tmp_path, host.url("/news"))

    result = claimcheck("verify", "--allow-private", "--no-quotes", cwd=folder)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "sources: 1 alive" in result.stdout
    assert len(host.hits("/news")) == 2


def test_verify_keeps_a_page_alive_that_answers_robots_404(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_fetch import hiding_from_robots

    (host,) = hosts(1)
    host.route("/news", hiding_from_robots(html_page("China trials visa-free travel")))
    source, _ = verified_json(tmp_path, host.url("/news"))

    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert [note["code"] for note in source["notes"]] == ["browser-headers"]


def test_verify_calls_a_page_of_a_catch_all_site_dead(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    home = "<p>Top stories today: parliament votes on the budget, a storm closes the schools.</p>"
    host.route("*", html_page("Example News", home))
    folder = project(tmp_path, host.url("/2023/china-visa-free-travel.html"))

    result = claimcheck(
        "verify", "--allow-private", "--no-archive", "--no-cache", "--format", "json", cwd=folder
    )

    source = json.loads(result.stdout)["sources"][0]
    assert (source["status"], source["reason"]) == ("dead", "soft-404-catch-all")
    assert "cannot exist" in source["detail"]
    assert result.returncode == 1
    assert len(baseline_requests(host)) == 1


def test_verify_asks_a_site_s_nonsense_path_before_the_rest_of_its_pages(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    urls = [host.url(f"/2024/story-{n}") for n in range(6)]
    for n in range(6):
        host.route(f"/2024/story-{n}", slow(html_page(f"Story {n}", f"<p>Story {n}.</p>"), 0.05))
    bib = "".join(BIB.replace("bbc2023", f"s{n}").replace("URL", url) for n, url in enumerate(urls))
    fast_settings(make_project(tmp_path, bib=bib))

    result = claimcheck("verify", "--allow-private", "--per-host", "1", cwd=tmp_path)

    assert "sources: 6 alive" in result.stdout, result.stdout + result.stderr
    paths = [request.path for request in host.requests]
    assert paths.index(baseline_requests(host)[0].path) <= 2, paths


def test_verify_keeps_an_article_alive_whose_site_hides_a_long_notice_on_every_page(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_soft404 import ARTICLE_TEXT, with_hidden_notice

    (host,) = hosts(1)
    host.route("*", page(with_hidden_notice("Sorry, there is nothing at this address.")))
    host.route("/science/catalyst", page(with_hidden_notice(ARTICLE_TEXT)))
    source, result = verified_json(tmp_path, host.url("/science/catalyst"))

    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert result.returncode == 0, result.stderr


def test_verify_keeps_an_article_headlined_error_404_alive(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_classify import LONG_ARTICLE

    (host,) = hosts(1)
    headline = "Error 404: Why the web is forgetting itself"
    host.route("/tech/link-rot", html_page(headline, LONG_ARTICLE, h1=headline))
    source, result = verified_json(tmp_path, host.url("/tech/link-rot"))

    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert result.returncode == 0, result.stderr


def test_verify_keeps_an_article_redirected_to_a_slug_starting_404_alive(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_classify import LONG_ARTICLE

    (host,) = hosts(1)
    slug = "/news/404-days-since-the-invasion"
    host.route("/story/12345", redirect(slug, 301))
    host.route(slug, html_page("404 days since the invasion", LONG_ARTICLE))
    source, _ = verified_json(tmp_path, host.url("/story/12345"))

    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert source["final_url"] == host.url(slug)


def test_verify_keeps_the_pages_of_a_javascript_application_alive(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_soft404 import APP_FOOTER

    (host,) = hosts(1)
    shell = (
        "<!doctype html><html><head><title>Ministry of Foreign Affairs</title></head><body>"
        f'<div id="root"></div><script src="/static/js/main.js"></script>{APP_FOOTER}'
        "</body></html>"
    )
    host.route("*", page(shell))
    source, _ = verified_json(tmp_path, host.url("/eng/zxxx/202411/t20241122_11530000.html"))

    assert (source["status"], source["reason"]) == ("alive", "ok")


CONSENT_PAGE = (
    "<p>We use cookies and data to deliver and maintain our services, measure audience "
    "engagement and show personalised content. Reject all. Accept all. More options.</p>"
)


@pytest.mark.parametrize(
    "consent_path",
    [
        # The consent service sends the reader back to the cited address (continue=).
        lambda cited: "/m?continue=" + quote(cited, safe="") + "&gl=DE&m=0&hl=de",
        # It remembers the reader by a session instead.
        lambda cited: "/v2/collectConsent?sessionId=3_cc-session_5b1c",
    ],
    ids=["continue", "session"],
)
def test_verify_calls_a_video_behind_a_cookie_consent_redirect_blocked_not_dead(
    hosts: HostFactory, tmp_path: Path, consent_path: Callable[[str], str]
) -> None:
    site, consent = hosts(2)
    consent.route("*", html_page("Before you continue", CONSENT_PAGE))
    site.route(
        "*",
        lambda request: Response(
            302, [("Location", consent.url(consent_path(site.url(request.target))))]
        ),
    )
    source, result = verified_json(tmp_path, site.url("/watch?v=dQw4w9WgXcQ"))

    assert (source["status"], source["reason"]) == ("blocked", "interstitial")
    assert result.returncode == 0, result.stdout + result.stderr


def test_verify_checks_the_address_a_url_with_latex_escapes_means(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_classify import LONG_ARTICLE

    (host,) = hosts(1)
    host.route("/xpl/abs_all.jsp?arnumber=5433261", html_page("Hardening rovers", LONG_ARTICLE))
    bib = "".join(
        f"@online{{{key},\n  author = {{{{IEEE}}}},\n  title = {{Hardening}},\n"
        f"  url = {{{host.url(path)}}},\n  urldate = {{2025-01-01}},\n}}\n"
        for key, path in (
            ("escaped", r"/xpl/abs\_all.jsp?arnumber=5433261"),
            ("braced", r"/xpl/abs{\_}all.jsp?arnumber=5433261"),
        )
    )
    make_project(tmp_path, bib=bib, claims=CLEAN_CLAIMS.replace("bbc2023", "escaped"))
    result = claimcheck(
        "verify", "--allow-private", "--no-quotes", "--format", "json", cwd=fast_settings(tmp_path)
    )
    report = json.loads(result.stdout)

    (source,) = report["sources"]
    assert (source["status"], source["keys"]) == ("alive", ["escaped", "braced"])
    assert source["url"] == host.url("/xpl/abs_all.jsp?arnumber=5433261")
    # The escapes still break the printed link: lint says so, and fails the run.
    assert [f["code"] for f in report["findings"] if f["code"] == "CC303"] == ["CC303"] * 2
    assert result.returncode == 1
    assert {request.path for request in page_requests(host)} == {"/xpl/abs_all.jsp"}


def test_verify_keeps_a_short_release_alive_on_a_catch_all_site_whose_menus_outweigh_it(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_notices import RELEASE, TEMPLATE

    (host,) = hosts(1)
    menus = f'<div class="menu">{TEMPLATE}</div>'
    host.route(
        "/press/2024/11/t20241101.html", html_page("Ministry", f"{menus}<p>{RELEASE}</p>", "")
    )
    host.route("*", html_page("Ministry", menus, ""))
    source, _ = verified_json(tmp_path, host.url("/press/2024/11/t20241101.html"))

    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert len(baseline_requests(host)) == 1


def test_verify_checks_a_url_wrapped_over_two_lines_as_one_address(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route(
        "/reports/2024/annual-report.pdf", page(b"%PDF-1.4\n", content_type="application/pdf")
    )
    wrapped = host.url("/reports/2024/") + "\n               annual-report.pdf"
    source, result = verified_json(tmp_path, wrapped)

    assert (source["status"], source["url"]) == (
        "alive",
        host.url("/reports/2024/annual-report.pdf"),
    )
    # The line break is still a finding: the printed link has a space in it.
    assert "CC301" in {f["code"] for f in json.loads(result.stdout)["findings"]}


def test_verify_keeps_a_ministrys_home_page_cited_as_main_do_alive(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_classify import LONG_ARTICLE

    (host,) = hosts(1)
    host.route("/www/main.do", redirect("/", 301))
    host.route("/", html_page("Ministry of Foreign Affairs", LONG_ARTICLE))
    source, _ = verified_json(tmp_path, host.url("/www/main.do"))

    assert (source["status"], source["reason"]) == ("alive", "ok")


def test_verify_keeps_mdns_page_on_the_404_status_alive(hosts: HostFactory, tmp_path: Path) -> None:
    from tests.test_check_classify import LONG_ARTICLE

    (host,) = hosts(1)
    path = "/en-US/docs/Web/HTTP/Status/404"
    host.route(path, html_page("404 Not Found - HTTP | MDN", LONG_ARTICLE, h1="404 Not Found"))
    source, _ = verified_json(tmp_path, host.url(path))

    assert (source["status"], source["reason"]) == ("alive", "ok")


def test_verify_keeps_a_page_whose_server_closes_mid_body_alive_and_archives_what_came(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from warcio.archiveiterator import ArchiveIterator

    (host,) = hosts(1)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 90000\r\n\r\n"
    part = b"<html><title>China extends visa waiver</title><p>" + b"Korean visitors. " * 200
    host.route("/news/visa", lambda _request: Response(raw=head + part))
    source, result = verified_json(tmp_path, host.url("/news/visa"))

    assert (source["status"], source["http_status"]) == ("alive", 200), result.stderr
    assert [note["code"] for note in source["notes"]] == ["body-cut-short"]
    (warc,) = (tmp_path / ".claimcheck" / "archive").glob("*.warc.gz")
    with warc.open("rb") as stream:
        truncated = [
            record.rec_headers.get_header("WARC-Truncated")
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        ]
    assert truncated == ["disconnect"]


def test_verify_leaves_a_quote_unchecked_that_is_not_in_the_part_of_a_page_cut_short(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 90000\r\n\r\n"
    part = b"<html><title>Visa waiver</title><p>China began a visa-free trial for six countries."
    host.route("/news/visa", lambda _request: Response(raw=head + part))
    claims = CLEAN_CLAIMS + '      - source: bbc2023\n        quote: "for up to fifteen days"\n'
    make_project(tmp_path, bib=BIB.replace("URL", host.url("/news/visa")), claims=claims)
    result = claimcheck(
        "verify", "--allow-private", "--format", "json", cwd=fast_settings(tmp_path)
    )

    (claim,) = json.loads(result.stdout)["claims"]
    seen, unseen = claim["evidence"]
    assert seen["quote_status"] == "found"
    assert unseen["quote_status"] == "unchecked"
    assert "cut short" in unseen["detail"]


def test_verify_keeps_a_short_news_brief_reporting_a_removal_alive(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    brief = (
        "<p>The video has been removed after complaints from viewers, the broadcaster said "
        "on Monday. A spokesperson said this video has been removed for breaching its "
        "rules.</p>"
    )
    host.route("/news/brief", html_page("Broadcaster pulls airport video", brief))
    host.route(
        "/news/zh",
        html_page("警方通报", "<p>网友发布的该视频已被删除\uff0c警方已介入调查\u3002</p>"),
    )
    host.route(
        "/news/ko",
        html_page("속보", "<p>경찰은 논란이 된 게시물이 삭제되었습니다라고 밝혔습니다.</p>"),
    )
    host.route("/news/ko2", html_page("속보", "<p>경찰은 삭제된 게시물을 복구했습니다.</p>"))
    host.route("/news/ja", html_page("速報", "<p>警察によると\u3001投稿は削除されました\u3002</p>"))
    (tmp_path / "zh").mkdir()
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko2").mkdir()
    (tmp_path / "ja").mkdir()
    source, _ = verified_json(tmp_path, host.url("/news/brief"))
    chinese, _ = verified_json(tmp_path / "zh", host.url("/news/zh"))
    korean, _ = verified_json(tmp_path / "ko", host.url("/news/ko"))
    restored, _ = verified_json(tmp_path / "ko2", host.url("/news/ko2"))
    japanese, _ = verified_json(tmp_path / "ja", host.url("/news/ja"))

    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert (chinese["status"], chinese["reason"]) == ("alive", "ok")
    assert (korean["status"], korean["reason"]) == ("alive", "ok")
    assert (restored["status"], restored["reason"]) == ("alive", "ok")
    assert (japanese["status"], japanese["reason"]) == ("alive", "ok")


def test_verify_keeps_pages_alive_that_redirects_show_as_cited(
    hosts: HostFactory, tmp_path: Path
) -> None:
    """A blog's front page, where its site sends unknown paths, cited without its slash; a
    dataset redirected to its route in an application (/#/dataset/x); a post whose id is 404."""
    from tests.test_check_classify import LONG_ARTICLE

    blog, portal, archive = hosts(3)
    blog.route("*", redirect("/blog/", 301))
    blog.route("/blog/", html_page("Example Blog", LONG_ARTICLE))
    portal.route("/dataset/air-quality-2023", redirect("/#/dataset/air-quality-2023"))
    portal.route("/", html_page("Open Data Portal", LONG_ARTICLE))
    archive.route("/", redirect("/archives/404", 301))
    archive.route("/archives/404", html_page("Seoul welcomes visa-free travel", LONG_ARTICLE))
    cited = {
        "blog": blog.url("/blog"),
        "portal": portal.url("/dataset/air-quality-2023"),
        "archive": archive.url("/?p=404"),
    }
    for name, url in cited.items():
        (tmp_path / name).mkdir()
        row, _ = verified_json(tmp_path / name, url)

        assert (name, row["status"], row["reason"]) == (name, "alive", "ok")


def test_verify_keeps_an_article_alive_that_reloads_the_front_page_after_minutes(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_classify import LONG_ARTICLE

    (host,) = hosts(1)
    reload = '<meta http-equiv="refresh" content="600; url=/">'
    host.route("/news/a", html_page("Visa waiver welcomed", LONG_ARTICLE, extra_head=reload))
    host.route("/", html_page("Front page", LONG_ARTICLE))
    row, _ = verified_json(tmp_path, host.url("/news/a"))

    assert (row["status"], row["reason"]) == ("alive", "ok")
    assert row["final_url"] == host.url("/news/a")


def test_verify_keeps_pages_alive_that_only_look_like_a_wall_after_a_redirect(
    hosts: HostFactory, tmp_path: Path
) -> None:
    """A short notice with Drupal's sign-in box beside it, reached from /node/123; a page of
    guidance on consent that moved."""
    (host,) = hosts(1)
    login_box = (
        '<div id="block-user-login"><h2>User login</h2><form><label>Username</label>'
        '<input name="name"><label>Password</label><input type="password" name="pass">'
        "<a href=/user/register>Create new account</a><input type=submit value='Log in'></form>"
        "</div>"
    )
    notice = (
        "<p>Join your neighbours on Saturday 20 April from 10 am to clean up the park and the "
        "riverbank. Gloves and bags are provided. Meet at the playground.</p>"
    )
    host.route("/node/123", redirect("/news/spring-clean-up-day", 301))
    host.route("/news/spring-clean-up-day", html_page("Spring clean-up day", notice + login_box))
    host.route("/guidance/consent-old", redirect("/lawful-basis/consent/", 301))
    host.route("/lawful-basis/consent/", html_page("Consent", notice))
    cited = {"drupal": host.url("/node/123"), "consent": host.url("/guidance/consent-old")}
    for name, url in cited.items():
        (tmp_path / name).mkdir()
        row, _ = verified_json(tmp_path / name, url)

        assert (name, row["status"], row["reason"]) == (name, "alive", "ok")


def test_verify_checks_the_url_a_misc_entry_gives_in_howpublished(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/fact-sheet", html_page("Fact sheet"))
    bib = (
        "@misc{bbc2023,\n  author = {{BBC}},\n  title = {Fact sheet},\n"
        f"  howpublished = {{\\url{{{host.url('/fact-sheet')}}}}},\n}}\n"
    )
    make_project(tmp_path, bib=bib, claims=CLEAN_CLAIMS)
    fast_settings(tmp_path)

    result = claimcheck(
        "verify", "--allow-private", "--no-quotes", "--format", "json", cwd=tmp_path
    )

    (source,) = json.loads(result.stdout)["sources"]
    assert (source["url"], source["status"]) == (host.url("/fact-sheet"), "alive")
    assert "/fact-sheet" in [request.path for request in host.requests]


def test_verify_calls_a_site_whose_every_address_ends_on_a_robot_check_blocked_not_dead(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_soft404 import ROBOT_CHECK, _to_check

    (host,) = hosts(1)
    host.route("*", _to_check)
    host.route("/tosv2.html", html_page("Example - Are you a robot?", ROBOT_CHECK))

    row, result = verified_json(tmp_path, host.url("/news/articles/2024-11-22/visa-waiver"))

    assert (row["status"], row["reason"]) == ("blocked", "interstitial")
    assert result.returncode == 0


def test_verify_keeps_a_catch_all_sites_korean_home_page_alive(
    hosts: HostFactory, tmp_path: Path
) -> None:
    from tests.test_check_classify import LONG_ARTICLE

    (host,) = hosts(1)
    host.route("*", html_page("Embassy of China in Korea", LONG_ARTICLE))
    source, _ = verified_json(tmp_path, host.url("/kor/"))

    assert (source["status"], source["reason"]) == ("alive", "ok")
    assert baseline_requests(host) == []


def test_private_addresses_are_skipped_without_allow_private(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    result = claimcheck("verify", "--format", "json", cwd=project(tmp_path, host.url("/news")))
    source = json.loads(result.stdout)["sources"][0]
    assert (source["status"], source["reason"]) == ("skipped", "private-address")
    assert host.requests == []
    assert result.returncode == 0


def test_json_sources_carry_the_contract_fields(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/old", redirect("/news", 301))
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    folder = project(tmp_path, host.url("/old"))
    result = claimcheck("verify", "--allow-private", "--format", "json", cwd=folder)
    (source,) = json.loads(result.stdout)["sources"]
    assert set(source) >= SOURCE_FIELDS
    assert source["status"] == "alive"
    assert source["http_status"] == 200
    assert source["final_url"] == host.url("/news")
    assert source["redirects"] == [{"url": host.url("/old"), "status": 301, "kind": "http"}]
    assert source["from_cache"] is False
    assert source["notes"][0]["code"] == "permanent-redirect"
    assert "CC505" in json.dumps(json.loads(result.stdout)["findings"])


def test_second_run_reuses_the_alive_result_from_the_cache(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    folder = project(tmp_path, host.url("/news"))
    claimcheck("verify", "--allow-private", cwd=folder)
    second = claimcheck("verify", "--allow-private", "--format", "json", cwd=folder)
    assert json.loads(second.stdout)["sources"][0]["from_cache"] is True
    assert len(host.hits("/news")) == 1
    assert (folder / ".claimcheck" / "claimcheck.sqlite3").is_file()
    third = claimcheck("verify", "--allow-private", "--no-cache", "--format", "json", cwd=folder)
    assert json.loads(third.stdout)["sources"][0]["from_cache"] is False
    assert len(host.hits("/news")) == 2


def test_max_age_zero_checks_again(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    folder = project(tmp_path, host.url("/news"))
    claimcheck("verify", "--allow-private", cwd=folder)
    claimcheck("verify", "--allow-private", "--max-age", "0s", cwd=folder)
    assert len(host.hits("/news")) == 2


def test_dead_source_reports_how_long_it_has_been_failing(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", status(410))
    folder = project(tmp_path, host.url("/news"))
    for _ in range(3):
        result = claimcheck("verify", "--allow-private", cwd=folder)
    assert result.returncode == 1
    assert "dead since " in result.stdout
    assert ", 3 checks" in result.stdout


def test_bad_max_age_is_a_usage_error(tmp_path: Path) -> None:
    result = claimcheck("verify", "--max-age", "soon", cwd=project(tmp_path, "https://x.org/"))
    assert result.returncode == 2
    assert "not a duration" in result.stderr


def test_lint_fetches_nothing_and_writes_no_cache(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    result = claimcheck("lint", "--format", "json", cwd=project(tmp_path, host.url("/news")))
    assert result.returncode == 0
    assert json.loads(result.stdout)["sources"][0]["status"] == "unchecked"
    assert host.requests == []
    assert not (tmp_path / ".claimcheck").exists()


def test_progress_is_a_bar_on_a_terminal_and_lines_in_a_log(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", slow(html_page("China trials visa-free travel for six countries"), 0.3))
    folder = project(tmp_path, host.url("/news"))
    piped = claimcheck("verify", "--allow-private", "--no-cache", cwd=folder)
    assert piped.stderr == "checked 1/1 (100%)\n"
    assert "checked" not in piped.stdout
    seen = run_on_terminal(
        ["verify", "--allow-private", "--no-cache"],
        folder,
        {**os.environ, "TERM": "xterm-256color"},
        stream="stderr",
    )
    assert "checking sources" in seen


def test_verify_on_a_machine_without_network_says_so_and_calls_nothing_dead(
    hosts: HostFactory, tmp_path: Path, offline_dns: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    entries = [("bbc2023", host.url("/news")), ("gone", "https://www.gone.invalid/story")]
    bib = "".join(BIB.replace("bbc2023", key).replace("URL", url) for key, url in entries)
    make_project(tmp_path, bib=bib + BIB.replace("bbc2023", "typo").replace("URL", "http://"))
    # The default probe hosts, which the resolver of `offline_dns` does not know either.
    (tmp_path / "claimcheck.toml").write_text(
        'backoff = 0.01\nignore = ["organisation-host-mismatch"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    as_json = runner.invoke(app, ["verify", "--allow-private", "--no-cache", "--format", "json"])
    as_text = runner.invoke(app, ["verify", "--allow-private", "--no-cache"])

    report = json.loads(as_json.stdout)
    statuses = {source["key"]: source["status"] for source in report["sources"]}
    assert statuses["bbc2023"] == "alive"
    assert statuses["gone"] == "unreachable"
    assert report["summary"]["network_unreachable"] is True
    assert "network unreachable: 1 source not checked" in as_text.stdout
    assert as_json.exit_code == as_text.exit_code == 1  # the URL "http://" is an error finding


def test_verify_asks_again_before_calling_a_domain_dead(
    hosts: HostFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    real, asked = socket.getaddrinfo, Counter[str]()

    def flaky_resolver(name: str, *args: Any, **kwargs: Any) -> Any:
        """Says once that flaky.test does not exist; gone.test never exists."""
        asked[name] += 1
        if name == "gone.test" or (name == "flaky.test" and asked[name] == 1):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host.host if name == "flaky.test" else name, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", flaky_resolver)
    entries = [("flaky", f"http://flaky.test:{host.port}/news"), ("gone", "http://gone.test/a")]
    bib = "".join(BIB.replace("bbc2023", key).replace("URL", url) for key, url in entries)
    fast_settings(make_project(tmp_path, bib=bib))
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(
        app,
        ["verify", "--allow-private", "--format", "json", f"--probe-host={host.host}:{host.port}"],
    )

    rows = {s["key"]: (s["status"], s["reason"]) for s in json.loads(result.stdout)["sources"]}
    assert rows == {"flaky": ("alive", "ok"), "gone": ("dead", "domain-not-found")}
    assert (asked["flaky.test"], asked["gone.test"]) == (2, 2)


# `python -m claimcheck`, with Ctrl-C's signal heard even when the tests run where it is
# ignored (a background job): as a user's terminal delivers it.
CTRL_C_ABLE = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'claimcheck'; runpy.run_module('claimcheck', run_name='__main__')"
)


def stopped_mid_run(
    hosts: HostFactory,
    folder: Path,
    stop: signal.Signals,
    command_line: tuple[str, ...] = ("verify", "--allow-private", "--no-quotes"),
) -> tuple[int, str]:
    """Run ``command_line`` on a fast page and a slow one, send ``stop`` once the fast one
    is checked and the slow one asked for; the exit code and stderr."""
    (host,) = hosts(1)
    host.route("/2024/fast", html_page("China trials visa-free travel"))
    host.route("/2024/slow", slow(html_page("Visa-free travel extended"), 30))
    entries = [("fast", host.url("/2024/fast")), ("slow", host.url("/2024/slow"))]
    bib = "".join(BIB.replace("bbc2023", key).replace("URL", url) for key, url in entries)
    fast_settings(make_project(folder, bib=bib))
    command = [sys.executable, "-c", CTRL_C_ABLE, *command_line]
    with subprocess.Popen(command, cwd=folder, stderr=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + 20
        while not (host.hits("/2024/slow") and baseline_requests(host)):
            assert time.monotonic() < deadline, "the slow page was never asked for"
            time.sleep(0.05)
        time.sleep(0.5)  # the fast page's check ends
        process.send_signal(stop)
        _, errors = process.communicate(timeout=30)
    return process.returncode, errors


def recalled_offline(folder: Path) -> dict[str, dict[str, Any]]:
    """The sources as `verify --offline` recalls them, by key."""
    recalled = claimcheck("verify", "--offline", "--format", "json", cwd=folder)
    return {source["key"]: source for source in json.loads(recalled.stdout)["sources"]}


def test_interrupted_verify_keeps_what_it_checked_and_says_so(
    hosts: HostFactory, tmp_path: Path
) -> None:
    code, errors = stopped_mid_run(hosts, tmp_path, signal.SIGINT)

    assert code == 130
    assert "interrupted after 1 of 2 sources; their results are kept" in errors
    assert "Traceback" not in errors
    fast = recalled_offline(tmp_path)["fast"]
    assert (fast["status"], fast["from_cache"]) == ("alive", True)
    assert fast["snapshot"] is not None


def test_verify_cancelled_by_sigterm_keeps_what_it_checked(
    hosts: HostFactory, tmp_path: Path
) -> None:
    code, errors = stopped_mid_run(hosts, tmp_path, signal.SIGTERM)

    assert code == 128 + signal.SIGTERM
    assert "terminated after 1 of 2 sources; their results are kept" in errors
    assert "Traceback" not in errors
    fast = recalled_offline(tmp_path)["fast"]
    assert (fast["status"], fast["from_cache"]) == ("alive", True)


def test_interrupted_verify_without_cache_or_archive_says_nothing_was_kept(
    hosts: HostFactory, tmp_path: Path
) -> None:
    command_line = ("verify", "--allow-private", "--no-quotes", "--no-cache", "--no-archive")

    code, errors = stopped_mid_run(hosts, tmp_path, signal.SIGINT, command_line)

    assert code == 130
    assert errors.endswith(
        "claimcheck: interrupted after 1 of 2 sources; nothing was kept (no cache, no archive)\n"
    )


def test_interrupted_archive_save_says_what_it_kept(hosts: HostFactory, tmp_path: Path) -> None:
    code, errors = stopped_mid_run(
        hosts, tmp_path, signal.SIGINT, ("archive", "save", "--allow-private")
    )

    assert code == 130
    assert "interrupted after 1 of 2 sources; their results are kept in the cache and " in errors
    assert "Traceback" not in errors


# Ctrl-C while the command line is still being imported: the signal is sent when the import
# system first looks for `module`, as a user's key press lands at some moment of it.
CTRL_C_WHILE_IMPORTING = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
module = sys.argv.pop(1)

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == module:
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
from claimcheck.__main__ import main
main()
"""


@pytest.mark.parametrize("module", ["claimcheck.cli.app", "typer", "claimcheck.cli.common"])
def test_ctrl_c_while_the_command_line_loads_is_one_line_and_exit_130(
    tmp_path: Path, module: str
) -> None:
    make_project(tmp_path)

    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_WHILE_IMPORTING, module, "lint"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stderr) == (130, "claimcheck: interrupted\n")


def test_json_report_has_a_row_for_every_cited_url_and_says_each_problem_once(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    cited = {
        "alive": host.url("/news"),
        "typo": "htps://www.example.org/news",
        "ftp": "ftp://ftp.example.org/pub/data.csv",
        "mail": "mailto:press@example.org",
        "port": "http://www.example.org:99999/news",
        "bare": "www.example.org/news",
    }
    bib = "".join(
        f"@online{{{key},\n  title = {{Page {key}}},\n  url = {{{url}}},\n}}\n"
        for key, url in cited.items()
    )
    evidence = "".join(f"      - source: {key}\n        quote: words\n" for key in cited)
    claims = f"version: 1\nclaims:\n  - id: c1\n    text: A claim.\n    evidence:\n{evidence}"
    fast_settings(make_project(tmp_path, bib=bib, claims=claims))

    result = claimcheck("verify", "--allow-private", "--no-cache", "--format", "json", cwd=tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    rows = {s["key"]: (s["url"], s["status"], s["reason"]) for s in report["sources"]}
    assert rows == {
        "alive": (cited["alive"], "alive", "ok"),
        "typo": (cited["typo"], "invalid", "invalid-url"),
        "ftp": (cited["ftp"], "skipped", "unsupported-scheme"),
        "mail": (cited["mail"], "skipped", "unsupported-scheme"),
        "port": (cited["port"], "invalid", "invalid-url"),
        "bare": (cited["bare"], "invalid", "invalid-url"),
    }
    details = {s["key"]: s["detail"] for s in report["sources"]}
    assert details["typo"] == "htps:// looks like a typo of https://"
    assert report["summary"]["sources"] == len(cited)
    said = sorted(
        (f["subject"], f["code"]) for f in report["findings"] if f["code"][:3] in {"CC3", "CC5"}
    )
    assert said == [
        ("bare", "CC302"),
        ("ftp", "CC307"),
        ("mail", "CC307"),
        ("port", "CC306"),
        ("typo", "CC308"),
    ]
    assert len(page_requests(host)) == 1

    offline = claimcheck("verify", "--offline", "--format", "json", cwd=tmp_path)

    recalled = {s["key"]: (s["status"], s["reason"]) for s in json.loads(offline.stdout)["sources"]}
    assert recalled == {key: (status, reason) for key, (_, status, reason) in rows.items()} | {
        "alive": ("unchecked", "never-checked")
    }
    assert len(page_requests(host)) == 1
