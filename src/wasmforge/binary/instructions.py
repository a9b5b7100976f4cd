"""Decoding and encoding of instruction sequences, driven by the opcode table.

An instruction is a plain tuple ``(offset, op, imm)`` — ``offset`` absolute in the module,
``op`` an :class:`~wasmforge.binary._opcodes.Opcode`, ``imm`` its immediate (see
``docs/binary-api.md``). Tuples, not objects, because a large module holds millions of
instructions and decoding them is the hot loop of every analysis.
"""

from __future__ import annotations

import gc
import struct
from collections.abc import Callable, Iterable
from itertools import accumulate
from operator import attrgetter, itemgetter
from typing import Any

from wasmforge.binary._opcodes import OPCODES, PREFIXED, SINGLE, Opcode
from wasmforge.binary.errors import MalformedImmediate as _Bad
from wasmforge.binary.errors import WasmDecodeError
from wasmforge.binary.leb128 import encode_signed, encode_unsigned, read_signed, read_unsigned
from wasmforge.binary.types import AbsHeap, HeapType, NumType, RefType

Instruction = tuple[int, Opcode, Any]

# Immediate shapes: the decoder's dispatch codes, derived from the table's immediate kinds.
NONE, U32, MEMARG, I32, I64, F32, F64, BLOCK, BR_TABLE, U32X2, HEAP, SELECT_T, BYTES16, LANE, \
    MEMARG_LANE, ZERO, TRY_TABLE, BR_ON_CAST = range(18)

_INDEX_KINDS = {"label", "func", "type", "table", "memory", "local", "global", "tag", "elem", "data", "field", "u32"}


def _shape(imms: tuple[str, ...]) -> int:
    if not imms:
        return NONE
    if len(imms) == 1:
        kind = imms[0]
        if kind in _INDEX_KINDS:
            return U32
        return {
            "memarg": MEMARG, "i32": I32, "i64": I64, "f32": F32, "f64": F64, "blocktype": BLOCK,
            "br_table": BR_TABLE, "heaptype": HEAP, "ref_nonnull": HEAP, "ref_null": HEAP,
            "select_t": SELECT_T, "v128": BYTES16, "shuffle": BYTES16, "lane": LANE, "zero": ZERO,
            "try_table": TRY_TABLE, "br_on_cast": BR_ON_CAST,
        }[kind]
    if imms == ("memarg", "lane"):
        return MEMARG_LANE
    if len(imms) == 2 and all(k in _INDEX_KINDS for k in imms):
        return U32X2
    raise ValueError(f"no decoder shape for immediates {imms}")


#: shape of every opcode, by Opcode.index.
SHAPES: list[int] = [_shape(op.imms) for op in OPCODES]
_SINGLE_ENTRY: list[tuple[Opcode, int] | None] = [
    (op, SHAPES[op.index]) if op is not None else None for op in SINGLE
]
_PREFIXED_ENTRY: dict[int, dict[int, tuple[Opcode, int]]] = {
    p: {code: (op, SHAPES[op.index]) for code, op in table.items()} for p, table in PREFIXED.items()
}

_VALTYPE_BY_CODE = {t.value: t for t in NumType}
_ABS_BY_CODE = {h.value: h for h in AbsHeap}
_ABS_REF = {code: RefType(True, HeapType(h)) for code, h in _ABS_BY_CODE.items()}
_ABS_HEAP = {code: HeapType(h) for code, h in _ABS_BY_CODE.items()}
_U32 = struct.Struct("<I").unpack_from
_U64 = struct.Struct("<Q").unpack_from




# --- immediates shared with the type decoders ---------------------------------------------------

