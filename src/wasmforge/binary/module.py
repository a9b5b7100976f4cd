"""The module reader: a lazy, zero-copy view of a module's sections and their items.

``read_module`` walks only the section headers; each section's items decode the first
time they are asked for (``functools.cached_property``), and function bodies decode only
when ``FunctionBody.instructions()`` is called. Every offset is absolute in the file.
"""

from __future__ import annotations

import enum
import mmap
import os
from functools import cached_property

from wasmforge.binary.errors import MalformedImmediate as _Bad
from wasmforge.binary.errors import WasmDecodeError
from wasmforge.binary.leb128 import read_signed, read_unsigned

# typing is not imported at run time: it costs start-up time, and annotations are strings (PEP 563)
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from wasmforge.binary._items import (
        ConstExpr,
        CustomSection,
        DataSegment,
        ElementSegment,
        Export,
        Global,
        Import,
        NameSection,
        Table,
    )
    from wasmforge.binary.instructions import Instruction
    from wasmforge.binary.types import (
        ExternKind,
        FuncType,
        GlobalType,
        Limits,
        MemoryType,
        RecGroup,
        RefType,
        SubType,
        TableType,
        TagType,
        ValType,
    )


def _items() -> Any:
    # Section items (imports, exports, segments …) and the type classes load on first use,
    # so that reading section headers alone stays cheap for commands like ``headers``.
    from wasmforge.binary import _items

    return _items


_ITEM_NAMES = frozenset(
    ("ConstExpr", "Import", "Export", "Table", "Global", "ElementSegment", "DataSegment", "CustomSection",
     "NameSection", "NAME_SUBSECTIONS")
)


