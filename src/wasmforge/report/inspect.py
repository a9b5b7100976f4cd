"""Rendering of a module's structure: the section table (``wasm-objdump -h``), the details of
every section (``wasm-objdump -x``), imports and exports (``wasm-nm``), and hexdumps (``-s``).

Text renderers yield lines so that a large module's output streams; ``*_json`` functions
return plain data for ``json.dump``. Nothing here decodes bytes itself: it asks the module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from wasmforge.binary import (
    ArrayType,
    ExternKind,
    FuncType,
    GlobalType,
    MemoryType,
    Module,
    SectionId,
    StructType,
    SubType,
    TableType,
    TagType,
    WasmDecodeError,
)
from wasmforge.binary.wasi import ModuleKind, kind_of
from wasmforge.report.headers import OBJDUMP_NAMES

if TYPE_CHECKING:
    from wasmforge.binary._items import ConstExpr, Import

Namer = Callable[[str], str]


def _identity(name: str) -> str:
    return name


# --- types and descriptions -----------------------------------------------------------------

def describe_functype(t: FuncType) -> str:
    """``(i32, i32) -> i32`` / ``() -> nil``, as wasm-objdump writes signatures."""
    params = ", ".join(map(str, t.params))
    if not t.results:
        results = "nil"
    elif len(t.results) == 1:
        results = str(t.results[0])
    else:
        results = "(" + ", ".join(map(str, t.results)) + ")"
    return f"({params}) -> {results}"


def describe_type(t: SubType) -> str:
    """A type-section entry: a signature, or a struct/array with its fields."""
    comp = t.comp
    if isinstance(comp, FuncType):
        text = describe_functype(comp)
    elif isinstance(comp, StructType):
        fields = ", ".join(f"{'mut ' if f.mutable else ''}{f.storage}" for f in comp.fields)
        text = f"struct {{{fields}}}"
    elif isinstance(comp, ArrayType):
        text = f"array {'mut ' if comp.field.mutable else ''}{comp.field.storage}"
    else:  # pragma: no cover - the decoder knows no other forms
        text = repr(comp)
    if t.explicit:
        text = ("final " if t.final else "") + text
        if t.supertypes:
            text += " <: " + ", ".join(f"type[{i}]" for i in t.supertypes)
    return text


def _limits(lim: Any, unit: str) -> str:
    text = f"{unit}initial={lim.min}"
    if lim.max is not None:
        text += f" max={lim.max}"
    if lim.shared:
        text += " shared"
    if lim.is64:
        text += " i64"
    if lim.page_size_log2 is not None:
        text += f" pagesize={1 << lim.page_size_log2}"
    return text


def describe_desc(module: Module, desc: Any) -> str:
    """An import's or definition's type, in wasm-objdump's words."""
    if isinstance(desc, int):
        return f"sig={desc}"
    if isinstance(desc, TableType):
        return f"type={desc.elem} {_limits(desc.limits, '')}"
    if isinstance(desc, MemoryType):
        return _limits(desc.limits, "pages: ")
    if isinstance(desc, GlobalType):
        return f"{desc.type} mutable={int(desc.mutable)}"
    if isinstance(desc, TagType):
        return f"sig={desc.type_index}"
    return str(desc)


def describe_init(expr: ConstExpr | None) -> str:
    """A constant expression as wasm-objdump summarises it (``i32=1048576``, ``global=0``)."""
    if expr is None:
        return ""
    ins = expr.instructions
    if len(ins) == 2:
        op, imm = ins[0][1], ins[0][2]
        if op.name in ("i32.const", "i64.const"):
            return f"{op.name[:3]}={imm}"
        if op.name in ("f32.const", "f64.const"):
            import struct

            fmt = "<I" if op.name == "f32.const" else "<Q"
            value = struct.unpack("<f" if op.name == "f32.const" else "<d", struct.pack(fmt, imm))[0]
            return f"{op.name[:3]}={value}"
        if op.name == "global.get":
            return f"global={imm}"
        if op.name == "ref.func":
            return f"ref.func:{imm}"
        if op.name == "ref.null":
            return f"ref.null {imm}"
    return " ".join(i[1].name for i in ins[:-1])