def read_heaptype(buf: Any, pos: int) -> tuple[HeapType, int]:
    """A heap type: an abstract code, ``0x65`` + abstract (shared), or an s33 type index."""
    b = buf[pos]
    shared = False
    if b == 0x65:
        shared = True
        pos += 1
        b = buf[pos]
    if 0x40 <= b < 0x80:
        h = _ABS_BY_CODE.get(b)
        if h is None:
            raise _Bad(pos, f"unknown heap type 0x{b:02x}")
        return (HeapType(h, None, True) if shared else _ABS_HEAP[b]), pos + 1
    try:
        index, pos = read_signed(buf, pos, 33)
    except ValueError as e:
        raise _Bad(pos, str(e)) from None
    if index < 0:
        raise _Bad(pos, f"invalid heap type {index}")
    return HeapType(None, index, shared), pos


def read_valtype(buf: Any, pos: int) -> tuple[NumType | RefType, int]:
    """A value type: a number/vector type, a shorthand reference type, or ``0x63``/``0x64`` + heap type."""
    b = buf[pos]
    t = _VALTYPE_BY_CODE.get(b)
    if t is not None:
        return t, pos + 1
    r = _ABS_REF.get(b)
    if r is not None:
        return r, pos + 1
    if b == 0x63 or b == 0x64:
        heap, pos = read_heaptype(buf, pos + 1)
        return RefType(b == 0x63, heap), pos
    raise _Bad(pos, f"unknown value type 0x{b:02x}")


def _read_blocktype(buf: Any, pos: int) -> tuple[Any, int]:
    b = buf[pos]
    if b == 0x40:
        return None, pos + 1
    if b & 0xC0 == 0x40:  # a negative one-byte s33: a value type
        return read_valtype(buf, pos)
    try:
        index, pos = read_signed(buf, pos, 33)
    except ValueError as e:
        raise _Bad(pos, str(e)) from None
    if index < 0:
        raise _Bad(pos, f"invalid block type {index}")
    return index, pos


def _u32(buf: Any, pos: int) -> tuple[int, int]:
    try:
        return read_unsigned(buf, pos, 32)
    except ValueError as e:
        raise _Bad(pos, str(e)) from None


def _memarg(buf: Any, pos: int) -> tuple[tuple[int, int, int], int]:
    at = pos
    flags, pos = _u32(buf, pos)
    if flags >= 0x80:  # bits 0-5: alignment, bit 6: a memory index follows; nothing above
        raise _Bad(at, f"malformed memop flags 0x{flags:x}")
    memory = 0
    if flags & 0x40:
        memory, pos = _u32(buf, pos)
        flags &= ~0x40
    try:
        offset, pos = read_unsigned(buf, pos, 64)
    except ValueError as e:
        raise _Bad(pos, str(e)) from None
    return (flags, offset, memory), pos


def _imm_u32(buf: Any, pos: int) -> tuple[Any, int]:
    return _u32(buf, pos)


def _imm_memarg(buf: Any, pos: int) -> tuple[Any, int]:
    return _memarg(buf, pos)


def _imm_signed(bits: int) -> Callable[[Any, int], tuple[Any, int]]:
    def decode(buf: Any, pos: int) -> tuple[Any, int]:
        try:
            return read_signed(buf, pos, bits)
        except ValueError as e:
            raise _Bad(pos, str(e)) from None

    return decode


def _imm_f32(buf: Any, pos: int) -> tuple[Any, int]:
    return _U32(buf, pos)[0], pos + 4


def _imm_f64(buf: Any, pos: int) -> tuple[Any, int]:
    return _U64(buf, pos)[0], pos + 8


def _imm_br_table(buf: Any, pos: int) -> tuple[Any, int]:
    count, pos = _u32(buf, pos)
    if count > len(buf) - pos:
        raise _Bad(pos, f"br_table of {count} labels is longer than the bytes that remain")
    targets = []
    for _ in range(count):
        t, pos = _u32(buf, pos)
        targets.append(t)
    default, pos = _u32(buf, pos)
    return (tuple(targets), default), pos


def _imm_u32x2(buf: Any, pos: int) -> tuple[Any, int]:
    a, pos = _u32(buf, pos)
    b, pos = _u32(buf, pos)
    return (a, b), pos


