"""A reference's local copy, named by its `file` field, read as the text to search (or why not)."""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest

from claimcheck.archive.text import TextKind
from claimcheck.evidence import local
from claimcheck.evidence.linked import LinkedFile
from claimcheck.evidence.local import LocalText, local_text, read_local_copy
from tests.documents import make_labelled_pdf, make_pdf

SENTENCE = "China extends visa-free entry to 12 countries"


def html(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>T</title></head><body><p>{body}</p></body></html>"
    )


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def labelled_pdf() -> bytes:
    """Five pages printed as i, ii, 233, 234, 235; the last holds the sentence."""
    return make_labelled_pdf(["i", "ii", "a", "b", SENTENCE], roman=2, first_arabic=233)


def test_pdf_is_read_with_its_pages_separated(tmp_path: Path) -> None:
    write(tmp_path / "papers" / "x.pdf", make_pdf(["First page", SENTENCE]))

    read = read_local_copy(LinkedFile("papers/x.pdf", "", "PDF"), tmp_path)

    assert read == LocalText(
        tmp_path / "papers" / "x.pdf", TextKind.PDF, f"First page\f{SENTENCE}", None, None
    )


def test_pdf_page_labels_are_read(tmp_path: Path) -> None:
    write(tmp_path / "x.pdf", labelled_pdf())

    read = read_local_copy(LinkedFile("x.pdf"), tmp_path)

    assert read.page_labels == ("i", "ii", "233", "234", "235")
    assert read.text is not None
    assert read.text.count("\f") == 4


def test_html_in_utf8_is_read_as_its_visible_text(tmp_path: Path) -> None:
    write(
        tmp_path / "snapshot.html", html("中国扩大免签国家范围<script>hidden()</script>").encode()
    )

    read = read_local_copy(LinkedFile("snapshot.html", "Snapshot", "text/html"), tmp_path)

    assert (read.kind, read.text, read.charset) == (
        TextKind.HTML,
        "T\n\n中国扩大免签国家范围",
        "utf-8",
    )


def test_html_in_a_legacy_charset_is_decoded_by_its_meta_tag(tmp_path: Path) -> None:
    body = html("中国扩大免签国家范围", head='<meta charset="gbk">').encode("gbk")
    write(tmp_path / "page.htm", body)

    read = read_local_copy(LinkedFile("page.htm"), tmp_path)

    assert (read.kind, read.text, read.charset) == (
        TextKind.HTML,
        "T\n\n中国扩大免签国家范围",
        "gb18030",
    )


def test_html_without_extension_is_known_by_its_declared_type(tmp_path: Path) -> None:
    write(
        tmp_path / "snapshot",
        html("Caf\u00e9 ouvert", head='<meta charset="windows-1252">').encode("cp1252"),
    )

    read = read_local_copy(LinkedFile("snapshot", "", "text/html"), tmp_path)

    assert (read.kind, read.text) == (TextKind.HTML, "T\n\nCaf\u00e9 ouvert")


@pytest.mark.parametrize("name", ["notes.txt", "notes.md", "notes"])
def test_plain_text_is_read_as_it_is(tmp_path: Path, name: str) -> None:
    write(tmp_path / name, f"{SENTENCE}\r\nsecond line".encode())

    read = read_local_copy(LinkedFile(name), tmp_path)

    assert (read.kind, read.text) == (TextKind.PLAIN, f"{SENTENCE}\nsecond line")


def test_word_document_is_a_binary_type_without_text(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", f"<w:t>{SENTENCE}</w:t>")
    path = write(tmp_path / "x.docx", out.getvalue())

    read = read_local_copy(LinkedFile("x.docx"), tmp_path)

    assert (read.text, read.problem) == (None, f"{path} is a binary type (.docx): no text")


def test_image_without_a_telling_type_is_a_binary_type(tmp_path: Path) -> None:
    path = write(tmp_path / "scan", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(64))

    read = read_local_copy(LinkedFile("scan"), tmp_path)

    assert read.problem == f"{path} is a binary type (no extension): no text"


def test_pdf_without_a_text_layer_says_so(tmp_path: Path) -> None:
    write(tmp_path / "scan.pdf", make_pdf(["", ""]))

    read = read_local_copy(LinkedFile("scan.pdf"), tmp_path)

    assert (read.kind, read.text) == (TextKind.PDF, None)
    assert read.problem == "the PDF has no text to extract (a scan, or only images?)"


def test_encrypted_pdf_says_it_needs_a_password(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf([SENTENCE])))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    write(tmp_path / "locked.pdf", out.getvalue())

    read = read_local_copy(LinkedFile("locked.pdf"), tmp_path)

    assert (read.text, read.problem) == (None, "the PDF is encrypted: it needs a password")


