"""How a setting is declared once: its type, default and help, and the flag that sets it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters a header value (or a URL put into a request) may not hold: C0 controls and DEL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The longest wait a setting may name, in seconds: beyond it a value is a typo (or an attack).
DAY = 86_400.0


@dataclass(frozen=True)
class Flag:
    """The command-line form of a setting, put beside its type in ``Annotated``.

    ``name`` is the option (``--per-host``); a boolean setting with ``negative`` also takes
    its opposite (``--no-archive``). ``commands`` are the commands that take the flag: the
    setting is read from files and the environment whatever the command. ``path`` marks a
    setting whose relative paths are relative to the file that sets them.
    """

    name: str
    commands: frozenset[str]
    metavar: str | None = None
    negative: str | None = None
    path: bool = False


@dataclass(frozen=True)
class FileOnly:
    """Marks a setting that only a settings file sets (a table per host has no flag form)."""


# `claimcheck export` checks the sources as verify does, and so takes the same flags.
VERIFY = frozenset({"verify", "export"})
READS_BIB = frozenset({"verify", "export", "lint", "config", "archive save", "archive list",
                       "archive show", "archive export"})  # fmt: skip
CHECKS = frozenset({"verify", "export", "archive save", "config"})
WAYBACK = frozenset({"archive save", "config"})
ALL = READS_BIB | frozenset({"archive verify", "archive reindex", "archive prune"})


def refuse_control_characters(value: str) -> None:
    """Raise ValueError for a value holding a line break or another control character."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(
            f"holds the control character U+{ord(found.group()):04X} at position "
            f"{found.start() + 1}: line breaks and controls cannot go into a request"
        )


def header_value(value: str) -> str:
    """A header value from a flag or setting, stripped; ValueError unless printable ASCII."""
    refuse_control_characters(value)
    for position, character in enumerate(value, start=1):
        if not character.isascii():
            raise ValueError(
                f"holds {character!r} (U+{ord(character):04X}) at position {position}: "
                "a header value must be ASCII (percent-encode or transliterate it)"
            )
    stripped = value.strip()
    if not stripped:
        raise ValueError("is empty")
    return stripped


def base_url(value: str) -> str:
    """An http(s) base URL from a flag or setting; ValueError for anything else."""
    import httpx  # only when a base URL is set: start-up of commands without one stays lean

    refuse_control_characters(value)
    if any(character.isspace() for character in value):
        raise ValueError(f"{value!r} holds whitespace: write a space in a URL as %20")
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, ValueError) as error:
        raise ValueError(f"{value!r} is not a URL: {error}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value
