"""Robust Links: each cited URL with a web-archived copy as an anchor that names both."""

from __future__ import annotations

from html import escape

from claimcheck.report.table import TableOptions
from claimcheck.sourcetable import SourceTable
from claimcheck.visible import visible


class RobustLinks:
    """``--format robust-links``: for each cited URL whose archived copy is a memento in a
    public web archive, one line ``<a href="URL" data-versionurl="MEMENTO"
    data-versiondate="YYYY-MM-DD">title</a>`` (https://robustlinks.mementoweb.org/spec/),
    in the order the claims first cite them. A copy kept only in the local archive has no
    address a reader can follow, so its URL gets no anchor."""

    name = "robust-links"

    def render(self, table: SourceTable, options: TableOptions) -> str:
        """One anchor a line; nothing when no cited URL has a web-archived copy."""
        anchors: dict[str, str] = {}
        for row in table.rows:
            if row.url is None or row.url in anchors or row.archived_kind != "wayback":
                continue
            if row.archived_url is None or row.archived_date is None:
                continue
            anchors[row.url] = (
                f'<a href="{escape(row.url)}" data-versionurl="{escape(row.archived_url)}" '
                f'data-versiondate="{row.archived_date.isoformat()}">'
                f"{escape(visible(row.source_title or row.url), quote=False)}</a>"
            )
        return "".join(anchor + "\n" for anchor in anchors.values())
