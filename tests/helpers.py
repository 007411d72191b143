"""Small builders shared by the tests: a project folder with a bibliography and a ledger."""

from __future__ import annotations

from pathlib import Path

from claimcheck.check.client import NameNotFound

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
