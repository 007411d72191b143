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

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T\d{2}:\d{2}(?::\d{2})?Z?)?)?)?$")
_LONE_LETTER_END = re.compile(r"(?:^|\s)[a-z]\.$")
_CUT_PUNCTUATION = (":", ",", " -", "\u2014", "\u2013")
# URLs of one length, the longest in the file, on several sites: a tool cut them there.
# (One site's URLs often share a length by design: ...article6448.html, ...article6191.html.)
_MIN_CUT_LENGTH = 60
_NOT_LETTERS = re.compile(r"[^a-z0-9]")
# Words an organisation's initials leave out: British Broadcasting Corporation is bbc.
_MINOR_WORDS = frozenset(
    {"the", "of", "and", "for", "on", "in", "de", "la", "des", "und", "inc", "ltd", "llc", "plc"}
)
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
    for reference in references:
        if not (reference.url or reference.doi or reference.file):
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
    hosts_by_length: dict[int, set[str | None]] = defaultdict(set)
    for reference in references:
        if reference.url:
            url = reference.url.strip()
            hosts_by_length[len(url)].add(ids.host(url))
    if not hosts_by_length:
        return frozenset()
    longest = max(hosts_by_length)
    if longest >= _MIN_CUT_LENGTH and len(hosts_by_length[longest]) >= 2:
        return frozenset({longest})
    return frozenset()


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
    elif ids.truncated_slug(url) or ids.ends_mid_escape(url):
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
    """A reference's urldate: an ISO date, and not after today."""
    raw = (reference.urldate or "").strip()
    where = _field(reference, "urldate")
    parsed = parse_iso_date(raw)
    if parsed is None:
        yield rule("urldate-invalid").finding(
            f"the urldate of {reference.key!r} is not an ISO date: {raw!r}",
            where,
            subject=reference.key,
        )
    elif parsed > today:
        yield rule("urldate-future").finding(
            f"the urldate of {reference.key!r} ({raw}) is after today ({today.isoformat()})",
            where,
            subject=reference.key,
        )


def parse_iso_date(text: str) -> date | None:
    """The earliest day an ISO date (``2025``, ``2025-02`` or ``2025-02-09``) can mean."""
    match = _ISO_DATE.match(text)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
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
    """Whether a host is plausibly the organisation's own: by its name, a part of it, initials.

    A name with no Latin letters (新华社) cannot be compared, and is given the benefit of the doubt.
    """
    name_letters = _letters(name)
    if not name_letters or name_letters in _letters(site):
        return True
    initials = "".join(
        _letters(word)[:1] for word in name.split() if _letters(word) not in _MINOR_WORDS
    )
    if initials and initials in site.split("."):
        return True
    # Last, as it may read the Public Suffix List: the site's own label within the name.
    label = _letters(ids.registrable_label(site))
    return bool(label) and label in name_letters


def _letters(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_LETTERS.sub("", ascii_text.lower())
