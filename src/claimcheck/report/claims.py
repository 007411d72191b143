"""The claims in the terminal report: those needing attention first, each with its evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from claimcheck.models import ClaimResult, ClaimStatus, EvidenceResult, Excerpt, QuoteStatus
from claimcheck.report.layout import table_room, widest
from claimcheck.visible import visible

if TYPE_CHECKING:
    from rich.table import Table

# Claims in the order a reader should look at them.
ATTENTION_ORDER = (
    ClaimStatus.BROKEN,
    ClaimStatus.CONTESTED,
    ClaimStatus.AT_RISK,
    ClaimStatus.UNSUPPORTED,
    ClaimStatus.UNVERIFIED,
    ClaimStatus.SUPPORTED,
)
# The claims whose evidence is shown item by item.
NEEDS_ATTENTION = frozenset(
    {ClaimStatus.BROKEN, ClaimStatus.CONTESTED, ClaimStatus.AT_RISK, ClaimStatus.UNSUPPORTED}
)
CLAIM_STYLE = {
    ClaimStatus.SUPPORTED: "green",
    ClaimStatus.AT_RISK: "yellow",
    ClaimStatus.BROKEN: "bold red",
    ClaimStatus.CONTESTED: "magenta",
    ClaimStatus.UNSUPPORTED: "bold red",
    ClaimStatus.UNVERIFIED: "yellow",
}
_QUOTE_STYLE = {
    QuoteStatus.FOUND: "green",
    QuoteStatus.FUZZY: "yellow",
    QuoteStatus.MISSING: "bold red",
    QuoteStatus.DRIFTED: "yellow",
    QuoteStatus.UNCHECKED: "dim",
}
# The quote in an excerpt is set between these, and in bold where there is colour.
OPEN_MARK, CLOSE_MARK = "«", "»"


def ordered(claims: Sequence[ClaimResult]) -> list[ClaimResult]:
    """The claims needing attention first, in ledger order within each status."""
    rank = {status: index for index, status in enumerate(ATTENTION_ORDER)}
    return sorted(claims, key=lambda claim: rank[claim.status])


def status_counts(claims: Sequence[ClaimResult]) -> str:
    """The claims' statuses counted, in attention order: ``2 broken, 14 supported``."""
    counts = Counter(claim.status for claim in claims)
    return ", ".join(f"{counts[s]} {s.value}" for s in ATTENTION_ORDER if counts[s])


def print_claims(claims: Sequence[ClaimResult], width: int, console: Console) -> None:
    """The claims table, then each claim needing attention with its evidence."""
    listed = ordered(claims)
    console.print(claims_table(listed, width))
    attention = [claim for claim in listed if claim.status in NEEDS_ATTENTION]
    if not attention:
        return
    console.print(Text(f"Claims needing attention ({len(attention)})", style="bold"))
    from rich.padding import Padding

    for claim in attention:
        console.print()
        for indent, line in claim_lines(claim):
            # Long lines wrap under their own start, not at the left margin.
            console.print(Padding(line, (0, 0, 0, indent), expand=False))


def claim_lines(claim: ClaimResult) -> list[tuple[int, Text]]:
    """A claim needing attention, each line with its indent: its status, id and place, why,
    then each evidence item."""
    head = Text()
    head.append(claim.status.value, style=CLAIM_STYLE[claim.status])
    head.append(f" {visible(claim.id)} ", style="bold")
    head.append(visible(f"{claim.file}:{claim.line}" if claim.line else claim.file), style="dim")
    lines = [(2, head), (4, Text(visible(claim.text)))]
    if claim.why:
        lines.append((4, Text(f"why: {visible(claim.why)}", style="dim")))
    for item in claim.evidence:
        lines += evidence_lines(item)
    return lines


