"""--color auto|always|never, NO_COLOR and FORCE_COLOR; --quiet against --verbose."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.cli.common import ColorChoice, colour
from tests.helpers import make_project, run_on_terminal


@pytest.mark.parametrize(
    ("choice", "env", "coloured"),
    [
        ("auto", {}, False),
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {"FORCE_COLOR": ""}, False),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ("always", {"NO_COLOR": "1"}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_in_a_pipe_follows_the_flag_then_the_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    choice: str,
    env: dict[str, str],
    coloured: bool,
) -> None:
    monkeypatch.chdir(make_project(tmp_path))
    for name in ("FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    result = CliRunner().invoke(app, ["lint", "--color", choice])

    assert result.exit_code == 0, result.stderr
    assert ("\x1b[" in result.stdout) is coloured


def test_auto_colours_a_terminal_unless_no_color_is_set(tmp_path: Path) -> None:
    make_project(tmp_path)
    clean = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "NO_COLOR"}}

    on_terminal = run_on_terminal(["lint"], tmp_path, clean, stream="stdout")
    no_color = run_on_terminal(["lint"], tmp_path, {**clean, "NO_COLOR": "1"}, stream="stdout")

    assert "\x1b[1mclaimcheck" in on_terminal
    assert "\x1b[" not in no_color


def test_report_written_to_a_file_is_not_coloured_by_force_color(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")

    assert colour(ColorChoice.AUTO, tmp_path / "report.txt") is False
    assert colour(ColorChoice.ALWAYS, tmp_path / "report.txt") is True


def test_quiet_and_verbose_together_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(make_project(tmp_path))

    result = CliRunner().invoke(app, ["verify", "-q", "-v", "--offline"])

    assert result.exit_code == 2
    assert "--quiet and --verbose" in result.stderr


def test_quiet_lint_of_a_clean_project_prints_the_summary_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_project(tmp_path))

    result = CliRunner().invoke(app, ["lint", "--quiet"])

    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("claimcheck 1 claims")


@pytest.mark.parametrize(("choice", "coloured"), [("always", True), ("never", False)])
def test_rules_follow_the_colour_flag(choice: str, coloured: bool) -> None:
    listed = CliRunner().invoke(app, ["rules", "--color", choice])

    assert listed.exit_code == 0
    assert ("\x1b[" in listed.stdout) is coloured
    assert "CC101" in listed.stdout
