"""What the commands share: option types, settings from flags, rendering, failing cleanly."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from claimcheck.cli.log import run_log
from claimcheck.config import FailOn, Settings, load_settings
from claimcheck.errors import ClaimcheckError, InputErrors
from claimcheck.models import Report, Severity
from claimcheck.progress import progress_on_stderr
from claimcheck.report import RenderOptions, formats
from claimcheck.verify import run
from claimcheck.visible import visible

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class OutputFormat(StrEnum):
    """The formats --format takes."""

    TERMINAL = "terminal"
    JSON = "json"


class ColorChoice(StrEnum):
    """When --color colours the output."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


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
        "--concurrency",
        metavar="N",
        help="Requests at once in all [default: 1024; 4 per host reach it only past 256 hosts].",
        show_default=False,
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
RunTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--run-timeout",
        metavar="SECONDS",
        help="Deadline for all the link checks of a run; what is left then is reported as "
        "'timeout (run-deadline)' [default: 1800].",
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
ProxyOption = Annotated[
    str | None,
    typer.Option(
        "--proxy",
        metavar="URL",
        help="Send every request through this http:// proxy (user:password@ allowed); "
        "NO_PROXY still applies [default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY].",
        show_default=False,
    ),
]
CaBundleOption = Annotated[
    Path | None,
    typer.Option(
        "--ca-bundle",
        metavar="FILE",
        help="Also trust the CA certificates in this PEM file (besides the system's store, "
        "SSL_CERT_FILE and SSL_CERT_DIR).",
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


ArchiveOption = Annotated[
    bool | None,
    typer.Option(
        "--archive/--no-archive",
        help="Keep a snapshot of each page fetched [default: archive].",
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


OfflineOption = Annotated[
    bool | None,
    typer.Option(
        "--offline",
        help="Make no request: statuses from the last checks, text from the newest snapshots.",
        show_default=False,
    ),
]


def network_flags(
    *,
    allow_private: bool | None,
    max_age: str | None,
    no_cache: bool | None,
    concurrency: int | None,
    per_host: int | None,
    timeout: float | None,
    run_timeout: float | None,
    retries: int | None,
    exclude: list[str] | None,
    user_agent: str | None,
    doi_resolver: str | None,
    proxy: str | None,
    ca_bundle: Path | None,
) -> dict[str, object]:
    """The settings the network options give, keyed as in Settings."""
    return {
        "allow_private": allow_private,
        "max_age": max_age,
        "no_cache": no_cache,
        "concurrency": concurrency,
        "per_host": per_host,
        "timeout": timeout,
        "run_timeout": run_timeout,
        "retries": retries,
        "exclude": tuple(exclude) if exclude else None,
        "user_agent": user_agent,
        "doi_resolver": doi_resolver,
        "proxy": proxy,
        "ca_bundle": ca_bundle,
    }


def settings_from(
    bib: Path | None,
    claims: Path | None,
    config: Path | None,
    encoding: str | None,
    ignore: list[str] | None,
    fail_on: FailOn | None,
    more: Mapping[str, object],
) -> Settings:
    """The run's settings from the input flags, ``more`` flags and the config files."""
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
        fail_with(error)


def run_report(settings: Settings, *, verbose: bool = False, quiet: bool = False) -> Report:
    """Run verify (or lint) showing its progress on stderr; fatal errors exit 2."""
    if verbose and quiet:
        fail("--quiet and --verbose ask for opposite things", hint="give one of them")
    try:
        with (
            run_log(settings.cache_dir),
            progress_on_stderr(
                checking=settings.check_links, verbose=verbose, quiet=quiet
            ) as listener,
        ):
            return run(settings, now=datetime.now(UTC).replace(microsecond=0), listener=listener)
    except ClaimcheckError as error:
        fail_with(error)


def emit(
    report: Report,
    fmt: OutputFormat,
    output: Path | None,
    *,
    view: RenderOptions,
    color: ColorChoice = ColorChoice.AUTO,
) -> None:
    """Write the report in ``fmt`` to stdout or ``output``, as ``view`` says, its colour
    and width those of the place it goes to."""
    width = Console(file=sys.stdout).width if output is None and sys.stdout.isatty() else 120
    options = replace(view, color=colour(color, output), width=width)
    text = formats()[fmt.value].render(report, options)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}", hint="check the folder exists")


def colour(choice: ColorChoice, output: Path | None = None) -> bool:
    """Whether to colour what goes to stdout (or to the file ``output``).

    ``always`` and ``never`` say so. ``auto`` colours stdout when it is a terminal: NO_COLOR
    (set and not empty) turns that off, FORCE_COLOR (set and not empty) on, also in a pipe;
    NO_COLOR wins over FORCE_COLOR. A report written to a file is never coloured in auto.
    """
    if choice is not ColorChoice.AUTO:
        return choice is ColorChoice.ALWAYS
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def shown(fail_on: FailOn, *, claims: bool, quiet: bool, all_sources: bool) -> RenderOptions:
    """What the terminal report shows: the tables (``claims``), every source or only those
    needing attention, or (``quiet``) only the summary and the findings ``fail_on`` fails."""
    failing = frozenset(severity for severity in Severity if fail_on.fails(severity))
    return RenderOptions(claims=claims, quiet=quiet, failing=failing, all_sources=all_sources)


def fail_with(error: ClaimcheckError) -> NoReturn:
    """Print the error (every problem of it) with its hint on stderr, and exit 2."""
    problems = error.errors if isinstance(error, InputErrors) else [error]
    console = Console(stderr=True, highlight=False, no_color="NO_COLOR" in os.environ)
    for problem in problems:
        console.print("[bold red]error:[/] ", end="", markup=True)
        console.print(visible(str(problem)), markup=False, soft_wrap=True)
        if problem.hint:
            console.print(f"  hint: {visible(problem.hint)}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)


def fail(message: str, hint: str | None = None) -> NoReturn:
    """Fail with a message and a hint that belong to no file."""
    fail_with(ClaimcheckError(message, hint=hint))
