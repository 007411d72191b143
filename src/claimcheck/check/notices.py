"""Pages standing in for the one cited: a not-found notice or a removal notice."""

from __future__ import annotations

import functools
import re

from claimcheck.check.html import PageFacts
from claimcheck.check.likeness import is_short, words

_NOUN_EN = (
    r"(?:web\s*)?(?:page|article|post|story|content|item|video|document|file|listing|entry|"
    r"thread|topic|question|answer|photo|image|tweet|resource|link|posting|vacancy|ad|"
    r"advert(?:isement)?|offer|product|job(?:\s+(?:posting|ad|offer))?)s?"
)
_SEEKING_CORE = (
    r"(?:that\s+)?you(?:'re|\u2019re|\s+are|\s+were)?\s+(?:requested|looking\s+for|"
    r"(?:tried|trying|want(?:ed)?)\s+to\s+(?:access|reach|view|open|see|read))\s+"
)
_SEEKING_EN = rf"(?:{_SEEKING_CORE})?"
# In a title or heading the notice is its part alone, so "the article" may be the page's own.
_SUBJECT_EN = rf"\b(?:this|that|the(?:\s+requested)?)\s+{_NOUN_EN}\s+{_SEEKING_EN}"
# In a page's text the notice points at the page itself ("this article", "the page you
# requested"): "the video has been removed after complaints" is a news brief. "This article"
# also starts a sentence of its own, after an apology at most: the text's start, a stop, or a
# capital letter ("Home News This post has been removed", a menu before it); "the company
# said this post has been removed" and a message quoted ('a message: "This video has been
# removed"') are news. The page the reader asked for is the page itself wherever it stands.
_SENTENCE_START_EN = (
    r"(?:(?:^|(?<=[.!?:;|\u2026]))\s*|(?<=\s)(?=(?-i:[A-Z])))"
    r"(?:(?:sorry|oops|we(?:'re|\u2019re|\s+are)\s+sorry)[\s,!.]*)?"
)
_SUBJECT_EN_IN_TEXT = (
    rf"(?:{_SENTENCE_START_EN}(?:this|that)\s+{_NOUN_EN}\s+{_SEEKING_EN}"
    rf"|\bthe\s+requested\s+{_NOUN_EN}\s+|\b(?:the|this|that)\s+{_NOUN_EN}\s+{_SEEKING_CORE})"
)
_BY = (
    r"(?:\s+by\s+(?:the|its|their)\s+"
    r"(?:author|owner|user|publisher|poster|administrator|moderator)s?)?"
)


def _removed_en(subject: str) -> str:
    """An English removal notice about ``subject``."""
    return (
        rf"{subject}(?:(?:has|have|had)\s+(?:now\s+)?(?:been\s+)?|(?:is|are|was|were)\s+(?:now\s+)?"
        r"|(?:may|might|could)\s+have\s+been\s+)"
        rf"(?:removed|deleted|withdrawn|taken\s+(?:down|offline)|expired|unpublished|discontinued){_BY}"
        rf"|{subject}(?:is|are)\s+no\s+longer\s+(?:available|accessible|online|published|active)"
    )


