"""Hostile describe functions are stopped within their limits and refused with one line."""

from __future__ import annotations

import time

import pytest
import wasmtime

from wasmforge.bindgen.wasm_bindgen.describe import DescribeError, DescribeLimits, run_describes


def _module(body: str, extra: str = "") -> bytes:
    return wasmtime.wat2wasm(
        f"""(module
          (import "__wbindgen_placeholder__" "__wbindgen_describe" (func $d (param i32)))
          {extra}
          (func (export "__wbindgen_describe_item") {body}))"""
    )


def test_well_behaved_stream_is_recorded() -> None:
    words = run_describes(_module("i32.const 15 call $d i32.const 0 call $d"))
    assert words == {"item": (15, 0)}


def test_infinite_loop_runs_out_of_fuel() -> None:
    with pytest.raises(DescribeError) as info:
        run_describes(_module("(loop $l br $l)"), limits=DescribeLimits(fuel=1_000_000))
    assert info.value.message == (
        "the module: describe function __wbindgen_describe_item ran out of fuel "
        "(1,000,000 units for all describe functions); refusing the module"
    )


def test_infinite_loop_stops_at_the_deadline() -> None:
    start = time.monotonic()
    with pytest.raises(DescribeError, match="did not finish within 0.2 s"):
        run_describes(_module("(loop $l br $l)"), limits=DescribeLimits(fuel=10**15, seconds=0.2))
    assert time.monotonic() - start < 30  # generous: the deadline, not the fuel, ended it


def test_huge_stream_is_cut_off() -> None:
    with pytest.raises(DescribeError, match="emitted more than 1,000 descriptor words"):
        run_describes(_module("(loop $l i32.const 7 call $d br $l)"), limits=DescribeLimits(words=1000))


def test_calling_another_import_is_refused() -> None:
    extra = '(import "__wbindgen_placeholder__" "__wbg_alert_1" (func $alert))'
    with pytest.raises(DescribeError, match="called the import __wbindgen_placeholder__.__wbg_alert_1"):
        run_describes(_module("call $alert", extra))


def test_trap_is_reported() -> None:
    with pytest.raises(DescribeError, match="describe function __wbindgen_describe_item trapped"):
        run_describes(_module("unreachable"))
