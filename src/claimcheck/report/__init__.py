"""Output formats for a report, each behind the same small interface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from claimcheck.models import Report
from claimcheck.severity import Severity


@dataclass(frozen=True)
class RenderOptions:
    """How a report is to be shown."""

    color: bool = False
    width: int = 100
    claims: bool = True
    # Only the findings that fail the policy (those of the ``failing`` severities) and the
    # summary, no tables.
    quiet: bool = False
    failing: frozenset[Severity] = frozenset({Severity.ERROR})
    # Every source in the sources table, also when many are alive.
    all_sources: bool = False


class Format(Protocol):
    """One output format: a name for --format, and a way to render a report as text."""

    name: str

    def render(self, report: Report, options: RenderOptions) -> str:
        """The whole report as text, ending in a newline."""
        ...


def formats() -> dict[str, Format]:
    """Every output format, by the name --format takes."""
    from claimcheck.report.github import GithubFormat
    from claimcheck.report.json import JsonFormat
    from claimcheck.report.junit import JunitFormat
    from claimcheck.report.markdown import MarkdownFormat
    from claimcheck.report.sarif import SarifFormat
    from claimcheck.report.terminal import TerminalFormat

    found: list[Format] = [
        TerminalFormat(),
        JsonFormat(),
        MarkdownFormat(),
        JunitFormat(),
        SarifFormat(),
        GithubFormat(),
    ]
    return {fmt.name: fmt for fmt in found}
