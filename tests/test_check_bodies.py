"""Bodies past the spool threshold are read into temporary files, closed when done with."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from claimcheck.archive import store
from claimcheck.archive.index import ArchiveIndex
from claimcheck.archive.store import LocalArchive
from claimcheck.archive.text import ExtractedText
from claimcheck.archive.warc import payload_digest
from claimcheck.check.client import make_client
from claimcheck.check.faults import Failure
from claimcheck.check.fetch import Fetcher, Outcome
from claimcheck.check.html import PageText
from claimcheck.check.resolver import RunResolver, SystemResolver
from claimcheck.models import SourceStatus
from claimcheck.pipeline import run_checks
from claimcheck.spool import SPOOL_THRESHOLD
from tests.checking import options, source
from tests.servers import HostFactory, Response, html_document, page, slow
from tests.test_spool import temporary_files

LARGE = SPOOL_THRESHOLD * 2 + 123


def large_page(title: str, size: int = LARGE, extra_head: str = "") -> bytes:
    """An HTML page of about ``size`` bytes."""
    filler = "<p>" + "words of the page " * (size // 18) + "</p>"
    return html_document(title, filler, extra_head=extra_head).encode()


async def fetched(url: str, *, want_body: bool = True, **overrides: Any) -> Outcome:
    """One fetch of ``url`` with the fast options, keeping the body when ``want_body``."""
    checking = options(**overrides)
    resolver = RunResolver(SystemResolver())
    async with (
        make_client(checking, resolver) as client,
        make_client(checking, resolver, verify=False) as insecure,
    ):
        return await Fetcher(checking, client, insecure, want_body=want_body).fetch(url)


def test_a_body_past_the_threshold_is_read_into_a_temporary_file(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    body = bytes(range(256)) * (LARGE // 256)
    host.route("/report.bin", page(body, content_type="application/octet-stream"))
    before = temporary_files()
    answer = asyncio.run(fetched(host.url("/report.bin"))).answer
    assert answer is not None
    assert answer.body is not None
    assert answer.body.in_file
    assert (answer.size, answer.body.read()) == (len(body), body)
    assert temporary_files() == before + 1
    answer.body.close()
    assert temporary_files() == before


def test_a_body_within_the_threshold_is_kept_in_memory(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    host.route("/news", page(html_document("Visa-free travel")))
    answer = asyncio.run(fetched(host.url("/news"))).answer
    assert answer is not None
    assert answer.body is not None
    assert not answer.body.in_file
    assert answer.body.read() == html_document("Visa-free travel").encode()


def test_a_large_page_checked_without_its_body_leaves_no_temporary_file(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    body = large_page("A long report")
    host.route("/long", page(body))
    before = temporary_files()
    answer = asyncio.run(fetched(host.url("/long"), want_body=False)).answer
    assert answer is not None
    assert answer.page is not None
    assert (answer.body, answer.page.title, answer.size) == (None, "A long report", len(body))
    assert temporary_files() == before


def test_the_body_of_a_page_refreshing_to_another_is_closed(hosts: HostFactory) -> None:
    (host,) = hosts(1)
    refresh = '<meta http-equiv="refresh" content="0; url=/final">'
    host.route("/first", page(large_page("Moved", extra_head=refresh)))
    host.route("/final", page(large_page("The final page")))
    before = temporary_files()
    answer = asyncio.run(fetched(host.url("/first"))).answer
    assert answer is not None
    assert answer.body is not None
    assert answer.url == host.url("/final")
    assert temporary_files() == before + 1
    answer.body.close()
    assert temporary_files() == before


def test_a_body_cut_off_by_the_total_deadline_leaves_no_temporary_file(
    hosts: HostFactory,
) -> None:
    (host,) = hosts(1)
    first = b"x" * LARGE
    host.route(
        "/stalls",
        lambda request: Response(
            200,
            [("Content-Type", "application/octet-stream")],
            chunks=itertools.chain([first], itertools.repeat(b".")),
            drip=0.3,
        ),
    )
    before = temporary_files()
    outcome = asyncio.run(fetched(host.url("/stalls"), timeout=1))
    assert outcome.failure is Failure.TOTAL_TIMEOUT
    assert temporary_files() == before


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[LocalArchive]:
    """A fresh local archive, closed afterwards."""
    with closing(ArchiveIndex(tmp_path / "claimcheck.sqlite3")) as index:
        kept = LocalArchive(tmp_path / "archive", index)
        yield kept
        kept.close()


def warc_bodies(folder: Path) -> dict[str, bytes]:
    """Each response record's payload by target URI, every digest checked by warcio."""
    found = {}
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                if record.rec_type == "response":
                    found[record.rec_headers.get_header("WARC-Target-URI")] = (
                        record.content_stream().read()
                    )
    return found


def test_eight_large_bodies_at_once_are_archived_whole_a_few_at_a_time(
    hosts: HostFactory, archive: LocalArchive, monkeypatch: pytest.MonkeyPatch
) -> None:
    (host,) = hosts(1)
    bodies = {f"/report/{n}": f"report {n}: ".encode() * (3 * 1024 * 1024 // 11) for n in range(8)}
    for path, body in bodies.items():
        host.route(path, slow(page(body, content_type="text/plain; charset=utf-8"), 0.2))
    extracting, most = 0, 0
    lock = threading.Lock()
    extract = store.extract_text

    def counted(body: bytes, content_type: str | None, known: PageText | None) -> ExtractedText:
        nonlocal extracting, most
        with lock:
            extracting += 1
            most = max(most, extracting)
        time.sleep(0.05)
        try:
            return extract(body, content_type, known)
        finally:
            with lock:
                extracting -= 1

    monkeypatch.setattr(store, "extract_text", counted)
    before = temporary_files()
    sources = [source(host.url(path), key=f"r{n}") for n, path in enumerate(bodies)]
    results = run_checks(sources, options(per_host=8), archive=archive).sources
    archive.close()
    assert [result.status for result in results] == [SourceStatus.ALIVE] * 8
    assert host.max_in_flight == 8
    for result, body in zip(results, bodies.values(), strict=True):
        assert result.snapshot is not None
        assert result.snapshot.payload_digest == payload_digest(body)
        assert result.snapshot.text_chars == len(body)
    assert warc_bodies(archive.folder) == {host.url(p): b for p, b in bodies.items()}
    assert 1 <= most <= 2
    assert temporary_files() == before


def test_a_large_body_cut_at_the_cap_is_archived_cut_from_its_temporary_file(
    hosts: HostFactory, archive: LocalArchive
) -> None:
    (host,) = hosts(1)
    body = large_page("A long report", size=3 * LARGE)
    host.route("/long", page(body))
    results = run_checks(
        [source(host.url("/long"))], options(max_body=2 * LARGE), archive=archive
    ).sources
    archive.close()
    snapshot = results[0].snapshot
    assert snapshot is not None
    assert snapshot.truncated
    assert warc_bodies(archive.folder) == {host.url("/long"): body[: 2 * LARGE]}