# Chinese and Japanese: the noun must start the sentence or follow a determiner ("this",
# "the page you asked for"), not a possessive: "his article was deleted" is news. In
# Chinese the determiner too starts its sentence, after an apology at most: "网友发布的该视频
# 已被删除" (the video netizens posted was deleted) is news; "抱歉, 该文章已被删除" a notice.
_REMOVED_ZH = (
    r"(?:(?:^|[\s,.!:|/\-\uff0c\u3002\uff01\uff1a])(?:(?:抱歉|对不起)[\s,\uff0c]*)?"
    r"(?:该|此|这个|这篇|这条|本)?"
    r"|您(?:所)?(?:要)?(?:访问|查看|浏览|请求)的|你(?:要)?(?:访问|查看|浏览)的)"
    r"(?:文章|内容|页面|网页|帖子|信息|新闻|视频|链接|资源|商品|微博|话题|博文|稿件|文档|资讯)"
    r"(?:(?:不存在[\uff0c,]?或)?(?:已经?被?|被)(?:发布者|作者|原作者|用户|博主|管理员)?"
    r"(?:删除|下线|撤下|撤销|撤回|移除|屏蔽|失效|过期|下架|关闭)|因违规无法查看)"
)
_NOUN_KO = r"(?:게시물|게시글|글|페이지|기사|콘텐츠|컨텐츠|동영상|영상|문서|상품|서비스)"
_GONE_KO = (
    r"(?:이|가|은|는)\s*(?:이미\s*)?(?:삭제|만료)(?:되었|됐)(?:습니다|거나|어요)"
    r"|(?:는|은|가|이)\s*더\s*이상\s*(?:제공되지\s*않|존재하지\s*않|이용할\s*수\s*없)"
)
_REMOVED_KO = (
    rf"삭제된\s*{_NOUN_KO}(?:입니다|이에요|예요)?"
    rf"|{_NOUN_KO}(?:{_GONE_KO})(?:습니다)?"
    rf"|존재하지\s*않는\s*{_NOUN_KO}(?:입니다)?"
)
# The Hangul syllables ending in ㄴ or ㄹ, as a word that qualifies the next one does (된, 한,
# 올린, 할), and 의 (of): "논란이 된 게시물이 삭제되었습니다" (the disputed post was deleted)
# is news, the post being one the sentence names.
_QUALIFIER_END_KO = "".join(chr(0xAC00 + 28 * i + final) for i in range(399) for final in (4, 8))
# In a page's text, then, the noun is not the object of a qualifier, except the polite
# ones a notice addresses its reader with ("요청하신 페이지", the page you asked for); the
# sentence is a whole one, not quoted in a longer one ("...삭제되었습니다라고 밝혔다", said
# that it was deleted); and the noun phrase stands alone ("삭제된 게시물을 복구했다", the deleted
# posts were restored, is news). The noun is a word of its own: 글 in 게시글 is no noun.
_UNQUALIFIED_KO = (
    rf"(?<![\uac00-\ud7a3])"
    rf"(?:(?<!(?-i:[{_QUALIFIER_END_KO}의])\s)|(?<=[시신]\s)|(?<=시는\s)|(?<=시려는\s))"
)
_WHOLE_KO = r"(?![\uac00-\ud7a3])"
# An apology may open the notice ("죄송합니다. 게시물이 삭제되었습니다", we are sorry, the post was
# deleted): it is part of the notice, not a sentence of the page's own before it. A notice in
# quotation marks is quoted: "링크에는 '삭제된 게시물입니다'라는 문구만 표시된다" (the link shows
# only the words 'this post was deleted') is news.
_REMOVED_KO_IN_TEXT = (
    r"(?:죄송합니다[.!\s]*)?(?<![\'\"\u2018\u201c\u300c\u300e])(?:"
    rf"삭제된\s*{_NOUN_KO}(?:입니다|이에요|예요){_WHOLE_KO}"
    rf"|{_UNQUALIFIED_KO}{_NOUN_KO}(?:{_GONE_KO})(?:(?<=거나)|(?<=어요)|(?<=습니다)|습니다){_WHOLE_KO}"
    rf"|존재하지\s*않는\s*{_NOUN_KO}입니다{_WHOLE_KO})"
    r"(?![\'\"\u2019\u201d\u300d\u300f])"
)
_NOUN_GONE_JA = (
    r"(?:ページ|記事|コンテンツ|投稿|動画|情報|求人|商品|ファイル)(?:は|が)(?:既に|すでに)?"
    r"(?:削除|公開終了|掲載終了|非公開に)(?:され|し|な)?"
    r"(?:ました|ています|ております|た可能性があります|たか|ったか|りました)"
)
_PERIOD_OVER_JA = (
    r"|掲載期間(?:が|は|を)?(?:終了|過ぎ)(?:しました|ました|いたしました|ています)"
    r"|公開(?:期間)?(?:が|は)?終了(?:しました|いたしました)"
)
_REMOVED_JA = (
    r"(?:^|[\s!:|\u3001\u3002\uff01\uff1a]|この|その|お探しの|ご指定の|指定された|該当の|該当する)"
    rf"{_NOUN_GONE_JA}{_PERIOD_OVER_JA}"
)
# In a page's text the noun, or the determiner pointing at the page ("this", "the page you
# are looking for"), starts its sentence, after an apology at most, and the sentence is not
# quoted: "警察によると、投稿は削除されました" (the police say the post was deleted), "その後、
# 動画は削除されました" (the video was then deleted) and "「この記事は削除されました」と表示された"
# (it showed "this article was deleted") are news.
_REMOVED_JA_IN_TEXT = (
    r"(?:^|(?<=[\s!?:|\u3002\uff01\uff1f\uff1a]))"
    r"(?:(?:申し訳(?:ございません|ありません)|すみません)[\u3001\u3002\uff01,!]?\s*)?"
    r"(?:この|お探しの|ご指定の|指定された|該当の|該当する)?"
    rf"{_NOUN_GONE_JA}(?![\u300d\u300f]){_PERIOD_OVER_JA}"
)


