"""What the commands do alike: settings from flags, running, rendering, failing cleanly.

The command functions import this module in their bodies: `claimcheck --help` needs none of it.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn, TextIO

import typer
from rich.console import Console

from claimcheck.cli.log import run_log
from claimcheck.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_SIGNALLED,
    EXIT_USAGE,
    ColorChoice,
    ReportFormat,
)
from claimcheck.cli.outputs import Plan, plan
from claimcheck.config import Loaded, Settings, find_settings_file, resolve_settings
from claimcheck.errors import ClaimcheckError, InputErrors, Interrupted
from claimcheck.load.bib import Cited
from claimcheck.models import Report
from claimcheck.progress import progress_on_stderr
from claimcheck.report import RenderOptions, formats
from claimcheck.severity import FailOn, Severity
from claimcheck.verify import failed, run
from claimcheck.visible import visible


def settings_from(flags: Mapping[str, object], config: Path | None) -> Settings:
    """The run's settings: the flags given (None: left out), over the environment, the
    settings file (``config``, else the nearest one) and the defaults. Exits 2 on a bad one."""
    return resolved(flags, config).settings


def lint_settings(flags: Mapping[str, object], config: Path | None) -> Settings:
    """The settings of a run that checks no link."""
    return settings_from({**flags, "check_links": False}, config)


def resolved(flags: Mapping[str, object], config: Path | None) -> Loaded:
    """The run's settings with where each came from; exits 2 on a bad one."""
    try:
        return resolve_settings(Path.cwd(), config_file=config, flags=flags)
    except ClaimcheckError as error:
        fail_with(error)


def run_report(
    settings: Settings,
    *,
    verbose: bool = False,
    quiet: bool = False,
    bibliography: Cited | None = None,
) -> Report:
    """Run verify (or lint) showing its progress on stderr, on ``bibliography`` when the
    caller has loaded it; fatal errors exit 2."""
    if verbose and quiet:
        fail("--quiet and --verbose ask for opposite things", hint="give one of them")
    if settings.check_links or settings.offline:
        # verify.run would import the checker; imported here, it is frozen with the rest.
        importlib.import_module("claimcheck.linkcheck")
    freeze_imports()
    try:
        with (
            run_log(settings.cache_dir),
            progress_on_stderr(
                checking=settings.check_links, verbose=verbose, quiet=quiet
            ) as listener,
        ):
            return run(
                settings,
                now=datetime.now(UTC).replace(microsecond=0),
                listener=listener,
                bibliography=bibliography,
            )
    except ClaimcheckError as error:
        fail_with(error)
    except KeyboardInterrupt as interrupted:
        exit_interrupted(interrupted, cached=not settings.no_cache, archived=settings.archive)


def exit_interrupted(interrupted: KeyboardInterrupt, *, cached: bool, archived: bool) -> NoReturn:
    """Say how far an interrupted run got and what it kept; exit as a shell reports the
    signal (128 + its number: 130 for Ctrl-C, 143 for SIGTERM)."""
    if not isinstance(interrupted, Interrupted):
        sys.stderr.write("claimcheck: interrupted\n")
        raise typer.Exit(EXIT_SIGNALLED + 2)
    how = "interrupted" if interrupted.signal_number == 2 else "terminated"
    if cached and archived:
        kept = "their results are kept in the cache and their pages in the archive"
    elif cached:
        kept = "their results are kept in the cache"
    elif archived:
        kept = "their pages are kept in the archive"
    else:
        kept = "nothing was kept (no cache, no archive)"
    rerun = ", so a rerun does not ask the alive ones again" if cached else ""
    sys.stderr.write(
        f"claimcheck: {how} after {interrupted.checked} of {interrupted.total} sources; "
        f"{kept}{rerun}\n"
    )
    raise typer.Exit(EXIT_SIGNALLED + interrupted.signal_number)


