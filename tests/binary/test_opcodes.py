"""The opcode table: unique codes, every entry round-trips, and every mnemonic agrees with
what wasmtime's text assembler emits for it."""

import pytest
import wasmtime

from wasmforge.binary import OPCODES, HeapType, RefType, by_name, read_module, references
from wasmforge.binary.instructions import decode_instructions, encode_instruction

# Sample immediates in text syntax, one per immediate kind.
TEXT = {
    "label": "0", "func": "0", "type": "0", "table": "0", "memory": "0", "local": "0", "global": "0",
    "tag": "0", "elem": "0", "data": "0", "field": "0", "u32": "1", "memarg": "", "i32": "-7",
    "i64": "-9", "f32": "1.5", "f64": "-2.5", "v128": "i32x4 1 2 3 4",
    "shuffle": " ".join(map(str, range(16))), "lane": "1", "zero": "", "select_t": "(result i32)",
    "heaptype": "func", "ref_nonnull": "(ref func)", "ref_null": "(ref null func)", "br_table": "0",
    "blocktype": "", "try_table": "", "br_on_cast": "0 anyref anyref",
}
# Sample decoded immediates, per kind, for encode → decode round trips.
SAMPLE = {
    "label": 3, "func": 1, "type": 2, "table": 0, "memory": 0, "local": 200, "global": 1, "tag": 0,
    "elem": 1, "data": 2, "field": 1, "u32": 4, "memarg": (2, 1000, 0), "i32": -123456, "i64": 2**40,
    "f32": 0x7FC00001, "f64": 0x7FF8000000000001, "v128": bytes(range(16)), "shuffle": bytes(range(16)),
    "lane": 3, "zero": 0, "select_t": (), "br_table": ((0, 1, 2), 3), "blocktype": None,
    "try_table": (None, ((0, 1, 0), (2, None, 1))),
}
STRUCTURAL = {"end", "else", "catch", "catch_all", "delegate"}


def test_codes_are_unique():
    keys = [(op.prefix, op.code) for op in OPCODES]
    assert len(keys) == len(set(keys))


def test_names_are_unique_except_typed_variants():
    names = [op.name for op in OPCODES]
    duplicated = {n for n in names if names.count(n) > 1}
    # select has an untyped and a typed form; ref.test/ref.cast a non-null and a nullable one.
    assert duplicated == {"select", "ref.test", "ref.cast"}


@pytest.mark.parametrize("op", [op for op in OPCODES if all(k in SAMPLE for k in op.imms)], ids=lambda o: o.name)
def test_entry_round_trips(op):
    imm = None
    if op.imms:
        values = [SAMPLE[k] for k in op.imms]
        imm = values[0] if len(values) == 1 else tuple(values)
        if op.imms == ("memarg", "lane"):
            imm = (SAMPLE["memarg"], SAMPLE["lane"])
    # A body must nest: a block opener gets its end, a closer a block to close.
    opens = op.imms in (("blocktype",), ("try_table",))
    closes = op.name in ("end", "delegate")
    data = (b"\x02\x40" if closes else b"") + encode_instruction(op, imm) + (b"\x0b" if opens else b"") + b"\x0b"
    decoded = [(o, i) for _, o, i in decode_instructions(data, 0, len(data))]
    if closes:
        del decoded[0]
    if opens:
        del decoded[1]
    assert decoded == [(op, imm), (by_name("end"), None)]


@pytest.mark.parametrize("op", [op for op in OPCODES if op.name not in STRUCTURAL], ids=lambda o: f"{o.name}/{o.code}")
def test_mnemonic_matches_the_text_assembler(op):
    body = " ".join([op.name] + [TEXT[k] for k in op.imms])
    if op.imms == ("type", "table"):
        body = f"{op.name} 0 (type 0)"
    if op.imms and op.imms[0] in ("blocktype", "try_table"):
        body += " end"
    if op.name == "try":
        body = "try catch_all end"
    wat = (
        "(module (type (func)) (memory 1) (table 1 funcref) (global (mut i32) (i32.const 0)) (tag)"
        " (elem func 0) (data \"\") (type (struct (field i32)))"
        f" (func (local i32) {body}))"
    )
    module = read_module(wasmtime.wat2wasm(wat))
    assert op in [ins[1] for ins in module.code[0].instructions()]


# One distinct index per index space, so that every reference found names its space.
MARK = {"func": 11, "table": 12, "memory": 13, "global": 14, "local": 15, "type": 16, "data": 17, "elem": 18,
        "tag": 19, "label": 20}
_HEAP = HeapType(None, MARK["type"])
# Immediates whose every index-bearing field is set (a block type by index, concrete heap types).
INDEXED = {
    **{k: MARK[k] for k in MARK}, "memarg": (0, 8, MARK["memory"]), "blocktype": MARK["type"],
    "br_table": ((MARK["label"],), MARK["label"]),
    "try_table": (MARK["type"], ((0, MARK["tag"], MARK["label"]), (2, None, MARK["label"]))),
    "br_on_cast": (3, MARK["label"], _HEAP, _HEAP), "heaptype": _HEAP, "ref_null": _HEAP, "ref_nonnull": _HEAP,
    "select_t": (RefType(True, _HEAP),),
}


def _indexed_immediate(op):
    values = [INDEXED.get(k, SAMPLE.get(k)) for k in op.imms]
    if op.imms == ("memarg", "lane"):
        return (INDEXED["memarg"], SAMPLE["lane"])
    return values[0] if len(values) == 1 else tuple(values) if values else None


@pytest.mark.parametrize("op", OPCODES, ids=lambda o: f"{o.name}/{o.code}")
def test_declared_references_match_what_the_immediates_decode_to(op):
    imm = _indexed_immediate(op)
    # Decoded inside a body that nests (as the round-trip test builds it).
    opens = op.imms in (("blocktype",), ("try_table",))
    closes = op.name in ("end", "delegate")
    data = (b"\x02\x40" if closes else b"") + encode_instruction(op, imm) + (b"\x0b" if opens else b"") + b"\x0b"
    decoded_op, decoded = decode_instructions(data, 0, len(data))[1 if closes else 0][1:]
    assert decoded_op is op
    found = list(references(op, decoded))
    assert {space for space, _ in found} == set(op.refs)
    assert all(index == MARK[space] for space, index in found), found
