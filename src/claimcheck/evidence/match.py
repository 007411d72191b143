"""Finding a quote in a source's normalised text: found, fuzzy (never on its facts), or missing."""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from claimcheck.evidence.critical import critical_tokens, is_critical
from claimcheck.evidence.normalise import Normalised, normalise

# An elided quote's parts must appear in order, each at most this many normalised characters
# after the end of the one before it.
MAX_GAP = 1000
# A quote (or an elided quote's part) may be matched fuzzily only from this many normalised
# characters, or from the lower length when most of its characters are Chinese, Japanese or
# Korean (where a character carries about as much as a word): a shorter one must be exact.
FUZZY_MIN_LENGTH = 30
FUZZY_MIN_LENGTH_CJK = 15
# A passage is a fuzzy match from this score up, the score being 1 - (edit distance between
# the quote and the passage) / (the quote's length): a quote of 40 characters may differ by
# 6 (a typo and a dropped word). Never when the two differ in a critical token
# (``claimcheck.evidence.critical``): that near match is missing, and decisively so.
FUZZY_THRESHOLD = 0.85
# Below this score the closest passage is too unlike the quote to be shown as one.
CLOSEST_MIN = 0.5
# How the closest passage is looked for in a long text without reading it character by
# character in Python: chunks of the quote are searched (str.find), each one's first few
# occurrences vote for where the quote would start, and the few likeliest places are aligned
# with the quote. A text of up to SEARCH_BUDGET // MIN_SEEDS characters is searched with as
# many chunks as the budget allows, up to MAX_SEEDS.
MIN_SEEDS = 6
MAX_SEEDS = 24
SEARCH_BUDGET = 30_000_000
# A chunk is a quarter of the quote, at most this long (a longer chunk is found faster, but
# is likelier to hold a typo).
MAX_CHUNK = 16
MAX_CHUNK_CJK = 6
# Each chunk votes with its first this many occurrences.
MAX_SEED_HITS = 32
# This many of the places with the most votes are aligned with the quote.
CANDIDATES = 3
# An exact part of a quote is looked at in at most this many occurrences (each checked for
# word edges, and for an elided quote, for its other parts after it).
MAX_OCCURRENCES = 1000

# Characters trimmed from a quote's ends: spaces, quotation marks and the punctuation that
# closes a quoted sentence (``"... 12 countries."`` is found in "... 12 countries, said").
_QUOTE_ENDS = " \"'.,;:!?\u3002\u3001"
# An ellipsis marking an elision, as normalised: "...", ". . .", "[...]", "[. . .]", "(...)".
_ELISION = re.compile(r" ?(?:\[ ?(?:\. ?){3,}\]|\( ?(?:\. ?){3,}\)|(?:\. ?){2,}\.) ?")
# Editorial marks (normalised, so in lower case): [sic] or [sic!]; one letter in brackets; and
# other words in brackets, the quoter's own.
_SIC = re.compile(r" ?\[sic!?\]")
_LETTER = re.compile(r"\[([^\W\d_])\]")
_INSERTION = re.compile(r" ?\[[^\[\]]+\] ?")
# Tokens shown as the differences between a quote and a passage: a character of Chinese,
# Japanese or Korean, a number with its separators, a word, a sign.
_TOKENS = re.compile(
    r"[\u2e80-\u9fff\u3040-\u30ff\uac00-\ud7af\uf900-\ufaff]|\d+(?:[.,]\d+)*|[^\W\d_]+|[^\w\s]"
)
# Negations that Chinese writes before a verb and Japanese after it, in the same word.
_NEGATION_BEFORE = frozenset("不没沒未非无無別别")
_NEGATION_AFTER = ("ない", "なかった", "ず", "ません")
_CJK = re.compile(r"[\u2e80-\u9fff\u3040-\u30ff\u1100-\u11ff\uac00-\ud7af\uf900-\ufaff]")


class Verdict(StrEnum):
    """Whether a quote is in a text: exactly (after normalisation), nearly, or not."""

    FOUND = "found"
    FUZZY = "fuzzy"
    MISSING = "missing"


@dataclass(frozen=True)
class Match:
    """Where a quote was found, or the passage closest to it.

    ``score`` is 1.0 when found, the similarity when fuzzy, the closest passage's when
    missing (None when no passage is like it). ``spans`` are spans of the ORIGINAL text: the
    match (one per part of an elided quote) or the closest passage. ``differences`` pairs the
    differing tokens, quote side then source side. ``decisive``: a near match differs in a
    number, unit, per cent, currency, date or negation, which is why it is missing.
    """

    verdict: Verdict
    score: float | None
    spans: tuple[tuple[int, int], ...]
    differences: tuple[tuple[str, str], ...]
    decisive: bool


