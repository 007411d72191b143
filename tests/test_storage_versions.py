"""The project database's version: older ones brought up to date in place, newer ones refused.

The databases in tests/databases/ were made by earlier claimchecks (one from before versions,
one at version 1), each after a real `claimcheck verify`, with the WARC file it wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from claimcheck.check.database import SCHEMA_VERSION, connect
from claimcheck.check.schema import STEPS, Step
from claimcheck.cli import app
from claimcheck.errors import StateError

MADE = Path(__file__).parent / "databases"
DATABASE = Path(".claimcheck") / "claimcheck.sqlite3"
WARC = {
    0: "claimcheck-20261202T005057Z-2f523a9c.warc.gz",
    1: "claimcheck-20261202T005048Z-9fae19e3.warc.gz",
}
WAY_OUT = ("claimcheck archive reindex", "--no-cache --no-archive")


def _made_by(version: int, folder: Path) -> Path:
    """A project whose database and WARC file an earlier claimcheck (at ``version``) made."""
    for name in ("references.bib", "claims.yaml"):
        shutil.copy(MADE / name, folder / name)
    archive = folder / ".claimcheck" / "archive"
    archive.mkdir(parents=True)
    shutil.copy(MADE / "warc" / WARC[version], archive / WARC[version])
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
        db.executescript((MADE / f"version-{version}.sql").read_text("utf-8"))
    return folder


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in order: what an upgrade must keep."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def _version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def _invoke(folder: Path, *args: str) -> Result:
    with contextlib.chdir(folder):
        return CliRunner().invoke(app, list(args))


def _statuses(result: Result) -> dict[str, tuple[str, str | None]]:
    report = json.loads(result.stdout)
    return {
        s["key"]: (s["status"], (s.get("snapshot") or {}).get("captured_at"))
        for s in report["sources"]
    }


def _fails_once(result: Result, *words: str) -> None:
    """Exit 2 with one line naming the database, ``words`` in it, and no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    first, *rest = result.stderr.splitlines()
    assert first.startswith(f"error: {DATABASE}: "), result.stderr
    assert all(line.startswith("  ") for line in rest), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize("version", [0, 1])
def test_a_database_from_an_earlier_claimcheck_is_upgraded_in_place_keeping_every_row(
    tmp_path: Path, version: int
) -> None:
    folder = _made_by(version, tmp_path)
    before = _rows(folder / DATABASE)

    recalled = _invoke(folder, "verify", "--offline", "--format", "json")
    verified = _invoke(folder, "archive", "verify")

    assert recalled.exit_code == 1, recalled.output  # the dead source fails the run
    assert _statuses(recalled) == {
        "visa2024": ("alive", "2026-12-02T00:50:57Z" if version == 0 else "2026-12-02T00:50:48Z"),
        "power2024": ("alive", "2026-12-02T00:50:57Z" if version == 0 else "2026-12-02T00:50:48Z"),
        "gone2024": ("dead", "2026-12-02T00:50:57Z" if version == 0 else "2026-12-02T00:50:48Z"),
    }
    assert verified.exit_code == 0, verified.output
    assert "3 captures" in verified.stdout
    assert _version(folder / DATABASE) == SCHEMA_VERSION
    after = _rows(folder / DATABASE)
    # Version 2 added what each capture was judged: unknown (NULL) for the captures before it.
    assert after["captures"] == [(*row, None) for row in before["captures"]]
    assert {table: after[table] for table in before if table != "captures"} == {
        table: rows for table, rows in before.items() if table != "captures"
    }
    assert after["retired_files"] == []


def test_the_next_step_takes_a_database_of_todays_layout_to_the_next_version(
    tmp_path: Path,
) -> None:
    path = _made_by(1, tmp_path) / DATABASE
    with contextlib.closing(connect(path)):
        pass  # today's layout
    before = _rows(path)
    following = Step("a note beside each check", ("ALTER TABLE checks ADD COLUMN note TEXT",))

    with contextlib.closing(connect(path, steps=(*STEPS, following))):
        pass

    assert _version(path) == len(STEPS) + 1
    after = _rows(path)
    assert after["checks"] == [(*row, None) for row in before["checks"]]
    assert {t: rows for t, rows in after.items() if t != "checks"} == {
        t: rows for t, rows in before.items() if t != "checks"
    }


