"""The one opcode table: every instruction the decoder, encoder and printers know.

Each entry gives the mnemonic, the prefix byte (``None`` for single-byte opcodes), the
opcode (the LEB128 after a prefix), the immediate kinds in encoding order and the proposal
that introduced it. Decoder dispatch, encoder bytes and printer mnemonics all come from
here: add an instruction in one place.

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

import re
from dataclasses import dataclass, field

from wasmforge.binary.leb128 import encode_unsigned


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
    #: stack signature "pops:pushes", one letter per value (i i32, l i64, f f32, d f64, v v128,
    #: r reference, * a type the context decides); None when the immediates or the enclosing
    #: blocks decide the arity (calls, branches, block structure, struct.new, ...).
    stack: str | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"<Opcode {self.name}>"


_ROWS: list[tuple[str, int | None, int, tuple[str, ...], str]] = []


def _op(code: int, name: str, imms: str = "", proposal: str = "mvp", prefix: int | None = None) -> None:
    _ROWS.append((name, prefix, code, tuple(imms.split()), proposal))


def _seq(start: int, names: str, proposal: str, prefix: int | None = None, imms: str = "") -> None:
    """A run of consecutive opcodes; ``-`` marks a reserved code."""
    for offset, name in enumerate(names.split()):
        if name != "-":
            _op(start + offset, name, imms, proposal, prefix)


# --- control -------------------------------------------------------------------------------
_op(0x00, "unreachable")
_op(0x01, "nop")
_op(0x02, "block", "blocktype")
_op(0x03, "loop", "blocktype")
_op(0x04, "if", "blocktype")
_op(0x05, "else")
_op(0x06, "try", "blocktype", "legacy_exceptions")
_op(0x07, "catch", "tag", "legacy_exceptions")
_op(0x08, "throw", "tag", "exceptions")
_op(0x09, "rethrow", "label", "legacy_exceptions")
_op(0x0A, "throw_ref", "", "exceptions")
_op(0x0B, "end")
_op(0x0C, "br", "label")
_op(0x0D, "br_if", "label")
_op(0x0E, "br_table", "br_table")
_op(0x0F, "return")
_op(0x10, "call", "func")
_op(0x11, "call_indirect", "type table")
_op(0x12, "return_call", "func", "tail_call")
_op(0x13, "return_call_indirect", "type table", "tail_call")
_op(0x14, "call_ref", "type", "function_references")
_op(0x15, "return_call_ref", "type", "function_references")
_op(0x18, "delegate", "label", "legacy_exceptions")
_op(0x19, "catch_all", "", "legacy_exceptions")
_op(0x1A, "drop")
_op(0x1B, "select")
_op(0x1C, "select", "select_t", "reference_types")
_op(0x1F, "try_table", "try_table", "exceptions")
# --- variables, tables ---------------------------------------------------------------------
_seq(0x20, "local.get local.set local.tee", "mvp", imms="local")
_seq(0x23, "global.get global.set", "mvp", imms="global")
_seq(0x25, "table.get table.set", "reference_types", imms="table")
# --- memory --------------------------------------------------------------------------------
_seq(
    0x28,
    "i32.load i64.load f32.load f64.load i32.load8_s i32.load8_u i32.load16_s i32.load16_u "
    "i64.load8_s i64.load8_u i64.load16_s i64.load16_u i64.load32_s i64.load32_u "
    "i32.store i64.store f32.store f64.store i32.store8 i32.store16 i64.store8 i64.store16 i64.store32",
    "mvp",
    imms="memarg",
)
_op(0x3F, "memory.size", "memory")
_op(0x40, "memory.grow", "memory")
# --- constants -----------------------------------------------------------------------------
_op(0x41, "i32.const", "i32")
_op(0x42, "i64.const", "i64")
_op(0x43, "f32.const", "f32")
_op(0x44, "f64.const", "f64")
# --- numeric (no immediates) ---------------------------------------------------------------
_seq(
    0x45,
    "i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u "
    "i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u "
    "f32.eq f32.ne f32.lt f32.gt f32.le f32.ge f64.eq f64.ne f64.lt f64.gt f64.le f64.ge "
    "i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u "
    "i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr "
    "i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u "
    "i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr "
    "f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt f32.add f32.sub f32.mul "
    "f32.div f32.min f32.max f32.copysign "
    "f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub f64.mul "
    "f64.div f64.min f64.max f64.copysign "
    "i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u "
    "i64.extend_i32_s i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s "
    "i64.trunc_f64_u f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u "
    "f32.demote_f64 f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u "
    "f64.promote_f32 i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64",
    "mvp",
)
_seq(0xC0, "i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s", "sign_extension")
# --- references ----------------------------------------------------------------------------
_op(0xD0, "ref.null", "heaptype", "reference_types")
_op(0xD1, "ref.is_null", "", "reference_types")
_op(0xD2, "ref.func", "func", "reference_types")
_op(0xD3, "ref.eq", "", "gc")
_op(0xD4, "ref.as_non_null", "", "function_references")
_op(0xD5, "br_on_null", "label", "function_references")
_op(0xD6, "br_on_non_null", "label", "function_references")

# --- 0xFB: GC ------------------------------------------------------------------------------
GC = 0xFB
_op(0x00, "struct.new", "type", "gc", GC)
_op(0x01, "struct.new_default", "type", "gc", GC)
_op(0x02, "struct.get", "type field", "gc", GC)
_op(0x03, "struct.get_s", "type field", "gc", GC)
_op(0x04, "struct.get_u", "type field", "gc", GC)
_op(0x05, "struct.set", "type field", "gc", GC)
_op(0x06, "array.new", "type", "gc", GC)
_op(0x07, "array.new_default", "type", "gc", GC)
_op(0x08, "array.new_fixed", "type u32", "gc", GC)
_op(0x09, "array.new_data", "type data", "gc", GC)
_op(0x0A, "array.new_elem", "type elem", "gc", GC)
_op(0x0B, "array.get", "type", "gc", GC)
_op(0x0C, "array.get_s", "type", "gc", GC)
_op(0x0D, "array.get_u", "type", "gc", GC)
_op(0x0E, "array.set", "type", "gc", GC)
_op(0x0F, "array.len", "", "gc", GC)
_op(0x10, "array.fill", "type", "gc", GC)
_op(0x11, "array.copy", "type type", "gc", GC)
_op(0x12, "array.init_data", "type data", "gc", GC)
_op(0x13, "array.init_elem", "type elem", "gc", GC)
_op(0x14, "ref.test", "ref_nonnull", "gc", GC)
_op(0x15, "ref.test", "ref_null", "gc", GC)
_op(0x16, "ref.cast", "ref_nonnull", "gc", GC)
_op(0x17, "ref.cast", "ref_null", "gc", GC)
_op(0x18, "br_on_cast", "br_on_cast", "gc", GC)
_op(0x19, "br_on_cast_fail", "br_on_cast", "gc", GC)
_seq(0x1A, "any.convert_extern extern.convert_any ref.i31 i31.get_s i31.get_u", "gc", GC)

# --- 0xFC: saturating truncation, bulk memory, tables ----------------------------------------
MISC = 0xFC
_seq(
    0x00,
    "i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u "
    "i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u",
    "saturating_float_to_int",
    MISC,
)
_op(0x08, "memory.init", "data memory", "bulk_memory", MISC)
_op(0x09, "data.drop", "data", "bulk_memory", MISC)
_op(0x0A, "memory.copy", "memory memory", "bulk_memory", MISC)
_op(0x0B, "memory.fill", "memory", "bulk_memory", MISC)
_op(0x0C, "table.init", "elem table", "bulk_memory", MISC)
_op(0x0D, "elem.drop", "elem", "bulk_memory", MISC)
_op(0x0E, "table.copy", "table table", "bulk_memory", MISC)
_seq(0x0F, "table.grow table.size table.fill", "reference_types", MISC, imms="table")
_seq(0x13, "i64.add128 i64.sub128 i64.mul_wide_s i64.mul_wide_u", "wide_arithmetic", MISC)

# --- 0xFD: SIMD and relaxed SIMD -------------------------------------------------------------
SIMD = 0xFD
_seq(
    0x00,
    "v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u v128.load32x2_s "
    "v128.load32x2_u v128.load8_splat v128.load16_splat v128.load32_splat v128.load64_splat v128.store",
    "simd",
    SIMD,
    imms="memarg",
)
_op(0x0C, "v128.const", "v128", "simd", SIMD)
_op(0x0D, "i8x16.shuffle", "shuffle", "simd", SIMD)
_seq(0x0E, "i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat", "simd", SIMD)
_seq(
    0x15,
    "i8x16.extract_lane_s i8x16.extract_lane_u i8x16.replace_lane i16x8.extract_lane_s "
    "i16x8.extract_lane_u i16x8.replace_lane i32x4.extract_lane i32x4.replace_lane "
    "i64x2.extract_lane i64x2.replace_lane f32x4.extract_lane f32x4.replace_lane "
    "f64x2.extract_lane f64x2.replace_lane",
    "simd",
    SIMD,
    imms="lane",
)
_seq(
    0x23,
    "i8x16.eq i8x16.ne i8x16.lt_s i8x16.lt_u i8x16.gt_s i8x16.gt_u i8x16.le_s i8x16.le_u i8x16.ge_s i8x16.ge_u "
    "i16x8.eq i16x8.ne i16x8.lt_s i16x8.lt_u i16x8.gt_s i16x8.gt_u i16x8.le_s i16x8.le_u i16x8.ge_s i16x8.ge_u "
    "i32x4.eq i32x4.ne i32x4.lt_s i32x4.lt_u i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s i32x4.ge_u "
    "f32x4.eq f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge f64x2.eq f64x2.ne f64x2.lt f64x2.gt f64x2.le f64x2.ge "
    "v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect v128.any_true",
    "simd",
    SIMD,
)
_seq(
    0x54,
    "v128.load8_lane v128.load16_lane v128.load32_lane v128.load64_lane "
    "v128.store8_lane v128.store16_lane v128.store32_lane v128.store64_lane",
    "simd",
    SIMD,
    imms="memarg lane",
)
_seq(0x5C, "v128.load32_zero v128.load64_zero", "simd", SIMD, imms="memarg")
_seq(
    0x5E,
    "f32x4.demote_f64x2_zero f64x2.promote_low_f32x4 "
    "i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask i8x16.narrow_i16x8_s "
    "i8x16.narrow_i16x8_u f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest i8x16.shl i8x16.shr_s "
    "i8x16.shr_u i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u "
    "f64x2.ceil f64x2.floor i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u f64x2.trunc i8x16.avgr_u "
    "i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u "
    "i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u "
    # 0x80
    "i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true i16x8.bitmask i16x8.narrow_i32x4_s "
    "i16x8.narrow_i32x4_u i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u "
    "i16x8.extend_high_i8x16_u i16x8.shl i16x8.shr_s i16x8.shr_u i16x8.add i16x8.add_sat_s "
    "i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u f64x2.nearest i16x8.mul i16x8.min_s "
    "i16x8.min_u i16x8.max_s i16x8.max_u - i16x8.avgr_u i16x8.extmul_low_i8x16_s "
    "i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u "
    # 0xA0
    "i32x4.abs i32x4.neg - i32x4.all_true i32x4.bitmask - - i32x4.extend_low_i16x8_s "
    "i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u i32x4.shl "
    "i32x4.shr_s i32x4.shr_u i32x4.add - - i32x4.sub - - - i32x4.mul i32x4.min_s i32x4.min_u "
    "i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s - i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s "
    "i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u "
    # 0xC0
    "i64x2.abs i64x2.neg - i64x2.all_true i64x2.bitmask - - i64x2.extend_low_i32x4_s "
    "i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u i64x2.shl "
    "i64x2.shr_s i64x2.shr_u i64x2.add - - i64x2.sub - - - i64x2.mul i64x2.eq i64x2.ne "
    "i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s "
    "i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u "
    # 0xE0
    "f32x4.abs f32x4.neg - f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max "
    "f32x4.pmin f32x4.pmax f64x2.abs f64x2.neg - f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div "
    "f64x2.min f64x2.max f64x2.pmin f64x2.pmax i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u "
    "f32x4.convert_i32x4_s f32x4.convert_i32x4_u i32x4.trunc_sat_f64x2_s_zero "
    "i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u",
    "simd",
    SIMD,
)
_seq(
    0x100,
    "i8x16.relaxed_swizzle i32x4.relaxed_trunc_f32x4_s i32x4.relaxed_trunc_f32x4_u "
    "i32x4.relaxed_trunc_f64x2_s_zero i32x4.relaxed_trunc_f64x2_u_zero f32x4.relaxed_madd "
    "f32x4.relaxed_nmadd f64x2.relaxed_madd f64x2.relaxed_nmadd i8x16.relaxed_laneselect "
    "i16x8.relaxed_laneselect i32x4.relaxed_laneselect i64x2.relaxed_laneselect f32x4.relaxed_min "
    "f32x4.relaxed_max f64x2.relaxed_min f64x2.relaxed_max i16x8.relaxed_q15mulr_s "
    "i16x8.relaxed_dot_i8x16_i7x16_s i32x4.relaxed_dot_i8x16_i7x16_add_s",
    "relaxed_simd",
    SIMD,
)

# --- 0xFE: threads ---------------------------------------------------------------------------
ATOMIC = 0xFE
_seq(0x00, "memory.atomic.notify memory.atomic.wait32 memory.atomic.wait64", "threads", ATOMIC, imms="memarg")
_op(0x03, "atomic.fence", "zero", "threads", ATOMIC)
_seq(
    0x10,
    "i32.atomic.load i64.atomic.load i32.atomic.load8_u i32.atomic.load16_u i64.atomic.load8_u "
    "i64.atomic.load16_u i64.atomic.load32_u i32.atomic.store i64.atomic.store i32.atomic.store8 "
    "i32.atomic.store16 i64.atomic.store8 i64.atomic.store16 i64.atomic.store32",
    "threads",
    ATOMIC,
    imms="memarg",
)
for _i, _rmw in enumerate(("add", "sub", "and", "or", "xor", "xchg", "cmpxchg")):
    _seq(
        0x1E + 7 * _i,
        " ".join(
            f"{t}.atomic.rmw{w}.{_rmw}{'_u' if w else ''}"
            for t, w in (("i32", ""), ("i64", ""), ("i32", "8"), ("i32", "16"), ("i64", "8"), ("i64", "16"), ("i64", "32"))
        ),
        "threads",
        ATOMIC,
        imms="memarg",
    )

PREFIXES = (GC, MISC, SIMD, ATOMIC)

_WIDTH = re.compile(r"(load|store|rmw|wait|notify)(8|16|32|64)?")


def _natural_align(name: str, imms: tuple[str, ...]) -> int | None:
    """log2 of the access width in bytes, from the mnemonic (``i64.load16_s`` → 1)."""
    if "memarg" not in imms:
        return None
    if name == "memory.atomic.notify":
        return 2
    m = _WIDTH.search(name.split(".", 1)[1] if name.startswith(("i", "f", "v")) else name)
    width = m.group(2) if m else None
    if name.startswith("v128."):
        if width is None:
            return 4
        if "x" in name.split(".")[1] or "zero" in name or "splat" in name or "lane" in name:
            # load8x8_s etc. read 64 bits; the lane/splat/zero forms read their lane width.
            return 3 if re.search(r"\d+x\d+", name) else {"8": 0, "16": 1, "32": 2, "64": 3}[width]
    if width is None:
        return {"i32": 2, "f32": 2, "i64": 3, "f64": 3}[name[:3]]
    return {"8": 0, "16": 1, "32": 2, "64": 3}[width]


# --- stack signatures --------------------------------------------------------------------------
# Most signatures follow from the mnemonic (``i64.add`` pops two i64 and pushes one); the rest
# are listed here. None marks instructions whose arity the immediates or blocks decide.
_STACK: dict[str, str | None] = {
    "unreachable": ":", "nop": ":", "drop": "*:", "select": "**i:*",
    "local.get": ":*", "local.set": "*:", "local.tee": "*:*", "global.get": ":*", "global.set": "*:",
    "table.get": "i:r", "table.set": "ir:", "table.size": ":i", "table.grow": "ri:i", "table.fill": "iri:",
    "table.copy": "iii:", "table.init": "iii:", "elem.drop": ":", "data.drop": ":",
    "memory.size": ":i", "memory.grow": "i:i", "memory.fill": "iii:", "memory.copy": "iii:",
    "memory.init": "iii:",
    "ref.null": ":r", "ref.is_null": "r:i", "ref.func": ":r", "ref.eq": "rr:i", "ref.as_non_null": "r:r",
    "ref.test": "r:i", "ref.cast": "r:r", "ref.i31": "i:r", "i31.get_s": "r:i", "i31.get_u": "r:i",
    "any.convert_extern": "r:r", "extern.convert_any": "r:r",
    "struct.new_default": ":r", "struct.get": "r:*", "struct.get_s": "r:i", "struct.get_u": "r:i",
    "struct.set": "r*:", "array.new": "*i:r", "array.new_default": "i:r", "array.new_data": "ii:r",
    "array.new_elem": "ii:r", "array.get": "ri:*", "array.get_s": "ri:i", "array.get_u": "ri:i",
    "array.set": "ri*:", "array.len": "r:i", "array.fill": "ri*i:", "array.copy": "riiri:",
    "array.init_data": "riii:", "array.init_elem": "riii:",
    "v128.const": ":v", "i8x16.shuffle": "vv:v", "v128.bitselect": "vvv:v", "v128.any_true": "v:i",
    "atomic.fence": ":", "memory.atomic.notify": "ii:i", "memory.atomic.wait32": "iil:i",
    "memory.atomic.wait64": "ill:i",
    "i64.add128": "llll:ll", "i64.sub128": "llll:ll", "i64.mul_wide_s": "ll:ll", "i64.mul_wide_u": "ll:ll",
}
_LETTER = {"i32": "i", "i64": "l", "f32": "f", "f64": "d", "v128": "v"}
#: vector shapes and the scalar type of their lanes.
_LANE = {"i8x16": "i", "i16x8": "i", "i32x4": "i", "i64x2": "l", "f32x4": "f", "f64x2": "d", "v128": "v"}
_SIMD_UNARY = re.compile(
    r"\.(abs|neg|popcnt|sqrt|ceil|floor|trunc|nearest|not|extend_(low|high)_\w+|extadd_pairwise_\w+|"
    r"convert\w*|trunc_sat\w*|demote\w*|promote\w*|relaxed_trunc\w*)$"
)
_SIMD_TERNARY = re.compile(r"\.(relaxed_n?madd|relaxed_laneselect|relaxed_dot_i8x16_i7x16_add_s)$")
_SCALAR_UNARY = {"clz", "ctz", "popcnt", "abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt",
                 "extend8_s", "extend16_s", "extend32_s"}


def _stack(name: str, imms: tuple[str, ...]) -> str | None:
    """The stack signature of an instruction, from the list above or its mnemonic."""
    if name in _STACK:
        return _STACK[name]
    head, _, op = name.partition(".")
    if head in _LANE:
        lane = _LANE[head]
        if "memarg" in imms:
            if "store" in op:
                return "iv:"
            return "iv:v" if "lane" in op else "i:v"
        if op.startswith("extract_lane"):
            return f"v:{lane}"
        if op == "replace_lane":
            return f"v{lane}:v"
        if op == "splat":
            return f"{lane}:v"
        if op in ("all_true", "bitmask"):
            return "v:i"
        if op.startswith(("shl", "shr")):
            return "vi:v"
        if _SIMD_TERNARY.search(name):
            return "vvv:v"
        return "v:v" if _SIMD_UNARY.search(name) else "vv:v"
    t = _LETTER.get(head)
    if t is None:
        return None
    if "atomic" in op:
        if "cmpxchg" in op:
            return f"i{t}{t}:{t}"
        if "rmw" in op:
            return f"i{t}:{t}"
        return f"i{t}:" if "store" in op else f"i:{t}"
    if "memarg" in imms:
        return f"i{t}:" if op.startswith("store") else f"i:{t}"
    if op == "const":
        return f":{t}"
    if op == "eqz":
        return f"{t}:i"
    if op in ("eq", "ne", "lt", "gt", "le", "ge") or op[:3] in ("lt_", "gt_", "le_", "ge_"):
        return f"{t}{t}:i"
    if op in _SCALAR_UNARY:
        return f"{t}:{t}"
    m = re.search(r"_(i32|i64|f32|f64)(_[su])?$", op)
    if m:  # conversions name their source type last: i32.trunc_f64_s, f64.promote_f32
        return f"{_LETTER[m.group(1)]}:{t}"
    return f"{t}{t}:{t}"


def _build() -> list[Opcode]:
    ops = []
    for index, (name, prefix, code, imms, proposal) in enumerate(_ROWS):
        encoding = (bytes((prefix,)) + encode_unsigned(code)) if prefix is not None else bytes((code,))
        ops.append(Opcode(name, prefix, code, imms, proposal, _natural_align(name, imms), encoding, index,
                          _stack(name, imms)))
    return ops


#: every instruction, in table order.
OPCODES: tuple[Opcode, ...] = tuple(_build())
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