@functools.cache
def _removed() -> re.Pattern[str]:
    """A removal notice in a title or heading: compiled when a page is first judged (a run
    from the cache judges none, and the patterns take milliseconds to compile)."""
    return re.compile(
        "|".join((_removed_en(_SUBJECT_EN), _REMOVED_ZH, _REMOVED_KO, _REMOVED_JA)),
        re.IGNORECASE,
    )


@functools.cache
def _removed_in_text() -> re.Pattern[str]:
    """A removal notice in a short page's text (compiled when one is first read)."""
    return re.compile(
        "|".join(
            (
                _removed_en(_SUBJECT_EN_IN_TEXT),
                _REMOVED_ZH,
                _REMOVED_KO_IN_TEXT,
                _REMOVED_JA_IN_TEXT,
            )
        ),
        re.IGNORECASE,
    )


# A title or heading is the notice itself when one of its parts is the phrase and nothing
# else but an apology and punctuation; "The post has been removed after backlash" is news.
_PARTS = re.compile(
    r"\s[-|:\u2013\u2014\u00b7]\s|[|_\u2013\u2014\uff5c]"
    r"|(?<=[\u3000-\u9fff\uac00-\ud7af])-|-(?=[\u3000-\u9fff\uac00-\ud7af])"
)
_APOLOGY = re.compile(
    r"(?:[\W_]|oops|sorry|we(?:'re|\u2019re| are)\s+sorry|uh[- ]oh|抱歉|对不起|很抱歉|죄송합니다"
    r"|申し訳(?:ございません|ありません)|すみません)*",
    re.IGNORECASE,
)
_TRAILER = re.compile(r"[\W_]*")
# A sentence's stop, and the words (a Chinese or Japanese character is one) that make a
# sentence of the page's own before a removal notice in its text.
_STOP = re.compile(r"[.!?\u3002\uff01\uff1f]")
_OWN_SENTENCE_WORDS = 6

# A title or heading saying the page was not found (English, Chinese, Korean, Japanese).
_NOT_FOUND = re.compile(
    r"(?:page|file|document|article|content)s?\s+" + _SEEKING_EN + r"(?:was\s+|is\s+)?"
    r"(?:not\s+found|cannot\s+be\s+found|could\s+not\s+be\s+found|"
    r"does\s+not\s+exist|doesn['\u2019]?t\s+exist|no\s+longer\s+exists?)"
    r"|\b404\b.{0,20}not\s+found|not\s+found.{0,20}\b404\b|\berror\s*404\b|\b404\s+error\b"
    r"|^\s*404\b|^\s*not\s+found\s*(?:$|[|:\-\u2013\u2014])"
    r"|^(?:对不起|抱歉|很抱歉)?[\uff0c,\s]*(?:您(?:所)?(?:要)?访问的)?(?:页面|网页)(?:不存在|未找到|找不到)"
    r"|(?:页面|网页)(?:不存在|未找到)\s*(?:$|[|:\-\u2013\u2014])"
    r"|페이지를\s*찾을\s*수\s*없습니다|ページが見つかりません",
    re.IGNORECASE,
)
# A word every such message holds: a heading without one needs no closer look.
_NOT_FOUND_HINT = re.compile("found|exist|404|页面|网页|페이지|ページ", re.IGNORECASE)
# What may stand beside that message in a not-found notice: punctuation, status codes, an
# apology, "error", the words of the message itself. Any other word makes it a sentence.
_NOT_FOUND_FILLER = re.compile(
    r"[\W\d_]+"
    r"|\b(?:sorry|oops|whoops|uh|oh|error|http|status|code|not|found|page|the|this|that"
    r"|requested|we|re|are)\b"
    r"|对不起|很抱歉|抱歉|您(?:所)?(?:要)?(?:访问|查看|请求)的|你(?:要)?访问的|错误"
    r"|お探しの|ご指定の|指定された|申し訳(?:ございません|ありません)|すみません|エラー"
    r"|죄송합니다|요청하신|오류",
    re.IGNORECASE,
)
# "Page not found: Example University": a name of a few words after the message, set off by
# a colon, comma or bracket, on a page whose main text is short.
_NAME_AFTER = re.compile(r"\s*[:,(\[\uff1a\uff0c\u3010]")
_NAME_WORDS = 3


