"""Benchmark: the whole `claimcheck verify` process, at its defaults, on N URLs of H slow hosts.

A project (references.bib with N @online entries on H loopback hosts, a minimal claims.yaml)
is written to a temporary folder, and `python -m claimcheck verify --allow-private` runs there
twice as a child process: cold (every URL fetched and archived) and warm (from the cache).
Each run's wall time, CPU time (user + sys) and peak RSS are the child's own (os.wait4).
Before them, the floors of floor.py are measured on the same servers and project: the same
requests sent by a client that only reads bytes, and the start-up of a process that imports
the libraries and parses the bibliography, without claimcheck's code.

claimcheck runs as `pip install .` leaves it, with its modules byte-compiled: before measuring,
the package is compiled (`compileall`) and the child runs without PYTHONDONTWRITEBYTECODE, so a
development checkout that never wrote bytecode is not charged for compiling it on every run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from floor import network_span, startup_seconds

import claimcheck
from claimcheck.check.options import CheckOptions

SERVER = Path(__file__).with_name("loopback_server.py")
WALL_RATIO_TARGET = 1.2
RSS_TARGET_MB = 150.0
CPU_PER_URL_TARGET_MS = 1.0
WARM_TARGET_SECONDS = 1.0
# Loopback addresses are private: claimcheck skips them unless told to check them. The flag
# changes what is checked, not how fast; every setting that does is left at its default.
COMMAND = [sys.executable, "-m", "claimcheck", "verify", "--allow-private"]
CLAIMS = "version: 1\nclaims: []\n"
ENTRY = """@online{{s{i},
  author  = {{{{Benchmark}}}},
  title   = {{Benchmark page {i}}},
  date    = {{2024}},
  url     = {{http://{host}:{port}/page/{i}}},
  urldate = {{2025-01-01}},
}}
"""
_SUMMARY = re.compile(r"; sources: ([^\n]*)")
_COUNT = re.compile(r"(\d+) ([a-z]+)")


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
        assert process.stdout is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()

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
class Floor:
    """What no checker on this stack can beat here (floor.py): the network, the start-up."""

    network: float
    startup: float


@dataclass(frozen=True)
class Run:
    """One `claimcheck verify` process: its exit code, wall and CPU seconds, peak RSS, output."""

    exit_code: int
    wall: float
    cpu: float
    peak_mb: float
    statuses: dict[str, int]
    stderr: str
    server: ServerStats


def write_project(folder: Path, urls: int, hosts: list[tuple[str, int]]) -> None:
    """references.bib citing ``urls`` distinct pages round-robin over ``hosts``; claims.yaml."""
    entries = []
    for i in range(urls):
        host, port = hosts[i % len(hosts)]
        entries.append(ENTRY.format(i=i, host=host, port=port))
    (folder / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")


def child_environment() -> dict[str, str]:
    """This environment, byte-compiled as an installed package is; claimcheck compiled now."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    package = Path(claimcheck.__file__).parent
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)], env=environment, check=True
    )
    return environment


