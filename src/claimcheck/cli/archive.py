"""`claimcheck archive`: save, list, show, verify, export and prune the local archive."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from claimcheck.cli.flags import checking, with_settings
from claimcheck.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    ColorChoice,
    ColorOption,
    ListFormat,
    ListFormatOption,
)
from claimcheck.cli.plain import Command

if TYPE_CHECKING:
    from claimcheck.config import Settings

# Each command imports the archive machinery it runs in its body (see cli/app.py).
archive_app = typer.Typer(
    help="Keep a copy of every cited source: WARC snapshots, their text, Wayback mementos.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

# The tables whose rows no WARC file holds: made anew, they are empty.
_HELD = {"checks": "earlier check results", "mementos": "the Wayback mementos found"}

KeyOrUrl = Annotated[
    str, typer.Argument(metavar="KEY_OR_URL", help="A reference key, or a cited URL.")
]


@archive_app.command("save", cls=Command)
@with_settings("archive save", checking)
def save_command(
    settings: Settings,
    wayback: Annotated[
        bool,
        typer.Option(
            "--wayback", help="Also find each source's Wayback capture closest before its urldate."
        ),
    ] = False,
    wayback_capture: Annotated[
        bool,
        typer.Option(
            "--wayback-capture",
            help="Also ask Save Page Now for a new capture (keys from IA_ACCESS_KEY and "
            "IA_SECRET_KEY when set).",
        ),
    ] = False,
    write_bib: Annotated[
        bool,
        typer.Option(
            "--write-bib",
            help="Add urldate, archiveurl and archivedate to the entries that lack them, "
            "changing no other byte of the file.",
        ),
    ] = False,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Capture every source of the bibliography now, whatever the cache says.

    Each page is stored in a WARC file under .claimcheck/archive with its text; an identical
    page already stored is recorded as a revisit, not stored again. Exit codes: 0 saved
    (the table says what could not be captured); 2 usage, input or configuration error; 130
    (Ctrl-C) or 143 (SIGTERM) interrupted, keeping what was saved.
    """
    from claimcheck.archive.commands import WaybackRequest, save, wayback_options
    from claimcheck.cli.archive_view import saved_summary, saved_table, show
    from claimcheck.cli.common import exit_interrupted, fail_with, freeze_imports
    from claimcheck.cli.log import run_log
    from claimcheck.errors import ClaimcheckError
    from claimcheck.progress import progress_on_stderr

    request = None
    if wayback or wayback_capture:
        request = WaybackRequest(capture=wayback_capture, options=wayback_options(settings))
    freeze_imports()
    try:
        with run_log(settings.cache_dir), progress_on_stderr(checking=True) as listener:
            saved = save(settings, listener=listener, wayback=request, write_bib=write_bib)
    except ClaimcheckError as error:
        fail_with(error)
    except KeyboardInterrupt as interrupted:
        exit_interrupted(interrupted, cached=not settings.no_cache, archived=True)
    show(saved_table(saved), color)
    show(saved_summary(saved, settings), color)
    raise typer.Exit(EXIT_OK)


