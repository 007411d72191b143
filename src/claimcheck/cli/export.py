"""`claimcheck export`: the claims-to-sources table, in the format a reader's tools open."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from claimcheck.cli.options import EXIT_OK, VerboseOption

if TYPE_CHECKING:
    from claimcheck.config import Settings
    from claimcheck.load.bib import Bibliographies, Cited
    from claimcheck.models import Report


class ExportFormat(StrEnum):
    """The formats export --format takes."""

    CSV = "csv"
    MARKDOWN = "markdown"
    JSON = "json"
    LATEX = "latex"
    ROBUST_LINKS = "robust-links"
    HTML = "html"


# The format a file's suffix picks when --format is not given.
SUFFIXES = {
    ".csv": ExportFormat.CSV,
    ".md": ExportFormat.MARKDOWN,
    ".markdown": ExportFormat.MARKDOWN,
    ".json": ExportFormat.JSON,
    ".tex": ExportFormat.LATEX,
    ".html": ExportFormat.HTML,
    ".htm": ExportFormat.HTML,
}
ExportFormatOption = Annotated[
    ExportFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="The table's format; left out, the --output file's suffix (.csv .md .json .tex "
        ".html) picks it, and without --output it is csv.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the table to this file, not stdout.",
        show_default=False,
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="No progress lines on stderr while sources are checked."),
]
BomOption = Annotated[
    bool,
    typer.Option(
        "--bom",
        help="A CSV for spreadsheets: a UTF-8 byte order mark, so that Excel reads it as UTF-8, "
        "and a cell that starts with = + - or @ written after an apostrophe, so that it is "
        "never run as a formula.",
    ),
]


def export(
    settings: Settings,
    output_format: ExportFormatOption = None,
    output: OutputOption = None,
    bom: BomOption = False,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Write the claims-to-sources table: a row per claim and evidence item.

    Each row: the claim (id, text, section, tags, status), the source (key, title, authors,
    year, URL or DOI, status and reason), the quote and its status, and the archived copy to
    cite (URL and date). The sources are checked as verify checks them (the cache, the
    archive, --offline), with progress on stderr.

    Exit codes: 0 the table is written, whatever the claims' statuses (an export is a
    product, not a gate: verify fails a run); 2 usage, input or configuration error; 3 an
    internal error (see the log).
    """
    from claimcheck.cli.common import run_report

    fmt = chosen_format(output_format, output)
    if bom and fmt is not ExportFormat.CSV:
        _fail("--bom is for --format csv", hint=f"leave --bom out for {fmt.value}")
    bibliography = _bibliography(settings)
    report = run_report(settings, verbose=verbose, quiet=quiet, bibliography=bibliography)
    if fmt is ExportFormat.HTML:
        text = _review_page(settings, report)
    else:
        text = _table_text(report, bibliography, fmt, bom=bom)
    if settings.claims is None:
        sys.stderr.write("note: no claims ledger, so the table has no rows\n")
    _write(text, output)
    raise typer.Exit(EXIT_OK)


def chosen_format(given: ExportFormat | None, output: Path | None) -> ExportFormat:
    """The format asked for; else the one the output file's suffix names; else csv."""
    if given is not None:
        return given
    if output is None:
        return ExportFormat.CSV
    found = SUFFIXES.get(output.suffix.lower())
    if found is None:
        known = " ".join(SUFFIXES)
        _fail(
            f"cannot tell the format of {output.name} from its suffix",
            hint=f"give --format, or a file ending in one of {known}",
        )
    return found


def _bibliography(settings: Settings) -> Bibliographies:
    """The bibliographies ``settings`` name, read once for the run and the table's titles."""
    from claimcheck.cli.common import fail_with
    from claimcheck.errors import ClaimcheckError
    from claimcheck.load.bib import load_bibliographies

    try:
        return load_bibliographies(settings.bib, encoding=settings.encoding)
    except ClaimcheckError as error:
        fail_with(error)


def _table_text(report: Report, bibliography: Cited, fmt: ExportFormat, *, bom: bool) -> str:
    from claimcheck.report.table import TableOptions, source_table, table_formats

    table = source_table(report, bibliography.references)
    return table_formats()[fmt.value].render(table, TableOptions(bom=bom))


def _review_page(settings: Settings, report: Report) -> str:
    """The html review page: the report, with each quote's source text and each source's
    check history read from the project's database."""
    from claimcheck.report.review import render_review
    from claimcheck.review import gather_extras

    return render_review(report, gather_extras(settings, report))


def _write(text: str, output: Path | None) -> None:
    data = text.encode("utf-8", "replace")
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror}", hint="check the folder exists")


def _fail(message: str, hint: str) -> NoReturn:
    from claimcheck.cli.common import fail

    fail(message, hint=hint)
