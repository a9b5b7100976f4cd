"""The one opcode table: every instruction the decoder, encoder, printers and analyses know.

One line per instruction: the opcode (the LEB128 after a prefix), the mnemonic, the immediate
kinds in encoding order, and what consumers would otherwise re-derive from the mnemonic:

* ``stack``: the stack effect ``"pops:pushes"``, one letter per value (i i32, l i64, f f32, d f64,
  v v128, r reference, * a type the context decides); absent where the immediates or the
  enclosing blocks decide the arity (calls, branches, block structure, ``struct.new`` ...), as in
  wasmparser's operator list;
* ``refs``: the index spaces the immediates reference (func, table, memory, global, local, type,
  data, elem, tag, label); :func:`references` yields the indices of a decoded immediate, and a
  test checks the two agree for every entry;
* ``form``: what the decompiler and the folder make of it: a binary operator (``+``, ``<u`` ...;
  its precedence is in :data:`PRECEDENCE`), ``!x``/``-x`` (unary), ``load T``/``store T`` (a
  memory access of C-like type T), ``call``/``call_indirect``/``call_ref`` (``tail`` for the
  ``return_call`` forms), ``branch br|br_if|br_table``, ``return``, ``throw`` or ``const``;
  absent: an intrinsic call, or a structural instruction the consumers know by name;
* ``align``: log2 of the natural alignment of a memory access.

``_group`` sets the proposal and prefix byte of the lines after it; ``proposal=`` overrides the
proposal for one line. Adding an instruction is one line.

Immediate kinds:

========== ===============================================================
blocktype  empty (0x40), a value type, or an s33 type index
label      u32 branch depth              br_table   vec(label) + default label
func/type/table/memory/local/global/tag/elem/data/field   u32 indices
u32        a plain count (``array.new_fixed``)
memarg     alignment flags (bit 6: memory index follows), [memory], offset
i32/i64    signed LEB128 constants       f32/f64    raw IEEE bits (4/8 bytes)
v128       16 raw bytes                  shuffle    16 lane indices (bytes)
lane       one lane index byte           zero       one reserved 0x00 byte
select_t   vec(valtype)                  heaptype   a heap type (s33)
ref_nonnull / ref_null   a heap type, printed as (ref ht) / (ref null ht)
try_table  blocktype + vec(catch clause)
br_on_cast castflags byte, label, heap type, heap type
========== ===============================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wasmforge.binary.leb128 import encode_unsigned

#: the index spaces an immediate can reference.
SPACES = ("func", "table", "memory", "global", "local", "type", "data", "elem", "tag", "label")

#: precedence of the decompiler's binary operators (higher binds tighter), C's order.
PRECEDENCE = {
    "*": 11, "/": 11, "/u": 11, "%": 11, "%u": 11, "+": 10, "-": 10, "<<": 9, ">>": 9, ">>u": 9,
    "<": 8, "<u": 8, ">": 8, ">u": 8, "<=": 8, "<=u": 8, ">=": 8, ">=u": 8, "==": 7, "!=": 7,
    "&": 6, "^": 5, "|": 4,
}


@dataclass(frozen=True, slots=True)
class Form:
    """What an instruction is to the decompiler: ``kind`` (binary, unary, load, store, call, call_indirect,
    call_ref, const, branch, return, throw), ``text`` (the operator, access type, ``tail`` or branch
    kind) and ``prec`` (a binary operator's precedence)."""

    kind: str
    text: str = ""
    prec: int = 0


_KINDS = ("load", "store", "call", "call_indirect", "call_ref", "const", "branch", "return", "throw")


def _form(text: str | None) -> Form | None:
    if text is None:
        return None
    if text in PRECEDENCE:
        return Form("binary", text, PRECEDENCE[text])
    if text in ("!x", "-x"):
        return Form("unary", text[0])
    kind, _, rest = text.partition(" ")
    if kind not in _KINDS:
        raise ValueError(f"unknown decompiler form {text!r}")
    return Form(kind, rest)


@dataclass(frozen=True, slots=True)
class Opcode:
    """One instruction of the table."""

    name: str
    prefix: int | None
    code: int
    imms: tuple[str, ...]
    proposal: str
    #: log2 of the natural alignment of memory accesses (None for other instructions).
    natural_align: int | None = None
    #: the opcode's bytes: prefix (if any) and LEB128 code.
    encoding: bytes = field(default=b"", compare=False)
    #: dense index into OPCODES, used by decoders for dispatch.
    index: int = field(default=-1, compare=False)
    #: stack effect "pops:pushes" (see the module docstring); None where context decides.
    stack: str | None = field(default=None, compare=False)
    #: the index spaces the immediates reference, in order of first appearance.
    refs: tuple[str, ...] = field(default=(), compare=False)
    #: the decompiler's form, or None (an intrinsic call).
    form: Form | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"<Opcode {self.name}>"


GC, MISC, SIMD, ATOMIC = 0xFB, 0xFC, 0xFD, 0xFE
PREFIXES = (GC, MISC, SIMD, ATOMIC)

_ROWS: list[Opcode] = []
_GROUP: list[Any] = ["mvp", None]


def _group(proposal: str, prefix: int | None = None) -> None:
    """The proposal and prefix byte of the lines that follow."""
    _GROUP[:] = [proposal, prefix]


def _op(code: int, name: str, imms: str = "", *, stack: str | None = None, refs: str = "", form: str | None = None,
        align: int | None = None, proposal: str | None = None) -> None:
    prefix = _GROUP[1]
    spaces = tuple(refs.split())
    if not set(spaces) <= set(SPACES):
        raise ValueError(f"{name}: unknown index space in {refs!r}")
    encoding = bytes((prefix,)) + encode_unsigned(code) if prefix is not None else bytes((code,))
    _ROWS.append(Opcode(name, prefix, code, tuple(imms.split()), proposal or _GROUP[0], align, encoding,
                        len(_ROWS), stack, spaces, _form(form)))

# --- single-byte opcodes -----------------------------------------------------------------------
_group("mvp")
# control
_op(0x00, "unreachable", stack=":")
_op(0x01, "nop", stack=":")
_op(0x02, "block", "blocktype", refs="type")
_op(0x03, "loop", "blocktype", refs="type")
_op(0x04, "if", "blocktype", refs="type")
_op(0x05, "else")
_op(0x06, "try", "blocktype", refs="type", proposal="legacy_exceptions")
_op(0x07, "catch", "tag", refs="tag", proposal="legacy_exceptions")
_op(0x08, "throw", "tag", refs="tag", form="throw", proposal="exceptions")
_op(0x09, "rethrow", "label", refs="label", proposal="legacy_exceptions")
_op(0x0A, "throw_ref", stack="r:", proposal="exceptions")
_op(0x0B, "end")
_op(0x0C, "br", "label", refs="label", form="branch br")
_op(0x0D, "br_if", "label", refs="label", form="branch br_if")
_op(0x0E, "br_table", "br_table", refs="label", form="branch br_table")
_op(0x0F, "return", form="return")
_op(0x10, "call", "func", refs="func", form="call")
_op(0x11, "call_indirect", "type table", refs="type table", form="call_indirect")
_op(0x12, "return_call", "func", refs="func", form="call tail", proposal="tail_call")
_op(0x13, "return_call_indirect", "type table", refs="type table", form="call_indirect tail", proposal="tail_call")
_op(0x14, "call_ref", "type", refs="type", form="call_ref", proposal="function_references")
_op(0x15, "return_call_ref", "type", refs="type", form="call_ref tail", proposal="function_references")
_op(0x18, "delegate", "label", refs="label", proposal="legacy_exceptions")
_op(0x19, "catch_all", proposal="legacy_exceptions")
# parametric
_op(0x1A, "drop", stack="*:")
_op(0x1B, "select", stack="**i:*")
_op(0x1C, "select", "select_t", stack="**i:*", refs="type", proposal="reference_types")
_op(0x1F, "try_table", "try_table", refs="type tag label", proposal="exceptions")
# variables, tables
_op(0x20, "local.get", "local", stack=":*", refs="local")
_op(0x21, "local.set", "local", stack="*:", refs="local")
_op(0x22, "local.tee", "local", stack="*:*", refs="local")
_op(0x23, "global.get", "global", stack=":*", refs="global")
_op(0x24, "global.set", "global", stack="*:", refs="global")
_op(0x25, "table.get", "table", stack="i:r", refs="table", proposal="reference_types")
_op(0x26, "table.set", "table", stack="ir:", refs="table", proposal="reference_types")
# memory
_op(0x28, "i32.load", "memarg", stack="i:i", refs="memory", form="load int", align=2)
_op(0x29, "i64.load", "memarg", stack="i:l", refs="memory", form="load long", align=3)
_op(0x2A, "f32.load", "memarg", stack="i:f", refs="memory", form="load float", align=2)
_op(0x2B, "f64.load", "memarg", stack="i:d", refs="memory", form="load double", align=3)
_op(0x2C, "i32.load8_s", "memarg", stack="i:i", refs="memory", form="load byte", align=0)
_op(0x2D, "i32.load8_u", "memarg", stack="i:i", refs="memory", form="load ubyte", align=0)
_op(0x2E, "i32.load16_s", "memarg", stack="i:i", refs="memory", form="load short", align=1)
_op(0x2F, "i32.load16_u", "memarg", stack="i:i", refs="memory", form="load ushort", align=1)
_op(0x30, "i64.load8_s", "memarg", stack="i:l", refs="memory", form="load byte", align=0)
_op(0x31, "i64.load8_u", "memarg", stack="i:l", refs="memory", form="load ubyte", align=0)
_op(0x32, "i64.load16_s", "memarg", stack="i:l", refs="memory", form="load short", align=1)
_op(0x33, "i64.load16_u", "memarg", stack="i:l", refs="memory", form="load ushort", align=1)
_op(0x34, "i64.load32_s", "memarg", stack="i:l", refs="memory", form="load int", align=2)
_op(0x35, "i64.load32_u", "memarg", stack="i:l", refs="memory", form="load uint", align=2)
_op(0x36, "i32.store", "memarg", stack="ii:", refs="memory", form="store int", align=2)
_op(0x37, "i64.store", "memarg", stack="il:", refs="memory", form="store long", align=3)
_op(0x38, "f32.store", "memarg", stack="if:", refs="memory", form="store float", align=2)
_op(0x39, "f64.store", "memarg", stack="id:", refs="memory", form="store double", align=3)
_op(0x3A, "i32.store8", "memarg", stack="ii:", refs="memory", form="store byte", align=0)
_op(0x3B, "i32.store16", "memarg", stack="ii:", refs="memory", form="store short", align=1)
_op(0x3C, "i64.store8", "memarg", stack="il:", refs="memory", form="store byte", align=0)
_op(0x3D, "i64.store16", "memarg", stack="il:", refs="memory", form="store short", align=1)
_op(0x3E, "i64.store32", "memarg", stack="il:", refs="memory", form="store int", align=2)
_op(0x3F, "memory.size", "memory", stack=":i", refs="memory")
_op(0x40, "memory.grow", "memory", stack="i:i", refs="memory")
# constants
_op(0x41, "i32.const", "i32", stack=":i", form="const")
_op(0x42, "i64.const", "i64", stack=":l", form="const")
_op(0x43, "f32.const", "f32", stack=":f", form="const")
_op(0x44, "f64.const", "f64", stack=":d", form="const")
# numeric
_op(0x45, "i32.eqz", stack="i:i", form="!x")
_op(0x46, "i32.eq", stack="ii:i", form="==")
_op(0x47, "i32.ne", stack="ii:i", form="!=")
_op(0x48, "i32.lt_s", stack="ii:i", form="<")
_op(0x49, "i32.lt_u", stack="ii:i", form="<u")
_op(0x4A, "i32.gt_s", stack="ii:i", form=">")
_op(0x4B, "i32.gt_u", stack="ii:i", form=">u")
_op(0x4C, "i32.le_s", stack="ii:i", form="<=")
_op(0x4D, "i32.le_u", stack="ii:i", form="<=u")
_op(0x4E, "i32.ge_s", stack="ii:i", form=">=")
_op(0x4F, "i32.ge_u", stack="ii:i", form=">=u")
_op(0x50, "i64.eqz", stack="l:i", form="!x")
_op(0x51, "i64.eq", stack="ll:i", form="==")
_op(0x52, "i64.ne", stack="ll:i", form="!=")
_op(0x53, "i64.lt_s", stack="ll:i", form="<")
_op(0x54, "i64.lt_u", stack="ll:i", form="<u")
_op(0x55, "i64.gt_s", stack="ll:i", form=">")
_op(0x56, "i64.gt_u", stack="ll:i", form=">u")
_op(0x57, "i64.le_s", stack="ll:i", form="<=")
_op(0x58, "i64.le_u", stack="ll:i", form="<=u")
_op(0x59, "i64.ge_s", stack="ll:i", form=">=")
_op(0x5A, "i64.ge_u", stack="ll:i", form=">=u")
_op(0x5B, "f32.eq", stack="ff:i", form="==")
_op(0x5C, "f32.ne", stack="ff:i", form="!=")
_op(0x5D, "f32.lt", stack="ff:i", form="<")
_op(0x5E, "f32.gt", stack="ff:i", form=">")
_op(0x5F, "f32.le", stack="ff:i", form="<=")
_op(0x60, "f32.ge", stack="ff:i", form=">=")
_op(0x61, "f64.eq", stack="dd:i", form="==")
_op(0x62, "f64.ne", stack="dd:i", form="!=")
_op(0x63, "f64.lt", stack="dd:i", form="<")
_op(0x64, "f64.gt", stack="dd:i", form=">")
_op(0x65, "f64.le", stack="dd:i", form="<=")
_op(0x66, "f64.ge", stack="dd:i", form=">=")
_op(0x67, "i32.clz", stack="i:i")
_op(0x68, "i32.ctz", stack="i:i")
_op(0x69, "i32.popcnt", stack="i:i")
_op(0x6A, "i32.add", stack="ii:i", form="+")
_op(0x6B, "i32.sub", stack="ii:i", form="-")
_op(0x6C, "i32.mul", stack="ii:i", form="*")
_op(0x6D, "i32.div_s", stack="ii:i", form="/")
_op(0x6E, "i32.div_u", stack="ii:i", form="/u")
_op(0x6F, "i32.rem_s", stack="ii:i", form="%")
_op(0x70, "i32.rem_u", stack="ii:i", form="%u")
_op(0x71, "i32.and", stack="ii:i", form="&")
_op(0x72, "i32.or", stack="ii:i", form="|")
_op(0x73, "i32.xor", stack="ii:i", form="^")
_op(0x74, "i32.shl", stack="ii:i", form="<<")
_op(0x75, "i32.shr_s", stack="ii:i", form=">>")
_op(0x76, "i32.shr_u", stack="ii:i", form=">>u")
_op(0x77, "i32.rotl", stack="ii:i")
_op(0x78, "i32.rotr", stack="ii:i")
_op(0x79, "i64.clz", stack="l:l")
_op(0x7A, "i64.ctz", stack="l:l")
_op(0x7B, "i64.popcnt", stack="l:l")
_op(0x7C, "i64.add", stack="ll:l", form="+")
_op(0x7D, "i64.sub", stack="ll:l", form="-")
_op(0x7E, "i64.mul", stack="ll:l", form="*")
_op(0x7F, "i64.div_s", stack="ll:l", form="/")
_op(0x80, "i64.div_u", stack="ll:l", form="/u")
_op(0x81, "i64.rem_s", stack="ll:l", form="%")
_op(0x82, "i64.rem_u", stack="ll:l", form="%u")
_op(0x83, "i64.and", stack="ll:l", form="&")
_op(0x84, "i64.or", stack="ll:l", form="|")
_op(0x85, "i64.xor", stack="ll:l", form="^")
_op(0x86, "i64.shl", stack="ll:l", form="<<")
_op(0x87, "i64.shr_s", stack="ll:l", form=">>")
_op(0x88, "i64.shr_u", stack="ll:l", form=">>u")
_op(0x89, "i64.rotl", stack="ll:l")
_op(0x8A, "i64.rotr", stack="ll:l")
_op(0x8B, "f32.abs", stack="f:f")
_op(0x8C, "f32.neg", stack="f:f", form="-x")
_op(0x8D, "f32.ceil", stack="f:f")
_op(0x8E, "f32.floor", stack="f:f")
_op(0x8F, "f32.trunc", stack="f:f")
_op(0x90, "f32.nearest", stack="f:f")
_op(0x91, "f32.sqrt", stack="f:f")
_op(0x92, "f32.add", stack="ff:f", form="+")
_op(0x93, "f32.sub", stack="ff:f", form="-")
_op(0x94, "f32.mul", stack="ff:f", form="*")
_op(0x95, "f32.div", stack="ff:f", form="/")
_op(0x96, "f32.min", stack="ff:f")
_op(0x97, "f32.max", stack="ff:f")
_op(0x98, "f32.copysign", stack="ff:f")
_op(0x99, "f64.abs", stack="d:d")
_op(0x9A, "f64.neg", stack="d:d", form="-x")
_op(0x9B, "f64.ceil", stack="d:d")
_op(0x9C, "f64.floor", stack="d:d")
_op(0x9D, "f64.trunc", stack="d:d")
_op(0x9E, "f64.nearest", stack="d:d")
_op(0x9F, "f64.sqrt", stack="d:d")
_op(0xA0, "f64.add", stack="dd:d", form="+")
_op(0xA1, "f64.sub", stack="dd:d", form="-")
_op(0xA2, "f64.mul", stack="dd:d", form="*")
_op(0xA3, "f64.div", stack="dd:d", form="/")
_op(0xA4, "f64.min", stack="dd:d")
_op(0xA5, "f64.max", stack="dd:d")
_op(0xA6, "f64.copysign", stack="dd:d")
_op(0xA7, "i32.wrap_i64", stack="l:i")
_op(0xA8, "i32.trunc_f32_s", stack="f:i")
_op(0xA9, "i32.trunc_f32_u", stack="f:i")
_op(0xAA, "i32.trunc_f64_s", stack="d:i")
_op(0xAB, "i32.trunc_f64_u", stack="d:i")
_op(0xAC, "i64.extend_i32_s", stack="i:l")
_op(0xAD, "i64.extend_i32_u", stack="i:l")
_op(0xAE, "i64.trunc_f32_s", stack="f:l")
_op(0xAF, "i64.trunc_f32_u", stack="f:l")
_op(0xB0, "i64.trunc_f64_s", stack="d:l")
_op(0xB1, "i64.trunc_f64_u", stack="d:l")
_op(0xB2, "f32.convert_i32_s", stack="i:f")
_op(0xB3, "f32.convert_i32_u", stack="i:f")
_op(0xB4, "f32.convert_i64_s", stack="l:f")
_op(0xB5, "f32.convert_i64_u", stack="l:f")
_op(0xB6, "f32.demote_f64", stack="d:f")
_op(0xB7, "f64.convert_i32_s", stack="i:d")
_op(0xB8, "f64.convert_i32_u", stack="i:d")
_op(0xB9, "f64.convert_i64_s", stack="l:d")
_op(0xBA, "f64.convert_i64_u", stack="l:d")
_op(0xBB, "f64.promote_f32", stack="f:d")
_op(0xBC, "i32.reinterpret_f32", stack="f:i")
_op(0xBD, "i64.reinterpret_f64", stack="d:l")
_op(0xBE, "f32.reinterpret_i32", stack="i:f")
_op(0xBF, "f64.reinterpret_i64", stack="l:d")
# sign extension
_op(0xC0, "i32.extend8_s", stack="i:i", proposal="sign_extension")
_op(0xC1, "i32.extend16_s", stack="i:i", proposal="sign_extension")
_op(0xC2, "i64.extend8_s", stack="l:l", proposal="sign_extension")
_op(0xC3, "i64.extend16_s", stack="l:l", proposal="sign_extension")
_op(0xC4, "i64.extend32_s", stack="l:l", proposal="sign_extension")
# references
_op(0xD0, "ref.null", "heaptype", stack=":r", refs="type", proposal="reference_types")
_op(0xD1, "ref.is_null", stack="r:i", proposal="reference_types")
_op(0xD2, "ref.func", "func", stack=":r", refs="func", proposal="reference_types")
_op(0xD3, "ref.eq", stack="rr:i", proposal="gc")
_op(0xD4, "ref.as_non_null", stack="r:r", proposal="function_references")
_op(0xD5, "br_on_null", "label", refs="label", proposal="function_references")
_op(0xD6, "br_on_non_null", "label", refs="label", proposal="function_references")

# --- 0xFB: GC ----------------------------------------------------------------------------------
_group("gc", GC)
_op(0x00, "struct.new", "type", refs="type")
_op(0x01, "struct.new_default", "type", stack=":r", refs="type")
_op(0x02, "struct.get", "type field", stack="r:*", refs="type")
_op(0x03, "struct.get_s", "type field", stack="r:i", refs="type")
_op(0x04, "struct.get_u", "type field", stack="r:i", refs="type")
_op(0x05, "struct.set", "type field", stack="r*:", refs="type")
_op(0x06, "array.new", "type", stack="*i:r", refs="type")
_op(0x07, "array.new_default", "type", stack="i:r", refs="type")
_op(0x08, "array.new_fixed", "type u32", refs="type")
_op(0x09, "array.new_data", "type data", stack="ii:r", refs="type data")
_op(0x0A, "array.new_elem", "type elem", stack="ii:r", refs="type elem")
_op(0x0B, "array.get", "type", stack="ri:*", refs="type")
_op(0x0C, "array.get_s", "type", stack="ri:i", refs="type")
_op(0x0D, "array.get_u", "type", stack="ri:i", refs="type")
_op(0x0E, "array.set", "type", stack="ri*:", refs="type")
_op(0x0F, "array.len", stack="r:i")
_op(0x10, "array.fill", "type", stack="ri*i:", refs="type")
_op(0x11, "array.copy", "type type", stack="riiri:", refs="type")
_op(0x12, "array.init_data", "type data", stack="riii:", refs="type data")
_op(0x13, "array.init_elem", "type elem", stack="riii:", refs="type elem")
_op(0x14, "ref.test", "ref_nonnull", stack="r:i", refs="type")
_op(0x15, "ref.test", "ref_null", stack="r:i", refs="type")
_op(0x16, "ref.cast", "ref_nonnull", stack="r:r", refs="type")
_op(0x17, "ref.cast", "ref_null", stack="r:r", refs="type")
_op(0x18, "br_on_cast", "br_on_cast", refs="label type")
_op(0x19, "br_on_cast_fail", "br_on_cast", refs="label type")
_op(0x1A, "any.convert_extern", stack="r:r")
_op(0x1B, "extern.convert_any", stack="r:r")
_op(0x1C, "ref.i31", stack="i:r")
_op(0x1D, "i31.get_s", stack="r:i")
_op(0x1E, "i31.get_u", stack="r:i")

# --- 0xFC: saturating truncation, bulk memory, tables, wide arithmetic -------------------------
_group("bulk_memory", MISC)
_op(0x00, "i32.trunc_sat_f32_s", stack="f:i", proposal="saturating_float_to_int")
_op(0x01, "i32.trunc_sat_f32_u", stack="f:i", proposal="saturating_float_to_int")
_op(0x02, "i32.trunc_sat_f64_s", stack="d:i", proposal="saturating_float_to_int")
_op(0x03, "i32.trunc_sat_f64_u", stack="d:i", proposal="saturating_float_to_int")
_op(0x04, "i64.trunc_sat_f32_s", stack="f:l", proposal="saturating_float_to_int")
_op(0x05, "i64.trunc_sat_f32_u", stack="f:l", proposal="saturating_float_to_int")
_op(0x06, "i64.trunc_sat_f64_s", stack="d:l", proposal="saturating_float_to_int")
_op(0x07, "i64.trunc_sat_f64_u", stack="d:l", proposal="saturating_float_to_int")
_op(0x08, "memory.init", "data memory", stack="iii:", refs="data memory")
_op(0x09, "data.drop", "data", stack=":", refs="data")
_op(0x0A, "memory.copy", "memory memory", stack="iii:", refs="memory")
_op(0x0B, "memory.fill", "memory", stack="iii:", refs="memory")
_op(0x0C, "table.init", "elem table", stack="iii:", refs="elem table")
_op(0x0D, "elem.drop", "elem", stack=":", refs="elem")
_op(0x0E, "table.copy", "table table", stack="iii:", refs="table")
_op(0x0F, "table.grow", "table", stack="ri:i", refs="table", proposal="reference_types")
_op(0x10, "table.size", "table", stack=":i", refs="table", proposal="reference_types")
_op(0x11, "table.fill", "table", stack="iri:", refs="table", proposal="reference_types")
_op(0x13, "i64.add128", stack="llll:ll", proposal="wide_arithmetic")
_op(0x14, "i64.sub128", stack="llll:ll", proposal="wide_arithmetic")
_op(0x15, "i64.mul_wide_s", stack="ll:ll", proposal="wide_arithmetic")
_op(0x16, "i64.mul_wide_u", stack="ll:ll", proposal="wide_arithmetic")

# --- 0xFD: SIMD and relaxed SIMD ---------------------------------------------------------------
_group("simd", SIMD)
_op(0x00, "v128.load", "memarg", stack="i:v", refs="memory", form="load simd", align=4)
_op(0x01, "v128.load8x8_s", "memarg", stack="i:v", refs="memory", align=3)
_op(0x02, "v128.load8x8_u", "memarg", stack="i:v", refs="memory", align=3)
_op(0x03, "v128.load16x4_s", "memarg", stack="i:v", refs="memory", align=3)
_op(0x04, "v128.load16x4_u", "memarg", stack="i:v", refs="memory", align=3)
_op(0x05, "v128.load32x2_s", "memarg", stack="i:v", refs="memory", align=3)
_op(0x06, "v128.load32x2_u", "memarg", stack="i:v", refs="memory", align=3)
_op(0x07, "v128.load8_splat", "memarg", stack="i:v", refs="memory", align=0)
_op(0x08, "v128.load16_splat", "memarg", stack="i:v", refs="memory", align=1)
_op(0x09, "v128.load32_splat", "memarg", stack="i:v", refs="memory", align=2)
_op(0x0A, "v128.load64_splat", "memarg", stack="i:v", refs="memory", align=3)
_op(0x0B, "v128.store", "memarg", stack="iv:", refs="memory", form="store simd", align=4)
_op(0x0C, "v128.const", "v128", stack=":v", form="const")
_op(0x0D, "i8x16.shuffle", "shuffle", stack="vv:v")
_op(0x0E, "i8x16.swizzle", stack="vv:v")
_op(0x0F, "i8x16.splat", stack="i:v")
_op(0x10, "i16x8.splat", stack="i:v")
_op(0x11, "i32x4.splat", stack="i:v")
_op(0x12, "i64x2.splat", stack="l:v")
_op(0x13, "f32x4.splat", stack="f:v")
_op(0x14, "f64x2.splat", stack="d:v")
_op(0x15, "i8x16.extract_lane_s", "lane", stack="v:i")
_op(0x16, "i8x16.extract_lane_u", "lane", stack="v:i")
_op(0x17, "i8x16.replace_lane", "lane", stack="vi:v")
_op(0x18, "i16x8.extract_lane_s", "lane", stack="v:i")
_op(0x19, "i16x8.extract_lane_u", "lane", stack="v:i")
_op(0x1A, "i16x8.replace_lane", "lane", stack="vi:v")
_op(0x1B, "i32x4.extract_lane", "lane", stack="v:i")
_op(0x1C, "i32x4.replace_lane", "lane", stack="vi:v")
_op(0x1D, "i64x2.extract_lane", "lane", stack="v:l")
_op(0x1E, "i64x2.replace_lane", "lane", stack="vl:v")
_op(0x1F, "f32x4.extract_lane", "lane", stack="v:f")
_op(0x20, "f32x4.replace_lane", "lane", stack="vf:v")
_op(0x21, "f64x2.extract_lane", "lane", stack="v:d")
_op(0x22, "f64x2.replace_lane", "lane", stack="vd:v")
_op(0x23, "i8x16.eq", stack="vv:v")
_op(0x24, "i8x16.ne", stack="vv:v")
_op(0x25, "i8x16.lt_s", stack="vv:v")
_op(0x26, "i8x16.lt_u", stack="vv:v")
_op(0x27, "i8x16.gt_s", stack="vv:v")
_op(0x28, "i8x16.gt_u", stack="vv:v")
_op(0x29, "i8x16.le_s", stack="vv:v")
_op(0x2A, "i8x16.le_u", stack="vv:v")
_op(0x2B, "i8x16.ge_s", stack="vv:v")
_op(0x2C, "i8x16.ge_u", stack="vv:v")
_op(0x2D, "i16x8.eq", stack="vv:v")
_op(0x2E, "i16x8.ne", stack="vv:v")
_op(0x2F, "i16x8.lt_s", stack="vv:v")
_op(0x30, "i16x8.lt_u", stack="vv:v")
_op(0x31, "i16x8.gt_s", stack="vv:v")
_op(0x32, "i16x8.gt_u", stack="vv:v")
_op(0x33, "i16x8.le_s", stack="vv:v")
_op(0x34, "i16x8.le_u", stack="vv:v")
_op(0x35, "i16x8.ge_s", stack="vv:v")
_op(0x36, "i16x8.ge_u", stack="vv:v")
_op(0x37, "i32x4.eq", stack="vv:v")
_op(0x38, "i32x4.ne", stack="vv:v")
_op(0x39, "i32x4.lt_s", stack="vv:v")
_op(0x3A, "i32x4.lt_u", stack="vv:v")
_op(0x3B, "i32x4.gt_s", stack="vv:v")
_op(0x3C, "i32x4.gt_u", stack="vv:v")
_op(0x3D, "i32x4.le_s", stack="vv:v")
_op(0x3E, "i32x4.le_u", stack="vv:v")
_op(0x3F, "i32x4.ge_s", stack="vv:v")
_op(0x40, "i32x4.ge_u", stack="vv:v")
_op(0x41, "f32x4.eq", stack="vv:v")
_op(0x42, "f32x4.ne", stack="vv:v")
_op(0x43, "f32x4.lt", stack="vv:v")
_op(0x44, "f32x4.gt", stack="vv:v")
_op(0x45, "f32x4.le", stack="vv:v")
_op(0x46, "f32x4.ge", stack="vv:v")
_op(0x47, "f64x2.eq", stack="vv:v")
_op(0x48, "f64x2.ne", stack="vv:v")
_op(0x49, "f64x2.lt", stack="vv:v")
_op(0x4A, "f64x2.gt", stack="vv:v")
_op(0x4B, "f64x2.le", stack="vv:v")
_op(0x4C, "f64x2.ge", stack="vv:v")
_op(0x4D, "v128.not", stack="v:v")
_op(0x4E, "v128.and", stack="vv:v")
_op(0x4F, "v128.andnot", stack="vv:v")
_op(0x50, "v128.or", stack="vv:v")
_op(0x51, "v128.xor", stack="vv:v")
_op(0x52, "v128.bitselect", stack="vvv:v")
_op(0x53, "v128.any_true", stack="v:i")
_op(0x54, "v128.load8_lane", "memarg lane", stack="iv:v", refs="memory", align=0)
_op(0x55, "v128.load16_lane", "memarg lane", stack="iv:v", refs="memory", align=1)
_op(0x56, "v128.load32_lane", "memarg lane", stack="iv:v", refs="memory", align=2)
_op(0x57, "v128.load64_lane", "memarg lane", stack="iv:v", refs="memory", align=3)
_op(0x58, "v128.store8_lane", "memarg lane", stack="iv:", refs="memory", align=0)
_op(0x59, "v128.store16_lane", "memarg lane", stack="iv:", refs="memory", align=1)
_op(0x5A, "v128.store32_lane", "memarg lane", stack="iv:", refs="memory", align=2)
_op(0x5B, "v128.store64_lane", "memarg lane", stack="iv:", refs="memory", align=3)
_op(0x5C, "v128.load32_zero", "memarg", stack="i:v", refs="memory", align=2)
_op(0x5D, "v128.load64_zero", "memarg", stack="i:v", refs="memory", align=3)
_op(0x5E, "f32x4.demote_f64x2_zero", stack="v:v")
_op(0x5F, "f64x2.promote_low_f32x4", stack="v:v")
_op(0x60, "i8x16.abs", stack="v:v")
_op(0x61, "i8x16.neg", stack="v:v")
_op(0x62, "i8x16.popcnt", stack="v:v")
_op(0x63, "i8x16.all_true", stack="v:i")
_op(0x64, "i8x16.bitmask", stack="v:i")
_op(0x65, "i8x16.narrow_i16x8_s", stack="vv:v")
_op(0x66, "i8x16.narrow_i16x8_u", stack="vv:v")
_op(0x67, "f32x4.ceil", stack="v:v")
_op(0x68, "f32x4.floor", stack="v:v")
_op(0x69, "f32x4.trunc", stack="v:v")
_op(0x6A, "f32x4.nearest", stack="v:v")
_op(0x6B, "i8x16.shl", stack="vi:v")
_op(0x6C, "i8x16.shr_s", stack="vi:v")
_op(0x6D, "i8x16.shr_u", stack="vi:v")
_op(0x6E, "i8x16.add", stack="vv:v")
_op(0x6F, "i8x16.add_sat_s", stack="vv:v")
_op(0x70, "i8x16.add_sat_u", stack="vv:v")
_op(0x71, "i8x16.sub", stack="vv:v")
_op(0x72, "i8x16.sub_sat_s", stack="vv:v")
_op(0x73, "i8x16.sub_sat_u", stack="vv:v")
_op(0x74, "f64x2.ceil", stack="v:v")
_op(0x75, "f64x2.floor", stack="v:v")
_op(0x76, "i8x16.min_s", stack="vv:v")
_op(0x77, "i8x16.min_u", stack="vv:v")
_op(0x78, "i8x16.max_s", stack="vv:v")
_op(0x79, "i8x16.max_u", stack="vv:v")
_op(0x7A, "f64x2.trunc", stack="v:v")
_op(0x7B, "i8x16.avgr_u", stack="vv:v")
_op(0x7C, "i16x8.extadd_pairwise_i8x16_s", stack="v:v")
_op(0x7D, "i16x8.extadd_pairwise_i8x16_u", stack="v:v")
_op(0x7E, "i32x4.extadd_pairwise_i16x8_s", stack="v:v")
_op(0x7F, "i32x4.extadd_pairwise_i16x8_u", stack="v:v")
_op(0x80, "i16x8.abs", stack="v:v")
_op(0x81, "i16x8.neg", stack="v:v")
_op(0x82, "i16x8.q15mulr_sat_s", stack="vv:v")
_op(0x83, "i16x8.all_true", stack="v:i")
_op(0x84, "i16x8.bitmask", stack="v:i")
_op(0x85, "i16x8.narrow_i32x4_s", stack="vv:v")
_op(0x86, "i16x8.narrow_i32x4_u", stack="vv:v")
_op(0x87, "i16x8.extend_low_i8x16_s", stack="v:v")
_op(0x88, "i16x8.extend_high_i8x16_s", stack="v:v")
_op(0x89, "i16x8.extend_low_i8x16_u", stack="v:v")
_op(0x8A, "i16x8.extend_high_i8x16_u", stack="v:v")
_op(0x8B, "i16x8.shl", stack="vi:v")
_op(0x8C, "i16x8.shr_s", stack="vi:v")
_op(0x8D, "i16x8.shr_u", stack="vi:v")
_op(0x8E, "i16x8.add", stack="vv:v")
_op(0x8F, "i16x8.add_sat_s", stack="vv:v")
_op(0x90, "i16x8.add_sat_u", stack="vv:v")
_op(0x91, "i16x8.sub", stack="vv:v")
_op(0x92, "i16x8.sub_sat_s", stack="vv:v")
_op(0x93, "i16x8.sub_sat_u", stack="vv:v")
_op(0x94, "f64x2.nearest", stack="v:v")
_op(0x95, "i16x8.mul", stack="vv:v")
_op(0x96, "i16x8.min_s", stack="vv:v")
_op(0x97, "i16x8.min_u", stack="vv:v")
_op(0x98, "i16x8.max_s", stack="vv:v")
_op(0x99, "i16x8.max_u", stack="vv:v")
_op(0x9B, "i16x8.avgr_u", stack="vv:v")
_op(0x9C, "i16x8.extmul_low_i8x16_s", stack="vv:v")
_op(0x9D, "i16x8.extmul_high_i8x16_s", stack="vv:v")
_op(0x9E, "i16x8.extmul_low_i8x16_u", stack="vv:v")
_op(0x9F, "i16x8.extmul_high_i8x16_u", stack="vv:v")
_op(0xA0, "i32x4.abs", stack="v:v")
_op(0xA1, "i32x4.neg", stack="v:v")
_op(0xA3, "i32x4.all_true", stack="v:i")
_op(0xA4, "i32x4.bitmask", stack="v:i")
_op(0xA7, "i32x4.extend_low_i16x8_s", stack="v:v")
_op(0xA8, "i32x4.extend_high_i16x8_s", stack="v:v")
_op(0xA9, "i32x4.extend_low_i16x8_u", stack="v:v")
_op(0xAA, "i32x4.extend_high_i16x8_u", stack="v:v")
_op(0xAB, "i32x4.shl", stack="vi:v")
_op(0xAC, "i32x4.shr_s", stack="vi:v")
_op(0xAD, "i32x4.shr_u", stack="vi:v")
_op(0xAE, "i32x4.add", stack="vv:v")
_op(0xB1, "i32x4.sub", stack="vv:v")
_op(0xB5, "i32x4.mul", stack="vv:v")
_op(0xB6, "i32x4.min_s", stack="vv:v")
_op(0xB7, "i32x4.min_u", stack="vv:v")
_op(0xB8, "i32x4.max_s", stack="vv:v")
_op(0xB9, "i32x4.max_u", stack="vv:v")
_op(0xBA, "i32x4.dot_i16x8_s", stack="vv:v")
_op(0xBC, "i32x4.extmul_low_i16x8_s", stack="vv:v")
_op(0xBD, "i32x4.extmul_high_i16x8_s", stack="vv:v")
_op(0xBE, "i32x4.extmul_low_i16x8_u", stack="vv:v")
_op(0xBF, "i32x4.extmul_high_i16x8_u", stack="vv:v")
_op(0xC0, "i64x2.abs", stack="v:v")
_op(0xC1, "i64x2.neg", stack="v:v")
_op(0xC3, "i64x2.all_true", stack="v:i")
_op(0xC4, "i64x2.bitmask", stack="v:i")
_op(0xC7, "i64x2.extend_low_i32x4_s", stack="v:v")
_op(0xC8, "i64x2.extend_high_i32x4_s", stack="v:v")
_op(0xC9, "i64x2.extend_low_i32x4_u", stack="v:v")
_op(0xCA, "i64x2.extend_high_i32x4_u", stack="v:v")
_op(0xCB, "i64x2.shl", stack="vi:v")
_op(0xCC, "i64x2.shr_s", stack="vi:v")
_op(0xCD, "i64x2.shr_u", stack="vi:v")
_op(0xCE, "i64x2.add", stack="vv:v")
_op(0xD1, "i64x2.sub", stack="vv:v")
_op(0xD5, "i64x2.mul", stack="vv:v")
_op(0xD6, "i64x2.eq", stack="vv:v")
_op(0xD7, "i64x2.ne", stack="vv:v")
_op(0xD8, "i64x2.lt_s", stack="vv:v")
_op(0xD9, "i64x2.gt_s", stack="vv:v")
_op(0xDA, "i64x2.le_s", stack="vv:v")
_op(0xDB, "i64x2.ge_s", stack="vv:v")
_op(0xDC, "i64x2.extmul_low_i32x4_s", stack="vv:v")
_op(0xDD, "i64x2.extmul_high_i32x4_s", stack="vv:v")
_op(0xDE, "i64x2.extmul_low_i32x4_u", stack="vv:v")
_op(0xDF, "i64x2.extmul_high_i32x4_u", stack="vv:v")
_op(0xE0, "f32x4.abs", stack="v:v")
_op(0xE1, "f32x4.neg", stack="v:v")
_op(0xE3, "f32x4.sqrt", stack="v:v")
_op(0xE4, "f32x4.add", stack="vv:v")
_op(0xE5, "f32x4.sub", stack="vv:v")
_op(0xE6, "f32x4.mul", stack="vv:v")
_op(0xE7, "f32x4.div", stack="vv:v")
_op(0xE8, "f32x4.min", stack="vv:v")
_op(0xE9, "f32x4.max", stack="vv:v")
_op(0xEA, "f32x4.pmin", stack="vv:v")
_op(0xEB, "f32x4.pmax", stack="vv:v")
_op(0xEC, "f64x2.abs", stack="v:v")
_op(0xED, "f64x2.neg", stack="v:v")
_op(0xEF, "f64x2.sqrt", stack="v:v")
_op(0xF0, "f64x2.add", stack="vv:v")
_op(0xF1, "f64x2.sub", stack="vv:v")
_op(0xF2, "f64x2.mul", stack="vv:v")
_op(0xF3, "f64x2.div", stack="vv:v")
_op(0xF4, "f64x2.min", stack="vv:v")
_op(0xF5, "f64x2.max", stack="vv:v")
_op(0xF6, "f64x2.pmin", stack="vv:v")
_op(0xF7, "f64x2.pmax", stack="vv:v")
_op(0xF8, "i32x4.trunc_sat_f32x4_s", stack="v:v")
_op(0xF9, "i32x4.trunc_sat_f32x4_u", stack="v:v")
_op(0xFA, "f32x4.convert_i32x4_s", stack="v:v")
_op(0xFB, "f32x4.convert_i32x4_u", stack="v:v")
_op(0xFC, "i32x4.trunc_sat_f64x2_s_zero", stack="v:v")
_op(0xFD, "i32x4.trunc_sat_f64x2_u_zero", stack="v:v")
_op(0xFE, "f64x2.convert_low_i32x4_s", stack="v:v")
_op(0xFF, "f64x2.convert_low_i32x4_u", stack="v:v")
_op(0x100, "i8x16.relaxed_swizzle", stack="vv:v", proposal="relaxed_simd")
_op(0x101, "i32x4.relaxed_trunc_f32x4_s", stack="v:v", proposal="relaxed_simd")
_op(0x102, "i32x4.relaxed_trunc_f32x4_u", stack="v:v", proposal="relaxed_simd")
_op(0x103, "i32x4.relaxed_trunc_f64x2_s_zero", stack="v:v", proposal="relaxed_simd")
_op(0x104, "i32x4.relaxed_trunc_f64x2_u_zero", stack="v:v", proposal="relaxed_simd")
_op(0x105, "f32x4.relaxed_madd", stack="vvv:v", proposal="relaxed_simd")
_op(0x106, "f32x4.relaxed_nmadd", stack="vvv:v", proposal="relaxed_simd")
_op(0x107, "f64x2.relaxed_madd", stack="vvv:v", proposal="relaxed_simd")
_op(0x108, "f64x2.relaxed_nmadd", stack="vvv:v", proposal="relaxed_simd")
_op(0x109, "i8x16.relaxed_laneselect", stack="vvv:v", proposal="relaxed_simd")
_op(0x10A, "i16x8.relaxed_laneselect", stack="vvv:v", proposal="relaxed_simd")
_op(0x10B, "i32x4.relaxed_laneselect", stack="vvv:v", proposal="relaxed_simd")
_op(0x10C, "i64x2.relaxed_laneselect", stack="vvv:v", proposal="relaxed_simd")
_op(0x10D, "f32x4.relaxed_min", stack="vv:v", proposal="relaxed_simd")
_op(0x10E, "f32x4.relaxed_max", stack="vv:v", proposal="relaxed_simd")
_op(0x10F, "f64x2.relaxed_min", stack="vv:v", proposal="relaxed_simd")
_op(0x110, "f64x2.relaxed_max", stack="vv:v", proposal="relaxed_simd")
_op(0x111, "i16x8.relaxed_q15mulr_s", stack="vv:v", proposal="relaxed_simd")
_op(0x112, "i16x8.relaxed_dot_i8x16_i7x16_s", stack="vv:v", proposal="relaxed_simd")
_op(0x113, "i32x4.relaxed_dot_i8x16_i7x16_add_s", stack="vvv:v", proposal="relaxed_simd")

# --- 0xFE: threads -----------------------------------------------------------------------------
_group("threads", ATOMIC)
_op(0x00, "memory.atomic.notify", "memarg", stack="ii:i", refs="memory", align=2)
_op(0x01, "memory.atomic.wait32", "memarg", stack="iil:i", refs="memory", align=2)
_op(0x02, "memory.atomic.wait64", "memarg", stack="ill:i", refs="memory", align=3)
_op(0x03, "atomic.fence", "zero", stack=":")
_op(0x10, "i32.atomic.load", "memarg", stack="i:i", refs="memory", align=2)
_op(0x11, "i64.atomic.load", "memarg", stack="i:l", refs="memory", align=3)
_op(0x12, "i32.atomic.load8_u", "memarg", stack="i:i", refs="memory", align=0)
_op(0x13, "i32.atomic.load16_u", "memarg", stack="i:i", refs="memory", align=1)
_op(0x14, "i64.atomic.load8_u", "memarg", stack="i:l", refs="memory", align=0)
_op(0x15, "i64.atomic.load16_u", "memarg", stack="i:l", refs="memory", align=1)
_op(0x16, "i64.atomic.load32_u", "memarg", stack="i:l", refs="memory", align=2)
_op(0x17, "i32.atomic.store", "memarg", stack="ii:", refs="memory", align=2)
_op(0x18, "i64.atomic.store", "memarg", stack="il:", refs="memory", align=3)
_op(0x19, "i32.atomic.store8", "memarg", stack="ii:", refs="memory", align=0)
_op(0x1A, "i32.atomic.store16", "memarg", stack="ii:", refs="memory", align=1)
_op(0x1B, "i64.atomic.store8", "memarg", stack="il:", refs="memory", align=0)
_op(0x1C, "i64.atomic.store16", "memarg", stack="il:", refs="memory", align=1)
_op(0x1D, "i64.atomic.store32", "memarg", stack="il:", refs="memory", align=2)
_op(0x1E, "i32.atomic.rmw.add", "memarg", stack="ii:i", refs="memory", align=2)
_op(0x1F, "i64.atomic.rmw.add", "memarg", stack="il:l", refs="memory", align=3)
_op(0x20, "i32.atomic.rmw8.add_u", "memarg", stack="ii:i", refs="memory", align=0)
_op(0x21, "i32.atomic.rmw16.add_u", "memarg", stack="ii:i", refs="memory", align=1)
_op(0x22, "i64.atomic.rmw8.add_u", "memarg", stack="il:l", refs="memory", align=0)
_op(0x23, "i64.atomic.rmw16.add_u", "memarg", stack="il:l", refs="memory", align=1)
_op(0x24, "i64.atomic.rmw32.add_u", "memarg", stack="il:l", refs="memory", align=2)
_op(0x25, "i32.atomic.rmw.sub", "memarg", stack="ii:i", refs="memory", align=2)
_op(0x26, "i64.atomic.rmw.sub", "memarg", stack="il:l", refs="memory", align=3)
_op(0x27, "i32.atomic.rmw8.sub_u", "memarg", stack="ii:i", refs="memory", align=0)
_op(0x28, "i32.atomic.rmw16.sub_u", "memarg", stack="ii:i", refs="memory", align=1)
_op(0x29, "i64.atomic.rmw8.sub_u", "memarg", stack="il:l", refs="memory", align=0)
_op(0x2A, "i64.atomic.rmw16.sub_u", "memarg", stack="il:l", refs="memory", align=1)
_op(0x2B, "i64.atomic.rmw32.sub_u", "memarg", stack="il:l", refs="memory", align=2)
_op(0x2C, "i32.atomic.rmw.and", "memarg", stack="ii:i", refs="memory", align=2)
_op(0x2D, "i64.atomic.rmw.and", "memarg", stack="il:l", refs="memory", align=3)
_op(0x2E, "i32.atomic.rmw8.and_u", "memarg", stack="ii:i", refs="memory", align=0)
_op(0x2F, "i32.atomic.rmw16.and_u", "memarg", stack="ii:i", refs="memory", align=1)
_op(0x30, "i64.atomic.rmw8.and_u", "memarg", stack="il:l", refs="memory", align=0)
_op(0x31, "i64.atomic.rmw16.and_u", "memarg", stack="il:l", refs="memory", align=1)
_op(0x32, "i64.atomic.rmw32.and_u", "memarg", stack="il:l", refs="memory", align=2)
_op(0x33, "i32.atomic.rmw.or", "memarg", stack="ii:i", refs="memory", align=2)
_op(0x34, "i64.atomic.rmw.or", "memarg", stack="il:l", refs="memory", align=3)
_op(0x35, "i32.atomic.rmw8.or_u", "memarg", stack="ii:i", refs="memory", align=0)
_op(0x36, "i32.atomic.rmw16.or_u", "memarg", stack="ii:i", refs="memory", align=1)
_op(0x37, "i64.atomic.rmw8.or_u", "memarg", stack="il:l", refs="memory", align=0)
_op(0x38, "i64.atomic.rmw16.or_u", "memarg", stack="il:l", refs="memory", align=1)
_op(0x39, "i64.atomic.rmw32.or_u", "memarg", stack="il:l", refs="memory", align=2)
_op(0x3A, "i32.atomic.rmw.xor", "memarg", stack="ii:i", refs="memory", align=2)
_op(0x3B, "i64.atomic.rmw.xor", "memarg", stack="il:l", refs="memory", align=3)
_op(0x3C, "i32.atomic.rmw8.xor_u", "memarg", stack="ii:i", refs="memory", align=0)
_op(0x3D, "i32.atomic.rmw16.xor_u", "memarg", stack="ii:i", refs="memory", align=1)
_op(0x3E, "i64.atomic.rmw8.xor_u", "memarg", stack="il:l", refs="memory", align=0)
_op(0x3F, "i64.atomic.rmw16.xor_u", "memarg", stack="il:l", refs="memory", align=1)
_op(0x40, "i64.atomic.rmw32.xor_u", "memarg", stack="il:l", refs="memory", align=2)
_op(0x41, "i32.atomic.rmw.xchg", "memarg", stack="ii:i", refs="memory", align=2)
_op(0x42, "i64.atomic.rmw.xchg", "memarg", stack="il:l", refs="memory", align=3)
_op(0x43, "i32.atomic.rmw8.xchg_u", "memarg", stack="ii:i", refs="memory", align=0)
_op(0x44, "i32.atomic.rmw16.xchg_u", "memarg", stack="ii:i", refs="memory", align=1)
_op(0x45, "i64.atomic.rmw8.xchg_u", "memarg", stack="il:l", refs="memory", align=0)
_op(0x46, "i64.atomic.rmw16.xchg_u", "memarg", stack="il:l", refs="memory", align=1)
_op(0x47, "i64.atomic.rmw32.xchg_u", "memarg", stack="il:l", refs="memory", align=2)
_op(0x48, "i32.atomic.rmw.cmpxchg", "memarg", stack="iii:i", refs="memory", align=2)
_op(0x49, "i64.atomic.rmw.cmpxchg", "memarg", stack="ill:l", refs="memory", align=3)
_op(0x4A, "i32.atomic.rmw8.cmpxchg_u", "memarg", stack="iii:i", refs="memory", align=0)
_op(0x4B, "i32.atomic.rmw16.cmpxchg_u", "memarg", stack="iii:i", refs="memory", align=1)
_op(0x4C, "i64.atomic.rmw8.cmpxchg_u", "memarg", stack="ill:l", refs="memory", align=0)
_op(0x4D, "i64.atomic.rmw16.cmpxchg_u", "memarg", stack="ill:l", refs="memory", align=1)
_op(0x4E, "i64.atomic.rmw32.cmpxchg_u", "memarg", stack="ill:l", refs="memory", align=2)


#: every instruction, in table order.
OPCODES: tuple[Opcode, ...] = tuple(_ROWS)
#: single-byte opcodes by code (None where the byte is a prefix or unassigned).
SINGLE: list[Opcode | None] = [None] * 256
#: prefixed opcodes: PREFIXED[prefix][code].
PREFIXED: dict[int, dict[int, Opcode]] = {p: {} for p in PREFIXES}
_BY_NAME: dict[str, Opcode] = {}
for _o in OPCODES:
    if _o.prefix is None:
        SINGLE[_o.code] = _o
    else:
        PREFIXED[_o.prefix][_o.code] = _o
    _BY_NAME.setdefault(_o.name, _o)
del _o


def by_name(name: str) -> Opcode:
    """The instruction with mnemonic ``name`` (the first, for ``select``/``ref.test``/``ref.cast``)."""
    return _BY_NAME[name]


def _heap_index(h: Any) -> Iterator[tuple[str, int]]:
    index = getattr(h, "index", None)
    if index is not None:
        yield "type", index


def _valtype_index(v: Any) -> Iterator[tuple[str, int]]:
    heap = getattr(v, "heap", None)
    if heap is not None:
        yield from _heap_index(heap)


def _blocktype_index(bt: Any) -> Iterator[tuple[str, int]]:
    if isinstance(bt, int):
        yield "type", bt
    else:
        yield from _valtype_index(bt)


_DIRECT = {"func": "func", "type": "type", "table": "table", "memory": "memory", "global": "global",
           "local": "local", "tag": "tag", "elem": "elem", "data": "data", "label": "label"}


def references(op: Opcode, imm: Any) -> Iterator[tuple[str, int]]:
    """The (index space, index) pairs a decoded immediate references, in encoding order.

    Walks the immediate by its kinds, so it stands apart from ``op.refs``, which the table
    declares: a test checks that the spaces found are the spaces declared.
    """
    kinds = op.imms
    if not kinds:
        return
    values = (imm,) if len(kinds) == 1 else imm
    if kinds == ("memarg", "lane"):
        values = imm
    for kind, value in zip(kinds, values):
        space = _DIRECT.get(kind)
        if space is not None:
            yield space, value
        elif kind == "memarg":
            yield "memory", value[2]
        elif kind == "blocktype":
            yield from _blocktype_index(value)
        elif kind == "br_table":
            targets, default = value
            for t in targets:
                yield "label", t
            yield "label", default
        elif kind == "try_table":
            bt, clauses = value
            yield from _blocktype_index(bt)
            for _, tag, label in clauses:
                if tag is not None:
                    yield "tag", tag
                yield "label", label
        elif kind == "br_on_cast":
            _, label, h1, h2 = value
            yield "label", label
            yield from _heap_index(h1)
            yield from _heap_index(h2)
        elif kind in ("heaptype", "ref_null", "ref_nonnull"):
            yield from _heap_index(value)
        elif kind == "select_t":
            for v in value:
                yield from _valtype_index(v)
