"""Running modules from Python on wasmtime (see ``docs/host-api.md``).

``load(path | bytes | Module, imports=..., limits=...) -> Instance``; typed exports
(``instance.exports.add(40, 2)``), memory access, host-supplied memory and allocator,
limits (memory, fuel, deadline), traps as :class:`WasmTrap`; ``run_command(path, args)``
runs a WASI command as ``wasmtime run`` does. The heavy modules
(wasmtime itself) are imported on first use of anything but the plain data types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._config import PAGE_SIZE, HostMemory, Limits, WasiConfig
from ._errors import (
    HostError,
    InstancePoisoned,
    LinkError,
    MemoryAccessError,
    MemoryLimitError,
    TraceFrame,
    TrapKind,
    WasiExit,
    WasmTrap,
)
from ._types import Signature

if TYPE_CHECKING:
    from ._allocator import Allocator, BumpAllocator, FreeListAllocator
    from ._command import TRAP_EXIT_CODE, CommandResult, run_command
    from ._instance import (
        ExportedFunction,
        Exports,
        Global,
        HostFunction,
        Instance,
        host_function,
        load,
    )
    from ._memory import Memory
    from ._module import ExportInfo, ImportInfo, Module, engine_for

__all__ = [
    "PAGE_SIZE",
    "TRAP_EXIT_CODE",
    "Allocator",
    "BumpAllocator",
    "CommandResult",
    "ExportInfo",
    "ExportedFunction",
    "Exports",
    "FreeListAllocator",
    "Global",
    "HostError",
    "HostFunction",
    "HostMemory",
    "ImportInfo",
    "Instance",
    "InstancePoisoned",
    "Limits",
    "LinkError",
    "Memory",
    "MemoryAccessError",
    "MemoryLimitError",
    "Module",
    "Signature",
    "TraceFrame",
    "TrapKind",
    "WasiConfig",
    "WasiExit",
    "WasmTrap",
    "engine_for",
    "host_function",
    "load",
    "run_command",
]

_LAZY = {
    "Allocator": "_allocator",
    "BumpAllocator": "_allocator",
    "FreeListAllocator": "_allocator",
    "CommandResult": "_command",
    "TRAP_EXIT_CODE": "_command",
    "run_command": "_command",
    "ExportedFunction": "_instance",
    "Exports": "_instance",
    "Global": "_instance",
    "HostFunction": "_instance",
    "Instance": "_instance",
    "host_function": "_instance",
    "load": "_instance",
    "Memory": "_memory",
    "ExportInfo": "_module",
    "ImportInfo": "_module",
    "Module": "_module",
    "engine_for": "_module",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'wasmforge.host' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
