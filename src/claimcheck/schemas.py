"""JSON Schemas generated from the models: the claims.yaml format and the JSON report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claimcheck.models import ClaimsFile, Report


def claims_schema() -> dict[str, Any]:
    """The JSON Schema of claims.yaml."""
    return ClaimsFile.model_json_schema(mode="validation")


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``claimcheck verify --format json``."""
    return Report.model_json_schema(mode="serialization")


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "claims": claims_schema,
    "report": report_schema,
}
