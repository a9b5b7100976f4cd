"""Every type of the binding protocol crossing both ways, through real generated glue."""

from __future__ import annotations

import array
import math
from typing import Any

import pytest

INTS = [
    ("u8", 0, 2**8 - 1),
    ("i8", -(2**7), 2**7 - 1),
    ("u16", 0, 2**16 - 1),
    ("i16", -(2**15), 2**15 - 1),
    ("u32", 0, 2**32 - 1),
    ("i32", -(2**31), 2**31 - 1),
    ("u64", 0, 2**64 - 1),
    ("i64", -(2**63), 2**63 - 1),
    ("usize", 0, 2**32 - 1),
    ("isize", -(2**31), 2**31 - 1),
]


@pytest.fixture(scope="module")
def t(bind_crate: Any) -> Any:
    inst = bind_crate("wf_types").load()
    yield inst
    inst.close()


@pytest.mark.parametrize(("kind", "lo", "hi"), INTS)
def test_integer_edges_round_trip(t: Any, kind: str, lo: int, hi: int) -> None:
    echo = getattr(t, f"echo_{kind}")
    assert [echo(lo), echo(hi), echo(0), echo(1)] == [lo, hi, 0, 1]


@pytest.mark.parametrize(("kind", "lo", "hi"), INTS)
def test_integer_out_of_range_is_overflow_error(t: Any, kind: str, lo: int, hi: int) -> None:
    echo = getattr(t, f"echo_{kind}")
    with pytest.raises(OverflowError, match=kind):
        echo(hi + 1)
    with pytest.raises(OverflowError, match=kind):
        echo(lo - 1)


def test_integer_rejects_non_int(t: Any) -> None:
    with pytest.raises(TypeError, match="must be int"):
        t.echo_u32(1.5)
    with pytest.raises(TypeError, match="must be int"):
        t.echo_i64("3")


def test_u64_max_stays_unsigned(t: Any) -> None:
    assert t.wrapping_inc_u64(2**64 - 2) == 2**64 - 1
    assert t.wrapping_inc_u64(2**64 - 1) == 0


def test_floats_round_trip_including_nan_and_inf(t: Any) -> None:
    assert t.echo_f64(0.1) == 0.1
    assert t.echo_f32(0.5) == 0.5
    assert t.echo_f32(0.1) == pytest.approx(0.1, rel=1e-7) and t.echo_f32(0.1) != 0.1
    assert math.isnan(t.echo_f64(math.nan)) and math.isnan(t.echo_f32(math.nan))
    assert t.echo_f64(-math.inf) == -math.inf
    assert t.echo_f64(3) == 3.0


def test_bool_and_char(t: Any) -> None:
    assert (t.echo_bool(True), t.echo_bool(False), t.not_(True)) == (True, False, False)
    assert t.echo_char("é") == "é" and t.echo_char("🦀") == "🦀"
    assert t.next_char("a") == "b"
    with pytest.raises(TypeError, match="bool"):
        t.echo_bool(1)
    with pytest.raises(TypeError, match="one character"):
        t.echo_char("ab")
    with pytest.raises(ValueError, match="surrogate"):
        t.echo_char("\ud800")


def test_unit_returns_none(t: Any) -> None:
    assert t.nothing() is None


@pytest.mark.parametrize("text", ["", "a", "héllo wörld", "🦀" * 3, "x" * 100_000, "nul\0inside"])
def test_strings_both_ways(t: Any, text: str) -> None:
    assert t.str_len(text) == len(text.encode())
    assert t.char_count(text) == len(text)
    assert t.echo_string(text) == text
    assert t.upper(text) == text.upper()
    assert t.two_strs(text, text) == text + text


def test_static_str_result(t: Any) -> None:
    assert t.static_str() == "static ✓"


def test_string_rejects_bytes(t: Any) -> None:
    with pytest.raises(TypeError):
        t.str_len(b"abc")


def test_bytes_like_inputs(t: Any) -> None:
    data = bytes(range(256))
    for value in (data, bytearray(data), memoryview(data), array.array("B", data), list(data)):
        assert t.bytes_sum(value) == sum(data)
    assert t.bytes_sum(b"") == 0
    assert t.bytes_rev(b"abc") == b"cba" and t.bytes_rev(b"") == b""
    assert isinstance(t.bytes_rev(bytearray(b"xy")), bytes)


def test_mut_slice_writes_back(t: Any) -> None:
    buf = bytearray(b"hello")
    t.fill(buf, 7)
    assert buf == bytearray([7] * 5)
    ints = array.array("i", [1, -2, 3])
    t.i32_double(ints)
    assert ints.tolist() == [2, -4, 6]
    lst = [5, 6]
    t.i32_double(lst)
    assert lst == [10, 12]
    empty = bytearray()
    t.fill(empty, 1)
    assert empty == bytearray()
    with pytest.raises(TypeError, match="writable"):
        t.fill(b"readonly", 1)


def test_numeric_slices_and_vecs(t: Any) -> None:
    assert t.f64_sum([0.5, 1.5, 2.0]) == 4.0
    assert t.f64_sum(array.array("d", [1.0, 2.0])) == 3.0
    assert t.f64_sum([]) == 0.0
    got = t.u64_range(3)
    assert isinstance(got, array.array) and got.tolist() == [2**64 - 1, 2**64 - 2, 2**64 - 3]
    assert t.u64_range(0).tolist() == []
    assert t.f32_scale([1.0, 2.5], 2.0).tolist() == [2.0, 5.0]
    assert t.i16_echo([-(2**15), 2**15 - 1]).tolist() == [-(2**15), 2**15 - 1]
    assert t.i8_neg([1, -128]).tolist() == [-1, -128]


