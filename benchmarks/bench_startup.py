"""Benchmark: how long `claimcheck --help`, `lint` and `verify --offline` take to start and end.

Each command runs as a fresh process, as a user's install runs it: the console script's own
lines (`from claimcheck.__main__ import main; sys.exit(main())`), with bytecode. The runs write and
read their bytecode in a temporary folder (PYTHONPYCACHEPREFIX; PYTHONDONTWRITEBYTECODE is
unset for them), filled by one untimed run of each command first, so that no run compiles the
source as an editable checkout without bytecode would. Wall and CPU time (user + sys, the
child's own, from os.wait4) are medians of --runs runs. Then each command runs three times more
under `python -X importtime`, and the packages whose imports took longest are listed (their
modules' own times added up, the median of the three; claimcheck's modules one by one).
With --instructions, each command also runs once under valgrind (cachegrind, without its cache
model) and the instructions it executed are printed: a count that stays the same on a busy
machine and a quiet one, where wall time swings by a third on this one.
Beside `lint` it times its floor the same way: a typer command with one option that reads the
bundled references.bib and claims.yaml with the libraries `lint` reads them with
(bibtexparser, ruamel.yaml), into one pydantic model, and prints a line with rich: the design
card's stack doing the least a lint can do, without one line of claimcheck.
Exits 1 when a target is missed: `--help` under 150 ms and `lint` on the bundled example under
300 ms, wall time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What the console script `claimcheck` that pip writes does.
CONSOLE_SCRIPT = (
    "import re, sys; from claimcheck.__main__ import main; "
    "sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0]); sys.exit(main())"
)
# What `lint` cannot go below on this stack: a typer command with one option that reads the
# two files with the libraries lint reads them with, into one pydantic model, and prints with
# rich. No line of claimcheck.
LINT_FLOOR = """
import typer, bibtexparser
from pydantic import BaseModel
from rich.console import Console
from ruamel.yaml import YAML

class Entry(BaseModel):
    key: str

app = typer.Typer()

@app.command()
def lint(bib: str = "references.bib") -> None:
    with open(bib, encoding="utf-8") as text:
        entries = [Entry(key=e.key) for e in bibtexparser.parse_string(text.read()).entries]
    with open("claims.yaml", encoding="utf-8") as claims:
        YAML(typ="safe").load(claims)
    Console().print(f"{len(entries)} references")

