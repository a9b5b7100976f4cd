"""Rendering of the size-profile results: text tables, JSON and CSV from one data object."""

from __future__ import annotations

import csv
import io
import json

import pytest
import wasmtime

from wasmforge.analysis import build, crates, diff, dominators, garbage, monos, paths, top
from wasmforge.report.profile import render
from wasmforge.report.table import Column, render_table

WAT = """(module
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $core::fmt::write::h0123456789abcdef $app::run)
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world")
  (func $core::fmt::write::h0123456789abcdef (type $t) (local.get 0))
  (func $app::run (type $t) (call $core::fmt::write::h0123456789abcdef (i32.const 16)))
  (func $app::helper::<u8> (type $t) (call_indirect (type $t) (local.get 0) (i32.const 1)))
  (func $app::helper::<u16> (type $t) (i32.add (local.get 0) (i32.const 1)) (drop) (local.get 0))
  (func $unused (result i32) (i32.const 7))
  (export "run" (func $app::run))
  (export "helper" (func $app::helper::<u8>)))"""


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    return build(wasmtime.wat2wasm(WAT))


def test_plain_table_aligns_numbers_right_and_names_left() -> None:
    text = render_table([Column("Bytes", True), Column("Item")], [["7", "a"], ["1234", "bb"]])
    lines = text.splitlines()
    assert lines[0] == " Bytes │ Item"
    assert lines[2] == "     7 ┊ a"
    assert lines[3] == "  1234 ┊ bb"


def test_top_json_lists_items_with_both_sizes(graph) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(top(graph, max_items=3), "json"))
    assert len(data["items"]) == 3
    assert set(data["items"][0]) == {"name", "shallow_size", "shallow_size_percent", "retained_size",
                                     "retained_size_percent"}
    sizes = [i["shallow_size"] for i in data["items"]]
    assert sizes == sorted(sizes, reverse=True)
    assert data["remaining"]["shallow_size"] + sum(sizes) == graph.file_size


def test_top_text_ends_with_the_file_total(graph) -> None:  # type: ignore[no-untyped-def]
    last = render(top(graph, max_items=2), "text").splitlines()[-1]
    assert last.split("┊")[0].strip() == str(graph.file_size)
    assert f"Σ [{len(graph)} Total Rows]" in last


def test_retaining_paths_show_the_chain_to_a_root(graph) -> None:  # type: ignore[no-untyped-def]
    result = top(graph, retaining_paths=True)
    row = next(r for r in result.rows if r.name == "core::fmt::write::h0123456789abcdef")
    assert row.retaining_path is not None and row.retaining_path[-1] == row.name
    # roots: the table, the export, or the active element segment instantiation writes into the table
    assert row.retaining_path[0] in ("table[0]", 'export "run"', "elem[0]")
    assert "⬑ " in render(result, "text")


def test_csv_of_every_result_parses_with_a_header(graph) -> None:  # type: ignore[no-untyped-def]
    results = [top(graph), dominators(graph), paths(graph, ["app::run"]), monos(graph), garbage(graph),
               diff(graph, graph), crates(graph)]
    for result in results:
        rows = list(csv.reader(io.StringIO(render(result, "csv"))))
        assert rows and all(len(r) == len(rows[0]) for r in rows), type(result).__name__


def test_json_of_every_result_is_an_object_with_items(graph) -> None:  # type: ignore[no-untyped-def]
    for result in [top(graph), dominators(graph), paths(graph), monos(graph), garbage(graph),
                   diff(graph, graph), crates(graph)]:
        data = json.loads(render(result, "json"))
        assert isinstance(data["items"], list), type(result).__name__


def test_monos_groups_instantiations_of_one_generic(graph) -> None:  # type: ignore[no-untyped-def]
    result = monos(graph)
    group = next(g for g in result.groups if g.name == "app::helper")
    assert {n for n, _ in group.instantiations} == {"app::helper::<u8>", "app::helper::<u16>"}
    assert 0 < group.bloat < group.size


def test_crates_rows_add_up_to_the_file(graph) -> None:  # type: ignore[no-untyped-def]
    result = crates(graph)
    assert sum(r.shallow_size for r in result.rows) == graph.file_size
    assert {"core", "app"} <= {r.crate for r in result.rows}
    text = render(result, "text")
    assert "core" in text and "app" in text


def test_garbage_lists_the_unreferenced_function(graph) -> None:  # type: ignore[no-untyped-def]
    result = garbage(graph)
    assert [r.name for r in result.rows if r.name == "unused"] == ["unused"]


def test_color_output_uses_ansi_escapes(graph) -> None:  # type: ignore[no-untyped-def]
    assert "\x1b[" in render(top(graph, max_items=2), "text", color=True)
    assert "\x1b[" not in render(top(graph, max_items=2), "text")
