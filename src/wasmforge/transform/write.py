"""Validated, atomic writes: a module that fails validation is never written, and a failed
write leaves the old file as it was."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from wasmforge._files import write_atomic
from wasmforge.binary import Module, encode
from wasmforge.errors import WasmforgeError


class ValidationError(WasmforgeError):
    """The module that would be written is not valid WebAssembly."""


if TYPE_CHECKING:
    import wasmtime

_ENGINE: wasmtime.Engine | None = None


def _engine() -> wasmtime.Engine:
    # An engine with every proposal wasmtime knows turned on: a tool that edits modules must
    # accept what the modules' producers accept (GC, exceptions, threads, memory64 …).
    global _ENGINE
    if _ENGINE is None:
        import wasmtime

        config = wasmtime.Config()
        for feature in ("wasm_threads", "wasm_reference_types", "wasm_simd", "wasm_relaxed_simd",
                        "wasm_bulk_memory", "wasm_multi_value", "wasm_multi_memory", "wasm_memory64",
                        "wasm_tail_call", "wasm_gc", "wasm_function_references", "wasm_exceptions",
                        "wasm_custom_page_sizes", "wasm_wide_arithmetic"):
            # Config's feature switches are write-only properties, so hasattr() is always False
            # for them: try each one instead (an older wasmtime may lack some).
            try:
                setattr(config, feature, True)
            except AttributeError:
                pass
        _ENGINE = wasmtime.Engine(config)
    return _ENGINE


def validate(data: bytes, *, what: str = "module") -> None:
    """Raise :class:`ValidationError` unless ``data`` is a valid module."""
    import wasmtime

    try:
        wasmtime.Module.validate(_engine(), data)
    except wasmtime.WasmtimeError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else "invalid module"
        raise ValidationError(f"{what} would not be valid: {first}", hint="nothing was written") from None


def write_module(module: Module | bytes, path: str | os.PathLike[str], *, check: bool = True) -> int:
    """Validate (unless ``check`` is false) and atomically write a module; returns the bytes written."""
    data = encode(module) if isinstance(module, Module) else bytes(module)
    if check:
        validate(data, what=str(path))
    write_atomic(path, data)
    return len(data)