def _imm_select_t(buf: Any, pos: int) -> tuple[Any, int]:
    count, pos = _u32(buf, pos)
    if count > len(buf) - pos:
        raise _Bad(pos, f"select of {count} types is longer than the bytes that remain")
    types = []
    for _ in range(count):
        t, pos = read_valtype(buf, pos)
        types.append(t)
    return tuple(types), pos


def _imm_bytes16(buf: Any, pos: int) -> tuple[Any, int]:
    if pos + 16 > len(buf):
        raise IndexError
    return bytes(buf[pos : pos + 16]), pos + 16


def _imm_lane(buf: Any, pos: int) -> tuple[Any, int]:
    return buf[pos], pos + 1


def _imm_memarg_lane(buf: Any, pos: int) -> tuple[Any, int]:
    m, pos = _memarg(buf, pos)
    return (m, buf[pos]), pos + 1


def _imm_zero(buf: Any, pos: int) -> tuple[Any, int]:
    b = buf[pos]
    if b != 0:
        raise _Bad(pos, f"expected a zero byte, found 0x{b:02x}")
    return 0, pos + 1


def _imm_try_table(buf: Any, pos: int) -> tuple[Any, int]:
    bt, pos = _read_blocktype(buf, pos)
    count, pos = _u32(buf, pos)
    if count > len(buf) - pos:
        raise _Bad(pos, f"try_table of {count} catch clauses is longer than the bytes that remain")
    catches = []
    for _ in range(count):
        kind = buf[pos]
        pos += 1
        if kind > 3:
            raise _Bad(pos - 1, f"unknown catch clause kind {kind}")
        tag = None
        if kind in (0, 1):  # catch, catch_ref name a tag; catch_all(_ref) do not
            tag, pos = _u32(buf, pos)
        label, pos = _u32(buf, pos)
        catches.append((kind, tag, label))
    return (bt, tuple(catches)), pos


def _imm_br_on_cast(buf: Any, pos: int) -> tuple[Any, int]:
    flags = buf[pos]
    label, pos = _u32(buf, pos + 1)
    h1, pos = read_heaptype(buf, pos)
    h2, pos = read_heaptype(buf, pos)
    return (flags, label, h1, h2), pos


_IMM_DECODERS: list[Callable[[Any, int], tuple[Any, int]]] = [
    lambda buf, pos: (None, pos),  # NONE
    _imm_u32, _imm_memarg, _imm_signed(32), _imm_signed(64), _imm_f32, _imm_f64,
    _read_blocktype, _imm_br_table, _imm_u32x2, read_heaptype, _imm_select_t, _imm_bytes16,
    _imm_lane, _imm_memarg_lane, _imm_zero, _imm_try_table, _imm_br_on_cast,
]


def _prefixed(buf: Any, prefix: int, pos: int) -> tuple[tuple[Opcode, int], int]:
    code, pos2 = _u32(buf, pos)
    entry = _PREFIXED_ENTRY[prefix].get(code)
    if entry is None:
        raise _Bad(pos - 1, f"unknown instruction 0x{prefix:02x} {code}")
    return entry, pos2


# --- the instruction decoder ---------------------------------------------------------------------
#
# Two loops with one result. The fast loop works on the body copied into a list of ints (list
# indexing is much cheaper than memoryview indexing) and looks the first two bytes of each
# instruction up in a table that holds the finished (op, imm, size) of every instruction whose
# immediate fits in one byte; memarg, multi-byte constants and prefixed instructions follow in
# inline branches. It appends only instructions it decoded completely inside the body and hands
# anything unusual (a malformed or truncated instruction, a memory index, ...) to the reference
# loop, which decodes that one instruction from the real buffer with the exact errors, after which
# the fast loop resumes. Output and errors are therefore those of the reference loop alone.

