"""Progress on stderr: a line now and then in a CI log, each source with -v, escaped."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

from claimcheck.models import Reason, Source, SourceStatus
from claimcheck.progress import ProgressLines, SourceLines
from tests.helpers import CLEAN_CLAIMS, make_project
from tests.servers import HostFactory, html_page, status
from tests.test_cli import claimcheck
from tests.test_cli_verify import fast_settings


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def finished(status: SourceStatus = SourceStatus.ALIVE, key: str = "k", url: str = "") -> Source:
    reason = Reason.OK if status is SourceStatus.ALIVE else Reason.NOT_FOUND
    return Source(
        key=key, keys=(key,), kind="url", url=url or "https://example.org/", status=status,
        reason=reason,
    )  # fmt: skip


def test_log_gets_a_line_at_every_tenth_of_a_quick_run() -> None:
    stream, clock = io.StringIO(), Clock()
    lines = ProgressLines(stream, clock=clock)
    lines.started(20)
    for _ in range(20):
        lines.finished(finished())

    written = stream.getvalue().splitlines()

    assert [line.split(" ")[1] for line in written] == [f"{n}/20" for n in range(2, 21, 2)]


def test_between_tenths_a_line_comes_at_most_every_five_seconds() -> None:
    stream, clock = io.StringIO(), Clock()
    lines = ProgressLines(stream, clock=clock)
    lines.started(1000)
    stamps = []
    for _ in range(1000):
        clock.now += 0.5
        before = stream.tell()
        lines.finished(finished())
        if stream.tell() != before:
            stamps.append(clock.now)

    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    assert len(stamps) == 100  # every 5 s of a 500 s run; the tenths fall on those
    assert min(gaps) >= 5.0


def test_line_names_the_failures_and_the_time_left() -> None:
    stream, clock = io.StringIO(), Clock()
    lines = ProgressLines(stream, clock=clock)
    lines.started(10)
    for each in (SourceStatus.DEAD, SourceStatus.BLOCKED, SourceStatus.DEAD, SourceStatus.ALIVE):
        clock.now += 10
        lines.finished(finished(each))

    assert stream.getvalue().splitlines()[-1] == (
        "checked 4/10 (40%): 2 dead, 1 blocked, about 60 s left"
    )


def test_last_line_says_nothing_is_left() -> None:
    stream, clock = io.StringIO(), Clock()
    lines = ProgressLines(stream, clock=clock)
    lines.started(1)
    clock.now = 3
    lines.finished(finished())

    assert stream.getvalue() == "checked 1/1 (100%)\n"


def test_verbose_line_per_source_shows_control_characters_escaped() -> None:
    stream = io.StringIO()
    lines = SourceLines(stream)
    lines.started(2)
    lines.finished(finished(key="smith\x1b[2J2020", url="https://example.org/a"))
    lines.finished(finished(SourceStatus.DEAD, url="https://example.org/\u202egone"))

    assert stream.getvalue().splitlines() == [
        "[1/2] alive smith\\x1b[2J2020 https://example.org/a",
        "[2/2] dead (not-found) k https://example.org/\\u202egone",
    ]


def test_verify_in_a_log_prints_progress_lines_and_verbose_each_source(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A page"))
    host.route("/b", status(404))
    bib = "".join(
        f"@online{{{key},\n  author = {{Doe, Jane}},\n  title = {{{key}}},\n"
        f"  url = {{{host.url('/' + key)}}},\n  urldate = {{2025-01-01}},\n}}\n"
        for key in ("a", "b")
    )
    make_project(tmp_path, bib=bib, claims=CLEAN_CLAIMS)
    fast_settings(tmp_path)

    quiet = claimcheck("verify", "--allow-private", "--no-cache", cwd=tmp_path)
    verbose = claimcheck("verify", "--allow-private", "--no-cache", "-v", cwd=tmp_path)

    progress = re.findall(r"^checked \d/2.*$", quiet.stderr, re.MULTILINE)
    assert len(progress) == 2
    assert progress[0].startswith("checked 1/2 (50%)")
    assert progress[1] == "checked 2/2 (100%): 1 dead"
    assert sorted(line.split(" ", 1)[1] for line in verbose.stderr.splitlines()) == [
        f"alive a {host.url('/a')}",
        f"dead (not-found) b {host.url('/b')}",
    ]
