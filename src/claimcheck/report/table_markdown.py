"""The claims-to-sources table as a GitHub markdown table, every cell kept to its row."""

from __future__ import annotations

import re

from claimcheck.report.table import TableOptions
from claimcheck.sourcetable import SourceTable, TableRow
from claimcheck.visible import visible

# Characters that would start markup inside a cell (emphasis, links, code, HTML, entities,
# strike-through, maths) or end the cell (the pipe): each is backslash-escaped.
_MARKUP = re.compile(r"([\\`*_\[\]<>|~$&])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# An autolink (<https://...>) takes a scheme, then anything but spaces, controls and <>.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:")
_NOT_IN_AUTOLINK = re.compile(r"[\x00-\x20\x7f<>|]")
HEADERS = (
    "claim",
    "claim text",
    "section",
    "tags",
    "status",
    "source",
    "title",
    "authors",
    "year",
    "url or doi",
    "source status",
    "quote",
    "quote status",
    "archived copy",
)


class MarkdownTable:
    """``--format markdown``: a table GitHub renders; line breaks become <br>."""

    name = "markdown"

    def render(self, table: SourceTable, options: TableOptions) -> str:
        """The table, a header line, its rule, then a line per row."""
        lines = [_line(HEADERS), _line(["---"] * len(HEADERS))]
        lines += [_line(_cells(row)) for row in table.rows]
        return "\n".join(lines) + "\n"


def _line(cells: list[str] | tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cells(row: TableRow) -> list[str]:
    status = _text(row.source_status)
    if row.source_reason is not None:
        status += f" ({row.source_reason})"
    archived = ""
    if row.archived_url is not None and row.archived_date is not None:
        archived = f"{row.archived_date} ({row.archived_kind}): {link(row.archived_url)}"
    return [
        text(row.claim_id),
        text(row.claim_text),
        text(row.section or ""),
        text("; ".join(row.tags)),
        row.claim_status.value,
        text(row.source_key or ""),
        text(row.source_title or ""),
        text("; ".join(row.authors)),
        text(row.year or ""),
        link(row.url) if row.url else text(row.doi or ""),
        status,
        text(row.quote or ""),
        _text(row.quote_status),
        archived,
    ]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def text(value: str) -> str:
    """``value`` as the literal text of one cell: markup escaped, line breaks as <br>,
    control characters shown as escapes."""
    lines = [_MARKUP.sub(r"\\\1", visible(line)) for line in _LINE_BREAK.split(value)]
    return "<br>".join(lines)


def link(url: str) -> str:
    """``url`` as an autolink, the few characters one cannot hold percent-encoded; text
    that is no http(s) URL stays text (a ``javascript:`` or ``data:`` one must not become a
    link a renderer may follow)."""
    if not _SCHEME.match(url) or not url.lower().startswith(("http://", "https://")):
        return text(url)
    return "<" + "".join(_in_autolink(char) for char in url) + ">"


def _in_autolink(char: str) -> str:
    """A character of a URL as an autolink holds it: percent-encoded (as UTF-8) when it
    would end the link or the cell, or is a control a reader should not be shown raw."""
    if _NOT_IN_AUTOLINK.match(char) or visible(char) != char:
        return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
    return char
