"""``wasmforge wat`` against wabt's ``wasm2wat`` on the real-world modules, in one run.

    .venv/bin/python bench/text.py [--fold] [--no-check] [--only SUBSTRING]

For each module of ``../shared/corpus/real`` (or WASMFORGE_SHARED/corpus/real): the time of
``wasmforge wat`` (in a fresh Python process, output to /dev/null) and of ``wasm2wat`` (when
installed), their ratio, and the peak memory of both. Targets: within 5x of wasm2wat's time,
and memory flat in the module size (the printer writes function by function). Unless
``--no-check``, each module's text is also assembled with ``wasmtime.wat2wasm`` and compared with
the input, item by item (tests/text/roundtrip.py), flat and folded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import nothing_to_measure, real_modules  # noqa: E402


def run_measured(argv: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one child process; raises if it fails."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {err.strip()}")
    return elapsed, usage.ru_maxrss


def check(path: Path) -> str:
    sys.path.insert(0, str(REPO))
    from tests.text.roundtrip import check_round_trip

    data = path.read_bytes()
    for fold in (False, True):
        try:
            check_round_trip(data, fold=fold)
        except AssertionError as err:
            return f"{'folded' if fold else 'flat'}: {err}"
    return "same"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fold", action="store_true", help="time the folded form (wasm2wat --fold-exprs)")
    ap.add_argument("--no-check", action="store_true", help="skip the round-trip checks")
    ap.add_argument("--only", metavar="SUBSTRING", help="only modules whose file name contains this")
    args = ap.parse_args()
    modules = sorted(p for p in real_modules() if not args.only or args.only in p.name)
    if not modules:
        nothing_to_measure(f"no corpus module's name contains {args.only!r}", "pick another --only")
    wasm2wat = shutil.which("wasm2wat")
    ours = [sys.executable, "-m", "wasmforge", "wat"] + (["--fold"] if args.fold else [])
    theirs = [wasm2wat] + (["--fold-exprs"] if args.fold else []) if wasm2wat else None
    # Python's start-up and imports, measured once, so small modules can be read fairly.
    startup = min(run_measured([sys.executable, "-m", "wasmforge", "--version"])[0] for _ in range(3))
    print(f"python start-up + imports: {startup:.2f}s (the 'net' ratio leaves it out)\n")
    print(f"{'module':<42} {'size':>10} {'wasmforge':>10} {'wasm2wat':>9} {'ratio':>6} {'net':>6} "
          f"{'peak MiB':>9} {'wabt MiB':>9}")
    worst = 0.0
    for path in modules:
        # Timings first, checks after: a child forked from a big process inherits its peak RSS.
        t_ours, rss_ours = run_measured(ours + [str(path), "-o", os.devnull])
        if theirs:
            t_theirs, rss_theirs = run_measured(theirs + [str(path), "-o", os.devnull])
            ratio = t_ours / max(t_theirs, 1e-3)
            net = max(t_ours - startup, 0.0) / max(t_theirs, 1e-3)
            theirs_text = (f"{t_theirs:8.2f}s {ratio:5.1f}x {net:5.1f}x {rss_ours / 1024:9.0f} "
                           f"{rss_theirs / 1024:9.0f}")
            if path.stat().st_size >= 100_000:
                worst = max(worst, ratio)
        else:
            theirs_text = f"{'-':>9} {'-':>6} {'-':>6} {rss_ours / 1024:9.0f} {'-':>9}"
        print(f"{path.name[:42]:<42} {path.stat().st_size:>10,} {t_ours:9.2f}s {theirs_text}", flush=True)
    if theirs:
        print(f"\nslowest ratio on modules of 100 KB or more: {worst:.1f}x (target: within 5x of wasm2wat)")
    else:
        print("\nwasm2wat not installed: no ratios")
    if not args.no_check:
        print("\nround trip (wasmtime.wat2wasm of the text, compared item by item, flat and folded):")
        for path in modules:
            print(f"  {path.name:<46} {check(path)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
