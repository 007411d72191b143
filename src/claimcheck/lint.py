"""Offline checks of the claims ledger and the bibliography, as coded findings."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from claimcheck import identifiers as ids
from claimcheck.load.bib import Cited, strip_braces
from claimcheck.load.claims import Ledger
from claimcheck.models import Finding, Location, Reference, SourceStatus
from claimcheck.rules import rule

# An ISO 8601 date as biblatex reads one: 2025, 2025-02, 2025-02-09, perhaps with a time and
# a time zone (Z, +01:00, -0500, +01). ASCII digits only: biber reads no other.
_ISO_DATE = re.compile(
    r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})"
    r"(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(?:Z|[+-]([0-9]{2})(?::?([0-9]{2}))?)?)?)?)?$",
    re.ASCII,
)
# The end of an open date range: 2025-02-09/ or 2025-02-09/.. (biblatex's urlendyear).
_OPEN_END = frozenset({"", ".."})
_LONE_LETTER_END = re.compile(r"(?:^|\s)[a-z]\.$")
_CUT_PUNCTUATION = (":", ",", " -", "\u2014", "\u2013")
# URLs of one length, the longest in the file, on several sites: a tool cut them there, when
# there are three of them or one shows the cut (...-south-k); two complete ones are chance.
# (One site's URLs often share a length by design: ...article6448.html, ...article6191.html.)
_MIN_CUT_LENGTH = 60
_MIN_CUT_URLS = 3
_NOT_LETTERS = re.compile(r"[^a-z0-9]")
# Words an organisation's site name may leave out (British Broadcasting Corporation is bbc) or
# keep, whole or as an initial (thelancet, mofa for Ministry of Foreign Affairs).
_MINOR_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "de", "del", "der", "des", "di", "du", "el", "et", "for",
     "in", "inc", "la", "le", "les", "llc", "ltd", "of", "on", "plc", "the", "to", "und", "y"}
)  # fmt: skip
# A country's name before an agency's, as its site leaves it out: U.S. Food and Drug
# Administration is fda.gov.
_COUNTRY_PREFIXES = frozenset({"us", "usa", "uk"})
# Parts of a site's name that are no part of the organisation's: apnews, xinhuanet.
_SITE_AFFIXES = ("news", "online", "web", "net", "gov", "org", "media", "info", "official")
_NAME_WORD_SEPARATORS = re.compile(r"[\s/&,;:()\-\u2010-\u2015]+")
_GENERIC_LABEL = re.compile(r"^www[0-9]*$")
# A piece of a site's name this long is a word of the organisation's (people, stlouisfed);
# shorter pieces are initials, which must stand for most of its words (cdc, un; not en, x).
_WORD_PIECE = 3
# Names are searched by their first words only: the search remembers which words it used.
# Real names and labels take a few dozen steps; a name made to match in every way stops here.
_MAX_NAME_WORDS = 10
_SEARCH_STEPS = 5000
# Words that make a braced author an organisation, not a person: Human Rights Watch, ISIS-2
# Collaborative Group. A name without one reads as a person's where it looks like one.
_ORGANISATION_WORDS = frozenset(
    {"academy", "agency", "alliance", "association", "authority", "bank", "board", "broadcasting",
     "bureau", "center", "centre", "channel", "coalition", "college", "collaboration",
     "collaborative", "commission", "committee", "company", "consortium", "contributors",
     "corp", "corporation", "council", "court", "daily", "department", "desk", "editors",
     "federation", "forum", "foundation", "fund", "government", "group", "herald", "hospital",
     "inc", "initiative", "institute", "institution", "international", "journal", "lab",
     "laboratory", "labs", "league", "library", "limited", "llc", "ltd", "magazine", "media",
     "ministry", "museum", "national", "network", "news", "office", "online", "organisation",
     "organization", "parliament", "partners", "partnership", "party", "plc", "post", "press",
     "program", "programme", "project", "radio", "research", "review", "school", "service",
     "services", "society", "staff", "team", "television", "times", "tribune", "trust", "union",
     "university", "watch", "wire"}
)  # fmt: skip
# Lower-case words a person's name may hold between given and family name: Ludwig van Beethoven.
_NAME_PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "den", "der", "des", "di", "do", "dos", "du",
     "el", "ibn", "la", "le", "ten", "ter", "van", "von", "y", "zu"}
)  # fmt: skip
_NAME_PART_SEPARATORS = re.compile(r"[-.'\u2019]")
# Entry types of a whole book, whose chapters name it in their booktitle.
_BOOK_TYPES = frozenset(
    {"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings", "reference"}
)
# Entry types for pages a site publishes itself; an article's url is its journal's, naturally.
_WEB_PAGE_TYPES = frozenset({"online", "www", "electronic", "webpage", "misc"})


def lint(bibliography: Cited, ledger: Ledger | None, *, today: date) -> list[Finding]:
    """Every offline finding for this bibliography and ledger, in file order; without a
    ledger, the bibliography's alone (no ledger rule applies)."""
    findings = [
        *bibliography.findings,
        *check_bibliography(bibliography.references, today=today),
        *(check_ledger(ledger, bibliography.references) if ledger is not None else ()),
    ]
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.column or 0, f.code))


