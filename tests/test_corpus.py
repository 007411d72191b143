"""The shared corpus of real-world .bib files: each loads, with the counts and findings known."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from claimcheck.load.bib import Bibliography, load_bibliography

# References and finding codes per file. The references match the "entries" column of the
# probe table in SOURCES.md, except where noted.
EXPECTED: dict[str, tuple[int, dict[str, int]]] = {
    "bbt-biblatex-export-large.bib": (1241, {}),
    "bbt-japanese-cjk-key.bib": (1, {}),
    "bibdesk-export.bib": (241, {}),
    "biblatex-examples.bib": (92, {}),
    "gbk-encoded-zh.bib": (1, {}),
    # Undefined IEEE macros (IEEE_J_EDL, ...) and three `month = apr {~4}` lacking a '#'.
    "ieeetran-example.bib": (258, {"CC209": 8}),
    "jabref-authors.bib": (212, {}),
    "jabref210-groups-preamble.bib": (911, {}),
    "jabref5-crlf-windows.bib": (4, {}),
    # The probe's 451 entries include the first of the 37 entries with an empty key
    # (`@article{,`): bibtexparser only flags the 36 after it, as duplicates of the empty key.
    # claimcheck reports all 37 and keeps none of them as references: 451 - 1 = 450.
    "mendeley-export-odd-types.bib": (450, {"CC208": 37, "CC201": 25}),
    # The probe's 973 entries leave out `BerleantKuipers:97`, which repeats its keywords
    # field (a DuplicateFieldKeyBlock); claimcheck keeps it, reading the first value: 974.
    # The 276 CC209 are undefined journal and publisher macros such as AIJ and ERLBAUM.
    "paren-delimited-crossref.bib": (974, {"CC209": 276, "CC201": 14, "CC203": 1}),
    "thuthesis-refs-zh.bib": (34, {}),
    "wos-export-bom.bib": (300, {}),
    "zotero-native-export.bib": (186, {}),
}


@cache
def _load(path: Path) -> Bibliography:
    return load_bibliography(path)


def _reference(corpus: Path, name: str, key: str) -> dict[str, str]:
    return _load(corpus / name).by_key()[key].fields


def test_the_corpus_holds_the_files_expected(corpus: Path) -> None:
    assert sorted(path.name for path in corpus.glob("*.bib")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_file_loads_with_its_known_counts(corpus: Path, name: str) -> None:
    bibliography = _load(corpus / name)

    references, findings = EXPECTED[name]
    assert len(bibliography.references) == references
    assert Counter(finding.code for finding in bibliography.findings) == Counter(findings)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_reference_points_at_its_entry_and_fields(corpus: Path, name: str) -> None:
    bibliography = _load(corpus / name)
    lines = bibliography.source.text.split("\n")

    for reference in bibliography.references:
        assert reference.location.line is not None
        line = lines[reference.location.line - 1]
        assert "@" in line, (reference.key, reference.location.line)
        assert reference.key in line, (reference.key, reference.location.line)
        for field, number in reference.field_lines.items():
            assert field in lines[number - 1].lower(), (reference.key, field, number)


def test_the_gbk_file_is_detected_and_its_key_read(corpus: Path) -> None:
    bibliography = _load(corpus / "gbk-encoded-zh.bib")

    assert bibliography.source.encoding in {"gbk", "gb18030"}
    assert [reference.key for reference in bibliography.references] == ["\u51ef\u64922013"]


def test_the_windows_file_keeps_its_crlf(corpus: Path) -> None:
    source = _load(corpus / "jabref5-crlf-windows.bib").source

    assert source.newline == "\r\n"
    assert "\r\n" in source.text


def test_the_web_of_science_export_has_a_bom(corpus: Path) -> None:
    bibliography = _load(corpus / "wos-export-bom.bib")

    assert bibliography.source.bom
    assert not bibliography.source.text.startswith("\ufeff")
    assert bibliography.references[0].location.line == 2  # line 1 holds only the BOM


def test_string_macros_and_concatenation_are_read_in_biblatex_examples(corpus: Path) -> None:
    fields = _reference(corpus, "biblatex-examples.bib", "nietzsche:ksa")

    assert fields["publisher"] == "Deutscher Taschenbuch-Verlag and Walter de Gruyter"


def test_month_macros_are_read_in_the_jabref_file(corpus: Path) -> None:
    months = Counter(
        reference.fields.get("month")
        for reference in _load(corpus / "jabref210-groups-preamble.bib").references
    )

    assert months["January"] > 0
    assert "jan" not in months


def test_a_japanese_key_is_read(corpus: Path) -> None:
    (reference,) = _load(corpus / "bbt-japanese-cjk-key.bib").references

    assert not reference.key.isascii()
    assert reference.doi == "10.18960/seitai.61.1_3"


def test_the_duplicate_keys_of_the_mendeley_export_name_the_first_entry(corpus: Path) -> None:
    bibliography = _load(corpus / "mendeley-export-odd-types.bib")
    first_lines = {r.key: r.location.line or 0 for r in bibliography.references}

    for finding in bibliography.findings:
        if finding.code == "CC201":
            assert finding.subject is not None
            assert f"line {first_lines[finding.subject]}" in finding.message
            assert (finding.line or 0) > first_lines[finding.subject]
