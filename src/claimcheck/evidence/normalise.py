"""One normalisation of quotes and source texts alike, with a map back to the original text."""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

# Punctuation written several ways, folded to one (after NFKC, which already turns full-width
# forms, ligatures and the ellipsis character into plain ones): every quotation mark, single
# or double (a quote's outer marks become single ones inside another's), and the characters
# typed for an apostrophe (the modifier letter, a prime, a backtick; the acute accent, which
# NFKC would take apart, is one too: _BEFORE_NFKC) to ', dashes and the minus sign to '-'.
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2039\u203a"
_DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f'
_APOSTROPHES = "`\u02b9\u02bc\u2032\u2035"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_PUNCTUATION = dict.fromkeys(_SINGLE_QUOTES + _DOUBLE_QUOTES + _APOSTROPHES, "'") | dict.fromkeys(
    _DASHES, "-"
)
_BEFORE_NFKC = str.maketrans({"\u00b4": "'"})
# Characters that show nothing and are removed: every format character (soft hyphen,
# joiners, word joiner, byte order mark, direction marks), variation selectors and the
# combining grapheme joiner. The zero-width space is the exception: it marks a break between
# words (where a line may wrap, and in scripts that write no spaces), so it counts as
# whitespace and becomes one space, as a no-break space does.
_ZERO_WIDTH_SPACE = "\u200b"
_INVISIBLE_MARKS = frozenset({0x034F, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)})
# Hyphens that may end a line inside a word.
_LINE_END_HYPHENS = "-\u00ad\u2010\u2011"
# A hyphen ending a line; the word is rejoined when a letter comes before the hyphen and a lower
# case letter after the line break (checked where one is found: "Franco-\nGerman" keeps its
# hyphen).
_HYPHENATED = re.compile(rf"[{_LINE_END_HYPHENS}][ \t]*\r?\n[ \t]*")
# A PDF's running page number at a page break (a form feed in its text): alone on the last line
# of a page or the first of the next ("12", "Page 12", "- 12 -", "12 of 40"). It is no word of
# the text around it: a quote that runs across the break is found.
_PAGE_NUMBER = (
    r"[ \t]*(?:-[ \t]*)?(?:page[ \t]+)?\d{1,4}(?:[ \t]+of[ \t]+\d{1,4})?(?:[ \t]*-)?[ \t]*"
)
_RUNNING_NUMBER = re.compile(
    rf"\n{_PAGE_NUMBER}(?=\n*\f)|(?<=\f)\n*{_PAGE_NUMBER}(?=\n)", re.IGNORECASE
)
# An HTML character reference (named ones need their ';', as in running text "AT&T" is
# not one), with the '&' of a reference escaped again ("&amp;amp;") decoded all the way.
_AMPERSAND = r"(?:amp;|#0*38;|#x0*26;)"
_REFERENCE = re.compile(
    rf"&{_AMPERSAND}*(?:#[0-9]{{1,8}};?|#x[0-9a-f]{{1,8}};?|[a-z][a-z0-9]{{1,31}};)",
    re.IGNORECASE,
)
_SPACE_RUN = re.compile("  +")


def _fold_char(char: str) -> str:
    """One character of NFKC's output made plain: invisible ones removed, spaces and controls
    made a space, punctuation folded."""
    category = unicodedata.category(char)
    if char == _ZERO_WIDTH_SPACE:
        return " "
    if category == "Cf" or ord(char) in _INVISIBLE_MARKS:
        return ""
    if char.isspace() or category in {"Cc", "Zs", "Zl", "Zp"}:
        return " "
    return _PUNCTUATION.get(char, char)


def fold(text: str) -> str:
    """NFKC, case folding and the folds of punctuation, spaces and invisible characters,
    repeated until nothing changes (case folding may undo a composition of NFKC's)."""
    text = text.translate(_BEFORE_NFKC)
    for _ in range(8):
        folded = "".join(map(_fold_char, unicodedata.normalize("NFKC", text).casefold()))
        if folded == text:
            break
        text = folded
    return text


def _is_mark(char: str) -> bool:
    """Whether a character may combine with the one before it under NFKC: a combining mark,
    or a Hangul medial or final jamo."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char).startswith("M")
        or 0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
    )


class _FoldTable(dict[int, str]):
    """Each code point's folded text, computed the first time the code point is met."""

    def __missing__(self, code: int) -> str:
        folded = fold(chr(code))
        if folded[:1] == " " and len(folded) > 1 and all(map(_is_mark, folded[1:])):
            folded = ""  # A spacing accent (U+00B4), which NFKC makes a space and a mark.
        self[code] = folded
        return folded


