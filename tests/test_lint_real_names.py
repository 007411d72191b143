"""CC406 on the real names of organisations and the sites they publish on: a site's name is
the organisation's when it abbreviates it as people do (nytimes, apnews, cdc, fmprc)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.lint import organisation_matches_host
from tests.helpers import make_project
from tests.test_cli import claimcheck
from tests.test_lint import bib_findings, claims_yaml, web_page

OWN_SITES = {
    "nyt": ("The New York Times", "https://www.nytimes.com/2024/01/02/world/asia/china-visa.html"),
    "ap": ("Associated Press", "https://apnews.com/article/china-visa-free-abc123"),
    "lat": ("Los Angeles Times", "https://www.latimes.com/world-nation/story/2024-01-02/x"),
    "cdc": ("Centers for Disease Control and Prevention", "https://www.cdc.gov/covid/index.html"),
    "fda": ("U.S. Food and Drug Administration", "https://www.fda.gov/news-events/x"),
    "fred": ("Federal Reserve Bank of St. Louis", "https://fred.stlouisfed.org/series/GDP"),
    "mfa": (
        "Ministry of Foreign Affairs of the People's Republic of China",
        "https://www.fmprc.gov.cn/eng/xw/",
    ),
    "mfa-prc": ("Ministry of Foreign Affairs of the PRC", "https://www.fmprc.gov.cn/eng/zy/"),
}


@pytest.mark.parametrize("key", sorted(OWN_SITES))
def test_organisation_page_on_its_own_site_under_an_abbreviated_name_is_fine(
    tmp_path: Path, key: str
) -> None:
    name, url = OWN_SITES[key]
    assert bib_findings(tmp_path, web_page(author=f"{{{name}}}", url=url)) == []


def test_a_site_abbreviates_a_name_by_a_word_of_it_or_most_of_its_initials() -> None:
    pairs = {
        # whole words, initials and starts of words, in any order, small words left out
        ("The New York Times", "www.nytimes.com"): True,
        ("Federal Reserve Bank of St. Louis", "fred.stlouisfed.org"): True,
        ("Ministry of Foreign Affairs of the Republic of Korea", "www.mofa.go.kr"): True,
        ("The Lancet", "www.thelancet.com"): True,
        ("Xinhua", "www.xinhuanet.com"): True,
        ("United Nations", "www.un.org"): True,
        ("People's Daily Online", "en.people.cn"): True,
        # a letter or two of a long name, or another organisation's name, is no abbreviation
        ("Xinhua", "en.people.cn"): False,
        ("Xinhua", "x.com"): False,
        ("European Environment Agency", "en.people.cn"): False,
        ("Ministry of Foreign Affairs of the People's Republic of China", "www.cfr.org"): False,
        ("Human Rights Watch", "www.theguardian.com"): False,
        ("Los Angeles Times", "www.nytimes.com"): False,
        ("Centers for Disease Control and Prevention", "www.fda.gov"): False,
    }
    assert {pair: organisation_matches_host(*pair) for pair in pairs} == pairs


def test_lint_reports_no_organisation_on_its_own_site_but_still_a_syndicated_copy(
    tmp_path: Path,
) -> None:
    pages = {**OWN_SITES, "xinhua": ("Xinhua", "http://en.people.cn/n3/2024/0531/c90000.html")}
    bib = "".join(
        web_page(key, author=f"{{{name}}}", url=url) for key, (name, url) in pages.items()
    )
    make_project(tmp_path, bib=bib, claims=claims_yaml(*pages))
    result = claimcheck("lint", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["subject"]) for f in findings] == [("CC406", "xinhua")]
