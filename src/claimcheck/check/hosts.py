"""Politeness per host: at most N requests at once, and a shared pause after Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostGates:
    """One gate per host name: a semaphore, and the time before which nobody may ask it."""

    def __init__(self, per_host: int):
        self._per_host = per_host
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._paused_until: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's slots, after any pause the host asked for has passed."""
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self._per_host))
        async with semaphore:
            loop = asyncio.get_running_loop()
            while (wait := self._paused_until.get(host, 0.0) - loop.time()) > 0:
                await asyncio.sleep(wait)
            yield

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to ``host`` for ``seconds`` from now."""
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until[host] = max(self._paused_until.get(host, 0.0), until)