_PREFIX = 98  # a prefix byte: the code follows as a LEB128
_STOP = 99  # not an opcode: the reference loop decides
#: (op, shape) for every first byte; prefix and unassigned bytes get their own shapes (op None).
_FIRST: list[tuple[Any, int]] = [
    e if e is not None else (None, _PREFIX if b in _PREFIXED_ENTRY else _STOP) for b, e in enumerate(_SINGLE_ENTRY)
]
#: the list ends with two continuation bytes: no immediate can end in them, and the two-byte
#: lookup at the last opcode byte stays inside the list.
_PAD = (0xFF, 0xFF)
#: memarg immediates (align < 64, offset < 128), shared rather than built per instruction.
_MEMARGS = [[(a, o, 0) for o in range(0x80)] for a in range(0x40)]
#: shapes whose decoders read the buffer by plain indexing, so they work on the list too.
_LIST_SAFE = frozenset(range(len(_IMM_DECODERS))) - {NONE, F32, F64}


def _two_byte_row(op: Opcode | None, shape: int) -> list[tuple[Opcode, Any, int] | None]:
    """By second byte: the finished (op, imm, size) where that byte completes the instruction."""
    row: list[tuple[Opcode, Any, int] | None] = [None] * 256
    if op is None:
        return row
    if shape == NONE:
        return [(op, None, 1)] * 256
    for x in range(0x80):
        if shape == U32:
            row[x] = (op, x, 2)
        elif shape in (I32, I64):
            row[x] = (op, x - 0x80 if x & 0x40 else x, 2)
        elif shape == BLOCK:
            try:
                bt, after = _read_blocktype(bytes((x,)), 0)
            except (_Bad, IndexError, ValueError):
                continue
            if after == 1:
                row[x] = (op, bt, 2)
    return row


#: _ROWS[first byte][second byte] -> (op, imm, size) | None.
_ROWS = [_two_byte_row(e[0], e[1]) if e is not None else _two_byte_row(None, 0) for e in _SINGLE_ENTRY]


def _decode_run(b: Any, base: int, i: int, out: list[Instruction]) -> int:
    """Decode from ``b[i]`` while the instructions are ordinary; return where it stopped.

    ``b`` is the body as a list of ints followed by ``_PAD``; ``base`` its offset in the file.
    """
    append = out.append
    rows = _ROWS
    first = _FIRST
    memargs = _MEMARGS
    decoders = _IMM_DECODERS
    n = len(b) - 2
    try:
        while True:
            e = rows[b[i]][b[i + 1]]
            if e is not None:
                op, v, size = e
                append((base + i, op, v))
                i += size
                continue
            op, shape = first[b[i]]
            if shape == 2:  # MEMARG
                a = b[i + 1]
                if a >= 0x40:  # a memory index follows, or the flags are a longer LEB128
                    return i
                o = b[i + 2]
                if o < 0x80:
                    append((base + i, op, memargs[a][o]))
                    i += 3
                elif b[i + 3] < 0x80:
                    append((base + i, op, (a, (o & 0x7F) | b[i + 3] << 7, 0)))
                    i += 4
                else:
                    o, j = read_unsigned(b, i + 2, 64)
                    append((base + i, op, (a, o, 0)))
                    i = j
            elif shape == 3:  # I32 of two bytes or more
                x = b[i + 2]
                if x < 0x80:
                    v = (b[i + 1] & 0x7F) | x << 7
                    if x & 0x40:
                        v -= 0x4000
                    append((base + i, op, v))
                    i += 3
                elif b[i + 3] < 0x80:
                    x = b[i + 3]
                    v = (b[i + 1] & 0x7F) | (b[i + 2] & 0x7F) << 7 | x << 14
                    if x & 0x40:
                        v -= 0x200000
                    append((base + i, op, v))
                    i += 4
                elif b[i + 4] < 0x80:
                    x = b[i + 4]
                    v = (b[i + 1] & 0x7F) | (b[i + 2] & 0x7F) << 7 | (b[i + 3] & 0x7F) << 14 | x << 21
                    if x & 0x40:
                        v -= 0x10000000
                    append((base + i, op, v))
                    i += 5
                else:
                    v, j = read_signed(b, i + 1, 32)
                    append((base + i, op, v))
                    i = j
            elif shape == 1:  # U32 of two bytes or more
                x = b[i + 2]
                if x < 0x80:
                    append((base + i, op, (b[i + 1] & 0x7F) | x << 7))
                    i += 3
                else:
                    v, j = read_unsigned(b, i + 1, 32)
                    append((base + i, op, v))
                    i = j
            elif shape == 5:  # F32
                if i + 5 > n:
                    return i
                append((base + i, op, b[i + 1] | b[i + 2] << 8 | b[i + 3] << 16 | b[i + 4] << 24))
                i += 5
            elif shape == 6:  # F64
                if i + 9 > n:
                    return i
                v = (b[i + 1] | b[i + 2] << 8 | b[i + 3] << 16 | b[i + 4] << 24
                     | (b[i + 5] | b[i + 6] << 8 | b[i + 7] << 16 | b[i + 8] << 24) << 32)
                append((base + i, op, v))
                i += 9
            elif shape == _PREFIX:
                (op, shape), j = _prefixed(b, b[i], i + 1)
                if shape == 0:
                    v = None
                elif shape in _LIST_SAFE:
                    v, j = decoders[shape](b, j)
                else:
                    return i
                if j > n:
                    return i
                append((base + i, op, v))
                i = j
            elif shape in _LIST_SAFE:
                v, j = decoders[shape](b, i + 1)
                if j > n:
                    return i
                append((base + i, op, v))
                i = j
            else:
                return i
    except (_Bad, ValueError, IndexError):
        return i


