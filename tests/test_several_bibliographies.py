"""Several bibliographies read together: every finding at its own file, keys across files,
@string macros as BibTeX reads them, and each entry written back into its own file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from claimcheck.config import load_settings
from claimcheck.lint import lint
from claimcheck.load.bib import load_bibliographies
from tests.servers import HostFactory, Request, Response, html_page
from tests.test_cli import claimcheck
from tests.test_cli_archive import SETTINGS, entry, run, today

BOOKS = """@book{smith2020,
  title = {A Book},
  url   = {https://example.org/book},
}
"""
ARTICLES = """@article{jones2021,
  title = {An Article},
  url   = {https://example.org/article},
}

@online{smith2020,
  title = {A Page Under the Same Key},
  url   = {https://example.org/page},
}
"""


def write(folder: Path, **files: str) -> Path:
    """Write each ``name=text`` as ``name.bib`` into ``folder``."""
    for name, text in files.items():
        (folder / f"{name}.bib").write_text(text, encoding="utf-8")
    return folder


def test_a_key_defined_in_two_bibliographies_is_an_error_naming_both_places(
    tmp_path: Path,
) -> None:
    write(tmp_path, books=BOOKS, articles=ARTICLES)
    result = claimcheck("lint", "--bib", "books.bib", "--bib", "articles.bib", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "articles.bib:6 CC212 key 'smith2020' is already defined at books.bib:1 "
        "[duplicate-key-across-files]"
    ) in result.stdout
    assert "2 references, 2 sources" in result.stdout.splitlines()[0]


def test_each_finding_keeps_its_own_file_and_line(tmp_path: Path) -> None:
    broken = BOOKS.replace("https://example.org/book", "example.org/book")
    write(tmp_path, books=broken, articles=ARTICLES.replace("https://", "htps://"))
    result = claimcheck(
        "lint", "--format", "json", "--bib", "books.bib", "--bib", "articles.bib", cwd=tmp_path
    )
    report = json.loads(result.stdout)
    assert report["inputs"]["bib"] == ["books.bib", "articles.bib"]
    places = {(f["code"], f["file"], f["line"]) for f in report["findings"]}
    assert ("CC302", "books.bib", 3) in places
    assert ("CC212", "articles.bib", 6) in places
    assert ("CC308", "articles.bib", 3) in places


def test_a_bibliography_given_twice_is_read_once(tmp_path: Path) -> None:
    write(tmp_path, books=BOOKS)
    result = claimcheck("lint", "--bib", "books.bib", "--bib", "./books.bib", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 references" in result.stdout


def test_a_macro_of_an_earlier_file_is_defined_in_a_later_one_as_in_bibtex(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        strings='@string{pub = "Example Press"}\n',
        refs="@book{a2020, title = {A}, publisher = pub, url = {https://example.org/a}}\n",
    )
    in_order = load_bibliographies([tmp_path / "strings.bib", tmp_path / "refs.bib"])
    assert in_order.references[0].fields["publisher"] == "Example Press"
    assert not [f for f in in_order.findings if f.code == "CC209"]
    reversed_order = load_bibliographies([tmp_path / "refs.bib", tmp_path / "strings.bib"])
    assert [f.code for f in reversed_order.findings] == ["CC209"]


def test_bibliographies_come_from_a_list_a_single_path_or_a_json_variable(
    tmp_path: Path,
) -> None:
    (tmp_path / "claimcheck.toml").write_text('bib = ["a.bib", "b.bib"]\n', encoding="utf-8")
    assert load_settings(tmp_path).bib == (tmp_path / "a.bib", tmp_path / "b.bib")
    (tmp_path / "claimcheck.toml").write_text('bib = "a.bib"\n', encoding="utf-8")
    assert load_settings(tmp_path).bib == (tmp_path / "a.bib",)
    environ = {"CLAIMCHECK_BIB": '["x.bib", "y.bib"]'}
    assert load_settings(tmp_path, environ=environ).bib == (Path("x.bib"), Path("y.bib"))
    assert load_settings(tmp_path, environ={"CLAIMCHECK_BIB": "z.bib"}).bib == (Path("z.bib"),)


def test_an_empty_list_of_bibliographies_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "claimcheck.toml").write_text("bib = []\n", encoding="utf-8")
    result = claimcheck("lint", cwd=tmp_path)
    assert result.returncode == 2
    assert "claimcheck.toml:1: setting 'bib'" in result.stderr


def test_lint_of_two_files_is_the_lint_of_their_entries_together(tmp_path: Path) -> None:
    write(tmp_path, books=BOOKS, articles=ARTICLES)
    both = load_bibliographies([tmp_path / "books.bib", tmp_path / "articles.bib"])
    assert [reference.key for reference in both.references] == ["smith2020", "jones2021"]
    codes = [finding.code for finding in lint(both, None, today=date(2026, 1, 1))]
    assert codes.count("CC212") == 1


def test_write_bib_writes_each_entry_into_the_file_it_came_from(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/one", html_page("Page one"))
    host.route("/two", html_page("Page two"))
    first = entry("one2024", host.url("/one"))
    second = entry("two2024", host.url("/two"))
    write(tmp_path, first=first, second=second)
    (tmp_path / "claimcheck.toml").write_text(
        SETTINGS + 'bib = ["first.bib", "second.bib"]\n', encoding="utf-8"
    )

    result = run("archive", "save", "--write-bib", cwd=tmp_path)

    stamp = f"  urldate = {{{today()}}},\n"
    for name, text in (("first", first), ("second", second)):
        written = (tmp_path / f"{name}.bib").read_text(encoding="utf-8")
        assert written == text.replace("}\n", stamp + "}\n")
    assert "first.bib: 1 fields added to 1 entries" in result.stdout
    assert "second.bib: 1 fields added to 1 entries" in result.stdout


def test_write_bib_changes_no_file_when_one_was_edited_during_the_run(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    first = entry("one2024", host.url("/one"))
    second = entry("two2024", host.url("/two"))
    write(tmp_path, first=first, second=second)
    (tmp_path / "claimcheck.toml").write_text(
        SETTINGS + 'bib = ["first.bib", "second.bib"]\n', encoding="utf-8"
    )
    host.route("/one", html_page("Page one"))
    page_two = html_page("Page two")

    def edited_while_fetched(request: Request) -> Response | None:
        with (tmp_path / "second.bib").open("a", encoding="utf-8") as stream:
            stream.write("% a note typed while claimcheck ran\n")
        return page_two(request)

    host.route("/two", edited_while_fetched)

    result = run("archive", "save", "--write-bib", cwd=tmp_path, code=2)

    assert "second.bib: the bibliography was not updated: it changed on disk" in result.stderr
    assert (tmp_path / "first.bib").read_text(encoding="utf-8") == first
    assert (tmp_path / "second.bib").read_text(encoding="utf-8").startswith(second)
