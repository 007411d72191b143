"""The terminal report of a large project, in an 80-column terminal and in a pipe: long keys
wrap, long URLs are shortened in the middle, and past 50 alive sources only those needing
attention are listed. Checked against golden files, end to end on loopback servers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import make_project, run_on_terminal
from tests.proxy_server import ProxyServer
from tests.servers import HostFactory, html_page, redirect, status
from tests.test_cli import claimcheck
from tests.test_report import assert_golden

JOURNAL, NEWS = "journal.example.org", "news.example.com"
LONG_KEY = (
    "international-organization-for-standardization-and-world-health-organization-2024-report"
)
LONG_PATH = (
    "/content/journals/10.1177/00207020231234567/full-text/supplementary-material/"
    "appendix-b-the-complete-list-of-interviews-and-their-transcripts.html"
)
ALIVE = 56
# The sources needing attention: key, site, path, what the site answers (None: nothing).
TROUBLED = (
    (LONG_KEY, JOURNAL, LONG_PATH, status(404)),
    ("retracted2019", JOURNAL, "/retracted/2019/article-about-something-withdrawn", status(410)),
    ("moved2021", NEWS, "/old-address-of-a-story-that-moved", redirect(f"http://{NEWS}/a/02", 301)),
    ("walled2022", NEWS, "/members-only/a-report-behind-a-login-wall", status(403)),
    ("broken2023", NEWS, "/server-error", status(500)),
    ("gone2020", NEWS, "/never-there-at-all/a-page-nobody-ever-wrote", None),
)
CLAIMS = """version: 1
claims:
  - id: long-key-claim
    text: A claim whose evidence has a very long key and a very long address.
    evidence:
      - source: LONG_KEY
        quote: "interviews"
  - id: most-sources-agree
    text: Almost every cited page is still online and says what the paper says it does.
    evidence:
      - source: alive01
        quote: "page 1"
      - source: alive02
        quote: "page 2"
"""


def entry(key: str, url: str) -> str:
    return (
        f"@online{{{key},\n  author  = {{Doe, Jane}},\n  title   = {{Page {key}}},\n"
        f"  url     = {{{url}}},\n  urldate = {{2025-01-01}},\n}}\n"
    )


@pytest.fixture
def large_project(hosts: HostFactory, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A project of 62 sources (56 alive) on two sites reached through a proxy, so that
    the URLs (no port in them) and the report are the same on every run; and the proxy."""
    sites = dict(zip((JOURNAL, NEWS), hosts(2), strict=True))
    bib = []
    for n in range(1, ALIVE + 1):
        name = JOURNAL if n % 2 else NEWS
        sites[name].route(f"/a/{n:02d}", html_page(f"Page {n}", f"<p>This is page {n}.</p>"))
        bib.append(entry(f"alive{n:02d}", f"http://{name}/a/{n:02d}"))
    for key, name, path, answer in TROUBLED:
        if answer is not None:
            sites[name].route(path, answer)
        bib.append(entry(key, f"http://{name}{path}"))
    folder = make_project(tmp_path, bib="".join(bib), claims=CLAIMS.replace("LONG_KEY", LONG_KEY))
    (folder / "claimcheck.toml").write_text(
        "probe_hosts = []\nbackoff = 0.01\ntimeout = 10\nretries = 0\n"
        'ignore = ["unused-reference", "organisation-host-mismatch"]\n',
        encoding="utf-8",
    )
    names = {name: host.host for name, host in sites.items()}
    ports = {name: host.port for name, host in sites.items()}
    with ProxyServer(names=names, ports=ports) as proxy:
        yield folder, proxy.url


def verify_args(proxy: str, *more: str) -> list[str]:
    return ["verify", "--no-cache", "--no-archive", "--allow-private", "--proxy", proxy, *more]


def plain_env() -> dict[str, str]:
    """The environment without the variables that change colours or widths."""
    unset = {"FORCE_COLOR", "NO_COLOR", "COLUMNS"}
    return {name: value for name, value in os.environ.items() if name not in unset}


def test_report_in_an_80_column_terminal_matches_golden_file(
    large_project: tuple[Path, str],
) -> None:
    folder, proxy = large_project
    env = {**plain_env(), "COLUMNS": "80", "LINES": "50", "NO_COLOR": "1"}

    shown = run_on_terminal(verify_args(proxy), folder, env, stream="stdout")

    text = shown.replace("\r\n", "\n")
    assert "Sources (" in text, text
    assert "\x1b[" not in text  # NO_COLOR
    tables = text[text.index("Sources (") :]
    assert max(map(len, tables.splitlines())) <= 80  # finding lines are the terminal's to wrap
    assert_golden("large-terminal-80.txt", text)


def test_report_in_a_pipe_matches_golden_file_and_json_keeps_full_urls(
    large_project: tuple[Path, str],
) -> None:
    folder, proxy = large_project

    piped = claimcheck(*verify_args(proxy), cwd=folder, env=plain_env())
    as_json = claimcheck(*verify_args(proxy, "--format", "json"), cwd=folder, env=plain_env())

    assert piped.returncode == 1, piped.stderr
    assert "\x1b[" not in piped.stdout
    assert_golden("large-pipe.txt", piped.stdout)
    urls = {source["url"] for source in json.loads(as_json.stdout)["sources"]}
    assert f"http://{JOURNAL}{LONG_PATH}" in urls
    assert len(urls) == ALIVE + len(TROUBLED)


def test_all_lists_every_source(large_project: tuple[Path, str]) -> None:
    folder, proxy = large_project

    result = claimcheck(*verify_args(proxy, "--all"), cwd=folder, env=plain_env())

    assert "alive33" in result.stdout
    assert "not listed" not in result.stdout


def test_quiet_prints_the_failing_findings_and_the_summary_and_no_progress(
    large_project: tuple[Path, str],
) -> None:
    folder, proxy = large_project

    result = claimcheck(*verify_args(proxy, "--quiet"), cwd=folder, env=plain_env())

    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("claimcheck 2 claims, 3 evidence items, 62 references")
    assert lines[2] == "Errors (4)"
    assert "CC502" not in result.stdout  # a warning: it does not fail the policy
    assert "Sources (" not in result.stdout
    assert len(lines) == 9


def test_quiet_with_a_warning_policy_also_prints_the_warnings(
    large_project: tuple[Path, str],
) -> None:
    folder, proxy = large_project

    result = claimcheck(
        *verify_args(proxy, "-q", "--fail-on", "warning"), cwd=folder, env=plain_env()
    )

    assert "Warnings (2)" in result.stdout
    assert "Info (" not in result.stdout
