"""`claimcheck archive`: save, list, show, verify, export and prune the local archive."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimcheck.archive.export import export_capture
from claimcheck.archive.integrity import check_archive
from claimcheck.archive.prune import prune
from claimcheck.archive.wayback import WaybackResult, WaybackStatus
from claimcheck.archiving import (
    Saved,
    WaybackRequest,
    captures_of,
    reading_archive,
    reindex,
    save,
    verifying_archive,
    wayback_options,
)
from claimcheck.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    AllowPrivateOption,
    BibOption,
    CaBundleOption,
    ColorChoice,
    ColorOption,
    ConcurrencyOption,
    ConfigOption,
    DoiResolverOption,
    EncodingOption,
    ExcludeOption,
    PerHostOption,
    ProxyOption,
    RetriesOption,
    RunTimeoutOption,
    TimeoutOption,
    UserAgentOption,
    colour,
    fail,
    fail_with,
    network_flags,
    settings_from,
)
from claimcheck.cli.log import run_log
from claimcheck.config import Settings
from claimcheck.errors import ClaimcheckError
from claimcheck.load.bib import load_bibliography
from claimcheck.models import Source
from claimcheck.progress import progress_on_stderr
from claimcheck.verify import collect_sources, open_archive
from claimcheck.visible import visible

archive_app = typer.Typer(
    help="Keep a copy of every cited source: WARC snapshots, their text, Wayback mementos.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

KeyOrUrl = Annotated[
    str, typer.Argument(metavar="KEY_OR_URL", help="A reference key, or a cited URL.")
]


@archive_app.command("save")
def save_command(
    bib: BibOption = None,
    config: ConfigOption = None,
    encoding: EncodingOption = None,
    allow_private: AllowPrivateOption = None,
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
    wayback_url: Annotated[
        str | None,
        typer.Option(
            "--wayback-url",
            metavar="URL",
            help="A Wayback-compatible archive [default: https://web.archive.org].",
            show_default=False,
        ),
    ] = None,
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
    (the table says what could not be captured); 2 usage, input or configuration error.
    """
    flags = network_flags(
        allow_private=allow_private,
        max_age=None,
        no_cache=None,
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
    ) | {"wayback_url": wayback_url}
    settings = settings_from(bib, None, config, encoding, None, None, flags)
    request = None
    if wayback or wayback_capture:
        request = WaybackRequest(capture=wayback_capture, options=wayback_options(settings))
    try:
        with run_log(settings.cache_dir), progress_on_stderr(checking=True) as listener:
            saved = save(settings, listener=listener, wayback=request, write_bib=write_bib)
    except ClaimcheckError as error:
        fail_with(error)
    _print(_saved_table(saved), color)
    _print(_saved_summary(saved, settings), color)
    raise typer.Exit(EXIT_OK)


