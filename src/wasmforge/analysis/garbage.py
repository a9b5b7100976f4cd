"""``garbage``: items no root reaches; candidates for removal."""

from __future__ import annotations

from dataclasses import dataclass

from wasmforge.analysis.graph import ItemGraph


@dataclass(frozen=True, slots=True)
class GarbageRow:
    """One unreachable item."""

    item: int
    name: str
    size: int
    size_percent: float


@dataclass(frozen=True, slots=True)
class Garbage:
    """Unreachable items, largest first. Data segments and globals are kept apart unless asked
    for: code may reach them through addresses the graph cannot see."""

    rows: tuple[GarbageRow, ...]
    remaining_count: int
    remaining_size: int
    total_count: int
    total_size: int
    data_count: int
    data_size: int
    file_size: int

    def percent(self, size: int) -> float:
        """``size`` as a percentage of the file."""
        return size / self.file_size * 100.0 if self.file_size else 0.0


def garbage(graph: ItemGraph, *, max_items: int | None = 10, show_data_segments: bool = False) -> Garbage:
    """The unreachable items of ``graph``: at most ``max_items`` rows (None: all)."""
    reach = graph.reachable
    sizes = graph.sizes
    kinds = graph.kinds
    unreachable = sorted((i for i in range(len(graph)) if not reach[i]), key=lambda i: -sizes[i])
    if show_data_segments:
        listed, data = unreachable, []
    else:
        listed = [i for i in unreachable if not kinds[i].is_data]
        data = [i for i in unreachable if kinds[i].is_data]
    shown = listed if max_items is None else listed[:max_items]
    rest = listed[len(shown):]
    rows = tuple(GarbageRow(i, graph.names[i], sizes[i], graph.percent(sizes[i])) for i in shown)
    return Garbage(rows, len(rest), sum(sizes[i] for i in rest), len(listed), sum(sizes[i] for i in listed),
                   len(data), sum(sizes[i] for i in data), graph.file_size)


__all__ = ["Garbage", "GarbageRow", "garbage"]
