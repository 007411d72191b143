"""The HTML review page: one self-contained file of claims, their evidence and sources' texts."""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable

from claimcheck.models import ClaimResult, Report, Source
from claimcheck.report.claims import ATTENTION_ORDER
from claimcheck.report.extras import ReviewExtras
from claimcheck.report.markup import badge, esc, when
from claimcheck.report.review_items import evidence_item
from claimcheck.report.review_style import (
    CLAIM_TONES,
    NO_SCRIPT,
    SOURCE_TONES,
    script,
    stylesheet,
)

__all__ = ["ReviewExtras", "render_review"]

_COLUMNS = 5


def render_review(report: Report, extras: ReviewExtras) -> str:
    """The report as one HTML page with no external assets: inline CSS and script, and a
    Content-Security-Policy that lets nothing else load (no network)."""
    style, code = stylesheet(), script()
    policy = (
        f"default-src 'none'; style-src '{_digest(style)}' '{_digest(NO_SCRIPT)}'; "
        f"script-src '{_digest(code)}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    inputs = report.inputs
    title = f"claimcheck review of {inputs.claims or ', '.join(inputs.bib)}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="{esc(report.tool)} {esc(report.tool_version)}">',
            f"<title>{esc(title)}</title>",
            f"<style>{style}</style>",
            f"<noscript><style>{NO_SCRIPT}</style></noscript>",
            "</head>",
            "<body>",
            '<a class="skip" href="#claims-h">Skip to the claims</a>',
            "<header>",
            "<h1>Claims review</h1>",
            f"<p>{_made(report)}</p>",
            "</header>",
            "<main>",
            _summary(report, extras),
            _claims(report, extras),
            "</main>",
            f"<script>{code}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _digest(text: str) -> str:
    """The CSP source that allows exactly this inline style or script."""
    hashed = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"sha256-{hashed}"


def _made(report: Report) -> str:
    inputs = report.inputs
    files = [*inputs.bib, *([inputs.claims] if inputs.claims else [])]
    named = ", ".join(f"<code>{esc(name)}</code>" for name in files)
    return (
        f"Made by {esc(report.tool)} {esc(report.tool_version)} on {when(report.generated_at)} "
        f"from {named}."
    )


def _summary(report: Report, extras: ReviewExtras) -> str:
    summary = report.summary
    claims = _counts(
        (badge(status.value, CLAIM_TONES[status]), summary.claim_statuses.get(status, 0))
        for status in ATTENTION_ORDER
    )
    sources = _counts(
        (badge(status.value, SOURCE_TONES[status]), count)
        for status, count in summary.source_statuses.items()
    )
    parts = [
        '<section aria-labelledby="summary-h">',
        '<h2 id="summary-h">Summary</h2>',
        f"<p>{summary.claims} claims with {summary.evidence} evidence items; "
        f"{summary.references} references citing {summary.sources} sources.</p>",
    ]
    if claims:
        parts.append(f'<p>Claims:</p><ul class="counts">{claims}</ul>')
    if sources:
        parts.append(f'<p>Sources:</p><ul class="counts">{sources}</ul>')
    parts += [f'<p class="note" role="note">{esc(note)}</p>' for note in extras.notes]
    parts.append("</section>")
    return "\n".join(parts)


def _counts(counts: Iterable[tuple[str, int]]) -> str:
    return "".join(f"<li>{shown} {count}</li>" for shown, count in counts if count)


def _claims(report: Report, extras: ReviewExtras) -> str:
    parts = ['<section aria-labelledby="claims-h">', '<h2 id="claims-h">Claims</h2>']
    if not report.claims:
        parts += ["<p>This report has no claims: the bibliography alone was checked.</p>"]
        return "\n".join([*parts, "</section>"])
    counts = Counter(claim.status for claim in report.claims)
    total = len(report.claims)
    options = "".join(
        f'<option value="{status.value}">{status.value} ({counts[status]})</option>'
        for status in ATTENTION_ORDER
        if counts[status]
    )
    parts += [
        '<div class="controls" id="controls" hidden>',
        '<label for="status-filter">Show claims</label>',
        f'<select id="status-filter"><option value="">of every status ({total})</option>'
        f"{options}</select>",
        '<button type="button" id="expand-all">Expand all</button>',
        '<button type="button" id="collapse-all">Collapse all</button>',
        "</div>",
        f'<p id="shown" aria-live="polite">Showing {total} of {total} claims.</p>',
        '<table id="claims">',
        '<caption>Claims, those needing attention first.<span class="screen"> Sort by a '
        "column with its button; open a claim's evidence with the button in its last "
        "column.</span></caption>",
        "<thead><tr>",
        '<th scope="col" data-key="id">Claim</th>',
        '<th scope="col" data-key="rank" aria-sort="ascending">Status</th>',
        '<th scope="col" data-key="section">Section</th>',
        '<th scope="col">Text</th>',
        '<th scope="col">Evidence</th>',
        "</tr></thead>",
    ]
    by_key = {key: source for source in report.sources for key in source.keys}
    # Those needing attention first, in ledger order within each status.
    listed = sorted(enumerate(report.claims), key=lambda pair: _rank(pair[1]))
    parts += [_claim(claim, index, by_key, extras) for index, claim in listed]
    parts += ["</table>", "</section>"]
    return "\n".join(parts)


def _rank(claim: ClaimResult) -> int:
    return ATTENTION_ORDER.index(claim.status)


def _claim(claim: ClaimResult, index: int, by_key: dict[str, Source], extras: ReviewExtras) -> str:
    claim_id = f"claim-{index}"
    items = len(claim.evidence)
    count = f"{items} item{'s' if items != 1 else ''}"
    text = esc(claim.text)
    if claim.why:
        text += f'<br><span class="muted">Why: {esc(claim.why)}</span>'
    row = [
        f'<tbody class="claim" id="{claim_id}" data-status="{claim.status.value}" '
        f'data-rank="{_rank(claim)}" data-id="{esc(claim.id)}" '
        f'data-section="{esc(claim.section or "")}" '
        f'data-order="{index}">',
        "<tr>",
        f'<th scope="row"><code>{esc(claim.id)}</code></th>',
        f"<td>{badge(claim.status.value, CLAIM_TONES[claim.status])}</td>",
        f"<td>{esc(claim.section or '')}</td>",
        f"<td>{text}</td>",
        f'<td><button type="button" class="toggle" aria-expanded="false" '
        f'aria-controls="{claim_id}-evidence">{count}'
        f'<span class="hidden-label"> of {esc(claim.id)}</span></button>'
        f'<span class="count">{count}</span></td>',
        "</tr>",
        # Closed until opened: a browser lays a long page out far faster so (the styles for
        # print, and for a browser without scripts, show every claim open).
        f'<tr class="details" id="{claim_id}-evidence" hidden><td colspan="{_COLUMNS}">',
        _claim_details(claim, index, by_key, extras),
        "</td></tr>",
        "</tbody>",
    ]
    return "\n".join(row)


def _claim_details(
    claim: ClaimResult, index: int, by_key: dict[str, Source], extras: ReviewExtras
) -> str:
    where = f"{claim.file}:{claim.line}" if claim.line else claim.file
    facts = [f"Claim <code>{esc(claim.id)}</code> at <code>{esc(where)}</code>"]
    if claim.tags:
        facts.append("tags: " + ", ".join(f"<code>{esc(tag)}</code>" for tag in claim.tags))
    parts = [f'<p class="muted">{"; ".join(facts)}.</p>']
    if not claim.evidence:
        parts.append("<p>No evidence is listed for this claim.</p>")
        return "\n".join(parts)
    parts.append('<ol class="evidence">')
    total = len(claim.evidence)
    for item_index, item in enumerate(claim.evidence):
        key = (index, item_index)
        source = by_key.get(item.source)
        parts.append(
            evidence_item(
                item,
                f"claim-{index}-item-{item_index}",
                f"Evidence {item_index + 1} of {total} for <code>{esc(claim.id)}</code>",
                source,
                extras.texts.get(key),
                extras.text_notes.get(key),
                extras.histories.get(source.url) if source is not None else None,
            )
        )
    parts.append("</ol>")
    return "\n".join(parts)
