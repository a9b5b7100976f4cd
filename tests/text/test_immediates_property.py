"""Property: any instruction of the opcode table, with any immediate, prints to text that
wasmtime's assembler turns back into the same instruction (flat and folded). Bodies are random
and need not validate: the assembler does not type-check, so every immediate form gets exercised."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.text.roundtrip import _expr, assemble, to_text
from wasmforge.binary import (
    OPCODES,
    AbsHeap,
    FuncType,
    HeapType,
    Limits,
    MemoryType,
    NumType,
    RefType,
    SectionId,
    build_module,
    read_module,
)
from wasmforge.binary.encoder import encode_body

STRUCTURAL = {"block", "loop", "if", "else", "end", "try", "catch", "catch_all", "delegate", "try_table"}
small = st.integers(min_value=0, max_value=3)
heaptypes = st.one_of(st.sampled_from([HeapType(AbsHeap.FUNC), HeapType(AbsHeap.EXTERN), HeapType(AbsHeap.ANY),
                                       HeapType(AbsHeap.I31)]), st.just(HeapType(None, 0)))
valtypes = st.sampled_from([NumType.I32, NumType.I64, NumType.F32, NumType.F64, NumType.V128,
                            RefType(True, HeapType(AbsHeap.FUNC)), RefType(False, HeapType(None, 0))])
IMMEDIATE = {
    "label": small, "func": small, "type": st.just(0), "table": small, "memory": small, "local": small,
    "global": small, "tag": small, "elem": small, "data": small, "field": small, "u32": small,
    "memarg": st.tuples(st.integers(0, 4), st.integers(0, 2**32), st.integers(0, 2)),
    "i32": st.integers(-(2**31), 2**31 - 1), "i64": st.integers(-(2**63), 2**63 - 1),
    "f32": st.integers(0, 2**32 - 1), "f64": st.integers(0, 2**64 - 1), "v128": st.binary(min_size=16, max_size=16),
    "shuffle": st.lists(st.integers(0, 31), min_size=16, max_size=16).map(bytes), "lane": st.integers(0, 15),
    "zero": st.just(0), "select_t": st.tuples(valtypes), "heaptype": heaptypes, "ref_nonnull": heaptypes,
    "ref_null": heaptypes, "br_table": st.tuples(st.lists(small, max_size=4).map(tuple), small),
    "br_on_cast": st.tuples(st.integers(0, 3), small, heaptypes, heaptypes),
}


def _immediate(op):
    if not op.imms:
        return st.none()
    if op.imms == ("memarg", "lane"):
        return st.tuples(IMMEDIATE["memarg"], IMMEDIATE["lane"])
    if len(op.imms) == 1:
        return IMMEDIATE[op.imms[0]]
    return st.tuples(*(IMMEDIATE[k] for k in op.imms))


FLAT = [op for op in OPCODES if op.name not in STRUCTURAL]
BY_NAME = {op.name: op for op in OPCODES if op.name in STRUCTURAL}
instruction = st.sampled_from(FLAT).flatmap(lambda op: _immediate(op).map(lambda imm: (0, op, imm)))
blocktypes = st.sampled_from([None, NumType.I32, NumType.V128, 0])


@st.composite
def bodies(draw, depth=0):
    """A balanced instruction sequence: flat instructions and nested block/loop/if(/else)."""
    out = []
    for _ in range(draw(st.integers(0, 6))):
        if depth < 3 and draw(st.integers(0, 4)) == 0:
            kind = draw(st.sampled_from(["block", "loop", "if"]))
            out.append((0, BY_NAME[kind], draw(blocktypes)))
            out += draw(bodies(depth + 1))
            if kind == "if" and draw(st.booleans()):
                out.append((0, BY_NAME["else"], None))
                out += draw(bodies(depth + 1))
            out.append((0, BY_NAME["end"], None))
        else:
            out.append(draw(instruction))
    return out


@settings(max_examples=300, deadline=None)
@given(body=bodies(), fold=st.booleans())
def test_random_instructions_survive_printing(body, fold):
    end = (0, BY_NAME["end"], None)
    data = build_module({
        SectionId.TYPE: [FuncType()],
        SectionId.FUNCTION: [0],
        SectionId.MEMORY: [MemoryType(Limits(1))],
        SectionId.DATA_COUNT: 0,  # memory.init and data.drop need it
        SectionId.CODE: [encode_body([(1, NumType.I32)], body + [end])],
    })
    module = read_module(data)
    again = read_module(assemble(to_text(module, fold=fold)))
    # Compared as roundtrip.items does (a block type index of an empty signature may come back inline).
    assert _expr(again.code[0].instructions(), again) == _expr(body + [end], module)
