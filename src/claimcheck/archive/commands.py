"""The archive commands' work: capture every source now, ask the Wayback Machine, write back."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from claimcheck.archive.index import ArchiveIndex, CaptureRow, restore_tables
from claimcheck.archive.lock import ProjectLock
from claimcheck.archive.recall import with_archive
from claimcheck.archive.reindex import Reindexed, rebuild
from claimcheck.archive.store import ARCHIVE_FOLDER
from claimcheck.archive.wayback import (
    Wayback,
    WaybackOptions,
    WaybackResult,
    WaybackStatus,
    credentials_from_env,
    wayback_client,
)
from claimcheck.check.cache import ResultCache
from claimcheck.check.resolver import Resolver, RunResolver, SystemResolver
from claimcheck.config import Settings
from claimcheck.errors import DamagedState, InputError
from claimcheck.identifiers import unfetchable
from claimcheck.listings import ArchivedSource, ArchiveList, CaptureEntry, CaptureHistory
from claimcheck.load.bib import Cited, load_bibliographies
from claimcheck.load.text import read_bytes
from claimcheck.load.writeback import WriteBackPlan, refuse_unwritable, write_back_all
from claimcheck.models import Location, Memento, Source
from claimcheck.pipeline import Listener, run_checks
from claimcheck.project import database, open_archive, open_cache, open_index, recover_index
from claimcheck.statefiles import real_folder, unwritable
from claimcheck.verify import collect_sources

_ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class WaybackRequest:
    """What to ask a Wayback-compatible archive for each source."""

    capture: bool = False
    options: WaybackOptions = field(default_factory=WaybackOptions)


@dataclass(frozen=True)
class Saved:
    """What `archive save` did: each source as captured, and what the Wayback said of it."""

    sources: tuple[Source, ...]
    network_unreachable: bool
    lookups: Mapping[str, WaybackResult] = field(default_factory=dict)
    captures: Mapping[str, WaybackResult] = field(default_factory=dict)
    # With --write-bib: what was added to each bibliography, in the order they were given.
    written: tuple[tuple[Path, WriteBackPlan], ...] | None = None


def wayback_options(settings: Settings, environ: Mapping[str, str] = os.environ) -> WaybackOptions:
    """The Wayback client's options: the configured archive, and keys from the environment."""
    keys = credentials_from_env(environ)
    return WaybackOptions.of(
        settings, access_key=keys[0] if keys else None, secret_key=keys[1] if keys else None
    )


def save(
    settings: Settings,
    *,
    listener: Listener | None = None,
    resolver: Resolver | None = None,
    wayback: WaybackRequest | None = None,
    write_bib: bool = False,
) -> Saved:
    """Capture every source of the bibliography now, and optionally ask the Wayback and write back.

    The project lock is held throughout, so the bibliography is not written by two runs.
    """
    originals = {path: read_bytes(path) for path in settings.bib} if write_bib else {}
    bibliography = load_bibliographies(settings.bib, encoding=settings.encoding)
    for path in originals:
        refuse_unwritable(path)
    sources = collect_sources(bibliography)
    with ExitStack() as stack:
        archive = stack.enter_context(open_archive(settings, "archive save"))
        cache = None if settings.no_cache else stack.enter_context(open_cache(settings))
        checked = run_checks(
            sources,
            settings.check_options(),
            cache=cache,
            max_age=timedelta(0),
            listener=listener,
            resolver=resolver,
            archive=archive,
        )
        archive.commit()
        lookups: dict[str, WaybackResult] = {}
        captures: dict[str, WaybackResult] = {}
        if wayback is not None:
            lookups, captures = asyncio.run(
                _ask_wayback(checked.sources, bibliography, wayback, settings, resolver)
            )
            _remember(archive.index, lookups, captures)
        found = with_archive(checked.sources, archive.index)
        written = None
        if write_bib:
            additions = bib_additions(found, bibliography, cache, lookups, captures)
            written = write_back_all(
                [
                    (path, original, _defined_in(path, additions, bibliography))
                    for path, original in originals.items()
                ],
                encoding=settings.encoding,
            )
        return Saved(found, checked.network_unreachable, lookups, captures, written)


