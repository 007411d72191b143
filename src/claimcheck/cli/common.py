"""What the commands do alike: settings from flags, running, rendering, failing cleanly.

The command functions import this module in their bodies: `claimcheck --help` needs none of it.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from claimcheck.cli.log import run_log
from claimcheck.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, OutputFormat
from claimcheck.config import Loaded, Settings, resolve_settings
from claimcheck.errors import ClaimcheckError, InputErrors
from claimcheck.models import Report
from claimcheck.progress import progress_on_stderr
from claimcheck.report import RenderOptions, formats
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


def run_report(settings: Settings, *, verbose: bool = False) -> Report:
    """Run verify (or lint) showing its progress on stderr; fatal errors exit 2."""
    if settings.check_links or settings.offline:
        # verify.run would import the checker; imported here, it is frozen with the rest.
        importlib.import_module("claimcheck.linkcheck")
    freeze_imports()
    try:
        with (
            run_log(settings.cache_dir),
            progress_on_stderr(checking=settings.check_links, verbose=verbose) as listener,
        ):
            return run(settings, now=datetime.now(UTC).replace(microsecond=0), listener=listener)
    except ClaimcheckError as error:
        fail_with(error)


def freeze_imports() -> None:
    """Call once a command has imported what it runs, before the run.

    What the imports made lives as long as the process: no collection need walk it again.
    """
    gc.freeze()


def report_and_exit(
    settings: Settings,
    fmt: OutputFormat,
    output: Path | None,
    *,
    claims_table: bool,
    verbose: bool = False,
) -> NoReturn:
    """Run, write the report, and exit 1 when a finding fails the policy, else 0."""
    report = run_report(settings, verbose=verbose)
    emit(report, fmt, output, claims_table=claims_table)
    raise typer.Exit(EXIT_FINDINGS if failed(report, settings.fail_on) else EXIT_OK)


def emit(report: Report, fmt: OutputFormat, output: Path | None, *, claims_table: bool) -> None:
    """Write the report in ``fmt`` to stdout or ``output``."""
    width = Console(file=sys.stdout).width if output is None and sys.stdout.isatty() else 120
    options = RenderOptions(color=colour(output), width=width, claims=claims_table)
    text = formats()[fmt.value].render(report, options)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}", hint="check the folder exists")


def colour(output: Path | None) -> bool:
    """Whether to colour: only on a terminal, and not when NO_COLOR is set."""
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


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
