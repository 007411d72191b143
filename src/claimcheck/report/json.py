"""The JSON report: the report model as is, with its schema_version."""

from __future__ import annotations

from claimcheck.models import Report
from claimcheck.report import RenderOptions
from claimcheck.visible import safe_json


class JsonFormat:
    """``--format json``: machine-readable, stable, described by schemas/report.schema.json."""

    name = "json"

    def render(self, report: Report, options: RenderOptions) -> str:
        """The report as indented JSON."""
        return safe_json(report.model_dump_json(indent=2)) + "\n"
