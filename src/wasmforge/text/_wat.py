"""The WebAssembly text printer: every section and instruction of a decoded module, flat or folded.

Output follows ``wasm2wat``'s layout (two-space indents, ``(;N;)`` index comments, label
comments on blocks and branches) and re-assembles to the same binary: floats are exact hex
floats with NaN payloads, memargs show only non-default fields, names are quoted where needed.
The module is written function by function, so the text of a large module is never held whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wasmforge import _progress
from wasmforge.binary import (
    OPCODES,
    AbsHeap,
    ArrayType,
    ConstExpr,
    ExternKind,
    FuncType,
    GlobalType,
    HeapType,
    Limits,
    Module,
    Opcode,
    PackedType,
    RefType,
    SectionId,
    StructType,
    SubType,
    TableType,
    TagType,
)
from wasmforge.text._config import PrintOptions
from wasmforge.text._literals import (
    f32_comment,
    f32_text,
    f64_comment,
    f64_text,
    identifier,
    quote_bytes,
    quote_str,
)
from wasmforge.text._names import ModuleNames
from wasmforge.text._sink import Sink

# Instruction categories of the flat printer's hot loop, by Opcode.index.
PLAIN, LOCAL, GLOBAL, CALL, CONST_I, MEMARG, LABEL, BLOCK, END, MIDDLE, DELEGATE, OTHER = range(12)

_KIND_SPACE = {"func": "func", "global": "global", "table": "table", "memory": "memory", "tag": "tag",
               "elem": "elem", "data": "data", "type": "type"}
_EXTERN_SPACE = {ExternKind.FUNC: "func", ExternKind.TABLE: "table", ExternKind.MEMORY: "memory",
                 ExternKind.GLOBAL: "global", ExternKind.TAG: "tag"}
#: generated label names: $B0 for a block, $L1 for a loop, $I2 for an if, $T3 for a try.
_LABEL_PREFIX = {"block": "B", "loop": "L", "if": "I", "try": "T", "try_table": "T"}
_CATCH_KINDS = ("catch", "catch_ref", "catch_all", "catch_all_ref")
#: the shorthand of ``(ref null <abstract>)``: the bottom types are spelled ``null…ref``, not ``no…ref``.
_SHORTHAND = {h: f"{h.name.lower()}ref" for h in AbsHeap} | {
    AbsHeap.NONE: "nullref", AbsHeap.NOFUNC: "nullfuncref", AbsHeap.NOEXTERN: "nullexternref",
    AbsHeap.NOEXN: "nullexnref", AbsHeap.NOCONT: "nullcontref",
}
#: the text format's name of each non-custom section, for a custom section's ``(after …)`` place.
_PLACE = {
    SectionId.TYPE: "type", SectionId.IMPORT: "import", SectionId.FUNCTION: "func", SectionId.TABLE: "table",
    SectionId.MEMORY: "memory", SectionId.GLOBAL: "global", SectionId.EXPORT: "export", SectionId.START: "start",
    SectionId.ELEMENT: "elem", SectionId.CODE: "code", SectionId.DATA: "data", SectionId.DATA_COUNT: "datacount",
    SectionId.TAG: "tag",
}


def _category(op: Opcode) -> int:
    imms = op.imms
    if op.prefix is None:
        if op.code == 0x0B:
            return END
        if op.code in (0x05, 0x07, 0x19):  # else, catch, catch_all
            return MIDDLE
        if op.code == 0x18:
            return DELEGATE
        if imms in (("blocktype",), ("try_table",)):
            return BLOCK
    if not imms:
        return PLAIN
    if imms == ("local",):
        return LOCAL
    if imms == ("global",):
        return GLOBAL
    if op.name == "call":
        return CALL
    if imms in (("i32",), ("i64",)):
        return CONST_I
    if imms == ("memarg",):
        return MEMARG
    if imms == ("label",) and op.name in ("br", "br_if"):
        return LABEL
    return OTHER


CATEGORIES: list[int] = [_category(op) for op in OPCODES]
_INDENTS = ["    " + "  " * d for d in range(64)]
#: about how many characters of text a printer holds before handing them to the sink.
_CHUNK_CHARS = 1 << 20


def chunk_lines(depth: int) -> int:
    """How many lines indented ``depth`` levels make about ``_CHUNK_CHARS`` (2048 for shallow code)."""
    return 2048 if depth < 64 else max(8, _CHUNK_CHARS // (2 * depth + 40))


class WatPrinter:
    """Prints one module to a sink. Build once per module; ``module()`` or ``function_lines(i)``."""

    def __init__(self, module: Module, sink: Sink, options: PrintOptions | None = None) -> None:
        options = options or PrintOptions()
        self.m = module
        self.sink = sink
        self.options = options
        self.names = ModuleNames(module, use_names=options.names, generate=options.generate_names)
        paint = sink.paint
        self._paint = paint
        self.kw = [paint("keyword", op.name) for op in OPCODES]
        if sink.colored:
            self.ref = {s: [paint("name", r) for r in refs] for s, refs in self.names.ref.items()}
        else:
            self.ref = self.names.ref
        self._pending: str | None = None
        #: names of the labels of the blocks open at each depth, in the function being printed.
        self._labels: list[str | None] = []
        self._exports: dict[tuple[str, int], list[str]] = {}
        if options.inline_exports:
            imported = {k: module.num_imported(k) for k in ExternKind}
            for e in module.exports:
                if e.index >= imported[e.kind]:  # exports of imports stay separate fields
                    self._exports.setdefault((_EXTERN_SPACE[e.kind], e.index), []).append(e.name)

    # -- output ------------------------------------------------------------------------------
    def _emit(self, lines: list[str]) -> None:
        """Write lines, holding back the last so a closing paren can join it."""
        if not lines:
            return
        if self._pending is not None:
            self.sink.write(self._pending + "\n")
        if len(lines) > 1:
            self.sink.write("\n".join(lines[:-1]) + "\n")
        self._pending = lines[-1]

    def _close(self) -> None:
        if self._pending is not None:
            self.sink.write(self._pending + ")\n")
            self._pending = None

    # -- small pieces ------------------------------------------------------------------------
    def k(self, text: str) -> str:
        return self._paint("keyword", text)

    def c(self, text: str) -> str:
        return self._paint("comment", text)

    def lit(self, text: str) -> str:
        return self._paint("literal", text)

    def t(self, text: str) -> str:
        return self._paint("type", text)

    def define(self, space: str, index: int) -> str:
        name = self.names.named[space].get(index)
        if name is not None:
            note = self.names.notes[space].get(index)
            return self._paint("name", name) + (" " + self.lit(note) if note else "")
        return self.c(f"(;{index};)")

    def typeref(self, index: int) -> str:
        refs = self.ref["type"]
        return refs[index] if 0 <= index < len(refs) else str(index)

    def heaptype(self, h: HeapType) -> str:
        if h.abstract is not None:
            text = h.abstract.name.lower()
        else:
            text = self.typeref(h.index or 0)
        return f"(shared {text})" if h.shared else text

    def valtype(self, v: Any) -> str:
        if isinstance(v, RefType):
            h = v.heap
            if v.nullable and h.abstract is not None and not h.shared:
                return self.t(_SHORTHAND[h.abstract])
            return f"({self.t('ref')} {self.t('null ') if v.nullable else ''}{self.heaptype(h)})"
        return self.t(str(v))

    def _reftype_text(self, nullable: bool, h: HeapType) -> str:
        return f"({self.t('ref')} {self.t('null ') if nullable else ''}{self.heaptype(h)})"

    def storage(self, s: Any) -> str:
        return self.t(str(s)) if isinstance(s, PackedType) else self.valtype(s)

    def field(self, f: Any) -> str:
        s = self.storage(f.storage)
        return f"({self.k('mut')} {s})" if f.mutable else s

    def limits(self, lim: Limits) -> str:
        out = self.t("i64 ") if lim.is64 else ""
        out += self.lit(str(lim.min))
        if lim.max is not None:
            out += " " + self.lit(str(lim.max))
        if lim.shared:
            out += " " + self.k("shared")
        if lim.page_size_log2 is not None:
            out += f" ({self.k('pagesize')} {self.lit(str(1 << lim.page_size_log2))})"
        return out

    def globaltype(self, g: GlobalType) -> str:
        text = self.valtype(g.type)
        if g.mutable:
            text = f"({self.k('mut')} {text})"
        if g.shared:
            text = f"({self.k('shared')} {text})"
        return text

    def functype_text(self, ft: FuncType, type_index: int | None = None) -> str:
        """`` (param …) (result …)``; with ``type_index``, the params the name section names get their names."""
        out = ""
        named, notes = self.names.fields(type_index, len(ft.params), params=True) if type_index is not None else ({}, {})
        if named:
            for i, p in enumerate(ft.params):
                name = self._paint("name", named[i]) + " " + (self.lit(notes[i]) + " " if i in notes else "") \
                    if i in named else ""
                out += f" ({self.k('param')} {name}{self.valtype(p)})"
        elif ft.params:
            out += f" ({self.k('param')} " + " ".join(self.valtype(p) for p in ft.params) + ")"
        if ft.results:
            out += f" ({self.k('result')} " + " ".join(self.valtype(r) for r in ft.results) + ")"
        return out

    def blocktype(self, bt: Any) -> str:
        if bt is None:
            return ""
        if isinstance(bt, int):
            # The index keeps the exact type; the signature beside it is for the reader.
            text = f" ({self.k('type')} {self.typeref(bt)})"
            types = self.m.types
            comp = types[bt].comp if 0 <= bt < len(types) else None
            if isinstance(comp, FuncType):
                text += self.functype_text(comp)
            return text
        return f" ({self.k('result')} {self.valtype(bt)})"

    def memarg(self, op: Opcode, m: tuple[int, int, int]) -> str:
        align, offset, memory = m
        out = ""
        if memory:
            out += " " + self._mem(memory)
        if offset:
            out += f" offset={offset}"
        if align != op.natural_align:
            out += f" align={1 << align if align < 64 else align}"
        return out

    def _mem(self, i: int) -> str:
        refs = self.ref["memory"]
        return refs[i] if i < len(refs) else str(i)

    def _space_ref(self, space: str, i: int) -> str:
        refs = self.ref[space]
        return refs[i] if i < len(refs) else str(i)

    def label(self, depth: int, n: int) -> str:
        target = depth - n
        labels = self._labels
        if 0 < target <= len(labels):
            name = labels[target - 1]
            # A label an inner one of the same name shadows is only reachable by its depth.
            if name is not None and (n == 0 or name not in labels[target:]):
                return " " + name
        return f" {n} " + self.c(f"(;@{target};)")

    # -- instruction text (the general path; the flat loop inlines the common cases) ----------
    def immediates(self, op: Opcode, imm: Any, depth: int, lref: list[str] | None) -> str:
        """The text after the mnemonic: a leading space and the immediates, or ""."""
        imms = op.imms
        if not imms:
            return ""
        if len(imms) == 1:
            kind = imms[0]
            if kind == "label":
                return self.label(depth, imm)
            if kind == "local":
                return " " + (lref[imm] if lref is not None and imm < len(lref) else str(imm))
            if kind in ("func", "global", "tag", "elem", "data"):
                return " " + self._space_ref(kind, imm)
            if kind == "memory":
                return " " + self._mem(imm) if imm else ""
            if kind == "table":
                return " " + self._space_ref("table", imm)
            if kind == "type":
                return " " + self.typeref(imm)
            if kind in ("u32", "field", "lane"):
                return " " + self.lit(str(imm))
            if kind == "memarg":
                return self.memarg(op, imm)
            if kind in ("i32", "i64"):
                return " " + self.lit(str(imm))
            if kind == "f32":
                return " " + self.lit(f32_text(imm)) + " " + self.c(f"(;={f32_comment(imm)};)")
            if kind == "f64":
                return " " + self.lit(f64_text(imm)) + " " + self.c(f"(;={f64_comment(imm)};)")
            if kind == "blocktype":
                return self.blocktype(imm)
            if kind == "br_table":
                targets, default = imm
                return "".join(self.label(depth, t) for t in targets) + self.label(depth, default)
            if kind == "v128":
                words = [int.from_bytes(imm[i : i + 4], "little") for i in range(0, 16, 4)]
                return f" {self.t('i32x4')} " + " ".join(self.lit(f"0x{w:08x}") for w in words)
            if kind == "shuffle":
                return " " + " ".join(self.lit(str(b)) for b in imm)
            if kind == "zero":
                return ""
            if kind == "select_t":
                return f" ({self.k('result')}" + "".join(" " + self.valtype(v) for v in imm) + ")"
            if kind == "heaptype":
                return " " + self.heaptype(imm)
            if kind == "ref_nonnull":
                return " " + self._reftype_text(False, imm)
            if kind == "ref_null":
                return " " + self._reftype_text(True, imm)
            if kind == "try_table":
                bt, catches = imm
                out = self.blocktype(bt)
                for ckind, tag, lab in catches:  # catch labels count from outside the try_table
                    tag_text = " " + self._space_ref("tag", tag) if tag is not None else ""
                    out += f" ({self.k(_CATCH_KINDS[ckind])}{tag_text}{self.label(depth, lab)})"
                return out
            if kind == "br_on_cast":
                flags, lab, h1, h2 = imm
                return (self.label(depth, lab) + " " + self._reftype_text(bool(flags & 1), h1) + " "
                        + self._reftype_text(bool(flags & 2), h2))
            raise ValueError(f"no text form for immediate kind {kind!r}")
        if imms == ("memarg", "lane"):
            return self.memarg(op, imm[0]) + " " + self.lit(str(imm[1]))
        a, b = imm[0], imm[1]
        if imms == ("type", "table"):  # call_indirect: table first in text, omitted when 0
            table = " " + self._space_ref("table", b) if b else ""
            return f"{table} ({self.k('type')} {self.typeref(a)})"
        if imms == ("data", "memory"):  # memory.init: memory first in text
            return (" " + self._mem(b) if b else "") + " " + self._space_ref("data", a)
        if imms == ("elem", "table"):  # table.init: table first in text
            return (" " + self._space_ref("table", b) if b else "") + " " + self._space_ref("elem", a)
        if imms == ("type", "field"):  # struct.get/set: the field by its name where it has one
            named = self.names.fields(a, b + 1)[0] if isinstance(a, int) else {}
            return f" {self.typeref(a)} " + (self._paint("name", named[b]) if b in named else self.lit(str(b)))
        if imms == ("memory", "memory"):
            return f" {self._mem(a)} {self._mem(b)}" if a or b else ""
        if imms == ("table", "table"):
            return f" {self._space_ref('table', a)} {self._space_ref('table', b)}" if a or b else ""
        out = ""
        for kind, value in zip(imms, imm):
            if kind == "type":
                out += " " + self.typeref(value)
            elif kind in _KIND_SPACE:
                out += " " + self._space_ref(_KIND_SPACE[kind], value)
            else:
                out += " " + self.lit(str(value))
        return out

    def instruction(self, op: Opcode, imm: Any, depth: int = 0, lref: list[str] | None = None) -> str:
        """One instruction's text, mnemonic and immediates."""
        return self.kw[op.index] + self.immediates(op, imm, depth, lref)

    def const_expr(self, e: ConstExpr, wrap: str | None = None) -> str:
        """A constant expression in folded form: ``(i32.const 1)``, or ``(wrap (a) (b))`` when longer."""
        instrs = e.instructions[:-1] if e.instructions and e.instructions[-1][1].name == "end" else e.instructions
        parts = [f"({self.instruction(op, imm)})" for _, op, imm in instrs]
        if len(parts) == 1 or wrap is None:
            return " ".join(parts)
        return f"({self.k(wrap)} " + " ".join(parts) + ")"

    # -- module fields ---------------------------------------------------------------------
    def _inline_exports(self, space: str, index: int) -> str:
        names = self._exports.get((space, index))
        if not names:
            return ""
        return "".join(f" ({self.k('export')} {self.lit(quote_str(n))})" for n in names)

    def _subtype(self, st: SubType, index: int) -> str:
        comp = st.comp
        if isinstance(comp, FuncType):
            body = f"({self.k('func')}{self.functype_text(comp, index)})"
        elif isinstance(comp, StructType):
            named, notes = self.names.fields(index, len(comp.fields))
            fields = "".join(
                f" ({self.k('field')} "
                + (self._paint("name", named[i]) + " " + (self.lit(notes[i]) + " " if i in notes else "")
                   if i in named else "")
                + f"{self.field(f)})"
                for i, f in enumerate(comp.fields))
            body = f"({self.k('struct')}{fields})"
        elif isinstance(comp, ArrayType):
            body = f"({self.k('array')} {self.field(comp.field)})"
        else:  # pragma: no cover - the reader knows no other composite types
            raise ValueError(f"unknown composite type {comp!r}")
        if st.explicit or not st.final or st.supertypes:
            supers = "".join(" " + self.typeref(s) for s in st.supertypes)
            return f"({self.k('sub')}{' ' + self.k('final') if st.final else ''}{supers} {body})"
        return body

    def types(self) -> list[str]:
        lines = []
        index = 0
        for group in self.m.rec_groups:
            if group.explicit:
                lines.append(f"  ({self.k('rec')}")
                for st in group.types:
                    lines.append(f"    ({self.k('type')} {self.define('type', index)} {self._subtype(st, index)})")
                    index += 1
                lines[-1] += ")"
                if not group.types:
                    lines[-1] = f"  ({self.k('rec')})"
            else:
                for st in group.types:
                    lines.append(f"  ({self.k('type')} {self.define('type', index)} {self._subtype(st, index)})")
                    index += 1
        return lines

    def _tagtype(self, tt: TagType) -> str:
        text = f"({self.k('type')} {self.typeref(tt.type_index)})"
        types = self.m.types
        comp = types[tt.type_index].comp if 0 <= tt.type_index < len(types) else None
        if isinstance(comp, FuncType):
            text += self.functype_text(comp)
        return text

    def _import_desc(self, kind: ExternKind, index: int, desc: Any) -> str:
        space = _EXTERN_SPACE[kind]
        head = f"({self.k(space)} {self.define(space, index)}"
        if kind == ExternKind.FUNC:
            return f"{head} ({self.k('type')} {self.typeref(desc)}))"
        if kind == ExternKind.TABLE:
            return f"{head} {self.limits(desc.limits)} {self.valtype(desc.elem)})"
        if kind == ExternKind.MEMORY:
            return f"{head} {self.limits(desc.limits)})"
        if kind == ExternKind.GLOBAL:
            return f"{head} {self.globaltype(desc)})"
        return f"{head} {self._tagtype(desc)})"

    def imports(self) -> list[str]:
        lines = []
        seen = dict.fromkeys(ExternKind, 0)
        for imp in self.m.imports:
            index = seen[imp.kind]
            seen[imp.kind] += 1
            lines.append(
                f"  ({self.k('import')} {self.lit(quote_str(imp.module))} {self.lit(quote_str(imp.name))} "
                f"{self._import_desc(imp.kind, index, imp.desc)})"
            )
        return lines

    def tables(self) -> list[str]:
        first = self.m.num_imported(ExternKind.TABLE)
        lines = []
        for i, table in enumerate(self.m.tables, first):
            tt: TableType = table.type
            init = " " + self.const_expr(table.init) if table.init is not None else ""
            lines.append(f"  ({self.k('table')} {self.define('table', i)}{self._inline_exports('table', i)} "
                         f"{self.limits(tt.limits)} {self.valtype(tt.elem)}{init})")
        return lines

    def memories(self) -> list[str]:
        first = self.m.num_imported(ExternKind.MEMORY)
        return [
            f"  ({self.k('memory')} {self.define('memory', i)}{self._inline_exports('memory', i)} "
            f"{self.limits(mt.limits)})"
            for i, mt in enumerate(self.m.memories, first)
        ]

    def tags(self) -> list[str]:
        first = self.m.num_imported(ExternKind.TAG)
        return [
            f"  ({self.k('tag')} {self.define('tag', i)}{self._inline_exports('tag', i)} "
            f"{self._tagtype(tt)})"
            for i, tt in enumerate(self.m.tags, first)
        ]

    def globals(self) -> list[str]:
        first = self.m.num_imported(ExternKind.GLOBAL)
        return [
            f"  ({self.k('global')} {self.define('global', i)}{self._inline_exports('global', i)} "
            f"{self.globaltype(g.type)} {self.const_expr(g.init)})"
            for i, g in enumerate(self.m.globals, first)
        ]

    def exports(self) -> list[str]:
        lines = []
        imported = {k: self.m.num_imported(k) for k in ExternKind}
        for e in self.m.exports:
            space = _EXTERN_SPACE[e.kind]
            if self.options.inline_exports and e.index >= imported[e.kind]:
                continue
            lines.append(f"  ({self.k('export')} {self.lit(quote_str(e.name))} "
                         f"({self.k(space)} {self._space_ref(space, e.index)}))")
        return lines

    def elements(self) -> list[str]:
        lines = []
        for i, seg in enumerate(self.m.elements):
            parts = [f"  ({self.k('elem')} {self.define('elem', i)}"]
            if seg.mode == "declarative":
                parts.append(" " + self.k("declare"))
            if seg.mode == "active":
                if seg.flags & 2:
                    parts.append(f" ({self.k('table')} {self._space_ref('table', seg.table)})")
                assert seg.offset_expr is not None
                parts.append(" " + self.const_expr(seg.offset_expr, "offset"))
            if seg.flags & 4:
                parts.append(" " + self.valtype(seg.type))  # flags 4 imply funcref
                for item in seg.items:
                    parts.append(" " + self.const_expr(item, "item"))
            else:
                parts.append(" " + self.k("func"))
                parts.extend(" " + self._space_ref("func", f) for f in seg.items)
            parts.append(")")
            lines.append("".join(parts))
        return lines

    def data(self) -> list[str]:
        lines = []
        for i, seg in enumerate(self.m.data_segments):
            head = f"  ({self.k('data')} {self.define('data', i)}"
            if seg.mode == "active":
                if seg.memory:
                    head += f" ({self.k('memory')} {self._mem(seg.memory)})"
                assert seg.offset_expr is not None
                head += " " + self.const_expr(seg.offset_expr, "offset")
            lines.append(f"{head} {self.lit(quote_bytes(seg.data))})")
        return lines

    # -- functions ----------------------------------------------------------------------------
    def function_header(self, func_index: int) -> tuple[list[str], list[str]]:
        """The ``(func ...`` line(s) of a defined function, and the reference texts of its locals."""
        m = self.m
        type_index = m.function_type_index(func_index)
        comp = m.types[type_index].comp if type_index < len(m.types) else FuncType()
        ft = comp if isinstance(comp, FuncType) else FuncType()
        body = m.code[func_index - m.num_imported(ExternKind.FUNC)]
        local_types = [t for count, t in body.locals for _ in range(count)]
        nparams = len(ft.params)
        count = nparams + len(local_types)
        lref, named = self.names.locals(func_index, count)
        if self.sink.colored:
            lref = [self._paint("name", r) for r in lref]
        head = (f"  ({self.k('func')} {self.define('func', func_index)}{self._inline_exports('func', func_index)} "
                f"({self.k('type')} {self.typeref(type_index)})")
        if ft.params:
            if any(i in named for i in range(nparams)):
                for i, p in enumerate(ft.params):
                    name = self._paint("name", named[i]) + " " if i in named else ""
                    head += f" ({self.k('param')} {name}{self.valtype(p)})"
            else:
                head += f" ({self.k('param')} " + " ".join(self.valtype(p) for p in ft.params) + ")"
        if ft.results:
            head += f" ({self.k('result')} " + " ".join(self.valtype(r) for r in ft.results) + ")"
        lines = [head]
        if local_types:
            if any(i in named for i in range(nparams, count)):
                parts = []
                for i, lt in enumerate(local_types, nparams):
                    name = self._paint("name", named[i]) + " " if i in named else ""
                    parts.append(f"({self.k('local')} {name}{self.valtype(lt)})")
                lines.append("    " + " ".join(parts))
            else:
                lines.append(f"    ({self.k('local')} " + " ".join(self.valtype(t) for t in local_types) + ")")
        return lines, lref

    def function_lines(self, func_index: int, flush: Callable[[list[str]], None] | None = None) -> list[str]:
        """The lines of a defined function, its closing paren included.

        With ``flush``, lines are handed over in chunks as they are made (``flush(lines)`` may
        take all but the last line out of the list), so a huge function never sits whole in memory.
        """
        lines, lref = self.function_header(func_index)
        body = self.m.code[func_index - self.m.num_imported(ExternKind.FUNC)]
        instrs = body.instructions()
        if self.options.fold:
            from wasmforge.text._fold import fold_function

            fold_function(self, func_index, instrs, lref, lines, flush)
        else:
            self._flat(instrs, lref, lines, flush, self._label_names(func_index, instrs))
        del instrs
        if ";;" in lines[-1]:
            lines.append("  )")
        else:
            lines[-1] += ")"
        return lines

    def _label_names(self, func_index: int, instrs: list[Any]) -> dict[int, str]:
        """The function's label names (painted), and a fresh label stack."""
        self._labels = []
        names = self.names.labels(func_index)
        if self.options.generate_names:
            cats = CATEGORIES
            blocks = (op.name for _, op, _ in instrs if cats[op.index] == BLOCK)
            for i, kind in enumerate(blocks):
                names.setdefault(i, f"${_LABEL_PREFIX[kind]}{i}")
        return {i: self._paint("name", n) for i, n in names.items()} if names else names

    def _flush(self, lines: list[str]) -> None:
        """Write all but the last line (which a closing paren may still join)."""
        self._emit(lines[:-1])
        del lines[:-1]

    def _flat(self, instrs: list[Any], lref: list[str], lines: list[str],
              flush: Callable[[list[str]], None] | None = None, label_names: dict[int, str] | None = None) -> None:
        """The hot loop: one line per instruction (the final ``end`` is implied by the closing paren)."""
        append = lines.append
        # Deeply nested code makes long lines: hand them over every so many lines, fewer the
        # deeper the indent, so that what is held stays near _CHUNK_CHARS whatever the nesting.
        streaming = flush is not None
        chunk = 2048 if streaming else 1 << 62
        cat = CATEGORIES
        kw = self.kw
        gref = self.ref["global"]
        fref = self.ref["func"]
        nl, ng, nf = len(lref), len(gref), len(fref)
        paint = self._paint
        colored = self.sink.colored
        indents = _INDENTS
        depth = 0
        cur = indents[0]
        last = len(instrs) - 1
        labels = self._labels
        named = bool(label_names)  # branches then go through label() to find names
        blocks = 0
        for n, (_, op, imm) in enumerate(instrs):
            i = op.index
            c = cat[i]
            if len(lines) > chunk:
                flush(lines)  # type: ignore[misc]
            if c == PLAIN:
                append(cur + kw[i])
            elif c == LOCAL:
                append(f"{cur}{kw[i]} {lref[imm] if imm < nl else imm}")
            elif c == CONST_I:
                append(f"{cur}{kw[i]} {paint('literal', str(imm)) if colored else imm}")
            elif c == MEMARG:
                align, offset, memory = imm
                if memory or offset or align != op.natural_align:
                    append(cur + kw[i] + self.memarg(op, imm))
                else:
                    append(cur + kw[i])
            elif c == CALL:
                append(f"{cur}{kw[i]} {fref[imm] if imm < nf else imm}")
            elif c == GLOBAL:
                append(f"{cur}{kw[i]} {gref[imm] if imm < ng else imm}")
            elif c == LABEL:
                if named:
                    append(cur + kw[i] + self.label(depth, imm))
                else:
                    append(f"{cur}{kw[i]} {imm} " + paint("comment", f"(;@{depth - imm};)"))
            elif c == BLOCK:
                text = self.immediates(op, imm, depth, lref)
                depth += 1
                name = label_names.get(blocks) if named else None  # type: ignore[union-attr]
                blocks += 1
                labels.append(name)
                append(cur + kw[i] + (" " + name if name else "") + text
                       + "  " + paint("comment", f";; label = @{depth}"))
                cur = indents[depth] if depth < 64 else "    " + "  " * depth
                if streaming:
                    chunk = chunk_lines(depth)
            elif c == END:
                if n == last and depth == 0:
                    break
                if labels:
                    labels.pop()
                depth = depth - 1 if depth > 0 else 0
                cur = indents[depth] if depth < 64 else "    " + "  " * depth
                if streaming:
                    chunk = chunk_lines(depth)
                append(cur + kw[i])
            elif c == MIDDLE:
                outer = indents[depth - 1] if 0 < depth <= 64 else "    " + "  " * max(depth - 1, 0)
                append(outer + kw[i] + self.immediates(op, imm, depth, lref))
            elif c == DELEGATE:
                if labels:
                    labels.pop()
                depth = depth - 1 if depth > 0 else 0
                cur = indents[depth] if depth < 64 else "    " + "  " * depth
                if streaming:
                    chunk = chunk_lines(depth)
                append(cur + kw[i] + f" {imm}")
            else:
                append(cur + kw[i] + self.immediates(op, imm, depth, lref))

    # -- whole module -----------------------------------------------------------------------
    def module(self) -> None:
        """Write the whole module, one function at a time."""
        m = self.m
        if len(m.code) != len(m.functions):
            # The text format defines a function and its body together: a mismatch has no text form.
            from wasmforge.binary import SectionId, WasmDecodeError

            code_section = m.section(SectionId.CODE)
            raise WasmDecodeError(code_section.offset if code_section is not None else m.size, "code",
                                  f"{len(m.functions)} functions declared but {len(m.code)} bodies defined",
                                  path=m.path)
        head = f"({self.k('module')}"
        names = self.names._section
        if names is not None and names.module:
            head += " " + self._paint("name", identifier(names.module))
        self._emit([head])
        if self.names.problem:
            self._emit([self.c(f"  ;; the name section is malformed and was ignored: {self.names.problem}")])
        self._emit(self.types())
        self._emit(self.imports())
        first = m.num_imported(ExternKind.FUNC)
        code = m.code
        report = _progress.active()
        for n in range(len(m.functions)):
            if report is not None and not n & 255:
                report("printing functions", n, len(m.functions))
            if n < len(code):
                self._emit(self.function_lines(first + n, self._flush))
        if report is not None:
            report("printing functions", len(m.functions), len(m.functions))
        for section in (self.tables, self.memories, self.tags, self.globals, self.exports):
            self._emit(section())
        if m.start is not None:
            self._emit([f"  ({self.k('start')} {self._space_ref('func', m.start)})"])
        self._emit(self.elements())
        self._emit(self.data())
        self._emit(self.customs())
        self._close()

    def customs(self) -> list[str]:
        """Custom sections as ``(@custom "name" (after code) "bytes")``, placed where the binary has them.

        The ``name`` section is left out: its content is the identifiers printed everywhere else.
        """
        lines = []
        place = "(before first)"
        for sec in self.m.sections:
            if not sec.is_custom:
                place = f"({self.k('after')} {_PLACE.get(sec.id, 'last')})"
                continue
            if sec.name == "name":
                continue
            content = bytes(sec.payload[sec.content_start - sec.start:])
            lines.append(f"  ({self.k('@custom')} {self.lit(quote_str(sec.name))} {place} "
                         f"{self.lit(quote_bytes(content))})")
        return lines


def print_module(module: Module, sink: Sink, options: PrintOptions | None = None) -> None:
    """Write ``module`` in the text format to ``sink``, function by function."""
    WatPrinter(module, sink, options).module()


def print_function(module: Module, func_index: int, sink: Sink, options: PrintOptions | None = None) -> None:
    """Write one defined function (``func_index`` in the function index space) as a ``(func ...)`` field."""
    first = module.num_imported(ExternKind.FUNC)
    if not first <= func_index < first + len(module.code):
        from wasmforge.errors import UsageError

        raise UsageError(f"function {func_index} is not a defined function of this module "
                         f"(defined functions are {first}..{first + len(module.code) - 1})")
    lines = WatPrinter(module, sink, options).function_lines(func_index)
    sink.write("\n".join(line[2:] for line in lines) + "\n")

