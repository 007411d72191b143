"""Decoding a body as it arrives: gzip in members, cut anywhere by the network."""

from __future__ import annotations

import asyncio
import gzip
import itertools
from collections.abc import AsyncIterator

import httpx
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.check.body import Body, read_body


def _read(sent: bytes, chunk: int, cap: int = 1 << 20) -> Body:
    """``read_body`` of a gzip response whose bytes arrive ``chunk`` at a time."""

    async def arriving() -> AsyncIterator[bytes]:
        for start in range(0, len(sent), chunk):
            yield sent[start : start + chunk]

    response = httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=arriving())
    return asyncio.run(read_body(response, cap))


def _members(body: bytes, cuts: list[int]) -> bytes:
    bounds = [0, *sorted(cut % (len(body) + 1) for cut in cuts), len(body)]
    return b"".join(gzip.compress(body[a:b]) for a, b in itertools.pairwise(bounds))


@given(
    body=st.binary(max_size=3000),
    cuts=st.lists(st.integers(min_value=0), max_size=4),
    after=st.sampled_from([b"", b"\n", b"\x00\x00\x00\x00", b"\x1f", b"<html>"]),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_a_gzip_body_in_members_decodes_whole_wherever_the_network_cuts_it(
    body: bytes, cuts: list[int], after: bytes, chunk: int
) -> None:
    read = _read(_members(body, cuts) + after, chunk)

    with read.data as data:
        assert data.read() == body
    assert (read.truncated, read.decodable) == (False, True)


def test_members_that_inflate_past_the_cap_are_read_no_further_than_it() -> None:
    member = gzip.compress(b"\x00" * 100_000)

    read = _read(member * 50, chunk=4096, cap=250_000)

    with read.data as data:
        assert data.read() == b"\x00" * 250_000
    assert read.truncated
