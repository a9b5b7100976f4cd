"""Dropping the exports a cdylib gets from the linker but nothing uses.

``wasm-ld`` exports ``__data_end`` and ``__heap_base`` from every Rust cdylib, and the memory
even when no instruction touches it. They only matter to a host that manages the module's
memory: one that provides it (the module imports its memory) or provides its allocator (the
module imports ``malloc``/``free``), so they stay then. A memory export also stays whenever
the module could read or write that memory (a data segment or any memory instruction).
Without them ``wasm-opt`` can drop the globals and the memory too: ``examples/add`` is then
the article's two functions and nothing else.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LINKER_EXPORTS", "unused_exports", "without_exports"]

#: the bookkeeping globals wasm-ld exports from a cdylib.
LINKER_EXPORTS = ("__data_end", "__heap_base")
#: imports that mean the host manages the module's heap (wasmforge.host's allocators).
_HOST_HEAP_IMPORTS = frozenset({"malloc", "free", "realloc"})


def _touches_memory(module: Any) -> bool:
    """Whether any function body has a load, a store or a ``memory.*`` instruction."""
    for body in module.code:
        for _offset, op, _imm in body.instructions():
            if "memarg" in op.imms or op.name.startswith("memory."):
                return True
    return False


def unused_exports(module: Any) -> tuple[str, ...]:
    """The names of linker exports that no host needs (see the module docstring)."""
    from wasmforge.binary.types import ExternKind

    imports = module.imports
    if any(i.kind == ExternKind.MEMORY for i in imports):
        return ()
    if any(i.kind == ExternKind.FUNC and i.name in _HOST_HEAP_IMPORTS for i in imports):
        return ()
    exports = module.exports
    names = [e.name for e in exports if e.name in LINKER_EXPORTS and e.kind == ExternKind.GLOBAL]
    memories = [e.name for e in exports if e.kind == ExternKind.MEMORY]
    if memories and not module.data_segments and not _touches_memory(module):
        names += memories
    return tuple(names)


def without_exports(module: Any, names: tuple[str, ...]) -> Any:
    """A copy of ``module`` without the exports called ``names`` (every other section byte for byte)."""
    from wasmforge.binary import SectionId, replace_sections

    if not names:
        return module
    kept = [e for e in module.exports if e.name not in names]
    return replace_sections(module, {SectionId.EXPORT: kept})
