"""Direct entry points into wasmtime's C API, declared for speed.

wasmtime-py's own wrappers convert their arguments on every call; here the
functions take plain addresses (``c_void_p``), so the callers can prepare their
arguments once and pass them without conversion.
"""

from __future__ import annotations

import ctypes
from ctypes import c_size_t, c_uint64, c_void_p
from typing import Any

from wasmtime import _ffi as ffi


def _entry(name: str, restype: Any, argtypes: list[Any] | None) -> Any:
    # dll[name] makes a fresh function object, so wasmtime-py's own declaration is untouched.
    func = ffi.dll[name]
    func.restype = restype
    if argtypes is not None:
        func.argtypes = argtypes
    return func


#: (context, func*, values*, nvalues, trap**) -> error*; arguments as prepared c_void_p/c_size_t.
call_unchecked = _entry("wasmtime_func_call_unchecked", c_void_p, None)
#: (context, ticks) -> None
set_epoch_deadline = _entry("wasmtime_context_set_epoch_deadline", None, [c_void_p, c_uint64])
#: (context, memory*) -> base address
memory_data = _entry("wasmtime_memory_data", c_void_p, [c_void_p, c_void_p])
#: (context, memory*) -> byte length
memory_data_size = _entry("wasmtime_memory_data_size", c_size_t, [c_void_p, c_void_p])

#: a raw value slot of the unchecked calling convention (a union padded for v128).
SLOT_SIZE = ctypes.sizeof(ffi.wasmtime_val_raw)

_memoryview_from_memory = ctypes.pythonapi.PyMemoryView_FromMemory
_memoryview_from_memory.restype = ctypes.py_object
_memoryview_from_memory.argtypes = [c_void_p, ctypes.c_ssize_t, ctypes.c_int]
_PYBUF_WRITE = 0x200


def memoryview_at(address: int, size: int) -> memoryview:
    """A writable byte memoryview over ``size`` bytes at ``address`` (no copy, no owner)."""
    if size == 0:
        return memoryview(bytearray())
    view: memoryview = _memoryview_from_memory(address, size, _PYBUF_WRITE)
    return view


def context_address(store: object) -> int:
    """Address of a ``wasmtime.Store``'s context."""
    return ctypes.cast(store._context(), c_void_p).value or 0  # type: ignore[attr-defined]


def new_trap(message: str) -> int:
    """A new ``wasm_trap_t*`` (as an address) whose ownership passes to the caller."""
    data = message.encode()
    trap = ffi.wasmtime_trap_new(ctypes.create_string_buffer(data), len(data))
    return ctypes.cast(trap, c_void_p).value or 0
