"""``paths`` of every item builds one tree at a time: its memory does not grow with the number
of items (it once held every tree, gigabytes for a module of a few hundred kilobytes)."""

from __future__ import annotations

import tracemalloc

from fuzz.modules import call_mesh
from wasmforge.analysis import build, paths
from wasmforge.binary import read_module
from wasmforge.report.profile import render, render_chunks


def _peak_rendering(functions: int, fmt: str) -> tuple[int, int]:
    graph = build(read_module(call_mesh(functions)))
    graph.predecessors  # built once per graph, not per tree: outside the measurement
    tracemalloc.start()
    try:
        written = sum(len(chunk) for chunk in render_chunks(paths(graph, max_depth=3), fmt))
        return tracemalloc.get_traced_memory()[1], written
    finally:
        tracemalloc.stop()


def test_paths_of_every_item_render_in_flat_memory() -> None:
    for fmt in ("text", "json", "csv"):
        small, small_out = _peak_rendering(50, fmt)
        large, large_out = _peak_rendering(200, fmt)
        assert large_out > 3 * small_out  # four times the trees...
        assert large < 1.5 * small + 1_000_000, (fmt, small, large)  # ...in about the same memory


def test_streamed_output_is_the_whole_output() -> None:
    graph = build(read_module(call_mesh(30)))
    for fmt in ("text", "json", "csv"):
        result = paths(graph, max_depth=3)
        assert "".join(render_chunks(result, fmt)) == render(result, fmt)
    assert len(result.trees) == len(graph) and result.trees[0].item == result.trees.starts[0]
