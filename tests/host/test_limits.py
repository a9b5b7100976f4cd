"""Limits for untrusted modules: deadline, fuel, memory cap."""

from __future__ import annotations

import time

import pytest
from wasmtime import wat2wasm

from wasmforge.host import PAGE_SIZE, HostError, Limits, TrapKind, WasmTrap, load

LOOP_WAT = """
(module
  (memory (export "memory") 1)
  (func (export "forever") (loop $l br $l))
  (func (export "count") (param i32) (result i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    local.get $i)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
"""


@pytest.fixture(scope="module")
def loop_wasm() -> bytes:
    return wat2wasm(LOOP_WAT)


def test_infinite_loop_stops_soon_after_its_deadline(loop_wasm):
    import gc
    import threading

    deadline = 0.2
    inst = load(loop_wasm, limits=Limits(deadline=deadline))
    # A plain thread sleeping for the deadline beside the call is the baseline: on a loaded
    # machine it wakes late too, and the interrupt may be late by as much again (the epoch
    # thread is woken the same way), plus 100 ms for its ticks.
    woke: list[float] = []

    def sleeper() -> None:
        time.sleep(deadline)
        woke.append(time.monotonic())

    # Late in a long test run a full collection of the test process's heap can stall the
    # epoch thread; measure the mechanism, not that.
    gc.collect()
    gc.disable()
    try:
        baseline = threading.Thread(target=sleeper)
        started = time.monotonic()
        baseline.start()
        with pytest.raises(WasmTrap) as info:
            inst.exports.forever()
        elapsed = time.monotonic() - started
        baseline.join()
    finally:
        gc.enable()
    assert info.value.kind is TrapKind.INTERRUPTED
    scheduling_delay = max(0.0, woke[0] - started - deadline)
    assert deadline <= elapsed <= deadline + 0.1 + 2 * scheduling_delay, (elapsed, scheduling_delay)


def test_deadline_applies_per_call(loop_wasm):
    inst = load(loop_wasm, limits=Limits(deadline=0.05))
    time.sleep(0.1)
    assert inst.exports.count(1000) == 1000
    assert inst.exports.count(10) == 10


def test_fuel_runs_out_on_a_long_loop(loop_wasm):
    inst = load(loop_wasm, limits=Limits(fuel=10_000))
    with pytest.raises(WasmTrap) as info:
        inst.exports.count(1_000_000)
    assert info.value.kind is TrapKind.OUT_OF_FUEL


def test_fuel_is_consumed_by_calls(loop_wasm):
    inst = load(loop_wasm, limits=Limits(fuel=1_000_000))
    assert inst.exports.count(100) == 100
    assert 0 < inst.fuel < 1_000_000


def test_refill_lets_calls_continue(loop_wasm):
    inst = load(loop_wasm, limits=Limits(fuel=100))
    inst.set_fuel(1_000_000)
    assert inst.exports.count(1000) == 1000


def test_memory_grow_past_the_cap_returns_minus_one(loop_wasm):
    inst = load(loop_wasm, limits=Limits(max_memory=2 * PAGE_SIZE))
    assert inst.exports.grow(1) == 1
    assert inst.exports.grow(1) == -1
    assert inst.memory.pages == 2


def test_memory_cap_below_the_initial_memory_fails_to_load(loop_wasm):
    with pytest.raises(HostError, match="cannot instantiate"):
        load(loop_wasm, limits=Limits(max_memory=PAGE_SIZE // 2))


def test_unlimited_instance_reports_no_fuel(loop_wasm):
    assert load(loop_wasm).fuel is None


@pytest.mark.parametrize("field", ["max_memory", "fuel", "deadline"])
def test_negative_limits_are_refused(field):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: -1})


