"""Settings from flags, `claimcheck.toml`, or `[tool.claimcheck]` in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from claimcheck import rules
from claimcheck.errors import ConfigError
from claimcheck.models import Location, Severity

CONFIG_FILE = "claimcheck.toml"
PYPROJECT = "pyproject.toml"
_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


class FailOn(StrEnum):
    """The mildest finding severity that makes a run fail (exit code 1)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"

    def fails(self, severity: Severity) -> bool:
        """Whether a finding of ``severity`` fails the run under this policy."""
        if self is FailOn.NEVER:
            return False
        return severity.rank <= Severity(self.value).rank


class Settings(BaseModel):
    """Everything a run needs to know, after flags and files are merged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bib: Path = Field(default=Path("references.bib"), description="The bibliography.")
    claims: Path = Field(default=Path("claims.yaml"), description="The claims ledger.")
    encoding: str | None = Field(
        default=None, description="The bibliography's encoding (default: UTF-8, else detected)."
    )
    ignore: tuple[str, ...] = Field(
        default=(), description="Finding codes or names to leave out of the report."
    )
    fail_on: FailOn = Field(
        default=FailOn.ERROR, description="The mildest severity that fails the run."
    )

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


def load_settings(
    folder: Path, *, config_file: Path | None = None, flags: Mapping[str, Any] | None = None
) -> Settings:
    """Settings for a run in ``folder``: defaults, then config files, then ``flags``.

    ``config_file`` names a file to read instead of looking for `claimcheck.toml` and
    pyproject.toml. Paths in a file are relative to the file's folder.
    """
    values: dict[str, Any] = {}
    origin: Path | None = None
    if config_file is not None:
        values, origin = _read_file(config_file), config_file
    else:
        for candidate in (folder / PYPROJECT, folder / CONFIG_FILE):
            if candidate.is_file():
                found = _read_file(candidate)
                if found:
                    values, origin = {**values, **found}, candidate
    if origin is not None:
        values = _relative_paths(values, origin.parent)
    values.update({name: value for name, value in (flags or {}).items() if value is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        where = _where(origin, name) if origin and name not in (flags or {}) else None
        raise ConfigError(
            f"setting {name!r}: {first['msg']}",
            where,
            hint="settings: bib, claims, encoding, ignore, fail_on (error|warning|info|never)",
        ) from None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", Location(file=str(path))) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file: {error}", Location(file=str(path))) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        place = _TOML_PLACE.search(str(error))
        line, column = (int(place[1]), int(place[2])) if place else (None, None)
        raise ConfigError(
            f"invalid TOML: {_TOML_PLACE.sub('', str(error))}",
            Location(file=str(path), line=line, column=column),
        ) from None
    section = data.get("tool", {}).get("claimcheck", {}) if path.name == PYPROJECT else data
    if not isinstance(section, dict):
        raise ConfigError("[tool.claimcheck] must be a table", Location(file=str(path)))
    return {key.replace("-", "_"): value for key, value in section.items()}


def _relative_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    result = dict(values)
    for name in ("bib", "claims"):
        if isinstance(result.get(name), str):
            result[name] = base / result[name]
    return result


def _where(path: Path, name: str) -> Location:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return Location(file=str(path))
    pattern = re.compile(rf"^\s*{re.escape(name).replace('_', '[_-]')}\s*=")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return Location(file=str(path), line=number)
    return Location(file=str(path))
