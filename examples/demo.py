"""Build the example crates and call their exports on wasmtime (the steps of ``make demo``).

    python examples/demo.py build TARGET_DIR   # cargo build --release of every examples/*/ crate
    python examples/demo.py run TARGET_DIR     # instantiate the results and call a few exports

``build`` prints the path of each module it built, one per line, on stdout.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from wasmforge.build.toolchain import TARGET, ToolchainNotFound, find

EXAMPLES = Path(__file__).resolve().parent


def crates() -> list[Path]:
    """Every crate folder under examples/."""
    return sorted(p.parent for p in EXAMPLES.glob("*/Cargo.toml"))


def module_path(target_dir: Path, crate: Path) -> Path:
    """Where cargo puts the release module of ``crate``."""
    return target_dir / TARGET / "release" / f"{crate.name}.wasm"


def build(target_dir: Path) -> int:
    """Build every example with the discovered toolchain; 0 on success."""
    try:
        toolchain = find()
    except ToolchainNotFound as err:
        print(f"error: {err.message}\nhint: {err.hint}", file=sys.stderr)
        return 1
    env = toolchain.env()
    env["CARGO_TARGET_DIR"] = str(target_dir.resolve())
    for crate in crates():
        argv = [str(toolchain.cargo), "build", "--release", "--target", TARGET, "--offline"]
        print(f"==> cargo {' '.join(argv[1:])}   (in examples/{crate.name}, rustc {toolchain.version})", file=sys.stderr)
        if subprocess.run(argv, cwd=crate, env=env, check=False).returncode != 0:
            print(f"error: cargo build failed for examples/{crate.name}", file=sys.stderr)
            return 1
        wasm = module_path(target_dir, crate)
        print(f"    {wasm}  {wasm.stat().st_size:,} bytes", file=sys.stderr)
        print(wasm)
    return 0


def run(target_dir: Path) -> int:
    """Instantiate the built modules on wasmtime and call their exports."""
    import wasmtime

    engine = wasmtime.Engine()
    add_path = module_path(target_dir, EXAMPLES / "add")
    store = wasmtime.Store(engine)
    # `add` imports Math.random: give it Python's.
    math_random = wasmtime.Func(store, wasmtime.FuncType([], [wasmtime.ValType.f64()]), random.random)
    add = wasmtime.Instance(store, wasmtime.Module.from_file(engine, str(add_path)), [math_random]).exports(store)
    print(f"add(40, 2)        = {add['add'](store, 40.0, 2.0)}")
    print(f"add_random(1)     = {add['add_random'](store, 1.0)}   (1 + Python's random.random())")
    for name in ("nth_prime", "nth_prime_nostd"):
        store = wasmtime.Store(engine)
        module = wasmtime.Module.from_file(engine, str(module_path(target_dir, EXAMPLES / name)))
        nth_prime = wasmtime.Instance(store, module, []).exports(store)["nth_prime"]
        print(f"{name}: nth_prime(3) = {nth_prime(store, 3)}", end="")
        try:
            nth_prime(store, 9)
        except wasmtime.Trap as trap:
            print(f", nth_prime(9) traps ({trap.trap_code.name.lower() if trap.trap_code else 'trap'})")
        else:
            print(", nth_prime(9) did not trap")
            return 1
    return 0


def main(argv: list[str]) -> int:
    """``build TARGET_DIR`` or ``run TARGET_DIR``."""
    if len(argv) != 2 or argv[0] not in ("build", "run"):
        print(__doc__, file=sys.stderr)
        return 2
    target_dir = Path(argv[1])
    return build(target_dir) if argv[0] == "build" else run(target_dir)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