def check_ledger(ledger: Ledger, references: Iterable[Reference]) -> Iterator[Finding]:
    """Claims against the bibliography: undefined and unused keys, empty and repeated claims."""
    by_key = {reference.key: reference for reference in references}
    by_lower_key = {key.lower(): key for key in by_key}
    cited: set[str] = set()
    first_line: dict[str, int | None] = {}
    for claim in ledger.claims:
        if claim.id in first_line:
            yield rule("duplicate-claim-id").finding(
                f"claim id {claim.id!r} is already used at line {first_line[claim.id]}",
                claim.location,
                subject=claim.id,
            )
        else:
            first_line[claim.id] = claim.location.line
        if not claim.evidence:
            yield rule("claim-without-evidence").finding(
                f"claim {claim.id!r} has no evidence", claim.location, subject=claim.id
            )
        seen: set[tuple[str, str | None]] = set()
        for item in claim.evidence:
            cited.add(item.source)
            reference = by_key.get(item.source)
            if reference is None:
                near = by_lower_key.get(item.source.lower())
                yield rule("undefined-key").finding(
                    f"claim {claim.id!r} cites {item.source!r}, which is not in the bibliography",
                    item.location,
                    subject=claim.id,
                    hint=f"did you mean {near!r}? keys are case-sensitive" if near else None,
                )
            elif item.quote is None and (reference.url or reference.doi):
                yield rule("evidence-without-quote").finding(
                    f"claim {claim.id!r} cites {item.source!r} without a quote",
                    item.location,
                    subject=claim.id,
                )
            if (item.source, item.quote) in seen:
                yield rule("duplicate-evidence").finding(
                    f"claim {claim.id!r} cites {item.source!r} twice with the same quote",
                    item.location,
                    subject=claim.id,
                )
            seen.add((item.source, item.quote))
    for key, reference in by_key.items():
        if key not in cited:
            yield rule("unused-reference").finding(
                f"reference {key!r} backs no claim", reference.location, subject=key
            )


def check_bibliography(references: Iterable[Reference], *, today: date) -> Iterator[Finding]:
    """Keys, identifiers, dates and titles of every reference."""
    references = list(references)
    yield from _case_duplicates(references)
    yield from _shared_identifiers(references)
    cut_lengths = _cut_lengths(references)
    by_key = {reference.key.casefold(): reference for reference in references}
    for reference in references:
        if not _checkable(reference, by_key):
            yield rule("nothing-to-check").finding(
                f"reference {reference.key!r} has no url, doi or file",
                reference.location,
                subject=reference.key,
            )
        if reference.url:
            yield from check_url(reference, cut_lengths)
        if reference.doi:
            yield from check_doi(reference)
        if reference.urldate:
            yield from check_urldate(reference, today)
        if reference.title:
            yield from check_title(reference)
        if reference.url and reference.entry_type in _WEB_PAGE_TYPES:
            yield from check_organisation_host(reference)


