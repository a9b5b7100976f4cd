"""Direct entry points into wasmtime's C API, and the start-up check that guards them.

wasmtime-py's own wrappers convert their arguments on every call; here the functions
take plain addresses (``c_void_p``), so the callers can prepare their arguments once
and pass them without conversion. That uses wasmtime-py's private internals (``_ffi``,
``Store._context``, ``Func._from_raw``, ``Func._func``, ``Memory._memory``,
``Trap._from_ptr``, ...), which a release may change without notice. So on import this
module checks that the installed wasmtime is a tested version and has exactly what is
used here, with the expected sizes; :data:`FAST` says whether it does. When it does not
(or ``WASMFORGE_HOST_FASTPATH=0`` asks so) the host layer runs on wasmtime's public API
(slower, correct), after one warning.
"""

from __future__ import annotations

import ctypes
import os
import warnings
from ctypes import c_size_t, c_uint64, c_void_p
from typing import Any

import wasmtime

#: environment variable: ``0`` makes the host layer use wasmtime's public API only.
FASTPATH_ENV = "WASMFORGE_HOST_FASTPATH"
#: wasmtime-py major versions whose internals the fast path was tested against
#: (keep in step with the ``wasmtime`` requirement in pyproject.toml).
TESTED_MAJORS = (50,)

#: the C API functions the fast path declares itself.
_C_FUNCTIONS = (
    "wasmtime_func_call_unchecked",
    "wasmtime_func_new_unchecked",
    "wasmtime_context_set_epoch_deadline",
    "wasmtime_memory_data",
    "wasmtime_memory_data_size",
    "wasmtime_trap_new",
    "wasm_trap_delete",
    "wasmtime_store_epoch_deadline_callback",
    "wasmtime_error_new",
    "wasmtime_error_delete",
    "wasmtime_instance_export_get",
)
#: private attributes of wasmtime-py classes the fast path relies on.
_PRIVATE = (
    (wasmtime.Store, "_context"),
    (wasmtime.Func, "_from_raw"),
    (wasmtime.Trap, "_from_ptr"),
    (wasmtime.WasmtimeError, "_from_ptr"),
    (wasmtime.Memory, "_from_raw"),
)


def _installed_version() -> str:
    try:
        from importlib.metadata import version

        return version("wasmtime")
    except Exception:  # noqa: BLE001 - an unusual install: the structural checks still decide
        return "unknown"


def _missing_internals() -> str | None:
    """Why the fast path cannot run on the installed wasmtime, or None when it can."""
    installed = _installed_version()
    major = installed.split(".")[0]
    if not major.isdigit() or int(major) not in TESTED_MAJORS:
        tested = ", ".join(f"{m}.x" for m in TESTED_MAJORS)
        return f"wasmtime {installed} is not a tested version (tested: {tested})"
    try:
        from wasmtime import _ffi as ffi
    except ImportError:
        return "wasmtime._ffi is missing"
    for name in ("dll", "wasmtime_val_raw", "wasmtime_func_t", "wasm_trap_t", "wasmtime_error_t", "wasmtime_trap_new"):
        if not hasattr(ffi, name):
            return f"wasmtime._ffi.{name} is missing"
    for name in _C_FUNCTIONS:
        try:
            ffi.dll[name]
        except (AttributeError, KeyError):
            return f"the wasmtime library has no {name}"
    for owner, name in _PRIVATE:
        if not hasattr(owner, name):
            return f"wasmtime.{owner.__name__}.{name} is missing"
    # The layouts the raw calls assume: a 16-byte value slot, a func handle of a u64 store
    # id and a pointer-sized index.
    try:
        from wasmtime._extern import wrap_extern  # noqa: F401
    except ImportError:
        return "wasmtime._extern.wrap_extern is missing"
    if not hasattr(ffi, "wasmtime_extern_t") or not hasattr(ffi, "wasmtime_instance_export_get"):
        return "wasmtime._ffi has no wasmtime_extern_t or wasmtime_instance_export_get"
    if ctypes.sizeof(ffi.wasmtime_val_raw) != 16:
        return "wasmtime._ffi.wasmtime_val_raw is not 16 bytes"
    if ctypes.sizeof(ffi.wasmtime_func_t) != 16:
        return "wasmtime._ffi.wasmtime_func_t is not 16 bytes"
    return None


