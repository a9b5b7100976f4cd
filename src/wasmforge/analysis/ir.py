"""Build the size graph of a module: one item per function, type, import, table, memory, global,
tag, export, element segment, data segment, custom section, ``name`` subsection and section
header, so that the shallow sizes add up to the file size exactly; then the edges between them.

Two passes, as twiggy does: items first (sizes from the byte ranges the reader reports), then
edges (function bodies are decoded here, once each, and dropped as soon as they are scanned).
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any

from wasmforge import _progress
from wasmforge.analysis.demangle import DisplayNames
from wasmforge.analysis.graph import ItemGraph, ItemKind
from wasmforge.binary import (
    OPCODES,
    ExternKind,
    FuncType,
    Module,
    Opcode,
    SectionId,
    WasmDecodeError,
    read_module,
    references,
)
from wasmforge.errors import WasmforgeError

_NAME_SUBSECTIONS = {
    0: '"module name" subsection',
    1: '"function names" subsection',
    2: '"local names" subsection',
    3: '"label names" subsection',
    4: '"type names" subsection',
    5: '"table names" subsection',
    6: '"memory names" subsection',
    7: '"global names" subsection',
    8: '"element names" subsection',
    9: '"data names" subsection',
    10: '"field names" subsection',
    11: '"tag names" subsection',
    12: '"type parameter names" subsection',
}

_SECTION_HEADER_NAMES = {
    SectionId.TYPE: "type section headers",
    SectionId.IMPORT: "import section headers",
    SectionId.FUNCTION: "function section headers",
    SectionId.TABLE: "table section headers",
    SectionId.MEMORY: "memory section headers",
    SectionId.GLOBAL: "global section headers",
    SectionId.EXPORT: "export section headers",
    SectionId.START: "start section headers",
    SectionId.ELEMENT: "element section headers",
    SectionId.CODE: "code section headers",
    SectionId.DATA: "data section headers",
    SectionId.DATA_COUNT: "data count section headers",
    SectionId.TAG: "tag section headers",
}

# What an instruction means to the graph, by the opcode's dense index (cheap dispatch), from what
# the opcode table says of it: the index spaces its immediates reference and its form.
_CALL, _INDIRECT, _GLOBAL, _CONST, _LOAD, _BLOCK, _REFS = range(1, 8)
#: the index spaces whose items an instruction's reference keeps alive (labels and locals are not items).
_ITEM_SPACES = frozenset(("func", "table", "memory", "global", "type", "data", "elem", "tag"))


def _role(op: Opcode) -> int:
    form = op.form
    kind = form.kind if form is not None else None
    if kind == "call_indirect":
        return _INDIRECT
    if op.refs == ("func",):  # call, return_call, ref.func
        return _CALL
    if op.refs == ("global",):
        return _GLOBAL
    if kind == "const" and op.stack == ":i":  # i32.const: maybe an address in a data segment
        return _CONST
    if kind == "load" and op.prefix is None:  # the scalar loads twiggy follows from a constant address
        return _LOAD
    if op.imms == ("blocktype",):  # a block type may be a type index
        return _BLOCK
    return _REFS if _ITEM_SPACES.intersection(op.refs) else 0


def _dispatch_table() -> list[int]:
    table = [0] * (max(op.index for op in OPCODES) + 1)
    for op in OPCODES:
        table[op.index] = _role(op)
    return table


_ROLE = _dispatch_table()


def _spans(offsets: list[int], end: int) -> list[int]:
    """Sizes of consecutive entries starting at ``offsets``; the last one runs to ``end``."""
    return [b - a for a, b in zip(offsets, offsets[1:] + [end])]


def _valtype_name(t: Any) -> str:
    return str(t)


def _type_name(index: int, subtype: Any) -> str:
    comp = subtype.comp
    if isinstance(comp, FuncType):
        params = ", ".join(_valtype_name(t) for t in comp.params)
        if not comp.results:
            results = "nil"
        elif len(comp.results) == 1:
            results = _valtype_name(comp.results[0])
        else:
            results = "(" + ", ".join(_valtype_name(t) for t in comp.results) + ")"
        return f"type[{index}]: ({params}) -> {results}"
    kind = type(comp).__name__.removesuffix("Type").lower()
    return f"type[{index}]: {kind}"


class _Builder:
    """Collects items and edges; ``graph()`` freezes them into an :class:`ItemGraph`."""

    def __init__(self, module: Module, twiggy_compatible: bool) -> None:
        self.m = module
        self.compat = twiggy_compatible
        self.names: list[str] = []
        self.sizes: list[int] = []
        self.kinds: list[ItemKind] = []
        self.roots: list[int] = []
        self.out: list[set[int]] = []
        # index spaces → item ids
        self.funcs: list[int] = []
        self.tables: list[int] = []
        self.memories: list[int] = []
        self.globals: list[int] = []
        self.tags: list[int] = []
        self.types: list[int] = []
        self.elems: list[int] = []
        self.datas: list[int] = []
        self.exports: list[int] = []
        self.start_header: int | None = None
        self.function_index: dict[int, int] = {}
        self.symbols: dict[int, str] = {}
        # active data segments at constant addresses: sorted starts, ends, items
        self.data_ranges: list[tuple[int, int, int]] = []
        self.indirect: dict[tuple[Any, int], int] = {}

    def add(self, name: str, size: int, kind: ItemKind, root: bool = False) -> int:
        i = len(self.names)
        self.names.append(name)
        self.sizes.append(size)
        self.kinds.append(kind)
        self.out.append(set())
        if root:
            self.roots.append(i)
        return i

    def header(self, name: str, section: Any, entries: Iterable[int]) -> int:
        total = section.end - section.offset
        return self.add(name, total - sum(entries), ItemKind.HEADER, root=True)

    # -- pass 1: items ---------------------------------------------------------------------
    def items(self) -> None:
        m = self.m
        self.add("wasm magic bytes", 8, ItemKind.HEADER, root=True)
        names = self._names()
        func_names = names.functions if names else {}
        function_section = None
        for sec in m.sections:
            sid = sec.id
            if sid == SectionId.CUSTOM:
                self._custom(sec, names)
            elif sid == SectionId.TYPE:
                types = m.types  # decoded first: the reader reports malformed types precisely
                sizes = _spans(m.entry_offsets(SectionId.TYPE), sec.end)
                for i, (t, size) in enumerate(zip(types, sizes)):
                    self.types.append(self.add(_type_name(i, t), size, ItemKind.TYPE))
                self.header("type section headers", sec, sizes)
            elif sid == SectionId.IMPORT:
                imports = m.imports
                sizes = _spans(m.entry_offsets(SectionId.IMPORT), sec.end)
                spaces = {ExternKind.FUNC: self.funcs, ExternKind.TABLE: self.tables,
                          ExternKind.MEMORY: self.memories, ExternKind.GLOBAL: self.globals,
                          ExternKind.TAG: self.tags}
                for imp, size in zip(imports, sizes):
                    item = self.add(f"import {imp.module}::{imp.name}", size, ItemKind.IMPORT)
                    space = spaces[imp.kind]
                    if imp.kind == ExternKind.FUNC:
                        self.function_index[item] = len(space)
                    space.append(item)
                self.header("import section headers", sec, sizes)
            elif sid == SectionId.FUNCTION:
                function_section = sec  # merged into the function items at the code section
            elif sid == SectionId.TABLE:
                sizes = _spans(m.entry_offsets(SectionId.TABLE), sec.end)
                first = len(self.tables)
                for i, size in enumerate(sizes):
                    self.tables.append(self.add(f"table[{first + i}]", size, ItemKind.TABLE, root=True))
                self.header("table section headers", sec, sizes)
            elif sid == SectionId.MEMORY:
                sizes = _spans(m.entry_offsets(SectionId.MEMORY), sec.end)
                first = len(self.memories)
                for i, size in enumerate(sizes):
                    self.memories.append(self.add(f"memory[{first + i}]", size, ItemKind.MEMORY))
                self.header("memory section headers", sec, sizes)
            elif sid == SectionId.GLOBAL:
                sizes = _spans(m.entry_offsets(SectionId.GLOBAL), sec.end)
                first = len(self.globals)
                for i, size in enumerate(sizes):
                    self.globals.append(self.add(f"global[{first + i}]", size, ItemKind.GLOBAL))
                self.header("global section headers", sec, sizes)
            elif sid == SectionId.TAG:
                sizes = _spans(m.entry_offsets(SectionId.TAG), sec.end)
                first = len(self.tags)
                for i, size in enumerate(sizes):
                    self.tags.append(self.add(f"tag[{first + i}]", size, ItemKind.TAG))
                self.header("tag section headers", sec, sizes)
            elif sid == SectionId.EXPORT:
                exports = m.exports
                sizes = _spans(m.entry_offsets(SectionId.EXPORT), sec.end)
                for e, size in zip(exports, sizes):
                    self.exports.append(self.add(f'export "{e.name}"', size, ItemKind.EXPORT, root=True))
                self.header("export section headers", sec, sizes)
            elif sid == SectionId.START:
                self.start_header = self.header("start section headers", sec, ())
            elif sid == SectionId.ELEMENT:
                sizes = [e.end - e.offset for e in m.elements]
                for i, size in enumerate(sizes):
                    self.elems.append(self.add(f"elem[{i}]", size, ItemKind.ELEMENT))
                self.header("element section headers", sec, sizes)
            elif sid == SectionId.CODE:
                self._code(sec, function_section, func_names)
                function_section = None
            elif sid == SectionId.DATA:
                data_names = names.datas if names else {}
                sizes = []
                for i, seg in enumerate(m.data_segments):
                    size = seg.end - seg.offset
                    sizes.append(size)
                    name = f'data segment "{data_names[i]}"' if i in data_names else f"data[{i}]"
                    item = self.add(name, size, ItemKind.DATA)
                    self.datas.append(item)
                    if seg.mode == "active" and seg.offset_expr is not None:
                        addr = seg.offset_expr.value()
                        if addr is not None and 0 <= addr <= 0xFFFFFFFF:
                            self.data_ranges.append((addr, addr + len(seg.data), item))
                self.header("data section headers", sec, sizes)
            else:
                name = _SECTION_HEADER_NAMES.get(sid, f"section {int(sid)} headers")
                self.header(name, sec, ())
        if function_section is not None:  # a function section without a code section
            self.header("function section headers", function_section, ())
        self.data_ranges.sort()

    def _names(self) -> Any:
        try:
            return self.m.names
        except WasmDecodeError:
            return None  # a malformed name section is profiled as an opaque custom section

    def _custom(self, sec: Any, names: Any) -> None:
        if sec.name == "name" and names is not None and names.subsections and \
                sec.start <= names.subsections[0][1] < sec.end:
            sizes = []
            for sub_id, start, end in names.subsections:
                label = _NAME_SUBSECTIONS.get(sub_id, '"unknown name" subsection')
                self.add(label, end - start, ItemKind.NAME_SUBSECTION, root=True)
                sizes.append(end - start)
            self.header("custom section 'name' headers", sec, sizes)
            return
        size = sec.end - sec.content_start
        self.add(f"custom section '{sec.name}'", size, ItemKind.CUSTOM)
        self.header(f"custom section '{sec.name}' headers", sec, (size,))

    def _code(self, sec: Any, function_section: Any, func_names: dict[int, str]) -> None:
        m = self.m
        bodies = m.code
        if function_section is not None:
            _ = m.functions
        entry_sizes = _spans(m.entry_offsets(SectionId.FUNCTION), function_section.end) if function_section else []
        first = m.num_imported(ExternKind.FUNC)
        sizes = []
        for i, body in enumerate(bodies):
            size = body.size + (entry_sizes[i] if i < len(entry_sizes) else 0)
            sizes.append(size)
            index = first + i
            symbol = func_names.get(index)
            # the symbol as written: DisplayNames demangles it when a row shows it
            name = symbol if symbol else f"code[{i}]"
            item = self.add(name, size, ItemKind.FUNCTION)
            if symbol:
                self.symbols[item] = symbol
            self.function_index[item] = index
            self.funcs.append(item)
        total = sec.end - sec.offset
        if function_section is not None:
            total += function_section.end - function_section.offset
        self.add("code section headers", total - sum(sizes), ItemKind.HEADER, root=True)

    # -- pass 2: edges ---------------------------------------------------------------------
    def edges(self) -> None:
        m = self.m
        out = self.out
        funcs, tables, globals_, types = self.funcs, self.tables, self.globals, self.types
        spaces = {ExternKind.FUNC: funcs, ExternKind.TABLE: tables, ExternKind.MEMORY: self.memories,
                  ExternKind.GLOBAL: globals_, ExternKind.TAG: self.tags}
        for e, item in zip(m.exports, self.exports):
            space = spaces.get(e.kind)
            if space is not None and e.index < len(space):
                out[item].add(space[e.index])
        if self.start_header is not None and m.start is not None and m.start < len(funcs):
            out[self.start_header].add(funcs[m.start])
        if not self.compat:
            seen = dict.fromkeys(ExternKind, 0)
            for imp in m.imports:  # an import keeps the types its description names
                k = seen[imp.kind]
                seen[imp.kind] += 1
                imp_item = spaces[imp.kind][k] if imp.kind in spaces and k < len(spaces[imp.kind]) else None
                if imp_item is None:
                    continue
                if imp.kind == ExternKind.FUNC:
                    if isinstance(imp.desc, int) and imp.desc < len(types):
                        out[imp_item].add(types[imp.desc])
                elif imp.kind == ExternKind.TAG:
                    if imp.desc.type_index < len(types):
                        out[imp_item].add(types[imp.desc.type_index])
                elif imp.kind == ExternKind.TABLE:
                    self._valtype_edge(imp_item, imp.desc.elem)
                elif imp.kind == ExternKind.GLOBAL:
                    self._valtype_edge(imp_item, imp.desc.type)
            for t, item in zip(m.tables, tables[len(tables) - len(m.tables):]):
                if t.init is not None:
                    self._const_expr_edges(item, t.init)
            for g, item in zip(m.globals, globals_[len(globals_) - len(m.globals):]):
                self._const_expr_edges(item, g.init)
            for tag, item in zip(m.tags, self.tags[len(self.tags) - len(m.tags):]):
                if tag.type_index < len(types):
                    out[item].add(types[tag.type_index])
            self._type_edges()
            # the concrete types that globals, tables and element segments are declared with
            for g, item in zip(m.globals, globals_[len(globals_) - len(m.globals):]):
                self._valtype_edge(item, g.type.type)
            for t, item in zip(m.tables, tables[len(tables) - len(m.tables):]):
                self._valtype_edge(item, t.type.elem)
            for seg, item in zip(m.elements, self.elems):
                if seg.mode == "active":  # instantiation writes it into its table, whoever holds the table
                    self.roots.append(item)
                self._valtype_edge(item, seg.type)
                if seg.flags & 4:
                    for expr in seg.items:
                        self._const_expr_edges(item, expr)
        for seg, item in zip(m.elements, self.elems):
            if seg.mode == "active" and seg.table < len(tables):
                out[tables[seg.table]].add(item)
            for f in seg.function_indices:
                if f < len(funcs):
                    out[item].add(funcs[f])
        self._function_edges()

    def _valtype_edge(self, item: int, valtype: Any) -> None:
        heap = getattr(valtype, "heap", None)
        index = heap.index if heap is not None else None
        if index is not None and index < len(self.types):
            self.out[item].add(self.types[index])

    def _type_edges(self) -> None:
        """A type keeps its supertypes, the types its fields, params and results name, and its recursion group."""
        types, out = self.types, self.out
        index = 0
        for group in self.m.rec_groups:
            members = types[index:index + len(group.types)]
            for st in group.types:
                if index >= len(types):
                    return
                dest = out[types[index]]
                dest.update(m for m in members if m != types[index])
                dest.update(types[s] for s in st.supertypes if s < len(types))
                comp: Any = st.comp
                if isinstance(comp, FuncType):
                    named = (*comp.params, *comp.results)
                elif hasattr(comp, "fields"):  # a struct
                    named = tuple(f.storage for f in comp.fields)
                else:  # an array
                    named = (comp.field.storage,)
                for v in named:
                    self._valtype_edge(types[index], v)
                index += 1

    def _spaces(self) -> dict[str, list[int]]:
        """Item ids by index space, for the spaces an instruction's immediates reference."""
        return {"func": self.funcs, "table": self.tables, "memory": self.memories, "global": self.globals,
                "type": self.types, "data": self.datas, "elem": self.elems, "tag": self.tags}

    def _const_expr_edges(self, item: int, expr: Any) -> None:
        spaces = self._spaces()
        dest = self.out[item]
        for _, op, imm in expr.instructions:
            if op.refs:
                for space, index in references(op, imm):
                    items = spaces.get(space)
                    if items is not None and index < len(items):
                        dest.add(items[index])

    def _indirect_targets(self) -> dict[tuple[Any, int], list[int]]:
        """For each (function type, table), the functions the table's segments can hold."""
        m = self.m
        ftypes = m.functions
        first = m.num_imported(ExternKind.FUNC)
        import_types = [imp.desc for imp in m.imports if imp.kind == ExternKind.FUNC]
        comps = [t.comp for t in m.types]

        def comp_of(f: int) -> Any:
            ti = import_types[f] if f < first else (ftypes[f - first] if f - first < len(ftypes) else None)
            return comps[ti] if ti is not None and ti < len(comps) else None

        targets: dict[tuple[Any, int], set[int]] = {}
        n_tables = max(len(self.tables), 1)
        for seg in m.elements:
            if seg.mode == "declarative":
                continue
            # a passive segment may be copied into any table by table.init
            tabs = [seg.table] if seg.mode == "active" else range(n_tables)
            for f in seg.function_indices:
                if f >= len(self.funcs):
                    continue
                key = comp_of(f)
                for t in tabs:
                    targets.setdefault((key, t), set()).add(self.funcs[f])
        return {k: sorted(v) for k, v in targets.items()}

    def _indirect_item(self, type_index: int, table: int, targets: dict[tuple[Any, int], list[int]]) -> int:
        comps = self.m.types
        comp = comps[type_index].comp if type_index < len(comps) else None
        key = (comp, table)
        item = self.indirect.get(key)
        if item is None:
            type_label = self.names[self.types[type_index]] if type_index < len(self.types) else f"type[{type_index}]"
            item = self.add(f"call_indirect ({type_label}) via table[{table}]", 0, ItemKind.INDIRECT)
            self.indirect[key] = item
            self.out[item].update(targets.get(key, ()))
            if table < len(self.tables):
                self.out[item].add(self.tables[table])
        return item

    def _function_edges(self) -> None:
        m = self.m
        out = self.out
        funcs, globals_, types, memories = self.funcs, self.globals, self.types, self.memories
        spaces = self._spaces()
        n_funcs, n_globals, n_types, n_memories = len(funcs), len(globals_), len(types), len(memories)
        compat = self.compat
        role_of = _ROLE
        starts = [r[0] for r in self.data_ranges]
        ranges = self.data_ranges
        first = m.num_imported(ExternKind.FUNC)
        ftypes = m.functions
        targets = self._indirect_targets() if not compat else {}
        bisect_right = bisect.bisect_right
        roles = list(role_of)
        if not starts:  # no data segment at a known address: constants cannot point anywhere
            for op in OPCODES:
                if roles[op.index] == _CONST:
                    roles[op.index] = 0
        op_of = itemgetter(1)
        op_index = attrgetter("index")

        def data_at(addr: int) -> int | None:
            k = bisect_right(starts, addr) - 1
            if k >= 0 and addr < ranges[k][1]:
                return ranges[k][2]
            return None

        report = _progress.active()
        bodies = len(m.code)
        for i, body in enumerate(m.code):
            if report is not None and not i & 511:
                report("decoding function bodies", i, bodies)
            item = funcs[first + i]
            dest = out[item]
            ti = ftypes[i] if i < len(ftypes) else None
            if ti is not None and ti < len(types):
                dest.add(types[ti])
            prev_const: int | None = None
            decoded = body.instructions()
            instructions: Iterable[tuple[int, Any, Any]] = decoded
            if not compat:
                # Only a few opcodes matter: pick them out with C-level iterators (op → its
                # dense index → its role) before the Python loop sees them.
                instructions = compress(decoded, map(roles.__getitem__, map(op_index, map(op_of, decoded))))
            for _, op, imm in instructions:
                role = role_of[op.index]
                if not role:
                    prev_const = None
                    continue
                if role == _CALL:
                    if imm < n_funcs:
                        dest.add(funcs[imm])
                elif role == _GLOBAL:
                    if imm < n_globals:
                        dest.add(globals_[imm])
                elif role == _CONST:
                    if compat:
                        prev_const = imm
                        continue
                    if starts:
                        d = data_at(imm & 0xFFFFFFFF)
                        if d is not None:
                            dest.add(d)
                elif role == _LOAD:
                    if compat:
                        if prev_const is not None and ranges:
                            d = self._twiggy_data_at(prev_const + imm[1])
                            if d is not None:
                                dest.add(d)
                    elif imm[2] < n_memories:
                        dest.add(memories[imm[2]])
                elif compat:
                    pass  # twiggy draws none of the edges below
                elif role == _INDIRECT:
                    dest.add(self._indirect_item(imm[0], imm[1], targets))
                    if imm[0] < n_types:  # the stand-in is shared by equal signatures: the index is the call's
                        dest.add(types[imm[0]])
                elif role == _BLOCK:
                    if imm.__class__ is int and imm < n_types:
                        dest.add(types[imm])
                else:  # _REFS: every item the immediates name (types, data and element segments, tags ...)
                    for space, index in references(op, imm):
                        items = spaces.get(space)
                        if items is not None and index < len(items):
                            dest.add(items[index])
                prev_const = None
        if report is not None:
            report("decoding function bodies", bodies, bodies)

    def _twiggy_data_at(self, addr: int) -> int | None:
        # twiggy looks up the first segment starting at or after the address and accepts it when
        # the address is below that segment's end; kept as is so retained sizes compare exactly.
        addr &= 0xFFFFFFFFFFFFFFFF
        starts = [r[0] for r in self.data_ranges]
        k = bisect.bisect_left(starts, addr)
        if k < len(starts) and addr < self.data_ranges[k][1]:
            return self.data_ranges[k][2]
        return None

    def graph(self) -> ItemGraph:
        edges = [sorted(s) for s in self.out]
        edges.append(list(self.roots))
        return ItemGraph(
            names=DisplayNames(self.names, self.symbols),
            sizes=self.sizes,
            kinds=self.kinds,
            edges=edges,
            roots=list(self.roots),
            file_size=self.m.size,
            function_index=self.function_index,
            symbols=self.symbols,
        )


