"""Slow HTTP/1.1 servers on many loopback addresses, one event loop, for bench_links.py.

Prints one JSON line ``{"hosts": [[address, port], ...]}`` once every host listens. Then each
``stats`` line read from stdin is answered with one JSON line, ``{"connections": [...],
"requests": [...], "max_in_flight": [...]}`` (one number per host, counted since the previous
``stats``). The process exits when stdin closes (its parent is gone) or after ``--time-limit``
seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import ipaddress
import json
import sys

_BODY = (
    "<!doctype html><html><head><title>Benchmark page {path}</title></head>"
    "<body><h1>Benchmark page</h1><p>{path}</p></body></html>"
)
_HEAD = (
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Length: {length}\r\n"
    "Connection: {connection}\r\n"
    "\r\n"
)


class Counters:
    """Per host: connections accepted, requests answered, in flight now, most ever in flight."""

    def __init__(self, hosts: int):
        self.connections = [0] * hosts
        self.requests = [0] * hosts
        self.in_flight = [0] * hosts
        self.peak = [0] * hosts

    def enter(self, host: int) -> None:
        """A request to ``host`` has arrived."""
        self.in_flight[host] += 1
        self.peak[host] = max(self.peak[host], self.in_flight[host])

    def leave(self, host: int) -> None:
        """A request to ``host`` has been answered."""
        self.in_flight[host] -= 1
        self.requests[host] += 1

    def report(self) -> str:
        """The counts since the last report, as one JSON line; the counts start again."""
        line = json.dumps(
            {
                "connections": self.connections,
                "requests": self.requests,
                "max_in_flight": self.peak,
            }
        )
        self.connections = [0] * len(self.connections)
        self.requests = [0] * len(self.requests)
        self.peak = list(self.in_flight)
        return line


def loopback_addresses(count: int) -> list[str]:
    """``count`` distinct addresses 127.0.1.1, 127.0.1.2, ..., skipping .0 and .255."""
    base = int(ipaddress.IPv4Address("127.0.1.0"))
    return [str(ipaddress.IPv4Address(base + 256 * (i // 254) + 1 + i % 254)) for i in range(count)]


def _response(path: str, keep_alive: bool) -> bytes:
    body = _BODY.format(path=path).encode()
    connection = "keep-alive" if keep_alive else "close"
    return _HEAD.format(length=len(body), connection=connection).encode() + body


async def _serve(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    host: int,
    latency: float,
    counters: Counters,
) -> None:
    """Answer each request of one connection with 200 after ``latency`` seconds."""
    counters.connections[host] += 1
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3:
                return
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:] if line)
            }
            length = int(headers.get("content-length", "0") or "0")
            if length:
                await reader.readexactly(length)
            keep_alive = parts[2] == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
            counters.enter(host)
            try:
                await asyncio.sleep(latency)
            finally:
                counters.leave(host)
            writer.write(_response(parts[1], keep_alive))
            await writer.drain()
            if not keep_alive:
                return
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
        return
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def _commands(counters: Counters) -> None:
    """Answer ``stats`` lines from stdin until it closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if line.strip() == b"stats":
            print(counters.report(), flush=True)


async def serve(hosts: int, latency: float, time_limit: float) -> None:
    """Listen on ``hosts`` loopback addresses until stdin closes or ``time_limit`` passes."""
    counters = Counters(hosts)
    servers: list[asyncio.Server] = []
    bound: list[tuple[str, int]] = []
    for index, address in enumerate(loopback_addresses(hosts)):
        handle = functools.partial(_serve, host=index, latency=latency, counters=counters)
        server = await asyncio.start_server(handle, address, 0, backlog=1024)
        servers.append(server)
        bound.append((address, server.sockets[0].getsockname()[1]))
    print(json.dumps({"hosts": bound}), flush=True)
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(time_limit):
                await _commands(counters)
    finally:
        for server in servers:
            server.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=20, help="how many loopback addresses")
    parser.add_argument("--latency-ms", type=float, default=100.0, help="delay of each answer")
    parser.add_argument("--time-limit", type=float, default=1200.0, help="exit after this long")
    args = parser.parse_args()
    asyncio.run(serve(args.hosts, args.latency_ms / 1000, args.time_limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
