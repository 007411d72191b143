"""Frozen pydantic models: references, claims, evidence, findings and the report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimcheck.severity import Severity

REPORT_SCHEMA_VERSION: Literal["2"] = "2"
# One set of field names for every instance given the same fields. Pydantic keeps, on each
# instance, the names of the fields it was given: a set of 5 names or more takes 728 bytes,
# more than the rest of a finding. A frozen model never adds to its own set, and model_copy
# adds to a copy of it, so instances may share one.
_FIELD_SETS: dict[frozenset[str], set[str]] = {}


def _shared(model: BaseModel) -> None:
    names = model.__pydantic_fields_set__
    key = frozenset(names)
    shared = _FIELD_SETS.get(key)
    if shared is None:
        shared = _FIELD_SETS[key] = set(key)
    object.__setattr__(model, "__pydantic_fields_set__", shared)


class Frozen(BaseModel):
    """Base for every model: immutable, strict about unknown keys, light on memory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of the fields given with every instance given the same ones."""
        _shared(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied (not validated), sharing its set of fields given."""
        copied = super().model_copy(update=update, deep=deep)
        _shared(copied)
        return copied


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
    """What is known of a cited URL or DOI: a closed set, each with its reasons."""

    ALIVE = "alive"
    DEAD = "dead"
    BLOCKED = "blocked"
    ERROR = "error"
    TIMEOUT = "timeout"
    INVALID = "invalid"
    SKIPPED = "skipped"
    UNREACHABLE = "unreachable"
    UNCHECKED = "unchecked"


class Reason(StrEnum):
    """Why a source has its status."""

    OK = "ok"
    ACCEPTED_STATUS = "accepted-status"
    DOI_REGISTERED = "doi-registered"
    NOT_FOUND = "not-found"
    GONE = "gone"
    SOFT_404_HOME_REDIRECT = "soft-404-home-redirect"
    SOFT_404_ERROR_URL = "soft-404-error-url"
    SOFT_404_TITLE = "soft-404-title"
    SOFT_404_CATCH_ALL = "soft-404-catch-all"
    CONTENT_REMOVED = "content-removed"
    DOMAIN_NOT_FOUND = "domain-not-found"
    DOI_NOT_FOUND = "doi-not-found"
    ACCESS_DENIED = "access-denied"
    RATE_LIMITED = "rate-limited"
    BOT_CHALLENGE = "bot-challenge"
    LOGIN_REQUIRED = "login-required"
    INTERSTITIAL = "interstitial"
    SERVER_ERROR = "server-error"
    UNEXPECTED_STATUS = "unexpected-status"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    CONNECTION_REFUSED = "connection-refused"
    CONNECTION_FAILED = "connection-failed"
    DNS_FAILED = "dns-failed"
    PROXY_FAILED = "proxy-failed"
    TLS_FAILED = "tls-failed"
    MALFORMED_RESPONSE = "malformed-response"
    DOI_RESOLVER_ERROR = "doi-resolver-error"
    CONNECT_TIMEOUT = "connect-timeout"
    READ_TIMEOUT = "read-timeout"
    TOTAL_TIMEOUT = "total-timeout"
    HOST_UNRESPONSIVE = "host-unresponsive"
    RUN_DEADLINE = "run-deadline"
    DNS_TIMEOUT = "dns-timeout"
    INVALID_URL = "invalid-url"
    EXCLUDED = "excluded"
    NOT_INCLUDED = "not-included"
    UNSUPPORTED_SCHEME = "unsupported-scheme"
    REDIRECT_UNSUPPORTED_SCHEME = "redirect-unsupported-scheme"
    REDIRECT_INVALID_URL = "redirect-invalid-url"
    PRIVATE_ADDRESS = "private-address"
    FORBIDDEN_ADDRESS = "forbidden-address"
    NETWORK_UNREACHABLE = "network-unreachable"
    NOT_CHECKED = "not-checked"
    NEVER_CHECKED = "never-checked"
    INTERNAL_ERROR = "internal-error"


