"""Traps: kinds, backtraces, poisoning, host exceptions crossing wasm, the on_trap hook."""

from __future__ import annotations

import pytest
from wasmtime import wat2wasm

from wasmforge.host import InstancePoisoned, TrapKind, WasmTrap, load

TRAPS_WAT = """
(module
  (type $v (func))
  (import "env" "callback" (func $callback))
  (memory 1)
  (table 1 funcref)
  (func $inner (export "unreachable") unreachable)
  (func $outer (export "nested") call $inner)
  (func (export "oob") (result i32) i32.const 70000 i32.load)
  (func (export "div0") (param i32) (result i32) i32.const 1 local.get 0 i32.div_u)
  (func $recurse (export "recurse") call $recurse)
  (func (export "null_call") i32.const 0 call_indirect (type $v))
  (func (export "overflow") (result i32) i32.const -2147483648 i32.const -1 i32.div_s)
  (func (export "trunc") (result i32) f64.const nan i32.trunc_f64_s)
  (func (export "call_host") call $callback)
  (func (export "ok") (result i32) i32.const 1)
)
"""

def load_traps(callback=lambda: None, **kwargs):
    return load(wat2wasm(TRAPS_WAT), {"env": {"callback": callback}}, **kwargs)


@pytest.mark.parametrize(
    ("export", "args", "kind"),
    [
        ("unreachable", (), TrapKind.UNREACHABLE),
        ("oob", (), TrapKind.OUT_OF_BOUNDS),
        ("div0", (0,), TrapKind.INTEGER_DIVIDE_BY_ZERO),
        ("recurse", (), TrapKind.STACK_OVERFLOW),
        ("null_call", (), TrapKind.INDIRECT_CALL_TO_NULL),
        ("overflow", (), TrapKind.INTEGER_OVERFLOW),
        ("trunc", (), TrapKind.BAD_CONVERSION_TO_INTEGER),
    ],
)
def test_trap_kind(export, args, kind):
    inst = load_traps()
    with pytest.raises(WasmTrap) as info:
        getattr(inst.exports, export)(*args)
    assert info.value.kind is kind
    assert info.value.export == export


def test_backtrace_names_functions_innermost_first():
    inst = load_traps()
    with pytest.raises(WasmTrap) as info:
        inst.exports.nested()
    names = [frame.name for frame in info.value.frames]
    assert names == ["inner", "outer"]
    assert "inner" in info.value.backtrace.splitlines()[0]


def test_trap_poisons_the_instance():
    inst = load_traps()
    with pytest.raises(WasmTrap):
        inst.exports.unreachable()
    assert inst.poisoned
    with pytest.raises(InstancePoisoned, match=r"unreachable\(\) trapped \(unreachable\)"):
        inst.exports.ok()


def test_host_exception_reaches_the_caller_unchanged():
    error = KeyError("from the host")

    def callback():
        raise error

    inst = load_traps(callback)
    with pytest.raises(KeyError) as info:
        inst.exports.call_host()
    assert info.value is error


def test_host_exception_poisons_the_instance():
    def callback():
        raise ValueError("no")

    inst = load_traps(callback)
    with pytest.raises(ValueError):
        inst.exports.call_host()
    with pytest.raises(InstancePoisoned, match="aborted by ValueError"):
        inst.exports.ok()


class CustomPanic(Exception):
    pass


def test_on_trap_hook_replaces_the_trap():
    inst = load_traps(on_trap=lambda trap: CustomPanic(f"panicked: {trap.kind.value}"))
    with pytest.raises(CustomPanic, match="panicked: unreachable") as info:
        inst.exports.unreachable()
    assert isinstance(info.value.__cause__, WasmTrap)
    assert inst.poisoned


def test_on_trap_hook_returning_none_keeps_the_trap():
    seen = []
    inst = load_traps(on_trap=lambda trap: seen.append(trap.kind))
    with pytest.raises(WasmTrap):
        inst.exports.unreachable()
    assert seen == [TrapKind.UNREACHABLE]


def test_start_function_trap_is_a_wasm_trap():
    with pytest.raises(WasmTrap) as info:
        load(wat2wasm("(module (func $s unreachable) (start $s))"))
    assert info.value.kind is TrapKind.UNREACHABLE
