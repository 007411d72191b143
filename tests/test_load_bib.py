"""Loading a bibliography: references, their lines, macros, and problems kept as findings."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest
from bibtexparser import model as bib_model
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimcheck.errors import InputError
from claimcheck.load import bib as bib_module
from claimcheck.load.bib import (
    Bibliography,
    expand,
    load_bibliography,
    parse_bibliography,
    split_names,
    strip_braces,
)
from claimcheck.load.text import DecodedText
from claimcheck.models import Finding

PATH = Path("references.bib")


def _parse(text: str) -> Bibliography:
    return parse_bibliography(
        DecodedText(text=text, encoding="utf-8", bom=False, newline="\n"), PATH
    )


def _codes(bibliography: Bibliography) -> list[str]:
    return [finding.code for finding in bibliography.findings]


def _only(bibliography: Bibliography, code: str) -> Finding:
    found = [finding for finding in bibliography.findings if finding.code == code]
    assert len(found) == 1, bibliography.findings
    return found[0]


def _keys(bibliography: Bibliography) -> list[str]:
    return [reference.key for reference in bibliography.references]


def _blocks_of(text: str) -> list[bib_model.Block]:
    blocks = bib_module._split(text, PATH)
    assert isinstance(blocks, list)
    return blocks


def _collapse(text: str) -> str:
    return " ".join(text.split())


def test_each_reference_records_the_line_of_its_at_sign() -> None:
    text = "% header\n\n@article{first,\n  title = {One},\n}\n\n  @book{second, title = {Two}}\n"

    bibliography = _parse(text)

    assert [(r.key, r.location.line) for r in bibliography.references] == [
        ("first", 3),
        ("second", 7),
    ]
    assert bibliography.references[0].location.file == "references.bib"


def test_each_field_records_its_line() -> None:
    text = "@article{k,\n  title = {One},\n  author\n    = {A and B},\n  year = 2020}\n"

    reference = _parse(text).references[0]

    assert reference.field_lines == {"title": 2, "author": 4, "year": 5}


def test_a_url_given_in_howpublished_or_note_is_the_references_url() -> None:
    """How plain BibTeX's @misc cites a web page: howpublished = {\\url{...}}."""
    text = (
        "@misc{who,\n  title = {Fact sheet},\n"
        "  howpublished = {\\url{https://www.who.int/news-room/fact-sheets/detail/a_b}},\n}\n"
        "@misc{code,\n  title = {X},\n"
        "  note = {Available at \\href{https://github.com/a/b}{GitHub}},\n}\n"
        "@misc{both,\n  url = {https://example.org/own},\n  note = {\\url{https://example.org/n}},\n}\n"
    )

    references = {reference.key: reference for reference in _parse(text).references}

    assert references["who"].url == "https://www.who.int/news-room/fact-sheets/detail/a_b"
    assert "url" not in references["who"].field_lines
    assert references["code"].url == "https://github.com/a/b"
    assert references["both"].url == "https://example.org/own"


