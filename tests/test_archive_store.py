"""The local archive: WARC records that replay in warcio, an index to find them, prune, export."""

from __future__ import annotations

import asyncio
import gzip
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from claimcheck.archive.export import export_capture
from claimcheck.archive.index import ArchiveIndex
from claimcheck.archive.integrity import check_archive
from claimcheck.archive.lock import ProjectLock
from claimcheck.archive.prune import prune
from claimcheck.archive.recall import best_copy, from_last_checks, with_archive
from claimcheck.archive.store import LocalArchive
from claimcheck.archive.warc import Exchange, payload_digest
from claimcheck.check.cache import SqliteCache
from claimcheck.errors import ArchiveError, BusyError, StateError
from claimcheck.models import Memento, Reason, Snapshot, Source, SourceStatus

T0 = datetime(2024, 11, 22, 9, 30, tzinfo=UTC)
PAGE = (
    "<html><head><title>Visa waiver</title></head><body><p>Visa-free for 15 days.</p></body></html>"
)


def exchange(
    url: str = "https://news.example/visa",
    body: bytes = PAGE.encode(),
    at: datetime = T0,
    status: int = 200,
    truncated: bool = False,
    content_type: str = "text/html; charset=utf-8",
    cut_short: bool = False,
) -> Exchange:
    """One GET and its answer, as the pipeline hands it to the archive."""
    return Exchange(
        target=url,
        captured_at=at,
        http_version="HTTP/1.1",
        status=status,
        reason="OK" if status == 200 else "Not Found",
        headers=[("Content-Type", content_type), ("Content-Encoding", "gzip")],
        request_headers=[("Host", "news.example"), ("User-Agent", "claimcheck-test")],
        body=body,
        truncated=truncated,
        cut_short=cut_short,
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Path, ArchiveIndex]]:
    """An archive folder and its index, closed afterwards."""
    index = ArchiveIndex(tmp_path / "claimcheck.sqlite3")
    yield tmp_path / "archive", index
    index.close()


def keep(archive: LocalArchive, *exchanges: Exchange, cited: str | None = None) -> list[Snapshot]:
    """Archive each exchange as a capture of its own URL (or of ``cited``), and commit."""

    async def all_of() -> list[Snapshot]:
        return [await archive.keep(cited or item.target, item) for item in exchanges]

    snapshots = asyncio.run(all_of())
    archive.commit()
    return snapshots


def archived(project: tuple[Path, ArchiveIndex], *exchanges: Exchange) -> tuple[Path, ArchiveIndex]:
    """The project's archive after keeping ``exchanges`` in one run."""
    folder, index = project
    archive = LocalArchive(folder, index)
    keep(archive, *exchanges)
    archive.close()
    return folder, index


