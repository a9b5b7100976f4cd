"""Speed of wasmforge.host against its peers, measured in one run and printed as ratios.

    .venv/bin/python bench/host.py [--calls N] [--repeat R]

Rows: calling an exported ``(i32, i32) -> i32`` through ``instance.exports`` against
wasmtime-py's ``Func.__call__`` and against a bare ctypes loop over
``wasmtime_func_call_unchecked``; copying 10 MiB into linear memory and back against a
memoryview-to-memoryview copy; and the same workloads under ``node`` as the reference.
Targets: >= 20x Func.__call__, within 3x of bare ctypes, >= 80% of the memoryview copy,
and the instance lock (which serializes threads) costing <= 10% of a call. Then
adversarial modules: load() with 20,000 and 100,000 exports (beside wasmtime-py's own
listing of every export) and with 100,000 missing imports, with time and peak memory.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import wasmtime
from wasmtime import _ffi as ffi

from wasmforge.host import load

COPY_BYTES = 10 * 1024 * 1024
WAT = """
(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (memory (export "memory") 161))
"""
# Calls an imported (i32, i32) -> i32 the given number of times.
IMPORT_WAT = """
(module
  (import "env" "f" (func $f (param i32 i32) (result i32)))
  (func (export "loop") (param i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get 0)))
      (local.set $acc (call $f (local.get $acc) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $next)))
    local.get $acc))
