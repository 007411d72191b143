"""Shared helpers of the link-checker tests: sources, fast options, and loopback odd ends."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from claimcheck.check.faults import LookupFailed, NameNotFound
from claimcheck.check.options import CheckOptions
from claimcheck.check.resolver import Resolver
from claimcheck.models import NoteCode, Source
from claimcheck.pipeline import CheckRun, run_checks
from tests.servers import Host, Request

# The path claimcheck asks each site for once, to see what it shows for a page that does
# not exist (check/baseline.py).
BASELINE_PATH = re.compile(r"/claimcheck-[0-9a-f]{16}-missing")

# Short deadlines and backoff: every test ends in a second or two, even the failing ones.
FAST: dict[str, Any] = {
    "allow_private": True,
    "backoff": 0.01,
    "connect_timeout": 2,
    "read_timeout": 2,
    "timeout": 5,
    "probe_hosts": (),
}


def source(url: str, key: str = "k") -> Source:
    """A cited URL."""
    return Source(key=key, keys=(key,), kind="url", url=url)


def doi_source(doi: str, key: str = "k") -> Source:
    """A cited DOI."""
    return Source(key=key, keys=(key,), kind="doi", url=f"https://doi.org/{doi}", doi=doi)


def options(**overrides: Any) -> CheckOptions:
    """The fast options, with ``overrides``."""
    return CheckOptions(**(FAST | overrides))


def run(sources: list[Source], resolver: Resolver | None = None, **overrides: Any) -> CheckRun:
    """Check ``sources`` with the fast options and ``overrides``."""
    return run_checks(sources, options(**overrides), resolver=resolver)


def check(url: str, resolver: Resolver | None = None, **overrides: Any) -> Source:
    """Check one URL with the fast options and ``overrides``; its result."""
    return run([source(url)], resolver, **overrides).sources[0]


def note_codes(result: Source) -> list[NoteCode]:
    """The codes of the notes on ``result``."""
    return [note.code for note in result.notes]


def closed_port(address: str) -> int:
    """A port on ``address`` that nothing listens on (it was bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        port: int = probe.getsockname()[1]
    return port


@contextlib.contextmanager
def full_backlog(address: str) -> Iterator[int]:
    """A listening port that never accepts and whose backlog is full: connecting hangs.

    Linux drops a SYN when the accept queue is full, so the client waits for its timeout.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((address, 0))
        listener.listen(0)
        port: int = listener.getsockname()[1]
        fillers = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(3)]
        try:
            for filler in fillers:
                filler.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    filler.connect((address, port))
            yield port
        finally:
            for filler in fillers:
                filler.close()


@dataclass
class CountingResolver:
    """Maps names to loopback addresses and counts look-ups (one per connection attempt).

    Names it does not know fail as NXDOMAIN does.
    """

    names: dict[str, str] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    async def resolve(self, host: str, port: int) -> list[str]:
        """The mapped address of ``host``, or NameNotFound."""
        self.lookups.append(host)
        if host in self.names:
            return [self.names[host]]
        raise NameNotFound(f"{host}: Name or service not known")


def page_requests(host: Host) -> list[Request]:
    """The requests ``host`` received for pages, leaving out the one for a nonsense path."""
    return [request for request in host.requests if not BASELINE_PATH.fullmatch(request.path)]


def baseline_requests(host: Host) -> list[Request]:
    """The requests ``host`` received for a path that cannot exist."""
    return [request for request in host.requests if BASELINE_PATH.fullmatch(request.path)]


def request_gaps(host: Host, path: str) -> list[float]:
    """Seconds between consecutive requests for ``path`` on ``host``."""
    times = [request.time for request in host.hits(path)]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


@dataclass
class ScriptedResolver:
    """A resolver whose answers are scripted per name, counting lookups and their overlap.

    ``names`` maps a name to a loopback address; ``script`` maps a name to what each lookup
    of it does in turn: ``"hang"`` (no answer, as a resolver that drops the query),
    ``"again"`` (a temporary failure, EAI_AGAIN), ``"nxdomain"`` or ``"answer"``. The last
    step repeats. Names in neither fail as NXDOMAIN does. ``delay`` seconds pass before any
    answer, so that concurrent lookups overlap.
    """

    names: dict[str, str] = field(default_factory=dict)
    script: dict[str, list[str]] = field(default_factory=dict)
    delay: float = 0.0
    lookups: list[str] = field(default_factory=list)
    busy: int = 0
    most_busy: int = 0

    async def resolve(self, host: str, port: int) -> list[str]:
        """What the script says for this lookup of ``host``."""
        steps = self.script.get(host, ["answer"])
        step = steps[min(self.lookups.count(host), len(steps) - 1)]
        self.lookups.append(host)
        self.busy += 1
        self.most_busy = max(self.most_busy, self.busy)
        try:
            await asyncio.sleep(self.delay)
            if step == "hang":
                await asyncio.Event().wait()
            if step == "again":
                raise LookupFailed(f"{host}: Temporary failure in name resolution")
            if step == "answer" and host in self.names:
                return [self.names[host]]
            raise NameNotFound(f"{host}: Name or service not known")
        finally:
            self.busy -= 1
