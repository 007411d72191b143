"""Documents built by hand for the tests: minimal PDFs whose text pypdf reads back."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pypdf

_FONT_SIZE = 12
_LEADING = 14
_TOP = 720
_LEFT = 72


def make_pdf(pages: Sequence[str]) -> bytes:
    """A valid PDF with one page per item, each line drawn in Helvetica with Tj.

    The text must be in Windows-1252 (the font's WinAnsiEncoding); pypdf extracts it back.
    """
    first_page = 4
    kids = " ".join(f"{first_page + 2 * index} 0 R" for index in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, text in enumerate(pages):
        contents = first_page + 2 * index + 1
        objects.append(_page(contents))
        objects.append(_stream(_content(text)))
    return _document(objects)


def _page(contents: int) -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 3 0 R >> >>" + f" /Contents {contents} 0 R >>".encode("ascii")
    )


def _content(text: str) -> bytes:
    lines = [b"BT", f"/F1 {_FONT_SIZE} Tf {_LEFT} {_TOP} Td {_LEADING} TL".encode("ascii")]
    for number, line in enumerate(text.split("\n")):
        if number:
            lines.append(b"T*")
        lines.append(_literal(line) + b" Tj")
    lines.append(b"ET")
    return b"\n".join(lines)


def _literal(line: str) -> bytes:
    """A PDF string literal: parentheses and backslashes escaped, other bytes in octal."""
    out = bytearray(b"(")
    for byte in line.encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode("ascii")
    return bytes(out + b")")


def _stream(data: bytes) -> bytes:
    return f"<< /Length {len(data)} >>\nstream\n".encode("ascii") + data + b"\nendstream"


def _document(objects: Sequence[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode("ascii")
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode("ascii")
    out += f"startxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def make_labelled_pdf(pages: Sequence[str], roman: int, first_arabic: int) -> bytes:
    """A PDF as ``make_pdf``, whose first ``roman`` pages are printed i, ii, ... and the
    others ``first_arabic`` onwards (its /PageLabels)."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf(pages)))
    writer.set_page_label(0, roman - 1, "/r", start=1)
    writer.set_page_label(roman, len(pages) - 1, "/D", start=first_arabic)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
