"""Output formats for a report, each behind the same small interface."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
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


# Each format's module and class, imported only when the format is used: a lint that prints
# to the terminal does not pay for SARIF and JUnit.
_FORMATS = {
    "terminal": ("claimcheck.report.terminal", "TerminalFormat"),
    "json": ("claimcheck.report.json", "JsonFormat"),
    "markdown": ("claimcheck.report.markdown", "MarkdownFormat"),
    "junit": ("claimcheck.report.junit", "JunitFormat"),
    "sarif": ("claimcheck.report.sarif", "SarifFormat"),
    "github": ("claimcheck.report.github", "GithubFormat"),
}


class _Formats(Mapping[str, Format]):
    """The formats by name, each imported when it is first looked up."""

    def __getitem__(self, name: str) -> Format:
        module, cls = _FORMATS[name]
        made: Format = getattr(importlib.import_module(module), cls)()
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(_FORMATS)

    def __len__(self) -> int:
        return len(_FORMATS)


def formats() -> Mapping[str, Format]:
    """Every output format, by the name --format takes (imported when looked up)."""
    return _Formats()
