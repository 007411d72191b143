"""The review page's colours (each text at WCAG AA contrast on its background), CSS and script."""

from __future__ import annotations

from importlib.resources import files

from claimcheck.models import ClaimStatus, QuoteStatus, SourceStatus

# Every colour of the page, by the name its CSS custom property takes (--text, --good-fg...).
PALETTE = {
    "text": "#1b1b1b",
    "page": "#ffffff",
    "panel": "#f4f6f8",
    "muted": "#4f5358",
    "link": "#0a4ca8",
    "rule": "#767b82",
    "focus": "#0a4ca8",
    "mark": "#ffe16b",
    "closest": "#ffd0d0",
    "good-fg": "#0b5a2a",
    "good-bg": "#dcf2e3",
    "warn-fg": "#6a4100",
    "warn-bg": "#fdefc4",
    "bad-fg": "#8c1212",
    "bad-bg": "#fde1e1",
    "mixed-fg": "#5a1f78",
    "mixed-bg": "#f0e2f8",
    "neutral-fg": "#3b3f44",
    "neutral-bg": "#e9ebee",
}
# Each text colour and the backgrounds it is set on: WCAG AA asks 4.5:1 of each pair.
TEXT_ON = {
    "text": ("page", "panel", "mark", "closest"),
    "muted": ("page", "panel"),
    "link": ("page", "panel"),
    "good-fg": ("good-bg",),
    "warn-fg": ("warn-bg",),
    "bad-fg": ("bad-bg",),
    "mixed-fg": ("mixed-bg",),
    "neutral-fg": ("neutral-bg",),
}
# Lines and outlines that show a control's edge or focus: 3:1 against the page (WCAG 1.4.11).
EDGES = ("rule", "focus")

CLAIM_TONES = {
    ClaimStatus.SUPPORTED: "good",
    ClaimStatus.AT_RISK: "warn",
    ClaimStatus.BROKEN: "bad",
    ClaimStatus.CONTESTED: "mixed",
    ClaimStatus.UNSUPPORTED: "bad",
    ClaimStatus.UNVERIFIED: "neutral",
}
QUOTE_TONES = {
    QuoteStatus.FOUND: "good",
    QuoteStatus.FUZZY: "warn",
    QuoteStatus.MISSING: "bad",
    QuoteStatus.DRIFTED: "warn",
    QuoteStatus.UNCHECKED: "neutral",
}
SOURCE_TONES = {
    SourceStatus.ALIVE: "good",
    SourceStatus.DEAD: "bad",
    SourceStatus.BLOCKED: "warn",
    SourceStatus.ERROR: "bad",
    SourceStatus.TIMEOUT: "warn",
    SourceStatus.INVALID: "bad",
    SourceStatus.SKIPPED: "neutral",
    SourceStatus.UNREACHABLE: "warn",
    SourceStatus.UNCHECKED: "neutral",
}


# Where scripts do not run, every claim is shown open and the buttons that would open it are not.
NO_SCRIPT = (
    "tr.details[hidden] { display: table-row; } button.toggle { display: none; } "
    ".count { display: inline; }"
)


def stylesheet() -> str:
    """The page's CSS: the palette as custom properties, then review.css."""
    colours = "".join(f"  --{name}: {value};\n" for name, value in PALETTE.items())
    return f":root {{\n{colours}}}\n" + _asset("review.css")


def script() -> str:
    """The page's JavaScript: sorting, filtering, expanding."""
    return _asset("review.js")


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _asset(name: str) -> str:
    return files("claimcheck.report").joinpath(name).read_text(encoding="utf-8")