def records(folder: Path) -> list[dict[str, object]]:
    """Every record of every WARC file, read back by warcio with its digests checked."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                body = record.content_stream().read()
                headers = record.rec_headers
                found.append(
                    {
                        "type": record.rec_type,
                        "id": headers.get_header("WARC-Record-ID"),
                        "uri": headers.get_header("WARC-Target-URI"),
                        "concurrent": headers.get_header("WARC-Concurrent-To"),
                        "truncated": headers.get_header("WARC-Truncated"),
                        "profile": headers.get_header("WARC-Profile"),
                        "refers": headers.get_header("WARC-Refers-To-Target-URI"),
                        "http": record.http_headers,
                        "body": body,
                    }
                )
    return found


def test_capture_replays_in_warcio_with_every_digest_checked(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, _index = archived(project, exchange())
    found = records(folder)
    assert [r["type"] for r in found] == ["warcinfo", "response", "request"]
    response, request = found[1], found[2]
    assert response["body"] == PAGE.encode()
    assert response["uri"] == "https://news.example/visa"
    assert request["concurrent"] == response["id"]
    request_line = (request["http"].protocol, request["http"].statusline)  # type: ignore[union-attr]
    assert request_line == ("GET", "/visa HTTP/1.1")
    assert response["http"].get_statuscode() == "200"  # type: ignore[union-attr]


def test_stored_headers_describe_the_decoded_body_and_keep_the_wire_ones_renamed(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, _index = archived(project, exchange())
    http = records(folder)[1]["http"]
    assert http.get_header("Content-Encoding") is None  # type: ignore[union-attr]
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"  # type: ignore[union-attr]
    assert http.get_header("Content-Length") == str(len(PAGE.encode()))  # type: ignore[union-attr]


def test_identical_payload_is_written_once_then_as_revisits(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = project
    archive = LocalArchive(folder, index)
    later = T0 + timedelta(days=1)
    keep(archive, exchange(), exchange(at=later), exchange("https://mirror.example/visa", at=later))
    archive.close()
    found = [r for r in records(folder) if r["type"] in {"response", "revisit"}]
    assert [r["type"] for r in found] == ["response", "revisit", "revisit"]
    assert found[1]["profile"] == "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"
    assert found[2]["refers"] == "https://news.example/visa"
    assert [c.record_type for c in index.captures()] == ["response", "revisit", "revisit"]
    assert len(list(index.payloads())) == 1


def test_body_cut_short_by_the_connection_is_marked_warc_truncated_disconnect(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = project
    archive = LocalArchive(folder, index)
    keep(archive, exchange(body=b"<p>China ext", truncated=True, cut_short=True))
    archive.close()
    assert records(folder)[1]["truncated"] == "disconnect"


def test_body_cut_by_the_cap_is_marked_warc_truncated(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = project
    archive = LocalArchive(folder, index)
    (snapshot,) = keep(archive, exchange(body=b"<p>" + b"x" * 1000, truncated=True))
    archive.close()
    assert records(folder)[1]["truncated"] == "length"
    assert snapshot.truncated
    assert index.captures()[0].truncated


def test_index_maps_url_time_status_type_digest_file_offset_and_length(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = archived(project, exchange(status=404, body=b"gone"))
    (capture,) = index.captures("https://news.example/visa")
    assert (capture.captured_at, capture.http_status) == (T0, 404)
    assert capture.content_type == "text/html; charset=utf-8"
    assert capture.payload_digest == payload_digest(b"gone")
    path = folder / capture.place.warc_file
    with path.open("rb") as stream:
        stream.seek(capture.place.offset)
        member = stream.read(capture.place.length)
    assert b"WARC-Type: response" in gzip.decompress(member)


def test_text_is_stored_once_per_payload_and_reported_on_the_snapshot(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = project
    archive = LocalArchive(folder, index)
    first, second = keep(archive, exchange(), exchange(at=T0 + timedelta(hours=1)))
    archive.close()
    payload = index.payload(first.payload_digest, with_text=True)
    assert payload is not None
    assert payload.text is not None
    assert "Visa-free for 15 days." in payload.text
    assert first.text_chars == second.text_chars == len(payload.text)


def test_newest_snapshot_and_newest_alive_one_are_told_apart(
    project: tuple[Path, ArchiveIndex],
) -> None:
    _folder, index = archived(
        project, exchange(), exchange(at=T0 + timedelta(days=30), status=404, body=b"gone")
    )
    url = "https://news.example/visa"
    newest, alive = index.snapshot(url), index.snapshot(url, alive_only=True)
    assert newest is not None
    assert newest.http_status == 404
    assert alive is not None
    assert (alive.http_status, alive.captured_at) == (200, T0)


def test_snapshots_and_mementos_of_many_urls_are_each_urls_own(
    project: tuple[Path, ArchiveIndex],
) -> None:
    visa, mirror = "https://news.example/visa", "https://mirror.example/visa"
    _folder, index = archived(
        project,
        exchange(visa),
        exchange(visa, at=T0 + timedelta(days=30), status=404, body=b"gone"),
        exchange(mirror, at=T0 + timedelta(days=1)),
    )
    index.record_memento(visa, memento(T0 + timedelta(days=2)), T0)
    index.record_memento(visa, memento(T0), T0)
    # Past the first query's 500 URLs, and with URLs the archive never saw.
    urls = [f"https://other.example/{n}" for n in range(700)] + [visa, mirror]
    assert index.snapshots(urls) == {visa: index.snapshot(visa), mirror: index.snapshot(mirror)}
    assert index.mementos_of(urls) == {visa: index.mementos(visa)}


def test_archive_verify_passes_on_a_sound_archive(project: tuple[Path, ArchiveIndex]) -> None:
    folder, index = archived(
        project, exchange(), exchange(at=T0 + timedelta(days=1)), exchange("https://b.example/")
    )
    found = check_archive(folder, index)
    assert found.ok, found.problems
    assert (found.files, found.records, found.captures, found.payloads) == (1, 7, 3, 1)


def test_archive_verify_finds_a_flipped_byte(project: tuple[Path, ArchiveIndex]) -> None:
    folder, index = archived(project, exchange())
    capture = index.captures()[0]
    path = folder / capture.place.warc_file
    data = bytearray(path.read_bytes())
    data[capture.place.offset + capture.place.length // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    found = check_archive(folder, index)
    assert not found.ok
    assert any(p.where.startswith(capture.place.warc_file) for p in found.problems)


def test_archive_verify_finds_an_index_row_pointing_at_another_record(
    project: tuple[Path, ArchiveIndex], tmp_path: Path
) -> None:
    folder, index = archived(
        project, exchange(), exchange("https://b.example/", body=b"other page")
    )
    first, second = index.captures()
    with sqlite3.connect(tmp_path / "claimcheck.sqlite3") as db:
        db.execute(
            "UPDATE captures SET offset = ?, length = ? WHERE id = ?",
            (second.place.offset, second.place.length, first.id),
        )
    db.close()
    messages = [p.message for p in check_archive(folder, index).problems]
    assert "the record is of https://b.example/" in messages
    assert "the payload digest differs from the index" in messages


def test_archive_verify_reports_a_missing_file(project: tuple[Path, ArchiveIndex]) -> None:
    folder, index = archived(project, exchange())
    (path,) = folder.glob("*.warc.gz")
    path.unlink()
    found = check_archive(folder, index)
    assert next(p.message for p in found.problems) == "the file is missing"


def test_torn_tail_is_ignored_by_verify_and_cut_by_the_next_archive(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = archived(project, exchange())
    (path,) = folder.glob("*.warc.gz")
    committed = path.stat().st_size
    with path.open("ab") as stream:
        stream.write(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n")[:20])
    found = check_archive(folder, index)
    assert found.ok
    assert found.uncommitted == {path.name: 20}
    reopened = LocalArchive(folder, index)
    assert reopened.repair.torn_bytes == {path.name: 20}
    reopened.close()
    assert path.stat().st_size == committed


def test_a_file_the_index_never_knew_is_left_alone_by_the_next_archive(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = project
    folder.mkdir(parents=True)
    stray = folder / "claimcheck-20240101T000000Z-00000000.warc.gz"
    stray.write_bytes(b"half a warcinfo")
    assert check_archive(folder, index).unknown_files == (stray.name,)
    archive = LocalArchive(folder, index)
    archive.close()
    assert stray.read_bytes() == b"half a warcinfo"
    assert archive.repair.unknown_files == (stray.name,)


def test_a_file_a_killed_run_began_but_never_indexed_is_deleted_by_the_next_archive(
    project: tuple[Path, ArchiveIndex],
) -> None:
    """Killed between naming its new file and indexing it: the file is no stray of another's."""
    folder, index = project
    folder.mkdir(parents=True)
    begun = folder / "claimcheck-20240101T000000Z-00000000.warc.gz"
    index.retire(begun.name)
    begun.write_bytes(b"half a warcinfo")

    archive = LocalArchive(folder, index)
    keep(archive, exchange())
    archive.close()

    assert not begun.exists()
    assert archive.repair.unfinished_files == (begun.name,)
    assert "deleted claimcheck-20240101T000000Z-00000000.warc.gz" in archive.repair.describe()
    found = check_archive(folder, index)
    assert (found.ok, found.unknown_files) == (True, ())


