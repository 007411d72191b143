"""The Markdown summary: for a pull-request comment or a CI job summary (GitHub-flavoured)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimcheck.models import ClaimResult, Finding, Report, Source, SourceStatus
from claimcheck.report import RenderOptions
from claimcheck.report.claims import NEEDS_ATTENTION, ordered
from claimcheck.report.terminal import summary_line
from claimcheck.severity import Severity
from claimcheck.visible import visible

# Rows of one table at most: a pull-request comment holds 65,536 characters; the JSON report
# has every row.
MAX_ROWS = 200
# Characters Markdown would act on within a line (or GitHub: its maths, its @mentions),
# written with a backslash before them; <, > and & become entities.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$@])")
_SEVERITY_WORD = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


class MarkdownFormat:
    """``--format markdown``: counts, then what fails, then what needs attention, the rest
    folded in ``<details>``."""

    name = "markdown"

    def render(self, report: Report, options: RenderOptions) -> str:
        """The summary as GitHub-flavoured Markdown."""
        failing = [f for f in report.findings if f.severity in options.failing]
        others = [f for f in report.findings if f.severity not in options.failing]
        heed = [f for f in others if f.severity is not Severity.INFO]
        rest = [f for f in others if f.severity is Severity.INFO]
        show_claims = options.claims and not options.quiet
        claims = ordered(report.claims) if show_claims else []
        attention = [claim for claim in claims if claim.status in NEEDS_ATTENTION]
        parts = [
            f"## claimcheck: {_verdict(failing)}",
            "",
            text(summary_line(report, claims=options.claims).plain),
        ]
        if failing:
            parts += ["", f"### Fails ({len(failing)})", "", *_findings_table(failing)]
        if not options.quiet and (heed or attention):
            parts += ["", f"### Needs attention ({len(heed) + len(attention)})"]
            if heed:
                parts += ["", *_findings_table(heed)]
            if attention:
                parts += ["", *_claims_table(attention)]
        if not options.quiet:
            if rest:
                parts += _folded(f"Info ({len(rest)})", _findings_table(rest))
            if claims:
                parts += _folded(f"All claims ({len(claims)})", _claims_table(claims))
            if options.claims and report.sources:
                sources = report.sources
                parts += _folded(f"Sources ({len(sources)})", _sources_table(sources))
        return "\n".join(parts) + "\n"


def text(value: str) -> str:
    """``value`` as Markdown shows it literally in a table cell or a line: control
    characters visible, new lines as ``<br>``, HTML and Markdown syntax escaped."""
    lines = value.replace("\r\n", "\n").split("\n")
    return "<br>".join(_SPECIAL.sub(r"\\\1", _entities(visible(line))) for line in lines)


def _entities(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(value: str) -> str:
    """``value`` as inline code in a table cell (URLs, ids): pipes escaped, as GitHub's
    tables need even inside code, and enough backticks around it."""
    shown = visible(value).replace("|", "\\|")
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{ticks}{pad}{shown}{pad}{ticks}"


def _verdict(failing: Sequence[Finding]) -> str:
    if not failing:
        return "nothing fails"
    words = []
    for severity in Severity:
        count = sum(1 for finding in failing if finding.severity is severity)
        plural = "s" if count != 1 and severity is not Severity.INFO else ""
        words += [f"{count} {_SEVERITY_WORD[severity]}{plural}"] if count else []
    return ", ".join(words) + (" fails" if len(failing) == 1 else " fail")


def _folded(summary: str, body: list[str]) -> list[str]:
    return ["", "<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]


def _rows(header: list[str], rows: list[list[str]], total: int) -> list[str]:
    """A table of ``rows`` (the first MAX_ROWS of ``total``) and a line counting the rest."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    if total > len(rows):
        lines += ["", f"and {total - len(rows)} more: the JSON report has every one."]
    return lines


def _where(finding: Finding) -> str:
    where = finding.file
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.column is not None:
            where += f":{finding.column}"
    return code(where)


def _findings_table(findings: Sequence[Finding]) -> list[str]:
    """The findings, each rule's same hint shown once, at its first finding."""
    rows, hinted = [], set()
    for f in findings[:MAX_ROWS]:
        hint = f.hint if f.hint and (f.code, f.hint) not in hinted else None
        hinted.add((f.code, f.hint))
        finding = text(f.message) + (f"<br>hint: {text(hint)}" if hint else "")
        rows.append([_where(f), f.severity.value, f"{code(f.code)} {text(f.name)}", finding])
    return _rows(["where", "severity", "code", "finding"], rows, len(findings))


def _claims_table(claims: Sequence[ClaimResult]) -> list[str]:
    rows = [
        [
            code(claim.id),
            f"**{claim.status.value}**",
            ", ".join(code(key) for key in claim.sources) or "-",
            text(claim.text),
            text(claim.why or ""),
        ]
        for claim in claims[:MAX_ROWS]
    ]
    return _rows(["claim", "status", "evidence", "text", "why"], rows, len(claims))


def _sources_table(sources: Sequence[Source]) -> list[str]:
    rank = {status: index for index, status in enumerate(_SOURCE_ORDER)}
    listed = sorted(sources, key=lambda source: rank[source.status])
    rows = [
        [
            ", ".join(code(key) for key in source.keys),
            f"{source.status.value}",
            code(source.reason.value),
            code(source.url),
            _archived(source),
        ]
        for source in listed[:MAX_ROWS]
    ]
    return _rows(["reference", "status", "why", "url", "archived copy"], rows, len(sources))


def _archived(source: Source) -> str:
    copy = source.rescue
    if copy is not None:
        return f"{copy.kind}, {copy.captured_at.date().isoformat()}: {code(copy.url)}"
    if source.memento is not None:
        return f"{source.memento.captured_at.date().isoformat()}: {code(source.memento.url)}"
    return "-"


# Sources in the order a reader should look at them.
_SOURCE_ORDER = (
    SourceStatus.DEAD,
    SourceStatus.ERROR,
    SourceStatus.BLOCKED,
    SourceStatus.TIMEOUT,
    SourceStatus.INVALID,
    SourceStatus.UNREACHABLE,
    SourceStatus.SKIPPED,
    SourceStatus.UNCHECKED,
    SourceStatus.ALIVE,
)
