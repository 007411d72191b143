"""A host's gate: its slots handed out in turn, an urgent request first, none ever lost."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.check.hosts import Gate


async def _queue(gate: Gate, order: list[str], name: str, *, urgent: bool = False) -> None:
    await gate.acquire(urgent=urgent)
    order.append(name)


def test_urgent_waiter_takes_the_next_free_slot_before_earlier_waiters() -> None:
    async def scenario() -> list[str]:
        gate, order = Gate(1), []
        await gate.acquire()
        waiters = [asyncio.create_task(_queue(gate, order, name)) for name in ("a", "b")]
        await asyncio.sleep(0)
        waiters.append(asyncio.create_task(_queue(gate, order, "urgent", urgent=True)))
        await asyncio.sleep(0)
        for _ in waiters:
            gate.release()
            await asyncio.sleep(0)
        await asyncio.gather(*waiters)
        return order

    assert asyncio.run(scenario()) == ["urgent", "a", "b"]


def test_cancelled_waiter_gives_up_its_place_without_losing_a_slot() -> None:
    async def scenario() -> list[str]:
        gate, order = Gate(1), []
        await gate.acquire()
        gone = asyncio.create_task(_queue(gate, order, "gone"))
        later = asyncio.create_task(_queue(gate, order, "later"))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
        gate.release()
        await asyncio.wait_for(later, timeout=1)
        return order

    assert asyncio.run(scenario()) == ["later"]


def test_waiter_cancelled_after_being_handed_a_slot_passes_it_on() -> None:
    async def scenario() -> list[str]:
        gate, order = Gate(1), []
        await gate.acquire()
        handed = asyncio.create_task(_queue(gate, order, "handed"))
        later = asyncio.create_task(_queue(gate, order, "later"))
        await asyncio.sleep(0)
        gate.release()  # the slot is handed to "handed", which is cancelled before it runs
        handed.cancel()
        await asyncio.wait_for(later, timeout=1)
        return order

    assert asyncio.run(scenario()) == ["later"]


REQUESTS = st.lists(
    st.tuples(st.booleans(), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 3))),
    max_size=30,
)


@settings(deadline=None, max_examples=200)
@given(size=st.integers(1, 4), requests=REQUESTS)
def test_a_gate_never_lets_more_in_than_its_slots_and_serves_every_patient_waiter(
    size: int, requests: list[tuple[bool, int, int | None]]
) -> None:
    """Each request is (urgent, turns it holds its slot, turns after which it gives up)."""

    async def scenario() -> tuple[int, int, int]:
        gate, inside, most, served = Gate(size), [0], [0], [0]

        async def one(urgent: bool, hold: int) -> None:
            await gate.acquire(urgent=urgent)
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            try:
                for _ in range(hold):
                    await asyncio.sleep(0)
            finally:
                inside[0] -= 1
                gate.release()
            served[0] += 1

        async def impatient(task: asyncio.Task[None], after: int) -> None:
            for _ in range(after):
                await asyncio.sleep(0)
            task.cancel()

        tasks = [asyncio.create_task(one(urgent, hold)) for urgent, hold, _ in requests]
        cancellers = [
            asyncio.create_task(impatient(task, after))
            for task, (_, _, after) in zip(tasks, requests, strict=True)
            if after is not None
        ]
        outcomes = await asyncio.gather(*tasks, *cancellers, return_exceptions=True)
        cancelled = sum(isinstance(outcome, asyncio.CancelledError) for outcome in outcomes)
        # Every slot is back: ``size`` requests get in at once, without waiting.
        for _ in range(size):
            await asyncio.wait_for(gate.acquire(), timeout=1)
        return most[0], served[0], cancelled

    most, served, cancelled = asyncio.run(scenario())

    assert most <= size
    assert served + cancelled == len(requests)
