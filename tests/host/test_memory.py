"""Linear memory: reads, writes, strings, views, growth."""

from __future__ import annotations

import pytest

from wasmforge.host import PAGE_SIZE, MemoryAccessError


def test_write_then_read_round_trips(calc):
    calc.memory.write(100, b"hello")
    assert calc.memory.read(100, 5) == b"hello"


def test_wasm_sees_host_writes(calc):
    calc.memory.write(7, b"\xfe")
    assert calc.exports.load8(7) == 0xFE


def test_write_accepts_bytearray_and_memoryview(calc):
    calc.memory.write(0, bytearray(b"ab"))
    calc.memory.write(2, memoryview(b"cd"))
    assert calc.memory.read(0, 4) == b"abcd"


def test_read_into_fills_a_buffer(calc):
    calc.memory.write(10, b"xyz")
    out = bytearray(3)
    assert calc.memory.read_into(10, out) == 3
    assert out == b"xyz"


def test_read_str_decodes_utf8(calc):
    data = "grüße".encode()
    calc.memory.write(50, data)
    assert calc.memory.read_str(50, len(data)) == "grüße"


def test_cstring_stops_at_nul(calc):
    calc.memory.write(200, b"abc\0def")
    assert calc.memory.cstring(200) == "abc"


def test_cstring_without_nul_raises(calc):
    calc.memory.fill(0, calc.memory.size, 0xFF)
    with pytest.raises(MemoryAccessError, match="no NUL"):
        calc.memory.cstring(PAGE_SIZE - 4)


def test_out_of_bounds_read_raises(calc):
    with pytest.raises(MemoryAccessError):
        calc.memory.read(PAGE_SIZE - 2, 4)


def test_out_of_bounds_is_an_index_error(calc):
    with pytest.raises(IndexError):
        calc.memory.write(-1, b"x")


def test_view_is_zero_copy(calc):
    view = calc.memory.view()
    view[300] = 99
    assert calc.memory.read(300, 1) == b"\x63"


def test_mapped_covers_the_whole_memory_and_follows_growth(calc):
    whole = calc.memory.mapped()
    assert len(whole) == PAGE_SIZE
    whole[400:403] = b"abc"
    assert calc.memory.read(400, 3) == b"abc"
    calc.exports.grow(1)
    grown = calc.memory.mapped()
    assert len(grown) == 2 * PAGE_SIZE and bytes(grown[400:403]) == b"abc"


def test_numpy_view_is_zero_copy(calc):
    np = pytest.importorskip("numpy")
    array = calc.memory.numpy(np.uint32)
    array[1] = 0xDEADBEEF
    assert calc.memory.unpack("<I", 4) == (0xDEADBEEF,)


def test_access_after_wasm_grows_memory(calc):
    assert calc.exports.grow(2) == 1
    assert calc.memory.pages == 3
    calc.memory.write(3 * PAGE_SIZE - 3, b"end")
    assert calc.memory.read(3 * PAGE_SIZE - 3, 3) == b"end"


def test_host_grow_returns_previous_pages(calc):
    assert calc.memory.grow(1) == 1
    assert len(calc.memory) == 2 * PAGE_SIZE


def test_pack_and_unpack(calc):
    calc.memory.pack("<iQ", 16, -5, 2**63)
    assert calc.memory.unpack("<iQ", 16) == (-5, 2**63)


def test_reads_stay_right_across_growth_after_earlier_access(calc):
    calc.memory.write(0, b"before")
    calc.exports.grow(4)
    calc.memory.write(5 * PAGE_SIZE - 5, b"after")
    assert calc.memory.read(0, 6) + calc.memory.read(5 * PAGE_SIZE - 5, 5) == b"beforeafter"


def test_read_into_array_of_words(calc):
    import array

    calc.memory.pack("<II", 64, 7, 9)
    words = array.array("I", [0, 0])
    calc.memory.read_into(64, words)
    assert list(words) == [7, 9]


def test_write_from_array_of_words(calc):
    import array

    calc.memory.write(64, array.array("I", [5, 6]))
    assert calc.memory.unpack("<II", 64) == (5, 6)
