"""The printer against the reference toolchain (the native ``wasm-tools``): every valid module of
the WebAssembly testsuite and a few thousand ``wasm-tools smith`` modules, printed flat and
folded, re-assemble with ``wasm-tools`` to a module that ``wasm-tools print`` prints exactly as
it prints the input. Modules come back byte for byte in most cases; only those that differ are
printed (a name section or padded integers written otherwise, for example).

``WASMFORGE_SMITH=N`` runs N smith modules per profile instead of the default suite's count.
"""

from __future__ import annotations

import difflib

import pytest

from tests.reference import oracle, smith
from tests.text.roundtrip import items, to_text
from wasmforge.binary import WasmDecodeError, read_module

#: the one proposal whose modules the binary layer does not decode (see the README).
UNSUPPORTED = "custom-descriptors"


def _disagreements(modules: list[tuple[str, bytes]], **options: object) -> list[str]:
    """One line per module whose text does not come back as the same module."""
    texts = [to_text(read_module(data), **options) for _, data in modules]
    out = []
    for (name, data), again in zip(modules, oracle.assemble_many(texts)):
        if isinstance(again, str):
            out.append(f"{name}: wasm-tools cannot assemble the text: {again.splitlines()[0]}")
        elif again != data:
            theirs, ours = oracle.print_text(data), oracle.print_text(again)
            if theirs != ours:
                diff = list(difflib.unified_diff(theirs.splitlines(), ours.splitlines(), lineterm="", n=0))[2:6]
                out.append(f"{name}: prints differently: {diff}")
    return out


def _valid_modules() -> list[tuple[str, bytes]]:
    entries = oracle.testsuite("valid")
    if not entries:
        pytest.skip("the testsuite corpus is not present")
    out = []
    for e in entries:
        data = e.path.read_bytes()
        try:
            read_module(data, lazy=False)
        except WasmDecodeError:
            assert UNSUPPORTED in e.path.parent.name, f"{e.path.name} does not decode"
            continue
        out.append((e.path.name, data))
    return out


@pytest.fixture(scope="module")
def valid_modules() -> list[tuple[str, bytes]]:
    return _valid_modules()


@pytest.mark.parametrize("fold", [False, True], ids=["flat", "fold"])
def test_every_valid_testsuite_module_prints_as_the_reference(valid_modules, fold):
    oracle.wasm_tools()
    assert len(valid_modules) > 2400
    assert _disagreements(valid_modules, fold=fold) == []


@pytest.mark.parametrize("profile", list(smith.PROFILES))
def test_smith_modules_print_as_the_reference(profile):
    modules = [(f"{profile} seed {k}", data) for k, data in smith.generate(profile, smith.count())]
    assert len(modules) > smith.count() // 2
    assert _disagreements(modules) == []
    assert _disagreements(modules, fold=True) == []


def test_generated_names_change_nothing_but_names():
    modules = smith.generate("gc-exceptions-tail-calls", max(smith.count() // 2, 20))
    texts = [to_text(read_module(data), generate_names=True) for _, data in modules]
    assert any("block $B" in t or "loop $L" in t for t in texts)  # labels get names too
    for (k, data), again in zip(modules, oracle.assemble_many(texts)):
        assert not isinstance(again, str), f"seed {k}: {again}"
        assert items(read_module(again)) == items(read_module(data)), f"seed {k}"


def test_struct_field_and_type_param_names_are_printed():
    wat = """(module
      (type $point (struct (field $x i32) (field $y (mut f64))))
      (type $sig (func (param $a i32) (param i64)))
      (func (param (ref $point)) (result i32) local.get 0 struct.get $point $x))"""
    data = oracle.run("parse", "-", input=wat.encode()).stdout
    text = to_text(read_module(data))
    assert "(struct (field $x i32) (field $y (mut f64)))" in text
    assert "(func (param $a i32) (param i64))" in text
    assert "struct.get $point $x" in text
    assert _disagreements([("fields", data)]) == []


def test_bottom_reference_types_use_the_null_spelling():
    wat = """(module (func (result nullref nullfuncref nullexternref nullexnref)
      ref.null none ref.null nofunc ref.null noextern ref.null noexn))"""
    data = oracle.run("parse", "-", input=wat.encode()).stdout
    text = to_text(read_module(data))
    assert "(result nullref nullfuncref nullexternref nullexnref)" in text
    assert _disagreements([("bottom types", data)]) == []


def test_table_initializer_is_an_expression():
    wat = """(module (global $g i32 (i32.const 1))
      (table $t 3 3 (ref i31) (ref.i31 (global.get $g))))"""
    data = oracle.run("parse", "-", input=wat.encode()).stdout
    text = to_text(read_module(data))
    assert "(table $t 3 3 (ref i31) (global.get $g) (ref.i31))" in text
    assert _disagreements([("table init", data)]) == []
