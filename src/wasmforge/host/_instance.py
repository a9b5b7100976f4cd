"""Instances: loading a module with Python imports, typed exports, traps and poisoning."""

from __future__ import annotations

import ctypes
import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import wasmtime

from ..errors import printable
from . import _interrupts, _raw
from ._allocator import Allocator, make_allocator
from ._calls import (
    HOST_CALLBACK,
    HOST_CALLBACK_INT,
    RawBuffer,
    describe_bad_argument,
    export_factory,
    fast_path_supported,
    host_array_types,
    host_factory,
    integers_only,
)
from ._config import HostMemory, Limits, WasiConfig
from ._errors import (
    HostError,
    InstancePoisoned,
    LinkError,
    TrapKind,
    WasiExit,
    WasmTrap,
)
from ._memory import Memory
from ._module import EPOCH_TICK, Module, _kind, describe_type, engine_for, optional_layer, signature_of
from ._types import Signature, coerce_signature

#: import modules provided by ``wasi=WasiConfig(...)``.
WASI_MODULES = ("wasi_snapshot_preview1", "wasi_unstable")

if _raw.FAST:
    from wasmtime import _ffi as ffi

    _func_new_unchecked = _raw._entry("wasmtime_func_new_unchecked", None, None)


def _finalize_nothing(env: int) -> None:  # the callbacks are kept alive by the store instead
    return None


_no_finalizer = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(_finalize_nothing)

#: frames of Python a call from Python into wasm must leave free below the recursion limit,
#: so that an import called by that wasm code can always be entered (see _ensure_headroom).
HEADROOM = 24
#: traps made beforehand per instance, for host functions to hand back without a call.
SPARE_TRAPS = 4


def _descend(levels: int) -> None:
    if levels:
        _descend(levels - 1)


def _ensure_headroom() -> None:
    # An import is entered from C (a ctypes callback): a RecursionError at its first line
    # could not reach anyone. So a call into wasm made from inside an import first checks
    # that HEADROOM more frames fit, and raises here, in Python, where it travels normally.
    try:
        _descend(HEADROOM)
    except RecursionError:
        raise RecursionError(
            "maximum recursion depth exceeded in nested calls between Python and wasm"
        ) from None


_TRAP_KINDS = {
    "UNREACHABLE": TrapKind.UNREACHABLE,
    "MEMORY_OUT_OF_BOUNDS": TrapKind.OUT_OF_BOUNDS,
    "HEAP_MISALIGNED": TrapKind.OUT_OF_BOUNDS,
    "ARRAY_OUT_OF_BOUNDS": TrapKind.OUT_OF_BOUNDS,
    "TABLE_OUT_OF_BOUNDS": TrapKind.TABLE_OUT_OF_BOUNDS,
    "INTEGER_DIVISION_BY_ZERO": TrapKind.INTEGER_DIVIDE_BY_ZERO,
    "INTEGER_OVERFLOW": TrapKind.INTEGER_OVERFLOW,
    "BAD_CONVERSION_TO_INTEGER": TrapKind.BAD_CONVERSION_TO_INTEGER,
    "STACK_OVERFLOW": TrapKind.STACK_OVERFLOW,
    "INTERRUPT": TrapKind.INTERRUPTED,
    "OUT_OF_FUEL": TrapKind.OUT_OF_FUEL,
    "INDIRECT_CALL_TO_NULL": TrapKind.INDIRECT_CALL_TO_NULL,
    "BAD_SIGNATURE": TrapKind.BAD_SIGNATURE,
}


def trap_from_wasmtime(
    trap: wasmtime.Trap | wasmtime.WasmtimeError,
    export: str | None = None,
    module: Module | None = None,
    context: str | None = None,
) -> WasmTrap:
    """A :class:`WasmTrap` from wasmtime's trap (kind, message, backtrace).

    Frame names are the name section's symbols demangled, else the function's export
    name; they are worked out when first asked for.
    """
    message = str(trap).strip()
    kind = TrapKind.OTHER
    raw_frames: tuple[tuple[int, str | None, int | None, int | None], ...] = ()
    if isinstance(trap, wasmtime.Trap):
        code = trap.trap_code
        if code is not None:
            kind = _TRAP_KINDS.get(code.name, TrapKind.OTHER)
        raw_frames = tuple(
            (frame.func_index, frame.func_name, _known(frame.module_offset), _known(frame.func_offset))
            for frame in trap.frames
        )

    def namer(symbol: str | None, func_index: int) -> str | None:
        if symbol:
            names = optional_layer("wasmforge.analysis.demangle")
            return str(names.demangle(symbol)) if names is not None else symbol
        return module.export_names.get(func_index) if module is not None else None

    first_line = message.splitlines()[0] if message else kind.value
    return WasmTrap(kind, first_line, export=export, raw_frames=raw_frames, namer=namer, context=context)


def _known(offset: int | None) -> int | None:
    # wasmtime reports an unknown offset (a frame cut off by a stack overflow) as 2**64 - 1.
    return None if offset is None or offset >= 1 << 63 else offset


