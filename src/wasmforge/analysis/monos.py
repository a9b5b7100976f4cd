"""``monos``: generic functions and their instantiations, with the bytes sharing one body would save."""

from __future__ import annotations

from dataclasses import dataclass

from wasmforge.analysis.demangle import generic_function
from wasmforge.analysis.graph import ItemGraph, ItemKind, compile_patterns


@dataclass(frozen=True, slots=True)
class MonoGroup:
    """A generic function: its instantiations (name, size; largest first, at most ``max_monos``)."""

    name: str
    size: int
    bloat: int
    instantiations: tuple[tuple[str, int], ...]
    #: instantiations not listed, and their total size
    remaining_count: int
    remaining_size: int
    count: int

    @property
    def rows(self) -> int:
        """Rows this group takes in a listing: itself, its instantiations, a "... and N more" row."""
        return 1 + len(self.instantiations) + (1 if self.remaining_count else 0)


@dataclass(frozen=True, slots=True)
class Monos:
    """Generic functions by estimated bloat, and totals over all of them."""

    groups: tuple[MonoGroup, ...]
    remaining_groups: int
    #: rows the groups not listed would take (twiggy's "... and N more." counts rows)
    remaining_rows: int
    remaining_size: int
    remaining_bloat: int
    total_rows: int
    total_size: int
    total_bloat: int
    file_size: int

    def percent(self, size: int) -> float:
        """``size`` as a percentage of the file."""
        return size / self.file_size * 100.0 if self.file_size else 0.0


def _bloat(sizes: list[int]) -> int:
    # What one shared body would save: the smaller of "all but the largest" and the average
    # instantiation times (count - 1), twiggy's estimate.
    total = sum(sizes)
    return min(total // len(sizes) * (len(sizes) - 1), total - max(sizes))


def monos(graph: ItemGraph, functions: list[str] | None = None, *, regex: bool = False,
          max_generics: int | None = 10, max_monos: int | None = 10, only_generics: bool = False) -> Monos:
    """Group the functions of ``graph`` by the generic function they instantiate."""
    patterns = None
    if functions and regex:
        patterns = compile_patterns(functions)
    wanted = set(functions) if functions and not regex else None
    groups: dict[str, set[tuple[str, int]]] = {}
    for i, kind in enumerate(graph.kinds):
        if kind != ItemKind.FUNCTION:
            continue
        name = graph.names[i]
        generic = generic_function(name)
        if generic is None:
            continue
        if wanted is not None and generic not in wanted:
            continue
        if patterns is not None and not any(p.search(generic) for p in patterns):
            continue
        groups.setdefault(generic, set()).add((name, graph.sizes[i]))
    built = []
    for generic, insts in groups.items():
        ordered = sorted(insts, key=lambda x: (-x[1], x[0]))
        sizes = [s for _, s in ordered]
        built.append((generic, sum(sizes), _bloat(sizes), ordered))
    built.sort(key=lambda g: (-g[2], -g[1], tuple(g[3]), g[0]))
    out = []
    for generic, size, bloat, ordered in built:
        shown = [] if only_generics else (ordered if max_monos is None else ordered[:max_monos])
        rest = [] if only_generics else ordered[len(shown):]
        out.append(MonoGroup(generic, size, bloat, tuple(shown), len(rest), sum(s for _, s in rest), len(ordered)))
    kept = out if max_generics is None else out[:max_generics]
    rest_groups = out[len(kept):]
    return Monos(
        tuple(kept),
        len(rest_groups),
        sum(g.rows for g in rest_groups),
        sum(g.size for g in rest_groups),
        sum(g.bloat for g in rest_groups),
        sum(g.rows for g in out),
        sum(g.size for g in out),
        sum(g.bloat for g in out),
        graph.file_size,
    )


__all__ = ["MonoGroup", "Monos", "monos"]
