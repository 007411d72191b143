"""Labelled quotes: pages (HTML in several charsets, PDF, plain text) and the verdict each quote
must get, present ones (found or fuzzy) and near misses that must be missing."""

# The pages are real CJK and European prose, whose punctuation ruff would flag as look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tests.documents import make_pdf


@dataclass(frozen=True)
class Page:
    """A document as served: its bytes and Content-Type."""

    body: bytes
    content_type: str


@dataclass(frozen=True)
class Case:
    """A quote, the page it is looked for in, and the verdict it must get."""

    id: str
    page: Page
    quote: str
    expected: str


def html(body: str, charset: str = "utf-8", *, header: bool = False, codec: str = "") -> Page:
    """An HTML page in ``charset``, declared in a meta tag (or only in the header)."""
    meta = "" if header else f'<meta charset="{charset}">'
    markup = (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>News</title></head>\n"
        f"<body><h1>Notice</h1>\n{body}\n</body></html>"
    )
    content_type = f"text/html; charset={charset}" if header else "text/html"
    return Page(markup.encode(codec or charset), content_type)


def pdf(*pages: str) -> Page:
    return Page(make_pdf(pages), "application/pdf")


def plain(text: str, charset: str = "utf-8") -> Page:
    return Page(text.encode(charset), f"text/plain; charset={charset}")


EN = (
    "<p>The State Council said on Monday that China extends visa-free entry to 12 countries, "
    "including France and Germany.</p>\n<p>About 8.19 million people travelled in 2023, up 40 "
    "per cent on the year before. The policy does not apply to diplomatic passports.</p>\n"
    "<p>Officials said the trial would run for one year and be reviewed afterwards; holders may "
    "stay up to 15 days and travel no more than 500 km from the port of entry.</p>\n"
    "<p>Tourism revenue rose in March, and ministers cannot yet say whether the scheme will "
    "be made permanent.</p>"
)
EN_PAGE = html(EN)
ZH = (
    "自2023年12月1日起，中国对法国、德国、意大利、荷兰、西班牙和马来西亚六国持普通护照人员"
    "试行单方面免签政策。上述国家持普通护照人员来华经商、旅游观光、探亲访友和过境不超过15天，"
    "可免办签证入境。外交部发言人表示，这一举措旨在促进中外人员往来，服务高质量发展和高水平"
    "对外开放。试行期限为一年，有关部门将根据实施情况评估是否延长。"
)
ZH_TW = (
    "自2023年12月1日起，中國對法國、德國、義大利、荷蘭、西班牙和馬來西亞六國持普通護照人員"
    "試行單方面免簽政策。上述國家人員來華經商、旅遊觀光、探親訪友和過境不超過15天，可免辦簽證"
    "入境。外交部發言人表示，這一舉措旨在促進中外人員往來。"
)
KO = (
    "중국 정부는 2023년 12월 1일부터 프랑스, 독일, 이탈리아, 네덜란드, 스페인, 말레이시아 등 "
    "6개국의 일반 여권 소지자에 대해 무비자 입국을 시범적으로 허용한다고 발표했다. 이들 국가의 "
    "국민은 사업, 관광, 친척 방문 및 경유 목적으로 최대 15일까지 비자 없이 중국에 머무를 수 "
    "있다. 한국은 이번 조치에 포함되지 않았다. 외교부 대변인은 이번 조치가 인적 교류를 촉진하기 "
    "위한 것이라고 설명했다."
)
JA = (
    "中国政府は2023年12月1日から、フランス、ドイツ、イタリア、オランダ、スペイン、マレーシアの"
    "6か国の一般旅券所持者を対象に、ビザ免除措置を試験的に導入すると発表した。対象国の国民は、"
    "商用、観光、親族訪問、通過の目的であれば、最長15日間ビザなしで中国に滞在できる。日本は"
    "今回の措置の対象に含まれていない。外務省の報道官は、延長するかどうかはまだ決めていません"
    "と述べた。"
)
FR = (
    "À partir du 1er décembre 2023, les ressortissants français peuvent séjourner 15 jours en "
    "Chine sans visa – « une mesure d’ouverture », selon le ministère. Le dispositif "
    "n’est pas valable pour les passeports diplomatiques."
)
DE = (
    "Ab dem 1. Dezember 2023 dürfen Bürgerinnen und Bürger aus Deutschland 15 Tage ohne Visum "
    "nach China reisen. Die Maßnahme gilt zunächst für ein Jahr und soll danach überprüft werden."
)
PDF_PAGES = (
    "Visa-free entry and soft power\n"
    "The unilateral visa waiver is an instrument of public\n"
    "diplomacy. Its evi-\n"
    "dence base is thin: arrivals grew by 23.5 per cent in the\n"
    "first quarter, not by the 40 per cent announced.",
    "Section 2\n"
    "South Korea was not included in the first list of countries.\n"
    "The waiver was extended to 38 countries by November 2024.",
)
PDF_PAGE = pdf(*PDF_PAGES)