def evidence_lines(item: EvidenceResult) -> list[tuple[int, Text]]:
    """An evidence item, each line with its indent: key, source status, quote status and
    where it was looked for, then the quote, the passage found (or the closest one), what
    differs, and how the quote drifted."""
    line = Text("- ")
    line.append(visible(item.source), style="bold")
    line.append(f" ({item.stance.value})" if item.stance.value != "supports" else "")
    if item.source_status is not None:
        line.append(f": source {item.source_status.value}")
    if item.quote_status is not None:
        line.append("; quote ")
        line.append(item.quote_status.value, style=_QUOTE_STYLE[item.quote_status])
        if item.score is not None and item.quote_status is not QuoteStatus.FOUND:
            line.append(f" (score {item.score:.2f})")
        if item.checked_in:
            line.append(f" in {_where(item)}")
    lines = [(4, line)]
    if item.quote is not None:
        lines.append((6, Text(f"quote: \u201c{visible(item.quote)}\u201d")))
    if item.excerpt is not None:
        # A drifted quote's passage is the old snapshot's, not the text searched now.
        label = "found"
        if item.drift is not None:
            label = f"found in the snapshot of {item.drift.last_found.date().isoformat()}"
        lines.append((6, _excerpt_line(label, item.excerpt)))
    if item.closest is not None:
        lines.append((6, _excerpt_line("closest", item.closest)))
    if item.differences:
        differs = "; ".join(
            f"{visible(d.quote) or '(nothing)'} \u2192 {visible(d.source) or '(nothing)'}"
            for d in item.differences
        )
        label = "differs, decisively" if any(d.decisive for d in item.differences) else "differs"
        lines.append((6, Text(f"{label}: {differs}", style="yellow")))
    if item.drift is not None:
        drift = item.drift
        lines.append(
            (
                6,
                Text(
                    f"drifted: in the snapshot of {drift.last_found.date().isoformat()}, "
                    f"gone by {drift.first_missing.date().isoformat()}; cite the "
                    f"{drift.cite.kind} copy {visible(drift.cite.url)} "
                    f"({drift.cite.captured_at.date().isoformat()})",
                    style="yellow",
                ),
            )
        )
    if item.detail:
        lines.append((6, Text(f"note: {visible(item.detail)}", style="dim")))
    return lines


def _where(item: EvidenceResult) -> str:
    if item.checked_in == "live":
        return "the live page"
    if item.checked_in == "file":
        return f"local copy {visible(item.file or '')}"
    return f"the snapshot of {visible(item.checked_in or '')}"


def _excerpt_line(label: str, excerpt: Excerpt) -> Text:
    text = Text(f"{label}: ")
    if excerpt.page:
        text.append(f"(p. {visible(excerpt.page)}) ")
    text.append(f"\u2026{visible(excerpt.before)}" if excerpt.before else "")
    text.append(f"{OPEN_MARK}{visible(excerpt.match)}{CLOSE_MARK}", style="bold")
    text.append(f"{visible(excerpt.after)}\u2026" if excerpt.after else "")
    return text


def claims_table(claims: Sequence[ClaimResult], width: int) -> Table:
    """The claims, one line each: ids and keys wrap when long, the text is cut to fit."""
    ids = [visible(claim.id) for claim in claims]
    evidence = [visible(", ".join(claim.sources)) or "-" for claim in claims]
    room = table_room(width, 4)
    status = widest([claim.status.value for claim in claims], "status")
    shared = room - status - max(room // 3, 4)
    claim_width = min(
        widest(ids, "claim"), max(shared * 2 // 3, shared - widest(evidence, "evidence"))
    )
    evidence_width = min(widest(evidence, "evidence"), shared - claim_width)
    text_width = room - status - claim_width - evidence_width
    from rich import box
    from rich.table import Table

    table = Table(title=f"Claims ({len(claims)})", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("claim", width=max(1, claim_width), overflow="fold")
    table.add_column("status", width=status, no_wrap=True)
    table.add_column("evidence", width=max(1, evidence_width), overflow="fold")
    table.add_column("text", width=max(1, text_width), no_wrap=True, overflow="ellipsis")
    for claim, claim_id, keys in zip(claims, ids, evidence, strict=True):
        table.add_row(
            Text(claim_id),
            Text(claim.status.value, style=CLAIM_STYLE[claim.status]),
            Text(keys),
            Text(visible(claim.text)),
        )
    return table
