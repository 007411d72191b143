"""Writing fields back into a .bib file: only the new fields' bytes are added, nothing moves."""

from __future__ import annotations

import codecs
import re
import stat
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimcheck.errors import InputError
from claimcheck.load.bib import Bibliography, load_bibliography, parse_bibliography
from claimcheck.load.text import decode
from claimcheck.load.writeback import (
    Insertion,
    Skipped,
    WriteBackPlan,
    plan_write_back,
    write_back,
    write_back_all,
)
from tests.conftest import CORPUS

PATH = Path("references.bib")
DATE = {"urldate": "2024-11-22"}
ARCHIVE = {
    "urldate": "2024-11-22",
    "archiveurl": "https://web.archive.org/web/20241122000000/https://example.org/a?b=1&c=%20#top",
    "archivedate": "2024-11-22",
}


def _plan(
    text: str | bytes, additions: Mapping[str, Mapping[str, str]], encoding: str | None = None
) -> WriteBackPlan:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return plan_write_back(data, additions, path=PATH, encoding=encoding)


def _updated(text: str, additions: Mapping[str, Mapping[str, str]]) -> str:
    return _plan(text, additions).updated.decode("utf-8")


def _without_insertions(plan: WriteBackPlan) -> bytes:
    """``plan.updated`` with each insertion's bytes cut out again, last first."""
    data = plan.updated
    shift = 0
    starts = []
    for insertion in plan.insertions:
        starts.append(insertion.offset + shift)
        shift += len(insertion.text)
    for insertion, start in reversed(list(zip(plan.insertions, starts, strict=True))):
        assert data[start : start + len(insertion.text)] == insertion.text
        data = data[:start] + data[start + len(insertion.text) :]
    return data


def _parse(data: bytes) -> Bibliography:
    return parse_bibliography(decode(data, PATH), PATH)


def _assert_only_fields_were_added(
    before: Bibliography, plan: WriteBackPlan, after: Bibliography
) -> None:
    """Every entry reads as before, plus the fields the plan says it added, in that order."""
    added: dict[str, dict[str, str]] = {}
    for insertion in plan.insertions:
        added.setdefault(insertion.key, {})[insertion.field] = insertion.value
    assert [r.key for r in after.references] == [r.key for r in before.references]
    for old, new in zip(before.references, after.references, strict=True):
        expected = {**old.fields, **added.get(old.key, {})}
        assert list(new.fields.items()) == list(expected.items()), old.key
        assert new.entry_type == old.entry_type
    assert Counter(f.code for f in after.findings) == Counter(f.code for f in before.findings)


# Where the new fields go, in the entry's own style -----------------------------------------


def test_a_field_goes_on_its_own_line_after_the_last_field() -> None:
    text = "@misc{k,\n  title = {T},\n  year = 2020,\n}\n"

    assert _updated(text, {"k": DATE}) == (
        "@misc{k,\n  title = {T},\n  year = 2020,\n  urldate = {2024-11-22},\n}\n"
    )


def test_without_a_trailing_comma_the_comma_follows_the_old_last_value() -> None:
    text = "@misc{k,\n  title = {T},\n  note = {N}\n}\n"

    plan = _plan(text, {"k": ARCHIVE})

    assert plan.updated.decode() == (
        "@misc{k,\n  title = {T},\n  note = {N},\n"
        "  urldate = {2024-11-22},\n"
        f"  archiveurl = {{{ARCHIVE['archiveurl']}}},\n"
        "  archivedate = {2024-11-22}\n}\n"
    )
    assert [insertion.text[:1] for insertion in plan.insertions] == [b","] * 3


def test_a_crlf_file_gets_crlf_lines() -> None:
    text = "% header\r\n@misc{k,\r\n  title = {T}\r\n}\r\n"

    assert _updated(text, {"k": DATE}) == (
        "% header\r\n@misc{k,\r\n  title = {T},\r\n  urldate = {2024-11-22}\r\n}\r\n"
    )