def __getattr__(name: str) -> Any:
    # Item classes used to live here; they are still importable from this module.
    if name in _ITEM_NAMES:
        return getattr(_items(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _instructions() -> Any:
    # The instruction decoder (and the opcode table behind it) loads on first use, so that
    # reading section headers alone stays cheap for commands like ``headers``.
    from wasmforge.binary import instructions

    return instructions


MAGIC = b"\0asm"
VERSION = b"\x01\0\0\0"


class SectionId(enum.IntEnum):
    """Section ids of the binary format."""

    CUSTOM = 0
    TYPE = 1
    IMPORT = 2
    FUNCTION = 3
    TABLE = 4
    MEMORY = 5
    GLOBAL = 6
    EXPORT = 7
    START = 8
    ELEMENT = 9
    CODE = 10
    DATA = 11
    DATA_COUNT = 12
    TAG = 13


SECTION_NAMES = {
    SectionId.TYPE: "type", SectionId.IMPORT: "import", SectionId.FUNCTION: "function",
    SectionId.TABLE: "table", SectionId.MEMORY: "memory", SectionId.GLOBAL: "global",
    SectionId.EXPORT: "export", SectionId.START: "start", SectionId.ELEMENT: "element",
    SectionId.CODE: "code", SectionId.DATA: "data", SectionId.DATA_COUNT: "datacount",
    SectionId.TAG: "tag",
}
# The order the specification requires of non-custom sections (tag sits between memory and global,
# data count between element and code).
_ORDER = {
    SectionId.TYPE: 1, SectionId.IMPORT: 2, SectionId.FUNCTION: 3, SectionId.TABLE: 4,
    SectionId.MEMORY: 5, SectionId.TAG: 6, SectionId.GLOBAL: 7, SectionId.EXPORT: 8,
    SectionId.START: 9, SectionId.ELEMENT: 10, SectionId.DATA_COUNT: 11, SectionId.CODE: 12,
    SectionId.DATA: 13,
}
_VECTOR_SECTIONS = frozenset(
    (SectionId.TYPE, SectionId.IMPORT, SectionId.FUNCTION, SectionId.TABLE, SectionId.MEMORY,
     SectionId.GLOBAL, SectionId.EXPORT, SectionId.ELEMENT, SectionId.CODE, SectionId.DATA, SectionId.TAG)
)


#: the attribute of Module holding each standard section's items, in section order.
ITEM_ATTRIBUTES: list[tuple[SectionId, str]] = [
    (SectionId.TYPE, "rec_groups"), (SectionId.IMPORT, "imports"), (SectionId.FUNCTION, "functions"),
    (SectionId.TABLE, "tables"), (SectionId.MEMORY, "memories"), (SectionId.TAG, "tags"),
    (SectionId.GLOBAL, "globals"), (SectionId.EXPORT, "exports"), (SectionId.START, "start"),
    (SectionId.ELEMENT, "elements"), (SectionId.DATA_COUNT, "data_count"), (SectionId.CODE, "code"),
    (SectionId.DATA, "data_segments"),
]


class _Cursor:
    """A position in a buffer, with the section name and file for error messages."""

    __slots__ = ("buf", "pos", "end", "section", "path")

    def __init__(self, buf: memoryview, pos: int, end: int, section: str | None, path: str | None) -> None:
        self.buf = buf
        self.pos = pos
        self.end = end
        self.section = section
        self.path = path

    def error(self, message: str, offset: int | None = None) -> WasmDecodeError:
        return WasmDecodeError(self.pos if offset is None else offset, self.section, message, path=self.path)

    def _need(self, n: int, what: str) -> None:
        if self.pos + n > self.end:
            raise self.error(f"unexpected end of data in {what}: {n} bytes needed, {self.end - self.pos} left")

    def u8(self, what: str = "a byte") -> int:
        self._need(1, what)
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def peek(self) -> int:
        self._need(1, "a byte")
        return self.buf[self.pos]

    def u32(self, what: str = "an integer") -> int:
        try:
            v, pos = read_unsigned(self.buf, self.pos, 32)
        except ValueError as e:
            raise self.error(f"{e} in {what}") from None
        if pos > self.end:
            raise self.error(f"unexpected end of data in {what}")
        self.pos = pos
        return v

    def u64(self, what: str = "an integer") -> int:
        try:
            v, pos = read_unsigned(self.buf, self.pos, 64)
        except ValueError as e:
            raise self.error(f"{e} in {what}") from None
        if pos > self.end:
            raise self.error(f"unexpected end of data in {what}")
        self.pos = pos
        return v

    def s33(self, what: str) -> int:
        try:
            v, pos = read_signed(self.buf, self.pos, 33)
        except ValueError as e:
            raise self.error(f"{e} in {what}") from None
        self.pos = pos
        return v

    def count(self, what: str, min_item_size: int = 1) -> int:
        """A vector length, checked against the bytes that remain before anything is allocated."""
        start = self.pos
        n = self.u32(f"the count of {what}")
        if n * min_item_size > self.end - self.pos:
            raise self.error(
                f"{what}: count {n} is larger than the {self.end - self.pos} bytes that remain", start
            )
        return n

    def bytes(self, n: int, what: str) -> memoryview:
        self._need(n, what)
        v = self.buf[self.pos : self.pos + n]
        self.pos += n
        return v

    def name(self, what: str = "a name") -> str:
        start = self.pos
        n = self.u32(f"the length of {what}")
        raw = self.bytes(n, what)
        try:
            return str(raw, "utf-8")
        except UnicodeDecodeError:
            raise self.error(f"{what} is not valid UTF-8", start) from None

    def _wrap(self, fn: Any) -> Any:
        try:
            value, pos = fn(self.buf, self.pos)
        except _Bad as bad:
            raise self.error(bad.reason, bad.offset) from None
        except IndexError:
            raise self.error("unexpected end of data in a type") from None
        if pos > self.end:
            raise self.error("unexpected end of data in a type")
        self.pos = pos
        return value

    def valtype(self) -> ValType:
        return self._wrap(_instructions().read_valtype)  # type: ignore[no-any-return]

    def reftype(self) -> RefType:
        from wasmforge.binary.types import RefType

        start = self.pos
        t = self.valtype()
        if not isinstance(t, RefType):
            raise self.error(f"expected a reference type, found {t}", start)
        return t

    def limits(self) -> Limits:
        start = self.pos
        flags = self.u8("limits")
        if flags & ~0x0F:
            raise self.error(f"invalid limits flags 0x{flags:02x}", start)
        is64 = bool(flags & 4)
        # Limits are u64 in the binary format (since memory64 merged); a 32-bit memory or table
        # beyond 2^32 is well-formed and left to the validator ("memory size").
        minimum = self.u64("the minimum of limits")
        maximum = self.u64("the maximum of limits") if flags & 1 else None
        page = self.u32("the page size") if flags & 8 else None
        if page is not None and page >= 64:
            raise self.error(f"invalid custom page size: 2^{page} bytes", start)
        from wasmforge.binary.types import Limits

        return Limits(minimum, maximum, bool(flags & 2), is64, page)

    def const_expr(self) -> ConstExpr:
        start = self.pos
        instrs, pos = _instructions().decode_const_expr(self.buf, self.pos, self.end, section=self.section, path=self.path)
        self.pos = pos
        return _items().ConstExpr(instrs, self.buf[start:pos], start, pos)  # type: ignore[no-any-return]

    def done(self, what: str) -> None:
        if self.pos != self.end:
            raise self.error(f"{self.end - self.pos} bytes left over at the end of {what}")


# --- items ----------------------------------------------------------------------------------

class Section:
    """A section header and its payload, as found in the file (immutable; equal when every field
    but the payload view is)."""

    # Written out rather than a dataclass: `dataclasses` imports `inspect` (and `ast`, `dis`, ...),
    # about a third of the start-up of `wasmforge headers`, which needs nothing else from it.
    __slots__ = ("id", "name", "offset", "start", "end", "payload", "count", "content_start")
    _FIELDS = ("id", "name", "offset", "start", "end", "count", "content_start")

    id: SectionId
    name: str
    offset: int  # the id byte
    start: int  # the payload, after the size
    end: int
    payload: memoryview
    count: int | None
    #: where a custom section's content begins (after its name); equal to ``start`` otherwise.
    content_start: int

    def __init__(self, id: SectionId, name: str, offset: int, start: int, end: int, payload: memoryview,
                 count: int | None = None, content_start: int = 0) -> None:
        for key, value in (("id", id), ("name", name), ("offset", offset), ("start", start), ("end", end),
                           ("payload", payload), ("count", count), ("content_start", content_start)):
            object.__setattr__(self, key, value)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"Section is immutable: cannot set {key!r}")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"Section is immutable: cannot delete {key!r}")

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, f) for f in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "Section(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in self._FIELDS) + ")"

    @property
    def size(self) -> int:
        """Payload size in bytes."""
        return self.end - self.start

    @property
    def header_size(self) -> int:
        """Bytes of the id and size fields."""
        return self.start - self.offset

    @property
    def is_custom(self) -> bool:
        return self.id == SectionId.CUSTOM


