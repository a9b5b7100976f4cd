"""Size profiling cost: ``top`` against a full decode alone, in one run, as ratios.

For every module of the shared corpus's ``real/`` folder, in a fresh interpreter each (so peak
memory is the work's own):
  * decode: ``read_module`` + ``body.instructions()`` for every body (the floor: the profiler
    must decode every body once to find the edges);
  * top: ``analysis.build`` (items, edges, one decode of every body) + dominators + ``top -n 20``
    rendered as text;
  * names: demangling every function name (``top`` demangles only the rows it shows; ``crates``
    and ``--regex`` searches need them all), after the graph is built.
  * twiggy ``top -n 20 --retained`` (the same work), when twiggy is installed (``cargo install
    twiggy``; found as ``$WASMFORGE_TWIGGY``, on PATH or in ``~/.cargo/bin``), its time and peak
    memory measured the same way (a child process per run).
Each row prints seconds (best of N) and peak RSS in MB, the ratio top/decode and top/twiggy. The
Rust builds of ``corpus/rust`` follow the real modules: they carry name sections with legacy and
v0 symbols.

Target: ``top`` costs little more than decoding (about 2x at most), and the largest module
(~15 MB) profiles in under 10 s.

Run: ``.venv/bin/python bench/profile.py [--quick] [--repeat N]`` (--quick: modules under 3 MB, once).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import REPO, SHARED, real_modules  # noqa: E402,F401

# Each job runs in a child interpreter and prints {"seconds": ..., "peak_mb": ...}.
_JOB = r"""
import json, resource, sys, time
path, job = sys.argv[1], sys.argv[2]
from wasmforge.binary import read_module
from wasmforge.analysis import build, top
from wasmforge.report.profile import render
import wasmforge.binary.instructions  # imports are not part of the timing
import demangle  # noqa: F401  (imported before the timing)
graph = build(path) if job == "names" else None
t = time.perf_counter()
if job == "names":  # every function name demangled, as `crates` and `--regex` searches need
    list(graph.names)
elif job == "decode":
    with read_module(path) as m:
        for body in m.code:
            body.instructions()
elif job == "top":
    graph = build(path)
    render(top(graph, max_items=20, retained=True), "text")
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_job(path: Path, job: str, repeat: int) -> dict[str, float]:
    best: dict[str, float] | None = None
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _JOB, str(path), job], capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


def find_twiggy() -> str | None:
    import os

    for candidate in (os.environ.get("WASMFORGE_TWIGGY"), shutil.which("twiggy"),
                      str(Path.home() / ".cargo" / "bin" / "twiggy")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


# Runs twiggy once and prints its time and peak RSS. The peak comes from GNU time's %M: a child
# spawned from Python inherits Python's high-water mark (about 11 MB) in ru_maxrss, which would
# hide twiggy's own figure; without GNU time the peak is that upper bound (marked "<=").
_TWIGGY_JOB = r"""
import json, os, resource, subprocess, sys, tempfile, time
gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
with tempfile.NamedTemporaryFile("r") as f:
    cmd = [gnu_time, "-f", "%M", "-o", f.name, *sys.argv[1:]] if gnu_time else sys.argv[1:]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True)
    seconds = time.perf_counter() - t
    text = f.read().strip().splitlines()
peak = int(text[-1]) / 1024 if gnu_time and text else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "ok": proc.returncode == 0, "exact": bool(gnu_time)}))
"""


def run_twiggy(twiggy: str, path: Path, repeat: int) -> dict[str, float] | None:
    """twiggy's best time and its peak memory, or None when twiggy cannot read the module."""
    best: dict[str, float] | None = None
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _TWIGGY_JOB, twiggy, "top", "-n", "20", "--retained", str(path)],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        if not result["ok"]:
            return None  # twiggy fails on some modules (newer proposals)
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="modules under 3 MB, one repetition")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per measurement (best is kept)")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    # the real modules carry no name section; the Rust builds do (legacy and v0 symbols)
    modules = real_modules() + sorted(p for p in (SHARED / "corpus" / "rust").glob("*.release.wasm"))
    if args.quick:
        modules = [m for m in modules if m.stat().st_size < 3_000_000]
    base = run_job(modules[0], "imports", 1)
    print(f"interpreter + wasmforge imported: {base['peak_mb']:.0f} MB peak (included in every figure below)")
    twiggy = find_twiggy()
    has_twiggy = twiggy is not None
    header = (f"{'module':<44} {'MB':>6} {'decode s':>9} {'top s':>8} {'top/dec':>8} {'dec MB':>7} {'top MB':>7}"
              f" {'names s':>8}")
    print(header + (f" {'twiggy s':>9} {'twiggy MB':>9} {'top/twiggy':>10}" if has_twiggy else ""))
    worst = 0.0
    for path in modules:
        dec = run_job(path, "decode", repeat)
        top = run_job(path, "top", repeat)
        names = run_job(path, "names", 1)
        ratio = top["seconds"] / dec["seconds"] if dec["seconds"] else float("nan")
        if path.stat().st_size >= 100_000:  # below that, both are a few milliseconds of noise
            worst = max(worst, ratio)
        line = (f"{path.name[:44]:<44} {path.stat().st_size / 1e6:>6.2f} {dec['seconds']:>9.3f} {top['seconds']:>8.3f} "
                f"{ratio:>7.2f}x {dec['peak_mb']:>7.0f} {top['peak_mb']:>7.0f} {names['seconds']:>8.3f}")
        if twiggy is not None:
            t = run_twiggy(twiggy, path, repeat)
            if t is None:
                line += f" {'fails':>9}"
            else:
                peak = f"{t['peak_mb']:.0f}" if t["exact"] else f"<={t['peak_mb']:.0f}"
                line += (f" {t['seconds']:>9.3f} {peak:>9} "
                         f"{top['seconds'] / t['seconds'] if t['seconds'] else float('nan'):>9.1f}x")
        print(line, flush=True)
    largest = max(modules, key=lambda p: p.stat().st_size)
    top = run_job(largest, "top", 1)
    verdict = "ok" if top["seconds"] < 10 else "SLOW"
    print(f"largest module {largest.name}: top in {top['seconds']:.2f} s (target < 10 s: {verdict}); "
          f"worst top/decode ratio on modules of 100 KB or more {worst:.2f}x")
    if not has_twiggy:
        print("twiggy not found: no twiggy columns (cargo install twiggy, or set WASMFORGE_TWIGGY)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
