"""A report and bibliography, built in code, that give the claims-to-sources table every
claim, source and quote status, every reason, each kind of archived copy and awkward text."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import cycle

from claimcheck.models import (
    ArchivedCopy,
    ClaimResult,
    ClaimStatus,
    Drift,
    EvidenceResult,
    Inputs,
    Location,
    Memento,
    QuoteStatus,
    Reason,
    Reference,
    Report,
    Snapshot,
    Source,
    SourceStatus,
    Stance,
    Summary,
)
from claimcheck.severity import Severity

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CAPTURED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
# Text each format must keep in its cell: its own markup, line breaks, other scripts.
AWKWARD = (
    "Pipes | and \"quotes\", <b>tags</b> & ampersands; LaTeX # $ % & ~ _ ^ \\ { } -- '' ,, `x`;\n"
    "a second line\r\nand a third; café, Łódź, naïve \u2013 “curly” — 北京的签证政策 — Ελλάδα — "
    "a tab\there, a bidi \u202eoverride\u202c, * _emphasis_ [link](x) $x$"
)
LONG_URL = "https://example.org/" + "/".join(
    f"segment-{n}_with~tilde%20and#hash" for n in range(12)
)
MEMENTO = "https://web.archive.org/web/20250304050607/https://example.org/a|b?q=1&r=2"


def references() -> tuple[Reference, ...]:
    """One reference per source, plus one with a DOI only."""
    found = [
        Reference(
            key=f"ref{index:02d}",
            entry_type="online",
            fields={},
            url=_url(index),
            title=AWKWARD if index == 0 else f"Title {index}: 50% of {{things}} & more",
            authors=("Müller, Jürgen", "李, 明") if index % 3 == 0 else ("Doe, Jane",),
            date="2024-05-01" if index % 2 else "circa 2019",
            location=Location(file="references.bib", line=index * 8 + 1),
        )
        for index in range(len(Reason))
    ]
    found.append(
        Reference(
            key="doionly",
            entry_type="article",
            fields={},
            doi="10.1000/xyz_123#4",
            title="A paper cited by its DOI alone",
            authors=("Roe, Richard",),
            date="2021",
            location=Location(file="references.bib", line=999),
        )
    )
    return tuple(found)


def _url(index: int) -> str:
    return LONG_URL if index == 1 else f"https://example.org/page-{index}?a=1&b=<{index}>"


def sources() -> tuple[Source, ...]:
    """A source per reason, the statuses taken in turn, with each kind of archived copy."""
    found = []
    statuses = cycle(SourceStatus)
    for index, reason in enumerate(Reason):
        update: dict[str, object] = {}
        if index == 2:
            update["rescue"] = ArchivedCopy(kind="wayback", captured_at=CAPTURED, url=MEMENTO)
        elif index == 5:
            update["memento"] = Memento(
                url=MEMENTO, captured_at=CAPTURED, original=_url(index), via="cdx"
            )
        elif index == 4:
            update["snapshot"] = Snapshot(
                captured_at=CAPTURED, url=_url(index), http_status=200, payload_digest="sha1:X"
            )
        source = Source(
            key=f"ref{index:02d}",
            keys=(f"ref{index:02d}",),
            kind="url",
            url=_url(index),
            status=next(statuses),
            reason=reason,
            checked_at=NOW,
        )
        found.append(source.model_copy(update=update))
    found.append(
        Source(
            key="doionly",
            keys=("doionly",),
            kind="doi",
            url="https://doi.org/10.1000/xyz_123#4",
            doi="10.1000/xyz_123#4",
            status=SourceStatus.ALIVE,
            reason=Reason.DOI_REGISTERED,
        )
    )
    return tuple(found)


def _item(index: int, key: str, quote_status: QuoteStatus | None) -> EvidenceResult:
    drift = None
    if quote_status is QuoteStatus.DRIFTED:
        drift = Drift(
            last_found=CAPTURED,
            first_missing=NOW,
            cite=ArchivedCopy(kind="local", captured_at=CAPTURED, url=_url(index)),
        )
    return EvidenceResult(
        source=key,
        quote=None if quote_status is None else (AWKWARD if index == 0 else f"quote {index}"),
        locator="p. 12\u201313" if index % 5 == 0 else None,
        stance=list(Stance)[index % len(Stance)],
        source_status=None,
        quote_status=quote_status,
        drift=drift,
    )


def claims() -> tuple[ClaimResult, ...]:
    """A claim per claim status sharing the sources' evidence among them, a claim without
    evidence, and one citing a key the bibliography lacks."""
    quote_statuses = cycle([*QuoteStatus, None])
    items = [_item(index, f"ref{index:02d}", next(quote_statuses)) for index in range(len(Reason))]
    items.append(_item(99, "doionly", QuoteStatus.FOUND))
    statuses = list(ClaimStatus)
    found = [
        ClaimResult(
            id=f"claim-{status.value}",
            text=AWKWARD if index == 0 else f"The claim that is {status.value}.",
            section="2. Results & {discussion}" if index % 2 else None,
            tags=("tag_one", "tag|two") if index == 0 else (),
            sources=tuple(dict.fromkeys(item.source for item in items[index :: len(statuses)])),
            status=status,
            evidence=tuple(items[index :: len(statuses)]),
            file="claims.yaml",
            line=index * 10 + 3,
        )
        for index, status in enumerate(statuses)
    ]
    found.append(
        ClaimResult(
            id="claim-without-evidence",
            text="A claim with no evidence yet.",
            section=None,
            tags=(),
            sources=(),
            status=ClaimStatus.UNSUPPORTED,
            file="claims.yaml",
            line=90,
        )
    )
    found.append(
        ClaimResult(
            id="claim-unknown-key",
            text="A claim citing a key the bibliography lacks.",
            section=None,
            tags=(),
            sources=("nokey",),
            status=ClaimStatus.UNVERIFIED,
            evidence=(_item(7, "nokey", QuoteStatus.UNCHECKED),),
            file="claims.yaml",
            line=95,
        )
    )
    return tuple(found)


def everything() -> Report:
    """The report whose table holds every status, reason and copy."""
    return Report(
        tool_version="0.0.0",
        generated_at=NOW,
        inputs=Inputs(bib=("references.bib",), claims="claims.yaml"),
        summary=Summary(
            references=len(Reason) + 1,
            claims=len(ClaimStatus) + 2,
            evidence=len(Reason) + 2,
            sources=len(Reason) + 1,
            findings=dict.fromkeys(Severity, 0),
        ),
        findings=(),
        claims=claims(),
        sources=sources(),
    )