@archive_app.command("list", cls=Command)
@with_settings("archive list", checking)
def list_command(
    settings: Settings,
    output_format: ListFormatOption = ListFormat.TERMINAL,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """List the cited sources with their number of snapshots and the newest one.

    With --format json, a document of schemas/archive-list.schema.json.
    """
    from claimcheck.archive.commands import archive_list
    from claimcheck.cli.archive_view import listed_table, show
    from claimcheck.cli.common import fail_with
    from claimcheck.errors import ClaimcheckError
    from claimcheck.visible import safe_json

    try:
        listed = archive_list(settings)
    except ClaimcheckError as error:
        fail_with(error)
    if output_format is ListFormat.JSON:
        typer.echo(safe_json(listed.model_dump_json(indent=2)))
        return
    show(listed_table(listed), color)


@archive_app.command("show", cls=Command)
@with_settings("archive show", checking)
def show_command(
    settings: Settings,
    key_or_url: KeyOrUrl,
    output_format: ListFormatOption = ListFormat.TERMINAL,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Show one source's captures over time, with status and digest, and its mementos.

    With --format json, a document of schemas/archive-show.schema.json.
    """
    from claimcheck.archive.commands import capture_history
    from claimcheck.cli.archive_view import captures_table, mementos_table, show
    from claimcheck.cli.common import fail, fail_with
    from claimcheck.errors import ClaimcheckError
    from claimcheck.visible import safe_json

    try:
        history = capture_history(settings, key_or_url)
    except ClaimcheckError as error:
        fail_with(error)
    if not history.captures and not history.mementos:
        fail(f"no captures of {history.url}", hint="run 'claimcheck archive save' to capture it")
    if output_format is ListFormat.JSON:
        typer.echo(safe_json(history.model_dump_json(indent=2)))
        return
    show(captures_table(history), color)
    if history.mementos:
        show(mementos_table(history), color)


@archive_app.command("verify", cls=Command)
@with_settings("archive verify", checking)
def verify_command(settings: Settings) -> None:
    """Re-read every WARC record, check its digests, and compare it with the index.

    A running save or prune is waited for. Exit codes: 0 the archive and its index agree;
    1 a mismatch (each one is listed); 2 the archive or its database cannot be read.
    """
    from claimcheck.archive.commands import verifying_archive
    from claimcheck.archive.integrity import check_archive
    from claimcheck.cli.archive_view import note, say, show_text
    from claimcheck.cli.common import fail_with
    from claimcheck.errors import ClaimcheckError

    try:
        with verifying_archive(settings, note) as (folder, index):
            found = check_archive(folder, index)
    except ClaimcheckError as error:
        fail_with(error)
    counts = (
        f"{found.files} WARC files, {found.records} records, {found.captures} captures, "
        f"{found.payloads} stored payloads"
    )
    for name, size in found.uncommitted.items():
        say(f"note: {name} ends in {size:,} uncommitted bytes (an interrupted run)")
    for name in found.unfinished_files:
        say(f"note: {name} was left unfinished by an interrupted run: the next run deletes it")
    for name in found.unknown_files:
        if name in found.unreadable_files:
            continue  # a problem below, with its way out
        say(
            f"note: {name} is not in the index (an interrupted run, or a lost database: "
            "'claimcheck archive reindex' indexes it)"
        )
    if found.ok:
        show_text(f"{counts}: every digest matches and every index entry finds its record")
        raise typer.Exit(EXIT_OK)
    for problem in found.problems:
        say(f"{problem.where}: {problem.message}")
    show_text(f"{counts}: {len(found.problems)} problems")
    raise typer.Exit(EXIT_FINDINGS)


@archive_app.command("reindex", cls=Command)
@with_settings("archive reindex", checking)
def reindex_command(settings: Settings) -> None:
    """Rebuild the archive's index (and the text of each page) from the WARC files.

    The WARC files are the record and the index is derived from them: run this when the
    database was lost or is damaged. A database that cannot be read is moved aside (never
    deleted); damaged rows of check results and mementos are dropped. No WARC file is
    changed. Exit codes: 0 rebuilt; 2 the folder or the database cannot be used.
    """
    from claimcheck.archive.commands import reindex
    from claimcheck.cli.archive_view import say, show_text
    from claimcheck.cli.common import fail_with
    from claimcheck.errors import ClaimcheckError

    try:
        done = reindex(settings)
    except ClaimcheckError as error:
        fail_with(error)
    if done.moved_aside is not None:
        say(f"note: the damaged database was moved aside to {done.moved_aside}")
    if done.restored:
        tables = ", ".join(f"'{table}'" for table in done.restored)
        lost = [_HELD[table] for table in done.restored if table in _HELD]
        say(
            f"note: the database lacked its table{'s' if len(done.restored) > 1 else ''} "
            f"{tables}: made anew" + (f" ({' and '.join(lost)} are lost)" if lost else "")
        )
    for note in done.rebuilt.notes:
        say(f"note: {note}")
    rebuilt = done.rebuilt
    text = (
        f"rebuilt the index from {rebuilt.files} WARC files: {rebuilt.captures} captures, "
        f"{rebuilt.payloads} stored payloads"
    )
    if done.dropped_rows:
        text += f"; dropped {done.dropped_rows} damaged rows of check results and mementos"
    show_text(text)


@archive_app.command("export", cls=Command)
@with_settings("archive export", checking)
def export_command(
    settings: Settings,
    key_or_url: KeyOrUrl,
    to: Annotated[
        Path, typer.Option("--to", metavar="DIR", help="The folder to write the files into.")
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="WHEN",
            help="The newest capture at or before this date or time, e.g. 2024-11-22 "
            "[default: the newest].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a capture's body, its text and a JSON of its facts as plain files."""
    from claimcheck.archive.commands import captures_of, reading_archive
    from claimcheck.archive.export import export_capture
    from claimcheck.cli.archive_view import moment
    from claimcheck.cli.common import fail, fail_with
    from claimcheck.errors import ClaimcheckError
    from claimcheck.visible import visible

    until = moment(at) if at else None
    try:
        with reading_archive(settings) as (folder, index):
            url, captures = captures_of(index, settings, key_or_url)
            chosen = [c for c in captures if until is None or c.captured_at <= until]
            if not chosen:
                bound = f" at or before {at}" if at else ""
                fail(f"no captures of {url}{bound}", hint="see 'claimcheck archive show'")
            written = export_capture(folder, index, chosen[-1], to)
    except ClaimcheckError as error:
        fail_with(error)
    except OSError as error:
        fail(f"cannot write into {to}: {error.strerror}", hint="check the folder is writable")
    for path in written:
        typer.echo(visible(str(path)))


@archive_app.command("prune", cls=Command)
@with_settings("archive prune", checking)
def prune_command(
    settings: Settings,
    keep: Annotated[
        int,
        typer.Option("--keep", metavar="N", min=1, help="Captures to keep of each URL, newest."),
    ],
) -> None:
    """Keep only the newest N captures of each URL; drop the records only the others used.

    The newest capture that holds a page (a 2xx judged alive) is kept too, when the newer
    ones are failures: it is the copy to cite for a page now gone.
    """
    from datetime import UTC, datetime

    from claimcheck.archive.prune import prune
    from claimcheck.cli.archive_view import show_text
    from claimcheck.cli.common import fail_with
    from claimcheck.errors import ClaimcheckError
    from claimcheck.project import open_archive

    try:
        with open_archive(settings, "archive prune") as archive:
            pruned = prune(archive.folder, archive.index, keep, datetime.now(UTC))
    except ClaimcheckError as error:
        fail_with(error)
    show_text(
        f"dropped {pruned.dropped} captures, kept {pruned.kept}; the archive went from "
        f"{pruned.bytes_before:,} to {pruned.bytes_after:,} bytes"
    )
