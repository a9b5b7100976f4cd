"""Threads on one instance: calls are serialized by the instance's lock, results always right."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import wasmtime

from wasmforge.host import load

# `roundtrip` keeps its argument in memory and in a global, calls an import (which lets other
# threads run), and answers from what it kept: another thread entering the instance in between
# would show up as a wrong result. `twice` is what the import calls back into.
STATEFUL_WAT = """
(module
  (import "py" "tick" (func $tick (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $kept (mut i32) (i32.const 0))
  (func (export "roundtrip") (param i32) (result i32)
    (i32.store (i32.const 16) (local.get 0))
    (global.set $kept (local.get 0))
    (drop (call $tick (local.get 0)))
    (i32.add (i32.load (i32.const 16)) (global.get $kept)))
  (func (export "remember") (param i32) (global.set $kept (local.get 0)))
  (func (export "recall") (result i32) (global.get $kept))
  (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "sum_bytes") (param i32 i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get 1)))
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br $next)))
    local.get $acc)
)
"""
THREADS = 8


def _run_threads(work: Callable[[int], list[str]]) -> list[str]:
    # Each worker returns the descriptions of its wrong results; all of them are collected.
    start = threading.Barrier(THREADS)

    def worker(index: int) -> list[str]:
        start.wait()
        return work(index)

    with ThreadPoolExecutor(THREADS) as pool:
        return [problem for problems in pool.map(worker, range(THREADS)) for problem in problems]


def _instance(tick: Callable[[int], int] | None = None):  # type: ignore[no-untyped-def]
    box: list = []

    def default_tick(value: int) -> int:
        # Call back into the same instance (re-entry from the thread holding the lock).
        doubled: int = box[0].exports.twice(value)
        assert doubled == (2 * value) & 0xFFFFFFFF or doubled == 2 * value - (1 << 32)
        return doubled

    instance = load(wasmtime.wat2wasm(STATEFUL_WAT), {"py": {"tick": tick or default_tick}})
    box.append(instance)
    return instance


def test_calls_from_8_threads_into_one_instance_all_return_their_own_result():
    instance = _instance(lambda value: value)
    roundtrip = instance.exports.roundtrip
    calls = 20_000

    def work(index: int) -> list[str]:
        wrong = []
        for i in range(calls):
            value = index * calls + i
            result = roundtrip(value)
            if result != 2 * value:
                wrong.append(f"roundtrip({value}) = {result}")
        return wrong

    assert _run_threads(work) == []
    assert not instance.poisoned


def test_threads_with_imports_calling_back_into_the_instance_get_right_results():
    instance = _instance()
    roundtrip = instance.exports.roundtrip
    calls = 4_000

    def work(index: int) -> list[str]:
        wrong = []
        for i in range(calls):
            value = index * calls + i
            result = roundtrip(value)
            if result != 2 * value:
                wrong.append(f"roundtrip({value}) = {result}")
        return wrong

    assert _run_threads(work) == []
    assert not instance.poisoned


def test_the_plain_call_path_is_serialized_too():
    instance = _instance(lambda value: value)
    roundtrip = instance.exports.roundtrip.call  # the callable generated glue uses

    def work(index: int) -> list[str]:
        values = range(index * 5000, (index + 1) * 5000)
        return [f"roundtrip({v})" for v in values if roundtrip(v) != 2 * v]

    assert _run_threads(work) == []


def test_holding_the_lock_makes_a_sequence_of_calls_atomic():
    # remember + recall from several threads: only holding instance.lock across both calls
    # guarantees each thread recalls what it remembered.
    instance = _instance(lambda value: value)
    remember, recall = instance.exports.remember, instance.exports.recall

    def work(index: int) -> list[str]:
        wrong = []
        for i in range(3000):
            value = index * 3000 + i
            with instance.lock:
                remember(value)
                threading.Event().wait(0) if i % 97 == 0 else None  # let others try to get in
                got = recall()
            if got != value:
                wrong.append(f"recalled {got} after remembering {value}")
        return wrong

    assert _run_threads(work) == []


def test_memory_writes_and_a_call_under_the_lock_see_only_their_own_bytes():
    instance = _instance(lambda value: value)
    memory, sum_bytes = instance.memory, instance.exports.sum_bytes

    def work(index: int) -> list[str]:
        wrong = []
        for i in range(2000):
            data = bytes([index + 1]) * (1 + i % 50)
            with instance.lock:
                memory.write(1024, data)
                total = sum_bytes(1024, len(data))
            if total != sum(data):
                wrong.append(f"sum of {len(data)} bytes of {index + 1} = {total}")
        return wrong

    assert _run_threads(work) == []


def test_close_waits_for_a_call_running_in_another_thread():
    entered, release = threading.Event(), threading.Event()

    def tick(value: int) -> int:
        entered.set()
        release.wait(5)
        return value

    instance = _instance(tick)
    results: list[int] = []
    caller = threading.Thread(target=lambda: results.append(instance.exports.roundtrip(21)))
    caller.start()
    assert entered.wait(5)
    closer = threading.Thread(target=instance.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()  # blocked on the lock while the call runs
    release.set()
    caller.join(5)
    closer.join(5)
    assert results == [42]
    assert instance.poisoned
