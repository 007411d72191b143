"""The claimcheck command: verify, lint, rules, schema, and the archive commands."""

from __future__ import annotations

import copy
import gc
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from typer.main import get_command_name

from claimcheck import __version__
from claimcheck.cli.archive import archive_app
from claimcheck.cli.export import export
from claimcheck.cli.flags import checking, not_checking, with_origins, with_settings
from claimcheck.cli.options import (
    EXIT_INTERNAL,
    AllOption,
    ColorChoice,
    ColorOption,
    ListFormat,
    ListFormatOption,
    OutputsOption,
    QuietOption,
    ReportFormatOption,
    VerboseOption,
)
from claimcheck.cli.plain import Command

if TYPE_CHECKING:
    from claimcheck.config import Loaded, Settings

# Each command imports what it runs in its body: `claimcheck --help` loads typer and the
# option types only, and `claimcheck lint` neither httpx nor warcio (tests/test_startup.py).
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


@app.command(cls=Command)
@with_settings("verify", checking)
def verify(
    settings: Settings,
    output_format: ReportFormatOption = None,
    output: OutputsOption = None,
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
    error); 2 usage, input or configuration error; 3 an internal error (see the log); 130
    (Ctrl-C) or 143 (SIGTERM) interrupted, keeping what was checked.
    """
    from claimcheck.cli.common import report_and_exit, shown

    view = shown(settings.fail_on, claims=True, quiet=quiet, all_sources=all_sources)
    report_and_exit(settings, output_format, output, view=view, color=color, verbose=verbose)


app.command(cls=Command)(with_settings("export", checking)(export))


@app.command(cls=Command)
@with_settings("lint", not_checking)
def lint(
    settings: Settings,
    output_format: ReportFormatOption = None,
    output: OutputsOption = None,
    quiet: QuietOption = False,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Check the ledger and bibliography offline, fetching nothing, and list the findings.

    Exit codes as for verify.
    """
    from claimcheck.cli.common import report_and_exit, shown

    view = shown(settings.fail_on, claims=False, quiet=quiet, all_sources=False)
    report_and_exit(settings, output_format, output, view=view, color=color)


@app.command("config", cls=Command)
@with_settings("config", with_origins)
def show_config(settings: Loaded, output_format: ListFormatOption = ListFormat.TERMINAL) -> None:
    """Print the effective settings and where each came from.

    Each value comes from its default, the settings file (with its line), a CLAIMCHECK_*
    variable, or a flag given here. The settings file is the nearest claimcheck.toml, or
    pyproject.toml with a [tool.claimcheck] table, from the current folder up (or --config).
    """
    from claimcheck.cli.settings_view import print_settings

    print_settings(settings, json_output=output_format is ListFormat.JSON)


@app.command("rules", cls=Command)
def list_rules(
    output_format: ListFormatOption = ListFormat.TERMINAL, color: ColorOption = ColorChoice.AUTO
) -> None:
    """List every finding code with its severity and what it checks.

    With --format json, a document of schemas/rules.schema.json ('claimcheck schema rules').
    """
    from rich.console import Console
    from rich.table import Table

    from claimcheck import rules
    from claimcheck.cli.common import colour
    from claimcheck.listings import rule_list

    if output_format is ListFormat.JSON:
        typer.echo(rule_list(rules.RULES).model_dump_json(indent=2))
        return
    table = Table("code", "name", "severity", "checks", box=None, pad_edge=False)
    for rule in rules.RULES:
        table.add_row(rule.code, rule.name, rule.severity.value, rule.summary)
    coloured = colour(color)
    Console(width=120, force_terminal=coloured, no_color=not coloured).print(table)


class SchemaName(StrEnum):
    """The schemas `claimcheck schema` prints."""

    CLAIMS = "claims"
    REPORT = "report"
    CONFIG = "config"
    EXPORT = "export"
    RULES = "rules"
    ARCHIVE_LIST = "archive-list"
    ARCHIVE_SHOW = "archive-show"


@app.command(cls=Command)
def schema(
    which: Annotated[
        SchemaName,
        typer.Argument(
            metavar="WHICH",
            help="claims (the ledger file), report (the JSON report), config (the settings "
            "file), export (the JSON claims-to-sources table), or the JSON of rules, archive "
            "list or archive show.",
        ),
    ],
) -> None:
    """Print the JSON Schema of an input, a report, the exported table or a listing."""
    import json

    from claimcheck.schemas import SCHEMAS

    typer.echo(json.dumps(SCHEMAS[which.value](), indent=2))


def cut_to(first: Sequence[str]) -> typer.Typer:
    """The app with only the command that ``first`` (the command line's first word) names.

    Typer builds every command's options, over a hundred, on each run: some 15 ms of `lint`
    for one command. A first word that names no command (none, an option, a misspelling) gets
    the whole app, with its list of commands and its suggestions.
    """
    name = first[0] if first else None
    commands = [
        command
        for command in app.registered_commands
        if (command.name or get_command_name(getattr(command.callback, "__name__", ""))) == name
    ]
    groups = [group for group in app.registered_groups if group.name == name]
    if not commands and not groups:
        return app
    cut = copy.copy(app)
    cut.registered_commands = commands
    cut.registered_groups = groups
    return cut


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
    try:
        cut_to(sys.argv[1:2])()
    except Exception as error:
        from claimcheck.cli.log import record_crash

        where = record_crash(error)
        told = f"see {where}" if where else "and the log could not be written"
        sys.stderr.write(
            f"claimcheck: internal error ({type(error).__name__}: {error}); {told}\n"[:2000]
        )
        sys.exit(EXIT_INTERNAL)
