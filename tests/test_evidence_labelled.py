"""Labelled quotes, from a page's bytes to a verdict: present ones found, near misses missing."""

from __future__ import annotations

import pytest

from claimcheck.archive.text import extract_text
from claimcheck.evidence.match import Verdict, find_quote
from claimcheck.evidence.normalise import normalise
from tests.evidence.labelled import NEAR_MISSES, PRESENT, Case


def verdict(case: Case) -> Verdict:
    extracted = extract_text(case.page.body, case.page.content_type)
    assert extracted.text is not None, extracted.problem
    return find_quote(case.quote, normalise(extracted.text)).verdict


def test_the_labelled_set_is_large_enough() -> None:
    languages = {case.id.split("-")[0] for case in PRESENT}
    assert len(PRESENT) >= 60
    assert len(NEAR_MISSES) >= 25
    assert {"en", "zh", "ja", "ko", "pdf"} <= languages


@pytest.mark.parametrize("case", PRESENT, ids=lambda case: case.id)
def test_present_quote_is_found(case: Case) -> None:
    assert verdict(case) == case.expected


@pytest.mark.parametrize("case", NEAR_MISSES, ids=lambda case: case.id)
def test_near_miss_is_missing(case: Case) -> None:
    assert verdict(case) == case.expected


def test_no_absent_quote_is_reported_found_or_fuzzy() -> None:
    confirmed = [case.id for case in NEAR_MISSES if verdict(case) is not Verdict.MISSING]

    assert confirmed == []
