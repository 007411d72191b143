"""Frozen pydantic models: references, claims, evidence, findings and the report."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

REPORT_SCHEMA_VERSION: Literal["1"] = "1"
CLAIMS_FILE_VERSION = 1


class Frozen(BaseModel):
    """Base for every model: immutable, and strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Severity(StrEnum):
    """How much a finding matters, most severe first."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe, larger for milder."""
        return list(Severity).index(self)


class Stance(StrEnum):
    """What an evidence item does for its claim."""

    SUPPORTS = "supports"
    CONTEXTUALIZES = "contextualizes"
    REFUTES = "refutes"


class Location(Frozen):
    """Where something stands in an input file (lines and columns count from 1)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class Reference(Frozen):
    """One bibliography entry, with its fields as written and the ones claimcheck reads."""

    key: str
    entry_type: str
    fields: dict[str, str] = Field(
        description="Every field, names lower-cased, @string macros and # expanded."
    )
    field_lines: dict[str, int] = Field(
        default_factory=dict, description="The line each field starts on."
    )
    url: str | None = None
    doi: str | None = Field(default=None, description="The doi field as written.")
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    urldate: str | None = None
    file: str | None = None
    location: Location


class EvidenceEntry(Frozen):
    """One source backing a claim, as written in claims.yaml."""

    source: str = Field(min_length=1, description="A key in the bibliography.")
    quote: str | None = Field(
        default=None, min_length=1, description="Text the source should contain."
    )
    locator: str | None = Field(
        default=None, min_length=1, description="Where in the source: a page, a paragraph."
    )
    stance: Stance = Field(
        default=Stance.SUPPORTS, description="supports, contextualizes or refutes the claim."
    )


class ClaimEntry(Frozen):
    """One claim of the paper, as written in claims.yaml."""

    id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="A unique, stable name: letters, digits, '.', '_', ':' and '-'.",
    )
    text: str = Field(min_length=1, description="The claim, in one sentence.")
    section: str | None = Field(default=None, description="The paper's section that makes it.")
    tags: tuple[str, ...] = ()
    evidence: tuple[EvidenceEntry, ...] = ()


class ClaimsFile(Frozen):
    """The claims ledger file, claims.yaml."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        title="claimcheck claims ledger",
        json_schema_extra={"$id": "https://claimcheck.invalid/schemas/claims.schema.json"},
    )

    version: Literal[1] = Field(description="The ledger format's version.")
    claims: tuple[ClaimEntry, ...] = ()

    @field_validator("version", mode="before")
    @classmethod
    def _whole_number(cls, value: object) -> object:
        """Refuse ``true`` and ``1.0``, which a lax ``Literal[1]`` would take for 1."""
        if type(value) is not int:
            raise ValueError("Input should be the whole number 1")
        return value


class Evidence(EvidenceEntry):
    """An evidence item of a loaded ledger, with where it stands."""

    location: Location


class Claim(ClaimEntry):
    """A claim of a loaded ledger, with where it stands."""

    evidence: tuple[Evidence, ...] = ()
    location: Location


class Finding(Frozen):
    """One problem found in the inputs, coded the way linters number their rules."""

    code: str
    name: str
    severity: Severity
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    subject: str | None = Field(
        default=None, description="The reference key or claim id the finding is about."
    )


class SourceStatus(StrEnum):
    """What is known of a cited URL or DOI."""

    UNCHECKED = "unchecked"


class Source(Frozen):
    """One distinct URL or DOI cited by the bibliography, and what is known of it."""

    key: str = Field(description="The first reference key that cites it.")
    keys: tuple[str, ...] = Field(description="Every reference key that cites it.")
    kind: Literal["url", "doi"]
    url: str
    status: SourceStatus = SourceStatus.UNCHECKED
    reason: str | None = None


class ClaimStatus(StrEnum):
    """How well a claim is backed by its evidence."""

    UNVERIFIED = "unverified"
    UNSUPPORTED = "unsupported"


class ClaimResult(Frozen):
    """A claim in the report, with its evidence keys and status."""

    id: str
    text: str
    section: str | None
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    status: ClaimStatus
    file: str
    line: int | None


class Inputs(Frozen):
    """The files a report was made from."""

    bib: str
    claims: str


class Summary(Frozen):
    """Counts a reader wants first."""

    references: int
    claims: int
    evidence: int
    sources: int
    findings: dict[Severity, int]
    ignored_findings: int = 0


class Report(Frozen):
    """Everything `claimcheck verify` found, in the form every output format renders."""

    schema_version: Literal["1"] = REPORT_SCHEMA_VERSION
    tool: str = "claimcheck"
    tool_version: str
    generated_at: datetime
    inputs: Inputs
    summary: Summary
    findings: tuple[Finding, ...]
    claims: tuple[ClaimResult, ...]
    sources: tuple[Source, ...]
