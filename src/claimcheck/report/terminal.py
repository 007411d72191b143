"""The terminal report: summary, findings by severity, and the claims table, drawn with rich."""

from __future__ import annotations

from io import StringIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from claimcheck.models import ClaimResult, ClaimStatus, Finding, Report, Severity, Source
from claimcheck.report import RenderOptions

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}
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
        console.print(summary_line(report), soft_wrap=True)
        for part in _findings(report.findings):
            console.print(part, soft_wrap=True)
        if options.claims and report.sources:
            console.print()
            console.print(_sources_table(report.sources))
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
    unchecked = sum(1 for source in report.sources if source.status == "unchecked")
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
    where = finding.file
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.column is not None:
            where += f":{finding.column}"
    line = Text("  ")
    line.append(where, style="bold")
    line.append(" ")
    line.append(finding.code, style=_STYLE[finding.severity])
    line.append(f" {finding.message}")
    line.append(f" [{finding.name}]", style="dim")
    if not (hint and finding.hint):
        return line
    return Group(line, Text(f"      hint: {finding.hint}", style="dim"))


def _sources_table(sources: tuple[Source, ...]) -> Table:
    table = Table(title=f"Sources ({len(sources)})", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("reference", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("url", overflow="fold")
    for source in sources:
        table.add_row(", ".join(source.keys), source.status.value, source.url)
    return table


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
            claim.id,
            Text(claim.status.value, style=_CLAIM_STYLE.get(claim.status, "")),
            ", ".join(claim.sources) or "-",
            claim.text,
        )
    return table
