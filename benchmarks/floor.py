"""What no link checker written on claimcheck's stack can beat, for bench_links.py to print.

Two floors, measured on the benchmark's own servers and project:

- the network: every request `claimcheck verify` sends (each host's pages and its one request
  for a path that cannot exist, the soft-404 baseline) sent by a client that does nothing but
  write each request and read its answer's bytes, the same number at a time per host, each
  on a kept-alive connection;
- the start-up: a Python process that imports the libraries claimcheck has imported when it
  sends its first request (the design card's typer, rich, pydantic, httpx, bibtexparser, and
  h11, ruamel.yaml, warcio, uvloop) and reads the project's references.bib with bibtexparser:
  what must happen before any URL is known, without one line of claimcheck.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

# The libraries a `claimcheck verify` process has imported when it sends its first request.
LIBRARIES = ("typer", "rich.console", "pydantic", "httpx", "h11", "ruamel.yaml", "warcio")
_STARTUP = (
    "import {libraries}\n"
    "try:\n"
    "    import uvloop\n"
    "except ImportError:\n"
    "    pass\n"
    "import bibtexparser\n"
    "with open('references.bib', encoding='utf-8') as bib:\n"
    "    bibtexparser.parse_string(bib.read())\n"
)
_NONSENSE = "/claimcheck-floor-path-that-cannot-exist"


def network_span(urls: int, hosts: list[tuple[str, int]], per_host: int) -> float:
    """Seconds to send every request of the benchmark's run and read every answer."""
    return asyncio.run(_network(urls, hosts, per_host))


async def _network(urls: int, hosts: list[tuple[str, int]], per_host: int) -> float:
    lanes = []
    for index, (host, port) in enumerate(hosts):
        paths = [f"/page/{i}" for i in range(index, urls, len(hosts))] + [_NONSENSE]
        lanes += [
            _lane(host, port, paths[lane::per_host]) for lane in range(per_host) if paths[lane:]
        ]
    started = time.perf_counter()
    await asyncio.gather(*lanes)
    return time.perf_counter() - started


async def _lane(host: str, port: int, paths: list[str]) -> None:
    """One connection asking for ``paths`` one after the other."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for path in paths:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
    finally:
        writer.close()
        await writer.wait_closed()


def startup_seconds(folder: Path, environment: dict[str, str], runs: int = 5) -> float:
    """Median wall time of a process importing the libraries and reading the bibliography."""
    code = _STARTUP.format(libraries=", ".join(LIBRARIES))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=folder, env=environment, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)
