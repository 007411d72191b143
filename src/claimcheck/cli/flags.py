"""The command-line options of the settings, made from their declarations: nothing typed twice."""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic.fields import FieldInfo

from claimcheck.config import declared, shown_default
from claimcheck.setting import Flag

R = TypeVar("R")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read settings from this TOML file instead of the nearest claimcheck.toml or "
        "pyproject.toml.",
        show_default=False,
    ),
]


def with_settings(
    command: str, load: Callable[[dict[str, object], Path | None], Any]
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Give the decorated command a flag for each setting ``command`` takes, and --config.

    The command itself takes ``settings`` instead: what ``load`` makes of the flags given
    (None where a flag is not given) and the --config file.
    """

    def decorate(function: Callable[..., R]) -> Callable[..., R]:
        own = [
            parameter
            for parameter in inspect.signature(function, eval_str=True).parameters.values()
            if parameter.name != "settings"
        ]
        settings = [
            _parameter(name, field, flag)
            for name, (field, flag) in declared().items()
            if command in flag.commands
        ]
        config = inspect.Parameter(
            "config", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ConfigOption
        )
        names = [parameter.name for parameter in settings]

        @functools.wraps(function)
        def run(**given: Any) -> R:
            flags = {name: _as_setting(given.pop(name)) for name in names}
            return function(settings=load(flags, given.pop("config")), **given)

        parameters = [*own, *settings, config]
        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        del run.__wrapped__
        return run

    return decorate


def _parameter(name: str, field: FieldInfo, flag: Flag) -> inspect.Parameter:
    option = typer.Option(
        f"{flag.name}/{flag.negative}" if flag.negative else flag.name,
        metavar=flag.metavar,
        help=_help(name, field),
        show_default=False,
    )
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[_option_type(field.annotation) | None, option],
    )


def _help(name: str, field: FieldInfo) -> str:
    default = shown_default(name)
    text = field.description or ""
    return f"{text} [default: {default}]" if default else text


def _option_type(annotation: Any) -> Any:
    """The type typer parses a setting's flag as: a list for a list setting, text for a
    duration, the type itself otherwise (without None: every flag may be left out)."""
    if typing.get_origin(annotation) in (types.UnionType, typing.Union):
        (annotation,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) is tuple:
        return list[str]
    if annotation is timedelta:
        return str
    if annotation in (bool, int, float, str, Path) or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    ):
        return annotation
    raise TypeError(f"no flag type for a setting of type {annotation!r}")


def _as_setting(value: object) -> object:
    """A flag's value as its setting takes it: a repeated flag's list as a tuple."""
    return tuple(value) if isinstance(value, list) else value
