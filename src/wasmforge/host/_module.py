"""Compiled modules and the engines they are compiled for."""

from __future__ import annotations

import functools
import importlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import wasmtime

from ..errors import printable
from ._errors import HostError
from ._types import Signature

#: WASI import module names and the version each belongs to.
WASI_VERSIONS = {"wasi_snapshot_preview1": "preview1", "wasi_unstable": "preview0"}

#: seconds between epoch ticks of engines with deadlines (deadline resolution).
EPOCH_TICK = 0.01

_engines: dict[tuple[bool, bool], wasmtime.Engine] = {}
_engines_lock = threading.Lock()


def _tick(engine: wasmtime.Engine) -> None:
    # One increment per EPOCH_TICK of sleep, never more: the epoch cannot run ahead of the
    # wall clock, so a deadline of N ticks never fires early (catching up after a late wake-up
    # did: it interrupted calls before their deadline). A starved thread only makes deadlines
    # late. Runs for the life of the process; at interpreter shutdown wasmtime's bindings go
    # away under it, which ends the loop quietly.
    while True:
        time.sleep(EPOCH_TICK)
        try:
            engine.increment_epoch()
        except Exception:
            return


def engine_for(fuel: bool = False, epoch: bool = True, shared_memory: bool = False) -> wasmtime.Engine:
    """The shared engine with fuel metering and/or shared memories (wasm threads) switched on.

    Engines are made once per combination: fuel checks cost speed, so modules without a
    fuel limit run on an engine without them. Every engine checks epochs (``epoch`` is
    accepted for compatibility): that is how Ctrl-C and deadlines reach running wasm code.
    """
    key = (fuel, shared_memory)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            config = wasmtime.Config()
            config.consume_fuel = fuel
            config.epoch_interruption = True
            if shared_memory:
                config.shared_memory = True
                config.wasm_threads = True
            engine = wasmtime.Engine(config)
            threading.Thread(target=_tick, args=(engine,), name="wasmforge-epoch", daemon=True).start()
            _engines[key] = engine
    return engine


def signature_of(func_type: wasmtime.FuncType) -> Signature:
    """The :class:`Signature` of a ``wasmtime.FuncType``."""
    return Signature(tuple(str(t) for t in func_type.params), tuple(str(t) for t in func_type.results))


def describe_type(item_type: Any) -> str:
    """Short text for an import or export type: ``func (i32) -> i32``, ``memory 17.. pages``."""
    if isinstance(item_type, wasmtime.FuncType):
        return f"func {signature_of(item_type)}"
    if isinstance(item_type, wasmtime.MemoryType):
        limits = item_type.limits
        upper = "" if limits.max is None else str(limits.max)
        return f"memory {limits.min}..{upper} pages"
    if isinstance(item_type, wasmtime.GlobalType):
        return f"global {'mut ' if item_type.mutable else ''}{item_type.content}"
    if isinstance(item_type, wasmtime.TableType):
        return f"table {item_type.element}"
    return type(item_type).__name__


@dataclass(frozen=True, slots=True)
class ImportInfo:
    """One import a module declares."""

    module: str
    name: str
    #: ``func``, ``memory``, ``global``, ``table`` or ``tag``.
    kind: str
    #: e.g. ``func (i32, i32) -> i32`` or ``memory 17.. pages``.
    type: str

    def __str__(self) -> str:
        return f"{self.module}.{self.name}: {self.type}"


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """One export a module declares."""

    name: str
    kind: str
    type: str


