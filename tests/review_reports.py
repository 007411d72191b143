"""A report with every claim, quote and source status, and awkward text, with review extras.

Built in code with fixed times, for the review page's golden file and browser test. (The
export branch's tests/reports.py holds the EVERYTHING fixture shared by every format.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimcheck.models import (
    ArchivedCopy,
    ClaimResult,
    ClaimStatus,
    Difference,
    Drift,
    EvidenceResult,
    Excerpt,
    Inputs,
    Memento,
    QuoteStatus,
    Reason,
    Report,
    Snapshot,
    Source,
    SourceStatus,
    Stance,
    Summary,
)
from claimcheck.report.extras import CheckRecord, History, ReviewExtras, SourceText
from claimcheck.severity import Severity

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
AWKWARD = 'Pipes | and "quotes", # $ % & ~ _ ^ \\ { }, naïve 中文 <i>'
LONG_URL = "https://example.org/" + "/".join(f"segment-{n:03d}" for n in range(40)) + "?q=1&r=2"
PAGE_TEXT = (
    "Intro line.\n\nChina extends visa-free entry to 12 countries,\nthe foreign ministry said.\f"
    "Second page: foreign nationals made 8.91 million entries."
)

# (reference key, URL, status, reason, HTTP status)
_SOURCES = [
    ("alive", "https://news.example/visa", SourceStatus.ALIVE, Reason.OK, 200),
    ("dead", "https://gone.example/page", SourceStatus.DEAD, Reason.NOT_FOUND, 404),
    ("blocked", "https://wall.example/", SourceStatus.BLOCKED, Reason.BOT_CHALLENGE, 403),
    ("error", "https://broken.example/", SourceStatus.ERROR, Reason.SERVER_ERROR, 500),
    ("timeout", "https://slow.example/", SourceStatus.TIMEOUT, Reason.READ_TIMEOUT, None),
    ("invalid", "javascript:alert(1)", SourceStatus.INVALID, Reason.UNSUPPORTED_SCHEME, None),
    ("skipped", LONG_URL, SourceStatus.SKIPPED, Reason.EXCLUDED, None),
    (
        "unreachable",
        "https://far.example/",
        SourceStatus.UNREACHABLE,
        Reason.NETWORK_UNREACHABLE,
        None,
    ),
    ("unchecked", "https://later.example/", SourceStatus.UNCHECKED, Reason.NOT_CHECKED, None),
]


def snapshot(day: int = 0, digest: str = "SHA1:AAAA") -> Snapshot:
    return Snapshot(
        captured_at=T0 + timedelta(days=day),
        url="https://news.example/visa",
        http_status=200,
        content_type="text/html",
        payload_digest=digest,
        text_chars=len(PAGE_TEXT),
    )


def sources() -> tuple[Source, ...]:
    made = []
    for key, url, status, reason, http in _SOURCES:
        made.append(
            Source(
                key=key,
                keys=(key,),
                kind="url",
                url=url,
                status=status,
                reason=reason,
                http_status=http,
                detail=f"detail of {key}: {HOSTILE}" if key == "dead" else None,
                checked_at=T0 if status is not SourceStatus.UNCHECKED else None,
                snapshot=snapshot() if key == "alive" else None,
                memento=Memento(
                    url="https://web.archive.org/web/20260201/https://gone.example/page",
                    captured_at=T0 - timedelta(days=28),
                    original="https://gone.example/page",
                    http_status=200,
                    via="cdx",
                )
                if key == "dead"
                else None,
                failing_since=T0 - timedelta(days=3) if key == "dead" else None,
                failing_checks=4 if key == "dead" else 0,
            )
        )
    return tuple(made)


def item(
    source: str, quote: str | None, status: QuoteStatus | None, **more: object
) -> EvidenceResult:
    by_key = {key: status for key, _, status, _, _ in _SOURCES}
    fields: dict[str, object] = {
        "source": source,
        "quote": quote,
        "locator": None,
        "stance": Stance.SUPPORTS,
        "source_status": by_key.get(source),
        "quote_status": status,
        "line": 10,
    }
    fields.update(more)
    return EvidenceResult.model_validate(fields)


FOUND = Excerpt(
    before="Intro line. ",
    match="China extends visa-free entry to 12 countries,",
    after=" the foreign ministry said.",
)


def claims() -> tuple[ClaimResult, ...]:
    def claim(
        claim_id: str, status: ClaimStatus, *items: EvidenceResult, **more: object
    ) -> ClaimResult:
        fields: dict[str, object] = {
            "id": claim_id,
            "text": f"The claim {claim_id}.",
            "section": "2. Results",
            "tags": ("visa",),
            "sources": tuple(dict.fromkeys(i.source for i in items)),
            "status": status,
            "why": f"why {claim_id}",
            "evidence": items,
            "file": "claims.yaml",
            "line": 3,
        }
        fields.update(more)
        return ClaimResult.model_validate(fields)

    found = item(
        "alive",
        "China extends visa-free entry to 12 countries",
        QuoteStatus.FOUND,
        score=1.0,
        excerpt=FOUND,
        checked_in="live",
        snapshot=snapshot(),
    )
    return (
        claim("supported-1", ClaimStatus.SUPPORTED, found, text=f"Text {AWKWARD}"),
        claim(
            "at-risk-2",
            ClaimStatus.AT_RISK,
            item(
                "alive",
                "China extends visa free entry to twelve countries",
                QuoteStatus.FUZZY,
                score=0.91,
                excerpt=FOUND,
                checked_in="live",
                snapshot=snapshot(),
                locator="p. 1",
            ),
            item(
                "alive",
                "China extends visa-free entry to 12 countries",
                QuoteStatus.DRIFTED,
                score=1.0,
                excerpt=FOUND,
                checked_in="live",
                snapshot=snapshot(2, "SHA1:BBBB"),
                drift=Drift(
                    last_found=T0,
                    first_missing=T0 + timedelta(days=2),
                    cite=ArchivedCopy(
                        kind="local", captured_at=T0, url="https://news.example/visa"
                    ),
                ),
            ),
        ),
        claim(
            "broken-3",
            ClaimStatus.BROKEN,
            item(
                "alive",
                "Foreign nationals made 8.19 million entries",
                QuoteStatus.MISSING,
                score=0.88,
                closest=Excerpt(
                    before="Second page: ",
                    match="foreign nationals made 8.91 million entries.",
                    after="",
                ),
                differences=(Difference(quote="8.19", source="8.91", decisive=True),),
                checked_in="live",
                snapshot=snapshot(),
            ),
            item(
                "dead",
                HOSTILE,
                QuoteStatus.UNCHECKED,
                detail="the source is dead and the archive has no snapshot of it",
            ),
        ),
        claim(
            "contested-4",
            ClaimStatus.CONTESTED,
            found,
            item("error", None, None, stance=Stance.REFUTES),
        ),
        claim("unsupported-5", ClaimStatus.UNSUPPORTED, item("nokey", None, None), section=None),
        claim(
            "unverified-6",
            ClaimStatus.UNVERIFIED,
            *(item(key, None, None) for key, *_ in _SOURCES[2:]),
            tags=(),
            section=HOSTILE,
        ),
    )


def report() -> Report:
    made = claims()
    return Report(
        tool_version="0.0.0",
        generated_at=T0 + timedelta(hours=1),
        inputs=Inputs(bib=("references.bib",), claims="claims.yaml"),
        summary=Summary(
            references=len(_SOURCES) + 1,
            claims=len(made),
            evidence=sum(len(c.evidence) for c in made),
            sources=len(_SOURCES),
            findings={Severity.ERROR: 1, Severity.WARNING: 0, Severity.INFO: 0},
            source_statuses={status: 1 for _, _, status, _, _ in _SOURCES},
            claim_statuses=dict.fromkeys(ClaimStatus, 1),
            quote_statuses=dict.fromkeys(QuoteStatus, 1),
        ),
        findings=(),
        claims=made,
        sources=sources(),
    )


def extras() -> ReviewExtras:
    """Texts for the items searched in a capture, notes and histories, as gather_extras makes."""
    start = PAGE_TEXT.index("China")
    end = PAGE_TEXT.index("the foreign")
    whole = SourceText(
        text=PAGE_TEXT,
        marks=((start, end - 1),),
        marked="quote",
        captured_at=T0,
        url="https://news.example/visa",
        start=0,
        length=len(PAGE_TEXT),
    )
    closest_at = PAGE_TEXT.index("foreign nationals")
    cut = SourceText(
        text=PAGE_TEXT[closest_at - 13 :],
        marks=((13, 13 + len("foreign nationals made 8.91 million entries.")),),
        marked="closest",
        captured_at=T0,
        url="https://news.example/visa",
        start=closest_at - 13,
        length=len(PAGE_TEXT) + 5000,
    )
    checks = tuple(
        CheckRecord(
            checked_at=T0 - timedelta(days=day),
            status=SourceStatus.DEAD if day < 4 else SourceStatus.ALIVE,
            reason=Reason.NOT_FOUND if day < 4 else Reason.OK,
            http_status=404 if day < 4 else 200,
            detail=HOSTILE if day == 0 else None,
        )
        for day in range(6)
    )
    return ReviewExtras(
        texts={(0, 0): whole, (1, 0): whole, (1, 1): whole, (2, 0): cut, (3, 0): whole},
        text_notes={(2, 1): f"the capture searched has no text: {HOSTILE}"},
        histories={
            "https://news.example/visa": History(checks=checks[4:]),
            "https://gone.example/page": History(checks=checks[:4], older=2),
        },
        notes=(f"A note for the page: {HOSTILE}",),
    )