"""

NODE_SCRIPT = r"""
import fs from "fs";
const [path, importPath, calls, repeat, copyBytes] = process.argv.slice(2).map((v, i) => i > 1 ? Number(v) : v);
const { instance } = await WebAssembly.instantiate(fs.readFileSync(path), {});
const add = instance.exports.add;
const best = (fn) => { let b = Infinity; for (let r = 0; r < repeat; r++) { const t = process.hrtime.bigint(); fn(); b = Math.min(b, Number(process.hrtime.bigint() - t) / 1e9); } return b; };
let sink = 0;
const callSeconds = best(() => { for (let i = 0; i < calls; i++) sink += add(i, 2); });
const src = new Uint8Array(copyBytes).map((_, i) => i & 255);
const out = new Uint8Array(copyBytes);
const copySeconds = best(() => {
  const mem = new Uint8Array(instance.exports.memory.buffer);
  mem.set(src, 0);
  out.set(mem.subarray(0, copyBytes));
});
const imported = await WebAssembly.instantiate(fs.readFileSync(importPath), { env: { f: (a, b) => (a + b) & 0xffff } });
const importSeconds = best(() => { sink += imported.instance.exports.loop(calls); });
console.log(JSON.stringify({ callSeconds, copySeconds, importSeconds, sink }));
"""


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeat`` timed runs of ``fn``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200_000, help="calls per timed run (default 200000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per row; the best counts (default 5)")
    parser.add_argument("--skip-adversarial", action="store_true", help="leave out the adversarial-module rows")
    options = parser.parse_args()
    calls, repeat = options.calls, options.repeat
    wasm = bytes(wasmtime.wat2wasm(WAT))

    instance = load(wasm)
    add = instance.exports.add
    store = instance.store
    func = add.func

    # wasmtime-py's checked call (slow, so fewer calls; the rate is what counts).
    slow_calls = max(calls // 20, 1000)

    def wasmtime_loop() -> None:
        for i in range(slow_calls):
            func(store, i, 2)

    # A bare ctypes loop: prepared raw values, the unchecked entry point, nothing else.
    raw_call = ffi.dll["wasmtime_func_call_unchecked"]
    raw_call.restype = ctypes.c_void_p
    values = (ctypes.c_int64 * 4)()
    results = (ctypes.c_int32 * 8).from_buffer(values)
    trap = ctypes.c_void_p()
    c_ctx = ctypes.c_void_p(ctypes.cast(store._context(), ctypes.c_void_p).value)
    c_func = ctypes.c_void_p(ctypes.addressof(func._func))
    c_values = ctypes.c_void_p(ctypes.addressof(values))
    c_count = ctypes.c_size_t(2)
    c_trap = ctypes.c_void_p(ctypes.addressof(trap))

    def bare_loop() -> None:
        for i in range(calls):
            values[0] = i
            values[2] = 2
            if raw_call(c_ctx, c_func, c_values, c_count, c_trap) or trap.value:
                raise RuntimeError("trap")
            results[0]

    def wasmforge_loop() -> None:
        for i in range(calls):
            add(i, 2)

    plain = add.call

    def wasmforge_plain_loop() -> None:
        for i in range(calls):
            plain(i, 2)

    # The same call made without the instance lock, to price the lock: a twin callable built
    # while the instance's lock is swapped for one that does nothing (bench only).
    class NoLock:
        def acquire(self) -> None:
            return None

        def release(self) -> None:
            return None

        def __enter__(self) -> None:
            return None

        def __exit__(self, *exc: object) -> None:
            return None

    real_lock = instance._lock
    instance._lock = NoLock()  # type: ignore[assignment]
    unlocked = instance.func("add", "(i32, i32) -> i32").call
    instance._lock = real_lock

    def unlocked_loop() -> None:
        for i in range(calls):
            unlocked(i, 2)

    # Interleaved, so that noise from other processes hits both alike.
    locked_seconds = unlocked_seconds = float("inf")
    for _ in range(repeat):
        locked_seconds = min(locked_seconds, best_of(1, wasmforge_plain_loop))
        unlocked_seconds = min(unlocked_seconds, best_of(1, unlocked_loop))

    rate_wasmtime = slow_calls / best_of(repeat, wasmtime_loop)
    rate_bare = calls / best_of(repeat, bare_loop)
    rate_wasmforge = calls / best_of(repeat, wasmforge_loop)
    rate_plain = calls / best_of(repeat, wasmforge_plain_loop)

    # Calls from wasm into Python: an imported (i32, i32) -> i32 called in a wasm loop.
    import_wasm = bytes(wasmtime.wat2wasm(IMPORT_WAT))

    def host_f(a: int, b: int) -> int:
        return (a + b) & 0xFFFF

    looping = load(import_wasm, {"env": {"f": host_f}}).exports.loop
    py_store = wasmtime.Store()
    py_type = wasmtime.FuncType([wasmtime.ValType.i32()] * 2, [wasmtime.ValType.i32()])
    py_instance = wasmtime.Instance(
        py_store, wasmtime.Module(py_store.engine, import_wasm), [wasmtime.Func(py_store, py_type, host_f)]
    )
    py_loop = py_instance.exports(py_store)["loop"]
    assert isinstance(py_loop, wasmtime.Func)
    import_rate_wasmtime = slow_calls / best_of(repeat, lambda: py_loop(py_store, slow_calls))
    import_rate_wasmforge = calls / best_of(repeat, lambda: looping(calls))

    # 10 MiB into linear memory and back.
    memory = instance.memory
    source = bytes(range(256)) * (COPY_BYTES // 256)
    back = bytearray(COPY_BYTES)
    staging = bytearray(COPY_BYTES)

    def memoryview_copy() -> None:
        memoryview(staging)[:] = memoryview(source)
        memoryview(back)[:] = memoryview(staging)

    def wasmforge_copy() -> None:
        memory.write(0, source)
        memory.read_into(0, back)

    def wasmforge_copy_read() -> None:
        memory.write(0, source)
        memory.read(0, COPY_BYTES)

    # Interleaved, so that noise from other processes hits every row alike.
    copy_baseline = copy_wasmforge = copy_read = float("inf")
    for _ in range(max(repeat, 10)):
        copy_baseline = min(copy_baseline, best_of(1, memoryview_copy))
        copy_wasmforge = min(copy_wasmforge, best_of(1, wasmforge_copy))
        copy_read = min(copy_read, best_of(1, wasmforge_copy_read))
    assert bytes(back) == source

    node = _node(wasm, import_wasm, calls, repeat)

    def row(label: str, value: str, note: str = "") -> None:
        print(f"  {label:<52} {value:>16}  {note}")

    print(f"calls of add(i32, i32) -> i32 (best of {repeat} runs of {calls} calls)")
    row("wasmtime.Func.__call__", f"{rate_wasmtime:,.0f}/s")
    row("bare ctypes loop, wasmtime_func_call_unchecked", f"{rate_bare:,.0f}/s")
    row("wasmforge instance.exports.add", f"{rate_wasmforge:,.0f}/s")
    row("wasmforge instance.exports.add.call", f"{rate_plain:,.0f}/s")
    if node:
        row("node v" + node["version"] + " (reference)", f"{calls / node['callSeconds']:,.0f}/s")
    ratio_wasmtime = rate_wasmforge / rate_wasmtime
    ratio_bare = rate_bare / rate_wasmforge
    print(f"  exports.add vs Func.__call__: {ratio_wasmtime:.1f}x the calls per second (target >= 20x)"
          f" {'ok' if ratio_wasmtime >= 20 else 'MISSED'}")
    print(f"  exports.add vs bare ctypes:   {ratio_bare:.2f}x the time per call (target <= 3x)"
          f" {'ok' if ratio_bare <= 3 else 'MISSED'}")

    lock_cost = locked_seconds / unlocked_seconds - 1
    row("add.call without the instance lock (for comparison)", f"{calls / unlocked_seconds:,.0f}/s")
    print(f"  the instance lock costs {lock_cost:+.1%} per call (target <= 10%)"
          f" {'ok' if lock_cost <= 0.10 else 'MISSED'}")

    print(f"\ncalls from wasm into a Python import (i32, i32) -> i32 (best of {repeat})")
    row("wasmtime-py Func(store, type, callable)", f"{import_rate_wasmtime:,.0f}/s")
    row("wasmforge load(imports=...)", f"{import_rate_wasmforge:,.0f}/s")
    if node:
        row("node, a JavaScript import (reference)", f"{calls / node['importSeconds']:,.0f}/s")
    print(f"  wasmforge import vs wasmtime-py: {import_rate_wasmforge / import_rate_wasmtime:.1f}x the calls per second")

    mib = COPY_BYTES / 2**20
    print(f"\ncopy {mib:.0f} MiB into linear memory and back (best of {max(repeat, 10)})")
    row("memoryview to memoryview (in and back)", f"{2 * COPY_BYTES / copy_baseline / 2**30:.2f} GiB/s")
    row("wasmforge memory.write + memory.read_into", f"{2 * COPY_BYTES / copy_wasmforge / 2**30:.2f} GiB/s")
    row("wasmforge memory.write + memory.read (new bytes)", f"{2 * COPY_BYTES / copy_read / 2**30:.2f} GiB/s")
    if node:
        row("node Uint8Array.set in and back (reference)", f"{2 * COPY_BYTES / node['copySeconds'] / 2**30:.2f} GiB/s")
    share = copy_baseline / copy_wasmforge
    print(f"  write + read_into vs memoryview copy: {share:.0%} of its speed (target >= 80%)"
          f" {'ok' if share >= 0.8 else 'MISSED'}")
    if not node:
        print("\n(no node reference row: node is not installed or failed)")
    if not options.skip_adversarial:
        adversarial_rows()
    return 0


# One adversarial case per child process, so that its peak resident size is its own.
ADVERSARIAL_CHILD = r"""
import json, resource, sys, time
import wasmtime
kind, count = sys.argv[1], int(sys.argv[2])
if kind == "imports":
    wasm = wasmtime.wat2wasm("(module " + "".join(f'(import "env" "f{i}" (func))' for i in range(count)) + ")")
