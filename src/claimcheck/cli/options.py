"""The options of the commands that are no settings (format, output, -v), and the exit codes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class OutputFormat(StrEnum):
    """The formats --format takes."""

    TERMINAL = "terminal"
    JSON = "json"


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
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="The report's format.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to this file, not stdout.",
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
