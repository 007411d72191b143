"""The claims-to-sources table as a LaTeX booktabs longtable that pdflatex compiles."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import groupby

from claimcheck.report.table import TableOptions
from claimcheck.sourcetable import SourceTable, TableRow
from claimcheck.visible import visible

# The non-ASCII characters pdflatex sets with LaTeX's own UTF-8 support and
# \usepackage[T1]{fontenc} (TeX Live 2022's utf8enc, t1enc, ts1enc and omsenc, each one tried):
# Latin-1, most of Latin Extended-A, typographic punctuation. First and last of each range.
_SETTABLE = (
    (0x00A0, 0x0125), (0x0128, 0x0137), (0x0139, 0x013E), (0x0141, 0x0148),
    (0x014A, 0x0165), (0x0168, 0x017E), (0x0192, 0x0192), (0x01C4, 0x01D4),
    (0x01E2, 0x01E3), (0x01E6, 0x01EB), (0x01F0, 0x01F0), (0x01F4, 0x01F5),
    (0x0218, 0x021B), (0x0232, 0x0233), (0x0237, 0x0237), (0x02C6, 0x02C7),
    (0x02D8, 0x02D9), (0x02DB, 0x02DD), (0x0E3F, 0x0E3F), (0x1E02, 0x1E03),
    (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25), (0x1E30, 0x1E31),
    (0x1E37, 0x1E37), (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47),
    (0x1E5B, 0x1E5B), (0x1E63, 0x1E63), (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91),
    (0x1E9E, 0x1E9E), (0x1EF2, 0x1EF3), (0x200C, 0x200C), (0x2010, 0x2016),
    (0x2018, 0x201A), (0x201C, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026),
    (0x2030, 0x2031), (0x2039, 0x203B), (0x203D, 0x203D), (0x2044, 0x2044),
    (0x204E, 0x204E), (0x2052, 0x2052), (0x20A1, 0x20A1), (0x20A4, 0x20A4),
    (0x20A6, 0x20A6), (0x20A9, 0x20A9), (0x20AB, 0x20AC), (0x20B1, 0x20B1),
    (0x2103, 0x2103), (0x2116, 0x2117), (0x211E, 0x211E), (0x2120, 0x2120),
    (0x2122, 0x2122), (0x2126, 0x2127), (0x212E, 0x212E), (0x2190, 0x2193),
    (0x2329, 0x232A), (0x2422, 0x2423), (0x25E6, 0x25E6), (0x25EF, 0x25EF),
    (0x266A, 0x266A), (0x27E8, 0x27E9), (0x3008, 0x3009), (0xFB00, 0xFB06),
)  # fmt: skip
_STARTS = [first for first, _ in _SETTABLE]
_ASCII_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "`": r"\textasciigrave{}",
}
# Pairs T1 fonts set as one glyph (-- an en dash, '' a closing quote, ,, a low quote).
_LIGATURE = re.compile(r"([-',])(?=\1)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Characters \url cannot take as they are: percent-encoded (non-ASCII as its UTF-8 bytes).
_URL_UNSAFE = re.compile(r"[^\x21-\x7e]|[{}\\^|\"<>`]")
PREAMBLE = r"""% The claims-to-sources table, written by claimcheck export: \input it in a document
% whose preamble has \usepackage[T1]{fontenc} and \usepackage{array,booktabs,longtable,url}.
% Text in a script pdflatex cannot set by itself (CJK, Cyrillic, Greek...) is written as
% \claimcheckunicode{text}{code points}, which prints the code points. With xelatex or
% lualatex and a font that has them, or CJKutf8, print the text: before the \input, write
% \newcommand{\claimcheckunicode}[2]{#1}
\providecommand{\claimcheckunicode}[2]{\texttt{[#2]}}
"""
_COLUMN = r">{\raggedright\arraybackslash}p{%s\linewidth}"
_WIDTHS = ("0.22", "0.24", "0.11", "0.18", "0.11")
HEADERS = ("Claim", "Source", "Source status", "Quote", "Archived copy")


class LatexTable:
    """``--format latex``: a booktabs longtable of five columns (claim, source, its status,
    quote, archived copy), its header repeated on each page; every special character escaped
    and every URL through \\url."""

    name = "latex"

    def render(self, table: SourceTable, options: TableOptions) -> str:
        """The table, after a comment naming the packages it needs."""
        columns = "".join(_COLUMN % width for width in _WIDTHS)
        lines = [
            PREAMBLE.rstrip("\n"),
            r"\begin{longtable}{@{}" + columns + "@{}}",
            r"\toprule",
            " & ".join(HEADERS) + r" \\",
            r"\midrule",
            r"\endhead",
            r"\bottomrule",
            r"\endfoot",
        ]
        for _, rows in groupby(table.rows, key=lambda row: row.claim_id):
            for index, row in enumerate(rows):
                lines.append(" & ".join(_cells(row, first=index == 0)) + r" \\")
        lines.append(r"\end{longtable}")
        return "\n".join(lines) + "\n"


def _cells(row: TableRow, *, first: bool) -> list[str]:
    claim = rf"\textbf{{{latex(row.claim_id)}}}"
    if first:
        claim += f" ({row.claim_status})" + r"\newline " + latex(row.claim_text)
        about = [latex(row.section)] if row.section else []
        if row.tags:
            about.append("tags: " + latex(", ".join(row.tags)))
        if about:
            claim += r"\newline \emph{" + "; ".join(about) + "}"
    return [claim, _source(row), _status(row), _quote(row), _archived(row)]


def _source(row: TableRow) -> str:
    if row.source_key is None:
        return ""
    parts = [rf"\textbf{{{latex(row.source_key)}}}"]
    if row.stance is not None and row.stance.value != "supports":
        parts.append(f"({row.stance})")
    cited = "; ".join(row.authors)
    if row.year:
        cited += f" ({row.year})"
    if row.source_title:
        cited += (". " if cited else "") + row.source_title
    text = " ".join(parts) + (": " + latex(cited) if cited else "")
    if row.locator:
        text += ", " + latex(row.locator)
    if row.url:
        text += r"\newline " + url(row.url)
    elif row.doi:
        text += r"\newline doi:" + latex(row.doi)
    return text


def _status(row: TableRow) -> str:
    if row.source_status is None:
        return ""
    reason = f" ({row.source_reason})" if row.source_reason is not None else ""
    return latex(f"{row.source_status}{reason}")


def _quote(row: TableRow) -> str:
    if row.quote is None:
        return ""
    status = f" ({row.quote_status})" if row.quote_status is not None else ""
    return "``" + latex(row.quote) + "''" + status


def _archived(row: TableRow) -> str:
    if row.archived_url is None or row.archived_date is None:
        return ""
    return url(row.archived_url) + rf"\newline {row.archived_date} ({row.archived_kind})"


def latex(value: str) -> str:
    """``value`` as LaTeX text: specials escaped, ligatures broken, line breaks as
    \\newline, control characters shown as escapes, and each run of characters pdflatex
    cannot set wrapped in \\claimcheckunicode."""
    lines = [_line(visible(line)) for line in _LINE_BREAK.split(value)]
    return r"\newline ".join(lines)


def _line(value: str) -> str:
    parts = []
    for settable, run in groupby(value, key=_settable):
        chars = "".join(run)
        if settable:
            escaped = "".join(_ASCII_SPECIALS.get(char, char) for char in chars)
            parts.append(_LIGATURE.sub(r"\1{}", escaped))
        else:
            points = " ".join(f"U+{ord(char):04X}" for char in chars)
            parts.append(rf"\claimcheckunicode{{{chars}}}{{{points}}}")
    return "".join(parts)


def _settable(char: str) -> bool:
    code = ord(char)
    if code < 0x80:
        return True
    index = bisect_right(_STARTS, code) - 1
    return index >= 0 and code <= _SETTABLE[index][1]


def url(address: str) -> str:
    """``address`` through \\url, each character it cannot take percent-encoded."""
    encoded = _URL_UNSAFE.sub(
        lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode("utf-8", "surrogatepass")),
        address,
    )
    return rf"\url{{{encoded}}}"
