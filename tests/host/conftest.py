"""Fixtures of the host-layer tests: WAT modules assembled with wasmtime.wat2wasm."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture(scope="session")
def build_crate(toolchain, toolchain_target_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """``build_crate(name)`` -> the release ``.wasm`` of ``tests/host/crates/<name>``, built once per toolchain.

    ``toolchain`` (tests/conftest.py) runs each test using this once per toolchain found.
    """
    from tests.conftest import cargo_build

    work = tmp_path_factory.mktemp(f"host-crates-{toolchain.version}")
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in built:
            crate = work / name
            shutil.copytree(CRATES / name, crate, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
            built[name] = cargo_build(toolchain, crate, toolchain_target_dir)
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
