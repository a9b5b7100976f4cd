"""Small wasm-bindgen modules written by hand (section encoded here, WAT for the code): the
generator binds a well-formed one end to end, and refuses forged names and wrong ABIs."""

from __future__ import annotations

import importlib
import json
import struct
import sys

import pytest
import wasmtime

from wasmforge.bindgen.python import GenerateError
from wasmforge.bindgen.wasm_bindgen import generate, section

HASH = "0123456789abcdef"


def _u32(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _s(text: str) -> bytes:
    raw = text.encode()
    return _u32(len(raw)) + raw


def _vec(items: list[bytes]) -> bytes:
    return _u32(len(items)) + b"".join(items)


def _function(name: str, args: list[str]) -> bytes:
    # args (name, ty_override, optional, desc), asyncness, jspi, name, generate_typescript,
    # generate_jsdoc, variadic, ret_ty_override, ret_desc: the field order of schema 0.2.130.
    arg_data = [_s(a) + b"\x00" + b"\x00" + b"\x00" for a in args]
    return _vec(arg_data) + b"\x00\x00" + _s(name) + b"\x01\x01\x00" + b"\x00\x00"


def _export(name: str, args: list[str], docs: list[str] = ()) -> bytes:  # type: ignore[assignment]
    # class, comments, consumed, function, js_namespace, method_kind (Operation: static, Regular), start
    return b"\x00" + _vec([_s(d) for d in docs]) + b"\x00" + _function(name, args) + b"\x00" + b"\x01\x01\x00" + b"\x00"


def _program(exports: list[bytes], schema: str = section.SCHEMAS[-1]) -> bytes:
    body = (
        _vec(exports) + _vec([]) + _vec([]) + _vec([]) + _vec([]) + _vec([]) + _vec([])
        + _s(f"forged-{HASH}") + _s("forged") + b"\x00" + _vec([])
    )
    prefix = json.dumps({"schema_version": schema, "version": schema}, separators=(",", ":")).encode()
    return struct.pack("<I", len(prefix)) + prefix + struct.pack("<I", len(body)) + body


def _module(program: bytes, export: str, describe_words: list[int], func: str) -> bytes:
    calls = " ".join(f"i32.const {w} call $d" for w in describe_words)
    wat = f"""(module
      (import "__wbindgen_placeholder__" "__wbindgen_describe" (func $d (param i32)))
      (memory (export "memory") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "__wbindgen_malloc") (param i32 i32) (result i32)
        (local $p i32) global.get $bump local.set $p
        global.get $bump local.get 0 i32.add i32.const 7 i32.add i32.const -8 i32.and global.set $bump
        local.get $p)
      (func (export "__wbindgen_free") (param i32 i32 i32))
      (func (export "__externref_table_alloc") (result i32) i32.const 2000)
      (func (export "__externref_table_dealloc") (param i32))
      (func (export "__wbindgen_describe_{export}") {calls})
      {func})"""
    wasm = bytearray(wasmtime.wat2wasm(wat))
    payload = _s("__wasm_bindgen_unstable") + program
    return bytes(wasm + b"\x00" + _u32(len(payload)) + payload)


ADD = f'(func (export "add_{HASH}") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)'
ADD_WORDS = [15, 0, 2, 4, 4, 4, 4]  # fn(i32, i32) -> i32


def test_hand_written_module_is_bound_end_to_end(tmp_path) -> None:
    wasm = _module(_program([_export("add", ["a", "b"], [" Adds."])]), f"add_{HASH}", ADD_WORDS, ADD)
    binding = generate.bind(wasm)
    files = generate.render(binding, "forged_add")
    target = tmp_path / "forged_add"
    for name, text in files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(text, encoding="utf-8")
    (target / "forged_add.wasm").write_bytes(generate.shipped_module(wasm, binding))
    sys.path.insert(0, str(tmp_path))
    try:
        pkg = importlib.import_module("forged_add")
        assert pkg.add(2, 40) == 42 and pkg.add.__doc__ == "Adds."
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("forged_add", None)


@pytest.mark.parametrize(
    ("name", "arg", "message"),
    [
        ("add", "a); import os; (", "parameter 'a); import os; (' is not a valid identifier"),
        ("add", "_wbg", "parameter '_wbg' starts with '_'"),
        ("add", "__class__", "parameter '__class__' starts with '_'"),
    ],
)
def test_forged_names_never_become_code(name: str, arg: str, message: str) -> None:
    wasm = _module(_program([_export(name, [arg, "b"])]), f"add_{HASH}", ADD_WORDS, ADD)
    with pytest.raises(GenerateError) as info:
        generate.bind(wasm)
    assert message in info.value.message


def test_forged_export_name_is_refused() -> None:
    wasm = _module(_program([_export("add()\nimport os", ["a", "b"])]), f"add_{HASH}", ADD_WORDS, ADD)
    with pytest.raises(GenerateError, match="names outside"):
        generate.bind(wasm)


def test_docs_enter_the_glue_as_data() -> None:
    doc = '"""\nimport os\n"""'
    wasm = _module(_program([_export("add", ["a", "b"], [doc])]), f"add_{HASH}", ADD_WORDS, ADD)
    glue = generate.render(generate.bind(wasm), "forged_doc")["__init__.py"]
    assert f"add.__doc__ = {doc!r}" in glue and "\nimport os\n" not in glue


def test_descriptor_that_disagrees_with_the_wasm_type_is_refused() -> None:
    # The stream says fn(i64, i32) -> i32, the export takes (i32, i32).
    wasm = _module(_program([_export("add", ["a", "b"])]), f"add_{HASH}", [15, 0, 2, 6, 4, 4, 4], ADD)
    with pytest.raises(GenerateError, match="refusing to bind it with the wrong ABI"):
        generate.bind(wasm)


def test_unknown_schema_in_a_module_is_refused() -> None:
    wasm = _module(_program([_export("add", ["a", "b"])], schema="0.2.99"), f"add_{HASH}", ADD_WORDS, ADD)
    with pytest.raises(section.SectionError, match="wasm-bindgen schema version 0.2.99"):
        generate.bind(wasm)
