"""``headers`` lists sections as it reads them: a file of many sections is listed in the memory of
one (it once held every section's object, 400 MB for a million empty custom sections)."""

from __future__ import annotations

import json
import time
import tracemalloc

import wasmtime

from fuzz.modules import empty_custom_sections
from wasmforge.binary import read_module, scan_sections
from wasmforge.report.headers import headers_json, headers_text


def _list(sections: int) -> tuple[int, float]:
    data = empty_custom_sections(sections)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with scan_sections(data) as scan:
            lines = sum(1 for _ in headers_text(scan, "many.wasm"))
        assert lines == sections + 2
        return tracemalloc.get_traced_memory()[1], time.perf_counter() - started
    finally:
        tracemalloc.stop()


def test_many_sections_are_listed_in_flat_memory_and_linear_time() -> None:
    small_peak, small_time = _list(5_000)
    large_peak, large_time = _list(50_000)
    assert large_peak < 1.5 * small_peak + 1_000_000, (small_peak, large_peak)
    assert large_time < 30 * small_time + 1.0, (small_time, large_time)  # ten times the sections


def test_streamed_json_is_the_json_of_the_table() -> None:
    data = wasmtime.wat2wasm('(module (func) (start 0) (export "f" (func 0)) (@custom "note" "x"))')
    with scan_sections(data) as scan:
        parsed = json.loads("".join(headers_json(scan, "m.wasm")))
    module = read_module(data)
    assert parsed["size"] == len(data) and [s["name"] for s in parsed["sections"]] == [s.name for s in module.sections]
    assert next(s for s in parsed["sections"] if s["name"] == "start")["count"] is None
    with scan_sections(empty_custom_sections(0)) as scan:
        assert json.loads("".join(headers_json(scan, "empty.wasm")))["sections"] == []
