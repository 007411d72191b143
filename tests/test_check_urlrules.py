"""Per-URL rules: accept, include, and each host's headers, concurrency and interval."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from claimcheck.check.cache import SqliteCache
from claimcheck.check.options import CheckOptions
from claimcheck.check.urlrules import (
    HostRule,
    IgnoreFileError,
    StatusRange,
    UrlFilter,
    ignore_file_patterns,
    status_ranges,
)
from claimcheck.models import Reason, SourceStatus
from claimcheck.pipeline import run_checks
from tests.checking import CountingResolver, check, options, page_requests, run, source
from tests.servers import HostFactory, Request, Response, html_page, redirect, slow, status

TEXT = [("Content-Type", "text/plain")]


def rule(environ: dict[str, str] | None = None, **fields: Any) -> HostRule:
    """A host rule as a settings file gives it, its variables read from ``environ``."""
    return HostRule.model_validate(fields, context={"environ": environ or {}})


@pytest.mark.parametrize(
    ("given_codes", "expected"),
    [
        (403, ["403"]),
        ("200-299", ["200-299"]),
        ("200..=299", ["200-299"]),
        ("401, 403", ["401", "403"]),
        ([429, " 500 - 504 "], ["429", "500-504"]),
    ],
)
def test_accept_reads_codes_ranges_and_lychee_ranges(
    given_codes: object, expected: list[str]
) -> None:
    ranges = status_ranges(given_codes)

    assert isinstance(ranges, tuple)
    assert [str(codes) for codes in ranges] == expected


@pytest.mark.parametrize("bad", ["2000", "abc", "600", "300-200", "99", True, 4.03, ""])
def test_accept_refuses_what_is_no_status_code(bad: object) -> None:
    with pytest.raises(ValueError, match=r"status code|range"):
        status_ranges([bad])


@given(st.integers(100, 599), st.integers(0, 499))
def test_a_status_range_reads_back_from_its_text(low: int, width: int) -> None:
    codes = StatusRange(low=low, high=min(low + width, 599))

    assert status_ranges(str(codes)) == (codes,)
    assert codes.low in codes
    assert codes.high in codes
    assert codes.high + 1 not in codes


@pytest.mark.parametrize(
    ("glob", "host", "matches"),
    [
        ("*.jstor.org", "www.jstor.org", True),
        ("*.jstor.org", "a.b.jstor.org", True),
        ("*.jstor.org", "jstor.org", True),
        ("*.jstor.org", "notjstor.org", False),
        ("jstor.org", "www.jstor.org", False),
        ("WWW.JSTOR.ORG", "www.jstor.org", True),
        ("10.0.0.?", "10.0.0.7", True),
        ("10.0.0.?", "10.0.0.17", False),
    ],
)
def test_a_host_glob_matches_hosts_and_star_dot_takes_in_the_domain(
    glob: str, host: str, matches: bool
) -> None:
    assert rule(match=glob).matches(host) is matches


@pytest.mark.parametrize("glob", ["", "a b", "jstor.org/path", "^jstor\\.org$", "ex\u00e4mple.org"])
def test_a_host_pattern_that_is_no_glob_is_refused(glob: str) -> None:
    with pytest.raises(ValidationError, match="not a host glob"):
        rule(match=glob)


def test_header_values_take_environment_variables_and_dollar_dollar_is_a_dollar() -> None:
    found = rule(
        {"TOKEN": "s3cret"},
        match="x.org",
        headers={"Authorization": "Bearer ${TOKEN}", "X-Price": "$$5"},
    )

    assert [(header.name, header.value) for header in found.headers] == [
        ("Authorization", "Bearer s3cret"),
        ("X-Price", "$5"),
    ]
    assert found.model_dump()["headers"] == {"Authorization": "Bearer ${TOKEN}", "X-Price": "$$5"}
    assert "s3cret" not in repr(found)
    assert "s3cret" not in found.model_dump_json()


@pytest.mark.parametrize(
    ("environ", "said"),
    [
        ({}, "the environment variable TOKEN is not set"),
        ({"TOKEN": ""}, "the environment variable TOKEN is empty"),
        ({"TOKEN": "s3cr\r\nX-Evil: 1"}, "(from TOKEN) holds a control or non-ASCII character"),
        ({"TOKEN": "s3cr\u00e9t"}, "(from TOKEN) holds a control or non-ASCII character"),
    ],
)
def test_a_header_variable_missing_or_unfit_is_refused_without_its_value(
    environ: dict[str, str], said: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        rule(environ, match="x.org", headers={"Authorization": "Bearer ${TOKEN}"})

    assert said in str(raised.value)
    assert "s3cr" not in str(raised.value)


@pytest.mark.parametrize("name", ["Host", "content-length", "Transfer-Encoding", "Bad Name"])
def test_headers_claimcheck_sets_itself_or_malformed_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="header"):
        rule(match="x.org", headers={name: "v"})


def test_an_ignore_file_holds_one_regex_a_line_with_comment_lines() -> None:
    text = "# journals that refuse robots\n\n  ^https://www\\.jstor\\.org/  \n#x\n/private/\n"

    patterns = ignore_file_patterns(text, ".claimcheckignore")

    assert [(pattern.regex, pattern.origin) for pattern in patterns] == [
        ("^https://www\\.jstor\\.org/", ".claimcheckignore:3"),
        ("/private/", ".claimcheckignore:5"),
    ]


@given(
    st.lists(
        st.one_of(
            st.just(""),
            st.just("   "),
            st.text(st.characters(categories=["L", "N", "Zs"]), max_size=20).map("# ".__add__),
            st.sampled_from(["/drafts/", "^https://x\\.org/", "[0-9]+$", "a|b", "\\bpdf\\b"]),
        ),
        max_size=12,
    )
)
def test_the_ignore_file_keeps_each_regex_line_with_its_number(lines: list[str]) -> None:
    patterns = ignore_file_patterns("\n".join(lines), "f")

    expected = [
        (line.strip(), f"f:{number}")
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.strip().startswith("#")
    ]
    assert [(pattern.regex, pattern.origin) for pattern in patterns] == expected


def test_a_line_of_the_ignore_file_that_is_no_regex_is_named_by_its_number() -> None:
    with pytest.raises(IgnoreFileError) as raised:
        ignore_file_patterns("# ok\n(unclosed\n", ".claimcheckignore")

    assert raised.value.line == 2


def test_exclusions_name_where_they_were_written_and_win_over_inclusions() -> None:
    ignored = ignore_file_patterns("/old/\n", ".claimcheckignore")
    chosen = UrlFilter(("/drafts/",), ("example\\.org",), ignored)

    assert chosen.excluded("https://example.org/drafts/1") == "excluded by '/drafts/' (exclude)"
    assert chosen.excluded("https://example.org/old/1") == (
        "excluded by '/old/' (.claimcheckignore:1)"
    )
    assert chosen.included("https://example.org/a")
    assert not chosen.included("https://b.net/a")
    assert UrlFilter((), ()).included("https://b.net/a")


def test_an_accepted_status_counts_as_alive_and_says_why(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/paper", status(403, TEXT, b"robots go away"))

    result = check(host.url("/paper"), accept=status_ranges(["200-299", 403]))

    assert (result.status, result.reason) == (SourceStatus.ALIVE, Reason.ACCEPTED_STATUS)
    assert result.http_status == 403
    assert result.detail == (
        "HTTP 403, counted as alive by accept (it would be blocked, access-denied)"
    )


def test_a_host_rule_accepts_its_host_s_statuses_only(hosts: HostFactory) -> None:
    jstor, other = hosts(2)
    for host in (jstor, other):
        host.route("/paper", status(401, TEXT, b"sign in"))
    accepting = rule(match=jstor.host, accept=["401"])

    checked = run([source(jstor.url("/paper"), "a"), source(other.url("/paper"), "b")],
                  hosts=(accepting,))  # fmt: skip

    assert [result.status for result in checked.sources] == [
        SourceStatus.ALIVE,
        SourceStatus.BLOCKED,
    ]
    assert f"accept of the rule for {jstor.host}" in (checked.sources[0].detail or "")


def test_accept_judges_the_answer_at_the_end_of_the_redirects(hosts: HostFactory) -> None:
    cited, publisher = hosts(2)
    cited.route("/doi", redirect(publisher.url("/paper")))
    publisher.route("/paper", status(403, TEXT, b"no"))

    moved = check(cited.url("/doi"), hosts=(rule(match=publisher.host, accept=[403]),))
    not_there = check(cited.url("/doi"), hosts=(rule(match=cited.host, accept=[403]),))

    assert moved.status is SourceStatus.ALIVE
    assert not_there.status is SourceStatus.BLOCKED


def test_an_accepted_result_is_asked_again_not_reused_from_the_cache(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/paper", status(403, TEXT, b"no"))
    cache = SqliteCache(tmp_path / "cache.sqlite3")
    try:
        for _ in range(2):
            checked = run_checks(
                [source(host.url("/paper"))],
                options(accept=status_ranges(403)),
                cache=cache,
                max_age=timedelta(hours=1),
            )
            assert checked.sources[0].from_cache is False
    finally:
        cache.close()
    assert len(host.hits("/paper")) == 2


def test_include_checks_only_matching_urls_and_skips_the_rest_unasked(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/doi/1", status(200, TEXT, b"one"))
    host.route("/blog/1", status(200, TEXT, b"two"))

    checked = run(
        [source(host.url("/doi/1"), "a"), source(host.url("/blog/1"), "b")], include=("/doi/",)
    )

    assert [(result.status, result.reason) for result in checked.sources] == [
        (SourceStatus.ALIVE, Reason.OK),
        (SourceStatus.SKIPPED, Reason.NOT_INCLUDED),
    ]
    assert [request.path for request in host.requests] == ["/doi/1"]


def test_an_excluded_url_stays_excluded_when_an_inclusion_matches_it(hosts: HostFactory) -> None:
    (host,) = hosts(1)

    result = check(host.url("/doi/1"), include=("/doi/",), exclude=("/1$",))

    assert (result.status, result.reason) == (SourceStatus.SKIPPED, Reason.EXCLUDED)
    assert host.requests == []


def test_rule_headers_go_to_matching_hosts_only_even_across_a_redirect(
    hosts: HostFactory,
) -> None:
    site, elsewhere = hosts(2)
    site.route("/a", status(200, TEXT, b"a"))
    site.route("/moved", redirect(elsewhere.url("/b")))
    elsewhere.route("/b", status(200, TEXT, b"b"))
    names = CountingResolver({"www.journal.test": site.host, "other.test": elsewhere.host})
    token = rule({"TOKEN": "t0k"}, match="*.journal.test", headers={"X-Api-Key": "${TOKEN}"})
    urls = [f"http://www.journal.test:{site.port}/a", f"http://www.journal.test:{site.port}/moved"]

    checked = run([source(url, str(n)) for n, url in enumerate(urls)], names, hosts=(token,))

    assert [result.status for result in checked.sources] == [SourceStatus.ALIVE] * 2
    assert [request.headers.get("X-Api-Key") for request in site.requests] == ["t0k", "t0k"]
    assert [request.headers.get("X-Api-Key") for request in elsewhere.requests] == [None]


def _start_times(requests: list[Request]) -> list[float]:
    times = sorted(request.time for request in requests)
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_a_host_interval_spaces_the_starts_of_its_requests(hosts: HostFactory) -> None:
    paced, free = hosts(2)
    for host in (paced, free):
        host.route("*", status(200, TEXT, b"ok"))
    urls = [host.url(f"/{n}") for host in (paced, free) for n in range(3)]

    run([source(url, url) for url in urls], hosts=(rule(match=paced.host, interval=0.5),))

    assert min(_start_times(page_requests(paced))) >= 0.4
    assert max(_start_times(page_requests(free))) < 0.4


def test_a_host_concurrency_limits_its_requests_at_once(hosts: HostFactory) -> None:
    limited, free = hosts(2)
    for host in (limited, free):
        host.route("*", slow(status(200, TEXT, b"ok"), 0.2))
    urls = [host.url(f"/{n}") for host in (limited, free) for n in range(4)]

    run([source(url, url) for url in urls], hosts=(rule(match=limited.host, concurrency=1),))

    assert min(_start_times(page_requests(limited))) >= 0.18
    assert free.max_in_flight > 1


def test_a_long_interval_does_not_outlast_the_run_deadline(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("*", status(200, TEXT, b"ok"))
    urls = [host.url(f"/{n}") for n in range(3)]

    checked = run(
        [source(url, url) for url in urls],
        run_timeout=0.5,
        hosts=(rule(match=host.host, interval=60),),
    )

    assert [result.reason for result in checked.sources] == [
        Reason.OK,
        Reason.RUN_DEADLINE,
        Reason.RUN_DEADLINE,
    ]
    assert len(host.requests) == 1


def test_rules_travel_in_the_check_options_as_typed_objects() -> None:
    made = CheckOptions(hosts=({"match": "*.jstor.org", "accept": ["401-403"]},))

    assert made.hosts[0].accept == (StatusRange(low=401, high=403),)
    assert made.hosts[0].match == "*.jstor.org"


@pytest.mark.parametrize(
    "bad", [{"match": "x.org", "concurrency": 0}, {"match": "x.org", "interval": -1}]
)
def test_host_pace_out_of_range_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        HostRule.model_validate(bad)


def test_a_status_not_accepted_is_judged_as_ever(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/ok", lambda request: Response(200, TEXT, b"ok"))

    assert check(host.url("/ok"), accept=status_ranges(404)).reason is Reason.OK
    assert check(host.url("/missing"), accept=status_ranges(403)).reason is Reason.NOT_FOUND


def test_accepting_2xx_still_finds_soft_404s(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/2020/report.html", html_page("Page not found"))

    result = check(host.url("/2020/report.html"), accept=status_ranges("200-299"))

    assert (result.status, result.reason) == (SourceStatus.DEAD, Reason.SOFT_404_TITLE)


def test_an_accepted_refusal_is_not_asked_again_in_a_browser_s_guise(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/paper", status(403, TEXT, b"no"))

    check(host.url("/paper"), accept=status_ranges(403))

    assert len(host.hits("/paper")) == 1
