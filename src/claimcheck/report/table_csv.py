"""The claims-to-sources table as CSV (RFC 4180, UTF-8), for spreadsheets and scripts."""

from __future__ import annotations

import csv
import io

from claimcheck.report.table import COLUMNS, TableOptions
from claimcheck.sourcetable import SourceTable

# Excel takes a UTF-8 file for its locale's code page unless it starts with this.
BOM = "\ufeff"
# What a spreadsheet runs as a formula when a cell starts with it (a title or quote from a
# bibliography someone else wrote may: "=HYPERLINK(...)"). For spreadsheets such a cell is
# written after an apostrophe, which shows it as text; for scripts the data stays exact.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvTable:
    """``--format csv``: a header, then a line per row; fields quoted only when they must
    be, a quote doubled, lines ended by CRLF, line breaks kept inside quoted fields."""

    name = "csv"

    def render(self, table: SourceTable, options: TableOptions) -> str:
        """The table as CSV text; with ``options.bom`` (for spreadsheets), starting with a
        byte order mark, and no cell a spreadsheet would run as a formula."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
        writer.writerow([column.header for column in COLUMNS])
        for row in table.rows:
            cells = [column.cell(row) for column in COLUMNS]
            writer.writerow([_as_text(cell) for cell in cells] if options.bom else cells)
        return (BOM if options.bom else "") + out.getvalue()


def _as_text(cell: str) -> str:
    """A cell a spreadsheet shows as the text it is, never runs as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
