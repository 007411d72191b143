"""URL and DOI syntax: parse, normalise and spot the defects people paste into .bib files."""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from claimcheck.iri import InvalidURL, to_uri
from claimcheck.models import Reason, SourceStatus
from claimcheck.suffixes import registered_domain

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Z0-9]+$", re.IGNORECASE | re.ASCII)
# Older DOIs the main pattern misses, after Crossref's list: Wiley's, SICI-based, Erlbaum's.
_LEGACY_DOI_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE | re.ASCII)
    for pattern in (
        r"^10\.1002/\S+$",
        r"^10\.\d{4,9}/\d+-\d+X?\(\d+\)\d+<\w+:\w*>\d+\.\d+\.\w+;\d+(?:-\w)?$",
        r"^10\.1207/\w+&\d+_\d+$",
    )
)
# Resolver prefixes, one or more, and the space after each: "https://doi.org/ doi:10.1/x".
_DOI_PREFIXES = re.compile(
    r"^(?:(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:|https?://doi\.[a-z.]+/)\s*)+", re.IGNORECASE
)
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
# LaTeX's escapes of the characters a DOI may hold and LaTeX reserves: \_, {\_}, \%, \&, \#
# (not after a backslash: \\ is a line break, and \\_ no escaped underscore).
_LATEX_ESCAPE = re.compile(r"(?<!\\)(?:\{\\([_%&#])\}|\\([_%&#]))")
# A brace that opens or closes a group; \{ and \} are the characters.
_GROUP_BRACE = re.compile(r"(?<!\\)[{}]")
# The escapes markdown and LaTeX leave in a URL: LaTeX's {\_}, \~{}, {\textasciitilde},
# \textasciitilde{} (a control word ends at a non-letter and eats one space), \textunderscore,
# and the backslash before a character either reserves (\_, \&, \%, \#, \~, ...).
# A run of backslashes is taken whole, from its first (possessive, after no backslash), so
# that a long run is not scanned again from each of its backslashes.
_URL_ESCAPE = re.compile(
    r"\{\\++([_%&#$~])\}"
    r"|(?<!\\)\\++~\{\}"
    r"|\{\\++text(asciitilde|underscore)\}"
    r"|(?<!\\)\\++text(asciitilde|underscore)(?:\{\}| |(?![A-Za-z]))"
    r"|(?<!\\)\\++([_*\[\]()~#&%$])"
)
_TEXT_CHARACTERS = {"asciitilde": "~", "underscore": "_"}
# The characters the backslash escapes above stand before, and those a brace group holds.
_MARKDOWN_CHARACTERS = frozenset("_*[]()~#&%$")
_LATEX_CHARACTERS = frozenset("_%&#$~")
# A line break in a field: the file's wrapping, not the address's.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BARE_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/:?#]|$)", re.IGNORECASE)
# A bare "host" with nothing after it and one of these endings is a file name.
_FILE_ENDINGS = frozenset(
    {"pdf", "ps", "eps", "djvu", "html", "htm", "txt", "doc", "docx", "gz", "zip", "tex", "bib"}
)
# Words a single letter legitimately follows at the end of a slug: vitamin-c, plan-b, gen-z.
_LETTER_NAMES = frozenset(
    {"vitamin", "hepatitis", "plan", "type", "part", "gen", "generation", "group", "class",
     "grade", "section", "appendix", "annex", "schedule", "phase", "tier", "model", "series"}
)  # fmt: skip
_ARCHIVE_HOSTS = frozenset(
    {"web.archive.org", "archive.org", "archive.today", "archive.ph", "archive.is", "perma.cc"}
)
FETCHED_SCHEMES = frozenset({"http", "https"})
_SCHEME_NAME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# The start of a URL as typed: letters, then a run of colons, semicolons and (back)slashes.
_TYPED_SCHEME = re.compile(r"([A-Za-z]+)([:;/\\]+)")


