"""The command-line interface: options to settings, run, render, exit code."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from claimcheck import __version__, rules
from claimcheck.config import FailOn, Settings, load_settings
from claimcheck.errors import ClaimcheckError, InputErrors
from claimcheck.models import Report
from claimcheck.progress import progress_bar
from claimcheck.report import RenderOptions, formats
from claimcheck.schemas import SCHEMAS
from claimcheck.verify import failed, run

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="claimcheck",
    help="Keep a paper's claims tied to evidence that still exists.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 100,
        "terminal_width": 100,
    },
)


class OutputFormat(StrEnum):
    """The formats --format takes."""

    TERMINAL = "terminal"
    JSON = "json"


BibOption = Annotated[
    Path | None,
    typer.Option(
        "--bib",
        metavar="FILE",
        help="The bibliography [default: references.bib].",
        show_default=False,
    ),
]
ClaimsOption = Annotated[
    Path | None,
    typer.Option(
        "--claims",
        metavar="FILE",
        help="The claims ledger [default: claims.yaml].",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read settings from this TOML file instead of claimcheck.toml or pyproject.toml.",
        show_default=False,
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="The bibliography's encoding, e.g. gbk [default: UTF-8, else detected].",
        show_default=False,
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODE",
        help="Leave out findings with this code or name (repeatable).",
        show_default=False,
    ),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when a finding is at least this severe [default: error].",
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Keep a paper's claims tied to evidence that still exists."""


AllowPrivateOption = Annotated[
    bool | None,
    typer.Option(
        "--allow-private/--no-allow-private",
        help="Also check loopback and private addresses [default: skip them].",
        show_default=False,
    ),
]
MaxAgeOption = Annotated[
    str | None,
    typer.Option(
        "--max-age",
        metavar="AGE",
        help="Reuse alive results younger than this, e.g. 30m, 24h, 7d [default: 24h].",
        show_default=False,
    ),
]
NoCacheOption = Annotated[
    bool | None,
    typer.Option("--no-cache", help="Neither read nor write the cache.", show_default=False),
]
ConcurrencyOption = Annotated[
    int | None,
    typer.Option(
        "--concurrency", metavar="N", help="Requests at once [default: 64].", show_default=False
    ),
]
PerHostOption = Annotated[
    int | None,
    typer.Option(
        "--per-host",
        metavar="N",
        help="Requests at once to one host [default: 4].",
        show_default=False,
    ),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Deadline for one URL, retries included [default: 45].",
        show_default=False,
    ),
]
RetriesOption = Annotated[
    int | None,
    typer.Option(
        "--retries",
        metavar="N",
        help="Retries of server errors, resets and timeouts [default: 2].",
        show_default=False,
    ),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="REGEX",
        help="Do not fetch URLs matching this regex (repeatable).",
        show_default=False,
    ),
]
UserAgentOption = Annotated[
    str | None,
    typer.Option(
        "--user-agent",
        metavar="TEXT",
        help="The User-Agent header [default: claimcheck/VERSION ...].",
        show_default=False,
    ),
]
DoiResolverOption = Annotated[
    str | None,
    typer.Option(
        "--doi-resolver",
        metavar="URL",
        help="The DOI resolver's base URL [default: https://doi.org].",
        show_default=False,
    ),
]


@app.command()
def verify(
    bib: BibOption = None,
    claims: ClaimsOption = None,
    config: ConfigOption = None,
    encoding: EncodingOption = None,
    ignore: IgnoreOption = None,
    fail_on: FailOnOption = None,
    output_format: FormatOption = OutputFormat.TERMINAL,
    output: OutputOption = None,
    allow_private: AllowPrivateOption = None,
    max_age: MaxAgeOption = None,
    no_cache: NoCacheOption = None,
    concurrency: ConcurrencyOption = None,
    per_host: PerHostOption = None,
    timeout: TimeoutOption = None,
    retries: RetriesOption = None,
    exclude: ExcludeOption = None,
    user_agent: UserAgentOption = None,
    doi_resolver: DoiResolverOption = None,
) -> None:
    """Check the ledger and bibliography, fetch every cited URL and DOI, and report.

    A source is reported dead only when it is: 404 or 410, a soft 404, a domain that no
    longer exists. Servers that refuse robots are 'blocked', and a machine without network
    says so instead of calling anything dead.

    Exit codes: 0 nothing fails the policy; 1 findings fail the policy (a dead source is an
    error); 2 usage, input or configuration error.
    """
    flags = {
        "allow_private": allow_private,
        "max_age": max_age,
        "no_cache": no_cache,
        "concurrency": concurrency,
        "per_host": per_host,
        "timeout": timeout,
        "retries": retries,
        "exclude": tuple(exclude) if exclude else None,
        "user_agent": user_agent,
        "doi_resolver": doi_resolver,
    }
    settings = _settings(bib, claims, config, encoding, ignore, fail_on, flags)
    report = _run(settings)
    _emit(report, output_format, output, claims_table=True)
    raise typer.Exit(EXIT_FINDINGS if failed(report, settings.fail_on) else EXIT_OK)


