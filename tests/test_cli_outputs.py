"""Reading --format and each --output [FORMAT=]FILE into where the reports go."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.cli.options import ReportFormat
from claimcheck.cli.outputs import Plan, plan
from claimcheck.errors import ClaimcheckError

FILE_NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="=/\\"),
    min_size=1,
).filter(lambda name: name not in {".", ".."})


def test_nothing_given_is_the_terminal_report_on_stdout() -> None:
    assert plan(None, []) == Plan(stdout=ReportFormat.TERMINAL, files=(), stderr_terminal=False)


def test_another_format_on_stdout_sends_the_terminal_report_to_stderr() -> None:
    assert plan(ReportFormat.SARIF, []).stderr_terminal


def test_named_outputs_come_besides_stdout_and_a_plain_one_instead_of_it() -> None:
    besides = plan(None, ["sarif=a.sarif", "MARKDOWN=b.md"])
    assert besides.stdout is ReportFormat.TERMINAL
    assert besides.files == (
        (ReportFormat.SARIF, Path("a.sarif")),
        (ReportFormat.MARKDOWN, Path("b.md")),
    )
    instead = plan(ReportFormat.JSON, ["report.txt", "junit=j.xml"])
    assert instead.stdout is None
    assert not instead.stderr_terminal
    assert instead.files[0] == (ReportFormat.JSON, Path("report.txt"))


@given(FILE_NAMES, st.sampled_from(list(ReportFormat)))
def test_format_equals_file_names_that_format_and_that_file(name: str, fmt: ReportFormat) -> None:
    assert plan(None, [f"{fmt.value}={name}"]).files == ((fmt, Path(name)),)


@given(FILE_NAMES)
def test_a_value_without_equals_sign_is_a_plain_file(name: str) -> None:
    ((fmt, path),) = plan(None, [name]).files
    assert path == Path(name)
    assert fmt is ReportFormat.TERMINAL or Path(name).suffix.lower() in {
        ".json",
        ".sarif",
        ".xml",
        ".md",
        ".markdown",
    }


@pytest.mark.parametrize("value", ["./a=b", "out/x=y.json", "=x"])
def test_an_equals_sign_after_a_folder_or_first_is_part_of_a_file_name(value: str) -> None:
    ((_, path),) = plan(None, [value]).files
    assert path == Path(value)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["csv=a.csv"], "'csv' is not a format"),
        (["junit="], "names no file"),
        (["a.md", "markdown=./a.md"], "is given twice"),
    ],
)
def test_mistakes_are_errors_with_a_hint(values: list[str], message: str) -> None:
    with pytest.raises(ClaimcheckError, match=message) as raised:
        plan(None, values)
    assert raised.value.hint


@pytest.mark.parametrize(
    "output", ["references.bib", "claims.yaml", "claimcheck.toml", "json=references.bib"]
)
def test_a_report_over_a_file_the_run_reads_is_refused(tmp_path: Path, output: str) -> None:
    from tests.helpers import make_project
    from tests.test_cli import claimcheck

    folder = make_project(tmp_path)
    (folder / "claimcheck.toml").write_text('fail_on = "never"\n', encoding="utf-8")
    before = {name: (folder / name).read_bytes() for name in ("references.bib", "claims.yaml")}

    result = claimcheck("lint", "-o", output, cwd=folder)

    assert result.returncode == 2
    assert "which this run reads" in result.stderr
    assert "Traceback" not in result.stderr
    assert {name: (folder / name).read_bytes() for name in before} == before
    assert (folder / "claimcheck.toml").read_text(encoding="utf-8") == 'fail_on = "never"\n'
