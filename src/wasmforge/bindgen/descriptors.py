"""Reading the ``wasmforge.descriptors`` custom section into dataclasses.

The support crate's macros write one record per exported function, class, method and
import (format: ``docs/descriptor-format.md``). :func:`read` collects them from a module;
:func:`parse` decodes the raw section bytes. A module built without the support crate
has no such section: its plain numeric exports are listed as :class:`RawExport` so the
generator can still give them typed bindings.
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field, replace
from os import PathLike
from typing import TYPE_CHECKING, Any

from wasmforge.bindgen.tags import (
    FLAT_ELEMENTS,
    FORMAT_VERSION,
    METHOD_CONSTRUCTOR,
    RUST_NAMES,
    Kind,
    Receiver,
    RecordKind,
)
from wasmforge.errors import WasmforgeError

if TYPE_CHECKING:
    from wasmforge.binary.module import Module

__all__ = [
    "FLAT_ELEMENTS",
    "FORMAT_VERSION",
    "SECTION_NAME",
    "RUNTIME_EXPORTS",
    "ClassDescriptor",
    "DescriptorError",
    "Descriptors",
    "EnumDescriptor",
    "Variant",
    "VariantsDescriptor",
    "Function",
    "Import",
    "Kind",
    "Method",
    "Param",
    "Property",
    "RawExport",
    "Receiver",
    "Type",
    "parse",
    "read",
]

#: name of the custom section the support crate writes.
SECTION_NAME = "wasmforge.descriptors"
#: exports every module built with the support crate carries.
RUNTIME_EXPORTS = ("__wasmforge_malloc", "__wasmforge_free", "__wasmforge_slots", "__wasmforge_init")

_MAGIC = b"wf"


class DescriptorError(WasmforgeError):
    """The descriptor section is malformed or newer than this wasmforge."""


#: (bits, signed) of each integer kind; usize/isize are 32-bit on wasm32.
INT_KINDS: dict[Kind, tuple[int, bool]] = {
    Kind.U8: (8, False),
    Kind.I8: (8, True),
    Kind.U16: (16, False),
    Kind.I16: (16, True),
    Kind.U32: (32, False),
    Kind.I32: (32, True),
    Kind.USIZE: (32, False),
    Kind.ISIZE: (32, True),
    Kind.U64: (64, False),
    Kind.I64: (64, True),
    Kind.U128: (128, False),
    Kind.I128: (128, True),
}
_WRAPPERS = {Kind.SLICE, Kind.SLICE_MUT, Kind.VEC, Kind.OPTION, Kind.RESULT}
_NAMED = {Kind.CLASS, Kind.CLASS_REF, Kind.CLASS_MUT, Kind.ENUM, Kind.VARIANTS}
#: kinds followed by a count and that many types
_SEQUENCES = {Kind.TUPLE, Kind.MAP, Kind.FN, Kind.FN_MUT}

@dataclass(frozen=True, slots=True)
class Type:
    """A Rust type as the descriptor records it: a kind, an inner type, items (tuples, maps)
    or a class/enum name."""

    kind: Kind
    inner: Type | None = None
    name: str | None = None
    items: tuple[Type, ...] = ()

    def __str__(self) -> str:
        if self.kind in RUST_NAMES:
            return RUST_NAMES[self.kind]
        if self.kind == Kind.TUPLE:
            return "(" + ", ".join(map(str, self.items)) + ("," if len(self.items) == 1 else "") + ")"
        if self.kind == Kind.MAP:
            return f"Map<{self.items[0]}, {self.items[1]}>"
        if self.kind in (Kind.FN, Kind.FN_MUT):
            *args, result = self.items
            word = "&dyn Fn" if self.kind == Kind.FN else "&mut dyn FnMut"
            return f"{word}({', '.join(map(str, args))}) -> {result}"
        inner = str(self.inner)
        return {
            Kind.SLICE: f"&[{inner}]",
            Kind.SLICE_MUT: f"&mut [{inner}]",
            Kind.VEC: f"Vec<{inner}>",
            Kind.OPTION: f"Option<{inner}>",
            Kind.RESULT: f"Result<{inner}, _>",
            Kind.CLASS: f"{self.name}",
            Kind.ENUM: f"{self.name}",
            Kind.VARIANTS: f"{self.name}",
            Kind.CLASS_REF: f"&{self.name}",
            Kind.CLASS_MUT: f"&mut {self.name}",
        }[self.kind]

    @property
    def wasm(self) -> str:
        """The wasm value type the value travels as (``""`` for no value)."""
        k = self.kind
        if k == Kind.UNIT:
            return ""
        if k in (Kind.U64, Kind.I64):
            return "i64"
        if k == Kind.F32:
            return "f32"
        if k == Kind.F64:
            return "f64"
        if k in (Kind.STR, Kind.STRING, Kind.SLICE, Kind.SLICE_MUT, Kind.VEC, Kind.TUPLE, Kind.MAP, Kind.U128, Kind.I128, Kind.VARIANTS):
            return "i64"
        if k == Kind.OPTION:
            assert self.inner is not None
            return "i32" if self.inner.wasm in ("i64", "f64", "") else "i64"
        return "i32"


    @property
    def encoded(self) -> bool:
        """Whether the value travels as an encoded buffer (tuples, maps, 128-bit integers,
        vectors and slices of anything but plain numbers)."""
        if self.kind in (Kind.VEC, Kind.SLICE):
            assert self.inner is not None
            return self.inner.kind not in FLAT_ELEMENTS
        return self.kind in (Kind.TUPLE, Kind.MAP, Kind.U128, Kind.I128, Kind.VARIANTS)


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its Rust name, type and Python default (a literal's source text)."""

    name: str
    type: Type
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Function:
    """An exported free function."""

    symbol: str
    name: str
    doc: str
    params: tuple[Param, ...]
    result: Type
    #: where the record starts in the descriptor section (-1: not read from one).
    offset: int = field(default=-1, compare=False)


