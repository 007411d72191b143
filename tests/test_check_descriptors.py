"""Requests at once stay within the open-file limit, raised first as far as the hard limit lets."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimcheck.check.descriptors import (
    GENEROUS,
    PER_REQUEST,
    RESERVED,
    descriptor_budget,
    fitting,
    wanted_limit,
)
from tests.helpers import make_project
from tests.servers import HostFactory, html_page, slow

resource = pytest.importorskip("resource")
VERIFY = (
    "import runpy, sys\n"
    "sys.argv = ['claimcheck', 'verify', '--allow-private', '--per-host', '64']\n"
    "runpy.run_module('claimcheck', run_name='__main__')"
)


def test_each_request_at_once_counts_two_descriptors_beyond_a_reserve() -> None:
    assert fitting(1024, None) == 1024
    assert fitting(1024, 100_000) == 1024
    assert fitting(1024, 1024) == (1024 - RESERVED) // PER_REQUEST == 480
    assert fitting(1024, 10) == 1


def test_the_soft_limit_asked_for_is_generous_but_within_the_hard_limit() -> None:
    assert wanted_limit(1024, soft=1024, hard=None) == GENEROUS
    assert wanted_limit(1024, soft=1024, hard=4096) == 4096
    assert wanted_limit(20_000, soft=1024, hard=None) == 20_000 * PER_REQUEST + RESERVED
    assert wanted_limit(1024, soft=100_000, hard=200_000) == 100_000


@pytest.fixture
def low_soft_limit() -> Iterator[int]:
    """This process's soft open-file limit lowered to 256 for the test, then restored."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 256:
        pytest.skip("the hard open-file limit is already 256 or less")
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    yield hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_low_soft_limit_is_raised_towards_the_hard_one(low_soft_limit: int) -> None:
    budget = descriptor_budget(1024)
    expected = wanted_limit(
        1024, 256, None if low_soft_limit == resource.RLIM_INFINITY else low_soft_limit
    )
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == budget.soft_limit == expected
    assert budget.requests == fitting(1024, expected)


def limited_to(descriptors: int, code: str) -> list[str]:
    """A Python command running ``code`` with soft and hard open-file limits of ``descriptors``."""
    limit = f"import resource; resource.setrlimit(resource.RLIMIT_NOFILE, ({descriptors},) * 2)"
    return [sys.executable, "-c", f"{limit}\n{code}"]


def test_a_hard_limit_too_low_for_the_requests_clamps_them() -> None:
    code = "from claimcheck.check.descriptors import descriptor_budget as b; print(b(1024))"
    result = subprocess.run(limited_to(200, code), capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "Budget(soft_limit=200, requests=68)"


def test_verify_within_a_low_open_file_limit_says_so_and_checks_everything(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    for n in range(40):
        host.route(f"/page/{n}", slow(html_page(f"Page {n}"), 0.3))
    bib = "".join(
        f"@online{{p{n},\n  title = {{Page {n}}},\n  url = {{{host.url(f'/page/{n}')}}},\n}}\n"
        for n in range(40)
    )
    make_project(tmp_path, bib=bib, claims="version: 1\nclaims: []\n")
    (tmp_path / "claimcheck.toml").write_text("probe_hosts = []\n", encoding="utf-8")
    # 120 descriptors leave room for (120 - 64) / 2 = 28 requests at once, fewer than the 40
    # this run could have in flight with 64 per host.
    result = subprocess.run(
        limited_to(120, VERIFY),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "sources: 40 alive" in result.stdout, result.stdout + result.stderr
    assert "at most 28 requests at once, not 40: the open-file limit is 120" in result.stderr
    assert host.max_in_flight <= 28
