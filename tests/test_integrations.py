"""The repository's CI integrations: the pre-commit hooks, action.yml and the README's recipes."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from pre_commit.clientlib import load_manifest
from ruamel.yaml import YAML
from typer import _click
from typer.core import TyperGroup

from claimcheck.cli import app
from claimcheck.report import formats
from tests.helpers import CLEAN_CLAIMS, make_project

REPO = Path(__file__).resolve().parents[1]
# The formats the `formats` branch adds to verify and lint (--format, --output FORMAT=FILE).
# Until it is merged, a call naming one is parsed with json in its place; once formats()
# has them, this set is empty and every call is checked as written.
# What ends one command in a shell line.
SHELL_OPERATORS = {"&&", "||", "|", ";", ">", ">>", "<", "<<<", "&"}
IDENTIFIERS = r"[A-Za-z_][A-Za-z0-9_-]*"


def load_yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml((REPO / "action.yml").read_text(encoding="utf-8"))
    return loaded


def hooks() -> dict[str, dict[str, Any]]:
    """The hooks of .pre-commit-hooks.yaml, read and completed by pre-commit itself."""
    return {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}


def claimcheck_calls(script: str) -> list[list[str]]:
    """The arguments of each `claimcheck` command in a shell script."""
    calls = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words = list(lexer)
        for start, word in enumerate(words):
            if word != "claimcheck":
                continue
            call = []
            for argument in words[start + 1 :]:
                if argument in SHELL_OPERATORS:
                    break
                call.append(argument)
            calls.append(call)
    return calls


def unparsable(arguments: list[str]) -> str | None:
    """Why claimcheck's command line would refuse ``arguments``, or None when it takes them.

    The arguments are parsed by the command they name, as `claimcheck` would, without running
    it; a word the shell fills in (``$VAR``, ``"${list[@]}"``) is left out.
    """
    command: _click.Command = typer.main.get_command(app)
    path = ["claimcheck"]
    words = [word for word in arguments if not word.startswith("$")]
    while isinstance(command, TyperGroup) and words and not words[0].startswith("-"):
        if words[0] not in command.commands:
            return f"no command {' '.join([*path, words[0]])}"
        path.append(words[0])
        command = command.commands[words.pop(0)]
    if isinstance(command, TyperGroup):
        known = {name for param in command.params for name in param.opts}
        unknown = [word for word in words if word.startswith("-") and word not in known]
        return f"no option {unknown[0]} of claimcheck" if unknown else None
    for before, word in zip(["", *words], words, strict=False):
        if before in ("--output", "-o") and "=" in word:
            name = word.split("=", 1)[0]
            if name not in formats():
                return f"--output {word}: no format {name}"
    try:
        command.make_context(" ".join(path), list(words))
    except _click.ClickException as error:
        return f"{' '.join(path)}: {error.format_message()}"
    return None


def step_scripts(steps: list[dict[str, Any]]) -> Iterator[str]:
    for step in steps:
        if "run" in step:
            yield step["run"]


# The checker itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "why"),
    [
        ("claimcheck verify --frobnicate", "claimcheck verify: No such option: --frobnicate"),
        ("claimcheck archive lst", "no command claimcheck archive lst"),
        ("x && claimcheck --versoin", "no option --versoin of claimcheck"),
        ("claimcheck lint --output csv=a.csv", "--output csv=a.csv: no format csv"),
        ("claimcheck rules --format yaml", "claimcheck rules: Invalid value for '--format'"),
    ],
)
def test_the_checker_refuses_what_claimcheck_would_refuse(script: str, why: str) -> None:
    (call,) = claimcheck_calls(script)
    assert why in (unparsable(call) or "")


def test_the_checker_takes_a_script_claimcheck_would_take() -> None:
    script = 'set +e\nclaimcheck verify --all \\\n  -f json "${extra[@]}" > out.json\necho ok'
    calls = claimcheck_calls(script)
    assert calls == [["verify", "--all", "-f", "json", "${extra[@]}"]]
    assert unparsable(calls[0]) is None


# action.yml -------------------------------------------------------------------------------


def test_the_action_calls_only_commands_and_options_that_exist() -> None:
    calls = [
        call
        for script in step_scripts(action()["runs"]["steps"])
        for call in claimcheck_calls(script)
    ]

    assert [call[0] for call in calls] == ["--version", "verify"]
    assert [unparsable(call) for call in calls] == [None, None]


def test_the_action_is_composite_and_names_only_its_own_inputs_and_steps() -> None:
    declared = action()
    steps = declared["runs"]["steps"]
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    ids = {step["id"]: step for step in steps if "id" in step}

    assert declared["runs"]["using"] == "composite"
    assert all("shell" in step for step in steps if "run" in step)
    assert set(re.findall(rf"inputs\.({IDENTIFIERS})", text)) == set(declared["inputs"])
    for step_id, output in re.findall(rf"steps\.({IDENTIFIERS})\.outputs\.({IDENTIFIERS})", text):
        assert f'echo "{output}=' in ids[step_id]["run"], (step_id, output)
    assert all(re.search(r"@v\d+$", step["uses"]) for step in steps if "uses" in step)


def test_the_action_uploads_the_sarif_and_caches_the_project_folder() -> None:
    steps = action()["runs"]["steps"]
    used = {step["uses"].split("@")[0]: step["with"] for step in steps if "uses" in step}
    verify = next(step for step in steps if step.get("id") == "verify")
    (call,) = claimcheck_calls(verify["run"])

    assert "sarif=claimcheck.sarif" in call
    assert 'echo "sarif=$PWD/claimcheck.sarif"' in verify["run"]
    upload = used["github/codeql-action/upload-sarif"]
    assert upload["sarif_file"] == "${{ steps.verify.outputs.sarif }}"
    restore, save = used["actions/cache/restore"], used["actions/cache/save"]
    assert restore["path"] == save["path"] == "${{ inputs.working-directory }}/.claimcheck"
    assert restore["key"] == save["key"]
    assert restore["key"].startswith(restore["restore-keys"].strip())


# .pre-commit-hooks.yaml -------------------------------------------------------------------


def test_the_hooks_are_valid_for_pre_commit_and_call_existing_commands() -> None:
    found = hooks()

    assert set(found) == {"claimcheck-lint", "claimcheck-verify"}
    for hook in found.values():
        (call,) = claimcheck_calls(hook["entry"])
        assert unparsable([*call, *hook["args"]]) is None
        assert hook["pass_filenames"] is False
    assert found["claimcheck-lint"]["stages"] == []
    assert set(found["claimcheck-verify"]["stages"]) == {"pre-push", "manual"}


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("references.bib", True),
        ("paper/chapters.bib", True),
        ("claims.yaml", True),
        ("paper/claims.yaml", True),
        ("claimcheck.toml", True),
        ("README.md", False),
        ("myclaims.yaml", False),
        ("references.bib.orig", False),
    ],
)
def test_the_lint_hook_runs_for_the_project_files_only(path: str, runs: bool) -> None:
    assert bool(re.search(hooks()["claimcheck-lint"]["files"], path)) is runs


ALL = ("--all-files", "--color", "never")


@pytest.mark.slow
def test_pre_commit_installs_the_lint_hook_and_it_fails_on_a_defect(tmp_path: Path) -> None:
    project = tmp_path / "paper"
    project.mkdir()
    bib = """@online{bbc2023,
  title   = {China trials visa-free travel for six countries},
  url     = {https://www.bbc.com/news/world\\_asia-china-67516777},
}
"""
    make_project(project, bib=bib, claims=CLEAN_CLAIMS)
    (project / "notes.md").write_text("not claimcheck's\n", encoding="utf-8")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GIT_", "PRE_COMMIT")) and name != "PYTHONPATH"
    }
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    for git in (["init", "-q"], ["add", "."]):
        subprocess.run(["git", *git], cwd=project, check=True, env=env)

    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "claimcheck-lint", *ALL],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    shown = result.stdout + result.stderr
    assert result.returncode == 1, shown
    assert re.search(r"^claimcheck lint\.+Failed$", shown, flags=re.M), shown
    assert "references.bib:3 CC303" in shown
    assert "Traceback" not in shown


# The README's recipes ---------------------------------------------------------------------


def readme_recipes() -> dict[str, Any]:
    """The YAML blocks of the README's "Using claimcheck in CI", by what each configures."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Using claimcheck in CI\n")
    section = readme[start : readme.index("\n## ", start + 1)]
    blocks = [load_yaml(text) for text in re.findall(r"```yaml\n(.*?)```", section, flags=re.S)]
    kinds = {"jobs": "github", "repos": "pre-commit", "claimcheck": "gitlab"}
    return {kinds[next(key for key in kinds if key in block)]: block for block in blocks}


def test_the_readme_workflow_runs_on_pull_requests_and_weekly_with_the_actions_inputs() -> None:
    workflow = readme_recipes()["github"]
    (job,) = workflow["jobs"].values()
    (step,) = [step for step in job["steps"] if step["uses"].startswith("claimcheck/")]

    assert set(workflow["on"]) >= {"pull_request", "schedule"}
    assert re.fullmatch(r"\d+ \d+ \* \* \d", workflow["on"]["schedule"][0]["cron"])
    assert workflow["permissions"]["security-events"] == "write"
    assert set(step["with"]) <= set(action()["inputs"])
    assert job["steps"][0]["uses"].startswith("actions/checkout@")


def test_the_readme_gitlab_job_reports_the_junit_file_claimcheck_writes() -> None:
    job = readme_recipes()["gitlab"]["claimcheck"]
    calls = [call for line in job["script"] for call in claimcheck_calls(line)]

    assert [unparsable(call) for call in calls] == [None]
    (written,) = [word.split("=", 1)[1] for word in calls[0] if word.startswith("junit=")]
    assert job["artifacts"]["reports"]["junit"] == written
    assert job["artifacts"]["when"] == "always"
    assert job["cache"]["paths"] == [".claimcheck/"]


def test_the_readme_pre_commit_config_names_the_repository_s_hooks() -> None:
    (repository,) = readme_recipes()["pre-commit"]["repos"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    manual = re.search(r"pre-commit run (\S+) --hook-stage (\S+)", readme)

    assert {hook["id"] for hook in repository["hooks"]} == set(hooks())
    assert manual is not None
    assert manual[2] in hooks()[manual[1]]["stages"]
