"""`verify --offline` replays each source's newest check, and only that one.

When the newest check kept cannot be trusted (a damaged row, or one dated after now by a
clock that ran ahead or by a hand that wants it to win), the source is `unchecked`
(`not-checked`) and says why: an older check may say what the newest overturned.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.servers import Handler, Host, HostFactory, Response, html_page
from tests.test_cli_archive import entry, project, run

DATABASE = ".claimcheck/claimcheck.sqlite3"


def _sql(folder: Path, statement: str) -> None:
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        db.execute(statement)


def _offline(folder: Path, code: int) -> dict[str, Any]:
    result = run("verify", "--offline", "--format", "json", cwd=folder, code=code)
    [source] = json.loads(result.stdout)["sources"]
    return dict(source)


@pytest.fixture
def dead_then_alive(hosts: HostFactory, tmp_path: Path) -> tuple[Host, Path]:
    """A project whose one page was checked dead, then checked again alive."""
    [host] = hosts(1)
    alive = html_page("Back again")
    answers: list[Handler] = [lambda request: Response(404, body=b"gone")]
    host.route("/page", lambda request: answers[-1](request))
    folder = project(tmp_path, entry("key", host.url("/page")))
    run("verify", "--no-archive", cwd=folder, code=1)
    answers.append(alive)
    run("verify", "--no-archive", cwd=folder)
    assert _offline(folder, code=0)["status"] == "alive"
    return host, folder


def test_offline_with_the_newest_check_damaged_is_unchecked_not_the_older_dead(
    dead_then_alive: tuple[Host, Path],
) -> None:
    _, folder = dead_then_alive
    _sql(folder, "UPDATE checks SET result = '{' WHERE status = 'alive'")

    source = _offline(folder, code=0)

    assert (source["status"], source["reason"]) == ("unchecked", "not-checked")
    assert "newest check result kept is damaged" in source["detail"]


def test_offline_with_a_check_dated_after_now_is_unchecked_not_that_check(
    dead_then_alive: tuple[Host, Path],
) -> None:
    _, folder = dead_then_alive
    _sql(folder, "DELETE FROM checks WHERE status = 'alive'")
    assert _offline(folder, code=1)["status"] == "dead"
    _sql(
        folder,
        "INSERT INTO checks SELECT url, '2099-01-01T00:00:00+00:00', 'alive', "
        "replace(result, '\"dead\"', '\"alive\"') FROM checks",
    )

    source = _offline(folder, code=0)

    assert (source["status"], source["reason"]) == ("unchecked", "not-checked")
    assert "dated 2099-01-01T00:00:00+00:00, after now" in source["detail"]


def test_offline_never_checked_is_still_said_so(hosts: HostFactory, tmp_path: Path) -> None:
    [host] = hosts(1)
    host.route("/page", html_page("A page"))
    folder = project(tmp_path, entry("key", host.url("/page")))
    run("lint", cwd=folder)

    source = _offline(folder, code=0)

    assert (source["status"], source["reason"]) == ("unchecked", "never-checked")
    assert not host.requests
