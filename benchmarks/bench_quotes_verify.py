"""Benchmark: `claimcheck verify` of the bundled example with quotes checked and without.

The example's 9 cited pages are served on loopback (one address per cited host, each page
about 50 kB of the paper's own prose with the quotes its claims make in it), the bibliography's
URLs pointed at them. Each round runs, in a fresh cache folder, a cold `verify` (every page
fetched and archived) and then a warm one (results reused from the cache, quotes searched in
the snapshots), once with the default settings and once with `--no-quotes`, in alternating
order. It prints the medians of wall time and CPU time (user + system) of each, and how much
slower checking quotes makes a run.

Settings differ from a user's in one way only: `probe_hosts = []`, so that no request leaves
this machine (the probes decide nothing when every source answers).
"""

from __future__ import annotations

import argparse
import http.server
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
PAGE_BYTES = 50_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the four runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-quotes-") as work, ExitStack() as stack:
        folder = Path(work)
        urls = cited_urls()
        pages = pages_for(urls)
        servers = {host: stack.enter_context(serve(pages[host], address)) for host, address in
                   zip(pages, addresses(len(pages)), strict=True)}  # fmt: skip
        write_project(folder, urls, servers)
        times: dict[str, list[tuple[float, float]]] = {}
        for round_number in range(args.rounds):
            order = ["quotes", "no-quotes"]
            if round_number % 2:
                order.reverse()
            for variant in order:
                cache = folder / f".claimcheck-{variant}-{round_number}"
                extra = ["--no-quotes"] if variant == "no-quotes" else []
                for phase in ("cold", "warm"):
                    times.setdefault(f"{variant} {phase}", []).append(
                        timed(folder, ["--cache-dir", str(cache), *extra])
                    )
                shutil.rmtree(cache)
    print(f"verify of the bundled example, 9 pages on loopback, {args.rounds} rounds (medians)")
    print(f"{'run':<18} {'wall s':>8} {'cpu s':>8}")
    medians = {}
    for name, samples in sorted(times.items()):
        wall = statistics.median(sample[0] for sample in samples)
        cpu = statistics.median(sample[1] for sample in samples)
        medians[name] = (wall, cpu)
        print(f"{name:<18} {wall:>8.3f} {cpu:>8.3f}")
    for phase in ("cold", "warm"):
        with_quotes, without = medians[f"quotes {phase}"], medians[f"no-quotes {phase}"]
        print(
            f"{phase}: quotes cost {100 * (with_quotes[0] / without[0] - 1):+.1f}% wall, "
            f"{100 * (with_quotes[1] / without[1] - 1):+.1f}% cpu (target: at most +10%)"
        )
    return 0


def cited_urls() -> dict[str, str]:
    """The bundled bibliography's URLs by key."""
    text = (REPO / "references.bib").read_text(encoding="utf-8")
    found = {}
    for entry in re.finditer(r"@\w+\{([^,]+),(.*?)\n\}", text, re.S):
        url = re.search(r"\burl\s*=\s*\{([^}]*)\}", entry.group(2))
        if url:
            found[entry.group(1).strip()] = url.group(1)
    return found


def pages_for(urls: dict[str, str]) -> dict[str, dict[str, bytes]]:
    """Per cited host, each cited path's page: the paper's prose with its quotes in it."""
    ledger = YAML(typ="safe").load((REPO / "claims.yaml").read_text(encoding="utf-8"))
    quotes: dict[str, list[str]] = {}
    for claim in ledger["claims"]:
        for item in claim["evidence"]:
            if item.get("quote"):
                quotes.setdefault(item["source"], []).append(item["quote"])
    prose = prose_paragraphs()
    pages: dict[str, dict[str, bytes]] = {}
    for key, url in urls.items():
        parts = urlsplit(url.replace("\\_", "_"))
        body, size, index = [], 0, 0
        for quote in quotes.get(key, []):
            body.append(f"<p>{prose[index % len(prose)]} {quote}.</p>")
            index += 1
        while size < PAGE_BYTES:
            paragraph = f"<p>{prose[index % len(prose)]}</p>"
            body.append(paragraph)
            size += len(paragraph.encode("utf-8"))
            index += 1
        html = f"<!doctype html><html><head><title>{key}</title></head><body>{''.join(body)}"
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        pages.setdefault(parts.hostname or "", {})[path] = (html + "</body></html>").encode()
    return pages


def prose_paragraphs() -> list[str]:
    seed = REPO.parent / "shared" / "seed" / "000_f48ab825ed929142.txt"
    text = seed.read_text(encoding="utf-8") if seed.exists() else "Soft power and visas. " * 500
    paragraphs = [p.strip() for p in text.split("\n") if len(p.strip()) > 200]
    return [p.replace("<", "&lt;") for p in paragraphs] or [text[:2000]]


def addresses(count: int) -> list[str]:
    return [f"127.0.{80 + index // 200}.{1 + index % 200}" for index in range(count)]


@contextmanager
def serve(pages: dict[str, bytes], address: str) -> Iterator[str]:
    """An HTTP server on ``address`` answering ``pages`` by path; yields its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b"<html><body>Not found</body></html>"
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            """Quiet: a client that closes its kept-alive connection is no error here."""

    server = Server((address, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{address}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def write_project(folder: Path, urls: dict[str, str], servers: dict[str, str]) -> None:
    """The bundled example in ``folder``, its URLs pointed at the loopback servers."""
    bib = (REPO / "references.bib").read_text(encoding="utf-8")
    for url in urls.values():
        parts = urlsplit(url.replace("\\_", "_"))
        base = servers[parts.hostname or ""]
        bib = bib.replace(url, base + url[url.index(parts.netloc) + len(parts.netloc) :])
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    shutil.copy(REPO / "claims.yaml", folder / "claims.yaml")
    (folder / "claimcheck.toml").write_text(
        "probe_hosts = []\nallow_private = true\n", encoding="utf-8"
    )


def timed(folder: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one `claimcheck verify` in ``folder``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "claimcheck", "verify", "--format", "json", *args],
        cwd=folder,
        capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr.decode())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


if __name__ == "__main__":
    sys.exit(main())
