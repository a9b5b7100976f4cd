"""Section items: the dataclasses a module's sections decode into, and their decoders.

Loaded on first use of a section's items (``Module.imports`` …), never by reading headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wasmforge.binary.module import Section, _Cursor
from wasmforge.binary.types import (
    FUNCREF,
    ArrayType,
    CompType,
    ExternKind,
    FieldType,
    FuncType,
    GlobalType,
    MemoryType,
    PackedType,
    RefType,
    StructType,
    SubType,
    TableType,
    TagType,
)

if TYPE_CHECKING:
    from wasmforge.binary.instructions import Instruction


@dataclass(frozen=True, slots=True)
class ConstExpr:
    """A constant expression (global initialiser, segment offset)."""

    instructions: list[Instruction] = field(compare=False)
    raw: memoryview = field(repr=False, compare=False)
    start: int = 0
    end: int = 0

    def value(self) -> int | None:
        """The constant, when the expression is a single ``*.const`` (or ``global.get``: None)."""
        if len(self.instructions) == 2 and self.instructions[0][1].name in ("i32.const", "i64.const"):
            return int(self.instructions[0][2])
        return None


@dataclass(frozen=True, slots=True)
class Import:
    """An import: module and field names, kind, and its type (a type index for functions)."""

    module: str
    name: str
    kind: ExternKind
    desc: Any  # int | TableType | MemoryType | GlobalType | TagType
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Export:
    """An export: name, kind and index in that kind's index space."""

    name: str
    kind: ExternKind
    index: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Table:
    """A defined table, with its initialiser when the function-references form is used."""

    type: TableType
    init: ConstExpr | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Global:
    """A defined global."""

    type: GlobalType
    init: ConstExpr
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ElementSegment:
    """An element segment; ``flags`` is its encoding (0-7)."""

    flags: int
    mode: str  # "active" | "passive" | "declarative"
    table: int
    offset_expr: ConstExpr | None
    type: RefType
    items: list[Any]  # func indices (flags 0-3) or ConstExpr (4-7)
    offset: int = 0
    end: int = 0

    @property
    def function_indices(self) -> list[int]:
        """The functions this segment names (``ref.func`` of expression items included)."""
        if self.flags < 4:
            return list(self.items)
        return [i[2] for e in self.items for i in e.instructions if i[1].name == "ref.func"]


@dataclass(frozen=True, slots=True)
class DataSegment:
    """A data segment; ``flags`` is its encoding (0-2)."""

    flags: int
    mode: str  # "active" | "passive"
    memory: int
    offset_expr: ConstExpr | None
    data: memoryview = field(repr=False)
    offset: int = 0  # the segment's first byte in the file
    data_start: int = 0  # where its bytes start
    end: int = 0


@dataclass(frozen=True, slots=True)
class CustomSection:
    """A custom section: name and content (after the name)."""

    name: str
    data: memoryview = field(repr=False)
    section: Section = field(repr=False)


@dataclass(frozen=True, slots=True)
class NameSection:
    """The ``name`` custom section's subsections, as index → name maps."""

    module: str | None = None
    functions: dict[int, str] = field(default_factory=dict)
    locals: dict[int, dict[int, str]] = field(default_factory=dict)
    labels: dict[int, dict[int, str]] = field(default_factory=dict)
    types: dict[int, str] = field(default_factory=dict)
    tables: dict[int, str] = field(default_factory=dict)
    memories: dict[int, str] = field(default_factory=dict)
    globals: dict[int, str] = field(default_factory=dict)
    elems: dict[int, str] = field(default_factory=dict)
    datas: dict[int, str] = field(default_factory=dict)
    fields: dict[int, dict[int, str]] = field(default_factory=dict)
    tags: dict[int, str] = field(default_factory=dict)
    #: names of function types' params (subsection 12, as wasm-tools writes ``(param $x i32)`` in a type).
    type_params: dict[int, dict[int, str]] = field(default_factory=dict)
    #: (subsection id, absolute start, absolute end) of every subsection, for size profiling.
    subsections: list[tuple[int, int, int]] = field(default_factory=list)


NAME_SUBSECTIONS = {
    0: "module", 1: "functions", 2: "locals", 3: "labels", 4: "types", 5: "tables", 6: "memories",
    7: "globals", 8: "elems", 9: "datas", 10: "fields", 11: "tags",
    12: "type_params",
}



def _import(c: _Cursor) -> Import:
    at = c.pos
    module = c.name("an import's module name")
    name = c.name("an import's field name")
    kind_at = c.pos
    kind = c.u8("an import kind")
    if kind == 0:
        desc: Any = c.u32("a type index")
    elif kind == 1:
        desc = _table_type(c)
    elif kind == 2:
        desc = MemoryType(c.limits())
    elif kind == 3:
        desc = _global_type(c)
    elif kind == 4:
        desc = _tag(c)
    else:
        raise c.error(f"unknown import kind 0x{kind:02x}", kind_at)
    return Import(module, name, ExternKind(kind), desc, at)


def _tag(c: _Cursor) -> TagType:
    return TagType(c.u8("a tag attribute"), c.u32("a tag type index"))


def _table(c: _Cursor) -> Table:
    at = c.pos
    if c.peek() == 0x40:  # the function-references form: a table type and an initialiser
        c.pos += 1
        if c.u8("a table prefix") != 0:
            raise c.error("expected 0x00 after 0x40 in a table", c.pos - 1)
        tt = _table_type(c)
        return Table(tt, c.const_expr(), at)
    return Table(_table_type(c), None, at)


