"""Where the reports of a run go: --format and each --output [FORMAT=]FILE, read into a plan.

A plain ``--output FILE`` takes the report stdout would have had (in --format's format, else
its extension's); ``FORMAT=FILE`` adds a report besides. When stdout carries a format other
than the terminal's, the terminal report goes to stderr, for the people reading the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.cli.options import ReportFormat
from claimcheck.errors import ClaimcheckError

# The format a plain --output FILE is written in when --format is not given, by extension.
BY_EXTENSION = {
    ".json": ReportFormat.JSON,
    ".sarif": ReportFormat.SARIF,
    ".xml": ReportFormat.JUNIT,
    ".md": ReportFormat.MARKDOWN,
    ".markdown": ReportFormat.MARKDOWN,
    ".txt": ReportFormat.TERMINAL,
}
_NAMES = ", ".join(fmt.value for fmt in ReportFormat)


@dataclass(frozen=True)
class Plan:
    """The reports to write: on stdout (None: nothing), in files, and the terminal report on
    stderr or not."""

    stdout: ReportFormat | None
    files: tuple[tuple[ReportFormat, Path], ...]
    stderr_terminal: bool

    def formats(self) -> set[ReportFormat]:
        """Every format written somewhere."""
        written = {fmt for fmt, _ in self.files}
        written |= {self.stdout} if self.stdout else set()
        return written | ({ReportFormat.TERMINAL} if self.stderr_terminal else set())


def plan(fmt: ReportFormat | None, outputs: Sequence[str]) -> Plan:
    """The plan that --format ``fmt`` and the --output values ``outputs`` ask for; a
    ClaimcheckError (exit 2) for a value that names no format or a file given twice."""
    files: list[tuple[ReportFormat, Path]] = []
    plain = False
    for value in outputs:
        named = _named(value)
        if named is None:
            plain = True
            files.append(
                (
                    fmt or BY_EXTENSION.get(Path(value).suffix.lower(), ReportFormat.TERMINAL),
                    Path(value),
                )
            )
        else:
            files.append(named)
    seen: set[Path] = set()
    for _, path in files:
        if path.absolute() in seen:
            raise ClaimcheckError(
                f"--output {path} is given twice", hint="give each report its own file"
            )
        seen.add(path.absolute())
    stdout = None if plain else (fmt or ReportFormat.TERMINAL)
    terminal = stdout is not None and stdout is not ReportFormat.TERMINAL
    return Plan(stdout=stdout, files=tuple(files), stderr_terminal=terminal)


def _named(value: str) -> tuple[ReportFormat, Path] | None:
    """``value`` read as FORMAT=FILE; None for a plain FILE (no =, or a folder before it)."""
    name, equals, file = value.partition("=")
    if not equals or not name or "/" in name or "\\" in name:
        return None
    try:
        fmt = ReportFormat(name.lower())
    except ValueError:
        raise ClaimcheckError(
            f"--output {value!r}: {name!r} is not a format ({_NAMES})",
            hint=f"write FORMAT=FILE, or ./{value} for a file of that name",
        ) from None
    if not file:
        raise ClaimcheckError(
            f"--output {value!r} names no file", hint=f"write {name}=FILE, e.g. {name}=report"
        )
    return fmt, Path(file)