def test_a_new_file_once_indexed_is_no_longer_one_to_delete(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = archived(project, exchange())
    (path,) = folder.glob("*.warc.gz")

    assert index.retired() == []
    LocalArchive(folder, index).close()
    assert path.exists()


def test_a_begun_file_that_is_a_symbolic_link_is_refused(
    project: tuple[Path, ArchiveIndex], tmp_path: Path
) -> None:
    folder, index = project
    folder.mkdir(parents=True)
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    begun = folder / "claimcheck-20240101T000000Z-00000000.warc.gz"
    begun.symlink_to(target)
    index.retire(begun.name)

    with pytest.raises(StateError):
        LocalArchive(folder, index)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_uncommitted_captures_are_not_in_the_index(project: tuple[Path, ArchiveIndex]) -> None:
    folder, index = project
    archive = LocalArchive(folder, index)
    asyncio.run(archive.keep("https://news.example/visa", exchange()))
    assert index.captures() == []
    archive.close()
    assert len(index.captures()) == 1


def test_prune_keeps_the_newest_captures_and_the_payloads_their_revisits_need(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = project
    archive = LocalArchive(folder, index)
    days = [T0 + timedelta(days=n) for n in range(4)]
    keep(archive, *(exchange(at=day) for day in days[:3]))
    keep(archive, exchange(at=days[3], body=b"<p>changed</p>"))
    archive.close()
    pruned = prune(folder, index, keep=2, now=days[3])
    assert (pruned.dropped, pruned.kept) == (2, 2)
    assert pruned.bytes_after < pruned.bytes_before
    kept = index.captures()
    assert [(c.captured_at, c.record_type) for c in kept] == [
        (days[2], "revisit"),
        (days[3], "response"),
    ]
    assert check_archive(folder, index).ok
    assert len(list(folder.glob("*.warc.gz"))) == 1
    original = index.payload(kept[0].payload_digest)
    assert original is not None
    assert sum(1 for r in records(folder) if r["type"] == "response") == 2


def test_prune_with_nothing_to_drop_changes_nothing(project: tuple[Path, ArchiveIndex]) -> None:
    folder, index = archived(project, exchange())
    before = {p.name: p.read_bytes() for p in folder.glob("*.warc.gz")}
    pruned = prune(folder, index, keep=1, now=T0)
    assert pruned.dropped == 0
    assert {p.name: p.read_bytes() for p in folder.glob("*.warc.gz")} == before


def test_export_writes_body_text_and_facts(
    project: tuple[Path, ArchiveIndex], tmp_path: Path
) -> None:
    folder, index = archived(project, exchange(), exchange(at=T0 + timedelta(days=1)))
    revisit = index.captures()[1]
    written = export_capture(folder, index, revisit, tmp_path / "out")
    body, text, facts = written
    assert body.name == "news.example_visa-20241123T093000Z.html"
    assert body.read_bytes() == PAGE.encode()
    assert "Visa-free for 15 days." in text.read_text(encoding="utf-8")
    about = json.loads(facts.read_text(encoding="utf-8"))
    assert about["record_type"] == "revisit"
    assert about["payload_digest"] == payload_digest(PAGE.encode())


def dead(url: str = "https://news.example/visa") -> Source:
    """A source found dead."""
    return Source(
        key="k", keys=("k",), kind="url", url=url, status=SourceStatus.DEAD, reason=Reason.NOT_FOUND
    )


def memento(at: datetime) -> Memento:
    """A Wayback memento of the page, taken at ``at``."""
    stamp = f"{at:%Y%m%d%H%M%S}"
    return Memento(
        url=f"https://web.archive.org/web/{stamp}/https://news.example/visa",
        captured_at=at,
        original="https://news.example/visa",
        http_status=200,
        via="cdx",
    )


def test_dead_source_is_rescued_by_its_newest_alive_local_snapshot(
    project: tuple[Path, ArchiveIndex],
) -> None:
    _folder, index = archived(
        project, exchange(), exchange(at=T0 + timedelta(days=9), status=404, body=b"gone")
    )
    (source,) = with_archive([dead()], index)
    assert source.rescue is not None
    assert (source.rescue.kind, source.rescue.captured_at) == ("local", T0)
    assert source.snapshot is not None
    assert source.snapshot.http_status == 404


def test_a_newer_wayback_memento_is_the_better_rescue(
    project: tuple[Path, ArchiveIndex],
) -> None:
    _folder, index = archived(project, exchange())
    index.record_memento("https://news.example/visa", memento(T0 + timedelta(days=2)), T0)
    copy = best_copy(dead(), index)
    assert copy is not None
    assert copy.kind == "wayback"
    assert copy.url.startswith("https://web.archive.org/web/20241124")


def test_on_the_same_day_the_citable_wayback_memento_wins(
    project: tuple[Path, ArchiveIndex],
) -> None:
    _folder, index = archived(project, exchange(at=T0 + timedelta(hours=5)))
    index.record_memento("https://news.example/visa", memento(T0), T0)
    copy = best_copy(dead(), index)
    assert copy is not None
    assert copy.kind == "wayback"


def test_alive_source_gets_no_rescue(project: tuple[Path, ArchiveIndex]) -> None:
    _folder, index = archived(project, exchange())
    alive = dead().model_copy(update={"status": SourceStatus.ALIVE, "reason": Reason.OK})
    (source,) = with_archive([alive], index)
    assert source.rescue is None
    assert source.snapshot is not None


def test_offline_statuses_come_from_the_last_check_and_unknown_ones_stay_unchecked(
    tmp_path: Path,
) -> None:
    checked = dead().model_copy(update={"checked_at": T0, "detail": "HTTP 404"})
    with SqliteCache(tmp_path / "cache.sqlite3") as cache:
        cache.record([checked, checked.model_copy(update={"checked_at": T0 + timedelta(days=1)})])
        fresh = Source(key="k", keys=("k",), kind="url", url="https://news.example/visa")
        never = Source(key="n", keys=("n",), kind="url", url="https://never.example/")
        recalled, unknown = from_last_checks([fresh, never], cache, T0 + timedelta(days=5))
    assert (recalled.status, recalled.from_cache) == (SourceStatus.DEAD, True)
    assert recalled.checked_at == T0 + timedelta(days=1)
    assert recalled.failing_checks == 2
    assert (unknown.status, unknown.reason) == (SourceStatus.UNCHECKED, Reason.NEVER_CHECKED)


def test_second_holder_of_the_project_lock_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    refused = pytest.raises(BusyError, match=r"claimcheck archive save \(pid \d+, since ")
    with ProjectLock(tmp_path, "archive save"), refused, ProjectLock(tmp_path, "verify"):
        pass
    with ProjectLock(tmp_path, "verify"):
        pass


def test_warcio_command_line_checks_every_digest_and_indexes_records_where_the_index_says(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = archived(
        project, exchange(), exchange(at=T0 + timedelta(days=1)), exchange("https://b.example/")
    )
    (path,) = folder.glob("*.warc.gz")
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 5
    assert check.stdout.count("digest present but not checked (revisit)") == 2
    assert "fail" not in check.stdout.lower()
    listed = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "index", "-f", "warc-type,offset,length", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    places = {(int(row["offset"]), int(row["length"])): row["warc-type"] for row in rows}
    for capture in index.captures():
        assert places[(capture.place.offset, capture.place.length)] == capture.record_type
        assert places[(capture.request.offset, capture.request.length)] == "request"


def test_prune_of_a_damaged_archive_is_refused_and_changes_nothing(
    project: tuple[Path, ArchiveIndex],
) -> None:
    folder, index = archived(
        project, exchange(), exchange(at=T0 + timedelta(days=1), body=b"<p>changed</p>")
    )
    (path,) = folder.glob("*.warc.gz")
    path.write_bytes(path.read_bytes()[:400])
    before = index.captures()
    with pytest.raises(ArchiveError, match="cannot copy the records to keep"):
        prune(folder, index, keep=1, now=T0)
    assert index.captures() == before
    assert list(folder.glob("*.warc.gz")) == [path]


def test_export_from_a_missing_file_names_the_record_and_suggests_verify(
    project: tuple[Path, ArchiveIndex], tmp_path: Path
) -> None:
    folder, index = archived(project, exchange())
    (path,) = folder.glob("*.warc.gz")
    path.unlink()
    with pytest.raises(ArchiveError, match=rf"cannot read the record at {path.name}:") as caught:
        export_capture(folder, index, index.captures()[0], tmp_path / "out")
    assert caught.value.hint is not None
    assert "archive verify" in caught.value.hint