def _checkable(reference: Reference, by_key: dict[str, Reference]) -> bool:
    """Whether a reference has a url, doi or file, or inherits one from the entry its
    crossref or xdata field names (as BibTeX and biblatex fill a field from there); a @set
    only groups the entries its entryset names, each judged for itself."""
    if reference.url or reference.doi or reference.file or reference.entry_type == "set":
        return True
    for name in ("crossref", "xdata"):
        for key in reference.fields.get(name, "").split(","):
            parent = by_key.get(key.strip().casefold())
            if parent is not None and (parent.url or parent.doi or parent.file):
                return True
    return False


def _field(reference: Reference, name: str) -> Location:
    line = reference.field_lines.get(name, reference.location.line)
    return Location(file=reference.location.file, line=line)


def _case_duplicates(references: list[Reference]) -> Iterator[Finding]:
    first: dict[str, Reference] = {}
    for reference in references:
        earlier = first.setdefault(reference.key.lower(), reference)
        if earlier.key != reference.key:
            yield rule("duplicate-key-case").finding(
                f"key {reference.key!r} differs only in case from {earlier.key!r} "
                f"(line {earlier.location.line})",
                reference.location,
                subject=reference.key,
            )


def _shared_identifiers(references: list[Reference]) -> Iterator[Finding]:
    by_url: dict[str, list[Reference]] = defaultdict(list)
    by_doi: dict[str, list[Reference]] = defaultdict(list)
    for reference in references:
        if reference.url:
            by_url[ids.canonical_url(reference.url)].append(reference)
        if reference.doi:
            by_doi[ids.normalise_doi(reference.doi)].append(reference)
    for kind, groups in (("url", by_url), ("doi", by_doi)):
        for value, group in groups.items():
            for later in group[1:]:
                if kind == "url" and _parts_of_one_book(later, group[0]):
                    continue
                yield rule(f"duplicate-{kind}").finding(
                    f"{kind} {value} of {later.key!r} is also that of {group[0].key!r} "
                    f"(line {group[0].location.line})",
                    _field(later, kind),
                    subject=later.key,
                )


def _parts_of_one_book(one: Reference, other: Reference) -> bool:
    """Whether two references are chapters of one book, or a chapter and its book.

    They may share a url, the book's page: that is no duplicate to merge.
    """
    books = (_book(one), _book(other))
    is_part = ("booktitle" in one.fields, "booktitle" in other.fields)
    return books[0] is not None and books[0] == books[1] and any(is_part)


def _book(reference: Reference) -> str | None:
    """The title of the book a reference is part of, or is, in a form for comparing."""
    if "booktitle" in reference.fields:
        title: str | None = reference.fields["booktitle"]
    elif reference.entry_type in _BOOK_TYPES:
        title = reference.title
    else:
        return None
    return strip_braces(title or "").casefold() or None


def _cut_lengths(references: list[Reference]) -> frozenset[int]:
    """The length a tool cut the file's urls at, if it did: that of its longest urls, when
    they are on several sites and either three or more, or one of them ends cut off."""
    urls_by_length: dict[int, set[str]] = defaultdict(set)
    for reference in references:
        if reference.url:
            url = reference.url.strip()
            urls_by_length[len(url)].add(url)
    if not urls_by_length:
        return frozenset()
    longest = max(urls_by_length)
    urls = urls_by_length[longest]
    several_sites = len({ids.host(url) for url in urls}) >= 2
    shown = len(urls) >= _MIN_CUT_URLS or any(_ends_cut_off(url) for url in urls)
    if longest >= _MIN_CUT_LENGTH and several_sites and shown:
        return frozenset({longest})
    return frozenset()


def _ends_cut_off(url: str) -> bool:
    """Whether a url ends where no address ends: in a cut-off word or percent escape."""
    return ids.truncated_slug(url) or ids.ends_mid_escape(url)


