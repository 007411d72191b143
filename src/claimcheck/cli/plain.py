"""Help that names arguments as a reader would: ``WHICH``, ``KEY_OR_URL``, not ``{which}``.

typer writes a required argument as ``{name}`` in the usage line and adds its type
(``KEY_OR_URL <str>``) in the list; the commands made with ``cls=PlainArguments`` write the
placeholder alone, and a choice's values (``WHICH <claims|report>``) where it has some.
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


class PlainArguments(typer.core.TyperCommand):
    """A command whose arguments are PlainArguments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is typer.core.TyperArgument:
                param.__class__ = PlainArgument
