"""Benchmark: 100 quotes searched in a 5 MB text; print normalisation time and time per quote."""

# The CJK paragraphs are real prose, whose punctuation ruff would flag as look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from claimcheck.evidence.critical import is_critical
from claimcheck.evidence.match import find_quote
from claimcheck.evidence.normalise import normalise

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_f48ab825ed929142.txt"
CJK = (
    "自2023年12月1日起，中国对法国、德国、意大利、荷兰、西班牙和马来西亚六国持普通护照人员"
    "试行单方面免签政策。上述国家持普通护照人员来华经商、旅游观光、探亲访友和过境不超过15天，"
    "可免办签证入境。\n중국 정부는 2023년 12월 1일부터 프랑스, 독일, 이탈리아 등 6개국의 일반 "
    "여권 소지자에 대해 무비자 입국을 시범적으로 허용한다고 발표했다.\n中国政府は2023年12月1日"
    "から、フランス、ドイツ、イタリアの6か国の一般旅券所持者を対象に、ビザ免除措置を試験的に"
    "導入すると発表した。対象国の国民は最長15日間ビザなしで中国に滞在できる。\n"
)
WORDS = [
    "policy",
    "visa",
    "entry",
    "border",
    "travel",
    "tourism",
    "cooperation",
    "exchange",
    "diplomatic",
    "ministry",
    "council",
    "agreement",
    "economic",
    "cultural",
    "regional",
    "growth",
    "passport",
    "citizens",
    "countries",
    "announcement",
]


def generated_text(rng: random.Random) -> str:
    """A page of English-looking sentences with numbers, for when the seed text is absent."""
    sentences = []
    for _ in range(200):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
        words.insert(rng.randrange(len(words)), str(rng.randint(1, 5000)))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def corpus(size: int, rng: random.Random) -> tuple[str, list[str]]:
    """A text of about ``size`` characters (the seed text, or a generated one, with CJK
    paragraphs between), and the sentences it is made of."""
    base = SEED.read_text(encoding="utf-8") if SEED.exists() else generated_text(rng)
    unit = base + "\n\n" + CJK + "\n\n"
    text = (unit * (size // len(unit) + 1))[:size]
    sentences = [
        sentence.strip()
        for sentence in re.split(r"(?<=[.。])\s+|\n+", unit)
        if 40 <= len(sentence.strip()) <= 300
    ]
    return text, sentences


def changed_digit(sentence: str, rng: random.Random) -> str | None:
    digits = [index for index, char in enumerate(sentence) if char.isdigit()]
    if not digits:
        return None
    at = rng.choice(digits)
    return sentence[:at] + str((int(sentence[at]) + 1) % 10) + sentence[at + 1 :]


def with_typo(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    plain = [index for index in range(1, len(words) - 1) if not is_critical(words[index].lower())]
    if len(words) > 8 and plain:
        del words[rng.choice(plain)]
        return " ".join(words)
    at = rng.randrange(len(sentence) // 3, 2 * len(sentence) // 3)
    return sentence[:at] + sentence[at + 1 :]


def quotes(sentences: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """100 quotes of five kinds: present, elided, fuzzy (a word dropped that is not a number,
    unit, date or negation, or a character), near misses (a digit changed) and absent."""
    chosen: list[tuple[str, str]] = []
    for _ in range(30):
        chosen.append(("present", rng.choice(sentences)))
    for _ in range(15):
        sentence = rng.choice([s for s in sentences if len(s) > 80])
        words = sentence.split(" ")
        third = len(words) // 3
        head, tail = " ".join(words[:third]), " ".join(words[2 * third :])
        chosen.append(("elided", f"{head} … {tail}"))
    for _ in range(20):
        chosen.append(("fuzzy", with_typo(rng.choice([s for s in sentences if len(s) > 60]), rng)))
    with_digits = [s for s in sentences if any(char.isdigit() for char in s)]
    for _ in range(15):
        changed = changed_digit(rng.choice(with_digits), rng) if with_digits else None
        chosen.append(("near miss", changed or "Visa-free entry for 13 countries"))
    for _ in range(20):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
        chosen.append(("absent", " ".join(words)))
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=5_000_000, help="characters of text")
    parser.add_argument("--seed", type=int, default=11, help="random seed of the quotes")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    text, sentences = corpus(args.size, rng)
    start = time.perf_counter()
    normalised = normalise(text)
    normalising = time.perf_counter() - start
    chosen = quotes(sentences, rng)
    # rapidfuzz is imported at the first fuzzy search: not a cost of each quote.
    find_quote("a quote of more than thirty characters", normalise("a quote of more than thirty"))
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    verdicts: dict[str, Counter[str]] = {}
    for kind, quote in chosen:
        start = time.perf_counter()
        match = find_quote(quote, normalised)
        times.append((time.perf_counter() - start) * 1000)
        by_kind.setdefault(kind, []).append(times[-1])
        verdicts.setdefault(kind, Counter())[match.verdict.value] += 1
    ordered = sorted(times)
    print(f"text             {len(text):,} characters ({'seed' if SEED.exists() else 'generated'})")
    print(f"normalisation    {normalising * 1000:.0f} ms")
    print(f"quotes           {len(chosen)}")
    print(f"per quote        median {statistics.median(times):.2f} ms")
    print(f"                 p95 {ordered[int(0.95 * len(ordered)) - 1]:.2f} ms")
    print(f"                 max {ordered[-1]:.2f} ms")
    for kind, counts in verdicts.items():
        shown = ", ".join(f"{verdict} {count}" for verdict, count in sorted(counts.items()))
        print(f"{kind:<16} {shown}; median {statistics.median(by_kind[kind]):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
