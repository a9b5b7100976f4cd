"""The instruction decoder gives exactly what the plain one-instruction-at-a-time loop gives:
the same instructions for every body of the corpus, and the same error (offset and message)
for corrupt and truncated bodies. The plain loop below is the specification."""

import random
import struct
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import real_modules, rust_modules, spec_modules
from wasmforge.binary import WasmDecodeError, read_module
from wasmforge.binary.errors import MalformedImmediate
from wasmforge.binary.instructions import (
    _IMM_DECODERS,
    _PREFIXED_ENTRY,
    _SINGLE_ENTRY,
    _check_nesting,
    _memarg,
    _prefixed,
    _u32,
    decode_instructions,
)


def plain_decode(buf: Any, pos: int, end: int, *, section: str | None = "code", path: str | None = None) -> list:
    """The reference: one instruction per iteration, straight from the memoryview."""
    out: list = []
    append = out.append
    start = pos
    try:
        while pos < end:
            start = pos
            entry = _SINGLE_ENTRY[buf[pos]]
            pos += 1
            if entry is None:
                b = buf[pos - 1]
                if b not in _PREFIXED_ENTRY:
                    raise MalformedImmediate(start, f"unknown instruction 0x{b:02x}")
                entry, pos = _prefixed(buf, b, pos)
            op, shape = entry
            if shape == 0:
                append((start, op, None))
            elif shape == 1:
                v = buf[pos]
                pos += 1
                if v & 0x80:
                    v, pos = _u32(buf, pos - 1)
                append((start, op, v))
            elif shape == 3:
                v = buf[pos]
                pos += 1
                if v & 0x80:
                    v, pos = _IMM_DECODERS[3](buf, pos - 1)
                elif v & 0x40:
                    v -= 0x80
                append((start, op, v))
            elif shape == 2:
                a = buf[pos]
                o = buf[pos + 1]
                if (a | o) & 0x80 or a & 0x40:
                    v, pos = _memarg(buf, pos)
                else:
                    v = (a, o, 0)
                    pos += 2
                append((start, op, v))
            else:
                v, pos = _IMM_DECODERS[shape](buf, pos)
                append((start, op, v))
    except MalformedImmediate as bad:
        raise WasmDecodeError(bad.offset, section, bad.reason, path=path) from None
    except (IndexError, struct.error):
        raise WasmDecodeError(start, section, "unexpected end of data in an instruction", path=path) from None
    if pos != end:
        raise WasmDecodeError(start, section, f"instruction runs past the end of its body at 0x{end:x}", path=path)
    if not out or out[-1][1].code != 0x0B or out[-1][1].prefix is not None:
        raise WasmDecodeError(end, section, "function body does not end with 'end'", path=path)
    _check_nesting(out, end, section, path)  # the structural rule both loops share
    return out


def outcome(decode: Any, buf: Any, pos: int, end: int) -> Any:
    """The instructions, or the error's offset, section and text."""
    try:
        return decode(buf, pos, end, section="code", path="m.wasm")
    except WasmDecodeError as err:
        return ("error", err.offset, err.section, str(err))


def body_ranges(module: Any) -> list[tuple[int, int]]:
    return [(body.code_start, body.end) for body in module.code]


MODULES = real_modules() + rust_modules()


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_every_body_decodes_as_the_plain_loop(path):
    with read_module(path) as module:
        buf = module.buffer
        for start, end in body_ranges(module):
            assert decode_instructions(buf, start, end) == plain_decode(buf, start, end), f"body at 0x{start:x}"


def test_every_spec_body_decodes_as_the_plain_loop():
    paths = spec_modules()
    if not paths:
        pytest.skip("spec corpus not present")
    compared = 0
    for path in paths:
        try:
            module = read_module(path.read_bytes())
            ranges = body_ranges(module)
        except WasmDecodeError:
            continue  # modules the spec expects to be malformed
        for start, end in ranges:
            assert outcome(decode_instructions, module.buffer, start, end) == outcome(
                plain_decode, module.buffer, start, end
            ), f"{path.name} body at 0x{start:x}"
            compared += 1
    assert compared > 1000


def _has_decodable_bodies(path: Path) -> bool:
    try:
        return any(e > s for s, e in body_ranges(read_module(path.read_bytes())))
    except WasmDecodeError:  # malformed outside its code: nothing here to corrupt
        return False


SMALL = [p for p in [p for p in MODULES if p.stat().st_size < 200_000] + [
    p for p in spec_modules()
    if p.parent.name in ("simd_lane", "simd_load8_lane", "try_table", "legacy_try_catch", "memory-multi", "memory64", "i31", "switch", "select")
] if _has_decodable_bodies(p)]


@pytest.mark.parametrize("path", SMALL, ids=[p.name for p in SMALL])
def test_corrupt_and_truncated_bodies_fail_as_the_plain_loop(path):
    data = path.read_bytes()
    ranges = [(s, e) for s, e in body_ranges(read_module(data)) if e > s]
    rnd = random.Random(path.name)
    # Bytes that steer the decoder into its rarer paths: continuation bits, prefixes, br_table,
    # constants, memargs, unassigned opcodes.
    interesting = [0x80, 0xFF, 0x7F, 0x40, 0xFC, 0xFD, 0xFB, 0x0E, 0x41, 0x42, 0x43, 0x44, 0x28, 0x02, 0x1C, 0xD0]
    for _ in range(60):
        start, end = rnd.choice(ranges)
        corrupt = bytearray(data)
        for _ in range(rnd.randint(1, 3)):
            corrupt[rnd.randrange(start, end)] = rnd.choice([rnd.randrange(256), *interesting])
        frozen = bytes(corrupt)
        cases = [
            (memoryview(frozen), start, end),
            (memoryview(frozen), start, rnd.randint(start, end)),  # a body cut short
            (memoryview(frozen[: rnd.randint(start, end)]), start, end),  # the file cut short
            (frozen, start, end + rnd.randint(1, 8)),  # a body that claims too much
        ]
        for buf, s, e in cases:
            assert outcome(decode_instructions, buf, s, e) == outcome(plain_decode, buf, s, e)
