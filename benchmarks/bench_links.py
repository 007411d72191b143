"""Benchmark: check N URLs served slowly on H loopback hosts; print time, CPU and memory figures."""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from claimcheck.check.cache import SqliteCache
from claimcheck.check.options import CheckOptions
from claimcheck.models import Source, SourceStatus
from claimcheck.pipeline import run_checks

SERVER = Path(__file__).with_name("loopback_server.py")
WALL_RATIO_TARGET = 1.3
RSS_TARGET_MB = 150.0
CPU_PER_URL_TARGET_MS = 1.0
CACHE_SECONDS_PER_URL = 1.0 / 2000


@dataclass(frozen=True)
class ServerStats:
    """Connections accepted and requests answered in all, and the most in flight at one host."""

    connections: int
    requests: int
    max_in_flight: int


class Servers:
    """The loopback servers, in a child process that ends with this context (or its limit)."""

    def __init__(self, hosts: int, latency_ms: float, time_limit: float):
        self._command = [
            sys.executable,
            str(SERVER),
            f"--hosts={hosts}",
            f"--latency-ms={latency_ms}",
            f"--time-limit={time_limit}",
        ]
        self._process: subprocess.Popen[str] | None = None
        self.hosts: list[tuple[str, int]] = []

    def __enter__(self) -> Servers:
        self._process = subprocess.Popen(
            self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.hosts = [(host, port) for host, port in self._read()["hosts"]]
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        process = self._child()
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stats(self) -> ServerStats:
        """What the servers saw since the last call."""
        stdin = self._child().stdin
        assert stdin is not None
        stdin.write("stats\n")
        stdin.flush()
        counts = self._read()
        return ServerStats(
            sum(counts["connections"]), sum(counts["requests"]), max(counts["max_in_flight"])
        )

    def _child(self) -> subprocess.Popen[str]:
        assert self._process is not None
        return self._process

    def _read(self) -> dict[str, Any]:
        stdout = self._child().stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"the loopback server exited ({self._child().poll()})")
        message: dict[str, Any] = json.loads(line)
        return message


@dataclass(frozen=True)
class Run:
    """One call of run_checks: wall and CPU seconds, and counts of its results (not kept)."""

    wall: float
    cpu: float
    alive: int
    alive_from_cache: int
    problems: str


def make_sources(urls: int, hosts: Sequence[tuple[str, int]]) -> list[Source]:
    """``urls`` URL sources with distinct paths, round-robin over ``hosts``."""
    sources = []
    for i in range(urls):
        host, port = hosts[i % len(hosts)]
        key = f"s{i}"
        sources.append(
            Source(key=key, keys=(key,), kind="url", url=f"http://{host}:{port}/page/{i}")
        )
    return sources


def timed(sources: Sequence[Source], options: CheckOptions, cache: SqliteCache | None) -> Run:
    """Run the checks once, timing wall clock and this process's CPU."""
    wall, cpu = time.perf_counter(), time.process_time()
    results = run_checks(sources, options, cache=cache).sources
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    alive = [result for result in results if result.status is SourceStatus.ALIVE]
    reasons = Counter(
        f"{result.status}/{result.reason}"
        for result in results
        if result.status is not SourceStatus.ALIVE
    )
    return Run(
        wall,
        cpu,
        alive=len(alive),
        alive_from_cache=sum(result.from_cache for result in alive),
        problems=", ".join(f"{reason} x{count}" for reason, count in reasons.most_common(3)),
    )


@dataclass(frozen=True)
class Figures:
    """The best network run, the cache runs, and what the servers saw of each phase."""

    best: Run
    network: ServerStats
    cold: tuple[Run, ServerStats] | None
    warm: tuple[Run, ServerStats] | None


def measure(args: argparse.Namespace) -> Figures:
    """Start the servers, run the checks, and stop the servers."""
    options = CheckOptions(
        allow_private=True,
        per_host=args.per_host,
        concurrency=args.concurrency,
        probe_hosts=(),
    )
    with Servers(args.hosts, args.latency_ms, args.time_limit) as servers:
        sources = make_sources(args.urls, servers.hosts)
        runs = [timed(sources, options, None) for _ in range(args.rounds)]
        best = min(runs, key=lambda run: run.wall)
        network = servers.stats()
        if args.no_cache_phase:
            return Figures(best, network, None, None)
        with (
            tempfile.TemporaryDirectory() as folder,
            SqliteCache(Path(folder) / "cache.sqlite3") as cache,
        ):
            cold = timed(sources, options, cache), servers.stats()
            warm = timed(sources, options, cache), servers.stats()
        return Figures(best, network, cold, warm)


