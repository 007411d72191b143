"""The JSON the listing commands print: `claimcheck rules`, `archive list` and `archive show`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from claimcheck import __version__
from claimcheck.models import Frozen, Memento, SourceStatus
from claimcheck.rules import Rule
from claimcheck.severity import Severity

# The version of these documents' shape: raised when a field is renamed or removed.
LISTING_SCHEMA_VERSION: Literal["1"] = "1"


class Printed(Frozen):
    """A part of a listing document: every field is always printed, so its schema requires it."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class Listing(Printed):
    """What every listing document opens with: the shape's version and the tool's."""

    schema_version: Literal["1"] = LISTING_SCHEMA_VERSION
    tool: Literal["claimcheck"] = "claimcheck"
    tool_version: str = Field(default_factory=lambda: __version__)


class RuleRow(Printed):
    """One finding code, as `claimcheck rules` lists it."""

    code: str = Field(description="The finding code, e.g. CC303.")
    name: str = Field(description="The rule's name, as the ignore setting takes it.")
    severity: Severity
    summary: str = Field(description="What the rule finds, in a line.")
    hint: str = Field(description="How to fix what it finds.")


class RuleList(Listing):
    """`claimcheck rules --format json`: every finding code, in code order."""

    rules: tuple[RuleRow, ...]


def rule_list(rules: Iterable[Rule]) -> RuleList:
    """The catalogue ``rules`` as `claimcheck rules --format json` prints it."""
    return RuleList(
        rules=tuple(
            RuleRow(
                code=rule.code,
                name=rule.name,
                severity=rule.severity,
                summary=rule.summary,
                hint=rule.hint,
            )
            for rule in rules
        )
    )


class ArchivedSource(Printed):
    """One URL of the archive list: a cited source, or a URL archived once and cited no more."""

    url: str = Field(description="The URL as cited (a DOI's doi.org address).")
    keys: tuple[str, ...] = Field(
        description="The reference keys that cite it; empty when it is no longer cited."
    )
    cited: bool = Field(description="Whether the bibliography still cites it.")
    snapshots: int = Field(description="How many captures the local archive holds.")
    newest: datetime | None = Field(description="When the newest capture was made.")
    newest_status: int | None = Field(description="The HTTP status of the newest capture.")
    mementos: int = Field(description="How many Wayback mementos are known.")
    newest_memento: Memento | None = Field(description="The newest known Wayback memento.")


class ArchiveList(Listing):
    """`claimcheck archive list --format json`: the cited sources in bibliography order, then
    the archived URLs no longer cited."""

    sources: tuple[ArchivedSource, ...]


class CaptureEntry(Printed):
    """One capture of a URL, as `claimcheck archive show` lists it."""

    captured_at: datetime
    target: str = Field(description="The address fetched (the cited URL's final address).")
    http_status: int
    judged: SourceStatus | None = Field(
        description="What its check judged the page: alive, or a failure answered with a "
        "2xx (dead: a soft 404; blocked: a sign-in page); null for a capture made before "
        "verdicts were kept."
    )
    content_type: str | None
    payload_digest: str = Field(description="The body's WARC-Payload-Digest (sha1, base32).")
    stored: Literal["new", "same-as-before"] = Field(
        description="new: a response record holding the body; same-as-before: a revisit "
        "record pointing at an identical body stored earlier."
    )
    truncated: bool = Field(description="The body cap cut the capture short.")
    text_chars: int | None = Field(description="The characters of text extracted, if any.")
    record_id: str = Field(description="The WARC-Record-ID of its response or revisit record.")
    warc_file: str = Field(description="The WARC file under .claimcheck/archive holding it.")
    offset: int = Field(description="The record's byte offset in that file.")
    length: int = Field(description="The record's length in bytes, compressed.")


class CaptureHistory(Listing):
    """`claimcheck archive show --format json`: one URL's captures and mementos, oldest first."""

    url: str
    captures: tuple[CaptureEntry, ...]
    mementos: tuple[Memento, ...]
