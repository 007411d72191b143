"""A damaged `.claimcheck/` through the command line: unreadable WARC files are never cut, a
database that lost a table is one clear message (and `archive reindex` mends it), what a damaged
record holds is printed harmless, and a digest or a URL is never broken over two lines."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.helpers import without_progress
from tests.servers import HostFactory, html_document, page
from tests.test_cli import claimcheck
from tests.test_cli_archive import entry, project, run, sha1_digest, table, warc_files

CACHE = ".claimcheck"
DATABASE = f"{CACHE}/claimcheck.sqlite3"
REINDEX = "claimcheck archive reindex"
# What a clone without `git lfs pull` leaves in place of a WARC file (129 bytes).
LFS_POINTER = (
    b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"ab" * 32 + b"\nsize 3262\n"
)
GARBAGE = b"this is not a warc file\n" * 100


def _saved(hosts: HostFactory, folder: Path, pages: int = 2) -> Path:
    """A project whose ``pages`` pages were saved twice: two WARC files (responses, then
    revisits)."""
    folder.mkdir(parents=True, exist_ok=True)
    (host,) = hosts(1)
    bib = ""
    for n in range(pages):
        host.route(f"/p{n}", page(html_document(f"Page {n}", f"<p>The text of page {n}.</p>")))
        bib += entry(f"key{n}", host.url(f"/p{n}"))
    project(folder, bib)
    run("archive", "save", cwd=folder)
    run("archive", "save", cwd=folder)
    return folder


def _sql(folder: Path, *statements: str) -> None:
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        for statement in statements:
            db.execute(statement)


def _fails(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2 with one clear message holding ``words``, and no traceback."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    stderr = without_progress(result.stderr)
    assert stderr.startswith("error: "), result.stderr
    assert stderr.count("error: ") == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# An unreadable WARC file is left alone -----------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (LFS_POINTER, ("a Git LFS pointer", "git lfs pull")),
        (GARBAGE, ("does not begin with a gzip-compressed WARC record", "delete it yourself")),
    ],
    ids=["git-lfs-pointer", "garbage"],
)
def test_a_warc_file_unreadable_from_its_first_byte_is_never_cut_and_is_named(
    hosts: HostFactory, tmp_path: Path, content: bytes, words: tuple[str, ...]
) -> None:
    folder = _saved(hosts, tmp_path)
    first, second = warc_files(folder)
    first.write_bytes(content)
    kept = second.read_bytes()

    reindexed = run("archive", "reindex", cwd=folder)

    assert f"{first.name} cannot be read as a WARC file" in reindexed.stdout
    assert "torn tail" not in reindexed.stdout
    for word in words:
        assert word in reindexed.stdout
    assert "not followed by newline" not in reindexed.stderr
    assert reindexed.stderr == ""

    verified = run("verify", cwd=folder)

    assert first.read_bytes() == content
    assert second.read_bytes() == kept
    assert "interrupted" not in verified.stderr
    assert "uncommitted bytes" not in verified.stderr
    assert f"{first.name} cannot be read as a WARC file" in verified.stderr
    run("archive", "save", cwd=folder)  # the rest of the archive goes on working
    assert len(warc_files(folder)) == 3
    assert first.read_bytes() == content

    checked = run("archive", "verify", cwd=folder, code=1)

    assert f"{first.name}: cannot be read as a WARC file" in checked.stdout
    for word in words:
        assert word in checked.stdout
    assert "uncommitted" not in checked.stdout
    assert first.read_bytes() == content


def test_a_committed_length_inside_the_first_record_cuts_nothing(
    hosts: HostFactory, tmp_path: Path
) -> None:
    """An index that an older reindex left with 0 committed bytes for a file it could not
    read (a Git LFS pointer then), once the file is fetched whole."""
    folder = _saved(hosts, tmp_path)
    first = warc_files(folder)[0]
    whole = first.read_bytes()
    _sql(folder, f"UPDATE warc_files SET committed = 0 WHERE name = '{first.name}'")

    verified = run("verify", cwd=folder)

    assert first.read_bytes() == whole
    assert "uncommitted bytes" not in verified.stderr
    assert f"{first.name} has a committed length in the index (0 bytes)" in verified.stderr
    assert REINDEX in verified.stderr


def test_prune_deletes_no_unreadable_warc_file_the_index_holds(
    hosts: HostFactory, tmp_path: Path
) -> None:
    """Its records would be copied as they are (garbage) and the file then deleted."""
    folder = _saved(hosts, tmp_path)
    first = warc_files(folder)[0]
    garbage = (GARBAGE * (first.stat().st_size // len(GARBAGE) + 1))[: first.stat().st_size]
    first.write_bytes(garbage)
    before = warc_files(folder)

    result = claimcheck("archive", "prune", "--keep", "1", cwd=folder)

    _fails(result, first.name, "cannot be read as a WARC file", "nothing was pruned")
    assert first.read_bytes() == garbage
    assert warc_files(folder) == before


# A damaged folder or database: exit 2, never 3 ------------------------------------------------


def test_archive_verify_with_a_file_where_the_archive_folder_belongs_exits_2(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _saved(hosts, tmp_path)
    archive = folder / CACHE / "archive"
    shutil.rmtree(archive)
    archive.write_bytes(b"not a folder")

    result = claimcheck("archive", "verify", cwd=folder)

    _fails(result, f"{CACHE}/archive", "is a file where claimcheck keeps a folder", "hint: ")
    assert archive.read_bytes() == b"not a folder"


def test_verify_offline_without_the_checks_table_exits_2_naming_the_way_out(
    hosts: HostFactory, tmp_path: Path
) -> None:
    """A CI run working from the cache alone must not pass, every source unchecked."""
    folder = _saved(hosts, tmp_path)
    run("verify", cwd=folder)
    _sql(folder, "DROP TABLE checks")

    result = claimcheck("verify", "--offline", cwd=folder)

    _fails(result, DATABASE, "is damaged", "no table 'checks'", REINDEX, "--no-cache")


def test_reindex_makes_a_dropped_checks_table_anew(hosts: HostFactory, tmp_path: Path) -> None:
    folder = _saved(hosts, tmp_path)
    run("verify", cwd=folder)
    _sql(folder, "DROP TABLE checks")

    result = run("archive", "reindex", cwd=folder)

    assert "the database lacked its table 'checks': made anew" in result.stdout
    assert "earlier check results are lost" in result.stdout
    assert "rebuilt the index from 2 WARC files: 4 captures, 2 stored payloads" in result.stdout
    run("verify", "--offline", cwd=folder)
    run("verify", cwd=folder)


def test_a_database_without_its_captures_table_says_damaged_and_reindex_mends_it(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _saved(hosts, tmp_path)
    _sql(folder, "DROP TABLE captures")

    for command in (["verify"], ["verify", "--offline"], ["archive", "list"]):
        result = claimcheck(*command, cwd=folder)
        _fails(result, DATABASE, "is damaged", "no table 'captures'", REINDEX)
        assert "wait for other claimcheck runs" not in result.stderr

    reindexed = run("archive", "reindex", cwd=folder)

    assert "the database lacked its table 'captures': made anew" in reindexed.stdout
    assert "4 captures, 2 stored payloads" in reindexed.stdout
    listed = table(run("archive", "list", cwd=folder).stdout, "Archived sources")
    assert [row["snapshots"] for row in listed] == ["2", "2"]
    run("archive", "verify", cwd=folder)
    run("verify", cwd=folder)


# What a damaged record holds is printed harmless ------------------------------------------


def test_reindex_and_verify_show_a_damaged_records_control_characters_escaped(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = _saved(hosts, tmp_path)
    path = warc_files(folder)[0]
    data = path.read_bytes()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflater.decompress(data)
    first = len(data) - len(inflater.unused_data)
    hostile = b"GARBAGE\x1b]0;pwned-title\x07\x1b[2J\x00"
    path.write_bytes(data[:first] + hostile + data[first:])

    for command, code in ((["archive", "reindex"], 0), (["archive", "verify"], 1)):
        result = run(*command, cwd=folder, code=code)
        shown = result.stdout + result.stderr
        assert not {c for c in shown if ord(c) < 0x20 and c not in "\n\t"}, repr(shown)
        assert not {c for c in shown if 0x7F <= ord(c) < 0xA0}, repr(shown)
        assert "GARBAGE\\x1b]0;pwned-title" in shown, shown
        assert path.name in shown


# A digest or a URL is never broken over two lines ----------------------------------------


def test_archive_show_and_list_never_break_a_digest_or_a_url(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    body = html_document("Page", "<p>The text of the page.</p>").encode()
    # A long Content-Type leaves the digest little room in 120 columns.
    long_type = "text/html; charset=utf-8; " + "; ".join(f"param{n}=value{n}" for n in range(8))
    path = "/" + "/".join(f"section-{n}" for n in range(14)) + "/article.html"
    host.route(path, page(body, content_type=long_type))
    url = host.url(path)
    assert len(url) > 150
    folder = project(tmp_path, entry("key0", url))
    run("archive", "save", cwd=folder)

    shown = run("archive", "show", "key0", cwd=folder).stdout
    listed = run("archive", "list", cwd=folder).stdout

    digest = sha1_digest(body)
    assert any(digest in line for line in shown.splitlines()), shown
    assert any(url in line for line in shown.splitlines()), shown  # the title
    assert any(url in line for line in listed.splitlines()), listed
    assert "param7=value7" in shown  # the type wraps at spaces instead
