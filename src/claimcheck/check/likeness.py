"""Whether two pages are one: the same title and near-identical main text, by word shingles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from claimcheck.check.html import PageFacts

# A word: a Chinese or Japanese character on its own (those scripts do not space their
# words), else a run of letters and digits (Korean words are spaced, and stay whole).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
# Two texts are compared by their sets of three-word shingles (every run of three
# consecutive words); they are near-identical when the shingles they share are at least
# this share of all their shingles (Jaccard similarity).
SHINGLE = 3
NEAR_IDENTICAL = 0.8
# Texts of fewer words are not compared: a JavaScript application's shell, the same for
# every address of the application, says nothing of whether one of them exists.
MIN_WORDS = 12
# Neither of two pages that are one has a passage of its own: this many words or more that
# stand in runs of three words the other lacks. A short article on a site whose menus and
# notices outweigh it is its own page, however alike the two texts are in all.
OWN_WORDS = 20
# A page's main text is short, a notice rather than an article, up to this many words (and
# characters: a text longer than that is not counted, a cheap test that spares most pages).
SHORT_WORDS = 150
_SHORT_CHARACTERS = 3000


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased."""
    return _WORD.findall(text.lower())


def is_short(page: PageFacts) -> bool:
    """Whether the page's main text, read whole, has at most SHORT_WORDS words."""
    return (
        page.text_complete
        and len(page.text) <= _SHORT_CHARACTERS
        and len(words(page.text)) <= SHORT_WORDS
    )


def url_words(urls: Iterable[str]) -> frozenset[str]:
    """The words of the paths and queries of ``urls``: what a page may echo of its address."""
    found: set[str] = set()
    for url in urls:
        parts = urlsplit(url)
        found.update(words(unquote(f"{parts.path} {parts.query}")))
    return frozenset(found)


def same_page(first: PageFacts, second: PageFacts, ignored: frozenset[str]) -> bool:
    """Whether two pages have the same title and near-identical main text, neither with a
    passage of its own (OWN_WORDS).

    The ``ignored`` words (those of the pages' addresses) are left out of both, since a
    catch-all page may repeat the path it was asked for.
    """
    if _kept(words(first.title or ""), ignored) != _kept(words(second.title or ""), ignored):
        return False
    one, two = _kept(words(first.text), ignored), _kept(words(second.text), ignored)
    if _jaccard(one, two) < NEAR_IDENTICAL:
        return False
    return own_words(one, two) < OWN_WORDS and own_words(two, one) < OWN_WORDS


def own_words(found: list[str], other: list[str]) -> int:
    """How many of the words ``found`` stand in a run of three words that ``other`` lacks."""
    theirs = _shingles(other)
    own = [False] * len(found)
    for index in range(len(found) - SHINGLE + 1):
        if tuple(found[index : index + SHINGLE]) not in theirs:
            own[index : index + SHINGLE] = [True] * SHINGLE
    return sum(own)


def similarity(first: str, second: str, ignored: frozenset[str] = frozenset()) -> float:
    """The Jaccard similarity of the texts' word shingles; 0 when either is too short."""
    return _jaccard(_kept(words(first), ignored), _kept(words(second), ignored))


def _jaccard(one: list[str], two: list[str]) -> float:
    if len(one) < MIN_WORDS or len(two) < MIN_WORDS:
        return 0.0
    shingles_one, shingles_two = _shingles(one), _shingles(two)
    return len(shingles_one & shingles_two) / len(shingles_one | shingles_two)


def _kept(found: list[str], ignored: frozenset[str]) -> list[str]:
    return [word for word in found if word not in ignored] if ignored else found


def _shingles(found: list[str]) -> set[tuple[str, ...]]:
    return {tuple(found[index : index + SHINGLE]) for index in range(len(found) - SHINGLE + 1)}
