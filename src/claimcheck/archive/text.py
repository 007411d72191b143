"""The text of an archived capture (an HTML page, a PDF, plain text), for searching quotes in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser

from claimcheck.charsets import byte_order_mark, decode


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


def extract_text(body: bytes, content_type: str | None) -> ExtractedText:
    """The text of a capture, read as its Content-Type says unless its bytes say otherwise.

    Never raises: an unreadable capture gives ``text=None`` and a ``problem`` in words. A PDF
    is read within the limits of ``claimcheck.archive.pdf``.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    kind = _kind(body, media_type)
    if kind is TextKind.HTML:
        text, charset = decode(body, content_type, html=True)
        return ExtractedText(kind, _visible_text(text), charset, None)
    if kind is TextKind.PDF:
        # pypdf is imported only when a PDF is met: every command starts faster without it.
        from claimcheck.archive.pdf import pdf_text

        return pdf_text(body)
    if kind is TextKind.PLAIN:
        text, charset = decode(body, content_type, html=False)
        return ExtractedText(kind, _unix_newlines(text), charset, None)
    return ExtractedText(kind, None, None, _no_text(media_type))


# What kind of document -----------------------------------------------------------------------

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_TEXT_APPLICATION_TYPES = frozenset({"application/json", "application/xml"})
_HTML_START = re.compile(
    r"(?:\s*(?:<\?xml[^>]*>|<!--.*?-->))*\s*<(?:!doctype\s+html|html|head|body)[\s>/]", re.S
)
_SNIFF_BYTES = 1024
_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13}


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
    if byte_order_mark(sample) is not None:
        return True
    controls = sum(byte in _CONTROL_BYTES for byte in sample)
    return b"\0" not in sample and controls <= len(sample) // 100 + 2


def _no_text(media_type: str) -> str:
    if media_type in _GENERIC_TYPES:
        return "binary bytes without a telling Content-Type have no text"
    return f"{media_type} has no text"


def _unix_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# HTML: the visible text ----------------------------------------------------------------------

_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "title"})
_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article"}
    | {"table", "ul", "ol", "dl", "hr", "figure", "header", "footer", "main", "aside", "nav"}
)
_LINES = frozenset(
    {"br", "div", "li", "dt", "dd", "tr", "td", "th", "caption", "tbody", "thead", "tfoot"}
    | {"address", "center", "details", "summary", "dialog", "figcaption", "form", "fieldset"}
    | {"legend", "option", "menu", "hgroup", "textarea", "body", "html"}
)
_PREFORMATTED = frozenset({"pre", "textarea"})
# A '<' that opens no tag is text; html.parser finds that out one '<' at a time (45 s for a
# page of 10 MB of them), an entity is decoded in one pass.
_LONE_LESS_THAN = re.compile(r"<(?![A-Za-z/!?])")
# Each matches only where a substitution changes something: single spaces are left alone.
_FLOW_WHITESPACE = re.compile(r"[ \t\n\r\f\xa0]{2,}|[\t\n\r\f\xa0]")
_SPACES = re.compile(r"[ \t\f\v\xa0]{2,}|[\t\f\v\xa0]")
_LINE_EDGES = re.compile(r" \n ?|\n ")
_BLANK_LINES = re.compile(r"\n{3,}")


def _visible_text(markup: str) -> str:
    """The text a reader sees on an HTML page: the title first, then the body, line by line.

    Scripts, styles, templates, SVG and comments are dropped; block elements break lines,
    paragraphs are set apart by a blank line; inline elements join their text as written.
    """
    parser = _TextParser()
    parser.feed(_LONE_LESS_THAN.sub("&lt;", markup))
    parser.finish()
    title = _FLOW_WHITESPACE.sub(" ", "".join(parser.title)).strip()
    text = _SPACES.sub(" ", f"{title}\n\n{''.join(parser.parts)}")
    return _BLANK_LINES.sub("\n\n", _LINE_EDGES.sub("\n", text)).strip()


class _TextParser(HTMLParser):
    """Collects a page's title and the text of its body, with line breaks for blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.parts: list[str] = []
        self._hidden: list[str] = []
        self._titles = 0
        self._preformatted = 0
        self._pending_newlines = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._hidden.clear()
        if self._hidden or tag in _HIDDEN:
            self._hide(tag)
            return
        if tag in _PREFORMATTED:
            self._preformatted += 1
        self._break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._hidden and tag not in _HIDDEN:
            self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._hidden:
            del self._hidden[_last_index(self._hidden, tag) :]
        elif not self._hidden:
            if tag in _PREFORMATTED:
                self._preformatted = max(self._preformatted - 1, 0)
            self._break(tag)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._show(data)
        elif self._hidden == ["title"] and self._titles == 1:
            self.title.append(data)

    def finish(self) -> None:
        """Handle the text still buffered; a construct never closed hides the rest, as in browsers.

        html.parser's close() would instead rescan the rest for every such construct, which
        takes hours on some hostile pages (thousands of unclosed "<!" without a '>').
        """
        if not self.rawdata.startswith("<"):
            self.close()

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """A marked section such as ``<![if IE]>``; a malformed one is skipped to its '>'."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1

    def _hide(self, tag: str) -> None:
        """Hide what follows until ``tag`` ends; only the first title outside SVG is kept."""
        if tag == "title" and not self._hidden:
            self._titles += 1
        if tag in _HIDDEN:
            self._hidden.append(tag)

    def _break(self, tag: str) -> None:
        """Hold a line break (1) or a blank line (2) until text follows; adjacent ones merge."""
        if tag in _PARAGRAPHS:
            self._pending_newlines = 2
        elif tag in _LINES:
            self._pending_newlines = max(self._pending_newlines, 1)

    def _show(self, data: str) -> None:
        if self._preformatted:
            data = _unix_newlines(data)
        elif self._pending_newlines and data.isspace():
            return
        else:
            data = _FLOW_WHITESPACE.sub(" ", data)
        self.parts.append("\n" * self._pending_newlines + data)
        self._pending_newlines = 0


def _last_index(items: list[str], item: str) -> int:
    return len(items) - 1 - items[::-1].index(item)
