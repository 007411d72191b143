"""Authors' machines: nothing POSIX-only at start-up, portable file names, supported systems said.

The Windows branches cannot run here; what they depend on is tested through the functions
that choose (the names), and the code is kept so that `mypy --platform win32` accepts it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.archive.names import STEM_LIMIT, body_extension, capture_stem, url_stem
from tests.servers import HostFactory, html_document, page
from tests.test_cli_archive import entry, project, run

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "claimcheck"
PYPROJECT = PACKAGE.parents[1] / "pyproject.toml"
# Standard modules that Windows does not have.
POSIX_MODULES = {"fcntl", "pwd", "grp", "termios", "tty", "pty", "resource", "syslog", "posix"}
# Names of the os module that Windows does not have.
POSIX_OS_NAMES = {
    "O_NOFOLLOW", "O_NONBLOCK", "O_CLOEXEC", "O_DIRECTORY", "O_ACCMODE", "O_SYNC", "O_DSYNC",
    "O_NOCTTY", "getuid", "geteuid", "getgid", "getegid", "getgroups", "chown", "fchown",
    "lchown", "fchmod", "pread", "pwrite", "sync", "fork", "forkpty", "killpg", "getpgid",
    "setsid", "mkfifo", "mknod", "statvfs", "fstatvfs", "sched_getaffinity", "getloadavg",
    "nice", "openpty", "ttyname", "sysconf", "pipe2", "posix_fadvise", "WNOHANG",
}  # fmt: skip
# Windows' reserved device names, its reserved characters, and the longest name it takes.
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in range(10)
}
WINDOWS_RESERVED = set('<>:"/\\|?*') | {chr(n) for n in range(32)}
NAME_LIMIT = 255
T0 = datetime(2026, 12, 2, 9, 30, 5, tzinfo=UTC)


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _platform_guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether ``node`` sits in a branch on the platform (sys.platform, hasattr(os, ...)), or
    after a return on the platform at the head of its function."""
    while node in parents:
        child, node = node, parents[node]
        if isinstance(node, ast.If | ast.IfExp) and _on_platform(node.test):
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and child in node.body:
            heads = node.body[: node.body.index(child)]
            if any(_returns_on_platform(statement) for statement in heads):
                return True
    return False


def _returns_on_platform(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.If)
        and _on_platform(statement.test)
        and isinstance(statement.body[-1], ast.Return)
    )


def _on_platform(test: ast.expr) -> bool:
    text = ast.unparse(test)
    return "sys.platform" in text or "hasattr(os," in text


def _in_function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return True
    return False