async def _ask_wayback(
    sources: Sequence[Source],
    bibliography: Cited,
    request: WaybackRequest,
    settings: Settings,
    resolver: Resolver | None,
) -> tuple[dict[str, WaybackResult], dict[str, WaybackResult]]:
    """Ask the archive about every source, connecting as the link check does (guarded)."""
    check = settings.check_options()
    lookups = RunResolver(
        resolver or SystemResolver(),
        in_flight=check.dns_in_flight,
        timeout=check.dns_timeout,
        attempts=check.dns_attempts,
        backoff=check.backoff,
    )
    async with wayback_client(check, lookups) as client:
        service = Wayback(client, request.options)
        # A URL that is invalid or of another scheme is not asked about: no archive has it.
        asked = [source for source in sources if unfetchable(source.url) is None]
        urls = [source.url for source in asked]
        befores = [_cited_on(source, bibliography) for source in asked]
        found = await asyncio.gather(
            *(service.closest(url, before) for url, before in zip(urls, befores, strict=True))
        )
        made: list[WaybackResult] = []
        if request.capture:
            made = list(await asyncio.gather(*(service.capture(url) for url in urls)))
    return dict(zip(urls, found, strict=True)), dict(zip(urls, made, strict=False))


def _cited_on(source: Source, bibliography: Cited) -> date | None:
    """The urldate of the first reference citing ``source`` that has one."""
    references = bibliography.by_key()
    for key in source.keys:
        reference = references.get(key)
        match = _ISO_DATE.match(reference.urldate or "") if reference else None
        if match:
            try:
                return date.fromisoformat(match.group(1))
            except ValueError:
                continue
    return None


