"""Exported functions: calls, shapes of results, argument checks, signedness."""

from __future__ import annotations

import pytest

from wasmforge.host import HostError, Signature


def test_call_returns_the_sum(calc):
    assert calc.exports.add(40, 2) == 42


def test_dir_lists_every_export(calc):
    assert set(dir(calc.exports)) == {
        "memory", "answer", "counter", "add", "add64", "addf", "minus_one", "minus_one64",
        "swap", "nothing", "random_plus", "log_twice", "grow", "load8",
    }


def test_repr_shows_the_wasm_signature(calc):
    assert repr(calc.exports.add) == "<wasm function add(i32, i32) -> i32>"
    assert repr(calc.exports.swap) == "<wasm function swap(i32, i64) -> (i64, i32)>"


def test_item_access_gives_the_same_function(calc):
    assert calc.exports["add"] is calc.exports.add


def test_unknown_export_is_an_attribute_error(calc):
    with pytest.raises(AttributeError, match="no export 'sub'"):
        calc.exports.sub


def test_no_results_give_none(calc):
    assert calc.exports.nothing() is None


def test_multi_value_gives_a_tuple(calc):
    assert calc.exports.swap(7, 2**40) == (2**40, 7)


def test_float_arguments_and_result(calc):
    assert calc.exports.addf(1.5, 2) == 3.5


@pytest.mark.parametrize("args", [(1,), (1, 2, 3)])
def test_wrong_argument_count_is_a_type_error(calc, args):
    with pytest.raises(TypeError):
        calc.exports.add(*args)


@pytest.mark.parametrize("bad", ["1", 1.5, None, b"x"])
def test_wrong_argument_type_is_a_type_error(calc, bad):
    with pytest.raises(TypeError, match=r"add\(\) argument 2 must be i32"):
        calc.exports.add(1, bad)


def test_string_for_a_float_is_a_type_error(calc):
    with pytest.raises(TypeError, match="argument 1 must be f32"):
        calc.exports.addf("x", 1.0)


@pytest.mark.parametrize("value", [2**32, -(2**31) - 1])
def test_out_of_range_int_is_an_overflow_error(calc, value):
    with pytest.raises(OverflowError, match="out of range"):
        calc.exports.add(value, 0)


def test_unsigned_i32_argument_wraps_as_twos_complement(calc):
    assert calc.exports.add(2**32 - 1, 1) == 0


def test_i32_result_is_signed_by_default(calc):
    assert calc.exports.minus_one() == -1


def test_i64_result_is_signed_by_default(calc):
    assert calc.exports.minus_one64() == -1


def test_u32_hint_returns_unsigned(calc):
    assert calc.func("minus_one", "() -> u32")() == 2**32 - 1


def test_u64_hint_returns_unsigned(calc):
    assert calc.func("minus_one64", "() -> u64")() == 2**64 - 1


def test_signatures_at_load_apply_to_exports(calc_wasm):
    from wasmforge.host import load

    inst = load(calc_wasm, {"Math": {"random": lambda: 0.0}, "env": {"log": print}},
                signatures={"minus_one": "() -> usize"})
    assert inst.exports.minus_one() == 2**32 - 1


def test_hint_must_fit_the_wasm_type(calc):
    with pytest.raises(HostError, match="does not fit"):
        calc.func("minus_one", "() -> u64")


def test_plain_call_attribute_matches_the_object_call(calc):
    assert calc.exports.add.call(2, 3) == calc.exports.add(2, 3)


def test_globals_read_and_write(calc):
    assert calc.exports.answer.value == 42
    calc.exports.counter.value = 5
    assert calc.exports.counter.value == 5


def test_signature_text_round_trips():
    text = "(u32, i64) -> (f32, f64)"
    assert str(Signature.parse(text)) == text


def test_reference_types_go_through_the_generic_path():
    from wasmforge.host import load

    inst = load(b'(module (func (export "id") (param externref i32) (result externref i32) local.get 0 local.get 1))')
    token = object()
    assert inst.exports.id(token, 3) == (token, 3)


def test_v128_signatures_are_refused_instead_of_aborting():
    from wasmforge.host import load

    wat = b'(module (func (export "vec") (result v128) v128.const i64x2 0 0))'
    with pytest.raises(HostError, match=r"export vec \(v128\) passes values the host layer cannot handle"):
        load(wat)


def test_v128_inside_the_module_is_fine():
    from wasmforge.host import load

    inst = load(b'(module (func (export "lane") (result i32) v128.const i32x4 7 0 0 0 i32x4.extract_lane 0))')
    assert inst.exports.lane() == 7


@pytest.mark.parametrize(
    ("wat", "expected"),
    [
        ('(module (table (export "t") 0 nullexnref) (func (export "f")))', r"export t \(noexnref\)"),
        ('(module (global (export "g") anyref (ref.null any)))', r"export g \(anyref\)"),
        ('(module (type $t (func)) (func (export "f") (param (ref $t))))', r"export f \(\(ref 0\)\)"),
        ('(module (import "env" "h" (func (param exnref))))', r"import env.h \(exnref\)"),
    ],
)
def test_reference_types_wasmtime_cannot_describe_are_refused_not_fatal(wat, expected):
    # wasmtime's C API aborts the process when asked about these types; the host refuses first.
    import wasmtime

    from wasmforge.host import load

    with pytest.raises(HostError, match=expected):
        load(wasmtime.wat2wasm(wat))
