"""Per host: N requests at once, a pace, a pause after Retry-After, giving up after timeouts."""

from __future__ import annotations

import asyncio
import random
from collections import deque
from types import TracebackType

from claimcheck.check.urlrules import HostRules

# Requests to one host that time out one after another before the host is given up on.
UNRESPONSIVE_AFTER = 2


def backoff(base: float, attempt: int) -> float:
    """Seconds to wait before the ``attempt``-th retry: ``base``, doubling, with jitter (half
    to one and a half times), so that retries of many requests do not come at once."""
    return base * 2.0 ** (attempt - 1) * (0.5 + random.random())


class HostGates:
    """One gate per host name: a semaphore, the time before which nobody may ask it, when
    its next request may start, and how many of its requests in a row have timed out.

    How many requests at once and how far apart their starts are is the host's rule's say
    (``rules``), else ``per_host`` at once, as fast as they come.
    """

    def __init__(
        self, per_host: int, rules: HostRules | None = None, *, until: float = float("inf")
    ):
        self._rules = rules or HostRules((), (), per_host)
        self._until = until  # the run's deadline (event loop's clock): no wait goes past it
        self._slots: dict[str, Gate] = {}
        self._paused_until: dict[str, float] = {}
        self._next_start: dict[str, float] = {}
        self._timeouts_in_a_row: dict[str, int] = {}

    def timed_out(self, host: str) -> None:
        """One more request to ``host`` timed out."""
        self._timeouts_in_a_row[host] = self._timeouts_in_a_row.get(host, 0) + 1

    def answered(self, host: str) -> None:
        """``host`` answered a request: its run of timeouts is broken."""
        self._timeouts_in_a_row.pop(host, None)

    def unresponsive(self, host: str) -> bool:
        """Whether ``host``'s last requests all timed out, enough of them to stop asking."""
        return self._timeouts_in_a_row.get(host, 0) >= UNRESPONSIVE_AFTER

    def slot(self, host: str, *, urgent: bool = False) -> _Slot:
        """Hold one of the host's slots, after any pause the host asked for has passed. An
        ``urgent`` request takes the next free slot, before those already waiting."""
        gate = self._slots.get(host)
        if gate is None:
            gate = self._slots[host] = Gate(self._rules.concurrency(host))
        return _Slot(self, host, gate, urgent)

    def paced(self, host: str) -> float:
        """Seconds to wait before a request to ``host`` may start, keeping its rule's
        interval after the one before; the start is booked, so waiters queue up in turn."""
        interval = self._rules.interval(host)
        if interval <= 0:
            return 0.0
        now = asyncio.get_running_loop().time()
        start = max(now, self._next_start.get(host, now))
        self._next_start[host] = start + interval
        return min(start, self._until) - now

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to ``host`` for ``seconds`` from now."""
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until[host] = max(self._paused_until.get(host, 0.0), until)

    def paused_for(self, host: str) -> float:
        """Seconds left of the host's pause (0 when there is none)."""
        until = self._paused_until.get(host)
        return 0.0 if until is None else until - asyncio.get_running_loop().time()


class Gate:
    """``size`` slots, handed out in turn, except that an urgent waiter goes first.

    An urgent request is one many others wait on (the site's answer to a path that cannot
    exist, which judges every page of the site): behind a queue of that host's pages, it
    would keep each of them, and its body, waiting until the last.
    """

    def __init__(self, size: int):
        self._free = size
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def acquire(self, *, urgent: bool = False) -> None:
        """Take a slot, waiting for one when none is free."""
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if urgent:
            self._waiting.appendleft(turn)
        else:
            self._waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed a slot, but cancelled before taking it: pass it on
            raise

    def release(self) -> None:
        """Give a slot back: to the first waiter still waiting, else to the free ones."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1


class _Slot:
    """``async with`` one of a host's slots (a plain class: this runs once per request)."""

    def __init__(self, gates: HostGates, host: str, gate: Gate, urgent: bool):
        self._gates = gates
        self._host = host
        self._gate = gate
        self._urgent = urgent

    async def __aenter__(self) -> None:
        await self._gate.acquire(urgent=self._urgent)
        try:
            while (wait := self._gates.paused_for(self._host)) > 0:
                await asyncio.sleep(wait)
            if (wait := self._gates.paced(self._host)) > 0:
                await asyncio.sleep(wait)
        except BaseException:
            self._gate.release()
            raise

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._gate.release()
