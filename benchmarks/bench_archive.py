"""Benchmark: what archiving costs a check of N realistic pages: time, CPU, disk, verify time."""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from claimcheck.archive.index import ArchiveIndex
from claimcheck.archive.integrity import check_archive
from claimcheck.archive.store import LocalArchive
from claimcheck.check.options import CheckOptions
from claimcheck.models import Source, SourceStatus
from claimcheck.pipeline import run_checks

_WORDS = [
    "visa",
    "waiver",
    "policy",
    "travel",
    "china",
    "korea",
    "tourism",
    "business",
    "days",
    "entry",
    "ministry",
    "announced",
    "citizens",
    "ordinary",
    "passport",
    "holders",
    "trial",
    "extended",
    "reciprocal",
    "measures",
    "economic",
    "exchange",
]


def page(number: int, size: int) -> bytes:
    """An HTML page of about ``size`` bytes: paragraphs of words, a script and a style."""
    rng = random.Random(number)
    paragraphs = []
    total = 0
    while total < size:
        text = " ".join(rng.choice(_WORDS) for _ in range(60))
        paragraphs.append(f"<p>{text}.</p>")
        total += len(text) + 8
    return (
        f"<!doctype html><html><head><title>Page {number}</title>"
        "<style>body{font-family:serif}</style><script>var x = 1;</script></head>"
        f"<body><h1>Page {number}</h1>{''.join(paragraphs)}</body></html>"
    ).encode()


class _Pages(BaseHTTPRequestHandler):
    size = 60_000

    def do_GET(self) -> None:
        number = self.path.rsplit("/", 1)[-1]
        if not number.isdigit():
            self.send_error(404)
            return
        body = page(int(number), self.size)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def serve(size: int) -> None:
    """Serve pages on a free loopback port; print the port; stop when stdin closes."""
    _Pages.size = size
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


@dataclass(frozen=True)
class Run:
    """One timed run."""

    wall: float
    cpu: float
    alive: int


def timed(sources: Sequence[Source], archive: LocalArchive | None) -> Run:
    """Check (and archive) every source once, timing wall clock and this process's CPU."""
    options = CheckOptions(allow_private=True, per_host=8, concurrency=8, probe_hosts=())
    wall, cpu = time.perf_counter(), time.process_time()
    results = run_checks(sources, options, archive=archive).sources
    if archive is not None:
        archive.commit()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Run(wall, cpu, sum(r.status is SourceStatus.ALIVE for r in results))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=500, help="how many pages (N)")
    parser.add_argument("--size", type=int, default=60_000, help="bytes of HTML per page")
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    command = [sys.executable, __file__, f"--serve={args.size}"]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stdin is not None
        port = int(child.stdout.readline())
        sources = [
            Source(key=f"s{i}", keys=(f"s{i}",), kind="url", url=f"http://127.0.0.1:{port}/p/{i}")
            for i in range(args.pages)
        ]
        plain = timed(sources, None)
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            with closing(ArchiveIndex(root / "claimcheck.sqlite3")) as index:
                archive = LocalArchive(root / "archive", index)
                first = timed(sources, archive)
                after_first = _bytes(root)
                again = timed(sources, archive)
                archive.close()
                after_second = _bytes(root)
                started = time.perf_counter()
                found = check_archive(root / "archive", index)
                verify_seconds = time.perf_counter() - started
        child.stdin.close()
    n = args.pages
    html_mb = n * len(page(0, args.size)) / 1e6
    print(f"{n} pages of {len(page(0, args.size)):,} bytes of HTML ({html_mb:.1f} MB), one host")
    for label, run in (
        ("check only", plain),
        ("check + archive", first),
        ("unchanged, again", again),
    ):
        print(
            f"  {label:<17} {run.wall:6.2f} s wall, {run.cpu / n * 1000:6.2f} ms CPU per page, "
            f"{run.alive} alive"
        )
    print(f"  archive cost       {(first.cpu - plain.cpu) / n * 1000:6.2f} ms CPU per new page")
    print(
        f"  on disk            {after_first / 1e6:6.2f} MB after the first run "
        f"({after_first / n / 1000:.1f} kB per page: WARC gzip + compressed text + index)"
    )
    print(f"  second run adds    {(after_second - after_first) / 1e3:6.1f} kB (revisit records)")
    print(
        f"  archive verify     {verify_seconds:6.2f} s for {found.records} records, ok={found.ok}"
    )
    return 0


def _bytes(root: Path) -> int:
    """The WARC files and the database, its write-ahead log left out (SQLite reuses it)."""
    files = [*root.glob("archive/*.warc.gz"), root / "claimcheck.sqlite3"]
    return sum(path.stat().st_size for path in files)


if __name__ == "__main__":
    sys.exit(main())
