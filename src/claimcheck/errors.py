"""What ends a run: fatal input and configuration errors, with where and a hint; Ctrl-C."""

from __future__ import annotations

from claimcheck.models import Location


class ClaimcheckError(Exception):
    """A fatal problem with an input or the configuration: the run cannot go on."""

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message}"


class InputError(ClaimcheckError):
    """An input file cannot be read or does not follow its format."""


class InputErrors(InputError):
    """Several problems in one input file, all reported at once."""

    def __init__(self, errors: list[InputError]):
        self.errors = sorted(errors, key=_position)
        first = self.errors[0]
        super().__init__(first.message, first.location, first.hint)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class ConfigError(ClaimcheckError):
    """The configuration (flags or a config file) is not valid."""


def _position(error: ClaimcheckError) -> tuple[int, int]:
    where = error.location
    return (where.line or 0, where.column or 0) if where else (0, 0)


class BusyError(ClaimcheckError):
    """Another claimcheck run holds the project's lock."""


class ArchiveError(ClaimcheckError):
    """The local archive is damaged where a command needs it."""


class StateError(ClaimcheckError):
    """The project's `.claimcheck` folder is damaged, unsafe or cannot be written."""


class DamagedState(StateError):
    """The project's database (or a row of it) is damaged: the archive's index can be rebuilt."""


class Interrupted(KeyboardInterrupt):
    """The run was interrupted after ``checked`` of its ``total`` sources, by the signal
    ``signal_number`` (2, SIGINT: Ctrl-C; 15, SIGTERM); the results of those were kept."""

    def __init__(self, checked: int, total: int, signal_number: int = 2):
        super().__init__(f"interrupted after {checked} of {total} sources")
        self.checked = checked
        self.total = total
        self.signal_number = signal_number