else:
    wasm = wasmtime.wat2wasm("(module " + "".join(f'(func (export "f{i}"))' for i in range(count)) + ")")
from wasmforge.host import LinkError, Module, load
module = Module(wasm)  # compiling is wasmtime's work, timed apart
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
detail = ""
if kind == "wasmtime-exports":  # the peer: wasmtime-py listing every export of the instance
    from wasmforge.host import engine_for
    store = wasmtime.Store(engine_for())
    store.set_epoch_deadline(1 << 62)
    instance = wasmtime.Instance(store, module.compiled(engine_for()), [])
    detail = f"{len(instance.exports(store))} exports listed"
elif kind == "imports":
    try:
        load(module)
    except LinkError as err:
        detail = f"LinkError of {len(err.message)} characters"
else:
    instance = load(module)
    instance.exports[f"f{count - 1}"]()
    detail = "last export called"
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mib": peak / 1024, "grown_mib": (peak - before) / 1024, "detail": detail}))
"""


def _adversarial(kind: str, count: int, timeout: float) -> dict[str, Any] | None:
    try:
        proc = subprocess.run(
            [sys.executable, "-c", ADVERSARIAL_CHILD, kind, str(count)], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise RuntimeError(f"the {kind} case failed: {proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def adversarial_rows() -> None:
    """load() on modules with very many exports or missing imports: time and peak memory."""
    print("\nadversarial modules (one process each; compile time excluded; peak resident size)")
    cases = [
        ("exports", 20_000, "load() with 20,000 exports"),
        ("wasmtime-exports", 20_000, "wasmtime-py Instance.exports(), 20,000 (peer)"),
        ("exports", 100_000, "load() with 100,000 exports"),
        ("imports", 100_000, "load() with 100,000 missing imports"),
    ]
    for kind, count, label in cases:
        result = _adversarial(kind, count, timeout=120)
        if result is None:
            print(f"  {label:<52} {'> 120 s':>16}  (stopped)")
            continue
        print(f"  {label:<52} {result['seconds']:>14.2f} s  peak {result['peak_mib']:.0f} MiB"
              f" (+{result['grown_mib']:.0f}), {result['detail']}")


def _node(wasm: bytes, import_wasm: bytes, calls: int, repeat: int) -> dict[str, Any] | None:
    node = shutil.which("node")
    if node is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        module = os.path.join(folder, "bench.wasm")
        import_module = os.path.join(folder, "import.wasm")
        script = os.path.join(folder, "bench.mjs")
        with open(module, "wb") as handle:
            handle.write(wasm)
        with open(import_module, "wb") as handle:
            handle.write(import_wasm)
        with open(script, "w") as handle:
            handle.write(NODE_SCRIPT)
        proc = subprocess.run(
            [node, script, module, import_module, str(calls), str(repeat), str(COPY_BYTES)],
            capture_output=True,
            text=True,
        )
        version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip().lstrip("v")
    if proc.returncode != 0:
        sys.stderr.write(f"node failed: {proc.stderr.strip()}\n")
        return None
    result: dict[str, Any] = json.loads(proc.stdout)
    result["version"] = version
    return result


if __name__ == "__main__":
    raise SystemExit(main())