def _decide() -> tuple[bool, str]:
    if os.environ.get(FASTPATH_ENV, "").strip() == "0":
        return False, f"{FASTPATH_ENV}=0"
    missing = _missing_internals()
    if missing is not None:
        warnings.warn(
            f"wasmforge.host: {missing}; using wasmtime's public API instead of the fast call path "
            "(slower, correct)",
            RuntimeWarning,
            stacklevel=2,
        )
        return False, missing
    return True, ""


FAST, FALLBACK_REASON = _decide()


def memoryview_at(address: int, size: int) -> memoryview:
    """A writable byte memoryview over ``size`` bytes at ``address`` (no copy, no owner)."""
    if size == 0:
        return memoryview(bytearray())
    view: memoryview = _memoryview_from_memory(address, size, _PYBUF_WRITE)
    return view


_memoryview_from_memory = ctypes.pythonapi.PyMemoryView_FromMemory
_memoryview_from_memory.restype = ctypes.py_object
_memoryview_from_memory.argtypes = [c_void_p, ctypes.c_ssize_t, ctypes.c_int]
_PYBUF_WRITE = 0x200

#: a raw value slot of the unchecked calling convention (a union padded for v128).
SLOT_SIZE = 16

if FAST:
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
    _trap_new = _entry("wasmtime_trap_new", c_void_p, [ctypes.c_char_p, c_size_t])
    _trap_delete = _entry("wasm_trap_delete", None, [c_void_p])
    _error_new = _entry("wasmtime_error_new", c_void_p, [ctypes.c_char_p])
    _error_delete = _entry("wasmtime_error_delete", None, [c_void_p])
    SLOT_SIZE = ctypes.sizeof(ffi.wasmtime_val_raw)
    _epoch_callback = _entry("wasmtime_store_epoch_deadline_callback", None, None)


def context_address(store: object) -> int:
    """Address of a ``wasmtime.Store``'s context."""
    return ctypes.cast(store._context(), c_void_p).value or 0  # type: ignore[attr-defined]


def new_trap(message: str) -> int:
    """A new ``wasm_trap_t*`` (as an address) whose ownership passes to the caller."""
    data = message.encode()
    return int(_trap_new(data, len(data)) or 0)


def delete_trap(address: int) -> None:
    """Free a trap made by :func:`new_trap` that was never handed to wasmtime."""
    _trap_delete(address)


def new_error(message: str) -> int:
    """A new ``wasmtime_error_t*`` (as an address) whose ownership passes to the caller."""
    return int(_error_new(message.encode()) or 0)


def delete_error(address: int) -> None:
    """Free a ``wasmtime_error_t*`` returned by a call."""
    _error_delete(address)


def export_get(store: object, instance: object, name: str) -> Any:
    """The export ``name`` of a ``wasmtime.Instance`` (a Func, Memory, ...), or None.

    One lookup by name: wasmtime-py's ``Instance.exports()`` walks every export with
    ``export_nth``, which costs time quadratic in the number of exports.
    """
    from wasmtime._extern import wrap_extern

    data = name.encode("utf-8", "surrogatepass")
    item = ffi.wasmtime_extern_t()
    found = ffi.wasmtime_instance_export_get(
        store._context(),  # type: ignore[attr-defined]
        ctypes.byref(instance._instance),  # type: ignore[attr-defined]
        ctypes.create_string_buffer(data, len(data)),
        len(data),
        ctypes.byref(item),
    )
    return wrap_extern(item) if found else None


def set_epoch_callback(store: Any, callback: Any) -> None:
    """Make ``callback`` (an ``_interrupts.EPOCH_CALLBACK``) the store's epoch deadline callback."""
    _epoch_callback(ctypes.cast(store.ptr(), c_void_p), callback, None, None)
