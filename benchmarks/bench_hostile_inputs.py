"""Benchmark: time and peak memory of reading and linting hostile bibliographies (16 MiB, the
most read) and of reading claims ledgers (4 MiB); print the figures."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

SIZE = 16 * 1024 * 1024
LEDGER_SIZE = 4 * 1024 * 1024
Builder = Callable[[], bytes]


def _filled(
    unit: str, count: int | None = None, head: str = "", tail: str = "", size: int = SIZE
) -> Builder:
    """``unit`` repeated ``count`` times (as often as fits, without a count) between ``head``
    and ``tail``, then filler text without delimiters up to ``size`` bytes."""

    def build() -> bytes:
        room = size - len(head) - len(tail)
        times = room // len(unit) if count is None else count
        body = head + unit * times + tail
        return (body + "x" * (size - len(body))).encode()

    return build


def _macro_bomb() -> bytes:
    lines = ["@string{s0={aaaaaaaaaa}}"]
    lines += [f"@string{{s{i}=s{i - 1}#s{i - 1}#s{i - 1}#s{i - 1}}}" for i in range(1, 31)]
    lines.append("@online{x, title=s30, url={https://a.example/}}")
    return ("\n".join(lines) + "\n").encode()


def _entries() -> bytes:
    """Entries of a real shape, as many as the caps let through (7 "=" each)."""
    entry = (
        "@article{k{n},\n author = {Doe, Jane and Roe, Richard},\n title = {A title {n}},\n"
        " journal = jnl,\n year = 2020,\n url = {https://e{m}.example/p?id={n}&v=2},\n}}\n"
    )
    text = "@string{jnl = {Journal of Examples}}\n" + "".join(
        entry.replace("{n}", str(n)).replace("{m}", str(n % 97)) for n in range(49_999)
    )
    return text.encode()[:SIZE]


def _distinct_macros() -> bytes:
    """One value that names as many different undefined macros as fit."""
    names = " # ".join(f"m{n}" for n in range(1_999_990))
    return _filled("", 0, "@a{k, t=" + names[: SIZE - 20], "}")()


def _latin1() -> bytes:
    return bytes(range(0xA0, 0x100)) * (SIZE // 96)


def _utf8_with_strays() -> bytes:
    """UTF-8 text in which every tenth accented letter is a stray Latin-1 byte."""
    words = "caf\u00e9 na\u00efve \u00fcber r\u00e9sum\u00e9 \u00e0 \u00e9t\u00e9 ".encode() * 40
    line = b"@misc{k, title={" + words + b"caf\xe9}}\n"
    return (line * (SIZE // len(line)))[:SIZE]


_URL = "@online{k, url={https://a.example/"
# Each case: a hostile bibliography of 16 MiB, at (or just under) the caps where there are.
CASES: dict[str, Builder] = {
    "'@a{' on one line (H3)": _filled("@a{"),
    "'@a{' lines, as many as allowed": _filled("@a{\n", 49_999),
    "empty entries, as many as allowed": _filled("@a{k,}\n", 49_999),
    "real-shaped entries": _entries,
    "one author field, many names": _filled(" and x", None, "@a{k, author={x", "}}"),
    "one entry, many fields": _filled("a=b,", 599_990, "@a{k,", "}"),
    "one value, many braces": _filled("{}", 1_999_990, "@a{k, t={", "}}"),
    "one value, deep braces": _filled("{", 3_999_990, "@a{k, t="),
    "undefined macros, one name": _filled(" # m", 3_999_990, "@a{k, t=m", "}"),
    "undefined macros, all named": _distinct_macros,
    "macro bomb, 817 bytes (T1)": _macro_bomb,
    "wide macros": _filled("@string{x=s0#s0}\n", 49_000, "@string{s0={" + "a" * 40_000 + "}}\n"),
    # One url field at the most the reader lets through: what lint's URL rules read.
    "url field, one run of backslashes": _filled("\\", None, _URL, "a}}"),
    "url field, nested escape groups": _filled(
        "{\\", 1_990_000, _URL, "_" + "}" * 1_990_000 + "}}"
    ),
    "url field, a run of spaces": _filled(" ", None, _URL, "a}}"),
    "url field, many line breaks": _filled(" \n", 3_990_000, _URL, "a}}"),
    "Latin-1 bytes, no '@'": _latin1,
    "UTF-8 with stray bytes": _utf8_with_strays,
    # Claims ledgers of 4 MiB, the most the YAML reader reads.
    "claims: one-line flow sequence (H2)": _filled("a, ", None, "[", "]", LEDGER_SIZE),
    "claims: one-line flow of claims": _filled(
        "{id: a, text: b}, ", None, "{claims: [", "]}", LEDGER_SIZE
    ),
    "claims: block sequence": _filled("- a\n", None, "", "", LEDGER_SIZE),
    "claims: one long scalar": _filled("", 0, "version: 1\nclaims: ", "", LEDGER_SIZE),
    "claims: one long comment": _filled("", 0, "version: 1\n# ", "", LEDGER_SIZE),
}


def measure(name: str) -> dict[str, object]:
    """Load one case in this process; its time, peak memory and what was found."""
    from claimcheck.errors import ClaimcheckError
    from claimcheck.lint import lint
    from claimcheck.load.bib import load_bibliography
    from claimcheck.load.claims import load_ledger

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("claims.yaml" if name.startswith("claims:") else "hostile.bib")
        path.write_bytes(CASES[name]())
        size = path.stat().st_size
        start, cpu = time.perf_counter(), time.process_time()
        try:
            if name.startswith("claims:"):
                outcome = f"{len(load_ledger(path).claims)} claims"
            else:
                bibliography = load_bibliography(path)
                found = lint(bibliography, None, today=date.today())
                outcome = f"{len(bibliography.references)} refs, {len(found)} findings"
        except ClaimcheckError as error:
            outcome = f"refused: {error.message[:48]}"
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "case": name,
        "bytes": size,
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": peak,
        "outcome": outcome,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--only", help="run only the cases whose name holds this text")
    parser.add_argument("--max-seconds", type=float, default=10.0, help="CPU target per file")
    parser.add_argument("--max-mb", type=float, default=500.0, help="peak RSS target per file")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(measure(args.case)))
        return 0
    print(f"{'case':<36} {'bytes':>11} {'wall s':>7} {'CPU s':>6} {'peak MB':>7}  outcome")
    missed = 0
    for name in CASES:
        if args.only and args.only not in name:
            continue
        child = subprocess.run(
            [sys.executable, __file__, "--case", name], capture_output=True, text=True, check=False
        )
        if child.returncode != 0:
            print(f"{name:<36} failed: {child.stderr.strip().splitlines()[-1:]}")
            missed += 1
            continue
        row = json.loads(child.stdout)
        over = row["cpu"] > args.max_seconds or row["peak_mb"] > args.max_mb
        missed += over
        print(
            f"{name:<36} {row['bytes']:>11,} {row['seconds']:>7.2f} {row['cpu']:>6.2f} "
            f"{row['peak_mb']:>7.0f}  {row['outcome']}{'  MISSED' if over else ''}"
        )
    verdict = "met" if not missed else f"missed {missed} times"
    print(f"target: at most {args.max_seconds:g} s of CPU and {args.max_mb:g} MB a file: {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
