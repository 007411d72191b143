"""Find a bibliography's entries and fields in its text, where bibtexparser 2 finds them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The scanner finds blocks the way the loader's parser (bibtexparser 2) does, so that it
# agrees on which entries exist and where each field ends: a block starts at '@type' right
# before '{' or '('; inside a block it jumps between unescaped braces, quotes, commas and
# equals signs; a block that breaks off resumes the scan after its last mark read.

_BLOCK_START = r"@\w*[ \t]*(?=[{(])"
_BLOCK_START_MARK = re.compile(_BLOCK_START)
_MARKS = re.compile(r'(?<!\\)[{}",=]|' + _BLOCK_START)
_PAREN_MARKS = re.compile(r'(?<!\\)[{}",=)]|' + _BLOCK_START)
# Inside braces only braces count, inside quotes only quotes: the scan skips the rest.
_BRACED_MARKS = re.compile(r"(?<!\\)[{}]|" + _BLOCK_START)
_QUOTED_MARKS = re.compile(r'(?<!\\)"|' + _BLOCK_START)


@dataclass(frozen=True)
class Field:
    """Where one field's parts stand: the whitespace before its name, name, '=', value."""

    name: str
    lead_start: int
    name_start: int
    name_end: int
    equals: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class Entry:
    """Where one parsed entry's parts stand in the text."""

    key: str
    key_end: int
    key_comma: int | None
    fields: tuple[Field, ...]
    trailing_comma: int | None
    close: int


@dataclass(frozen=True)
class Broken:
    """An entry that does not parse, known by its key."""

    key: str


class _Aborted(Exception):
    """The block does not parse; the cursor stands where the scan resumes."""


@dataclass
class _Cursor:
    """A position in the text that moves from mark to mark inside one block."""

    text: str
    marks: re.Pattern[str]
    closing: str
    position: int

    def next(self, marks: re.Pattern[str] | None = None) -> re.Match[str]:
        """The next of the block's marks (or of ``marks``), or an abort at the end of the text."""
        mark = (marks or self.marks).search(self.text, self.position)
        if mark is None:
            self.position = len(self.text)
            raise _Aborted
        self.position = mark.end()
        return mark

    def abort_at(self, mark: re.Match[str]) -> _Aborted:
        """An abort that leaves ``mark`` to be read again by the scan."""
        self.position = mark.start()
        return _Aborted()

    def breaks_at(self, mark: re.Match[str]) -> bool:
        """``mark`` starts a new block on a line of its own, which breaks off this block."""
        if not mark.group().startswith("@"):
            return False
        line_start = self.text.rfind("\n", 0, mark.start()) + 1
        return not self.text[line_start : mark.start()].strip()


def scan(text: str) -> list[Entry | Broken]:
    """Every entry of ``text`` with a key, parsed or not; other blocks are left out."""
    found: list[Entry | Broken] = []
    position = 0
    while start := _BLOCK_START_MARK.search(text, position):
        block, position = _read_block(text, start)
        if block is not None:
            found.append(block)
    return found


def _read_block(text: str, start: re.Match[str]) -> tuple[Entry | Broken | None, int]:
    """The block opened by ``start`` and where the scan goes on after it."""
    kind = start.group()[1:].lower()
    opener = start.end()
    paren = text[opener] == "("
    cursor = _Cursor(text, _PAREN_MARKS if paren else _MARKS, ")" if paren else "}", opener + 1)
    try:
        if kind.startswith("comment"):
            _skip_to_closing(cursor, track_quotes=False)
        elif kind.startswith("preamble"):
            _skip_to_closing(cursor, track_quotes=True)
        elif kind.startswith("string"):
            _skip_string(cursor)
        else:
            return _read_entry(cursor, opener, typed=bool(kind.strip())), cursor.position
    except _Aborted:
        pass
    return None, cursor.position


def _skip_string(cursor: _Cursor) -> None:
    equals = cursor.next()
    if equals.group() != "=":
        raise cursor.abort_at(equals)
    _skip_to_closing(cursor, track_quotes=True)


