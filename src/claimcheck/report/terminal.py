"""The terminal report: summary, findings by severity, and the claims table, drawn with rich."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from io import StringIO
from typing import TYPE_CHECKING

from rich.color import ColorSystem
from rich.console import Console, Group, RenderableType
from rich.text import Text

from claimcheck.models import (
    Finding,
    Reason,
    Report,
    Source,
    SourceStatus,
)
from claimcheck.report import RenderOptions
from claimcheck.report.claims import print_claims, status_counts
from claimcheck.report.layout import longest_word, shorten_url, table_room, widest
from claimcheck.report.rows import Row, line_of, table_text
from claimcheck.severity import Severity
from claimcheck.visible import visible

if TYPE_CHECKING:
    from rich.table import Table

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}
_SOURCE_STYLE = {
    SourceStatus.ALIVE: "green",
    SourceStatus.DEAD: "bold red",
    SourceStatus.BLOCKED: "yellow",
    SourceStatus.ERROR: "red",
    SourceStatus.TIMEOUT: "yellow",
    SourceStatus.UNREACHABLE: "yellow",
}
_SAYS_STATUS = frozenset({Reason.OK, Reason.NOT_FOUND, Reason.GONE, Reason.ACCESS_DENIED})
# Keys this long show whole in a sources table 80 columns wide (most BibTeX keys are shorter).
_KEY_WHOLE = 16
# More alive sources than this, and the sources table lists only those needing attention.
LISTED_ALIVE = 50
# What the summary line says of a run without a claims ledger.
BIBLIOGRAPHY_ONLY = "no claims ledger: bibliography only"


class TerminalFormat:
    """``--format terminal``: for people reading a terminal or a CI log."""

    name = "terminal"

    def render(self, report: Report, options: RenderOptions) -> str:
        """The report as text, coloured with ANSI codes when ``options.color`` is set."""
        buffer = StringIO()
        console = Console(
            file=buffer,
            width=options.width,
            force_terminal=options.color,
            no_color=not options.color,
            color_system="standard" if options.color else None,
            highlight=False,
            emoji=False,
            legacy_windows=False,
        )
        colors = ColorSystem.STANDARD if options.color else None
        console.print(summary_line(report, claims=options.claims), soft_wrap=True)
        findings = report.findings
        if options.quiet:
            findings = tuple(f for f in findings if f.severity in options.failing)
        for part in _findings(findings):
            texts = part.renderables if isinstance(part, Group) else [part]
            lines = [line_of(text, console, colors) for text in texts if isinstance(text, Text)]
            if len(lines) == len(texts) and all(lines):
                buffer.write("".join(line for line in lines if line))
            else:
                console.print(part, soft_wrap=True)
        if options.quiet or not options.claims:
            return buffer.getvalue()
        if report.sources:
            console.print()
            _print_sources(report, options, console, colors)
        if report.claims:
            console.print()
            print_claims(report.claims, options.width, console)
        return buffer.getvalue()


def summary_line(report: Report, *, claims: bool = True) -> Text:
    """One line: what was read, how many findings of each severity, what the sources are
    and (with ``claims``: lint judges none) how the claims stand."""
    summary = report.summary
    text = Text()
    text.append("claimcheck ", style="bold")
    if report.inputs.claims is None:
        text.append(f"{BIBLIOGRAPHY_ONLY}; ")
    else:
        text.append(f"{summary.claims} claims, {summary.evidence} evidence items, ")
    text.append(f"{summary.references} references, {summary.sources} sources: ")
    counts = [
        (severity, summary.findings.get(severity, 0))
        for severity in Severity
        if summary.findings.get(severity, 0)
    ]
    if not counts:
        text.append("no findings", style="green")
    for index, (severity, count) in enumerate(counts):
        if index:
            text.append(", ")
        noun = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}
        plural = "s" if count != 1 and severity is not Severity.INFO else ""
        text.append(f"{count} {noun[severity]}{plural}", style=_STYLE[severity])
    if summary.ignored_findings:
        text.append(f" ({summary.ignored_findings} ignored)")
    text.append_text(_sources_summary(report))
    if claims and report.claims:
        text.append(f"; claims: {status_counts(report.claims)}")
    return text


def _sources_summary(report: Report) -> Text:
    statuses = report.summary.source_statuses
    text = Text()
    unreachable = statuses.get(SourceStatus.UNREACHABLE, 0)
    if report.summary.network_unreachable:
        noun = "source" if unreachable == 1 else "sources"
        text.append(f"; network unreachable: {unreachable} {noun} not checked", style="yellow")
    counted = [
        (status, count)
        for status, count in statuses.items()
        if status not in {SourceStatus.UNREACHABLE, SourceStatus.UNCHECKED} and count
    ]
    if counted:
        text.append("; sources: ")
        for index, (status, count) in enumerate(counted):
            text.append(", " if index else "")
            text.append(f"{count} {status.value}", style=_SOURCE_STYLE.get(status, ""))
    unchecked = statuses.get(SourceStatus.UNCHECKED, 0)
    if unchecked:
        text.append(f"; {unchecked} sources not checked")
    return text


def _findings(findings: tuple[Finding, ...]) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for severity in Severity:
        group = [finding for finding in findings if finding.severity is severity]
        if not group:
            continue
        parts.append(Text())
        parts.append(Text(f"{_HEADING[severity]} ({len(group)})", style=_STYLE[severity]))
        hinted: set[tuple[str, str | None]] = set()
        for finding in group:
            parts.append(_finding(finding, hint=(finding.code, finding.hint) not in hinted))
            hinted.add((finding.code, finding.hint))
    return parts


def _finding(finding: Finding, *, hint: bool) -> RenderableType:
    """A finding on one line; its hint below it, unless the same rule's same hint was shown."""
    where = visible(finding.file)
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.column is not None:
            where += f":{finding.column}"
    line = Text("  ")
    line.append(where, style="bold")
    line.append(" ")
    line.append(visible(finding.code), style=_STYLE[finding.severity])
    line.append(f" {visible(finding.message)}")
    line.append(f" [{visible(finding.name)}]", style="dim")
    if not (hint and finding.hint):
        return line
    return Group(line, Text(f"      hint: {visible(finding.hint)}", style="dim"))


