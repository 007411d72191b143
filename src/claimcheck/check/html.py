"""What a checker needs from an HTML page: title, headings, refresh, main text, anchors."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from claimcheck.charsets import decode
from claimcheck.check.visible import ENDED_WITHOUT_END_TAG, VOID, Cover, VisibleText, hidden_by

_REFRESH = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.IGNORECASE)
# The main text kept of a page, in characters: enough to compare two pages and to tell a
# short notice from an article, bounded so that a page costs little to read and compare.
TEXT_LIMIT = 4 * 1024
# At most this many characters of a page (markup included) are read for its main text.
_TEXT_BUDGET = 16 * 1024
# Elements whose text is not the page's own content: unrendered, or the site's boilerplate
# around it (navigation, banners, footers, sidebars), the same on every page of a site.
_HIDDEN = frozenset(
    {"head", "title", "script", "style", "template", "noscript", "svg"}
    | {"nav", "header", "footer", "aside"}
)


@dataclass(frozen=True)
class PageText:
    """An HTML body as decoded for its facts, kept for the archive's text: the markup and
    its charset, and the visible text when the facts' parse read it along."""

    markup: str
    charset: str
    read_along: str | None = None

    def visible_text(self) -> str:
        """The text a reader sees: read along with the facts, else now, in one parse."""
        return self.read_along if self.read_along is not None else visible_text(self.markup)


@dataclass
class PageFacts:
    """Facts read from an HTML page; its decoded markup, when it is kept for the archive."""

    title: str | None = None
    h1: str | None = None
    refresh: tuple[float, str] | None = None
    # The page's <base href>, against which a browser reads the refresh's address.
    base: str | None = None
    anchors: set[str] = field(default_factory=set)
    text: str = ""
    text_complete: bool = True
    password: bool = False
    shell: bool = False
    kept: PageText | None = None


