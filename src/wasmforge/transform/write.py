"""Validated, atomic writes: a module that fails validation is never written, and a failed
write leaves the old file as it was."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
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


def _first_error(data: bytes) -> str | None:
    """wasmtime's first validation error for ``data``, or None when it is valid."""
    import wasmtime

    try:
        wasmtime.Module.validate(_engine(), data)
    except wasmtime.WasmtimeError as e:
        return str(e).strip().splitlines()[0] if str(e).strip() else "invalid module"
    return None


def validate(data: bytes, *, what: str = "module") -> None:
    """Raise :class:`ValidationError` unless ``data`` is a valid module."""
    first = _first_error(data)
    if first is not None:
        raise ValidationError(f"{what} would not be valid: {first}", hint="nothing was written")


_OFFSET = re.compile(r"\s*\(at offset 0x[0-9a-f]+\)")


@dataclass(frozen=True, slots=True)
class Written:
    """What ``write_module`` wrote: its size, and a note when it could not be validated."""

    size: int
    note: str | None = None


def write_module(
    module: Module | bytes, path: str | os.PathLike[str], *, check: bool = True, original: Module | bytes | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Written:
    """Validate (unless ``check`` is false) and atomically write a module, never over one of
    ``inputs`` (see :func:`wasmforge._files.refuse_inputs`).

    With ``original`` (the module the edit started from), a result that wasmtime rejects is
    still written when wasmtime rejects the original in the same way — a proposal wasmtime has
    no switch for, such as legacy exception handling — because the edit did not cause it; the
    returned ``note`` says so.
    """
    data = encode(module) if isinstance(module, Module) else bytes(module)
    note = None
    if check:
        first = _first_error(data)
        if first is not None:
            before = None
            if original is not None:
                before = _first_error(encode(original) if isinstance(original, Module) else bytes(original))
            if before is None or _OFFSET.sub("", before) != _OFFSET.sub("", first):
                raise ValidationError(f"{path} would not be valid: {first}", hint="nothing was written")
            note = f"written without validation: wasmtime rejects the input too ({first})"
    write_atomic(path, data, inputs=inputs)
    return Written(len(data), note)
