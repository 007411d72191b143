"""The claims-to-sources table as JSON, described by schemas/export.schema.json."""

from __future__ import annotations

from claimcheck.report.table import TableOptions
from claimcheck.sourcetable import SourceTable
from claimcheck.visible import safe_json


class JsonTable:
    """``--format json``: the rows with their schema_version, tags and authors as lists."""

    name = "json"

    def render(self, table: SourceTable, options: TableOptions) -> str:
        """The table as indented JSON."""
        return safe_json(table.model_dump_json(indent=2)) + "\n"
