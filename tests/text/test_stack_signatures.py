"""The stack signatures the printer and decompiler read from the opcode table agree with wasmtime's
validator: a function that takes the popped values as parameters and returns the pushed ones
validates, for every instruction whose signature names only number and vector types."""

from __future__ import annotations

import pytest
import wasmtime

from wasmforge.binary import OPCODES

TYPES = {"i": "i32", "l": "i64", "f": "f32", "d": "f64", "v": "v128"}
IMMEDIATE_TEXT = {
    "memarg": "", "lane": "0", "memory": "0", "data": "0", "zero": "", "i32": "1", "i64": "1",
    "f32": "1.5", "f64": "1.5", "v128": "i32x4 0 0 0 0", "shuffle": " ".join(map(str, range(16))),
}
CHECKABLE = [
    op for op in OPCODES
    if op.stack is not None and not set(op.stack) - set(TYPES) - {":"} and set(op.imms) <= set(IMMEDIATE_TEXT)
]
# Whose arity the context decides: control, calls, and instructions with typed immediates.
CONTEXTUAL = {
    "block", "loop", "if", "else", "end", "try", "catch", "catch_all", "delegate", "try_table", "br", "br_if",
    "br_table", "return", "call", "call_indirect", "return_call", "return_call_indirect", "call_ref",
    "return_call_ref", "throw", "rethrow", "throw_ref", "br_on_null", "br_on_non_null", "br_on_cast",
    "br_on_cast_fail", "struct.new", "array.new_fixed",
}


def _engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    for feature in ("wasm_threads", "wasm_simd", "wasm_relaxed_simd", "wasm_bulk_memory", "wasm_multi_memory"):
        if hasattr(config, feature):
            setattr(config, feature, True)
    return wasmtime.Engine(config)


ENGINE = _engine()


@pytest.mark.parametrize("op", CHECKABLE, ids=lambda op: f"{op.name}/{op.code:#x}")
def test_signature_validates(op):
    pops, _, pushes = op.stack.partition(":")
    params = " ".join(TYPES[c] for c in pops)
    results = " ".join(TYPES[c] for c in pushes)
    immediates = " ".join(IMMEDIATE_TEXT[k] for k in op.imms)
    gets = " ".join(f"local.get {i}" for i in range(len(pops)))
    wat = f"""(module (memory 1 1 shared) (data "x")
      (func {f'(param {params})' if params else ''} {f'(result {results})' if results else ''}
        {gets} {op.name} {immediates}))"""
    wasmtime.Module.validate(ENGINE, wasmtime.wat2wasm(wat))


def test_only_contextual_instructions_lack_a_signature():
    assert {op.name for op in OPCODES if op.stack is None} <= CONTEXTUAL