_TABLE = _FoldTable()
_ASCII_TABLE = {code: _TABLE[code] for code in range(128)}


@dataclass(frozen=True)
class _Offsets:
    """How one step of the normalisation moved text: the spans it replaced, as
    (new start, new end, old start, old end), in order; text between them only shifted."""

    segments: tuple[tuple[int, int, int, int], ...]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, edits: list[tuple[int, int, int]]) -> _Offsets:
        """The offsets of ``edits``: (old start, old end, new length), in order."""
        segments = []
        shift = 0
        for start, end, length in edits:
            segments.append((start + shift, start + shift + length, start, end))
            shift += length - (end - start)
        return cls(tuple(segments), tuple(segment[0] for segment in segments))

    def start(self, position: int) -> int:
        """The old position a span starting at ``position`` starts at (after any removed
        text there, at the start of a replacement it starts inside)."""
        index = bisect_right(self.starts, position) - 1
        if index < 0:
            return position
        _, new_end, old_start, old_end = self.segments[index]
        return old_start if position < new_end else old_end + position - new_end

    def end(self, position: int) -> int:
        """The old position a span ending at ``position`` ends at (before any removed text
        there, at the end of a replacement it ends inside)."""
        index = bisect_left(self.starts, position) - 1
        if index < 0:
            return position
        _, new_end, _, old_end = self.segments[index]
        return old_end if position <= new_end else old_end + position - new_end


