"""LaTeX markup in a title or a name read as the text it prints: Schr\\"odinger as Schrödinger."""

from __future__ import annotations

import functools
import re
import unicodedata

# The accents LaTeX puts on a letter, as the combining marks Unicode puts after one.
ACCENT_MARKS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "b": "\u0331",
    "d": "\u0323",
}
# \"o, \"{o}, {\"o}, \'{\i}; a letter accent needs braces or a space: \v{s}, \c c.
_ACCENT_PATTERN = (
    r"""\\(["'`^~=.])\s*(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))"""
    r"|\\([uvHckrbd])(?:\s*\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|\s+([A-Za-z]))"
)
# The letters LaTeX names (\\ss, \\o, \\aa, ...).
LETTERS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "\u0131",
    "j": "ȷ",
}
_SYMBOLS = {
    **LETTERS,
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "textendash": "\u2013",
    "textemdash": "—",
    "textquoteleft": "\u2018",
    "textquoteright": "\u2019",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "textellipsis": "…",
    "ldots": "…",
    "dots": "…",
    "textsection": "§",
    "S": "§",
    "textparagraph": "¶",
    "P": "¶",
    "copyright": "©",
    "textcopyright": "©",
    "pounds": "£",
    "texteuro": "€",
    "euro": "€",
    "textdegree": "°",
    "textasciitilde": "~",
    "textunderscore": "_",
}
_SYMBOL_PATTERN = (
    rf"\\({'|'.join(sorted(_SYMBOLS, key=len, reverse=True))})(?![A-Za-z])(?:\s*\{{\}}|\s?)"
)
# Commands that only set their argument's type: their argument is what is printed.
_STYLE_PATTERN = (
    r"\\(?:textit|textbf|textsc|textrm|textsf|texttt|textup|textsl|textmd|textnormal|emph"
    r"|mkbibquote|mkbibemph|mkbibitalic|mkbibbold|enquote|mbox|hbox|text|uppercase|lowercase"
    r"|MakeUppercase|MakeLowercase|NoCaseChange|nocite)\s*(?=\{)"
    r"|\\(?:itshape|bfseries|scshape|em|it|bf|sc|rm|sf|tt|upshape|normalfont)(?![A-Za-z])\s*"
)
_ESCAPED = re.compile(r"\\([%&$#_])")
_BRACE = {"{": "\ue000", "}": "\ue001"}
_SPACING = re.compile(r"\\[ ,;:!]|~")
_DASHES = re.compile(r"-{2,3}")
_MARKUP = re.compile(r"[\\{}~]|--")


def plain_text(text: str) -> str:
    """``text`` with LaTeX's accents, letters, escapes, dashes and type styles read as what
    they print, and its protective braces dropped: ``Schr\\"odinger's cat in \\textit{Nature}:
    100\\%`` as ``Schrödinger's cat in Nature: 100%``. Markup it does not know stays as written;
    in one pass per kind of markup, whatever the text."""
    if not _MARKUP.search(text):
        return " ".join(text.split())
    text = text.replace("\\{", _BRACE["{"]).replace("\\}", _BRACE["}"])
    style, accent, symbol = _commands()
    text = style.sub("", text)
    text = accent.sub(_accented, text)
    text = symbol.sub(lambda found: _SYMBOLS[found.group(1)], text)
    text = _ESCAPED.sub(r"\1", text)
    text = _SPACING.sub(" ", text)
    text = _DASHES.sub(lambda found: "\u2014" if len(found.group()) == 3 else "\u2013", text)
    text = text.replace("{", "").replace("}", "")
    text = text.replace(_BRACE["{"], "{").replace(_BRACE["}"], "}")
    return " ".join(unicodedata.normalize("NFC", text).split())


@functools.cache
def _commands() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The patterns of type styles, accents and letters, compiled when a title first holds
    markup (most hold none)."""
    return re.compile(_STYLE_PATTERN), re.compile(_ACCENT_PATTERN), re.compile(_SYMBOL_PATTERN)


def _accented(found: re.Match[str]) -> str:
    accent = found.group(1) or found.group(4)
    letter = found.group(2) or found.group(3) or found.group(5) or found.group(6)
    if letter.startswith("\\"):
        letter = {"\\i": "i", "\\j": "j"}[letter]
    return letter + ACCENT_MARKS[accent]
