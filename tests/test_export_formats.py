"""The claims-to-sources table in each format, against golden files and the programs that
read it: the csv module, a JSON Schema validator, pdflatex, an HTML parser."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.load.bib import load_bibliographies
from claimcheck.models import ArchivedCopy, Memento, Snapshot, Source
from claimcheck.report.table import (
    COLUMNS,
    TableOptions,
    archived_copy,
    source_table,
    table_formats,
)
from claimcheck.report.table_latex import _settable, latex
from claimcheck.report.table_markdown import HEADERS, text
from claimcheck.schemas import SCHEMAS
from claimcheck.sourcetable import SourceTable
from claimcheck.verify import run
from tests import table_fixture
from tests.helpers import OfflineResolver, seed_settings

GOLDEN = Path(__file__).parent / "golden"
NOW = table_fixture.NOW
SUFFIX = {
    "csv": "csv",
    "markdown": "md",
    "json": "json",
    "latex": "tex",
    "robust-links": "robust-links.html",
}


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seed_table(tmp_path_factory: pytest.TempPathFactory) -> SourceTable:
    here = Path.cwd()
    os.chdir(REPO)
    try:
        settings = seed_settings(tmp_path_factory.mktemp("state"))
        report = run(settings, now=NOW, resolver=OfflineResolver())
        return source_table(report, load_bibliographies(settings.bib).references)
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def everything_table() -> SourceTable:
    return source_table(table_fixture.everything(), table_fixture.references())


def render(table: SourceTable, fmt: str, **options: bool) -> str:
    return table_formats()[fmt].render(table, TableOptions(**options))


def assert_golden(name: str, rendered: str) -> None:
    """Compare byte for byte (CSV lines end in CRLF); UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    data = rendered.encode("utf-8")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert data == path.read_bytes()


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_bundled_example_table_matches_golden_file(seed_table: SourceTable, fmt: str) -> None:
    assert_golden(f"export-seed.{SUFFIX[fmt]}", render(seed_table, fmt))


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_table_of_every_status_matches_golden_file(everything_table: SourceTable, fmt: str) -> None:
    assert_golden(f"export-everything.{SUFFIX[fmt]}", render(everything_table, fmt))


def test_fixture_holds_every_status_reason_and_kind_of_copy(everything_table: SourceTable) -> None:
    rows = everything_table.rows
    assert {row.claim_status for row in rows} == set(table_fixture.ClaimStatus)
    assert {row.source_status for row in rows} >= set(table_fixture.SourceStatus)
    assert {row.source_reason for row in rows} >= set(table_fixture.Reason)
    assert {row.quote_status for row in rows} >= set(table_fixture.QuoteStatus)
    assert {row.archived_kind for row in rows} == {"wayback", "local", None}


@pytest.mark.parametrize("table_name", ["seed_table", "everything_table"])
def test_csv_reads_back_with_the_csv_module_cell_for_cell(
    table_name: str, request: pytest.FixtureRequest
) -> None:
    table: SourceTable = request.getfixturevalue(table_name)
    rendered = render(table, "csv")
    read = list(csv.reader(io.StringIO(rendered, newline="")))
    assert read[0] == [column.header for column in COLUMNS]
    assert read[1:] == [[column.cell(row) for column in COLUMNS] for row in table.rows]
    assert rendered.endswith("\r\n")


def test_csv_keeps_line_breaks_inside_a_quoted_field(everything_table: SourceTable) -> None:
    rendered = render(everything_table, "csv")
    assert '"Pipes | and ""quotes""' in rendered
    assert "a second line\r\nand a third" in rendered


def test_bom_option_starts_the_csv_with_a_byte_order_mark(everything_table: SourceTable) -> None:
    plain = render(everything_table, "csv")
    marked = render(everything_table, "csv", bom=True)
    assert marked.encode("utf-8")[:3] == b"\xef\xbb\xbf"
    read = list(csv.reader(io.StringIO(marked.encode("utf-8").decode("utf-8-sig"), newline="")))
    expected = list(csv.reader(io.StringIO(plain, newline="")))
    assert [[cell.removeprefix("'") for cell in row] for row in read] == expected


