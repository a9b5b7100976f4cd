"""``paths``: how items are kept alive — the chains of callers (or, descending, of callees)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wasmforge.analysis.graph import ItemGraph

#: cap on the rows of one item's tree: the number of simple paths grows exponentially
MAX_ROWS_PER_ITEM = 2000


@dataclass(frozen=True, slots=True)
class PathNode:
    """An item, and the items that retain it (or that it retains, descending)."""

    item: int
    name: str
    size: int
    size_percent: float
    children: tuple[PathNode, ...]


@dataclass(frozen=True, slots=True)
class Paths:
    """One tree per starting item."""

    trees: tuple[PathNode, ...]
    descending: bool


def paths(graph: ItemGraph, items: list[str] | None = None, *, regex: bool = False, descending: bool = False,
          max_depth: int = 10, max_paths: int = 10) -> Paths:
    """Retaining paths of ``items`` (names, or patterns with ``regex``), up to ``max_depth`` levels
    and ``max_paths`` branches per level; a path never visits an item twice.

    Without items: every item by size (or, descending, every root)."""
    sizes = graph.sizes
    if items:
        starts = graph.find(items, regex=regex)
    elif descending:
        starts = sorted(graph.roots, key=lambda i: -sizes[i])
    else:
        starts = sorted(range(len(graph)), key=lambda i: -sizes[i])
    nexts = graph.edges if descending else graph.predecessors
    meta = graph.meta_root
    trees = tuple(_tree(graph, s, nexts, meta, max_depth, max_paths) for s in starts)
    return Paths(trees, descending)


def _tree(graph: ItemGraph, start: int, nexts: list[list[int]], meta: int, max_depth: int, max_paths: int) -> PathNode:
    # Build [item, children] frames depth-first, then freeze bottom-up.
    sizes = graph.sizes
    rows = 1
    root: list[Any] = [start, []]
    stack = [(root, 0, {start})]
    while stack:
        frame, depth, on_path = stack.pop()
        if depth >= max_depth:
            continue
        taken = 0
        pending = []
        for n in nexts[frame[0]]:
            if n == meta or n in on_path:
                continue
            if taken == max_paths or rows >= MAX_ROWS_PER_ITEM:
                break
            child: list[Any] = [n, []]
            frame[1].append(child)
            taken += 1
            rows += 1
            pending.append((child, depth + 1, on_path | {n}))
        stack.extend(reversed(pending))

    def freeze(frame: list[Any]) -> PathNode:
        # iterative post-order so deep chains never hit the recursion limit
        out: dict[int, PathNode] = {}
        order = [frame]
        k = 0
        while k < len(order):
            order.extend(order[k][1])
            k += 1
        for f in reversed(order):
            i = f[0]
            out[id(f)] = PathNode(i, graph.names[i], sizes[i], graph.percent(sizes[i]),
                                  tuple(out[id(c)] for c in f[1]))
        return out[id(frame)]

    return freeze(root)


__all__ = ["MAX_ROWS_PER_ITEM", "PathNode", "Paths", "paths"]