def report(args: argparse.Namespace, figures: Figures) -> list[str]:
    """Print every figure; return the names of the targets missed."""
    n, best = args.urls, figures.best
    latency = args.latency_ms / 1000
    bound = math.ceil(n / (args.hosts * args.per_host)) * latency
    floor = math.ceil(n / min(args.hosts * args.per_host, args.concurrency)) * latency
    cpu_ms = best.cpu / n * 1000
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    not_alive = n - best.alive
    stats = [figures.network] + [phase[1] for phase in (figures.cold, figures.warm) if phase]
    in_flight = max(stat.max_in_flight for stat in stats)
    print(
        f"urls             {n:,} on {args.hosts} hosts, latency {args.latency_ms:g} ms, "
        f"per host {args.per_host}, concurrency {args.concurrency}"
    )
    if bound:
        ratio = best.wall / bound
        print(
            f"wall time        {best.wall:.2f} s (bound {bound:.2f} s, ratio {ratio:.2f}; "
            f"target <= {WALL_RATIO_TARGET} on the default run; best of {args.rounds})"
        )
    else:
        ratio = 0.0
        print(f"wall time        {best.wall:.2f} s (no bound at latency 0; best of {args.rounds})")
    print(f"floor            {floor:.2f} s at concurrency K (ceil(N / min(H * c, K)) * L)")
    print(f"urls/second      {n / best.wall:,.0f}")
    print(
        f"cpu per url      {cpu_ms:.2f} ms "
        f"(target <= {CPU_PER_URL_TARGET_MS:g} ms on the --large run)"
    )
    print(f"cpu time         {best.cpu:.2f} s (this process only)")
    print(f"peak RSS         {peak_mb:.0f} MB (target <= {RSS_TARGET_MB:g} MB)")
    print(f"not alive        {not_alive} (target 0) {best.problems}".rstrip())
    print(
        f"server saw       {figures.network.requests / args.rounds:,.0f} requests on "
        f"{figures.network.connections / args.rounds:,.0f} connections per run"
    )
    print(f"max in flight per host: {in_flight} (limit {args.per_host})")
    # The issue sets the wall-time target on the default run and the CPU target on the large
    # one (20,000 URLs over 200 hosts); both figures are printed for every run.
    missed = [
        name
        for name, ok in (
            ("wall time", args.large or ratio <= WALL_RATIO_TARGET),
            ("cpu per url", not args.large or cpu_ms <= CPU_PER_URL_TARGET_MS),
            ("peak RSS", peak_mb <= RSS_TARGET_MB),
            ("not alive", not_alive == 0),
            ("max in flight", in_flight <= args.per_host),
        )
        if not ok
    ]
    if figures.cold and figures.warm:
        (cold, cold_stats), (warm, warm_stats) = figures.cold, figures.warm
        target = n * CACHE_SECONDS_PER_URL
        cached = warm.alive_from_cache
        print(
            f"cache cold run   {cold.wall:.2f} s ({cold.alive:,} alive, recorded; "
            f"{cold_stats.requests:,} requests)"
        )
        print(
            f"cache warm run   {warm.wall:.2f} s ({cached:,} of {n:,} alive from cache, "
            f"{warm_stats.requests:,} requests; target < {target:.2f} s)"
        )
        if not (warm.wall < target and cached == n):
            missed.append("cache warm run")
    print(f"targets          {'missed: ' + ', '.join(missed) if missed else 'all met'}")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--urls", type=int, default=2000, help="how many URLs (N)")
    parser.add_argument("--hosts", type=int, default=20, help="how many loopback hosts (H)")
    parser.add_argument("--latency-ms", type=float, default=100.0, help="server latency (L)")
    parser.add_argument("--per-host", type=int, default=4, help="requests at once per host (c)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="requests at once in all (default H * c, so that only the per-host limit binds, "
        "as the polite bound assumes)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="best of this many first runs")
    parser.add_argument("--large", action="store_true", help="shortcut for N=20,000, H=200")
    parser.add_argument(
        "--no-cache-phase", action="store_true", help="skip the cold and warm cache runs"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=1200.0,
        help="seconds after which the servers exit even if this benchmark has not",
    )
    args = parser.parse_args()
    if args.large:
        args.urls, args.hosts = 20_000, 200
    if args.concurrency is None:
        args.concurrency = args.hosts * args.per_host
    for name in ("urls", "hosts", "per_host", "concurrency", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.latency_ms < 0:
        parser.error("--latency-ms must not be negative")
    return 1 if report(args, measure(args)) else 0


if __name__ == "__main__":
    sys.exit(main())
