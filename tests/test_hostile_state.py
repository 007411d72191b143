"""`.claimcheck/` as untrusted, damaged state: nothing lost, one clear message, no traceback.

Each reproduction of issue 9 (D1-D3, W2, T12-T15) and variants of it, through the command
line; the bytes of the files that must not change are compared afterwards.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimcheck.cli import app
from tests.helpers import without_progress
from tests.servers import Handler, HostFactory, Request, Response, html_document, page
from tests.test_cli import claimcheck
from tests.test_cli_archive import entry, project, read_warc, run, warc_files

CACHE = ".claimcheck"
DATABASE = f"{CACHE}/claimcheck.sqlite3"
REINDEX = "claimcheck archive reindex"
THESIS = b"\\chapter{Results}\nEverything I wrote this year.\n"


def _archived(hosts: HostFactory, folder: Path, pages: int = 3) -> Path:
    """A project whose ``pages`` pages were saved twice (a response, then a revisit)."""
    folder.mkdir(parents=True, exist_ok=True)
    (host,) = hosts(1)
    bib = ""
    for n in range(pages):
        body = html_document(f"Page {n}", f"<p>The text of page {n}.</p>").encode()
        host.route(f"/p{n}", page(body))
        bib += entry(f"key{n}", host.url(f"/p{n}"))
    project(folder, bib)
    run("archive", "save", cwd=folder)
    run("archive", "save", cwd=folder)
    return folder


def _bytes_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in warc_files(folder)}


def _sql(folder: Path, *statements: str) -> None:
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        for statement in statements:
            db.execute(statement)


def _project(folder: Path, bib: str, more: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return project(folder, bib, more)


def _fails(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2 with one clear message holding ``words``, and no traceback."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert without_progress(result.stderr).startswith("error: "), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# D1: the WARC files are the record; a lost database is rebuilt from them ------------------


def test_losing_the_database_keeps_every_warc_file_and_rebuilds_the_index(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _archived(hosts, tmp_path)
    before = _bytes_of(folder)
    (folder / DATABASE).unlink()

    result = run("verify", "--no-cache", cwd=folder)

    assert "the archive's index was rebuilt from 2 WARC files (6 captures)" in result.stderr
    after = _bytes_of(folder)
    assert {name: after[name] for name in before} == before
    assert len(after) == 3
    shown = run("archive", "show", "key1", cwd=folder).stdout
    assert shown.count("200") == 3
    assert "chars" in shown
    run("archive", "verify", cwd=folder)


@pytest.mark.parametrize("command", [["archive", "list"], ["archive", "verify"]])
def test_a_reading_command_rebuilds_a_lost_index_and_changes_no_warc_byte(
    hosts: HostFactory, tmp_path: Path, command: list[str]
) -> None:
    folder = _archived(hosts, tmp_path)
    before = _bytes_of(folder)
    (folder / DATABASE).unlink()

    result = run(*command, cwd=folder)

    assert "was missing" in result.stderr
    assert _bytes_of(folder) == before


def test_reindex_brings_back_captures_payloads_and_their_text(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _archived(hosts, tmp_path)
    shown = run("archive", "show", "key0", cwd=folder).stdout
    before = _bytes_of(folder)
    _sql(folder, "DELETE FROM captures", "DELETE FROM payloads", "DELETE FROM warc_files")

    result = run("archive", "reindex", cwd=folder)

    assert "rebuilt the index from 2 WARC files: 6 captures, 3 stored payloads" in result.stdout
    assert run("archive", "show", "key0", cwd=folder).stdout == shown
    assert _bytes_of(folder) == before
    run("archive", "verify", cwd=folder)


def test_a_warc_file_the_index_does_not_know_is_never_removed(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _archived(hosts, tmp_path)
    first = warc_files(folder)[0]
    kept = first.read_bytes()
    _sql(folder, f"DELETE FROM warc_files WHERE name = '{first.name}'")

    run("archive", "save", cwd=folder)
    run("verify", cwd=folder)

    assert first.read_bytes() == kept


# D2: names read from the database are checked before any file is touched -----------------


HOSTILE_NAMES = [
    "../../references.bib",
    "../references.bib",
    "{folder}/references.bib",
    "claimcheck-20260101T000000Z-00000000.warc.gz/../../../references.bib",
    "claimcheck-20260101T000000Z-0000000.warc.gz",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize(
    "command",
    [["verify"], ["archive", "save"], ["archive", "prune", "--keep", "1"], ["archive", "verify"]],
)
def test_a_file_name_from_the_database_outside_the_archive_is_refused(
    hosts: HostFactory, tmp_path: Path, name: str, command: list[str]
) -> None:
    folder = _archived(hosts, tmp_path)
    bib = (folder / "references.bib").read_bytes()
    before = _bytes_of(folder)
    hostile = name.format(folder=folder)
    _sql(folder, f"INSERT INTO warc_files VALUES ('{hostile}', '2026-01-01T00:00:00+00:00', 0)")

    _fails(claimcheck(*command, cwd=folder), DATABASE, "damaged row", REINDEX)

    assert (folder / "references.bib").read_bytes() == bib
    assert _bytes_of(folder) == before


def test_a_capture_placed_in_another_file_is_refused_by_export(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _archived(hosts, tmp_path)
    _sql(folder, "UPDATE payloads SET warc_file = '../../references.bib'")

    result = claimcheck("archive", "export", "key0", "--to", str(tmp_path / "out"), cwd=folder)

    _fails(result, "damaged row", REINDEX)
    run("archive", "reindex", cwd=folder)
    run("archive", "export", "key0", "--to", str(tmp_path / "out"), cwd=folder)


# D3: no file of .claimcheck/ is opened through a link ------------------------------------


def _thesis(tmp_path: Path) -> Path:
    thesis = tmp_path / "thesis.tex"
    thesis.write_bytes(THESIS)
    return thesis


@pytest.mark.parametrize("how", ["symlink", "hardlink"])
@pytest.mark.parametrize("name", ["lock", "claimcheck.sqlite3", "claimcheck.sqlite3-wal"])
def test_a_linked_state_file_is_refused_and_its_target_kept(
    hosts: HostFactory, tmp_path: Path, how: str, name: str
) -> None:
    folder = _archived(hosts, tmp_path / "project")
    thesis = _thesis(tmp_path)
    link = folder / CACHE / name
    link.unlink(missing_ok=True)
    if how == "symlink":
        link.symlink_to(thesis)
    else:
        os.link(thesis, link)

    result = claimcheck("verify", cwd=folder)

    kind = "a symbolic link" if how == "symlink" else "a hard link"
    _fails(result, name, kind)
    assert thesis.read_bytes() == THESIS


def test_a_warc_file_replaced_by_a_link_is_neither_cut_nor_followed(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _archived(hosts, tmp_path / "project")
    thesis = _thesis(tmp_path)
    first = warc_files(folder)[0]
    first.unlink()
    first.symlink_to(thesis)
    _sql(folder, f"UPDATE warc_files SET committed = 3 WHERE name = '{first.name}'")

    _fails(claimcheck("archive", "save", cwd=folder), first.name, "a symbolic link")
    verified = claimcheck("archive", "verify", cwd=folder)

    assert verified.returncode == 1
    assert "a symbolic link" in verified.stdout
    assert thesis.read_bytes() == THESIS


def test_a_fifo_named_as_a_warc_file_does_not_block(hosts: HostFactory, tmp_path: Path) -> None:
    folder = _archived(hosts, tmp_path)
    first = warc_files(folder)[0]
    first.unlink()
    os.mkfifo(first)

    verified = claimcheck("archive", "verify", cwd=folder)
    reindexed = run("archive", "reindex", cwd=folder)

    assert verified.returncode == 1
    assert "not a regular file" in verified.stdout
    assert f"{first.name}: left out" in reindexed.stdout


@pytest.mark.parametrize("where", [CACHE, f"{CACHE}/archive"])
def test_a_state_folder_that_is_a_link_elsewhere_is_refused(
    hosts: HostFactory, tmp_path: Path, where: str
) -> None:
    folder = _archived(hosts, tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    (folder / where).rename(elsewhere)
    (folder / where).symlink_to(elsewhere)
    before = {p.name: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}

    _fails(claimcheck("verify", cwd=folder), where, "is a symbolic link")

    assert {p.name: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before


# T13: a file where a folder belongs -------------------------------------------------------


@pytest.mark.parametrize("where", [CACHE, f"{CACHE}/archive"])
@pytest.mark.parametrize("command", [["verify"], ["archive", "save"], ["archive", "list"]])
def test_a_file_where_a_state_folder_belongs_is_one_clear_error(
    hosts: HostFactory, tmp_path: Path, where: str, command: list[str]
) -> None:
    (host,) = hosts(1)
    host.route("/p", page(html_document("P", "<p>p</p>").encode()))
    folder = project(tmp_path, entry("key0", host.url("/p")))
    if where != CACHE:
        (folder / CACHE).mkdir()
    (folder / where).write_bytes(b"not a folder")

    result = claimcheck(*command, cwd=folder)

    if command == ["archive", "list"] and where != CACHE:
        _fails(result, "no archive here yet")
    else:
        _fails(result, where, "is a file where claimcheck keeps a folder")
    assert (folder / where).read_bytes() == b"not a folder"


# T14, T15 and a newer claimcheck: the database itself ----------------------------------


def test_a_database_from_a_newer_claimcheck_is_refused(hosts: HostFactory, tmp_path: Path) -> None:
    folder = _archived(hosts, tmp_path)
    _sql(folder, "PRAGMA user_version = 99")

    for command in (["verify"], ["archive", "list"], ["archive", "reindex"]):
        _fails(claimcheck(*command, cwd=folder), DATABASE, "newer claimcheck", "upgrade")


def test_a_file_that_is_not_a_database_is_moved_aside_by_reindex(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _archived(hosts, tmp_path)
    before = _bytes_of(folder)
    garbage = b"SQLite format 3\x00" + os.urandom(4096)
    (folder / DATABASE).write_bytes(garbage)
    for suffix in ("-wal", "-shm"):
        (folder / (DATABASE + suffix)).unlink(missing_ok=True)

    _fails(claimcheck("verify", cwd=folder), DATABASE, "damaged", REINDEX)
    result = run("archive", "reindex", cwd=folder)

    assert "the damaged database was moved aside" in result.stdout
    (aside,) = (folder / CACHE).glob("claimcheck.sqlite3.*.damaged")
    assert aside.read_bytes() == garbage
    assert "6 captures" in result.stdout
    run("archive", "verify", cwd=folder)
    assert _bytes_of(folder) == before


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE captures SET captured_at = 'x'",
        "UPDATE captures SET offset = -5",
        "UPDATE captures SET http_status = 'many'",
        "UPDATE captures SET target = CAST(x'ff00fe' AS TEXT)",
        "UPDATE payloads SET text = x'00112233'",
        "UPDATE payloads SET offset = 'x'",
        "UPDATE mementos SET captured_at = 'x'",
        "UPDATE warc_files SET committed = 'x'",
    ],
)
def test_a_damaged_index_row_is_one_clear_error_until_reindex(
    hosts: HostFactory, tmp_path: Path, damage: str
) -> None:
    folder = _archived(hosts, tmp_path)
    _sql(
        folder,
        "INSERT INTO mementos SELECT DISTINCT url, 'http://m.test/', '2020-01-01T00:00:00+00:00', "
        "url, 200, 'v', '2020-01-01T00:00:00+00:00' FROM captures",
    )
    _sql(folder, damage)
    before = _bytes_of(folder)
    export = ["archive", "export", "key0", "--to", str(tmp_path / "out")]

    results = [
        claimcheck(*command, cwd=folder)
        for command in (["archive", "show", "key0"], ["archive", "verify"], ["verify"], export)
    ]
    damaged = [r for r in results if r.returncode == 2]
    assert damaged, results
    for result in damaged:
        _fails(result, DATABASE, REINDEX)
    assert all(r.returncode in (0, 1, 2) and "Traceback" not in r.stderr for r in results)
    run("archive", "reindex", cwd=folder)
    run("archive", "verify", cwd=folder)
    run("archive", "show", "key0", cwd=folder)
    assert _bytes_of(folder) == before


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE checks SET result = '{'",
        "UPDATE checks SET checked_at = 'x'",
        "UPDATE checks SET result = CAST(x'7bff22' AS TEXT)",
        "UPDATE checks SET checked_at = '2026-01-01T00:00:00'",
        "UPDATE checks SET result = '{\"url\": 5}'",
    ],
)
def test_damaged_cached_results_are_skipped_with_a_warning(
    hosts: HostFactory, tmp_path: Path, damage: str
) -> None:
    folder = _archived(hosts, tmp_path)
    _sql(folder, damage)

    checked = run("verify", "--max-age", "7d", cwd=folder)
    offline = claimcheck("verify", "--offline", cwd=folder)

    assert "warning: " in checked.stderr
    assert "damaged check result" in checked.stderr
    assert offline.returncode in (0, 1)
    assert "Traceback" not in offline.stderr
    dropped = run("archive", "reindex", cwd=folder)
    assert "dropped 6 damaged rows" in dropped.stdout
    assert "damaged" not in run("verify", "--max-age", "7d", cwd=folder).stderr


LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9999\n"


@pytest.mark.parametrize("lost", ["deleted", "lfs-pointer"])
def test_a_capture_whose_stored_payload_is_lost_stores_it_anew_not_a_revisit(
    hosts: HostFactory, tmp_path: Path, lost: str
) -> None:
    folder = _archived(hosts, tmp_path)
    for path in warc_files(folder):
        if lost == "deleted":
            path.unlink()
        else:
            path.write_bytes(LFS_POINTER)

    saved = run("archive", "save", cwd=folder)

    assert "missing or shorter than committed" in saved.stderr
    [new] = [path for path in warc_files(folder) if path.read_bytes() != LFS_POINTER]
    kinds = [record.kind for record in read_warc(new)]
    assert sorted(set(kinds)) == ["request", "response", "warcinfo"], kinds
    assert kinds.count("response") == 3
    exported = run("archive", "export", "key0", "--to", str(tmp_path / "out"), cwd=folder)
    [body] = (tmp_path / "out").glob("*.html")
    assert b"The text of page 0." in body.read_bytes(), exported.stdout
    again = run("archive", "save", cwd=folder)
    assert "missing or shorter" in again.stderr
    newest = max(warc_files(folder), key=lambda path: path.stat().st_mtime_ns)
    assert [record.kind for record in read_warc(newest)].count("revisit") == 3


def _state_commands(folder: Path) -> list[list[str]]:
    return [
        ["archive", "list"],
        ["archive", "show", "key0"],
        ["archive", "verify"],
        ["verify", "--offline"],
    ]


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    with contextlib.chdir(folder):
        yield


def _invoke(folder: Path, command: list[str]) -> int:
    with _inside(folder):
        result = CliRunner().invoke(app, command)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        command,
        result.exception,
    )
    assert "Traceback" not in result.output
    return result.exit_code


ONE_ROW = "WHERE rowid = (SELECT MIN(rowid) FROM {table})"
TABLES = {
    "captures": ["url", "target", "captured_at", "http_status", "payload_digest", "warc_file"],
    "payloads": ["digest", "warc_file", "offset", "length", "captured_at", "text", "text_kind"],
    "warc_files": ["name", "committed", "created_at"],
    "checks": ["url", "checked_at", "status", "result"],
}


def test_arbitrary_bytes_in_any_database_column_never_end_in_a_traceback(
    hosts: HostFactory, tmp_path: Path
) -> None:
    template = _archived(hosts, tmp_path / "template")
    bib = (template / "references.bib").read_bytes()
    warcs = _bytes_of(template)
    cells = [(table, column) for table, columns in TABLES.items() for column in columns]

    @settings(
        max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(
        cell=st.sampled_from(cells),
        value=st.one_of(
            st.binary(max_size=40), st.text(max_size=40), st.integers(-(2**63), 2**63 - 1)
        ),
    )
    def damaged(cell: tuple[str, str], value: bytes | str | int) -> None:
        folder = tmp_path / "trial"
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        subprocess.run(["cp", "-a", str(template), str(folder)], check=True)
        table, column = cell
        with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
            if isinstance(value, bytes):
                db.execute(
                    f"UPDATE {table} SET {column} = CAST(? AS TEXT) {ONE_ROW.format(table=table)}",
                    (value,),
                )
            else:
                db.execute(
                    f"UPDATE {table} SET {column} = ? {ONE_ROW.format(table=table)}", (value,)
                )
        for command in _state_commands(folder):
            assert _invoke(folder, command) in (0, 1, 2)
        assert (folder / "references.bib").read_bytes() == bib
        assert _bytes_of(folder) == warcs

    damaged()


def test_arbitrary_damage_to_a_warc_file_is_reported_and_never_cut(
    hosts: HostFactory, tmp_path: Path
) -> None:
    template = _archived(hosts, tmp_path / "template")

    @settings(
        max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(data=st.data())
    def damaged(data: st.DataObject) -> None:
        folder = tmp_path / "trial"
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        subprocess.run(["cp", "-a", str(template), str(folder)], check=True)
        path = warc_files(folder)[0]
        content = bytearray(path.read_bytes())
        start = data.draw(st.integers(0, len(content) - 1))
        noise = data.draw(st.binary(min_size=1, max_size=64))
        content[start : start + len(noise)] = noise
        path.write_bytes(bytes(content))
        assert _invoke(folder, ["archive", "verify"]) in (0, 1)
        assert _invoke(folder, ["archive", "reindex"]) == 0
        assert _invoke(folder, ["archive", "verify"]) in (0, 1)
        assert path.read_bytes() == bytes(content)

    damaged()


# T12, T14: a full or read-only disk (a real tmpfs, as root) -----------------------------


@pytest.fixture(params=["64k"])
def tiny_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A small tmpfs (64 KiB unless the test says), mounted for the test (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={request.param}", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_while_archiving_is_one_clear_error(
    hosts: HostFactory, tmp_path: Path, tiny_disk: Path
) -> None:
    (host,) = hosts(1)
    bib = ""
    for n in range(4):
        host.route(f"/big{n}", page(os.urandom(40_000), content_type="application/octet-stream"))
        bib += entry(f"key{n}", host.url(f"/big{n}"))
    folder = _project(tmp_path / "project", bib, f'cache_dir = "{tiny_disk}/state"\n')

    result = claimcheck("verify", cwd=folder)

    _fails(result, "cannot be written", "free some space")


def test_a_full_disk_at_the_lock_is_one_clear_error(
    hosts: HostFactory, tmp_path: Path, tiny_disk: Path
) -> None:
    (host,) = hosts(1)
    host.route("/p", page(html_document("P", "<p>p</p>").encode()))
    folder = _project(tmp_path / "project", entry("key0", host.url("/p")))
    (folder / "claimcheck.toml").write_text(
        (folder / "claimcheck.toml").read_text() + f'cache_dir = "{tiny_disk}/state"\n'
    )
    with contextlib.suppress(OSError), (tiny_disk / "filler").open("wb") as filler:
        while True:
            filler.write(b"x" * 4096)
            filler.flush()

    _fails(claimcheck("verify", cwd=folder), "state", "free some space")


@pytest.mark.parametrize("tiny_disk", ["4m"], indirect=True)
def test_a_read_only_disk_is_one_clear_error(
    hosts: HostFactory, tmp_path: Path, tiny_disk: Path
) -> None:
    (host,) = hosts(1)
    host.route("/p", page(html_document("P", "<p>p</p>").encode()))
    folder = _project(
        tmp_path / "project", entry("key0", host.url("/p")), f'cache_dir = "{tiny_disk}/state"\n'
    )
    run("archive", "save", cwd=folder)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    host.clear()

    _fails(claimcheck("verify", cwd=folder), "state", "writable")
    _fails(claimcheck("archive", "save", cwd=folder), "state", "writable")
    _fails(claimcheck("verify", "--no-archive", cwd=folder), "claimcheck.sqlite3", "writable")
    assert host.requests == [], "refused before fetching anything"
    # What only reads works on the read-only disk: a colleague's archive, shared read-only.
    offline = run("verify", "--offline", "--format", "json", cwd=folder)
    assert '"status": "alive"' in offline.stdout
    assert "Captures of http" in run("archive", "show", "key0", cwd=folder).stdout
    assert "key0" in run("archive", "list", cwd=folder).stdout


@pytest.fixture
def read_only_file() -> Iterator[Callable[[Path], None]]:
    """Makes a file read-only to root too (a read-only bind mount over it), for the test."""
    if os.geteuid() != 0:
        pytest.skip("a bind mount needs root")
    mounted: list[Path] = []

    def make(path: Path) -> None:
        for options in (["--bind"], ["-o", "remount,ro,bind"]):
            done = subprocess.run(
                ["mount", *options, str(path), str(path)], capture_output=True, check=False
            )
            if done.returncode != 0:
                pytest.skip(f"cannot bind-mount a file read-only: {done.stderr!r}")
        mounted.append(path)

    yield make
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_read_only_database_in_a_writable_folder_is_refused_before_fetching(
    hosts: HostFactory, tmp_path: Path, read_only_file: Callable[[Path], None]
) -> None:
    (host,) = hosts(1)
    host.route("/p", page(html_document("P", "<p>p</p>").encode()))
    folder = _project(tmp_path / "project", entry("key0", host.url("/p")))
    run("verify", "--no-archive", cwd=folder)
    read_only_file(folder / DATABASE)
    host.clear()

    _fails(claimcheck("verify", "--no-archive", "--max-age", "0", cwd=folder), DATABASE, "writable")
    _fails(claimcheck("archive", "save", cwd=folder), DATABASE, "writable")
    assert host.requests == [], "refused before fetching anything"
    offline = run("verify", "--offline", "--format", "json", cwd=folder)
    assert '"status": "alive"' in offline.stdout


# W2: archive verify while a save is writing ---------------------------------------------


def held_until(event: threading.Event, handler: Handler) -> Handler:
    """``handler``'s answer once ``event`` is set (30 s at most)."""

    def answer(request: Request) -> Response | None:
        event.wait(30)
        return handler(request)

    return answer


