"""Property: a module built from random items encodes canonically, reads back to the same items,
and re-encodes to the same bytes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from wasmforge.binary import (
    OPCODES,
    AbsHeap,
    ConstExpr,
    Export,
    ExternKind,
    FuncType,
    Global,
    GlobalType,
    HeapType,
    Import,
    Limits,
    MemoryType,
    NumType,
    RefType,
    SectionId,
    build_module,
    read_module,
    reencode,
)
from wasmforge.binary.encoder import encode_body

valtypes = st.sampled_from([NumType.I32, NumType.I64, NumType.F32, NumType.F64, NumType.V128,
                            RefType(True, HeapType(AbsHeap.FUNC)), RefType(True, HeapType(AbsHeap.EXTERN)),
                            RefType(False, HeapType(None, 0))])
functypes = st.builds(FuncType, st.tuples(*[valtypes] * 2), st.lists(valtypes, max_size=3).map(tuple))
names = st.text(min_size=0, max_size=12)
u32 = st.integers(min_value=0, max_value=2**32 - 1)

# Instructions whose immediates are plain integers, so any value encodes and decodes again.
INT_OPS = [op for op in OPCODES if op.imms in ((), ("local",), ("global",), ("func",), ("label",))
           and op.name not in ("end", "else", "block", "loop", "if", "try", "catch", "catch_all", "delegate")]
instructions = st.lists(
    st.tuples(st.sampled_from(INT_OPS), u32).map(lambda t: (0, t[0], t[1] if t[0].imms else None)),
    max_size=30,
)
END = (0, next(op for op in OPCODES if op.name == "end"), None)
CONST = (0, next(op for op in OPCODES if op.name == "i32.const"), None)


def _const(value: int) -> ConstExpr:
    return ConstExpr([(0, CONST[1], value), END], memoryview(b""))


@settings(max_examples=200, deadline=None)
@given(
    types=st.lists(functypes, min_size=1, max_size=4),
    imports=st.lists(st.tuples(names, names), max_size=3),
    bodies=st.lists(st.tuples(st.lists(st.tuples(st.integers(1, 5), valtypes), max_size=3), instructions),
                    min_size=1, max_size=4),
    exports=st.lists(names, max_size=3, unique=True),
    globals_=st.lists(st.integers(-(2**31), 2**31 - 1), max_size=3),
)
def test_built_module_round_trips(types, imports, bodies, exports, globals_):
    sections = {
        SectionId.TYPE: types,
        SectionId.IMPORT: [Import(m, n, ExternKind.FUNC, 0) for m, n in imports],
        SectionId.FUNCTION: [0] * len(bodies),
        SectionId.MEMORY: [MemoryType(Limits(1, 2))],
        SectionId.GLOBAL: [Global(GlobalType(NumType.I32, True), _const(v)) for v in globals_],
        SectionId.EXPORT: [Export(name, ExternKind.FUNC, 0) for name in exports],
        SectionId.CODE: [encode_body(locals_, body + [END]) for locals_, body in bodies],
    }
    data = build_module(sections, customs=[("note", b"\x01\x02")])
    module = read_module(data, lazy=False)
    assert reencode(module) == data
    assert [t.comp for t in module.types] == types
    assert [(i.module, i.name) for i in module.imports] == imports
    assert [e.name for e in module.exports] == exports
    assert [g.init.value() for g in module.globals] == globals_
    for body, (locals_, instrs) in zip(module.code, bodies):
        assert body.locals == locals_
        assert [(op, imm) for _, op, imm in body.instructions()] == [(op, imm) for _, op, imm in instrs + [END]]
