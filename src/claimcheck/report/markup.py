"""Pieces of HTML for the review page: escaped text, safe links, times and status badges."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from claimcheck.visible import visible

# Whitespace that breaks a line: in a one-line field it is shown as a space.
_LINE_BREAKS = re.compile(r"[\t\n\r\f\v\x85\u2028\u2029]+")
# The schemes a link may have; any other address is shown as text (never javascript:).
_LINKED = frozenset({"http", "https"})


def esc(text: str) -> str:
    """One line of text for HTML: line breaks as spaces, control and bidirectional
    characters as visible escapes, markup characters escaped."""
    return html.escape(visible(_LINE_BREAKS.sub(" ", text)), quote=True)


def block(text: str) -> str:
    """Text of many lines for an element that keeps them (white-space: pre-wrap): each line
    escaped as ``esc`` does, a form feed (between a PDF's pages) shown as a rule."""
    pages = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    return '<hr class="page">'.join(_lines(page) for page in pages)


def _lines(text: str) -> str:
    flat = text.replace("\n", " ")
    if flat.isascii() and flat.isprintable():
        return html.escape(text, quote=True)
    return "\n".join(esc(line) for line in text.split("\n"))


def link(url: str, label: str | None = None) -> str:
    """A link to ``url`` when it is an http(s) address, else the address as text."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    shown = esc(label if label is not None else url)
    if scheme not in _LINKED:
        return f'<span class="url">{shown}</span>'
    # A link whose words are not its address shows the address when printed.
    kind = "url" if label is None else "url labelled"
    return (
        f'<a class="{kind}" href="{html.escape(href(url))}" rel="noreferrer noopener">{shown}</a>'
    )


def href(url: str) -> str:
    """``url`` as a link's target: every character beyond printable ASCII percent-encoded
    (as UTF-8), as a browser sends it; shown as text it would be changed (visible())."""
    return "".join(
        char
        if "!" <= char <= "~"
        else "".join(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))
        for char in url
    )


def when(moment: datetime) -> str:
    """A time in UTC, to the minute, as a <time> element."""
    utc = moment.astimezone(UTC)
    return f'<time datetime="{utc.isoformat()}">{utc:%Y-%m-%d %H:%M} UTC</time>'


def day(moment: datetime) -> str:
    """A date in UTC, as a <time> element."""
    utc = moment.astimezone(UTC)
    return f'<time datetime="{utc.isoformat()}">{utc:%Y-%m-%d}</time>'


def badge(value: str, tone: str) -> str:
    """A status as a coloured label; the word itself says it, the colour only repeats it."""
    return f'<span class="badge {tone}">{esc(value)}</span>'
