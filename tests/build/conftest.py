"""Fixtures of the build tests: crates built by the pipeline once per session."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from wasmforge.build.toolchain import Toolchain

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

# `toolchain` (parametrized over every toolchain with the wasm32 target) comes from tests/conftest.py.


@pytest.fixture(scope="session")
def wasm_opt() -> Any:
    """binaryen's wasm-opt as the pipeline finds it, or a skip that names the package to install."""
    from wasmforge.build.toolchain import find_wasm_opt

    tool = find_wasm_opt()
    if tool is None:
        pytest.skip("wasm-opt not installed (optional; apt-get install binaryen)")
    return tool


@pytest.fixture(scope="session")
def build_target_dir(toolchain_target_dir: Path) -> Path:
    """The CARGO_TARGET_DIR shared by every build of the session with this toolchain."""
    return toolchain_target_dir


@pytest.fixture(scope="session")
def build_example(
    toolchain: Toolchain, build_target_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Any]:
    """``build_example(name, profile="release")`` -> BuildResult of ``examples/<name>``, built once."""
    from wasmforge.build import build

    out = tmp_path_factory.mktemp(f"example-packages-{toolchain.version}")
    built: dict[tuple[str, str], Any] = {}

    def run(name: str, profile: str = "release") -> Any:
        key = (name, profile)
        if key not in built:
            built[key] = build(
                EXAMPLES / name,
                profile=profile,
                out_dir=out / profile,
                target_dir=build_target_dir,
                toolchain=toolchain,
                quiet=True,
            )
        return built[key]

    return run


@pytest.fixture(scope="session")
def example_package(build_example: Callable[..., Any]) -> Iterator[Callable[[str], ModuleType]]:
    """``example_package(name)`` -> the imported package of the example's release build."""
    imported: dict[str, ModuleType] = {}

    def load(name: str) -> ModuleType:
        if name not in imported:
            result = build_example(name)
            parent = str(result.package_dir.parent)
            if parent not in sys.path:
                sys.path.insert(0, parent)
            imported[name] = importlib.import_module(result.package)
        return imported[name]

    yield load
    for name in imported:
        sys.modules.pop(name, None)


def write_crate(root: Path, cargo_toml: str, lib_rs: str) -> Path:
    """A throwaway crate for error cases."""
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "Cargo.toml").write_text(cargo_toml, encoding="utf-8")
    (root / "src" / "lib.rs").write_text(lib_rs, encoding="utf-8")
    return root
