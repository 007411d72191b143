"""verify and lint end to end in the CI formats: --format, --output [FORMAT=]FILE, step summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import make_project
from tests.servers import HostFactory, html_page, status
from tests.test_cli import claimcheck
from tests.test_cli_verify import project
from tests.test_report_formats import JUNIT_SCHEMAS, junit_schema, sarif_errors

# A dead page and an alive one, cited by one project.
BIB = """@online{bbc2023,
  author  = {{BBC}},
  title   = {China trials visa-free travel for six countries},
  url     = {DEAD},
}

@online{alive2024,
  title   = {Still here},
  url     = {ALIVE},
}
"""
CLAIMS = """version: 1
claims:
  - id: visa-free-trial
    text: China began a visa-free trial for six countries.
    evidence:
      - source: bbc2023
        quote: "six countries"
      - source: alive2024
        quote: "six countries"
"""
VERIFY = ("verify", "--allow-private", "--no-cache", "--no-archive")


@pytest.fixture
def dead_page(hosts: HostFactory, tmp_path: Path) -> Path:
    (host,) = hosts(1)
    host.route("/gone", status(404))
    host.route("/here", html_page("Still here", "<p>Visa-free travel for six countries.</p>"))
    folder = project(tmp_path, host.url("/gone"))
    bib = BIB.replace("DEAD", host.url("/gone")).replace("ALIVE", host.url("/here"))
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    return folder


def test_verify_sarif_on_stdout_is_valid_and_points_at_the_dead_url(dead_page: Path) -> None:
    result = claimcheck(*VERIFY, "--format", "sarif", cwd=dead_page)

    assert result.returncode == 1, result.stderr
    assert sarif_errors(result.stdout) == []
    results = json.loads(result.stdout)["runs"][0]["results"]
    dead = next(r for r in results if r["ruleId"] == "CC501")
    where = dead["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "references.bib"
    assert where["region"]["startLine"] == 4
    assert "references.bib:4 CC501" in result.stderr


def test_verify_junit_fails_the_dead_source_and_its_claim(dead_page: Path) -> None:
    result = claimcheck(*VERIFY, "--output", "report.xml", cwd=dead_page)

    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    junit = (dead_page / "report.xml").read_text(encoding="utf-8")
    for schema in JUNIT_SCHEMAS:
        junit_schema(schema).validate(junit)
    assert '<failure type="CC501" message="\'bbc2023\': http' in junit
    assert "is dead (not-found): HTTP 404" in junit
    assert '<testcase name="visa-free-trial" classname="claims"' in junit
    assert '<failure type="CC601" message="claim \'visa-free-trial\' is broken' in junit


def test_several_outputs_at_once_besides_the_terminal_report(dead_page: Path) -> None:
    result = claimcheck(
        *VERIFY,
        "--output",
        "sarif=claimcheck.sarif",
        "-o",
        "markdown=summary.md",
        "-o",
        "junit=junit.xml",
        cwd=dead_page,
    )

    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("claimcheck 1 claims, 2 evidence items")
    assert sarif_errors((dead_page / "claimcheck.sarif").read_text(encoding="utf-8")) == []
    summary = (dead_page / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## claimcheck: 2 errors fail\n")
    assert (dead_page / "junit.xml").exists()


def test_format_github_annotates_and_appends_the_step_summary(
    dead_page: Path, tmp_path: Path
) -> None:
    step_summary = tmp_path / "step_summary.md"
    step_summary.write_text("earlier step\n", encoding="utf-8")

    result = claimcheck(
        *VERIFY, "--format", "github", cwd=dead_page, env={"GITHUB_STEP_SUMMARY": str(step_summary)}
    )

    assert result.returncode == 1, result.stderr
    assert "::error file=references.bib,line=4,title=CC501 source-dead::" in result.stdout
    assert "::error file=claims.yaml,line=3,title=CC601 claim-broken::" in result.stdout
    written = step_summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## claimcheck: 2 errors fail\n")
    assert "### Fails (2)" in written


def test_no_step_summary_is_written_without_the_github_format(
    dead_page: Path, tmp_path: Path
) -> None:
    step_summary = tmp_path / "step_summary.md"
    result = claimcheck(
        *VERIFY, "--format", "json", cwd=dead_page, env={"GITHUB_STEP_SUMMARY": str(step_summary)}
    )
    assert result.returncode == 1
    assert not step_summary.exists()


def test_lint_writes_github_annotations_without_github_actions(repo: Path) -> None:
    result = claimcheck("lint", "--format", "github", cwd=repo, env={"GITHUB_STEP_SUMMARY": ""})
    assert result.returncode == 1
    assert result.stdout.startswith("::notice file=claims.yaml,line=119,col=9,title=CC105")
    assert "::error file=references.bib,line=68,title=CC303 url-markdown-escape::" in result.stdout


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("r.json", '{\n  "schema_version"'),
        ("r.sarif", '{\n  "$schema"'),
        ("r.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>'),
        ("r.md", "## claimcheck: 1 error fails"),
        ("r.txt", "claimcheck 33 claims"),
        ("report", "claimcheck 33 claims"),
    ],
)
def test_a_plain_output_takes_its_format_from_its_extension(
    repo: Path, tmp_path: Path, name: str, starts: str
) -> None:
    result = claimcheck("lint", "--output", str(tmp_path / name), cwd=repo)
    assert result.returncode == 1
    assert result.stdout == ""
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts)


def test_format_wins_over_the_extension_of_a_plain_output(repo: Path, tmp_path: Path) -> None:
    result = claimcheck("lint", "-f", "markdown", "-o", str(tmp_path / "r.json"), cwd=repo)
    assert result.returncode == 1
    assert (tmp_path / "r.json").read_text(encoding="utf-8").startswith("## claimcheck")


def test_a_file_named_with_an_equals_sign_is_written_after_dot_slash(tmp_path: Path) -> None:
    result = claimcheck("lint", "-o", "./a=b.md", cwd=make_project(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (
        (tmp_path / "a=b.md").read_text(encoding="utf-8").startswith("## claimcheck: nothing fails")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "a=b"), "error: --output 'a=b': 'a' is not a format (terminal, json, markdown"),
        (("-o", "sarif="), "error: --output 'sarif=' names no file"),
        (("-o", "x.md", "-o", "markdown=x.md"), "error: --output x.md is given twice"),
        (("--format", "csv"), "'csv' is not one of"),
    ],
)
def test_a_mistaken_output_exits_2_with_one_message_before_the_run(
    repo: Path, args: tuple[str, ...], message: str
) -> None:
    result = claimcheck("verify", "--offline", *args, cwd=repo)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
