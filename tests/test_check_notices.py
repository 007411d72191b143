"""The pure rules behind soft 404s by principle: page likeness, removal and not-found notices."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.check.html import PageFacts
from claimcheck.check.likeness import (
    MIN_WORDS,
    is_short,
    own_words,
    same_page,
    similarity,
    url_words,
)
from claimcheck.check.notices import not_found_heading, removal_notice

NAVIGATION = (
    "Home World Politics Business Science Technology Health Sport Culture Opinion Video "
    "Podcasts Newsletters Subscribe Sign in Search Most read today Editor's picks Weather "
    "Markets Crosswords Travel Food Style Books Obituaries Corrections Contact us"
)
FOOTER = "About us Careers Advertise Terms of use Privacy policy Cookie settings Copyright 2025"
ARTICLES = (
    "Researchers at the university reported on Tuesday that a new catalyst splits water into "
    "hydrogen and oxygen at half the energy cost of the best commercial electrolysers.",
    "The city council approved a plan on Monday night to close three bridges for repairs this "
    "summer, warning commuters to expect delays of up to forty minutes each way.",
)
HOME = (
    "Top stories today: parliament votes on the budget, a storm closes schools across the "
    "north, and the central bank holds its rate steady for the third month running."
)


def facts(
    title: str | None,
    text: str,
    *,
    h1: str | None = None,
    password: bool = False,
    text_complete: bool = True,
) -> PageFacts:
    """What a page's facts would be."""
    return PageFacts(title=title, h1=h1, text=text, password=password, text_complete=text_complete)


# Likeness -----------------------------------------------------------------------------


def test_page_with_the_same_title_and_text_is_the_same_page() -> None:
    page = facts("Example News", f"{NAVIGATION} {HOME} {FOOTER}")

    assert same_page(page, facts("Example News", page.text), frozenset())


def test_distinct_articles_sharing_navigation_and_title_are_not_the_same_page() -> None:
    first, second = (facts("Example News", f"{NAVIGATION} {text} {FOOTER}") for text in ARTICLES)

    assert not same_page(first, second, frozenset())
    assert similarity(first.text, second.text) < 0.8


def test_an_article_is_not_the_sites_home_page() -> None:
    home = facts("Example News", f"{NAVIGATION} {HOME} {FOOTER}")
    article = facts("Example News", f"{NAVIGATION} {ARTICLES[0]} {FOOTER}")

    assert not same_page(article, home, frozenset())


# A site's menus and notices, not marked as navigation, in 300 words: they outweigh a
# short press release on every page of the site.
TEMPLATE = " ".join(
    [
        NAVIGATION,
        *(f"Region {n} office {n + 100} consular notice {n + 200}" for n in range(36)),
        FOOTER,
    ]
)
RELEASE = (
    "Ordinary passport holders from the Republic of Korea may enter China without a visa "
    "for up to fifteen days, for business, tourism, family visits and transit, from 8 "
    "November 2024 to 31 December 2025, the ministry said on Friday."
)


def test_short_release_outweighed_by_its_sites_template_is_its_own_page() -> None:
    release = facts("Ministry", f"{TEMPLATE} {RELEASE}")
    nonsense = facts("Ministry", TEMPLATE)

    assert similarity(release.text, nonsense.text) >= 0.8
    assert not same_page(release, nonsense, frozenset())


def test_catch_all_page_differing_by_a_date_line_is_the_same_page() -> None:
    first = facts("Example News", f"{NAVIGATION} {HOME} Tuesday 2 December 2026 10:41 {FOOTER}")
    second = facts("Example News", f"{NAVIGATION} {HOME} Tuesday 2 December 2026 10:42 {FOOTER}")

    assert same_page(first, second, frozenset())


def test_pages_with_different_titles_are_not_the_same_page() -> None:
    text = f"{NAVIGATION} {HOME}"

    assert not same_page(facts("Catalyst", text), facts("Example News", text), frozenset())


def test_words_of_the_addresses_are_left_out_of_titles_and_texts() -> None:
    cited, nonsense = (
        "http://a.example/papers/deep-learning",
        "http://a.example/claimcheck-0a-missing",
    )
    ignored = url_words((cited, nonsense))
    first = facts("deep learning - Example", f"No page at /papers/deep-learning. {HOME}")
    second = facts("claimcheck 0a missing - Example", f"No page at /claimcheck-0a-missing. {HOME}")

    assert {"papers", "deep", "learning", "claimcheck", "0a", "missing"} <= ignored
    assert same_page(first, second, ignored)
    assert not same_page(first, second, frozenset())


def test_texts_too_short_to_tell_are_never_alike() -> None:
    shell = "You need to enable JavaScript to run this app."

    assert len(shell.split()) < MIN_WORDS
    assert similarity(shell, shell) == 0.0


def test_chinese_text_is_compared_character_by_character() -> None:
    text = "本网站提供最新的新闻资讯和深度报道欢迎订阅我们的每日简报获取更多内容"

    assert similarity(text, text) == 1.0
    assert similarity(text, text[::-1]) < 0.2


