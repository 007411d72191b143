"""Tell a dead domain from a machine without network: probe a few well-known hosts."""

from __future__ import annotations

import asyncio
from typing import Protocol

from claimcheck.check.faults import Fault


class Reacher(Protocol):
    """Connects the way every request of the run does: guarded, and through a proxy if set."""

    async def reach(self, host: str, port: int, timeout: float | None) -> None:
        """Return once ``host:port`` accepts a connection (through a proxy: a CONNECT
        tunnel to it), or raise a fault saying why not."""
        ...


async def network_is_up(probe_hosts: tuple[str, ...], timeout: float, opener: Reacher) -> bool:
    """Whether any of ``host:port`` resolves and accepts a connection within ``timeout`` s.

    The connections go through ``opener``, the run's own connector, so that the address guard
    holds for the probes too and a proxy, where one is set, is asked to reach the probe host
    (a connection to the proxy alone would prove nothing). No probe hosts means the network
    is taken to be up.
    """
    if not probe_hosts:
        return True
    attempts = [asyncio.create_task(_connects(target, timeout, opener)) for target in probe_hosts]
    try:
        for attempt in asyncio.as_completed(attempts):
            if await attempt:
                return True
        return False
    finally:
        for attempt in attempts:
            attempt.cancel()
        await asyncio.gather(*attempts, return_exceptions=True)


def probe_target(target: str) -> tuple[str, int]:
    """``host:port`` (or ``[v6]:port``, or a bare host meaning port 443) as host and port."""
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit() or (host.count(":") and not host.endswith("]")):
        return target.strip("[]"), 443
    return host.strip("[]"), int(port)


async def _connects(target: str, timeout: float, opener: Reacher) -> bool:
    host, port = probe_target(target)
    if not 0 < port < 65536:
        return False
    try:
        await opener.reach(host, port, timeout)
    except (Fault, OSError, TimeoutError, ValueError):
        return False
    return True