def test_lines_count_crlf_line_endings_once(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes(b"% a\r\n\r\n@misc{a,\r\n  title = {A},\r\n}\r\n@misc{b,\r\n  url = {u}}\r\n")

    bibliography = load_bibliography(path)

    assert [r.location.line for r in bibliography.references] == [3, 6]
    assert bibliography.references[1].field_lines == {"url": 7}
    assert bibliography.source.newline == "\r\n"
    assert "\r\n" in bibliography.source.text


def test_a_bom_does_not_shift_lines_or_keys(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes(b"\xef\xbb\xbf@misc{k,\n  title = {T}}\n")

    bibliography = load_bibliography(path)

    assert bibliography.source.bom
    assert [(r.key, r.location.line) for r in bibliography.references] == [("k", 1)]


def test_a_named_encoding_is_used_to_read_the_file(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes("@misc{k, title = {Caf\u00e9}}\n".encode("latin-1"))

    assert load_bibliography(path, encoding="latin-1").references[0].title == "Caf\u00e9"


def test_a_wrong_named_encoding_is_an_input_error_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes("@misc{k,\n  title = {\u51ef\u6492}}\n".encode("gbk"))

    with pytest.raises(InputError, match="not valid utf-8") as caught:
        load_bibliography(path, encoding="utf-8")

    assert caught.value.location is not None
    assert caught.value.location.line == 2


def test_string_macros_and_concatenation_are_expanded() -> None:
    text = (
        '@string{dtv = "Deutscher Taschenbuch-Verlag"}\n'
        "@STRING{Both = dtv # { and } # {Walter de Gruyter}}\n"
        "@book{k, publisher = dtv # { and Walter de Gruyter}, note = BOTH}\n"
    )

    fields = _parse(text).references[0].fields

    assert fields["publisher"] == "Deutscher Taschenbuch-Verlag and Walter de Gruyter"
    assert fields["note"] == "Deutscher Taschenbuch-Verlag and Walter de Gruyter"


def test_month_macros_read_as_month_names() -> None:
    text = '@misc{k, month = jan, urldate = oct # {~24}, note = sep # "/" # oct}\n'

    fields = _parse(text).references[0].fields

    assert (fields["month"], fields["urldate"], fields["note"]) == (
        "January",
        "October~24",
        "September/October",
    )


def test_numbers_and_quoted_values_read_as_written() -> None:
    fields = _parse('@misc{k, year = 2020, title = "A {Quoted} title"}\n').references[0].fields

    assert (fields["year"], fields["title"]) == ("2020", "A {Quoted} title")


def test_an_undefined_macro_is_kept_as_written_with_a_finding() -> None:
    bibliography = _parse("@article{k,\n  journal = IEEE_J_EDL,\n}\n")

    assert bibliography.references[0].fields["journal"] == "IEEE_J_EDL"
    finding = _only(bibliography, "CC209")
    assert (finding.line, finding.subject) == (2, "k")
    assert "IEEE_J_EDL" in finding.message


def test_a_missing_concatenation_sign_is_named_in_the_finding() -> None:
    finding = _only(_parse("@misc{k, month = apr  {~4}}\n"), "CC209")

    assert "a '#' missing?" in finding.message


def test_an_undefined_macro_in_a_string_definition_is_a_finding() -> None:
    bibliography = _parse("@string{a = nowhere # {x}}\n@misc{k, title = a}\n")

    assert bibliography.references[0].fields["title"] == "nowherex"
    assert _only(bibliography, "CC209").line == 1


def test_a_redefined_string_is_no_duplicate_key_and_the_last_one_wins() -> None:
    bibliography = _parse('@string{pub = "First"}\n@string{pub = "Second"}\n@misc{k, note = pub}\n')

    assert bibliography.findings == ()
    assert bibliography.references[0].fields["note"] == "Second"


def test_field_names_are_lower_cased_and_values_whitespace_collapsed() -> None:
    reference = _parse("@Article{k,\n  Title = {A\n    long   title},\n}\n").references[0]

    assert reference.entry_type == "article"
    assert reference.fields == {"title": "A long title"}


def test_url_and_doi_keep_their_inner_text_verbatim() -> None:
    text = "@misc{k, url = { https://example.org/a\\_b }, doi = {10.1/X}}\n"

    reference = _parse(text).references[0]

    assert (reference.url, reference.doi) == ("https://example.org/a\\_b", "10.1/X")


def test_title_authors_and_date_are_read_for_checking() -> None:
    text = (
        "@misc{k, title = {{BBC} and {China}},\n"
        "  author = {Smith, J. and {Barnes and Noble}}, year = 1999}\n"
    )

    reference = _parse(text).references[0]

    assert reference.title == "BBC and China"
    assert reference.authors == ("Smith, J.", "Barnes and Noble")
    assert reference.date == "1999"


def test_parenthesis_delimited_entries_load() -> None:
    reference = _parse('@article(k,\n  title = "T (one)",\n  year = 1990)\n').references[0]

    assert reference.fields == {"title": "T (one)", "year": "1990"}


def test_an_unbalanced_brace_is_a_finding_and_later_entries_still_load() -> None:
    text = "@misc{a,\n  title = {Open\n}\n@misc{b, title = {B}}\n@misc{c, title = {C}}\n"

    bibliography = _parse(text)

    assert _keys(bibliography) == ["b", "c"]
    finding = _only(bibliography, "CC204")
    assert (finding.line, finding.subject) == (1, "a")
    assert "Unexpected block start" in finding.message


def test_an_entry_cut_off_at_the_end_of_the_file_is_a_finding() -> None:
    finding = _only(_parse("@misc{a, title = {B}}\n\n@article{"), "CC204")

    assert finding.line == 3
    assert "end of file" in finding.message


def test_an_entry_without_a_type_is_a_parse_error() -> None:
    bibliography = _parse("@{k, title = {T}}\n")

    assert bibliography.references == ()
    assert "no type" in _only(bibliography, "CC204").message


def test_a_duplicate_key_points_at_the_second_entry_and_names_the_first() -> None:
    bibliography = _parse("@misc{k, title = {1}}\n\n@misc{k, title = {2}}\n")

    assert [r.fields["title"] for r in bibliography.references] == ["1"]
    finding = _only(bibliography, "CC201")
    assert (finding.line, finding.subject) == (3, "k")
    assert "line 1" in finding.message


def test_a_key_repeated_after_an_entry_with_duplicate_fields_is_still_a_duplicate() -> None:
    bibliography = _parse("@misc{k, note = {1}, note = {2}}\n@misc{k, note = {3}}\n")

    assert _keys(bibliography) == ["k"]
    assert sorted(_codes(bibliography)) == ["CC201", "CC203"]


def test_every_entry_with_an_empty_key_is_a_finding_and_no_reference() -> None:
    bibliography = _parse("@article{,\n  title = {A}}\n@article{ ,\n  title = {B}}\n@misc{k,}\n")

    assert _keys(bibliography) == ["k"]
    assert [(f.code, f.line) for f in bibliography.findings] == [("CC208", 1), ("CC208", 3)]


def test_a_duplicate_field_is_one_finding_per_name_and_the_first_value_is_read() -> None:
    text = "@misc{k,\n  keywords = {a},\n  Keywords = {b},\n  keywords = {c},\n}\n"

    bibliography = _parse(text)

    assert bibliography.references[0].fields["keywords"] == "a"
    finding = _only(bibliography, "CC203")
    assert (finding.line, finding.subject) == (3, "k")
    assert "3 times (lines 2, 3, 4)" in finding.message


def test_prose_loads_with_no_references() -> None:
    prose = "It was the best of times, it was the worst of times; mail me at joe@example.org.\n"

    bibliography = _parse(prose * 200)

    assert (bibliography.references, bibliography.findings) == ((), ())


def test_a_megabyte_of_open_braces_loads_with_no_references() -> None:
    assert _parse("{" * 1024 * 1024).references == ()


def test_an_entry_followed_by_a_megabyte_of_open_braces_is_a_parse_error() -> None:
    bibliography = _parse("@misc{ok, title = {T}}\n@misc{k, title = " + "{" * 1024 * 1024)

    assert _keys(bibliography) == ["ok"]
    assert _codes(bibliography) == ["CC204"]


def test_binary_garbage_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    with pytest.raises(InputError, match="not a text file"):
        load_bibliography(path)


def test_parse_failures_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    _parse("@misc{a, title = {Open\n@misc{b,}\n")

    assert [r for r in caplog.records if r.name.startswith("bibtexparser")] == []
    assert logging.getLogger("bibtexparser").level == logging.NOTSET


def test_a_crash_inside_bibtexparser_becomes_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_args: object, **_kwargs: object) -> None:
        raise ValueError("internal state")

    monkeypatch.setattr(bib_module, "parse_string", crash)

    bibliography = _parse("@misc{k,}\n")

    assert bibliography.references == ()
    assert "bibtexparser failed with ValueError" in _only(bibliography, "CC204").message


def test_by_key_gives_each_reference_by_its_key() -> None:
    assert list(_parse("@misc{a,}\n@misc{b,}\n").by_key()) == ["a", "b"]


PIECES = st.sampled_from(
    [
        "@article{", "@misc(", "@string{", "@comment{", "@preamble{", "@", "key", ",", "title",
        "=", "{", "}", "(", ")", '"', "#", "@string", "jan", "\\", " ", "\n", "\r\n", "and",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_bibliography_never_raises_on_any_text(text: str) -> None:
    _parse(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
@example("@article{")
@example("@article{k, title = {x}\n@misc{")
@example('@string{a = "x"}@string{a = "y"}')
def test_parse_bibliography_never_raises_on_entry_like_text(text: str) -> None:
    bibliography = _parse(text)

    assert all(reference.key for reference in bibliography.references)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3))
def test_text_helpers_never_raise(text: str, macros: dict[str, str]) -> None:
    value, undefined = expand(text, macros)

    assert isinstance(value, str)
    assert all(isinstance(name, str) for name in undefined)
    assert all(isinstance(name, str) for name in split_names(text))
    stripped = strip_braces(text)
    assert "{" not in stripped
    assert "}" not in stripped


KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:_-", min_size=1, max_size=16)
FIELD_NAMES = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
PLAIN = st.text(alphabet=st.characters(codec="utf-8", exclude_characters='{}\\@"'), max_size=20)
VALUES = st.lists(st.one_of(PLAIN, PLAIN.map(lambda text: "{" + text + "}")), max_size=4).map(
    "".join
)
ENTRIES = st.lists(
    st.tuples(KEYS, st.dictionaries(FIELD_NAMES, VALUES, max_size=6)),
    max_size=5,
    unique_by=lambda entry: entry[0],
)


def _entry(key: str, fields: dict[str, str]) -> str:
    body = "".join(f",\n  {name} = {{{value}}}" for name, value in fields.items())
    return f"@article{{{key}{body}\n}}\n"


@settings(max_examples=100, deadline=None)
@given(ENTRIES)
def test_well_formed_entries_read_back_exactly(entries: list[tuple[str, dict[str, str]]]) -> None:
    bibliography = _parse("\n".join(_entry(key, fields) for key, fields in entries))

    assert bibliography.findings == ()
    assert [
        (r.key, {name: _collapse(value) for name, value in r.fields.items()})
        for r in bibliography.references
    ] == [
        (key, {name: _collapse(value) for name, value in fields.items()}) for key, fields in entries
    ]


def test_a_loaded_bibliography_keeps_none_of_bibtexparsers_blocks() -> None:
    bibliography = _parse("@string{pub = {P}}\n@misc{a, title = pub}\n@misc{b, title = {T}}\n")
    gc.collect()
    assert _keys(bibliography) == ["a", "b"]
    assert not [thing for thing in gc.get_objects() if isinstance(thing, bib_model.Block)]


def test_each_block_is_let_go_of_as_it_is_read() -> None:
    blocks = _blocks_of("@misc{a, title = {A}}\n@misc{b, title = {B}}\n")
    left = [len(blocks) for _ in bib_module._drained(blocks)]
    assert left == [1, 0]
