"""``dominators``: the dominator tree, each item under the one item every path to it goes through."""

from __future__ import annotations

from dataclasses import dataclass

from wasmforge.analysis.graph import ItemGraph


@dataclass(frozen=True, slots=True)
class DominatorRow:
    """One node of the tree, in preorder; ``depth`` 1 is the top level."""

    item: int
    name: str
    depth: int
    shallow_size: int
    retained_size: int
    retained_size_percent: float


@dataclass(frozen=True, slots=True)
class Dominators:
    """The tree (or the subtrees of the chosen items) as preorder rows, and the garbage total."""

    rows: tuple[DominatorRow, ...]
    #: items no root reaches (only summarised for the whole tree)
    unreachable_count: int
    unreachable_size: int
    file_size: int

    @property
    def unreachable_size_percent(self) -> float:
        """Unreachable bytes as a percentage of the file."""
        return self.unreachable_size / self.file_size * 100.0 if self.file_size else 0.0


def dominators(graph: ItemGraph, items: list[str] | None = None, *, regex: bool = False,
               max_depth: int | None = None, max_rows: int | None = None) -> Dominators:
    """The dominator tree from the meta-root, or the subtrees of ``items`` (names or, with
    ``regex``, patterns; regex matches are ordered by retained size), cut at ``max_depth`` levels
    and ``max_rows`` rows."""
    retained = graph.retained_sizes
    children = graph.dominator_children
    if items:
        starts = graph.find(items, regex=regex)
        if regex:
            starts.sort(key=lambda i: -retained[i])
        stack = [(i, 1) for i in reversed(starts)]
    else:
        stack = [(c, 1) for c in reversed(children[graph.meta_root])]
    rows: list[DominatorRow] = []
    limit_rows = max_rows if max_rows is not None else -1
    while stack and len(rows) != limit_rows:
        node, depth = stack.pop()
        rows.append(DominatorRow(node, graph.names[node], depth, graph.sizes[node], retained[node],
                                 graph.percent(retained[node])))
        if max_depth is None or depth < max_depth:
            stack.extend((c, depth + 1) for c in reversed(children[node]))
    count = size = 0
    if not items:
        reach = graph.reachable
        for i, s in enumerate(graph.sizes):
            if not reach[i]:
                count += 1
                size += s
    return Dominators(tuple(rows), count, size, graph.file_size)


__all__ = ["DominatorRow", "Dominators", "dominators"]