class NoteCode(StrEnum):
    """Something worth knowing about a source that does not change its status."""

    PERMANENT_REDIRECT = "permanent-redirect"
    FRAGMENT_MISSING = "fragment-missing"
    INSECURE_TLS = "insecure-tls"
    BROWSER_HEADERS = "browser-headers"
    BODY_TRUNCATED = "body-truncated"
    BODY_CUT_SHORT = "body-cut-short"
    REFRESH_IGNORED = "refresh-ignored"


class Note(Frozen):
    """A remark on a source, e.g. that its URL moved permanently."""

    code: NoteCode
    message: str


class Hop(Frozen):
    """One step of a redirect chain: the URL asked for and the status it answered."""

    url: str
    status: int | None
    kind: Literal["http", "meta-refresh"] = "http"


class Snapshot(Frozen):
    """A local capture of a source, kept in the WARC archive under ``.claimcheck/archive``."""

    captured_at: datetime
    url: str = Field(description="The address captured (the cited URL's final address).")
    http_status: int
    content_type: str | None = None
    payload_digest: str = Field(description="The body's WARC-Payload-Digest (sha1, base32).")
    truncated: bool = Field(default=False, description="The body cap cut the capture short.")
    text_chars: int | None = Field(
        default=None, description="Characters of text extracted from it; null if none."
    )
    judged: SourceStatus | None = Field(
        default=None,
        description="What the check that made it judged the page: alive when it showed the "
        "page cited (not a sign-in, catch-all or error page); null if not recorded.",
    )

    def holds_the_page(self) -> bool:
        """Whether this capture is a copy of the page cited: a 2xx answer its check judged
        alive (or, made before verdicts were kept, any 2xx answer)."""
        return 200 <= self.http_status < 300 and self.judged in {None, SourceStatus.ALIVE}


class Memento(Frozen):
    """A capture of a source in a Wayback-compatible web archive."""

    url: str = Field(description="The memento's address, to cite as archiveurl.")
    captured_at: datetime
    original: str = Field(description="The address the archive captured.")
    http_status: int | None = None
    via: Literal["availability", "cdx", "save"] = Field(
        description="How it was found: an availability or CDX lookup, or a new capture."
    )


class ArchivedCopy(Frozen):
    """The best archived copy of a source that no longer answers: where, and from when."""

    kind: Literal["local", "wayback"]
    captured_at: datetime
    url: str = Field(description="The memento's address, or the local snapshot's address.")


class Source(Frozen):
    """One distinct URL or DOI cited by the bibliography, and what is known of it."""

    key: str = Field(description="The first reference key that cites it.")
    keys: tuple[str, ...] = Field(description="Every reference key that cites it.")
    kind: Literal["url", "doi"]
    url: str = Field(description="The URL as cited; for a DOI, its doi.org address.")
    doi: str | None = Field(default=None, description="The DOI, for kind doi.")
    status: SourceStatus = SourceStatus.UNCHECKED
    reason: Reason = Reason.NOT_CHECKED
    detail: str | None = Field(default=None, description="The evidence for the status, in words.")
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    checked_at: datetime | None = None
    elapsed_ms: int | None = None
    from_cache: bool = False
    notes: tuple[Note, ...] = ()
    failing_since: datetime | None = Field(
        default=None, description="When the current run of failed checks began."
    )
    failing_checks: int = Field(
        default=0, description="How many checks in a row have failed, this one included."
    )
    snapshot: Snapshot | None = Field(
        default=None, description="The newest local snapshot, when archiving is on."
    )
    memento: Memento | None = Field(
        default=None, description="The newest known Wayback memento, when one was looked up."
    )
    rescue: ArchivedCopy | None = Field(
        default=None, description="For a dead source, its best archived copy."
    )


class ClaimStatus(StrEnum):
    """How well a claim is backed by its evidence, rolled up from each item (see README)."""

    SUPPORTED = "supported"
    AT_RISK = "at-risk"
    BROKEN = "broken"
    CONTESTED = "contested"
    UNSUPPORTED = "unsupported"
    UNVERIFIED = "unverified"


