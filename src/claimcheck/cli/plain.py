"""claimcheck's commands as typer makes them, named plainly in help and quick to start.

typer writes a required argument as ``{name}`` in the usage line and adds its type
(``KEY_OR_URL <str>``) in the list; a command made with ``cls=Command`` writes the placeholder
alone, and a choice's values (``WHICH <claims|report>``) where it has some. typer also builds a
validator for every option of the command that runs, given or not (about 1 ms each; verify
has one per setting): an option left out here is None at once, as typer would make it.
"""

from __future__ import annotations

from typing import Any

import typer.core
from typer import _click


class PlainArgument(typer.core.TyperArgument):
    """An argument shown by its placeholder, in brackets only when it may be left out."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        return name if self.required else f"[{name}]"

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        return super().display_type_rich(ctx) if self.type_descriptor.is_choice else None


class LeftOutOption(typer.core.TyperOption):
    """An option whose value, when it is left out and has no default, is None unvalidated."""

    def process_value(self, ctx: _click.Context, value: Any) -> Any:
        optional = self.default is None and self.callback is None and not self.required
        left_out = value is None or (self.multiple and value in ((), []))
        return None if optional and left_out else super().process_value(ctx, value)


class Command(typer.core.TyperCommand):
    """A command whose arguments are PlainArguments and options LeftOutOptions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is typer.core.TyperArgument:
                param.__class__ = PlainArgument
            elif type(param) is typer.core.TyperOption:
                param.__class__ = LeftOutOption
