"""Settings from flags, `claimcheck.toml`, or `[tool.claimcheck]` in pyproject.toml."""

from __future__ import annotations

import codecs
import difflib
import functools
import json
import os
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError, WithJsonSchema, field_validator
from pydantic.fields import FieldInfo

from claimcheck import rules
from claimcheck.archive.settings import WaybackSettings
from claimcheck.check.options import CheckOptions, CheckSettings
from claimcheck.check.proxy import PROXY_FORM, ProxyConfigError, proxy_routes
from claimcheck.check.urlrules import (
    IGNORE_FILE,
    HostRule,
    IgnoreFileError,
    UrlPattern,
    ignore_file_patterns,
)
from claimcheck.errors import ConfigError, InputError
from claimcheck.load.text import read_bytes
from claimcheck.models import Location
from claimcheck.setting import ALL, READS_BIB, VERIFY, FileOnly, Flag
from claimcheck.severity import FailOn

CONFIG_FILE = "claimcheck.toml"
PYPROJECT = "pyproject.toml"
ENVIRONMENT_PREFIX = "CLAIMCHECK_"
_TABLE_HEADER = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*claimcheck\s*\]", re.MULTILINE)
_PASSWORD = re.compile(r"^([^:/]+://[^:@/]*:)[^@/]*@")
_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
# A settings file is a few hundred bytes; anything near this is no settings file.
MAX_SETTINGS_BYTES = 1024 * 1024
# The longest age a setting may name: beyond it a value is a typo (or an attack).
MAX_AGE = timedelta(days=36_525)
_DURATION_PATTERN = r"^\s*(\d+(?:\.\d+)?)\s*([smhdwSMHDW]?)\s*$"