class Module:
    """A validated, compiled module; load it many times with :func:`wasmforge.host.load`.

    ``source`` is a path, or the module's bytes. Compiling is the slow step, so keep a
    ``Module`` around when the same module is instantiated repeatedly. The module is
    compiled again (once) for an engine with fuel or epoch checks when limits ask for them.
    """

    def __init__(self, source: str | os.PathLike[str] | bytes | bytearray | memoryview, *, name: str | None = None):
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            try:
                data = path.read_bytes()
            except OSError as err:
                raise HostError(f"{path}: cannot read module: {err.strerror or err}") from None
            self.name = name or str(path)
        elif isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            self.name = name or "<bytes>"
        else:
            raise TypeError(f"Module() takes a path or bytes, not {type(source).__name__}")
        if data[:4] != b"\0asm":
            # Text modules are accepted too, as wasmtime does.
            try:
                data = bytes(wasmtime.wat2wasm(data.decode("utf-8")))
            except (UnicodeDecodeError, wasmtime.WasmtimeError) as err:
                first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                raise HostError(
                    f"{self.name}: not a wasm module (no \\0asm header) and not WAT: {first}",
                    hint="pass a .wasm file or WebAssembly text",
                ) from None
        self.bytes = bytes(data)
        _refuse_unsupported_signatures(self.bytes, self.name)
        self._compiled: dict[tuple[bool, bool], wasmtime.Module] = {}
        self._lock = threading.Lock()
        self.compiled(engine_for())

    @classmethod
    def _from_wasmtime(cls, module: wasmtime.Module) -> Module:
        self = cls.__new__(cls)
        self.name = "<wasmtime.Module>"
        self.bytes = b""
        self._compiled = {(False, False): module}  # as if made for the default engine
        self._lock = threading.Lock()
        return self

    @functools.cached_property
    def _imports(self) -> tuple[ImportInfo, ...]:
        return tuple(
            ImportInfo(i.module, i.name or "", _kind(i.type), describe_type(i.type)) for i in self._any_compiled().imports
        )

    @functools.cached_property
    def _exports(self) -> tuple[ExportInfo, ...]:
        return tuple(
            ExportInfo(e.name, _kind(e.type), describe_type(e.type)) for e in self._any_compiled().exports
        )

    def _any_compiled(self) -> wasmtime.Module:
        with self._lock:
            return next(iter(self._compiled.values()))

    def compiled(self, engine: wasmtime.Engine) -> wasmtime.Module:
        """The ``wasmtime.Module`` for ``engine`` (one of :func:`engine_for`'s), compiling on first use."""
        key = next((k for k, e in _engines.items() if e is engine), None)
        if key is None:
            raise HostError("Module.compiled() takes an engine made by engine_for()")
        with self._lock:
            module = self._compiled.get(key)
            if module is None:
                if not self.bytes:
                    raise HostError(
                        "a wasmtime.Module cannot be recompiled for fuel or deadline limits",
                        hint="pass the module's path or bytes to load() instead",
                    )
                try:
                    module = wasmtime.Module(engine, self.bytes)
                except wasmtime.WasmtimeError as err:
                    lines = [line.strip() for line in str(err).strip().splitlines() if line.strip()]
                    detail = printable("; ".join(lines[:3]))
                    raise HostError(f"{self.name}: invalid module: {detail}") from None
                self._compiled[key] = module
        return module

    @functools.cached_property
    def export_names(self) -> dict[int, str]:
        """Function index -> export name, for naming frames of modules without a name section."""
        if not self.bytes:
            return {}
        binary = optional_layer("wasmforge.binary")
        if binary is None:  # the runtime copy inside a generated package has no binary layer
            return {}
        ExternKind, WasmDecodeError, read_module = binary.ExternKind, binary.WasmDecodeError, binary.read_module
        try:
            parsed = read_module(self.bytes)
            names: dict[int, str] = {}
            for export in parsed.exports:
                if export.kind == ExternKind.FUNC:
                    names.setdefault(export.index, export.name)
            return names
        except (WasmDecodeError, ValueError):  # wasmtime accepted it; naming is best effort
            return {}

    @functools.cached_property
    def defined_counts(self) -> tuple[int, int]:
        """(memories, tables) the module defines (imports aside): what limits share out."""
        defined = _defined_counts(self.bytes) if self.bytes else {}
        return defined.get(_MEMORY_SECTION, 0), defined.get(_TABLE_SECTION, 0)

    @property
    def imports(self) -> tuple[ImportInfo, ...]:
        """Every import, in declaration order."""
        return self._imports

    @property
    def wasi_version(self) -> str | None:
        """The WASI the module imports: ``"preview1"`` (``wasi_snapshot_preview1``),
        ``"preview0"`` (``wasi_unstable``), or None."""
        # The same names as wasmforge.binary.wasi; kept here too, since the host layer also
        # ships alone inside generated packages.
        return next((WASI_VERSIONS[i.module] for i in self._imports if i.module in WASI_VERSIONS), None)

    @property
    def kind(self) -> str:
        """``"command"`` (exports ``_start``), ``"reactor"`` (exports ``_initialize``) or ``"library"``."""
        functions = {e.name for e in self._exports if e.kind == "func"}
        return "command" if "_start" in functions else "reactor" if "_initialize" in functions else "library"

    @property
    def exports(self) -> tuple[ExportInfo, ...]:
        """Every export, in declaration order."""
        return self._exports

    def __repr__(self) -> str:
        return f"<wasm module {self.name}: {len(self._imports)} imports, {len(self._exports)} exports>"


