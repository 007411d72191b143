"""A reference's local copy (its `file` field's PDF, HTML or text file) read as text to search."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from claimcheck.archive.text import ExtractedText, TextKind, extract_text
from claimcheck.errors import InputError
from claimcheck.evidence.linked import LinkedFile, linked_files, local_paths
from claimcheck.load.text import read_bytes

# A local copy larger than this is not read (a long book as PDF is some tens of MB).
MAX_LOCAL_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class LocalText:
    """A local copy's text to search, or in words why there is none.

    ``path`` is the file read, or the first path tried when none was found. ``problem`` says
    why ``text`` is None, or what was left out of it (pages of a long PDF). ``page_labels``
    are a PDF's printed page numbers, when it declares them.
    """

    path: Path
    kind: TextKind
    text: str | None
    charset: str | None
    problem: str | None
    page_labels: tuple[str, ...] | None = None


def local_text(field: str, folder: Path) -> LocalText | None:
    """The text of the first file of a `file` field that has some, else the first local
    file's reason; None when the field names no local file (only web addresses, or nothing).

    ``folder`` is the bibliography's folder, from which relative paths are read.
    """
    first: LocalText | None = None
    for linked in linked_files(field):
        if linked.is_url:
            continue
        read = read_local_copy(linked, folder)
        if read.text is not None:
            return read
        first = first or read
    return first


def read_local_copy(linked: LinkedFile, folder: Path) -> LocalText:
    """The text of one linked file, or why there is none; never raises."""
    tried = local_paths(linked, folder)
    if not tried:
        return _none(Path(linked.path), f"{linked.path} is a web address, not a local file")
    path = next((candidate for candidate in tried if _exists(candidate)), None)
    if path is None:
        also = "".join(f" (also tried {candidate})" for candidate in tried[1:])
        return _none(tried[0], f"file not found: {tried[0]}{also}")
    refused = _refusal(path)
    if refused:
        return _none(path, refused)
    try:
        body = read_bytes(path, MAX_LOCAL_BYTES)
    except InputError as error:
        return _none(path, f"cannot read {path}: {error.message}")
    return _text(path, body, _content_type(path, linked.file_type))


def _exists(path: Path) -> bool:
    """Whether anything is at ``path``, a symbolic link followed (a dangling one is not)."""
    try:
        path.stat()
    except PermissionError:
        return True
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return False
    return True


_SPECIAL = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refusal(path: Path) -> str | None:
    """Why the file at ``path`` is not read (not a regular file, too large), or None."""
    try:
        status = path.stat()
    except OSError as error:
        return f"cannot read {path}: {error.strerror or error}"
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _SPECIAL if test(status.st_mode)), "special")
        return f"{path} is {kind}, not a regular file"
    if status.st_size > MAX_LOCAL_BYTES:
        return (
            f"{path} is {status.st_size:,} bytes, more than the {MAX_LOCAL_BYTES:,} bytes "
            "a local copy is read up to"
        )
    return None


# What kind of file ------------------------------------------------------------------------------

_SUFFIX_TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}
# The file types JabRef and Mendeley write (PDF, pdf, HTML, Text, Markdown).
_NAMED_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "htm": "text/html",
    "xhtml": "application/xhtml+xml",
    "text": "text/plain",
    "txt": "text/plain",
    "markdown": "text/markdown",
    "md": "text/markdown",
}
# Documents with text inside a container claimcheck does not open: Word, EPUB, OpenDocument,
# DjVu, images and archives.
_BINARY_SUFFIXES = frozenset(
    {
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".epub",
        ".mobi",
        ".azw3",
        ".djvu",
        ".ps",
        ".gz",
        ".zip",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".tif",
        ".tiff",
        ".webp",
        ".pptx",
        ".xlsx",
    }
)


def _content_type(path: Path, file_type: str) -> str | None:
    """The media type the file's extension names, else the one its entry declares."""
    suffix = path.suffix.lower()
    if suffix in _SUFFIX_TYPES:
        return _SUFFIX_TYPES[suffix]
    if suffix in _BINARY_SUFFIXES:
        return "application/octet-stream"
    declared = file_type.strip().lower()
    return _NAMED_TYPES.get(declared) or (declared if "/" in declared else None)


def _text(path: Path, body: bytes, content_type: str | None) -> LocalText:
    """The file's text as an archived capture of the same bytes would be read."""
    if path.suffix.lower() in _BINARY_SUFFIXES and not body.startswith(b"%PDF-"):
        return _binary(path, path.suffix.lower())
    extracted: ExtractedText = extract_text(body, content_type)
    if extracted.kind is TextKind.NONE:
        return _binary(path, path.suffix.lower() or content_type or "no extension")
    labels = None
    if extracted.kind is TextKind.PDF and extracted.text is not None:
        # pypdf is imported only when a PDF is met, as for archived captures.
        from claimcheck.archive.pdf import pdf_page_labels

        labels = pdf_page_labels(body)
    return LocalText(
        path, extracted.kind, extracted.text, extracted.charset, extracted.problem, labels
    )


def _binary(path: Path, what: str) -> LocalText:
    return _none(path, f"{path} is a binary type ({what}): no text")


def _none(path: Path, problem: str) -> LocalText:
    return LocalText(path, TextKind.NONE, None, None, problem)