class Settings(CheckSettings, WaybackSettings):
    """Everything a run needs to know, after the defaults, a file, the environment and flags.

    Each setting is declared once, beside its type and default, in the layer that uses it:
    the link check's in check/options.py, the Wayback client's in archive/wayback.py, the
    run's here. The flags, the file keys, the README's table and the JSON Schema of the
    settings file are all made from these declarations.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, defer_build=False)

    bib: Annotated[
        tuple[Path, ...],
        Field(
            description="The bibliography, or several read together in order (repeatable).",
            min_length=1,
        ),
        Flag("--bib", READS_BIB, metavar="FILE", path=True),
    ] = (Path("references.bib"),)
    claims: Annotated[
        Path | None,
        Field(
            description="The claims ledger; when it is not set and claims.yaml does not "
            "exist, the bibliography alone is checked."
        ),
        Flag("--claims", VERIFY | {"lint", "config"}, metavar="FILE", path=True),
    ] = Path("claims.yaml")
    encoding: Annotated[
        str | None,
        Field(description="The bibliography's encoding, e.g. gbk (none: UTF-8, else detected)."),
        Flag("--encoding", READS_BIB, metavar="NAME"),
    ] = None
    ignore: Annotated[
        tuple[str, ...],
        Field(description="Finding codes or names to leave out of the report (repeatable)."),
        Flag("--ignore", frozenset({"verify", "lint", "config"}), metavar="CODE"),
    ] = ()
    fail_on: Annotated[
        FailOn,
        Field(
            description="The mildest finding severity that fails the run (exit 1): error, "
            "warning, info or never."
        ),
        Flag("--fail-on", frozenset({"verify", "lint", "config"}), metavar="SEVERITY"),
    ] = FailOn.ERROR
    cache_dir: Annotated[
        Path,
        Field(description="The folder of the cache and the archive."),
        Flag("--cache-dir", ALL, metavar="DIR", path=True),
    ] = Path(".claimcheck")
    max_age: Annotated[
        timedelta,
        Field(description="How long an alive result is reused, e.g. 30m, 24h, 7d."),
        WithJsonSchema({"type": "string", "pattern": _DURATION_PATTERN}),
        Flag("--max-age", VERIFY | {"config"}, metavar="AGE"),
    ] = timedelta(hours=24)
    no_cache: Annotated[
        bool,
        Field(description="Neither read nor write the cache."),
        Flag("--no-cache", VERIFY | {"config"}),
    ] = False
    archive: Annotated[
        bool,
        Field(description="Keep a snapshot (WARC and text) of each page fetched."),
        Flag("--archive", VERIFY | {"config"}, negative="--no-archive"),
    ] = True
    offline: Annotated[
        bool,
        Field(
            description="Make no request: statuses from the last checks, text from the "
            "newest snapshots."
        ),
        Flag("--offline", VERIFY | {"config"}),
    ] = False
    quotes: Annotated[
        bool,
        Field(
            description="Look for each evidence item's quote in its source's text (the "
            "capture of this run, the newest snapshot, or a local copy)."
        ),
        Flag("--quotes", VERIFY | {"config"}, negative="--no-quotes"),
    ] = True
    # Not settings: which command runs (lint checks no link), and the regexes of the
    # project's .claimcheckignore.
    check_links: bool = Field(default=True, exclude=True)
    ignored_urls: tuple[UrlPattern, ...] = Field(default=(), exclude=True)

    @field_validator("ignore")
    @classmethod
    def _known_rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = []
        for name in value:
            found = rules.resolve(name)
            if found is None:
                raise ValueError(f"unknown finding code {name!r} (see 'claimcheck rules')")
            codes.append(found.code)
        return tuple(dict.fromkeys(codes))

    @field_validator("bib", mode="before")
    @classmethod
    def _one_or_several(cls, value: object) -> object:
        return (value,) if isinstance(value, str | Path) else value

    @field_validator("max_age", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("max_age")
    @classmethod
    def _age_in_range(cls, value: timedelta) -> timedelta:
        if not timedelta(0) <= value <= MAX_AGE:
            raise ValueError(f"must be between 0 and {MAX_AGE.days:,} days (100 years)")
        return value

    def check_options(self) -> CheckOptions:
        """The link checker's options: these settings, and the proxies of ``proxy`` and the
        environment.

        Raises ConfigError for a proxy variable that is no usable proxy URL.
        """
        try:
            proxies = proxy_routes(self.proxy)
        except ProxyConfigError as error:
            raise ConfigError(
                f"{error}",
                hint=f"set {error.source} to {PROXY_FORM}, or unset it",
            ) from None
        return CheckOptions.of(self, proxies, self.ignored_urls)


def flag_kind(field: FieldInfo) -> str:
    """How a setting's flag is read: ``int``, ``float``, ``str``, ``path``, ``bool``, ``list``
    or ``paths`` (repeated), ``duration`` (text such as 24h) or ``severity``."""
    annotation = field.annotation
    if typing.get_origin(annotation) in (types.UnionType, typing.Union):
        (annotation,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) is tuple:
        return "paths" if typing.get_args(annotation)[0] is Path else "list"
    kinds: dict[Any, str] = {
        int: "int", float: "float", str: "str", Path: "path", bool: "bool",
        timedelta: "duration", FailOn: "severity",
    }  # fmt: skip
    return kinds[annotation]


def shown_default(name: str) -> str:
    """A setting's default as a user writes it (``24h``, ``example.com:443, ...``); empty for
    none."""
    return shown(name, Settings.model_fields[name].get_default(call_default_factory=True))


def shown(name: str, value: object) -> str:
    """A setting's value as a user writes it; a proxy's password hidden; empty for none."""
    if isinstance(value, timedelta):
        return f"{value.total_seconds() / 3600:g}h"
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, StrEnum):
        return value.value
    if name == "proxy" and isinstance(value, str):
        return _PASSWORD.sub(r"\1***@", value)
    return "" if value is None else str(value)


@functools.cache
def declared() -> dict[str, tuple[FieldInfo, Flag]]:
    """Every setting a flag sets too, with its declaration and its flag, in declaration order."""
    return {
        name: (field, flag) for name, (field, flag) in every_setting().items() if flag is not None
    }


@functools.cache
def every_setting() -> dict[str, tuple[FieldInfo, Flag | None]]:
    """Every setting a file can set, with its declaration and its flag (None: files only),
    in declaration order."""
    found: dict[str, tuple[FieldInfo, Flag | None]] = {}
    own = [name for name in Settings.model_fields if name not in _LAYERS_FIELDS]
    for name in [*own, *CheckSettings.model_fields, *WaybackSettings.model_fields]:
        field = Settings.model_fields[name]
        flag = next((item for item in field.metadata if isinstance(item, Flag)), None)
        if flag is not None or any(isinstance(item, FileOnly) for item in field.metadata):
            found[name] = (field, flag)
    return found


_LAYERS_FIELDS = frozenset(CheckSettings.model_fields) | frozenset(WaybackSettings.model_fields)


_DURATION = re.compile(_DURATION_PATTERN)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """``90``, ``90s``, ``30m``, ``24h``, ``7d`` or ``2w`` as a timedelta (at most 100 years)."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30m, 24h or 7d")
    seconds = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if seconds > MAX_AGE.total_seconds():
        raise ValueError(f"{text!r} is longer than {MAX_AGE.days:,} days (100 years)")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class Origin:
    """Where a setting's value came from: its default, a file's line, a variable or a flag."""

    kind: Literal["default", "file", "environment", "flag"]
    where: str = ""

    def __str__(self) -> str:
        return self.where or self.kind


