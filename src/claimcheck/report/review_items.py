"""One evidence item on the review page: its source, copies, quote, text and check history."""

from __future__ import annotations

from claimcheck.models import EvidenceResult, Excerpt, QuoteStatus, Source
from claimcheck.report.extras import History, SourceText
from claimcheck.report.markup import badge, block, day, esc, link, when
from claimcheck.report.review_style import QUOTE_TONES, SOURCE_TONES


def evidence_item(
    item: EvidenceResult,
    item_id: str,
    heading: str,
    source: Source | None,
    text: SourceText | None,
    text_note: str | None,
    history: History | None,
) -> str:
    """An evidence item as an <li>: a heading, its facts, the quote and the passage found,
    the source's text with the passage marked, and the source's check history."""
    facts = [
        ("Stance", esc(item.stance.value)),
        ("Source", _source_status(item, source)),
    ]
    if source is not None:
        facts.append(("Live link", _live(source)))
        copies = _copies(item, source)
        facts.append(("Archived copy", copies or "none known"))
    if item.quote_status is not None:
        facts.append(("Quote", _quote_status(item)))
    if item.locator:
        facts.append(("Locator", esc(item.locator)))
    parts = [
        f'<li class="item" id="{item_id}">',
        f'<h3 id="{item_id}-h">{heading}: <cite>{esc(item.source)}</cite></h3>',
        '<dl class="facts">',
        *(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts),
        "</dl>",
    ]
    if item.quote is not None:
        parts.append(f'<blockquote class="quote"><p>{esc(item.quote)}</p></blockquote>')
    parts += _passages(item)
    if item.detail:
        parts.append(f'<p class="note">Note: {esc(item.detail)}</p>')
    if text is not None:
        parts.append(_source_text(item, item_id, text))
    elif text_note:
        parts.append(f'<p class="note">Source text: {esc(text_note)}.</p>')
    if source is not None and history is not None:
        parts.append(_history(source, history, item_id))
    parts.append("</li>")
    return "\n".join(parts)


def _source_status(item: EvidenceResult, source: Source | None) -> str:
    if source is None or item.source_status is None:
        return "no URL or DOI to check"
    words = [badge(source.status.value, SOURCE_TONES[source.status]), esc(source.reason.value)]
    if source.http_status is not None:
        words.append(f"(HTTP {source.http_status})")
    line = " ".join(words)
    if source.detail:
        line += f" — {esc(source.detail)}"
    if source.checked_at is not None:
        cached = ", from the cache" if source.from_cache else ""
        line += f'<br><span class="muted">checked {when(source.checked_at)}{cached}</span>'
    if source.failing_since is not None and source.failing_checks > 1:
        line += (
            f'<br><span class="muted">failing since {when(source.failing_since)}, '
            f"{source.failing_checks} checks in a row</span>"
        )
    return line


def _live(source: Source) -> str:
    live = link(source.url)
    # Only a redirect moved it: the cited IRI's encoded form (what was sent) is the same page.
    if source.final_url and source.redirects and source.final_url != source.url:
        live += f' <span class="muted">→ now at</span> {link(source.final_url)}'
    return live


def _copies(item: EvidenceResult, source: Source) -> str:
    copies = []
    if source.memento is not None:
        copies.append(
            f"{link(source.memento.url, 'web archive copy')} of {day(source.memento.captured_at)}"
        )
    rescue = source.rescue
    if (
        rescue is not None
        and rescue.kind == "wayback"
        and (source.memento is None or rescue.url != source.memento.url)
    ):
        copies.append(f"{link(rescue.url, 'copy to cite')} of {day(rescue.captured_at)}")
    if source.snapshot is not None:
        snapshot = source.snapshot
        copies.append(
            f"local snapshot of {when(snapshot.captured_at)} (HTTP {snapshot.http_status}) "
            "in the project's archive"
        )
    elif item.snapshot is not None:
        copies.append(
            f"local snapshot of {when(item.snapshot.captured_at)} in the project's archive"
        )
    return "<br>".join(copies)


def _quote_status(item: EvidenceResult) -> str:
    assert item.quote_status is not None
    line = badge(item.quote_status.value, QUOTE_TONES[item.quote_status])
    if item.score is not None and item.quote_status is not QuoteStatus.FOUND:
        line += f" score {item.score:.2f}"
    if item.checked_in == "live":
        line += " in the live page"
    elif item.checked_in == "file":
        line += f" in the local copy {esc(item.file or '')}"
    elif item.checked_in:
        line += f" in the snapshot of {esc(item.checked_in)}"
    return line