def test_a_failing_step_leaves_the_database_at_its_version_with_nothing_half_done(
    tmp_path: Path,
) -> None:
    path = _made_by(1, tmp_path) / DATABASE
    before = _rows(path)
    broken = Step("a table, then a mistake", ("CREATE TABLE notes (n TEXT)", "ALTER nothing"))

    with pytest.raises(StateError, match="cannot be used"):
        connect(path, steps=(*STEPS, broken))

    assert _version(path) == 1
    assert _rows(path) == before


def test_runs_upgrading_one_database_at_once_take_each_step_once(tmp_path: Path) -> None:
    path = tmp_path / "claimcheck.sqlite3"
    counted = Step("a count of upgrades", ("CREATE TABLE ups (n)", "INSERT INTO ups VALUES (1)"))
    steps = (*STEPS, counted)
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def upgrade() -> None:
        start.wait()
        try:
            connect(path, steps=steps).close()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=upgrade) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert _rows(path)["ups"] == [(1,)]
    assert _version(path) == len(steps)


def test_an_upgrade_waits_for_another_run_holding_the_project_lock(tmp_path: Path) -> None:
    folder = _made_by(0, tmp_path)
    holding = (
        "import sys, time; from pathlib import Path; "
        "from claimcheck.archive.lock import ProjectLock\n"
        "with ProjectLock(Path('.claimcheck'), 'archive save'):\n"
        "    print('held', flush=True); time.sleep(1)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", holding], cwd=folder, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        started = time.monotonic()
        recalled = _invoke(folder, "verify", "--offline", "--format", "json")
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()

    assert recalled.exit_code == 1, recalled.output
    assert "waiting for claimcheck archive save (pid" in recalled.stderr
    assert waited > 0.5
    assert _version(folder / DATABASE) == SCHEMA_VERSION
    assert (folder / ".claimcheck" / "lock").read_text("utf-8") == ""


@pytest.mark.parametrize(
    "command",
    [["verify", "--offline"], ["verify", "--allow-private"], ["archive", "list"]],
    ids=["offline", "verify", "list"],
)
def test_a_database_from_a_newer_claimcheck_is_refused_untouched(
    tmp_path: Path, command: list[str]
) -> None:
    folder = _made_by(1, tmp_path)
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = _rows(folder / DATABASE)

    result = _invoke(folder, *command)

    _fails_once(result, f"database version {SCHEMA_VERSION + 1}", "upgrade claimcheck")
    assert _rows(folder / DATABASE) == before
    assert _version(folder / DATABASE) == SCHEMA_VERSION + 1


@pytest.mark.parametrize("damage", ["garbage", "negative version"])
def test_a_damaged_database_names_the_way_out_and_the_way_out_works(
    tmp_path: Path, damage: str
) -> None:
    folder = _made_by(1, tmp_path)
    if damage == "garbage":
        (folder / DATABASE).write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    else:
        with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
            db.execute("PRAGMA user_version = -3")
    damaged = (folder / DATABASE).read_bytes()

    refused = _invoke(folder, "verify", "--offline")
    without = _invoke(folder, "verify", "--no-cache", "--no-archive", "--format", "json")

    _fails_once(refused, "is damaged", *WAY_OUT)
    assert without.exit_code in (0, 1), without.output
    assert set(_statuses(without)) == {"visa2024", "power2024", "gone2024"}
    assert (folder / DATABASE).read_bytes() == damaged
    rebuilt = _invoke(folder, "archive", "reindex")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert _version(folder / DATABASE) == SCHEMA_VERSION


# The SHA-256 of each released step's statements: a database at version N took exactly these.
RELEASED = ["fe95d20d"]


def test_every_released_step_is_kept_as_it_was() -> None:
    assert len(STEPS) >= len(RELEASED)
    for step, digest in zip(STEPS, RELEASED, strict=False):
        text = "\n".join(step.statements).encode("utf-8")
        assert hashlib.sha256(text).hexdigest()[:8] == digest, step.purpose