@dataclass(frozen=True)
class Loaded:
    """The settings of a run, where each came from, and which file was the settings file."""

    settings: Settings
    origins: dict[str, Origin]
    file: Path | None
    root: Path
    passed_over: tuple[Path, ...] = ()


def load_settings(
    folder: Path,
    *,
    config_file: Path | None = None,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings for a run in ``folder`` (see resolve_settings)."""
    return resolve_settings(folder, config_file=config_file, flags=flags, environ=environ).settings


def resolve_settings(
    folder: Path,
    *,
    config_file: Path | None = None,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Loaded:
    """Settings for a run in ``folder``: defaults, then the settings file, then CLAIMCHECK_*
    variables of ``environ`` (default: this process's), then ``flags`` (None: not given).

    The settings file is ``config_file``, else the nearest `claimcheck.toml`, or
    `pyproject.toml` with a ``[tool.claimcheck]`` table, in ``folder`` or above it (in one
    folder, `claimcheck.toml` is the one); paths in it are relative to its folder. The
    folder of the file found is the project's: the default bibliography, ledger and cache
    folder are there (``config_file`` sets values, not the project). Without a settings
    file, the project's folder is the nearest one holding references.bib or claims.yaml,
    else ``folder``. Raises ConfigError naming the file and
    line, the variable or the flag of a bad setting.
    """
    found_file, passed_over, read = find_settings_file(folder)
    root = found_file.parent if found_file is not None else _marked_root(folder)
    file = found_file if config_file is None else config_file
    if config_file is not None:
        passed_over = ()
    values: dict[str, Any] = {"ignored_urls": _ignore_file(root)}
    origins = {name: Origin("default") for name in every_setting()}
    environ = os.environ if environ is None else environ
    for name in ("bib", "claims", "cache_dir"):
        default = Settings.model_fields[name].get_default()
        values[name] = _relative(root, default, lambda path: as_given(path, folder))
    text = ""
    if file is not None:
        found, text = read if read is not None and file == found_file else _read_file(file)
        _refuse_unknown(found, file, text)
        for name, value in found.items():
            values[name] = _relative(file.parent, value) if _is_path(name) else value
            line = _where(file, text, name).line
            shown_file = as_given(file, folder)
            origins[name] = Origin("file", f"{shown_file}:{line}" if line else str(shown_file))
    for name, value in _from_environment(environ).items():
        values[name] = value
        origins[name] = Origin("environment", _variable(name))
    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = value
            origins[name] = Origin("flag", _flag_of(name, value))
    try:
        # lint sends no request: it needs none of the variables of the headers of [[hosts]].
        requests = values.get("check_links", True)
        settings = Settings.model_validate(
            values, context={"environ": environ, "requests": requests}
        )
    except ValidationError as error:
        raise _config_error(error, origins, file, text) from None
    settings = _without_absent_ledger(settings, origins, folder)
    return Loaded(settings, origins, file, root, passed_over)


def _without_absent_ledger(
    settings: Settings, origins: Mapping[str, Origin], folder: Path
) -> Settings:
    """The settings of a bibliography-only run (``claims`` None) when no claims file was
    named and the default one does not exist; a claims file that was named stays, to fail."""
    claims = settings.claims
    if claims is None or origins["claims"].kind != "default" or (folder / claims).exists():
        return settings
    return settings.model_copy(update={"claims": None})


# A settings file's settings, and its text (for the lines of errors).
_Read = tuple[dict[str, Any], str]


def find_settings_file(start: Path) -> tuple[Path | None, tuple[Path, ...], _Read | None]:
    """The nearest settings file in ``start`` or above, as ruff finds its own; a
    pyproject.toml with a ``[tool.claimcheck]`` table passed over beside it, if any; and the
    file's settings when finding it meant reading them (a pyproject.toml's table)."""
    for folder in (start, *start.parents):
        own, pyproject = folder / CONFIG_FILE, folder / PYPROJECT
        table = _tool_table(pyproject) if pyproject.is_file() else None
        if own.is_file():
            return own, (pyproject,) if table is not None else (), None
        if table is not None:
            return pyproject, (), table
    return None, (), None


def _tool_table(pyproject: Path) -> _Read | None:
    """A pyproject.toml's ``[tool.claimcheck]`` settings, or None when it has no such table
    (or cannot be read: it is then no settings file). A [tool] that is no table is refused,
    as ruff does."""
    try:
        data = read_bytes(pyproject, MAX_SETTINGS_BYTES)
    except InputError:
        return None
    if b"tool" not in data:
        return None
    found, text = _settings_in(pyproject, data)
    return (found, text) if found or _TOOL_TABLE.search(text) else None


def _marked_root(folder: Path) -> Path:
    """The nearest folder holding a bibliography or ledger by their default names."""
    for candidate in (folder, *folder.parents):
        if (candidate / "references.bib").is_file() or (candidate / "claims.yaml").is_file():
            return candidate
    return folder


def as_given(path: Path, folder: Path) -> Path:
    """``path`` as the user would type it in ``folder``: relative where it can be."""
    try:
        return Path(os.path.relpath(path, folder))
    except ValueError:  # another drive, on Windows
        return path


def _is_path(name: str) -> bool:
    entry = declared().get(name)
    return entry is not None and entry[1].path


def _relative(base: Path, value: Any, then: Callable[[Path], Path] = lambda path: path) -> Any:
    """A path, or each of a list of paths, relative to ``base`` (and passed to ``then``)."""
    if isinstance(value, str | Path):
        return then(base / value)
    if isinstance(value, list | tuple) and all(isinstance(item, str | Path) for item in value):
        return tuple(then(base / item) for item in value)
    return value


def _ignore_file(root: Path) -> tuple[UrlPattern, ...]:
    """The regexes of the project's .claimcheckignore (none without one)."""
    path = root / IGNORE_FILE
    if not path.is_file():
        return ()
    try:
        data = read_bytes(path, MAX_SETTINGS_BYTES)
    except InputError as error:
        raise ConfigError(error.message, Location(file=str(path)), hint=error.hint) from None
    text = _without_bom(data).decode("utf-8", "replace")
    try:
        return ignore_file_patterns(text, str(path))
    except IgnoreFileError as error:
        raise ConfigError(
            error.message,
            Location(file=str(path), line=error.line),
            hint="one regex of URLs not to check a line; # starts a comment line",
        ) from None


def _refuse_unknown(found: Mapping[str, Any], file: Path, text: str) -> None:
    known = every_setting()
    for name in found:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise ConfigError(
                f"unknown setting {name!r}",
                _where(file, text, name),
                hint=f"did you mean {close[0]!r}?"
                if close
                else "see the Configuration section of the README for every setting",
            )


def _variable(name: str) -> str:
    return ENVIRONMENT_PREFIX + name.upper()


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings CLAIMCHECK_<NAME> variables give: a list setting takes a JSON array or
    one value; the others their value as text, read as the setting's type."""
    values: dict[str, Any] = {}
    for name, (field, _) in declared().items():
        raw = environ.get(_variable(name))
        if not raw:
            # Set and empty is unset, as with NO_COLOR: CLAIMCHECK_CACHE_DIR= is no folder.
            continue
        if _is_list(field):
            values[name] = _list_value(raw, name)
        else:
            values[name] = raw
    return values


def _is_list(field: FieldInfo) -> bool:
    return typing.get_origin(field.annotation) is tuple


def _list_value(raw: str, name: str) -> Any:
    if not raw.lstrip().startswith("["):
        return (raw,)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{_variable(name)} is not a JSON array: {error.msg}",
            hint=f'write it as ["a", "b"], or as one value: {_variable(name)}=a',
        ) from None


