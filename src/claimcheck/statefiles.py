"""Files under `.claimcheck/` opened as untrusted: no symbolic links, special or linked files."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from claimcheck.errors import StateError
from claimcheck.models import Location

# Every file claimcheck opens in the project's folder is opened with these: a symbolic link
# in the last place fails (ELOOP), a FIFO does not block the open, the descriptor is not
# inherited, and (on Windows) bytes are not translated. The file is then checked to be a
# regular file. Windows has no O_NOFOLLOW: there the link is refused by a look before opening.
_NO_LINK = getattr(os, "O_NOFOLLOW", 0)
_FLAGS = (
    _NO_LINK
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOINHERIT", 0)
    | getattr(os, "O_BINARY", 0)
)
_MOVE_ASIDE = "move it away (or delete it)"


def real_folder(path: Path) -> Path:
    """``path`` as a folder, made if need be; refused when it is a symbolic link or a file.

    The folders above it are the user's choice (cache_dir) and are trusted; the folder itself
    may have come with a checkout or a CI cache, so it is checked.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        pass
    except OSError as error:
        raise unwritable(path, error) from None
    try:
        info = path.lstat()
    except OSError as error:
        raise unwritable(path, error) from None
    if stat.S_ISLNK(info.st_mode):
        raise StateError(
            "is a symbolic link; claimcheck keeps its state only in a real folder",
            Location(file=str(path)),
            hint=f"{_MOVE_ASIDE}, or set cache_dir to the folder it points to",
        )
    if not stat.S_ISDIR(info.st_mode):
        raise StateError(
            "is a file where claimcheck keeps a folder",
            Location(file=str(path)),
            hint=f"{_MOVE_ASIDE}, then run again",
        )
    return path


def open_file(path: Path, flags: int, *, create: bool = False, writing: bool = False) -> int:
    """A descriptor of the regular file at ``path``, never through a symbolic link.

    A file to be written (``writing``) must also have no other hard link: truncating or
    rewriting it would change another file's bytes.
    """
    mode = flags | _FLAGS | (os.O_CREAT if create else 0)
    if not _NO_LINK and path.is_symlink():
        raise not_regular(path, "a symbolic link")
    try:
        fd = os.open(path, mode, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise not_regular(path, "a symbolic link") from None
        raise
    try:
        check_regular(path, os.fstat(fd), writing=writing)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_existing(path: Path, *, writing: bool = True) -> None:
    """Refuse ``path`` if it exists and is not a regular file of its own (see ``open_file``)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise not_regular(path, "a symbolic link")
    check_regular(path, info, writing=writing)


def delete_files(folder: Path, names: Iterable[str]) -> None:
    """Delete these files of ``folder`` (names the caller checked) that are regular files of
    their own; a missing one is no error, a symbolic link or a linked file is refused."""
    for name in names:
        path = folder / name
        try:
            check_existing(path)
            path.unlink(missing_ok=True)
        except OSError as error:
            raise unwritable(path, error) from None


def check_regular(path: Path, info: os.stat_result, *, writing: bool) -> None:
    """Refuse what ``info`` describes unless it is a regular file (with one link, to write)."""
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise not_regular(path, kind)
    if writing and info.st_nlink > 1:
        raise not_regular(path, "a hard link to another file")


def not_regular(path: Path, kind: str) -> StateError:
    """The error for a file in the project's folder that is not one claimcheck may use."""
    return StateError(
        f"is {kind}; claimcheck uses only regular files of its own here",
        Location(file=str(path)),
        hint=f"{_MOVE_ASIDE}, then run again",
    )


def unwritable(path: Path, error: OSError) -> StateError:
    """The error for a file or folder of the project's state that cannot be written."""
    if error.errno == errno.ENOSPC:
        hint = "free some space on that disk, or set cache_dir to a folder on another one"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "make it writable, or set cache_dir to a writable folder"
    else:
        hint = "set cache_dir to a writable folder"
    return StateError(
        f"cannot be written: {error.strerror or error}", Location(file=str(path)), hint=hint
    )