class _State:
    """Per-instance call state shared by every specialised callable of the instance."""

    __slots__ = (
        "poisoned", "reason", "pending", "label", "closed", "depth", "check", "spares", "spare_errors", "garbage",
        "lock", "deadline_at", "timed_out",
    )

    def __init__(self, label: str) -> None:
        self.poisoned = False
        self.closed = False
        self.reason = ""
        #: an exception raised by a host function, waiting to reach the wasm caller.
        self.pending: BaseException | None = None
        self.label = label
        #: how many host functions of this instance are running (nested calls).
        self.depth = 0
        #: poisoned or depth > 0: the one flag a call tests before its slower checks.
        self.check = False
        #: ``wasm_trap_t*`` addresses made beforehand, for host functions to return.
        self.spares: list[int] = []
        #: ``wasmtime_error_t*`` addresses made beforehand, for the epoch callback to return.
        self.spare_errors: list[int] = []
        #: ``wasmtime_error_t*`` addresses to free when the instance is closed.
        self.garbage: list[int] = []
        #: the running call's deadline (``time.monotonic()``), or None; see _interrupts.
        self.deadline_at: float | None = None
        #: set by the epoch callback when it stopped a call at its deadline.
        self.timed_out = False
        #: serializes every entry into the instance's store (re-entrant for imports).
        self.lock = threading.RLock()

    def raise_poisoned(self) -> None:
        raise InstancePoisoned(
            f"instance of {self.label} is poisoned: {self.reason}",
            hint="its state may be corrupt; load the module again",
        )


class HostFunction:
    """A Python callable with an explicit wasm signature, to be given as an import.

    ``signature`` is text like ``"(i32, i32) -> i32"`` (``u32``/``u64`` hint that the
    callable wants those arguments unsigned). With ``with_instance=True`` the callable
    gets the :class:`Instance` as its first argument (to reach its memory). Loading
    fails with :class:`LinkError` when the signature differs from the import's type.
    """

    __slots__ = ("fn", "signature", "with_instance")

    def __init__(self, fn: Callable[..., Any], signature: Signature | str, *, with_instance: bool = False):
        if not callable(fn):
            raise TypeError(f"HostFunction needs a callable, not {type(fn).__name__}")
        self.fn = fn
        self.signature = coerce_signature(signature)
        self.with_instance = with_instance

    def __call__(self, *args: Any) -> Any:
        return self.fn(*args)

    def __repr__(self) -> str:
        return f"<host function {getattr(self.fn, '__name__', self.fn)!r} {self.signature}>"


def host_function(
    signature: Signature | str, *, with_instance: bool = False
) -> Callable[[Callable[..., Any]], HostFunction]:
    """Decorator form of :class:`HostFunction`: ``@host_function("(i32) -> ()")``."""

    def wrap(fn: Callable[..., Any]) -> HostFunction:
        return HostFunction(fn, signature, with_instance=with_instance)

    return wrap


class ExportedFunction:
    """An exported wasm function, called like a Python function.

    ``repr`` shows the signature. Arguments are checked: a wrong count or type raises
    ``TypeError``, an int out of range ``OverflowError``. Results: ``None``, one value,
    or a tuple (multi-value). ``i32``/``i64`` results are signed unless the signature
    hints ``u32``/``u64`` (see :meth:`Instance.func`). :attr:`call` is the same call as
    a plain function (a little faster to call again and again).
    """

    __slots__ = ("name", "signature", "wasm_signature", "call", "func")

    name: str
    signature: Signature
    wasm_signature: Signature
    #: the specialised plain function doing the call.
    call: Callable[..., Any]
    #: the ``wasmtime.Func`` (for use with :attr:`Instance.store`).
    func: wasmtime.Func

    def __repr__(self) -> str:
        return f"<wasm function {self.name}{self.signature}>"

    def __call__(self, *args: Any) -> Any:  # replaced per export by the specialised call
        return self.call(*args)


def _make_exported(
    name: str, signature: Signature, wasm_signature: Signature, call: Callable[..., Any], func: wasmtime.Func
) -> ExportedFunction:
    # A subclass per export whose __call__ is the specialised function itself (a
    # staticmethod), so calling the object costs no bound-method layer.
    cls: type[ExportedFunction] = type(
        "ExportedFunction", (ExportedFunction,), {"__slots__": (), "__call__": staticmethod(call)}
    )
    cls.__qualname__ = ExportedFunction.__qualname__
    obj: ExportedFunction = cls.__new__(cls)
    obj.name = name
    obj.signature = signature
    obj.wasm_signature = wasm_signature
    obj.call = call
    obj.func = func
    return obj


class Global:
    """An exported global; read and (if mutable) write ``.value``."""

    __slots__ = ("_store", "_global", "_lock", "name")

    def __init__(
        self, store: wasmtime.Store, global_: wasmtime.Global, name: str, lock: threading.RLock | None = None
    ) -> None:
        self._store = store
        self._global = global_
        self._lock = lock or threading.RLock()
        self.name = name

    @property
    def value(self) -> Any:
        """The current value (signed for i32/i64)."""
        with self._lock:
            return self._global.value(self._store)

    @value.setter
    def value(self, new: Any) -> None:
        with self._lock:
            self._global.set_value(self._store, new)

    @property
    def type(self) -> str:
        """``i32``, ``mut i64``, …"""
        return describe_type(self._global.type(self._store)).removeprefix("global ")

    def __int__(self) -> int:
        return int(self.value)

    def __index__(self) -> int:
        return int(self.value)

    def __repr__(self) -> str:
        return f"<wasm global {self.name}: {self.type} = {self.value!r}>"