def test_a_bom_is_kept_and_counted_in_the_offsets() -> None:
    data = codecs.BOM_UTF8 + b"@misc{k,\n  title = {T},\n}\n"

    plan = _plan(data, {"k": DATE})

    assert plan.updated == (
        codecs.BOM_UTF8 + b"@misc{k,\n  title = {T},\n  urldate = {2024-11-22},\n}\n"
    )
    assert plan.insertions[0].offset == data.index(b"},\n}") + 2


def test_tab_indentation_is_copied() -> None:
    text = "@article{k,\n\ttitle = {T},\n\tyear = {2020}}\n"

    assert _updated(text, {"k": DATE}) == (
        "@article{k,\n\ttitle = {T},\n\tyear = {2020},\n\turldate = {2024-11-22}}\n"
    )


def test_aligned_equals_signs_stay_aligned_and_a_longer_name_gets_one_space() -> None:
    text = "@misc{k,\n  author    = {A},\n  title     = {T},\n}\n"

    assert _updated(text, {"k": ARCHIVE}) == (
        "@misc{k,\n  author    = {A},\n  title     = {T},\n"
        "  urldate   = {2024-11-22},\n"
        f"  archiveurl = {{{ARCHIVE['archiveurl']}}},\n"
        "  archivedate = {2024-11-22},\n}\n"
    )


def test_a_single_padded_field_sets_the_column() -> None:
    text = "@misc{k,\n  title        = {T},\n}\n"

    assert "\n  urldate      = {2024-11-22},\n" in _updated(text, {"k": DATE})


def test_values_aligned_with_tabs_stay_aligned_with_tabs() -> None:
    text = "@article(k,\n\tauthor =\t{A},\n\tyear =\t\t{1975},\n\ttitle =\t\t{T}\n)\n"

    assert _updated(text, {"k": {"urldate": "2024", "archivedate": "2024"}}) == (
        "@article(k,\n\tauthor =\t{A},\n\tyear =\t\t{1975},\n\ttitle =\t\t{T},\n"
        "\turldate =\t{2024},\n\tarchivedate =\t{2024}\n)\n"
    )


def test_unaligned_fields_keep_the_last_fields_spacing() -> None:
    text = "@misc{k,\n  title={T},\n  journal={J},\n}\n"

    assert "\n  journal={J},\n  urldate={2024-11-22},\n}" in _updated(text, {"k": DATE})


def test_a_closing_brace_on_the_last_field_line_stays_there() -> None:
    text = "@misc{k,\n  title = {T},\n  year = {2020},}\n"

    assert _updated(text, {"k": DATE}) == (
        "@misc{k,\n  title = {T},\n  year = {2020},\n  urldate = {2024-11-22},}\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@misc{k, title={T}}", "@misc{k, title={T}, urldate={2024-11-22}}"),
        ("@misc{k, title = {T},}", "@misc{k, title = {T}, urldate = {2024-11-22},}"),
        ("@misc{k,title={T}}", "@misc{k,title={T},urldate={2024-11-22}}"),
        (
            "@misc{k,\n  a = {A}, b = {B}\n}",
            "@misc{k,\n  a = {A}, b = {B}, urldate = {2024-11-22}\n}",
        ),
    ],
)
def test_a_one_line_entry_gets_its_fields_on_the_same_line(text: str, expected: str) -> None:
    assert _updated(text, {"k": DATE}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@misc{k,}", "@misc{k, urldate = {2024-11-22},}"),
        ("@misc{k}", "@misc{k, urldate = {2024-11-22}}"),
        ("@misc{k,\n}", "@misc{k,\n  urldate = {2024-11-22},\n}"),
        ("@misc{k,\r\n}", "@misc{k,\r\n  urldate = {2024-11-22},\r\n}"),
        ("@misc( k )", "@misc( k, urldate = {2024-11-22} )"),
    ],
)
def test_an_entry_without_fields_gets_them(text: str, expected: str) -> None:
    assert _updated(text, {"k": DATE}) == expected


def test_a_parenthesis_delimited_entry_is_closed_by_its_parenthesis() -> None:
    text = '@article(k,\n  title = "A (first) look",\n  note = {x)y}\n)\n'

    assert _updated(text, {"k": DATE}) == (
        '@article(k,\n  title = "A (first) look",\n  note = {x)y},\n  urldate = {2024-11-22}\n)\n'
    )


