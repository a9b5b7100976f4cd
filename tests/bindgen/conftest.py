"""Fixtures of the bindgen tests: test crates built once per session, bound into packages."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from wasmforge.build.toolchain import TARGET, Toolchain

CRATES = Path(__file__).resolve().parent / "crates"


# `toolchain` (tests/conftest.py) runs every test here once per Rust toolchain with the target.


@pytest.fixture(scope="session")
def cargo_target_dir(toolchain_target_dir: Path) -> Path:
    """One CARGO_TARGET_DIR per toolchain for the session, so the support crate compiles once."""
    return toolchain_target_dir


def run_cargo(toolchain: Toolchain, crate: Path, target_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``cargo build --release --target wasm32-unknown-unknown`` in ``crate``."""
    env = toolchain.env()
    env["CARGO_TARGET_DIR"] = str(target_dir)
    return subprocess.run(
        [str(toolchain.cargo), "build", "--release", "--target", TARGET, "--offline", *args],
        cwd=crate,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="session")
def build_crate(toolchain: Toolchain, cargo_target_dir: Path) -> Callable[[str], Path]:
    """``build_crate(name)`` -> the release ``.wasm`` of ``tests/bindgen/crates/<name>``, built once."""
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in built:
            proc = run_cargo(toolchain, CRATES / name, cargo_target_dir)
            assert proc.returncode == 0, f"cargo build of {name} failed:\n{proc.stderr}"
            built[name] = cargo_target_dir / TARGET / "release" / f"{name}.wasm"
        return built[name]

    return build


@pytest.fixture(scope="session")
def bind_crate(
    build_crate: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], ModuleType]:
    """``bind_crate(name)`` -> the imported package generated from the crate's module."""
    from wasmforge.bindgen import descriptors, python

    out = tmp_path_factory.mktemp("packages")
    sys.path.insert(0, str(out))
    bound: dict[str, ModuleType] = {}

    def bind(name: str) -> ModuleType:
        if name not in bound:
            wasm = build_crate(name)
            python.generate(descriptors.read(wasm), wasm, out, name, crate=name)
            bound[name] = importlib.import_module(name)
        return bound[name]

    yield bind  # type: ignore[misc]
    sys.path.remove(str(out))
    for name in bound:
        sys.modules.pop(name, None)


@pytest.fixture(scope="session")
def cargo_build(toolchain: Toolchain, cargo_target_dir: Path) -> Callable[[str], subprocess.CompletedProcess[str]]:
    """``cargo_build(name)`` -> the finished cargo process for ``crates/<name>`` (may have failed)."""
    return lambda name: run_cargo(toolchain, CRATES / name, cargo_target_dir)
