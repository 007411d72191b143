"""Loading claims.yaml: claims with their places, and every problem at file:line:column."""

from __future__ import annotations

import contextlib
import random
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimcheck.errors import InputError, InputErrors
from claimcheck.load.claims import Ledger, load_ledger, parse_ledger
from claimcheck.models import Location, Stance

PATH = Path("claims.yaml")
GOOD = """\
version: 1
claims:
  - id: sky-blue
    text: The sky is blue.
    section: Intro
    tags: [optics]
    evidence:
      - source: rayleigh1871
        quote: the blue of the sky
        stance: supports
      - source: smith2020
        stance: contextualizes
"""


def _problems(text: str) -> list[InputError]:
    with pytest.raises(InputErrors) as caught:
        parse_ledger(text, PATH)
    return caught.value.errors


def _one(text: str) -> InputError:
    problems = _problems(text)
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


def _place(error: InputError) -> tuple[str, int | None, int | None]:
    assert error.location is not None
    return error.location.file, error.location.line, error.location.column


def _claim(body: str) -> str:
    return "version: 1\nclaims:\n  - id: the-id\n" + body


def test_a_valid_ledger_loads_with_places() -> None:
    ledger = parse_ledger(GOOD, PATH)

    assert isinstance(ledger, Ledger)
    assert ledger.version == 1
    (claim,) = ledger.claims
    assert (claim.id, claim.text, claim.section, claim.tags) == (
        "sky-blue",
        "The sky is blue.",
        "Intro",
        ("optics",),
    )
    assert claim.location == Location(file="claims.yaml", line=3, column=5)
    assert [(e.source, e.stance, e.location.line) for e in claim.evidence] == [
        ("rayleigh1871", Stance.SUPPORTS, 8),
        ("smith2020", Stance.CONTEXTUALIZES, 11),
    ]


def test_load_ledger_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_bytes(GOOD.replace("\n", "\r\n").encode())

    ledger = load_ledger(path)

    assert ledger.claims[0].location.file == str(path)


def test_an_unknown_field_is_reported_at_its_key() -> None:
    error = _one(_claim("    text: T\n    evidence:\n      - source: k\n        page: 4\n"))

    assert _place(error) == ("claims.yaml", 7, 9)
    assert error.message == "claim 'the-id', evidence[0].page: unknown field"


def test_a_missing_field_is_reported_at_its_parent() -> None:
    error = _one(_claim("    evidence:\n      - source: k\n"))

    assert _place(error)[1:] == (3, 5)
    assert error.message == "claim 'the-id', text: required field is missing"


def test_a_missing_evidence_source_names_the_dotted_field() -> None:
    error = _one(_claim("    text: T\n    evidence:\n      - quote: q\n"))

    assert _place(error)[1:] == (6, 9)
    assert error.message == "claim 'the-id', evidence[0].source: required field is missing"


def test_a_wrong_type_is_reported_at_the_value() -> None:
    error = _one(_claim("    text: T\n    evidence:\n      - source: 42\n"))

    assert _place(error)[1:] == (6, 17)
    assert error.message == "claim 'the-id', evidence[0].source: should be a string, not a number"


def test_a_string_where_a_list_belongs_is_a_wrong_type() -> None:
    error = _one(_claim("    text: T\n    tags: optics\n"))

    assert error.message == "claim 'the-id', tags: should be a list, not a string"


def test_a_bad_stance_names_the_allowed_ones() -> None:
    error = _one(_claim("    text: T\n    evidence:\n      - source: k\n        stance: agrees\n"))

    assert _place(error)[1:] == (7, 17)
    assert "claim 'the-id', evidence[0].stance:" in error.message
    assert error.message.endswith("'supports', 'contextualizes' or 'refutes'")


def test_a_bad_version_is_reported() -> None:
    error = _one("version: 2\nclaims: []\n")

    assert _place(error)[1:] == (1, 10)
    assert error.message == "version: Input should be 1"
    assert error.hint == "this version of claimcheck reads 'version: 1'"


@pytest.mark.parametrize("value", ["true", "1.0", "'1'"])
def test_a_version_that_only_resembles_one_is_reported(value: str) -> None:
    error = _one(f"version: {value}\nclaims: []\n")
    assert _place(error) == ("claims.yaml", 1, 10)
    assert error.message == "version: Input should be the whole number 1"


def test_a_bad_id_is_reported_by_its_value() -> None:
    error = _one("version: 1\nclaims:\n  - id: 'not an id'\n    text: T\n")

    assert _place(error)[1:] == (3, 9)
    assert error.message.startswith("claim 'not an id', id: String should match pattern")


def test_a_claim_without_an_id_is_named_by_its_number() -> None:
    error = _one("version: 1\nclaims:\n  - id: a\n    text: A\n  - text: B\n")

    assert error.message == "claim #2, id: required field is missing"


def test_a_duplicate_mapping_key_is_reported_at_the_second_key() -> None:
    error = _one(_claim("    text: T\n    text: U\n"))

    assert _place(error)[1:] == (5, 5)
    assert error.message == "claim 'the-id', text: appears twice in this mapping (first at line 4)"


