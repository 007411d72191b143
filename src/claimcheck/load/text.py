"""Read an input file's bytes safely and decode them, keeping BOM and line endings known."""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from claimcheck.charsets import looks_binary
from claimcheck.errors import InputError
from claimcheck.models import Location

MAX_INPUT_BYTES = 16 * 1024 * 1024
_SAMPLE = 65536


@dataclass(frozen=True)
class DecodedText:
    """A text file's content, with what was needed to decode it."""

    text: str
    encoding: str
    bom: bool
    newline: str
    # Where a file read as UTF-8 holds bytes UTF-8 cannot decode (read as U+FFFD): the line
    # and the first such byte, for the first few places; ``stray_count`` counts them all.
    stray_bytes: tuple[tuple[int, int], ...] = ()
    stray_count: int = 0


def read_bytes(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """Read a regular file whole, refusing anything larger than ``max_bytes``.

    FIFOs, devices, sockets and folders are refused without being read: the file is looked at
    before it is opened, opened without blocking, and looked at again once open.
    """
    where = Location(file=str(path))
    try:
        _refuse_special(path.stat().st_mode, where)
        descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0))
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            _refuse_special(status.st_mode, where)
            if status.st_size > max_bytes:
                raise _too_large(where, status.st_size, max_bytes)
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(
            "file not found", where, hint="check the path, or set it with a flag or config"
        ) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", where) from None
    if len(data) > max_bytes:
        raise _too_large(where, len(data), max_bytes)
    return data


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_special(mode: int, where: Location) -> None:
    """Raise unless ``mode`` is a regular file's."""
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise InputError(
        f"is {kind}, not a regular file",
        where,
        hint="point claimcheck at a file on disk; pipes and devices are not read",
    )


def _too_large(where: Location, size: int, max_bytes: int) -> InputError:
    return InputError(
        f"file is {size:,} bytes, more than the {max_bytes:,} bytes an input may have",
        where,
        hint="is this the right file? bibliographies and ledgers are rarely over a few MB",
    )


def decode(data: bytes, path: Path, encoding: str | None = None) -> DecodedText:
    """Decode ``data``: a named encoding, else UTF-8 (with or without BOM), else detection.

    UTF-16 and UTF-32 files are recognised by their BOM; anything else holding NUL or many
    control characters is refused as binary.
    """
    where = Location(file=str(path))
    bom = data.startswith(codecs.BOM_UTF8)
    if encoding is not None:
        text = _decode_named(data, encoding, where)
        used = codecs.lookup(encoding).name
        _refuse_binary(text[:_SAMPLE], where)
    elif wide := _wide_encoding(data):
        text = _decode_named(data, wide, where)
        used, bom = wide, True
        _refuse_binary(text[:_SAMPLE], where)
    else:
        _refuse_binary(data[:_SAMPLE], where)
        try:
            text = data.decode("utf-8-sig")
            used = "utf-8"
        except UnicodeDecodeError as error:
            if not _DECLARED.search(data[:4096]) and (mostly := _mostly_utf8(data)):
                return _with_bom_removed(mostly, bom)
            text, used = _detect(data, where, error)
    return _with_bom_removed(DecodedText(text=text, encoding=used, bom=bom, newline=""), bom)


def _with_bom_removed(decoded: DecodedText, bom: bool) -> DecodedText:
    """``decoded`` without a leading U+FEFF (noted as a BOM), and with its newline found."""
    text = decoded.text
    if text.startswith("\ufeff"):
        text = text[1:]
        bom = True
    newline = "\r\n" if "\r\n" in text else "\n"
    return replace(decoded, text=text, bom=bom, newline=newline)


_STRAY = re.compile("[\udc80-\udcff]+")
_MAX_STRAY_PLACES = 100


def _mostly_utf8(data: bytes) -> DecodedText | None:
    """UTF-8 text with a few stray bytes (each run read as U+FFFD), when valid UTF-8
    characters beyond ASCII outnumber the runs of bytes that are no UTF-8; else None.

    A Latin-1 byte slipped into a UTF-8 file must not make the whole file another encoding.
    """
    escaped = data.decode("utf-8-sig", errors="surrogateescape")
    places: list[tuple[int, int]] = []
    line, scanned = 1, 0
    for match in _STRAY.finditer(escaped):
        if len(places) == _MAX_STRAY_PLACES:
            break
        line += escaped.count("\n", scanned, match.start())
        scanned = match.start()
        places.append((line, ord(match.group()[0]) - 0xDC00))
    text, runs = _STRAY.subn("\ufffd", escaped)
    beyond_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if beyond_ascii - runs < runs:
        return None
    return DecodedText(
        text=text,
        encoding="utf-8",
        bom=False,
        newline="",
        stray_bytes=tuple(places),
        stray_count=runs,
    )


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32, when ``data`` starts with one of their BOMs (UTF-32's first)."""
    for mark, name in _WIDE_BOMS:
        if data.startswith(mark):
            return name
    return None


def _refuse_binary(sample: bytes | str, where: Location) -> None:
    """Refuse a sample (bytes, or a text's start) with NULs or many control characters."""
    if looks_binary(sample):
        raise _binary(where)


def _binary(where: Location) -> InputError:
    return InputError(
        "this is not a text file (it holds NUL or control bytes)",
        where,
        hint="point claimcheck at the .bib or .yaml text file",
    )


def _decode_named(data: bytes, encoding: str, where: Location) -> str:
    try:
        codecs.lookup(encoding)
        return data.decode(encoding)
    except LookupError:
        raise InputError(
            f"unknown text encoding {encoding!r}",
            where,
            hint="use a Python codec name such as utf-8, gbk or latin-1",
        ) from None
    except UnicodeError as error:
        start = error.start if isinstance(error, UnicodeDecodeError) else 0
        line = data[:start].count(b"\n") + 1
        byte = f"byte 0x{data[start]:02x}" if start < len(data) else "the end of the file"
        raise InputError(
            f"not valid {encoding}: {byte} cannot be decoded",
            Location(file=where.file, line=line),
            hint="name the file's real encoding with --encoding",
        ) from None


# When detection finds several encodings about as plausible (short CJK texts decode
# cleanly in more than one), prefer the ones bibliographies are most often kept in.
_PREFERRED = ("gb18030", "shift_jis", "cp949", "big5", "euc_jp", "cp1252", "latin_1")
_CHAOS_SLACK = 0.1
_DECLARED = re.compile(rb"^%\s*Encoding:\s*([A-Za-z0-9_.:-]+)", re.MULTILINE)


def _detect(data: bytes, where: Location, error: UnicodeDecodeError) -> tuple[str, str]:
    declared = _DECLARED.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii")
        try:
            return data.decode(name), name.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    # charset_normalizer is imported only for a file that is not UTF-8 (most are).
    from charset_normalizer import from_bytes

    matches = {match.encoding: match for match in from_bytes(data)}
    matches.pop("utf_8", None)
    matches.pop("ascii", None)
    if not matches:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x}) and no other encoding fits",
            Location(file=where.file, line=line),
            hint="name the file's encoding with --encoding, e.g. --encoding gbk",
        )
    least_chaos = min(match.chaos for match in matches.values())
    plausible = [
        name
        for name in _PREFERRED
        if name in matches and matches[name].chaos <= least_chaos + _CHAOS_SLACK
    ]
    chosen = plausible[0] if plausible else min(matches, key=lambda n: matches[n].chaos)
    return str(matches[chosen]), chosen.replace("_", "-")