def _skip_to_closing(cursor: _Cursor, *, track_quotes: bool) -> None:
    """Move past the delimiter closing a comment, preamble or string block."""
    depth = 0
    quoted = False
    track_quotes = track_quotes and cursor.closing == ")"
    while True:
        mark = cursor.next()
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
        elif depth == 0 and char == '"' and track_quotes:
            quoted = not quoted
        elif depth == 0 and char == cursor.closing and not quoted:
            return
        elif cursor.breaks_at(mark):
            raise cursor.abort_at(mark)


def _read_entry(cursor: _Cursor, opener: int, *, typed: bool) -> Entry | Broken | None:
    """An entry from its opening delimiter on; ``None`` if it breaks off before its key."""
    after_key = cursor.next()
    raw_key = cursor.text[opener + 1 : after_key.start()]
    key = raw_key.strip()
    key_end = opener + 1 + len(raw_key.rstrip())
    if after_key.group() == cursor.closing:
        entry = Entry(key, key_end, None, (), None, after_key.start())
        return entry if typed else Broken(key)
    if after_key.group() != ",":
        raise cursor.abort_at(after_key)
    try:
        fields, trailing_comma, close = _read_fields(cursor, after_key.end())
    except _Aborted:
        return Broken(key)
    if not typed:
        return Broken(key)
    return Entry(key, key_end, after_key.start(), fields, trailing_comma, close)


def _read_fields(cursor: _Cursor, lead_start: int) -> tuple[tuple[Field, ...], int | None, int]:
    """An entry's fields, the comma after the last one (if any) and its closing delimiter."""
    fields: list[Field] = []
    trailing_comma: int | None = None
    while True:
        mark = cursor.next()
        if mark.group() == cursor.closing:
            if cursor.text[lead_start : mark.start()].strip():
                raise _Aborted
            return tuple(fields), trailing_comma, mark.start()
        if mark.group() != "=":
            raise cursor.abort_at(mark)
        end = _value_end(cursor)
        fields.append(_field(cursor.text, lead_start, mark.start(), end.start()))
        if end.group() == ",":
            lead_start, trailing_comma = end.end(), end.start()
        else:
            cursor.position = lead_start = end.start()
            trailing_comma = None


def _value_end(cursor: _Cursor) -> re.Match[str]:
    """The comma or closing delimiter that ends a field's value."""
    depth = 0
    quoted = False
    while True:
        mark = cursor.next(_BRACED_MARKS if depth else _QUOTED_MARKS if quoted else None)
        char = mark.group()
        if char == '"' and depth == 0:
            if not (quoted and _braced_quote(cursor.text, mark.start())):
                quoted = not quoted
        elif char == "{" and not quoted:
            depth += 1
        elif char == "}" and not quoted and depth > 0:
            depth -= 1
        elif char in (",", cursor.closing) and not quoted and depth == 0:
            return mark
        elif cursor.breaks_at(mark):
            raise cursor.abort_at(mark)


def _braced_quote(text: str, position: int) -> bool:
    """The quote at ``position`` is written ``{"}``, a literal quote inside a quoted value."""
    return (
        position > 0
        and position + 2 < len(text)
        and text[position - 1] == "{"
        and text[position + 1] == "}"
    )


def _field(text: str, lead_start: int, equals: int, value_stop: int) -> Field:
    """Where a field's name and value stand, from the text around its ``=``."""
    raw_name = text[lead_start:equals]
    name = raw_name.strip()
    name_start = lead_start + len(raw_name) - len(raw_name.lstrip())
    raw_value = text[equals + 1 : value_stop]
    value_start = equals + 1 + len(raw_value) - len(raw_value.lstrip())
    return Field(
        name=name,
        lead_start=lead_start,
        name_start=name_start,
        name_end=name_start + len(name),
        equals=equals,
        value_start=value_start,
        value_end=value_start + len(raw_value.strip()),
    )
