"""Constants and identifiers print in forms that assemble back bit for bit."""

from __future__ import annotations

import struct

import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from wasmforge.binary import read_module
from wasmforge.text._literals import f32_text, f64_text, identifier, quote_bytes, quote_str


def _assembled_const(kind: str, text: str) -> int:
    """The bit pattern wasmtime's assembler makes of ``kind.const text``."""
    data = bytes(wasmtime.wat2wasm(f"(module (func (result {kind}) {kind}.const {text}))"))
    (_, _, imm), _ = read_module(data).code[0].instructions()
    return int(imm)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_f32_bit_pattern_survives_printing(bits):
    assert _assembled_const("f32", f32_text(bits)) == bits


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_every_f64_bit_pattern_survives_printing(bits):
    assert _assembled_const("f64", f64_text(bits)) == bits


def test_special_values_read_like_wasm2wat():
    one = struct.unpack("<Q", struct.pack("<d", 1.0))[0]
    assert [f64_text(one), f32_text(0x7FC00000), f32_text(0xFFA00000), f32_text(0x80000000),
            f32_text(0x00000001)] == ["0x1p+0", "nan", "-nan:0x200000", "-0x0p+0", "0x1p-149"]


@given(st.binary(max_size=64))
def test_string_literals_hold_their_bytes(data):
    module = bytes(wasmtime.wat2wasm(f"(module (memory 1) (data (i32.const 0) {quote_bytes(data)}))"))
    assert bytes(read_module(module).data_segments[0].data) == data


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_any_name_is_a_valid_identifier(name):
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return  # lone surrogates cannot be in a name section
    wat = f"(module (func {identifier(name)}) (export {quote_str('f')} (func {identifier(name)})))"
    module = read_module(bytes(wasmtime.wat2wasm(wat)))
    assert module.names is not None and module.names.functions[0] == name


def test_identifiers_are_quoted_only_when_needed():
    assert [identifier("_ZN4core3fmt$u20$"), identifier("a b"), identifier('q"')] == [
        "$_ZN4core3fmt$u20$", '$"a b"', '$"q\\22"']
