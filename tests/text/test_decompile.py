"""The decompiled view: expressions from the stack, structured control flow, memory and calls."""

from __future__ import annotations

import pytest
import wasmtime

from wasmforge.binary import read_module
from wasmforge.text import DecompileOptions, StringSink, decompile


def view(body: str, signature: str = "(param $a i32) (param $b i32) (result i32)", extra: str = "") -> str:
    wat = f"(module {extra} (memory 1) (func $f (export \"f\") {signature} {body}))"
    module = read_module(bytes(wasmtime.wat2wasm(wat)))
    sink = StringSink()
    decompile(module, sink, DecompileOptions(function="f"))
    return sink.getvalue()


def test_arithmetic_becomes_one_expression_with_precedence():
    text = view("local.get $a local.get $b i32.add i32.const 3 i32.mul")
    assert "return (a + b) * 3;" in text


def test_unsigned_operators_are_marked():
    text = view("local.get $a local.get $b i32.lt_u")
    assert "return a <u b;" in text


def test_loads_and_stores_read_as_pointer_offset_type():
    text = view("local.get $a local.get $b i32.store offset=8 local.get $a i32.load offset=3 "
                "local.get $a i32.load8_u offset=3 i32.add")
    assert "a[2]:int = b;" in text
    assert "return (a + 3)[0]:int + a[3]:ubyte;" in text


def test_loops_and_blocks_get_labels_and_branches():
    text = view("block $out loop $top local.get $a br_if $out br $top end end i32.const 0")
    assert "block B_1 {" in text and "loop L_2 {" in text
    assert "if (a) goto B_1;" in text and "continue L_2;" in text


def test_block_results_go_through_a_variable():
    text = view("local.get $a if (result i32) i32.const 1 else i32.const 2 end")
    assert "var r1:int;" in text and "r1 = 1;" in text and "r1 = 2;" in text and "return r1;" in text


def test_a_value_is_not_read_after_its_local_is_overwritten():
    text = view("local.get $a i32.const 5 local.set $a local.get $a i32.add")
    lines = [line.strip() for line in text.splitlines()]
    assert lines.index("var t0:int = a;") < lines.index("a = 5;")
    assert "return t0 + a;" in lines


def test_calls_are_shown_by_name():
    extra = '(import "env" "log" (func $log (param i32)))'
    text = view("local.get $a call $log i32.const 0", extra=extra)
    assert "log(a);" in text


def test_unknown_function_is_an_error():
    from wasmforge.errors import UsageError

    module = read_module(bytes(wasmtime.wat2wasm("(module (func))")))
    with pytest.raises(UsageError):
        decompile(module, StringSink(), DecompileOptions(function="nope"))


def test_loop_params_go_through_variables_set_by_each_turn():
    text = view("local.get $a loop $l (param i32) (result i32) i32.const 1 i32.sub local.tee $b local.get $b "
                "br_if $l end")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[lines.index("loop L_1 {") - 1] == "var p1_0:int = t0;"
    assert "var t1:int = b = p1_0 - 1;" in lines
    assert "if (b) { p1_0 = t1; continue L_1; }" in lines  # the value is computed once, before the test
    assert "r1 = t1;" in lines


def test_multi_value_blocks_yield_several_variables():
    text = view("block (result i32 i32) local.get $a local.get $b end i32.add",
                extra="(type (func (result i32 i32)))")
    assert "var r1_0:int;" in text and "var r1_1:int;" in text
    assert "r1_0 = a;" in text and "r1_1 = b;" in text and "return r1_0 + r1_1;" in text


def _one_function_module(body: bytes) -> bytes:
    """() -> () with ``body`` (locals vector included): 25 bytes for a two-byte body."""
    code = bytes([1, len(body)]) + body
    return (b"\0asm\1\0\0\0" + bytes.fromhex("010401600000") + bytes.fromhex("03020100")
            + bytes([0x0A, len(code)]) + code)


@pytest.mark.parametrize("stray, text", [(b"\x05", "else"), (b"\x19", "catch_all"), (b"\x07\x00", "catch 0")])
def test_a_stray_middle_instruction_at_depth_0_is_noted(tmp_path, run_cli, stray, text):
    path = tmp_path / "stray.wasm"
    path.write_bytes(_one_function_module(b"\x00" + stray + b"\x0b"))
    assert len(path.read_bytes()) == 24 + len(stray)
    code, out, err = run_cli("decompile", path)
    assert code == 0 and err == ""
    assert f"// {text}: outside any block, ignored" in out


@pytest.mark.parametrize("stray", [b"\x0b", b"\x18\x00"], ids=["end", "delegate"])
def test_a_stray_end_at_depth_0_is_one_error_line(tmp_path, run_cli, stray):
    path = tmp_path / "stray.wasm"
    path.write_bytes(_one_function_module(b"\x00" + stray + b"\x0b"))
    code, out, err = run_cli("decompile", path)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and "remaining after the end of the function" in err
