"""A reference's `file` field read into linked files, in the forms reference managers write."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.evidence.linked import LinkedFile, linked_files, local_paths
from claimcheck.load.bib import load_bibliography

WINDOWS = "C:\\Users\\me\\x.pdf"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        pytest.param(
            "Full Text PDF:/home/u/Zotero/storage/AB12/x.pdf:application/pdf;"
            "Snapshot:/home/u/Zotero/storage/AB12/x.html:text/html",
            [
                LinkedFile("/home/u/Zotero/storage/AB12/x.pdf", "Full Text PDF", "application/pdf"),
                LinkedFile("/home/u/Zotero/storage/AB12/x.html", "Snapshot", "text/html"),
            ],
            id="zotero",
        ),
        pytest.param(
            "Full Text PDF:C\\:\\\\Users\\\\me\\\\x.pdf:application/pdf",
            [LinkedFile(WINDOWS, "Full Text PDF", "application/pdf")],
            id="zotero-windows",
        ),
        pytest.param(
            "Origins\\: An Investigation:/a/x.html:text/html",
            [LinkedFile("/a/x.html", "Origins: An Investigation", "text/html")],
            id="zotero-escaped-colon-in-description",
        ),
        pytest.param("/a/x.pdf", [LinkedFile("/a/x.pdf")], id="better-bibtex"),
        pytest.param(
            "/a/x.pdf;/a/y.html",
            [LinkedFile("/a/x.pdf"), LinkedFile("/a/y.html")],
            id="better-bibtex-several",
        ),
        pytest.param(
            "/a/b\\;c\\:d.pdf;C\\:\\\\Users\\\\me\\\\x.pdf",
            [LinkedFile("/a/b;c:d.pdf"), LinkedFile(WINDOWS)],
            id="better-bibtex-escaped",
        ),
        pytest.param(":path/to/x.pdf:PDF", [LinkedFile("path/to/x.pdf", "", "PDF")], id="jabref"),
        pytest.param(
            "Description:x.pdf:PDF;:y.html:URL",
            [LinkedFile("x.pdf", "Description", "PDF"), LinkedFile("y.html", "", "URL")],
            id="jabref-several",
        ),
        pytest.param(
            ":C\\:\\\\Users\\\\me\\\\x.pdf:PDF",
            [LinkedFile(WINDOWS, "", "PDF")],
            id="jabref-windows",
        ),
        pytest.param(
            ":C:\\Users\\me\\x.pdf:PDF",
            [LinkedFile(WINDOWS, "", "PDF")],
            id="jabref-windows-unescaped",
        ),
        pytest.param(
            ":home/me/Documents/Mendeley Desktop/A - 2010 - T.pdf:pdf",
            [LinkedFile("home/me/Documents/Mendeley Desktop/A - 2010 - T.pdf", "", "pdf")],
            id="mendeley",
        ),
        pytest.param(
            ":C$\\backslash$:/Users/me/x.pdf:pdf",
            [LinkedFile("C:/Users/me/x.pdf", "", "pdf")],
            id="mendeley-windows",
        ),
        pytest.param(
            ':Users/h/Cahyono - 2024 - Fast Na{\\"{i}}ve{\\_}Bayes {\\o}l.pdf:pdf',
            [LinkedFile("Users/h/Cahyono - 2024 - Fast Naïve_Bayes øl.pdf", "", "pdf")],
            id="mendeley-latex",
        ),
        pytest.param("MetricFF", [LinkedFile("MetricFF")], id="bare-name"),
        pytest.param("", [], id="empty"),
        pytest.param(" ; ;:", [], id="only-separators"),
    ],
)
def test_file_field_forms_are_read(field: str, expected: list[LinkedFile]) -> None:
    assert list(linked_files(field)) == expected


@pytest.mark.parametrize(
    "field",
    [
        "http://v3.espacenet.com/textdoc?IDX=EP1700367",
        "ftp://gaia.cs.umass.edu/pub/Padhey99-markov.ps",
        ":https\\://example.org/x.pdf:URL",
        "Online:https://example.org/x.pdf:URL",
    ],
)
def test_web_addresses_are_not_local_files(field: str, tmp_path: Path) -> None:
    (linked,) = linked_files(field)

    assert linked.is_url
    assert linked.path.endswith(("IDX=EP1700367", ".ps", "x.pdf"))
    assert local_paths(linked, tmp_path) == ()


def test_relative_path_is_read_from_the_bibliographys_folder(tmp_path: Path) -> None:
    assert local_paths(LinkedFile("papers/x.pdf"), tmp_path)[0] == tmp_path / "papers" / "x.pdf"


def test_absolute_path_is_tried_alone(tmp_path: Path) -> None:
    assert local_paths(LinkedFile("/a/x.pdf"), tmp_path) == (Path("/a/x.pdf"),)


def test_home_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    assert local_paths(LinkedFile("~/papers/x.pdf"), tmp_path) == (
        tmp_path / "home" / "papers" / "x.pdf",
    )


def test_file_url_is_a_local_path(tmp_path: Path) -> None:
    (linked,) = linked_files("file:///a/b%20c.pdf")

    assert not linked.is_url
    assert local_paths(linked, tmp_path) == (Path("/a/b c.pdf"),)


@pytest.mark.skipif(Path("/").anchor != "/", reason="Mendeley drops the '/' of Unix paths")
def test_mendeley_path_is_also_tried_with_its_leading_slash(tmp_path: Path) -> None:
    (linked,) = linked_files(":home/me/Mendeley Desktop/x.pdf:pdf")

    assert local_paths(linked, tmp_path) == (
        tmp_path / "home/me/Mendeley Desktop/x.pdf",
        Path("/home/me/Mendeley Desktop/x.pdf"),
    )


# Written by each tool, read back ---------------------------------------------------------------

_NAME_CHARACTERS = st.sampled_from(list("abcXYZ019 -_.,()'&%#!=+@é中文한국語ß"))
_NAME = st.text(_NAME_CHARACTERS, min_size=1, max_size=12).map(str.strip).filter(bool)
_SPECIALS = st.sampled_from(list(":;\\{}"))
_TRICKY_NAME = st.lists(st.one_of(_NAME, _SPECIALS), min_size=1, max_size=4).map("".join)
# One letter before a path is read as a Windows drive (C:\x): descriptions have two or more.
_DESCRIPTION = st.one_of(st.just(""), _TRICKY_NAME.map(str.strip).filter(lambda d: len(d) > 1))
_TYPE = st.sampled_from(["PDF", "pdf", "application/pdf", "text/html", "URL", "Markdown", ""])


def _posix_path(names: list[str]) -> str:
    return "/" + "/".join(names)


def _windows_path(names: list[str]) -> str:
    return "C:\\" + "\\".join(names)


def _paths(names: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    parts = st.lists(names, min_size=1, max_size=4)
    return st.one_of(parts.map(_posix_path), parts.map(_windows_path), parts.map("/".join)).filter(
        lambda path: path == path.strip()
    )


def _braceless(name: str) -> str:
    return name.replace("{", "").replace("}", "")


def _escaped(part: str, specials: str) -> str:
    return re.sub(f"([{re.escape(specials)}])", r"\\\1", part)


def _zotero(files: list[tuple[str, str, str]]) -> str:
    return ";".join(":".join(_escaped(part, "\\{}:;") for part in file) for file in files)


def _jabref(files: list[tuple[str, str, str]]) -> str:
    return ";".join(":".join(_escaped(part, "\\:;") for part in file) for file in files)


@given(st.text())
def test_any_field_is_read_without_raising(field: str) -> None:
    for linked in linked_files(field):
        assert linked.path
        local_paths(linked, Path("bib"))


@given(st.lists(st.tuples(_DESCRIPTION, _paths(_TRICKY_NAME), _TYPE), min_size=1, max_size=3))
def test_zotero_and_better_bibtex_jabref_form_is_read_back(
    files: list[tuple[str, str, str]],
) -> None:
    assert linked_files(_zotero(files)) == tuple(LinkedFile(p, d, t) for d, p, t in files)


@given(
    st.lists(
        # JabRef does not escape braces, which must balance in a .bib: no braces in its paths.
        st.tuples(_DESCRIPTION, _paths(_TRICKY_NAME.map(_braceless).filter(bool)), _TYPE),
        min_size=1,
        max_size=3,
    )
)
def test_jabref_form_is_read_back(files: list[tuple[str, str, str]]) -> None:
    assert linked_files(_jabref(files)) == tuple(LinkedFile(p, d, t) for d, p, t in files)


@given(st.lists(_paths(_TRICKY_NAME), min_size=1, max_size=3))
def test_better_bibtex_paths_are_read_back(paths: list[str]) -> None:
    field = ";".join(_escaped(path, "\\{}:;") for path in paths)

    assert linked_files(field) == tuple(LinkedFile(path) for path in paths)


_MENDELEY_LATEX = {"_": "{\\_}", "&": "{\\&}", "%": "{\\%}", "#": "{\\#}", "é": "{\\'{e}}"}
_MENDELEY_LATEX |= {"ï": '{\\"{i}}', "č": "{\\v{c}}", "ß": "{\\ss}", "ø": "{\\o}"}


def _mendeley(path: str) -> str:
    written = "".join(_MENDELEY_LATEX.get(char, char) for char in path)
    return written.replace("C:", "C$\\backslash$:", 1) if path.startswith("C:") else written


_MENDELEY_NAME = st.text(st.sampled_from(list("abc019 -.()_&%#éïčßø中文")), min_size=1, max_size=10)


@given(st.lists(st.lists(_MENDELEY_NAME.map(str.strip).filter(bool), min_size=1, max_size=4)))
def test_mendeley_paths_are_read_back_without_their_leading_slash(names: list[list[str]]) -> None:
    paths = ["/" + "/".join(parts) for parts in names] + ["C:/" + "/".join(p) for p in names]
    field = ";".join(f":{_mendeley(path.removeprefix('/'))}:pdf" for path in paths)

    assert linked_files(field) == tuple(
        LinkedFile(path.removeprefix("/"), "", "pdf") for path in paths
    )


# The corpus's real file fields -------------------------------------------------------------------

# Files linked in each corpus file with file fields: (entries with a file field, files).
CORPUS_FILES = {
    "bibdesk-export.bib": (136, 196),
    "biblatex-examples.bib": (2, 2),
    "jabref-authors.bib": (30, 30),
    "jabref5-crlf-windows.bib": (4, 7),
    "paren-delimited-crossref.bib": (1, 1),
    "zotero-native-export.bib": (139, 200),
}
_PLAUSIBLE = re.compile(
    r"C:\\Users\\[^\\:]+(?:\\[^\\:]+)+\.(?:pdf|html)"  # Zotero and JabRef on Windows
    r"|[\w.-]+\.pdf"  # JabRef, relative to the bibliography
    r"|(?:https?|ftp)://\S+"  # biblatex's examples: web addresses
    r"|MetricFF"  # a bare name
)


@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_corpus_file_fields_give_plausible_paths(corpus: Path, name: str) -> None:
    references = [ref for ref in load_bibliography(corpus / name).references if ref.file]
    linked = [file for ref in references for file in linked_files(ref.file or "")]

    assert (len(references), len(linked)) == CORPUS_FILES[name]
    assert all(linked_files(ref.file or "") for ref in references)
    assert [file.path for file in linked if not _PLAUSIBLE.fullmatch(file.path)] == []
    assert {file.file_type for file in linked} <= {"application/pdf", "text/html", "PDF", ""}
    assert all("\\:" not in file.description for file in linked)


def test_corpus_pdfs_are_typed_as_pdfs(corpus: Path) -> None:
    references = load_bibliography(corpus / "zotero-native-export.bib").references
    linked = [file for ref in references if ref.file for file in linked_files(ref.file)]

    assert Counter((f.path[-4:], f.file_type) for f in linked) == {
        (".pdf", "application/pdf"): 106,
        ("html", "text/html"): 94,
    }
