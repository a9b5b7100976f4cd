"""The build pipeline per toolchain: the size ladder, and what a no-op rebuild costs.

    .venv/bin/python bench/build.py [--repeat R]

For every toolchain with the wasm32 target (newest first):
  * the size ladder of ``wasmforge build --release`` for ``add``, ``nth_prime`` (std, LTO) and
    ``nth_prime_nostd``, beside the article's figures (1.63) and the recorded 1.96 ones;
  * ``wasmforge build`` of the unchanged ``examples/hello`` (a fresh process, as users run it)
    against its peer, plain ``cargo build`` (a no-op) plus one ``wasm-opt -Oz`` of the same module.
    Target: within 0.3 s of the peer.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.build.test_toolchains_end_to_end import LADDER  # noqa: E402  (the targets the tests check)
from wasmforge.build import build  # noqa: E402
from wasmforge.build.toolchain import TARGET, find_all, find_wasm_opt  # noqa: E402


def best(argv: list[str], cwd: Path, repeat: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    wasm_opt = find_wasm_opt()
    with tempfile.TemporaryDirectory(prefix="wasmforge-bench-") as tmp:
        work = Path(tmp)
        for tc in find_all():
            short = tc.version_tuple[:2]
            print(f"== rust {tc.version} ({tc.rustc})")
            print(f"{'size ladder (bytes)':<20} {'raw':>10} {'stripped':>10} {'optimized':>10} {'target':>8}")
            for name in ("add", "nth_prime", "nth_prime_nostd"):
                result = build(REPO / "examples" / name, toolchain=tc, out_dir=work / "pkg", target_dir=work / f"t{tc.version}", quiet=True)
                sizes = {s.step: s.size for s in result.sizes}
                limit = LADDER[name].get(short)
                mark = "" if limit is None else (" ok" if sizes.get("optimized", sizes["stripped"]) <= limit else " MISSED")
                print(f"{name:<20} {sizes['raw']:>10,} {sizes['stripped']:>10,} {sizes.get('optimized', 0):>10,} "
                      f"{limit if limit is not None else '-':>8}{mark}")

            crate = REPO / "examples" / "hello"
            target = work / f"hello-target-{tc.version}"
            cli = [sys.executable, "-m", "wasmforge", "build", "-q", "--toolchain", str(tc.rustc), "--target-dir", str(target),
                   "--out-dir", str(work / "hello-pkg")]
            subprocess.run(cli, cwd=crate, check=True, capture_output=True)  # the first, real build
            ours = best(cli, crate, args.repeat)
            env = tc.env()
            env["CARGO_TARGET_DIR"] = str(target)
            cargo = best([str(tc.cargo), "build", "--lib", "--release", "--target", TARGET], crate, args.repeat, env)
            raw = target / TARGET / "release" / "hello.wasm"
            opt = best([str(wasm_opt.path), str(raw), "-Oz", "--all-features", "-o", str(work / "o.wasm")], crate, args.repeat) if wasm_opt else 0.0
            peer = cargo + opt
            print(f"{'no-op build of hello':<28} wasmforge {ours:.2f} s   cargo {cargo:.2f} s + wasm-opt {opt:.2f} s = {peer:.2f} s"
                  f"   difference {ours - peer:+.2f} s (target <= +0.30 s) [{'ok' if ours - peer <= 0.3 else 'MISSED'}]")
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
