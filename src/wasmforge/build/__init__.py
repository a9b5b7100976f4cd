"""wasmforge.build layer (see DESIGN.md): from a crate to a module, starting with the toolchain.

``toolchain.find()`` returns the cargo/rustc pair that can build for ``wasm32-unknown-unknown``;
``toolchain.check_environment()`` is what ``wasmforge doctor`` shows.
"""

from wasmforge.build.toolchain import (
    TARGET,
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

# `find` is re-exported under a name that says what it finds.
find_toolchain = find

__all__ = [
    "TARGET",
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
]