@dataclass(frozen=True, slots=True)
class Method:
    """A function of a class: ``receiver`` says whether it takes ``&self``/``&mut self``."""

    class_name: str
    symbol: str
    name: str
    doc: str
    receiver: Receiver
    params: tuple[Param, ...]
    result: Type
    #: marked ``#[wasmforge(constructor)]``
    constructor: bool = False
    #: where the record starts in the descriptor section (-1: not read from one).
    offset: int = field(default=-1, compare=False)


@dataclass(frozen=True, slots=True)
class Property:
    """A ``pub`` field of a class: a getter shim, and a setter shim unless read-only."""

    class_name: str
    name: str
    doc: str
    getter: str
    #: ``""`` for a ``#[wasmforge(readonly)]`` field
    setter: str
    type: Type
    #: where the record starts in the descriptor section (-1: not read from one).
    offset: int = field(default=-1, compare=False)


@dataclass(frozen=True, slots=True)
class ClassDescriptor:
    """An opaque struct exported as a class, with its methods in source order."""

    name: str
    doc: str
    drop_symbol: str
    methods: tuple[Method, ...] = ()
    properties: tuple[Property, ...] = ()
    #: shims of the derived traits (``""`` when not derived): Clone, Debug, PartialEq, Hash
    clone_symbol: str = ""
    repr_symbol: str = ""
    eq_symbol: str = ""
    hash_symbol: str = ""
    #: where the record starts in the descriptor section (-1: not read from one).
    offset: int = field(default=-1, compare=False)

    @property
    def symbols(self) -> list[str]:
        """Every export the class's glue calls."""
        out = [self.drop_symbol, *(m.symbol for m in self.methods)]
        out += [s for p in self.properties for s in (p.getter, p.setter) if s]
        return out + [s for s in (self.clone_symbol, self.repr_symbol, self.eq_symbol, self.hash_symbol) if s]


@dataclass(frozen=True, slots=True)
class Variant:
    """One variant of an enum with data; tuple variants' fields are named ``_0``, ``_1``, ..."""

    name: str
    doc: str
    fields: tuple[Param, ...]


@dataclass(frozen=True, slots=True)
class VariantsDescriptor:
    """An enum with data: one frozen Python class per variant."""

    name: str
    doc: str
    variants: tuple[Variant, ...]
    #: where the record starts in the descriptor section (-1: not read from one).
    offset: int = field(default=-1, compare=False)


@dataclass(frozen=True, slots=True)
class EnumDescriptor:
    """A C-like enum: an ``IntEnum`` in Python; ``variants`` are (name, doc, value)."""

    name: str
    doc: str
    variants: tuple[tuple[str, str, int], ...]
    #: where the record starts in the descriptor section (-1: not read from one).
    offset: int = field(default=-1, compare=False)


