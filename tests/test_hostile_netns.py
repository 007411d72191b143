"""In a private network namespace with a live metadata service: no claimcheck run reaches it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def _unshare() -> list[str]:
    """The command prefix that runs a command in new network and mount namespaces, or skip."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs unshare and ip (util-linux, iproute2)")
    prefix = ["unshare", "--net", "--mount"]
    if os.geteuid() != 0:
        prefix.insert(1, "--map-root-user")
    trial = subprocess.run(
        [*prefix, "--", "ip", "link", "set", "lo", "up"], capture_output=True, check=False
    )
    if trial.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {trial.stderr.decode().strip()}")
    return [*prefix, "--"]


def _scenario(folder: Path) -> dict[str, Any]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [*_unshare(), sys.executable, "-m", "tests.netns_scenario", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    account: dict[str, Any] = json.loads(result.stdout)
    return account


def test_no_run_reaches_a_metadata_service_bound_on_loopback_in_any_form(tmp_path: Path) -> None:
    started = time.monotonic()

    account = _scenario(tmp_path)

    elapsed = time.monotonic() - started
    assert account["canary"] == account["listeners"]  # the recorder does see connections
    assert account["arrived"] == []
    runs = account["runs"]
    assert not any(run["traceback"] for run in runs)
    verify, probe, *saves, refused = runs
    for checked in (verify, probe):
        assert checked["code"] == 0, checked["stderr"]
        report = json.loads(checked["stdout"])
        *links, closed = report["sources"]
        assert {(s["status"], s["reason"]) for s in links} <= {("skipped", "forbidden-address")}
        assert (closed["status"], closed["reason"]) == ("unreachable", "network-unreachable")
    assert len(json.loads(verify["stdout"])["sources"]) > 20
    for save in saves:
        assert save["code"] == 0, save["stderr"]
        assert "new captures: 0 of 1 found" in save["stdout"]
        # The table wraps its cells word by word, beside the URL's cell: the words, not the
        # phrase, stand whole in what it prints.
        words = set(save["stdout"].split())
        assert {"never", "connecting"} <= words or {"request", "another", "origin"} <= words
    assert refused["code"] == 2
    assert "never connected to" in refused["stderr"]
    assert elapsed < 30
