"""The text of a PDF capture, with pypdf: every page, within limits, never raising."""

from __future__ import annotations

import io
import logging
import threading
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, DeprecationError, PyPdfError

from claimcheck.archive.text import PAGE_BREAK, ExtractedText, TextKind

MAX_PDF_PAGES = 2000
MAX_PDF_CHARS = 20_000_000
# pypdf is quieted through process-wide state (warning filters, its logger's level): one
# PDF at a time, so that threads reading PDFs do not restore each other's settings.
_ONE_AT_A_TIME = threading.Lock()


# What pypdf raises on damaged input (found by mutating valid PDFs), and nothing broader;
# DependencyError (a decoder or cryptography is not installed) is told apart where caught.
_PDF_ERRORS = (
    PyPdfError,
    DeprecationError,
    ValueError,
    LookupError,
    TypeError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    RecursionError,
    NotImplementedError,
    zlib.error,
)


def pdf_text(body: bytes) -> ExtractedText:
    """The text of a PDF's pages, a form feed between pages; a problem instead of raising."""
    with _ONE_AT_A_TIME, _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(body))
            locked = _locked(reader)
            return _no_pdf_text(locked) if locked else _pages_text(reader)
        except DependencyError as error:
            return _no_pdf_text(f"the PDF cannot be read here: {error}")
        except _PDF_ERRORS as error:
            return _no_pdf_text(f"the PDF is damaged: {_describe(error)}")


def pdf_page_labels(body: bytes) -> tuple[str, ...] | None:
    """The printed page numbers a PDF declares (its /PageLabels: "233", "xii", "A-1"), one per
    page within ``MAX_PDF_PAGES``; None when it declares none (its pages are counted from 1) or
    they cannot be read."""
    with _ONE_AT_A_TIME, _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(body))
            if _locked(reader) or "/PageLabels" not in reader.root_object:
                return None
            return tuple(reader.page_labels[:MAX_PDF_PAGES])
        except (*_PDF_ERRORS, DependencyError):
            return None


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings and log messages about the documents it reads."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _locked(reader: PdfReader) -> str | None:
    """Why an encrypted PDF cannot be read; None when it is open or the empty password opens it."""
    if not reader.is_encrypted or reader.decrypt("") != PasswordType.NOT_DECRYPTED:
        return None
    return "the PDF is encrypted: it needs a password"


def _pages_text(reader: PdfReader) -> ExtractedText:
    """The pages' text within the limits, and in words what was left out."""
    total = len(reader.pages)
    problems = []
    if total > MAX_PDF_PAGES:
        problems.append(f"only the first {MAX_PDF_PAGES:,} of {total:,} pages were read")
    texts: list[str] = []
    unreadable: list[str] = []
    size = 0
    for number in range(min(total, MAX_PDF_PAGES)):
        text, error = _page_text(reader, number)
        texts.append(text)
        if error:
            unreadable.append(error)
        size += len(text) + len(PAGE_BREAK)
        if size > MAX_PDF_CHARS:
            problems.append(f"the text was cut after {MAX_PDF_CHARS:,} characters")
            break
    if unreadable:
        problems.append(
            f"{len(unreadable)} of {len(texts)} pages could not be read ({unreadable[0]})"
        )
    text = PAGE_BREAK.join(texts)[:MAX_PDF_CHARS]
    if not text.strip():
        problems.append("the PDF has no text to extract (a scan, or only images?)")
        return _no_pdf_text("; ".join(problems))
    return ExtractedText(TextKind.PDF, text, None, "; ".join(problems) or None)


def _page_text(reader: PdfReader, number: int) -> tuple[str, str | None]:
    """A page's text (any form feed of its own made a line break), or "" and why it could
    not be read."""
    try:
        return reader.pages[number].extract_text().replace(PAGE_BREAK, "\n"), None
    except (*_PDF_ERRORS, DependencyError) as error:
        return "", f"page {number + 1}: {_describe(error)}"


def _no_pdf_text(problem: str) -> ExtractedText:
    return ExtractedText(TextKind.PDF, None, None, problem)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