_NOTHING = Match(Verdict.MISSING, None, (), (), False)


def find_quote(quote: str, text: Normalised) -> Match:
    """Look for ``quote`` in ``text`` as the rules above say."""
    parts = quote_parts(quote)
    if not parts:
        return _NOTHING
    if len(parts) > 1:
        spans = _elided(parts, text.text)
        if spans is not None:
            return Match(Verdict.FOUND, 1.0, _original(text, spans), (), False)
        return _elided_nearly(parts, text)
    at = next(_occurrences(parts[0], text.text), None)
    if at is not None:
        return Match(Verdict.FOUND, 1.0, _original(text, [(at, at + len(parts[0]))]), (), False)
    return _nearly(parts[0], text)


def quote_parts(quote: str) -> list[str]:
    """A quote normalised, its ends trimmed, split at its ellipses into the parts to find.

    Editorial marks are read as scholars write them: [sic] (after a word the source spells
    so) is no word of the source, one letter in brackets is that letter ([T]he, its capital
    changed), and words in brackets stand for words of the source left out or replaced ([the
    ministry] said): the quote is split there, as at an ellipsis.
    """
    text = _LETTER.sub(r"\1", _SIC.sub("", normalise(quote).text))
    pieces = [piece for part in _ELISION.split(text) for piece in _INSERTION.split(part)]
    parts = (piece.strip(_QUOTE_ENDS) for piece in pieces)
    return [part for part in parts if part]


# Exact ----------------------------------------------------------------------------------------


def _wordish(char: str) -> bool:
    """Whether a character belongs to a word of a script that separates words with spaces
    (Latin, Greek, Cyrillic), or is a digit: a quote may not start or end inside such a word."""
    code = ord(char)
    return char.isdigit() or (char.isalpha() and (code < 0x0590 or 0x1E00 <= code < 0x2000))


def _number_goes_on(text: str, at: int, step: int) -> bool:
    """Whether the number at ``at`` goes on at ``at + step`` (a separator then a digit) or,
    before it, has a minus sign."""
    near = text[at + step : at + 3 * step : step] if step > 0 else text[max(at - 2, 0) : at][::-1]
    if len(near) == 2 and near[0] in ".," and near[1].isdigit():
        return True
    return step < 0 and near[:1] == "-" and not near[1:2].isalnum()


