"""The text of an archived capture (an HTML page, a PDF, plain text), for searching quotes in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from claimcheck.charsets import byte_order_mark, decode, looks_binary
from claimcheck.check.html import PageText, is_application_shell, visible_text
from claimcheck.check.visible import unix_newlines

# What the pages of a PDF's text are joined with (as pdftotext does): page boundaries can be
# found again in the text, kept in the archive's database too.
PAGE_BREAK = "\f"


class TextKind(StrEnum):
    """How a capture's text was read: as HTML, PDF or plain text, or not at all."""

    HTML = "html"
    PDF = "pdf"
    PLAIN = "plain"
    NONE = "none"


@dataclass(frozen=True)
class ExtractedText:
    """A capture's text, the codec that decoded it, and why there is no text or only part."""

    kind: TextKind
    text: str | None
    charset: str | None
    problem: str | None


def extract_text(
    body: bytes, content_type: str | None, page: PageText | None = None
) -> ExtractedText:
    """The text of a capture, read as its Content-Type says unless its bytes say otherwise.

    ``page`` is an HTML body as its check decoded it (and perhaps read its text, when it
    parsed the page for its facts): it is not decoded, nor parsed, again.

    Never raises: an unreadable capture gives ``text=None`` and a ``problem`` in words. A PDF
    is read within the limits of ``claimcheck.archive.pdf``.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    kind = _kind(body, media_type)
    if kind is TextKind.HTML:
        if page is not None:
            markup, charset, shown = page.markup, page.charset, page.visible_text()
        else:
            markup, charset = decode(body, content_type, html=True)
            shown = visible_text(markup)
        if is_application_shell(markup) and len(_WORD.findall(shown)) <= _SHELL_WORDS:
            return ExtractedText(kind, None, charset, _SHELL)
        return ExtractedText(kind, shown, charset, None)
    if kind is TextKind.PDF:
        # pypdf is imported only when a PDF is met: every command starts faster without it.
        from claimcheck.archive.pdf import pdf_text

        return pdf_text(body)
    if kind is TextKind.PLAIN:
        text, charset = decode(body, content_type, html=False)
        return ExtractedText(kind, unix_newlines(text), charset, None)
    return ExtractedText(kind, None, None, _no_text(media_type))


# A JavaScript application's shell (an empty <div id="root">) whose page says next to nothing
# else (its title, "Loading..."): its text is drawn by its scripts, and a quote searched in the
# rest would be missing for want of the text, not because the page lacks it.
_SHELL_WORDS = 12
_WORD = re.compile(r"\w+")
_SHELL = (
    "the page is a JavaScript application's shell: its text is drawn by scripts, which "
    "claimcheck does not run"
)


# What kind of document -----------------------------------------------------------------------

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_TEXT_APPLICATION_TYPES = frozenset({"application/json", "application/xml"})
_HTML_START = re.compile(
    r"(?:\s*(?:<\?xml[^>]*>|<!--.*?-->))*\s*<(?:!doctype\s+html|html|head|body)[\s>/]", re.S
)
_SNIFF_BYTES = 1024


def _kind(body: bytes, media_type: str) -> TextKind:
    """The kind the bytes show by their signature, else the one the media type names."""
    if body.startswith(b"%PDF-"):
        return TextKind.PDF
    if _HTML_START.match(_sniffing_prefix(body)):
        return TextKind.HTML
    if media_type in _HTML_TYPES:
        return TextKind.HTML
    if media_type == "application/pdf":
        return TextKind.PDF
    if _is_text_type(media_type) or (media_type in _GENERIC_TYPES and _looks_like_text(body)):
        return TextKind.PLAIN
    return TextKind.NONE


def _sniffing_prefix(body: bytes) -> str:
    """The start of the bytes, lower-cased, decoded just well enough to spot markup."""
    mark = byte_order_mark(body)
    if mark is not None:
        codec, size = mark
        return body[size : size + 2 * _SNIFF_BYTES].decode(codec, errors="replace").lower()
    return body[:_SNIFF_BYTES].decode("latin-1").lower()


def _is_text_type(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type in _TEXT_APPLICATION_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


def _looks_like_text(body: bytes) -> bool:
    """Whether untyped bytes are text: a BOM, or no NUL and hardly any control bytes."""
    sample = body[:4096]
    return byte_order_mark(sample) is not None or not looks_binary(sample)


def _no_text(media_type: str) -> str:
    if media_type in _GENERIC_TYPES:
        return "binary bytes without a telling Content-Type have no text"
    return f"{media_type} has no text"