def _global(c: _Cursor) -> Global:
    at = c.pos
    gt = _global_type(c)
    return Global(gt, c.const_expr(), at)


def _export(c: _Cursor) -> Export:
    at = c.pos
    name = c.name("an export name")
    kind_at = c.pos
    kind = c.u8("an export kind")
    if kind > 4:
        raise c.error(f"unknown export kind 0x{kind:02x}", kind_at)
    return Export(name, ExternKind(kind), c.u32("an export index"), at)


def _data_segment(c: _Cursor) -> DataSegment:
    at = c.pos
    flags = c.u32("data segment flags")
    offset: ConstExpr | None
    if flags == 0:
        mode, memory, offset = "active", 0, c.const_expr()
    elif flags == 1:
        mode, memory, offset = "passive", 0, None
    elif flags == 2:
        memory = c.u32("a memory index")
        mode, offset = "active", c.const_expr()
    else:
        raise c.error(f"invalid data segment flags {flags}", at)
    n = c.u32("the length of a data segment")
    data_start = c.pos
    data = c.bytes(n, "a data segment")
    return DataSegment(flags, mode, memory, offset, data, at, data_start, c.pos)


def _storage(c: _Cursor) -> Any:
    b = c.peek()
    if b == 0x78:
        c.pos += 1
        return PackedType.I8
    if b == 0x77:
        c.pos += 1
        return PackedType.I16
    return c.valtype()


def _field(c: _Cursor) -> FieldType:
    st = _storage(c)
    at = c.pos
    mut = c.u8("field mutability")
    if mut > 1:
        raise c.error(f"invalid mutability 0x{mut:02x}", at)
    return FieldType(st, bool(mut))


def _comptype(c: _Cursor) -> CompType:
    at = c.pos
    form = c.u8("a type form")
    if form == 0x60:
        params = tuple(c.valtype() for _ in range(c.count("parameters")))
        results = tuple(c.valtype() for _ in range(c.count("results")))
        return FuncType(params, results)
    if form == 0x5F:
        return StructType(tuple(_field(c) for _ in range(c.count("struct fields", 2))))
    if form == 0x5E:
        return ArrayType(_field(c))
    raise c.error(f"unknown type form 0x{form:02x}", at)


def _subtype(c: _Cursor) -> SubType:
    b = c.peek()
    if b in (0x50, 0x4F):
        c.pos += 1
        supers = tuple(c.u32("a supertype index") for _ in range(c.count("supertypes")))
        return SubType(_comptype(c), b == 0x4F, supers, True)
    return SubType(_comptype(c))


def _table_type(c: _Cursor) -> TableType:
    elem = c.reftype()
    return TableType(elem, c.limits())


def _global_type(c: _Cursor) -> GlobalType:
    t = c.valtype()
    at = c.pos
    flags = c.u8("global mutability")
    if flags > 3:
        raise c.error(f"invalid global mutability 0x{flags:02x}", at)
    return GlobalType(t, bool(flags & 1), bool(flags & 2))


def _element(c: _Cursor) -> ElementSegment:
    at = c.pos
    flags = c.u32("element segment flags")
    if flags > 7:
        raise c.error(f"invalid element segment flags {flags}", at)
    table = 0
    offset = None
    if flags & 1 == 0:
        mode = "active"
        if flags & 2:
            table = c.u32("a table index")
        offset = c.const_expr()
    else:
        mode = "declarative" if flags & 2 else "passive"
    uses_exprs = bool(flags & 4)
    if flags in (0, 4):
        etype = FUNCREF if flags == 0 else RefType(True, FUNCREF.heap)
    elif uses_exprs:
        etype = c.reftype()
    else:
        kind_at = c.pos
        kind = c.u8("an element kind")
        if kind != 0:
            raise c.error(f"unknown element kind 0x{kind:02x}", kind_at)
        etype = FUNCREF
    n = c.count("element items")
    items: list[Any] = [c.const_expr() for _ in range(n)] if uses_exprs else [c.u32("a function index") for _ in range(n)]
    return ElementSegment(flags, mode, table, offset, etype, items, at, c.pos)


def _name_map(c: _Cursor) -> dict[int, str]:
    out = {}
    for _ in range(c.count("names", 2)):
        idx = c.u32("an index")
        out[idx] = c.name("a name")
    return out


def _indirect_name_map(c: _Cursor) -> dict[int, dict[int, str]]:
    out = {}
    for _ in range(c.count("name maps", 2)):
        idx = c.u32("an index")
        out[idx] = _name_map(c)
    return out


def _name_section(buf: memoryview, s: Section, path: str | None) -> NameSection:
    c = _Cursor(buf, s.content_start, s.end, "name", path)
    fields: dict[str, Any] = {}
    subsections = []
    while c.pos < c.end:
        at = c.pos
        sub_id = c.u8("a name subsection id")
        size = c.u32("a name subsection size")
        if size > c.end - c.pos:
            raise c.error(f"name subsection {sub_id} of {size} bytes runs past the end of the section", at)
        sub = _Cursor(buf, c.pos, c.pos + size, "name", path)
        kind = NAME_SUBSECTIONS.get(sub_id)
        if kind == "module":
            fields["module"] = sub.name("the module name")
        elif kind in ("locals", "labels", "fields", "type_params"):
            fields[kind] = _indirect_name_map(sub)
        elif kind is not None:
            fields[kind] = _name_map(sub)
        # Unknown subsections are skipped, as the specification says.
        if kind is not None:
            sub.done(f"the {kind} name subsection")
        c.pos += size
        subsections.append((sub_id, at, c.pos))
    return NameSection(subsections=subsections, **fields)


