"""What kind of program a module is, by the WASI application ABI, and which WASI it imports.

A *command* exports ``_start`` (run once, like ``main``); a *reactor* exports ``_initialize``
and then serves calls to its other exports; anything else is a *library* (a cdylib's exports,
called by a host that knows them). The WASI version comes from the import module names:
``wasi_snapshot_preview1`` (WASI 0.1, ``wasm32-wasip1``/``wasm32-wasi``), the older
``wasi_unstable`` (preview 0), and ``wasi:...@0.2.x`` interfaces of WASI 0.2 core modules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wasmforge.binary.module import Module, SectionScan

__all__ = ["WASI_MODULES", "ModuleKind", "classify", "kind_of", "kind_of_scan"]

#: WASI import module names and the version they belong to.
WASI_MODULES = {"wasi_snapshot_preview1": "preview1", "wasi_unstable": "preview0"}


@dataclass(frozen=True, slots=True)
class ModuleKind:
    """A module's role: ``command``, ``reactor`` or ``library``, and its WASI version (or None)."""

    kind: str
    #: ``preview1``, ``preview0``, ``preview2`` or None when the module imports no WASI.
    wasi: str | None

    def describe(self) -> str:
        """One phrase, e.g. ``"WASI command (wasi_snapshot_preview1)"`` or ``"library, no WASI"``."""
        if self.wasi is None:
            return f"{self.kind}, no WASI"
        source = next((name for name, version in WASI_MODULES.items() if version == self.wasi), "wasi:*@0.2")
        return f"WASI {self.kind} ({source})"


def _wasi_version(module: str) -> str | None:
    if module in WASI_MODULES:
        return WASI_MODULES[module]
    if module.startswith("wasi:") and "@0.2" in module:
        return "preview2"
    return None


def classify(import_modules: Iterable[str], function_exports: Iterable[str]) -> ModuleKind:
    """The kind of a module from its import module names and exported function names."""
    exported = set(function_exports)
    kind = "command" if "_start" in exported else "reactor" if "_initialize" in exported else "library"
    wasi = next((v for v in map(_wasi_version, import_modules) if v is not None), None)
    return ModuleKind(kind, wasi)


def kind_of(module: Module) -> ModuleKind:
    """:func:`classify` for a :class:`wasmforge.binary.Module`."""
    from wasmforge.binary.types import ExternKind

    functions = (e.name for e in module.exports if e.kind == ExternKind.FUNC)
    return classify((i.module for i in module.imports), functions)


def kind_of_scan(scan: SectionScan) -> ModuleKind:
    """:func:`kind_of` from the import and export sections alone (what ``headers`` scans)."""
    from wasmforge.binary.module import SectionId, read_module

    wanted = (SectionId.IMPORT, SectionId.EXPORT)
    parts = [bytes(scan.buffer[s.offset : s.end]) for s in scan if s.id in wanted]
    return kind_of(read_module(b"\0asm\x01\0\0\0" + b"".join(parts)))
