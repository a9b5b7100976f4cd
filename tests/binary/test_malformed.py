"""Malformed input: every truncation and random byte flips end in WasmDecodeError — never
another exception, never a hang — and the error names an offset."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS
from wasmforge.binary import WasmDecodeError, read_module

SAMPLES = [
    "real/hello-wasm-pack--hello_wasm_pack_bg.wasm",
    "rust/primes_std.1.96.release.wasm",
    "rust/add.1.96.release.wasm",
    "spec/simd_lane/simd_lane.0.wasm",
    "spec/i31/i31.L123.wasm",
    "spec/legacy_try_catch/legacy_try_catch.0.wasm",
]


def _decode_everything(data: bytes) -> None:
    module = read_module(data, lazy=False)
    module.names, module.producers, module.target_features  # noqa: B018 - decoding is the point
    for segment in module.elements:
        segment.function_indices  # noqa: B018


def _sample(name: str) -> bytes:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{name} not in the shared corpus")
    return path.read_bytes()


@pytest.mark.parametrize("name", SAMPLES)
def test_every_truncation_is_a_decode_error_or_a_valid_prefix(name):
    data = _sample(name)
    for n in range(len(data)):
        try:
            _decode_everything(data[:n])
        except WasmDecodeError as err:
            assert 0 <= err.offset <= len(data)
            assert "offset 0x" in str(err)


@pytest.mark.parametrize("name", SAMPLES)
def test_random_byte_flips(name):
    data = _sample(name)
    rnd = random.Random(name)
    for _ in range(1500):
        corrupt = bytearray(data)
        for _ in range(rnd.randint(1, 4)):
            corrupt[rnd.randrange(8, len(corrupt))] = rnd.randrange(256)
        try:
            _decode_everything(bytes(corrupt))
        except WasmDecodeError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_after_the_header(tail):
    try:
        _decode_everything(b"\0asm\1\0\0\0" + tail)
    except WasmDecodeError:
        pass


def test_huge_count_is_refused_before_allocating():
    # A type section claiming 2**32-1 types in a 6-byte payload.
    data = b"\0asm\1\0\0\0" + b"\x01\x06" + b"\xff\xff\xff\xff\x0f\x60"
    with pytest.raises(WasmDecodeError, match="count 4294967295 is larger than the 1 bytes that remain"):
        read_module(data).types


def test_bad_magic_names_offset_zero():
    with pytest.raises(WasmDecodeError) as err:
        read_module(b"\x7fELF\1\0\0\0")
    assert err.value.offset == 0
    assert "bad magic" in str(err.value)


def test_component_is_recognised():
    with pytest.raises(WasmDecodeError, match="component"):
        read_module(b"\0asm\x0d\0\x01\0")


def test_section_past_end_of_file(tmp_path):
    path = tmp_path / "cut.wasm"
    path.write_bytes(b"\0asm\1\0\0\0\x01\x10\x01")
    with pytest.raises(WasmDecodeError) as err:
        read_module(path)
    assert str(err.value).startswith(f"{path}: section of 16 bytes runs past the end of the file")
    assert err.value.offset == 8


def test_empty_file(tmp_path):
    path = tmp_path / "empty.wasm"
    path.write_bytes(b"")
    with pytest.raises(WasmDecodeError, match="too short"):
        read_module(path)


def test_cut_at_a_section_boundary_is_refused_with_the_headers():
    # a function section declaring bodies the file no longer has: caught while reading headers
    data = b"\0asm\1\0\0\0" + b"\x01\x04\x01\x60\x00\x00" + b"\x03\x03\x02\x00\x00"
    with pytest.raises(WasmDecodeError, match="2 functions declared but 0 bodies defined") as err:
        read_module(data)
    assert err.value.offset == len(data)


def test_data_count_must_match_the_data_section():
    data = b"\0asm\1\0\0\0" + b"\x05\x03\x01\x00\x01" + b"\x0c\x01\x02" + b"\x0b\x07\x01\x01\x04abcd"
    with pytest.raises(WasmDecodeError, match="data count section says 2 segments but 1 are defined"):
        read_module(data)


def test_garbage_collector_is_restored_after_a_large_body_and_after_an_error():
    import gc

    from wasmforge.binary import decode_instructions

    body = b"\x01" * 5000 + b"\x0b"  # nop … end: large enough for the decoder to pause the collector
    assert len(decode_instructions(body, 0, len(body))) == 5001 and gc.isenabled()
    with pytest.raises(WasmDecodeError):
        decode_instructions(b"\x01" * 5000 + b"\xff", 0, 5001)
    assert gc.isenabled()
    gc.disable()
    try:
        decode_instructions(body, 0, len(body))
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()
