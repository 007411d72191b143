"""The text a reader sees on an HTML page, gathered from its parser's events as it is parsed."""

from __future__ import annotations

import re

# ... and the reading aids of ruby (入国 with にゅうこく above it reads 入国).
_HIDDEN = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "title", "rt", "rp"}
)
_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article"}
    | {"table", "ul", "ol", "dl", "hr", "figure", "header", "footer", "main", "aside", "nav"}
)
_LINES = frozenset(
    {"br", "div", "li", "dt", "dd", "tr", "td", "th", "caption", "tbody", "thead", "tfoot"}
    | {"address", "center", "details", "summary", "dialog", "figcaption", "form", "fieldset"}
    | {"legend", "option", "menu", "hgroup", "textarea", "body", "html"}
)
_PREFORMATTED = frozenset({"pre", "textarea"})
# Elements that never hold content: inside a hidden element they open nothing to close.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
# An inline style that hides its element.
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Whitespace that flows into one space outside preformatted text; the finished text turns the
# space-like characters into spaces and collapses runs. Each step is a plain search or
# replacement, run only when the text holds what it changes: a regular expression tried at
# every character cost ten times as much (7 ms for a page of 60 kB).
_FLOWING = "\t\n\r\f\xa0"
_SPACE_LIKE = "\t\f\v\xa0"
_FLOW_WHITESPACE = re.compile(r"[ \t\n\r\f\xa0]{2,}|[\t\n\r\f\xa0]")
_RUNS_OF_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


class VisibleText:
    """Collects a page's title and the text of its body, with line breaks for blocks.

    Scripts, styles, templates, SVG, ruby's reading aids and comments are dropped, and so
    are elements kept off the screen by their attributes (unseen_by) or hidden from screen
    readers (``aria-hidden="true"``, which then parts the words around it); block elements
    break lines, paragraphs are set apart by a blank line; inline elements join their text as
    written.
    """

    def __init__(self) -> None:
        self._title: list[str] = []
        self._parts: list[str] = []
        self._cover = Cover()
        # Other elements open inside the cover: the title's text is only what it holds itself.
        self._inside = 0
        self._titles = 0
        self._preformatted = 0
        self._pending_newlines = 0
        # Where the open <sup>'s text starts, and whether it is marked as a note's reference
        # (or, Wikipedia's "noprint", as an editor's remark: [citation needed]).
        self._sup: int | None = None
        self._sup_marked = False
        self._sup_unprinted = False
        # Where the open link's text starts, and whether it points at a note: a link that
        # holds a <sup> (Pandoc's), or one classed as a note's (a footnote anchor).
        self._link: int | None = None
        self._link_marks = False
        self._link_classed = False

    def start(self, tag: str, attrs: list[tuple[str, str | None]] | None = None) -> None:
        """An element opens, with its attributes."""
        if tag == "body":
            self._cover, self._inside = Cover(), 0
        covering = self._cover.name
        if covering is not None:
            if self._cover.start(tag):
                self._inside += tag != covering and tag not in VOID
                return
            self._inside = 0
        unseen = tag in _HIDDEN or bool(attrs and unseen_by(attrs))
        if not unseen and attrs and hidden_by(attrs):
            # aria-hidden: drawn for the eye (an icon, a separator), left out of the text as
            # screen readers leave it, but it stands between the words around it.
            self._show(" ")
            unseen = True
        if unseen:
            # Only the first title outside SVG is kept.
            self._titles += tag == "title"
            self._cover.start(tag, covers=True)
            return
        if tag in _PREFORMATTED:
            self._preformatted += 1
        if tag == "q":
            self._show("\u201c")  # A browser draws the quotation marks of <q>.
        if tag == "sup":
            self._sup = len(self._parts)
            self._sup_marked = _marks_a_note(attrs) or (self._link is not None and self._link_marks)
            self._sup_unprinted = _has_class(attrs, _UNPRINTED_CLASS)
        elif tag == "a":
            marks = _marks_a_note(attrs)
            if self._sup is not None:
                self._sup_marked = self._sup_marked or marks
            else:
                self._link, self._link_marks = len(self._parts), marks
                self._link_classed = marks and _has_class(attrs, _NOTE_CLASS)
        self._break(tag)

    def empty(self, tag: str) -> None:
        """An element opens and closes at once (``<br/>``)."""
        if self._cover.name is None and tag not in _HIDDEN:
            self._break(tag)

    def end(self, tag: str) -> None:
        """An element closes."""
        covering = self._cover.name
        if covering is not None and self._cover.end(tag):
            if tag != covering and self._inside:
                self._inside -= 1
        else:
            if tag in _PREFORMATTED:
                self._preformatted = max(self._preformatted - 1, 0)
            if tag == "q":
                self._show("\u201d")
            if tag == "sup" and self._sup is not None:
                self._drop_note_mark(self._sup)
            elif tag == "a" and self._link is not None and self._sup is None:
                self._drop_note_link(self._link)
            self._break(tag)

    def data(self, data: str) -> None:
        """Text between tags, its character references decoded."""
        if self._cover.name is None:
            self._show(data)
        elif self._in_first_title():
            self._title.append(data)

    def _drop_note_mark(self, start: int) -> None:
        """Leave out a footnote's mark (``<sup><a href="#fn1">1</a></sup>``, ``[1]``): a reader
        quotes the sentence without it. A superscript that is no such mark (10<sup>3</sup>)
        stays."""
        mark = "".join(self._parts[start:])
        marked = self._sup_marked and (
            _NOTE_MARK.fullmatch(mark) is not None or _PAGE_MARK.fullmatch(mark) is not None
        )
        remark = self._sup_unprinted and _REMARK.fullmatch(mark) is not None
        if marked or remark or ("[" in mark and _NOTE_MARK.fullmatch(mark)):
            del self._parts[start:]
        self._sup, self._sup_marked, self._sup_unprinted = None, False, False

    def _drop_note_link(self, start: int) -> None:
        """Leave out a note's mark that is a link of its own, classed as one (a footnote
        anchor: ``<a class="footnote-anchor" href="#footnote-1">1</a>``)."""
        if self._link_classed and _NOTE_MARK.fullmatch("".join(self._parts[start:])):
            del self._parts[start:]
        self._link, self._link_marks, self._link_classed = None, False, False

    def _in_first_title(self) -> bool:
        """Whether the text is the first title's own (not inside another element in it)."""
        cover = self._cover
        return (cover.name, cover.depth, self._inside, self._titles) == ("title", 1, 0, 1)

    def text(self) -> str:
        """The text a reader sees: the title first, then the body, line by line."""
        title = _FLOW_WHITESPACE.sub(" ", "".join(self._title)).strip()
        text = f"{title}\n\n{''.join(self._parts)}"
        for char in _SPACE_LIKE:
            if char in text:
                text = text.replace(char, " ")
        if "  " in text:
            text = _RUNS_OF_SPACES.sub(" ", text)
        text = text.replace(" \n", "\n").replace("\n ", "\n")
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
        return text.strip()

    def _break(self, tag: str) -> None:
        """Hold a line break (1) or a blank line (2) until text follows; adjacent ones merge."""
        if tag in _PARAGRAPHS:
            self._pending_newlines = 2
        elif tag in _LINES:
            self._pending_newlines = max(self._pending_newlines, 1)

    def _show(self, data: str) -> None:
        if self._preformatted:
            data = unix_newlines(data)
        elif self._pending_newlines and data.isspace():
            return
        else:
            for char in _FLOWING:
                if char in data:
                    data = data.replace(char, " ")
        if self._pending_newlines:
            data = "\n" * self._pending_newlines + data
            self._pending_newlines = 0
        self._parts.append(data)


