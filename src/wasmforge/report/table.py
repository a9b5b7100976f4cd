"""Text tables: plain (aligned columns, the layout twiggy prints, so outputs compare line by line)
or rich (boxes and colour, for terminals). Each renderer hands over columns and rows of strings."""

from __future__ import annotations

import io
from collections.abc import Sequence
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
    if not all(cell.isprintable() for row in rows for cell in row):  # a fast first look; rarely true
        rows = [[printable(cell) for cell in row] for row in rows]
    if color:
        return _rich_table(columns, rows)
    # Widths count UTF-8 bytes, as twiggy does, so our tables match its output byte for byte.
    def width(text: str) -> int:
        return len(text.encode())

    widths = [width(c.header) for c in columns]
    for row in rows:
        for k, cell in enumerate(row):
            widths[k] = max(widths[k], width(cell))
    last = len(columns) - 1

    def line(cells: Sequence[str], sep: str, header: bool = False) -> str:
        out = []
        for k, (col, cell) in enumerate(zip(columns, cells)):
            pad = " " * (widths[k] - width(cell))
            if col.right and not header:
                out.append(pad + cell)
            else:
                out.append(cell if k == last else cell + pad)
        return " " + f" {sep} ".join(out)

    lines = [line([c.header for c in columns], "│", header=True)]
    lines.append("─" + "─┼─".join("─" * w for w in widths))
    lines.extend(line(row, "┊") for row in rows)
    return "\n".join(lines) + "\n"


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


__all__ = ["Column", "printable", "render_table"]