class _Markup(HTMLParser):
    """A page parsed once, robustly (hostile markup costs no more than a page of its size),
    its visible text gathered if ``visible`` is given."""

    def __init__(self, visible: VisibleText | None) -> None:
        super().__init__(convert_charrefs=True)
        self.visible = visible

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.visible is not None:
            self.visible.start(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.visible is not None:
            self.visible.empty(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.visible is not None:
            self.visible.end(tag)

    def handle_data(self, data: str) -> None:
        if self.visible is not None:
            self.visible.data(data)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """A marked section such as ``<![if IE]>``; a malformed one is skipped to its '>'."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1

    def read(self, markup: str) -> None:
        """Parse ``markup`` (as far as it is well-formed enough)."""
        try:
            self.feed(_LONE_LESS_THAN.sub("&lt;", markup))
            # What is still buffered is handled, unless a construct never closed holds it: it
            # hides the rest, as in browsers. html.parser's close() would instead rescan the
            # rest for every such construct, which takes hours on some hostile pages
            # (thousands of unclosed "<!" without a '>').
            if not self.rawdata.startswith("<"):
                self.close()
        except (AssertionError, ValueError):
            pass


class _PageParser(_Markup):
    """One parse of a page for its facts (its anchors if asked for) and its visible text."""

    def __init__(self, *, anchors: bool, visible: VisibleText | None) -> None:
        super().__init__(visible)
        self.facts = PageFacts()
        self._anchors = anchors
        self._capture: str | None = None
        self._text: list[str] = []
        self._skip = 0
        # The element a reader does not see that the parse is in (a template, noscript, svg,
        # or one hidden by its attributes): a heading in it is not the page's heading.
        self._unseen = Cover()
        self._main_text = _MainText()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.visible is not None:
            self.visible.start(tag, attrs)
        self._start(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.visible is not None:
            self.visible.empty(tag)
        self._start(tag, attrs)
        self._end(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.visible is not None:
            self.visible.end(tag)
        self._end(tag)

    def handle_data(self, data: str) -> None:
        if self.visible is not None:
            self.visible.data(data)
        if self._capture and not self._skip:
            self._text.append(data)
        self._main_text.add(data)

    def page_facts(self, markup: str) -> PageFacts:
        """The facts of ``markup``, with the main text read so far (all of it, unless the
        markup broke)."""
        self.read(markup)
        self._main_text.finish(self.facts)
        self.facts.shell = is_application_shell(markup)
        return self.facts

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if attrs and (self._anchors or tag in _ATTRIBUTES_READ):
            values = {name.lower(): value or "" for name, value in attrs}
        else:
            values = {}
        if self._anchors:
            for name in ("id", "name"):
                if values.get(name):
                    self.facts.anchors.add(values[name])
        hidden = bool(attrs) and hidden_by(attrs)
        self._unseen.start(tag, covers=tag in _UNSEEN or hidden)
        if tag in {"script", "style"}:
            self._skip += 1
        elif (tag == "title" and self.facts.title is None) or (
            tag == "h1" and self.facts.h1 is None and self._unseen.name is None
        ):
            self._capture, self._text = tag, []
        elif tag in {"meta", "base"} and self._unseen.name is not None:
            # A refresh or base in a template, or in <noscript> (text to a browser running
            # scripts), is none a browser acts on.
            pass
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self._meta_refresh(values.get("content", ""))
        elif tag == "base" and self.facts.base is None and values.get("href", "").strip():
            self.facts.base = values["href"].strip()
        elif tag == "input" and values.get("type", "").lower() == "password":
            self.facts.password = True
        self._main_text.start(tag, hidden=hidden)

    def _end(self, tag: str) -> None:
        self._main_text.end(tag)
        self._unseen.end(tag)
        if tag in {"script", "style"}:
            self._skip = max(self._skip - 1, 0)
        elif tag == self._capture:
            text = " ".join("".join(self._text).split())
            if tag == "title":
                self.facts.title = text
            else:
                self.facts.h1 = text
            self._capture = None

    def _meta_refresh(self, content: str) -> None:
        if self.facts.refresh is None:
            self.facts.refresh = parse_refresh(content)


# The elements whose attributes are read for the facts, when anchors are not wanted.
_ATTRIBUTES_READ = frozenset({"meta", "input", "base"})
# A '<' that opens no tag is text; html.parser finds that out one '<' at a time (45 s for a
# page of 10 MB of them), an entity is decoded in one pass.
_LONE_LESS_THAN = re.compile(r"<(?![A-Za-z/!?])")


@dataclass
class _Pieces:
    """Text gathered for one part of a page, and whether the budget cut some of it off."""

    items: list[str] = field(default_factory=list)
    size: int = 0
    cut: bool = False


class _MainText:
    """A page's main text as its elements open and close: the (first) ``<main>`` element's
    text if the page has one, else all the text outside hidden and boilerplate elements."""

    def __init__(self) -> None:
        self._hidden = 0
        # The element hidden by its attributes (hidden, aria-hidden, style) the text is in.
        self._cover = Cover()
        self._in_main = False
        self._main_seen = False
        self._body = _Pieces()
        self._main = _Pieces()

    @property
    def done(self) -> bool:
        """Whether the main text is known: a ``<main>`` element ended or filled the budget."""
        return self._main_seen and (not self._in_main or self._main.cut)

    def start(self, tag: str, *, hidden: bool = False) -> None:
        """An element opens; ``hidden``: its attributes hide it."""
        if self._cover.start(tag, covers=hidden):
            return
        if tag == "body":
            self._hidden = 0
        elif tag == "main" and not self._main_seen and not self._hidden:
            self._in_main = self._main_seen = True
        elif tag in _HIDDEN:
            self._hidden += 1

    def end(self, tag: str) -> None:
        if self._cover.end(tag):
            return
        if tag == "main":
            self._in_main = False
        elif tag in _HIDDEN:
            self._hidden = max(self._hidden - 1, 0)

    def room(self) -> int:
        """How many more characters the part being read may take."""
        return _TEXT_BUDGET - (self._main if self._in_main else self._body).size

    def cut(self) -> None:
        """The part being read goes on past the budget."""
        (self._main if self._in_main else self._body).cut = True

    def add(self, data: str, *, markup: bool = False) -> None:
        """The page's next text (with ``markup``: HTML, whose tags are dropped), if visible.

        At most ``_TEXT_BUDGET`` characters are read (markup included): the rest is cut.
        """
        if self._hidden or self._cover.name is not None:
            return
        pieces = self._main if self._in_main else self._body
        room = _TEXT_BUDGET - pieces.size
        if len(data) > room:
            data, pieces.cut = data[:room], pieces.cut or not data[room:].isspace()
        pieces.size += len(data)
        pieces.items.append(html.unescape(_MARKUP.sub(" ", data)) if markup else data)

    def finish(self, facts: PageFacts) -> None:
        """Give ``facts`` the main text, and whether it is the whole of it."""
        pieces = self._main if self._main_seen else self._body
        whole = " ".join(pieces.items)
        # Most pages fill the limit from the start of their text: only that much is spaced.
        start = whole[: 2 * TEXT_LIMIT]
        text = " ".join(start.split())
        if len(text) <= TEXT_LIMIT and len(start) < len(whole):
            text = " ".join(whole.split())
        facts.text = text[:TEXT_LIMIT]
        facts.text_complete = not pieces.cut and len(text) <= TEXT_LIMIT


def parse_refresh(content: str) -> tuple[float, str] | None:
    """The delay and target of a meta refresh's content, e.g. ``0; url=/new``."""
    match = _REFRESH.match(content)
    if not match or not match.group(2).strip():
        return None
    return float(match.group(1) or 0), match.group(2).strip().strip("'\"")


def page_facts(text: str, *, anchors: bool = True) -> PageFacts:
    """Title, main heading and meta refresh of an HTML page; its anchors if asked for.

    Without anchors a few searches of the text suffice; with them the page is parsed whole.
    Never raises on broken markup.
    """
    if not anchors:
        return _quick_facts(text)
    return _PageParser(anchors=True, visible=None).page_facts(text)


def read_page(data: bytes, content_type: str | None, *, anchors: bool, keep: bool) -> PageFacts:
    """The facts of a page's bytes, read in the charset a browser would read them in.

    With ``keep`` (the body goes to the archive), a page of up to 64 KiB keeps its decoded
    markup for the archive's text, which is read from it only for a page the archive does not
    have yet; when the anchors are wanted, the one parse for them reads the text along. A
    larger page is decoded again by the archive, beside the event loop.
    """
    text, charset = decode(data, content_type, html=True)
    if not keep or len(data) > _KEPT_DECODED:
        return page_facts(text, anchors=anchors)
    if not anchors:
        facts = _quick_facts(text)
        facts.kept = PageText(text, charset)
        return facts
    visible = VisibleText()
    facts = _PageParser(anchors=True, visible=visible).page_facts(text)
    facts.kept = PageText(text, charset, visible.text())
    return facts


def is_application_shell(markup: str) -> bool:
    """Whether the page is a JavaScript application's shell: the element the application
    draws itself into is empty in the page served (``<div id="root"></div>``, Vue's
    ``<div id="app">``, Angular's ``<app-root>``, Next's, Nuxt's, Gatsby's). What the page
    says is drawn later, by its scripts; the markup is the same for every address."""
    return _APPLICATION_MOUNT.search(markup, 0, _HEAD_SPAN) is not None


def visible_text(markup: str) -> str:
    """The text a reader sees on an HTML page: the title first, then the body, line by line."""
    visible = VisibleText()
    _Markup(visible).read(markup)
    return visible.text()


_KEPT_DECODED = 64 * 1024
_HEAD_SPAN = 256 * 1024
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)
# Elements a reader never sees, whatever their attributes. In _UNSEEN_RAW a '<' opens no tag
# (or their content is seldom markup): the last one opened before a place holds it if it has
# not closed since.
_UNSEEN = frozenset({"template", "noscript", "svg"})
_UNSEEN_RAW = ("script", "style", "template", "noscript", "svg")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
# The headings looked at for the first one a reader sees.
_H1_TRIES = 20
_META = re.compile(r"<meta\b[^>]*>", re.I)
_BASE = re.compile(r"<base\b[^>]*>", re.I)
_UNSEEN_ELEMENT = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_ATTRIBUTE = re.compile(r"""([A-Za-z][\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_TAG = re.compile(r"<[^>]*>")
_MARKUP = re.compile(r"<[A-Za-z/!?][^>]*>")
# A tag's attributes are read up to the next '<' and at most 1,000 characters: markup of
# unclosed tags costs one pass, not one per tag.
_APPLICATION_MOUNT = re.compile(
    r"<(div|main|section)\b(?=[^<>]{0,1000}?\sid\s*=\s*[\"']?"
    r"(?:root|app|application|__next|__nuxt|___gatsby|app-root|main-app|react-root|spa-root)"
    r"[\"'\s/>])[^<>]{0,1000}>\s*</\1\s*>"
    r"|<([a-z][a-z0-9]{0,40}-root)\b[^<>]{0,1000}>\s*</\2\s*>",
    re.I,
)
_PASSWORD = re.compile(r"""<input\b[^>]*\btype\s*=\s*["']?password\b""", re.I)
_ELEMENT = re.compile(rf"<(/?)(main|{'|'.join(sorted(_HIDDEN))})(?=[\s/>])[^>]*>|<!--", re.I)
_MAIN = re.compile(r"<main(?=[\s/>])[^>]*>", re.I)
# Words that may hide an element, where they stand as such in a start tag (``hidden`` on its
# own, not in "hidden-xs"); hidden_by decides on the tag's parsed attributes.
_HIDING_WORDS = ("hidden", "display", "visibility")
_HIDING_HINT = re.compile(
    r"(?<![\w-])hidden(?![\w-])|aria-hidden|display\s*:\s*none|visibility\s*:\s*hidden", re.I
)
_START_TAG = re.compile(r"<([A-Za-z][\w:-]*)(\s[^>]*)?>")
# An attribute, with or without a value (a boolean attribute such as ``hidden``).
_TAG_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
# The hidden elements whose content is not markup, or the head, end at their first end tag;
# the others end where their end tag matches (they nest).
_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style", "title")} | {
    "head": re.compile(r"<(?:/head\s*>|body[\s/>])", re.I)
}


def _quick_facts(text: str) -> PageFacts:
    head = text[:_HEAD_SPAN]
    if "<!--" in head:
        head = _COMMENT.sub("", head)
    facts = PageFacts()
    title = _TITLE.search(head)
    if title:
        facts.title = _plain(title.group(1))
    lower = head.lower()
    facts.h1 = _first_seen_h1(head, lower)
    _main_text(head, lower).finish(facts)
    facts.password = bool(_PASSWORD.search(head))
    facts.shell = is_application_shell(text)
    if "refresh" in lower:
        _read_refresh(_UNSEEN_ELEMENT.sub("", head), facts)
    return facts


def _read_refresh(head: str, facts: PageFacts) -> None:
    """The first meta refresh of ``head`` (its scripts, templates and noscripts taken out), and
    the page's <base href>."""
    for meta in _META.finditer(head):
        values = _tag_values(meta.group(0))
        if values.get("http-equiv", "").lower() == "refresh":
            facts.refresh = parse_refresh(values.get("content", ""))
            break
    if facts.refresh is not None:
        base = _BASE.search(head)
        href = _tag_values(base.group(0)).get("href", "").strip() if base else ""
        facts.base = href or None


def _tag_values(tag: str) -> dict[str, str]:
    """The attributes with a value of a tag's text, by lower-cased name, entities decoded."""
    return {
        match.group(1).lower(): html.unescape(next(g for g in match.groups()[1:] if g is not None))
        for match in _ATTRIBUTE.finditer(tag)
    }


def _main_text(span: str, lower: str) -> _MainText:
    """The main text of (the first span of) a page, in one pass over its elements; ``lower``
    is ``span`` in lower case.

    A hidden element is skipped to its end tag (to the end of the span if it has none); the
    head ends at ``</head>`` or at ``<body>``, whichever comes first. Elements are looked for
    only as far as the budget of the text being read reaches.
    """
    main = _MainText()
    position = 0
    hiding_tags = _HidingTags(span, lower)
    # The last search for an element: what it found (the first in its region) and where it
    # ended; after a hidden element is skipped, the search goes on from there.
    found: re.Match[str] | None = None
    searched_to = -1
    while not main.done:
        limit = min(len(span), position + main.room())
        if found is not None and found.start() >= position:
            element = found if found.end() <= limit else None
        elif found is None and position <= searched_to:
            if limit > searched_to:
                # From the last '<' searched: a tag it cut short is read whole.
                resume = max(position, span.rfind("<", position, searched_to))
                found = _ELEMENT.search(span, resume, limit)
                searched_to = limit
            element = found
        else:
            element = found = _ELEMENT.search(span, position, limit)
            searched_to = limit
        hiding = hiding_tags.first(position, element.end() if element else limit)
        if hiding is not None:
            main.add(span[position : hiding.start()], markup=True)
            position = _past(span, hiding.group(1).lower(), hiding)
            continue
        main.add(span[position : element.start() if element else limit], markup=True)
        if element is None:
            if limit == len(span):
                break
            main.cut()
            later = _MAIN.search(span, limit)
            if later is None:
                break
            main.start("main")
            position = later.end()
            continue
        name = (element.group(2) or "").lower()
        position = element.end()
        if not name:
            close = span.find("-->", position)
            position = len(span) if close < 0 else close + 3
        elif element.group(1):
            main.end(name)
        elif name == "main":
            main.start(name)
        else:
            position = _past(span, name, element)
    return main


class _HidingTags:
    """The start tags of a span whose attributes hide their elements, found in order.

    Only the tags around a word that may hide (``hidden``, ``display``, ``visibility``) are
    read, and only those where it stands as such are parsed for their attributes; each word's
    next place is looked for once, so that the span is read once.
    """

    def __init__(self, span: str, lower: str):
        self._span = span
        self._lower = lower
        self._ahead = {word: self._lower.find(word) for word in _HIDING_WORDS}

    def first(self, start: int, end: int) -> re.Match[str] | None:
        """The first such tag that starts in ``span[start:end]``."""
        while True:
            for word, at in self._ahead.items():
                if 0 <= at < start:
                    self._ahead[word] = self._lower.find(word, start)
            found = [at for at in self._ahead.values() if at >= 0]
            if not found or min(found) >= end:
                return None
            at = min(found)
            opened = self._lower.rfind("<", start, at)
            tag = _START_TAG.match(self._span, opened) if opened >= 0 else None
            if tag is None or tag.end() <= at:
                start = at + 1  # the word is text, or in a comment or an end tag
            elif _HIDING_HINT.search(tag.group(0)) and hidden_by(_attributes(tag.group(2) or "")):
                return tag
            else:
                start = tag.end()


def _first_seen_h1(text: str, lower: str) -> str | None:
    """The text of the page's first ``<h1>`` a reader sees: not one in a script, style,
    template, noscript or svg, nor one hidden by its own attributes or an element's around it
    (an application's hidden "Page not found" template is not the page's heading). ``lower``
    is ``text`` in lower case."""
    hidden = _hidden_spans(text, lower)
    span = next(hidden, None)
    for count, h1 in enumerate(_H1.finditer(text)):
        if count == _H1_TRIES:
            break
        at = h1.start()
        while span is not None and span[1] <= at:
            span = next(hidden, None)
        own = h1.group(0)[3 : h1.group(0).index(">")]
        if hidden_by(_attributes(own)) or (span is not None and span[0] <= at):
            continue
        if not _in_unseen(lower, at):
            return _plain(_SCRIPT_OR_STYLE.sub("", h1.group(1)))
    return None


def _hidden_spans(text: str, lower: str) -> Iterator[tuple[int, int]]:
    """Where the elements hidden by their attributes start and end, outermost ones, in order."""
    tags = _HidingTags(text, lower)
    start = 0
    while (tag := tags.first(start, len(text))) is not None:
        start = _past(text, tag.group(1).lower(), tag)
        yield tag.start(), start


def _in_unseen(lower: str, at: int) -> bool:
    """Whether ``at`` (in the lower-case ``lower``) is inside an element of _UNSEEN_RAW."""
    for name in _UNSEEN_RAW:
        opened = _last_start(lower, name, at)
        if opened >= 0 and lower.find(f"</{name}", opened, at) < 0:
            return True
    return False


def _last_start(lower: str, name: str, end: int) -> int:
    """Where the last start tag ``<name`` before ``end`` is (not ``<names``), or -1."""
    at = end
    while (at := lower.rfind(f"<{name}", 0, at)) >= 0:
        following = lower[at + len(name) + 1 : at + len(name) + 2]
        if following in ("", ">", "/") or following.isspace():
            return at
    return -1


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """The attributes of a start tag's text after its name, each with its value or None."""
    return [
        (found.group(1).lower(), next((g for g in found.groups()[1:] if g is not None), None))
        for found in _TAG_ATTRIBUTE.finditer(text)
    ]


def _past(span: str, name: str, tag: re.Match[str]) -> int:
    """Where the element ``name`` whose start ``tag`` is ends: after its matching end tag
    (elements of one name nest), after the tag itself for a void one, at the end of ``span``
    when it never ends. Script, style and title hold no markup, and the head ends at the
    body: those end at the first end tag (``_CLOSE``)."""
    if name in _CLOSE:
        end = _CLOSE[name].search(span, tag.end())
        return len(span) if end is None else end.start()
    if name in VOID or tag.group(0).endswith("/>"):
        return tag.end()
    if name in ENDED_WITHOUT_END_TAG:
        return _implied_end(span, name, tag.end())
    depth = 1
    for found in _named_tag(name).finditer(span, tag.end()):
        if found.group(1):
            depth -= 1
            if not depth:
                return found.end()
        elif not found.group(0).endswith("/>"):
            depth += 1
    return len(span)


def _implied_end(span: str, name: str, start: int) -> int:
    """Where the element ``name`` opened before ``start`` ends when the page may leave it
    unclosed: at its end tag, or where the next item or block, or the end of the element
    around it, ends it (as the parser's Cover does)."""
    cover = Cover()
    cover.start(name, covers=True)
    for found in _ANY_TAG.finditer(span, start):
        tag = found.group(2).lower()
        if found.group(1):
            if not cover.end(tag):
                return found.start()
            if cover.name is None:
                return found.end()
        elif not cover.start(tag):
            return found.start()
    return len(span)


_ANY_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^>]*>")


