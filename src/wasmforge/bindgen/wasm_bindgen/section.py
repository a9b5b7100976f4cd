"""Decoding the ``__wasm_bindgen_unstable`` custom section into dataclasses.

The section is a run of programs, one per ``#[wasm_bindgen]`` macro expansion: a u32 length
and a JSON prefix naming the schema version, a u32 length and the program encoded as
wasm-bindgen-shared's ``shared_api!`` lays it out (LEB128 u32 counts and lengths, one byte
per bool, option tag and enum variant, UTF-8 strings). The field order differs between
schema versions, so a version this reader does not know is refused, never guessed.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field

# Relative, so the copy generated packages carry (the runtime reads casts by the schema) works.
from ...errors import WasmforgeError
from .types import TAGS_0_2_118, TAGS_BEFORE_0_2_121, StreamFormat

__all__ = [
    "SCHEMAS",
    "Argument",
    "EnumDef",
    "Export",
    "ImportFunction",
    "Program",
    "SectionError",
    "StructDef",
    "decode",
]

@dataclass(frozen=True, slots=True)
class Layout:
    """The fields one schema version has that others lack (wasm-bindgen-shared's ``shared_api!``)."""

    #: ``Program.module_path`` (0.2.130).
    module_path: bool = True
    #: ``Function.jspi``, ``ImportFunction.suspending`` and ``generic_per_mono`` (0.2.128).
    jspi: bool = True
    #: ``Struct.rust_name`` (0.2.121; replaced by ``extends_js_class`` and ``extends_js_namespace``).
    rust_name: bool = False
    #: export symbols end in ``_<crate hash>`` (0.2.128 on; plain Rust names before).
    hashed_symbols: bool = True
    #: a C-style enum crosses as f64 (0.2.130; as i32 before).
    enum_as_f64: bool = True
    #: how the type streams of the describe functions are laid out.
    stream: StreamFormat = StreamFormat()
    #: the DynamicUnion import kind and type tag, ``StringEnum.private``, ``Struct.extends`` (0.2.121 on).
    unions: bool = True
    #: the f64 standing for None of an ``Option`` of a 32-bit number (2**32 + 1 in 0.2.118).
    f64_none: float = 9007199254740991.0
    #: ``Import.generate_typescript`` (0.2.115 on).
    import_typescript: bool = True


_PLAIN = StreamFormat(struct_crate=False, enum_origin=0, string_enum_origin=False)
_OLD_TAGS = StreamFormat(struct_crate=False, enum_origin=0, string_enum_origin=False, tags=TAGS_BEFORE_0_2_121)
_OLDER_TAGS = StreamFormat(struct_crate=False, enum_origin=0, string_enum_origin=False, tags=TAGS_0_2_118)
#: the schema versions whose layout this reader knows (fields in Layout's order), each checked
#: against tests/bindgen/crates/wbg_basic built with the wasm-bindgen release named in the comment.
LAYOUTS = {
    "0.2.114": Layout(False, False, True, False, False, _OLDER_TAGS, unions=False, f64_none=4294967297.0,
                      import_typescript=False),  # 0.2.114
    # 0.2.115's Export.start is a bool, read as StartKind's first two variants.
    "0.2.115": Layout(False, False, True, False, False, _OLDER_TAGS, unions=False, f64_none=4294967297.0),  # 0.2.115 to 0.2.117
    "0.2.118": Layout(False, False, True, False, False, _OLDER_TAGS, unions=False, f64_none=4294967297.0),  # 0.2.118
    "0.2.119": Layout(False, False, True, False, False, _OLD_TAGS, unions=False),  # 0.2.119, 0.2.120
    "0.2.121": Layout(False, False, True, False, False, _PLAIN),  # 0.2.121
    "0.2.122": Layout(False, False, False, False, False, _PLAIN),  # 0.2.122 to 0.2.127
    "0.2.128": Layout(False, True, False, True, False, StreamFormat(enum_origin=1, string_enum_origin=False)),  # 0.2.128, 0.2.129
    "0.2.130": Layout(),  # 0.2.130
}
SCHEMAS = tuple(LAYOUTS)


class SectionError(WasmforgeError):
    """The custom section is malformed or written with an unknown schema version."""


@dataclass(frozen=True, slots=True)
class Argument:
    """One parameter of an exported or imported function."""

    name: str
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Export:
    """An exported function or method."""

    name: str
    args: tuple[Argument, ...]
    #: the Rust struct of a method, else None.
    class_name: str | None = None
    comments: tuple[str, ...] = ()
    #: the method takes ``self`` by value.
    consumed: bool = False
    #: ``constructor``, ``method``, ``static``, ``getter``, ``setter`` or ``function``.
    kind: str = "function"
    #: the property name of a getter or setter.
    prop: str = ""
    is_async: bool = False
    variadic: bool = False
    start: bool = False
    js_namespace: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class EnumDef:
    """A C-style enum: variant names and values."""

    name: str
    variants: tuple[tuple[str, int], ...]
    signed: bool = False
    comments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StringEnumDef:
    """An imported string enum: its allowed strings."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StructDef:
    """An exported struct and its public fields: (name, readonly)."""

    name: str
    fields: tuple[tuple[str, bool], ...]
    comments: tuple[str, ...] = ()
    extends: str | None = None


@dataclass(frozen=True, slots=True)
class ImportFunction:
    """A function of a ``#[wasm_bindgen] extern "C"`` block."""

    #: the wasm import name (``__wbg_<name>_<hash>``).
    shim: str
    name: str
    args: tuple[Argument, ...]
    js_namespace: tuple[str, ...] = ()
    module: str | None = None
    catch: bool = False
    variadic: bool = False
    #: the method's class, when the import is a method, constructor, getter or setter.
    method_class: str | None = None


@dataclass(frozen=True, slots=True)
class Program:
    """What all programs of a module's section declare, merged."""

    schema: str
    version: str
    exports: tuple[Export, ...] = ()
    enums: tuple[EnumDef, ...] = ()
    string_enums: tuple[StringEnumDef, ...] = ()
    structs: tuple[StructDef, ...] = ()
    imports: tuple[ImportFunction, ...] = ()
    #: other import kinds (types, statics, strings): (kind, name), refused when used.
    other_imports: tuple[tuple[str, str], ...] = ()
    #: ``crate-hash`` identifiers of the programs (export symbols carry the hash).
    crates: tuple[str, ...] = ()
    module_paths: tuple[str, ...] = field(default=())
    inline_js: bool = False


class _Reader:
    def __init__(self, data: bytes, base: int, what: str, layout: Layout) -> None:
        self.data, self.pos, self.base, self.what, self.layout = data, 0, base, what, layout

    def fail(self, message: str) -> SectionError:
        return SectionError(f"{self.what}: {message} at offset {self.base + self.pos:#x} of the __wasm_bindgen_unstable section")

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise self.fail("truncated program")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def flag(self) -> bool:
        b = self.byte()
        if b > 1:
            raise self.fail(f"bool byte {b}")
        return b == 1

    def u32(self) -> int:
        value = shift = 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
            if shift > 28:
                raise self.fail("LEB128 u32 too long")
        return value

    def text(self) -> str:
        n = self.u32()
        if self.pos + n > len(self.data):
            raise self.fail(f"string of {n} bytes past the end")
        raw = self.data[self.pos : self.pos + n]
        self.pos += n
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail("string not UTF-8") from None

    def opt(self) -> bool:
        return self.flag()

    def strs(self) -> tuple[str, ...]:
        return tuple(self.text() for _ in range(self.count()))

    def opt_strs(self) -> tuple[str, ...] | None:
        return self.strs() if self.opt() else None

    def opt_str(self) -> str | None:
        return self.text() if self.opt() else None

    def count(self) -> int:
        n = self.u32()
        if n > len(self.data) - self.pos:  # every item takes at least a byte
            raise self.fail(f"count {n} larger than the rest of the program")
        return n

    def tag(self, limit: int, what: str) -> int:
        t = self.byte()
        if t >= limit:
            raise self.fail(f"unknown {what} variant {t}")
        return t


def _function(r: _Reader) -> tuple[str, tuple[Argument, ...], bool, bool]:
    args = []
    for _ in range(r.count()):
        name = r.text()
        r.opt_str()  # ty_override
        optional = r.flag()
        r.opt_str()  # desc
        args.append(Argument(name, optional))
    is_async = r.flag()
    if r.layout.jspi:
        r.flag()
    name = r.text()
    r.flag(), r.flag()  # generate_typescript, generate_jsdoc
    variadic = r.flag()
    r.opt_str(), r.opt_str()  # ret_ty_override, ret_desc
    return name, tuple(args), is_async, variadic


def _method_kind(r: _Reader) -> tuple[str, str]:
    if r.tag(2, "MethodKind") == 0:
        return "constructor", ""
    is_static = r.flag()
    op = r.tag(7, "OperationKind")
    if op in (2, 3):
        prop = r.text()
        return ("getter" if op == 2 else "setter"), prop
    if op >= 4:
        return "indexing", ""
    return ("static" if is_static else "method"), ""


def _import_module(r: _Reader) -> str:
    t = r.tag(3, "ImportModule")
    return f"inline:{r.u32()}" if t == 2 else r.text()


def _program(r: _Reader, acc: dict[str, list]) -> None:  # type: ignore[type-arg]
    for _ in range(r.count()):
        cls = r.opt_str()
        comments = r.strs()
        consumed = r.flag()
        name, args, is_async, variadic = _function(r)
        ns = r.opt_strs()
        kind, prop = _method_kind(r)
        start = r.tag(3, "StartKind") != 0
        if cls is None and kind == "static":
            kind = "function"
        acc["exports"].append(Export(name, args, cls, comments, consumed, kind, prop, is_async, variadic, start, ns))
    for _ in range(r.count()):
        name = r.text()
        signed = r.flag()
        variants = []
        for _ in range(r.count()):
            vname, value = r.text(), r.u32()
            r.strs()
            variants.append((vname, value))
        comments = r.strs()
        r.flag()
        r.opt_strs()
        r.flag()
        acc["enums"].append(EnumDef(name, tuple(variants), signed, comments))
    for _ in range(r.count()):
        module = _import_module(r) if r.opt() else None
        ns = r.opt_strs() or ()
        r.opt_str()  # reexport
        if r.layout.import_typescript:
            r.flag()  # generate_typescript
        import_kind = r.tag(6 if r.layout.unions else 5, "ImportKind")
        if import_kind == 0:
            shim = r.text()
            catch, variadic = r.flag(), r.flag()
            r.flag()  # assert_no_shim
            if r.layout.jspi:
                r.flag()  # suspending
            method_class = None
            if r.opt():
                method_class = r.text()
                _method_kind(r)
            r.flag()  # structural
            name, args, _, _ = _function(r)
            if r.layout.jspi:
                r.flag()  # generic_per_mono
            acc["imports"].append(ImportFunction(shim, name, args, ns, module, catch, variadic, method_class))
        elif import_kind == 1:
            name, _shim = r.text(), r.text()
            acc["other"].append(("static", name))
        elif import_kind == 2:
            _shim, _text = r.text(), r.text()
            acc["other"].append(("string", _shim))
        elif import_kind == 3:
            name = r.text()
            r.text(), r.strs()
            acc["other"].append(("type", name))
        elif import_kind == 4:
            name = r.text()
            values = r.strs()
            r.strs(), r.flag()  # comments, generate_typescript
            if r.layout.unions:
                r.flag()  # private
            r.opt_strs()
            acc["string_enums"].append(StringEnumDef(name, values))
        else:
            name = r.text()
            r.strs(), r.u32(), r.strs(), r.flag(), r.flag(), r.flag()
            acc["other"].append(("dynamic union", name))
    for _ in range(r.count()):
        name = r.text()
        if r.layout.rust_name:
            r.text()
        fields = []
        for _ in range(r.count()):
            fname, readonly = r.text(), r.flag()
            r.strs(), r.flag(), r.flag()
            fields.append((fname, readonly))
        comments = r.strs()
        r.flag(), r.flag()
        r.opt_strs()
        r.flag()
        extends = r.opt_str() if r.layout.unions else None
        if not r.layout.rust_name:
            r.opt_str(), r.opt_strs()  # extends_js_class, extends_js_namespace
        acc["structs"].append(StructDef(name, tuple(fields), comments, extends))
    for _ in range(r.count()):
        r.text()  # typescript custom sections
    for _ in range(r.count()):
        r.text(), r.text(), r.flag()
        acc["inline"].append(True)
    if r.strs():  # inline_js
        acc["inline"].append(True)
    acc["crates"].append(r.text())
    if r.layout.module_path:
        acc["paths"].append(r.text())
    r.opt_str()  # package_json
    for _ in range(r.count()):
        _import_module(r), r.text()


def decode(data: bytes, *, base: int = 0, what: str = "the module") -> Program:
    """Decode the section's bytes (``base``: their offset in the file, for messages)."""
    acc: dict[str, list] = {k: [] for k in ("exports", "enums", "string_enums", "structs", "imports", "other", "crates", "paths", "inline")}  # type: ignore[type-arg]
    pos = 0
    schema = version = ""
    while pos < len(data):
        if pos + 4 > len(data):
            raise SectionError(f"{what}: truncated program header at offset {base + pos:#x} of the __wasm_bindgen_unstable section")
        (n,) = struct.unpack_from("<I", data, pos)
        try:
            prefix = json.loads(data[pos + 4 : pos + 4 + n].decode("utf-8"))
            this_schema, this_version = str(prefix["schema_version"]), str(prefix.get("version", ""))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise SectionError(f"{what}: unreadable program header at offset {base + pos:#x} of the __wasm_bindgen_unstable section") from None
        if this_schema not in SCHEMAS:
            raise SectionError(
                f"{what}: wasm-bindgen schema version {this_schema} (wasm-bindgen {this_version}) is not supported; "
                f"this wasmforge reads schema {', '.join(SCHEMAS)}",
                hint=f'pin wasm-bindgen = "={SCHEMAS[-1]}" in the crate\'s Cargo.toml',
            )
        schema, version = this_schema, this_version
        pos += 4 + n
        if pos + 4 > len(data):
            raise SectionError(f"{what}: truncated program at offset {base + pos:#x} of the __wasm_bindgen_unstable section")
        (size,) = struct.unpack_from("<I", data, pos)
        pos += 4
        if pos + size > len(data):
            raise SectionError(f"{what}: program of {size} bytes past the end at offset {base + pos:#x} of the __wasm_bindgen_unstable section")
        reader = _Reader(data[pos : pos + size], base + pos, what, LAYOUTS[this_schema])
        _program(reader, acc)
        if reader.pos != size:
            raise reader.fail(f"{size - reader.pos} bytes left over after the program")
        pos += size
    if not schema:
        raise SectionError(f"{what}: the __wasm_bindgen_unstable section is empty")
    return Program(
        schema, version, tuple(acc["exports"]), tuple(acc["enums"]), tuple(acc["string_enums"]),
        tuple(acc["structs"]), tuple(acc["imports"]), tuple(acc["other"]), tuple(acc["crates"]),
        tuple(acc["paths"]), bool(acc["inline"]),
    )