def _posix_uses(path: Path) -> list[str]:
    """Where ``path`` imports a POSIX-only module or uses a POSIX-only name of os unguarded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        names: set[str] = set()
        if isinstance(node, ast.Import):
            names = {alias.name.split(".")[0] for alias in node.names} & POSIX_MODULES
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {node.module.split(".")[0]} & POSIX_MODULES
        if names and not (_in_function(node, parents) and _platform_guarded(node, parents)):
            found.append(f"{path.name}:{node.lineno} imports {names}")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in POSIX_OS_NAMES
            and not _platform_guarded(node, parents)
        ):
            found.append(f"{path.name}:{node.lineno} uses os.{node.attr}")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_posix_only_modules_and_names_are_used_only_in_a_branch_on_the_platform(
    path: Path,
) -> None:
    assert _posix_uses(path) == []


def test_the_check_of_posix_only_uses_finds_them(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import fcntl\nimport os, sys\nflags = os.O_NOFOLLOW\n"
        "def f():\n    import pwd\n    if sys.platform != 'win32':\n        import grp\n"
        "        return os.geteuid()\n    return getattr(os, 'O_NOFOLLOW', 0)\n"
        "def g():\n    if sys.platform == 'win32':\n        return 0\n    return os.getuid()\n"
        "def h():\n    os.getuid()\n    if sys.platform == 'win32':\n        return 0\n"
    )
    assert _posix_uses(sample) == [
        "sample.py:1 imports {'fcntl'}",
        "sample.py:3 uses os.O_NOFOLLOW",
        "sample.py:5 imports {'pwd'}",
        "sample.py:15 uses os.getuid",
    ]


# Imported by a module of claimcheck while a command runs, as (importer, module) pairs.
_WATCH = """
import builtins, runpy, sys
posix = set(sys.argv[1].split(","))
seen = set()
real = builtins.__import__
def watched(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__") or ""
    if name.split(".")[0] in posix and importer.startswith("claimcheck"):
        seen.add((importer, name))
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = watched
sys.argv = ["claimcheck", *sys.argv[2:]]
try:
    runpy.run_module("claimcheck", run_name="__main__")
except SystemExit:
    pass
print("POSIX-ONLY", sorted(seen), file=sys.stderr)
"""


@pytest.mark.parametrize("command", [["--help"], ["lint"]])
def test_starting_claimcheck_imports_nothing_posix_only(repo: Path, command: list[str]) -> None:
    watched = subprocess.run(
        [sys.executable, "-c", _WATCH, ",".join(sorted(POSIX_MODULES)), *command],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "POSIX-ONLY []" in watched.stderr, watched.stderr
    assert "Usage" in watched.stdout or "CC303" in watched.stdout, watched.stdout


def _portable(name: str) -> bool:
    """Whether Windows, macOS and Linux all take ``name`` as a file name (Windows' rules)."""
    device = name.split(".")[0].rstrip(" ").upper()
    return (
        0 < len(name.encode("utf-8")) <= NAME_LIMIT
        and name not in {".", ".."}
        and not set(name) & WINDOWS_RESERVED
        and not name.endswith((".", " "))
        and device not in WINDOWS_DEVICES
    )


@given(url=st.text(), content_type=st.none() | st.text(max_size=40))
def test_every_name_made_from_any_url_is_valid_on_every_system(
    url: str, content_type: str | None
) -> None:
    stem = capture_stem(url, T0)
    for name in (f"{stem}{body_extension(content_type)}", f"{stem}.text.txt", f"{stem}.json"):
        assert _portable(name), name
    assert _portable(url_stem(url))
    assert len(url_stem(url)) <= STEM_LIMIT


@given(
    host=st.sampled_from(sorted(WINDOWS_DEVICES)).map(str.lower) | st.from_regex(r"[a-z.]{0,12}"),
    path=st.lists(st.sampled_from(["con", "Nul.txt", "a", ".", "..", "x?y", ":", " "])),
)
def test_names_from_urls_made_of_reserved_parts_are_valid_on_every_system(
    host: str, path: list[str]
) -> None:
    url = f"https://{host}/{'/'.join(path)}"
    assert _portable(url_stem(url)), url
    assert _portable(f"{url_stem(url)}.json")


@pytest.mark.parametrize(
    ("url", "stem"),
    [
        ("https://con.example/", "_con.example"),
        ("http://nul/", "_nul"),
        ("https://example.org/a/b.html", "example.org_a_b.html"),
        ("https://example.org/dots.../", "example.org_dots"),
        ("http://[::1", "http_1"),
        ("https://example.org/ä?q=1", "example.org"),
    ],
)
def test_a_name_from_a_url_keeps_its_host_and_path_in_safe_characters(url: str, stem: str) -> None:
    assert url_stem(url) == stem


def test_two_long_urls_alike_to_the_limit_get_different_names() -> None:
    head = "https://example.org/" + "a" * 200
    first, second = url_stem(head + "/1"), url_stem(head + "/2")
    assert first != second
    assert len(first) == len(second) == STEM_LIMIT
    assert first.startswith("example.org_aaaa")


def test_an_exported_capture_of_a_url_with_reserved_characters_has_portable_names(
    hosts: HostFactory, tmp_path: Path
) -> None:
    (host,) = hosts(1)
    awkward = "/CON/a:b*c%3F/" + "long" * 40 + "."
    host.route(awkward, page(html_document("Odd", "<p>An odd address.</p>").encode()))
    folder = project(tmp_path, entry("odd2024", host.url(awkward)))
    run("archive", "save", cwd=folder)

    run("archive", "export", "odd2024", "--to", str(tmp_path / "out"), cwd=folder)

    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert len(names) == 3, names
    assert all(_portable(name) for name in names), names
    assert {name.rsplit("-", 1)[0] for name in names} == {names[0].rsplit("-", 1)[0]}


def test_the_package_says_which_systems_and_pythons_it_supports() -> None:
    project_table = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]
    classifiers = set(project_table["classifiers"])
    assert {
        "Operating System :: Microsoft :: Windows",
        "Operating System :: MacOS",
        "Operating System :: POSIX :: Linux",
    } <= classifiers
    oldest = project_table["requires-python"].removeprefix(">=")
    versions = sorted(
        c.rsplit(":: ", 1)[1]
        for c in classifiers
        if c.startswith("Programming Language :: Python :: 3.")
    )
    assert versions[0] == oldest
    assert {"3.11", "3.12", "3.13"} <= set(versions)
