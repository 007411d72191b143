"""A CONNECT tunnel through an HTTP proxy: ask for it, read the proxy's answer, bounded."""

from __future__ import annotations

import asyncio

from claimcheck.check.faults import ProxyFailed
from claimcheck.check.proxy import Proxy

_HEAD_LIMIT = 16 * 1024


async def open_tunnel(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    proxy: Proxy,
    host: str,
    port: int,
) -> None:
    """Ask the proxy on this stream for a tunnel to ``host:port``.

    Returns once the proxy answers 2xx: the stream then leads to the target. Raises
    ProxyFailed with the proxy's status otherwise (407: it wants credentials, or refused
    them), or when it closes the connection or answers something that is not HTTP.
    """
    bare = host.strip("[]")
    target = f"[{bare}]:{port}" if ":" in bare else f"{bare}:{port}"
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    if proxy.authorization is not None:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    try:
        await writer.drain()
        status, reason = await _answer(reader)
    except (asyncio.IncompleteReadError, ConnectionError, OSError):
        raise ProxyFailed(
            f"the proxy {proxy.address} closed the connection without answering CONNECT {target}"
        ) from None
    if 200 <= status < 300:
        return
    if status == 407:
        asked = "refused the credentials" if proxy.authorization else "requires authentication"
        raise ProxyFailed(f"the proxy {proxy.address} {asked} (407 {reason})".rstrip())
    raise ProxyFailed(f"the proxy {proxy.address} answered {status} {reason} to CONNECT {target}")


async def _answer(reader: asyncio.StreamReader) -> tuple[int, str]:
    """The status and reason of the proxy's answer, its headers read and dropped."""
    lines: list[bytes] = []
    size = 0
    try:
        while line := (await reader.readuntil(b"\n")).rstrip(b"\r\n"):
            size += len(line)
            if size > _HEAD_LIMIT:
                raise ProxyFailed("the proxy's answer to CONNECT has a head over 16 KiB")
            lines.append(line)
    except asyncio.LimitOverrunError:
        raise ProxyFailed("the proxy's answer to CONNECT has a line over 64 KiB") from None
    parts = lines[0].split(b" ", 2) if lines else []
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        shown = lines[0][:40] if lines else b""
        raise ProxyFailed(f"the proxy's answer to CONNECT is not HTTP: {shown!r}")
    reason = parts[2].decode("latin-1") if len(parts) > 2 else ""
    return int(parts[1]), reason
