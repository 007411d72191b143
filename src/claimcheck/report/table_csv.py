"""The claims-to-sources table as CSV (RFC 4180, UTF-8), for spreadsheets and scripts."""

from __future__ import annotations

import csv
import io

from claimcheck.report.table import COLUMNS, TableOptions
from claimcheck.sourcetable import SourceTable

# Excel takes a UTF-8 file for its locale's code page unless it starts with this.
BOM = "\ufeff"


class CsvTable:
    """``--format csv``: a header, then a line per row; fields quoted only when they must
    be, a quote doubled, lines ended by CRLF, line breaks kept inside quoted fields."""

    name = "csv"

    def render(self, table: SourceTable, options: TableOptions) -> str:
        """The table as CSV text; with ``options.bom``, starting with a byte order mark."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
        writer.writerow([column.header for column in COLUMNS])
        for row in table.rows:
            writer.writerow([column.cell(row) for column in COLUMNS])
        return (BOM if options.bom else "") + out.getvalue()
