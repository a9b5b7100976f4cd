"""Dominators, retained sizes and reachability of the item graph, checked against their definitions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wasmforge.analysis.graph import ItemGraph, ItemKind


def _graph(n: int, edges: list[tuple[int, int]], roots: list[int], sizes: list[int]) -> ItemGraph:
    succ: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges:
        succ[a].add(b)
    return ItemGraph(
        names=[f"n{i}" for i in range(n)], sizes=sizes, kinds=[ItemKind.FUNCTION] * n,
        edges=[sorted(s) for s in succ] + [sorted(set(roots))], roots=sorted(set(roots)),
        file_size=sum(sizes), function_index={}, symbols={},
    )


def _reachable(g: ItemGraph, removed: int | None = None) -> set[int]:
    seen = {g.meta_root}
    stack = [g.meta_root]
    while stack:
        for nxt in g.edges[stack.pop()]:
            if nxt != removed and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen - {g.meta_root}


graphs = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n),
        st.lists(st.integers(0, n - 1), min_size=1, max_size=3),
        st.lists(st.integers(0, 50), min_size=n, max_size=n),
    )
)


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_retained_size_is_what_removing_the_item_would_free(case) -> None:  # type: ignore[no-untyped-def]
    n, edges, roots, sizes = case
    g = _graph(n, edges, roots, sizes)
    live = _reachable(g)
    assert [bool(x) for x in g.reachable] == [i in live for i in range(n)]
    for i in range(n):
        if i not in live:
            assert g.retained_sizes[i] == sizes[i]
            continue
        freed = live - _reachable(g, removed=i)  # i itself and everything only it keeps alive
        assert g.retained_sizes[i] == sum(sizes[k] for k in freed)


@settings(max_examples=200, deadline=None)
@given(graphs)
def test_immediate_dominator_is_the_closest_strict_dominator(case) -> None:  # type: ignore[no-untyped-def]
    n, edges, roots, sizes = case
    g = _graph(n, edges, roots, sizes)
    live = _reachable(g)
    dominators = {i: {d for d in live if d != i and i not in _reachable(g, removed=d)} for i in live}
    for i in live:
        idom = g.immediate_dominators[i]
        if not dominators[i]:
            assert idom == g.meta_root
        else:
            assert idom in dominators[i]
            # every other strict dominator dominates the immediate one
            assert all(d == idom or d in dominators[idom] for d in dominators[i])


def test_retaining_path_is_a_shortest_chain_from_a_root() -> None:
    g = _graph(5, [(0, 1), (1, 2), (2, 3), (0, 3), (4, 4)], [0], [1] * 5)
    assert g.retaining_path(3) == [0, 3]
    assert g.retaining_path(2) == [0, 1, 2]
    assert g.retaining_path(4) == []