def removal_notice(page: PageFacts | None) -> str | None:
    """The words saying the page's content was removed, when they are its main text.

    That is: one part of the title or of the main heading is the notice itself, or the
    page's main text is short (is_short) and holds it with no sentence of the page's own
    before it. An article quoting such words is not a notice, nor is one about a part of the
    page: a reply deleted below a forum post, a deleted post that a post quotes.
    """
    if page is None:
        return None
    for heading in (page.title, page.h1):
        if heading and any(_is_notice(part) for part in _PARTS.split(heading)):
            return heading
    found = _removed_in_text().search(page.text) if is_short(page) else None
    # The text before the notice, with the stop the notice's match may open with.
    if found and not _own_sentence(page.text[: found.start() + 1]):
        # Quoted without the apology a Chinese notice may open with.
        notice = _APOLOGY.sub("", found.group(0), count=1)
        return notice.strip(" ,.!:|/-\uff0c\u3002\uff01\uff1a\u3001")
    return None


def _own_sentence(text: str) -> bool:
    """Whether ``text`` holds a sentence of some words, ended by its stop: a menu, a
    breadcrumb or an apology does not, a post or a comment does."""
    return any(len(words(sentence)) >= _OWN_SENTENCE_WORDS for sentence in _STOP.split(text)[:-1])


def _is_notice(part: str) -> bool:
    found = _removed().search(part)
    if found is None:
        return False
    before, after = part[: found.start()], part[found.end() :]
    return bool(_APOLOGY.fullmatch(before)) and bool(_TRAILER.fullmatch(after))


def not_found_heading(page: PageFacts | None, named: frozenset[str] = frozenset()) -> str | None:
    """The page's title or main heading when it is a notice that the page was not found.

    That is: one of its parts is the message and nothing else but an apology, "error", a
    status code and punctuation ("Page not found | Example", "Oops! Error 404"), or the
    message and a name of a few words after a colon on a page whose main text is short
    ("Page not found: Example University"). A headline about such a page ("Error 404: why
    the web forgets", "Leaked document does not exist, ministry says") is not a notice, nor
    is a part whose every word the cited address names (``named``, its words): an album
    cited at /wiki/Page_Not_Found_(album) and titled "Page Not Found (album)" is its subject.
    """
    if page is None:
        return None
    for heading in (page.title, page.h1):
        if (
            heading
            and _NOT_FOUND_HINT.search(heading)
            and any(
                _says_not_found(part, page) and not set(words(part)) <= named
                for part in _PARTS.split(heading)
            )
        ):
            return heading
    return None


def _says_not_found(part: str, page: PageFacts) -> bool:
    found = _NOT_FOUND.search(part)
    if found is None or not _filler_only(part[: found.start()]):
        return False
    after = _NOT_FOUND.sub(" ", part[found.end() :])
    if _filler_only(after):
        return True
    return (
        _NAME_AFTER.match(after) is not None and len(words(after)) <= _NAME_WORDS and is_short(page)
    )


def _filler_only(text: str) -> bool:
    return not _NOT_FOUND_FILLER.sub("", text)