def test_a_key_that_is_not_a_word_is_reported() -> None:
    error = _one("version: 1\nclaims: []\n? [a]\n: b\n")

    assert _place(error)[1:] == (3, 3)
    assert "not a plain word" in error.message


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    text = _claim("    text: T\n    text: U\n    colour: red\n    evidence:\n      - stance: x\n")

    problems = _problems(text)

    assert [(_place(p)[1], p.message.split(": ")[0]) for p in problems] == [
        (5, "claim 'the-id', text"),
        (6, "claim 'the-id', colour"),
        (8, "claim 'the-id', evidence[0].source"),
        (8, "claim 'the-id', evidence[0].stance"),
    ]


def test_a_yaml_syntax_error_gives_the_line_and_column_of_the_problem() -> None:
    error = _one("version: 1\nclaims:\n  - id: a\n   text: b\n")

    assert _place(error) == ("claims.yaml", 4, 4)
    assert error.message.startswith("invalid YAML: ")


def test_an_unclosed_quote_is_a_yaml_syntax_error() -> None:
    error = _one("version: 1\nclaims:\n  - id: 'a\n")

    assert error.message.startswith("invalid YAML: ")
    assert _place(error)[1] is not None


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_file_is_reported(text: str) -> None:
    error = _one(text)

    assert _place(error)[1] == 1
    assert error.message == "the file is empty"


def test_a_top_level_list_is_reported() -> None:
    error = _one("- id: a\n  text: T\n")

    assert _place(error)[1:] == (1, 1)
    assert error.message == "should be a mapping of fields, not a list"


def test_several_documents_are_a_yaml_error() -> None:
    assert _one("version: 1\n---\nversion: 1\n").message.startswith("invalid YAML: ")


def test_a_nul_character_is_reported_with_its_place() -> None:
    error = _one("version: 1\nclaims: [a\x00]\n")

    assert _place(error)[1:] == (2, 11)
    assert "U+0000" in error.message


def test_a_nul_character_after_wide_characters_is_placed_by_characters_not_bytes() -> None:
    error = _one("version: 1\nclaims: [中文é\x00]\n")

    assert _place(error)[1:] == (2, 13)
    assert "U+0000" in error.message


def test_plain_yes_on_and_no_are_strings_as_in_yaml_1_2() -> None:
    text = "version: 1\nclaims:\n  - id: a\n    text: yes\n    tags: [on, no, off]\n"

    claim = parse_ledger(text, PATH).claims[0]

    assert (claim.text, claim.tags) == ("yes", ("on", "no", "off"))


def test_a_yaml_1_1_directive_reads_yes_as_a_boolean_as_ruamel_does() -> None:
    text = "%YAML 1.1\n---\nversion: 1\nclaims:\n  - id: a\n    text: yes\n"

    assert _one(text).message == "claim 'a', text: should be a string, not true/false"


def test_a_reused_anchor_is_allowed() -> None:
    text = "version: 1\nclaims:\n  - id: &x a\n    text: &x T\n    tags: [*x]\n"

    assert parse_ledger(text, PATH).claims[0].tags == ("T",)


def test_an_alias_bomb_ends_in_an_error() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")

    error = _one("\n".join(lines) + "\n")

    assert "alias bomb" in error.message
    assert _place(error)[1] == 5


def test_a_self_referencing_alias_ends_in_an_error() -> None:
    error = _one("version: 1\nclaims: &c [*c]\n")

    assert error.message == "an alias refers to a value that contains it"


def test_deep_flow_nesting_ends_in_an_error() -> None:
    error = _one("[" * 100_000)

    assert _place(error)[1:] == (1, 65)
    assert "nested more than 64 levels" in error.message


def test_deep_flow_nesting_between_values_ends_quickly_in_an_error() -> None:
    start = time.process_time()
    error = _one("a: " + "[x, " * 200_000)

    assert time.process_time() - start < 2
    assert "nested more than 64 levels" in error.message


def test_deep_block_nesting_ends_in_an_error() -> None:
    error = _one("".join(" " * depth + "-\n" for depth in range(200)))

    assert "nested more than 64 levels" in error.message


def test_deep_nesting_through_aliases_ends_in_an_error() -> None:
    lines = ["a0: &a0 [x]"] + [f"a{n}: &a{n} [*a{n - 1}]" for n in range(1, 600)]

    error = _one("\n".join(lines) + "\n")

    assert _place(error)[1] == 62
    assert "nested more than 64 levels" in error.message


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    with pytest.raises(InputError, match="more than the 4,194,304 bytes"):
        load_ledger(path)


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_bytes(random.Random(3).randbytes(2048) + b"\x00")

    with pytest.raises(InputError, match="not a text file"):
        load_ledger(path)


def test_a_png_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    with pytest.raises(InputError, match="not a text file"):
        load_ledger(path)


YAMLISH = st.sampled_from(
    [
        "version", "claims", "id", "text", "evidence", "source", "stance", ":", " ", "\n",
        "- ", "  ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!int ", "? ", "'", '"',
        "#", "---", "1", "x", "%YAML 1.2\n", "|", ">", "<<", "~", "\t", "\\",
    ]
)  # fmt: skip


def _parses_or_raises_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_ledger(text, PATH)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_ledger_raises_only_input_errors_on_any_text(text: str) -> None:
    _parses_or_raises_input_error(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(YAMLISH, max_size=40).map("".join))
@example("&a [*a]")
@example("&a x\n&a y\n")
def test_parse_ledger_raises_only_input_errors_on_yamlish_text(text: str) -> None:
    _parses_or_raises_input_error(text)