def test_archive_verify_during_a_save_waits_for_it_and_finds_no_problem(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    # The last page is held back until verify says it waits: the save holds the lock until
    # then, however slowly a busy machine starts either process.
    released = threading.Event()
    bib = ""
    for n in range(40):
        body = html_document(f"Page {n}", f"<p>Page {n}.</p>").encode()
        host.route(f"/p{n}", held_until(released, page(body)) if n == 39 else page(body))
        bib += entry(f"key{n}", host.url(f"/p{n}"))
    folder = project(tmp_path, bib)
    released.set()
    run("archive", "save", cwd=folder)
    released.clear()
    saving = subprocess.Popen(
        [sys.executable, "-m", "claimcheck", "archive", "save"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        lock = folder / CACHE / "lock"
        deadline = time.monotonic() + 20
        # This save's own line (the first save's stays in the file after it ends).
        holder = f"archive save (pid {saving.pid},".encode()
        while holder not in lock.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.02)
        verifying = subprocess.Popen(
            [sys.executable, "-m", "claimcheck", "archive", "verify"],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert verifying.stderr is not None
        first = verifying.stderr.readline()
        released.set()
        out, rest = verifying.communicate(timeout=60)
        assert saving.wait(timeout=30) == 0
    finally:
        released.set()
        saving.wait(timeout=30)

    assert verifying.returncode == 0, out + first + rest
    assert "note: waiting for claimcheck archive save (pid" in first
    assert "80 captures" in out
