"""Add fields to bibliography entries in place, leaving every other byte of the file as it was."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.load.bibscan import Broken, Entry, Field, scan
from claimcheck.load.text import DecodedText, decode, read_bytes
from claimcheck.models import Location


@dataclass(frozen=True)
class Insertion:
    """One field added to one entry: the bytes written and where they go."""

    key: str
    field: str
    value: str
    offset: int
    text: bytes


@dataclass(frozen=True)
class Skipped:
    """A field that was not added, and why."""

    key: str
    field: str
    reason: str


@dataclass(frozen=True)
class WriteBackPlan:
    """A file's bytes before and after the new fields, with what was added and what was not."""

    original: bytes
    updated: bytes
    insertions: tuple[Insertion, ...]
    skipped: tuple[Skipped, ...]


def plan_write_back(
    data: bytes,
    additions: Mapping[str, Mapping[str, str]],
    *,
    path: Path,
    encoding: str | None = None,
) -> WriteBackPlan:
    """Plan adding ``additions`` (entry key -> {field: value}, in order) to the file ``data``.

    Nothing is overwritten: a field the entry already has, a key that is missing or repeated,
    and a value BibTeX cannot hold are skipped with a reason. ``path`` only names the file in
    errors; the file is not read.
    """
    decoded = decode(data, path, encoding)
    encoder = _encoder(decoded, data, path)
    placed, skipped = _place(decoded.text, additions, encoder)
    placed.sort(key=lambda item: item.position)
    insertions = _insertions(decoded.text, placed, encoder)
    updated = _splice(data, insertions)
    if updated != encoder.head + _spliced_text(decoded.text, placed).encode(encoder.codec):
        raise InputError(
            f"new fields cannot be added safely to a file in {decoded.encoding}",
            Location(file=str(path)),
            hint="save the bibliography as UTF-8 and run again",
        )
    return WriteBackPlan(
        original=data, updated=updated, insertions=insertions, skipped=tuple(skipped)
    )


def write_back(
    path: Path,
    original: bytes,
    additions: Mapping[str, Mapping[str, str]],
    *,
    encoding: str | None = None,
) -> WriteBackPlan:
    """Add ``additions`` to the file at ``path``, whose bytes were ``original`` when read.

    The file is replaced atomically, keeping its owner, group and permission bits, and only
    if it still holds ``original`` and its user could write it (see ``refuse_unwritable``);
    when there is nothing to add it is not written at all.
    """
    ((_, plan),) = write_back_all([(path, original, additions)], encoding=encoding)
    return plan


def write_back_all(
    files: Sequence[tuple[Path, bytes, Mapping[str, Mapping[str, str]]]],
    *,
    encoding: str | None = None,
) -> tuple[tuple[Path, WriteBackPlan], ...]:
    """``write_back`` for several files, each given with its bytes when read: all or none.

    Every file is planned, checked writable and written out beside itself before any is
    replaced, and each must still hold the bytes it was read with; so a refusal, a full disk
    or a file edited meanwhile changes none of them. Should a replacement itself fail, the
    files already replaced get their old bytes back, and the error says whether they did.
    """
    first: dict[Path, Path] = {}
    for path, _, _ in files:
        target = path.resolve()
        if target in first:
            raise InputError(
                f"the same bibliography is named twice: {first[target]} and {path}",
                Location(file=str(path)),
                hint="name each file once in bib (or --bib)",
            )
        first[target] = path
    plans = tuple(
        (path, plan_write_back(original, additions, path=path, encoding=encoding))
        for path, original, additions in files
    )
    _replace_all([(path, plan) for path, plan in plans if plan.insertions])
    return plans


# Writing the file ------------------------------------------------------------------------


def refuse_unwritable(path: Path) -> None:
    """Raise an InputError unless the bibliography can be replaced as its own user would.

    The new file takes the old one's owner, group and mode. Run as root, a file whose owner
    may not write it (no owner write bit) is refused: root could, but its user could not,
    so a read-only bibliography stays read-only to everyone. Run as anyone else, the file
    must be writable (``os.access``), and the owner and group must be ones this user can
    give the new file (its own uid; a group it belongs to), or the file would change hands.
    Windows has no such owner and group: there only the write bits count.
    """
    where = Location(file=str(path))
    try:
        facts = path.stat()
    except OSError as error:
        raise InputError(f"cannot write the bibliography: {error.strerror}", where) from None
    hint = "make it writable by its owner, or run without --write-bib"
    if not facts.st_mode & stat.S_IWUSR:
        raise InputError("the bibliography is read-only: its owner may not write it", where, hint)
    if sys.platform == "win32" or os.geteuid() == 0:
        return
    if not os.access(path, os.W_OK):
        raise InputError("the bibliography is not writable by this user", where, hint)
    if facts.st_uid != os.geteuid() or facts.st_gid not in {os.getegid(), *os.getgroups()}:
        raise InputError(
            f"the bibliography belongs to user {facts.st_uid}, group {facts.st_gid}: "
            "written back by this user it would change hands",
            where,
            hint="run as its owner, or without --write-bib",
        )