@app.command()
def lint(
    bib: BibOption = None,
    claims: ClaimsOption = None,
    config: ConfigOption = None,
    encoding: EncodingOption = None,
    ignore: IgnoreOption = None,
    fail_on: FailOnOption = None,
    output_format: FormatOption = OutputFormat.TERMINAL,
    output: OutputOption = None,
) -> None:
    """Check the ledger and bibliography offline, fetching nothing, and list the findings.

    Exit codes as for verify.
    """
    settings = _settings(bib, claims, config, encoding, ignore, fail_on, {"check_links": False})
    report = _run(settings)
    _emit(report, output_format, output, claims_table=False)
    raise typer.Exit(EXIT_FINDINGS if failed(report, settings.fail_on) else EXIT_OK)


@app.command("rules")
def list_rules(output_format: FormatOption = OutputFormat.TERMINAL) -> None:
    """List every finding code with its severity and what it checks."""
    if output_format is OutputFormat.JSON:
        rows = [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary}
            for r in rules.RULES
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("code", "name", "severity", "checks", box=None, pad_edge=False)
    for rule in rules.RULES:
        table.add_row(rule.code, rule.name, rule.severity.value, rule.summary)
    Console(width=120, no_color=not _colour(None)).print(table)


class SchemaName(StrEnum):
    """The schemas `claimcheck schema` prints."""

    CLAIMS = "claims"
    REPORT = "report"


@app.command()
def schema(
    which: Annotated[
        SchemaName, typer.Argument(help="claims (the ledger file) or report (the JSON report).")
    ],
) -> None:
    """Print the JSON Schema of claims.yaml or of the JSON report."""
    typer.echo(json.dumps(SCHEMAS[which.value](), indent=2))


def _settings(
    bib: Path | None,
    claims: Path | None,
    config: Path | None,
    encoding: str | None,
    ignore: list[str] | None,
    fail_on: FailOn | None,
    more: Mapping[str, object],
) -> Settings:
    flags = {
        "bib": bib,
        "claims": claims,
        "encoding": encoding,
        "ignore": tuple(ignore) if ignore else None,
        "fail_on": fail_on,
        **more,
    }
    try:
        return load_settings(Path.cwd(), config_file=config, flags=flags)
    except ClaimcheckError as error:
        _fail_with(error)


def _run(settings: Settings) -> Report:
    try:
        with progress_bar(enabled=settings.check_links and sys.stderr.isatty()) as listener:
            return run(settings, now=datetime.now(UTC).replace(microsecond=0), listener=listener)
    except ClaimcheckError as error:
        _fail_with(error)


def _emit(report: Report, fmt: OutputFormat, output: Path | None, *, claims_table: bool) -> None:
    width = Console(file=sys.stdout).width if output is None and sys.stdout.isatty() else 120
    options = RenderOptions(color=_colour(output), width=width, claims=claims_table)
    text = formats()[fmt.value].render(report, options)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror}", hint="check the folder exists")


def _colour(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _fail_with(error: ClaimcheckError) -> NoReturn:
    problems = error.errors if isinstance(error, InputErrors) else [error]
    console = Console(stderr=True, highlight=False, no_color="NO_COLOR" in os.environ)
    for problem in problems:
        console.print("[bold red]error:[/] ", end="", markup=True)
        console.print(str(problem), markup=False, soft_wrap=True)
        if problem.hint:
            console.print(f"  hint: {problem.hint}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)


def _fail(message: str, hint: str | None = None) -> NoReturn:
    _fail_with(ClaimcheckError(message, hint=hint))


def main() -> None:
    """Run the command line; usage errors exit 2, as click does."""
    app()
