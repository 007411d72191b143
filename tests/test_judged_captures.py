"""A capture is a copy of the page cited only when its check judged the page alive: a sign-in,
catch-all or error page answered with 200 is archived, but never searched for a quote, offered
as a dead source's rescue, nor as the archived copy to cite."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from claimcheck.archive.index import judged_status
from claimcheck.models import SourceStatus
from claimcheck.project import CACHE_FILE
from tests.servers import HostFactory, Response, html_document, html_page, page
from tests.test_cli import claimcheck

SETTINGS = "allow_private = true\nprobe_hosts = []\nbackoff = 0.01\ntimeout = 5\nretries = 0\n"
QUOTE = "visa-free entry for Korean citizens"


def project(folder: Path, url: str) -> Path:
    """One reference citing ``url`` and one claim quoting it."""
    (folder / "references.bib").write_text(
        f"@online{{news2024,\n  title = {{Visa waiver}},\n  url = {{{url}}},\n}}\n",
        encoding="utf-8",
    )
    (folder / "claims.yaml").write_text(
        "version: 1\nclaims:\n  - id: visa\n    text: China waived visas.\n    evidence:\n"
        f"      - source: news2024\n        quote: {QUOTE}\n",
        encoding="utf-8",
    )
    (folder / "claimcheck.toml").write_text(SETTINGS, encoding="utf-8")
    return folder


def verify(folder: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = claimcheck("verify", "--format", "json", *args, cwd=folder)
    assert result.returncode in {0, 1}, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return result.returncode, report


def claim_and_source(report: dict[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    (claim,) = report["claims"]  # type: ignore[misc]
    (source,) = report["sources"]  # type: ignore[misc]
    return claim, source


def checked_then_gone(hosts: HostFactory, tmp_path: Path) -> Path:
    """A project whose source was checked alive, quote and all, and whose site is gone now."""
    (host,) = hosts(1)
    host.route("/article", html_page("Visa waiver", f"<p>China grants {QUOTE}.</p>"))
    folder = project(tmp_path, host.url("/article"))
    verify(folder)
    host.stop()
    # Times are kept to the second: a run in the same second as the capture would take it for
    # its own (evidence/assess.py, _this_runs_capture).
    time.sleep(1.05 - datetime.now(UTC).microsecond / 1e6)
    return folder


def test_a_sign_in_page_archived_for_a_blocked_source_is_not_searched_for_its_quote_next_run(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/article", lambda _: Response(302, [("Location", "/signin?next=/article")]))
    host.route("/signin", html_page("Sign in", "<form><input type=password name=p></form>"))
    folder = project(tmp_path, host.url("/article"))

    first, report = verify(folder)
    second, again = verify(folder, "--max-age", "0")

    for code, each in ((first, report), (second, again)):
        claim, source = claim_and_source(each)
        assert (source["status"], source["reason"]) == ("blocked", "login-required")
        assert source["snapshot"]["judged"] == "blocked"  # type: ignore[index]
        assert claim["status"] == "at-risk"
        assert claim["evidence"][0]["quote_status"] == "unchecked"  # type: ignore[index]
        assert code == 0
    host.stop()
    exported = claimcheck("export", "--format", "json", cwd=folder)
    (row,) = json.loads(exported.stdout)["rows"]
    assert row["source_status"] == "error"
    assert row["archived_url"] is None


def test_a_soft_404_page_archived_is_no_rescue_of_its_dead_source(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/article", page(html_document("404 Not Found", "<p>Nothing here.</p>").encode()))
    folder = project(tmp_path, host.url("/article"))

    code, report = verify(folder)

    claim, source = claim_and_source(report)
    assert (source["status"], source["reason"]) == ("dead", "soft-404-title")
    assert source["snapshot"]["judged"] == "dead"  # type: ignore[index]
    assert source["rescue"] is None
    assert claim["status"] == "broken"
    assert code == 1
    shown = claimcheck("archive", "show", "news2024", cwd=folder, env={"COLUMNS": "200"})
    listed = claimcheck("archive", "show", "news2024", "--format", "json", cwd=folder)
    assert " 200 dead " in shown.stdout
    assert json.loads(listed.stdout)["captures"][0]["judged"] == "dead"


def test_a_page_that_answered_before_is_still_the_copy_a_failing_source_is_searched_in(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = checked_then_gone(hosts, tmp_path)

    code, report = verify(folder, "--max-age", "0")

    claim, source = claim_and_source(report)
    assert source["status"] == "error"
    assert source["snapshot"]["judged"] == "alive"  # type: ignore[index]
    item = claim["evidence"][0]  # type: ignore[index]
    assert item["quote_status"] == "found"
    assert code == 0


def test_captures_from_before_verdicts_were_kept_are_judged_by_their_http_status_alone(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = checked_then_gone(hosts, tmp_path)
    with closing(sqlite3.connect(folder / ".claimcheck" / CACHE_FILE)) as db, db:
        db.execute("UPDATE captures SET judged = NULL")

    _, report = verify(folder, "--max-age", "0")

    claim, source = claim_and_source(report)
    assert source["snapshot"]["judged"] is None  # type: ignore[index]
    assert claim["evidence"][0]["quote_status"] == "found"  # type: ignore[index]


def test_a_verdict_read_from_the_database_is_a_known_status_or_none() -> None:
    assert judged_status("alive") is SourceStatus.ALIVE
    assert judged_status("blocked") is SourceStatus.BLOCKED
    assert judged_status("resurrected") is None
    assert judged_status(7) is None
    assert judged_status(None) is None
