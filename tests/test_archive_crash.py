"""A run killed at any moment, or two runs at once, leave the archive and its index consistent."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from claimcheck.archive.index import ArchiveIndex, Place
from claimcheck.archive.integrity import Integrity, check_archive
from claimcheck.archive.lock import LOCK_FILE, ProjectLock
from claimcheck.archive.prune import prune
from claimcheck.archive.store import ARCHIVE_FOLDER, LocalArchive
from claimcheck.archive.warc import Exchange
from claimcheck.project import CACHE_FILE
from tests.helpers import make_project
from tests.servers import (
    HTML,
    Handler,
    HostFactory,
    Request,
    Response,
    html_document,
    html_page,
    slow,
)
from tests.test_cli import claimcheck

SEED = 20241122
PAGES = 150
KILL_ROUNDS = 6
PRUNE_ROUNDS = 3
CACHE = ".claimcheck"
CONFIG = "allow_private = true\nprobe_hosts = []\nbackoff = 0.01\ntimeout = 10\n"
VERIFY = ("archive", "verify")
VERIFY_LOG = "verify.log"
BUSY = "the archive is in use: claimcheck archive save (pid {pid}, since "
CLAIMS = """version: 1
claims:
  - id: first-page
    text: The first page has a body.
    evidence:
      - source: page0
        quote: "Body of page 0"
"""


# Pages, projects and archives -------------------------------------------------------------


def _page(number: int) -> Handler:
    """Page ``number``: 3, 13, 23, ... are big and new each time; 7, 17, ... are all alike."""
    if number % 10 == 3:
        return _fresh_noise(f"Report {number}", random.Random(number))
    if number % 10 == 7:
        return html_page("Notice", "<p>The same notice is served at several addresses.</p>")
    return html_page(f"Page {number}", f"<p>Body of page {number}, unlike any other.</p>")


def _fresh_noise(title: str, rng: random.Random) -> Handler:
    """A ~200 KB HTML page of noise, different at each request: every run writes it anew."""

    def answer(request: Request) -> Response:
        noise = rng.randbytes(100_000).hex(" ", 8)
        document = html_document(title, f"<p>{noise}</p>")
        return Response(200, [("Content-Type", HTML)], document.encode())

    return answer


def _serve_pages(hosts: HostFactory, count: int, delay: float) -> list[str]:
    """Start a host answering ``count`` pages, each ``delay`` seconds late; their URLs."""
    (host,) = hosts(1)
    for number in range(count):
        host.route(f"/page/{number}", slow(_page(number), delay))
    return [host.url(f"/page/{number}") for number in range(count)]


def _project(folder: Path, urls: Sequence[str]) -> Path:
    """A project citing each of ``urls``, allowed to fetch loopback hosts."""
    bib = "".join(
        f"@online{{page{n},\n  title = {{Page {n}}},\n  url = {{{url}}},\n"
        "  urldate = {2025-01-01},\n}\n"
        for n, url in enumerate(urls)
    )
    folder.mkdir(parents=True, exist_ok=True)
    make_project(folder, bib=bib, claims=CLAIMS)
    (folder / "claimcheck.toml").write_text(CONFIG, encoding="utf-8")
    return folder


def _exchange(url: str, body: bytes, captured_at: datetime) -> Exchange:
    return Exchange(
        target=url,
        captured_at=captured_at,
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        headers=[("Content-Type", HTML)],
        request_headers=[("Host", urlsplit(url).netloc), ("User-Agent", "claimcheck-test")],
        body=body,
        truncated=False,
    )


def _archive_here(folder: Path, captures: Sequence[tuple[str, bytes]], when: datetime) -> None:
    """Archive ``captures`` (URL, body) in this process, as one `archive save` run would."""
    cache = folder / CACHE
    with ProjectLock(cache, "test"), closing(ArchiveIndex(cache / CACHE_FILE)) as index:
        archive = LocalArchive(cache / ARCHIVE_FOLDER, index)
        try:
            asyncio.run(_keep_all(archive, captures, when))
        finally:
            archive.close()


async def _keep_all(
    archive: LocalArchive, captures: Sequence[tuple[str, bytes]], when: datetime
) -> None:
    for url, body in captures:
        await archive.keep(url, _exchange(url, body, when))


def _generation(urls: Sequence[str], number: int) -> list[tuple[str, bytes]]:
    """One run's captures of ``urls``: a third of the pages change from run to run."""
    captures = []
    for place, url in enumerate(urls):
        changes = place % 3 == 0
        noise = random.Random(place * 1000 + number * changes).randbytes(2_000).hex(" ", 8)
        captures.append((url, f"<html><body><p>{url}</p><p>{noise}</p></body></html>".encode()))
    return captures


