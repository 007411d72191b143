"""The text a reader sees on an HTML page, gathered from its parser's events as it is parsed."""

from __future__ import annotations

import re

_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "title"})
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

    Scripts, styles, templates, SVG and comments are dropped, and so are elements hidden by
    their attributes (``hidden``, ``aria-hidden="true"``, an inline style ``display: none`` or
    ``visibility: hidden``); block elements break lines, paragraphs are set apart by a blank
    line; inline elements join their text as written.
    """

    def __init__(self) -> None:
        self._title: list[str] = []
        self._parts: list[str] = []
        # The element that hides what follows, and how many of its name are open: counting
        # its name alone keeps each tag O(1), however deep a page nests hidden elements.
        self._hiding: str | None = None
        self._depth = 0
        # Other elements open inside it: the title's text is only what it holds directly.
        self._inside = 0
        self._titles = 0
        self._preformatted = 0
        self._pending_newlines = 0

    def start(self, tag: str, attrs: list[tuple[str, str | None]] | None = None) -> None:
        """An element opens, with its attributes."""
        if tag == "body":
            self._hiding, self._depth, self._inside = None, 0, 0
        if self._hiding is not None:
            if tag == self._hiding:
                self._depth += 1
            elif tag not in VOID:
                self._inside += 1
            return
        if tag in _HIDDEN or (attrs and hidden_by(attrs)):
            self._hide(tag)
            return
        if tag in _PREFORMATTED:
            self._preformatted += 1
        self._break(tag)

    def empty(self, tag: str) -> None:
        """An element opens and closes at once (``<br/>``)."""
        if self._hiding is None and tag not in _HIDDEN:
            self._break(tag)

    def end(self, tag: str) -> None:
        """An element closes."""
        if self._hiding is not None:
            if tag == self._hiding:
                self._depth -= 1
                if not self._depth:
                    self._hiding, self._inside = None, 0
            elif self._inside:
                self._inside -= 1
        else:
            if tag in _PREFORMATTED:
                self._preformatted = max(self._preformatted - 1, 0)
            self._break(tag)

    def data(self, data: str) -> None:
        """Text between tags, its character references decoded."""
        if self._hiding is None:
            self._show(data)
        elif self._hiding == "title" and (self._depth, self._inside, self._titles) == (1, 0, 1):
            self._title.append(data)

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

    def _hide(self, tag: str) -> None:
        """Hide what follows until ``tag`` ends; only the first title outside SVG is kept."""
        if tag == "title":
            self._titles += 1
        if tag not in VOID:
            self._hiding, self._depth = tag, 1

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
