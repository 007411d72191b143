"""What a checker needs from an HTML page: title, main heading, meta refresh, anchors."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from claimcheck.charsets import decode

_REFRESH = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.IGNORECASE)


@dataclass
class PageFacts:
    """Facts read from an HTML page."""

    title: str | None = None
    h1: str | None = None
    refresh: tuple[float, str] | None = None
    anchors: set[str] = field(default_factory=set)


class _FactsParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._capture: str | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        for name in ("id", "name"):
            if values.get(name):
                self.facts.anchors.add(values[name])
        if tag in {"script", "style"}:
            self._skip += 1
        elif (tag == "title" and self.facts.title is None) or (
            tag == "h1" and self.facts.h1 is None
        ):
            self._capture, self._text = tag, []
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self._meta_refresh(values.get("content", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip = max(self._skip - 1, 0)
        elif tag == self._capture:
            text = " ".join("".join(self._text).split())
            if tag == "title":
                self.facts.title = text
            else:
                self.facts.h1 = text
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture and not self._skip:
            self._text.append(data)

    def _meta_refresh(self, content: str) -> None:
        if self.facts.refresh is None:
            self.facts.refresh = parse_refresh(content)


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
    parser = _FactsParser()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):
        pass
    return parser.facts


_HEAD_SPAN = 256 * 1024
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)
_META = re.compile(r"<meta\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([A-Za-z][\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_TAG = re.compile(r"<[^>]*>")


def _quick_facts(text: str) -> PageFacts:
    head = text[:_HEAD_SPAN]
    if "<!--" in head:
        head = _COMMENT.sub("", head)
    facts = PageFacts()
    title = _TITLE.search(head)
    if title:
        facts.title = _plain(title.group(1))
    h1 = _H1.search(text)
    if h1:
        facts.h1 = _plain(h1.group(1))
    for meta in _META.finditer(head):
        values = {
            match.group(1).lower(): html.unescape(
                next(g for g in match.groups()[1:] if g is not None)
            )
            for match in _ATTRIBUTE.finditer(meta.group(0))
        }
        if values.get("http-equiv", "").lower() == "refresh":
            facts.refresh = parse_refresh(values.get("content", ""))
            break
    return facts


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def decode_html(data: bytes, content_type: str | None) -> str:
    """Page bytes as text, in the charset a browser would read them in."""
    return decode(data, content_type, html=True)[0]


def is_html(content_type: str | None) -> bool:
    """Whether a Content-Type names an HTML page."""
    if not content_type:
        return False
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in {"text/html", "application/xhtml+xml"}


_CHALLENGE_TITLES = re.compile(
    r"^(just a moment|attention required|access denied|checking your browser|"
    r"ddos-guard|please wait|are you a robot|verify you are human|security check)",
    re.IGNORECASE,
)


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
    return False