def _archived_project(folder: Path, urls: Sequence[str], generations: int = 1) -> Path:
    """A project citing ``urls`` whose archive already holds ``generations`` runs' captures."""
    _project(folder, urls)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=generations)
    for number in range(generations):
        _archive_here(folder, _generation(urls, number), start + timedelta(days=number))
    return folder


# Looking at the archive -------------------------------------------------------------------


@contextmanager
def _index(folder: Path) -> Iterator[ArchiveIndex]:
    with closing(ArchiveIndex(folder / CACHE / CACHE_FILE)) as index:
        yield index


def _integrity(folder: Path) -> Integrity:
    """What `archive verify` would find, read in this process."""
    with _index(folder) as index:
        return check_archive(folder / CACHE / ARCHIVE_FOLDER, index)


def _warc_files(folder: Path) -> dict[str, int]:
    """Each indexed WARC file with its committed length."""
    with _index(folder) as index:
        return index.files()


def _size(folder: Path, name: str) -> int:
    return (folder / CACHE / ARCHIVE_FOLDER / name).stat().st_size


def _read_back(path: Path, place: Place) -> tuple[str, str, list[str]]:
    """The type, ID and digest problems of the one record at ``place``, read with warcio."""
    with path.open("rb") as handle:
        handle.seek(place.offset)
        records = ArchiveIterator(handle, check_digests=True)
        record = next(iter(records))
        while record.content_stream().read(1 << 16):
            pass
        records.read_to_end(record)
        assert records.get_record_length() == place.length
        problems = [str(problem) for problem in record.digest_checker.problems]
        return record.rec_type, record.rec_headers.get_header("WARC-Record-ID"), problems


def _assert_every_capture_reads_back(folder: Path) -> int:
    """Read each indexed capture's records at their offsets; the number of captures."""
    archive = folder / CACHE / ARCHIVE_FOLDER
    with _index(folder) as index:
        captures = index.captures()
    for capture in captures:
        path = archive / capture.place.warc_file
        assert _read_back(path, capture.place) == (capture.record_type, capture.record_id, [])
        assert _read_back(path, capture.request)[::2] == ("request", [])
    return len(captures)


# Running claimcheck -----------------------------------------------------------------------


