"""Text forms of constants, strings and identifiers that re-assemble bit for bit."""

from __future__ import annotations

import math
import struct

# A module's names must not drive a terminal: the one escaper of every layer, used by the printers.
from wasmforge.errors import printable as printable

# --- strings ---------------------------------------------------------------------------------

#: the text form of each byte inside a string literal: printable ASCII as is, the rest as \xx.
_BYTE_TEXT = [chr(b) if 0x20 <= b < 0x7F and b not in (0x22, 0x5C) else f"\\{b:02x}" for b in range(256)]
_TRANSLATE = {b: _BYTE_TEXT[b] for b in range(256) if len(_BYTE_TEXT[b]) > 1}


def quote_bytes(data: bytes | memoryview) -> str:
    """A string literal holding ``data`` exactly (``"..."`` with ``\\xx`` escapes)."""
    return '"' + str(bytes(data), "latin-1").translate(_TRANSLATE) + '"'


def quote_str(text: str) -> str:
    """A string literal for a name: its UTF-8 bytes."""
    return quote_bytes(text.encode("utf-8"))




# The characters an identifier may hold unquoted (the text format's idchar).
_IDCHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&'*+-./:<=>?@\\^_`|~")


def identifier(name: str) -> str:
    """``$name``, or ``$"name"`` when the name holds characters an identifier cannot."""
    if name and all(c in _IDCHARS for c in name):
        return "$" + name
    return "$" + quote_str(name)


# --- numbers ---------------------------------------------------------------------------------

def _hexfloat(sign: str, exp: int, frac: int, frac_bits: int, bias: int) -> str:
    """Hex-float text of a finite non-NaN value given its fields (normalised like wabt)."""
    if exp == 0:
        if frac == 0:
            return f"{sign}0x0p+0"
        top = frac.bit_length() - 1
        e = top - (bias - 1) - frac_bits
        frac = (frac - (1 << top)) << (frac_bits - top)
    else:
        e = exp - bias
    width = (frac_bits + 3) // 4
    digits = f"{frac << (width * 4 - frac_bits):0{width}x}".rstrip("0")
    return f"{sign}0x1{'.' + digits if digits else ''}p{e:+d}"


def _decimal(value: float) -> str:
    if math.isinf(value):
        return "-inf" if value < 0 else "inf"
    return f"{value:g}"


def f32_text(bits: int) -> str:
    """An f32 from its bit pattern: hex float, ``inf``, ``nan`` or ``nan:0x...`` (payload kept)."""
    sign = "-" if bits >> 31 else ""
    exp = (bits >> 23) & 0xFF
    frac = bits & 0x7FFFFF
    if exp == 0xFF:
        if frac == 0:
            return sign + "inf"
        return sign + ("nan" if frac == 0x400000 else f"nan:0x{frac:x}")
    return _hexfloat(sign, exp, frac, 23, 127)


def f64_text(bits: int) -> str:
    """An f64 from its bit pattern (see :func:`f32_text`)."""
    sign = "-" if bits >> 63 else ""
    exp = (bits >> 52) & 0x7FF
    frac = bits & 0xFFFFFFFFFFFFF
    if exp == 0x7FF:
        if frac == 0:
            return sign + "inf"
        return sign + ("nan" if frac == 0x8000000000000 else f"nan:0x{frac:x}")
    return _hexfloat(sign, exp, frac, 52, 1023)


_F32 = struct.Struct("<I")
_F32F = struct.Struct("<f")


def f32_value(bits: int) -> float:
    """The Python float an f32 bit pattern stands for."""
    return float(_F32F.unpack(_F32.pack(bits))[0])


def f64_value(bits: int) -> float:
    """The Python float an f64 bit pattern stands for."""
    return float(struct.unpack("<d", struct.pack("<Q", bits))[0])


def f32_comment(bits: int) -> str:
    """The decimal value of an f32, for a ``(;=...;)`` comment."""
    if (bits >> 23) & 0xFF == 0xFF and bits & 0x7FFFFF:
        return "-nan" if bits >> 31 else "nan"
    return _decimal(f32_value(bits))


def f64_comment(bits: int) -> str:
    """The decimal value of an f64, for a ``(;=...;)`` comment."""
    if (bits >> 52) & 0x7FF == 0x7FF and bits & 0xFFFFFFFFFFFFF:
        return "-nan" if bits >> 63 else "nan"
    return _decimal(f64_value(bits))
