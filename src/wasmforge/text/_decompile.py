"""A C-like view of a module in the spirit of ``wasm-decompile``.

Each function body goes through one pass that rebuilds expressions from the operand stack,
using each instruction's stack signature from the opcode table: ``a + b * 4`` instead of five
instructions, ``ptr[offset]:type`` for loads and stores, calls by name, ``block``/``loop``/``if``
as nested braces with labelled ``goto``/``continue``. Values a block yields, and block
parameters, go through variables. Code after an unconditional branch is dead and not shown; an
instruction the view has no form for is shown as a ``// `` comment, and the view carries on.

Conventions: ``<u``, ``/u``, ``%u``, ``>>u`` (and the like) are the unsigned operators; constants
print as ``1`` (i32), ``1L`` (i64), ``1.5f`` (f32), ``1.5`` (f64); ``a[2]:int`` reads the int at
byte ``a + 8`` (the offset in units of the access size), ``(a + 3)[0]:int`` where it is unaligned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wasmforge import _progress
from wasmforge.binary import ExternKind, FuncType, Module, NumType
from wasmforge.binary._opcodes import PRECEDENCE
from wasmforge.errors import UsageError
from wasmforge.text._disasm import function_names, resolve_function
from wasmforge.text._literals import f32_value, f64_value, quote_bytes
from wasmforge.text._names import name_section
from wasmforge.text._sink import Sink


@dataclass(frozen=True, slots=True)
class DecompileOptions:
    """What :func:`decompile` prints: the whole module, or only ``function`` (a name or index)."""

    function: str | int | None = None
    #: bytes of each data segment shown before ``...``.
    data_preview: int = 64


_TYPE_NAMES: dict[Any, str] = {"i": "int", "l": "long", "f": "float", "d": "double", "v": "simd", "r": "ref", "*": "any"}
_VAL_NAMES: dict[Any, str] = {NumType.I32: "int", NumType.I64: "long", NumType.F32: "float", NumType.F64: "double",
              NumType.V128: "simd"}
_LETTER_OF: dict[Any, str] = {NumType.I32: "i", NumType.I64: "l", NumType.F32: "f", NumType.F64: "d", NumType.V128: "v"}

# Precedence, higher binds tighter.
# (binary operators carry theirs in the opcode table's forms)
ATOM, LOAD, UNARY, COND, ASSIGN = 14, 13, 12, 2, 1
_SIZES = {"byte": 1, "ubyte": 1, "short": 2, "ushort": 2, "int": 4, "uint": 4, "float": 4, "long": 8,
          "double": 8, "simd": 16}
_IDENT = re.compile(r"[^A-Za-z0-9_]+")


class Expr:
    """An expression: its text, precedence, type letter, the locals it reads, whether it touches state."""

    __slots__ = ("text", "prec", "type", "reads", "effects")

    def __init__(self, text: str, prec: int = ATOM, type: str = "*", reads: frozenset[int] = frozenset(),
                 effects: bool = False) -> None:
        self.text = text
        self.prec = prec
        self.type = type
        self.reads = reads
        self.effects = effects

    def at(self, prec: int) -> str:
        """The text, parenthesised when it binds looser than ``prec``."""
        return self.text if self.prec >= prec else f"({self.text})"


def _combine(text: str, prec: int, type: str, parts: list[Expr], effects: bool = False) -> Expr:
    reads: frozenset[int] = frozenset().union(*(p.reads for p in parts)) if parts else frozenset()
    return Expr(text, prec, type, reads, effects or any(p.effects for p in parts))


def identifier(name: str) -> str:
    """A name as a C-like identifier (runs of other characters become ``_``)."""
    text = _IDENT.sub("_", name) or "_"
    return "_" + text if text[0].isdigit() else text


def _letters(n: int) -> str:
    """0 → a, 25 → z, 26 → ba ... (base 26, like wasm-decompile's variable names)."""
    out = ""
    while True:
        out = chr(ord("a") + n % 26) + out
        n //= 26
        if n == 0:
            return out


def _float_text(value: float, suffix: str) -> str:
    if value != value:
        return "nan" + suffix
    if value in (float("inf"), float("-inf")):
        return ("-" if value < 0 else "") + "inf" + suffix
    text = repr(value)
    return text + suffix


class _Frame:
    """An open block: its label, the variables its values go through, where its stack starts."""

    __slots__ = ("kind", "label", "result_vars", "result_types", "param_vars", "param_types", "stack_base", "dead")

    def __init__(self, kind: str, label: str, result_vars: list[str], result_types: list[str],
                 param_vars: list[str], param_types: list[str], stack_base: int) -> None:
        self.kind = kind
        self.label = label
        self.result_vars = result_vars
        self.result_types = result_types
        self.param_vars = param_vars
        self.param_types = param_types
        self.stack_base = stack_base
        self.dead = False

    @property
    def branch_vars(self) -> list[str]:
        """The variables a branch to this label sets: a loop's params, another block's results."""
        return self.param_vars if self.kind == "loop" else self.result_vars


class _FunctionView:
    """Decompiles one function body into lines."""

    def __init__(self, dec: Decompiler, func_index: int) -> None:
        self.dec = dec
        self.m = dec.m
        self.index = func_index
        self.ft: FuncType = dec.func_type(func_index) or FuncType()
        body = self.m.code[func_index - self.m.num_imported(ExternKind.FUNC)]
        self.body = body
        self.local_types: list[Any] = list(self.ft.params) + [t for n, t in body.locals for _ in range(n)]
        given = dec.local_names.get(func_index, {})
        seen: set[str] = set()
        self.local_names: list[str] = []
        for i in range(len(self.local_types)):
            name = identifier(given[i]) if i in given else _letters(i)
            while name in seen:
                name += "_"
            seen.add(name)
            self.local_names.append(name)
        self.declared = set(range(len(self.ft.params)))
        self.lines: list[str] = []
        #: where finished lines go as they pile up (None: keep them all in ``lines``).
        self.out: Callable[[str], Any] | None = None
        self.stack: list[Expr] = []
        self.frames: list[_Frame] = []
        self.temps = 0
        self.labels = 0
        #: whether the function body itself ended in an unconditional branch.
        self.top_dead = False

    # -- output ----------------------------------------------------------------------------------
    def emit(self, text: str) -> None:
        self.lines.append("  " * (len(self.frames) + 1) + text)
        if self.out is not None and len(self.lines) >= 2048:
            # Deeply nested code makes long lines: a huge function is written out in chunks.
            self.out("\n".join(self.lines) + "\n")
            self.lines.clear()

    def temp(self) -> str:
        name = f"t{self.temps}"
        self.temps += 1
        return name

    def pop(self) -> Expr:
        f = self.frames[-1] if self.frames else None
        base = f.stack_base if f else 0
        if len(self.stack) > base:
            return self.stack.pop()
        return Expr("?")  # an operand the view lost track of (after an instruction it cannot show)

    def pops(self, n: int) -> list[Expr]:
        out = [self.pop() for _ in range(n)]
        out.reverse()
        return out

    def spill(self, *, local: int | None = None, state: bool = False, all: bool = False) -> None:
        """Before a write: values still on the stack that read what it writes go to temporaries first.

        ``all``: every value that is not a constant (before a block, whose body may write anything).
        """
        base = self.frames[-1].stack_base if self.frames else 0
        for i in range(base, len(self.stack)):
            e = self.stack[i]
            if (local is not None and local in e.reads) or (state and e.effects) or (all and (e.reads or e.effects)):
                name = self.temp()
                self.emit(f"var {name}:{_TYPE_NAMES.get(e.type, 'any')} = {e.text};")
                self.stack[i] = Expr(name, ATOM, e.type)

    def flush_stack(self, base: int) -> None:
        """Values left on the stack at the end of a block are evaluated for their effects."""
        while len(self.stack) > base:
            e = self.stack.pop(base)
            if e.effects:
                self.emit(f"{e.text};")

    # -- the pass ---------------------------------------------------------------------------------
    def run(self) -> list[str]:
        instrs = self.body.instructions()
        results = [_LETTER_OF.get(t, "r") if isinstance(t, NumType) else "r" for t in self.ft.results]
        self.func_results = results
        self.declare_up_front(instrs)
        skip = 0  # nesting depth inside dead code
        last = len(instrs) - 1
        for n, (_, op, imm) in enumerate(instrs):
            name = op.name
            if self.frames[-1].dead if self.frames else self.top_dead:
                if name in ("block", "loop", "if", "try", "try_table"):
                    skip += 1
                    continue
                if skip and name == "end":
                    skip -= 1
                    continue
                if skip or name not in ("end", "else", "catch", "catch_all", "delegate"):
                    continue
            if name == "end" and n == last and not self.frames:
                break
            try:
                self.step(op, imm)
            except _Unsupported as e:
                self.emit(f"// {e.text}")
                del self.stack[self.frames[-1].stack_base if self.frames else 0:]
        if not self.top_dead:
            if self.func_results and self.stack:
                vals = self.stack[-len(self.func_results):]
                self.stack = self.stack[: -len(self.func_results)]
                self.flush_stack(0)
                self.emit("return " + ", ".join(v.text for v in vals) + ";")
            else:
                self.flush_stack(0)
        while self.frames:  # a malformed body left blocks open
            self.frames.pop()
            self.emit("}")
        return self.lines

    def declare_up_front(self, instrs: list[Any]) -> None:
        """Locals first written outside any block are declared where they are set (``var x:int = ...``);
        the others (read first, or first set inside a block) are declared at the top."""
        nparams = len(self.ft.params)
        first: dict[int, bool] = {}  # local -> declared inline
        depth = 0
        for _, op, imm in instrs:
            name = op.name
            if name in ("block", "loop", "if", "try", "try_table"):
                depth += 1
            elif name in ("end", "delegate"):
                depth -= 1
            elif name in ("local.get", "local.set", "local.tee") and imm >= nparams and imm not in first:
                first[imm] = name == "local.set" and depth == 0
        for index in sorted(first):
            if not first[index] and index < len(self.local_types):
                self.declared.add(index)
                self.emit(f"var {self.local(index)}:{_VAL_NAMES.get(self.local_types[index], 'ref')};")

    def mark_dead(self) -> None:
        if self.frames:
            self.frames[-1].dead = True
            del self.stack[self.frames[-1].stack_base:]
        else:
            self.top_dead = True
            self.stack.clear()

    def target(self, depth: int) -> _Frame | None:
        """The frame a branch of this depth leaves (None: the function itself)."""
        if depth < len(self.frames):
            return self.frames[-1 - depth]
        return None

    def branch(self, depth: int, cond: Expr | None) -> None:
        f = self.target(depth)
        if f is None:
            self.jump(len(self.func_results), [], cond, "return")
        elif f.kind == "loop":
            self.jump(len(f.param_vars), f.param_vars, cond, f"continue {f.label}")
        else:
            self.jump(len(f.result_vars), f.result_vars, cond, f"goto {f.label}")

    def jump(self, count: int, variables: list[str], cond: Expr | None, stmt: str) -> None:
        """A branch carrying ``count`` values: into ``variables`` (or returned), then ``stmt``.

        A conditional branch keeps its values on the stack for the fall-through, so they are
        evaluated once, into temporaries, before the condition.
        """
        vals = self.pops(count)
        if stmt == "return":
            tail = f"return {', '.join(v.text for v in vals)};" if vals else "return;"
            sets = ""
        else:
            tail = f"{stmt};"
            sets = " ".join(f"{var} = {v.text};" for var, v in zip(variables, vals))
        if cond is None:
            if sets:
                self.emit(sets)
            self.emit(tail)
            return
        if not vals:
            self.emit(f"if ({cond.text}) {tail}")
            return
        kept = [Expr(self.keep(v), ATOM, v.type) for v in vals]
        if stmt == "return":
            tail = f"return {', '.join(k.text for k in kept)};"
        else:
            sets = " ".join(f"{var} = {k.text};" for var, k in zip(variables, kept))
        self.emit(f"if ({cond.text}) {{ {sets + ' ' if sets else ''}{tail} }}")
        self.stack.extend(kept)

    def keep(self, e: Expr) -> str:
        if e.prec == ATOM and not e.effects:
            return e.text
        name = self.temp()
        self.emit(f"var {name}:{_TYPE_NAMES.get(e.type, 'any')} = {e.text};")
        return name

    def block_types(self, bt: Any) -> tuple[list[str], list[str]]:
        if bt is None:
            return [], []
        if isinstance(bt, int):
            ft = self.dec.type_of(bt)
            if ft is None:
                return [], []
            return ([_LETTER_OF.get(t, "r") if isinstance(t, NumType) else "r" for t in ft.params],
                    [_LETTER_OF.get(t, "r") if isinstance(t, NumType) else "r" for t in ft.results])
        return [], [_LETTER_OF.get(bt, "r") if isinstance(bt, NumType) else "r"]

    def open_block(self, kind: str, bt: Any, cond: Expr | None = None, extra: str = "") -> None:
        params, results = self.block_types(bt)
        self.labels += 1
        n = self.labels
        label = f"{'L' if kind == 'loop' else 'B'}_{n}"
        result_vars = [f"r{n}" if len(results) == 1 else f"r{n}_{k}" for k in range(len(results))]
        for var, t in zip(result_vars, results):
            self.emit(f"var {var}:{_TYPE_NAMES[t]};")
        # Block params go through variables: a loop reads them again on every turn, an if in both arms.
        param_vars = [f"p{n}_{k}" for k in range(len(params))]
        for var, t, v in zip(param_vars, params, self.pops(len(params))):
            self.emit(f"var {var}:{_TYPE_NAMES[t]} = {v.text};")
        if kind == "if":
            assert cond is not None
            self.emit(f"if ({cond.text}) {{  // {label}")
        else:
            self.emit(f"{kind} {label} {extra + ' ' if extra else ''}{{")
        self.frames.append(_Frame(kind, label, result_vars, results, param_vars, params, len(self.stack)))
        self.stack.extend(Expr(var, ATOM, t) for var, t in zip(param_vars, params))

    def close_block(self, final: str, text: str | None = None) -> None:
        f = self.frames[-1]
        if not f.dead:
            vals = self.pops(len(f.result_vars))
            self.flush_stack(f.stack_base)
            for var, v in zip(f.result_vars, vals):
                self.emit(f"{var} = {v.text};")
        del self.stack[f.stack_base:]
        if final == "else":
            f.dead = False
            self.lines.append("  " * len(self.frames) + (text or "} else {"))
            self.stack.extend(Expr(var, ATOM, t) for var, t in zip(f.param_vars, f.param_types))
            return
        self.frames.pop()
        self.emit(text or "}")
        self.stack.extend(Expr(var, ATOM, t) for var, t in zip(f.result_vars, f.result_types))

    # -- instructions -------------------------------------------------------------------------
    def step(self, op: Any, imm: Any) -> None:
        name = op.name
        dec = self.dec
        if name == "nop":
            return
        if name in ("block", "loop"):
            self.spill(all=True)
            self.open_block(name, imm)
            return
        if name == "if":
            cond = self.pop()
            self.spill(all=True)
            self.open_block("if", imm, cond)
            return
        if name in ("try", "try_table"):
            self.spill(all=True)
            self.open_block(name, imm[0] if name == "try_table" else imm,
                            extra=self.catches(imm[1]) if name == "try_table" else "")
            return
        if name in ("else", "catch", "catch_all", "delegate") and not self.frames:
            # Only a validator rejects these outside a block (the binary still decodes): say so, carry on.
            self.emit(f"// {self.dec.instruction_text(op, imm)}: outside any block, ignored")
            return
        if name == "else":
            self.close_block("else")
            return
        if name in ("catch", "catch_all"):
            if name == "catch_all":
                self.close_block("else", "} catch_all {")
                return
            # The clause starts with the exception's values on the stack: name them.
            ft = self.dec.tag_type(imm)
            params = [_LETTER_OF.get(t, "r") if isinstance(t, NumType) else "r" for t in (ft.params if ft else ())]
            values = [f"e{self.frames[-1].label[2:]}_{k}" for k in range(len(params))]
            typed = ", ".join(f"{v}:{_TYPE_NAMES[t]}" for v, t in zip(values, params))
            self.close_block("else", f"}} catch tag_{imm}({typed}) {{")
            self.stack.extend(Expr(v, ATOM, t) for v, t in zip(values, params))
            return
        if name == "delegate":
            self.close_block("end", f"}} delegate {imm};")
            return
        if name == "end":
            if not self.frames:
                return
            self.close_block("end")
            return
        form = op.form
        kind = form.kind if form is not None else None
        if kind == "branch" and form.text != "br_table":
            self.branch(imm, self.pop() if form.text == "br_if" else None)
            if form.text == "br":
                self.mark_dead()
            return
        if kind == "branch":
            targets, default = imm
            index = self.pop()
            frames = [self.target(t) for t in list(targets) + [default]]
            last = frames[-1]
            count = (len(self.func_results) if last is None else len(last.branch_vars))
            if count:
                # Every target takes the same values: set each target's variables before the jump.
                values = [self.keep(v) for v in self.pops(count)]
                for frame in dict.fromkeys(t for t in frames if t is not None):
                    self.emit(" ".join(f"{var} = {v};" for var, v in zip(frame.branch_vars, values)))
                if None in frames:
                    self.emit(f"// a 'return' target returns {', '.join(values)}")
            labels = [t.label if t is not None else "return" for t in frames]
            self.emit(f"br_table[{', '.join(labels[:-1])}{', ' if len(labels) > 1 else ''}..{labels[-1]}]({index.text});")
            self.mark_dead()
            return
        if kind == "return":
            vals = self.pops(len(self.func_results))
            self.emit("return " + ", ".join(v.text for v in vals) + ";" if vals else "return;")
            self.mark_dead()
            return
        if kind == "throw":
            args = self.pops(self.dec.tag_params(imm))
            self.spill(state=True)
            self.emit(f"throw tag_{imm}({', '.join(a.text for a in args)});")
            self.mark_dead()
            return
        if name in ("rethrow", "throw_ref"):
            arg = self.pop().text if name == "throw_ref" else str(imm)
            self.emit(f"{name}({arg});")
            self.mark_dead()
            return
        if name == "unreachable":
            self.emit("unreachable;")
            self.mark_dead()
            return
        if name == "drop":
            e = self.pop()
            if e.effects:
                self.emit(f"{e.text};")
            return
        if name == "select" or name == "select_t":
            a, b, c = self.pops(3)
            self.stack.append(_combine(f"{c.at(COND + 1)} ? {a.at(COND + 1)} : {b.at(COND)}", COND, a.type, [a, b, c]))
            return
        if name == "local.get":
            t = self.local_types[imm] if imm < len(self.local_types) else None
            self.stack.append(Expr(self.local(imm), ATOM, _LETTER_OF.get(t, "r") if t is not None else "*",
                                   frozenset((imm,))))
            return
        if name in ("local.set", "local.tee"):
            v = self.pop()
            self.spill(local=imm)
            target = self.local(imm)
            if name == "local.set":
                if imm not in self.declared:
                    self.declared.add(imm)
                    t = self.local_types[imm] if imm < len(self.local_types) else None
                    self.emit(f"var {target}:{_VAL_NAMES.get(t, 'any')} = {v.text};")
                else:
                    self.emit(f"{target} = {v.text};")
            else:
                self.declared.add(imm)
                self.stack.append(_combine(f"{target} = {v.at(ASSIGN)}", ASSIGN, v.type, [v], effects=True))
            return
        if name == "global.get":
            t = dec.global_letter(imm)
            self.stack.append(Expr(dec.global_name(imm), ATOM, t, effects=True))
            return
        if name == "global.set":
            v = self.pop()
            self.spill(state=True)
            self.emit(f"{dec.global_name(imm)} = {v.text};")
            return
        if kind in ("call", "call_indirect"):
            assert form is not None
            if kind == "call_indirect":
                type_index, table = imm
                ft = dec.type_of(type_index) or FuncType()
                callee_index = self.pop()
                args = self.pops(len(ft.params))
                callee = f"{dec.table_name(table)}[{callee_index.text}]"
                parts = args + [callee_index]
            else:
                ft = dec.func_type(imm) or FuncType()
                args = self.pops(len(ft.params))
                callee = dec.func_name(imm)
                parts = args
            self.spill(state=True)
            call = f"{callee}({', '.join(a.text for a in args)})"
            if form.text == "tail":
                self.emit(f"return {call};")
                self.mark_dead()
                return
            if not ft.results:
                self.emit(call + ";")
            elif len(ft.results) == 1:
                t = ft.results[0]
                self.stack.append(_combine(call, ATOM, _LETTER_OF.get(t, "r") if isinstance(t, NumType) else "r",
                                           parts, effects=True))
            else:
                names = [self.temp() for _ in ft.results]
                self.emit(f"var {', '.join(names)} = {call};")
                self.stack.extend(Expr(nm) for nm in names)
            return
        if kind in ("load", "store"):
            self.memory_access(op, imm)
            return
        if kind == "const":
            self.stack.append(self.constant(op, imm))
            return
        if kind == "unary":
            assert form is not None and op.stack is not None
            a = self.pop()
            self.stack.append(_combine(f"{form.text}{a.at(UNARY)}", UNARY, op.stack[-1], [a]))
            return
        if kind == "binary":
            assert form is not None and op.stack is not None
            a, b = self.pops(2)
            prec = form.prec
            self.stack.append(_combine(f"{a.at(prec)} {form.text} {b.at(prec + 1)}", prec, op.stack[-1], [a, b]))
            return
        if name == "memory.size":
            self.stack.append(Expr("memory_size()", ATOM, "i", effects=True))
            return
        if op.stack is not None and op.stack != ":":
            self.intrinsic(op, imm)
            return
        if op.stack == ":":
            self.spill(state=True)
            self.emit(f"{_intrinsic_name(name)}({self.imm_args(op, imm)});")
            return
        raise _Unsupported(f"{name}: shown flat from here on ({self.dec.instruction_text(op, imm)})")

    def catches(self, clauses: Any) -> str:
        """``catch tag_0 -> B_1, catch_all -> B_2``: try_table's clauses with their target labels."""
        parts = []
        for kind, tag, label in clauses:
            f = self.target(label)
            where = f.label if f is not None else "return"
            clause = ("catch", "catch_ref", "catch_all", "catch_all_ref")[kind]
            parts.append(f"{clause}{f' tag_{tag}' if tag is not None else ''} -> {where}")
        return "(" + ", ".join(parts) + ")"

    def local(self, index: int) -> str:
        return self.local_names[index] if index < len(self.local_names) else f"local_{index}"

    def constant(self, op: Any, imm: Any) -> Expr:
        return _constant(op, imm, self.dec)

    def memory_access(self, op: Any, imm: Any) -> None:
        ty = op.form.text
        align, offset, memory = imm
        size = _SIZES[ty]
        store = op.form.kind == "store"
        value = self.pop() if store else None
        ptr = self.pop()
        if offset % size == 0:
            where = f"{ptr.at(ATOM)}[{offset // size}]"  # a load as a pointer gets parens (LOAD < ATOM)
        else:
            where = f"({ptr.at(PRECEDENCE['+'])} + {offset})[0]"
        if memory:
            where = f"{self.dec.memory_name(memory)}:{where}"
        access = f"{where}:{ty}"
        if store:
            assert value is not None
            self.spill(state=True)
            self.emit(f"{access} = {value.text};")
        else:
            t = op.stack[-1] if op.stack else "*"
            self.stack.append(_combine(access, LOAD, t, [ptr], effects=True))

    def imm_args(self, op: Any, imm: Any) -> str:
        text = self.dec.instruction_text(op, imm)
        return text[len(op.name):].strip()

    def intrinsic(self, op: Any, imm: Any) -> None:
        before, _, after = (op.stack or ":").partition(":")
        args = self.pops(len(before))
        extra = self.imm_args(op, imm)
        arg_text = ", ".join([a.text for a in args] + ([extra] if extra else []))
        touches = any(k in op.imms for k in ("memarg", "memory", "table", "data", "elem")) or "atomic" in op.name
        call = f"{_intrinsic_name(op.name)}({arg_text})"
        if not after:
            self.spill(state=True)
            self.emit(call + ";")
            return
        self.stack.append(_combine(call, ATOM, after[0], args, effects=touches))


def _is_const(op: Any) -> bool:
    return op.form is not None and op.form.kind == "const"


def _constant(op: Any, imm: Any, dec: Decompiler) -> Expr:
    """A constant (by the type it pushes): ``1``, ``1L``, ``1.5f``, ``1.5``, or a vector constant as an intrinsic."""
    t = op.stack[-1]
    if t == "i":
        return Expr(str(imm), ATOM if imm >= 0 else UNARY, "i")
    if t == "l":
        return Expr(f"{imm}L", ATOM if imm >= 0 else UNARY, "l")
    if t == "f":
        return Expr(_float_text(f32_value(imm), "f"), ATOM, "f")
    if t == "d":
        return Expr(_float_text(f64_value(imm), ""), ATOM, "d")
    return Expr(f"{_intrinsic_name(op.name)}({dec.instruction_text_imm(op.name, imm)})", ATOM, "v")



class _Unsupported(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _intrinsic_name(mnemonic: str) -> str:
    return mnemonic.replace(".", "_")


class Decompiler:
    """The decompiled view of one module."""

    def __init__(self, module: Module, options: DecompileOptions | None = None) -> None:
        import io

        from wasmforge.text._config import PrintOptions
        from wasmforge.text._sink import PlainSink
        from wasmforge.text._wat import WatPrinter

        self.m = module
        self.options = options = options or DecompileOptions()
        self._printer = WatPrinter(module, PlainSink(io.StringIO()), PrintOptions(names=False))
        raw = function_names(module)
        self._fnames: dict[int, str] = {}
        seen: set[str] = set()
        for i in range(module.num_functions):
            name = identifier(raw[i]) if i in raw else f"f_{i}"
            while name in seen:
                name += "_"
            seen.add(name)
            self._fnames[i] = name
        names, _ = name_section(module)
        self.local_names = names.locals if names is not None else {}
        self._gnames = {i: identifier(n) for i, n in (names.globals.items() if names else [])}
        self._exports = {(e.kind, e.index) for e in module.exports}

    def type_of(self, type_index: int) -> FuncType | None:
        types = self.m.types
        if 0 <= type_index < len(types) and isinstance(types[type_index].comp, FuncType):
            return types[type_index].comp  # type: ignore[return-value]
        return None

    def func_type(self, func_index: int) -> FuncType | None:
        try:
            return self.type_of(self.m.function_type_index(func_index))
        except IndexError:
            return None

    def tag_type(self, tag: int) -> FuncType | None:
        m = self.m
        imported = [i.desc for i in m.imports if i.kind == ExternKind.TAG]
        tags = imported + list(m.tags)
        if not 0 <= tag < len(tags):
            return None
        return self.type_of(tags[tag].type_index)

    def tag_params(self, tag: int) -> int:
        ft = self.tag_type(tag)
        return len(ft.params) if ft else 0

    def func_name(self, index: int) -> str:
        return self._fnames.get(index, f"f_{index}")

    def global_name(self, index: int) -> str:
        return self._gnames.get(index, f"g_{index}")

    def global_letter(self, index: int) -> str:
        try:
            t = self.m.global_type(index).type
        except IndexError:
            return "*"
        return _LETTER_OF.get(t, "r") if isinstance(t, NumType) else "r"

    def table_name(self, index: int) -> str:
        return f"T_{index}"

    def memory_name(self, index: int) -> str:
        return f"M_{index}"

    def instruction_text(self, op: Any, imm: Any) -> str:
        return self._printer.instruction(op, imm)

    def instruction_text_imm(self, name: str, imm: Any) -> str:
        from wasmforge.binary import by_name

        op = by_name(name)
        return self._printer.immediates(op, imm, 0, None).strip()

    def _signature(self, func_index: int, param_names: list[str] | None) -> str:
        ft = self.func_type(func_index) or FuncType()
        params = []
        for i, t in enumerate(ft.params):
            pname = param_names[i] if param_names else _letters(i)
            params.append(f"{pname}:{_VAL_NAMES.get(t, 'ref')}")
        results = ", ".join(_VAL_NAMES.get(t, "ref") for t in ft.results)
        return f"({', '.join(params)})" + (f":{results}" if results else "")

    def header_lines(self) -> list[str]:
        """Imports, memories, tables, globals and data, one line each."""
        m = self.m
        lines = []
        counts = dict.fromkeys(ExternKind, 0)
        for imp in m.imports:
            i = counts[imp.kind]
            counts[imp.kind] += 1
            where = f"  // {quote_bytes(imp.module.encode())} {quote_bytes(imp.name.encode())}"
            if imp.kind == ExternKind.FUNC:
                lines.append(f"import function {self.func_name(i)}{self._signature(i, None)};{where}")
            elif imp.kind == ExternKind.GLOBAL:
                lines.append(f"import global {self.global_name(i)}:{_VAL_NAMES.get(imp.desc.type, 'ref')};{where}")
            elif imp.kind == ExternKind.MEMORY:
                lines.append(f"import memory {self.memory_name(i)};{where}")
            elif imp.kind == ExternKind.TABLE:
                lines.append(f"import table {self.table_name(i)};{where}")
            else:
                ft = self.type_of(imp.desc.type_index)
                params = ", ".join(_VAL_NAMES.get(t, "ref") for t in (ft.params if ft else ()))
                lines.append(f"import tag tag_{i}({params});{where}")
        first = m.num_imported(ExternKind.TAG)
        for i in range(first, first + len(m.tags)):
            ft = self.tag_type(i)
            params = ", ".join(_VAL_NAMES.get(t, "ref") for t in (ft.params if ft else ()))
            export = "export " if (ExternKind.TAG, i) in self._exports else ""
            lines.append(f"{export}tag tag_{i}({params});")
        first = m.num_imported(ExternKind.MEMORY)
        for i, mt in enumerate(m.memories, first):
            lim = mt.limits
            export = "export " if (ExternKind.MEMORY, i) in self._exports else ""
            lines.append(f"{export}memory {self.memory_name(i)}(initial: {lim.min}, max: "
                         f"{lim.max if lim.max is not None else 0});")
        first = m.num_imported(ExternKind.TABLE)
        for i, t in enumerate(m.tables, first):
            export = "export " if (ExternKind.TABLE, i) in self._exports else ""
            lines.append(f"{export}table {self.table_name(i)}:{t.type.elem}(min: {t.type.limits.min}, "
                         f"max: {t.type.limits.max if t.type.limits.max is not None else 0});")
        first = m.num_imported(ExternKind.GLOBAL)
        for i, g in enumerate(m.globals, first):
            export = "export " if (ExternKind.GLOBAL, i) in self._exports else ""
            init = g.init.instructions
            value = (self._const_text(init[0][1], init[0][2]) if len(init) == 2 and _is_const(init[0][1])
                     else " ".join(self.instruction_text(op, imm) for _, op, imm in init[:-1]))
            kind = "global" if g.type.mutable else "const"
            lines.append(f"{export}{kind} {self.global_name(i)}:{_VAL_NAMES.get(g.type.type, 'ref')} = {value};")
        preview = self.options.data_preview
        for i, d in enumerate(m.data_segments):
            data = bytes(d.data[:preview])
            more = "..." if len(d.data) > preview else ""
            if d.mode == "active" and d.offset_expr is not None:
                off = d.offset_expr.value()
                where = str(off) if off is not None else " ".join(
                    self.instruction_text(op, imm) for _, op, imm in d.offset_expr.instructions[:-1])
                lines.append(f"data d_{i}(offset: {where}) = {quote_bytes(data)}{more};  // {len(d.data)} bytes")
            else:
                lines.append(f"data d_{i} = {quote_bytes(data)}{more};  // passive, {len(d.data)} bytes")
        if m.start is not None:
            lines.append(f"// start: {self.func_name(m.start)}")
        return lines

    def _const_text(self, op: Any, imm: Any) -> str:
        return _constant(op, imm, self).text

    def function_lines(self, func_index: int) -> list[str]:
        """The lines of one defined function, signature to closing brace."""
        view = _FunctionView(self, func_index)
        return [self._function_head(func_index, view)] + view.run() + ["}"]

    def write_function(self, func_index: int, write: Callable[[str], Any]) -> None:
        """Write one defined function, in chunks as its lines are made."""
        view = _FunctionView(self, func_index)
        write(self._function_head(func_index, view) + "\n")
        view.out = write
        body = view.run()
        write("\n".join(body + ["}"]) + "\n")

    def _function_head(self, func_index: int, view: _FunctionView) -> str:
        export = "export " if (ExternKind.FUNC, func_index) in self._exports else ""
        sig = self._signature(func_index, view.local_names)
        return f"{export}function {self.func_name(func_index)}{sig} {{  // func {func_index}"


def decompile(module: Module, sink: Sink, options: DecompileOptions | None = None) -> None:
    """Write the decompiled view of ``module`` (or of one function) to ``sink``, function by function."""
    options = options or DecompileOptions()
    dec = Decompiler(module, options)
    first = module.num_imported(ExternKind.FUNC)
    if options.function is not None:
        index = resolve_function(module, options.function)
        if index < first:
            raise UsageError(f"function {index} is imported: it has no code")
        dec.write_function(index, sink.write)
        return
    head = dec.header_lines()
    if head:
        sink.write("\n".join(head) + "\n\n")
    report = _progress.active()
    for n in range(len(module.code)):
        if report is not None and not n & 255:
            report("decompiling functions", n, len(module.code))
        dec.write_function(first + n, sink.write)
        sink.write("\n")
    if report is not None:
        report("decompiling functions", len(module.code), len(module.code))
