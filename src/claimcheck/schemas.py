"""JSON Schemas generated from the models: claims.yaml, the reports, the settings, the listings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claimcheck.listings import ArchiveList, CaptureHistory, RuleList
from claimcheck.models import ClaimsFile, Report


def claims_schema() -> dict[str, Any]:
    """The JSON Schema of claims.yaml."""
    return ClaimsFile.model_json_schema(mode="validation")


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``claimcheck verify --format json``."""
    return Report.model_json_schema(mode="serialization")


def export_schema() -> dict[str, Any]:
    """The JSON Schema of ``claimcheck export --format json``."""
    from claimcheck.sourcetable import SourceTable

    return SourceTable.model_json_schema(mode="serialization")


def config_schema() -> dict[str, Any]:
    """The JSON Schema of claimcheck.toml (and of pyproject.toml's [tool.claimcheck] table),
    made from the settings' declarations: every key a file may set, nothing else."""
    from claimcheck.config import Settings, every_setting, shown_default

    full = Settings.model_json_schema(mode="validation")
    keys = every_setting()
    properties = {name: dict(full["properties"][name]) for name in keys}
    # A duration is written as text in a file (24h), not as pydantic writes it (P1D).
    properties["max_age"]["default"] = shown_default("max_age")
    # One bibliography may be written as a path alone, not a list of one.
    listed = properties["bib"]
    properties["bib"] = {
        "anyOf": [{"type": "string"}, {"type": "array", "items": listed["items"]}],
        "description": listed["description"],
        "default": listed["default"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "claimcheck settings",
        "description": "claimcheck.toml, or the [tool.claimcheck] table of pyproject.toml.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        **({"$defs": full["$defs"]} if "$defs" in full else {}),
    }


def rules_schema() -> dict[str, Any]:
    """The JSON Schema of ``claimcheck rules --format json``."""
    return RuleList.model_json_schema(mode="serialization")


def archive_list_schema() -> dict[str, Any]:
    """The JSON Schema of ``claimcheck archive list --format json``."""
    return ArchiveList.model_json_schema(mode="serialization")


def archive_show_schema() -> dict[str, Any]:
    """The JSON Schema of ``claimcheck archive show --format json``."""
    return CaptureHistory.model_json_schema(mode="serialization")


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "claims": claims_schema,
    "report": report_schema,
    "config": config_schema,
    "rules": rules_schema,
    "archive-list": archive_list_schema,
    "archive-show": archive_show_schema,
    "export": export_schema,
}