def test_comments_strings_and_other_entries_are_left_as_they_were() -> None:
    head = (
        "% a comment with {braces and @misc in it\n"
        '@string{pub = "Publisher"}\n'
        "free text between entries, {unbalanced\n"
        '@preamble{"\\newcommand{\\noop}[1]{}"}\n'
    )
    first = "@book{a,\n  publisher = pub,\n}\n"
    second = "\n@Comment{jabref-meta: databaseType:biblatex;}\n@misc{b,\n  title = {B},\n}\n"

    plan = _plan(head + first + second, {"a": DATE})

    assert plan.updated.decode() == (
        head + "@book{a,\n  publisher = pub,\n  urldate = {2024-11-22},\n}\n" + second
    )


@pytest.mark.parametrize(
    "value",
    [
        "{A, {nested, =} b}",
        '"quoted, with {braces} and = signs"',
        '"a closing } inside quotes"',
        '"a {"} quote"',
        'pub # { and } # "more"',
        "2020",
        "jan",
        "{ends with a backslash brace \\}}",
    ],
)
def test_the_new_field_follows_the_whole_last_value(value: str) -> None:
    text = f'@string{{pub = "P"}}\n@misc{{k,\n  title = {{T}},\n  note = {value}\n}}\n'

    plan = _plan(text, {"k": DATE})

    assert plan.updated.decode() == text.replace(
        f"note = {value}\n", f"note = {value},\n  urldate = {{2024-11-22}}\n"
    )
    assert _parse(plan.updated).references[0].fields["urldate"] == "2024-11-22"


def test_entry_like_text_inside_a_comment_is_not_edited() -> None:
    text = "@comment{ @misc{fake, title = {F}} }\n@misc{real,\n  title = {R}\n}\n"

    plan = _plan(text, {"fake": DATE, "real": DATE})

    assert plan.updated.decode() == text.replace("{R}\n", "{R},\n  urldate = {2024-11-22}\n")
    assert plan.skipped == (Skipped("fake", "urldate", "no entry with this key"),)


def test_the_insertion_records_its_offset_and_bytes_in_the_original() -> None:
    text = "@misc{k,\n  title = {Caf\u00e9}\n}\n"

    plan = _plan(text, {"k": DATE})

    offset = len("@misc{k,\n  title = {Caf\u00e9}".encode())
    assert plan.insertions == (
        Insertion("k", "urldate", "2024-11-22", offset, b",\n  urldate = {2024-11-22}"),
    )
    assert plan.original == text.encode()


def test_fields_go_in_the_order_given_and_entries_in_file_order() -> None:
    text = "@misc{a, x = 1}\n@misc{b, x = 2}\n"

    plan = _plan(text, {"b": {"urldate": "1", "archiveurl": "u"}, "a": {"archivedate": "2"}})

    assert [(i.key, i.field) for i in plan.insertions] == [
        ("a", "archivedate"),
        ("b", "urldate"),
        ("b", "archiveurl"),
    ]
    assert plan.updated.decode() == (
        "@misc{a, x = 1, archivedate = {2}}\n@misc{b, x = 2, urldate = {1}, archiveurl = {u}}\n"
    )


# What is never written --------------------------------------------------------------------


def test_a_field_the_entry_has_in_another_case_is_not_overwritten() -> None:
    text = "@misc{k,\n  URLDate = {2020-01-01},\n}\n"

    plan = _plan(text, {"k": ARCHIVE})

    assert plan.skipped == (Skipped("k", "urldate", "the entry already has urldate"),)
    assert [insertion.field for insertion in plan.insertions] == ["archiveurl", "archivedate"]
    assert "URLDate = {2020-01-01}" in plan.updated.decode()


def test_a_key_used_by_two_entries_is_skipped() -> None:
    text = "@misc{k, title = {One}}\n@misc{k, title = {Two}}\n@misc{K, title = {Three}}\n"

    plan = _plan(text, {"k": DATE, "K": DATE})

    assert plan.skipped == (Skipped("k", "urldate", "2 entries in the file have this key"),)
    assert [insertion.key for insertion in plan.insertions] == ["K"]