class FunctionBody:
    """A function body in the code section: locals and instructions decode on demand."""

    __slots__ = ("_module", "index", "offset", "start", "end", "_locals", "_local_spans", "_code_start")

    def __init__(self, module: Module, index: int, offset: int, start: int, end: int) -> None:
        self._module = module
        #: index in the function index space (imported functions first).
        self.index = index
        #: where the body's size field starts; ``start``..``end`` is the body itself.
        self.offset = offset
        self.start = start
        self.end = end
        self._locals: list[tuple[int, ValType]] | None = None
        self._local_spans: list[tuple[int, int]] = []
        self._code_start = -1

    def __repr__(self) -> str:
        return f"<FunctionBody {self.index} at 0x{self.start:x}, {self.end - self.start} bytes>"

    @property
    def size(self) -> int:
        """Bytes of the body including its size field."""
        return self.end - self.offset

    def _decode_locals(self) -> None:
        m = self._module
        c = _Cursor(m.buffer, self.start, self.end, "code", m.path)
        n = c.count("local declarations", 2)
        out = []
        spans = []
        total = 0
        for _ in range(n):
            at = c.pos
            k = c.u32("a local count")
            total += k
            if total > 50_000:
                raise c.error(f"too many locals ({total}); the limit is 50000")
            out.append((k, c.valtype()))
            spans.append((at, c.pos))
        self._local_spans = spans
        self._locals = out
        self._code_start = c.pos

    @property
    def locals(self) -> list[tuple[int, ValType]]:
        """Local declarations as (count, type) runs."""
        if self._locals is None:
            self._decode_locals()
        return self._locals  # type: ignore[return-value]

    @property
    def local_spans(self) -> list[tuple[int, int]]:
        """The absolute (start, end) byte range of each run of ``locals``."""
        if self._locals is None:
            self._decode_locals()
        return self._local_spans

    @property
    def code_start(self) -> int:
        """Where the instructions begin (after the local declarations)."""
        if self._locals is None:
            self._decode_locals()
        return self._code_start

    @property
    def code(self) -> memoryview:
        """The raw instruction bytes."""
        return self._module.buffer[self.code_start : self.end]

    def instructions(self) -> list[Instruction]:
        """Decode this body's instructions (not cached: large modules hold millions)."""
        m = self._module
        ins = _instructions()
        decoded: list[Instruction] = ins.decode_instructions(m.buffer, self.code_start, self.end, section="code",
                                                             path=m.path)
        if m.section(SectionId.DATA_COUNT) is None:
            ins.check_data_count(decoded, path=m.path)
        return decoded


