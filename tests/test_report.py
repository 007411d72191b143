"""Every output format of the bundled example's report, against golden files."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimcheck.models import Report
from claimcheck.report import RenderOptions, formats
from claimcheck.verify import run
from tests.helpers import OfflineResolver, seed_settings

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def seed_report(repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Report:
    monkeypatch.chdir(repo)
    return run(seed_settings(tmp_path / "state"), now=NOW, resolver=OfflineResolver())


def assert_golden(name: str, text: str) -> None:
    """Compare ``text`` with golden/``name``; UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("fmt", "suffix"), [("terminal", "txt"), ("json", "json")])
def test_seed_report_matches_golden_file(seed_report: Report, fmt: str, suffix: str) -> None:
    text = formats()[fmt].render(seed_report, RenderOptions(color=False, width=120))
    assert_golden(f"seed-verify.{suffix}", text)


def test_lint_view_leaves_out_sources_and_claims(seed_report: Report) -> None:
    text = formats()["terminal"].render(seed_report, RenderOptions(width=120, claims=False))
    assert_golden("seed-lint.txt", text)


def test_colour_option_adds_ansi_styles_and_keeps_the_words(seed_report: Report) -> None:
    plain = formats()["terminal"].render(seed_report, RenderOptions(color=False, width=120))
    coloured = formats()["terminal"].render(seed_report, RenderOptions(color=True, width=120))
    assert "\x1b[" not in plain
    assert "\x1b[1;31m" in coloured
    assert "url-markdown-escape" in coloured


def test_a_rules_hint_is_shown_once_per_group(seed_report: Report) -> None:
    text = formats()["terminal"].render(seed_report, RenderOptions(width=120))
    assert text.count("hint: add a url, doi or file field") == 1
    assert text.count("CC207") == 12


def test_json_report_round_trips_through_the_model(seed_report: Report) -> None:
    text = formats()["json"].render(seed_report, RenderOptions())
    assert Report.model_validate_json(text) == seed_report
