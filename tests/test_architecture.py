"""Data flows one way: lower layers never import upper ones, and only the edges use typer/rich."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "claimcheck"
UI_LIBRARIES = {"typer", "rich", "click"}
UI_MODULES = {"cli", "report", "progress"}
# Each layer and the layers it must not import.
UPPER = {
    "verify",
    "linkcheck",
    "quotecheck",
    "project",
    "report",
    "cli",
    "config",
    "pipeline",
    "progress",
    "review",
}
FORBIDDEN = {
    "severity": {"models", "load", "lint", "check", "archive", "statefiles", "rules", *UPPER},
    "models": {"load", "lint", "check", *UPPER},
    "sourcetable": {"load", "lint", "check", "archive", "evidence", *UPPER},
    "check": UPPER | {"archive", "evidence"},
    # The archive's own modules, and (archive/commands.py) the archive commands' work, which
    # runs the checks of a project like verify does: a layer of its own, above them.
    "archive": UPPER | {"archive.commands", "evidence"},
    "pipeline": UPPER - {"pipeline"},
    # Evidence: quotes matched in texts, claims judged; it reads the archive, never runs checks.
    "evidence": UPPER | {"archive.commands", "lint"},
    "quotecheck": {"verify", "report", "cli", "archive.commands", "linkcheck", "progress"},
    "load": {"lint", "verify", "report", "cli", "config", "linkcheck", "project"},
    "identifiers": {"load", "lint", "verify", "report", "cli", "config", "linkcheck", "project"},
    "charsets": {"load", "lint", "check", "archive", *UPPER},
    "iri": {"models", "identifiers", "charsets", "load", "lint", "check", "archive", *UPPER},
    "spool": {"load", "lint", "check", "archive", *UPPER},
    "lint": {"verify", "report", "cli", "config", "linkcheck", "project"},
    "verify": {"report", "cli", "archive.commands"},
    "linkcheck": {"verify", "report", "cli", "archive.commands", "progress"},
    "project": {"verify", "linkcheck", "report", "cli", "archive.commands", "pipeline", "progress"},
    "archive.commands": {"report", "cli"},
    "report": {
        "cli",
        "verify",
        "load",
        "lint",
        "archive.commands",
        "linkcheck",
        "project",
        "review",
    },
    # The review page's extras: read from the project's database beside a report, never made.
    "review": {"cli", "verify", "linkcheck", "pipeline", "progress", "archive.commands", "load"},
    "config": {
        "verify",
        "linkcheck",
        "project",
        "report",
        "cli",
        "pipeline",
        "progress",
        "archive.commands",
    },
    "progress": {"cli", "report", "verify", "archive.commands", "linkcheck", "project"},
    "errors": {"load", "lint", "check", "archive", "statefiles", *UPPER},
    "rules": {"load", "lint", "check", "archive", "statefiles", *UPPER},
    "listings": {"load", "lint", "check", "archive", "statefiles", *UPPER},
    "schemas": {"cli", "report", "verify", "archive.commands", "pipeline", "linkcheck", "project"},
    "statefiles": {"load", "lint", "check", "archive", *UPPER},
    "suffixes": {"models", "load", "lint", "check", "archive", "statefiles", *UPPER},
    "setting": {"models", "load", "lint", "check", "archive", "statefiles", *UPPER},
    "visible": {"models", "load", "lint", "check", "archive", "statefiles", *UPPER},
    # Quote matching: pure functions of text (see test_evidence_matching_is_pure).
}
# The pure modules of the evidence layer, which import no other part of claimcheck.
PURE_EVIDENCE = ("normalise.py", "critical.py", "match.py")
# The command line and the package's own entry points may import anything.
TOP = {"cli", "__init__", "__main__"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


SUBLAYERS = {"archive/commands.py": "archive.commands"}


def layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return SUBLAYERS.get(relative.as_posix(), relative.parts[0].removesuffix(".py"))


def layer_of(module: str) -> str:
    """The layer of an imported module's name (``claimcheck.archive.commands``)."""
    relative = module.removeprefix("claimcheck.").replace(".", "/")
    return SUBLAYERS.get(relative + ".py", relative.split("/")[0])


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_respects_the_layers(path: Path) -> None:
    names = imported(path)
    tops = {name.split(".")[0] for name in names}
    if layer(path) not in UI_MODULES:
        assert not tops & UI_LIBRARIES, f"{path.name} imports {tops & UI_LIBRARIES}"
    own = {layer_of(name) for name in names if name.startswith("claimcheck.")}
    assert not own & FORBIDDEN.get(layer(path), set())


@pytest.mark.parametrize("name", PURE_EVIDENCE)
def test_evidence_matching_is_pure(name: str) -> None:
    names = imported(PACKAGE / "evidence" / name)
    own = {name for name in names if name.startswith("claimcheck")}
    assert own <= {"claimcheck.evidence.normalise", "claimcheck.evidence.critical"}


def test_every_layer_has_its_rule() -> None:
    layers = {layer(path) for path in modules()}
    assert layers - set(FORBIDDEN) - TOP == set()


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_opens_with_a_one_line_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring, f"{path.name} has no docstring"
    assert "\n" not in docstring.strip().split("\n\n")[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_at_load(path: Path) -> set[str]:
    """The claimcheck modules ``path`` imports as it is loaded: its module-level imports,
    not those inside functions (made when called) or under ``if TYPE_CHECKING:``."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name == "claimcheck" or name.startswith("claimcheck.")}


def import_cycles() -> list[list[str]]:
    """Every cycle of module-level imports among claimcheck's modules, as found by a walk."""
    known = {module_name(path): path for path in modules()}
    graph = {
        name: sorted(target for target in imported_at_load(path) if target in known)
        for name, path in known.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in graph[name]:
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])
    return cycles


def test_no_module_imports_itself_through_others() -> None:
    assert import_cycles() == []


def test_the_cycle_check_finds_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "claimcheck"
    package.mkdir()
    (package / "__init__.py").write_text('"""A package."""\n', encoding="utf-8")
    (package / "a.py").write_text('"""A."""\nfrom claimcheck import b\n', encoding="utf-8")
    (package / "b.py").write_text('"""B."""\nimport claimcheck.a\n', encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", package)

    assert import_cycles() == [["claimcheck.a", "claimcheck.b", "claimcheck.a"]]
