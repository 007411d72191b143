"""Name lookups for a run of thousands of URLs: once per host, shared, bounded, retried."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Protocol

from claimcheck.check.faults import LookupFailed, LookupTimeout, NameNotFound
from claimcheck.check.hosts import backoff

# getaddrinfo's answers that mean the name has no address: final, never retried.
_NO_SUCH_NAME = frozenset(
    code
    for code in (
        socket.EAI_NONAME,
        getattr(socket, "EAI_NODATA", None),
        getattr(socket, "EAI_ADDRFAMILY", None),
    )
    if code is not None
)


class Resolver(Protocol):
    """Turns a host name into addresses; raises NameNotFound, LookupFailed or LookupTimeout."""

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, in the order to try them."""
        ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo), each lookup in a daemon thread.

    A daemon thread, not the event loop's executor: a lookup the resolver never answers
    keeps neither the executor's few threads (which archiving uses) nor the process' exit.
    """

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``: NameNotFound when it has none, LookupFailed when the
        resolver could not say."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[list[str]] = loop.create_future()

        def lookup() -> None:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as error:
                outcome: list[str] | Exception = _lookup_error(host, error)
            except (OSError, UnicodeError, ValueError) as error:
                outcome = LookupFailed(f"{host}: {error}")
            else:
                outcome = list(dict.fromkeys(str(info[4][0]) for info in infos))
            with contextlib.suppress(RuntimeError):  # the loop closed while the lookup ran
                loop.call_soon_threadsafe(_settle, answer, outcome)

        threading.Thread(target=lookup, name=f"lookup {host}", daemon=True).start()
        return await answer


def _lookup_error(host: str, error: socket.gaierror) -> Exception:
    if error.errno in _NO_SUCH_NAME:
        return NameNotFound(f"{host}: {error.strerror}")
    return LookupFailed(f"{host}: {error.strerror}")


def _settle(future: asyncio.Future[list[str]], outcome: list[str] | Exception) -> None:
    if future.done():
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class RunResolver:
    """One lookup per host per run, whatever the resolver underneath.

    Requests to a host while its lookup is in flight wait for that lookup (single flight);
    its answer, an address list or a failure, is kept for the run. At most ``in_flight``
    lookups run at once, so that a resolver that drops bursts is not flooded. A lookup that
    times out or fails for a temporary reason is tried ``attempts`` times in all, with
    exponential backoff and jitter, before it counts as failed. A name that does not exist
    makes its sources dead, so a second lookup after the backoff must say so too: a
    resolver's passing error is not taken for a lapsed domain.
    """

    def __init__(
        self,
        base: Resolver,
        *,
        in_flight: int = 16,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.5,
    ):
        self._base = base
        self._in_flight = in_flight
        self._timeout = timeout
        self._attempts = max(attempts, 1)
        self._backoff = backoff
        self._slots: asyncio.Semaphore | None = None
        self._answers: dict[str, asyncio.Future[list[str]]] = {}
        self._hurry = False
        self.lookups = 0

    def stop_retrying(self) -> None:
        """Try each lookup not yet answered once more at most: its outcome no longer matters.

        Used once the network is known to be down, when every failure is unreachable anyway.
        """
        self._hurry = True

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, looked up once per run and shared."""
        key = host.lower().rstrip(".")
        answer = self._answers.get(key)
        if answer is None:
            answer = asyncio.get_running_loop().create_future()
            answer.add_done_callback(_retrieved)
            self._answers[key] = answer
            lookup = asyncio.create_task(self._settle(answer, host, port))
            lookup.add_done_callback(_retrieved_task)
        return list(await asyncio.shield(answer))

    async def _settle(self, answer: asyncio.Future[list[str]], host: str, port: int) -> None:
        try:
            outcome: list[str] | Exception = await self._lookup(host, port)
        except (NameNotFound, LookupFailed, LookupTimeout) as error:
            outcome = error
        except Exception as error:  # a resolver's own bug: the lookup failed, the run goes on
            outcome = LookupFailed(f"{host}: {type(error).__name__}: {error}")
        _settle(answer, outcome)

    async def _lookup(self, host: str, port: int) -> list[str]:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._in_flight)
        attempts, told_unknown = 0, False
        while True:
            try:
                async with self._slots:
                    self.lookups += 1
                    async with asyncio.timeout(self._timeout):
                        return await self._base.resolve(host, port)
            except TimeoutError:
                attempts += 1
                failure: Exception = LookupTimeout(
                    f"{host}: no answer from the resolver within {self._timeout:g} s"
                    f" ({attempts} {'try' if attempts == 1 else 'tries'})"
                )
            except LookupFailed as error:
                attempts += 1
                failure = error
            except NameNotFound:
                if told_unknown or self._attempts == 1 or self._hurry:
                    raise
                told_unknown = True
                await asyncio.sleep(backoff(self._backoff, 1))
                continue
            if attempts >= self._attempts or self._hurry:
                raise failure
            await asyncio.sleep(backoff(self._backoff, attempts))


def _retrieved(future: asyncio.Future[list[str]]) -> None:
    # Mark a failure as seen even when every waiter was cancelled, so asyncio does not log it.
    if not future.cancelled():
        future.exception()


def _retrieved_task(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()