@contextmanager
def _started(
    folder: Path, *args: str, log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m claimcheck ARGS` running in ``folder``; killed and reaped on the way out."""
    with (log or Path(os.devnull)).open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "claimcheck", *args],
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def _killed_after(delay: float, process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL ``process`` ``delay`` seconds from now, unless it ends first; whether killed."""
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True
    return False


def _names_as_holder(folder: Path, process: subprocess.Popen[bytes]) -> bool:
    """Whether the project's lock file names ``process`` as the run holding it."""
    lock = folder / CACHE / LOCK_FILE
    return f"(pid {process.pid}," in (lock.read_text("utf-8") if lock.exists() else "")


def _holding_lock(folder: Path, process: subprocess.Popen[bytes]) -> None:
    """Wait until ``process`` holds the project's lock."""
    deadline = time.monotonic() + 30
    while not _names_as_holder(folder, process):
        assert process.poll() is None, f"exited with {process.returncode} before locking"
        assert time.monotonic() < deadline, "the run never took the lock"
        time.sleep(0.002)


def _lock_held(folder: Path, *args: str) -> float:
    """Run `claimcheck ARGS` to its end: the seconds it held the project's lock."""
    with _started(folder, *args) as process:
        _holding_lock(folder, process)
        began = time.monotonic()
        while _names_as_holder(folder, process) and process.poll() is None:
            time.sleep(0.002)
        held = time.monotonic() - began
        assert process.wait(timeout=60) == 0
    return held


def _passes(result: subprocess.CompletedProcess[str], context: str = "") -> str:
    """The output of a run that must have exited 0."""
    assert result.returncode == 0, f"{context}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _spread(rng: random.Random, duration: float, rounds: int) -> list[float]:
    """One random moment in each of ``rounds`` equal slices of ``duration``, shuffled."""
    moments = [round((slot + rng.random()) * duration / rounds, 3) for slot in range(rounds)]
    rng.shuffle(moments)
    return moments


def _held(handler: Handler, gate: threading.Event) -> Handler:
    """``handler``'s answer once ``gate`` is open (or 9 s have passed)."""

    def answer(request: Request) -> Response | None:
        gate.wait(9)
        return handler(request)

    return answer


class Verifier:
    """Runs `claimcheck archive verify` on copies of a project, beside what the test does next.

    A copy taken after a killed run holds exactly what the kill left, so the check of it
    can go on while the next run (which repairs the project itself) has already started.
    """

    def __init__(self, scratch: Path, stack: ExitStack):
        self._scratch = scratch
        self._stack = stack
        self._runs: list[tuple[Path, subprocess.Popen[bytes]]] = []
        self._numbers = itertools.count()

    def copy(self, folder: Path) -> Path:
        """A copy of the project in ``folder`` as it is now."""
        return shutil.copytree(folder, self._scratch / f"copy-{next(self._numbers)}")

    def start(self, folder: Path) -> None:
        """Start `archive verify` in ``folder``, its output going to a file there."""
        log = folder / VERIFY_LOG
        self._runs.append((folder, self._stack.enter_context(_started(folder, *VERIFY, log=log))))

    def results(self) -> list[tuple[int, str]]:
        """Wait for every verify started: its exit code and output, in the order started."""
        return [
            (process.wait(timeout=60), (folder / VERIFY_LOG).read_text("utf-8"))
            for folder, process in self._runs
        ]


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[Verifier]:
    """Background `archive verify` runs on copies under ``tmp_path``, all reaped at teardown."""
    with ExitStack() as stack:
        yield Verifier(tmp_path / "copies", stack)


def _cut_short(verified: str, captures_before: int) -> tuple[bool, int]:
    """From `archive verify`'s output: whether a run was cut short, and the captures now.

    Cut short: it left torn bytes or a stray file, or committed only part of its captures.
    """
    captures = int(re.findall(r", (\d+) captures, ", verified)[-1])
    left_behind = any(
        note in verified
        for note in ("uncommitted bytes", "is not in the index", "left unfinished by")
    )
    return left_behind or 0 < captures - captures_before < PAGES, captures


# SIGKILL during `archive save` ------------------------------------------------------------


def test_archive_survives_sigkill_at_random_moments(
    hosts: HostFactory, tmp_path: Path, verifier: Verifier
) -> None:
    folder = _project(tmp_path / "project", _serve_pages(hosts, PAGES, 0.02))
    duration = _lock_held(folder, "archive", "save")
    delays = _spread(random.Random(SEED), duration, KILL_ROUNDS)
    context = (
        f"seed {SEED}: a run held the lock {duration:.2f} s; killed {delays} s after it locked"
    )
    print(context)
    killed = []
    for delay in delays:
        with _started(folder, "archive", "save") as process:
            _holding_lock(folder, process)
            killed.append(_killed_after(delay, process))
        verifier.start(verifier.copy(folder))

    captures, interrupted = PAGES, []
    for delay, was_killed, (code, output) in zip(delays, killed, verifier.results(), strict=True):
        assert code == 0, f"{context}; after the kill at {delay} s:\n{output}"
        cut_short, captures = _cut_short(output, captures)
        interrupted.append(was_killed and cut_short)
    assert any(interrupted), f"{context}; no kill landed mid-run"

    _passes(claimcheck("archive", "save", cwd=folder), context)
    _passes(claimcheck(*VERIFY, cwd=folder), context)
    assert _assert_every_capture_reads_back(folder) >= 2 * PAGES
    assert {name: _size(folder, name) for name in _warc_files(folder)} == _warc_files(folder)
    assert _integrity(folder).unknown_files == ()


# What an interrupted run leaves, put right by the next ------------------------------------


def test_torn_tail_is_cut_by_the_next_run(
    hosts: HostFactory, tmp_path: Path, verifier: Verifier
) -> None:
    folder = _archived_project(tmp_path / "project", _serve_pages(hosts, 3, 0))
    ((name, committed),) = _warc_files(folder).items()
    member = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" + b"x" * 4000)
    half_member = member[: len(member) // 2]
    with (folder / CACHE / ARCHIVE_FOLDER / name).open("ab") as handle:
        handle.write(half_member)

    verifier.start(verifier.copy(folder))
    _passes(claimcheck("archive", "save", cwd=folder))
    ((code, noted),) = verifier.results()
    assert code == 0, noted
    assert (
        f"note: {name} ends in {len(half_member)} uncommitted bytes (an interrupted run)" in noted
    )
    assert _size(folder, name) == committed == _warc_files(folder)[name]
    found = _integrity(folder)
    assert (found.problems, found.uncommitted, found.captures) == ((), {}, 6)


def test_unknown_warc_file_left_by_a_killed_run_is_kept_by_the_next_run(
    hosts: HostFactory, tmp_path: Path, verifier: Verifier
) -> None:
    folder = _archived_project(tmp_path / "project", _serve_pages(hosts, 3, 0))
    ((name, committed),) = _warc_files(folder).items()
    archive = folder / CACHE / ARCHIVE_FOLDER
    stray = archive / "claimcheck-20250101T000000Z-0badf00d.warc.gz"
    half = (archive / name).read_bytes()[: committed // 2]
    stray.write_bytes(half)

    verifier.start(verifier.copy(folder))
    _passes(claimcheck("archive", "save", cwd=folder))
    ((code, noted),) = verifier.results()
    assert code == 0, noted
    assert f"note: {stray.name} is not in the index" in noted
    assert stray.read_bytes() == half
    found = _integrity(folder)
    assert (found.problems, found.unknown_files, found.captures) == ((), (stray.name,), 6)


@pytest.mark.parametrize("written", [b"", b"\x1f\x8b"], ids=["empty", "torn-warcinfo"])
def test_a_new_warc_file_killed_before_its_warcinfo_is_noted_then_deleted(
    hosts: HostFactory, tmp_path: Path, verifier: Verifier, written: bytes
) -> None:
    folder = _archived_project(tmp_path / "project", _serve_pages(hosts, 3, 0))
    name = "claimcheck-20250101T000000Z-0badf00d.warc.gz"
    with _index(folder) as index:
        index.retire(name)  # as a run does before it creates the file
    (folder / CACHE / ARCHIVE_FOLDER / name).write_bytes(written)

    verifier.start(verifier.copy(folder))
    _passes(claimcheck("archive", "save", cwd=folder))
    ((code, noted),) = verifier.results()

    assert code == 0, noted
    assert f"note: {name} was left unfinished by an interrupted run" in noted
    assert not (folder / CACHE / ARCHIVE_FOLDER / name).exists()
    found = _integrity(folder)
    assert (found.problems, found.unknown_files, found.unfinished_files) == ((), (), ())


def test_corrupted_record_fails_archive_verify(tmp_path: Path, verifier: Verifier) -> None:
    urls = [f"http://127.0.0.1:9/page/{n}" for n in range(4)]
    folder = _archived_project(tmp_path / "project", urls)
    with _index(folder) as index:
        place = max((capture.place for capture in index.captures()), key=lambda p: p.length)
    flipped = verifier.copy(folder)
    path = flipped / CACHE / ARCHIVE_FOLDER / place.warc_file
    data = bytearray(path.read_bytes())
    data[place.offset + place.length // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    missing = verifier.copy(folder)
    (missing / CACHE / ARCHIVE_FOLDER / place.warc_file).unlink()

    verifier.start(flipped)
    verifier.start(missing)
    (flipped_code, flipped_output), (missing_code, missing_output) = verifier.results()
    assert flipped_code == 1, flipped_output
    assert f"{place.warc_file}:{place.offset}: " in flipped_output
    assert missing_code == 1, missing_output
    assert f"{place.warc_file}: the file is missing" in missing_output


# Two runs at once -------------------------------------------------------------------------


def test_second_run_while_the_first_holds_the_lock_is_refused_clearly(
    hosts: HostFactory, tmp_path: Path, verifier: Verifier
) -> None:
    (host,) = hosts(1)
    gate = threading.Event()
    host.route("/page/0", _held(html_page("Held back"), gate))
    host.route("/page/1", html_page("Quick"))
    folder = _project(tmp_path / "project", [host.url("/page/0"), host.url("/page/1")])
    try:
        with _started(folder, "archive", "save") as first:
            _holding_lock(folder, first)
            with ThreadPoolExecutor(2) as pool:
                refused = list(
                    pool.map(
                        lambda args: claimcheck(*args, cwd=folder),
                        [("archive", "save"), ("archive", "prune", "--keep", "1")],
                    )
                )
            gate.set()
            assert first.wait(timeout=60) == 0
    finally:
        gate.set()

    for result in refused:
        assert result.returncode == 2, result.stdout + result.stderr
        assert BUSY.format(pid=first.pid) in result.stderr
        assert "hint: wait for that run to finish, then run again" in result.stderr
        assert "Traceback" not in result.stderr
    assert (folder / CACHE / LOCK_FILE).read_text("utf-8") == ""
    verifier.start(verifier.copy(folder))
    _passes(claimcheck("archive", "save", cwd=folder))
    ((code, output),) = verifier.results()
    assert code == 0, output
    assert ", 2 captures, " in output
    assert _integrity(folder).captures == 4


def test_two_verify_runs_at_once_do_not_corrupt_the_archive(
    hosts: HostFactory, tmp_path: Path
) -> None:
    urls = _serve_pages(hosts, 12, 0.1)
    folder = _project(tmp_path / "project", urls)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: claimcheck("verify", cwd=folder), range(2)))

    assert sorted(run.returncode for run in runs) in ([0, 0], [0, 2]), runs
    for run in runs:
        if run.returncode == 2:
            assert "error: .claimcheck/lock: the archive is in use: " in run.stderr
            assert "Traceback" not in run.stderr
    _passes(claimcheck(*VERIFY, cwd=folder))
    with _index(folder) as index:
        assert set(index.summaries()) == set(urls)


# SIGKILL during `archive prune` -----------------------------------------------------------


def _prune_here(folder: Path) -> float:
    """Prune to one capture per URL in this process, as the command does; the time it took."""
    cache = folder / CACHE
    began = time.monotonic()
    with ProjectLock(cache, "test"), closing(ArchiveIndex(cache / CACHE_FILE)) as index:
        archive = LocalArchive(cache / ARCHIVE_FOLDER, index)
        prune(archive.folder, index, 1, datetime.now(UTC))
        archive.close()
    return time.monotonic() - began


def test_sigkill_during_prune_leaves_a_consistent_archive(
    tmp_path: Path, verifier: Verifier
) -> None:
    urls = [f"http://127.0.0.1:9/page/{n}" for n in range(60)]
    folder = _archived_project(tmp_path / "project", urls, generations=3)
    duration = _prune_here(shutil.copytree(folder, tmp_path / "trial"))
    delays = _spread(random.Random(SEED), duration, PRUNE_ROUNDS)
    context = f"seed {SEED}: a prune took {duration:.3f} s; killed {delays} s after it locked"
    print(context)

    for number, delay in enumerate(delays, start=3):
        when = datetime.now(UTC) + timedelta(days=number)
        _archive_here(folder, _generation(urls, number), when)
        with _started(folder, "archive", "prune", "--keep", "1") as process:
            _holding_lock(folder, process)
            _killed_after(delay, process)
        verifier.start(verifier.copy(folder))

    _passes(claimcheck("archive", "prune", "--keep", "1", cwd=folder), context)
    for delay, (code, output) in zip(delays, verifier.results(), strict=True):
        assert code == 0, f"{context}; after the kill at {delay} s:\n{output}"
    found = _integrity(folder)
    assert found.problems == (), context
    assert (found.captures, found.uncommitted, found.unknown_files) == (len(urls), {}, ())
    assert _assert_every_capture_reads_back(folder) == len(urls)