@functools.cache
def _named_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*>", re.I)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def is_html(content_type: str | None) -> bool:
    """Whether a Content-Type names an HTML page."""
    if not content_type:
        return False
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in {"text/html", "application/xhtml+xml"}


_CHALLENGE_TITLES = re.compile(
    r"^(just a moment|attention required|access denied|checking your browser|"
    r"ddos-guard|please wait|are you a robot|verify you are human|security check|robot check)",
    re.IGNORECASE,
)


# What the page of a robot check asks of its reader.
HUMAN_CHECK = re.compile(
    r"not\s+a\s+robot|captcha|are\s+you\s+(?:a\s+)?human|unusual\s+(?:traffic|activity)"
    r"|verify\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human",
    re.IGNORECASE,
)
_CHALLENGE_TEXT_CHARACTERS = 2000


def is_challenge(status: int, headers: Mapping[str, str], page: PageFacts | None) -> bool:
    """Whether an answer is a bot challenge (Cloudflare and the like), not the page itself."""
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    title = page.title if page and page.title else ""
    if _CHALLENGE_TITLES.match(title):
        server = headers.get("server", "").lower()
        return status in {403, 429, 503} or any(
            name in server for name in ("cloudflare", "akamai", "ddos-guard", "sucuri")
        )
    # A refusal whose short page asks the reader to prove they are human (Amazon's 503
    # robot check, titled with the shop's name).
    return (
        status in {403, 429, 503}
        and page is not None
        and len(page.text) <= _CHALLENGE_TEXT_CHARACTERS
        and HUMAN_CHECK.search(page.text) is not None
    )
