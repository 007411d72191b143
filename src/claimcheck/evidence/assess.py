"""Each evidence item's quote looked for in its source's text: live, archived, or a local copy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claimcheck.archive.index import ArchiveIndex, CaptureRow, Payload
from claimcheck.evidence.claims import base_result, unchecked
from claimcheck.evidence.local import LocalText, local_text
from claimcheck.evidence.lookup import PageSearch, search_pages, strength
from claimcheck.evidence.match import Match, Verdict, excerpt
from claimcheck.evidence.normalise import Normalised, normalise
from claimcheck.models import (
    ArchivedCopy,
    Difference,
    Drift,
    Evidence,
    EvidenceResult,
    Excerpt,
    QuoteStatus,
    Reason,
    Reference,
    Snapshot,
    Source,
    SourceStatus,
)

# Characters of context shown either side of a matched passage.
CONTEXT = 100
_ALIVE_HTTP = range(200, 300)
# A memento this close to the snapshot that had a quote is proposed in its place.
_SAME_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Found:
    """A quote looked for in one text: where (the page search), in which capture or file."""

    search: PageSearch
    text: Normalised
    checked_in: str
    snapshot: Snapshot | None = None
    file: str | None = None

    @property
    def match(self) -> Match:
        """The passage found, or the closest one."""
        return self.search.match


class QuoteJudge:
    """Judges evidence items by their quotes, with the texts of one run read once each."""

    def __init__(
        self,
        archive: ArchiveIndex | None,
        read_local: Callable[[Reference], LocalText | None] | None = None,
    ):
        self._texts = _Texts(archive)
        self._read_local = read_local or read_local_copy

    def __call__(
        self, item: Evidence, reference: Reference | None, source: Source | None
    ) -> EvidenceResult:
        """The item with its quote looked for in its source's texts."""
        base = base_result(item, source)
        if item.quote is None or reference is None:
            return base
        return _assess(
            item.quote, item.locator, reference, source, base, self._texts, self._read_local
        )


def _assess(
    quote: str,
    locator: str | None,
    reference: Reference,
    source: Source | None,
    base: EvidenceResult,
    texts: _Texts,
    read_local: Callable[[Reference], LocalText | None],
) -> EvidenceResult:
    problems: list[str] = []
    found: list[_Found] = []
    current = None
    if source is not None and source.kind == "url":
        current = texts.current(source)
        if current is None:
            problems.append(_no_capture(source, texts.has_archive))
        elif current.text is None:
            problems.append(f"the capture of {current.when} has no text: {current.problem}")
        else:
            found.append(_search(quote, locator, current, texts))
    elif source is not None:
        problems.append(
            "a DOI is checked with its resolver, not read: a file field with a "
            "local copy lets its quotes be checked"
        )
    local = read_local(reference)
    if local is not None and local.text is None:
        problems.append(f"the local copy has no text to search: {local.problem}")
    elif local is not None and local.text is not None:
        normalised = texts.normalised(f"file:{local.path}", local.text)
        search = search_pages(quote, locator, normalised, local.page_labels)
        found.append(_Found(search, normalised, "file", file=str(local.path)))
    if source is None and local is None:
        problems.append("the reference has no URL and no local copy (file field) to search")
    best = _best(found)
    if best is None:
        return unchecked(base, "; ".join(problems) or "no text to search")
    if best.match.verdict is Verdict.MISSING and best.snapshot and best.snapshot.truncated:
        # The rest of the page, never read (the body cap, or a connection that closed
        # mid-body), may hold the quote: missing is not known.
        return unchecked(
            base,
            f"the quote is not in the part of the page that was read (the {best.checked_in} "
            "capture was cut short): the rest was not checked",
        )
    result = _result(base, best)
    if best.match.verdict is Verdict.MISSING and current is not None and source is not None:
        drift = texts.drift(source, quote, locator, current)
        if drift is not None:
            return _drifted(result, *drift)
    return result


