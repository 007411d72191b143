"""Findings for what the link check found, placed at the url or doi field that cites each source."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from claimcheck.identifiers import unfetchable
from claimcheck.load.bib import Cited
from claimcheck.models import Finding, Location, NoteCode, Reason, Source, SourceStatus
from claimcheck.rules import rule

_STATUS_RULES = {
    SourceStatus.DEAD: "source-dead",
    SourceStatus.BLOCKED: "source-blocked",
    SourceStatus.ERROR: "source-error",
    SourceStatus.TIMEOUT: "source-timeout",
    SourceStatus.SKIPPED: "source-skipped",
    # Lint says it first when it can (linted below); the rest only the HTTP client refuses.
    SourceStatus.INVALID: "url-malformed",
}
# Sources left out by the user's own choice (--exclude, --include): no finding.
_CHOSEN = frozenset({Reason.EXCLUDED, Reason.NOT_INCLUDED})
_NOTE_RULES = {
    NoteCode.PERMANENT_REDIRECT: "url-moved",
    NoteCode.INSECURE_TLS: "insecure-tls",
    NoteCode.FRAGMENT_MISSING: "fragment-missing",
}


def source_findings(sources: Iterable[Source], bibliography: Cited) -> Iterator[Finding]:
    """One finding per citing reference for each source that is not simply alive.

    A cited URL that lint finds invalid or of a scheme claimcheck does not fetch has none: the
    lint finding at the same url field (url-malformed, url-scheme-typo, ...) says it already.
    """
    references = bibliography.by_key()
    for source in sources:
        for key in source.keys:
            reference = references.get(key)
            if reference is None:
                continue
            line = reference.field_lines.get(
                "doi" if source.kind == "doi" else "url", reference.location.line
            )
            where = Location(file=reference.location.file, line=line)
            yield from _findings(source, key, where)


def _findings(source: Source, key: str, where: Location) -> Iterator[Finding]:
    name = _STATUS_RULES.get(source.status)
    linted = unfetchable(source.url) is not None
    if name is not None and source.reason not in _CHOSEN and not linted:
        yield rule(name).finding(
            f"{key!r}: {source.url} is {source.status.value} ({source.reason.value}): "
            f"{source.detail}{_history(source)}{_rescue(source)}",
            where,
            subject=key,
        )
    for note in source.notes:
        note_rule = _NOTE_RULES.get(note.code)
        if note_rule is not None:
            yield rule(note_rule).finding(f"{key!r}: {note.message}", where, subject=key)


def _history(source: Source) -> str:
    if source.failing_since is None or source.failing_checks < 2:
        return ""
    return (
        f"; {source.status.value} since {source.failing_since.date().isoformat()}, "
        f"{source.failing_checks} checks"
    )


def _rescue(source: Source) -> str:
    copy = source.rescue
    if copy is None:
        return ""
    where = copy.url if copy.kind == "wayback" else f"local snapshot of {copy.url}"
    return f"; archived copy {copy.captured_at.date().isoformat()}: {where}"