def test_a_missing_or_unparseable_entry_is_skipped() -> None:
    text = "@misc{broken, title = {unclosed\n@misc{fine, title = {F}}\n"

    plan = _plan(text, {"broken": DATE, "nowhere": DATE, "fine": DATE})

    assert plan.skipped == (
        Skipped("broken", "urldate", "the entry cannot be parsed"),
        Skipped("nowhere", "urldate", "no entry with this key"),
    )
    assert [insertion.key for insertion in plan.insertions] == ["fine"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("note", "a {b", "the value has unbalanced braces"),
        ("note", "a } b {", "the value has unbalanced braces"),
        ("note", "a \\{ b", "the value has unbalanced braces"),
        ("note", "a\\", "the value ends in a backslash, which would escape its closing brace"),
        ("note", "two\nlines", "the value holds a line break"),
        ("bad name", "x", "'bad name' is not a field name"),
        ("", "x", "'' is not a field name"),
    ],
)
def test_a_value_or_name_bibtex_cannot_hold_is_skipped(field: str, value: str, reason: str) -> None:
    text = "@misc{k, title = {T}}\n"

    plan = _plan(text, {"k": {field: value}})

    assert plan.skipped == (Skipped("k", field, reason),)
    assert plan.updated == plan.original


def test_planning_the_same_fields_again_adds_nothing() -> None:
    text = "@misc{a,\n  title = {A}\n}\n@misc{b, title = {B},}\n@misc{c}\n"
    additions = dict.fromkeys("abc", ARCHIVE)

    first = _plan(text, additions)
    second = _plan(first.updated, additions)

    assert len(first.insertions) == 9
    assert second.insertions == ()
    assert second.updated == first.updated
    assert {skip.reason for skip in second.skipped} == {
        f"the entry already has {field}" for field in ARCHIVE
    }


# Encodings ----------------------------------------------------------------------------------


def test_a_gbk_file_with_chinese_text_keeps_its_bytes() -> None:
    text = "@ARTICLE{\u51ef\u64922013,\n  author = {\u51ef\u6492},\n  journal = {\u4e2d\u6587}\n}\n"
    data = text.encode("gbk")

    plan = _plan(data, {"\u51ef\u64922013": DATE})

    assert plan.updated == data.replace(b"}\n}", b"},\n  urldate = {2024-11-22}\n}")
    assert plan.insertions[0].offset == data.rindex(b"}\n}") + 1


def test_a_utf16_file_gets_utf16_bytes() -> None:
    data = "@misc{k,\n  title = {T}\n}\n".encode("utf-16")

    plan = _plan(data, {"k": DATE})

    assert (
        plan.updated.decode("utf-16") == "@misc{k,\n  title = {T},\n  urldate = {2024-11-22}\n}\n"
    )
    assert plan.updated[:2] == data[:2]


def test_a_value_the_files_encoding_cannot_hold_is_skipped() -> None:
    data = "@misc{k, title = {Caf\u00e9}}\n".encode("latin-1")

    plan = _plan(data, {"k": {"note": "\u51ef\u6492", "urldate": "2024"}}, encoding="latin-1")

    assert plan.skipped == (
        Skipped("k", "note", "the value cannot be written in the file's encoding, iso8859-1"),
    )
    assert plan.updated == data.replace(b"}}", b"}, urldate = {2024}}")


def test_text_that_does_not_give_back_the_same_bytes_is_refused() -> None:
    data = b"@misc{k, title = {\x87\x90}}\n"

    with pytest.raises(InputError, match="does not give back the file's exact bytes") as caught:
        _plan(data, {"k": DATE}, encoding="cp932")

    assert caught.value.location is not None
    assert caught.value.location.file == "references.bib"
    assert caught.value.hint


def test_an_encoding_whose_bytes_cannot_be_spliced_is_refused() -> None:
    data = "@misc{k, title = {Caf\u00e9}}\n".encode("punycode")

    with pytest.raises(InputError, match="cannot be added safely"):
        _plan(data, {"k": DATE}, encoding="punycode")


# Writing the file ---------------------------------------------------------------------------