@dataclass(frozen=True)
class SchemeTypo:
    """A misspelt ``http://`` or ``https://`` at the start of a URL, and the URL meant."""

    written: str
    meant: str
    corrected: str


@dataclass(frozen=True)
class Unfetchable:
    """Why a cited URL is not fetched: the status and reason of its source, and a sentence."""

    status: SourceStatus
    reason: Reason
    detail: str


def normalise_doi(raw: str) -> str:
    """A DOI without resolver prefix, braces, LaTeX escapes or surrounding space, in lower case."""
    return bare_doi(raw.lower())


def bare_doi(raw: str) -> str:
    """A DOI as LaTeX reads it (see ``read_doi``), less its resolver prefixes."""
    return _DOI_PREFIXES.sub("", read_doi(raw))


def read_doi(raw: str) -> str:
    """A doi field as LaTeX reads it, a resolver prefix kept: escapes read as the character
    they escape, braces (LaTeX's groups, no part of a DOI) and surrounding space dropped.

    ``{10.1300/J010v41n03\\_01}`` is ``10.1300/J010v41n03_01``.
    """
    return _GROUP_BRACE.sub("", unescape_latex(raw)).strip()


def unescape_latex(text: str) -> str:
    """Text with LaTeX's escapes (``\\_``, ``{\\_}``, ``\\%``, ``\\&``, ``\\#``) read."""
    return _LATEX_ESCAPE.sub(lambda match: match.group(1) or match.group(2), text)


def is_valid_doi(doi: str) -> bool:
    """Whether a normalised DOI matches one of Crossref's patterns for DOIs in use."""
    return any(pattern.match(doi) for pattern in (DOI_PATTERN, *_LEGACY_DOI_PATTERNS))


def doi_in_url(url: str) -> str | None:
    """The DOI a url field holds instead of an address (a doi.org link or a bare DOI)."""
    stripped = url.strip()
    if stripped.lower().startswith("doi:") or DOI_PATTERN.match(stripped):
        return normalise_doi(stripped)
    parts = _split(stripped)
    if parts and parts.hostname in _DOI_HOSTS:
        candidate = normalise_doi(parts.path.lstrip("/"))
        return candidate if is_valid_doi(candidate) else None
    return None


def markdown_escapes(url: str) -> list[str]:
    """The escapes markdown or LaTeX left in a URL: ``\\_``, ``{\\_}``, ``\\&``, ``\\~{}``."""
    return [match.group(0) for match in _URL_ESCAPE.finditer(url)]


def unescape(url: str) -> str:
    """The URL without the escapes markdown, LaTeX and HTML leave: ``\\_``, ``\\\\_``, ``{\\_}``,
    ``\\~{}``, ``&amp;``; read until none is left (``\\{\\_}`` is ``\\_`` once read, then ``_``),
    in one pass: a hostile field of nested groups costs no more than its length."""
    out: list[str] = []
    position = 0
    for match in _URL_ESCAPE.finditer(url):
        if match.start() < position:
            continue
        out.extend(url[position : match.start()])
        character = _escaped(match)
        position = _completed(out, character, url, match.end())
        out.append(character)
    out.extend(url[position:])
    return "".join(out).replace("&amp;", "&")


def _escaped(match: re.Match[str]) -> str:
    word = match.group(2) or match.group(3)
    if word:
        return _TEXT_CHARACTERS[word]
    return match.group(1) or match.group(4) or "~"


def _completed(out: list[str], character: str, url: str, position: int) -> int:
    """Read the escapes that ``character``, itself read from one, completes with the
    backslashes written before it (and a brace around them): drop them from ``out``; the
    position in ``url`` past what they took of it."""
    while out and out[-1] == "\\":
        run = len(out)
        while run and out[run - 1] == "\\":
            run -= 1
        if character == "~" and url.startswith("{}", position):
            position += 2
        elif character not in _MARKDOWN_CHARACTERS:
            break
        elif (
            run
            and out[run - 1] == "{"
            and character in _LATEX_CHARACTERS
            and url.startswith("}", position)
        ):
            run -= 1
            position += 1
        del out[run:]
    return position


