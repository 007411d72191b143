"""`claimcheck export` end to end: sources on loopback servers checked and archived, then the
table written in the format asked for or the one the output file's suffix names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.servers import HostFactory, html_page, status
from tests.test_cli import claimcheck
from tests.test_cli_evidence import bib, ledger, project

NEWS = "<p>China extends visa-free entry to 12 countries, the foreign ministry said.</p>"


def paper(hosts: HostFactory, folder: Path) -> Path:
    """A project citing a live page (its quote there) and a page that is gone."""
    (host,) = hosts(1)
    host.route("/news", html_page("Visa news", NEWS))
    host.route("/gone", status(404))
    return project(
        folder,
        bib(
            ("xinhua", f"  url = {{{host.url('/news')}}},\n"),
            ("gone", f"  url = {{{host.url('/gone')}}},\n"),
        ),
        ledger(
            ("extends", "xinhua", "China extends visa-free entry to 12 countries", "supports"),
            ("vanished", "gone", "a quote from a page that is gone", "supports"),
        ),
    )


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_export_after_verify_lists_each_claim_with_its_archived_copy(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = paper(hosts, tmp_path)
    verified = claimcheck("verify", "--allow-private", cwd=folder)
    assert verified.returncode == 1, verified.stdout + verified.stderr

    result = claimcheck("export", "--allow-private", "--output", "table.csv", cwd=folder)

    assert result.returncode == 0, result.stderr
    table = rows((folder / "table.csv").read_bytes().decode("utf-8"))
    by_claim = {row["claim"]: row for row in table}
    assert by_claim["extends"]["claim status"] == "supported"
    assert by_claim["extends"]["source status"] == "alive"
    assert by_claim["extends"]["quote status"] == "found"
    assert by_claim["extends"]["title"] == "News"
    assert by_claim["extends"]["archive"] == "local"
    assert by_claim["extends"]["archived copy"].endswith("/news")
    assert by_claim["extends"]["archived on"][:4].isdigit()
    assert by_claim["vanished"]["source status"] == "dead"
    assert by_claim["vanished"]["reason"] == "not-found"
    assert by_claim["vanished"]["claim status"] == "broken"


def test_export_names_no_capture_of_an_error_page_as_a_dead_sources_copy(
    hosts: HostFactory, tmp_path: Path
) -> None:
    """The archive keeps what a dead page answered (its 404 page); that is no copy to cite."""
    (host,) = hosts(1)
    error_page = b"<!doctype html><title>Not found</title><h1>Not found</h1>"
    host.route("/gone", status(404, [("Content-Type", "text/html")], error_page))
    folder = project(
        tmp_path,
        bib(("gone", f"  url = {{{host.url('/gone')}}},\n")),
        ledger(("vanished", "gone", "a quote from a page that is gone", "supports")),
    )
    assert claimcheck("verify", "--allow-private", cwd=folder).returncode == 1

    result = claimcheck("export", "--offline", "--format", "json", cwd=folder)

    (row,) = json.loads(result.stdout)["rows"]
    assert row["source_status"] == "dead"
    assert (row["archived_url"], row["archived_kind"]) == (None, None)


def test_offline_export_recalls_the_last_checks_and_snapshots(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = paper(hosts, tmp_path)
    assert claimcheck("verify", "--allow-private", cwd=folder).returncode == 1

    result = claimcheck("export", "--offline", "--format", "json", cwd=folder)

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    by_claim = {row["claim_id"]: row for row in document["rows"]}
    assert by_claim["extends"]["quote_status"] == "found"
    assert by_claim["extends"]["archived_kind"] == "local"
    assert by_claim["vanished"]["source_status"] == "dead"


def test_export_is_a_product_and_exits_0_though_a_source_is_dead(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = paper(hosts, tmp_path)

    result = claimcheck("export", "--allow-private", "--no-archive", "-o", "table.md", cwd=folder)

    assert result.returncode == 0, result.stderr
    lines = (folder / "table.md").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("| claim | claim text |")
    assert len(lines) == 4
    assert result.stdout == ""


def test_output_suffix_picks_the_format_and_format_overrides_it(tmp_path: Path) -> None:
    folder = project(tmp_path, bib(("xinhua", "")), ledger(("a", "xinhua", "q", "supports")))

    latex = claimcheck("export", "-o", "table.tex", cwd=folder)
    forced = claimcheck("export", "-o", "table.txt", "--format", "markdown", cwd=folder)

    assert latex.returncode == 0, latex.stderr
    assert r"\begin{longtable}" in (folder / "table.tex").read_text(encoding="utf-8")
    assert forced.returncode == 0, forced.stderr
    assert (folder / "table.txt").read_text(encoding="utf-8").startswith("| claim |")


def test_bom_writes_a_byte_order_mark_before_the_csv(tmp_path: Path) -> None:
    folder = project(tmp_path, bib(("xinhua", "")), ledger(("a", "xinhua", "q", "supports")))

    result = claimcheck("export", "--bom", "-o", "table.csv", cwd=folder)

    assert result.returncode == 0, result.stderr
    data = (folder / "table.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfclaim,claim text,")
    assert b"\r\n" in data


def test_an_unknown_suffix_or_a_bom_outside_csv_is_a_usage_error(tmp_path: Path) -> None:
    folder = project(tmp_path, bib(("xinhua", "")), ledger(("a", "xinhua", "q", "supports")))

    unknown = claimcheck("export", "-o", "table.xlsx", cwd=folder)
    bom = claimcheck("export", "--bom", "--format", "json", cwd=folder)

    assert unknown.returncode == 2
    assert "cannot tell the format of table.xlsx" in unknown.stderr
    assert bom.returncode == 2
    assert "--bom is for --format csv" in bom.stderr
    assert not (folder / "table.xlsx").exists()


def test_html_export_writes_the_review_page_with_the_quote_marked_in_its_source(
    hosts: HostFactory, tmp_path: Path
) -> None:
    folder = paper(hosts, tmp_path)

    result = claimcheck("export", "--allow-private", "-o", "review.html", cwd=folder)

    assert result.returncode == 0, result.stderr
    page = (folder / "review.html").read_text(encoding="utf-8")
    assert page.lower().startswith("<!doctype html>")
    assert "<mark" in page
    assert "China extends visa-free entry to 12 countries" in page
    assert "vanished" in page
    assert "broken" in page
    assert "http://" not in page.split("<body", 1)[0]  # nothing loaded from elsewhere


def test_schema_export_prints_the_committed_schema(repo: Path) -> None:
    result = claimcheck("schema", "export", cwd=repo)

    assert result.returncode == 0
    committed = (repo / "schemas" / "export.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(committed)


def test_export_prints_titles_and_names_as_latex_prints_them(tmp_path: Path) -> None:
    entry = (
        "@online{cat,\n"
        '  author = {M\\"uller, J\\"urgen and {Smith \\& Sons}},\n'
        "  title = {Schr\\\"odinger's cat in \\textit{Nature}: 100\\% sure},\n"
        "  url = {https://example.org/cat},\n}\n"
    )
    folder = project(tmp_path, entry, ledger(("cat-claim", "cat", "a quote", "supports")))

    result = claimcheck("export", "--offline", "--format", "json", cwd=folder)

    (row,) = json.loads(result.stdout)["rows"]
    assert row["source_title"] == "Schrödinger's cat in Nature: 100% sure"
    assert row["authors"] == ["Müller, Jürgen", "Smith & Sons"]
