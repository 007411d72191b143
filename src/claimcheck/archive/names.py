"""File names made from URLs that every system accepts: Windows' rules, the strictest, apply."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from datetime import datetime
from urllib.parse import urlsplit

# Letters, digits, '.', '_' and '-' only: none of Windows' reserved characters (<>:"/\|?*),
# no control character, no space, and the same bytes in every file system's encoding.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Names Windows keeps for devices, whatever follows a dot: "con.example" is CON too.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in range(10)}
)
# A URL's part of a name, at most: what follows (a time, an extension) stays well inside the
# 255 characters a name may have, and the whole path inside Windows' 260 where it can.
STEM_LIMIT = 80
_EXTENSIONS = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt"}


def url_stem(url: str, limit: int = STEM_LIMIT) -> str:
    """A name for ``url``'s page: its host and path, in at most ``limit`` safe characters.

    Runs of other characters become '_'; no dot or '_' at either end (so never "." or "..",
    never a trailing dot); a reserved device name gets a leading '_'; a name cut short ends
    with eight hex digits of the URL's hash, so that two long URLs differ.
    """
    try:
        parts = urlsplit(url)
        raw = f"{parts.hostname or 'page'}{parts.path}"
    except ValueError:
        raw = url
    stem = _UNSAFE.sub("_", raw).strip("_.")
    if len(stem) > limit:
        digest = hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        stem = f"{stem[: limit - 9].rstrip('_.')}-{digest}"
    stem = stem or "page"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"[:limit]
    return stem


def capture_stem(url: str, captured_at: datetime) -> str:
    """The name, without extension, of the files exported for a capture of ``url``."""
    return f"{url_stem(url)}-{captured_at:%Y%m%dT%H%M%SZ}"


def body_extension(content_type: str | None) -> str:
    """The extension of an exported body of ``content_type``: '.bin' when none is known."""
    media = (content_type or "").split(";")[0].strip().lower()
    extension = _EXTENSIONS.get(media) or mimetypes.guess_extension(media) or ".bin"
    return extension if _UNSAFE.search(extension.lstrip(".")) is None else ".bin"