class Cover:
    """The element that covers (hides) what follows it until it ends, counted by its name: O(1)
    a tag, however deep a page nests elements, where a list of the open ones cost a scan at
    each end tag (a page nesting 40,000 took 1.7 s, and 10 MB of them minutes).

    It also ends where HTML ends it without an end tag, as a browser does: a hidden ``<li>``
    at the next ``<li>`` or at its list's end, a hidden ``<p>`` at the next block, a hidden
    ``<td>`` at the next cell or row. Lists or tables opened inside it shield it: their own
    items end nothing of it.
    """

    def __init__(self) -> None:
        self.name: str | None = None
        self.depth = 0
        # The cover's depth when each list or table inside it opened.
        self._shields: list[int] = []

    def start(self, tag: str, *, covers: bool = False) -> bool:
        """An element opens (``covers``: one that hides what it holds); whether it is hidden."""
        if self.name is not None:
            if self._shields or self.depth > 1 or tag not in _ENDED_BY_START.get(self.name, ()):
                if tag in _SHIELDS.get(self.name, ()):
                    self._shields.append(self.depth)
                self.depth += tag == self.name
                return True
            self.name, self.depth = None, 0
        if covers and tag not in VOID:
            self.name, self.depth, self._shields = tag, 1, []
            return True
        return False

    def end(self, tag: str) -> bool:
        """An element closes; whether it was hidden (the cover's own end tag included). The end
        of the element around the cover ends it too, and is not hidden."""
        if self.name is None:
            return False
        if self._shields and tag in _SHIELDS.get(self.name, ()):
            self.depth = self._shields.pop()
        elif tag == self.name:
            self.depth -= 1
            if not self.depth:
                self.name = None
        elif not self._shields and tag in _ENDED_BY_END.get(self.name, ()):
            self.name, self.depth = None, 0
            return False
        return True


