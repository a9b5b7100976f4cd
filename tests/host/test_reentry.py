"""Deep Python <-> wasm re-entry: every call returns the exact value or raises, never a made-up one."""

from __future__ import annotations

import functools
import gc
import sys

import pytest
import wasmtime

from wasmforge.host import Module, WasmTrap, load

# countdown(n) = 1000 * n, computed by n nested calls: wasm -> Python import -> wasm export ...
COUNTDOWN_WAT = """
(module
  (import "py" "down" (func $down (param i32) (result i32)))
  (func (export "countdown") (param i32) (result i32)
    local.get 0
    i32.eqz
    if (result i32)
      i32.const 0
    else
      local.get 0
      call $down
      i32.const 1000
      i32.add
    end))
"""


def _countdown(extra_frames: int = 0):  # type: ignore[no-untyped-def]
    box: list = []

    def descend(levels: int, n: int) -> int:
        # Python frames of its own between the levels, so the recursion limit falls at
        # every position of the trampoline in turn.
        if levels:
            return descend(levels - 1, n)
        result: int = box[0].exports.countdown(n - 1)
        return result

    def down(n: int) -> int:
        return descend(n % (extra_frames + 1), n)

    instance = load(_module(), {"py": {"down": down}})
    box.append(instance)
    return instance


@functools.cache
def _module() -> Module:
    return Module(wasmtime.wat2wasm(COUNTDOWN_WAT), name="countdown.wasm")


def _every_depth(limit: int, extra_frames: int) -> tuple[int, set[str]]:
    """Call countdown(d) for d in 1..1000; returns (exact results, kinds of errors raised)."""
    raised: set[str] = set()
    exact = 0
    instance = _countdown(extra_frames)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    # Closed instances are garbage in cycles (their host functions refer to them): they are
    # collected afterwards, not at some allocation deep in a countdown, where wasmtime-py's
    # finalizers cannot run for lack of stack.
    gc.disable()
    try:
        for depth in range(1, 1001):
            try:
                result = instance.exports.countdown(depth)
            except (RecursionError, WasmTrap) as err:
                raised.add(type(err).__name__ if isinstance(err, RecursionError) else err.kind.value)
                instance.close()
                instance = _countdown(extra_frames)
                continue
            assert result == 1000 * depth, f"countdown({depth}) returned {result}"
            exact += 1
    finally:
        sys.setrecursionlimit(old)
        instance.close()
        gc.enable()
        gc.collect()
    return exact, raised


def test_every_depth_up_to_1000_returns_the_exact_value_or_raises():
    exact, raised = _every_depth(sys.getrecursionlimit(), extra_frames=0)
    assert exact >= 50  # shallow depths work
    assert raised  # the deep ones hit a limit, and say so


@pytest.mark.parametrize("extra_frames", [0, 3, 6])
def test_recursion_limit_inside_the_trampoline_raises_recursion_error(extra_frames: int):
    # A low limit makes Python's recursion limit, not wasm's stack, the first to run out,
    # at a different offset inside the host trampoline for each extra_frames.
    exact, raised = _every_depth(250, extra_frames)
    assert exact >= 10
    assert "RecursionError" in raised


def test_an_instance_aborted_by_recursion_error_is_poisoned():
    instance = _countdown()
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        with pytest.raises(RecursionError):
            instance.exports.countdown(1000)
    finally:
        sys.setrecursionlimit(old)
    assert instance.poisoned
    instance.close()


def test_an_exception_deep_in_nested_calls_reaches_the_outermost_caller():
    box: list = []

    def down(n: int) -> int:
        if n == 5:
            raise LookupError("raised five levels down")
        result: int = box[0].exports.countdown(n - 1)
        return result

    instance = load(wasmtime.wat2wasm(COUNTDOWN_WAT), {"py": {"down": down}})
    box.append(instance)
    with pytest.raises(LookupError, match="five levels down"):
        instance.exports.countdown(40)
    assert instance.poisoned
