"""Builds the crates in ``examples/`` once per test session with the discovered toolchain."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from wasmforge.build.toolchain import TARGET, Toolchain, ToolchainNotFound, find

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def wasm_toolchain() -> Toolchain:
    """The toolchain with the wasm32 target, or a clean skip when there is none."""
    try:
        return find()
    except ToolchainNotFound as err:
        pytest.skip(f"no Rust toolchain with the {TARGET} target: {err.message}")


@pytest.fixture(scope="session")
def build_example(
    wasm_toolchain: Toolchain, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Path]:
    """``build_example(name)`` -> the release ``.wasm`` of ``examples/<name>``, built once per session.

    Each crate is copied out first so the build writes nothing into the checkout.
    """
    work = tmp_path_factory.mktemp("examples")
    target_dir = work / "target"
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name in built:
            return built[name]
        crate = work / name
        shutil.copytree(EXAMPLES / name, crate, ignore=shutil.ignore_patterns("target"), dirs_exist_ok=True)
        env = wasm_toolchain.env()
        env["CARGO_TARGET_DIR"] = str(target_dir)
        proc = subprocess.run(
            [str(wasm_toolchain.cargo), "build", "--release", "--target", TARGET, "--offline"],
            cwd=crate,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, f"cargo build of examples/{name} failed:\n{proc.stderr}"
        built[name] = target_dir / TARGET / "release" / f"{name}.wasm"
        return built[name]

    return build