@dataclass(frozen=True)
class Normalised:
    """A text normalised for matching, the text as given, and the map between the two."""

    text: str
    original: str
    _steps: tuple[_Offsets, ...] = field(default=(), repr=False, compare=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the span ``[start, end)`` of ``text`` came from
        (an empty span: the position in the original text where it starts)."""
        empty = start >= end
        for step in reversed(self._steps):
            start, end = step.start(start), step.end(end)
        return (start, start) if empty else (start, max(start, end))


def normalise(text: str) -> Normalised:
    """``text`` normalised, each step applied only where it changes something.

    In order: HTML character references decoded and words hyphenated across line breaks
    rejoined; each character folded (NFKC, case folding, quotation marks, dashes, spaces,
    invisible characters); combining sequences composed; runs of spaces made one space, a
    dash written double (--) or set off by spaces made one bare dash, and no space kept
    between a Chinese or Japanese character and another, a Latin letter or a digit.
    Leading and trailing spaces are kept (one), so that any span maps back exactly.
    """
    steps: list[_Offsets] = []
    current = text
    for step in (
        _decode_and_rejoin,
        _fold_characters,
        _compose,
        _collapse_spaces,
        _join_dashes,
        _join_ideographs,
    ):
        current, offsets = step(current)
        if offsets is not None:
            steps.append(offsets)
    return Normalised(current, text, tuple(steps))


Step = tuple[str, _Offsets | None]


def _splice(text: str, edits: list[tuple[int, int, str]]) -> Step:
    """``text`` with each (start, end, replacement) of ``edits`` (in order) made."""
    if not edits:
        return text, None
    pieces = []
    last = 0
    for start, end, replacement in edits:
        pieces.append(text[last:start])
        pieces.append(replacement)
        last = end
    pieces.append(text[last:])
    return "".join(pieces), _Offsets.of([(s, e, len(r)) for s, e, r in edits])


def _decode_and_rejoin(text: str) -> Step:
    edits: list[tuple[int, int, str]] = []
    if "\f" in text:
        edits.extend((match.start(), match.end(), "") for match in _RUNNING_NUMBER.finditer(text))
    if "&" in text:
        for match in _REFERENCE.finditer(text):
            decoded = _unescape(match.group())
            if decoded != match.group():
                edits.append((match.start(), match.end(), decoded))
    if "\n" in text:
        edits.extend(
            (match.start(), match.end(), "")
            for match in _HYPHENATED.finditer(text)
            if match.start() > 0
            and text[match.start() - 1].isalpha()
            and text[match.end() : match.end() + 1].islower()
        )
    return _splice(text, _apart(sorted(edits)))


def _apart(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``edits`` (in order) without any that overlaps the one kept before it."""
    kept: list[tuple[int, int, str]] = []
    for edit in edits:
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


def _unescape(reference: str) -> str:
    while True:
        decoded = html.unescape(reference)
        if decoded == reference:
            return decoded
        reference = decoded


def _fold_characters(text: str) -> Step:
    """Each character folded: a text in which few distinct characters change is lower-cased
    (C, fast) and has those replaced one by one; any other text is translated through the
    table (a dictionary look-up per character, slower)."""
    if text.isascii():
        return text.translate(_ASCII_TABLE), None
    if "\u0130" in text:  # The one character whose lower case is two characters.
        return _translate(text)
    folded = text.lower()
    changing = [char for char in set(folded) if _TABLE[ord(char)] != char]
    if len(changing) > _MOST_REPLACED:
        return _translate(text)
    resized = []
    for char in changing:
        if len(_TABLE[ord(char)]) == 1:
            folded = folded.replace(char, _TABLE[ord(char)])
        else:
            resized.append(char)
    return _splice(folded, _resized(folded, resized))


# Past this many distinct characters to replace, translating the text is faster.
_MOST_REPLACED = 48


def _translate(text: str) -> Step:
    folded = text.translate(_TABLE)
    resized = [char for char in set(text) if len(_TABLE[ord(char)]) != 1]
    edits = [(at, end, length) for at, end, length in _resized_offsets(text, resized)]
    return folded, _Offsets.of(edits) if edits else None


def _resized_offsets(text: str, chars: list[str]) -> list[tuple[int, int, int]]:
    """Where ``chars`` (each folded to other than one character) are, and their new length."""
    positions = sorted(
        match.start() for char in chars for match in re.finditer(re.escape(char), text)
    )
    return [(at, at + 1, len(_TABLE[ord(text[at])])) for at in positions]


def _resized(text: str, chars: list[str]) -> list[tuple[int, int, str]]:
    """Each of ``chars`` in ``text`` replaced by its folded text."""
    return [(at, end, _TABLE[ord(text[at])]) for at, end, _ in _resized_offsets(text, chars)]


def _compose(text: str) -> Step:
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text, None
    marks = "".join(sorted(char for char in set(text) if _is_mark(char)))
    if not marks:
        return text, None
    edits = []
    for match in re.finditer(f"[{re.escape(marks)}]+", text):
        start = max(match.start() - 1, 0)
        cluster = text[start : match.end()]
        composed = fold(cluster)
        if composed != cluster:
            edits.append((start, match.end(), composed))
    return _splice(text, edits)


def _join_dashes(text: str) -> Step:
    """``text`` with each dash written double (``--``, as typed for an em dash) or set off by
    spaces (``old — new``, ``2010 - 2015``, a hyphen kept at a line break: ``2010-`` then
    ``2015``) made one bare dash: typesetters space dashes, or not, as their house style says.
    A dash with a space before it alone (a minus sign, ``-5 °C``) stays."""
    if "-" not in text:
        return text, None
    return _splice(
        text,
        [
            (match.start(), match.end(), "-")
            for match in _DASH.finditer(text)
            if match.group() not in {"-", " -"}
        ],
    )


# A run of dashes, with single spaces between them or around them.
_DASH = re.compile(" ?-(?: ?-)* ?")


def _join_ideographs(text: str) -> Step:
    """``text`` without the space between a Chinese or Japanese character and another, a
    Latin letter or a digit: a line break in a page's source, a <br> or a zero-width space
    there parts no words, and the space many set between 免签 and 12 is a typesetting habit
    (Korean keeps its spaces)."""
    if " " not in text or not _IDEOGRAPH.search(text):
        return text, None
    return _splice(
        text, [(match.start(), match.end(), "") for match in _IDEOGRAPH_SPACE.finditer(text)]
    )


_IDEOGRAPHS = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60"
_IDEOGRAPH = re.compile(f"[{_IDEOGRAPHS}]")
_LATIN = "0-9a-z\u00c0-\u024f"
_IDEOGRAPH_SPACE = re.compile(
    f"(?<=[{_IDEOGRAPHS}]) (?=[{_IDEOGRAPHS}{_LATIN}])|(?<=[{_LATIN}]) (?=[{_IDEOGRAPHS}])"
)


def _collapse_spaces(text: str) -> Step:
    if "  " not in text:
        return text, None
    return _splice(text, [(match.start(), match.end(), " ") for match in _SPACE_RUN.finditer(text)])
