"""The README is the manual: its generated blocks are current and its commands are CI's."""

from __future__ import annotations

from pathlib import Path

import pytest
from cogapp import Cog


@pytest.mark.parametrize("generated", ["README.md", "src/claimcheck/cli/flag_table.py"])
def test_generated_blocks_are_up_to_date(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], generated: str
) -> None:
    monkeypatch.chdir(repo)
    status = Cog().main(["cog", "--check", generated])
    assert status == 0, f"{generated} is out of date: run `cog -r {generated}`\n" + str(
        capsys.readouterr()
    )


@pytest.mark.parametrize(
    "command",
    ["pip install . && claimcheck verify", "pip install -e '.[test]' && pytest"],
)
def test_quick_start_commands_are_the_ones_ci_runs(repo: Path, command: str) -> None:
    readme = (repo / "README.md").read_text(encoding="utf-8")
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    assert f"```console\n{command}\n```" in readme
    install = command.split(" && ")[0]
    assert f"\n{install}" in ci or f"{install} &&" in ci


def test_the_layout_names_every_module(repo: Path) -> None:
    readme = (repo / "README.md").read_text(encoding="utf-8")
    development = readme[readme.index("## Development") :]
    package = repo / "src" / "claimcheck"
    unnamed = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name not in ("__init__.py", "__main__.py")
        and f"`{path.name}`" not in development
        and f"/{path.name}`" not in development
    ]
    assert unnamed == []
