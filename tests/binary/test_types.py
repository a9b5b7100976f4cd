"""GC, typed function references, exceptions, memory64 and threads — written as WAT here because
the spec corpus lacks most of them — decode into the expected types and round-trip."""

import wasmtime

from wasmforge.binary import (
    AbsHeap,
    ArrayType,
    ExternKind,
    FuncType,
    HeapType,
    NumType,
    PackedType,
    RefType,
    StructType,
    encode_instructions,
    encode_items,
    read_module,
)
from wasmforge.binary.encoder import ITEM_ATTRIBUTES

GC_WAT = """
(module
  (rec
    (type $node (sub (struct (field $val i32) (field $next (ref null $node)))))
    (type $leaf (sub final $node (struct (field i32) (field (ref null $node)) (field (mut i8))))))
  (type $bytes (array (mut i8)))
  (type $fn (func (param (ref $bytes)) (result i32)))
  (global $g (ref null $node) (ref.null $node))
  (func $len (type $fn) (array.len (local.get 0)))
  (func $make (result (ref $node))
    (struct.new $node (i32.const 1) (ref.null $node)))
  (func $cast (param anyref) (result i32)
    (block $b (result (ref $node))
      (br_on_cast $b anyref (ref $node) (local.get 0))
      (drop) (return (i32.const 0)))
    (struct.get $node $val))
  (func $call (param (ref $fn) (ref $bytes)) (result i32)
    (call_ref $fn (local.get 1) (local.get 0)))
)
"""


def _round_trips(module) -> None:
    items = dict(ITEM_ATTRIBUTES)
    for section in module.sections:
        if section.is_custom:
            continue
        if section.name == "code":
            for body in module.code:
                assert encode_instructions(body.instructions()) == bytes(body.code)
        else:
            assert encode_items(section.id, getattr(module, items[section.id])) == bytes(section.payload)


def test_gc_types():
    module = read_module(wasmtime.wat2wasm(GC_WAT), lazy=False)
    groups = module.rec_groups
    assert groups[0].explicit and len(groups[0].types) == 2
    node, leaf, arr, fn = module.types[:4]
    assert not node.final and node.explicit
    assert node.comp == StructType(node.comp.fields)
    assert node.comp.fields[1].storage == RefType(True, HeapType(None, 0))
    assert leaf.final and leaf.supertypes == (0,)
    assert leaf.comp.fields[2].storage is PackedType.I8 and leaf.comp.fields[2].mutable
    assert arr.comp == ArrayType(arr.comp.field) and arr.comp.field.storage is PackedType.I8
    assert fn.comp == FuncType((RefType(False, HeapType(None, 2)),), (NumType.I32,))
    _round_trips(module)


def test_gc_instructions():
    module = read_module(wasmtime.wat2wasm(GC_WAT))
    names = [ins[1].name for body in module.code for ins in body.instructions()]
    for expected in ("array.len", "struct.new", "br_on_cast", "struct.get", "call_ref", "ref.null"):
        assert expected in names
    cast = next(ins for body in module.code for ins in body.instructions() if ins[1].name == "br_on_cast")
    flags, label, source, target = cast[2]
    assert source == HeapType(AbsHeap.ANY) and target == HeapType(None, 0) and label == 0


def test_exceptions_and_tags():
    wat = """(module (tag $e (param i32)) (export "e" (tag $e))
      (func (result i32)
        (block $h (result i32 exnref)
          (try_table (catch_ref $e $h) (throw $e (i32.const 7)))
          (unreachable))
        (drop)))"""
    module = read_module(wasmtime.wat2wasm(wat), lazy=False)
    assert len(module.tags) == 1 and module.tags[0].attribute == 0
    assert module.exports[0].kind == ExternKind.TAG
    try_table = next(i for i in module.code[0].instructions() if i[1].name == "try_table")
    assert try_table[2][1] == ((1, 0, 0),)
    _round_trips(module)


def test_memory64_and_shared_memory():
    module = read_module(wasmtime.wat2wasm("(module (memory i64 1 2) (memory 1 1 shared))"), lazy=False)
    first, second = module.memories
    assert first.limits.is64 and first.limits.max == 2
    assert second.limits.shared
    _round_trips(module)


def test_typed_select_and_table_initialiser():
    wat = """(module (type $t (func)) (table 2 (ref null $t) (ref.null $t))
      (func (param funcref funcref i32) (result funcref)
        (select (result funcref) (local.get 0) (local.get 1) (local.get 2))))"""
    module = read_module(wasmtime.wat2wasm(wat), lazy=False)
    assert module.tables[0].init is not None
    select = next(i for i in module.code[0].instructions() if i[1].name == "select")
    assert select[2] == (RefType(True, HeapType(AbsHeap.FUNC)),)
    _round_trips(module)


def test_wide_arithmetic():
    wat = """(module (func (export "add") (param i64 i64 i64 i64) (result i64 i64)
      (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3))))"""
    module = read_module(wasmtime.wat2wasm(wat), lazy=False)
    assert [i[1].name for i in module.code[0].instructions()][-2:] == ["i64.add128", "end"]
    _round_trips(module)


def test_entry_offsets_mark_where_each_entry_starts():
    from wasmforge.binary import SectionId

    module = read_module(wasmtime.wat2wasm(GC_WAT))
    types = module.section(SectionId.TYPE)
    offsets = module.entry_offsets(SectionId.TYPE)
    assert len(offsets) == len(module.types)
    # the first type of the explicit rec group starts at the group's 0x4e prefix
    assert module.buffer[offsets[0]] == 0x4E and offsets[0] > types.start
    assert offsets == sorted(offsets) and offsets[-1] < types.end
    assert module.entry_offsets(SectionId.EXPORT) == [e.offset for e in module.exports]
    assert module.entry_offsets(SectionId.CODE) == [b.offset for b in module.code]
    assert module.entry_offsets(SectionId.MEMORY) == []  # no such section


def test_local_spans_cover_each_run_of_locals():
    module = read_module(wasmtime.wat2wasm("(module (func (local i32 i32) (local i64)))"))
    body = module.code[0]
    assert body.locals == [(2, NumType.I32), (1, NumType.I64)]
    assert [bytes(module.buffer[a:b]) for a, b in body.local_spans] == [b"\x02\x7f", b"\x01\x7e"]
