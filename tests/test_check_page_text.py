"""A page's main text and password field, read in the same pass as its title and heading."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.check.html import TEXT_LIMIT, page_facts

BOTH_WAYS = pytest.mark.parametrize("anchors", [False, True], ids=["searched", "parsed"])


@BOTH_WAYS
def test_main_text_leaves_out_scripts_styles_and_the_sites_boilerplate(anchors: bool) -> None:
    document = (
        "<!doctype html><html><head><title>Catalyst</title><style>p{color:red}</style>"
        "<script>var menu = '<nav>';</script></head><body>"
        "<header><a href=/>Example News</a></header><nav><a href=/world>World</a></nav>"
        "<p>Water splits &amp; <b>hydrogen</b> flows.</p><!-- <p>hidden</p> -->"
        "<noscript>Enable JavaScript</noscript><aside>Most read</aside>"
        "<svg><title>logo</title></svg><footer>Copyright</footer></body></html>"
    )

    facts = page_facts(document, anchors=anchors)

    assert facts.text == "Water splits & hydrogen flows."
    assert facts.text_complete
    assert (facts.title, facts.password) == ("Catalyst", False)


@BOTH_WAYS
@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("<div hidden><p>Menu</p><div>More menu</div></div><p>Shown.</p>", "Shown."),
        ('<div aria-hidden="true">Menu<div>sub</div>more menu</div><p>Shown.</p>', "Shown."),
        ('<section style="color: red; display : none">Menu</section>Shown.', "Shown."),
        ("<span style='visibility:hidden'>Menu</span>Shown.", "Shown."),
        ('<div class="hidden-xs visually-hidden">Shown</div> too.', "Shown too."),
        (
            '<input type="hidden" name="t" hidden>Shown after a hidden input.',
            "Shown after a hidden input.",
        ),
        ('<div aria-hidden="false">Shown.</div>', "Shown."),
        ("<div hidden><main>Menu</main></div><p>Shown.</p>", "Shown."),
        ("<main><p>Shown.</p><span aria-hidden=true>Icon</span></main>", "Shown."),
        ("<p>Shown.</p><div hidden>Never closed", "Shown."),
        # An element whose end tag HTML lets the page leave out ends where a browser ends it.
        ("<ul><li hidden>Draft<li>Shown.</ul>", "Shown."),
        ("<p hidden>Note<p>Shown.", "Shown."),
        ("<p style=display:none>Note<div>Shown.</div>", "Shown."),
        ("<table><tr><td hidden>1001<td>Shown.</table>", "Shown."),
        ("<dl><dt>Term<dd hidden>Note<dt>Shown.</dl>", "Term Shown."),
        ("<ul><li hidden>Draft<ul><li>a<li>b</ul>still hidden<li>Shown.</ul>", "Shown."),
        ("<div><p hidden>Note</div>Shown.", "Shown."),
    ],
)
def test_elements_hidden_by_their_attributes_are_left_out(
    anchors: bool, body: str, text: str
) -> None:
    facts = page_facts(
        f"<html><head><title>t</title></head><body>{body}</body></html>", anchors=anchors
    )

    assert facts.text == text


@BOTH_WAYS
@pytest.mark.parametrize(
    "before",
    [
        '<template id="404"><h1>Page not found</h1></template>',
        "<div hidden><div><h1>Page not found</h1></div></div>",
        '<h1 style="display: none">Page not found</h1>',
        "<script>var page = '<h1>Page not found</h1>';</script>",
        "<!-- <h1>Page not found</h1> -->",
        "<noscript><h1>Page not found</h1></noscript>",
        "<svg><h1>Page not found</h1></svg>",
    ],
)
def test_the_heading_is_the_first_one_a_reader_sees(anchors: bool, before: str) -> None:
    document = f"<body>{before}<header><h1>Catalyst splits water</h1></header><p>Text.</p></body>"

    assert page_facts(document, anchors=anchors).h1 == "Catalyst splits water"


@BOTH_WAYS
def test_main_element_is_the_main_text_when_the_page_has_one(anchors: bool) -> None:
    document = (
        "<body><div>Menu: World Politics</div><main><p>The article itself.</p></main>"
        "<div>Related stories</div></body>"
    )

    assert page_facts(document, anchors=anchors).text == "The article itself."


@BOTH_WAYS
def test_unclosed_head_ends_where_the_body_begins(anchors: bool) -> None:
    document = "<html><head><title>T</title><body class=x><p>Body text.</p>"

    assert page_facts(document, anchors=anchors).text == "Body text."


@BOTH_WAYS
def test_a_lone_less_than_sign_is_text(anchors: bool) -> None:
    assert page_facts("<p>3 < 4 and 5 > 2</p>", anchors=anchors).text == "3 < 4 and 5 > 2"


@BOTH_WAYS
@pytest.mark.parametrize(
    "field",
    ['<input type="password" name="p">', "<INPUT name=p TYPE=Password>", "<input type='password'>"],
)
def test_password_field_is_seen(anchors: bool, field: str) -> None:
    facts = page_facts(f"<form><input name=user>{field}</form>", anchors=anchors)

    assert facts.password


@BOTH_WAYS
def test_password_word_outside_a_field_is_not_a_field(anchors: bool) -> None:
    document = "<p>Forgot your password? <input type=email name=password></p>"

    assert not page_facts(document, anchors=anchors).password


@BOTH_WAYS
def test_long_text_is_kept_to_the_limit_and_said_to_be_cut(anchors: bool) -> None:
    document = "<body>" + "<p>word and more words</p>" * 5000 + "</body>"

    facts = page_facts(document, anchors=anchors)

    assert len(facts.text) == TEXT_LIMIT
    assert facts.text.startswith("word and more words word")
    assert not facts.text_complete


@BOTH_WAYS
def test_text_spread_over_much_whitespace_is_read_whole(anchors: bool) -> None:
    document = "<body>" + "<p>word</p>\n" + " " * 12000 + "<p>last</p></body>"

    facts = page_facts(document, anchors=anchors)

    assert (facts.text, facts.text_complete) == ("word last", True)


def test_text_after_a_long_run_of_markup_is_said_to_be_cut() -> None:
    document = "<body>" + '<div class="flex items-center px-4"></div>' * 2000 + "<p>Gone.</p>"

    facts = page_facts(document, anchors=False)

    assert not facts.text_complete


def test_main_element_after_a_long_preamble_is_still_found() -> None:
    document = "<body>" + "<div>menu entry</div>" * 2000 + "<main><p>Article.</p></main>"

    facts = page_facts(document, anchors=False)

    assert (facts.text, facts.text_complete) == ("Article.", True)


WORDS = st.text(alphabet="abcxyz\u4e2d\u6587", min_size=1, max_size=8)
ELEMENTS = st.sampled_from(
    ["p", "div", "span", "nav", "script", "footer", "main", "b", "h1", "template"]
)
ATTRIBUTES = st.sampled_from(
    ["", "", " hidden", ' aria-hidden="true"', ' style="display:none"', ' class="hidden-xs"']
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Well-formed bodies of elements holding words, some nested, some hidden by attributes."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        name, attributes = draw(ELEMENTS), draw(ATTRIBUTES)
        inner = " ".join(draw(st.lists(WORDS, max_size=5)))
        if draw(st.booleans()):
            inside = draw(ELEMENTS.filter(lambda inner: inner != "h1"))  # headings do not nest
            inner += f" <{inside}{draw(ATTRIBUTES)}>{draw(WORDS)}</{inside}> {draw(WORDS)}"
        parts.append(f"<{name}{attributes}>{inner}</{name}> ")
    return "<html><head><title>t</title></head><body>" + "".join(parts) + "</body></html>"


@settings(deadline=None, max_examples=200)
@given(document=documents())
def test_searching_and_parsing_find_the_same_main_text_and_heading(document: str) -> None:
    searched, parsed = page_facts(document, anchors=False), page_facts(document, anchors=True)

    assert (searched.text, searched.h1) == (parsed.text, parsed.h1)


@settings(deadline=None, max_examples=200)
@given(
    document=st.text(alphabet=st.sampled_from(list("<>/!-ab =\"'main nav script")), max_size=400)
)
def test_any_markup_gives_a_bounded_text_without_raising(document: str) -> None:
    for anchors in (False, True):
        facts = page_facts(document, anchors=anchors)
        assert len(facts.text) <= TEXT_LIMIT
        assert facts.text == " ".join(facts.text.split())


@BOTH_WAYS
def test_hidden_elements_nested_100_000_deep_take_linear_time(anchors: bool) -> None:
    depth = 100_000
    document = "<body>" + "<div hidden>" * depth + "x" + "</div>" * depth + "<p>After.</p></body>"

    start = time.process_time()
    facts = page_facts(document, anchors=anchors)

    assert time.process_time() - start < 10  # under a second; a list of open elements, minutes
    assert facts.text == ("After." if anchors else "")  # searching reads the first 256 KiB


@BOTH_WAYS
@pytest.mark.parametrize(
    "mount",
    [
        '<div id="root"></div>',
        "<div id=app data-v-app>\n</div>",
        '<div class="page" id="__next"></div>',
        "<app-root></app-root>",
    ],
)
def test_an_empty_application_mount_makes_the_page_a_shell(anchors: bool, mount: str) -> None:
    document = f"<html><head><title>App</title></head><body>{mount}<script src=a.js></script>"

    assert page_facts(document, anchors=anchors).shell


@BOTH_WAYS
@pytest.mark.parametrize(
    "markup",
    [
        '<div id="root"><p>Rendered on the server.</p></div>',
        '<div id="app-shell"></div>',
        '<div data-id="root"></div>',
        "<p>No application at all.</p>",
    ],
    ids=["filled", "other-id", "data-id", "none"],
)
def test_a_page_with_its_content_is_no_shell(anchors: bool, markup: str) -> None:
    assert not page_facts(f"<html><body>{markup}</body></html>", anchors=anchors).shell


@pytest.mark.parametrize(
    "hostile",
    ["<div " * 60_000, ("<div " + "a" * 990) * 300, "<x-root " * 50_000],
    ids=["unclosed-tags", "long-unclosed-tags", "unclosed-custom-elements"],
)
def test_looking_for_an_application_mount_takes_linear_time(hostile: str) -> None:
    start = time.process_time()
    page_facts(hostile, anchors=False)
    assert time.process_time() - start < 5  # a few milliseconds; one scan per tag, minutes
