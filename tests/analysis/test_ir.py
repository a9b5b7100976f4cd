"""The size graph: every byte belongs to exactly one item, on every corpus module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, real_modules, rust_modules, spec_modules
from wasmforge.analysis import ItemKind, build
from wasmforge.binary import WasmDecodeError, read_module
from wasmforge.errors import WasmforgeError

TWIGGY_FIXTURES = sorted((CORPUS / "twiggy" / "fixtures").glob("*.wasm")) if (CORPUS / "twiggy").is_dir() else []


def _decodable(path: Path) -> bool:
    """Modules the binary layer reads (a few spec modules use pre-standard GC encodings)."""
    try:
        with read_module(path) as m:
            m.types, m.code
        return True
    except WasmDecodeError:
        return False


def _all_modules() -> list[Path]:
    return spec_modules() + real_modules() + rust_modules() + TWIGGY_FIXTURES


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")
def test_item_sizes_add_up_to_the_file_size_on_every_corpus_module() -> None:
    mismatched = []
    rejected = []
    checked = 0
    for path in _all_modules():
        try:
            graph = build(path)
        except WasmforgeError:
            if _decodable(path):
                raise
            rejected.append(path)  # the reader itself rejects it: reported as an error, fine
            continue
        checked += 1
        if sum(graph.sizes) != path.stat().st_size:
            mismatched.append(path.name)
        graph.retained_sizes  # dominators too must run everywhere
    assert checked > 1000
    assert mismatched == []
    assert len(rejected) < 20


def test_function_items_hold_body_and_function_entry(tmp_path: Path) -> None:
    # (module (func) (func)): one type, two function entries of 1 byte, two bodies of 3 bytes
    wasm = bytes.fromhex("0061736d01000000" "010401600000" "0303020000" "0a07020200" "0b02000b")
    graph = build(wasm)
    funcs = [i for i, k in enumerate(graph.kinds) if k == ItemKind.FUNCTION]
    assert [graph.names[i] for i in funcs] == ["code[0]", "code[1]"]
    assert [graph.sizes[i] for i in funcs] == [1 + 3, 1 + 3]
    assert sum(graph.sizes) == len(wasm)


def test_call_indirect_reaches_every_function_of_matching_type_in_the_table() -> None:
    wat = """(module
      (type $v (func)) (type $i (func (result i32)))
      (table 3 funcref)
      (elem (i32.const 0) $a $b $c)
      (func $a (type $v))
      (func $b (type $v))
      (func $c (type $i) (i32.const 1))
      (func (export "run") (call_indirect (type $v) (i32.const 0))))"""
    wasm = _wat(wat)
    graph = build(wasm)
    compat = build(wasm, twiggy_compatible=True)
    indirect = [i for i, k in enumerate(graph.kinds) if k == ItemKind.INDIRECT]
    assert len(indirect) == 1
    names = {graph.names[t] for t in graph.edges[indirect[0]]}
    assert names == {"a", "b", "table[0]"}  # not $c: its type differs
    run = graph.by_name["code[3]"]
    assert indirect[0] in graph.edges[run]
    assert not any(k == ItemKind.INDIRECT for k in compat.kinds)
    assert sum(graph.sizes) == sum(compat.sizes) == len(wasm)


def test_a_deep_call_chain_does_not_hit_the_recursion_limit() -> None:
    depth = sys.getrecursionlimit() * 3
    funcs = "\n".join(f"(func $f{i} call $f{i + 1})" for i in range(depth))
    wasm = _wat(f'(module {funcs} (func $f{depth}) (export "start" (func $f0)))')
    graph = build(wasm)
    retained = graph.retained_sizes
    first = graph.by_name["f0"]
    chain = sum(graph.sizes[graph.by_name[f"f{i}"]] for i in range(depth + 1))
    the_type = graph.sizes[graph.by_name["type[0]: () -> nil"]]  # every function uses it
    assert retained[first] == chain + the_type
    assert len(graph.retaining_path(graph.by_name[f"f{depth}"])) == depth + 2


def test_truncated_module_is_one_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.wasm"
    path.write_bytes(_wat("(module (func (export \"f\") (result i32) i32.const 1))")[:-3])
    with pytest.raises(WasmforgeError) as err:
        build(path)
    assert "cut.wasm" in err.value.message


def _wat(text: str) -> bytes:
    import wasmtime

    return wasmtime.wat2wasm(text)