def _bib_file(folder: Path, text: str = "@misc{k,\n  title = {T},\n}\n") -> tuple[Path, bytes]:
    path = folder / "references.bib"
    path.write_bytes(text.encode())
    return path, path.read_bytes()


def _other_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name != "references.bib")


def test_write_back_replaces_the_file_and_keeps_its_permission_bits(tmp_path: Path) -> None:
    path, original = _bib_file(tmp_path)
    path.chmod(0o640)

    plan = write_back(path, original, {"k": DATE})

    assert path.read_bytes() == plan.updated
    assert b"urldate = {2024-11-22}" in plan.updated
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _other_files(tmp_path) == []


def test_write_back_refuses_a_file_that_changed_since_it_was_read(tmp_path: Path) -> None:
    path, original = _bib_file(tmp_path)
    path.write_bytes(original + b"% edited meanwhile\n")

    with pytest.raises(InputError) as caught:
        write_back(path, original, {"k": DATE})

    assert caught.value.hint == "it changed since claimcheck read it; run again"
    assert caught.value.location is not None
    assert caught.value.location.file == str(path)
    assert path.read_bytes() == original + b"% edited meanwhile\n"
    assert _other_files(tmp_path) == []


def test_write_back_with_nothing_to_add_does_not_touch_the_file(tmp_path: Path) -> None:
    path, original = _bib_file(tmp_path, "@misc{k,\n  urldate = {2020},\n}\n")
    before = path.stat()

    plan = write_back(path, original, {"k": DATE})

    after = path.stat()
    assert plan.insertions == ()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_failed_replace_leaves_the_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, original = _bib_file(tmp_path)

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)

    with pytest.raises(InputError, match="cannot write the bibliography: Permission denied"):
        write_back(path, original, {"k": DATE})

    assert path.read_bytes() == original
    assert _other_files(tmp_path) == []


def _two_files(folder: Path) -> list[tuple[Path, bytes, Mapping[str, Mapping[str, str]]]]:
    files = []
    for name in ("first", "second"):
        path = folder / f"{name}.bib"
        path.write_bytes(f"@misc{{{name},\n  title = {{T}},\n}}\n".encode())
        files.append((path, path.read_bytes(), {name: DATE}))
    return files


def test_two_files_are_written_together(tmp_path: Path) -> None:
    files = _two_files(tmp_path)

    written = write_back_all(files)

    assert [path for path, _ in written] == [path for path, _, _ in files]
    for path, plan in written:
        assert path.read_bytes() == plan.updated
        assert b"urldate = {2024-11-22}" in plan.updated
    assert sorted(path.name for path in tmp_path.iterdir()) == ["first.bib", "second.bib"]


def test_when_the_second_file_changed_on_disk_the_first_is_not_written_either(
    tmp_path: Path,
) -> None:
    files = _two_files(tmp_path)
    (first, first_bytes, _), (second, second_bytes, _) = files
    second.write_bytes(second_bytes + b"% edited meanwhile\n")

    with pytest.raises(InputError, match="changed on disk") as caught:
        write_back_all(files)

    assert caught.value.location is not None
    assert caught.value.location.file == str(second)
    assert first.read_bytes() == first_bytes
    assert second.read_bytes() == second_bytes + b"% edited meanwhile\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["first.bib", "second.bib"]


def test_when_the_second_file_cannot_be_planned_the_first_is_not_written(
    tmp_path: Path,
) -> None:
    files = _two_files(tmp_path)
    (first, first_bytes, _), (second, _, _) = files
    unspliceable = "@misc{second,\n  title = {T},\n}\n".encode("utf-16-le")  # no BOM
    second.write_bytes(unspliceable)

    with pytest.raises(InputError):
        write_back_all([files[0], (second, unspliceable, {"second": DATE})], encoding="utf-16")

    assert first.read_bytes() == first_bytes