def meant_url(url: str) -> str:
    """The address a cited URL means: without the escapes markdown and LaTeX leave (the
    address lint's url-markdown-escape finding tells the author to write), and without the
    line breaks, and the indentation after them, of a field wrapped over several lines
    (unless the field holds several addresses); otherwise the URL itself."""
    meant = unescape(url) if markdown_escapes(url) else url
    lines = _LINE_BREAK.split(meant)
    if len(lines) > 1 and sum("://" in part for part in meant.split()) <= 1:
        # The spaces before each break and all after it go: split and stripped, not searched
        # for with a pattern that would rescan a long run of spaces from each of them.
        middle = [line.strip() for line in lines[1:-1]]
        meant = "".join([lines[0].rstrip(), *middle, lines[-1].lstrip()])
    return meant


def has_whitespace(url: str) -> bool:
    """Whether a URL has whitespace inside it (not counting its ends)."""
    return any(char.isspace() for char in url.strip())


def looks_schemeless(url: str) -> bool:
    """Whether a URL lacks a scheme but looks like a host name and path (``www.x.org/a``)."""
    stripped = url.strip()
    if "://" in stripped or not _BARE_HOST.match(stripped):
        return False
    return not _is_file_name(stripped)


def _is_file_name(text: str) -> bool:
    """Whether a bare ``name.pdf``, with no path after it, is a file name, not a host name."""
    if text.lower().startswith("www.") or any(char in text for char in "/:?#"):
        return False
    return text.rsplit(".", 1)[-1].lower() in _FILE_ENDINGS


def scheme_typo(url: str) -> SchemeTypo | None:
    """The ``http://`` or ``https://`` that the start of a URL misspells, if it does.

    The URL starts with letters and a run of ``:``, ``;``, ``/`` and ``\\``; the letters are
    http or https, or one edit (a letter added, dropped or changed, or two swapped) away from
    one of them; and the start is not exactly ``http://`` or ``https://``. No registered
    scheme is that close to http (``htp:``, ``htps:``, ``http:/``, ``https//``, ``http;//``).
    """
    match = _TYPED_SCHEME.match(url.strip())
    if match is None:
        return None
    letters, separator = match.group(1).lower(), match.group(2)
    if letters in FETCHED_SCHEMES and separator == "://":
        return None
    close = [name for name in ("http", "https") if _one_edit_apart(letters, name)]
    if not close:
        return None
    meant = close[0] if len(close) == 1 else ("https" if letters.endswith("s") else "http")
    rest = url.strip()[match.end() :]
    return SchemeTypo(written=match.group(0), meant=meant, corrected=f"{meant}://{rest}")