def _flag_of(name: str, value: object) -> str:
    entry = declared().get(name)
    if entry is None:
        return name
    flag = entry[1]
    return flag.negative if flag.negative and value is False else flag.name


def _config_error(
    error: ValidationError, origins: Mapping[str, Origin], file: Path | None, text: str
) -> ConfigError:
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    origin = origins.get(name, Origin("default"))
    where = None
    if name == "hosts" and len(first["loc"]) > 2 and origin.kind == "file" and file is not None:
        index, key = int(first["loc"][1]), str(first["loc"][2])
        if first["type"] == "extra_forbidden":
            close = difflib.get_close_matches(key, HostRule.model_fields, n=1)
            known = ", ".join(HostRule.model_fields)
            message = f"unknown key {key!r}" + (
                f" (did you mean {close[0]!r}?)" if close else f"; a host rule takes {known}"
            )
        return ConfigError(
            f"setting hosts, rule {index + 1}, key {key!r}: {message}",
            _where_in_rule(file, text, index, key),
            hint="see 'Rules per URL' in the README",
        )
    if origin.kind == "file" and file is not None:
        where = _where(file, text, name)
        said = f"setting {name!r}"
    elif origin.kind in ("environment", "flag"):
        said = f"setting {name!r} from {origin.where}"
    else:
        said = f"setting {name!r}"
    return ConfigError(
        f"{said}: {message}",
        where,
        hint="see the Configuration section of the README for every setting",
    )