# A sentence that only text hidden from the reader holds.
GONE = "Quotas were abolished entirely last spring."
VISIBLE = "<p>Visible text only.</p>"


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


FOUND = "found"
FUZZY = "fuzzy"
MISSING = "missing"

PRESENT = [
    # English, HTML in UTF-8, and each normalisation.
    Case("en-exact", EN_PAGE, "China extends visa-free entry to 12 countries", FOUND),
    Case("en-case", EN_PAGE, "CHINA EXTENDS VISA-FREE ENTRY TO 12 COUNTRIES", FOUND),
    Case(
        "en-curly-quotes-around",
        EN_PAGE,
        "“The policy does not apply to diplomatic passports.”",
        FOUND,
    ),
    Case("en-across-paragraph-markup-line", EN_PAGE, "including France and Germany", FOUND),
    Case("en-trailing-period", EN_PAGE, "China extends visa-free entry to 12 countries.", FOUND),
    Case("en-ellipsis-dots", EN_PAGE, "The State Council said ... 12 countries", FOUND),
    Case(
        "en-ellipsis-character", EN_PAGE, "About 8.19 million people … diplomatic passports", FOUND
    ),
    Case("en-ellipsis-brackets", EN_PAGE, "Officials said the trial [...] 15 days", FOUND),
    Case("en-ellipsis-spaced-brackets", EN_PAGE, "holders may stay [. . .] port of entry", FOUND),
    Case("en-ellipsis-spaced", EN_PAGE, "Tourism revenue rose . . . made permanent", FOUND),
    Case("en-typo", EN_PAGE, "The policy does not apply to diplomatic pasports", FUZZY),
    Case(
        "en-dropped-word",
        EN_PAGE,
        "Officials said that the trial would run for one year and be reviewed",
        FUZZY,
    ),
    Case(
        "en-missing-comma",
        EN_PAGE,
        "China extends visa-free entry to 12 countries including France",
        FUZZY,
    ),
    Case("en-numbers-kept", EN_PAGE, "travel no more than 500 km from the port of entry", FOUND),
    Case(
        "en-negation-kept",
        EN_PAGE,
        "ministers cannot yet say whether the scheme will be made permanent",
        FOUND,
    ),
    Case(
        "en-inline-tags",
        html("<p>Visa-<b>free</b> entry for <a href='/x'>twelve</a> <i>countries</i> began.</p>"),
        "visa-free entry for twelve countries began",
        FOUND,
    ),
    Case(
        "en-entity-ampersand",
        html("<p>Research &amp; development spending rose sharply.</p>"),
        "research & development spending rose",
        FOUND,
    ),
    Case(
        "en-entity-apostrophe",
        html("<p>The ministry&#8217;s statement was brief.</p>"),
        "The ministry's statement was brief",
        FOUND,
    ),
    Case(
        "en-entity-hex",
        html("<p>The ministry&#x2019;s statement was brief.</p>"),
        "The ministry’s statement was brief",
        FOUND,
    ),
    Case(
        "en-no-break-space",
        html("<p>It covers 12&nbsp;countries and 15\u00a0days.</p>"),
        "It covers 12 countries and 15 days",
        FOUND,
    ),
    Case(
        "en-narrow-no-break-space",
        html("<p>Arrivals rose by 40\u202f% last year.</p>"),
        "Arrivals rose by 40 % last year",
        FOUND,
    ),
    Case(
        "en-soft-hyphen",
        html("<p>A unilat&shy;eral visa waiver was announced.</p>"),
        "A unilateral visa waiver was announced",
        FOUND,
    ),
    Case(
        "en-zero-width-space",
        html("<p>A unilateral\u200b visa\u200bwaiver was announced.</p>"),
        "A unilateral visa waiver was announced",
        FOUND,
    ),
    Case(
        "en-joiners-and-bom",
        html("<p>Soft\u2060 power\u200d grew\ufeff quickly.</p>"),
        "soft power grew quickly",
        FOUND,
    ),
    Case(
        "en-dashes",
        html("<p>The waiver—first of its kind—runs 2023–2024.</p>"),
        "The waiver-first of its kind-runs 2023-2024",
        FOUND,
    ),
    Case(
        "en-minus-sign",
        html("<p>Temperatures fell to \u22125 °C at the border.</p>"),
        "Temperatures fell to -5 °C at the border",
        FOUND,
    ),
    Case(
        "en-ligature",
        html("<p>The ofﬁcial ﬁgures were ﬂawed.</p>"),
        "the official figures were flawed",
        FOUND,
    ),
    Case(
        "en-full-width",
        html("<p>ＶＩＳＡ　ＦＲＥＥ　for　１２　countries</p>"),
        "visa free for 12 countries",
        FOUND,
    ),
    Case(
        "en-line-break-tag",
        html("<p>Visa-free entry<br>for twelve countries<br/>began today.</p>"),
        "visa-free entry for twelve countries began today",
        FOUND,
    ),
    Case(
        "en-decomposed-accents",
        html(_nfd("<p>The café in Zürich reopened after the résumé review.</p>")),
        "The café in Zürich reopened",
        FOUND,
    ),
    Case(
        "en-ellipsis-character-in-page",
        html("<p>Wait… the scheme was extended.</p>"),
        "Wait... the scheme was extended",
        FOUND,
    ),
    Case(
        "en-header-charset",
        html("<p>Arrivals grew strongly in spring.</p>", header=True),
        "arrivals grew strongly in spring",
        FOUND,
    ),
    Case(
        "en-plain-text",
        plain("Arrivals grew strongly in spring,\nthe ministry said.\n"),
        "arrivals grew strongly in spring, the ministry said",
        FOUND,
    ),
    # Windows-1252 and ISO-8859-1.
    Case(
        "fr-windows-1252",
        html(f"<p>{FR}</p>", "windows-1252"),
        "« une mesure d'ouverture », selon le ministère",
        FOUND,
    ),
    Case(
        "fr-windows-1252-header",
        html(f"<p>{FR}</p>", "windows-1252", header=True),
        "peuvent séjourner 15 jours en Chine sans visa - « une mesure",
        FOUND,
    ),
    Case(
        "fr-typo",
        html(f"<p>{FR}</p>", "windows-1252"),
        "les ressortissants francais peuvent séjourner 15 jours en Chine",
        FUZZY,
    ),
    Case(
        "de-iso-8859-1",
        html(f"<p>{DE}</p>", "iso-8859-1"),
        "Die Maßnahme gilt zunächst für ein Jahr",
        FOUND,
    ),
    Case(
        "de-sharp-s-folded",
        html(f"<p>{DE}</p>", "iso-8859-1"),
        "die massnahme gilt zunächst für ein jahr",
        FOUND,
    ),
    # Chinese: GB2312/GBK/GB18030, Big5, UTF-8.
    Case(
        "zh-gbk-exact",
        html(f"<p>{ZH}</p>", "gbk"),
        "中国对法国、德国、意大利、荷兰、西班牙和马来西亚六国持普通护照人员",
        FOUND,
    ),
    Case(
        "zh-gb2312-exact", html(f"<p>{ZH}</p>", "gb2312"), "过境不超过15天，可免办签证入境", FOUND
    ),
    Case(
        "zh-gb18030-header", html(f"<p>{ZH}</p>", "gb18030", header=True), "试行期限为一年", FOUND
    ),
    Case(
        "zh-ascii-punctuation", html(f"<p>{ZH}</p>", "gbk"), "过境不超过15天,可免办签证入境", FOUND
    ),
    Case("zh-full-width-digits", html(f"<p>{ZH}</p>", "gbk"), "过境不超过１５天", FOUND),
    Case(
        "zh-corner-brackets",
        html("<p>发言人称“这是重要举措”。</p>", "gbk"),
        "发言人称「这是重要举措」",
        FOUND,
    ),
    Case("zh-elided", html(f"<p>{ZH}</p>", "gbk"), "中国对法国……试行单方面免签政策", FOUND),
    Case(
        "zh-typo",
        html(f"<p>{ZH}</p>", "gbk"),
        "外交部发言人表示，这一举措旨在促近中外人员往来",
        FUZZY,
    ),
    Case(
        "zh-split-by-tags",
        html("<p>中国<b>对法国</b>试行<a href='#'>免签</a>政策</p>", "utf-8"),
        "中国对法国试行免签政策",
        FOUND,
    ),
    Case(
        "zh-tw-big5-exact",
        html(f"<p>{ZH_TW}</p>", "big5"),
        "中國對法國、德國、義大利、荷蘭、西班牙和馬來西亞六國",
        FOUND,
    ),
    Case(
        "zh-tw-big5-elided",
        html(f"<p>{ZH_TW}</p>", "big5"),
        "上述國家人員來華經商 … 可免辦簽證入境",
        FOUND,
    ),
    Case("zh-utf8-exact", html(f"<p>{ZH}</p>"), "有关部门将根据实施情况评估是否延长", FOUND),
    # Japanese: Shift_JIS, EUC-JP, UTF-8.
    Case(
        "ja-shift-jis-exact",
        html(f"<p>{JA}</p>", "shift_jis"),
        "ビザ免除措置を試験的に導入すると発表した",
        FOUND,
    ),
    Case(
        "ja-euc-jp-exact",
        html(f"<p>{JA}</p>", "euc-jp"),
        "最長15日間ビザなしで中国に滞在できる",
        FOUND,
    ),
    Case(
        "ja-half-width-katakana",
        html("<p>ﾋﾞｻﾞ免除措置を導入した。</p>", "shift_jis"),
        "ビザ免除措置を導入した",
        FOUND,
    ),
    Case(
        "ja-decomposed-kana",
        html(_nfd("<p>ビザ免除措置を導入した。</p>")),
        "ビザ免除措置を導入した",
        FOUND,
    ),
    Case(
        "ja-quotation-brackets",
        html("<p>報道官は「前向きに検討する」と述べた。</p>", "euc-jp"),
        "報道官は“前向きに検討する”と述べた",
        FOUND,
    ),
    Case(
        "ja-elided",
        html(f"<p>{JA}</p>", "shift_jis"),
        "中国政府は2023年12月1日から…試験的に導入すると発表した",
        FOUND,
    ),
    Case(
        "ja-typo", html(f"<p>{JA}</p>", "euc-jp"), "商用、観光、親族訪門、通過の目的であれば", FUZZY
    ),
    Case(
        "ja-negation-kept",
        html(f"<p>{JA}</p>", "shift_jis"),
        "日本は今回の措置の対象に含まれていない",
        FOUND,
    ),
    # Korean: EUC-KR, UTF-8.
    Case(
        "ko-euc-kr-exact",
        html(f"<p>{KO}</p>", "euc-kr"),
        "무비자 입국을 시범적으로 허용한다고 발표했다",
        FOUND,
    ),
    Case(
        "ko-utf8-exact",
        html(f"<p>{KO}</p>"),
        "최대 15일까지 비자 없이 중국에 머무를 수 있다",
        FOUND,
    ),
    Case(
        "ko-decomposed-jamo",
        html(_nfd(f"<p>{KO}</p>")),
        "한국은 이번 조치에 포함되지 않았다",
        FOUND,
    ),
    Case(
        "ko-elided",
        html(f"<p>{KO}</p>", "euc-kr"),
        "중국 정부는 [...] 무비자 입국을 시범적으로 허용한다고",
        FOUND,
    ),
    Case(
        "ko-typo",
        html(f"<p>{KO}</p>", "euc-kr"),
        "외교부 대변인은 이번 조치가 인적 교류를 촉진하귀 위한 것이라고",
        FUZZY,
    ),
    Case(
        "ko-negation-kept",
        html(f"<p>{KO}</p>", "euc-kr"),
        "한국은 이번 조치에 포함되지 않았다",
        FOUND,
    ),
    # PDF.
    Case("pdf-exact", PDF_PAGE, "an instrument of public diplomacy", FOUND),
    Case("pdf-hyphenated-across-lines", PDF_PAGE, "Its evidence base is thin", FOUND),
    Case(
        "pdf-across-lines", PDF_PAGE, "arrivals grew by 23.5 per cent in the first quarter", FOUND
    ),
    Case(
        "pdf-second-page",
        PDF_PAGE,
        "The waiver was extended to 38 countries by November 2024",
        FOUND,
    ),
    Case(
        "pdf-elided",
        PDF_PAGE,
        "The unilateral visa waiver … not by the 40 per cent announced",
        FOUND,
    ),
    Case(
        "pdf-typo", PDF_PAGE, "South Korea was not included in the frist list of countries", FUZZY
    ),
]

