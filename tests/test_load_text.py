"""Reading input files: size limits, binary refusal, encodings, BOMs and line endings."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from claimcheck.errors import InputError
from claimcheck.load.text import MAX_INPUT_BYTES, decode, read_bytes

BIB = "@misc{k,\n  title = {Caf\u00e9},\n}\n"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"


def _decode(data: bytes, encoding: str | None = None) -> str:
    return decode(data, Path("references.bib"), encoding).text


def test_utf8_without_bom_decodes_as_utf8() -> None:
    decoded = decode(BIB.encode(), Path("references.bib"))

    assert (decoded.text, decoded.encoding, decoded.bom) == (BIB, "utf-8", False)


def test_utf8_bom_is_noted_and_left_out_of_the_text() -> None:
    decoded = decode(codecs.BOM_UTF8 + BIB.encode(), Path("references.bib"))

    assert (decoded.text, decoded.bom) == (BIB, True)


def test_crlf_line_endings_are_kept_and_reported() -> None:
    decoded = decode(BIB.replace("\n", "\r\n").encode(), Path("references.bib"))

    assert decoded.newline == "\r\n"
    assert decoded.text.count("\r\n") == 3


def test_lf_line_endings_are_reported() -> None:
    assert decode(BIB.encode(), Path("references.bib")).newline == "\n"


def test_gbk_is_detected_when_utf8_fails() -> None:
    text = (
        "@article{\u51ef\u64922013,\n"
        "  author = {\u51ef\u6492},\n"
        "  journal = {\u4e2d\u56fd\u79d1\u5b66},\n}\n"
    )

    decoded = decode(text.encode("gbk"), Path("references.bib"))

    assert decoded.text == text
    assert decoded.encoding in {"gbk", "gb18030"}


def test_a_declared_encoding_header_is_used_when_utf8_fails() -> None:
    text = "% Encoding: windows-1252\n@misc{k, title = {Caf\u00e9 \u2013 cr\u00e8me}}\n"

    decoded = decode(text.encode("cp1252"), Path("references.bib"))

    assert (decoded.text, decoded.encoding) == (text, "windows-1252")


def test_a_named_encoding_is_used_instead_of_utf8() -> None:
    assert _decode(BIB.encode("latin-1"), "latin-1") == BIB


def test_a_named_encoding_is_reported_by_its_codec_name() -> None:
    assert decode(BIB.encode("gbk"), Path("r.bib"), "GBK").encoding == "gbk"


def test_a_wrong_named_encoding_names_the_line_of_the_bad_byte() -> None:
    data = "@misc{k,\n  note = {plain},\n  title = {\u51ef\u6492},\n}\n".encode()

    with pytest.raises(InputError, match=r"not valid ascii: byte 0xe5") as caught:
        decode(data, Path("references.bib"), "ascii")

    assert caught.value.location is not None
    assert (caught.value.location.file, caught.value.location.line) == ("references.bib", 3)


def test_an_unknown_encoding_name_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown text encoding 'klingon'"):
        _decode(b"@misc{k,}", "klingon")


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib"])
def test_a_codec_that_is_no_text_encoding_is_an_input_error(codec: str) -> None:
    with pytest.raises(InputError, match="unknown text encoding"):
        _decode(b"@misc{k,}", codec)


def test_a_truncated_named_encoding_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not valid utf-16"):
        _decode(b"a", "utf-16")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-32"])
def test_a_named_wide_encoding_is_not_refused_as_binary(codec: str) -> None:
    assert _decode(BIB.encode(codec), codec) == BIB


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_a_wide_encoding_is_recognised_by_its_bom(codec: str) -> None:
    decoded = decode(BIB.encode(codec), Path("references.bib"))

    assert (decoded.text, decoded.encoding, decoded.bom) == (BIB, codec, True)


def test_random_bytes_with_nuls_are_refused_as_binary() -> None:
    data = random.Random(7).randbytes(4096) + b"\x00"

    with pytest.raises(InputError, match="not a text file"):
        _decode(data)


def test_a_png_is_refused_as_binary() -> None:
    with pytest.raises(InputError, match="not a text file"):
        _decode(PNG_HEADER + bytes(range(256)))


def test_binary_is_refused_even_under_a_named_encoding() -> None:
    with pytest.raises(InputError, match="not a text file"):
        _decode(PNG_HEADER, "latin-1")


def test_many_control_characters_are_refused_as_binary() -> None:
    with pytest.raises(InputError, match="not a text file"):
        _decode(b"\x01\x02\x03\x04" * 10 + b"@misc{k,}")


def test_read_bytes_returns_the_file_content(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes(b"@misc{k,}\r\n")

    assert read_bytes(path) == b"@misc{k,}\r\n"


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_bytes(tmp_path / "nowhere.bib")


def test_a_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_bytes(tmp_path)


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.bib"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    def refuse_open(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was opened although its size was known to be too large")

    monkeypatch.setattr(Path, "open", refuse_open)
    with pytest.raises(InputError, match=f"more than the {MAX_INPUT_BYTES:,} bytes"):
        read_bytes(path)


def test_max_bytes_sets_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes(b"x" * 11)

    assert read_bytes(path, max_bytes=11) == b"x" * 11
    with pytest.raises(InputError, match="file is 11 bytes"):
        read_bytes(path, max_bytes=10)