# --- the module -----------------------------------------------------------------------------

class Module:
    """A module read from bytes or a file. Sections decode on first access.

    Hold it open while you use items that reference its buffer (payloads, data segments);
    ``close()`` (or ``with``) releases a memory-mapped file.
    """

    def __init__(self, buffer: memoryview, sections: list[Section], path: str | None = None,
                 mapping: mmap.mmap | None = None) -> None:
        self.buffer = buffer
        self.sections = sections
        self.path = path
        self._mmap = mapping
        self._by_id: dict[int, Section] = {s.id: s for s in sections if s.id != SectionId.CUSTOM}
        self._entry_offsets: dict[SectionId, list[int]] = {}

    # -- lifecycle --
    def close(self) -> None:
        """Release the file mapping (items that hold views of it must not be used afterwards)."""
        if self._mmap is not None:
            _release(self.buffer, self._mmap)
            self._mmap = None

    def __enter__(self) -> Module:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Module {self.path or '<bytes>'}: {len(self.sections)} sections, {self.size} bytes>"

    @property
    def size(self) -> int:
        """File size in bytes."""
        return len(self.buffer)

    def section(self, id: SectionId) -> Section | None:
        """The non-custom section with this id, if present."""
        return self._by_id.get(id)

    def custom_sections(self, name: str) -> list[Section]:
        """All custom sections with this name, in file order."""
        return [s for s in self.sections if s.id == SectionId.CUSTOM and s.name == name]

    def _cursor(self, id: SectionId) -> _Cursor | None:
        s = self._by_id.get(id)
        if s is None:
            return None
        return _Cursor(self.buffer, s.start, s.end, SECTION_NAMES[id], self.path)

    # -- sections --
    @cached_property
    def rec_groups(self) -> list[RecGroup]:
        """The type section as written: recursion groups of subtypes."""
        from wasmforge.binary.types import RecGroup

        subtype = _items()._subtype
        c = self._cursor(SectionId.TYPE)
        if c is None:
            return []
        groups = []
        offsets = self._entry_offsets[SectionId.TYPE] = []
        for _ in range(c.count("types")):
            offsets.append(c.pos)
            if c.peek() == 0x4E:
                c.pos += 1
                n = c.count("types of a recursion group")
                members = []
                for k in range(n):
                    if k:
                        offsets.append(c.pos)
                    members.append(subtype(c))
                if not members:
                    offsets.pop()  # an empty group holds no type
                groups.append(RecGroup(tuple(members), True))
            else:
                groups.append(RecGroup((subtype(c),), False))
        c.done("the type section")
        return groups

    @cached_property
    def types(self) -> list[SubType]:
        """The type index space (recursion groups flattened)."""
        return [t for g in self.rec_groups for t in g.types]

    def _vector(self, id: SectionId, what: str, min_item_size: int, item: Any) -> list[Any]:
        """Decode a vector section: its count, then ``item(cursor)`` that many times."""
        c = self._cursor(id)
        if c is None:
            return []
        out = []
        offsets = self._entry_offsets[id] = []
        for _ in range(c.count(what, min_item_size)):
            offsets.append(c.pos)
            out.append(item(c))
        c.done(f"the {SECTION_NAMES[id]} section")
        return out

    def entry_offsets(self, id: SectionId) -> list[int]:
        """Where each entry of a vector section starts (absolute), decoding the section if needed.

        For the type section there is one offset per type of the flattened index space; the
        first type of a recursion group starts at the group's ``rec`` prefix.
        """
        if id not in self._entry_offsets:
            getattr(self, dict(ITEM_ATTRIBUTES)[id])
        return self._entry_offsets.get(id, [])

    def _single(self, id: SectionId, what: str) -> int | None:
        """Decode a section holding one u32 (start, data count)."""
        c = self._cursor(id)
        if c is None:
            return None
        value = c.u32(what)
        c.done(f"the {SECTION_NAMES[id]} section")
        return value

    @cached_property
    def imports(self) -> list[Import]:
        """Imports in order."""
        return self._vector(SectionId.IMPORT, "imports", 4, _items()._import)

    @cached_property
    def functions(self) -> list[int]:
        """The type index of every defined function."""
        return self._vector(SectionId.FUNCTION, "functions", 1, lambda c: c.u32("a type index"))

    @cached_property
    def tables(self) -> list[Table]:
        """Defined tables."""
        return self._vector(SectionId.TABLE, "tables", 2, _items()._table)

    @cached_property
    def memories(self) -> list[MemoryType]:
        """Defined memories."""
        return self._vector(SectionId.MEMORY, "memories", 2, lambda c: _items().MemoryType(c.limits()))

    @cached_property
    def globals(self) -> list[Global]:
        """Defined globals."""
        return self._vector(SectionId.GLOBAL, "globals", 3, _items()._global)

    @cached_property
    def exports(self) -> list[Export]:
        """Exports in order."""
        return self._vector(SectionId.EXPORT, "exports", 3, _items()._export)

    @cached_property
    def start(self) -> int | None:
        """The start function's index."""
        return self._single(SectionId.START, "the start function index")

    @cached_property
    def elements(self) -> list[ElementSegment]:
        """Element segments."""
        return self._vector(SectionId.ELEMENT, "element segments", 2, _items()._element)

    @cached_property
    def data_count(self) -> int | None:
        """The data count section's value."""
        return self._single(SectionId.DATA_COUNT, "the data count")

    @cached_property
    def code(self) -> list[FunctionBody]:
        """Function bodies (sizes only are read here; contents decode on demand)."""
        from wasmforge.binary.types import ExternKind

        c = self._cursor(SectionId.CODE)
        if c is None:
            return []
        first = self.num_imported(ExternKind.FUNC)
        out = []
        for i in range(c.count("function bodies", 2)):
            at = c.pos
            size = c.u32("a function body size")
            if size > c.end - c.pos:
                raise c.error(f"function body {first + i} of {size} bytes runs past the end of the section", at)
            if size == 0:
                raise c.error(f"function body {first + i} is empty", at)
            out.append(FunctionBody(self, first + i, at, c.pos, c.pos + size))
            c.pos += size
        c.done("the code section")
        self._entry_offsets[SectionId.CODE] = [body.offset for body in out]
        return out

    @cached_property
    def data_segments(self) -> list[DataSegment]:
        """Data segments."""
        return self._vector(SectionId.DATA, "data segments", 2, _items()._data_segment)

    @cached_property
    def tags(self) -> list[TagType]:
        """Defined exception tags."""
        return self._vector(SectionId.TAG, "tags", 2, _items()._tag)

    @cached_property
    def customs(self) -> list[CustomSection]:
        """Custom sections in file order."""
        return [
            _items().CustomSection(s.name, self.buffer[s.content_start : s.end], s)
            for s in self.sections
            if s.id == SectionId.CUSTOM
        ]

    @cached_property
    def names(self) -> NameSection | None:
        """The ``name`` section, decoded (None when absent)."""
        secs = self.custom_sections("name")
        if not secs:
            return None
        return _items()._name_section(self.buffer, secs[0], self.path)  # type: ignore[no-any-return]

    @cached_property
    def producers(self) -> dict[str, list[tuple[str, str]]] | None:
        """The ``producers`` section: field → [(name, version)]."""
        secs = self.custom_sections("producers")
        if not secs:
            return None
        s = secs[0]
        c = _Cursor(self.buffer, s.content_start, s.end, "producers", self.path)
        out: dict[str, list[tuple[str, str]]] = {}
        for _ in range(c.count("producer fields")):
            key = c.name("a producers field name")
            out[key] = [(c.name("a producer name"), c.name("a producer version")) for _ in range(c.count("producers"))]
        c.done("the producers section")
        return out

    @cached_property
    def target_features(self) -> list[tuple[str, str]] | None:
        """The ``target_features`` section: (prefix, feature) pairs, prefix one of ``+ - =``."""
        secs = self.custom_sections("target_features")
        if not secs:
            return None
        s = secs[0]
        c = _Cursor(self.buffer, s.content_start, s.end, "target_features", self.path)
        out = []
        for _ in range(c.count("target features", 2)):
            prefix = chr(c.u8("a feature prefix"))
            out.append((prefix, c.name("a feature name")))
        c.done("the target_features section")
        return out

    # -- index spaces --
    @cached_property
    def _imported_counts(self) -> dict[ExternKind, int]:
        from wasmforge.binary.types import ExternKind

        counts = dict.fromkeys(ExternKind, 0)
        for imp in self.imports:
            counts[imp.kind] += 1
        return counts

    def num_imported(self, kind: ExternKind) -> int:
        """How many imports of this kind (they come first in the kind's index space)."""
        return self._imported_counts[kind]

    @cached_property
    def imported_functions(self) -> list[Import]:
        """Function imports, in function index order."""
        from wasmforge.binary.types import ExternKind

        return [i for i in self.imports if i.kind == ExternKind.FUNC]

    @property
    def num_functions(self) -> int:
        """Size of the function index space."""
        from wasmforge.binary.types import ExternKind

        return self.num_imported(ExternKind.FUNC) + len(self.functions)

    def function_type_index(self, func_index: int) -> int:
        """The type index of a function (imported or defined)."""
        from wasmforge.binary.types import ExternKind

        n = self.num_imported(ExternKind.FUNC)
        if func_index < n:
            return int(self.imported_functions[func_index].desc)
        return self.functions[func_index - n]

    def function_type(self, func_index: int) -> FuncType:
        """The signature of a function (imported or defined)."""
        from wasmforge.binary.types import FuncType

        comp = self.types[self.function_type_index(func_index)].comp
        if not isinstance(comp, FuncType):
            raise TypeError(f"function {func_index} has a non-function type")
        return comp

    def function_name(self, func_index: int) -> str | None:
        """The function's name from the name section, if any."""
        names = self.names
        return names.functions.get(func_index) if names else None

    def _space(self, kind: ExternKind, defined: list[Any]) -> list[Any]:
        return [i.desc for i in self.imports if i.kind == kind] + defined

    def global_type(self, index: int) -> GlobalType:
        """The type of a global (imported or defined)."""
        from wasmforge.binary.types import ExternKind

        return self._space(ExternKind.GLOBAL, [g.type for g in self.globals])[index]  # type: ignore[no-any-return]

    def table_type(self, index: int) -> TableType:
        """The type of a table (imported or defined)."""
        from wasmforge.binary.types import ExternKind

        return self._space(ExternKind.TABLE, [t.type for t in self.tables])[index]  # type: ignore[no-any-return]

    def memory_type(self, index: int) -> MemoryType:
        """The type of a memory (imported or defined)."""
        from wasmforge.binary.types import ExternKind

        return self._space(ExternKind.MEMORY, list(self.memories))[index]  # type: ignore[no-any-return]

    # -- whole-module checks --
    def decode_all(self) -> None:
        """Decode every section and every function body; raise on the first error."""
        for name in ("rec_groups", "imports", "functions", "tables", "memories", "tags", "globals",
                     "exports", "start", "elements", "data_count", "code", "data_segments"):
            getattr(self, name)
        for body in self.code:
            body.instructions()
        if len(self.code) != len(self.functions):
            raise WasmDecodeError(
                self._by_id[SectionId.CODE].start if SectionId.CODE in self._by_id else self.size, "code",
                f"{len(self.functions)} functions declared but {len(self.code)} bodies defined", path=self.path,
            )


