"""Tell a dead domain from a machine without network: probe a few well-known hosts."""

from __future__ import annotations

import asyncio
import contextlib

from claimcheck.check.client import NameLookupFailed, NameNotFound, Resolver
from claimcheck.check.safety import is_ip_literal


async def network_is_up(probe_hosts: tuple[str, ...], timeout: float, resolver: Resolver) -> bool:
    """Whether any of ``host:port`` answers a TCP connection within ``timeout`` seconds."""
    if not probe_hosts:
        return True
    attempts = [asyncio.create_task(_connects(target, timeout, resolver)) for target in probe_hosts]
    try:
        for attempt in asyncio.as_completed(attempts):
            if await attempt:
                return True
        return False
    finally:
        for attempt in attempts:
            attempt.cancel()
        await asyncio.gather(*attempts, return_exceptions=True)


async def _connects(target: str, timeout: float, resolver: Resolver) -> bool:
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        host, port = target, "443"
    host = host.strip("[]")
    try:
        async with asyncio.timeout(timeout):
            addresses = [host] if is_ip_literal(host) else await resolver.resolve(host, int(port))
            _reader, writer = await asyncio.open_connection(addresses[0], int(port))
    except (OSError, TimeoutError, NameNotFound, NameLookupFailed, IndexError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True
