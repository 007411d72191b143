"""What a checker needs from an HTML page: title, main heading, meta refresh, anchors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

_REFRESH = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


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
        if self.facts.refresh is not None:
            return
        match = _REFRESH.match(content)
        if match and match.group(2).strip():
            delay = float(match.group(1) or 0)
            self.facts.refresh = (delay, match.group(2).strip().strip("'\""))


def page_facts(text: str) -> PageFacts:
    """Parse ``text`` as HTML; never raises on broken markup."""
    parser = _FactsParser()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):
        pass
    return parser.facts


def decode_html(data: bytes, content_type: str | None) -> str:
    """Page bytes as text: the header's charset, else the page's meta charset, else UTF-8."""
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    if charset is None:
        found = _META_CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


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
