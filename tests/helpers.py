"""Small builders shared by the tests: a project folder with a bibliography and a ledger."""

from __future__ import annotations

from pathlib import Path

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