def _remember(
    index: ArchiveIndex,
    lookups: Mapping[str, WaybackResult],
    captures: Mapping[str, WaybackResult],
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    for results in (lookups, captures):
        for url, result in results.items():
            if result.memento is not None:
                index.record_memento(url, result.memento, now)


def bib_additions(
    sources: Sequence[Source],
    bibliography: Cited,
    cache: ResultCache | None,
    lookups: Mapping[str, WaybackResult],
    captures: Mapping[str, WaybackResult],
) -> dict[str, dict[str, str]]:
    """For each entry citing a URL: urldate (first alive check), archiveurl and archivedate.

    The memento cited is the one made now, else the one closest before the urldate, else
    the newest known. Fields an entry already has are left alone by the write-back.
    """
    additions: dict[str, dict[str, str]] = {}
    references = bibliography.by_key()
    for source in sources:
        if source.kind != "url":
            continue
        first_alive = cache.first_alive(source.url) if cache is not None else None
        memento = _cited_memento(source, lookups, captures)
        for key in source.keys:
            if key not in references:
                continue
            fields = additions.setdefault(key, {})
            if first_alive is not None:
                fields["urldate"] = first_alive.date().isoformat()
            if memento is not None:
                fields["archiveurl"] = memento.url
                fields["archivedate"] = memento.captured_at.date().isoformat()
    return {key: fields for key, fields in additions.items() if fields}


def _defined_in(
    path: Path, additions: Mapping[str, Mapping[str, str]], bibliography: Cited
) -> dict[str, Mapping[str, str]]:
    """The ``additions`` to the entries the bibliography at ``path`` defines."""
    references = bibliography.by_key()
    return {
        key: fields
        for key, fields in additions.items()
        if key in references and references[key].location.file == str(path)
    }


def _cited_memento(
    source: Source,
    lookups: Mapping[str, WaybackResult],
    captures: Mapping[str, WaybackResult],
) -> Memento | None:
    for results in (captures, lookups):
        result = results.get(source.url)
        if result is not None and result.status is WaybackStatus.FOUND and result.memento:
            return result.memento
    return source.memento


@dataclass(frozen=True)
class Reindex:
    """What `archive reindex` did: the rebuild, the rows it dropped, a damaged file moved,
    the tables it made anew."""

    rebuilt: Reindexed
    dropped_rows: int
    moved_aside: Path | None
    restored: tuple[str, ...] = ()


def reindex(settings: Settings) -> Reindex:
    """Rebuild the archive's index from the WARC files, with the project lock held.

    A database that can be read keeps its check results and mementos (their damaged rows are
    dropped) and has the tables it lacks made anew, empty; one that cannot be read is moved
    aside, never deleted, and a new one is made.
    """
    folder = real_folder(settings.cache_dir / ARCHIVE_FOLDER)
    with ProjectLock(settings.cache_dir, "archive reindex"):
        moved = None
        try:
            return _reindexed(settings, folder, moved)
        except DamagedState:
            moved = _move_aside(database(settings))
        return _reindexed(settings, folder, moved)


def _reindexed(settings: Settings, folder: Path, moved: Path | None) -> Reindex:
    dropped = 0
    restored = restore_tables(database(settings))
    with closing(open_index(settings, recover=False)) as index:
        rebuilt = rebuild(folder, index)
        dropped += index.drop_damaged_mementos()
    with open_cache(settings) as cache:
        dropped += cache.drop_damaged()
    return Reindex(rebuilt, dropped, moved, restored)


def _move_aside(path: Path) -> Path:
    """Rename a damaged database (and the files beside it) to a free name ending .damaged."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.{stamp}.damaged")
    try:
        for suffix in ("", "-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.rename(aside.with_name(aside.name + suffix))
    except OSError as error:
        raise unwritable(path, error) from None
    return aside


@contextmanager
def reading_archive(settings: Settings) -> Iterator[tuple[Path, ArchiveIndex]]:
    """The archive folder and its index, for the commands that only read them."""
    folder = settings.cache_dir / ARCHIVE_FOLDER
    if settings.cache_dir.is_symlink() or settings.cache_dir.exists():
        real_folder(settings.cache_dir)
    recover_index(settings)
    if not database(settings).exists():
        raise InputError(
            "there is no archive here yet",
            Location(file=str(settings.cache_dir)),
            hint="run 'claimcheck archive save' (or 'claimcheck verify') first",
        )
    if folder.is_symlink() or folder.exists():
        real_folder(folder)
    with closing(open_index(settings)) as index:
        yield folder, index


@contextmanager
def verifying_archive(
    settings: Settings, waiting: Callable[[str], None]
) -> Iterator[tuple[Path, ArchiveIndex]]:
    """The archive folder and its index, with no run writing them: a running writer is
    waited for (``waiting`` says so), and other readers may read too."""
    recover_index(settings)
    with (
        reading_archive(settings) as (folder, index),
        ProjectLock(settings.cache_dir, "archive verify", waiting=waiting),
    ):
        yield folder, index


def captures_of(
    index: ArchiveIndex, settings: Settings, key_or_url: str
) -> tuple[str, list[CaptureRow]]:
    """The cited URL meant by a reference key or a URL, and its captures, oldest first."""
    url = key_or_url
    if "://" not in key_or_url:
        bibliography = load_bibliographies(settings.bib, encoding=settings.encoding)
        cited = [s for s in collect_sources(bibliography) if key_or_url in s.keys]
        if not cited:
            raise InputError(
                f"no reference {key_or_url!r} with a URL",
                Location(file=", ".join(map(str, settings.bib))),
                hint="give a reference key from the bibliography, or a URL",
            )
        url = cited[0].url
    return url, index.captures(url)


def archive_list(settings: Settings) -> ArchiveList:
    """The cited sources with their captures and mementos in brief, in bibliography order,
    then the URLs the archive holds that are no longer cited."""
    sources = collect_sources(load_bibliographies(settings.bib, encoding=settings.encoding))
    with reading_archive(settings) as (_, index):
        summaries = index.summaries()
        cited = {source.url: source.keys for source in sources}
        uncited = [url for url in summaries if url not in cited]
        mementos = index.mementos_of([*cited, *uncited])
    rows = []
    for url, keys in [*cited.items(), *((url, ()) for url in uncited)]:
        summary = summaries.get(url)
        known = mementos.get(url, [])
        rows.append(
            ArchivedSource(
                url=url,
                keys=keys,
                cited=url in cited,
                snapshots=summary.snapshots if summary else 0,
                newest=summary.newest if summary else None,
                newest_status=summary.newest_status if summary else None,
                mementos=len(known),
                newest_memento=known[-1] if known else None,
            )
        )
    return ArchiveList(sources=tuple(rows))


def capture_history(settings: Settings, key_or_url: str) -> CaptureHistory:
    """The captures and mementos of the URL a reference key or a URL names, oldest first."""
    with reading_archive(settings) as (_, index):
        url, captures = captures_of(index, settings, key_or_url)
        mementos = index.mementos(url)
        chars = {c.payload_digest: index.text_chars(c.payload_digest) for c in captures}
    return CaptureHistory(
        url=url,
        captures=tuple(
            _capture_entry(capture, chars[capture.payload_digest]) for capture in captures
        ),
        mementos=tuple(mementos),
    )


def _capture_entry(capture: CaptureRow, text_chars: int | None) -> CaptureEntry:
    return CaptureEntry(
        captured_at=capture.captured_at,
        target=capture.target,
        http_status=capture.http_status,
        judged=capture.judged,
        content_type=capture.content_type,
        payload_digest=capture.payload_digest,
        stored="new" if capture.record_type == "response" else "same-as-before",
        truncated=capture.truncated,
        text_chars=text_chars,
        record_id=capture.record_id,
        warc_file=capture.place.warc_file,
        offset=capture.place.offset,
        length=capture.place.length,
    )
