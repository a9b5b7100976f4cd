"""Disassembly in the layout of ``wasm-objdump -d``: file offset, the instruction's bytes (nine per
line), the instruction indented by block depth, and ``<name>`` after call targets, globals and
locals."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from wasmforge import _progress
from wasmforge.binary import ExternKind, Module
from wasmforge.errors import UsageError
from wasmforge.text._config import PrintOptions
from wasmforge.text._literals import printable
from wasmforge.text._names import name_section
from wasmforge.text._sink import Sink
from wasmforge.text._wat import BLOCK, CATEGORIES, DELEGATE, END, MIDDLE, WatPrinter

_BYTES_PER_LINE = 9
_COLUMN = 26  # width of the bytes column, as wasm-objdump pads it


@dataclass(frozen=True, slots=True)
class DisasmOptions:
    """What :func:`disassemble` prints: every function, or only ``function`` (a name or index)."""

    function: str | int | None = None


class _Printer(WatPrinter):
    """Instruction text with plain indices: the annotations carry the names."""

    def label(self, depth: int, n: int) -> str:
        return f" {n}"


def function_names(module: Module) -> dict[int, str]:
    """Display names of functions: the name section, else ``module.field`` of imports, else exports."""
    out: dict[int, str] = {}
    names, _ = name_section(module)
    if names is not None:
        out.update(names.functions)
    i = 0
    for imp in module.imports:
        if imp.kind == ExternKind.FUNC:
            out.setdefault(i, f"{imp.module}.{imp.name}")
            i += 1
    for exp in reversed(module.exports):  # the last export's name, as wasm-objdump shows it
        if exp.kind == ExternKind.FUNC:
            out.setdefault(exp.index, exp.name)
    return out


def _global_names(module: Module) -> dict[int, str]:
    out: dict[int, str] = {}
    names, _ = name_section(module)
    if names is not None:
        out.update(names.globals)
    i = 0
    for imp in module.imports:
        if imp.kind == ExternKind.GLOBAL:
            out.setdefault(i, f"{imp.module}.{imp.name}")
            i += 1
    for exp in module.exports:
        if exp.kind == ExternKind.GLOBAL:
            out.setdefault(exp.index, exp.name)
    return out


def resolve_function(module: Module, which: str | int) -> int:
    """The function index that ``which`` names: an index, a name-section name or an export name.

    Raises :class:`UsageError` naming what exists when nothing matches.
    """
    count = module.num_functions
    if isinstance(which, int) or (isinstance(which, str) and which.isdigit()):
        index = int(which)
        if 0 <= index < count:
            return index
        raise UsageError(f"function index {index} is out of range (the module has {count} functions)",
                         hint="give a name from the name section or exports, or an index below the count")
    names = function_names(module)
    for index, name in names.items():
        if name == which:
            return index
    for exp in module.exports:
        if exp.kind == ExternKind.FUNC and exp.name == which:
            return exp.index
    raise UsageError(f"no function named {which!r} in this module",
                     hint="use a name from the name section or the exports, or a function index")


def disassemble(module: Module, sink: Sink, options: DisasmOptions | None = None) -> None:
    """Write the code section's disassembly to ``sink``, one function at a time."""
    options = options or DisasmOptions()
    printer = _Printer(module, sink, PrintOptions(names=False))
    paint = sink.paint
    fnames = function_names(module)
    gnames = _global_names(module)
    names, _ = name_section(module)
    lnames_all = names.locals if names is not None else {}
    first = module.num_imported(ExternKind.FUNC)
    only = resolve_function(module, options.function) if options.function is not None else None
    if only is not None and only < first:
        raise UsageError(f"function {only} ({fnames.get(only, 'unnamed')}) is imported: it has no code")
    base = os.path.basename(module.path) if module.path else "<bytes>"
    head = [f"\n{base}:\tfile format wasm 0x1"]
    if names is not None and names.module:
        head.append(f"module name: <{printable(names.module)}>")
    head.append("\nCode Disassembly:\n")
    sink.write("\n".join(head) + "\n")
    buf = module.buffer
    report = _progress.active() if only is None else None
    bodies = len(module.code)
    for n, body in enumerate(module.code):
        if report is not None and not n & 255:
            report("disassembling functions", n, bodies)
        index = first + n
        if only is not None and index != only:
            continue
        lines: list[str] = []
        name = fnames.get(index)
        name = printable(name) if name is not None else None
        lines.append(f"{body.start:06x} {paint('keyword', 'func')}[{index}]"
                     + (f" <{paint('name', name)}>:" if name else ":"))
        try:
            nparams = len(module.function_type(index).params)
        except (TypeError, IndexError):
            nparams = 0
        lnames = lnames_all.get(index, {})
        _locals(module, body, nparams, lines, paint)
        instrs = body.instructions()
        ends = [off for off, _, _ in instrs[1:]] + [body.end]
        depth = 0
        cats = CATEGORIES
        for (off, op, imm), end in zip(instrs, ends):
            c = cats[op.index]
            if c == END or c == DELEGATE:
                depth = max(depth - 1, 0)
            indent = "  " * (depth - 1 if c == MIDDLE and depth else depth)
            text = printer.instruction(op, imm, depth)
            note = _annotation(op, imm, fnames, gnames, lnames)
            if note:
                text += " " + paint("comment", f"<{note}>")
            _emit(lines, buf, off, end, indent + text, paint)
            if c == BLOCK:
                depth += 1
            if len(lines) >= 2048:  # a huge function goes out in chunks
                sink.write("\n".join(lines) + "\n")
                lines.clear()
        sink.write("\n".join(lines) + "\n")
    if report is not None:
        report("disassembling functions", bodies, bodies)


def _annotation(op: Any, imm: Any, fnames: dict[int, str], gnames: dict[int, str],
                lnames: dict[int, str]) -> str | None:
    kind = op.imms[0] if op.imms else None
    names = fnames if kind == "func" else gnames if kind == "global" else lnames if kind == "local" else None
    name = names.get(imm) if names is not None else None
    return printable(name) if name is not None else None


def _locals(module: Module, body: Any, nparams: int, lines: list[str], paint: Any) -> None:
    """One line per local declaration run, with its bytes, as ``local[2..9] type=i32``."""
    buf = module.buffer
    index = nparams
    for (count, vt), (start, end) in zip(body.locals, body.local_spans):
        if count == 0:
            continue
        span = f"{index}" if count == 1 else f"{index}..{index + count - 1}"
        _emit(lines, buf, start, end, f"local[{span}] type={paint('type', str(vt))}", paint)
        index += count


def _emit(lines: list[str], buf: Any, start: int, end: int, text: str, paint: Any) -> None:
    data = bytes(buf[start:end])
    for k in range(0, max(len(data), 1), _BYTES_PER_LINE):
        chunk = data[k : k + _BYTES_PER_LINE].hex(" ")
        lines.append(f" {start + k:06x}: {paint('literal', chunk.ljust(_COLUMN)) if chunk else ' ' * _COLUMN} | "
                     + (text if k == 0 else ""))
