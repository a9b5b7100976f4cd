"""Valid but hostile modules: many exports or imports, names that try to drive a terminal."""

from __future__ import annotations

import re
import time

import pytest
import wasmtime

from wasmforge.errors import printable
from wasmforge.host import LinkError, Module, TrapKind, WasmTrap, load

ESC_NAME = "evil\x1b[2J\rNUL\x00\u202e"


def _exports_module(count: int) -> bytes:
    funcs = "".join(f'(func (export "f{i}") (result i32) i32.const {i})' for i in range(count))
    return wasmtime.wat2wasm(f"(module {funcs})")


def test_printable_escapes_controls_separators_and_bidi_overrides():
    assert printable("plain name::<T>") == "plain name::<T>"
    assert printable(ESC_NAME) == "evil\\x1b[2J\\x0dNUL\\x00\\u202e"
    assert printable("a\u2028b\x85c") == "a\\u2028b\\x85c"


def test_loading_grows_linearly_with_the_number_of_exports():
    # Exports are fetched by name when used; listing all of them up front was quadratic.
    # The bound is relative to a module a tenth the size, measured in this test.
    small, large = _exports_module(1_000), _exports_module(10_000)
    small_module, large_module = Module(small), Module(large)
    started = time.perf_counter()
    load(small_module).close()
    small_seconds = time.perf_counter() - started
    started = time.perf_counter()
    instance = load(large_module)
    large_seconds = time.perf_counter() - started
    assert instance.exports.f9999() == 9999 and len(instance.exports) == 10_000
    assert large_seconds < 40 * small_seconds + 0.5  # linear: ~10x; quadratic was ~100x


def test_many_missing_imports_give_a_short_link_error_with_the_count():
    imports = "".join(f'(import "env" "f{i}" (func))' for i in range(5_000))
    with pytest.raises(LinkError) as info:
        load(wasmtime.wat2wasm(f"(module {imports})"))
    message = info.value.message
    assert "missing 5000 imports: env.f0, env.f1" in message
    assert "and 4992 more" in message and "(5000 imports in all)" in message
    assert len(message) < 1000
    assert len(info.value.missing) == 5000  # the exception still holds them all


def test_link_error_escapes_the_module_supplied_names():
    wat = f'(module (import "env" {wasmtime_string(ESC_NAME)} (func)))'
    with pytest.raises(LinkError) as info:
        load(wasmtime.wat2wasm(wat))
    assert "\x1b" not in info.value.message and "\r" not in info.value.message
    assert "env.evil\\x1b[2J\\x0dNUL\\x00\\u202e" in info.value.message


def wasmtime_string(text: str) -> str:
    # A WAT string literal of text's UTF-8 bytes.
    return '"' + "".join(f"\\{b:02x}" for b in text.encode()) + '"'


def test_trap_messages_escape_symbol_names():
    # A quoted identifier puts the raw bytes into the name section.
    custom = wasmtime.wat2wasm('(module (func $"ev\\1bil\\0d" (export "f") unreachable))')
    with pytest.raises(WasmTrap) as info:
        load(custom).exports.f()
    assert info.value.message == "f() trapped: unreachable in ev\\x1bil\\x0d"
    assert re.fullmatch(r"  0: ev\\x1bil\\x0d \(func 0 @ 0x[0-9a-f]+\)", info.value.backtrace)


def test_start_function_trap_names_the_file(tmp_path):
    path = tmp_path / "starts.wasm"
    path.write_bytes(wasmtime.wat2wasm("(module (func $s unreachable) (start $s))"))
    with pytest.raises(WasmTrap) as info:
        load(path)
    assert info.value.message.startswith(f"{path}: the start function trapped: unreachable")


def test_stack_overflow_backtraces_show_no_made_up_offsets():
    wat = '(module (func $r (export "r") (call $r)))'
    with pytest.raises(WasmTrap) as info:
        load(wasmtime.wat2wasm(wat)).exports.r()
    assert info.value.kind is TrapKind.STACK_OVERFLOW
    assert "0xffffffffffffffff" not in info.value.backtrace
    assert all(f.module_offset is None or f.module_offset < 1 << 32 for f in info.value.frames)