def _replace_all(changes: Sequence[tuple[Path, WriteBackPlan]]) -> None:
    """Replace each file with its plan's bytes through synced temporary files, all or none."""
    for path, _ in changes:
        refuse_unwritable(path.resolve())
    temporaries: list[Path] = []
    replaced: list[tuple[Path, WriteBackPlan]] = []
    where = Path()
    try:
        for where, plan in changes:
            temporaries.append(_stage(where.resolve(), plan.updated))
        for where, plan in changes:
            if read_bytes(where.resolve()) != plan.original:
                raise InputError(
                    "the bibliography was not updated: it changed on disk",
                    Location(file=str(where)),
                    hint="it changed since claimcheck read it; run again",
                )
        for (where, plan), temporary in zip(changes, temporaries, strict=True):
            temporary.replace(where.resolve())
            replaced.append((where, plan))
        for folder in dict.fromkeys(path.resolve().parent for path, _ in changes):
            _sync_folder(folder)
    except OSError as error:
        raise InputError(
            f"cannot write the bibliography: {error.strerror}",
            Location(file=str(where)),
            hint="check that its folder is writable and the disk is not full" + _put_back(replaced),
        ) from None
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


def _stage(target: Path, data: bytes) -> Path:
    """``data`` in a new synced file beside ``target``, with its owner, group and mode."""
    facts = target.stat()
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if sys.platform != "win32":
                # The owner first: a change of owner clears the set-user-ID and set-group-ID bits.
                os.fchown(stream.fileno(), facts.st_uid, facts.st_gid)
                os.fchmod(stream.fileno(), stat.S_IMODE(facts.st_mode))
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _put_back(replaced: Sequence[tuple[Path, WriteBackPlan]]) -> str:
    """Give the files already replaced their old bytes again; say how that went."""
    lost: list[str] = []
    for path, plan in replaced:
        target = path.resolve()
        try:
            temporary = _stage(target, plan.original)
            try:
                temporary.replace(target)
            finally:
                temporary.unlink(missing_ok=True)
        except OSError:
            lost.append(str(path))
    if lost:
        them = "them" if len(lost) > 1 else "it"
        return f"; {', '.join(lost)} could not be put back as before: restore {them} from a copy"
    if replaced:
        return f"; {', '.join(str(path) for path, _ in replaced)} put back as before"
    return ""


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` survive a crash by syncing the folder (POSIX only)."""
    if sys.platform == "win32":
        return  # Windows cannot open a folder to sync it.
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# Text and bytes --------------------------------------------------------------------------

_HEADS = (
    b"",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
)


@dataclass(frozen=True)
class _Encoder:
    """How the file's text becomes its bytes: a byte-order mark, then the text in a codec."""

    head: bytes
    codec: str
    encoding: str


def _encoder(decoded: DecodedText, data: bytes, path: Path) -> _Encoder:
    """The encoder that gives back ``data`` from its text, or an error when there is none."""
    codec = _codec(decoded.encoding, data)
    try:
        body = decoded.text.encode(codec)
    except UnicodeEncodeError:
        raise _unfaithful(decoded, path) from None
    head = data[: max(len(data) - len(body), 0)]
    if head not in _HEADS or data[len(head) :] != body:
        raise _unfaithful(decoded, path)
    return _Encoder(head=head, codec=codec, encoding=decoded.encoding)


def _unfaithful(decoded: DecodedText, path: Path) -> InputError:
    return InputError(
        f"the text read as {decoded.encoding} does not give back the file's exact bytes, "
        "so new fields cannot be placed safely",
        Location(file=str(path)),
        hint="name the file's real encoding with --encoding, or save it as UTF-8",
    )


def _codec(encoding: str, data: bytes) -> str:
    """The codec that writes the text alone, without a byte-order mark of its own."""
    name = codecs.lookup(encoding).name
    if name == "utf-8-sig":
        return "utf-8"
    if name in ("utf-16", "utf-32"):
        little = codecs.BOM_UTF32_LE if name == "utf-32" else codecs.BOM_UTF16_LE
        return f"{name}-le" if data.startswith(little) else f"{name}-be"
    return name


@dataclass(frozen=True)
class _Placed:
    """A field's text, placed at a character position of the decoded text."""

    key: str
    field: str
    value: str
    position: int
    text: str


def _insertions(text: str, placed: list[_Placed], encoder: _Encoder) -> tuple[Insertion, ...]:
    """The insertions, in file order, at byte offsets found by encoding the text before each."""
    insertions: list[Insertion] = []
    offset = len(encoder.head)
    done = 0
    for item in placed:
        offset += len(text[done : item.position].encode(encoder.codec))
        done = item.position
        insertions.append(
            Insertion(
                key=item.key,
                field=item.field,
                value=item.value,
                offset=offset,
                text=item.text.encode(encoder.codec),
            )
        )
    return tuple(insertions)


def _splice(data: bytes, insertions: Sequence[Insertion]) -> bytes:
    """``data`` with each insertion's bytes put in at its offset."""
    pieces: list[bytes] = []
    done = 0
    for insertion in insertions:
        pieces += [data[done : insertion.offset], insertion.text]
        done = insertion.offset
    pieces.append(data[done:])
    return b"".join(pieces)


def _spliced_text(text: str, placed: list[_Placed]) -> str:
    """``text`` with each placed field's text put in at its position."""
    pieces: list[str] = []
    done = 0
    for item in placed:
        pieces += [text[done : item.position], item.text]
        done = item.position
    pieces.append(text[done:])
    return "".join(pieces)


# Deciding what to add --------------------------------------------------------------------

_FIELD_NAME = re.compile(r"[^\s\"#%'(),={}@\\]+")
_EVERY_BRACE = re.compile(r"[{}]")
_UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")


def _place(
    text: str, additions: Mapping[str, Mapping[str, str]], encoder: _Encoder
) -> tuple[list[_Placed], list[Skipped]]:
    """Where each new field goes (in the order asked), and the ones that cannot be added."""
    blocks: dict[str, list[Entry | Broken]] = {}
    for block in scan(text):
        blocks.setdefault(block.key, []).append(block)
    placed: list[_Placed] = []
    skipped: list[Skipped] = []
    for key, fields in additions.items():
        entry = _the_entry(blocks.get(key, []) if key else [])
        if isinstance(entry, str):
            skipped += [Skipped(key=key, field=name, reason=entry) for name in fields]
        else:
            _place_fields(text, entry, fields, encoder, placed, skipped)
    return placed, skipped


def _the_entry(found: list[Entry | Broken]) -> Entry | str:
    """The one parsed entry found for a key, or why there is none to add fields to."""
    if not found:
        return "no entry with this key"
    if len(found) > 1:
        return f"{len(found)} entries in the file have this key"
    if isinstance(found[0], Broken):
        return "the entry cannot be parsed"
    return found[0]


def _place_fields(
    text: str,
    entry: Entry,
    fields: Mapping[str, str],
    encoder: _Encoder,
    placed: list[_Placed],
    skipped: list[Skipped],
) -> None:
    """Place each of ``fields`` after the entry's last field, or say why it cannot go there."""
    present = {field.name.lower() for field in entry.fields}
    layout = _layout(text, entry)
    for name, value in fields.items():
        field_text = layout.field(name, value)
        reason = _refuse_field(name, value, present) or _refuse_encoding(field_text, encoder)
        if reason is not None:
            skipped.append(Skipped(key=entry.key, field=name, reason=reason))
            continue
        present.add(name.lower())
        placed.append(_Placed(entry.key, name, value, layout.position, field_text))


def _refuse_field(name: str, value: str, present: set[str]) -> str | None:
    """Why a field cannot be written as ``name = {value}`` into an entry, if it cannot."""
    if not _FIELD_NAME.fullmatch(name):
        return f"{name!r} is not a field name"
    if name.lower() in present:
        return f"the entry already has {name}"
    if "\n" in value or "\r" in value:
        return "the value holds a line break"
    if value.endswith("\\"):
        return "the value ends in a backslash, which would escape its closing brace"
    if not all(_balanced(brace.findall(value)) for brace in (_EVERY_BRACE, _UNESCAPED_BRACE)):
        return "the value has unbalanced braces"
    return None


def _refuse_encoding(field_text: str, encoder: _Encoder) -> str | None:
    """Why a field's text cannot be written in the file's encoding, if it cannot."""
    try:
        field_text.encode(encoder.codec)
    except UnicodeEncodeError:
        return f"the value cannot be written in the file's encoding, {encoder.encoding}"
    return None


def _balanced(braces: list[str]) -> bool:
    """Every ``}`` closes an earlier ``{`` and every ``{`` is closed."""
    depth = 0
    for brace in braces:
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


# Matching the entry's style --------------------------------------------------------------

_TAB_WIDTH = 8


@dataclass(frozen=True)
class _Padding:
    """The whitespace before ``=`` or before a value: as written, or up to an aligned column."""

    written: str
    column: int | None = None
    tabs: bool = False

    def after(self, column: int) -> str:
        """The whitespace to put after text ending at ``column``."""
        if self.column is None:
            return self.written
        if column >= self.column:
            return "\t" if self.tabs else " "
        if not self.tabs:
            return " " * (self.column - column)
        padding = ""
        while _next_tab_stop(column) <= self.column:
            padding += "\t"
            column = _next_tab_stop(column)
        return padding + " " * (self.column - column)


@dataclass(frozen=True)
class _Layout:
    """How new fields are written into one entry, and where."""

    position: int
    comma_first: bool
    separator: str
    name_column: int = 0
    before_equals: _Padding = _Padding(" ")
    after_equals: _Padding = _Padding(" ")

    def field(self, name: str, value: str) -> str:
        """The text that adds ``name = {value}`` after what the entry holds so far."""
        column = self.name_column + len(name)
        before = self.before_equals.after(column)
        column = _advance(column, before) + 1
        after = self.after_equals.after(column)
        body = f"{name}{before}={after}{{{value}}}"
        return f",{self.separator}{body}" if self.comma_first else f"{self.separator}{body},"


def _layout(text: str, entry: Entry) -> _Layout:
    """Where and how new fields go into ``entry``: after its last field, in its style."""
    if not entry.fields:
        return _empty_entry_layout(text, entry)
    last = entry.fields[-1]
    if entry.trailing_comma is not None:
        position, comma_first = entry.trailing_comma + 1, False
    else:
        position, comma_first = last.value_end, True
    lead = text[last.lead_start : last.name_start]
    if "\n" not in lead:
        return _Layout(
            position,
            comma_first,
            separator=lead,
            before_equals=_Padding(_one_line(text[last.name_end : last.equals])),
            after_equals=_Padding(_one_line(text[last.equals + 1 : last.value_start])),
        )
    return _own_line_layout(text, entry, position, comma_first, lead)


def _empty_entry_layout(text: str, entry: Entry) -> _Layout:
    """Fields for an entry that has none: on lines of their own if its closing brace is."""
    if entry.key_comma is None:
        return _Layout(entry.key_end, comma_first=True, separator=" ")
    gap = text[entry.key_comma + 1 : entry.close]
    separator = _line_break(gap) + "  " if "\n" in gap else " "
    return _Layout(entry.key_comma + 1, comma_first=False, separator=separator)


def _own_line_layout(
    text: str, entry: Entry, position: int, comma_first: bool, lead: str
) -> _Layout:
    """Fields each on a line of its own, indented like the last one, aligned like the others."""
    indent = lead[lead.rfind("\n") + 1 :]
    headers = [field for field in entry.fields if _starts_a_line(text, field)]
    return _Layout(
        position,
        comma_first,
        separator=_line_break(lead) + indent,
        name_column=_advance(0, indent),
        before_equals=_padding(
            [text[field.name_end : field.equals] for field in headers],
            [_column(text, field.equals) for field in headers],
        ),
        after_equals=_padding(
            [text[field.equals + 1 : field.value_start] for field in headers],
            [_column(text, field.value_start) for field in headers],
        ),
    )


def _starts_a_line(text: str, field: Field) -> bool:
    """The field's name opens its line, and its ``=`` and value start on that line."""
    return (
        "\n" in text[field.lead_start : field.name_start]
        and "\n" not in text[field.name_end : field.value_start]
    )


def _padding(gaps: list[str], columns: list[int]) -> _Padding:
    """Alignment to the most used column where some gap is wider than one space, else a copy."""
    written = gaps[-1] if gaps else " "
    wide = [gap for gap in gaps if len(gap) > 1 or "\t" in gap]
    if not wide:
        return _Padding(written)
    column = Counter(columns).most_common(1)[0][0]
    return _Padding(written, column, tabs=any("\t" in gap for gap in wide))


def _one_line(gap: str) -> str:
    return gap if "\n" not in gap else " "


def _line_break(whitespace: str) -> str:
    """The last line break in ``whitespace``: CRLF or LF."""
    end = whitespace.rfind("\n")
    return "\r\n" if end > 0 and whitespace[end - 1] == "\r" else "\n"


def _column(text: str, position: int) -> int:
    """The column ``position`` shows at, tabs expanded."""
    line_start = text.rfind("\n", 0, position) + 1
    return _advance(0, text[line_start:position])


def _advance(column: int, whitespace: str) -> int:
    """The column reached by writing ``whitespace`` from ``column``, tabs expanded."""
    return len((" " * column + whitespace).expandtabs(_TAB_WIDTH))


def _next_tab_stop(column: int) -> int:
    return (column // _TAB_WIDTH + 1) * _TAB_WIDTH