def freeze_imports() -> None:
    """Call once a command has imported what it runs, before the run.

    What the imports made lives as long as the process: no collection need walk it again.
    """
    gc.freeze()


def report_and_exit(
    settings: Settings,
    fmt: ReportFormat | None,
    outputs: Sequence[str] | None,
    *,
    view: RenderOptions,
    color: ColorChoice = ColorChoice.AUTO,
    verbose: bool = False,
) -> NoReturn:
    """Run, write the reports, and exit 1 when a finding fails the policy, else 0.

    --format and --output are read first: a mistake in them exits 2 before the run.
    """
    try:
        where = plan(fmt, outputs or ())
    except ClaimcheckError as error:
        fail_with(error)
    refuse_overwriting_inputs(where, settings)
    report = run_report(settings, verbose=verbose, quiet=view.quiet)
    emit(report, where, view=view, color=color)
    raise typer.Exit(EXIT_FINDINGS if failed(report, settings.fail_on) else EXIT_OK)


def refuse_overwriting_inputs(where: Plan, settings: Settings) -> None:
    """Exit 2 before the run when an --output file is one the run reads: a bibliography,
    the claims ledger or the settings file (``-o references.bib`` would replace the
    bibliography by the report)."""
    found, _, _ = find_settings_file(Path.cwd())
    inputs = [*settings.bib, settings.claims, found]
    for _, path in where.files:
        for read in inputs:
            if read is not None and _same_file(path, read):
                fail(
                    f"--output {path} is {read}, which this run reads",
                    hint="write the report to a file of its own, e.g. report.txt",
                )


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.exists() and second.exists() and first.samefile(second)
    except OSError:
        return False


def emit(
    report: Report,
    where: Plan,
    *,
    view: RenderOptions,
    color: ColorChoice = ColorChoice.AUTO,
) -> None:
    """Write the report in each format where ``where`` says, as ``view`` says, each one's
    colour and width those of the place it goes to; with the github format, append the
    Markdown summary to GITHUB_STEP_SUMMARY's file when it names one."""
    every = formats()
    for fmt, path in where.files:
        text = every[fmt.value].render(report, replace(view, color=colour(color, path), width=120))
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            fail(f"cannot write {path}: {error.strerror}", hint="check the folder exists")
    if where.stdout is not None:
        options = replace(view, color=colour(color), width=_width(sys.stdout))
        sys.stdout.write(every[where.stdout.value].render(report, options))
        sys.stdout.flush()
    if where.stderr_terminal:
        options = replace(view, color=colour(color, stream=sys.stderr), width=_width(sys.stderr))
        sys.stderr.write(every[ReportFormat.TERMINAL.value].render(report, options))
    if ReportFormat.GITHUB in where.formats():
        from claimcheck.report.github import STEP_SUMMARY, append_step_summary

        try:
            append_step_summary(report, replace(view, width=120), os.environ)
        except OSError as error:
            fail(
                f"cannot append the summary to {os.environ[STEP_SUMMARY]}: {error.strerror}",
                hint=f"{STEP_SUMMARY} should name a file GitHub Actions made",
            )


def _width(stream: TextIO) -> int:
    """The width of the terminal ``stream`` is, else 120."""
    return Console(file=stream).width if stream.isatty() else 120


def colour(choice: ColorChoice, output: Path | None = None, stream: TextIO | None = None) -> bool:
    """Whether to colour what goes to ``stream`` (stdout unless given), or to the file
    ``output``.

    ``always`` and ``never`` say so. ``auto`` colours the stream when it is a terminal:
    NO_COLOR (set and not empty) turns that off, FORCE_COLOR (set and not empty) on, also in
    a pipe; NO_COLOR wins over FORCE_COLOR. A report written to a file is never coloured in
    auto.
    """
    if choice is not ColorChoice.AUTO:
        return choice is ColorChoice.ALWAYS
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or (stream or sys.stdout).isatty()


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
