"""The text of an archived capture (an HTML page, a PDF, plain text), for searching quotes in."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser

from charset_normalizer import from_bytes


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
        text, charset = _decode(body, content_type, html=True)
        return ExtractedText(kind, _visible_text(text), charset, None)
    if kind is TextKind.PDF:
        # pypdf is imported only when a PDF is met: every command starts faster without it.
        from claimcheck.archive.pdf import pdf_text

        return pdf_text(body)
    if kind is TextKind.PLAIN:
        text, charset = _decode(body, content_type, html=False)
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
    bom = _bom(body)
    if bom is not None:
        codec, size = bom
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
    if _bom(sample) is not None:
        return True
    controls = sum(byte in _CONTROL_BYTES for byte in sample)
    return b"\0" not in sample and controls <= len(sample) // 100 + 2


def _no_text(media_type: str) -> str:
    if media_type in _GENERIC_TYPES:
        return "binary bytes without a telling Content-Type have no text"
    return f"{media_type} has no text"


# Which charset: BOM, header, meta tag, detection, UTF-8 ----------------------------------------

# The WHATWG Encoding Standard's labels, by the Python codec that decodes them the way browsers
# do. Its "replacement" and "x-user-defined" encodings are left out: their labels fall through.
_LABELS = {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso-8859-2": "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 "
    "iso_8859-2:1987 l2 latin2",
    "iso-8859-3": "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 "
    "iso_8859-3:1988 l3 latin3",
    "iso-8859-4": "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 "
    "iso_8859-4:1988 l4 latin4",
    "iso-8859-5": "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 "
    "iso_8859-5 iso_8859-5:1988",
    "iso-8859-6": "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
    "iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 "
    "iso_8859-6:1987",
    "iso-8859-7": "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 "
    "iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek",
    "iso-8859-8": "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 "
    "iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical",
    "iso-8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso-8859-13": "iso-8859-13 iso8859-13 iso885913",
    "iso-8859-14": "iso-8859-14 iso8859-14 iso885914",
    "iso-8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso-8859-16": "iso-8859-16",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8-u": "koi8-ru koi8-u",
    "mac-roman": "csmacintosh mac macintosh x-mac-roman",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
    "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
    "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254",
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "gb18030": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk "
    "gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc-jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso-2022-jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 "
    "ksc5601 ksc_5601 windows-949",
    "utf-16-be": "unicodefffe utf-16be",
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
}
_CODEC_BY_LABEL = {label: codec for codec, labels in _LABELS.items() for label in labels.split()}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r""";\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))""", re.I)
_PRESCAN_BYTES = 4096
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
_META_TAG = re.compile(rb"<meta[\s/][^>]*>", re.I)
_ATTRIBUTE = re.compile(rb"""([^\s"'>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""")
_CONTENT_CHARSET = re.compile(rb"""charset\s*=\s*["']?([^\s"';]+)""", re.I)
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_DETECTION_CONTEXT = 512
_DETECTION_BYTES = 64 * 1024
_SAFE_CUTS = (b"<", b"\n", b" ")


def _decode(body: bytes, content_type: str | None, *, html: bool) -> tuple[str, str]:
    """The bytes as text and the codec used: BOM, header, meta tag (HTML), detection, UTF-8."""
    bom = _bom(body)
    if bom is not None:
        codec, size = bom
        return body[size:].decode(codec, errors="replace"), codec
    codec = (
        _header_charset(content_type)
        or (_meta_charset(body) if html else None)
        or _detected_charset(body)
        or "utf-8"
    )
    return body.decode(codec, errors="replace"), codec


def _bom(body: bytes) -> tuple[str, int] | None:
    """The codec a byte order mark names, and the mark's length."""
    for mark, codec in _BOMS:
        if body.startswith(mark):
            return codec, len(mark)
    return None


def _codec_for_label(label: str) -> str | None:
    """The codec a browser decodes a charset label with; None for a label it does not know."""
    return _CODEC_BY_LABEL.get(label.strip(" \t\n\f\r").lower())


def _header_charset(content_type: str | None) -> str | None:
    found = _HEADER_CHARSET.search(content_type or "")
    return _codec_for_label(found[1] or found[2] or "") if found else None


def _meta_charset(body: bytes) -> str | None:
    """The charset the first telling <meta> near the start declares; UTF-16 read as UTF-8."""
    head = _COMMENT.sub(b"", body[:_PRESCAN_BYTES])
    for tag in _META_TAG.finditer(head):
        codec = _meta_tag_charset(tag[0])
        if codec is not None:
            return "utf-8" if codec.startswith("utf-16") else codec
    return None


def _meta_tag_charset(tag: bytes) -> str | None:
    attributes = {
        found[1].lower(): found[2] or found[3] or found[4] or b""
        for found in _ATTRIBUTE.finditer(tag)
    }
    label = attributes.get(b"charset")
    if label is None and attributes.get(b"http-equiv", b"").lower() == b"content-type":
        declared = _CONTENT_CHARSET.search(attributes.get(b"content", b""))
        label = declared[1] if declared else None
    return _codec_for_label(label.decode("latin-1")) if label else None


def _detected_charset(body: bytes) -> str | None:
    """UTF-8 when the bytes are valid UTF-8, else charset_normalizer's best guess."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(_detection_sample(body)).best()
        return _codec_for_detected(best.encoding) if best else None
    return "utf-8"


def _detection_sample(body: bytes) -> bytes:
    """Up to 64 KiB from just before the first non-ASCII byte, cut where no character is split.

    '<', newline and space are never part of a multi-byte character in the legacy CJK
    encodings, and everything before the first non-ASCII byte is ASCII.
    """
    first = _NON_ASCII.search(body)
    start = max(0, first.start() - _DETECTION_CONTEXT) if first else 0
    end = start + _DETECTION_BYTES
    if end >= len(body):
        return body[start:]
    cut = max(body.rfind(mark, start, end) for mark in _SAFE_CUTS)
    return body[start : cut if cut > start else end]


def _codec_for_detected(name: str) -> str:
    """A detected Python codec name, mapped as a browser maps the same label."""
    canonical = codecs.lookup(name).name
    for label in (name, name.replace("_", "-"), canonical):
        codec = _codec_for_label(label)
        if codec is not None:
            return codec
    return canonical


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
