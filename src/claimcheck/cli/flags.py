"""A flag for each setting, made from its declaration: nothing about a setting is typed twice.

The flags' names, types and help come from `flag_table.py`, which cog writes from the
settings' declarations (``cog -r src/claimcheck/cli/flag_table.py``; a test fails when it is
stale): a command's --help then needs typer alone, not the settings' models.
"""

from __future__ import annotations

import functools
import inspect
import signal
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from claimcheck.cli.flag_table import FLAGS, Declared
from claimcheck.cli.options import EXIT_SIGNALLED, ConfigOption
from claimcheck.severity import FailOn

if TYPE_CHECKING:
    from claimcheck.config import Loaded, Settings

R = TypeVar("R")
_TYPES: dict[str, Any] = {
    "int": int,
    "float": float,
    "str": str,
    "path": Path,
    "bool": bool,
    "list": list[str],
    "paths": list[Path],
    "duration": str,
    "severity": FailOn,
}


def with_settings(
    command: str, load: Callable[[dict[str, object], Path | None], Any]
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Give the decorated command a flag for each setting ``command`` takes, and --config.

    The command itself takes ``settings`` instead of those: what ``load`` makes of the flags
    given (None where a flag is left out) and the --config file.
    """

    def decorate(function: Callable[..., R]) -> Callable[..., R]:
        # ``settings`` is annotated for mypy alone (its type is not imported at run time).
        own = [
            parameter.replace(annotation=_evaluated(parameter.annotation, function))
            for parameter in inspect.signature(function).parameters.values()
            if parameter.name != "settings"
        ]
        flags = [
            _parameter(name, declared)
            for name, declared in FLAGS.items()
            if command in declared.commands
        ]
        config = inspect.Parameter(
            "config", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ConfigOption
        )
        names = [parameter.name for parameter in flags]

        @functools.wraps(function)
        def run(**given: Any) -> R:
            values = {name: _as_setting(given.pop(name)) for name in names}
            try:
                return function(settings=load(values, given.pop("config")), **given)
            except KeyboardInterrupt:
                # Before the command's own handling (while it loads what it runs): one line,
                # and the shell's code for Ctrl-C, where typer would exit 130 in silence.
                sys.stderr.write("claimcheck: interrupted\n")
                raise typer.Exit(EXIT_SIGNALLED + signal.SIGINT) from None

        parameters = [*own, *flags, config]
        setattr(run, "__signature__", inspect.Signature(parameters))  # noqa: B010
        run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        del run.__wrapped__
        return run

    return decorate


def _evaluated(annotation: Any, function: Callable[..., Any]) -> Any:
    """An annotation as a type: ``from __future__ import annotations`` keeps them as text."""
    if isinstance(annotation, str):
        return eval(annotation, function.__globals__)
    return annotation


def checking(flags: dict[str, object], config: Path | None) -> Settings:
    """The settings of a command that may check links (the flags given over the rest)."""
    from claimcheck.cli.common import settings_from

    return settings_from(flags, config)


def not_checking(flags: dict[str, object], config: Path | None) -> Settings:
    """The settings of a command that checks no link."""
    from claimcheck.cli.common import lint_settings

    return lint_settings(flags, config)


def with_origins(flags: dict[str, object], config: Path | None) -> Loaded:
    """The settings with where each came from, and the settings file."""
    from claimcheck.cli.common import resolved

    return resolved(flags, config)


def _parameter(name: str, declared: Declared) -> inspect.Parameter:
    option = typer.Option(
        f"{declared.flag}/{declared.negative}" if declared.negative else declared.flag,
        metavar=declared.metavar,
        help=declared.help,
        show_default=False,
    )
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[_TYPES[declared.kind] | None, option],
    )


def _as_setting(value: object) -> object:
    """A flag's value as its setting takes it: a repeated flag's list as a tuple."""
    return tuple(value) if isinstance(value, list) else value


def flag_table_source() -> str:
    """The Python source of FLAGS, from the settings' declarations (for cog)."""
    from claimcheck.config import declared, flag_kind, shown_default

    lines = ["FLAGS: dict[str, Declared] = {"]
    for name, (field, flag) in declared().items():
        # A lone switch (--offline) says what it does; its default is that it is left out.
        lone_switch = flag_kind(field) == "bool" and flag.negative is None
        default = "" if lone_switch else shown_default(name)
        text = (field.description or "") + (f" [default: {default}]" if default else "")
        pieces = textwrap.wrap(text, 78, drop_whitespace=False) or [""]
        lines += [
            f"    {name!r}: Declared(",
            f"        flag={flag.name!r},",
            f"        negative={flag.negative!r},",
            f"        metavar={flag.metavar!r},",
            f"        kind={flag_kind(field)!r},",
            "        help=(",
            *(f"            {piece!r}" for piece in pieces),
            "        ),",
            "        commands=(",
            *(f"            {command!r}," for command in sorted(flag.commands)),
            "        ),",
            "    ),",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"