@dataclass(frozen=True, slots=True)
class Import:
    """A Python function the module may call."""

    module: str
    name: str
    doc: str
    params: tuple[Param, ...]
    result: Type
    #: where the record starts in the descriptor section (-1: not read from one).
    offset: int = field(default=-1, compare=False)


@dataclass(frozen=True, slots=True)
class RawExport:
    """A numeric export of a module without descriptors (plain ``#[no_mangle]`` functions)."""

    name: str
    params: tuple[str, ...]
    results: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Descriptors:
    """Everything a module exposes to Python."""

    version: int
    functions: tuple[Function, ...] = ()
    classes: tuple[ClassDescriptor, ...] = ()
    imports: tuple[Import, ...] = ()
    enums: tuple[EnumDescriptor, ...] = ()
    variant_enums: tuple[VariantsDescriptor, ...] = ()
    #: numeric exports not covered by descriptors (only for modules without the support crate).
    raw_exports: tuple[RawExport, ...] = ()
    #: whether the module carries the support crate's runtime exports.
    has_runtime: bool = False
    #: imports of the module itself as (module, name) pairs; only these are linked.
    module_imports: tuple[tuple[str, str], ...] = field(default=())

    @property
    def empty(self) -> bool:
        """Whether nothing at all is exposed."""
        return not (self.functions or self.classes or self.raw_exports)