def signature_of(module: Module, kind: ExternKind, index: int) -> str:
    """The type of an item of the index space ``kind`` — ``(f64, f64) -> f64``, ``memory pages: initial=17`` …"""
    if kind == ExternKind.FUNC:
        return describe_functype(module.function_type(index))
    if kind == ExternKind.TABLE:
        return describe_desc(module, module.table_type(index))
    if kind == ExternKind.MEMORY:
        return describe_desc(module, module.memory_type(index))
    if kind == ExternKind.GLOBAL:
        return describe_desc(module, module.global_type(index))
    if kind == ExternKind.TAG:
        tags = [i.desc for i in module.imports if i.kind == ExternKind.TAG] + list(module.tags)
        t = tags[index]
        comp = module.types[t.type_index].comp
        return describe_functype(comp) if isinstance(comp, FuncType) else str(comp)
    return ""


# --- details ---------------------------------------------------------------------------------

def _hexdump(data: memoryview | bytes, address: int, indent: str = "") -> Iterator[str]:
    """Lines of 16 bytes: address, eight groups of two bytes, and the printable characters."""
    for at in range(0, len(data), 16):
        chunk = bytes(data[at : at + 16])
        hexes = chunk.hex()
        groups = " ".join(hexes[i : i + 4] for i in range(0, len(hexes), 4))
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        yield f"{indent}{address + at:07x}: {groups:<39}  {text}"


def hexdump(data: memoryview | bytes, address: int = 0) -> Iterator[str]:
    """A hexdump in wasm-objdump's layout, addresses starting at ``address``."""
    return _hexdump(data, address)


def details_text(module: Module, file: str, *, demangle: Namer = _identity, data_bytes: int | None = None) -> Iterator[str]:
    """Every section's items, as ``wasm-objdump -x`` shows them.

    ``demangle`` maps symbol names for display; ``data_bytes`` caps the hexdump of each data
    segment (None: all of it).
    """
    names = module.names
    fnames = names.functions if names else {}
    gnames = names.globals if names else {}
    dnames = names.datas if names else {}

    def fn(i: int) -> str:
        n = fnames.get(i)
        return f" <{demangle(n)}>" if n is not None else ""

    yield f"{file}: {module.size} bytes"
    yield f"kind: {kind_of(module).describe()}"
    if names and names.module is not None:
        yield f"module name: <{names.module}>"
    yield ""
    func_base = module.num_imported(ExternKind.FUNC)
    global_base = module.num_imported(ExternKind.GLOBAL)
    counters = dict.fromkeys(ExternKind, 0)
    for s in module.sections:
        sid = s.id
        label = OBJDUMP_NAMES[sid]
        if sid == SectionId.CUSTOM:
            yield "Custom:"
            yield f' - name: "{s.name}"'
            yield from _custom_details(module, s.name, demangle)
            continue
        if sid == SectionId.START:
            yield "Start:"
            yield f" - start function: {module.start}{fn(module.start or 0)}"
            continue
        if sid == SectionId.DATA_COUNT:
            yield "DataCount:"
            yield f" - data count: {module.data_count}"
            continue
        yield f"{label}[{s.count}]:"
        if sid == SectionId.TYPE:
            for i, t in enumerate(module.types):
                yield f" - type[{i}] {describe_type(t)}"
        elif sid == SectionId.IMPORT:
            for imp in module.imports:
                i = counters[imp.kind]
                counters[imp.kind] += 1
                name = fn(i) if imp.kind == ExternKind.FUNC else (
                    f" <{gnames[i]}>" if imp.kind == ExternKind.GLOBAL and i in gnames else "")
                yield f" - {imp.kind}[{i}] {describe_desc(module, imp.desc)}{name} <- {imp.module}.{imp.name}"
        elif sid == SectionId.FUNCTION:
            for i, type_index in enumerate(module.functions):
                yield f" - func[{func_base + i}] sig={type_index}{fn(func_base + i)}"
        elif sid == SectionId.TABLE:
            base = module.num_imported(ExternKind.TABLE)
            for i, table in enumerate(module.tables):
                yield f" - table[{base + i}] {describe_desc(module, table.type)}"
        elif sid == SectionId.MEMORY:
            base = module.num_imported(ExternKind.MEMORY)
            for i, m in enumerate(module.memories):
                yield f" - memory[{base + i}] {describe_desc(module, m)}"
        elif sid == SectionId.TAG:
            base = module.num_imported(ExternKind.TAG)
            for i, tag in enumerate(module.tags):
                yield f" - tag[{base + i}] sig={tag.type_index}"
        elif sid == SectionId.GLOBAL:
            for i, g in enumerate(module.globals):
                n = gnames.get(global_base + i)
                label_name = f" <{n}>" if n is not None else ""
                yield f" - global[{global_base + i}] {describe_desc(module, g.type)}{label_name} - init {describe_init(g.init)}"
        elif sid == SectionId.EXPORT:
            for e in module.exports:
                name = fn(e.index) if e.kind == ExternKind.FUNC else ""
                yield f' - {e.kind}[{e.index}]{name} -> "{e.name}"'
        elif sid == SectionId.ELEMENT:
            for i, seg in enumerate(module.elements):
                where = f" table={seg.table}" if seg.mode == "active" else f" {seg.mode}"
                init = f" - init {describe_init(seg.offset_expr)}" if seg.offset_expr is not None else ""
                yield f" - segment[{i}] flags={seg.flags}{where} count={len(seg.items)}{init}"
                first_slot = seg.offset_expr.value() if seg.offset_expr is not None else None
                for j, item in enumerate(seg.items):
                    if isinstance(item, int):
                        target = f"func[{item}]{fn(item)}"
                    else:
                        target = describe_init(item)
                    slot = first_slot + j if first_slot is not None else j
                    yield f"  - elem[{slot}] = {target}"
        elif sid == SectionId.CODE:
            for body in module.code:
                yield f" - func[{body.index}] size={body.end - body.start}{fn(body.index)}"
        elif sid == SectionId.DATA:
            for i, dseg in enumerate(module.data_segments):
                n = dnames.get(i)
                label_name = f" <{n}>" if n is not None else ""
                where = f" memory={dseg.memory}" if dseg.mode == "active" else " passive"
                init = f" - init {describe_init(dseg.offset_expr)}" if dseg.offset_expr is not None else ""
                yield f" - segment[{i}]{label_name}{where} size={len(dseg.data)}{init}"
                address = dseg.offset_expr.value() if dseg.offset_expr is not None else 0
                data = dseg.data if data_bytes is None else dseg.data[:data_bytes]
                yield from _hexdump(data, address or 0, "  - ")
                if data_bytes is not None and len(dseg.data) > data_bytes:
                    yield f"  - ... {len(dseg.data) - data_bytes} more bytes"