def test_a_failed_replace_of_the_second_file_puts_the_first_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _two_files(tmp_path)
    (first, first_bytes, _), (second, second_bytes, _) = files
    replace = Path.replace

    def refuse_the_second(self: Path, target: Path) -> Path:
        if Path(target) == second.resolve() and b"urldate" in self.read_bytes():
            raise OSError(28, "No space left on device")
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", refuse_the_second)

    with pytest.raises(InputError, match="No space left on device") as caught:
        write_back_all(files)

    assert caught.value.location is not None
    assert caught.value.location.file == str(second)
    assert caught.value.hint is not None
    assert caught.value.hint.endswith(f"; {first} put back as before")
    assert (first.read_bytes(), second.read_bytes()) == (first_bytes, second_bytes)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["first.bib", "second.bib"]


def test_a_first_file_that_cannot_be_put_back_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _two_files(tmp_path)
    first = files[0][0]
    replace = Path.replace
    done: list[Path] = []

    def refuse_after_the_first(self: Path, target: Path) -> Path:
        if done:
            raise OSError(5, "Input/output error")
        done.append(Path(target))
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", refuse_after_the_first)

    with pytest.raises(InputError) as caught:
        write_back_all(files)

    assert caught.value.hint is not None
    assert f"{first} could not be put back as before: restore it" in caught.value.hint
    assert b"urldate" in first.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["first.bib", "second.bib"]


def test_the_same_file_named_twice_is_refused_unwritten(tmp_path: Path) -> None:
    path, original = _bib_file(tmp_path)
    alias = tmp_path / "." / "references.bib"

    with pytest.raises(InputError, match="named twice"):
        write_back_all([(path, original, {"k": DATE}), (alias, original, {"k": DATE})])

    assert path.read_bytes() == original


def test_write_back_through_a_symlink_updates_the_linked_file(tmp_path: Path) -> None:
    real, original = _bib_file(tmp_path)
    link = tmp_path / "link.bib"
    link.symlink_to(real)

    plan = write_back(link, original, {"k": DATE})

    assert link.is_symlink()
    assert real.read_bytes() == plan.updated
    assert _other_files(tmp_path) == ["link.bib"]


# Real bibliographies ------------------------------------------------------------------------

EXPECTED_SKIP = re.compile(
    r"the entry already has \w+|\d+ entries in the file have this key|the value holds a line break"
)


def _archive_fields(url: str | None) -> dict[str, str]:
    return {
        "urldate": "2024-11-22",
        "archiveurl": f"https://web.archive.org/web/20241122000000/{url or 'https://example.org/'}",
        "archivedate": "2024-11-22",
    }


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.bib")))
def test_a_real_bibliography_only_gains_the_new_fields(
    corpus: Path, name: str, tmp_path: Path
) -> None:
    path = corpus / name
    before = load_bibliography(path)
    additions = {ref.key: _archive_fields(ref.url) for ref in before.references}

    plan = plan_write_back(path.read_bytes(), additions, path=path)

    assert plan.insertions
    assert _without_insertions(plan) == path.read_bytes()
    copy = tmp_path / name
    copy.write_bytes(plan.updated)
    _assert_only_fields_were_added(before, plan, load_bibliography(copy))
    assert plan_write_back(plan.updated, additions, path=copy).insertions == ()
    assert [skip for skip in plan.skipped if not EXPECTED_SKIP.fullmatch(skip.reason)] == []


# Generated bibliographies -------------------------------------------------------------------

WORDS = st.one_of(
    st.text(alphabet="abcXYZ019 ,.;:=%&~-_/()'\n", max_size=10),
    st.sampled_from(['\\"o', "\\&", "\\{", "\\}", "\\", "a@b{", "\n@x{"]),
)
BRACED = st.recursive(
    WORDS.map(lambda words: "{" + words + "}"),
    lambda inner: st.lists(st.one_of(WORDS, inner), max_size=3).map(
        lambda parts: "{" + "".join(parts) + "}"
    ),
    max_leaves=3,
)
QUOTED = st.lists(st.one_of(WORDS, BRACED, st.just('{"}')), max_size=3).map(
    lambda parts: '"' + "".join(parts) + '"'
)
SIMPLE = st.one_of(
    BRACED, QUOTED, st.integers(0, 9999).map(str), st.sampled_from(["pub", "jan", "Dec"])
)
VALUES = st.one_of(
    SIMPLE,
    st.tuples(st.lists(SIMPLE, min_size=2, max_size=3), st.sampled_from([" # ", "#", "  #\t"])).map(
        lambda pair: pair[1].join(pair[0])
    ),
)
FIELD_NAMES = st.one_of(
    st.text(alphabet="abcxyzABC019_-", min_size=1, max_size=8),
    st.sampled_from(["urldate", "URLDate", "archiveurl", "Title"]),
)
KEYS = st.text(alphabet="abkzAZ09:_.-", min_size=1, max_size=8)
BETWEEN = st.sampled_from(
    [
        "\n",
        "\n\n",
        "\n% a comment, with {braces\n",
        "\nFree text between entries.\n\n",
        '\n@string{pub = "The Publisher"}\n',
        "\n@comment{jabref-meta: @misc{fake, title={x}}}\n",
        '\n@preamble{"\\newcommand{\\noop}[1]{}"}\n',
        '\n@STRING (pub = "P)")\n',
    ]
)


