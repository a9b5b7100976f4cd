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
          max_depth: int = 10, max_paths: int = 10, twiggy_compatible: bool = False) -> Paths:
    """Retaining paths of ``items`` (names, or patterns with ``regex``), up to ``max_depth`` levels
    and ``max_paths`` branches per level; a path never visits an item twice.

    ``twiggy_compatible``: as twiggy, an item's own self-edge still shows once (twiggy checks a
    next item against the items above the current one, not the current one itself).

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
    trees = tuple(_tree(graph, s, nexts, meta, max_depth, max_paths, twiggy_compatible) for s in starts)
    return Paths(trees, descending)


def _tree(graph: ItemGraph, start: int, nexts: list[list[int]], meta: int, max_depth: int, max_paths: int,
          twiggy: bool = False) -> PathNode:
    # Build [item, children] frames in print order (depth-first, pre-order), so that the row cap
    # keeps a prefix of the full tree, then freeze bottom-up. A stack entry: the frame, its depth,
    # the items on the path above it, the items it may not go to next, its next items, and how
    # many of them it took.
    sizes = graph.sizes
    rows = 1
    root: list[Any] = [start, []]
    excluded_root: set[int] = set() if twiggy else {start}
    stack: list[list[Any]] = [[root, 0, set(), excluded_root, iter(nexts[start]), 0]]
    while stack:
        top = stack[-1]
        frame, depth, above, excluded, it, taken = top
        if depth >= max_depth or taken == max_paths or rows >= MAX_ROWS_PER_ITEM:
            stack.pop()
            continue
        n = next((n for n in it if n != meta and n not in excluded), None)
        if n is None:
            stack.pop()
            continue
        top[5] = taken + 1
        child: list[Any] = [n, []]
        frame[1].append(child)
        rows += 1
        on_path = above | {frame[0]}
        # twiggy checks a next item against the items above the current one, not the current one
        stack.append([child, depth + 1, on_path, on_path if twiggy else on_path | {n}, iter(nexts[n]), 0])

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
