"""Folded S-expressions: a function body as a tree of ``(op operands...)`` and block forms.

The fold keeps the instructions in their order (an operand always comes before the instruction
that consumes it), so the text assembles to the same bytes whatever the stack effects say;
the effects only decide how much nests. An instruction takes as operands the nodes just before
it when their result counts add up to exactly what it pops; otherwise it stands alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wasmforge.binary import OPCODES, ExternKind, FuncType, by_name
from wasmforge.text._wat import (
    BLOCK,
    CALL,
    CATEGORIES,
    CONST_I,
    END,
    GLOBAL,
    LABEL,
    LOCAL,
    MEMARG,
    MIDDLE,
    OTHER,
    PLAIN,
    chunk_lines,
)

if TYPE_CHECKING:
    from wasmforge.text._wat import WatPrinter

#: (pops, pushes) from the opcode table's stack signature, or None where context decides.
FIXED_EFFECT: list[tuple[int, int] | None] = []
for _op in OPCODES:
    if _op.stack is None:
        FIXED_EFFECT.append(None)
    else:
        _before, _, _after = _op.stack.partition(":")
        FIXED_EFFECT.append((len(_before), len(_after)))

_STRUCT_NEW, _ARRAY_NEW_FIXED = by_name("struct.new"), by_name("array.new_fixed")

# A node: [head text, children (list of nodes) or None, result count (-1: a raw line, no parens)].
Node = list[Any]


class _Frame:
    __slots__ = ("kind", "node", "body", "arity", "results", "depth")

    def __init__(self, kind: str, node: Node | None, body: list[Node], arity: int, results: int, depth: int) -> None:
        self.kind = kind
        self.node = node
        self.body = body
        self.arity = arity  # values a branch to this label carries
        self.results = results
        self.depth = depth


def _take(body: list[Node], n: int) -> list[Node] | None:
    """The trailing nodes of ``body`` that produce exactly ``n`` values (removed), or None."""
    if n == 0:
        return None
    total = 0
    k = len(body)
    while k > 0 and total < n:
        r = body[k - 1][2]
        if r <= 0:
            break
        total += r
        k -= 1
    if total != n:
        return None
    children = body[k:]
    del body[k:]
    return children


class _Types:
    """Arity lookups against the module, tolerant of bad indices (the printer never validates)."""

    def __init__(self, printer: WatPrinter) -> None:
        self.m = printer.m

    def func(self, type_index: Any) -> FuncType | None:
        types = self.m.types
        if isinstance(type_index, int) and 0 <= type_index < len(types):
            comp = types[type_index].comp
            return comp if isinstance(comp, FuncType) else None
        return None

    def of_function(self, func_index: int) -> FuncType | None:
        try:
            return self.func(self.m.function_type_index(func_index))
        except IndexError:
            return None

    def block(self, bt: Any) -> tuple[int, int]:
        if bt is None:
            return 0, 0
        if isinstance(bt, int):
            ft = self.func(bt)
            return (len(ft.params), len(ft.results)) if ft else (0, 0)
        return 0, 1

    def tag_params(self, tag: int) -> int:
        m = self.m
        n = m.num_imported(ExternKind.TAG)
        if tag < n:
            tt = [i.desc for i in m.imports if i.kind == ExternKind.TAG][tag]
        elif tag - n < len(m.tags):
            tt = m.tags[tag - n]
        else:
            return 0
        ft = self.func(tt.type_index)
        return len(ft.params) if ft else 0


def _effect(op: Any, imm: Any, frames: list[_Frame], types: _Types) -> tuple[int, int]:
    """Pops and pushes of an instruction whose effect the context decides, from its table form."""
    form = op.form
    kind = form.kind if form is not None else None
    if kind == "call":
        ft = types.of_function(imm)
        if ft is None:
            return 0, 0
        return len(ft.params), (len(ft.results) if form.text != "tail" else 0)
    if kind in ("call_indirect", "call_ref"):
        ft = types.func(imm[0] if isinstance(imm, tuple) else imm)
        if ft is None:
            return 0, 0
        return len(ft.params) + 1, (len(ft.results) if form.text != "tail" else 0)
    if kind == "branch":
        label = imm[1] if form.text == "br_table" else imm
        if label >= len(frames):
            return 0, 0
        arity = frames[-1 - label].arity
        if form.text == "br":
            return arity, 0
        return arity + 1, (arity if form.text == "br_if" else 0)
    if kind == "return":
        return frames[0].results, 0
    if kind == "throw":
        return types.tag_params(imm), 0
    if op is _STRUCT_NEW:  # one operand per field
        ty = types.m.types[imm].comp if 0 <= imm < len(types.m.types) else None
        return (len(ty.fields), 1) if ty is not None and hasattr(ty, "fields") else (0, 0)
    if op is _ARRAY_NEW_FIXED:  # the count is the immediate
        return imm[1], 1
    return 0, 0


def fold_function(printer: WatPrinter, func_index: int, instrs: list[Any], lref: list[str],
                  lines: list[str], flush: Callable[[list[str]], None] | None = None) -> None:
    """Append the folded body of a function to ``lines`` (its final ``end`` left implicit)."""
    types = _Types(printer)
    ft = types.of_function(func_index)
    nresults = len(ft.results) if ft else 0
    top: list[Node] = []
    frames = [_Frame("func", None, top, nresults, nresults, 0)]
    kw = printer.kw
    paint = printer._paint
    fixed = FIXED_EFFECT
    cats = CATEGORIES
    popen = ["(" + k for k in kw]
    colored = printer.sink.colored
    gref, fref = printer.ref["global"], printer.ref["func"]
    nl, ng, nf = len(lref), len(gref), len(fref)
    last = len(instrs) - 1
    label_names = printer._label_names(func_index, instrs)
    labels = printer._labels
    named = bool(label_names)
    blocks = 0
    f = frames[0]
    fbody = f.body  # the list the current frame's instructions go to (kept in step with f.body)
    for n, (_, op, imm) in enumerate(instrs):
        i = op.index
        c = cats[i]
        if c < BLOCK or c == OTHER:
            pops, pushes = fixed[i] or _effect(op, imm, frames, types)
            # The common operand shapes without a call: one or two single-value nodes.
            if pops == 1 and fbody and fbody[-1][2] == 1:
                operands: list[Node] | None = [fbody.pop()]
            elif pops == 2 and len(fbody) > 1 and fbody[-1][2] == 1 and fbody[-2][2] == 1:
                operands = fbody[-2:]
                del fbody[-2:]
            else:
                operands = _take(fbody, pops) if pops else None
            if c == PLAIN:
                text = popen[i]
            elif c == LOCAL:
                text = f"{popen[i]} {lref[imm] if imm < nl else imm}"
            elif c == CONST_I and not colored:
                text = f"{popen[i]} {imm}"
            elif c == GLOBAL:
                text = f"{popen[i]} {gref[imm] if imm < ng else imm}"
            elif c == CALL:
                text = f"{popen[i]} {fref[imm] if imm < nf else imm}"
            elif c == MEMARG and imm[0] == op.natural_align and not imm[1] and not imm[2]:
                text = popen[i]
            elif c == LABEL and not colored and not named:
                text = f"{popen[i]} {imm} (;@{f.depth - imm};)"
            else:
                text = popen[i] + printer.immediates(op, imm, f.depth, lref)
            fbody.append([text, operands, pushes])
            continue
        if c == BLOCK:
            name = op.name
            bt = imm[0] if name == "try_table" else imm
            params, results = types.block(bt)
            depth = f.depth + 1
            label = label_names.get(blocks) if named else None
            blocks += 1
            head = ("(" + kw[i] + (" " + label if label else "") + printer.immediates(op, imm, f.depth, lref)
                    + "  " + paint("comment", f";; label = @{depth}"))
            labels.append(label)
            if name == "if":
                children = _take(fbody, params + 1) or []
                clause: Node = ["(" + printer.k("then"), [], 0]
                children.append(clause)
                node: Node = [head, children, results]
                body = clause[1]
            elif name == "try":
                # The text assembler has no folded form of the legacy try: write it flat.
                node = [head[1:], [], -1]
                fbody.append(node)
                body = node[1]
            else:
                node = [head, [], results]
                body = node[1]
            f = _Frame(name, node, body, params if name == "loop" else results, results, depth)
            frames.append(f)
            fbody = body
            continue
        if c == END:
            if len(frames) == 1:
                if n == last:
                    break
                fbody.append([kw[i], None, -1])  # a stray end: keep it, unfolded
                continue
            frames.pop()
            if labels:
                labels.pop()
            done = f
            f = frames[-1]
            fbody = f.body
            if done.kind == "try":
                fbody.append([kw[i], None, -1])
            else:
                fbody.append(done.node)  # type: ignore[arg-type]
            continue
        if c == MIDDLE:
            if f.node is None:
                fbody.append([kw[i] + printer.immediates(op, imm, f.depth, None), None, -1])
                continue
            if f.kind == "try":
                clause = [kw[i] + printer.immediates(op, imm, f.depth, lref), [], -1]
                frames[-2].body.append(clause)
            else:
                clause = ["(" + kw[i] + printer.immediates(op, imm, f.depth, lref), [], 0]
                f.node[1].append(clause)
            f.body = fbody = clause[1]
            continue
        # delegate
        if f.node is None:
            fbody.append([kw[i] + f" {imm}", None, -1])
            continue
        frames.pop()
        if labels:
            labels.pop()
        done = f
        f = frames[-1]
        fbody = f.body
        if done.kind == "try":
            fbody.append([kw[i] + f" {imm}", None, -1])
        else:
            done.node[1].append(["(" + kw[i] + f" {imm}", None, 0])  # type: ignore[index]
            fbody.append(done.node)  # type: ignore[arg-type]
    # Blocks left open (a malformed body) still print, closed where the function ends.
    while len(frames) > 1:
        f = frames.pop()
        if f.kind != "try" and f.node is not None:
            frames[-1].body.append(f.node)
    _render(top, lines, flush)


def _render(nodes: list[Node], lines: list[str], flush: Callable[[list[str]], None] | None = None) -> None:
    """Lines of a node tree, two spaces per level; closing parens join the last line (iteratively)."""
    append = lines.append
    streaming = flush is not None
    chunk = 2048 if streaming else 1 << 62
    # The stack keeps no indent strings: held per level they would take memory quadratic in the depth.
    stack: list[tuple[Any, int, bool]] = []
    it = iter(nodes)
    level = 0
    closes = False  # whether the node whose children ``it`` walks is parenthesised
    indent = _indent(0)
    while True:
        for head, children, results in it:
            if len(lines) > chunk:
                flush(lines)  # type: ignore[misc]
            if children:
                append(indent + head)
                stack.append((it, level, closes))
                it = iter(children)
                level += 1
                closes = results >= 0  # raw lines (-1) are not parenthesised
                indent = _indent(level)
                if streaming:
                    chunk = chunk_lines(level)
                break
            if results < 0:
                append(indent + head)
            elif ";;" in head:
                append(indent + head)
                append(indent + ")")
            else:
                append(f"{indent}{head})")  # one copy of a long indent, not two
        else:
            if not stack:
                return
            it, level, parent_closes = stack.pop()
            indent = _indent(level)
            if closes:
                _close(lines, indent)
            closes = parent_closes
            if streaming:
                chunk = chunk_lines(level)


_INDENTS = ["    " + "  " * d for d in range(256)]


def _indent(level: int) -> str:
    return _INDENTS[level] if level < 256 else "    " + "  " * level


def _close(lines: list[str], indent: str) -> None:
    if ";;" in lines[-1]:
        lines.append(indent + ")")
    else:
        lines[-1] += ")"
