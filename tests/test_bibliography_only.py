"""Runs without a claims ledger: the bibliography alone is checked, and the report says so."""

from __future__ import annotations

import json
from pathlib import Path

from claimcheck.config import resolve_settings
from tests.helpers import CLEAN_BIB
from tests.servers import HostFactory, html_page
from tests.test_cli import claimcheck
from tests.test_cli_verify import BIB, fast_settings

SUMMARY = "no claims ledger: bibliography only"
UNCITED_BIB = CLEAN_BIB + "@online{second2024, title = {Second}, url = {https://example.org/a}}\n"


def only_bib(folder: Path, bib: str = CLEAN_BIB) -> Path:
    """A project holding a bibliography and no claims ledger."""
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    return folder


def test_lint_of_a_bibliography_alone_says_so_and_reports_no_ledger_rule(tmp_path: Path) -> None:
    result = claimcheck("lint", "--fail-on", "info", cwd=only_bib(tmp_path, UNCITED_BIB))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == (
        f"claimcheck {SUMMARY}; 2 references, 2 sources: no findings; 2 sources not checked"
    )
    assert "CC1" not in result.stdout
    assert result.stderr == ""


def test_lint_of_a_bibliography_alone_still_fails_on_its_own_errors(tmp_path: Path) -> None:
    bib = CLEAN_BIB + CLEAN_BIB  # the key bbc2023 twice: CC201, an error
    result = claimcheck("lint", cwd=only_bib(tmp_path, bib))
    assert result.returncode == 1
    assert "references.bib:8 CC201" in result.stdout
    assert SUMMARY in result.stdout.splitlines()[0]


def test_json_report_of_a_bibliography_alone_has_no_claims_file(tmp_path: Path) -> None:
    result = claimcheck("lint", "--format", "json", cwd=only_bib(tmp_path, UNCITED_BIB))
    report = json.loads(result.stdout)
    assert report["inputs"] == {"bib": ["references.bib"], "claims": None}
    assert report["claims"] == []
    assert report["summary"]["claims"] == 0
    assert not [finding for finding in report["findings"] if finding["code"].startswith("CC1")]


def test_verify_of_a_bibliography_alone_checks_its_sources(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    host.route("/news", html_page("China trials visa-free travel for six countries"))
    fast_settings(only_bib(tmp_path, BIB.replace("URL", host.url("/news"))))
    result = claimcheck("verify", "--allow-private", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["inputs"]["claims"] is None
    assert [source["status"] for source in report["sources"]] == ["alive"]
    terminal = claimcheck("verify", "--allow-private", cwd=tmp_path)
    assert terminal.stdout.startswith(f"claimcheck {SUMMARY}; 1 references, 1 sources")


def test_a_claims_file_named_by_a_flag_that_is_missing_exits_2(tmp_path: Path) -> None:
    result = claimcheck("lint", "--claims", "ledger.yaml", cwd=only_bib(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "error: ledger.yaml: file not found"
    assert result.stdout == ""


def test_a_claims_file_named_in_the_settings_or_environment_that_is_missing_exits_2(
    tmp_path: Path,
) -> None:
    only_bib(tmp_path)
    by_variable = claimcheck("verify", cwd=tmp_path, env={"CLAIMCHECK_CLAIMS": "claims.yaml"})
    assert by_variable.returncode == 2
    assert "claims.yaml: file not found" in by_variable.stderr
    (tmp_path / "claimcheck.toml").write_text('claims = "paper/claims.yaml"\n', encoding="utf-8")
    by_file = claimcheck("lint", cwd=tmp_path)
    assert by_file.returncode == 2
    assert "claims.yaml: file not found" in by_file.stderr


def test_the_default_ledger_is_read_where_it_exists_and_left_out_where_it_does_not(
    tmp_path: Path,
) -> None:
    only_bib(tmp_path)
    assert resolve_settings(tmp_path).settings.claims is None
    (tmp_path / "claims.yaml").write_text("version: 1\nclaims: []\n", encoding="utf-8")
    assert resolve_settings(tmp_path).settings.claims == Path("claims.yaml")