def optional_layer(name: str) -> Any:
    """The wasmforge layer ``name`` if it is installed, else None.

    The host layer also runs as the private runtime copy inside generated packages, where
    only ``wasmtime`` is installed; what it takes from other layers (naming, checks) is optional.
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_TABLE_SECTION, _MEMORY_SECTION = 4, 5


def _leb(data: bytes, offset: int) -> tuple[int, int]:
    # An unsigned LEB128 at offset: (value, offset after it). The module is valid (wasmtime
    # compiled it), so only the length is guarded.
    value = shift = 0
    while offset < len(data):
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, offset


def _defined_counts(data: bytes) -> dict[int, int]:
    """Item counts of the table and memory sections, from the section headers alone."""
    counts: dict[int, int] = {}
    offset = 8
    while offset < len(data):
        section = data[offset]
        size, start = _leb(data, offset + 1)
        if section in (_TABLE_SECTION, _MEMORY_SECTION):
            counts[section] = _leb(data, start)[0]
        offset = start + size
    return counts


def _kind(item_type: Any) -> str:
    return {
        wasmtime.FuncType: "func",
        wasmtime.MemoryType: "memory",
        wasmtime.GlobalType: "global",
        wasmtime.TableType: "table",
    }.get(type(item_type), "tag")


def _refuse_unsupported_signatures(data: bytes, name: str) -> None:
    # wasmtime's C API aborts the whole process when asked for the type of an import or
    # export involving v128 or a reference type other than funcref/externref (exnref, anyref,
    # (ref $t) …), so such imports and exports are refused up front, from our own decoding.
    binary = optional_layer("wasmforge.binary")
    if binary is None:  # the runtime copy inside a generated package: its module was checked when built
        return
    AbsHeap, ExternKind, FuncType, NumType = binary.AbsHeap, binary.ExternKind, binary.FuncType, binary.NumType
    RefType, WasmDecodeError, read_module = binary.RefType, binary.WasmDecodeError, binary.read_module

    def unsupported(t: object) -> str | None:
        if t is NumType.V128:
            return "v128"
        if isinstance(t, RefType):
            heap = t.heap
            if not (t.nullable and not heap.shared and heap.abstract in (AbsHeap.FUNC, AbsHeap.EXTERN)):
                return str(t)
        return None

    def first_unsupported(kind: Any, desc: object) -> str | None:
        types: tuple[object, ...] = ()
        if kind == ExternKind.FUNC and isinstance(desc, FuncType):
            types = desc.params + desc.results
        elif kind == ExternKind.GLOBAL:
            types = (getattr(desc, "type", None),)
        elif kind == ExternKind.TABLE:
            types = (getattr(desc, "elem", None),)
        return next((u for u in map(unsupported, types) if u is not None), None)

    try:
        parsed = read_module(data)
        offending = []
        for item in parsed.imports:
            desc = parsed.types[item.desc].comp if item.kind == ExternKind.FUNC else item.desc
            bad = first_unsupported(item.kind, desc)
            if bad:
                offending.append(f"import {printable(item.module)}.{printable(item.name)} ({bad})")
        for export in parsed.exports:
            if export.kind == ExternKind.FUNC:
                desc = parsed.function_type(export.index)
            elif export.kind == ExternKind.GLOBAL:
                desc = parsed.global_type(export.index)
            elif export.kind == ExternKind.TABLE:
                desc = parsed.table_type(export.index)
            else:
                continue
            bad = first_unsupported(export.kind, desc)
            if bad:
                offending.append(f"export {printable(export.name)} ({bad})")
    except (WasmDecodeError, ValueError, IndexError, AttributeError, TypeError):
        return  # wasmtime's own validation reports a broken module
    if offending:
        raise HostError(
            f"{name}: {', '.join(offending)} passes values the host layer cannot handle "
            "(it supports numbers, funcref and externref across the boundary)",
            hint="keep v128 and other reference types inside the module: use them in internal functions only",
        )