def _print_sources(
    report: Report, options: RenderOptions, console: Console, colors: ColorSystem | None
) -> None:
    """The sources table; past ``LISTED_ALIVE`` alive sources, only those needing attention
    (unless ``options.all_sources``) and a line counting the others."""
    sources = report.sources
    alive = sum(1 for source in sources if source.status is SourceStatus.ALIVE)
    listed, unlisted = sources, Counter[SourceStatus]()
    if alive > LISTED_ALIVE and not options.all_sources:
        listed = tuple(source for source in sources if _needs_attention(source))
        unlisted.update(source.status for source in sources if not _needs_attention(source))
    if listed:
        rows = [_source_row(source, report.generated_at) for source in listed]
        widths = _source_widths(rows, options.width)
        rows = [(*row[:3], (shorten_url(row[3][0], widths[3]), None)) for row in rows]
        titled = functools.partial(_sources_table, widths=widths, total=len(sources))
        table = table_text(titled, rows, console, colors)
        if table is None:
            console.print(titled(rows))
        else:
            console.file.write(table)
    if unlisted:
        counts = ", ".join(f"{count} {status.value}" for status, count in unlisted.items())
        line = f"{sum(unlisted.values())} more not listed: {counts} (--all lists every source)"
        if not listed:
            line = f"Sources ({len(sources)}): none needs attention; {line}"
        console.print(Text(line), soft_wrap=True)


def _needs_attention(source: Source) -> bool:
    """Whether a source is worth a row when most are fine: not alive, or alive with a note."""
    return source.status not in {SourceStatus.ALIVE, SourceStatus.SKIPPED} or bool(source.notes)


def _source_row(source: Source, now: datetime) -> Row:
    """A source's cells in the sources table: keys, status (styled), why, URL, all visible."""
    return (
        (visible(", ".join(source.keys)), None),
        (source.status.value, _SOURCE_STYLE.get(source.status, "")),
        (visible(_why(source, now)), None),
        (visible(source.url), None),
    )


def _source_widths(rows: Sequence[Row], width: int) -> tuple[int, int, int, int]:
    """The widths of the reference, status, why and url columns in a ``width``-wide table.

    The status shows whole; a key wraps past ``_KEY_WHOLE`` columns or a fifth of the room
    (a third in a narrow table); the url and the why share the rest, the why wrapping at
    words and the url shortened in the middle.
    """
    keys, statuses, whys, urls = ([row[column][0] for row in rows] for column in range(4))
    room = table_room(width, 4)
    status = widest(statuses, "status")
    reference = min(widest(keys, "reference"), max(min(_KEY_WHOLE, room // 3), room // 5))
    why_full, url_full = widest(whys, "why"), widest(urls, "url")
    rest = room - status - reference
    if why_full + url_full <= rest:
        return reference, status, why_full, url_full
    why = min(why_full, max(longest_word(whys), rest // 3), rest // 2)
    url = rest - why
    if url > url_full:
        why, url = rest - url_full, url_full
    return reference, status, max(1, why), max(1, url)


def _sources_table(
    rows: Sequence[Row], widths: tuple[int, int, int, int], total: int | None = None
) -> Table:
    """The sources table with ``rows`` in columns of ``widths``, titled with ``total``
    sources (default: the rows)."""
    count = len(rows) if total is None else total
    from rich import box  # rich.table only for a report that has tables (lint's has none)
    from rich.table import Table

    table = Table(title=f"Sources ({count})", title_justify="left", box=box.SIMPLE_HEAD)
    headings = ("reference", "status", "why", "url")
    for heading, width in zip(headings, widths, strict=True):
        table.add_column(
            heading, width=width, no_wrap=heading in {"status", "url"}, overflow="fold"
        )
    for row in rows:
        # Text, not markup: a URL or a title may hold [brackets].
        table.add_row(*(Text(text, style=style or "") for text, style in row))
    return table


def _why(source: Source, now: datetime) -> str:
    if source.status is SourceStatus.UNCHECKED:
        return ""
    parts = [source.reason.value]
    if source.http_status is not None and source.reason not in _SAYS_STATUS:
        parts.append(f"HTTP {source.http_status}")
    if source.from_cache and source.checked_at:
        parts.append(f"checked {_age(source.checked_at, now)}")
    if source.failing_since is not None and source.failing_checks > 1:
        parts.append(
            f"since {source.failing_since.date().isoformat()}, {source.failing_checks} checks"
        )
    parts += [note.code.value for note in source.notes]
    if source.rescue is not None:
        copy = source.rescue
        where = copy.url if copy.kind == "wayback" else f"local snapshot of {copy.url}"
        parts.append(f"archived copy {copy.captured_at.date().isoformat()}: {where}")
    return "; ".join(parts)


def _age(then: datetime, now: datetime) -> str:
    """A past check's date, with how long ago it was when older than a day."""
    days = (now - then).days
    ago = "" if days < 1 else f" ({days} day{'s' if days != 1 else ''} ago)"
    return f"{then.date().isoformat()}{ago}"
