"""Spools: bytes in memory up to a threshold, past it in an unnamed temporary file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.spool import Spool, as_spool


def temporary_files() -> int:
    """How many unnamed temporary files this process has open (Linux: /proc/self/fd)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc/self/fd")
    count = 0
    for fd in fds.iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue
        count += target.startswith(tempfile.gettempdir()) and target.endswith("(deleted)")
    return count


def test_bytes_within_the_threshold_stay_in_memory() -> None:
    before = temporary_files()
    with Spool(threshold=10) as spool:
        spool.write(b"12345")
        spool.write(b"67890")
        assert not spool.in_file
        assert temporary_files() == before
        assert spool.read() == b"1234567890"


def test_bytes_past_the_threshold_move_to_a_temporary_file_gone_once_closed() -> None:
    before = temporary_files()
    spool = Spool(threshold=10)
    spool.write(b"123456")
    spool.write(b"7890ab")
    assert spool.in_file
    assert temporary_files() == before + 1
    assert (spool.size, spool.read(), b"".join(spool.chunks())) == (
        12,
        b"1234567890ab",
        b"1234567890ab",
    )
    spool.close()
    assert temporary_files() == before


def test_a_closed_spool_can_be_neither_read_nor_written() -> None:
    spool = Spool.holding(b"page")
    spool.close()
    with pytest.raises(ValueError, match="closed spool"):
        spool.read()
    with pytest.raises(ValueError, match="closed spool"):
        spool.write(b"more")


def test_bytes_held_as_a_spool_stay_in_memory_whatever_their_size() -> None:
    spool = as_spool(b"x" * 1_000_000)
    assert not spool.in_file
    assert spool.size == 1_000_000
    assert as_spool(spool) is spool


@given(
    pieces=st.lists(st.binary(max_size=64), max_size=12),
    threshold=st.integers(min_value=0, max_value=300),
)
def test_what_is_read_back_is_what_was_written(pieces: list[bytes], threshold: int) -> None:
    with Spool(threshold=threshold) as spool:
        for piece in pieces:
            spool.write(piece)
        whole = b"".join(pieces)
        assert spool.in_file == (len(whole) > threshold)
        assert spool.size == len(whole)
        assert b"".join(spool.chunks()) == whole
        assert spool.stream().read() == whole
        assert spool.read() == whole
