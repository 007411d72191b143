"""Strings from servers and files made safe to print: control characters shown, never obeyed."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Characters a terminal acts on or that rearrange what is shown: C0 and C1 controls and DEL
# (escape sequences, carriage returns, bells), line and paragraph separators, lone
# surrogates (bytes that were not UTF-8; a UTF-8 terminal cannot even be sent them), and
# the bidirectional overrides and isolates that reorder text (Trojan Source).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def visible(text: str) -> str:
    """``text`` with each unsafe character written as its escape (``\\x1b``, ``\\u202e``).

    Every printer of the terminal report and the archive commands passes what came from a
    server or a file through this; the JSON outputs keep the data as it is, escaped in JSON
    (``safe_json``).
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(shown(char) if _unsafe(char) else char for char in text)


@cache
def _unsafe(char: str) -> bool:
    return char in _BIDI_CONTROLS or unicodedata.category(char) in _UNSAFE_CATEGORIES


def shown(char: str) -> str:
    """One character as its escape: ``\\x1b``, ``\\u202e``."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# In a JSON document every C0 control inside a string is escaped already (JSON requires it),
# and outside strings there is only ASCII: what is left to escape is the rest of the set above.
_UNSAFE_IN_JSON = re.compile(
    "[\x7f-\x9f\ud800-\udfff\u2028\u2029" + "".join(sorted(_BIDI_CONTROLS)) + "]"
)


def safe_json(document: str) -> str:
    """A JSON document with each unsafe character in its strings written as a ``\\u`` escape:
    the same data once parsed, but the file shows no reordered or hidden text in a terminal,
    a pager or a diff."""
    if document.isascii() and "\x7f" not in document:
        return document
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", document)
