"""The options of the commands that are no settings (format, output, -v), and the exit codes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# A run a signal stopped exits as a shell reports it: 128 + the signal's number (130 for
# Ctrl-C, SIGINT; 143 for SIGTERM).
EXIT_SIGNALLED = 128


class ListFormat(StrEnum):
    """The formats of the commands that list things: rules, config, archive list and show."""

    TERMINAL = "terminal"
    JSON = "json"


class ReportFormat(StrEnum):
    """The formats --format and --output take for verify and lint: every report format."""

    TERMINAL = "terminal"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    SARIF = "sarif"
    GITHUB = "github"


class ColorChoice(StrEnum):
    """When --color colours the output."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read settings from this TOML file instead of the nearest claimcheck.toml or "
        "pyproject.toml with [tool.claimcheck], found from the current folder up.",
        show_default=False,
    ),
]
ListFormatOption = Annotated[
    ListFormat,
    typer.Option("--format", "-f", help="The output's format: terminal (tables) or json."),
]
ReportFormatOption = Annotated[
    ReportFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="The report's format on stdout (or in a plain --output FILE): terminal (the "
        "default), json, markdown, junit, sarif or github. When it is not terminal, the "
        "terminal report goes to stderr.",
        show_default=False,
    ),
]
OutputsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        metavar="[FORMAT=]FILE",
        help="Write a report to a file (repeatable): FORMAT=FILE in that format (sarif=cc.sarif, "
        "markdown=summary.md), besides stdout's; a plain FILE instead of stdout, in --format's "
        "format or else its extension's (.json, .sarif, .xml junit, .md markdown, .txt "
        "terminal).",
        show_default=False,
    ),
]


VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Print each source on stderr as its check ends (status, reason, key, URL).",
    ),
]
# How a report is shown (the terminal format; JSON is always whole and plain).
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print only the findings that fail the policy and the summary; no progress lines.",
    ),
]
ColorOption = Annotated[
    ColorChoice,
    typer.Option(
        "--color",
        help="Colour the output: auto on a terminal (NO_COLOR turns it off, FORCE_COLOR on), "
        "always, or never.",
    ),
]
AllOption = Annotated[
    bool,
    typer.Option(
        "--all",
        help="List every source; past 50 alive sources only those needing attention are listed.",
    ),
]
