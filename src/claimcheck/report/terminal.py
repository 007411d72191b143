"""The terminal report: summary, findings by severity, and the claims table, drawn with rich."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from io import StringIO

from rich import box
from rich.color import ColorSystem
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from claimcheck.models import (
    ClaimResult,
    ClaimStatus,
    Finding,
    Reason,
    Report,
    Source,
    SourceStatus,
)
from claimcheck.report import RenderOptions
from claimcheck.report.rows import Row, line_of, table_text
from claimcheck.severity import Severity
from claimcheck.visible import visible

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
_CLAIM_STYLE = {ClaimStatus.UNVERIFIED: "yellow", ClaimStatus.UNSUPPORTED: "bold red"}


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
        console.print(summary_line(report), soft_wrap=True)
        for part in _findings(report.findings):
            texts = part.renderables if isinstance(part, Group) else [part]
            lines = [line_of(text, console, colors) for text in texts if isinstance(text, Text)]
            if len(lines) == len(texts) and all(lines):
                buffer.write("".join(line for line in lines if line))
            else:
                console.print(part, soft_wrap=True)
        if options.claims and report.sources:
            console.print()
            rows = [_source_row(source, report.generated_at) for source in report.sources]
            titled = functools.partial(_sources_table, total=len(rows))
            table = table_text(titled, rows, console, colors)
            if table is None:
                console.print(_sources_table(rows))
            else:
                buffer.write(table)
        if options.claims and report.claims:
            console.print()
            console.print(_claims_table(report.claims))
        return buffer.getvalue()


def summary_line(report: Report) -> Text:
    """One line: what was read, and how many findings of each severity."""
    summary = report.summary
    text = Text()
    text.append("claimcheck ", style="bold")
    text.append(
        f"{summary.claims} claims, {summary.evidence} evidence items, "
        f"{summary.references} references, {summary.sources} sources: "
    )
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


def _source_row(source: Source, now: datetime) -> Row:
    """A source's cells in the sources table: keys, status (styled), why, URL, all visible."""
    return (
        (visible(", ".join(source.keys)), None),
        (source.status.value, _SOURCE_STYLE.get(source.status, "")),
        (visible(_why(source, now)), None),
        (visible(source.url), None),
    )


def _sources_table(rows: Sequence[Row], total: int | None = None) -> Table:
    """The sources table with ``rows``, titled with ``total`` sources (default: the rows)."""
    count = len(rows) if total is None else total
    table = Table(title=f"Sources ({count})", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("reference", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("why", overflow="fold", ratio=1)
    table.add_column("url", overflow="fold", ratio=2)
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


def _claims_table(claims: tuple[ClaimResult, ...]) -> Table:
    table = Table(
        title=f"Claims ({len(claims)})", title_justify="left", box=box.SIMPLE_HEAD, expand=True
    )
    table.add_column("claim", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("evidence", no_wrap=True)
    table.add_column("text", ratio=1, no_wrap=True, overflow="ellipsis")
    for claim in claims:
        table.add_row(
            Text(visible(claim.id)),
            Text(claim.status.value, style=_CLAIM_STYLE.get(claim.status, "")),
            Text(visible(", ".join(claim.sources)) or "-"),
            Text(visible(claim.text)),
        )
    return table
