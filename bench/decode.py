"""Decoding speed: wasmforge against its peers, in one run, as ratios.

For every module of the shared corpus's ``real/`` folder, the full decode of every function
body by
  * wasmforge (``read_module`` + ``body.instructions()`` for every body),
  * the pure-Python PyPI package ``wasm-tools`` (its ``BinaryReader`` with a do-nothing visitor),
  * wabt's ``wasm-objdump -d`` (its output sent to /dev/null), where installed;
then the start-to-exit time of ``wasmforge headers`` against ``wasm-objdump -h`` on the largest
module, and Python's own start-up time for reference.

Targets: full decode >= 10x the pure-Python peer and faster than ``wasm-objdump -d``;
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

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "corpus" / "real"


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


def peer_decode(data: bytes) -> None:
    from wasm_tools import BinaryReader
    from wasm_tools.visitor import BinaryReaderNop

    BinaryReader(data, BinaryReaderNop()).read_module()


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
    modules = sorted(args.corpus.glob("*.wasm"), key=lambda p: p.stat().st_size)
    if not modules:
        print(f"no modules in {args.corpus}; nothing to measure")
        return 0
    try:
        import wasm_tools  # noqa: F401
        have_peer = True
    except ImportError:
        have_peer = False
        print("note: the pure-Python peer 'wasm-tools' is not installed (pip install wasm-tools)")
    have_objdump = shutil.which("wasm-objdump") is not None
    repeat = args.repeat or (1 if args.quick else 3)
    if args.quick:
        modules = [m for m in modules if m.stat().st_size < 3_000_000]

    from wasmforge.binary import read_module

    # Warm-up: import and set up both decoders once, outside the timings.
    wasmforge_decode(modules[0])
    if have_peer:
        try:
            peer_decode(modules[0].read_bytes())
        except Exception:  # the peer fails on some proposals; this is only a warm-up
            pass

    print(f"{'module':44} {'code MB':>8} {'wasmforge':>10} {'MB/s':>6} {'peer':>9} {'x peer':>7} {'objdump -d':>10} {'x objdump':>9}")
    peer_ratios, objdump_ratios = [], []
    for path in modules:
        with read_module(path) as module:
            code = module.section(10)
            code_mb = (code.size if code else 0) / 1e6
        ours = best_of(lambda path=path: wasmforge_decode(path), repeat)
        row = f"{path.name[:44]:44} {code_mb:8.2f} {ours:9.3f}s {code_mb / ours if ours else 0:6.2f}"
        if have_peer and path.stat().st_size < 5_000_000:  # the peer needs minutes on the 15 MB module
            data = path.read_bytes()
            try:
                peer = best_of(lambda data=data: peer_decode(data), 1)
                peer_ratios.append(peer / ours)
                row += f" {peer:8.3f}s {peer / ours:6.1f}x"
            except Exception as e:  # the peer fails on some proposals
                row += f" {'failed':>9} {'':>7}  ({type(e).__name__})"
        else:
            row += f" {'-':>9} {'':>7}"
        if have_objdump:
            theirs = best_of(lambda path=path: objdump_decode(path), repeat)
            objdump_ratios.append(theirs / ours)
            row += f" {theirs:9.3f}s {theirs / ours:8.2f}x"
        print(row)
    if peer_ratios:
        print(f"\nfull decode vs pure-Python peer: median {statistics.median(peer_ratios):.1f}x faster "
              f"(min {min(peer_ratios):.1f}x; target >= 10x)")
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