def test_missing_file_names_the_path_tried(tmp_path: Path) -> None:
    read = read_local_copy(LinkedFile("papers/gone.pdf"), tmp_path)

    assert read.text is None
    assert read.problem is not None
    assert read.problem.startswith(f"file not found: {tmp_path / 'papers' / 'gone.pdf'}")


def test_path_with_a_nul_is_not_found_rather_than_raising(tmp_path: Path) -> None:
    read = read_local_copy(LinkedFile("x\0.pdf"), tmp_path)

    assert read.problem is not None
    assert read.problem.startswith("file not found: ")


@pytest.mark.skipif(os.sep != "/", reason="Mendeley drops the leading '/' of Unix paths only")
def test_mendeley_path_without_its_leading_slash_is_found(tmp_path: Path) -> None:
    pdf = write(tmp_path / "Mendeley Desktop" / "A - 2010 - T.pdf", make_pdf([SENTENCE]))
    field = f":{pdf.as_posix().removeprefix('/')}:pdf"

    read = local_text(field, tmp_path / "bib")

    assert read is not None
    assert (read.path, read.text) == (pdf, SENTENCE)


def test_absolute_and_home_paths_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write(tmp_path / "papers" / "x.txt", SENTENCE.encode())

    by_home = local_text("~/papers/x.txt", tmp_path / "elsewhere")
    absolute = local_text(str(tmp_path / "papers" / "x.txt"), tmp_path / "elsewhere")

    assert by_home is not None
    assert absolute is not None
    assert by_home.text == absolute.text == SENTENCE


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_symbolic_link_to_a_file_is_followed(tmp_path: Path) -> None:
    target = write(tmp_path / "store" / "x.txt", SENTENCE.encode())
    (tmp_path / "link.txt").symlink_to(target)

    assert read_local_copy(LinkedFile("link.txt"), tmp_path).text == SENTENCE


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_symbolic_link_to_nothing_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "link.pdf").symlink_to(tmp_path / "gone.pdf")

    read = read_local_copy(LinkedFile("link.pdf"), tmp_path)

    assert read.problem == f"file not found: {tmp_path / 'link.pdf'}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on Windows")
def test_named_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")

    read = read_local_copy(LinkedFile("pipe.txt"), tmp_path)

    assert read.problem == f"{tmp_path / 'pipe.txt'} is a named pipe (FIFO), not a regular file"


def test_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "papers.pdf").mkdir()

    read = read_local_copy(LinkedFile("papers.pdf"), tmp_path)

    assert read.problem == f"{tmp_path / 'papers.pdf'} is a directory, not a regular file"


def test_file_over_the_size_limit_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "MAX_LOCAL_BYTES", 10)
    path = write(tmp_path / "x.txt", SENTENCE.encode())

    read = read_local_copy(LinkedFile("x.txt"), tmp_path)

    assert read.problem == f"{path} is 45 bytes, more than the 10 bytes a local copy is read up to"


def test_web_address_is_not_a_local_copy(tmp_path: Path) -> None:
    assert local_text("https://example.org/x.pdf;ftp://example.org/y.ps", tmp_path) is None
    assert local_text("", tmp_path) is None


def test_first_file_with_text_is_the_one_read(tmp_path: Path) -> None:
    write(tmp_path / "x.html", html(SENTENCE).encode())

    read = local_text("Full Text PDF:gone.pdf:application/pdf;Snapshot:x.html:text/html", tmp_path)

    assert read is not None
    assert (read.path, read.kind) == (tmp_path / "x.html", TextKind.HTML)


def test_without_any_text_the_first_files_reason_is_given(tmp_path: Path) -> None:
    read = local_text(":gone.pdf:PDF;:also-gone.html:HTML", tmp_path)

    assert read is not None
    assert read.problem == f"file not found: {tmp_path / 'gone.pdf'}"
