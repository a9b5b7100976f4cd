"""Builds the crates in ``examples/`` once per test session with the discovered toolchain."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import cargo_build
from wasmforge.build.toolchain import Toolchain

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def wasm_toolchain(toolchain: Toolchain) -> Toolchain:
    """The toolchain of this run (``toolchain`` from tests/conftest.py: one run per toolchain)."""
    return toolchain


@pytest.fixture(scope="session")
def build_example(toolchain: Toolchain, toolchain_target_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``build_example(name)`` -> the release ``.wasm`` of ``examples/<name>``, built once per session and toolchain.

    Each crate is copied out first so the build writes nothing into the checkout.
    """
    work = tmp_path_factory.mktemp(f"examples-{toolchain.version}")
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in built:
            crate = work / name
            shutil.copytree(EXAMPLES / name, crate, ignore=shutil.ignore_patterns("target", "Cargo.lock"), dirs_exist_ok=True)
            built[name] = cargo_build(toolchain, crate, toolchain_target_dir)
        return built[name]

    return build
