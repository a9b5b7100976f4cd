"""Dominators stay near-linear on the shapes that made them quadratic: a long call chain whose
functions all reach one shared item (their type)."""

from __future__ import annotations

import time

from fuzz.modules import call_chain
from wasmforge.analysis import build
from wasmforge.binary import read_module


def test_long_call_chain_dominators_are_fast_and_right() -> None:
    n = 20_000
    data = call_chain(n)
    started = time.perf_counter()
    graph = build(read_module(data))
    built = time.perf_counter() - started
    started = time.perf_counter()
    idom = graph.immediate_dominators
    retained = graph.retained_sizes
    took = time.perf_counter() - started
    function = {graph.function_index[i]: i for i in graph.function_index}
    # each function is dominated by its caller, and the first retains the whole chain
    assert all(idom[function[k + 1]] == function[k] for k in range(n - 1))
    assert retained[function[0]] == sum(retained[function[k]] - retained[function[k + 1]] for k in range(n - 1)) + retained[function[n - 1]]
    assert retained[function[0]] >= sum(graph.sizes[function[k]] for k in range(n))
    # the quadratic version took minutes here; linear work is a fraction of decoding the module
    assert took < max(2.0, 10 * built), (took, built)
