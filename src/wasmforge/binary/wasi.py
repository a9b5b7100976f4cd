"""What kind of program a module is, by the WASI application ABI, and which WASI it imports.

A *command* exports ``_start`` (run once, like ``main``); a *reactor* exports ``_initialize``
and then serves calls to its other exports; anything else is a *library* (a cdylib's exports,
called by a host that knows them). The WASI version comes from the import module names:
``wasi_snapshot_preview1`` (WASI 0.1, ``wasm32-wasip1``/``wasm32-wasi``), the older
``wasi_unstable`` (preview 0), and ``wasi:...@0.2.x`` interfaces of WASI 0.2 core modules.
"""

from __future__ import annotations

# typing and dataclasses are not imported at run time: `wasmforge headers` classifies every
# module and must start quickly (tests/cli/test_startup.py)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from wasmforge.binary.module import Module, SectionScan

__all__ = ["WASI_MODULES", "ModuleKind", "classify", "kind_of", "kind_of_scan"]

#: WASI import module names and the version they belong to.
WASI_MODULES = {"wasi_snapshot_preview1": "preview1", "wasi_unstable": "preview0"}


class ModuleKind:
    """A module's role: ``command``, ``reactor`` or ``library``, and its WASI version (or None)."""

    __slots__ = ("kind", "wasi")

    kind: str
    #: ``preview1``, ``preview0``, ``preview2`` or None when the module imports no WASI.
    wasi: str | None

    def __init__(self, kind: str, wasi: str | None) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "wasi", wasi)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ModuleKind is immutable: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModuleKind) and (self.kind, self.wasi) == (other.kind, other.wasi)

    def __hash__(self) -> int:
        return hash((self.kind, self.wasi))

    def __repr__(self) -> str:
        return f"ModuleKind(kind={self.kind!r}, wasi={self.wasi!r})"

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
    """:func:`kind_of` from the import and export sections alone (what ``headers`` scans).

    Reads the export names properly and finds the WASI import modules by their length-prefixed
    names in the import section, so that ``headers`` needs neither the item decoders nor the
    type classes (its start-up time).
    """
    from wasmforge.binary.errors import WasmDecodeError
    from wasmforge.binary.leb128 import read_unsigned
    from wasmforge.binary.module import SectionId

    imports = b""
    exported: list[str] = []
    for s in scan:
        if s.id == SectionId.IMPORT:
            imports = bytes(s.payload)
        elif s.id == SectionId.EXPORT:
            data = bytes(s.payload)
            try:
                count, pos = read_unsigned(data, 0)
                for _ in range(count):
                    n, pos = read_unsigned(data, pos)
                    if pos + n + 1 > len(data):
                        raise ValueError("export section runs past its end")
                    name = data[pos : pos + n].decode("utf-8", "replace")
                    kind = data[pos + n]
                    _, pos = read_unsigned(data, pos + n + 1)
                    if kind == 0:  # a function
                        exported.append(name)
            except ValueError as err:
                raise WasmDecodeError(s.start, "export", str(err)) from None
    modules = [m for m in WASI_MODULES if bytes([len(m)]) + m.encode() in imports]
    if b"wasi:" in imports and b"@0.2" in imports:
        modules.append("wasi:cli@0.2")
    return classify(modules, exported)
