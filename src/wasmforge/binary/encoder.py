"""The encoder: modules back to bytes.

``encode(module)`` returns the module's bytes unchanged (a read module is its own best
encoding). ``encode_items`` writes a section's payload canonically from decoded or
hand-built items; ``build_module`` assembles a whole module from items, and
``replace_sections`` splices new payloads into an existing module, leaving every other
byte as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from wasmforge.binary._items import (
    ConstExpr,
    DataSegment,
    ElementSegment,
    Export,
    Global,
    Import,
    NameSection,
    Table,
)
from wasmforge.binary.instructions import encode_instructions, encode_valtype
from wasmforge.binary.leb128 import encode_unsigned as u32
from wasmforge.binary.module import ITEM_ATTRIBUTES, MAGIC, VERSION, FunctionBody, Module, SectionId, read_module
from wasmforge.binary.types import (
    ArrayType,
    FieldType,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    PackedType,
    RecGroup,
    StructType,
    SubType,
    TableType,
    TagType,
)


def _name(s: str) -> bytes:
    b = s.encode("utf-8")
    return u32(len(b)) + b


def _vec(items: Sequence[Any], enc: Callable[[Any], bytes]) -> bytes:
    return u32(len(items)) + b"".join(enc(i) for i in items)


def _limits(lim: Limits) -> bytes:
    out = bytes((lim.flags,)) + u32(lim.min)
    if lim.max is not None:
        out += u32(lim.max)
    if lim.page_size_log2 is not None:
        out += u32(lim.page_size_log2)
    return out


def _field(f: FieldType) -> bytes:
    st = bytes((f.storage.value,)) if isinstance(f.storage, PackedType) else encode_valtype(f.storage)
    return st + bytes((1 if f.mutable else 0,))


def _comptype(c: Any) -> bytes:
    if isinstance(c, FuncType):
        return b"\x60" + _vec(c.params, encode_valtype) + _vec(c.results, encode_valtype)
    if isinstance(c, StructType):
        return b"\x5f" + _vec(c.fields, _field)
    if isinstance(c, ArrayType):
        return b"\x5e" + _field(c.field)
    raise TypeError(f"not a composite type: {c!r}")


def _subtype(t: SubType) -> bytes:
    if not t.explicit and t.final and not t.supertypes:
        return _comptype(t.comp)
    return (b"\x4f" if t.final else b"\x50") + _vec(t.supertypes, u32) + _comptype(t.comp)


def _rec_group(g: RecGroup | SubType | FuncType) -> bytes:
    if isinstance(g, FuncType):
        return _comptype(g)
    if isinstance(g, SubType):
        return _subtype(g)
    if not g.explicit and len(g.types) == 1:
        return _subtype(g.types[0])
    return b"\x4e" + _vec(g.types, _subtype)


def _table_type(t: TableType) -> bytes:
    return encode_valtype(t.elem) + _limits(t.limits)


def _global_type(t: GlobalType) -> bytes:
    return encode_valtype(t.type) + bytes(((1 if t.mutable else 0) | (2 if t.shared else 0),))


def _expr(e: ConstExpr | Sequence[Any]) -> bytes:
    instrs = e.instructions if isinstance(e, ConstExpr) else e
    return encode_instructions(instrs)


def _import(i: Import) -> bytes:
    out = _name(i.module) + _name(i.name) + bytes((int(i.kind),))
    d = i.desc
    if isinstance(d, int):
        return out + u32(d)
    if isinstance(d, TableType):
        return out + _table_type(d)
    if isinstance(d, MemoryType):
        return out + _limits(d.limits)
    if isinstance(d, GlobalType):
        return out + _global_type(d)
    if isinstance(d, TagType):
        return out + bytes((d.attribute,)) + u32(d.type_index)
    raise TypeError(f"unknown import description {d!r}")


def _table(t: Table | TableType) -> bytes:
    if isinstance(t, TableType):
        return _table_type(t)
    if t.init is not None:
        return b"\x40\x00" + _table_type(t.type) + _expr(t.init)
    return _table_type(t.type)


def _global(g: Global) -> bytes:
    return _global_type(g.type) + _expr(g.init)


def _export(e: Export) -> bytes:
    return _name(e.name) + bytes((int(e.kind),)) + u32(e.index)


def _element(e: ElementSegment) -> bytes:
    f = e.flags
    out = bytearray(u32(f))
    if f & 1 == 0:
        if f & 2:
            out += u32(e.table)
        assert e.offset_expr is not None
        out += _expr(e.offset_expr)
    if f & 3:  # flags 1, 2, 3, 5, 6, 7 carry the element kind or type
        out += encode_valtype(e.type) if f & 4 else b"\x00"
    out += u32(len(e.items))
    for item in e.items:
        out += _expr(item) if f & 4 else u32(item)
    return bytes(out)


def _data(d: DataSegment) -> bytes:
    out = bytearray(u32(d.flags))
    if d.flags == 2:
        out += u32(d.memory)
    if d.offset_expr is not None:
        out += _expr(d.offset_expr)
    out += u32(len(d.data)) + bytes(d.data)
    return bytes(out)


def encode_body(locals: Sequence[tuple[int, Any]], instructions: Iterable[Any]) -> bytes:
    """A function body (with its size prefix) from local runs and instructions."""
    body = _vec(locals, lambda run: u32(run[0]) + encode_valtype(run[1])) + encode_instructions(instructions)
    return u32(len(body)) + body


def _code(b: FunctionBody | bytes) -> bytes:
    if isinstance(b, (bytes, bytearray)):
        return bytes(b)
    return encode_body(b.locals, b.instructions())


def _name_map(m: dict[int, str]) -> bytes:
    return _vec(sorted(m.items()), lambda kv: u32(kv[0]) + _name(kv[1]))


def _indirect(m: dict[int, dict[int, str]]) -> bytes:
    return _vec(sorted(m.items()), lambda kv: u32(kv[0]) + _name_map(kv[1]))


def encode_name_section(n: NameSection) -> bytes:
    """The content of a ``name`` custom section (without the section's own name)."""
    out = bytearray()

    def sub(i: int, payload: bytes) -> None:
        out.extend(bytes((i,)) + u32(len(payload)) + payload)

    if n.module is not None:
        sub(0, _name(n.module))
    for i, attr, enc in (
        (1, "functions", _name_map), (2, "locals", _indirect), (3, "labels", _indirect), (4, "types", _name_map),
        (5, "tables", _name_map), (6, "memories", _name_map), (7, "globals", _name_map), (8, "elems", _name_map),
        (9, "datas", _name_map), (10, "fields", _indirect), (11, "tags", _name_map),
    ):
        value = getattr(n, attr)
        if value:
            sub(i, enc(value))
    return bytes(out)


def encode_producers(fields: dict[str, list[tuple[str, str]]]) -> bytes:
    """The content of a ``producers`` custom section."""
    return _vec(list(fields.items()), lambda kv: _name(kv[0]) + _vec(kv[1], lambda p: _name(p[0]) + _name(p[1])))


def encode_target_features(features: Sequence[tuple[str, str]]) -> bytes:
    """The content of a ``target_features`` custom section."""
    return _vec(features, lambda f: f[0].encode() + _name(f[1]))


_ITEM_ENCODERS: dict[SectionId, Callable[[Any], bytes]] = {
    SectionId.TYPE: lambda items: _vec(items, _rec_group),
    SectionId.IMPORT: lambda items: _vec(items, _import),
    SectionId.FUNCTION: lambda items: _vec(items, u32),
    SectionId.TABLE: lambda items: _vec(items, _table),
    SectionId.MEMORY: lambda items: _vec(items, lambda m: _limits(m.limits)),
    SectionId.GLOBAL: lambda items: _vec(items, _global),
    SectionId.EXPORT: lambda items: _vec(items, _export),
    SectionId.START: u32,
    SectionId.ELEMENT: lambda items: _vec(items, _element),
    SectionId.DATA_COUNT: u32,
    SectionId.CODE: lambda items: _vec(items, _code),
    SectionId.DATA: lambda items: _vec(items, _data),
    SectionId.TAG: lambda items: _vec(items, lambda t: bytes((t.attribute,)) + u32(t.type_index)),
}


def encode_items(section: SectionId, items: Any) -> bytes:
    """A standard section's payload, canonically encoded from its items."""
    return _ITEM_ENCODERS[section](items)


def section_bytes(section: SectionId | str, payload: bytes) -> bytes:
    """A whole section: id, size and payload; a ``str`` names a custom section."""
    if isinstance(section, str):
        payload = _name(section) + payload
        return b"\x00" + u32(len(payload)) + payload
    return bytes((int(section),)) + u32(len(payload)) + payload


def build_module(
    sections: dict[SectionId, Any] | None = None, customs: Sequence[tuple[str, bytes]] = ()
) -> bytes:
    """A module encoded canonically from items: ``{SectionId.TYPE: [FuncType(...)], ...}``.

    Empty sections are left out; custom sections come last.
    """
    sections = sections or {}
    out = bytearray(MAGIC + VERSION)
    for sid, _ in ITEM_ATTRIBUTES:
        items = sections.get(sid)
        if items is None or (isinstance(items, list) and not items):
            continue
        out += section_bytes(sid, encode_items(sid, items))
    for name, data in customs:
        out += section_bytes(name, bytes(data))
    return bytes(out)


def reencode(module: Module) -> bytes:
    """The module re-encoded canonically from its decoded items (custom sections kept as they are).

    Equal to the original bytes for modules written canonically; a check of the decoder and
    encoder against each other.
    """
    out = bytearray(MAGIC + VERSION)
    for s in module.sections:
        if s.id == SectionId.CUSTOM:
            out += module.buffer[s.offset : s.end]
            continue
        attr = dict(ITEM_ATTRIBUTES)[s.id]
        out += section_bytes(s.id, encode_items(s.id, getattr(module, attr)))
    return bytes(out)


def encode(module: Module) -> bytes:
    """The module's bytes: identical to the input for a module read and not edited."""
    return bytes(module.buffer)


def replace_sections(
    module: Module,
    replace: dict[SectionId | str, Any] | None = None,
    *,
    drop: Callable[[Any], bool] | None = None,
    append_customs: Sequence[tuple[str, bytes]] = (),
) -> Module:
    """A new module: sections in ``replace`` re-encoded from items (or raw ``bytes`` payloads),
    sections for which ``drop(section)`` is true left out, custom sections appended; every other
    section is copied byte for byte. The input module is not changed.
    """
    replace = dict(replace or {})
    out = bytearray(MAGIC + VERSION)
    for s in module.sections:
        if drop is not None and drop(s):
            continue
        key: SectionId | str = s.name if s.id == SectionId.CUSTOM else s.id
        if key in replace:
            value = replace.pop(key)
            if value is None:
                continue
            if s.id == SectionId.CUSTOM:
                out += section_bytes(s.name, bytes(value))
            else:
                payload = bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else encode_items(s.id, value)
                out += section_bytes(s.id, payload)
        else:
            out += module.buffer[s.offset : s.end]
    if replace:
        raise KeyError(f"no such section to replace: {', '.join(map(str, replace))}")
    for name, data in append_customs:
        out += section_bytes(name, bytes(data))
    return read_module(bytes(out))
