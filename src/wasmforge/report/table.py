"""Text tables: plain (aligned columns, the layout twiggy prints, so outputs compare line by line)
or rich (boxes and colour, for terminals). Each renderer hands over columns and rows of strings."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

# the one escaper of a module's names (re-exported here for the renderers)
from wasmforge.errors import printable as printable


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header and whether numbers in it align right."""

    header: str
    right: bool = False


def render_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], *, color: bool = False) -> str:
    """The table as text, ending with a newline. ``color`` draws it with rich (styles, box lines)."""
    if color:
        if not all(cell.isprintable() for row in rows for cell in row):  # a fast first look; rarely true
            rows = [[printable(cell) for cell in row] for row in rows]
        return _rich_table(columns, rows)
    return "".join(stream_table(columns, lambda: rows))


def _width(text: str) -> int:
    # Widths count UTF-8 bytes, as twiggy does, so our tables match its output byte for byte.
    return len(text.encode())


def _printable_rows(rows: Iterable[Sequence[str]]) -> Iterator[Sequence[str]]:
    for row in rows:
        yield row if all(cell.isprintable() for cell in row) else [printable(cell) for cell in row]


def stream_table(columns: Sequence[Column], rows: Callable[[], Iterable[Sequence[str]]],
                 *, lines_per_chunk: int = 1000) -> Iterator[str]:
    """The plain table as chunks of whole lines, each ending with a newline, holding one chunk at
    a time: ``rows()`` is called twice, once to measure the columns and once to lay them out."""
    widths = [_width(c.header) for c in columns]
    for row in _printable_rows(rows()):
        for k, cell in enumerate(row):
            w = _width(cell)
            if w > widths[k]:
                widths[k] = w
    last = len(columns) - 1

    def line(cells: Sequence[str], sep: str, header: bool = False) -> str:
        out = []
        for k, (col, cell) in enumerate(zip(columns, cells)):
            pad = " " * (widths[k] - _width(cell))
            if col.right and not header:
                out.append(pad + cell)
            else:
                out.append(cell if k == last else cell + pad)
        return " " + f" {sep} ".join(out) + "\n"

    chunk = [line([c.header for c in columns], "│", header=True), "─" + "─┼─".join("─" * w for w in widths) + "\n"]
    for row in _printable_rows(rows()):
        chunk.append(line(row, "┊"))
        if len(chunk) >= lines_per_chunk:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def _rich_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, header_style="bold")
    for c in columns:
        table.add_column(c.header, justify="right" if c.right else "left", overflow="fold")
    for row in rows:
        # Text, not str: item names such as "[/x]" or "<impl [T]>" are data, not rich markup
        styled = [Text(cell) for cell in row]
        if row and (row[-1].startswith("Σ") or row[-1].startswith("... and")):
            table.add_row(*styled, style="dim")
        else:
            table.add_row(*styled)
    import shutil

    buf = io.StringIO()
    width = shutil.get_terminal_size(fallback=(200, 24)).columns
    Console(file=buf, force_terminal=True, color_system="standard", width=width).print(table)
    return buf.getvalue()


__all__ = ["Column", "printable", "render_table", "stream_table"]