def check_url(reference: Reference, cut_lengths: frozenset[int] = frozenset()) -> Iterator[Finding]:
    """Defects of a reference's url field."""
    url = (reference.url or "").strip()
    where = _field(reference, "url")
    key = reference.key
    doi = ids.doi_in_url(url)
    if doi and not (reference.doi and ids.normalise_doi(reference.doi) == doi):
        yield rule("doi-in-url").finding(
            f"the url of {key!r} is a DOI ({doi})",
            where,
            subject=key,
            hint=f"write doi = {{{doi}}} instead: DOIs are checked through the DOI resolver",
        )
        return
    if doi:
        return
    escapes = ids.markdown_escapes(url)
    if escapes:
        yield rule("url-markdown-escape").finding(
            f"the url of {key!r} holds {', '.join(sorted(set(escapes)))}: "
            "the backslash becomes part of the address",
            where,
            subject=key,
            hint=f"write url = {{{ids.unescape(url)}}}",
        )
    if ids.has_whitespace(url):
        yield rule("url-whitespace").finding(
            f"the url of {key!r} has whitespace inside", where, subject=key, hint=_several(url)
        )
    typo = ids.scheme_typo(url)
    if typo is not None:
        yield rule("url-scheme-typo").finding(
            f"the url of {key!r} starts {typo.written!r}: a typo of {typo.meant}://",
            where,
            subject=key,
            hint=f"write url = {{{typo.corrected}}}",
        )
        return
    if ids.looks_schemeless(url):
        yield rule("url-missing-scheme").finding(
            f"the url of {key!r} has no scheme",
            where,
            subject=key,
            hint=f"write url = {{https://{url}}}",
        )
        return
    problem = ids.unfetchable(url)
    if problem is not None and problem.status is SourceStatus.INVALID:
        yield rule("url-malformed").finding(
            f"the url of {key!r} cannot be read as an address: {url!r} ({problem.detail})",
            where,
            subject=key,
        )
        return
    if problem is not None:
        yield rule("url-unsupported-scheme").finding(
            f"the url of {key!r} uses {ids.scheme(url)}:, which claimcheck does not fetch",
            where,
            subject=key,
        )
        return
    if len(url) in cut_lengths:
        yield rule("url-truncated").finding(
            f"the url of {key!r} is {len(url)} characters long, like other urls that all stop "
            "at that length: it looks cut off",
            where,
            subject=key,
        )
    elif _ends_cut_off(url):
        yield rule("url-truncated").finding(
            f"the url of {key!r} ends in a cut-off word: {url[-24:]!r}", where, subject=key
        )


def _several(url: str) -> str | None:
    """A hint for a url field holding several addresses, if it does."""
    addresses = [part for part in url.split() if "://" in part]
    return f"the field holds {len(addresses)} addresses: keep one" if len(addresses) > 1 else None


def check_doi(reference: Reference) -> Iterator[Finding]:
    """Syntax and form of a reference's doi field."""
    raw = (reference.doi or "").strip()
    bare = ids.bare_doi(raw)
    where = _field(reference, "doi")
    if not ids.is_valid_doi(ids.normalise_doi(raw)):
        unescaped = ids.bare_doi(ids.unescape(raw))
        yield rule("doi-invalid").finding(
            f"the doi of {reference.key!r} is not a DOI: {raw!r}",
            where,
            subject=reference.key,
            hint=f"write doi = {{{unescaped}}}" if ids.is_valid_doi(unescaped) else None,
        )
    elif ids.read_doi(raw) != bare:
        yield rule("doi-not-normalised").finding(
            f"the doi of {reference.key!r} is written {raw!r}",
            where,
            subject=reference.key,
            hint=f"write doi = {{{bare}}}",
        )


def check_urldate(reference: Reference, today: date) -> Iterator[Finding]:
    """A reference's urldate: an ISO date or range of dates, and not after today."""
    raw = (reference.urldate or "").strip()
    where = _field(reference, "urldate")
    days = urldate_days(raw)
    if days is None:
        yield rule("urldate-invalid").finding(
            f"the urldate of {reference.key!r} is not an ISO date: {raw!r}",
            where,
            subject=reference.key,
        )
    elif days[1] > today:
        yield rule("urldate-future").finding(
            f"the urldate of {reference.key!r} ({raw}) is after today ({today.isoformat()})",
            where,
            subject=reference.key,
        )