def _decode_one(buf: Any, pos: int, end: int, out: list[Instruction], section: str | None, path: str | None) -> int:
    """The reference decoder for one instruction at ``pos``: append it, return where it ends."""
    start = pos
    try:
        entry = _SINGLE_ENTRY[buf[pos]]
        pos += 1
        if entry is None:
            b = buf[pos - 1]
            if b not in _PREFIXED_ENTRY:
                raise _Bad(start, f"unknown instruction 0x{b:02x}")
            entry, pos = _prefixed(buf, b, pos)
        op, shape = entry
        if shape == 0:
            out.append((start, op, None))
        elif shape == 1:
            v = buf[pos]
            pos += 1
            if v & 0x80:
                v, pos = _u32(buf, pos - 1)
            out.append((start, op, v))
        elif shape == 3:
            v = buf[pos]
            pos += 1
            if v & 0x80:
                v, pos = _IMM_DECODERS[3](buf, pos - 1)
            elif v & 0x40:
                v -= 0x80
            out.append((start, op, v))
        elif shape == 2:
            a = buf[pos]
            o = buf[pos + 1]
            if (a | o) & 0x80 or a & 0x40:
                v, pos = _memarg(buf, pos)
            else:
                v = (a, o, 0)
                pos += 2
            out.append((start, op, v))
        else:
            v, pos = _IMM_DECODERS[shape](buf, pos)
            out.append((start, op, v))
    except _Bad as bad:
        raise WasmDecodeError(bad.offset, section, bad.reason, path=path) from None
    except (IndexError, struct.error):
        raise WasmDecodeError(start, section, "unexpected end of data in an instruction", path=path) from None
    if pos > end:
        raise WasmDecodeError(start, section, f"instruction runs past the end of its body at 0x{end:x}", path=path)
    return pos


def decode_instructions(
    buf: Any, pos: int, end: int, *, section: str | None = "code", path: str | None = None
) -> list[Instruction]:
    """Decode the instructions in ``buf[pos:end]`` (a function body's expression).

    The range must hold whole instructions and end with ``end`` (0x0B).
    """
    # The decoder allocates only acyclic tuples, so the cyclic collector has nothing to find
    # here; on large bodies its passes cost about a quarter of the time (measured), so it
    # pauses while a large body decodes.
    if end - pos > _GC_PAUSE_BYTES and gc.isenabled():
        gc.disable()
        try:
            return _decode_instructions(buf, pos, end, section, path)
        finally:
            gc.enable()
    return _decode_instructions(buf, pos, end, section, path)


