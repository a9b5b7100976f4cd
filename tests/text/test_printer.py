"""The printer's API: sinks and styles, options, names, single functions."""

from __future__ import annotations

import io
import re

import pytest
import wasmtime

from wasmforge.binary import read_module
from wasmforge.errors import UsageError
from wasmforge.text import AnsiSink, PlainSink, PrintOptions, StringSink, print_function, print_module

WAT = """
(module
  (import "env" "f" (func $f (param i32)))
  (func $same (export "a") (param $n i32) (result i32) local.get $n)
  (func $same2 (export "b") (param i32) (result i32) local.get 0 call $same)
  (global $g (mut i32) (i32.const 1)))
"""


@pytest.fixture
def module():
    return read_module(bytes(wasmtime.wat2wasm(WAT)))


def _text(module, sink_type=PlainSink, **options) -> str:
    stream = io.StringIO()
    print_module(module, sink_type(stream), PrintOptions(**options))
    return stream.getvalue()


def test_ansi_sink_adds_only_escapes(module):
    painted = _text(module, AnsiSink)
    assert "\x1b[" in painted
    assert re.sub(r"\x1b\[[0-9;]*m", "", painted) == _text(module)


def test_styles_mark_keywords_names_and_literals(module):
    painted = _text(module, AnsiSink)
    codes = AnsiSink.CODES
    assert f"{codes['keyword']}local.get" in painted
    assert f"{codes['name']}$n" in painted
    assert f"{codes['literal']}1" in painted


def test_repeated_names_are_made_unique(module):
    names = module.names
    object.__setattr__(names, "functions", {0: "f", 1: "dup", 2: "dup"})
    text = _text(module)
    # As wasm-tools prints it: the repeat gets an identifier of its own and keeps its name.
    assert "(func $dup (type" in text and '(func $"#func2 dup" (@name "dup") (type' in text and "call $dup)" in text
    again = read_module(bytes(wasmtime.wat2wasm(text)))
    assert again.names.functions == {0: "f", 1: "dup", 2: "dup"}


def test_generated_names_follow_imports_and_exports():
    bare = read_module(bytes(wasmtime.wat2wasm(WAT)).replace(b"name", b"nope"))
    text = _text(bare, generate_names=True)
    assert "(func $env.f (type" in text
    assert "(func $a (type" in text and "(param $p0 i32)" in text and "(global $g0 (mut i32)" in text


def test_print_function_writes_one_function(module):
    sink = StringSink()
    print_function(module, 2, sink)
    text = sink.getvalue()
    assert text.startswith("(func $same2 (type") and text.count("(func") == 1
    assert "call $same" in text


def test_print_function_rejects_an_imported_function(module):
    with pytest.raises(UsageError, match="not a defined function"):
        print_function(module, 0, StringSink())


def test_folded_text_nests_operands(module):
    assert "(call $same\n      (local.get 0)))" in _text(module, fold=True)


def test_label_names_are_kept_and_shadowed_ones_branched_to_by_depth():
    wat = """(module (func $f (param i32)
      block $l
        block $l
          local.get 0
          br_if 1
          br 0
        end
        loop $top
          br $top
        end
      end))"""
    data = bytes(wasmtime.wat2wasm(wat))
    from tests.text.roundtrip import check_round_trip

    for fold in (False, True):
        text = check_round_trip(data, fold=fold)
        assert text.count("block $l") == 2 and "$top" in text
    flat = check_round_trip(data)
    # The outer $l is shadowed inside the inner one: only its depth reaches it.
    assert "br_if 1 (;@1;)\n" in flat and "br $l\n" in flat and "br $top\n" in flat


def _nested_blocks(depth: int) -> bytes:
    from wasmforge.binary.leb128 import encode_unsigned as u

    body = b"\x00" + b"\x02\x40" * depth + b"\x0b" * depth + b"\x0b"
    code = u(1) + u(len(body)) + body
    return b"\0asm\1\0\0\0" + bytes.fromhex("010401600000" "03020100") + b"\x0a" + u(len(code)) + code


class _CountingSink(StringSink):
    """Counts what it is given and keeps none of it."""

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0

    def write(self, text: str) -> None:
        self.chars += len(text)


@pytest.mark.parametrize("fold", [False, True], ids=["flat", "fold"])
def test_printing_deep_nesting_streams_with_memory_flat_in_the_depth(fold):
    import tracemalloc

    peaks, sizes = [], []
    for depth in (1_000, 4_000):
        module = read_module(_nested_blocks(depth))
        sink = _CountingSink()
        tracemalloc.start()
        try:
            print_module(module, sink, PrintOptions(fold=fold))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        sizes.append(sink.chars)
    # The text grows with the square of the depth (16 times here); what is held must not.
    assert sizes[1] > 12 * sizes[0]
    assert peaks[1] < 3 * peaks[0] + (1 << 20), (peaks, sizes)