class _Cursor:
    """Reads the little-endian fields of the section, with offsets for errors."""

    def __init__(self, data: bytes, origin: str, base: int) -> None:
        self.data = data
        self.pos = 0
        self.origin = origin
        self.base = base

    def fail(self, what: str) -> DescriptorError:
        return DescriptorError(
            f"{self.origin}: malformed {SECTION_NAME} section at offset {self.pos + self.base:#x}: {what}",
            hint="rebuild the crate; if it persists, the support crate and wasmforge disagree on the format",
        )

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise self.fail(f"expected {n} more byte(s), found {len(self.data) - self.pos}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u8(self) -> int:
        return self.take(1)[0]

    def string(self) -> str:
        (n,) = struct.unpack("<H", self.take(2))
        raw = self.take(n)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail("string is not UTF-8") from None

    def type(self, depth: int = 0) -> Type:
        # Nesting is bounded by the 255-byte type limit of the crate; wrappers are read in a
        # loop and tuples/maps recurse at most 16 levels, so corrupt input cannot recurse deeply.
        if depth > 16:
            raise self.fail("type nests too deeply")
        wrappers: list[Kind] = []
        while True:
            tag = self.u8()
            try:
                kind = Kind(tag)
            except ValueError:
                self.pos -= 1
                raise self.fail(f"unknown type tag {tag:#04x}") from None
            if kind in _WRAPPERS:
                wrappers.append(kind)
                if len(wrappers) > 64:
                    raise self.fail("type nests too deeply")
                continue
            if kind in _SEQUENCES:
                count = self.u8()
                if kind == Kind.MAP and count != 2:
                    raise self.fail(f"a map type has {count} item types, expected 2")
                if count == 0:
                    raise self.fail(f"type {kind.name} has no item types")
                ty = Type(kind, items=tuple(self.type(depth + 1) for _ in range(count)))
            elif kind in _NAMED:
                n = self.u8()
                try:
                    ty = Type(kind, name=self.take(n).decode("utf-8"))
                except UnicodeDecodeError:
                    raise self.fail("class name is not UTF-8") from None
            else:
                ty = Type(kind)
            break
        for kind in reversed(wrappers):
            ty = Type(kind, inner=ty)
        return ty

    def params(self, version: int) -> tuple[Param, ...]:
        count = self.u8()
        out = []
        for _ in range(count):
            name, ty = self.string(), self.type()
            out.append(Param(name, ty, self.default() if version >= 2 else None))
        return tuple(out)

    def default(self) -> str | None:
        """``tag:u8 [text:string]``: 0 none, 1 a Python literal's text, 2 a string value."""
        tag = self.u8()
        if tag == 0:
            return None
        text = self.string()
        if tag == 2:
            return repr(text)
        if tag == 1:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = ...
            if value is None or isinstance(value, (bool, int, float)):
                return repr(value)
            raise self.fail(f"default {text!r} is not a number, True, False or None")
        raise self.fail(f"unknown default tag {tag}")

    def i64(self) -> int:
        (v,) = struct.unpack("<q", self.take(8))
        return int(v)


def _doc(raw: str) -> str:
    # `/// text` arrives as " text": drop the one space rustdoc also drops.
    lines = [line[1:] if line.startswith(" ") else line for line in raw.split("\n")]
    return "\n".join(lines).strip("\n")


def parse(data: bytes | memoryview, *, origin: str = "module", base: int = 0) -> Descriptors:
    """Decode the bytes of a ``wasmforge.descriptors`` section (all records, concatenated).

    ``origin`` names the module in error messages; ``base`` is the section's offset in the file.
    Raises :class:`DescriptorError` for malformed records or a format newer than
    :data:`FORMAT_VERSION`.
    """
    cur = _Cursor(bytes(data), origin, base)
    functions: list[Function] = []
    classes: dict[str, ClassDescriptor] = {}
    methods: list[Method] = []
    properties: list[Property] = []
    imports: list[Import] = []
    enums: list[EnumDescriptor] = []
    variant_enums: list[VariantsDescriptor] = []
    version = FORMAT_VERSION
    seen: set[tuple[int, str]] = set()
    while cur.pos < len(cur.data):
        start = cur.pos
        if cur.take(2) != _MAGIC:
            cur.pos = start
            raise cur.fail("expected a record starting with 'wf'")
        version = cur.u8()
        if version > FORMAT_VERSION:
            raise DescriptorError(
                f"{origin}: descriptor format version {version} is newer than this wasmforge understands "
                f"(up to {FORMAT_VERSION})",
                hint="upgrade wasmforge (pip install -U wasmforge), or build with the support crate it ships",
            )
        if version == 0:
            cur.pos = start + 2
            raise cur.fail("record version 0 is not valid")
        kind = cur.u8()
        (length,) = struct.unpack("<I", cur.take(4))
        body_end = cur.pos + length
        if body_end > len(cur.data):
            raise cur.fail(f"record of {length} bytes runs past the end of the section")
        if kind == RecordKind.FUNCTION:
            symbol, name, doc = cur.string(), cur.string(), _doc(cur.string())
            params = cur.params(version)
            key: tuple[int, str] = (kind, symbol)
            item: Any = Function(symbol, name, doc, params, cur.type(), offset=start)
        elif kind == RecordKind.CLASS:
            name, doc, drop = cur.string(), _doc(cur.string()), cur.string()
            derived = (cur.string(), cur.string(), cur.string(), cur.string()) if version >= 2 else ("",) * 4
            key = (kind, name)
            item = ClassDescriptor(name, doc, drop, (), (), *derived, offset=start)
        elif kind == RecordKind.METHOD:
            cls, symbol, name, doc = cur.string(), cur.string(), cur.string(), _doc(cur.string())
            recv = cur.u8()
            if recv > 3:
                raise cur.fail(f"unknown receiver {recv}")
            flags = cur.u8() if version >= 2 else 0
            params = cur.params(version)
            key = (kind, symbol)
            item = Method(
                cls, symbol, name, doc, Receiver(recv), params, cur.type(), bool(flags & METHOD_CONSTRUCTOR), offset=start
            )
        elif kind == RecordKind.IMPORT:
            module, name, doc = cur.string(), cur.string(), _doc(cur.string())
            params = cur.params(version)
            key = (kind, f"{module}\0{name}")
            item = Import(module, name, doc, params, cur.type(), offset=start)
        elif kind == RecordKind.PROPERTY:
            cls, name, doc = cur.string(), cur.string(), _doc(cur.string())
            getter, setter = cur.string(), cur.string()
            key = (kind, getter)
            item = Property(cls, name, doc, getter, setter, cur.type(), offset=start)
        elif kind == RecordKind.ENUM:
            name, doc = cur.string(), _doc(cur.string())
            count = cur.u8()
            variants = tuple((cur.string(), _doc(cur.string()), cur.i64()) for _ in range(count))
            key = (kind, name)
            item = EnumDescriptor(name, doc, variants, offset=start)
        elif kind == RecordKind.VARIANTS:
            name, doc = cur.string(), _doc(cur.string())
            count = cur.u8()
            cases = []
            for _ in range(count):
                vname, vdoc, nfields = cur.string(), _doc(cur.string()), cur.u8()
                cases.append(Variant(vname, vdoc, tuple(Param(cur.string(), cur.type()) for _ in range(nfields))))
            key = (kind, name)
            item = VariantsDescriptor(name, doc, tuple(cases), offset=start)
        else:
            # A record kind from a newer minor revision: skip it, the length says how far.
            cur.pos = body_end
            continue
        if cur.pos != body_end:
            raise cur.fail(f"record body is {length} bytes but its fields take {cur.pos - (body_end - length)}")
        # The same macro expanded in two crates of one build gives duplicate records.
        if key in seen:
            continue
        seen.add(key)
        if isinstance(item, Function):
            functions.append(item)
        elif isinstance(item, ClassDescriptor):
            classes[item.name] = item
        elif isinstance(item, Method):
            methods.append(item)
        elif isinstance(item, Property):
            properties.append(item)
        elif isinstance(item, EnumDescriptor):
            enums.append(item)
        elif isinstance(item, VariantsDescriptor):
            variant_enums.append(item)
        else:
            imports.append(item)
    members: list[Method | Property] = [*methods, *properties]
    for member in members:
        owner = classes.get(member.class_name)
        if owner is None:
            what = "method" if isinstance(member, Method) else "property"
            raise DescriptorError(f"{origin}: {what} {member.name} names unknown class {member.class_name}")
        if isinstance(member, Method):
            classes[member.class_name] = replace(owner, methods=(*owner.methods, member))
        else:
            classes[member.class_name] = replace(owner, properties=(*owner.properties, member))
    # The linker orders records as it likes (Rust 1.63 and 1.96 differ): sort by name, so the
    # generated files depend on the crate, not on the toolchain.
    by_name = lambda item: item.name  # noqa: E731
    classes = {
        name: replace(c, methods=tuple(sorted(c.methods, key=by_name)), properties=tuple(sorted(c.properties, key=by_name)))
        for name, c in sorted(classes.items())
    }
    return Descriptors(
        version=version,
        functions=tuple(sorted(functions, key=by_name)),
        classes=tuple(classes.values()),
        imports=tuple(sorted(imports, key=lambda i: (i.module, i.name))),
        enums=tuple(sorted(enums, key=by_name)),
        variant_enums=tuple(sorted(variant_enums, key=by_name)),
    )


_NUMERIC = {"i32", "i64", "f32", "f64"}


def read(module: Module | bytes | bytearray | memoryview | str | PathLike[str]) -> Descriptors:
    """The descriptors of a module (a :class:`wasmforge.binary.Module`, its bytes or its path).

    Checks every described symbol against the module's exports. A module without the
    section yields its numeric function exports as :class:`RawExport` instead.
    """
    from wasmforge.binary.module import Module, read_module
    from wasmforge.binary.types import ExternKind

    m = module if isinstance(module, Module) else read_module(module)
    origin = str(getattr(m, "path", None) or "module")
    chunks = [c for c in m.customs if c.name == SECTION_NAME]
    exports = {e.name: e for e in m.exports}
    module_imports = tuple((imp.module, imp.name) for imp in m.imports)
    has_runtime = all(name in exports for name in RUNTIME_EXPORTS[:2])
    if chunks:
        data = b"".join(bytes(c.data) for c in chunks)
        desc = parse(data, origin=origin, base=chunks[0].section.start if len(chunks) == 1 else 0)
        symbols = [f.symbol for f in desc.functions]
        for cls in desc.classes:
            symbols.extend(cls.symbols)
        missing = [s for s in symbols if s not in exports]
        if missing:
            raise DescriptorError(
                f"{origin}: described function {missing[0]} is not exported by the module",
                hint="the module was edited after the build; rebuild it with 'wasmforge build'",
            )
        return Descriptors(
            version=desc.version,
            functions=desc.functions,
            classes=desc.classes,
            imports=desc.imports,
            enums=desc.enums,
            variant_enums=desc.variant_enums,
            has_runtime=has_runtime,
            module_imports=module_imports,
        )
    raws: list[RawExport] = []
    for exp in m.exports:
        # Only names that can be Python names are bound; others ("foo-bar", "a.b") stay unbound.
        if exp.kind != ExternKind.FUNC or exp.name.startswith("__") or not exp.name.isidentifier():
            continue
        ft = m.function_type(exp.index)
        params = tuple(str(t) for t in ft.params)
        results = tuple(str(t) for t in ft.results)
        if set(params) <= _NUMERIC and set(results) <= _NUMERIC and len(results) <= 1:
            raws.append(RawExport(exp.name, params, results))
    return Descriptors(
        version=FORMAT_VERSION, raw_exports=tuple(raws), has_runtime=has_runtime, module_imports=module_imports
    )