def _best(found: list[_Found]) -> _Found | None:
    """The text that backs the quote best: found, then fuzzy (best score), then missing."""
    if not found:
        return None
    return max(found, key=lambda f: strength(f.match))


def _result(base: EvidenceResult, best: _Found) -> EvidenceResult:
    match = best.match
    status = {
        Verdict.FOUND: QuoteStatus.FOUND,
        Verdict.FUZZY: QuoteStatus.FUZZY,
        Verdict.MISSING: QuoteStatus.MISSING,
    }[match.verdict]
    passage = _excerpt(best, match.spans) if match.spans else None
    return base.model_copy(
        update={
            "quote_status": status,
            "score": round(match.score, 3) if match.score is not None else None,
            "excerpt": passage if status is not QuoteStatus.MISSING else None,
            "closest": passage if status is QuoteStatus.MISSING else None,
            "differences": tuple(
                Difference(quote=q, source=s, decisive=match.decisive) for q, s in match.differences
            ),
            "checked_in": best.checked_in,
            "snapshot": best.snapshot,
            "file": best.file,
            "detail": best.search.note,
        }
    )


def _excerpt(found: _Found, spans: tuple[tuple[int, int], ...]) -> Excerpt:
    before, match, after = excerpt(found.text, spans, CONTEXT)
    page = found.search.page_of(spans[0][0])
    return Excerpt(before=before, match=match, after=after, page=page)


def _drifted(
    result: EvidenceResult, had: _Found, missing_since: datetime, cite: ArchivedCopy
) -> EvidenceResult:
    assert had.snapshot is not None
    return result.model_copy(
        update={
            "quote_status": QuoteStatus.DRIFTED,
            "excerpt": _excerpt(had, had.match.spans),
            "score": round(had.match.score, 3) if had.match.score is not None else None,
            "drift": Drift(
                last_found=had.snapshot.captured_at, first_missing=missing_since, cite=cite
            ),
        }
    )


def _no_capture(source: Source, has_archive: bool) -> str:
    if not has_archive:
        return "no snapshot to search: the project has no archive yet"
    if source.reason is Reason.ACCEPTED_STATUS:
        return (
            f"HTTP {source.http_status} counts as alive by an accept rule, but such an answer "
            "is no copy of the page, and the archive has no earlier one"
        )
    if source.status is SourceStatus.ALIVE:
        return (
            "no snapshot to search: archiving was off (--no-archive) when it was checked, "
            "and none was kept before"
        )
    if source.status is SourceStatus.UNCHECKED:
        return "not checked in this run (offline), and the archive has no snapshot of it"
    return f"the source is {source.status.value} and the archive has no snapshot of it"


def _search(quote: str, locator: str | None, capture: _Capture, texts: _Texts) -> _Found:
    assert capture.text is not None
    normalised = texts.normalised(capture.digest, capture.text)
    search = search_pages(quote, locator, normalised, None)
    return _Found(search, normalised, capture.when, snapshot=capture.snapshot)


@dataclass(frozen=True)
class _Capture:
    """A capture of a source with its text (None, and a problem, when it has none)."""

    digest: str
    when: str
    snapshot: Snapshot
    text: str | None
    problem: str | None
    # Every capture of its URL, oldest first, and its own place among them.
    history: list[CaptureRow]
    position: int