#: bodies larger than this decode with the cyclic garbage collector paused.
_GC_PAUSE_BYTES = 2048


def _decode_instructions(buf: Any, pos: int, end: int, section: str | None, path: str | None) -> list[Instruction]:
    out: list[Instruction] = []
    try:
        view: memoryview | None = memoryview(buf)
    except TypeError:  # not a buffer, only indexable
        view = None
    if view is not None and view.format == "B" and view.ndim == 1:
        # One copy of the body as ints: this is what makes the fast loop fast (measured).
        b = view[pos:end].tolist() if pos >= 0 else []
        b += _PAD
        i = 0
        size = end - pos
        while i < size:
            i = _decode_run(b, pos, i, out)
            if i < size:
                i = _decode_one(buf, pos + i, end, out, section, path) - pos
    else:  # an unusual buffer: the reference loop alone
        p = pos
        while p < end:
            p = _decode_one(buf, p, end, out, section, path)
    if not out or out[-1][1].code != 0x0B or out[-1][1].prefix is not None:
        raise WasmDecodeError(end, section, "function body does not end with 'end'", path=path)
    _check_nesting(out, end, section, path)
    return out


#: by Opcode.index: +1 for an instruction that opens a block, -1 for one that closes it.
_NESTING = [1 if op.imms in (("blocktype",), ("try_table",)) else -1 if op.name in ("end", "delegate") else 0
            for op in OPCODES]
_op_index = attrgetter("index")
_second = itemgetter(1)


#: by Opcode.index: whether the instruction names a data segment, which needs the data count section.
_NEEDS_DATA_COUNT = [op.name in ("memory.init", "data.drop") for op in OPCODES]


def check_data_count(out: list[Instruction], *, path: str | None = None) -> None:
    """Raise for ``memory.init``/``data.drop`` in a module without a data count section (malformed)."""
    if any(map(_NEEDS_DATA_COUNT.__getitem__, map(_op_index, map(_second, out)))):
        at = next(pos for pos, op, _ in out if _NEEDS_DATA_COUNT[op.index])
        raise WasmDecodeError(at, "code", "data count section required by memory.init and data.drop", path=path)


def _check_nesting(out: list[Instruction], end: int, section: str | None, path: str | None) -> None:
    """The body's final ``end`` is the first ``end`` that closes the function itself.

    Depths come from C-level iterators (accumulate over a lookup) to keep the check cheap.
    """
    depths = list(accumulate(map(_NESTING.__getitem__, map(_op_index, map(_second, out)))))
    first = depths.index(-1) if -1 in depths else None
    if first is None:
        raise WasmDecodeError(end, section, f"unexpected end of section or function: {depths[-1] + 1} block(s) "
                              "still open where the body ends", path=path)
    if first != len(depths) - 1:
        raise WasmDecodeError(out[first + 1][0], section, "operators remaining after the end of the function",
                              path=path)


def decode_const_expr(
    buf: Any, pos: int, end: int, *, section: str | None = None, path: str | None = None
) -> tuple[list[Instruction], int]:
    """Decode a constant expression starting at ``pos``: instructions up to its final ``end``.

    Returns the instructions and the position after them. ``end`` bounds the search.
    """
    out: list[Instruction] = []
    depth = 0
    start = pos
    try:
        while True:
            if pos >= end:
                raise WasmDecodeError(pos, section, "unexpected end of data in a constant expression", path=path)
            start = pos
            entry = _SINGLE_ENTRY[buf[pos]]
            pos += 1
            if entry is None:
                b = buf[pos - 1]
                if b not in _PREFIXED_ENTRY:
                    raise _Bad(start, f"unknown instruction 0x{b:02x}")
                entry, pos = _prefixed(buf, b, pos)
            op, shape = entry
            imm, pos = _IMM_DECODERS[shape](buf, pos)
            out.append((start, op, imm))
            if shape in (BLOCK, TRY_TABLE):
                depth += 1
            elif op.prefix is None and op.code == 0x0B:
                if depth == 0:
                    return out, pos
                depth -= 1
    except _Bad as bad:
        raise WasmDecodeError(bad.offset, section, bad.reason, path=path) from None
    except (IndexError, struct.error):
        raise WasmDecodeError(start, section, "unexpected end of data in a constant expression", path=path) from None