# --- section item decoders ------------------------------------------------------------------

# --- reading --------------------------------------------------------------------------------

def _section_factory() -> Any:
    # A frozen dataclass's __init__ sets each field through object.__setattr__; the slots'
    # own setters do the same work at a third of the cost, which a file of a million sections feels.
    s_id, s_name, s_offset, s_start, s_end, s_payload, s_count, s_content = (
        Section.__dict__[f].__set__
        for f in ("id", "name", "offset", "start", "end", "payload", "count", "content_start"))
    new = object.__new__

    def make(id: SectionId, name: str, offset: int, start: int, end: int, payload: memoryview,
             count: int | None, content_start: int) -> Section:
        s = new(Section)
        s_id(s, id)
        s_name(s, name)
        s_offset(s, offset)
        s_start(s, start)
        s_end(s, end)
        s_payload(s, payload)
        s_count(s, count)
        s_content(s, content_start)
        return s

    return make


_new_section = _section_factory()
_SECTION_IDS = tuple(SectionId(i) for i in range(14))
_SECTION_LABELS = tuple(SECTION_NAMES.get(i, "custom") for i in _SECTION_IDS)


def _read_sections(buf: memoryview, path: str | None) -> list[Section]:
    return list(_scan_sections(buf, path))


def _scan_sections(buf: memoryview, path: str | None) -> Iterator[Section]:
    """The sections of ``buf`` one by one, checked as :func:`read_module` checks them (the
    counts that must agree, once the last section is read)."""
    size = len(buf)
    if size < 8:
        if bytes(buf[:4]) != MAGIC[:size] and size:
            raise WasmDecodeError(0, None, "not a WebAssembly module: bad magic number (expected \\0asm)", path=path)
        raise WasmDecodeError(size, None, f"file too short for a module header ({size} of 8 bytes)", path=path)
    if bytes(buf[:4]) != MAGIC:
        raise WasmDecodeError(0, None, "not a WebAssembly module: bad magic number (expected \\0asm)", path=path)
    version = bytes(buf[4:8])
    if version != VERSION:
        what = "a component (layer 1), not a core module" if version[2:4] == b"\x01\x00" else f"version {version.hex()}"
        raise WasmDecodeError(4, None, f"unsupported binary: {what} (expected version 1)", path=path)
    by_id: dict[SectionId, Section] = {}
    pos = 8
    last_rank = 0
    while pos < size:
        offset = pos
        sid = buf[pos]
        if sid > 13:
            raise WasmDecodeError(pos, None, f"unknown section id {sid}", path=path)
        # one-byte sizes and names are the common case: read them without a call (a file of a
        # million small sections spends its time here)
        length = buf[pos + 1] if pos + 1 < size else 0x80
        if length < 0x80:
            pos += 2
        else:
            try:
                length, pos = read_unsigned(buf, pos + 1, 32)
            except ValueError as e:
                raise WasmDecodeError(offset + 1, None, f"{e} in a section size", path=path) from None
        end = pos + length
        sid_e = _SECTION_IDS[sid]
        label = _SECTION_LABELS[sid]
        if end > size:
            raise WasmDecodeError(
                offset, label, f"section of {length} bytes runs past the end of the file ({size - pos} bytes left)",
                path=path,
            )
        payload = buf[pos:end]
        count: int | None = None
        content_start = pos
        name = label
        if sid == 0:
            if pos < end and buf[pos] == 0:
                name = ""
                content_start = pos + 1
            else:
                c = _Cursor(buf, pos, end, "custom", path)
                name = c.name("a custom section name")
                content_start = c.pos
        else:
            if sid_e in by_id:
                raise WasmDecodeError(offset, label, f"duplicate {label} section", path=path)
            rank = _ORDER[sid_e]
            if rank < last_rank:
                raise WasmDecodeError(offset, label, f"{label} section out of order", path=path)
            last_rank = rank
            if sid_e in _VECTOR_SECTIONS or sid_e == SectionId.DATA_COUNT:
                try:
                    count, after = read_unsigned(buf, pos, 32)
                except ValueError as e:
                    raise WasmDecodeError(pos, label, f"{e} in the section's count", path=path) from None
                if after > end:
                    raise WasmDecodeError(pos, label, "unexpected end of data in the section's count", path=path)
        section = _new_section(sid_e, name, offset, pos, end, payload, count, content_start)
        if sid:
            by_id[sid_e] = section
        yield section
        pos = end
    _check_counts(by_id, size, path)


