"""``diff``: how item sizes changed between two versions of a module, matched by name."""

from __future__ import annotations

from dataclasses import dataclass

from wasmforge.analysis.graph import ItemGraph, compile_patterns


@dataclass(frozen=True, slots=True)
class DiffRow:
    """An item whose size changed (absent on one side counts as 0 bytes)."""

    name: str
    old_size: int
    new_size: int

    @property
    def delta(self) -> int:
        """``new_size - old_size``."""
        return self.new_size - self.old_size


@dataclass(frozen=True, slots=True)
class Diff:
    """Changed items by the size of the change, largest first."""

    rows: tuple[DiffRow, ...]
    remaining_count: int
    remaining_delta: int
    total_count: int
    total_delta: int
    old_size: int
    new_size: int


def _by_name(graph: ItemGraph) -> dict[str, int]:
    # Items that share a name (rare: twiggy keeps the last) are added up.
    out: dict[str, int] = {}
    for name, size in zip(graph.names, graph.sizes):
        out[name] = out.get(name, 0) + size
    return out


def diff(old: ItemGraph, new: ItemGraph, items: list[str] | None = None, *, regex: bool = False,
         max_items: int | None = 20) -> Diff:
    """Compare ``old`` with ``new`` item by item; ``items`` restricts to names (or patterns)."""
    a, b = _by_name(old), _by_name(new)
    names = set(a) | set(b)
    if items:
        if regex:
            pats = compile_patterns(items)
            names = {n for n in names if any(p.search(n) for p in pats)}
        else:
            names &= set(items)
    rows = [DiffRow(n, a.get(n, 0), b.get(n, 0)) for n in names if a.get(n, 0) != b.get(n, 0)]
    rows.sort(key=lambda r: (-abs(r.delta), r.name))
    shown = rows if max_items is None else rows[:max_items]
    rest = rows[len(shown):]
    total = new.file_size - old.file_size if not items else sum(r.delta for r in rows)
    return Diff(tuple(shown), len(rest), sum(r.delta for r in rest), len(rows), total, old.file_size, new.file_size)


__all__ = ["Diff", "DiffRow", "diff"]