def test_numeric_slice_rejects_wrong_element_type(t: Any) -> None:
    with pytest.raises(TypeError, match="f64"):
        t.f64_sum(array.array("i", [1, 2]))
    with pytest.raises(OverflowError):
        t.i16_echo([2**15])


def test_numpy_arrays(t: Any) -> None:
    np = pytest.importorskip("numpy")
    assert t.f64_sum(np.arange(5, dtype=np.float64)) == 10.0
    assert t.f64_sum(np.arange(10, dtype=np.float64)[::2]) == 20.0  # non-contiguous input is copied
    a = np.array([1, 2, 3], dtype=np.int32)
    t.i32_double(a)
    assert a.tolist() == [2, 4, 6]
    with pytest.raises(TypeError):
        t.i32_double(np.array([1, 2], dtype=np.int64))


def test_options(t: Any) -> None:
    assert (t.opt_i32(None), t.opt_i32(-5), t.opt_i32(0)) == (None, -5, 0)
    assert (t.opt_u32(None), t.opt_u32(2**32 - 1)) == (None, 2**32 - 1)
    assert (t.opt_u64(None), t.opt_u64(2**64 - 1), t.opt_u64(0)) == (None, 2**64 - 1, 0)
    assert (t.opt_i64(None), t.opt_i64(-(2**63))) == (None, -(2**63))
    assert (t.opt_f32(None), t.opt_f32(1.5)) == (None, 1.5)
    assert (t.opt_f64(None), t.opt_f64(-0.25)) == (None, -0.25)
    assert math.isnan(t.opt_f64(math.nan))
    assert (t.opt_str(None), t.opt_str(""), t.opt_str("abé")) == (None, "", "éba")
    assert (t.opt_bool(None), t.opt_bool(True)) == (None, False)
    assert (t.opt_char(None), t.opt_char("z")) == (None, "z")
    assert (t.opt_bytes(None), t.opt_bytes(b""), t.opt_bytes(b"ab")) == (None, b"", b"ab")


def test_nested_option_is_flattened_only_at_the_top(t: Any) -> None:
    # Python has one None: Some(None) and None both read as None, Some(Some(x)) as x.
    assert t.opt_opt(None) is None
    assert t.opt_opt(-7) == -7


def test_results(t: Any) -> None:
    assert t.checked_div(7, 2) == 3
    with pytest.raises(t_error(t), match="division by zero") as info:
        t.checked_div(1, 0)
    assert info.value.message == "division by zero"
    assert t.parse_u8("255") == 255
    with pytest.raises(t_error(t), match="number too large"):
        t.parse_u8("256")
    assert t.result_unit(True) is None
    with pytest.raises(t_error(t), match="not ok"):
        t.result_unit(False)
    assert t.result_string(True) == "fine ✓"
    with pytest.raises(t_error(t), match="bad ✗"):
        t.result_string(False)
    assert t.result_f32(1.5) == 3.0
    assert (t.result_opt(None), t.result_opt(2**64 - 1)) == (None, 2**64 - 1)
    assert t.result_i16(-1) == -1


def t_error(t: Any) -> type[Exception]:
    import wf_types

    return wf_types.RustError  # type: ignore[no-any-return]


def test_rust_keyword_names_become_python_names(t: Any) -> None:
    assert t.type(9) == 9


def test_wrong_argument_count_is_type_error(t: Any) -> None:
    with pytest.raises(TypeError):
        t.echo_u8()
    with pytest.raises(TypeError):
        t.echo_u8(1, 2)


def test_instance_survives_errors_that_are_not_traps(t: Any) -> None:
    with pytest.raises(OverflowError):
        t.echo_u8(300)
    assert not t.poisoned
    assert t.echo_u8(3) == 3


def test_module_level_functions_use_a_shared_instance(bind_crate: Any) -> None:
    mod = bind_crate("wf_types")
    assert mod.upper("abc") == "ABC"
    assert mod.upper is mod.upper  # cached after first access
    with pytest.raises(AttributeError):
        mod.not_an_export  # noqa: B018


def test_small_and_large_owned_results(t: Any) -> None:
    # Small results come back through the module's return buffer, large ones are handed over
    # and freed: both read the same, and neither leaks.
    for n in (0, 1, 1024, 1025, 50_000):
        assert t.echo_string("é" * n) == "é" * n
    big = t.u64_range(1000)
    assert len(big) == 1000 and big[0] == 2**64 - 1 and big[-1] == 2**64 - 1000
    assert t.opt_str("ab" * 2000) == "ba" * 2000
    size = t._wf_rt.memory.size
    for _ in range(200):
        t.echo_string("y" * 20_000)
        t.u64_range(5000)
    assert t._wf_rt.memory.size == size


def test_numpy_scalars_and_int_like_values(t: Any) -> None:
    import enum

    np = pytest.importorskip("numpy")
    assert t.echo_u8(np.uint8(200)) == 200 and t.echo_i64(np.int64(-5)) == -5
    assert t.echo_f32(np.float32(0.5)) == 0.5 and t.echo_f64(np.float64(2.5)) == 2.5

    class Level(enum.IntEnum):
        HIGH = 9

    assert t.echo_u32(Level.HIGH) == 9
    assert t.echo_f64(3) == 3.0
    with pytest.raises(TypeError, match="must be float"):
        t.echo_f64("1.5")
    with pytest.raises(OverflowError):
        t.echo_u8(np.int64(256))


def test_wrappers_carry_their_python_names_and_docs(t: Any) -> None:
    assert t.echo_u8.__name__ == t.echo_u8.__qualname__ == "echo_u8"
    assert t.not_.__name__ == "not_"
    assert "fn echo_u8(x: u8) -> u8" in (t.echo_u8.__doc__ or "")
