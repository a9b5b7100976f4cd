"""``wasmforge new NAME``: a crate that builds into a Python package and tests itself at once."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from wasmforge.errors import WasmforgeError

__all__ = ["NewCrateError", "create_crate"]


#: where a new crate keeps its copy of the support crate (a relative path dependency).
SUPPORT_FOLDER = "wasmforge-support"


class NewCrateError(WasmforgeError):
    """The crate cannot be created there (name not valid, folder not empty)."""


_CARGO_TOML = """\
[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
# cdylib: the wasm module; rlib: lets other crates and `cargo test` use the code.
crate-type = ["cdylib", "rlib"]

[dependencies]
# The support crate (#[wasmforge::export], #[wasmforge::import]; its macro crate is inside), copied from the wasmforge that made
# this crate, so the crate builds offline and wherever it is moved.
wasmforge = {{ path = "{support}" }}

[profile.release]
# Small modules: whole-program optimisation, size-first code, no unwinding machinery.
lto = true
opt-level = "z"
codegen-units = 1
panic = "abort"

[package.metadata.wasmforge]
# wasm-opt level for release builds (false to skip).
wasm-opt = "-Oz"
"""

_LIB_RS = """\
//! {name}: Rust functions for Python, through WebAssembly.

/// Greets someone by name.
#[wasmforge::export]
pub fn greet(name: &str) -> String {{
    format!("Hello, {{}}!", name)
}}

/// Adds two numbers.
#[wasmforge::export]
pub fn add(a: i64, b: i64) -> i64 {{
    a.wrapping_add(b)
}}
"""

_TEST_PY = '''\
"""Builds the crate into a Python package and calls it (run: python -m pytest tests)."""

import importlib
import sys
from pathlib import Path

from wasmforge.build import build

CRATE = Path(__file__).resolve().parents[1]


def test_{package}_from_python(tmp_path):
    result = build(CRATE, profile="release", out_dir=tmp_path, quiet=True)
    sys.path.insert(0, str(tmp_path))
    try:
        {package} = importlib.import_module("{package}")
        assert {package}.greet("world") == "Hello, world!"
        assert {package}.add(40, 2) == 42
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("{package}", None)
    assert result.sizes[-1].size < result.sizes[0].size
'''

_GITIGNORE = "/target/\n/pkg/\n/dist/\n__pycache__/\n"


def create_crate(path: str | os.PathLike[str], name: str | None = None) -> Path:
    """Create a crate folder at ``path`` (named after the folder unless ``name``); returns it."""
    from wasmforge.bindgen import package_name, support_crate

    root = Path(path)
    name = name or root.name
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name):
        raise NewCrateError(
            f"{name!r} is not a valid crate name",
            hint="use letters, digits, '-' and '_', starting with a letter (e.g. hello)",
        )
    if root.exists() and any(root.iterdir()):
        raise NewCrateError(f"{root}: folder exists and is not empty", hint="pick a new folder name")
    package = package_name(name)
    files = {
        "Cargo.toml": _CARGO_TOML.format(name=name, support=SUPPORT_FOLDER),
        "src/lib.rs": _LIB_RS.format(name=name),
        f"tests/test_{package}.py": _TEST_PY.format(package=package),
        ".gitignore": _GITIGNORE,
    }
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    shutil.copytree(support_crate(), root / SUPPORT_FOLDER, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
    return root