WORDS = st.lists(
    st.sampled_from(["the", "a", "of", "water", "city", "bridge", "hydrogen", "水", "桥", "다리"])
)


@settings(deadline=None, max_examples=200)
@given(first=WORDS, second=WORDS)
def test_similarity_is_symmetric_and_between_0_and_1(first: list[str], second: list[str]) -> None:
    one, two = " ".join(first), " ".join(second)

    assert similarity(one, two) == similarity(two, one)
    assert 0.0 <= similarity(one, two) <= 1.0


@settings(deadline=None, max_examples=200)
@given(first=WORDS, second=WORDS)
def test_own_words_are_words_of_the_text_the_other_lacks_in_runs(
    first: list[str], second: list[str]
) -> None:
    own = own_words(first, second)

    assert 0 <= own <= len(first)
    assert own_words(first, first) == 0
    if not set(first) - set(second):
        assert own_words(first, second + first) == 0


@settings(deadline=None, max_examples=100)
@given(words=st.lists(st.text("abcdefgh", min_size=1, max_size=6), min_size=MIN_WORDS + 2))
def test_a_text_is_identical_to_itself(words: list[str]) -> None:
    text = " ".join(words)

    assert similarity(text, text) == 1.0


# Removal notices ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "notice",
    [
        "This article has been removed.",
        "Sorry, this page is no longer available.",
        "The content you requested has expired.",
        "The page you are looking for might have been removed.",
        "This post has been deleted by its author.",
        "This job posting has expired",
        "Sign in This post has been removed by the moderators.",
        "Oops! this page has expired",
        "该文章已被删除",
        "此内容已下线",
        "页面已失效",
        "很抱歉\uff0c您访问的页面不存在或已被删除",
        "该内容已被发布者删除",
        "此内容因违规无法查看",
        "对不起\uff0c该文章已被删除",
        "삭제된 게시물입니다",
        "존재하지 않는 페이지입니다",
        "게시물이 삭제되었습니다",
        "해당 게시물이 삭제되었습니다.",
        "죄송합니다. 게시물이 삭제되었습니다",
        "요청하신 페이지는 삭제되었거나 존재하지 않습니다",
        "찾으시는 페이지가 삭제되었습니다",
        "해당 콘텐츠는 더 이상 제공되지 않습니다",
        "このページは削除されました",
        "掲載期間が終了しました",
        "申し訳ございません\u3001このページは削除されました\u3002",
        "すみません\u3002ページは削除されました",
        "お探しのページは削除されたか\u3001URLが変更された可能性があります\u3002",
    ],
)
def test_short_page_holding_a_removal_notice_is_a_notice(notice: str) -> None:
    page = facts("Example", f"{NAVIGATION} {notice} {FOOTER}")

    assert removal_notice(page) is not None


@pytest.mark.parametrize(
    "heading",
    [
        "This page is no longer available | Example News",
        "Oops! This article has been removed - Example",
        "该文章已被删除_新浪网",
        "页面已失效-新华网",
        "삭제된 게시물입니다 : 네이버 블로그",
        "このページは削除されました\uff5c求人ナビ",
    ],
)
def test_title_that_is_a_removal_notice_makes_a_notice(heading: str) -> None:
    long_text = " ".join(ARTICLES * 20)

    assert removal_notice(facts(heading, long_text)) == heading
    assert removal_notice(facts("Example", long_text, h1=heading)) == heading


@pytest.mark.parametrize(
    "heading",
    [
        "The post has been removed after backlash, Meta says",
        "Why this article has been withdrawn from the journal and what it means",
        "张三的文章已被删除",
        "삭제된 게시물 복구하는 방법",
        "彼の記事は削除されました",
        "How to restore a page that is no longer available",
    ],
)
def test_headline_about_a_removal_is_not_a_notice(heading: str) -> None:
    assert removal_notice(facts(heading, " ".join(ARTICLES * 20))) is None