class _Texts:
    """The archive's captures and their normalised texts, each read and normalised once."""

    def __init__(self, archive: ArchiveIndex | None):
        self._archive = archive
        self._normalised: dict[str, Normalised] = {}
        self._payloads: dict[str, Payload | None] = {}

    @property
    def has_archive(self) -> bool:
        return self._archive is not None

    def normalised(self, key: str, text: str) -> Normalised:
        found = self._normalised.get(key)
        if found is None:
            found = self._normalised[key] = normalise(text)
        return found

    def current(self, source: Source) -> _Capture | None:
        """The capture to search: the one this run made, if the source answered; else the
        newest page kept before (a dead link's answer today may be its error page)."""
        if self._archive is None:
            return None
        captures = self._archive.captures(source.url)
        ours = _this_runs_capture(source, captures)
        if (
            ours is not None
            and source.status is SourceStatus.ALIVE
            and captures[ours].http_status in _ALIVE_HTTP
        ):
            return self._capture(captures, ours, "live")
        before = len(captures) if ours is None else ours
        for position in reversed(range(before)):
            capture = captures[position]
            if capture.snapshot().holds_the_page():
                return self._capture(captures, position, moment(capture.captured_at))
        return None

    def drift(
        self, source: Source, quote: str, locator: str | None, current: _Capture
    ) -> tuple[_Found, datetime, ArchivedCopy] | None:
        """The last earlier capture that had the quote, when the first one after it lacked it,
        and the copy to cite instead; None when no earlier capture has it."""
        missing_since = current.snapshot.captured_at
        for position in reversed(range(current.position)):
            capture = current.history[position]
            if not capture.snapshot().holds_the_page():
                continue
            if capture.payload_digest == current.digest:
                missing_since = capture.captured_at
                continue
            candidate = self._capture(current.history, position, moment(capture.captured_at))
            if candidate.text is None:
                continue
            found = _search(quote, locator, candidate, self)
            if found.match.verdict is Verdict.MISSING:
                missing_since = capture.captured_at
                continue
            return found, missing_since, self._citation(source.url, candidate, missing_since)
        return None

    def _citation(self, url: str, had: _Capture, missing_since: datetime) -> ArchivedCopy:
        """The copy to cite: a Wayback memento of the day the snapshot had the quote (before
        it was seen gone), which readers can open; else that snapshot, which has it."""
        assert self._archive is not None
        when = had.snapshot.captured_at
        mementos = [
            m
            for m in self._archive.mementos(url)
            if abs(m.captured_at - when) <= _SAME_DAY
            and m.captured_at < missing_since
            and (m.http_status is None or m.http_status in _ALIVE_HTTP)
        ]
        if mementos:
            nearest = min(mementos, key=lambda m: abs(m.captured_at - when))
            return ArchivedCopy(kind="wayback", captured_at=nearest.captured_at, url=nearest.url)
        return ArchivedCopy(kind="local", captured_at=when, url=had.snapshot.url)

    def _capture(self, history: list[CaptureRow], position: int, when: str) -> _Capture:
        assert self._archive is not None
        capture = history[position]
        digest = capture.payload_digest
        if digest not in self._payloads:
            self._payloads[digest] = self._archive.payload(digest, with_text=True)
        payload = self._payloads[digest]
        snapshot = capture.snapshot()
        if payload is None:
            problem = "its body is not in the archive"
            return _Capture(digest, when, snapshot, None, problem, history, position)
        return _Capture(digest, when, snapshot, payload.text, payload.problem, history, position)


def _this_runs_capture(source: Source, captures: list[CaptureRow]) -> int | None:
    """The place among ``captures`` of the one this run made of ``source``, if it made one:
    a source checked now carries the snapshot archived with its check, of the same second."""
    snapshot = source.snapshot
    if snapshot is None or source.from_cache or snapshot.captured_at != source.checked_at:
        return None
    for position in reversed(range(len(captures))):
        capture = captures[position]
        if (capture.payload_digest, capture.captured_at) == (
            snapshot.payload_digest,
            snapshot.captured_at,
        ):
            return position
    return None


def moment(when: datetime) -> str:
    """A capture's time as the JSON report writes times: ``2026-12-02T03:28:30Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_local_copy(reference: Reference) -> LocalText | None:
    """The text of a reference's local copy (its ``file`` field), read relative to its
    bibliography's folder; None when it names no local file."""
    if not reference.file:
        return None
    return local_text(reference.file, Path(reference.location.file).parent)
