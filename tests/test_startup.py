"""Each command imports only what it needs: `--help` no checker, `lint` no HTTP client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import make_project

# Runs the command line as the console script does, then lists every module it imported.
_LIST_MODULES = """
import json, sys
from claimcheck.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\n" + json.dumps(sorted(sys.modules)) + "\\n")
"""
NEVER_FOR_HELP = (
    "httpx",
    "warcio",
    "pypdf",
    "claimcheck.archive",
    "claimcheck.config",
    "pydantic",
    "rich",
    "ruamel.yaml",
    "bibtexparser",
)
NEVER_FOR_LINT = (
    "httpx",
    "h11",
    "warcio",
    "pypdf",
    "asyncio",
    "urllib.request",
    "charset_normalizer",
    "claimcheck.archive.store",
    "claimcheck.archive.warc",
    "claimcheck.archive.index",
    "claimcheck.archive.wayback",
    "claimcheck.pipeline",
    "claimcheck.linkcheck",
    # The report formats the run does not write, and the quote matcher lint does not run.
    "claimcheck.report.sarif",
    "claimcheck.report.junit",
    "claimcheck.report.github",
    "claimcheck.report.markdown",
    "claimcheck.evidence.match",
    "claimcheck.quotecheck",
)
NEVER_FOR_VERIFY = (
    "pypdf",
    "claimcheck.archive.wayback",
    "claimcheck.load.writeback",
    "claimcheck.archive.reindex",
    "claimcheck.archive.integrity",
    "claimcheck.archive.commands",
    "rich.progress",
)
# The project's own settings, so that the run probes no public host (the target is loopback).
LOOPBACK_SETTINGS = "probe_hosts = []\nretries = 0\ntimeout = 5\n"
REFUSING_BIB = """@online{closed2024,
  title = {A page on a closed port},
  url = {http://127.0.0.1:9/page},
  urldate = {2024-05-01},
}
"""


def imported_by(*args: str, cwd: Path) -> set[str]:
    """The modules `claimcheck ARGS` imports, run in a fresh process in ``cwd``."""
    result = subprocess.run(
        [sys.executable, "-c", _LIST_MODULES, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stderr.splitlines()[-1]))


def loaded(modules: set[str], package: str) -> bool:
    """Whether ``package`` or any module under it is among ``modules``."""
    return any(name == package or name.startswith(package + ".") for name in modules)


def test_help_imports_no_checker_archive_or_models(tmp_path: Path) -> None:
    modules = imported_by("--help", cwd=tmp_path)
    assert "typer" in modules
    assert [package for package in NEVER_FOR_HELP if loaded(modules, package)] == []


@pytest.mark.parametrize("command", ["verify", "lint", "archive", "archive save"])
def test_help_of_a_command_imports_no_checker_or_archive(tmp_path: Path, command: str) -> None:
    modules = imported_by(*command.split(), "--help", cwd=tmp_path)
    # typer itself reads a command's options with pydantic; claimcheck's models stay unloaded.
    unwanted = [package for package in NEVER_FOR_HELP if package != "pydantic"]
    assert [package for package in unwanted if loaded(modules, package)] == []
    assert "claimcheck.models" not in modules


def test_lint_imports_neither_http_client_nor_archive(repo: Path) -> None:
    modules = imported_by("lint", cwd=repo)
    assert "claimcheck.lint" in modules
    assert [package for package in NEVER_FOR_LINT if loaded(modules, package)] == []


def test_verify_imports_the_checker_and_archive_writer_but_no_archive_command(
    tmp_path: Path,
) -> None:
    make_project(tmp_path, bib=REFUSING_BIB, claims="version: 1\nclaims: []\n")
    (tmp_path / "claimcheck.toml").write_text(LOOPBACK_SETTINGS, encoding="utf-8")
    modules = imported_by("verify", "--allow-private", "--fail-on", "never", cwd=tmp_path)
    assert {"httpx", "claimcheck.pipeline", "claimcheck.archive.warc"} <= modules
    assert [package for package in NEVER_FOR_VERIFY if loaded(modules, package)] == []