@st.composite
def entries(draw: st.DrawFn) -> str:
    """One entry, in any of the layouts people and tools write."""
    kind = draw(st.sampled_from(["article", "Misc", "BOOK", "online", "InProceedings"]))
    opener, closer = draw(st.sampled_from(["{}", "()"]))
    key = draw(KEYS)
    fields = draw(st.lists(st.tuples(FIELD_NAMES, VALUES), max_size=5))
    if not fields:
        tail = draw(st.sampled_from(["", ",", ",\n", " ,\n\n"]))
        return f"@{kind}{opener}{key}{tail}{closer}"
    one_line = draw(st.booleans())
    indent = "" if one_line else draw(st.sampled_from(["", " ", "  ", "   ", "\t"]))
    width = max(len(name) for name, _ in fields) if draw(st.booleans()) else 0
    before = draw(st.sampled_from(["", " ", "  ", "\t"]))
    after = draw(st.sampled_from(["", " ", "\t"]))
    parts = [f"{indent}{name.ljust(width)}{before}={after}{value}" for name, value in fields]
    separator = draw(st.sampled_from([", ", ","])) if one_line else ",\n"
    ending = draw(st.sampled_from(["", ","])) + (
        "" if one_line else draw(st.sampled_from(["", "\n"]))
    )
    start = " " if one_line else "\n"
    return f"@{kind}{opener}{key},{start}{separator.join(parts)}{ending}{closer}"


@st.composite
def bibliographies(draw: st.DrawFn) -> bytes:
    """A whole file: entries with comments and @string blocks between, LF or CRLF, BOM or not."""
    blocks = draw(st.lists(st.tuples(BETWEEN, entries()), min_size=1, max_size=5))
    text = "".join(between + entry for between, entry in blocks) + draw(BETWEEN)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return (codecs.BOM_UTF8 if draw(st.booleans()) else b"") + text.encode()


NEW_VALUES = st.text(alphabet='ab09-:/.%#~&=,{}"@\\', max_size=12)
WRITABLE_OR_REFUSED = re.compile(
    EXPECTED_SKIP.pattern + r"|the value has unbalanced braces|the value ends in a backslash.*"
)


@settings(max_examples=150, deadline=None)
@given(bibliographies(), NEW_VALUES)
@example(b"@misc{k,\n  title = {T}}\n", "{a}")
@example(b'@misc(k, a = "x)" # {y}, b = 1 )', ")")
@example(b"\xef\xbb\xbf@misc{k}\r\n@comment{x}\r\n@misc{j,\r\n}", "")
def test_generated_bibliographies_only_gain_the_new_fields(data: bytes, note: str) -> None:
    before = _parse(data)
    additions = {ref.key: {**ARCHIVE, "archivenote": note} for ref in before.references}

    plan = plan_write_back(data, additions, path=PATH)

    assert _without_insertions(plan) == data
    _assert_only_fields_were_added(before, plan, _parse(plan.updated))
    assert plan_write_back(plan.updated, additions, path=PATH).insertions == ()
    assert [skip for skip in plan.skipped if not WRITABLE_OR_REFUSED.fullmatch(skip.reason)] == []
    if b"\r\n" in data:
        assert b"\n" not in plan.updated.replace(b"\r\n", b"")
