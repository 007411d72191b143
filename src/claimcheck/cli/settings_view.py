"""`claimcheck config`: the effective settings, each with where its value came from."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from claimcheck.config import Loaded, as_given, declared, shown
from claimcheck.visible import visible


def print_settings(loaded: Loaded, *, json_output: bool) -> None:
    """Print each setting's value and origin, after the settings file and project folder."""
    rows = [
        (name, shown(name, getattr(loaded.settings, name)), str(loaded.origins[name]))
        for name in declared()
    ]
    if json_output:
        document = {
            "settings_file": str(loaded.file) if loaded.file else None,
            "project_folder": str(loaded.root),
            "passed_over": [str(path) for path in loaded.passed_over],
            "settings": {name: {"value": value, "from": origin} for name, value, origin in rows},
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
    width = None if sys.stdout.isatty() else 200
    console = Console(highlight=False, no_color="NO_COLOR" in os.environ, width=width)
    here = Path.cwd()
    where = "none (defaults, variables, flags)"
    if loaded.file is not None:
        where = visible(str(as_given(loaded.file, here)))
    console.print(f"settings file: {where}", markup=False)
    console.print(f"project folder: {visible(str(as_given(loaded.root, here)))}", markup=False)
    for path in loaded.passed_over:
        console.print(
            f"note: {visible(str(as_given(path, here)))} is passed over: its folder's "
            "claimcheck.toml is the settings file",
            markup=False,
        )
    table = Table(box=None, pad_edge=False)
    for column in ("setting", "value", "from"):
        table.add_column(column, overflow="fold")
    for name, value, origin in rows:
        if name == "claims" and loaded.settings.claims is None:
            value = "none: bibliography only (no claims.yaml in the project)"
        table.add_row(name, visible(value) or "-", visible(origin))
    console.print(table)