def _passages(item: EvidenceResult) -> list[str]:
    parts = []
    if item.excerpt is not None:
        label = "Found"
        if item.drift is not None:
            label = "Found in an earlier snapshot"
        elif item.quote_status is QuoteStatus.FUZZY:
            label = "Near match"
        parts.append(_excerpt(label, item.excerpt, "quote"))
    if item.closest is not None:
        parts.append(_excerpt("Closest passage", item.closest, "closest"))
    if item.differences:
        decisive = any(difference.decisive for difference in item.differences)
        rows = "".join(
            f"<li><del>{esc(d.quote) or '(nothing)'}</del> → "
            f"<ins>{esc(d.source) or '(nothing)'}</ins></li>"
            for d in item.differences
        )
        label = "Differs, decisively" if decisive else "Differs"
        parts.append(f'<div class="differences"><p>{label}:</p><ul>{rows}</ul></div>')
    if item.drift is not None:
        drift = item.drift
        cite = drift.cite
        target = link(cite.url) if cite.kind == "wayback" else esc(cite.url)
        parts.append(
            f'<p class="drift">Drifted: the snapshot of {day(drift.last_found)} had the quote, '
            f"the one of {day(drift.first_missing)} lacks it. Cite the {esc(cite.kind)} copy "
            f"{target} of {day(cite.captured_at)} instead.</p>"
        )
    return parts


def _excerpt(label: str, excerpt: Excerpt, marked: str) -> str:
    page = f" (p. {esc(excerpt.page)})" if excerpt.page else ""
    before = f"…{esc(excerpt.before)}" if excerpt.before else ""
    after = f"{esc(excerpt.after)}…" if excerpt.after else ""
    return (
        f'<p class="excerpt"><span class="label">{label}{page}:</span> '
        f'{before}<mark class="{marked}">{esc(excerpt.match)}</mark>{after}</p>'
    )


def _source_text(item: EvidenceResult, item_id: str, text: SourceText) -> str:
    if item.drift is not None and text.captured_at == item.drift.last_found:
        what = f"Text of the snapshot of {when(text.captured_at)}, the last that had the quote"
    else:
        what = f"Text of the capture of {when(text.captured_at)}"
    if not text.marks:
        marking = "; the passage is not marked: it was not found in this text"
    elif text.marked == "closest":
        marking = "; the passage most like the quote is marked"
    else:
        marking = "; the quote is marked"
    cut = ""
    if not text.whole:
        cut = (
            f'<p class="muted">Characters {text.start + 1:,} to {text.start + len(text.text):,} '
            f"of {text.length:,}; the rest is left out.</p>"
        )
    return "\n".join(
        [
            '<details class="fulltext">',
            f"<summary>{what} ({text.length:,} characters){marking}</summary>",
            f'<p class="muted">Captured from {link(text.url)}</p>',
            cut,
            f'<div class="text" id="{item_id}-text" role="region" tabindex="0" '
            f'aria-label="Text of {esc(item.source)}">{_marked(text)}</div>',
            "</details>",
        ]
    )


def _marked(text: SourceText) -> str:
    pieces = []
    at = 0
    for start, end in text.marks:
        pieces.append(block(text.text[at:start]))
        pieces.append(f'<mark class="{text.marked}">{block(text.text[start:end])}</mark>')
        at = end
    pieces.append(block(text.text[at:]))
    return "".join(pieces)


def _history(source: Source, history: History, item_id: str) -> str:
    count = len(history.checks) + history.older
    shown = (
        f"the newest {len(history.checks)} of {count} checks"
        if history.older
        else f"{count} check{'s' if count != 1 else ''}"
    )
    rows = []
    for check in history.checks:
        http = str(check.http_status) if check.http_status is not None else "—"
        rows.append(
            f"<tr><td>{when(check.checked_at)}</td>"
            f"<td>{badge(check.status.value, SOURCE_TONES[check.status])}</td>"
            f"<td>{esc(check.reason.value)}</td><td>{http}</td>"
            f"<td>{esc(check.detail or '')}</td></tr>"
        )
    return "\n".join(
        [
            f'<table class="history" id="{item_id}-history">',
            f"<caption>Check history of {esc(source.url)} ({shown}, newest first)</caption>",
            '<thead><tr><th scope="col">Checked</th><th scope="col">Status</th>'
            '<th scope="col">Reason</th><th scope="col">HTTP</th>'
            '<th scope="col">Detail</th></tr></thead>',
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
        ]
    )
