"""What lint finds in each real bibliography of the corpus, kept as golden files to review.

Each golden file lists the findings of the bibliography rules (the file's own and those of
its references: every rule but the ledger's CC1xx), one a line as code, key and line, for
the bibliography linted without a ledger: what a bibliography-only run reports. A change in
what claimcheck finds on real files shows in the diff of these files; UPDATE_GOLDEN=1
rewrites them.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from claimcheck.lint import lint
from claimcheck.load.bib import load_bibliography
from claimcheck.models import Finding
from tests.test_corpus import EXPECTED

GOLDEN = Path(__file__).parent / "golden" / "corpus-lint"
# A fixed day, so that no urldate turns future or past as the calendar moves.
TODAY = date(2026, 12, 1)


def bibliography_findings(path: Path) -> list[Finding]:
    """Lint's findings for the bibliography at ``path`` alone: no ledger, so no ledger rule."""
    return lint(load_bibliography(path), None, today=TODAY)


def golden_text(findings: list[Finding]) -> str:
    """The counts per rule, then one line per finding: code, key (or -) and line."""
    counts = sorted(Counter(finding.code for finding in findings).items())
    lines = [f"# {len(findings)} findings" + "".join(f", {code} {n}" for code, n in counts)]
    lines += [f"{f.code} {f.subject or '-'} {f.line or '-'}" for f in findings]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lint_of_each_corpus_bibliography_matches_its_golden_file(corpus: Path, name: str) -> None:
    text = golden_text(bibliography_findings(corpus / name))
    path = GOLDEN / f"{Path(name).stem}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_corpus_bibliography() -> None:
    assert sorted(path.name for path in GOLDEN.glob("*.txt")) == sorted(
        f"{Path(name).stem}.txt" for name in EXPECTED
    )
