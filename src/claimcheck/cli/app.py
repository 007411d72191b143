"""The claimcheck command: verify, lint, rules, schema, and the archive commands."""

from __future__ import annotations

import gc
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from claimcheck import __version__, rules
from claimcheck.cli.archive import archive_app
from claimcheck.cli.common import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    AllOption,
    AllowPrivateOption,
    ArchiveOption,
    BibOption,
    CaBundleOption,
    ClaimsOption,
    ColorChoice,
    ColorOption,
    ConcurrencyOption,
    ConfigOption,
    DoiResolverOption,
    EncodingOption,
    ExcludeOption,
    FailOnOption,
    FormatOption,
    IgnoreOption,
    MaxAgeOption,
    NoCacheOption,
    OfflineOption,
    OutputFormat,
    OutputOption,
    PerHostOption,
    ProxyOption,
    QuietOption,
    RetriesOption,
    RunTimeoutOption,
    TimeoutOption,
    UserAgentOption,
    VerboseOption,
    colour,
    emit,
    network_flags,
    run_report,
    settings_from,
    shown,
)
from claimcheck.cli.log import record_crash
from claimcheck.schemas import SCHEMAS
from claimcheck.verify import failed

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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimcheck {__version__}")
        raise typer.Exit()


app.add_typer(archive_app, name="archive")


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Keep a paper's claims tied to evidence that still exists."""


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
    run_timeout: RunTimeoutOption = None,
    retries: RetriesOption = None,
    exclude: ExcludeOption = None,
    user_agent: UserAgentOption = None,
    doi_resolver: DoiResolverOption = None,
    proxy: ProxyOption = None,
    ca_bundle: CaBundleOption = None,
    archive: ArchiveOption = None,
    offline: OfflineOption = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
    color: ColorOption = ColorChoice.AUTO,
    all_sources: AllOption = False,
) -> None:
    """Check the ledger and bibliography, fetch every cited URL and DOI, and report.

    A source is reported dead only when it is: 404 or 410, a soft 404, a domain that no
    longer exists. Servers that refuse robots are 'blocked', and a machine without network
    says so instead of calling anything dead. Each page fetched is archived (a WARC snapshot
    and its text, under .claimcheck/archive); a dead source shows its best archived copy.

    Exit codes: 0 nothing fails the policy; 1 findings fail the policy (a dead source is an
    error); 2 usage, input or configuration error; 3 an internal error (see the log).
    """
    flags = network_flags(
        allow_private=allow_private,
        max_age=max_age,
        no_cache=no_cache,
        concurrency=concurrency,
        per_host=per_host,
        timeout=timeout,
        run_timeout=run_timeout,
        retries=retries,
        exclude=exclude,
        user_agent=user_agent,
        doi_resolver=doi_resolver,
        proxy=proxy,
        ca_bundle=ca_bundle,
    )
    flags |= {"archive": archive, "offline": offline}
    settings = settings_from(bib, claims, config, encoding, ignore, fail_on, flags)
    report = run_report(settings, verbose=verbose, quiet=quiet)
    view = shown(settings.fail_on, claims=True, quiet=quiet, all_sources=all_sources)
    emit(report, output_format, output, view=view, color=color)
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
    quiet: QuietOption = False,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Check the ledger and bibliography offline, fetching nothing, and list the findings.

    Exit codes as for verify.
    """
    settings = settings_from(bib, claims, config, encoding, ignore, fail_on, {"check_links": False})
    report = run_report(settings, quiet=quiet)
    view = shown(settings.fail_on, claims=False, quiet=quiet, all_sources=False)
    emit(report, output_format, output, view=view, color=color)
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
    Console(width=120, no_color=not colour(ColorChoice.AUTO)).print(table)


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


# A run makes millions of small objects that live to its end (references, findings, results):
# at Python's default threshold (700) the cyclic collector ran thousands of times and took a
# quarter of a 20,000-source run's CPU time; at this one, about a third of that.
_GC_YOUNG_THRESHOLD = 10_000


def main() -> None:
    """Run the command line; usage errors exit 2, as click does, and claimcheck's own bugs 3.

    A bug outside any one source (a source's own becomes its error) is written to the log
    with its traceback, and the terminal gets one line saying where.
    """
    gc.set_threshold(_GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    # What the imports made lives as long as the process: no collection need walk it again.
    gc.freeze()
    try:
        app()
    except Exception as error:
        where = record_crash(error)
        told = f"see {where}" if where else "and the log could not be written"
        sys.stderr.write(
            f"claimcheck: internal error ({type(error).__name__}: {error}); {told}\n"[:2000]
        )
        sys.exit(EXIT_INTERNAL)