# --- encoding ---------------------------------------------------------------------------------

def encode_heaptype(h: HeapType) -> bytes:
    """The binary form of a heap type."""
    if h.abstract is not None:
        return (b"\x65" if h.shared else b"") + bytes((h.abstract.value,))
    return (b"\x65" if h.shared else b"") + encode_signed(h.index or 0)


def encode_valtype(t: NumType | RefType) -> bytes:
    """The binary form of a value type (shorthand for nullable abstract references)."""
    if isinstance(t, NumType):
        return bytes((t.value,))
    h = t.heap
    if t.nullable and h.abstract is not None and not h.shared:
        return bytes((h.abstract.value,))
    return (b"\x63" if t.nullable else b"\x64") + encode_heaptype(h)


def _enc_blocktype(bt: Any) -> bytes:
    if bt is None:
        return b"\x40"
    if isinstance(bt, int):
        return encode_signed(bt)
    return encode_valtype(bt)


def _enc_memarg(m: tuple[int, int, int]) -> bytes:
    align, offset, memory = m
    if memory:
        return encode_unsigned(align | 0x40) + encode_unsigned(memory) + encode_unsigned(offset)
    return encode_unsigned(align) + encode_unsigned(offset)


def _encode_imm(shape: int, imm: Any) -> bytes:
    if shape == U32:
        return encode_unsigned(imm)
    if shape == MEMARG:
        return _enc_memarg(imm)
    if shape in (I32, I64):
        return encode_signed(imm)
    if shape == F32:
        return struct.pack("<I", imm)
    if shape == F64:
        return struct.pack("<Q", imm)
    if shape == BLOCK:
        return _enc_blocktype(imm)
    if shape == BR_TABLE:
        targets, default = imm
        return encode_unsigned(len(targets)) + b"".join(map(encode_unsigned, targets)) + encode_unsigned(default)
    if shape == U32X2:
        return encode_unsigned(imm[0]) + encode_unsigned(imm[1])
    if shape == HEAP:
        return encode_heaptype(imm)
    if shape == SELECT_T:
        return encode_unsigned(len(imm)) + b"".join(map(encode_valtype, imm))
    if shape == BYTES16:
        return bytes(imm)
    if shape in (LANE, ZERO):
        return bytes((imm,))
    if shape == MEMARG_LANE:
        return _enc_memarg(imm[0]) + bytes((imm[1],))
    if shape == TRY_TABLE:
        bt, catches = imm
        out = bytearray(_enc_blocktype(bt) + encode_unsigned(len(catches)))
        for kind, tag, label in catches:
            out.append(kind)
            if kind in (0, 1):
                out += encode_unsigned(tag)
            out += encode_unsigned(label)
        return bytes(out)
    if shape == BR_ON_CAST:
        flags, label, h1, h2 = imm
        return bytes((flags,)) + encode_unsigned(label) + encode_heaptype(h1) + encode_heaptype(h2)
    raise ValueError(f"unknown immediate shape {shape}")


def encode_instruction(op: Opcode, imm: Any = None) -> bytes:
    """The canonical bytes of one instruction."""
    shape = SHAPES[op.index]
    if shape == NONE:
        return op.encoding
    return op.encoding + _encode_imm(shape, imm)


def encode_instructions(instrs: Iterable[tuple[Any, Opcode, Any]]) -> bytes:
    """The canonical bytes of an instruction sequence (offsets are ignored)."""
    out = bytearray()
    shapes = SHAPES
    for _, op, imm in instrs:
        out += op.encoding
        shape = shapes[op.index]
        if shape:
            out += _encode_imm(shape, imm)
    return bytes(out)
