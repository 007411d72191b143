"""Open-file limits: raise the soft limit a run needs, and say how many requests fit under it."""

from __future__ import annotations

import sys
from dataclasses import dataclass

# Descriptors kept for everything but requests: standard streams, the database and its
# journal, the WARC file, the event loop's own, modules and certificates being read.
RESERVED = 64
# Each request at once holds its socket, and a body beyond the spool threshold a temporary file.
PER_REQUEST = 2
# The soft limit is raised at least this far when the hard limit allows: connections kept
# alive for later requests to the same host hold descriptors too, beyond the requests at once.
GENEROUS = 16384
# macOS refuses a soft limit above its per-process maximum (OPEN_MAX) even when the hard
# limit is unlimited: this much is asked for when more is refused.
_OPEN_MAX = 10240


@dataclass(frozen=True)
class Budget:
    """The soft open-file limit after raising it (None: unlimited) and the requests it allows."""

    soft_limit: int | None
    requests: int


def fitting(concurrency: int, soft_limit: int | None) -> int:
    """How many of ``concurrency`` requests at once fit under ``soft_limit`` descriptors."""
    if soft_limit is None:
        return concurrency
    return max(1, min(concurrency, (soft_limit - RESERVED) // PER_REQUEST))


def wanted_limit(concurrency: int, soft: int, hard: int | None) -> int:
    """The soft limit to ask for: enough for ``concurrency``, generously, within ``hard``."""
    wanted = max(soft, GENEROUS, concurrency * PER_REQUEST + RESERVED)
    return wanted if hard is None else min(wanted, hard)


def descriptor_budget(concurrency: int) -> Budget:
    """Raise this process's soft open-file limit towards the hard one; the requests that fit.

    Where there is no such limit (Windows) or it cannot be read, nothing is clamped.
    """
    if sys.platform == "win32":
        return Budget(None, concurrency)
    import resource

    infinite = resource.RLIM_INFINITY
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (OSError, ValueError):
        return Budget(None, concurrency)
    if soft == infinite:
        return Budget(None, concurrency)
    wanted = wanted_limit(concurrency, soft, None if hard == infinite else hard)
    for limit in dict.fromkeys((wanted, min(wanted, _OPEN_MAX))):
        if limit <= soft:
            break
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
        except (OSError, ValueError):
            continue
        soft = limit
        break
    return Budget(soft, fitting(concurrency, soft))