def verify(folder: Path, servers: Servers, time_limit: float, environment: dict[str, str]) -> Run:
    """Run `claimcheck verify` in ``folder`` once; measure it as the kernel accounted it."""
    with (
        (folder / "stdout.txt").open("w+b") as stdout,
        (folder / "stderr.txt").open("w+b") as stderr,
    ):
        started = time.perf_counter()
        process = subprocess.Popen(
            COMMAND, cwd=folder, env=environment, stdout=stdout, stderr=stderr
        )
        killer = threading.Timer(time_limit, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        output = stdout.read().decode("utf-8", "replace")
        errors = stderr.read().decode("utf-8", "replace")
    summary = _SUMMARY.search(output)
    statuses = {name: int(count) for count, name in _COUNT.findall(summary[1] if summary else "")}
    return Run(
        exit_code=process.returncode,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        statuses=statuses,
        stderr=errors.strip(),
        server=servers.stats(),
    )


def measure(args: argparse.Namespace) -> tuple[Run, Run, Floor]:
    """Start the servers, measure the floors, run verify cold then warm in a fresh project,
    stop the servers."""
    with (
        Servers(args.hosts, args.latency_ms, args.time_limit) as servers,
        tempfile.TemporaryDirectory(prefix="bench-links-") as name,
    ):
        folder = Path(name)
        write_project(folder, args.urls, servers.hosts)
        environment = child_environment()
        network = network_span(args.urls, servers.hosts, CheckOptions().per_host)
        servers.stats()  # the floor's requests are not the verify runs'
        floor = Floor(network, startup_seconds(folder, environment))
        cold = verify(folder, servers, args.time_limit, environment)
        warm = verify(folder, servers, args.time_limit, environment)
    return cold, warm, floor


def report(args: argparse.Namespace, cold: Run, warm: Run, floor: Floor) -> list[str]:
    """Print every figure; return the names of the targets missed."""
    n, per_host = args.urls, CheckOptions().per_host
    latency = args.latency_ms / 1000
    bound = math.ceil(n / (args.hosts * per_host)) * latency
    ratio = cold.wall / bound if bound else 0.0
    cpu_ms = cold.cpu / n * 1000
    print(f"command          {' '.join(['python', *COMMAND[1:]])} (every setting at its default;")
    print("                 --allow-private only lets it reach the loopback servers)")
    print(
        f"urls             {n:,} on {args.hosts} hosts, latency {args.latency_ms:g} ms, "
        f"per-host limit {per_host} (the default)"
    )
    for label, run in (("cold run", cold), ("warm run", warm)):
        statuses = ", ".join(f"{count:,} {name}" for name, count in run.statuses.items())
        print(
            f"{label:<16} {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, {run.peak_mb:.0f} MB peak "
            f"RSS, exit {run.exit_code}, sources: {statuses or 'none reported'}"
        )
        print(
            f"{'':<16} server saw {run.server.requests:,} requests on "
            f"{run.server.connections:,} connections, at most {run.server.max_in_flight} "
            "in flight at one host"
        )
        if run.stderr:
            print(f"{'':<16} stderr: {run.stderr[:500]}")
    if bound:
        print(
            f"polite bound     {bound:.2f} s = ceil(N / (H * c)) * L; cold wall / bound "
            f"{ratio:.2f} (target <= {WALL_RATIO_TARGET} on the default run)"
        )
    if bound:
        together = floor.network + floor.startup
        print(
            f"floor            network {floor.network:.2f} s ({floor.network / bound:.2f} of the "
            f"bound): the same requests ({per_host} at a time per host, each host's pages and"
        )
        print(f"{'':<16} its soft-404 baseline request) by a client that only reads the bytes")
        print(
            f"{'':<16} start-up {floor.startup:.2f} s: importing the libraries claimcheck has "
            "imported at its first"
        )
        print(f"{'':<16} request and parsing references.bib with bibtexparser")
        print(
            f"{'':<16} together {together:.2f} s ({together / bound:.2f} of the bound) before "
            f"any claimcheck code; verify took {cold.wall - together:.2f} s more"
        )
    print(f"urls/second      {n / cold.wall:,.0f} (cold run, start-up included)")
    print(
        f"cpu per url      {cpu_ms:.2f} ms (cold run; target <= {CPU_PER_URL_TARGET_MS:g} ms "
        "on the --large run)"
    )
    peak_mb = max(cold.peak_mb, warm.peak_mb)
    print(f"peak RSS         {peak_mb:.0f} MB (either run; target <= {RSS_TARGET_MB:g} MB)")
    print(
        f"warm rerun       {warm.wall:.2f} s (target < {WARM_TARGET_SECONDS:g} s on the default "
        "run, no request)"
    )
    alive = cold.statuses.get("alive", 0)
    in_flight = max(cold.server.max_in_flight, warm.server.max_in_flight)
    # The issue sets the wall-time and warm-rerun targets on the default run and the CPU
    # target on the large one (20,000 URLs over 200 hosts); every figure is printed for both.
    missed = [
        name
        for name, ok in (
            ("wall time", args.large or (bound > 0 and ratio <= WALL_RATIO_TARGET)),
            ("cpu per url", not args.large or cpu_ms <= CPU_PER_URL_TARGET_MS),
            ("peak RSS", peak_mb <= RSS_TARGET_MB),
            ("warm rerun", args.large or warm.wall < WARM_TARGET_SECONDS),
            ("warm rerun requests", warm.server.requests == 0),
            ("alive", alive == n and warm.statuses.get("alive", 0) == n),
            ("exit codes", cold.exit_code == 0 and warm.exit_code == 0),
            ("max in flight", in_flight <= per_host),
        )
        if not ok
    ]
    print(f"targets          {'missed: ' + ', '.join(missed) if missed else 'all met'}")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--urls", type=int, default=2000, help="how many URLs (N)")
    parser.add_argument("--hosts", type=int, default=20, help="how many loopback hosts (H)")
    parser.add_argument("--latency-ms", type=float, default=100.0, help="server latency (L)")
    parser.add_argument("--large", action="store_true", help="shortcut for N=20,000, H=200")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=600.0,
        help="seconds after which the servers and a verify run are stopped",
    )
    args = parser.parse_args()
    if args.large:
        args.urls, args.hosts = 20_000, 200
    if args.urls < 1 or args.hosts < 1:
        parser.error("--urls and --hosts must be at least 1")
    if args.latency_ms < 0:
        parser.error("--latency-ms must not be negative")
    return 1 if report(args, *measure(args)) else 0


if __name__ == "__main__":
    sys.exit(main())