def _check_counts(by_id: dict[SectionId, Section], size: int, path: str | None) -> None:
    """Sections that must agree in length do (a file cut at a section boundary fails here)."""
    functions, code = by_id.get(SectionId.FUNCTION), by_id.get(SectionId.CODE)
    declared = functions.count if functions is not None else 0
    defined = code.count if code is not None else 0
    if declared != defined:
        at = code.start if code is not None else size
        raise WasmDecodeError(at, "code", f"{declared} functions declared but {defined} bodies defined", path=path)
    data_count, data = by_id.get(SectionId.DATA_COUNT), by_id.get(SectionId.DATA)
    if data_count is not None and data_count.count != (data.count if data is not None else 0):
        at = data.start if data is not None else size
        raise WasmDecodeError(
            at, "data", f"the data count section says {data_count.count} segments but "
            f"{data.count if data is not None else 0} are defined", path=path,
        )


def _release(buf: memoryview, mapping: mmap.mmap) -> None:
    try:
        buf.release()
        mapping.close()
    except BufferError:
        # Views of the file (section payloads, data segments) are still alive elsewhere;
        # the mapping is freed when the last of them goes.
        pass


#: what a module can be read from: a path, or bytes already in memory
Source = str | os.PathLike[str] | bytes | bytearray | memoryview


