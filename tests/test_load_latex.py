"""Titles and names read as LaTeX prints them: accents, letters, escapes, dashes, type styles."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.load.latex import plain_text


@pytest.mark.parametrize(
    ("latex", "printed"),
    [
        (
            'Schr\\"odinger in \\textit{Nature}: 100\\% \\"{U}berraschung',
            "Schrödinger in Nature: 100% Überraschung",
        ),
        ('M\\"uller, J\\"urgen', "Müller, Jürgen"),
        ("{Smith \\& Sons}", "Smith & Sons"),
        ("{\\v{S}}koda and Stra{\\ss}e", "Škoda and Straße"),
        ("Erd{\\H o}s--R\\'{e}nyi---{\\'\\i}", "Erdős\u2013Rényi—í"),
        (
            'Fran\\c{c}ois, \\c c a\\~{n}o, {\\o}re, \\AA{}ngstr\\"om',
            "François, ç año, øre, Ångström",
        ),
        ("Time~series \\emph{of} {\\em data}", "Time series of data"),
        ("The set \\{x\\} of {BBC} \\_ids", "The set {x} of BBC _ids"),
    ],
)
def test_latex_is_read_as_the_text_it_prints(latex: str, printed: str) -> None:
    assert plain_text(latex) == printed


def test_markup_it_does_not_know_stays_as_written() -> None:
    assert (
        plain_text("The {$\\alpha$}-helix and \\unknown{x}") == "The $\\alpha$-helix and \\unknownx"
    )


@given(st.text(alphabet=st.characters(blacklist_characters="\\{}~-", blacklist_categories=("Cs",))))
def test_text_without_markup_is_only_its_spacing_settled(text: str) -> None:
    assert plain_text(text) == " ".join(text.split())


@given(
    st.text(alphabet=st.sampled_from(list("\\{}\"'`^~=.uvHckrbdiojslaAO %&$#_-tex")), max_size=80)
)
def test_any_markup_gives_text_without_its_braces(text: str) -> None:
    printed = plain_text(text)

    # A brace is printed only where the text escaped one.
    assert printed.count("{") <= text.count("\\{")
    assert printed.count("}") <= text.count("\\}")


@pytest.mark.parametrize("unit", ["\\", '\\"', "{", "\\v ", "\\textit", "-", '\\"{'])
def test_hostile_markup_is_read_in_time_linear_in_its_length(unit: str) -> None:
    started = time.process_time()
    plain_text(unit * 200_000)
    assert time.process_time() - started < 2
