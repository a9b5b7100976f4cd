"""Imports: Python callables by mapping or by object, typed host functions, link errors."""

from __future__ import annotations

import random
import types

import pytest
from wasmtime import wat2wasm as wasm

from wasmforge.host import HostFunction, LinkError, host_function, load

RANDOM_WAT = """
(module
  (import "Math" "random" (func $random (result f64)))
  (func (export "add_random") (param f64) (result f64) local.get 0 call $random f64.add))
"""


def test_import_by_module_object_uses_python_random():
    inst = load(wasm(RANDOM_WAT), {"Math": random})
    random.seed(7)
    expected = 1 + random.random()
    random.seed(7)
    assert inst.exports.add_random(1) == expected


def test_import_by_mapping(calc):
    calc.exports.log_twice(9)
    assert calc.logged == [9, 9]


def test_import_by_plain_object():
    math_like = types.SimpleNamespace(random=lambda: 0.25)
    inst = load(wasm(RANDOM_WAT), {"Math": math_like})
    assert inst.exports.add_random(1) == 1.25


def test_missing_import_lists_every_import_with_its_signature(calc_wasm):
    with pytest.raises(LinkError) as info:
        load(calc_wasm, {"env": {"log": print}})
    message = str(info.value)
    assert "missing Math.random" in message
    assert "Math.random: func () -> f64 [missing]" in message
    assert "env.log: func (i32) -> () [ok]" in message
    assert info.value.missing == ("Math.random",)


def test_not_callable_import_is_mistyped(calc_wasm):
    with pytest.raises(LinkError) as info:
        load(calc_wasm, {"Math": {"random": 3}, "env": {"log": print}})
    assert info.value.mistyped == ("Math.random",)
    assert "not callable" in str(info.value)


def test_host_function_with_wrong_signature_is_mistyped(calc_wasm):
    wrong = HostFunction(lambda x: None, "(i64) -> ()")
    with pytest.raises(LinkError) as info:
        load(calc_wasm, {"Math": {"random": random.random}, "env": {"log": wrong}})
    assert info.value.mistyped == ("env.log",)
    assert "the host function is (i64) -> (), the module wants (i32) -> ()" in str(info.value)


def test_host_function_u32_hint_receives_unsigned(calc_wasm):
    seen = []

    @host_function("(u32) -> ()")
    def log(value):
        seen.append(value)

    inst = load(calc_wasm, {"Math": random, "env": {"log": log}})
    inst.exports.log_twice(-1)
    assert seen == [2**32 - 1, 2**32 - 1]


def test_host_function_with_instance_gets_the_instance(calc_wasm):
    seen = []
    log = HostFunction(lambda inst, v: seen.append((inst, v)), "(i32) -> ()", with_instance=True)
    inst = load(calc_wasm, {"Math": random, "env": {"log": log}})
    inst.exports.log_twice(3)
    assert seen == [(inst, 3), (inst, 3)]


def test_host_result_of_wrong_type_reaches_the_caller_as_type_error():
    inst = load(wasm(RANDOM_WAT), {"Math": {"random": lambda: "x"}})
    with pytest.raises(TypeError):
        inst.exports.add_random(1)


MULTI_WAT = """
(module
  (import "env" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
  (import "env" "wide" (func $wide (param i64) (result i64)))
  (func (export "rem") (param i32 i32) (result i32) local.get 0 local.get 1 call $divmod drop)
  (func (export "wide") (param i64) (result i64) local.get 0 call $wide))
"""


def test_multi_value_host_function_returns_a_tuple():
    inst = load(wasm(MULTI_WAT), {"env": {"divmod": divmod, "wide": lambda x: x}})
    assert inst.exports.rem(17, 5) == 3


def test_i64_host_values_cross_both_ways_signed():
    inst = load(wasm(MULTI_WAT), {"env": {"divmod": divmod, "wide": lambda x: x * 2}})
    assert inst.exports.wide(-(2**40)) == -(2**41)


FACT_WAT = """
(module
  (import "env" "again" (func $again (param i32) (result i32)))
  (func (export "fact") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (i32.mul (local.get 0) (call $again (i32.sub (local.get 0) (i32.const 1))))))))
"""


def test_host_function_may_call_back_into_the_instance():
    holder = {}
    inst = load(wasm(FACT_WAT), {"env": {"again": lambda n: holder["inst"].exports.fact(n)}})
    holder["inst"] = inst
    assert inst.exports.fact(6) == 720


def test_i32_host_result_out_of_range_is_a_type_error():
    inst = load(wasm(MULTI_WAT), {"env": {"divmod": lambda a, b: (2**40, 0), "wide": lambda x: x}})
    with pytest.raises(TypeError, match="host function env.divmod returned"):
        inst.exports.rem(1, 1)


def test_multi_value_host_result_of_wrong_length_is_a_type_error():
    inst = load(wasm(MULTI_WAT), {"env": {"divmod": lambda a, b: (1,), "wide": lambda x: x}})
    with pytest.raises(TypeError, match="host function env.divmod returned"):
        inst.exports.rem(1, 1)


def test_u64_hint_on_a_host_parameter():
    seen = []
    wide = HostFunction(lambda x: seen.append(x) or 0, "(u64) -> i64")
    inst = load(wasm(MULTI_WAT), {"env": {"divmod": divmod, "wide": wide}})
    inst.exports.wide(-1)
    assert seen == [2**64 - 1]