app(["--bib", "references.bib"])
"""
TARGETS_MS = {"--help": 150.0, "lint": 300.0}
TOP_IMPORTS = 10
IMPORTTIME_RUNS = 3
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+\d+ \| ( *)(\S+)$")

TINY_BIB = """@online{alpha2024,
  author = {Alpha, Ann},
  title = {A page that was checked once},
  url = {https://example.org/alpha},
  urldate = {2024-05-01},
  year = {2024},
}

@article{beta2023,
  author = {Beta, Bob},
  title = {An article with a DOI},
  journal = {Journal of Examples},
  doi = {10.1000/example.1},
  year = {2023},
}
"""
TINY_CLAIMS = """version: 1
claims:
  - id: alpha-claim
    text: The page says so.
    evidence:
      - source: alpha2024
        quote: says so
"""


@dataclass(frozen=True)
class Command:
    """One command the benchmark runs: its name in the output, arguments, folder, exit codes."""

    name: str
    args: tuple[str, ...]
    folder: Path
    exit_codes: frozenset[int]
    script: str = CONSOLE_SCRIPT


@dataclass(frozen=True)
class Timing:
    """Medians of one command's runs, in milliseconds."""

    wall_ms: float
    cpu_ms: float
    wall_range: tuple[float, float]


def run_once(command: Command, env: dict[str, str], *flags: str) -> tuple[float, float, str]:
    """Run ``command`` once: its wall and CPU time in ms, and what it wrote on stderr."""
    argv = [sys.executable, *flags, "-c", command.script, *command.args]
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, cwd=command.folder, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    if process.returncode not in command.exit_codes:
        raise SystemExit(f"claimcheck {command.name} exited {process.returncode}:\n{errors}")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000, errors


def timings(measured: list[Command], env: dict[str, str], runs: int) -> list[Timing]:
    """Medians of ``runs`` runs of each command, taken in turns: the machine's speed, which
    swings from one minute to the next here, is the same for all of them."""
    walls: list[list[float]] = [[] for _ in measured]
    cpus: list[list[float]] = [[] for _ in measured]
    for _ in range(runs):
        for index, command in enumerate(measured):
            wall, cpu, _ = run_once(command, env)
            walls[index].append(wall)
            cpus[index].append(cpu)
    return [
        Timing(statistics.median(wall), statistics.median(cpu), (min(wall), max(wall)))
        for wall, cpu in zip(walls, cpus, strict=True)
    ]


def heaviest_imports(command: Command, env: dict[str, str]) -> list[tuple[str, float]]:
    """The packages whose imports took longest (ms, median of IMPORTTIME_RUNS runs)."""
    runs: list[dict[str, float]] = []
    for _ in range(IMPORTTIME_RUNS):
        _, _, errors = run_once(command, env, "-X", "importtime")
        totals: dict[str, float] = defaultdict(float)
        for line in errors.splitlines():
            found = _IMPORT_LINE.match(line)
            if found:
                totals[_package(found[3])] += int(found[1]) / 1000
        runs.append(totals)
    names = set().union(*runs)
    medians = {name: statistics.median(run.get(name, 0.0) for run in runs) for name in names}
    return sorted(medians.items(), key=lambda item: -item[1])[:TOP_IMPORTS]


def instructions(command: Command, env: dict[str, str]) -> int:
    """How many instructions one run of ``command`` executes, as valgrind counts them."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("--instructions needs valgrind")
    argv = [
        valgrind,
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        "-c",
        command.script,
        *command.args,
    ]
    done = subprocess.run(
        argv,
        cwd=command.folder,
        env=env,
        stdout=subprocess.DEVNULL,
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    found = _REFS.search(done.stderr)
    if done.returncode not in command.exit_codes or found is None:
        raise SystemExit(f"claimcheck {command.name} under valgrind:\n{done.stderr}")
    return int(found[1].replace(",", ""))


def _package(module: str) -> str:
    """What an import is counted under: its top-level package, or claimcheck's own module."""
    top = module.split(".")[0]
    return module if top == "claimcheck" else top


def child_environment(src: Path, cache: Path) -> dict[str, str]:
    """The environment of every run: ``src`` importable first, bytecode kept under ``cache``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    env["NO_COLOR"] = "1"
    return env


def commands(tiny: Path) -> list[Command]:
    """The commands measured: help, lint on the repository's example, verify offline."""
    (tiny / "references.bib").write_text(TINY_BIB, encoding="utf-8")
    (tiny / "claims.yaml").write_text(TINY_CLAIMS, encoding="utf-8")
    return [
        Command("--help", ("--help",), REPO, frozenset({0})),
        Command("lint", ("lint",), REPO, frozenset({0, 1})),
        Command("lint's floor", (), REPO, frozenset({0}), LINT_FLOOR),
        Command("verify --offline", ("verify", "--offline"), tiny, frozenset({0, 1})),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each command")
    parser.add_argument(
        "--src", type=Path, default=REPO / "src", help="the claimcheck source folder to run"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count the instructions each command executes (needs valgrind)",
    )
    args = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as tiny:
        src = args.src.resolve()
        env = child_environment(src, Path(cache))
        measured = commands(Path(tiny))
        for command in measured:
            run_once(command, env)  # compiles what the command imports, untimed
        load = os.getloadavg()[0]
        shown = src.relative_to(REPO) if src.is_relative_to(REPO) else src
        print(f"claimcheck start-up, median of {args.runs} runs (with bytecode), {shown}")
        cores = os.cpu_count() or 1
        busy = "; the machine is busy, so read CPU time" if load > cores else ""
        print(f"load average {load:.1f} on {cores} cores{busy}")
        print(f"{'command':18s} {'wall ms':>8s} {'range':>13s} {'CPU ms':>7s}  target")
        took_all = timings(measured, env, args.runs)
        for command, took in zip(measured, took_all, strict=True):
            target = TARGETS_MS.get(command.name)
            verdict = "" if command.script is CONSOLE_SCRIPT else "no claimcheck"
            if target is not None:
                met = took.wall_ms <= target
                verdict = f"under {target:.0f} ms: {'met' if met else 'MISSED'}"
                if not met:
                    missed.append(command.name)
            low, high = took.wall_range
            print(
                f"{command.name:18s} {took.wall_ms:8.0f} {low:6.0f}-{high:<6.0f} "
                f"{took.cpu_ms:7.0f}  {verdict}"
            )
        walls = {c.name: took.wall_ms for c, took in zip(measured, took_all, strict=True)}
        above = walls["lint"] - walls["lint's floor"]
        print(f"lint above its floor: {above:.0f} ms")
        if args.instructions:
            print("\ninstructions executed (valgrind, one run each):")
            for command in measured:
                print(f"  {command.name:18s} {instructions(command, env):>15,d}")
        for command in measured:
            if command.script is not CONSOLE_SCRIPT:
                continue
            print(f"\nheaviest imports of `claimcheck {command.name}` (ms, -X importtime):")
            for name, ms in heaviest_imports(command, env):
                print(f"  {ms:6.1f}  {name}")
    if missed:
        print(f"\ntarget missed: {', '.join(missed)}")
        return 1
    print("\ntargets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