def _open_buffer(source: Source) -> tuple[memoryview, mmap.mmap | None, str | None]:
    """The bytes of ``source`` without a copy (a file is memory-mapped), its mapping and path."""
    path: str | None = None
    mapping: mmap.mmap | None = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        buf = memoryview(source).cast("B") if isinstance(source, memoryview) else memoryview(source)
    else:
        path = os.fspath(source)
        try:
            with open(path, "rb") as f:
                if os.fstat(f.fileno()).st_size == 0:
                    buf = memoryview(b"")
                else:
                    mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                    buf = memoryview(mapping)
        except IsADirectoryError:
            from wasmforge.errors import WasmforgeError

            raise WasmforgeError(f"{path}: is a directory, expected a .wasm file") from None
        except OSError as e:
            from wasmforge.errors import WasmforgeError

            raise WasmforgeError(f"{path}: cannot read: {e.strerror}") from None
    return buf, mapping, path


class SectionScan:
    """The section headers of a module, read one at a time each time it is iterated, so a file of
    a million sections is listed in the memory of one (``wasmforge headers``). Iterating raises
    :class:`WasmDecodeError` where :func:`read_module` would. ``close()`` (or ``with``) releases
    a memory-mapped file."""

    def __init__(self, source: Source) -> None:
        self.buffer, self._mmap, self.path = _open_buffer(source)

    @property
    def size(self) -> int:
        """File size in bytes."""
        return len(self.buffer)

    def __iter__(self) -> Iterator[Section]:
        return _scan_sections(self.buffer, self.path)

    def single(self, section: Section, what: str) -> int:
        """The one u32 a start or data count section holds."""
        c = _Cursor(self.buffer, section.start, section.end, SECTION_NAMES.get(section.id, "custom"), self.path)
        value = c.u32(what)
        c.done(f"the {SECTION_NAMES.get(section.id, 'custom')} section")
        return value

    def close(self) -> None:
        """Release the file mapping."""
        if self._mmap is not None:
            _release(self.buffer, self._mmap)
            self._mmap = None

    def __enter__(self) -> SectionScan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def scan_sections(source: Source) -> SectionScan:
    """The section headers of a module (a path, memory-mapped, or bytes), read as they are
    iterated: nothing but the headers is decoded and nothing is kept."""
    return SectionScan(source)


def read_module(source: Source, lazy: bool = True) -> Module:
    """Read a module from a path (memory-mapped) or from bytes, without copying them.

    With ``lazy=False`` every section and function body decodes now, raising the first
    :class:`WasmDecodeError`; otherwise items decode when first used.
    """
    buf, mapping, path = _open_buffer(source)
    try:
        sections = _read_sections(buf, path)
    except WasmDecodeError:
        if mapping is not None:
            _release(buf, mapping)
        raise
    module = Module(buf, sections, path, mapping)
    if not lazy:
        module.decode_all()
        if module.names is not None:
            pass
    return module