def _hint(err: WasmDecodeError) -> str:
    if "component" in err.message:
        return "the size profiler reads core modules; profile the core modules the component embeds"
    if err.section is None and err.offset < 8:  # the 8-byte header: not a module at all
        return "check the file: a WebAssembly module starts with \\0asm and version 1"
    return "the module is malformed; 'wasm-tools validate' names the problem"


def build(module: Module | bytes | bytearray | memoryview | str | os.PathLike[str], *,
          twiggy_compatible: bool = False) -> ItemGraph:
    """The size graph of ``module`` (a :class:`Module`, bytes or a path).

    With ``twiggy_compatible=True`` the edges are exactly twiggy's, so sizes compare line by line
    with its output: no ``call_indirect``/``ref.func``/tag/bulk-memory edges, no edges from
    imports, globals' and tables' initialisers, and an address only counts when an ``i32.const``
    is followed directly by a load. Raises :class:`WasmforgeError` for a malformed module.
    """
    owned = not isinstance(module, Module)
    m: Module
    try:
        m = module if isinstance(module, Module) else read_module(module)
    except WasmDecodeError as err:
        raise WasmforgeError(str(err), hint=_hint(err)) from None
    except OSError as err:
        where = os.fspath(module) if isinstance(module, (str, os.PathLike)) else "module"
        raise WasmforgeError(f"{where}: cannot read: {err.strerror or err}") from None
    try:
        builder = _Builder(m, twiggy_compatible)
        builder.items()
        builder.edges()
        graph = builder.graph()
    except WasmDecodeError as err:
        raise WasmforgeError(str(err.with_path(m.path)), hint=_hint(err)) from None
    finally:
        if owned:
            m.close()
    if sum(graph.sizes) != graph.file_size:  # the invariant every analysis relies on
        raise WasmforgeError(
            f"{m.path or 'module'}: item sizes add up to {sum(graph.sizes)} bytes, not the file's {graph.file_size}",
            hint="this is a bug in wasmforge.analysis; please report it with the module",
        )
    return graph


__all__ = ["build"]