@pytest.mark.parametrize(
    "brief",
    [
        "The video has been removed after complaints from viewers, the broadcaster said.",
        "Officials said the document was withdrawn on Friday pending a review.",
        "The post is no longer available in China, where the platform is blocked.",
        "The company said this post has been removed for violating its rules.",
        'Users who clicked the link saw a message: "This video has been removed."',
        "Officials said that document was withdrawn on Friday pending a review.",
        "网友发布的该视频已被删除\uff0c警方已介入调查\u3002",
        "他的文章已被删除\uff0c平台称将加强审核\u3002",
        "논란이 된 게시물이 삭제되었습니다.",
        "문제의 게시글이 삭제되었습니다.",
        "경찰은 삭제된 게시물을 복구했다고 밝혔습니다.",
        "해당 링크에는 현재 '삭제된 게시물입니다'라는 문구만 표시된다.",
        "링크를 누르면 \u201c게시물이 삭제되었습니다\u201d라고 나온다.",
        "회사 측은 동영상이 삭제되었습니다라고 말했습니다.",
        "해커들이 존재하지 않는 페이지를 만들어 사용자를 속였습니다.",
        "이 서비스는 더 이상 제공되지 않는다고 밝혔다.",
        "警察によると\u3001投稿は削除されました\u3002",
        "その後\u3001動画は削除されました\u3002",
        "\u300cこの記事は削除されました\u300dと表示されたという\u3002",
    ],
)
def test_short_news_brief_reporting_a_removal_is_not_a_notice(brief: str) -> None:
    assert removal_notice(facts("Broadcaster pulls airport video", brief)) is None


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Visa waiver question | Travel forum",
            "kimtravels Does the visa waiver for Korean citizens still apply in 2025? Planning "
            "a 10 day trip. mod_anna This post has been deleted by the author. lee88 Yes, it "
            "was extended until the end of 2025, 15 days max.",
        ),
        (
            "微博",
            "这件事必须说清楚\uff0c支持调查\uff01抱歉\uff0c此微博已被作者删除\u3002查看帮助 "
            "1月5日 12:03 来自 iPhone客户端 转发 12 评论 3 赞 40",
        ),
        (
            'Alice on X: "Wow, they deleted it." / X',
            "Wow, they deleted it. Screenshots are all over the place though. This Post was "
            "deleted by the Post author. Learn more 10:01 AM · Jan 5, 2024 · 1.2M Views",
        ),
    ],
    ids=["forum-reply", "repost-zh", "quoted-post"],
)
def test_a_notice_about_a_part_of_the_page_below_its_own_text_is_not_a_notice(
    title: str, text: str
) -> None:
    page = facts(title, text)

    assert is_short(page)
    assert removal_notice(page) is None


def test_short_notice_pointing_at_the_page_itself_is_a_notice() -> None:
    for notice in ("This video has been removed.", "The video you requested has been removed."):
        assert removal_notice(facts("Example", notice)) is not None


def test_long_article_quoting_a_removal_is_not_a_notice() -> None:
    text = f'{" ".join(ARTICLES * 10)} A moderator wrote: "this post has been removed." {HOME}'
    page = facts("Forum row over catalyst claims", text)

    assert not is_short(page)
    assert removal_notice(page) is None


def test_short_text_cut_by_the_budget_is_not_short() -> None:
    page = facts("Example", "This article has been removed.", text_complete=False)

    assert not is_short(page)
    assert removal_notice(page) is None


def test_page_without_a_removal_notice_is_no_notice() -> None:
    assert removal_notice(facts("Example News", f"{NAVIGATION} {HOME}")) is None
    assert removal_notice(None) is None


# Not-found notices --------------------------------------------------------------------

NOT_FOUND_NOTICES = (
    "Page not found",
    "404 Not Found",
    "Error 404",
    "Sorry, this page does not exist",
    "The page you requested was not found",
    "对不起\uff0c您访问的页面不存在",
    "페이지를 찾을 수 없습니다",
    "お探しのページが見つかりません",
)
# Words a headline is made of, none of them a word a notice may stand beside.
HEADLINE_WORDS = st.lists(
    st.sampled_from(["why", "study", "finds", "web", "rot", "ministry", "says", "visa", "history"]),
    min_size=1,
    max_size=8,
)
SEPARATORS = st.sampled_from([" | ", " - ", " \u2013 ", "_"])


@settings(deadline=None, max_examples=200)
@given(
    notice=st.sampled_from(NOT_FOUND_NOTICES),
    site=HEADLINE_WORDS,
    separator=SEPARATORS,
    site_first=st.booleans(),
)
def test_not_found_notice_beside_its_site_name_is_a_notice(
    notice: str, site: list[str], separator: str, site_first: bool
) -> None:
    name = " ".join(site).title()
    title = f"{name}{separator}{notice}" if site_first else f"{notice}{separator}{name}"

    assert not_found_heading(facts(title, " ".join(ARTICLES * 20))) == title


@settings(deadline=None, max_examples=300)
@given(
    notice=st.sampled_from(NOT_FOUND_NOTICES),
    before=HEADLINE_WORDS,
    after=HEADLINE_WORDS.filter(lambda found: len(found) > 3),
    joint=st.sampled_from([": ", ", ", " "]),
    where=st.sampled_from(["before", "after", "both"]),
)
def test_headline_built_around_a_not_found_notice_is_not_a_notice(
    notice: str, before: list[str], after: list[str], joint: str, where: str
) -> None:
    """Other words in the same part of the title make a sentence about a missing page;
    words after a colon make one too once they are more than a site's name."""
    lead = " ".join(before) + " " if where in {"before", "both"} else ""
    tail = joint + " ".join(after) if where in {"after", "both"} else ""
    headline = f"{lead}{notice}{tail}"

    assert not_found_heading(facts(headline, " ".join(ARTICLES * 20))) is None


def test_not_found_title_with_a_short_name_after_a_colon_needs_a_short_page() -> None:
    title = "Page not found: Example University"

    assert not_found_heading(facts(title, "Sorry, there is nothing here.")) == title
    assert not_found_heading(facts(title, " ".join(ARTICLES * 20))) is None
