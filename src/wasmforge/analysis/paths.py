"""``paths``: how items are kept alive — the chains of callers (or, descending, of callees)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

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


class PathTrees(Sequence[PathNode]):
    """The trees of a :class:`Paths` result, each built when it is asked for and not kept: a
    module's every item can have thousands of retaining paths, and a renderer that writes one
    tree at a time then needs the memory of one tree only."""

    __slots__ = ("_graph", "_starts", "_nexts", "_max_depth", "_max_paths", "_twiggy_compatible")

    def __init__(self, graph: ItemGraph, starts: list[int], nexts: list[list[int]], max_depth: int,
                 max_paths: int, twiggy_compatible: bool = False) -> None:
        self._twiggy_compatible = twiggy_compatible
        self._graph = graph
        self._starts = starts
        self._nexts = nexts
        self._max_depth = max_depth
        self._max_paths = max_paths

    def __len__(self) -> int:
        return len(self._starts)

    @property
    def starts(self) -> list[int]:
        """The item of each tree's root, in order."""
        return self._starts

    def _build(self, start: int) -> PathNode:
        return _tree(self._graph, start, self._nexts, self._graph.meta_root, self._max_depth, self._max_paths,
                     self._twiggy_compatible)

    @overload
    def __getitem__(self, index: int) -> PathNode: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[PathNode, ...]: ...
    def __getitem__(self, index: int | slice) -> PathNode | tuple[PathNode, ...]:
        if isinstance(index, slice):
            return tuple(self._build(s) for s in self._starts[index])
        return self._build(self._starts[index])

    def __iter__(self) -> Iterator[PathNode]:
        for s in self._starts:
            yield self._build(s)


@dataclass(frozen=True, slots=True)
class Paths:
    """One tree per starting item (built as they are read: see :class:`PathTrees`)."""

    trees: PathTrees
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
    return Paths(PathTrees(graph, starts, nexts, max_depth, max_paths, twiggy_compatible), descending)


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


__all__ = ["MAX_ROWS_PER_ITEM", "PathNode", "PathTrees", "Paths", "paths"]
