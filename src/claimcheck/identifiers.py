"""URL and DOI syntax: parse, normalise and spot the defects people paste into .bib files."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Z0-9]+$", re.IGNORECASE)
_DOI_PREFIX = re.compile(
    r"^\s*(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*|https?://doi\.[a-z.]+/)", re.IGNORECASE
)
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
_MARKDOWN_ESCAPE = re.compile(r"\\([_*\[\]()~#&%$])")
_BARE_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/:?#]|$)", re.IGNORECASE)
FETCHED_SCHEMES = frozenset({"http", "https"})


def normalise_doi(raw: str) -> str:
    """A DOI without resolver prefix or surrounding space, in lower case (DOIs ignore case)."""
    return _DOI_PREFIX.sub("", raw.strip()).strip().lower()


def is_valid_doi(doi: str) -> bool:
    """Whether a normalised DOI matches Crossref's recommended pattern."""
    return bool(DOI_PATTERN.match(doi))


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
    """The backslash escapes (``\\_``, ``\\&`` ...) left in a URL by markdown or LaTeX."""
    return [match.group(0) for match in _MARKDOWN_ESCAPE.finditer(url)]


def unescape(url: str) -> str:
    """The URL with markdown and LaTeX backslash escapes removed."""
    return _MARKDOWN_ESCAPE.sub(r"\1", url)


def has_whitespace(url: str) -> bool:
    """Whether a URL has whitespace inside it (not counting its ends)."""
    return any(char.isspace() for char in url.strip())


def looks_schemeless(url: str) -> bool:
    """Whether a URL lacks a scheme but looks like a host name and path (``www.x.org/a``)."""
    return "://" not in url and bool(_BARE_HOST.match(url.strip()))


def scheme(url: str) -> str | None:
    """The URL's scheme in lower case, if it has one."""
    parts = _split(url.strip())
    return parts.scheme.lower() if parts and parts.scheme else None


def host(url: str) -> str | None:
    """The URL's host name in lower case, if it has one."""
    parts = _split(url.strip())
    return parts.hostname if parts else None


def canonical_url(url: str) -> str:
    """A URL in a form for spotting duplicates: lower-case scheme and host, no fragment."""
    parts = _split(url.strip())
    if parts is None or not parts.netloc:
        return url.strip()
    path = parts.path.rstrip("/") or "/"
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def truncated_slug(url: str) -> bool:
    """Whether the URL ends in a cut-off word of a hyphenated slug (``...-south-k``)."""
    parts = _split(url.strip())
    if parts is None or parts.query or parts.fragment:
        return False
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if "." in last:
        return False
    words = last.split("-")
    return len(words) >= 4 and len(words[-1]) == 1 and words[-1].isalpha() and words[-1].islower()


def ends_mid_escape(url: str) -> bool:
    """Whether the URL ends inside a percent escape (``%2``) or on a dangling ``%``."""
    return bool(re.search(r"%[0-9A-Fa-f]?$", url.strip()))


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    return parts
