"""GitHub Actions workflow commands: each finding an annotation at its file and line.

``::error file=references.bib,line=12,col=3,title=CC501 source-dead::message``, warnings as
``::warning`` and info as ``::notice``, escaped as GitHub's toolkit escapes them (% CR LF in
the message; those and , : in the properties). When GITHUB_STEP_SUMMARY names a file, the
command line appends the Markdown summary to it (`append_step_summary`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from claimcheck.models import Finding, Report
from claimcheck.report import RenderOptions
from claimcheck.report.markdown import MarkdownFormat
from claimcheck.report.terminal import summary_line
from claimcheck.severity import Severity
from claimcheck.visible import visible

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


class GithubFormat:
    """``--format github``: annotations on the pull request's files, then the summary line."""

    name = "github"

    def render(self, report: Report, options: RenderOptions) -> str:
        """One workflow command per finding (only those that fail, with ``quiet``)."""
        findings = report.findings
        if options.quiet:
            findings = tuple(f for f in findings if f.severity in options.failing)
        lines = [annotation(finding) for finding in findings]
        lines.append(visible(summary_line(report, claims=options.claims).plain))
        return "\n".join(lines) + "\n"


def annotation(finding: Finding) -> str:
    """The workflow command that shows ``finding`` at its place."""
    properties = [("file", finding.file)]
    if finding.line is not None:
        properties.append(("line", str(finding.line)))
        if finding.column is not None:
            properties.append(("col", str(finding.column)))
    properties.append(("title", f"{finding.code} {finding.name}"))
    written = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    message = finding.message + (f"\nhint: {finding.hint}" if finding.hint else "")
    return f"::{_COMMAND[finding.severity]} {written}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """A command's message as GitHub's toolkit writes it: % CR LF escaped, other control
    characters made visible (a workflow command ends at the line's end)."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(escaped)


def escape_property(text: str) -> str:
    """A property's value: as a message, and , : escaped too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def append_step_summary(
    report: Report, options: RenderOptions, environ: Mapping[str, str]
) -> Path | None:
    """Append the Markdown summary to the file GITHUB_STEP_SUMMARY names, if it names one;
    the file written, or None. An OSError is the caller's to report."""
    target = environ.get(STEP_SUMMARY)
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as summary:
        summary.write(MarkdownFormat().render(report, options))
    return path
