"""EVERYTHING: a report built in code that holds every status, reason and finding code.

Every output format is tested on it (golden files), so that a format meeting a status or a
character it never met before fails here and not in a user's CI. Its texts are awkward on
purpose: pipes, newlines, quotes, <>&, LaTeX specials, control characters, non-ASCII and
CJK, a very long URL. Times are fixed. `test_everything_has_every_status_reason_and_code`
fails when a new status, reason or rule is added and not given a place here.
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
    Finding,
    Hop,
    Inputs,
    Location,
    Memento,
    Note,
    NoteCode,
    QuoteStatus,
    Reason,
    Report,
    Snapshot,
    Source,
    SourceStatus,
    Stance,
    Summary,
)
from claimcheck.rules import RULES
from claimcheck.severity import Severity

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
BIB, CLAIMS = "references.bib", "claims.yaml"
# Text that breaks naive escaping in every format at once.
AWKWARD = (
    'a | pipe, a "quote", <b>tags</b> & ampersands,\nnew lines, LaTeX # $ % & ~ _ ^ \\ { }, '
    "`ticks`, *stars*, [links](x), @someone, naïve café, 中文 비자, a tab\tand a bell \x07"
)
LONG_URL = "https://example.org/" + "very-long-path-segment/" * 20 + "?q=a|b&c=<d>#frag"

# The status each reason goes with (README, Link checking).
STATUS_OF: dict[Reason, SourceStatus] = {
    Reason.OK: SourceStatus.ALIVE,
    Reason.ACCEPTED_STATUS: SourceStatus.ALIVE,
    Reason.DOI_REGISTERED: SourceStatus.ALIVE,
    Reason.NOT_FOUND: SourceStatus.DEAD,
    Reason.GONE: SourceStatus.DEAD,
    Reason.SOFT_404_HOME_REDIRECT: SourceStatus.DEAD,
    Reason.SOFT_404_ERROR_URL: SourceStatus.DEAD,
    Reason.SOFT_404_TITLE: SourceStatus.DEAD,
    Reason.SOFT_404_CATCH_ALL: SourceStatus.DEAD,
    Reason.CONTENT_REMOVED: SourceStatus.DEAD,
    Reason.DOMAIN_NOT_FOUND: SourceStatus.DEAD,
    Reason.DOI_NOT_FOUND: SourceStatus.DEAD,
    Reason.ACCESS_DENIED: SourceStatus.BLOCKED,
    Reason.RATE_LIMITED: SourceStatus.BLOCKED,
    Reason.BOT_CHALLENGE: SourceStatus.BLOCKED,
    Reason.LOGIN_REQUIRED: SourceStatus.BLOCKED,
    Reason.INTERSTITIAL: SourceStatus.BLOCKED,
    Reason.SERVER_ERROR: SourceStatus.ERROR,
    Reason.UNEXPECTED_STATUS: SourceStatus.ERROR,
    Reason.REDIRECT_LOOP: SourceStatus.ERROR,
    Reason.TOO_MANY_REDIRECTS: SourceStatus.ERROR,
    Reason.CONNECTION_REFUSED: SourceStatus.ERROR,
    Reason.CONNECTION_FAILED: SourceStatus.ERROR,
    Reason.DNS_FAILED: SourceStatus.ERROR,
    Reason.PROXY_FAILED: SourceStatus.ERROR,
    Reason.TLS_FAILED: SourceStatus.ERROR,
    Reason.MALFORMED_RESPONSE: SourceStatus.ERROR,
    Reason.DOI_RESOLVER_ERROR: SourceStatus.ERROR,
    Reason.REDIRECT_UNSUPPORTED_SCHEME: SourceStatus.ERROR,
    Reason.REDIRECT_INVALID_URL: SourceStatus.ERROR,
    Reason.INTERNAL_ERROR: SourceStatus.ERROR,
    Reason.CONNECT_TIMEOUT: SourceStatus.TIMEOUT,
    Reason.READ_TIMEOUT: SourceStatus.TIMEOUT,
    Reason.TOTAL_TIMEOUT: SourceStatus.TIMEOUT,
    Reason.HOST_UNRESPONSIVE: SourceStatus.TIMEOUT,
    Reason.RUN_DEADLINE: SourceStatus.TIMEOUT,
    Reason.DNS_TIMEOUT: SourceStatus.TIMEOUT,
    Reason.INVALID_URL: SourceStatus.INVALID,
    Reason.EXCLUDED: SourceStatus.SKIPPED,
    Reason.NOT_INCLUDED: SourceStatus.SKIPPED,
    Reason.UNSUPPORTED_SCHEME: SourceStatus.SKIPPED,
    Reason.PRIVATE_ADDRESS: SourceStatus.SKIPPED,
    Reason.FORBIDDEN_ADDRESS: SourceStatus.SKIPPED,
    Reason.NETWORK_UNREACHABLE: SourceStatus.UNREACHABLE,
    Reason.NOT_CHECKED: SourceStatus.UNCHECKED,
    Reason.NEVER_CHECKED: SourceStatus.UNCHECKED,
}
_SOURCE_RULE = {
    SourceStatus.DEAD: "CC501",
    SourceStatus.BLOCKED: "CC502",
    SourceStatus.ERROR: "CC503",
    SourceStatus.TIMEOUT: "CC504",
    SourceStatus.SKIPPED: "CC508",
}


def _key(reason: Reason) -> str:
    return reason.value.replace("-", "")


def _url(reason: Reason) -> str:
    if reason is Reason.SOFT_404_CATCH_ALL:
        return LONG_URL
    if reason is Reason.UNSUPPORTED_SCHEME:
        return "ftp://ftp.example.org/pub/file.txt"
    if reason is Reason.INVALID_URL:
        return "htp://example.org/a b"
    return f"https://{_key(reason)}.example.org/page?x=1&y=2"


def _source(index: int, reason: Reason) -> Source:
    status = STATUS_OF[reason]
    key = _key(reason)
    doi = reason in {Reason.DOI_REGISTERED, Reason.DOI_NOT_FOUND, Reason.DOI_RESOLVER_ERROR}
    checked = status not in {SourceStatus.UNCHECKED, SourceStatus.INVALID, SourceStatus.SKIPPED}
    captured = NOW - timedelta(days=400)
    snapshot = Snapshot(
        captured_at=captured,
        url=_url(reason),
        http_status=200,
        content_type="text/html; charset=utf-8",
        payload_digest="sha1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        text_chars=1234,
    )
    return Source(
        key=key,
        keys=(key, f"{key}-again") if reason is Reason.OK else (key,),
        kind="doi" if doi else "url",
        url=f"https://doi.org/10.1234/{key}" if doi else _url(reason),
        doi=f"10.1234/{key}" if doi else None,
        status=status,
        reason=reason,
        detail=AWKWARD if reason is Reason.NOT_FOUND else f"{reason.value}, as the check saw it",
        http_status=404 if status is SourceStatus.DEAD else (200 if checked else None),
        final_url=_url(reason) if checked else None,
        redirects=(Hop(url="http://old.example.org/", status=301),) if index % 3 == 0 else (),
        checked_at=NOW - timedelta(minutes=index) if checked else None,
        elapsed_ms=100 + index if checked else None,
        from_cache=index % 5 == 0,
        notes=(
            tuple(Note(code=code, message=f"{code.value}: {AWKWARD}") for code in NoteCode)
            if reason is Reason.OK
            else ()
        ),
        failing_since=NOW - timedelta(days=3) if status is SourceStatus.DEAD else None,
        failing_checks=2 if status is SourceStatus.DEAD else 0,
        snapshot=snapshot if status in {SourceStatus.ALIVE, SourceStatus.DEAD} else None,
        memento=(
            Memento(
                url=f"https://web.archive.org/web/20250101000000/{_url(reason)}",
                captured_at=datetime(2025, 1, 1, tzinfo=UTC),
                original=_url(reason),
                http_status=200,
                via="cdx",
            )
            if status is SourceStatus.DEAD
            else None
        ),
        rescue=(
            ArchivedCopy(kind="local", captured_at=captured, url=_url(reason))
            if reason is Reason.NOT_FOUND
            else None
        ),
    )


SOURCES = tuple(_source(index, reason) for index, reason in enumerate(Reason))
_BY_REASON = {source.reason: source for source in SOURCES}


_SCORES: dict[QuoteStatus | None, float] = {
    QuoteStatus.FOUND: 1.0,
    QuoteStatus.FUZZY: 0.93,
    QuoteStatus.MISSING: 0.41,
}


def _excerpt(match: str) -> Excerpt:
    return Excerpt(before="text | before\nit, ", match=match, after=" & <after> it", page="12")


def _evidence(
    reason: Reason,
    quote_status: QuoteStatus | None,
    *,
    stance: Stance = Stance.SUPPORTS,
    line: int = 10,
) -> EvidenceResult:
    source = _BY_REASON[reason]
    quote = None if quote_status is None else f"the quote: {AWKWARD}"
    found = quote_status in {QuoteStatus.FOUND, QuoteStatus.FUZZY}
    return EvidenceResult(
        source=source.key,
        quote=quote,
        locator="p. 12 | §3" if quote else None,
        stance=stance,
        source_status=source.status,
        quote_status=quote_status,
        score=_SCORES.get(quote_status),
        excerpt=_excerpt("the quote, as found")
        if found or quote_status is QuoteStatus.DRIFTED
        else None,
        closest=_excerpt("a passage like it") if quote_status is QuoteStatus.MISSING else None,
        differences=(
            (
                Difference(quote="48.8%", source="4.88%", decisive=True),
                Difference(quote="a", source=""),
            )
            if quote_status in {QuoteStatus.FUZZY, QuoteStatus.MISSING}
            else ()
        ),
        checked_in="live" if found else ("2025-10-30T00:00:00Z" if quote else None),
        snapshot=source.snapshot,
        file="papers/local copy | 中文.pdf" if quote_status is QuoteStatus.FOUND else None,
        drift=(
            Drift(
                last_found=NOW - timedelta(days=300),
                first_missing=NOW - timedelta(days=30),
                cite=ArchivedCopy(
                    kind="wayback",
                    captured_at=NOW - timedelta(days=300),
                    url=f"https://web.archive.org/web/2025/{source.url}",
                ),
            )
            if quote_status is QuoteStatus.DRIFTED
            else None
        ),
        detail=AWKWARD if quote_status is QuoteStatus.UNCHECKED else None,
        line=line,
    )


def _claim(
    number: int, status: ClaimStatus, evidence: tuple[EvidenceResult, ...], why: str | None
) -> ClaimResult:
    return ClaimResult(
        id=f"claim-{number}-{status.value}",
        text=f"Claim {number} is {status.value}: {AWKWARD}",
        section="2. Results | \u2018Findings\u2019 & <more>",
        tags=("tag|one", "中文"),
        sources=tuple(item.source for item in evidence),
        status=status,
        why=why,
        evidence=evidence,
        file=CLAIMS,
        line=number * 10,
    )


CLAIM_RESULTS = (
    _claim(
        1,
        ClaimStatus.BROKEN,
        (_evidence(Reason.OK, QuoteStatus.MISSING), _evidence(Reason.NOT_FOUND, None)),
        "a quote is missing from its source",
    ),
    _claim(2, ClaimStatus.AT_RISK, (_evidence(Reason.OK, QuoteStatus.FUZZY),), "a fuzzy quote"),
    _claim(3, ClaimStatus.AT_RISK, (_evidence(Reason.OK, QuoteStatus.DRIFTED),), AWKWARD),
    _claim(
        4,
        ClaimStatus.CONTESTED,
        (_evidence(Reason.OK, QuoteStatus.FOUND, stance=Stance.REFUTES),),
        "refuting evidence holds",
    ),
    _claim(5, ClaimStatus.UNSUPPORTED, (), "no evidence"),
    _claim(
        6,
        ClaimStatus.UNVERIFIED,
        (_evidence(Reason.READ_TIMEOUT, QuoteStatus.UNCHECKED),),
        "a source timed out",
    ),
    _claim(
        7,
        ClaimStatus.SUPPORTED,
        (
            _evidence(Reason.OK, QuoteStatus.FOUND),
            _evidence(Reason.DOI_REGISTERED, None, stance=Stance.CONTEXTUALIZES),
        ),
        None,
    ),
)


# The claim (by number) each claim finding is about.
_CLAIM_OF = {
    "CC101": 1,
    "CC103": 5,
    "CC104": 7,
    "CC105": 7,
    "CC106": 2,
    "CC601": 1,
    "CC602": 2,
    "CC603": 4,
}


def _finding(index: int, code: str) -> Finding:
    """A finding of rule ``code``, where such a finding stands."""
    rule = next(rule for rule in RULES if rule.code == code)
    if code in _CLAIM_OF:
        claim = CLAIM_RESULTS[_CLAIM_OF[code] - 1]
        subject, where = claim.id, Location(file=CLAIMS, line=claim.line, column=5)
    elif code in _SOURCE_RULE.values() or code in {"CC505", "CC506", "CC507"}:
        status = next((s for s, c in _SOURCE_RULE.items() if c == code), SourceStatus.ALIVE)
        source = next(source for source in SOURCES if source.status is status)
        subject, where = source.key, Location(file=BIB, line=100 + index)
    elif code == "CC204":
        subject, where = None, Location(file=BIB, line=3, column=1)
    else:
        subject, where = f"ref{index}", Location(file=BIB, line=20 + index)
    message = f"{rule.summary} ({subject}): {AWKWARD}" if code == "CC501" else rule.summary
    return rule.finding(message, where, subject=subject)


FINDINGS = tuple(_finding(index, rule.code) for index, rule in enumerate(RULES))


def _count(values: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


EVERYTHING = Report(
    tool_version="0.0.0-test",
    generated_at=NOW,
    inputs=Inputs(bib=(BIB, "more | 中文.bib"), claims=CLAIMS),
    summary=Summary(
        references=len(SOURCES) + 3,
        claims=len(CLAIM_RESULTS),
        evidence=sum(len(claim.evidence) for claim in CLAIM_RESULTS),
        sources=len(SOURCES),
        findings={
            Severity(severity): count
            for severity, count in _count([f.severity.value for f in FINDINGS]).items()
        },
        ignored_findings=2,
        source_statuses={
            SourceStatus(status): count
            for status, count in _count([s.status.value for s in SOURCES]).items()
        },
        claim_statuses={
            ClaimStatus(status): count
            for status, count in _count([c.status.value for c in CLAIM_RESULTS]).items()
        },
        quote_statuses={
            QuoteStatus(status): count
            for status, count in _count(
                [e.quote_status.value for c in CLAIM_RESULTS for e in c.evidence if e.quote_status]
            ).items()
        },
        network_unreachable=True,
    ),
    findings=FINDINGS,
    claims=CLAIM_RESULTS,
    sources=SOURCES,
)