def _edges_hold(needle: str, text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (equal to ``needle``) starts and ends at word edges: "12"
    is not in "112" nor in "1.12", "ten" is not in "often"; nor does it leave out a negation
    bound to it: "超过" is not in "不超过", "含まれてい" is not in "含まれていない"."""
    if start > 0 and _wordish(needle[0]):
        if _wordish(text[start - 1]):
            return False
        if needle[0].isdigit() and _number_goes_on(text, start, -1):
            return False
    if start > 0 and text[start - 1] in _NEGATION_BEFORE and _CJK.match(needle[0]):
        return False
    if text.startswith(_NEGATION_AFTER, end) and _CJK.match(needle[-1]):
        return False
    if end < len(text) and _wordish(needle[-1]):
        if _wordish(text[end]):
            return False
        if needle[-1].isdigit() and _number_goes_on(text, end - 1, 1):
            return False
    return True


def _occurrences(needle: str, text: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Where ``needle`` is in ``text[start:end]`` at word edges, the first few occurrences."""
    stop = len(text) if end is None else min(end, len(text))
    for _ in range(MAX_OCCURRENCES):
        at = text.find(needle, start, stop)
        if at < 0:
            return
        if _edges_hold(needle, text, at, at + len(needle)):
            yield at
        start = at + 1


def _elided(parts: list[str], text: str) -> list[tuple[int, int]] | None:
    """The spans of an elided quote's parts, in order, each within MAX_GAP of the one before."""
    for first in _occurrences(parts[0], text):
        spans = [(first, first + len(parts[0]))]
        for part in parts[1:]:
            after = spans[-1][1]
            at = next(_occurrences(part, text, after, after + MAX_GAP + len(part)), None)
            if at is None:
                break
            spans.append((at, at + len(part)))
        else:
            return spans
    return None


# Near -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Passage:
    """The passage of the normalised text closest to a quote, how alike, how it differs."""

    start: int
    end: int
    score: float
    differences: tuple[tuple[str, str], ...]
    decisive: bool


def _nearly(part: str, text: Normalised) -> Match:
    passage = _closest(part, text.text)
    if passage is None:
        return _NOTHING
    spans = _original(text, [(passage.start, passage.end)])
    fuzzy = passage.score >= FUZZY_THRESHOLD and not passage.decisive and _long_enough(part)
    verdict = Verdict.FUZZY if fuzzy else Verdict.MISSING
    return Match(verdict, passage.score, spans, passage.differences, passage.decisive)


def _elided_nearly(parts: list[str], text: Normalised) -> Match:
    """An elided quote not found exactly: each part found or near, in order and within the
    gap, is a fuzzy match; otherwise it is missing, with the passages closest to its parts."""
    matches = []
    for part in parts:
        at = next(_occurrences(part, text.text), None)
        if at is not None:
            matches.append(_Passage(at, at + len(part), 1.0, (), False))
            continue
        passage = _closest(part, text.text)
        if passage is None:
            return _NOTHING
        matches.append(passage)
    score = min(passage.score for passage in matches)
    differences = tuple(pair for passage in matches for pair in passage.differences)
    decisive = any(passage.decisive for passage in matches)
    in_order = all(
        0 <= later.start - earlier.end <= MAX_GAP for earlier, later in itertools.pairwise(matches)
    )
    fuzzy = in_order and all(
        passage.score == 1.0
        or (passage.score >= FUZZY_THRESHOLD and not passage.decisive and _long_enough(part))
        for passage, part in zip(matches, parts, strict=True)
    )
    spans = _original(text, [(passage.start, passage.end) for passage in matches])
    # Parts found out of order, or too far apart, make no passage like the quote: no score.
    shown = score if in_order else None
    return Match(Verdict.FUZZY if fuzzy else Verdict.MISSING, shown, spans, differences, decisive)


def _long_enough(part: str) -> bool:
    cjk = len(_CJK.findall(part))
    minimum = FUZZY_MIN_LENGTH_CJK if 2 * cjk > len(part) else FUZZY_MIN_LENGTH
    return len(part) >= minimum


def _closest(quote: str, text: str) -> _Passage | None:
    """The passage of ``text`` most like ``quote`` (both normalised), if one scores at least
    CLOSEST_MIN: found where chunks of the quote vote for it, aligned with rapidfuzz."""
    candidates = _candidates(quote, text)
    if not candidates:
        return None
    passages = (_aligned(quote, text, start) for start in candidates)
    best = max(passages, key=lambda passage: passage[2])
    start, end, score = best
    if score < CLOSEST_MIN:
        return None
    differences, decisive = _differences(quote, text, start, end, score)
    return _Passage(start, end, score, differences, decisive)


def _chunks(quote: str, text_length: int) -> list[tuple[int, str]]:
    """Chunks of the quote to search for, spread over it, with their offsets in it."""
    cjk = 2 * len(_CJK.findall(quote)) > len(quote)
    size = max(2, min(MAX_CHUNK_CJK if cjk else MAX_CHUNK, len(quote) // 4))
    seeds = max(MIN_SEEDS, min(MAX_SEEDS, SEARCH_BUDGET // max(text_length, 1)))
    last = len(quote) - size
    if last <= 0:
        return [(0, quote)]
    count = min(seeds, last + 1)
    offsets = sorted({round(index * last / max(count - 1, 1)) for index in range(count)})
    return [(offset, quote[offset : offset + size]) for offset in offsets]


def _candidates(quote: str, text: str) -> list[int]:
    """Where the quote would start, for the places the most chunks vote for."""
    bucket = max(8, len(quote) // 4)
    votes: dict[int, set[int]] = defaultdict(set)
    starts: dict[int, list[int]] = defaultdict(list)
    for offset, chunk in _chunks(quote, len(text)):
        if not chunk.strip():
            continue
        for at in _first_hits(chunk, text):
            key = (at - offset) // bucket
            votes[key].add(offset)
            starts[key].append(at - offset)
    ranked = sorted(votes, key=lambda key: (-len(votes[key]), key))[:CANDIDATES]
    return [max(0, min(starts[key])) for key in ranked]


def _first_hits(chunk: str, text: str) -> list[int]:
    """Where ``chunk`` is in ``text``: its first MAX_SEED_HITS occurrences."""
    hits: list[int] = []
    at = text.find(chunk)
    while at >= 0 and len(hits) < MAX_SEED_HITS:
        hits.append(at)
        at = text.find(chunk, at + 1)
    return hits


def _aligned(quote: str, text: str, start: int) -> tuple[int, int, float]:
    """The passage near ``start`` best aligned with the quote: rapidfuzz finds the window of
    the quote's length most like it, whose ends are then moved to the least edit distance and
    widened to whole words."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    slack = len(quote) // 2 + 8
    low = max(0, start - slack)
    window = text[low : start + len(quote) + slack]
    alignment = fuzz.partial_ratio_alignment(quote, window)
    if alignment is None:
        return start, start, 0.0
    begin, end = low + alignment.dest_start, low + alignment.dest_end
    reach = max(3, len(quote) // 8)

    def distance(span: tuple[int, int]) -> int:
        return int(Levenshtein.distance(quote, text[span[0] : span[1]]))

    ends = range(max(begin + 1, end - reach), min(len(text), end + reach) + 1)
    end = min(ends, key=lambda candidate: (distance((begin, candidate)), candidate))
    begins = range(max(0, begin - reach), min(end, begin + reach + 1))
    begin = min(begins, key=lambda candidate: (distance((candidate, end)), -candidate))
    begin, end = _whole_words(text, begin, end)
    score = max(0.0, 1 - distance((begin, end)) / len(quote))
    return begin, end, score


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A span widened so that it neither starts nor ends inside a word or number of a spaced
    script ("12" in "112" becomes "112"); spaces at its ends are left out."""
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    while start > 0 and (
        (_wordish(text[start - 1]) and _wordish(text[start]))
        or (text[start].isdigit() and _number_goes_on(text, start, -1))
    ):
        start -= 2 if text[start - 1] in ".," else 1
    while end < len(text) and (
        (_wordish(text[end - 1]) and _wordish(text[end]))
        or (text[end - 1].isdigit() and _number_goes_on(text, end - 1, 1))
    ):
        end += 2 if text[end] in ".," else 1
    return start, end


def _differences(
    quote: str, text: str, start: int, end: int, score: float
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """The differing tokens of a quote and the passage ``text[start:end]``, and whether a near
    passage (scoring at least FUZZY_THRESHOLD) differs in its critical tokens, with only
    those pairs then given.

    The passage's critical tokens are those even partly within it or within as many
    characters around it as the quote is longer than it, plus one: an alignment may leave out
    of the passage a negation or number that the quote's extra characters stand for ("含ま
    れている" aligned with "含まれてい|ない", "포함되었다" with "포함되지| 않았다")."""
    passage = text[start:end]
    ours, theirs = _TOKENS.findall(quote), _TOKENS.findall(passage)
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    pairs = tuple(
        (_joined(ours[i1:i2]), _joined(theirs[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    )
    margin = max(0, len(quote) - len(passage)) + 1
    quoted, sourced = critical_tokens(quote), critical_tokens(text, start - margin, end + margin)
    decisive = score >= FUZZY_THRESHOLD and quoted != sourced
    if decisive:
        critical = tuple(pair for pair in pairs if is_critical(pair[0]) or is_critical(pair[1]))
        return critical or _token_difference(quoted, sourced), True
    return pairs, False


def _token_difference(quoted: Counter[str], sourced: Counter[str]) -> tuple[tuple[str, str], ...]:
    return ((" ".join((quoted - sourced).elements()), " ".join((sourced - quoted).elements())),)


def _joined(tokens: Sequence[str]) -> str:
    return " ".join(tokens)


# Spans and excerpts ---------------------------------------------------------------------------


def _original(text: Normalised, spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple(text.to_original(start, end) for start, end in spans)


_WHITESPACE = re.compile(r"\s+")


def excerpt(
    text: Normalised, spans: Sequence[tuple[int, int]], context: int = 100
) -> tuple[str, str, str]:
    """The original text around ``spans`` (of the original text, as a Match gives them):
    about ``context`` characters before, the matched text (an elided quote's parts joined by
    " … "), and about ``context`` after. Whitespace runs are shown as one space; the context
    is cut at a word's edge in scripts that separate words with spaces."""
    if not spans:
        return "", "", ""
    original = text.original
    first, last = spans[0][0], spans[-1][1]
    cut = max(0, first - context)
    before = original[cut:first]
    if cut > 0 and _wordish(original[cut - 1]) and _wordish(original[cut]):
        space = _WHITESPACE.search(before)
        before = before[space.end() :] if space else before
    end = min(len(original), last + context)
    after = original[last:end]
    if end < len(original) and _wordish(original[end - 1]) and _wordish(original[end]):
        spaces = list(_WHITESPACE.finditer(after))
        after = after[: spaces[-1].start()] if spaces else after
    matched = " … ".join(_spaced(original[start:stop]).strip() for start, stop in spans)
    return _spaced(before).lstrip(), matched, _spaced(after).rstrip()


def _spaced(text: str) -> str:
    return _WHITESPACE.sub(" ", text)