def test_for_spreadsheets_no_cell_starts_a_formula(everything_table: SourceTable) -> None:
    hostile = everything_table.rows[0].model_copy(
        update={"claim_text": '=HYPERLINK("http://evil.example")', "quote": "-5 per cent"}
    )
    table = everything_table.model_copy(update={"rows": (hostile,)})
    plain = list(csv.reader(io.StringIO(render(table, "csv"), newline="")))
    spreadsheet = render(table, "csv", bom=True).removeprefix("\ufeff")
    cells = list(csv.reader(io.StringIO(spreadsheet, newline="")))[1]
    assert '=HYPERLINK("http://evil.example")' in plain[1]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'-5 per cent" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_json_table_validates_against_the_committed_schema(everything_table: SourceTable) -> None:
    document = json.loads(render(everything_table, "json"))
    committed = json.loads((REPO / "schemas" / "export.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(committed).validate(document)
    assert document["schema_version"] == "1"
    assert SourceTable.model_validate(document) == everything_table


def test_json_schema_rejects_a_row_without_its_claim() -> None:
    row = {"claim_text": "t", "section": None, "tags": [], "claim_status": "supported"}
    with pytest.raises(jsonschema.ValidationError, match="claim_id"):
        jsonschema.Draft202012Validator(SCHEMAS["export"]()).validate(
            {
                "schema_version": "1",
                "tool": "claimcheck",
                "tool_version": "1",
                "generated_at": "2026-01-01T00:00:00Z",
                "rows": [row],
            }
        )


def cells(line: str) -> list[str]:
    """A markdown table line split at its unescaped pipes."""
    found, current, escaped = [], "", False
    for char in line:
        if char == "|" and not escaped:
            found.append(current)
            current = ""
        else:
            current += char
        escaped = char == "\\" and not escaped
    return [*found, current][1:-1]


def unescape(cell: str) -> str:
    """What GitHub shows of a cell this module wrote: escapes dropped, <br> a line break."""
    return re.sub(r"\\(.)", r"\1", cell.replace("<br>", "\n"))


def test_markdown_rows_keep_one_cell_per_column(everything_table: SourceTable) -> None:
    lines = render(everything_table, "markdown").splitlines()
    assert len(lines) == len(everything_table.rows) + 2
    assert all(len(cells(line)) == len(HEADERS) for line in lines)
    first = cells(lines[2])
    assert unescape(first[1].strip()) == table_fixture.AWKWARD.replace("\r\n", "\n").replace(
        "\t", "\\x09"
    ).replace("\u202e", "\\u202e").replace("\u202c", "\\u202c")


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_any_printable_text_stays_in_its_markdown_cell(value: str) -> None:
    cell = text(value)
    assert "\n" not in cell
    assert cells(f"| {cell} |") == [f" {cell} "]
    assert unescape(cell) == value


def test_markdown_links_a_url_and_keeps_its_pipe_out_of_the_cell_rule(
    everything_table: SourceTable,
) -> None:
    rendered = render(everything_table, "markdown")
    assert "<https://web.archive.org/web/20250304050607/https://example.org/a%7Cb?q=1&r=2>" in (
        rendered
    )
    assert "<https://example.org/page-4?a=1&b=%3C4%3E>" in rendered


_ESCAPES = re.compile(
    r"\\claimcheckunicode\{[^{}]*\}\{[^{}]*\}|\\text[a-z]+\{\}|\\[{}#$%&_]|\\newline |\{\}"
)


@given(st.text())
def test_latex_text_escapes_every_special_character(value: str) -> None:
    rest = _ESCAPES.sub(" ", latex(value))
    assert not set(rest) & set("\\{}#$%&_^~")
    assert all(_settable(char) for char in rest)
    assert "--" not in rest
    assert "''" not in rest
    assert ",," not in rest


def test_latex_wraps_cjk_in_a_macro_that_names_its_code_points() -> None:
    assert latex("签证 ok") == r"\claimcheckunicode{签证}{U+7B7E U+8BC1} ok"
    assert latex("café Łódź") == "café Łódź"


def pdflatex_or_skip() -> str:
    found = shutil.which("pdflatex")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI: .ci/run installs texlive-latex-recommended")
        pytest.skip("pdflatex is not installed")
    return found


DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{array,booktabs,longtable,url}
\begin{document}
\input{table.tex}
\end{document}
"""


@pytest.mark.parametrize("table_name", ["seed_table", "everything_table"])
def test_latex_table_compiles_with_pdflatex(
    table_name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    pdflatex = pdflatex_or_skip()
    table: SourceTable = request.getfixturevalue(table_name)
    (tmp_path / "table.tex").write_text(render(table, "latex"), encoding="utf-8")
    (tmp_path / "paper.tex").write_text(DOCUMENT, encoding="utf-8")
    result = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    log = (tmp_path / "paper.log").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log[-3000:]
    assert (tmp_path / "paper.pdf").stat().st_size > 0
    assert "Missing character" not in log


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.found.append(dict(attrs))


def test_robust_links_name_each_web_archived_copy(everything_table: SourceTable) -> None:
    parser = Anchors()
    parser.feed(render(everything_table, "robust-links"))
    assert parser.found == [
        {
            "href": "https://example.org/page-2?a=1&b=<2>",
            "data-versionurl": table_fixture.MEMENTO,
            "data-versiondate": "2025-03-04",
        },
        {
            "href": "https://example.org/page-5?a=1&b=<5>",
            "data-versionurl": table_fixture.MEMENTO,
            "data-versiondate": "2025-03-04",
        },
    ]


def test_a_claim_without_evidence_has_one_row_with_empty_evidence_cells(
    everything_table: SourceTable,
) -> None:
    (row,) = [row for row in everything_table.rows if row.claim_id == "claim-without-evidence"]
    assert row.source_key is None
    assert row.quote is None
    assert row.archived_url is None


def test_rows_carry_the_reference_s_title_authors_and_year(everything_table: SourceTable) -> None:
    rows = {row.source_key: row for row in everything_table.rows}
    assert rows["ref00"].authors == ("Müller, Jürgen", "李, 明")
    assert rows["ref00"].year == "2019"
    assert rows["doionly"].url == "https://doi.org/10.1000/xyz_123#4"
    assert rows["doionly"].doi == "10.1000/xyz_123#4"
    assert rows["nokey"].source_title is None
    assert rows["nokey"].source_status is None


def test_archived_copy_prefers_the_rescue_then_a_memento_then_a_snapshot() -> None:
    when = table_fixture.CAPTURED
    bare = Source(key="k", keys=("k",), kind="url", url="https://example.org/")
    snapshot = bare.model_copy(
        update={
            "snapshot": Snapshot(
                captured_at=when, url=bare.url, http_status=200, payload_digest="sha1:X"
            )
        }
    )
    memento = snapshot.model_copy(
        update={"memento": Memento(url="https://w/1", captured_at=when, original="o", via="cdx")}
    )
    rescue = memento.model_copy(
        update={"rescue": ArchivedCopy(kind="wayback", captured_at=when, url="https://w/2")}
    )
    assert archived_copy(None, bare) is None
    assert archived_copy(None, snapshot) == ArchivedCopy(
        kind="local", captured_at=when, url=bare.url
    )
    assert archived_copy(None, memento) == ArchivedCopy(
        kind="wayback", captured_at=when, url="https://w/1"
    )
    assert archived_copy(None, rescue) == rescue.rescue
