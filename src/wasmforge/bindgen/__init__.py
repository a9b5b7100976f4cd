"""The binding protocol: the Rust support crate, its descriptor section, and the Python glue.

* ``rust/`` (shipped inside this package, ``support_crate()`` finds it): the ``wasmforge``
  crate whose ``#[wasmforge::export]`` and ``#[wasmforge::import]`` attributes write exported shims and
  descriptor records (``docs/descriptor-format.md``).
* :mod:`wasmforge.bindgen.descriptors`: ``read(module) -> Descriptors``.
* :mod:`wasmforge.bindgen.python`: ``generate(descriptors, wasm, out_dir, package)``
  writes the glue ``__init__.py``, the ``.pyi`` stub and ``py.typed``.
* :mod:`wasmforge.bindgen.runtime`: what generated glue calls at run time, and the
  errors it raises (``RustError``, ``RustPanic``, ``ClosedError``).
"""

from __future__ import annotations

from pathlib import Path

from wasmforge.bindgen.descriptors import DescriptorError, Descriptors, read
from wasmforge.bindgen.python import GeneratedPackage, GenerateError, generate, package_name, render
from wasmforge.bindgen.runtime import BorrowError, ClosedError, NeedsImports, RustError, RustPanic

__all__ = [
    "BorrowError",
    "ClosedError",
    "DescriptorError",
    "Descriptors",
    "GenerateError",
    "GeneratedPackage",
    "NeedsImports",
    "RustError",
    "RustPanic",
    "generate",
    "package_name",
    "read",
    "render",
    "support_crate",
]


def support_crate() -> Path:
    """The folder of the Rust support crate shipped with this package (holds ``Cargo.toml``)."""
    return Path(__file__).resolve().parent / "rust"