@archive_app.command("list")
def list_command(
    bib: BibOption = None,
    config: ConfigOption = None,
    encoding: EncodingOption = None,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """List the cited sources with their number of snapshots and the newest one."""
    settings = settings_from(bib, None, config, encoding, None, None, {})
    try:
        sources = collect_sources(load_bibliography(settings.bib, encoding=settings.encoding))
        with reading_archive(settings) as (_, index):
            summaries = index.summaries()
            mementos = {source.url: index.mementos(source.url) for source in sources}
    except ClaimcheckError as error:
        fail_with(error)
    table = _table("Archived sources", "reference", "snapshots", "newest", "status", "wayback")
    table.add_column("url", overflow="fold", ratio=1)
    cited = {source.url for source in sources}
    for source in sources:
        summary = summaries.get(source.url)
        known = mementos[source.url]
        _add_row(
            table,
            ", ".join(source.keys),
            str(summary.snapshots) if summary else "0",
            _when(summary.newest) if summary else "-",
            str(summary.newest_status) if summary else "-",
            _when(known[-1].captured_at) if known else "-",
            source.url,
        )
    for url, summary in summaries.items():
        if url not in cited:
            row = (str(summary.snapshots), _when(summary.newest), str(summary.newest_status))
            _add_row(table, "(no longer cited)", *row, "-", url)
    _print(table, color)


@archive_app.command("show")
def show_command(
    key_or_url: KeyOrUrl,
    bib: BibOption = None,
    config: ConfigOption = None,
    encoding: EncodingOption = None,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Show one source's captures over time, with status and digest, and its mementos."""
    settings = settings_from(bib, None, config, encoding, None, None, {})
    try:
        with reading_archive(settings) as (_, index):
            url, captures = captures_of(index, settings, key_or_url)
            mementos = index.mementos(url)
            chars = {c.payload_digest: index.text_chars(c.payload_digest) for c in captures}
    except ClaimcheckError as error:
        fail_with(error)
    if not captures and not mementos:
        fail(f"no captures of {url}", hint="run 'claimcheck archive save' to capture it")
    title = f"Captures of {visible(url)}"
    table = _table(title, "captured", "status", "stored", "type", "text", "digest")
    for capture in captures:
        text = chars.get(capture.payload_digest)
        _add_row(
            table,
            _when(capture.captured_at),
            str(capture.http_status),
            "new" if capture.record_type == "response" else "same as before",
            (capture.content_type or "-") + (" (truncated)" if capture.truncated else ""),
            f"{text:,} chars" if text is not None else "none",
            capture.payload_digest,
        )
    _print(table, color)
    if mementos:
        table = _table("Wayback mementos", "captured", "via")
        table.add_column("memento", overflow="fold", ratio=1)
        for memento in mementos:
            _add_row(table, _when(memento.captured_at), memento.via, memento.url)
        _print(table, color)


@archive_app.command("verify")
def verify_command(config: ConfigOption = None) -> None:
    """Re-read every WARC record, check its digests, and compare it with the index.

    A running save or prune is waited for. Exit codes: 0 the archive and its index agree;
    1 a mismatch (each one is listed); 2 the archive or its database cannot be read.
    """
    settings = settings_from(None, None, config, None, None, None, {})
    try:
        with verifying_archive(settings, _note) as (folder, index):
            found = check_archive(folder, index)
    except ClaimcheckError as error:
        fail_with(error)
    counts = (
        f"{found.files} WARC files, {found.records} records, {found.captures} captures, "
        f"{found.payloads} stored payloads"
    )
    for name, size in found.uncommitted.items():
        _say(f"note: {name} ends in {size:,} uncommitted bytes (an interrupted run)")
    for name in found.unknown_files:
        _say(
            f"note: {name} is not in the index (an interrupted run, or a lost database: "
            "'claimcheck archive reindex' indexes it)"
        )
    if found.ok:
        _print(Text(f"{counts}: every digest matches and every index entry finds its record"))
        raise typer.Exit(EXIT_OK)
    for problem in found.problems:
        _say(f"{problem.where}: {problem.message}")
    _print(Text(f"{counts}: {len(found.problems)} problems"))
    raise typer.Exit(EXIT_FINDINGS)


@archive_app.command("reindex")
def reindex_command(config: ConfigOption = None) -> None:
    """Rebuild the archive's index (and the text of each page) from the WARC files.

    The WARC files are the record and the index is derived from them: run this when the
    database was lost or is damaged. A database that cannot be read is moved aside (never
    deleted); damaged rows of check results and mementos are dropped. No WARC file is
    changed. Exit codes: 0 rebuilt; 2 the folder or the database cannot be used.
    """
    settings = settings_from(None, None, config, None, None, None, {})
    try:
        done = reindex(settings)
    except ClaimcheckError as error:
        fail_with(error)
    if done.moved_aside is not None:
        _print(Text(f"note: the damaged database was moved aside to {done.moved_aside}"))
    for note in done.rebuilt.notes:
        _print(Text(f"note: {note}"))
    rebuilt = done.rebuilt
    text = (
        f"rebuilt the index from {rebuilt.files} WARC files: {rebuilt.captures} captures, "
        f"{rebuilt.payloads} stored payloads"
    )
    if done.dropped_rows:
        text += f"; dropped {done.dropped_rows} damaged rows of check results and mementos"
    _print(Text(text))


@archive_app.command("export")
def export_command(
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
    bib: BibOption = None,
    config: ConfigOption = None,
    encoding: EncodingOption = None,
) -> None:
    """Write a capture's body, its text and a JSON of its facts as plain files."""
    settings = settings_from(bib, None, config, encoding, None, None, {})
    until = _moment(at) if at else None
    try:
        with reading_archive(settings) as (folder, index):
            url, captures = captures_of(index, settings, key_or_url)
            chosen = [c for c in captures if until is None or c.captured_at <= until]
            if not chosen:
                when = f" at or before {at}" if at else ""
                fail(f"no captures of {url}{when}", hint="see 'claimcheck archive show'")
            written = export_capture(folder, index, chosen[-1], to)
    except ClaimcheckError as error:
        fail_with(error)
    except OSError as error:
        fail(f"cannot write into {to}: {error.strerror}", hint="check the folder is writable")
    for path in written:
        typer.echo(visible(str(path)))


@archive_app.command("prune")
def prune_command(
    keep: Annotated[
        int,
        typer.Option("--keep", metavar="N", min=1, help="Captures to keep of each URL, newest."),
    ],
    config: ConfigOption = None,
) -> None:
    """Keep only the newest N captures of each URL; drop the records only the others used."""
    settings = settings_from(None, None, config, None, None, None, {})
    try:
        with open_archive(settings, "archive prune") as archive:
            pruned = prune(archive.folder, archive.index, keep, datetime.now(UTC))
    except ClaimcheckError as error:
        fail_with(error)
    _print(
        Text(
            f"dropped {pruned.dropped} captures, kept {pruned.kept}; the archive went from "
            f"{pruned.bytes_before:,} to {pruned.bytes_after:,} bytes"
        )
    )


def _note(text: str) -> None:
    sys.stderr.write(f"note: {text}\n")
    sys.stderr.flush()


def _saved_table(saved: Saved) -> Table:
    table = _table(f"Sources ({len(saved.sources)})", "reference", "status", "snapshot")
    table.add_column("wayback", overflow="fold", ratio=1)
    table.add_column("url", overflow="fold", ratio=1)
    for source in saved.sources:
        _add_row(
            table,
            ", ".join(source.keys),
            source.status.value,
            _snapshot(source),
            _wayback(saved.captures.get(source.url) or saved.lookups.get(source.url)),
            source.url,
        )
    return table


def _snapshot(source: Source) -> str:
    snapshot = source.snapshot
    if snapshot is None:
        return "-"
    fresh = source.checked_at is not None and snapshot.captured_at == source.checked_at
    text = f"{snapshot.text_chars:,} chars" if snapshot.text_chars is not None else "no text"
    return f"{'now' if fresh else _when(snapshot.captured_at)}, HTTP {snapshot.http_status}, {text}"


def _wayback(result: WaybackResult | None) -> str:
    if result is None:
        return "-"
    if result.status is WaybackStatus.FOUND and result.memento is not None:
        return f"{_when(result.memento.captured_at)}: {result.memento.url}"
    return f"{result.status.value}: {result.detail}"


def _saved_summary(saved: Saved, settings: Settings) -> Text:
    captured = sum(
        1 for s in saved.sources if s.snapshot and s.snapshot.captured_at == s.checked_at
    )
    text = Text(f"captured {captured} of {len(saved.sources)} sources")
    if saved.network_unreachable:
        text.append("; network unreachable: nothing could be captured")
    for label, results in (("wayback lookups", saved.lookups), ("new captures", saved.captures)):
        if results:
            found = sum(1 for r in results.values() if r.status is WaybackStatus.FOUND)
            text.append(f"; {label}: {found} of {len(results)} found")
    if saved.written is not None:
        entries = len({insertion.key for insertion in saved.written.insertions})
        fields = len(saved.written.insertions)
        text.append(f"; {visible(str(settings.bib))}: {fields} fields added to {entries} entries")
        if saved.written.skipped:
            text.append(f" ({len(saved.written.skipped)} already there or not addable)")
    return text


def _table(title: str, *columns: str) -> Table:
    table = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _add_row(table: Table, *cells: str) -> None:
    """A row of ``cells`` as text, not markup, each with its control characters made visible
    (a URL or a server's content type may hold [brackets] or escape codes)."""
    table.add_row(*(Text(visible(cell)) for cell in cells))


def _say(line: str) -> None:
    """One line naming what the archive holds, its control characters made visible."""
    _print(Text(visible(line)))


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(
            f"--at {text!r} is not a date or time",
            hint="write it as 2024-11-22 or 2024-11-22T09:30",
        )
    if len(text.strip()) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _print(renderable: Table | Text, color: ColorChoice = ColorChoice.AUTO) -> None:
    width = Console(file=sys.stdout).width if sys.stdout.isatty() else 120
    coloured = colour(color)
    Console(width=width, force_terminal=coloured, no_color=not coloured, highlight=False).print(
        renderable, soft_wrap=isinstance(renderable, Text)
    )
