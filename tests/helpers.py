"""Small builders shared by the tests: a project folder with a bibliography and a ledger."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Literal

from claimcheck.check.faults import NameNotFound
from claimcheck.config import Settings

CLEAN_BIB = """@online{bbc2023,
  author  = {{BBC}},
  title   = {China trials visa-free travel for six countries},
  date    = {2023},
  url     = {https://www.bbc.com/news/world-asia-china-67516777},
  urldate = {2025-02-09},
}
"""

CLEAN_CLAIMS = """version: 1
claims:
  - id: visa-free-trial
    text: China began a visa-free trial for six countries.
    section: "1. Introduction"
    evidence:
      - source: bbc2023
        quote: "six countries"
"""


def make_project(folder: Path, bib: str = CLEAN_BIB, claims: str = CLEAN_CLAIMS) -> Path:
    """Write references.bib and claims.yaml into ``folder`` and return it."""
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    (folder / "claims.yaml").write_text(claims, encoding="utf-8")
    return folder


class OfflineResolver:
    """A resolver for a machine without network: no name resolves, as on a CI sandbox."""

    async def resolve(self, host: str, port: int) -> list[str]:
        """Fail as getaddrinfo does for a name nobody knows."""
        raise NameNotFound(f"{host}: Name or service not known")


OFFLINE_SETTINGS = {"no_cache": True, "probe_hosts": ("probe.invalid:443",)}


def seed_settings(state: Path) -> Settings:
    """Settings for the bundled example, run from the repository on a machine without network,
    its archive in ``state``: runs on other test workers never meet at the repository's lock,
    and none writes into the repository."""
    return Settings(**OFFLINE_SETTINGS, cache_dir=state)


def run_on_terminal(
    args: list[str], cwd: Path, env: dict[str, str], *, stream: Literal["stdout", "stderr"]
) -> str:
    """Run claimcheck with one stream on a pseudo-terminal; return what it printed there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "claimcheck", *args],
        cwd=cwd,
        stdout=follower if stream == "stdout" else subprocess.DEVNULL,
        stderr=follower if stream == "stderr" else subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


_PROGRESS_LINE = re.compile(r"^checked \d+/\d+ \(\d+%\).*\n?", re.MULTILINE)


def without_progress(stderr: str) -> str:
    """What a run wrote on stderr besides its progress lines (a log gets them now and then)."""
    return _PROGRESS_LINE.sub("", stderr)
