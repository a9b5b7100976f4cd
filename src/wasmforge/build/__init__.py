"""The pipeline from a Rust crate to a Python package (see DESIGN.md).

``build(path, profile=...)`` runs cargo for ``wasm32-unknown-unknown``, reads the
descriptors, generates the glue and stubs, runs ``wasm-opt``, strips, and writes the
package folder, reporting the size of each step; ``pack(path)`` also writes a
``py3-none-any`` wheel; ``create_crate(path)`` starts a new crate.

``toolchain.find()`` returns the cargo/rustc pair that can build for ``wasm32-unknown-unknown``;
``toolchain.check_environment()`` is what ``wasmforge doctor`` shows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from wasmforge.build.cargo import PROFILES, BuildError, CrateError, CrateInfo, compile, inspect_crate
from wasmforge.build.new import NewCrateError, create_crate
from wasmforge.build.optimize import OptimizeError, optimize
from wasmforge.build.pipeline import BuildResult, NoExportsError, SizeStep, build
from wasmforge.build.toolchain import (
    TARGET,
    WASI_SPELLINGS,
    WASI_TARGETS,
    Candidate,
    Check,
    EnvironmentReport,
    Tool,
    Toolchain,
    ToolchainNotFound,
    check_environment,
    find,
    find_wasm_linker,
    find_wasm_opt,
)
from wasmforge.build.wheel import WheelError, write_wheel

# `find` is re-exported under a name that says what it finds.
find_toolchain = find

__all__ = [
    "TARGET",
    "WASI_SPELLINGS",
    "WASI_TARGETS",
    "Candidate",
    "Check",
    "EnvironmentReport",
    "Tool",
    "Toolchain",
    "ToolchainNotFound",
    "check_environment",
    "find",
    "find_toolchain",
    "find_wasm_linker",
    "find_wasm_opt",
    "PROFILES",
    "BuildError",
    "BuildResult",
    "CrateError",
    "CrateInfo",
    "NewCrateError",
    "NoExportsError",
    "OptimizeError",
    "SizeStep",
    "WheelError",
    "build",
    "compile",
    "create_crate",
    "inspect_crate",
    "optimize",
    "pack",
    "write_wheel",
]


def pack(
    path: str | os.PathLike[str] = ".",
    *,
    out_dir: str | os.PathLike[str] | None = None,
    target_dir: str | os.PathLike[str] | None = None,
    stderr: IO[str] | None = None,
    quiet: bool = False,
    **kwargs: Any,
) -> tuple[BuildResult, Path]:
    """Build the crate (release) and write its wheel to ``out_dir`` (default ``<crate>/dist``)."""
    result = build(path, profile="release", target_dir=target_dir, stderr=stderr, quiet=quiet, **kwargs)
    dist = Path(out_dir) if out_dir else result.crate.root / "dist"
    wheel = write_wheel(result.package_dir, dist, name=result.package, version=result.crate.version)
    return result, wheel