# The elements whose end tag HTML lets a page leave out, and the start tags that end them.
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset"}
    | {"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header"}
    | {"hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul"}
)
_CELLS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"})
_ENDED_BY_START: dict[str, frozenset[str]] = {
    "p": _BLOCKS,
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    "td": _CELLS,
    "th": _CELLS,
    "tr": frozenset({"tr", "tbody", "thead", "tfoot"}),
    "option": frozenset({"option", "optgroup"}),
    "optgroup": frozenset({"optgroup"}),
    "rt": frozenset({"rt", "rp", "rb"}),
    "rp": frozenset({"rt", "rp", "rb"}),
}
# ... and the end tags of the elements around them that end them.
_ENDED_BY_END: dict[str, frozenset[str]] = {
    "p": _BLOCKS | {"li", "td", "th", "dd", "dt", "caption", "body", "html", "button"},
    "li": frozenset({"ul", "ol", "menu"}),
    "dt": frozenset({"dl"}),
    "dd": frozenset({"dl"}),
    "td": frozenset({"tr", "tbody", "thead", "tfoot", "table"}),
    "th": frozenset({"tr", "tbody", "thead", "tfoot", "table"}),
    "tr": frozenset({"tbody", "thead", "tfoot", "table"}),
    "option": frozenset({"select", "datalist", "optgroup"}),
    "optgroup": frozenset({"select"}),
    "rt": frozenset({"ruby"}),
    "rp": frozenset({"ruby"}),
}
# The elements a page may leave unclosed, each ended by what comes after it.
ENDED_WITHOUT_END_TAG = frozenset(_ENDED_BY_START)
# The lists and tables that, opened inside such an element, hold items of their own.
_SHIELDS: dict[str, frozenset[str]] = {
    "li": frozenset({"ul", "ol", "menu"}),
    "dt": frozenset({"dl"}),
    "dd": frozenset({"dl"}),
    "td": frozenset({"table"}),
    "th": frozenset({"table"}),
    "tr": frozenset({"table"}),
}


def _marks_a_note(attrs: list[tuple[str, str | None]] | None) -> bool:
    """Whether a <sup> or a link in it is a note's reference: a link to a place on the page
    (#fn1, #cite_note-3), or a class naming one (reference, footnote, noteref)."""
    in_page = any(name == "href" and (value or "").startswith("#") for name, value in attrs or ())
    return in_page or _has_class(attrs, _NOTE_CLASS)


def _has_class(attrs: list[tuple[str, str | None]] | None, pattern: re.Pattern[str]) -> bool:
    """Whether the element's class attribute holds ``pattern``."""
    return any(name == "class" and value and pattern.search(value) for name, value in attrs or ())


# A note's mark: a number, a letter, a sign (*, †, ‡, §, ¶) or a named one ("note 1", "nb 2"),
# alone or in a list or range (1,2; 1-3), in brackets or not.
_NOTE_ITEM = r"(?:\d{1,3}|[a-z]|[*\u2020\u2021\u00a7\u00b6]|(?:note|nb|n)\s?\d{1,3})"
_NOTE_MARK = re.compile(
    rf"\s*\[?\s*{_NOTE_ITEM}(?:\s*[,\u2013\u2014-]\s*{_NOTE_ITEM})*\s*\]?\s*", re.IGNORECASE
)
# The page a note cites, after its mark (Wikipedia's ": 45", ": 12-14").
_PAGE_MARK = re.compile(r"\s*[:\uff1a]\s*\d{1,4}(?:\s*[\u2013-]\s*\d{1,4})?\s*")
_NOTE_CLASS = re.compile(r"reference|footnote|noteref|fn\b|cite", re.IGNORECASE)
# An editor's remark that print leaves out: [citation needed], [clarification needed].
_UNPRINTED_CLASS = re.compile(r"\bnoprint\b", re.IGNORECASE)
_REMARK = re.compile(r"\s*\[[^\[\]]{1,40}\]\s*")


def unseen_by(attrs: list[tuple[str, str | None]]) -> bool:
    """Whether an element's attributes keep it off the screen: ``hidden``, an inline style
    ``display: none`` or ``visibility: hidden``, or a class that shows it to screen readers
    only (``sr-only``, ``visually-hidden``). Not ``aria-hidden``, which hides what stays on
    the screen (an icon, a date's separator) from screen readers."""
    for name, value in attrs:
        if name == "hidden":
            return True
        if name == "style" and value and _HIDING_STYLE.search(value):
            return True
        if name == "class" and value and _SCREEN_READER_ONLY.search(value):
            return True
    return False


# The classes of text for screen readers only, in the common frameworks (Bootstrap,
# WordPress, GOV.UK, Drupal, Tailwind).
_SCREEN_READER_ONLY = re.compile(
    r"(?<![\w-])(?:sr-only|visually-?hidden|govuk-visually-hidden|screen-reader-text"
    r"|element-invisible|a11y-hidden|u-hidden-visually|assistive-text)(?![\w-])",
    re.IGNORECASE,
)


def hidden_by(attrs: list[tuple[str, str | None]]) -> bool:
    """Whether an element's attributes hide it from the reader."""
    for name, value in attrs:
        if name == "hidden":
            return True
        if name == "aria-hidden" and (value or "").strip().lower() == "true":
            return True
        if name == "style" and value and _HIDING_STYLE.search(value):
            return True
    return False


def unix_newlines(text: str) -> str:
    """``text`` with CR LF and lone CR line ends made LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