class Exports:
    """The exports of an instance, by attribute (``exports.add``) or item (``exports["add"]``).

    Functions become :class:`ExportedFunction`, memories :class:`Memory`, globals
    :class:`Global`; tables are the raw ``wasmtime.Table``. ``dir()``, ``len()``, ``in``
    and iteration (names in declaration order) work.
    """

    def __init__(self, instance: Instance, names: tuple[str, ...]) -> None:
        object.__setattr__(self, "_instance", instance)
        object.__setattr__(self, "_names", names)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__") and name not in self._names:
            raise AttributeError(name)
        if name not in self._names:
            raise AttributeError(f"module {self._instance.module.name} has no export {name!r}")
        value = self._instance._wrap_export(name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("exports are read-only")

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        return getattr(self, name)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __dir__(self) -> list[str]:
        return list(self._names)

    def __repr__(self) -> str:
        return f"<exports of {self._instance.module.name}: {', '.join(self._names)}>"


_MISSING = object()


class _ExportTable:
    """The raw exports of an instance, fetched by name when first asked for.

    ``kinds`` (name -> kind, in declaration order) comes from the module's export list,
    so nothing is fetched for exports that are never used.
    """

    def __init__(self, store: wasmtime.Store, raw: wasmtime.Instance | None, kinds: dict[str, str]) -> None:
        self._store = store
        self._raw = raw
        self.kinds = kinds
        self._fetched: dict[str, Any] = {}
        self._all: Any = None

    def get(self, name: str, default: Any = None) -> Any:
        if name not in self.kinds:
            return default
        item = self._fetched.get(name, _MISSING)
        if item is _MISSING:
            item = self._fetched[name] = self._fetch(name)
        return item

    def _fetch(self, name: str) -> Any:
        assert self._raw is not None
        if _raw.FAST:
            return _raw.export_get(self._store, self._raw, name)
        if self._all is None:  # the public API offers all exports at once only
            self._all = self._raw.exports(self._store)
        return self._all[name]

    def __getitem__(self, name: str) -> Any:
        if name not in self.kinds:
            raise KeyError(name)
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self.kinds


def _lookup(provider: Any, name: str) -> Any:
    if provider is None:
        return _MISSING
    if isinstance(provider, Mapping):
        return provider.get(name, _MISSING)
    return getattr(provider, name, _MISSING)


class Instance:
    """A running module. Made by :func:`load`; close it (or use ``with``) to free it.

    Calls from several threads are serialized by :attr:`lock` (one call runs at a time;
    an import may call back into the instance from the same thread). After a trap, or
    a Python exception raised by a host function aborting wasm code, the instance is
    *poisoned*: calls raise :class:`InstancePoisoned`.
    """

    def __init__(self, module: Module, store: wasmtime.Store, limits: Limits | None, label: str) -> None:
        self.module = module
        #: the ``wasmtime.Store`` holding the instance (for advanced use).
        self.store = store
        self.limits = limits or Limits()
        #: ``on_trap(trap: WasmTrap) -> BaseException | None``: return an exception to raise instead.
        self.on_trap: Callable[[WasmTrap], BaseException | None] | None = None
        #: the host allocator, when ``load(allocator=...)`` was given.
        self.allocator: Allocator | None = None
        self._state = _State(label)
        #: the instance's re-entrant lock (see :attr:`lock`).
        self._lock = self._state.lock
        self._cctx = ctypes.c_void_p(_raw.context_address(store) if _raw.FAST else 0)
        self._trap_slot = ctypes.c_void_p()
        self._ctrap = ctypes.c_void_p(ctypes.addressof(self._trap_slot))
        self._refill_spares()
        self._host_memory: Memory | None = None
        self._instance: wasmtime.Instance | None = None
        self._exports_raw = _ExportTable(store, None, {})
        self._signatures: dict[str, Signature] = {}
        self._functions: dict[tuple[str, Signature | None], ExportedFunction] = {}
        self._wasi_output: dict[str, bytearray] = {}
        deadline = self.limits.deadline
        self._deadline = deadline
        # On the public API (no epoch callback) a deadline is an epoch count per call.
        self._deadline_ticks = (
            ctypes.c_uint64(max(1, math.ceil(deadline / EPOCH_TICK)) + 1) if deadline is not None else None
        )
        self.exports: Exports = Exports(self, ())

    # -- threads ----------------------------------------------------------------------------
    @property
    def lock(self) -> threading.RLock:
        """The instance's re-entrant lock; every call into the instance holds it.

        Hold it yourself (``with instance.lock: ...``) to make a sequence of calls and
        memory accesses atomic with respect to other threads (allocate, write, call, read,
        free). The thread holding it may call exports freely, also from inside an import;
        a host function must not wait for another thread that calls this instance.
        """
        return self._lock

    def _guard(self) -> None:
        # The slow checks of a call, run when state.check says one of them applies.
        state = self._state
        if state.poisoned:
            state.raise_poisoned()
        if state.depth:
            _ensure_headroom()

    def _refill_spares(self) -> None:
        if not _raw.FAST:
            return
        spares = self._state.spares
        while len(spares) < SPARE_TRAPS:
            spares.append(_raw.new_trap(f"a host function of {self._state.label} raised an exception"))
        errors = self._state.spare_errors
        while len(errors) < SPARE_TRAPS:
            errors.append(_raw.new_error("wasm code was interrupted"))

    # -- poisoning and traps ----------------------------------------------------------------
    @property
    def poisoned(self) -> bool:
        """Whether an earlier call trapped or was aborted (further calls raise)."""
        return self._state.poisoned

    @property
    def poison_reason(self) -> str:
        """Why the instance is poisoned ("" when it is not)."""
        return self._state.reason

    def poison(self, reason: str) -> None:
        """Mark the instance unusable; later calls raise :class:`InstancePoisoned` with ``reason``."""
        if not self._state.poisoned:
            self._state.poisoned = True
            self._state.check = True
            self._state.reason = reason

    def _fail(self, error: int | None, export: str) -> None:
        # Called by a specialised export when the raw call reported an error or a trap.
        trap_address = self._trap_slot.value
        self._trap_slot.value = None
        state = self._state
        if state.pending is not None or state.timed_out:
            # The trap only carries a host function's exception (or the epoch callback's),
            # raised instead. No wasmtime object is made for it here, possibly deep in nested
            # calls, where its finalizer could fail: a trap becomes a spare, an error is freed later.
            if trap_address:
                state.spares.append(trap_address)
            if error:
                state.garbage.append(error)
            self._raise_trap(None, export)
        self._refill_spares()
        trap: wasmtime.Trap | wasmtime.WasmtimeError
        if trap_address:
            trap = wasmtime.Trap._from_ptr(ctypes.cast(trap_address, ctypes.POINTER(ffi.wasm_trap_t)))
        else:
            trap = wasmtime.WasmtimeError._from_ptr(ctypes.cast(error or 0, ctypes.POINTER(ffi.wasmtime_error_t)))
        self._raise_trap(trap, export)

    def _raise_trap(self, trap: wasmtime.Trap | wasmtime.WasmtimeError | None, export: str | None) -> None:
        pending = self._state.pending
        self._state.pending = None
        call = f"{export}()" if export else "instantiation"
        if pending is not None:
            where = "in a host function" if not isinstance(pending, KeyboardInterrupt) else "while wasm ran"
            self.poison(f"{call} was aborted by {type(pending).__name__} raised {where}")
            raise pending
        if self._state.timed_out:
            self._state.timed_out = False
            self.poison(f"{call} trapped ({TrapKind.INTERRUPTED.value})")
            context = None if export else f"{self.module.name}: the start function"
            raise WasmTrap(
                TrapKind.INTERRUPTED, f"wasm code ran past its deadline of {self._deadline} s",
                export=export, context=context,
            )
        assert trap is not None
        if isinstance(trap, wasmtime.ExitTrap):
            self.poison(f"the module exited (status {trap.code}) during {call}")
            raise WasiExit(trap.code) from None
        context = None if export else f"{self.module.name}: the start function"
        wasm_trap = trap_from_wasmtime(trap, export, self.module, context)
        self.poison(f"{call} trapped ({wasm_trap.kind.value})")
        hook = self.on_trap
        if hook is not None:
            replacement = hook(wasm_trap)
            if replacement is not None:
                raise replacement from wasm_trap
        raise wasm_trap

    def _enter(self) -> None:
        # Before wasm runs outside a specialised call (instantiation, generic calls).
        if self._deadline is not None:
            if _raw.FAST:
                self._state.deadline_at = time.monotonic() + self._deadline
            else:
                assert self._deadline_ticks is not None
                self.store.set_epoch_deadline(self._deadline_ticks.value)

    # -- exports ----------------------------------------------------------------------------
    def _wrap_export(self, name: str) -> Any:
        with self._lock:  # fetching an export and asking its type use the store
            return self._wrap_export_unlocked(name)

    def _wrap_export_unlocked(self, name: str) -> Any:
        item = self._exports_raw[name]
        if isinstance(item, wasmtime.Func):
            return self._make_function(name, item, self._signatures.get(name))
        if isinstance(item, wasmtime.Memory):
            return Memory(self.store, item, name, self._state)
        if isinstance(item, wasmtime.Global):
            return Global(self.store, item, name, self._lock)
        return item

    def func(self, name: str, signature: Signature | str | None = None) -> ExportedFunction:
        """The exported function ``name``, optionally with a signature carrying hints.

        ``signature`` must match the wasm type apart from hints: ``"(u32) -> u64"`` for
        an export of type ``(i32) -> i64`` returns its result unsigned. Raises
        :class:`HostError` when there is no such function or the signature does not fit.
        """
        hinted = coerce_signature(signature)
        key = (name, hinted)
        cached = self._functions.get(key)
        if cached is not None:
            return cached
        with self._lock:
            item = self._exports_raw.get(name)
            if not isinstance(item, wasmtime.Func):
                raise HostError(f"module {self.module.name} exports no function {name!r}")
            function = self._make_function(name, item, hinted)
        self._functions[key] = function
        return function

    def _make_function(self, name: str, func: wasmtime.Func, hinted: Signature | None) -> ExportedFunction:
        wasm = signature_of(func.type(self.store))
        signature = hinted or wasm
        if signature.wasm != wasm:
            raise HostError(
                f"signature {signature} does not fit export {name!r} of type {wasm}",
                hint="only u32/u64 hints may differ from the wasm types i32/i64",
            )
        state = self._state
        export_label = name

        def fail(error: int | None) -> None:
            self._fail(error, export_label)

        if _raw.FAST and fast_path_supported(signature):
            buffer = RawBuffer(max(len(signature.params), len(signature.results)))
            cfunc = ctypes.c_void_p(ctypes.addressof(func._func))
            factory = export_factory(signature, self._deadline is not None)

            def bad_args(args: tuple[Any, ...]) -> BaseException:
                return describe_bad_argument(name, signature, args)

            call = factory(
                _raw.call_unchecked,
                self._cctx,
                cfunc,
                ctypes.c_void_p(buffer.address),
                ctypes.c_size_t(buffer.slots),
                self._ctrap,
                self._trap_slot,
                buffer.views,
                state,
                fail,
                bad_args,
                time.monotonic,
                self._deadline,
                self._lock.acquire,
                self._lock.release,
                self._guard,
            )
            # keep the buffer and the func struct alive with the callable
            call.__wasm_buffer__ = (buffer, func)  # type: ignore[attr-defined]
        else:
            call = self._generic_call(name, func, signature)
        call.__name__ = call.__qualname__ = name if name.isidentifier() else "export"
        call.__doc__ = f"wasm export {name}{signature}"
        return _make_exported(name, signature, wasm, call, func)

    def _generic_call(self, name: str, func: wasmtime.Func, signature: Signature) -> Callable[..., Any]:
        # Reference and vector types, and every type when the fast path is off, go through
        # wasmtime-py's checked call.
        state = self._state
        store = self.store
        lock = self._lock
        nparams = len(signature.params)
        check_args = _raw.FAST is False and fast_path_supported(signature)
        unsigned = [kind in ("u32", "u64") for kind in signature.results]
        widths = [32 if kind == "u32" else 64 for kind in signature.results]

        def call(*args: Any) -> Any:
            with lock:
                if state.check:
                    self._guard()
                if len(args) != nparams:
                    raise TypeError(f"{name}() takes {nparams} arguments ({len(args)} given)")
                if check_args:
                    args = _checked_arguments(name, signature, args)
                self._enter()
                try:
                    result = func(store, *args)
                except (wasmtime.Trap, wasmtime.WasmtimeError) as err:
                    if isinstance(err, wasmtime.WasmtimeError) and state.pending is None and "expected" in str(err):
                        raise TypeError(f"{name}(): {err}") from None
                    self._raise_trap(err, name)
                except BaseException as exc:
                    # A host function raised (wasmtime-py re-raises it here): wasm was aborted.
                    state.pending = None
                    self.poison(f"{name}() was aborted by {type(exc).__name__} raised in a host function")
                    raise
                results = tuple(result) if len(signature.results) > 1 else (result,)
                if any(unsigned):
                    results = tuple(
                        r % (1 << w) if u and isinstance(r, int) else r for r, u, w in zip(results, unsigned, widths)
                    )
                if len(signature.results) > 1:
                    return results
                return results[0] if signature.results else None

        return call

    @property
    def memory(self) -> Memory:
        """The module's memory: the export ``memory``, else the first exported memory,
        else the memory the host supplied. Raises :class:`HostError` when there is none."""
        exports = self.exports
        kinds = self._exports_raw.kinds
        if kinds.get("memory") == "memory":
            memory: Memory = exports.memory
            return memory
        for name, kind in kinds.items():
            if kind == "memory":
                found: Memory = getattr(exports, name)
                return found
        if self._host_memory is not None:
            return self._host_memory
        raise HostError(f"module {self.module.name} has no memory")

    @property
    def wasmtime_instance(self) -> wasmtime.Instance:
        """The underlying ``wasmtime.Instance`` (use with :attr:`store`)."""
        assert self._instance is not None
        return self._instance

    # -- fuel and WASI ----------------------------------------------------------------------
    @property
    def fuel(self) -> int | None:
        """Fuel left, or None when the instance was loaded without a fuel limit."""
        if self.limits.fuel is None:
            return None
        with self._lock:
            return int(self.store.get_fuel())

    def set_fuel(self, fuel: int) -> None:
        """Set the fuel left (only for instances loaded with ``Limits(fuel=...)``)."""
        if self.limits.fuel is None:
            raise HostError("this instance was loaded without a fuel limit", hint="load(..., limits=Limits(fuel=N))")
        with self._lock:
            self.store.set_fuel(fuel)

    def wasi_output(self, stream: str = "stdout") -> str:
        """What the module wrote to a captured WASI stream (``stdout`` or ``stderr``)."""
        if stream not in self._wasi_output:
            raise HostError(f"WASI {stream} was not captured", hint=f"WasiConfig(capture_{stream}=True)")
        return self._wasi_output[stream].decode("utf-8", "replace")

    # -- lifetime ---------------------------------------------------------------------------
    def close(self) -> None:
        """Free the store and everything in it; the instance cannot be used afterwards.

        Waits for a call running in another thread to return first.
        """
        with self._lock:
            if not self._state.poisoned:
                self.poison("the instance was closed")
            if self._state.closed:
                return
            self._state.closed = True
            spares = self._state.spares
            while spares:
                _raw.delete_trap(spares.pop())
            garbage = self._state.garbage
            garbage.extend(self._state.spare_errors)
            self._state.spare_errors.clear()
            while garbage:
                _raw.delete_error(garbage.pop())
            self.store.close()
            # Drop the wasmtime objects now: host functions close over this instance, so left
            # to the cycle collector they would be freed at any depth of the stack, where
            # wasmtime-py's finalizers may fail (a RecursionError deep in nested calls).
            keepalive = getattr(self.store, "_wasmforge_keepalive", None)
            if keepalive is not None:
                keepalive.clear()
            self._exports_raw = _ExportTable(self.store, None, {})
            self._functions.clear()
            self.exports.__dict__.clear()

    def __enter__(self) -> Instance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " (poisoned)" if self.poisoned else ""
        return f"<wasm instance of {self.module.name}{state}>"


# -- loading -----------------------------------------------------------------------------------
def load(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview | Module | wasmtime.Module,
    imports: Mapping[str, Any] | None = None,
    *,
    limits: Limits | None = None,
    memory: HostMemory | None = None,
    allocator: str | Allocator | None = None,
    wasi: WasiConfig | None = None,
    signatures: Mapping[str, Signature | str] | None = None,
    on_trap: Callable[[WasmTrap], BaseException | None] | None = None,
    shared_memory: bool = False,
) -> Instance:
    """Instantiate a module with Python imports; returns an :class:`Instance`.

    ``imports`` maps an import module name to a mapping or an object whose items or
    attributes are looked up by import name (``{"Math": random, "env": {"log": print}}``).
    Plain callables are adapted to each import's wasm type; :class:`HostFunction` gives
    an explicit signature. ``memory`` supplies an imported memory; ``allocator``
    (``"bump"``, ``"free-list"`` or an :class:`Allocator`) provides ``malloc``/``free``
    imports over it, starting at the module's ``__heap_base``. ``signatures`` gives
    signedness hints per export (``{"len": "() -> u32"}``). ``on_trap`` can turn a trap
    into another exception. ``shared_memory=True`` enables shared memories and atomics
    (modules built for wasm threads). Raises :class:`LinkError` when imports are missing or
    mistyped, :class:`WasmTrap` when the start function traps.
    """
    if isinstance(source, Module):
        module = source
    elif isinstance(source, wasmtime.Module):
        module = Module._from_wasmtime(source)
    else:
        module = Module(source)
    limits = limits or Limits()
    engine = engine_for(fuel=limits.fuel is not None, shared_memory=shared_memory)
    compiled = module.compiled(engine)
    store = wasmtime.Store(engine)
    _interrupts.install_sigint_handler()
    # Each import's type is asked for once (wasmtime-py makes a new object per question).
    wanted = [(item.module, item.name or "", item.type) for item in compiled.imports]
    memories, tables = module.defined_counts
    memories += sum(1 for _, _, t in wanted if isinstance(t, wasmtime.MemoryType))
    tables += sum(1 for _, _, t in wanted if isinstance(t, wasmtime.TableType))
    store_limits = limits.store_limits(memories, tables)
    if any(value >= 0 for value in store_limits.values()):
        store.set_limits(**store_limits)
    if limits.fuel is not None:
        store.set_fuel(limits.fuel)
    instance = Instance(module, store, limits, module.name)
    instance.on_trap = on_trap
    keepalive: list[Any] = []
    # The callbacks must live as long as the store that may call them.
    store._wasmforge_keepalive = keepalive  # type: ignore[attr-defined]
    if _raw.FAST:
        # Ctrl-C and deadlines: a callback at each epoch tick while wasm runs.
        epoch_callback = _interrupts.make_epoch_callback(
            instance._state, lambda: _raw.new_error("wasm code was interrupted")
        )
        keepalive.append(epoch_callback)
        _raw.set_epoch_callback(store, epoch_callback)
        store.set_epoch_deadline(1)
    elif limits.deadline is None:
        store.set_epoch_deadline(1 << 62)  # epochs are always checked: never reached

    linker = wasmtime.Linker(engine)
    alloc = make_allocator(allocator) if allocator is not None else None
    if wasi is not None:
        _set_up_wasi(instance, wasi)
        linker.define_wasi()
    imports = imports or {}
    statuses: list[tuple[str, str]] = []
    host_memory: Memory | None = None
    for mod, name, item_type in wanted:
        label = f"{mod}.{name}"
        if wasi is not None and mod in WASI_MODULES:
            statuses.append((f"{label}: {describe_type(item_type)}", "ok"))
            continue
        value = _lookup(imports.get(mod), name)
        if value is _MISSING and alloc is not None and name in ("malloc", "free"):
            value = _allocator_function(alloc, name)
        if value is _MISSING and memory is not None and isinstance(item_type, wasmtime.MemoryType):
            value = memory
        problem = ""
        extern: Any = None
        if value is _MISSING:
            problem = "missing"
        elif isinstance(item_type, wasmtime.FuncType):
            extern, problem = _host_func(instance, label, item_type, value, keepalive)
        elif isinstance(item_type, wasmtime.MemoryType):
            extern, problem = _memory_import(instance, item_type, value)
            if extern is not None:
                host_memory = Memory(store, extern, label, instance._state)
        elif isinstance(item_type, wasmtime.GlobalType):
            extern, problem = _global_import(store, item_type, value)
        elif isinstance(item_type, wasmtime.TableType) and isinstance(value, wasmtime.Table):
            extern = value
        else:
            problem = f"cannot use a {type(value).__name__} for it"
        statuses.append((f"{label}: {describe_type(item_type)}", problem or "ok"))
        if extern is not None and not problem:
            linker.define(store, mod, name, extern)
    bad = [(text, status) for text, status in statuses if status != "ok"]
    if bad:
        _raise_link_error(module, statuses, bad, wasi is not None)
    instance._host_memory = host_memory
    instance._enter()
    try:
        raw_instance = linker.instantiate(store, compiled)
    except wasmtime.Trap as err:
        instance._raise_trap(err, None)
        raise  # unreachable: _raise_trap always raises
    except wasmtime.WasmtimeError as err:
        if instance._state.pending is not None or instance._state.timed_out:
            instance._raise_trap(None, None)  # the start function was interrupted or a host function raised
        text = printable("; ".join(line.strip() for line in str(err).strip().splitlines()[:3] if line.strip()))
        if "shared memory" in text and not shared_memory:
            hint: str | None = (
                "the module uses shared memory (wasm threads): pass load(..., shared_memory=True)"
                " (wasmforge run --shared-memory)"
            )
        elif limits.max_memory is not None or limits.max_table_elements is not None:
            hint = "a memory or table limit below what the module needs causes this"
        else:
            hint = None
        raise HostError(f"{module.name}: cannot instantiate: {text}", hint=hint) from None
    instance._instance = raw_instance
    kinds = {e.name: _kind(e.type) for e in compiled.exports}
    names = tuple(kinds)
    instance._exports_raw = _ExportTable(store, raw_instance, kinds)
    instance._signatures = {n: coerce_signature(s) for n, s in (signatures or {}).items()}  # type: ignore[misc]
    for n in instance._signatures:
        if n not in instance._exports_raw:
            raise HostError(f"signatures= names {n!r}, which {module.name} does not export")
    instance.exports = Exports(instance, names)
    if alloc is not None:
        heap_base = instance._exports_raw.get("__heap_base")
        base = int(heap_base.value(store)) & 0xFFFFFFFF if isinstance(heap_base, wasmtime.Global) else None
        alloc.bind(instance.memory, base)
        instance.allocator = alloc
    return instance


#: how many imports a LinkError message names (the exception's attributes hold them all).
LISTED_IMPORTS = 8


def _names(labels: tuple[str, ...]) -> str:
    # The first few names (escaped: they come from the module), then how many more.
    shown = ", ".join(printable(label) for label in labels[:LISTED_IMPORTS])
    rest = len(labels) - LISTED_IMPORTS
    return f"{shown} and {rest} more" if rest > 0 else shown


def _raise_link_error(module: Module, statuses: list[tuple[str, str]], bad: list[tuple[str, str]], wasi: bool) -> None:
    missing = tuple(text.split(":")[0] for text, status in bad if status == "missing")
    mistyped = tuple(text.split(":")[0] for text, status in bad if status != "missing")
    # The failing imports first, so that they are the ones the message shows.
    shown = [*bad, *((text, status) for text, status in statuses if status == "ok")][:LISTED_IMPORTS]
    listing = "; ".join(f"{printable(text)} [{printable(status)}]" for text, status in shown)
    if len(statuses) > LISTED_IMPORTS:
        listing += f"; ... ({len(statuses)} imports in all)"
    parts = []
    if missing:
        count = f"{len(missing)} imports: " if len(missing) > LISTED_IMPORTS else ""
        parts.append(f"missing {count}{_names(missing)}")
    if mistyped:
        count = f"{len(mistyped)} imports: " if len(mistyped) > LISTED_IMPORTS else ""
        parts.append(f"mistyped {count}{_names(mistyped)}")
    hints = []
    if any(text.split(".")[0] in WASI_MODULES for text, _ in bad) and not wasi:
        hints.append("the module uses WASI: pass wasi=WasiConfig(...)")
    if any(": memory" in text for text, status in bad if status == "missing"):
        hints.append("pass memory=HostMemory(min_pages=N) for an imported memory")
    hints.append("pass imports={'module': {'name': callable}} or an object with those attributes")
    raise LinkError(
        f"cannot link {module.name}: {' and '.join(parts)}; the module imports {listing}",
        imports=tuple(text for text, _ in statuses),
        missing=missing,
        mistyped=mistyped,
        hint="; ".join(hints),
    )


def _allocator_function(alloc: Allocator, name: str) -> HostFunction:
    if name == "malloc":
        return HostFunction(alloc.malloc, "(u32) -> u32")
    return HostFunction(alloc.free, "(u32) -> ()")


def _host_func(
    instance: Instance, label: str, func_type: wasmtime.FuncType, value: Any, keepalive: list[Any]
) -> tuple[Any, str]:
    wasm = signature_of(func_type)
    if isinstance(value, wasmtime.Func):
        return value, ""
    if isinstance(value, HostFunction):
        signature = value.signature
        assert signature is not None
        if signature.wasm != wasm:
            return None, f"the host function is {signature}, the module wants {wasm}"
        fn, with_instance = value.fn, value.with_instance
    elif callable(value):
        signature, fn, with_instance = wasm, value, False
    else:
        return None, f"not callable: a {type(value).__name__}"
    if not fast_path_supported(signature):
        return None, f"type {wasm} is not supported for host functions"
    state = instance._state

    def new_trap() -> int:
        return _raw.new_trap(f"host function {label} raised an exception")

    def bad_result(result: Any) -> Any:
        raise TypeError(f"host function {label} returned {result!r}; the import expects {signature.results}")

    if not _raw.FAST:
        return _public_host_func(instance, func_type, signature, fn, with_instance, bad_result), ""
    body = host_factory(signature, with_instance)(
        fn, instance, state, new_trap, bad_result, host_array_types(signature), _interrupts.PENDING
    )
    callback = (HOST_CALLBACK_INT if integers_only(signature) else HOST_CALLBACK)(body)
    raw_func = ffi.wasmtime_func_t()
    _func_new_unchecked(
        instance._cctx, func_type.ptr(), callback, None, _no_finalizer, ctypes.byref(raw_func)
    )
    keepalive.append((callback, body, func_type))
    return wasmtime.Func._from_raw(raw_func), ""


def _public_host_func(
    instance: Instance,
    func_type: wasmtime.FuncType,
    signature: Signature,
    fn: Callable[..., Any],
    with_instance: bool,
    bad_result: Callable[[Any], Any],
) -> wasmtime.Func:
    # The host function on wasmtime-py's public API (the fast path is off): wasmtime-py
    # passes signed integers and re-raises what the function raises at the wasm caller.
    state = instance._state
    masks = [(1 << 32) - 1 if kind == "u32" else (1 << 64) - 1 if kind == "u64" else 0 for kind in signature.params]
    results = signature.results

    def public_host(*args: Any) -> Any:  # the name is looked for by _interrupts
        state.depth += 1
        state.check = True
        try:
            if _interrupts.PENDING[0]:  # a SIGINT that came while wasmtime-py's trampoline was entered
                _interrupts.PENDING[0] = False
                raise KeyboardInterrupt
            values = [a & m if m else a for a, m in zip(args, masks)]
            if with_instance:
                values.insert(0, instance)
            result = fn(*values)
            if len(results) > 1 and (type(result) is not tuple or len(result) != len(results)):
                bad_result(result)
            outs = result if len(results) > 1 else (result,) if results else ()
            try:
                converted = tuple(_to_signed(kind, value) for kind, value in zip(results, outs))
            except (TypeError, OverflowError):
                bad_result(result)
                raise
            return converted if len(results) > 1 else converted[0] if results else None
        finally:
            state.depth -= 1
            if not state.depth:
                state.check = state.poisoned

    return wasmtime.Func(instance.store, func_type, public_host)


def _to_signed(kind: str, value: Any) -> Any:
    """``value`` for wasmtime-py's checked conversion: ints range-checked and made signed."""
    if kind in ("f32", "f64"):
        if isinstance(value, (int, float)):
            return float(value)
        raise TypeError
    bits = 32 if kind in ("i32", "u32") else 64
    if not isinstance(value, int) or not -(1 << (bits - 1)) <= value < 1 << bits:
        raise OverflowError
    half = 1 << (bits - 1)
    return ((value & ((1 << bits) - 1)) ^ half) - half


def _checked_arguments(name: str, signature: Signature, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The arguments of a call on the public API, checked as the fast path checks them."""
    try:
        return tuple(_to_signed(kind, value) for kind, value in zip(signature.params, args))
    except (TypeError, OverflowError):
        raise describe_bad_argument(name, signature, args) from None


def _memory_import(instance: Instance, memory_type: wasmtime.MemoryType, value: Any) -> tuple[Any, str]:
    needed = memory_type.limits.min
    if isinstance(value, Memory):
        value = value.wasmtime_memory
    if isinstance(value, wasmtime.Memory):
        return value, ""
    if isinstance(value, HostMemory):
        if value.min_pages < needed:
            return None, f"HostMemory(min_pages={value.min_pages}) is smaller than the {needed} pages it needs"
        maximum = value.max_pages if value.max_pages is not None else memory_type.limits.max
        try:
            memory = wasmtime.Memory(
                instance.store, wasmtime.MemoryType(wasmtime.Limits(value.min_pages, maximum))
            )
        except wasmtime.WasmtimeError as err:
            return None, f"cannot create the memory: {str(err).splitlines()[0]}"
        return memory, ""
    return None, f"cannot use a {type(value).__name__} as a memory (give HostMemory(...))"


def _global_import(store: wasmtime.Store, global_type: wasmtime.GlobalType, value: Any) -> tuple[Any, str]:
    if isinstance(value, wasmtime.Global):
        return value, ""
    if isinstance(value, (int, float)):
        try:
            return wasmtime.Global(store, global_type, value), ""
        except (wasmtime.WasmtimeError, TypeError) as err:
            return None, f"cannot make a global from {value!r}: {err}"
    return None, f"cannot use a {type(value).__name__} as a global"


def _set_up_wasi(instance: Instance, wasi: WasiConfig) -> None:
    config = wasmtime.WasiConfig()
    config.argv = list(wasi.argv)
    config.env = list(wasi.env.items())
    for guest, host in wasi.preopens.items():
        config.preopen_dir(os.fspath(host), guest)
    if wasi.stdin is not None:
        config.stdin_file = os.fspath(wasi.stdin)
    elif wasi.inherit_stdin:
        config.inherit_stdin()
    for stream, capture, inherit in (
        ("stdout", wasi.capture_stdout, wasi.inherit_stdout),
        ("stderr", wasi.capture_stderr, wasi.inherit_stderr),
    ):
        if capture:
            sink = instance._wasi_output.setdefault(stream, bytearray())
            setattr(config, f"{stream}_custom", _appender(sink))
        elif inherit:
            getattr(config, f"inherit_{stream}")()
    instance.store.set_wasi(config)


def _appender(sink: bytearray) -> Callable[[bytes], int]:
    def write(data: bytes) -> int:
        sink.extend(data)
        return len(data)

    return write
