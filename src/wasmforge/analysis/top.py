"""``top``: the largest items, by shallow or retained size."""

from __future__ import annotations

from dataclasses import dataclass

from wasmforge.analysis.graph import ItemGraph


@dataclass(frozen=True, slots=True)
class TopRow:
    """One item of the listing."""

    item: int
    name: str
    shallow_size: int
    shallow_size_percent: float
    retained_size: int
    retained_size_percent: float
    #: one shortest chain of item names from a root to this item (with ``retaining_paths``)
    retaining_path: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Top:
    """The listing: the first ``len(rows)`` items, and what the rest add up to."""

    rows: tuple[TopRow, ...]
    #: True when sorted by retained size
    retained: bool
    remaining_count: int
    remaining_shallow_size: int
    total_count: int
    file_size: int

    @property
    def remaining_shallow_size_percent(self) -> float:
        """The items not listed, as a percentage of the file."""
        return self.remaining_shallow_size / self.file_size * 100.0 if self.file_size else 0.0


def top(graph: ItemGraph, *, max_items: int | None = None, retained: bool = False,
        retaining_paths: bool = False) -> Top:
    """Items sorted by shallow size (or retained size), largest first; ties in file order."""
    sizes = graph.sizes
    ret = graph.retained_sizes
    key = ret if retained else sizes
    order = sorted(range(len(graph)), key=lambda i: -key[i])
    shown = order if max_items is None else order[:max_items]
    rest = order[len(shown):]
    rows = []
    for i in shown:
        path = None
        if retaining_paths:
            path = tuple(graph.names[p] for p in graph.retaining_path(i))
        rows.append(TopRow(i, graph.names[i], sizes[i], graph.percent(sizes[i]), ret[i], graph.percent(ret[i]), path))
    return Top(tuple(rows), retained, len(rest), sum(sizes[i] for i in rest), len(order), graph.file_size)


__all__ = ["Top", "TopRow", "top"]