class QuoteStatus(StrEnum):
    """Whether an evidence item's quote is in its source's text."""

    FOUND = "found"
    FUZZY = "fuzzy"
    MISSING = "missing"
    DRIFTED = "drifted"
    UNCHECKED = "unchecked"


class Excerpt(Frozen):
    """A passage of a source's text: the matched (or closest) part and its context."""

    before: str = Field(description="About 100 characters of text before the passage.")
    match: str = Field(description="The passage; an elided quote's parts joined by ' … '.")
    after: str = Field(description="About 100 characters of text after the passage.")
    page: str | None = Field(default=None, description="The PDF page it is on, when known.")


class Difference(Frozen):
    """Tokens that differ between a quote and the passage of its source closest to it."""

    quote: str
    source: str
    decisive: bool = Field(
        default=False,
        description="A number, unit, per cent, currency, date or negation: it changes the claim.",
    )


class Drift(Frozen):
    """A quote that an earlier snapshot of the source had and the current text lacks."""

    last_found: datetime = Field(description="The last snapshot that had the quote.")
    first_missing: datetime = Field(description="The first snapshot after it without the quote.")
    cite: ArchivedCopy = Field(description="The copy to cite instead: a memento or the snapshot.")


class EvidenceResult(Frozen):
    """An evidence item of a claim: its source, and whether the quote is still in it."""

    source: str = Field(description="The reference key.")
    quote: str | None
    locator: str | None
    stance: Stance
    source_status: SourceStatus | None = Field(
        description="What is known of the cited URL or DOI; null: no URL or DOI, or no key."
    )
    quote_status: QuoteStatus | None = Field(description="Null when the item has no quote.")
    score: float | None = Field(
        default=None,
        description="1 for found; the similarity of a fuzzy match or of the closest passage.",
    )
    excerpt: Excerpt | None = Field(
        default=None, description="Where the quote was found (for drifted: in the old snapshot)."
    )
    closest: Excerpt | None = Field(
        default=None, description="For a missing quote: the passage most like it."
    )
    differences: tuple[Difference, ...] = ()
    checked_in: str | None = Field(
        default=None,
        description="The text searched: live (captured in this run), the snapshot's time, "
        "or file (a local copy).",
    )
    snapshot: Snapshot | None = Field(default=None, description="The capture searched.")
    file: str | None = Field(default=None, description="The local copy searched.")
    drift: Drift | None = None
    detail: str | None = Field(
        default=None, description="In words: why unchecked, or a note (the page it is on)."
    )
    line: int | None = Field(default=None, description="The item's line in the claims ledger.")


class ClaimResult(Frozen):
    """A claim in the report, with its evidence and status."""

    id: str
    text: str
    section: str | None
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    status: ClaimStatus
    why: str | None = Field(default=None, description="What decided the status, in words.")
    evidence: tuple[EvidenceResult, ...] = ()
    file: str
    line: int | None


class Inputs(Frozen):
    """The files a report was made from: the bibliographies in the order they were read;
    ``claims`` is null in a bibliography-only run."""

    bib: tuple[str, ...]
    claims: str | None


class Summary(Frozen):
    """Counts a reader wants first."""

    references: int
    claims: int
    evidence: int
    sources: int
    findings: dict[Severity, int]
    ignored_findings: int = 0
    source_statuses: dict[SourceStatus, int] = Field(default_factory=dict)
    claim_statuses: dict[ClaimStatus, int] = Field(default_factory=dict)
    quote_statuses: dict[QuoteStatus, int] = Field(default_factory=dict)
    network_unreachable: bool = False


class Report(Frozen):
    """Everything `claimcheck verify` found, in the form every output format renders."""

    schema_version: Literal["2"] = REPORT_SCHEMA_VERSION
    tool: str = "claimcheck"
    tool_version: str
    generated_at: datetime
    inputs: Inputs
    summary: Summary
    findings: tuple[Finding, ...]
    claims: tuple[ClaimResult, ...]
    sources: tuple[Source, ...]
