"""Which charset a web document is in, decided the way browsers decide, and its text."""

from __future__ import annotations

import codecs
import re

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


def decode(body: bytes, content_type: str | None, *, html: bool) -> tuple[str, str]:
    """The bytes as text and the codec used: BOM, header, meta tag (HTML), detection, UTF-8.

    Never raises: bytes the codec cannot read become U+FFFD.
    """
    mark = byte_order_mark(body)
    if mark is not None:
        codec, size = mark
        return body[size:].decode(codec, errors="replace"), codec
    codec = (
        _header_charset(content_type)
        or (_meta_charset(body) if html else None)
        or _detected_charset(body)
        or "utf-8"
    )
    return body.decode(codec, errors="replace"), codec


def looks_binary(sample: bytes | str) -> bool:
    """Whether a file's or body's first bytes (or characters) are not text: they hold a NUL,
    or more control characters (other than tab and line and page breaks) than 1 in 100, + 2.

    The one guess of claimcheck's, for a bibliography read and an untyped body archived alike.
    """
    if isinstance(sample, bytes):
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        nul = b"\0" in sample
    else:
        controls = sum(sample.count(char) for char in _CONTROL_CHARACTERS)
        nul = "\0" in sample
    return nul or controls > len(sample) // 100 + 2


_CONTROL_CHARACTERS = "".join(chr(code) for code in range(32) if code not in {9, 10, 12, 13})
_CONTROL_BYTES = _CONTROL_CHARACTERS.encode("ascii")


def byte_order_mark(body: bytes) -> tuple[str, int] | None:
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
        # charset_normalizer is imported only for a body that is not UTF-8 (most are).
        from charset_normalizer import from_bytes

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
