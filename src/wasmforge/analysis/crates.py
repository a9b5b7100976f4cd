"""``crates``: code size per crate (``core``, ``alloc``, ``std``, the user's crates), and the
function → module-path → crate hierarchy the HTML treemap draws."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from wasmforge.analysis.demangle import crate_of, module_path
from wasmforge.analysis.graph import ItemGraph, ItemKind

#: pseudo-crate of everything that is not a function (data, names, headers, types, ...)
NON_CODE = "[non-code]"


@dataclass(frozen=True, slots=True)
class FunctionEntry:
    """A function with its place in the hierarchy."""

    item: int
    name: str
    crate: str
    module: str
    shallow_size: int
    retained_size: int


@dataclass(frozen=True, slots=True)
class OtherEntry:
    """An item that is not a function (data segment, custom section, header, type, ...)."""

    item: int
    name: str
    kind: str
    shallow_size: int
    retained_size: int


@dataclass(frozen=True, slots=True)
class CrateRow:
    """Totals of one crate. ``retained_size`` counts what the crate's functions keep alive,
    each byte once (items dominated by other items of the same crate are not counted twice)."""

    crate: str
    functions: int
    shallow_size: int
    shallow_size_percent: float
    retained_size: int
    retained_size_percent: float


@dataclass(frozen=True)
class Crates:
    """Per-crate totals, largest first, and every function with its crate and module path."""

    rows: tuple[CrateRow, ...]
    functions: tuple[FunctionEntry, ...]
    #: every other item, attributed to ``[non-code]`` and grouped by kind in the treemap
    others: tuple[OtherEntry, ...]
    file_size: int

    @cached_property
    def by_crate(self) -> dict[str, CrateRow]:
        """Rows by crate name."""
        return {r.crate: r for r in self.rows}


def crates(graph: ItemGraph) -> Crates:
    """Attribute each function to a crate from its demangled path; everything else goes to
    ``[non-code]`` so the rows add up to the file size."""
    retained = graph.retained_sizes
    entries = []
    crate_of_item: dict[int, str] = {}
    for i, kind in enumerate(graph.kinds):
        if kind != ItemKind.FUNCTION:
            continue  # imports are bytes of the import section, not code
        name = graph.names[i]
        symbol = graph.symbols.get(i)
        crate = crate_of(name, symbol)
        crate_of_item[i] = crate
        entries.append(FunctionEntry(i, name, crate, module_path(name, symbol), graph.sizes[i], retained[i]))
    totals: dict[str, list[int]] = {}
    for e in entries:
        t = totals.setdefault(e.crate, [0, 0, 0])
        t[0] += 1
        t[1] += e.shallow_size
    # retained per crate: every item under at least one function of the crate in the dominator
    # tree, counted once (walk the tree carrying the crates of the functions above)
    children = graph.dominator_children
    sizes = graph.sizes
    empty: frozenset[str] = frozenset()
    stack = [(graph.meta_root, empty)]
    while stack:
        node, above = stack.pop()
        own = crate_of_item.get(node)
        if own is not None and own not in above:
            above = above | {own}
        if above and node < len(sizes):
            for c in above:
                totals[c][2] += sizes[node]
        stack.extend((c, above) for c in children[node])
    other = sum(graph.sizes) - sum(t[1] for t in totals.values())
    rows = [CrateRow(c, t[0], t[1], graph.percent(t[1]), t[2], graph.percent(t[2])) for c, t in totals.items()]
    rows.append(CrateRow(NON_CODE, 0, other, graph.percent(other), other, graph.percent(other)))
    rows.sort(key=lambda r: (-r.shallow_size, r.crate))
    entries.sort(key=lambda e: -e.shallow_size)
    others = [OtherEntry(i, graph.names[i], kind.name.lower().replace("_", " "), graph.sizes[i], retained[i])
              for i, kind in enumerate(graph.kinds) if kind != ItemKind.FUNCTION]
    others.sort(key=lambda e: -e.shallow_size)
    return Crates(tuple(rows), tuple(entries), tuple(others), graph.file_size)


__all__ = ["NON_CODE", "CrateRow", "Crates", "FunctionEntry", "OtherEntry", "crates"]