def _read_file(path: Path) -> _Read:
    """The settings a TOML file holds (its ``[tool.claimcheck]`` table for pyproject.toml),
    and its text. A file over MAX_SETTINGS_BYTES, a pipe or a device is refused unread."""
    try:
        data = read_bytes(path, MAX_SETTINGS_BYTES)
    except InputError as error:
        message = "config file not found" if error.message == "file not found" else error.message
        raise ConfigError(message, Location(file=str(path)), hint=error.hint) from None
    return _settings_in(path, data)


def _settings_in(path: Path, data: bytes) -> _Read:
    """The settings in ``data``, read from the TOML file ``path``, and its text."""
    where = Location(file=str(path))
    try:
        text = _without_bom(data).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"not UTF-8: byte 0x{data[error.start]:02x} cannot be decoded",
            Location(file=str(path), line=data[: error.start].count(b"\n") + 1),
            hint="TOML files are UTF-8",
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        place = _TOML_PLACE.search(str(error))
        line, column = (int(place[1]), int(place[2])) if place else (None, None)
        raise ConfigError(
            f"invalid TOML: {_TOML_PLACE.sub('', str(error))}",
            Location(file=str(path), line=line, column=column),
            hint='write each setting once, as name = value, text in quotes: fail_on = "warning"',
        ) from None
    except RecursionError:
        raise ConfigError(
            "invalid TOML: arrays or tables nested too deeply",
            where,
            hint="is this a settings file?",
        ) from None
    section: object = document
    if path.name == PYPROJECT:
        tool = document.get("tool", {})
        section = tool.get("claimcheck", {}) if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        raise ConfigError("[tool.claimcheck] must be a table", where)
    return {key.replace("-", "_"): value for key, value in section.items()}, text


def _without_bom(data: bytes) -> bytes:
    """``data`` without the UTF-8 byte order mark Windows editors write first; a file in
    UTF-16 (with its mark) as UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace").encode("utf-8")
    return data


def _where(path: Path, text: str, name: str) -> Location:
    """Where in the settings file ``text`` (read from ``path``) the setting ``name`` is set,
    as a key or as a table of its own (``[[hosts]]``): in pyproject.toml, within the
    ``[tool.claimcheck]`` table only."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(name).replace('_', '[_-]')}[\"']?\s*=")
    wanted = "tool.claimcheck" if path.name == PYPROJECT else ""
    own_table = f"{wanted}.{name}".lstrip(".")
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_HEADER.match(line)
        if header:
            table = re.sub(r"\s+", "", header[1]).strip("\"'")
            if table == own_table:
                return Location(file=str(path), line=number)
        elif table == wanted and pattern.match(line):
            return Location(file=str(path), line=number)
    return Location(file=str(path))


def _where_in_rule(path: Path, text: str, index: int, key: str) -> Location:
    """Where ``key`` of the ``index``-th (from 0) ``[[hosts]]`` table is set: its line, else
    the table's own; an inline ``hosts = [...]`` array, the line that starts it."""
    wanted = "tool.claimcheck.hosts" if path.name == PYPROJECT else "hosts"
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    seen, table_line = -1, None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_HEADER.match(line)
        if header:
            table = re.sub(r"\s+", "", header[1]).strip("\"'")
            if table == wanted and line.lstrip().startswith("[["):
                seen += 1
                if seen == index:
                    table_line = number
            elif seen == index and table == f"{wanted}.{key}":
                return Location(file=str(path), line=number)
            elif seen == index and not table.startswith(f"{wanted}."):
                break
        elif seen == index and pattern.match(line):
            return Location(file=str(path), line=number)
    if table_line is not None:
        return Location(file=str(path), line=table_line)
    return _where(path, text, "hosts")