def _one_edit_apart(typed: str, word: str) -> bool:
    """Whether one insertion, deletion, substitution or swap of neighbours makes one the other."""
    if typed == word:
        return True
    if len(typed) == len(word):
        diffs = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        first, last = diffs[0], diffs[-1]
        neighbours = len(diffs) == 2 and last == first + 1
        return len(diffs) == 1 or (
            neighbours and (typed[first], typed[last]) == (word[last], word[first])
        )
    shorter, longer = sorted((typed, word), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


@functools.lru_cache(maxsize=1 << 16)
def unfetchable(url: str) -> Unfetchable | None:
    """Why a cited URL is not fetched, if it is not: invalid, or a scheme claimcheck leaves alone.

    Invalid: a misspelt http(s) scheme, no scheme, or no URI a browser could send for it
    (no host, a bad port or host name). Skipped: a scheme other than http and https.
    Remembered per URL: lint, the source list, the check and the findings all ask.
    """
    text = url.strip()
    typo = scheme_typo(text)
    if typo is not None:
        return _invalid(f"{typo.written} looks like a typo of {typo.meant}://")
    match = _SCHEME_NAME.match(text)
    if match is None or looks_schemeless(text):
        return _invalid("the URL has no scheme: it should start with https:// or http://")
    name = match.group(1).lower()
    if name not in FETCHED_SCHEMES:
        return Unfetchable(
            SourceStatus.SKIPPED,
            Reason.UNSUPPORTED_SCHEME,
            f"claimcheck fetches only http and https URLs, not {name}:",
        )
    try:
        to_uri(text)
    except InvalidURL as error:
        return _invalid(f"no address can be sent for it: {error}")
    return None


def _invalid(detail: str) -> Unfetchable:
    return Unfetchable(SourceStatus.INVALID, Reason.INVALID_URL, detail)


def scheme(url: str) -> str | None:
    """The URL's scheme in lower case, if it has one."""
    match = _SCHEME_NAME.match(url.strip())
    return match.group(1).lower() if match else None


def host(url: str) -> str | None:
    """The URL's host name in lower case, if it has one."""
    parts = _split(url.strip())
    return parts.hostname if parts else None


@functools.lru_cache(maxsize=4096)
def registrable_domain(hostname: str) -> str:
    """The domain a site registered, after the Public Suffix List: ``example.de`` of
    blog.example.de and www.example.de, ``chinadaily.com.cn`` of www.chinadaily.com.cn,
    ``user.github.io`` of user.github.io. An IP address, a public suffix and a single label
    stand for themselves."""
    name = hostname.lower().rstrip(".")
    if not name or _is_ip_address(name):
        return name
    return registered_domain(name) or name


def registrable_label(hostname: str) -> str:
    """The label a site registered: ``bbc`` of www.bbc.com, ``chinadaily`` of chinadaily.com.cn."""
    return registrable_domain(hostname).split(".", 1)[0]


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def is_archive_or_resolver(url: str) -> bool:
    """Whether the URL leads to a web archive or the DOI resolver, not to a publisher's site."""
    name = host(url)
    return name in _ARCHIVE_HOSTS or name in _DOI_HOSTS


def canonical_url(url: str) -> str:
    """A URL in a form for spotting duplicates: lower-case scheme and host, no fragment."""
    parts = _split(url.strip())
    if parts is None or not parts.netloc:
        return url.strip()
    path = _without_trailing_slashes(parts.path) or "/"
    netloc = parts.netloc.lower()
    query = parts.query.strip()  # a query of spaces only leaves no '?' behind
    return urlunsplit((parts.scheme.lower(), netloc, path, query, "")).strip()


def _without_trailing_slashes(path: str) -> str:
    """``path`` without the slashes and spaces it ends in (found from the end: a pattern
    would rescan a long run of them from each of its characters)."""
    end = len(path)
    while end and (path[end - 1] == "/" or path[end - 1].isspace()):
        end -= 1
    return path[:end]


def truncated_slug(url: str) -> bool:
    """Whether the URL ends in a cut-off word of a hyphenated slug (``...-south-k``)."""
    parts = _split(url.strip())
    if parts is None or parts.query or parts.fragment:
        return False
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if "." in last:
        return False
    words = last.split("-")
    if len(words) < 4 or words[-2] in _LETTER_NAMES:
        return False
    *slug, end = words
    return _is_lone_letter(end) and all(word.isalpha() for word in slug[-2:])


def _is_lone_letter(word: str) -> bool:
    return len(word) == 1 and word.isascii() and word.isalpha() and word.islower()


def ends_mid_escape(url: str) -> bool:
    """Whether the URL ends inside a percent escape (``%2``) or on a dangling ``%``."""
    return bool(re.search(r"%[0-9A-Fa-f]?$", url.strip()))


@functools.lru_cache(maxsize=1 << 13)
def _split(url: str) -> SplitResult | None:
    # Remembered for the last 8,192 URLs (at most 4 MB, 0.5 kB each): lint asks for each
    # URL's parts in three passes over the references, so a smaller memory than a paper's
    # bibliography forgets every URL before it is asked again.
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    return parts
