"""The CI formats (markdown, junit, sarif, github) on the bundled example and on EVERYTHING:
golden files, each opened by what consumes it (JUnit and SARIF by their schemas)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.models import ClaimStatus, QuoteStatus, Reason, Report, SourceStatus
from claimcheck.report import RenderOptions, formats
from claimcheck.report.github import annotation, escape_data, escape_property
from claimcheck.report.markdown import code, text
from claimcheck.report.sarif import FINGERPRINT
from claimcheck.rules import RULES
from claimcheck.severity import Severity
from claimcheck.verify import run
from tests.helpers import OfflineResolver, seed_settings
from tests.reports import EVERYTHING
from tests.test_report import NOW, assert_golden

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
JUNIT_SCHEMAS = ("junit-windyroad.xsd", "junit-10-jenkins-xunit.xsd")
SUFFIX = {
    "terminal": "txt",
    "json": "json",
    "markdown": "md",
    "junit": "junit.xml",
    "sarif": "sarif",
    "github": "github.txt",
}
CI_FORMATS = ("markdown", "junit", "sarif", "github")


@pytest.fixture(scope="module")
def seed_report(in_repo: None, tmp_path_factory: pytest.TempPathFactory) -> Report:
    state = tmp_path_factory.mktemp("state")
    return run(seed_settings(state), now=NOW, resolver=OfflineResolver())


@pytest.fixture(scope="module")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def in_repo(repo_root: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo_root)
        yield


def render(report: Report, fmt: str, **view: Any) -> str:
    return formats()[fmt].render(report, RenderOptions(width=120, **view))


def schema_file(name: str) -> Path:
    """A schema of ../shared/schemas; the test is skipped where it is absent, except in CI."""
    path = SCHEMAS / name
    if not path.is_file() and not os.environ.get("CI"):
        pytest.skip(f"../shared/schemas/{name} is not here")
    return path


@cache
def junit_schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(schema_file(name)))


def sarif_errors(document: str) -> list[str]:
    schema = json.loads(schema_file("sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    return [error.message for error in validator.iter_errors(json.loads(document))]


def test_everything_has_every_status_reason_and_code() -> None:
    claims = EVERYTHING.claims
    assert {s.status for s in EVERYTHING.sources} == set(SourceStatus)
    assert {s.reason for s in EVERYTHING.sources} == set(Reason)
    assert {c.status for c in claims} == set(ClaimStatus)
    quotes = {e.quote_status for c in claims for e in c.evidence if e.quote_status}
    assert quotes == set(QuoteStatus)
    assert {f.code for f in EVERYTHING.findings} == {rule.code for rule in RULES}
    assert {f.severity for f in EVERYTHING.findings} == set(Severity)


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_seed_report_matches_golden_file(seed_report: Report, fmt: str) -> None:
    assert_golden(f"seed-verify.{SUFFIX[fmt]}", render(seed_report, fmt))


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_everything_matches_golden_file(fmt: str) -> None:
    assert_golden(f"everything.{SUFFIX[fmt]}", render(EVERYTHING, fmt))


def test_lint_view_of_the_summary_has_no_claims_or_sources(seed_report: Report) -> None:
    summary = render(seed_report, "markdown", claims=False)
    assert_golden("seed-lint.md", summary)
    assert "All claims" not in summary
    assert "Sources (" not in summary


@pytest.mark.parametrize("schema", JUNIT_SCHEMAS)
@pytest.mark.parametrize("which", ["seed", "everything", "everything-fail-on-info", "empty"])
def test_junit_is_valid_against_both_schemas(seed_report: Report, schema: str, which: str) -> None:
    report = {"seed": seed_report, "empty": _empty(seed_report)}.get(which, EVERYTHING)
    failing = frozenset(Severity) if which.endswith("info") else frozenset({Severity.ERROR})
    junit_schema(schema).validate(render(report, "junit", failing=failing))


def _empty(report: Report) -> Report:
    return report.model_copy(update={"findings": (), "claims": (), "sources": ()})


def test_junit_failures_follow_the_fail_on_policy() -> None:
    errors_only = render(EVERYTHING, "junit")
    warnings_too = render(
        EVERYTHING, "junit", failing=frozenset({Severity.ERROR, Severity.WARNING})
    )
    assert errors_only.count("<failure ") < warnings_too.count("<failure ")
    counts = re.search(r'name="claimcheck.sources" tests="\d+" failures="(\d+)"', errors_only)
    assert counts is not None
    failed = int(counts[1])
    dead = sum(1 for s in EVERYTHING.sources if s.status is SourceStatus.DEAD)
    assert 0 < failed <= dead


def test_junit_failure_carries_the_status_reason_and_detail() -> None:
    junit = render(EVERYTHING, "junit")
    case = junit[junit.index('<testcase name="notfound ') :]
    case = case[: case.index("</testcase>")]
    assert '<failure type="CC501" message="a cited URL or DOI that is gone' in case
    assert "dead (not-found)" in case
    assert "archived copy: https://notfound.example.org/page?x=1&amp;y=2" in case
    assert "\x07" not in junit
    assert "\\x07" in junit


def test_junit_skips_what_was_not_checked() -> None:
    junit = render(EVERYTHING, "junit")
    case = junit[junit.index('<testcase name="networkunreachable ') :]
    assert case.index("<skipped") < case.index("</testcase>")


@pytest.mark.parametrize("which", ["seed", "everything"])
def test_sarif_is_valid_against_the_schema(seed_report: Report, which: str) -> None:
    report = seed_report if which == "seed" else EVERYTHING
    assert sarif_errors(render(report, "sarif")) == []


def test_sarif_has_one_rule_per_code_with_help_and_results_point_at_theirs() -> None:
    run_ = json.loads(render(EVERYTHING, "sarif"))["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [rule.code for rule in RULES]
    assert all(rule["help"]["text"] for rule in rules)
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert (levels["CC501"], levels["CC502"], levels["CC505"]) == ("error", "warning", "note")


def test_sarif_result_stands_at_the_findings_file_line_and_column() -> None:
    results = json.loads(render(EVERYTHING, "sarif"))["runs"][0]["results"]
    broken = next(r for r in results if r["ruleId"] == "CC601")
    where = broken["locations"][0]["physicalLocation"]
    assert where["artifactLocation"] == {"uri": "claims.yaml", "uriBaseId": "%SRCROOT%"}
    assert where["region"] == {"startLine": 10, "startColumn": 5}


def test_sarif_fingerprints_survive_lines_moving_and_differ_between_findings() -> None:
    moved = EVERYTHING.model_copy(
        update={
            "findings": tuple(
                f.model_copy(update={"line": (f.line or 0) + 7}) for f in EVERYTHING.findings
            )
        }
    )

    def prints(report: Report) -> list[str]:
        results = json.loads(render(report, "sarif"))["runs"][0]["results"]
        return [r["partialFingerprints"][FINGERPRINT] for r in results]

    assert prints(moved) == prints(EVERYTHING)
    assert len(set(prints(EVERYTHING))) == len(EVERYTHING.findings)


def test_sarif_fingerprints_tell_two_alike_findings_apart() -> None:
    twice = EVERYTHING.model_copy(update={"findings": EVERYTHING.findings[:1] * 2})
    results = json.loads(render(twice, "sarif"))["runs"][0]["results"]
    assert results[0]["partialFingerprints"] != results[1]["partialFingerprints"]


def test_sarif_paths_are_uri_references() -> None:
    finding = EVERYTHING.findings[0].model_copy(update={"file": "my papers/中文.bib"})
    report = EVERYTHING.model_copy(update={"findings": (finding,)})
    result = json.loads(render(report, "sarif"))["runs"][0]["results"][0]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20papers/%E4%B8%AD%E6%96%87.bib"


def test_github_annotation_has_file_line_column_and_code() -> None:
    finding = next(f for f in EVERYTHING.findings if f.code == "CC601")
    assert annotation(finding).startswith(
        "::error file=claims.yaml,line=10,col=5,title=CC601 claim-broken::a claim whose"
    )
    kinds = {line.split(" ", 1)[0] for line in render(EVERYTHING, "github").splitlines()}
    assert {"::error", "::warning", "::notice"} <= kinds


def test_github_annotations_escape_what_github_reads() -> None:
    finding = EVERYTHING.findings[0].model_copy(
        update={"file": "a,b:c%.bib", "message": "50% done\r\nnext line"}
    )
    line = annotation(finding)
    assert line.startswith("::error file=a%2Cb%3Ac%25.bib,")
    assert "::50%25 done%0D%0Anext line%0Ahint: " in line
    assert "\n" not in line


def _unescape(value: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


# Text a message may hold: printable characters and line breaks (visible() shows the rest).
MESSAGES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"))
    | st.sampled_from("\r\n%,:")
)


@given(MESSAGES)
def test_github_escaping_is_undone_by_githubs_unescaping(value: str) -> None:
    data, prop = escape_data(value), escape_property(value)
    assert not re.search("[\r\n]", data + prop)
    assert not re.search("[,:]", prop)
    assert _unescape(data) == value
    assert _unescape(prop) == value


@given(st.text())
def test_markdown_cell_text_cannot_break_out_of_its_cell(value: str) -> None:
    cell = text(value)
    assert "\n" not in cell
    assert "\r" not in cell
    assert not re.search(r"(?<!\\)\|", cell.replace("\\\\", ""))
    assert "<" not in cell.replace("<br>", "")
    assert ">" not in cell.replace("<br>", "")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
def test_markdown_code_span_holds_any_text(value: str) -> None:
    span = code(value)
    ticks = re.match("`+", span)
    assert ticks is not None
    assert span.endswith(ticks.group())
    assert ticks.group() not in span[len(ticks.group()) : -len(ticks.group())]
    assert not re.search(r"(?<!\\)\|", span)


def test_markdown_puts_failures_before_attention_and_folds_the_rest() -> None:
    summary = render(EVERYTHING, "markdown")
    assert summary.startswith("## claimcheck: 21 errors fail\n")
    fails = summary.index("### Fails (21)")
    attention = summary.index("### Needs attention")
    folded = summary.index("<details>")
    assert fails < attention < folded
    assert "<summary>Sources (46)</summary>" in summary
    assert "&lt;b&gt;tags&lt;/b&gt; &amp; ampersands,<br>new lines" in summary


def test_quiet_markdown_and_github_show_only_what_fails() -> None:
    quiet = render(EVERYTHING, "markdown", quiet=True)
    assert "### Fails" in quiet
    assert "Needs attention" not in quiet
    assert "<details>" not in quiet
    lines = render(EVERYTHING, "github", quiet=True).splitlines()
    assert all(line.startswith("::error ") for line in lines[:-1])


def test_markdown_tables_stop_at_200_rows_and_count_the_rest() -> None:
    many = EVERYTHING.findings[:1] * 250
    summary = render(EVERYTHING.model_copy(update={"findings": many}), "markdown")
    assert summary.count("| `claims.yaml:10:5` | error |") == 200
    assert "and 50 more: the JSON report has every one." in summary
