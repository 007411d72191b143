"""The command line as a user meets it: exit codes, streams, formats and error messages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CLEAN_BIB, CLEAN_CLAIMS, make_project, run_on_terminal


def claimcheck(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m claimcheck`` as a separate process, as a user or CI would."""
    return subprocess.run(
        [sys.executable, "-m", "claimcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_lint_of_the_bundled_example_fails_the_policy_for_its_escaped_url(repo: Path) -> None:
    result = claimcheck("lint", cwd=repo)
    assert result.returncode == 1
    assert "references.bib:68 CC303" in result.stdout
    assert "1 error" in result.stdout
    assert "9 sources not checked" in result.stdout
    assert result.stderr == ""


def test_clean_project_exits_0(tmp_path: Path) -> None:
    make_project(tmp_path)
    result = claimcheck("lint", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "no findings" in result.stdout


def test_warnings_pass_by_default_and_fail_with_fail_on_warning(tmp_path: Path) -> None:
    make_project(tmp_path, bib=CLEAN_BIB + "@article{unused2020, title = {Unused}}\n")
    assert claimcheck("lint", cwd=tmp_path).returncode == 0
    assert claimcheck("lint", "--fail-on", "warning", cwd=tmp_path).returncode == 1


def test_fail_on_never_exits_0_despite_errors(repo: Path) -> None:
    assert claimcheck("lint", "--fail-on", "never", cwd=repo).returncode == 0


def test_ignored_code_is_left_out_and_counted(repo: Path) -> None:
    result = claimcheck("lint", "--ignore", "CC303", "--ignore", "nothing-to-check", cwd=repo)
    assert result.returncode == 0
    assert "CC303" not in result.stdout
    assert "CC207" not in result.stdout
    assert "(13 ignored)" in result.stdout


def test_unknown_ignore_code_is_a_usage_error(repo: Path) -> None:
    result = claimcheck("verify", "--ignore", "CC999", cwd=repo)
    assert result.returncode == 2
    assert "unknown finding code 'CC999'" in result.stderr


def test_missing_bibliography_exits_2_with_path_and_hint_and_no_traceback(tmp_path: Path) -> None:
    make_project(tmp_path)
    result = claimcheck("verify", "--bib", "nope.bib", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "error: nope.bib: file not found"
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_invalid_ledger_lists_every_problem_in_file_order(tmp_path: Path) -> None:
    claims = CLEAN_CLAIMS.replace('quote: "six countries"', "qoute: six\n        stance: proves")
    make_project(tmp_path, claims=claims)
    result = claimcheck("verify", cwd=tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: claims.yaml:8:9: claim 'visa-free-trial', evidence[0].qoute: unknown field",
        "error: claims.yaml:9:17: claim 'visa-free-trial', evidence[0].stance: "
        "Input should be 'supports', 'contextualizes' or 'refutes'",
    ]
    assert "Traceback" not in result.stderr


def test_alias_bomb_ledger_ends_quickly_with_exit_2(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    make_project(tmp_path, claims="\n".join(lines) + "\n")
    result = claimcheck("verify", cwd=tmp_path)
    assert result.returncode == 2
    assert "alias bomb" in result.stderr


def test_unparseable_entry_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    make_project(tmp_path, bib=CLEAN_BIB + "@article{broken, title = {no end\n")
    result = claimcheck("lint", cwd=tmp_path)
    assert result.returncode == 1
    assert "references.bib:8 CC204 entry 'broken' cannot be parsed" in result.stdout


def test_json_report_goes_to_stdout_and_the_terminal_report_to_stderr(repo: Path) -> None:
    result = claimcheck("lint", "--format", "json", cwd=repo)
    report = json.loads(result.stdout)
    assert report["schema_version"] == "2"
    assert report["summary"]["findings"]["error"] == 1
    assert len(report["claims"]) == 33
    assert result.stderr.startswith("claimcheck 33 claims")
    assert "references.bib:68 CC303" in result.stderr


def test_output_writes_the_report_to_a_file_and_nothing_to_stdout(
    repo: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.json"
    result = claimcheck("lint", "--format", "json", "--output", str(target), cwd=repo)
    assert result.returncode == 1
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["inputs"]["bib"] == ["references.bib"]


def test_output_into_a_missing_folder_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    result = claimcheck("lint", "--output", str(tmp_path / "no" / "r.txt"), cwd=repo)
    assert result.returncode == 2
    assert "cannot write" in result.stderr


def test_lint_prints_findings_without_the_sources_and_claims_tables(repo: Path) -> None:
    result = claimcheck("lint", cwd=repo)
    assert result.returncode == 1
    assert "CC303" in result.stdout
    assert "Claims (" not in result.stdout


def test_unknown_option_is_a_usage_error(repo: Path) -> None:
    assert claimcheck("verify", "--frobnicate", cwd=repo).returncode == 2


def test_version_names_the_tool(repo: Path) -> None:
    result = claimcheck("--version", cwd=repo)
    assert result.stdout.startswith("claimcheck ")


def test_rules_lists_every_code_as_json(repo: Path) -> None:
    rows = json.loads(claimcheck("rules", "--format", "json", cwd=repo).stdout)["rules"]
    assert {"code": "CC303", "name": "url-markdown-escape"}.items() <= rows[
        [row["code"] for row in rows].index("CC303")
    ].items()


def test_encoding_flag_reads_a_latin1_bibliography(tmp_path: Path) -> None:
    make_project(tmp_path)
    bib = CLEAN_BIB.replace("six countries", "six pays d'Europe: Genève")
    (tmp_path / "references.bib").write_bytes(bib.encode("latin-1"))
    result = claimcheck("lint", "--encoding", "latin-1", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no findings" not in result.stdout
    assert json.loads(result.stdout)["summary"]["references"] == 1


@pytest.mark.parametrize(
    ("no_color", "coloured"), [(False, True), (True, False)], ids=["terminal", "NO_COLOR"]
)
def test_colour_only_on_a_terminal_without_no_color(
    repo: Path, no_color: bool, coloured: bool
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env["TERM"] = "xterm-256color"
    if no_color:
        env["NO_COLOR"] = "1"
    output = run_on_terminal(["lint"], repo, env, stream="stdout")
    assert "CC303" in output
    assert ("\x1b[" in output) is coloured


def test_piped_output_has_no_colour(repo: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    result = subprocess.run(
        [sys.executable, "-m", "claimcheck", "lint"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**env, "TERM": "xterm-256color"},
        check=False,
    )
    assert "\x1b[" not in result.stdout


# As real exports write them: a DOI in braces (Web of Science) with an escaped underscore, a
# person's name in double braces (BibDesk, Zotero), chapters citing their book's page.
EXPORTED_BIB = r"""@article{wos,
  title = {Libraries},
  doi = {{10.1300/J010v41n03\_01}},
}
@online{vlaeminck,
  author = {{Sven Vlaeminck}},
  title = {Research data},
  url = {https://openeconomics.net/resource/research-data},
}
@collection{complexities,
  title = {Complexities},
  url = {http://books.google.com/books?id=s063rYEYNUIC},
}
@incollection{mol,
  title = {An Introduction},
  booktitle = {{Complexities}},
  url = {http://books.google.com/books?id=s063rYEYNUIC},
}
"""


def test_lint_of_real_export_habits_finds_nothing_but_unused_references(tmp_path: Path) -> None:
    make_project(tmp_path, bib=EXPORTED_BIB, claims="version: 1\nclaims: []\n")

    result = claimcheck("lint", "--format", "json", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert {(f["code"], f["subject"]) for f in findings} == {
        ("CC102", key) for key in ("wos", "vlaeminck", "complexities", "mol")
    }


@pytest.mark.parametrize(
    "command",
    [
        ["schema"],
        ["archive", "show"],
        ["archive", "export"],
        ["verify"],
        ["lint"],
        ["config"],
        ["archive", "save"],
        ["archive", "prune"],
    ],
    ids=" ".join,
)
def test_help_names_arguments_by_readable_placeholders(command: list[str], tmp_path: Path) -> None:
    shown = claimcheck(*command, "--help", cwd=tmp_path)

    assert shown.returncode == 0
    usage = shown.stdout.splitlines()[0]
    assert not re.search(r"\{[A-Za-z_]+\}", usage), usage
    assert "<str>" not in shown.stdout
    if command == ["schema"]:
        assert usage.endswith("[OPTIONS] WHICH")
    if command[-1] in ("show", "export"):
        assert usage.endswith("KEY_OR_URL")


TOP_LEVEL = ["verify", "export", "lint", "config", "rules", "schema", "archive"]


@pytest.mark.parametrize("command", TOP_LEVEL)
def test_a_command_run_alone_has_the_help_it_has_in_the_whole_app(
    command: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from claimcheck.cli.app import app

    whole = CliRunner().invoke(app, [command, "--help"], prog_name="claimcheck", color=False)
    alone = claimcheck(command, "--help", cwd=tmp_path, env={"COLUMNS": "80"})

    assert alone.returncode == whole.exit_code == 0
    assert alone.stdout.replace("python -m claimcheck", "claimcheck") == whole.stdout


def test_the_whole_app_lists_every_command_and_a_misspelt_one_gets_a_suggestion(
    tmp_path: Path,
) -> None:
    listed = claimcheck("--help", cwd=tmp_path)
    misspelt = claimcheck("lnt", cwd=tmp_path)

    assert all(f"  {command} " in listed.stdout for command in TOP_LEVEL)
    assert misspelt.returncode == 2
    assert "No such command 'lnt'. Did you mean 'lint'?" in misspelt.stderr
