"""One source's bug never ends the run; a bug outside every source exits 3 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from claimcheck.archive.warc import Exchange
from claimcheck.models import Reason, Snapshot, SourceStatus
from claimcheck.pipeline import run_checks
from tests.checking import options, source
from tests.helpers import without_progress
from tests.servers import HostFactory, html_page
from tests.test_cli_verify import project


class BrokenArchive:
    """An archive whose keeping of one URL raises, as a bug in it would."""

    def __init__(self, broken: str) -> None:
        self.broken = broken
        self.kept: list[str] = []

    def holds_a_copy(self, cited_url: str) -> bool:
        return cited_url in self.kept

    async def keep(self, cited_url: str, exchange: Exchange) -> Snapshot:
        if cited_url == self.broken:
            raise UnicodeEncodeError("ascii", cited_url, 0, 1, "a bug in archiving")
        self.kept.append(cited_url)
        return Snapshot(
            captured_at=datetime(2026, 1, 1),
            url=exchange.target,
            http_status=exchange.status,
            payload_digest="sha1:X",
        )


def test_a_bug_archiving_one_source_is_that_sources_internal_error(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A")).route("/b", html_page("B"))
    archive = BrokenArchive(broken=host.url("/a"))

    result = run_checks(
        [source(host.url("/a"), "a"), source(host.url("/b"), "b")], options(), archive=archive
    )

    broken, fine = result.sources
    assert (broken.status, broken.reason) == (SourceStatus.ERROR, Reason.INTERNAL_ERROR)
    assert broken.detail is not None
    assert "UnicodeEncodeError" in broken.detail
    assert (fine.status, fine.reason) == (SourceStatus.ALIVE, Reason.OK)
    assert archive.kept == [host.url("/b")]


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (which patches claimcheck, then calls its main) as a separate process."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
        check=False,
    )


def test_verify_logs_a_sources_traceback_and_reports_the_rest(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    folder = project(tmp_path, host.url("/news"))

    result = _python(
        """
        import sys
        from claimcheck.archive.store import LocalArchive
        from claimcheck.cli import main

        async def keep(self, cited_url, exchange):
            raise RuntimeError("a bug while archiving")

        LocalArchive.keep = keep
        sys.argv = ["claimcheck", "verify", "--allow-private", "--format", "json"]
        main()
        """,
        folder,
    )

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    (checked,) = json.loads(result.stdout)["sources"]
    assert (checked["status"], checked["reason"]) == ("error", "internal-error")
    assert "RuntimeError: a bug while archiving" in checked["detail"]
    log = (folder / ".claimcheck" / "claimcheck.log").read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "RuntimeError: a bug while archiving" in log


def test_a_bug_outside_any_source_exits_3_with_one_line_naming_the_log(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    folder = project(tmp_path, host.url("/news"))

    result = _python(
        """
        import sys
        from claimcheck.cli import main
        from claimcheck.report.terminal import TerminalFormat

        def render(self, report, options):
            raise KeyError("a bug in the report")

        TerminalFormat.render = render
        sys.argv = ["claimcheck", "verify", "--allow-private"]
        main()
        """,
        folder,
    )

    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    (line,) = without_progress(result.stderr).splitlines()
    assert "internal error" in line
    assert str(Path(".claimcheck") / "claimcheck.log") in line
    log = (folder / ".claimcheck" / "claimcheck.log").read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "KeyError: 'a bug in the report'" in log


def test_a_clean_run_writes_no_log(hosts: HostFactory, tmp_path: Path) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    folder = project(tmp_path, host.url("/news"))

    result = _python(
        """
        import sys
        from claimcheck.cli import main

        sys.argv = ["claimcheck", "verify", "--allow-private"]
        main()
        """,
        folder,
    )

    assert result.returncode == 0, result.stderr
    assert not (folder / ".claimcheck" / "claimcheck.log").exists()


def test_the_log_is_never_written_through_a_symbolic_link(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    (tmp_path / "paper").mkdir()
    folder = project(tmp_path / "paper", host.url("/news"))
    thesis = tmp_path / "thesis.tex"
    thesis.write_text("my thesis\n", encoding="utf-8")
    (folder / ".claimcheck").mkdir()
    (folder / ".claimcheck" / "claimcheck.log").symlink_to(thesis)

    result = _python(
        """
        import sys
        from claimcheck.cli import main
        from claimcheck.report.terminal import TerminalFormat

        def render(self, report, options):
            raise KeyError("a bug in the report")

        TerminalFormat.render = render
        sys.argv = ["claimcheck", "verify", "--allow-private", "--no-archive"]
        main()
        """,
        folder,
    )

    assert result.returncode == 3
    assert thesis.read_text(encoding="utf-8") == "my thesis\n"


class UnreadableCache:
    """A cache whose stored result for one URL cannot be read, as a damaged row."""

    def __init__(self, damaged: str) -> None:
        self.damaged = damaged
        self.recorded: list[str] = []

    def fresh(self, url: str, max_age: object, now: object) -> None:
        if url == self.damaged:
            raise ValueError("Invalid isoformat string: 'x'")

    def record(self, results: list[object]) -> None:
        self.recorded.extend(getattr(result, "url", "") for result in results)

    def streak(self, url: str) -> None:
        return None


def test_an_unreadable_cached_result_is_checked_anew(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/a", html_page("A")).route("/b", html_page("B"))
    cache = UnreadableCache(damaged=host.url("/a"))

    result = run_checks(
        [source(host.url("/a"), "a"), source(host.url("/b"), "b")],
        options(),
        cache=cache,  # type: ignore[arg-type]
    )

    assert [s.status for s in result.sources] == [SourceStatus.ALIVE, SourceStatus.ALIVE]
    assert len(host.hits("/a")) == 1
