"""LEB128 integers, as the binary format uses them for every count, index and constant.

Decoders take a buffer (bytes or memoryview) and a position and return ``(value, next_pos)``;
they raise ``ValueError`` with a short reason, which the reader turns into a
:class:`~wasmforge.binary.errors.WasmDecodeError` carrying the offset.
"""

from __future__ import annotations

Buffer = bytes | bytearray | memoryview


def read_unsigned(buf: Buffer, pos: int, bits: int = 32) -> tuple[int, int]:
    """Decode an unsigned LEB128 of at most ``bits`` bits starting at ``pos``."""
    result = 0
    shift = 0
    max_bytes = (bits + 6) // 7
    data = buf
    for i in range(max_bytes):
        try:
            byte = data[pos + i]
        except IndexError:
            raise ValueError("unexpected end of data in an integer") from None
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if i == max_bytes - 1 and byte >> (bits - 7 * i):
                raise ValueError(f"integer too large for u{bits}")
            return result, pos + i + 1
        shift += 7
    raise ValueError(f"integer representation too long for u{bits}")


def read_signed(buf: Buffer, pos: int, bits: int = 32) -> tuple[int, int]:
    """Decode a signed LEB128 of at most ``bits`` bits starting at ``pos``."""
    result = 0
    shift = 0
    max_bytes = (bits + 6) // 7
    data = buf
    for i in range(max_bytes):
        try:
            byte = data[pos + i]
        except IndexError:
            raise ValueError("unexpected end of data in an integer") from None
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if i == max_bytes - 1:
                # The unused bits of the last byte must all equal the sign bit.
                used = bits - 7 * i  # bits of this byte that carry the value
                rest = (byte & 0x7F) >> (used - 1)
                if rest not in (0, (0x7F >> (used - 1))):
                    raise ValueError(f"integer too large for s{bits}")
            if byte & 0x40:
                result -= 1 << shift
            return result, pos + i + 1
    raise ValueError(f"integer representation too long for s{bits}")


def encode_unsigned(value: int) -> bytes:
    """The shortest unsigned LEB128 encoding of ``value`` (>= 0)."""
    if value < 0:
        raise ValueError(f"unsigned LEB128 of a negative value {value}")
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_signed(value: int) -> bytes:
    """The shortest signed LEB128 encoding of ``value``."""
    if -0x40 <= value < 0x40:
        return bytes((value & 0x7F,))
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)
