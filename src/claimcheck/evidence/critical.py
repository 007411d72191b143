"""The tokens that decide what a passage says: numbers, units, per cent, money, dates, negation."""

from __future__ import annotations

import re
from collections import Counter

# All lists are of normalised text (case-folded, NFKC): see ``claimcheck.evidence.normalise``.
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy"
    " eighty ninety hundred thousand million billion trillion dozen"
)
_UNIT_WORDS = (
    "mile metre meter kilometre kilometer centimetre centimeter millimetre millimeter hour day"
    " week month year decade century minute second ton tonne litre liter gram kilogram"
    " gigabyte megabyte terabyte kilobyte"
)
_CURRENCY_WORDS = "usd eur gbp cny rmb jpy krw inr yuan renminbi won yen dollar euro pound rupee"
_MONTHS = (
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"
_NEGATIONS = "not no never without none nor neither nobody nothing nowhere"
# Abbreviated units, counted only right after a number ("5 m", "12km"): alone they are words.
_SHORT_UNITS = "km kg mg cm mm mi m g l ml h gb mb kb tb °c °f"
# Units of Chinese, Japanese and Korean, likewise counted only right after a number.
_CJK_UNITS = (
    "年 月 日 時 时 小时 小時 天 周 週 星期 个月 個月 か月 ヶ月 カ月 分钟 分鐘 分 秒 公里 公斤"
    " 千米 厘米 毫米 米 吨 噸 升 度 元 円 년 월 일 시간 분 초 주 개월 킬로미터 킬로그램 미터 톤"
    " 리터 원 엔 時間 週間 キロ メートル トン リットル"
)
# Markers counted wherever they are, even inside a word: in Chinese, Japanese and Korean a
# negation is part of a word, so a passage is read character by character. A marker inside a
# longer word counts too: both sides of a match count it alike, and when they do not, a near
# match is called missing, the safe side.
_MARKERS = (
    "$ € £ ¥ ₩ ₹ 美元 欧元 歐元 人民币 人民幣 英镑 日元 韩元 달러 유로 위안 파운드 ドル ユーロ"
    " ポンド 不 没 沒 未 非 无 無 別 别 않 없 못 안 ない ず ません なかった"
)
_PER_CENT = ("%", "per cent", "percent", "pct", "퍼센트", "百分之", "パーセント")
_CJK_NUMERALS = "〇零一二三四五六七八九十百千万萬亿億兆两兩"


def _words(words: str, plural: bool = False) -> str:
    alternatives = "|".join(sorted(map(re.escape, words.split()), key=len, reverse=True))
    return rf"\b(?:{alternatives}){'s?' if plural else ''}\b"


def _alternatives(items: list[str] | tuple[str, ...]) -> str:
    return "|".join(sorted(map(re.escape, items), key=len, reverse=True))


_COUNTED = f"{_NUMBER_WORDS} {_UNIT_WORDS} {_CURRENCY_WORDS}"
_AFTER_NUMBER = rf"(?:(?<=\d)|(?<=\d )|(?<=[{_CJK_NUMERALS}]))"
_TOKEN = re.compile(
    "|".join(
        [
            rf"(?P<percent>{_alternatives(_PER_CENT)})",
            r"(?P<number>(?:(?<![\w)])-)?\d+(?:[.,]\d+)*)",
            rf"(?P<cjk_number>[{_CJK_NUMERALS}]+)",
            rf"(?P<unit>{_AFTER_NUMBER}(?:{_alternatives(_SHORT_UNITS.split())})(?![^\W\d_]))",
            rf"(?P<cjk_unit>{_AFTER_NUMBER}(?:{_alternatives(_CJK_UNITS.split())}))",
            r"(?P<contraction>n't\b|\bcannot\b)",
            rf"(?P<word>{_words(_NEGATIONS)}|{_words(_MONTHS)}|{_words(_WEEKDAYS)})",
            rf"(?P<plural>{_words(_COUNTED, plural=True)})",
            rf"(?P<marker>{_alternatives(_MARKERS.split())})",
        ]
    )
)


def critical_tokens(text: str, start: int = 0, end: int | None = None) -> Counter[str]:
    """The tokens of a normalised text that decide what it says, with their counts: all of
    them, or those at least partly within ``text[start:end]``.

    Numbers keep their digits and separators as written (``8.19``, ``8,19`` and ``8.91`` are
    three numbers); per cent in any spelling is ``%``; a negation contracted (``n't``,
    ``cannot``) is ``not``; a plural is its singular. Two passages that say the same thing in
    the same words have the same tokens; a near match whose tokens differ says something else.
    """
    stop = len(text) if end is None else min(end, len(text))
    start = max(start, 0)
    tokens: Counter[str] = Counter()
    for match in _TOKEN.finditer(text, max(start - _LONGEST, 0), min(stop + _LONGEST, len(text))):
        if match.end() <= start or match.start() >= stop:
            continue
        kind = match.lastgroup
        token = match.group()
        if kind == "percent":
            token = "%"
        elif kind == "contraction":
            token = "not"
        elif kind == "plural" and token.endswith("s") and token[:-1] in _SINGULARS:
            token = token[:-1]
        tokens[token] += 1
    return tokens


_SINGULARS = frozenset(_COUNTED.split())
# Tokens are looked for this far around a span, to find those partly within it; a number
# longer than this is cut where the search ends.
_LONGEST = 64


def is_critical(token: str) -> bool:
    """Whether a token of text holds anything that decides what a passage claims."""
    return bool(critical_tokens(token))
