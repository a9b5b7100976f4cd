"""Modules compiled once, instances closed, the cheap import, naming of unnamed frames."""

from __future__ import annotations

import subprocess
import sys

import pytest
from wasmtime import wat2wasm

from wasmforge.host import HostError, InstancePoisoned, Module, WasmTrap, load

SMALL = wat2wasm("""
(module
  (import "env" "f" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "one") (result i32) i32.const 1)
  (func (export "boom") unreachable))
""")
IMPORTS = {"env": {"f": abs}}


def test_module_lists_imports_and_exports():
    module = Module(SMALL)
    assert [str(i) for i in module.imports] == ["env.f: func (i32) -> i32"]
    assert [(e.name, e.kind) for e in module.exports] == [("memory", "memory"), ("one", "func"), ("boom", "func")]


def test_one_module_loads_into_independent_instances():
    module = Module(SMALL)
    first, second = load(module, IMPORTS), load(module, IMPORTS)
    first.memory.write(0, b"x")
    assert second.memory.read(0, 1) == b"\0"


def test_text_modules_are_accepted():
    assert load(b'(module (func (export "two") (result i32) i32.const 2))').exports.two() == 2


def test_garbage_is_one_clear_error():
    with pytest.raises(HostError, match=r"<bytes>: not a wasm module"):
        Module(b"\x01\x02garbage")


def test_calls_after_close_raise():
    inst = load(SMALL, IMPORTS)
    one = inst.exports.one
    inst.close()
    with pytest.raises(InstancePoisoned, match="closed"):
        one()


def test_memory_after_close_raises_instead_of_crashing():
    with load(SMALL, IMPORTS) as inst:
        memory = inst.memory
    with pytest.raises(HostError, match="closed instance"):
        memory.read(0, 1)


def test_unnamed_frames_take_their_export_name():
    inst = load(SMALL, IMPORTS)
    with pytest.raises(WasmTrap) as info:
        inst.exports.boom()
    assert info.value.frames[0].name == "boom"


def test_wasmtime_store_and_instance_are_reachable():
    inst = load(SMALL, IMPORTS)
    func = inst.wasmtime_instance.exports(inst.store)["one"]
    assert func(inst.store) == 1


def test_importing_the_host_layer_does_not_import_wasmtime():
    code = "import sys, wasmforge.host; print('wasmtime' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_v128_globals_are_refused_instead_of_aborting():
    wat = b'(module (global (export "g") v128 (v128.const i64x2 0 0)))'
    with pytest.raises(HostError, match=r"export g \(v128\) passes values the host layer cannot handle"):
        Module(wat)