def urldate_days(text: str) -> tuple[date, date] | None:
    """The first and the last day a urldate names, as :func:`parse_iso_date` reads each: one
    date (both days the same), a range (``2025-02-09/2025-02-12``) or an open range
    (``2025-02-09/``, ``2025-02-09/..``: from its first day). None for no date, or a range that
    ends before it starts."""
    first, slash, last = text.partition("/")
    start = parse_iso_date(first)
    if start is None or not slash or last in _OPEN_END:
        return None if start is None else (start, start)
    end = parse_iso_date(last)
    if end is None or end < start:
        return None
    return start, end


def parse_iso_date(text: str) -> date | None:
    """The earliest day an ISO date (``2025``, ``2025-02`` or ``2025-02-09``, perhaps with a
    time and time zone: ``2025-02-09T10:00:00+01:00``) can mean; None if it is none."""
    match = _ISO_DATE.match(text)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    hour, minute, second, zone_hour, zone_minute = (int(part or 0) for part in match.groups()[3:])
    if hour > 23 or minute > 59 or second > 59 or zone_hour > 23 or zone_minute > 59:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def check_title(reference: Reference) -> Iterator[Finding]:
    """A title that ends as if cut off: a lone letter, dangling punctuation, open brackets."""
    title = (reference.title or "").strip()
    cut = _LONE_LETTER_END.search(title) or title.endswith(_CUT_PUNCTUATION)
    unbalanced = any(title.count(left) > title.count(right) for left, right in ("()", "[]"))
    if cut or unbalanced:
        ending = title[-20:]
        yield rule("title-truncated").finding(
            f"the title of {reference.key!r} looks cut off: ...{ending!r}",
            _field(reference, "title"),
            subject=reference.key,
        )


def check_organisation_host(reference: Reference) -> Iterator[Finding]:
    """A page by one organisation (``{{Xinhua}}``) whose url is on some other site."""
    organisation = single_organisation(reference.fields.get("author", ""))
    url = (reference.url or "").strip()
    site = ids.host(url)
    if not organisation or not site or ids.is_archive_or_resolver(url):
        return
    if looks_like_person(organisation):
        return
    if not organisation_matches_host(organisation, site):
        yield rule("organisation-host-mismatch").finding(
            f"the url of {reference.key!r} is on {site}, not a site of its author {organisation}",
            _field(reference, "url"),
            subject=reference.key,
        )


def single_organisation(author: str) -> str | None:
    """The name in an author field that is one braced group (``{China Daily}``), if it is."""
    text = author.strip()
    if not text.startswith("{") or _group_end(text) != len(text) - 1:
        return None
    return strip_braces(text) or None


def looks_like_person(name: str) -> bool:
    """Whether a braced author (``{{Sven Vlaeminck}}``) reads as a person's name, not a body's.

    It does with a given and a family name, separated by spaces, each a capitalised word or
    initials (``J.``, ``Jean-Paul``, ``O'Brien``), perhaps particles between (``van``), and
    no organisation word (Watch, Institute, News ...).
    """
    words = name.split()
    named = [word for word in words if word not in _NAME_PARTICLES]
    return (
        2 <= len(named) <= 4
        and all(_is_name_word(word) for word in named)
        and not any(_letters(word) in _ORGANISATION_WORDS for word in words)
    )


def _is_name_word(word: str) -> bool:
    """A capitalised word (Vlaeminck, McDonald, Jean-Paul) or initials (J., J.R.): no acronym."""
    parts = [part for part in _NAME_PART_SEPARATORS.split(word) if part]
    return bool(parts) and all(
        part.isalpha() and part[0].isupper() and (len(part) == 1 or not part[1:].isupper())
        for part in parts
    )


