"""What each site shows for a path that cannot exist: asked once per origin and run."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from claimcheck.check.fetch import Fetcher
from claimcheck.check.html import PageFacts


@dataclass(frozen=True)
class Baseline:
    """A site's 2xx HTML answer to a path that cannot exist, and where its redirects ended."""

    url: str
    final_url: str
    redirected: bool
    page: PageFacts


class Baselines:
    """The run's baselines, one per origin (scheme, host and port), each asked for once.

    The request goes through the run's fetcher, so the address guard, the per-host limits
    and the deadlines hold for it too; it takes the host's next free slot, before the pages
    queued there, since they may wait on it. Sources of one origin checked at the same time
    wait for the same request. An origin whose nonsense path is not answered with a 2xx HTML page
    (a 404, any other status, a failure) has no baseline: its pages are not judged by one.
    """

    def __init__(self, fetcher: Fetcher):
        self._fetcher = fetcher
        self._known: dict[str, Baseline | None] = {}
        self._asking: dict[str, asyncio.Lock] = {}

    async def get(self, url: str) -> Baseline | None:
        """The baseline of ``url``'s origin, asked for now if this run has not yet."""
        origin = origin_of(url)
        if origin in self._known:
            return self._known[origin]
        lock = self._asking.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._known:
                self._known[origin] = await self._ask(nonsense_url(origin))
                del self._asking[origin]
        return self._known[origin]

    async def _ask(self, url: str) -> Baseline | None:
        outcome = await self._fetcher.fetch(url, want_body=False, urgent=True)
        answer = outcome.answer
        if answer is None or answer.page is None or not 200 <= answer.status < 300:
            return None
        return Baseline(
            url=url, final_url=answer.url, redirected=bool(outcome.hops), page=answer.page
        )


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-cased, without user information."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2].lower()}"


def nonsense_url(origin: str) -> str:
    """An address at ``origin`` that no site has: a random path."""
    return f"{origin}/claimcheck-{secrets.token_hex(8)}-missing"
