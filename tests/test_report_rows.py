"""Rows written without rich are exactly what rich writes, or left to rich."""

from __future__ import annotations

from collections.abc import Sequence
from io import StringIO

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.color import ColorSystem
from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimcheck.report.rows import Row, line_of, table_text

STYLES = ["", "green", "bold red", "yellow", "dim", "cyan"]
PLAIN = st.lists(st.sampled_from([*"abcdefghij/:.-_?=%& ", "aaaaaaaaaaaa"]), max_size=40)
# What rich treats specially: markup brackets, wide and combining characters, tabs, other
# control characters.
SPECIAL = st.sampled_from(["[", "[b]", "中", "é", "\u0301", "\t", "\x1b", "\r", "\n"])
TEXTS = PLAIN.map("".join)
SPECIAL_TEXTS = st.tuples(PLAIN, SPECIAL, PLAIN).map(
    lambda parts: "".join(parts[0]) + parts[1] + "".join(parts[2])
)
WORDY = st.lists(st.sampled_from(["ok", "not-found", "HTTP 404", "checked", "; "]), max_size=12)


def console(width: int, colour: bool) -> Console:
    """A console set up as the terminal report sets up its own."""
    return Console(
        file=StringIO(),
        width=width,
        force_terminal=colour,
        no_color=not colour,
        color_system="standard" if colour else None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )


def make_table(rows: Sequence[Row]) -> Table:
    """A table laid out like the report's sources table."""
    table = Table(title="Sources (many)", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("reference", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("why", overflow="fold", ratio=1)
    table.add_column("url", overflow="fold", ratio=2)
    for row in rows:
        table.add_row(*(text if style is None else Text(text, style=style) for text, style in row))
    return table


def rich_writes(target: Console, renderable: Table | Text, *, soft_wrap: bool = False) -> str:
    """What ``target`` writes for ``renderable``."""
    with target.capture() as capture:
        target.print(renderable, soft_wrap=soft_wrap)
    return capture.get()


def colour_system(colour: bool) -> ColorSystem | None:
    return ColorSystem.STANDARD if colour else None


def rows_of(texts: st.SearchStrategy[str]) -> st.SearchStrategy[list[Row]]:
    """Rows of the sources table: keys and URL drawn from ``texts``."""
    return st.lists(
        st.tuples(
            texts.map(lambda text: (text, None)),
            st.tuples(
                st.sampled_from(["alive", "dead", "unreachable", "x"]), st.sampled_from(STYLES)
            ),
            WORDY.map(lambda words: ("".join(words), None)),
            texts.map(lambda text: (text, None)),
        ),
        min_size=1,
        max_size=12,
    )


@settings(max_examples=100, deadline=None)
@given(rows=rows_of(TEXTS), width=st.integers(min_value=30, max_value=160), colour=st.booleans())
def test_a_table_written_fast_is_what_rich_writes(
    rows: list[Row], width: int, colour: bool
) -> None:
    target = console(width, colour)
    fast = table_text(make_table, rows, target, colour_system(colour))
    assert fast is None or fast == rich_writes(target, make_table(rows))


@given(
    rows=rows_of(TEXTS),
    special=SPECIAL_TEXTS,
    where=st.tuples(st.integers(min_value=0), st.sampled_from([0, 3])),
)
def test_a_table_with_a_cell_rich_treats_specially_is_left_to_rich(
    rows: list[Row], special: str, where: tuple[int, int]
) -> None:
    row, column = where[0] % len(rows), where[1]
    rows[row] = tuple((special, None) if n == column else cell for n, cell in enumerate(rows[row]))
    assert table_text(make_table, rows, console(120, False), None) is None


@given(
    rows=st.lists(
        st.tuples(
            st.just(("key", None)),
            st.just(("alive", "green")),
            st.just(("ok", None)),
            st.integers(min_value=0, max_value=300).map(
                lambda n: (f"https://x.org/{'a' * n}", None)
            ),
        ),
        min_size=1,
        max_size=8,
    ),
    colour=st.booleans(),
)
def test_plain_rows_are_written_fast_and_long_urls_folded(rows: list[Row], colour: bool) -> None:
    target = console(120, colour)
    fast = table_text(make_table, rows, target, colour_system(colour))
    assert fast is not None
    assert fast == rich_writes(target, make_table(rows))


PIECES = st.lists(st.tuples(TEXTS, st.sampled_from(STYLES)), max_size=6)


@settings(max_examples=300, deadline=None)
@given(pieces=PIECES, base=st.sampled_from(STYLES), colour=st.booleans())
def test_a_line_written_fast_is_what_rich_writes(
    pieces: list[tuple[str, str]], base: str, colour: bool
) -> None:
    text = Text(style=base)
    for piece, style in pieces:
        text.append(piece, style=style)
    target = console(40, colour)
    fast = line_of(text, target, colour_system(colour))
    assert fast is None or fast == rich_writes(target, text, soft_wrap=True)


def test_a_long_plain_line_is_written_fast_unwrapped() -> None:
    text = Text("  references.bib:5 ")
    text.append("CC406", style="cyan")
    text.append(" " + "word " * 40 + "end")
    target = console(40, True)
    assert line_of(text, target, ColorSystem.STANDARD) == rich_writes(target, text, soft_wrap=True)
