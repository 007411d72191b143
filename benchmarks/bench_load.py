"""Benchmark: load and lint every bibliography of the shared corpus; print time and memory."""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

from claimcheck.lint import lint
from claimcheck.load.bib import load_bibliography
from claimcheck.load.claims import Ledger

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "bib"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of .bib files")
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds")
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.bib"))
    if not files:
        print(f"no .bib files in {args.corpus}", file=sys.stderr)
        return 2
    ledger = Ledger(path=Path("claims.yaml"), version=1, claims=())
    size = sum(path.stat().st_size for path in files)
    best = float("inf")
    entries = findings = 0
    for _ in range(args.rounds):
        start = time.perf_counter()
        entries = findings = 0
        for path in files:
            bibliography = load_bibliography(path)
            entries += len(bibliography.references)
            findings += len(lint(bibliography, ledger, today=date(2026, 11, 29)))
        best = min(best, time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"files            {len(files)}")
    print(f"bytes            {size:,}")
    print(f"entries          {entries:,}")
    print(f"findings         {findings:,}")
    print(f"wall time        {best:.2f} s (best of {args.rounds})")
    print(f"entries/second   {entries / best:,.0f}")
    print(f"MB/second        {size / best / 1e6:.2f}")
    print(f"peak RSS         {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
