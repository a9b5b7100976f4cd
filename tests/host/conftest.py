"""Fixtures of the host-layer tests: WAT modules assembled with wasmtime.wat2wasm."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import wasmtime

#: a module with numeric exports, one import of each style, and memory.
CALC_WAT = """
(module
  (import "Math" "random" (func $random (result f64)))
  (import "env" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (global (export "answer") i32 (i32.const 42))
  (global $counter (export "counter") (mut i64) (i64.const -1))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "addf") (param f32 f64) (result f64) local.get 0 f64.promote_f32 local.get 1 f64.add)
  (func (export "minus_one") (result i32) i32.const -1)
  (func (export "minus_one64") (result i64) i64.const -1)
  (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0)
  (func (export "nothing"))
  (func (export "random_plus") (param f64) (result f64) call $random local.get 0 f64.add)
  (func (export "log_twice") (param i32) local.get 0 call $log local.get 0 call $log)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "load8") (param i32) (result i32) local.get 0 i32.load8_u)
)
"""


@pytest.fixture(scope="session")
def calc_wasm() -> bytes:
    """The binary of :data:`CALC_WAT`."""
    return wasmtime.wat2wasm(CALC_WAT)


@pytest.fixture
def calc(calc_wasm: bytes):
    """A loaded calc module with a fixed Math.random and a log that records its calls."""
    from wasmforge.host import load

    logged: list[int] = []
    instance = load(calc_wasm, {"Math": {"random": lambda: 0.5}, "env": {"log": logged.append}})
    instance.logged = logged  # type: ignore[attr-defined]
    yield instance
    instance.close()


CRATES = Path(__file__).resolve().parent / "crates"
TARGET = "wasm32-unknown-unknown"


def _wasm_cargo() -> tuple[Path, dict[str, str]] | None:
    """cargo and its environment for a toolchain with the wasm32 standard library, or None."""
    try:
        from wasmforge.build.toolchain import ToolchainNotFound, find
    except ImportError:  # toolchain discovery not available: look at Debian's toolchain
        rustc = Path("/usr/bin/rustc")
        if not rustc.exists():
            return None
        proc = subprocess.run(
            [str(rustc), "--print", "target-libdir", "--target", TARGET], capture_output=True, text=True
        )
        libdir = Path(proc.stdout.strip())
        if proc.returncode != 0 or not any(libdir.glob("libcore-*.rlib")):
            return None
        env = dict(os.environ)
        env["PATH"] = f"{rustc.parent}{os.pathsep}{env.get('PATH', '')}"
        return rustc.parent / "cargo", env
    try:
        toolchain = find()
    except ToolchainNotFound:
        return None
    return toolchain.cargo, toolchain.env()


@pytest.fixture(scope="session")
def build_crate(tmp_path_factory: pytest.TempPathFactory):
    """``build_crate(name)`` -> the release ``.wasm`` of ``tests/host/crates/<name>``, built once.

    Skips cleanly when no cargo with the wasm32 target exists.
    """
    found = _wasm_cargo()
    if found is None:
        pytest.skip(f"no Rust toolchain with the {TARGET} target")
    cargo, env = found
    work = tmp_path_factory.mktemp("host-crates")
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name in built:
            return built[name]
        crate = work / name
        shutil.copytree(CRATES / name, crate, ignore=shutil.ignore_patterns("target"))
        build_env = dict(env)
        build_env["CARGO_TARGET_DIR"] = str(work / "target")
        # RUSTFLAGS would replace the crate's .cargo/config.toml rustflags (--import-memory).
        build_env.pop("RUSTFLAGS", None)
        proc = subprocess.run(
            [str(cargo), "build", "--release", "--target", TARGET, "--offline"],
            cwd=crate, env=build_env, capture_output=True, text=True, timeout=900,
        )
        assert proc.returncode == 0, f"cargo build of {name} failed:\n{proc.stderr}"
        built[name] = work / "target" / TARGET / "release" / f"{name}.wasm"
        return built[name]

    return build


@pytest.fixture(scope="session")
def corpus_rust() -> Path:
    """The shared corpus's Rust modules folder, or a clean skip when it is absent."""
    shared = Path(os.environ.get("WASMFORGE_SHARED", Path(__file__).resolve().parents[3] / "shared"))
    path = shared / "corpus" / "rust"
    if not path.is_dir():
        pytest.skip(f"shared corpus not present at {path}")
    return path