def _custom_details(module: Module, name: str, demangle: Namer) -> Iterator[str]:
    if name == "name":
        names = module.names
        if names is None:
            return
        if names.module is not None:
            yield f" - module <{names.module}>"
        for i, n in sorted(names.functions.items()):
            yield f" - func[{i}] <{demangle(n)}>"
        for kind, table in (("type", names.types), ("table", names.tables), ("memory", names.memories),
                            ("global", names.globals), ("elemseg", names.elems), ("dataseg", names.datas),
                            ("tag", names.tags)):
            for i, n in sorted(table.items()):
                yield f" - {kind}[{i}] <{n}>"
    elif name == "producers":
        for field, values in (module.producers or {}).items():
            for value, version in values:
                yield f"  - {field}: {value}" + (f" {version}" if version else "")
    elif name == "target_features":
        for prefix, feature in module.target_features or []:
            yield f"  - [{prefix}] {feature}"


def details_json(module: Module, file: str) -> dict[str, Any]:
    """Every section's items as plain data."""
    names = module.names
    fnames = names.functions if names else {}
    func_base = module.num_imported(ExternKind.FUNC)
    counters = dict.fromkeys(ExternKind, 0)
    imports = []
    for imp in module.imports:
        i = counters[imp.kind]
        counters[imp.kind] += 1
        imports.append({"kind": str(imp.kind), "index": i, "module": imp.module, "name": imp.name,
                        "type": describe_desc(module, imp.desc)})
    kind = kind_of(module)
    return {
        "file": file,
        "size": module.size,
        "kind": kind.kind,
        "wasi": kind.wasi,
        "module_name": names.module if names else None,
        "types": [describe_type(t) for t in module.types],
        "imports": imports,
        "functions": [
            {"index": func_base + i, "type": t, "name": fnames.get(func_base + i),
             "size": module.code[i].end - module.code[i].start if i < len(module.code) else None}
            for i, t in enumerate(module.functions)
        ],
        "tables": [describe_desc(module, t.type) for t in module.tables],
        "memories": [describe_desc(module, m) for m in module.memories],
        "globals": [{"type": describe_desc(module, g.type), "init": describe_init(g.init)} for g in module.globals],
        "exports": [{"name": e.name, "kind": str(e.kind), "index": e.index} for e in module.exports],
        "start": module.start,
        "elements": [
            {"flags": s.flags, "mode": s.mode, "table": s.table, "count": len(s.items),
             "offset": describe_init(s.offset_expr) if s.offset_expr is not None else None}
            for s in module.elements
        ],
        "data_count": module.data_count,
        "data": [
            {"mode": s.mode, "memory": s.memory, "size": len(s.data),
             "offset": describe_init(s.offset_expr) if s.offset_expr is not None else None}
            for s in module.data_segments
        ],
        "tags": [{"type": t.type_index} for t in module.tags],
        "custom_sections": [{"name": c.name, "size": len(c.data)} for c in module.customs],
        "producers": module.producers,
        "target_features": [p + f for p, f in module.target_features] if module.target_features else None,
    }


