"""The claims-to-sources table as models: one row per claim and evidence item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from claimcheck.models import ClaimStatus, Frozen, QuoteStatus, Reason, SourceStatus, Stance

TABLE_SCHEMA_VERSION: Literal["1"] = "1"


class TableRow(Frozen):
    """A claim with one of its evidence items; a claim without evidence has one row whose
    evidence fields are null (or empty)."""

    claim_id: str
    claim_text: str
    section: str | None
    tags: tuple[str, ...]
    claim_status: ClaimStatus
    source_key: str | None = Field(description="The evidence item's reference key.")
    stance: Stance | None = Field(description="supports, contextualizes or refutes the claim.")
    locator: str | None = Field(description="Where in the source: a page, a paragraph.")
    source_title: str | None
    authors: tuple[str, ...]
    year: str | None = Field(description="The four-digit year of the reference's date or year.")
    url: str | None = Field(description="The reference's URL; else its DOI's doi.org address.")
    doi: str | None
    source_status: SourceStatus | None = Field(
        description="What is known of the URL or DOI; null: the reference cites neither, "
        "or the key is not in the bibliography."
    )
    source_reason: Reason | None
    quote: str | None
    quote_status: QuoteStatus | None
    archived_url: str | None = Field(
        description="The copy to cite: the memento's address, or the address a local "
        "snapshot captured."
    )
    archived_date: date | None = Field(description="When that copy was captured (UTC).")
    archived_kind: Literal["wayback", "local"] | None = Field(
        description="wayback: a public web archive's memento; local: a snapshot in "
        ".claimcheck/archive, not on the web."
    )


class SourceTable(Frozen):
    """The document `claimcheck export --format json` writes."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        title="claimcheck claims-to-sources table",
        json_schema_extra={"$id": "https://claimcheck.invalid/schemas/export.schema.json"},
    )

    schema_version: Literal["1"] = TABLE_SCHEMA_VERSION
    tool: str = "claimcheck"
    tool_version: str
    generated_at: datetime
    rows: tuple[TableRow, ...]
