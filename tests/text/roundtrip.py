"""Helpers of the round-trip tests: print a module, assemble the text, compare the two modules.

The comparison is over *decoded items* of every non-custom section, not raw bytes: linkers write
padded 5-byte LEB128s that an assembler writes canonically, so the byte-exact check is
"the items decode equal". A few encoding choices the text format cannot state are normalised:
local declarations compare as the expanded list of types, a block type written as a type index
compares as its inline form when it has no params and at most one result, the data count section
is optional (its value must agree when both have it), a data segment's flags compare by mode and
memory, and a sub type's explicit ``sub final`` form compares as its shorthand.
"""

from __future__ import annotations

from typing import Any

import wasmtime

from wasmforge.binary import FuncType, Module, read_module
from wasmforge.text import PrintOptions, StringSink, print_module


def to_text(module: Module, **options: Any) -> str:
    sink = StringSink()
    print_module(module, sink, PrintOptions(**options))
    return sink.getvalue()


def assemble(text: str) -> bytes:
    return bytes(wasmtime.wat2wasm(text))


def _expr(instrs: list[Any], module: Module) -> list[Any]:
    out = []
    for _, op, imm in instrs:
        if "blocktype" in op.imms or op.imms == ("try_table",):
            bt = imm if op.imms == ("blocktype",) else imm[0]
            if isinstance(bt, int) and bt < len(module.types):
                comp = module.types[bt].comp
                if isinstance(comp, FuncType) and not comp.params and len(comp.results) <= 1:
                    bt = comp.results[0] if comp.results else None
            imm = bt if op.imms == ("blocktype",) else (bt, imm[1])
        out.append((op.name, op.code, op.prefix, imm))
    return out


def _const(e: Any, module: Module) -> Any:
    return None if e is None else _expr(e.instructions, module)


def _element(e: Any, m: Module, loose: bool) -> Any:
    if loose and (e.flags < 4 or all(len(i.instructions) == 2 and i.instructions[0][1].name == "ref.func"
                                     for i in e.items)):
        # The encoding (table index written or not, functions as indices or as ref.func) aside.
        return (e.mode, e.table, _const(e.offset_expr, m), e.type, e.function_indices)
    return (e.flags, e.mode, e.table, _const(e.offset_expr, m), e.type,
            [_const(i, m) for i in e.items] if e.flags & 4 else list(e.items))


def items(module: Module, *, exports_as_set: bool = False, loose_elements: bool = False) -> dict[str, Any]:
    """The comparable content of a module's non-custom sections.

    ``loose_elements`` compares element segments by what they hold, not how they are encoded
    (for assemblers that pick the compact encoding, like wabt's).
    """
    m = module
    exports = [(e.name, e.kind, e.index) for e in m.exports]
    return {
        "types": [[(st.comp, st.final, st.supertypes) for st in g.types] for g in m.rec_groups],
        "rec": [g.explicit or len(g.types) != 1 for g in m.rec_groups],
        "imports": [(i.module, i.name, i.kind, i.desc) for i in m.imports],
        "functions": list(m.functions),
        "tables": [(t.type, _const(t.init, m)) for t in m.tables],
        "memories": list(m.memories),
        "tags": list(m.tags),
        "globals": [(g.type, _const(g.init, m)) for g in m.globals],
        "exports": sorted(exports) if exports_as_set else exports,
        "start": m.start,
        "elements": [_element(e, m, loose_elements) for e in m.elements],
        "code": [
            ([t for n, t in b.locals for _ in range(n)], _expr(b.instructions(), m)) for b in m.code
        ],
        "data": [(d.mode, d.memory, _const(d.offset_expr, m), bytes(d.data)) for d in m.data_segments],
    }


def check_round_trip(data: bytes, **options: Any) -> str:
    """Print, assemble and compare; returns the text. Raises AssertionError naming the first difference."""
    original = read_module(data)
    text = to_text(original, **options)
    again = read_module(assemble(text))
    a = items(original, exports_as_set=bool(options.get("inline_exports")))
    b = items(again, exports_as_set=bool(options.get("inline_exports")))
    for key in a:
        if a[key] != b[key]:
            if key == "code" and len(a[key]) == len(b[key]):
                for n, (x, y) in enumerate(zip(a[key], b[key])):
                    assert x == y, f"function body {n} differs"
            raise AssertionError(f"{key} section differs: {a[key]!r:.300} != {b[key]!r:.300}")
    if original.data_count is not None and again.data_count is not None:
        assert original.data_count == again.data_count
    return text
