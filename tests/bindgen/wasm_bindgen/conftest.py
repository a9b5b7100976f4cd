"""Fixtures of the wasm-bindgen tests: the test crates built once per session with a modern toolchain."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

CRATES = Path(__file__).resolve().parents[1] / "crates"
#: today's wasm-bindgen dependency tree needs this rustc (unicode-ident's MSRV).
WASM_BINDGEN_RUST = (1, 71, 0)


@pytest.fixture(scope="session")
def modern_toolchain():
    """The newest toolchain that can build wasm-bindgen from crates.io, or a clean skip."""
    from tests.conftest import wasm_toolchains

    found = [tc for tc in wasm_toolchains() if tc.version_tuple >= WASM_BINDGEN_RUST]
    if not found:
        pytest.skip("wasm-bindgen from crates.io needs rust >= 1.71 with the wasm32 target; run 'make toolchains'")
    return found[0]


@pytest.fixture(scope="session")
def wbg_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CARGO_TARGET_DIR for these crates, so wasm-bindgen and its macros compile once."""
    return tmp_path_factory.mktemp("wbg-target")


def build(toolchain, name: str, out: Path, target: Path):
    """``wasmforge build`` of ``crates/<name>`` (cargo may reach crates.io)."""
    from tests.conftest import build_package, cargo_env

    return build_package(toolchain, CRATES / name, out, target, env=cargo_env(toolchain, online=True))


@pytest.fixture(scope="session")
def wbg_basic(modern_toolchain, wbg_target, tmp_path_factory):
    """(BuildResult, imported package) of crates/wbg_basic."""
    out = tmp_path_factory.mktemp("wbg-packages")
    result = build(modern_toolchain, "wbg_basic", out, wbg_target)
    sys.path.insert(0, str(out))
    try:
        yield result, importlib.import_module("wbg_basic")
    finally:
        sys.path.remove(str(out))
        sys.modules.pop("wbg_basic", None)