NEAR_MISSES = [
    # English: numbers, units, per cent, money, dates, negation.
    Case("en-changed-digit", EN_PAGE, "China extends visa-free entry to 13 countries", MISSING),
    Case("en-swapped-digits", EN_PAGE, "About 8.91 million people travelled in 2023", MISSING),
    Case("en-moved-decimal-point", EN_PAGE, "About 81.9 million people travelled in 2023", MISSING),
    Case("en-decimal-comma", EN_PAGE, "About 8,19 million people travelled in 2023", MISSING),
    Case("en-number-inside-number", EN_PAGE, "2 countries, including France and Germany", MISSING),
    Case("en-changed-magnitude", EN_PAGE, "About 8.19 billion people travelled in 2023", MISSING),
    Case(
        "en-changed-unit", EN_PAGE, "travel no more than 500 miles from the port of entry", MISSING
    ),
    Case(
        "en-changed-days",
        EN_PAGE,
        "holders may stay up to 15 weeks and travel no more than",
        MISSING,
    ),
    Case(
        "en-per-cent-to-currency",
        EN_PAGE,
        "travelled in 2023, up 40 dollars on the year before",
        MISSING,
    ),
    Case(
        "en-changed-year",
        EN_PAGE,
        "About 8.19 million people travelled in 2022, up 40 per cent",
        MISSING,
    ),
    Case(
        "en-changed-weekday",
        EN_PAGE,
        "The State Council said on Tuesday that China extends",
        MISSING,
    ),
    Case(
        "en-changed-month",
        EN_PAGE,
        "Tourism revenue rose in April, and ministers cannot yet say",
        MISSING,
    ),
    Case("en-negation-dropped", EN_PAGE, "The policy does apply to diplomatic passports", MISSING),
    Case(
        "en-negation-added",
        EN_PAGE,
        "Officials said the trial would never run for one year",
        MISSING,
    ),
    Case(
        "en-cannot-to-can",
        EN_PAGE,
        "and ministers can yet say whether the scheme will be made permanent",
        MISSING,
    ),
    Case(
        "en-number-word",
        EN_PAGE,
        "Officials said the trial would run for two years and be reviewed",
        MISSING,
    ),
    Case(
        "en-swapped-clauses",
        EN_PAGE,
        "including France and Germany, China extends visa-free entry to 12 countries",
        MISSING,
    ),
    Case(
        "en-paraphrase",
        EN_PAGE,
        "Beijing is letting people from twelve nations visit without a visa",
        MISSING,
    ),
    Case(
        "en-elided-out-of-order",
        EN_PAGE,
        "diplomatic passports … About 8.19 million people",
        MISSING,
    ),
    # Text a reader does not see.
    Case(
        "hidden-attribute",
        html(f"{VISIBLE}<div hidden><p>{GONE}</p></div>"),
        GONE.rstrip("."),
        MISSING,
    ),
    Case(
        "aria-hidden",
        html(f'{VISIBLE}<span aria-hidden="true">{GONE}</span>'),
        GONE.rstrip("."),
        MISSING,
    ),
    Case(
        "display-none",
        html(f'{VISIBLE}<p style="display: none">{GONE}</p>'),
        GONE.rstrip("."),
        MISSING,
    ),
    Case(
        "visibility-hidden",
        html(f'{VISIBLE}<p style="visibility:hidden">{GONE}</p>'),
        GONE.rstrip("."),
        MISSING,
    ),
    Case(
        "script",
        html(f"{VISIBLE}<script>var s = '{GONE}';</script>"),
        GONE.rstrip("."),
        MISSING,
    ),
    Case(
        "style",
        html(f"<style>/* {GONE} */ p {{ color: red }}</style>{VISIBLE}"),
        GONE.rstrip("."),
        MISSING,
    ),
    Case(
        "comment",
        html(f"{VISIBLE}<!-- {GONE} -->"),
        GONE.rstrip("."),
        MISSING,
    ),
    Case(
        "template",
        html(f"{VISIBLE}<template><p>{GONE}</p></template>"),
        GONE.rstrip("."),
        MISSING,
    ),
    # Chinese.
    Case(
        "zh-changed-digit", html(f"<p>{ZH}</p>", "gbk"), "过境不超过16天，可免办签证入境", MISSING
    ),
    Case(
        "zh-negation-dropped",
        html(f"<p>{ZH}</p>", "gbk"),
        "探亲访友和过境超过15天，可免办签证入境",
        MISSING,
    ),
    Case(
        "zh-changed-unit",
        html(f"<p>{ZH}</p>", "gbk"),
        "探亲访友和过境不超过15年，可免办签证入境",
        MISSING,
    ),
    Case(
        "zh-changed-numeral",
        html(f"<p>{ZH}</p>", "gbk"),
        "西班牙和马来西亚七国持普通护照人员试行单方面免签政策",
        MISSING,
    ),
    Case(
        "zh-tw-negation-added",
        html(f"<p>{ZH_TW}</p>", "big5"),
        "外交部發言人表示，這一舉措並非旨在促進中外人員往來",
        MISSING,
    ),
    Case(
        "zh-swapped-clauses", html(f"<p>{ZH}</p>", "gbk"), "可免办签证入境，过境不超过15天", MISSING
    ),
    Case(
        "zh-negation-cut-off-the-start",
        html(f"<p>{ZH}</p>", "gbk"),
        "超过15天，可免办签证入境",
        MISSING,
    ),
    # Japanese.
    Case(
        "ja-negation-cut-off-the-end",
        html(f"<p>{JA}</p>", "shift_jis"),
        "日本は今回の措置の対象に含まれてい",
        MISSING,
    ),
    Case(
        "ja-negation-dropped",
        html(f"<p>{JA}</p>", "shift_jis"),
        "日本は今回の措置の対象に含まれている",
        MISSING,
    ),
    Case(
        "ja-negation-polite-dropped",
        html(f"<p>{JA}</p>", "euc-jp"),
        "外務省の報道官は、延長するかどうかはまだ決めますと述べた",
        MISSING,
    ),
    Case(
        "ja-changed-digit",
        html(f"<p>{JA}</p>", "shift_jis"),
        "最長16日間ビザなしで中国に滞在できる",
        MISSING,
    ),
    # Korean.
    Case(
        "ko-negation-dropped",
        html(f"<p>{KO}</p>", "euc-kr"),
        "한국은 이번 조치에 포함되었다",
        MISSING,
    ),
    Case(
        "ko-negation-added",
        html(f"<p>{KO}</p>", "euc-kr"),
        "최대 15일까지 비자 없이 중국에 머무를 수 없다",
        MISSING,
    ),
    Case(
        "ko-changed-unit",
        html(f"<p>{KO}</p>", "euc-kr"),
        "국민은 사업, 관광, 친척 방문 및 경유 목적으로 최대 15개월까지",
        MISSING,
    ),
    Case(
        "ko-changed-digit",
        html(f"<p>{KO}</p>"),
        "중국 정부는 2023년 11월 1일부터 프랑스, 독일, 이탈리아",
        MISSING,
    ),
    # PDF.
    Case(
        "pdf-changed-decimal",
        PDF_PAGE,
        "arrivals grew by 25.3 per cent in the first quarter",
        MISSING,
    ),
    Case(
        "pdf-negation-dropped",
        PDF_PAGE,
        "South Korea was included in the first list of countries",
        MISSING,
    ),
    Case(
        "pdf-changed-month",
        PDF_PAGE,
        "The waiver was extended to 38 countries by October 2024",
        MISSING,
    ),
]
