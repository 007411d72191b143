"""The files a bibliography entry links to: its `file` field as reference managers write it."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from claimcheck.load.latex import ACCENT_MARKS, LETTERS

# The forms read (one or more files, separated by ";"):
#   Zotero:       Full Text PDF:/home/u/Zotero/storage/AB12/x.pdf:application/pdf
#   Better BibTeX: /a/x.pdf;/a/y.html, or Zotero's form ("JabRef format" on)
#   JabRef:       :papers/x.pdf:PDF, Description:x.pdf:PDF, :C\:\\Users\\me\\x.pdf:PDF
#   Mendeley:     :home/me/Documents/Mendeley Desktop/A - 2010 - T.pdf:pdf (the leading "/"
#                 dropped), :C$\backslash$:/Users/me/x.pdf:pdf, names in LaTeX ({\"{i}}, {\_})
# A backslash escapes the character after it (\: \; \\ \{ \}), except after a drive letter
# written unescaped (:C:\Users\x.pdf:PDF, as JabRef reads it), where backslashes are the path's.


@dataclass(frozen=True)
class LinkedFile:
    """One file an entry links to: its path (escapes read), description and type as written."""

    path: str
    description: str = ""
    file_type: str = ""

    @property
    def is_url(self) -> bool:
        """Whether the path is a web address (http, https, ftp): no local file."""
        return bool(_WEB_URL.match(self.path))


def linked_files(field: str) -> tuple[LinkedFile, ...]:
    """The files a `file` field names, in the order written; never raises."""
    text = _read_latex(field.replace("$\\backslash$", "\\"))
    return tuple(linked for parts in _items(text) if (linked := _linked_file(parts)) is not None)


def local_paths(linked: LinkedFile, folder: Path) -> tuple[Path, ...]:
    """Where the file may be, in the order to try: a relative path from the bibliography's
    ``folder``, ``~`` expanded; none for a web address.

    Mendeley drops an absolute path's leading "/" on Unix (``home/me/x.pdf``): a relative path
    of several parts is tried with "/" in front after the relative one. A relative path
    written with backslashes (on Windows) is tried with slashes too.
    """
    if linked.is_url:
        return ()
    written = _from_file_url(linked.path).strip()
    if not written:
        return ()
    path = _expanded(Path(written))
    if path.is_absolute() or _DRIVE.match(written):
        return (path,)
    tried = [folder / path]
    if "\\" in written and os.sep == "/":
        tried.append(folder / written.replace("\\", "/"))
    if "/" in written.strip("/") and os.sep == "/" and not written.startswith(("~", ".")):
        tried.append(Path("/" + written))
    return tuple(dict.fromkeys(tried))


def _expanded(path: Path) -> Path:
    """The path with a leading ``~`` or ``~user`` made that home; as written when unknown."""
    try:
        return path.expanduser()
    except (RuntimeError, ValueError):  # no home known; a NUL in the user's name
        return path


_WEB_URL = re.compile(r"(?i)(?:https?|ftp)://")
_FILE_URL = re.compile(r"(?i)file:")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


def _from_file_url(path: str) -> str:
    """A ``file:`` URL's local path; any other path as it is."""
    if not _FILE_URL.match(path):
        return path
    return unquote(urlsplit(path).path)


# Splitting the field into files and their parts -----------------------------------------------

_SCHEMES = frozenset({"http", "https", "ftp", "file"})


def _items(text: str) -> Iterator[list[str]]:
    """Each file's ":"-separated parts, the files separated by ";", escapes read."""
    parts: list[str] = []
    current: list[str] = []
    raw_backslashes = False
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1 : index + 3]
        if char == "\\" and not raw_backslashes and index + 1 < len(text):
            current.append(text[index + 1])
            index += 2
            continue
        if char == ":" and _colon_is_the_paths(parts, current, following):
            raw_backslashes = following[:1] == "\\"
            current.append(char)
        elif char == ":":
            parts.append("".join(current))
            current, raw_backslashes = [], False
        elif char == ";":
            parts.append("".join(current))
            yield parts
            parts, current, raw_backslashes = [], [], False
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    yield parts


def _colon_is_the_paths(parts: list[str], current: list[str], following: str) -> bool:
    """Whether an unescaped ":" belongs to the path: after a drive letter (``C:\\``, ``C:/``)
    at the start of a file's first or second part, or after a URL's scheme (``https://``)."""
    written = "".join(current)
    if len(parts) <= 1 and len(written) == 1 and written.isascii() and written.isalpha():
        return following[:1] in {"\\", "/"}
    return following == "//" and written.lower() in _SCHEMES


_FILE_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9+-]*|[A-Za-z]+/[A-Za-z0-9.+-]+")


def _linked_file(parts: list[str]) -> LinkedFile | None:
    """The file the parts of one item name: ``path``, ``description:path:type``, or
    ``:path``; None for an empty item."""
    parts = [part.strip() for part in parts]
    if len(parts) >= 3:
        description, path, file_type = parts[0], ":".join(parts[1:-1]), parts[-1]
    elif len(parts) == 2 and not parts[0]:
        description, path, file_type = "", parts[1], ""
    elif len(parts) == 2 and _FILE_TYPE.fullmatch(parts[1]):
        description, path, file_type = "", parts[0], parts[1]
    else:
        description, path, file_type = "", ":".join(parts), ""
    if not path:
        return None
    return LinkedFile(path=path, description=description, file_type=file_type)


# LaTeX in file names (Mendeley writes {\"{i}}, {\_}, {\ss}) -------------------------------------

_LATEX_GROUP = re.compile(
    r"\{\\(?:"
    r"(?P<symbol>[_&%#$])"
    r"|(?P<mark>[\"'`^~=.])\s*(?:\{(?P<braced>\\?[A-Za-z])\}|(?P<bare>\\?[A-Za-z]))"
    r"|(?P<word_mark>[uvHckrdb])\s*\{(?P<word_braced>\\?[A-Za-z])\}"
    r"|(?P<letter>ss|aa|AA|ae|AE|oe|OE|[oOlLij])"
    r")\}"
    r"|\{~\}"
)


def _read_latex(text: str) -> str:
    """Text with the LaTeX groups Mendeley writes in file names read as the characters they
    stand for; anything else, backslash escapes included, left as written."""
    if "{" not in text:
        return text
    return _LATEX_GROUP.sub(_latex_character, text)


def _latex_character(match: re.Match[str]) -> str:
    if match.group(0) == "{~}":
        return "~"
    if symbol := match.group("symbol"):
        return symbol
    if letter := match.group("letter"):
        return LETTERS[letter]
    mark = match.group("mark") or match.group("word_mark")
    base = match.group("braced") or match.group("bare") or match.group("word_braced")
    base = base.removeprefix("\\")
    return unicodedata.normalize("NFC", base + ACCENT_MARKS[mark])