def _group_end(text: str) -> int | None:
    """Where the brace group that opens ``text`` closes."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index
    return None


@functools.lru_cache(maxsize=4096)
def organisation_matches_host(name: str, site: str) -> bool:
    """Whether a host is plausibly the organisation's own: one of its labels reads as the name
    or as an abbreviation of it (see :func:`abbreviates`).

    A name with no Latin letters (新华社) cannot be compared, and is given the benefit of the doubt.
    """
    name_letters = _letters(name)
    if not name_letters or name_letters in _letters(site):
        return True
    words = name_words(name)
    return any(abbreviates(label, words) for label in _site_labels(site))


def name_words(name: str) -> tuple[tuple[str, bool], ...]:
    """The words of an organisation's name in lower-case letters, each with whether it is
    significant: not a small word (of, the, and ...) or a country prefix (U.S.). Hyphens
    part words (Agence France-Presse is three); repeated words are kept once."""
    words: dict[str, bool] = {}
    for part in _NAME_WORD_SEPARATORS.split(name):
        word = _letters(part)
        if word and word not in words:
            words[word] = word not in _MINOR_WORDS and word not in _COUNTRY_PREFIXES
    kept: list[tuple[str, bool]] = []
    for word, is_significant in words.items():
        if is_significant and sum(known for _, known in kept) == _MAX_NAME_WORDS:
            continue
        kept.append((word, is_significant))
    return tuple(kept)


def _site_labels(site: str) -> list[str]:
    """The labels of a host a name may stand in: its registered label and those before it,
    not the public suffix (gov.cn) and not www."""
    registered = ids.registrable_domain(site)
    before = site.lower().rstrip(".").removesuffix(registered).split(".")
    labels = [_letters(label) for label in (*before, registered.split(".", 1)[0])]
    return [label for label in labels if label and not _GENERIC_LABEL.match(label)]


def abbreviates(label: str, words: tuple[tuple[str, bool], ...]) -> bool:
    """Whether a site's label can be spelt with pieces of the name, as people shorten names.

    Each piece is the start of a word (the whole word, its initial or more: stlouisfed is St.
    Louis Federal), each word used once, in any order (fmprc: Foreign Ministry, PRC); small
    words give their initial or the whole word and count for nothing (mofa, thelancet); a
    generic part (news, online, net ...) may stand anywhere (apnews, xinhuanet). One piece
    must be three letters or more of a significant word, or the pieces must stand for more
    than half of the significant words, two at least (cdc, un): a letter or two of a long
    name (en, cfr for the Ministry of Foreign Affairs of the People's Republic of China) is
    chance.
    """
    if len(label) > 63:
        return False
    significant = sum(is_significant for _, is_significant in words)
    budget = [_SEARCH_STEPS]

    @functools.cache
    def spell(at: int, used: int, has_word: bool) -> bool:
        if at == len(label):
            initials = used.bit_count()
            return has_word or (initials >= 2 and 2 * initials > significant)
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooManyWays
        for affix in _SITE_AFFIXES:
            if label.startswith(affix, at) and spell(at + len(affix), used, has_word):
                return True
        for index, (word, is_significant) in enumerate(words):
            if is_significant and used >> index & 1:
                continue
            shared = _shared_start(word, label, at)
            if not is_significant:
                lengths = [length for length in {1, len(word)} if length <= shared]
                if any(spell(at + length, used, has_word) for length in lengths):
                    return True
                continue
            for length in range(shared, 0, -1):
                if spell(at + length, used | 1 << index, has_word or length >= _WORD_PIECE):
                    return True
        return False

    try:
        return spell(0, 0, False)
    except _TooManyWays:
        return True  # a name no organisation has: given the benefit of the doubt


class _TooManyWays(Exception):
    """A label and name that can be matched in more ways than any real pair."""


def _shared_start(word: str, label: str, at: int) -> int:
    """How many letters ``word`` and ``label`` (from ``at``) have in common at their start."""
    length = 0
    while length < len(word) and at + length < len(label) and word[length] == label[at + length]:
        length += 1
    return length


def _letters(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_LETTERS.sub("", ascii_text.lower())