def test_deadline_never_fires_early_when_the_epoch_thread_is_starved(loop_wasm):
    # A busy Python thread competes with the epoch thread for the GIL, so ticks come late;
    # the interrupt may be late, but never before the deadline.
    import threading

    stop = threading.Event()

    def busy() -> None:
        n = 0
        while not stop.is_set():
            n += 1

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        for _ in range(3):
            inst = load(loop_wasm, limits=Limits(deadline=0.1))
            started = time.monotonic()
            with pytest.raises(WasmTrap):
                inst.exports.forever()
            assert time.monotonic() - started >= 0.1
    finally:
        stop.set()
        worker.join()


# -- limits for the instance as a whole -------------------------------------------------------
def _many_memories_wat(count: int) -> str:
    # grow_all grows every memory one page at a time until it refuses, like a hostile module.
    memories = "".join(f'(memory (export "m{i}") 1)' for i in range(count))
    grows = "".join(
        f"(block $d{i} (loop $l{i} (br_if $d{i} (i32.eq (memory.grow {i} (i32.const 1)) (i32.const -1))) (br $l{i})))"
        for i in range(count)
    )
    return f'(module {memories} (func (export "grow_all") {grows}))'


def test_max_memory_bounds_all_memories_together():
    cap = 16 * 2**20
    inst = load(_many_memories_wat(50).encode(), limits=Limits(max_memory=cap))
    inst.exports.grow_all()
    total = sum(inst.exports[f"m{i}"].size for i in range(50))
    assert cap - 50 * PAGE_SIZE < total <= cap  # each memory grew to its share, and no further


TABLE_WAT = """
(module
  (table (export "t") 1 funcref)
  (func (export "grow_forever") (result i32)
    (block $refused (loop $again
      (br_if $refused (i32.eq (table.grow 0 (ref.null func) (i32.const 100000)) (i32.const -1)))
      (br $again)))
    (table.size 0)))
"""


def test_table_growth_is_bounded_and_refused_past_the_cap():
    inst = load(TABLE_WAT.encode(), limits=Limits(max_table_elements=250_000))
    assert inst.exports.grow_forever() == 200_001  # the last grow of 100000 would pass the cap


def test_a_module_growing_tables_forever_stays_within_bounded_resident_memory():
    # In a fresh process, so the peak resident size is this module's alone.
    import subprocess
    import sys

    script = (
        "import resource\n"
        "from wasmforge.host import Limits, load\n"
        f"inst = load({TABLE_WAT!r}.encode(), limits=Limits.untrusted())\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "size = inst.exports.grow_forever()\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(size, (after - before) * 1024)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    size, grown = map(int, proc.stdout.split())
    assert size <= 1_000_000
    assert grown < 64 * 2**20  # a million elements are 8-16 MB; unbounded growth took gigabytes


def test_the_number_of_memories_is_limited():
    with pytest.raises(HostError, match="cannot instantiate"):
        load(_many_memories_wat(3).encode(), limits=Limits(max_memories=2))


def test_untrusted_limits_bound_memory_tables_and_counts():
    limits = Limits.untrusted(fuel=10)
    assert (limits.max_memory, limits.max_table_elements) == (256 * 2**20, 1_000_000)
    assert (limits.max_memories, limits.max_tables, limits.max_instances, limits.fuel) == (8, 8, 1, 10)
    assert limits.store_limits(memories=2, tables=1) == {
        "memory_size": 128 * 2**20, "table_elements": 1_000_000, "memories": 2, "tables": 1, "instances": 1,
    }


SHARED_WAT = """
(module
  (memory (export "memory") 1 2 shared)
  (func (export "bump") (result i32) (i32.atomic.rmw.add (i32.const 0) (i32.const 5))))
"""


def test_shared_memory_modules_need_the_option_and_then_run():
    with pytest.raises(HostError) as info:
        load(wat2wasm(SHARED_WAT))
    assert "shared_memory=True" in (info.value.hint or "")
    inst = load(wat2wasm(SHARED_WAT), shared_memory=True)
    assert (inst.exports.bump(), inst.exports.bump()) == (0, 5)
