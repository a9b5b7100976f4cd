"""``garbage`` against a reference walk written from the specification: what instantiation needs
(exports, the start function, active element and data segments, and every index an item's
definition or code names) is never listed as garbage (data segments and globals, which
``garbage`` lists apart as possible false positives, aside). Over every valid testsuite module and
smith's GC modules (GC types name each other: a type keeps the types it refers to and its
recursion group).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.reference import oracle, smith
from wasmforge.analysis import ItemKind, build
from wasmforge.binary import (
    ArrayType,
    ExternKind,
    FuncType,
    Module,
    StructType,
    WasmDecodeError,
    read_module,
    references,
)

_SPACE_OF = {ExternKind.FUNC: "func", ExternKind.TABLE: "table", ExternKind.MEMORY: "memory",
             ExternKind.GLOBAL: "global", ExternKind.TAG: "tag"}


def _value_types(t: Any) -> list[int]:
    heap = getattr(t, "heap", None)
    return [heap.index] if heap is not None and heap.index is not None else []


def _type_refs(m: Module, index: int) -> list[tuple[str, int]]:
    st = m.types[index]
    out = [("type", s) for s in st.supertypes]
    comp = st.comp
    if isinstance(comp, FuncType):
        for t in (*comp.params, *comp.results):
            out += [("type", i) for i in _value_types(t)]
    elif isinstance(comp, StructType):
        for f in comp.fields:
            out += [("type", i) for i in _value_types(f.storage)]
    elif isinstance(comp, ArrayType):
        out += [("type", i) for i in _value_types(comp.field.storage)]
    for group in m.rec_groups:  # a type stays with its recursion group
        first = sum(len(g.types) for g in m.rec_groups[: m.rec_groups.index(group)])
        if first <= index < first + len(group.types):
            out += [("type", i) for i in range(first, first + len(group.types))]
            break
    return out


def _expr_refs(instructions: Any) -> list[tuple[str, int]]:
    return [r for _, op, imm in instructions if op.refs for r in references(op, imm)
            if r[0] not in ("label", "local")]


def reference_reachable(m: Module) -> set[tuple[str, int]]:
    """(space, index) of every item instantiation needs, by the specification's references."""
    imported = {k: m.num_imported(k) for k in ExternKind}
    import_of: dict[tuple[str, int], Any] = {}
    seen = dict.fromkeys(ExternKind, 0)
    for imp in m.imports:
        import_of[(_SPACE_OF[imp.kind], seen[imp.kind])] = imp
        seen[imp.kind] += 1

    def refs(space: str, i: int) -> list[tuple[str, int]]:
        if (space, i) in import_of:
            imp = import_of[(space, i)]
            if space == "func":
                return [("type", imp.desc)]
            if space == "tag":
                return [("type", imp.desc.type_index)]
            if space == "global":
                return [("type", t) for t in _value_types(imp.desc.type)]
            if space == "table":
                return [("type", t) for t in _value_types(imp.desc.elem)]
            return []
        if space == "func":
            body = m.code[i - imported[ExternKind.FUNC]]
            return [("type", m.functions[i - imported[ExternKind.FUNC]]), *_expr_refs(body.instructions())]
        if space == "type":
            return _type_refs(m, i)
        if space == "global":
            g = m.globals[i - imported[ExternKind.GLOBAL]]
            return [("type", t) for t in _value_types(g.type.type)] + _expr_refs(g.init.instructions)
        if space == "table":
            t = m.tables[i - imported[ExternKind.TABLE]]
            out = [("type", x) for x in _value_types(t.type.elem)]
            return out + (_expr_refs(t.init.instructions) if t.init is not None else [])
        if space == "tag":
            return [("type", m.tags[i - imported[ExternKind.TAG]].type_index)]
        if space == "elem":
            seg = m.elements[i]
            out = [("func", f) for f in seg.function_indices] + [("type", x) for x in _value_types(seg.type)]
            if seg.flags & 4:
                for item in seg.items:
                    out += _expr_refs(item.instructions)
            if seg.offset_expr is not None:
                out += [("table", seg.table), *_expr_refs(seg.offset_expr.instructions)]
            return out
        if space == "data":
            seg = m.data_segments[i]
            return [("memory", seg.memory), *_expr_refs(seg.offset_expr.instructions)] if seg.offset_expr else []
        return []

    todo = [(_SPACE_OF[e.kind], e.index) for e in m.exports]
    if m.start is not None:
        todo.append(("func", m.start))
    todo += [("elem", i) for i, s in enumerate(m.elements) if s.mode == "active"]
    todo += [("data", i) for i, s in enumerate(m.data_segments) if s.mode == "active"]
    reached: set[tuple[str, int]] = set()
    while todo:
        item = todo.pop()
        if item in reached:
            continue
        reached.add(item)
        todo.extend(refs(*item))
    return reached


def _item_keys(m: Module, graph: Any) -> dict[int, tuple[str, int]]:
    """Graph item -> (space, index), for the kinds the graph lists in index order."""
    out: dict[int, tuple[str, int]] = {}
    counters: dict[ItemKind, int] = {}
    first = {ItemKind.GLOBAL: m.num_imported(ExternKind.GLOBAL), ItemKind.TAG: m.num_imported(ExternKind.TAG)}
    space = {ItemKind.TYPE: "type", ItemKind.GLOBAL: "global", ItemKind.TAG: "tag", ItemKind.ELEMENT: "elem",
             ItemKind.DATA: "data"}
    for item, kind in enumerate(graph.kinds):
        if kind == ItemKind.FUNCTION:
            out[item] = ("func", graph.function_index[item])
        elif kind in space:
            n = counters.get(kind, 0)
            counters[kind] = n + 1
            out[item] = (space[kind], first.get(kind, 0) + n)
    return out


def _false_garbage(data: bytes) -> list[tuple[str, int]]:
    m = read_module(data)
    graph = build(m)
    keys = _item_keys(m, graph)
    needed = reference_reachable(m)
    reach = graph.reachable
    # Data segments and globals are listed apart, as possible false positives (read by address or
    # by host code the graph cannot see): only what garbage lists as removable is checked.
    listed = [i for i in keys if not reach[i] and not graph.kinds[i].is_data]
    return sorted(keys[i] for i in listed if keys[i] in needed)


def test_testsuite_garbage_is_never_needed():
    entries = [e for e in oracle.testsuite("valid") if "custom-descriptors" not in e.path.parent.name]
    if not entries:
        pytest.skip("the testsuite corpus is not present")
    wrong = {}
    for e in entries:
        try:
            found = _false_garbage(e.path.read_bytes())
        except WasmDecodeError:
            continue
        if found:
            wrong[e.id] = found
    assert wrong == {}


def test_smith_gc_garbage_is_never_needed():
    wrong = {}
    for k, data in smith.generate("gc-exceptions-tail-calls", smith.count()):
        found = _false_garbage(data)
        if found:
            wrong[k] = found
    assert wrong == {}


def test_array_new_data_keeps_its_segment_and_type():
    wat = """(module (type $a (array i8)) (memory 1) (data $d "hi")
      (func (export "f") (result (ref $a)) (array.new_data $a $d (i32.const 0) (i32.const 2))))"""
    data = oracle.run("parse", "-", input=wat.encode()).stdout
    graph = build(data)
    kept = {graph.names[i] for i in range(len(graph)) if graph.reachable[i]}
    assert any(n.startswith("type[0]") for n in kept) and any(n.startswith("data") for n in kept)
    assert _false_garbage(data) == []