# --- symbols ---------------------------------------------------------------------------------

def symbols(module: Module, *, imports: bool = True, exports: bool = True) -> list[dict[str, Any]]:
    """Imports and exports as rows: direction, kind, name, index, signature."""
    rows: list[dict[str, Any]] = []
    if imports:
        counters = dict.fromkeys(ExternKind, 0)
        for imp in module.imports:
            i = counters[imp.kind]
            counters[imp.kind] += 1
            try:
                signature = _import_signature(module, imp)
            except (IndexError, TypeError) as err:
                raise _dangling(module, imp.offset, "import", f"import {imp.module}.{imp.name}", err) from None
            rows.append({"direction": "import", "kind": str(imp.kind), "name": f"{imp.module}.{imp.name}",
                         "index": i, "signature": signature})
    if exports:
        for e in module.exports:
            try:
                signature = signature_of(module, e.kind, e.index)
            except (IndexError, TypeError) as err:
                raise _dangling(module, e.offset, "export", f"export {e.name!r} of {e.kind}[{e.index}]", err) from None
            rows.append({"direction": "export", "kind": str(e.kind), "name": e.name, "index": e.index,
                         "signature": signature})
    return rows


def _dangling(module: Module, offset: int, section: str, what: str, err: Exception) -> WasmDecodeError:
    # The reader does not check indices; one that leads nowhere is bad input, not a crash.
    problem = "refers to a type that is not a function type" if isinstance(err, TypeError) else (
        "refers to an index the module does not define")
    return WasmDecodeError(offset, section, f"{what} {problem}", path=module.path)


def _import_signature(module: Module, imp: Import) -> str:
    if imp.kind == ExternKind.FUNC:
        comp = module.types[imp.desc].comp
        return describe_functype(comp) if isinstance(comp, FuncType) else str(comp)
    if imp.kind == ExternKind.TAG:
        comp = module.types[imp.desc.type_index].comp
        return describe_functype(comp) if isinstance(comp, FuncType) else str(comp)
    return describe_desc(module, imp.desc)


def symbols_text(
    rows: list[dict[str, Any]], *, demangle: Namer = _identity, kind: ModuleKind | None = None
) -> Iterator[str]:
    """One line a symbol, as ``wasm-nm`` lists them: ``U`` for imports, ``T``/``D``… for exports;
    first a ``kind:`` line when ``kind`` is given."""
    letters = {"func": "T", "global": "D", "memory": "M", "table": "A", "tag": "E"}
    if kind is not None:
        yield f"kind: {kind.describe()}"
    for r in rows:
        letter = "U" if r["direction"] == "import" else letters[r["kind"]]
        yield f"{letter} {r['kind']:<6} {demangle(r['name'])}  {r['signature']}"
