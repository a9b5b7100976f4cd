"""What generated glue calls at run time: loading, buffers across the boundary, errors.

Generated packages import this module (it is stable API for them). Each wrapper in a
generated ``__init__.py`` is specialised for its Rust signature and uses the plain
functions a :class:`Runtime` exposes (``lend_big``, ``give_str``, the hinted export
callables of :mod:`wasmforge.host`), so a call costs a few attribute lookups on top of
the host layer's fast path.

Protocol (see ``docs/descriptor-format.md``): strings, slices and vectors travel as one
``i64`` packing ``ptr | len << 32``; buffers the host lends for one call are placed on a
scratch stack inside wasm memory (or allocated when they do not fit) and released when
the call returns; buffers handed over for good are allocated with
``__wasmforge_malloc`` and freed by Rust; buffers Rust hands back are freed here.
"""

from __future__ import annotations

import array
import atexit
import operator
import struct
import threading
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import WasmforgeError
from ..host._errors import InstancePoisoned, WasmTrap

__all__ = [
    "RUNTIME_API",
    "BorrowError",
    "ClosedError",
    "Error",
    "InstancePoisoned",
    "WasmTrap",
    "NeedsImports",
    "Runtime",
    "RustError",
    "RustPanic",
    "compiled",
]

#: version of what generated glue may use here; glue made for another version refuses to load.
RUNTIME_API = 1

#: bytes of wasm memory reserved per instance for buffers lent during a call.
SCRATCH_SIZE = 64 * 1024
_MASK32 = 0xFFFFFFFF
# Bits 32..62 of a packed value hold the length; bit 63 marks bytes in the return buffer.
_LEN_MASK = 0x7FFFFFFF

_F32 = struct.Struct("<f")
_U32 = struct.Struct("<I")
_F64 = struct.Struct("<d")
_U64 = struct.Struct("<Q")

#: array typecode of each numeric element kind (descriptor tag name -> code).
ARRAY_CODES = {
    "u8": "B",
    "i8": "b",
    "u16": "H",
    "i16": "h",
    "u32": "I",
    "i32": "i",
    "u64": "Q",
    "i64": "q",
    "f32": "f",
    "f64": "d",
}
_FORMAT_FAMILY = {
    **dict.fromkeys("bhilq", "signed"),
    **dict.fromkeys("BHILQ", "unsigned"),
    **dict.fromkeys("fd", "float"),
}


#: the base of every exception a generated package raises on purpose (``<package>.Error``).
Error = WasmforgeError


class RustError(WasmforgeError):
    """A Rust function returned ``Err(e)``; the message is ``e.to_string()``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class RustPanic(WasmforgeError):
    """Rust code panicked; the instance is poisoned afterwards (load the package again)."""

    def __init__(self, message: str, file: str = "", line: int = 0, column: int = 0) -> None:
        where = f" at {file}:{line}:{column}" if file else ""
        super().__init__(f"Rust panic{where}: {message}")
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return str(self.args[0])


class ClosedError(WasmforgeError, ValueError):
    """An object of a Rust class was used after ``close()`` (or after a call consumed it)."""


class BorrowError(WasmforgeError, RuntimeError):
    """A call would alias a Rust object: ``&mut`` while it is borrowed, or ``&`` while it is ``&mut``.

    As in Rust (and PyO3), an object may be lent to one call as ``&mut`` or to any number of
    calls as ``&`` at a time; passing it twice to one call, or using it again from a callback
    while a call holds it, raises this instead of running.
    """


class NeedsImports(WasmforgeError):
    """Module-level access to a package whose module needs Python functions: call ``load()``."""


def require_api(version: int, package: str) -> None:
    """Raise ImportError unless the glue of ``package`` was made for this runtime's API."""
    if version != RUNTIME_API:
        raise ImportError(
            f"package {package} was generated for wasmforge runtime API {version}, but this wasmforge "
            f"provides API {RUNTIME_API}; rebuild it with 'wasmforge build' (or install a matching wasmforge)"
        )


def as_int(value: Any, where: str, kind: str) -> int:
    """``value`` as an int through ``__index__`` (numpy integers, IntEnum); TypeError otherwise."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{where} must be int ({kind}), not {type(value).__name__}") from None


def as_float(value: Any, where: str, kind: str) -> float:
    """``value`` as a float: ints and anything with ``__float__`` (numpy floats); TypeError otherwise."""
    if isinstance(value, int):
        return float(value)
    to_float = getattr(type(value), "__float__", None)
    if to_float is None:
        raise TypeError(f"{where} must be float ({kind}), not {type(value).__name__}")
    return float(to_float(value))


def as_str(value: Any, where: str) -> str:
    """``value`` as an exact ``str`` (subclasses are copied); TypeError naming ``where`` otherwise."""
    if isinstance(value, str):
        return str.__str__(value)
    raise TypeError(f"{where} must be str, not {describe(value)}")


def describe(value: Any) -> str:
    """The type of ``value`` for an error message."""
    return type(value).__name__


def wrong_object(value: Any, cls: str, where: str) -> TypeError:
    """The error for an argument that is not an object of the expected class of this instance."""
    kind = type(value)
    if kind.__name__ == cls and hasattr(kind, "_wf_wrap"):
        return TypeError(
            f"{where} must be a {cls} of this instance, but this {cls} belongs to another instance "
            "(each load() has its own classes and memory; objects cannot move between them)"
        )
    return TypeError(f"{where} must be {cls}, not {kind.__name__}")


def borrowed(obj: Any, label: str, mutable: bool) -> BorrowError:
    """The error for a call that would alias ``obj`` (see :class:`BorrowError`)."""
    name = type(obj).__name__
    if obj._wf_b < 0:
        held = "mutably borrowed (&mut) by a call in progress"
    else:
        held = f"borrowed (&) by {obj._wf_b} call(s) in progress"
    want = "borrow it mutably" if mutable else "borrow it"
    return BorrowError(f"{label}(): cannot {want}: this {name} is already {held}")


def no_copy(obj: Any, verb: str = "copied") -> TypeError:
    """The error for copying or pickling an object that owns Rust memory."""
    name = type(obj).__name__
    return TypeError(f"{name} objects own Rust memory and cannot be {verb}; make a new one through its methods")


def tidy(obj: Any, module: str, name: str) -> None:
    """Give a generated function or class (and its methods) its public name for reprs and tracebacks."""
    obj.__name__ = obj.__qualname__ = name
    obj.__module__ = module
    if isinstance(obj, type):
        for attr, value in vars(obj).items():
            fn = getattr(value, "__func__", None) or getattr(value, "fget", None) or value
            if callable(fn) and hasattr(fn, "__qualname__") and not attr.startswith("_wf"):
                fn.__qualname__ = f"{name}.{fn.__name__}"
                fn.__module__ = module


def decode(data: bytes) -> str:
    """UTF-8 text from Rust (a ``String`` is valid UTF-8 unless the module is broken)."""
    return data.decode("utf-8")


def f32_bits(value: float) -> int:
    """The IEEE bits of ``value`` as an f32."""
    return int(_U32.unpack(_F32.pack(value))[0])


def f32_from_bits(bits: int) -> float:
    """The f32 whose IEEE bits are ``bits``."""
    return float(_F32.unpack(_U32.pack(bits & _MASK32))[0])


def f64_bits(value: float) -> int:
    """The IEEE bits of ``value`` as an f64."""
    return int(_U64.unpack(_F64.pack(value))[0])


def pack_u64(bits: int) -> bytes:
    """The 8 little-endian bytes of an unsigned 64-bit value."""
    return _U64.pack(bits)


def f64_from_bits(bits: int) -> float:
    """The f64 whose IEEE bits are ``bits``."""
    return float(_F64.unpack(_U64.pack(bits))[0])


_compiled: dict[str, Any] = {}
_compiled_lock = threading.Lock()
_live: weakref.WeakSet[Runtime] = weakref.WeakSet()


@atexit.register
def _release_all() -> None:
    # Free stores and modules while wasmtime's library is still loaded: left to the
    # interpreter's final teardown, their finalizers would call into an unloaded library.
    for rt in list(_live):
        try:
            rt.close()
        except Exception:  # noqa: BLE001  (best effort at exit)
            pass
    _compiled.clear()


def compiled(path: str | Path) -> Any:
    """The compiled :class:`wasmforge.host.Module` of ``path``, compiled once per process."""
    from ..host import Module

    key = str(path)
    with _compiled_lock:
        module = _compiled.get(key)
        if module is None:
            module = _compiled[key] = Module(key)
    return module


def _split_panic(message: str, file: str, line: int, column: int) -> str:
    # Without std the message comes as the whole formatted PanicInfo; cut its framing.
    old_prefix, old_suffix = "panicked at '", f"', {file}:{line}:{column}"
    if message.startswith(old_prefix) and message.endswith(old_suffix):
        return message[len(old_prefix) : -len(old_suffix)]
    new_prefix = f"panicked at {file}:{line}:{column}:\n"
    if message.startswith(new_prefix):
        return message[len(new_prefix) :]
    return message


class Runtime:
    """One loaded instance of a generated package's module, with the helpers its glue uses.

    ``providers`` maps import module names to their functions (the glue adapts the
    ``python`` module's); the ``wasmforge`` module (the panic report) is added here. Instances hold wasm resources: ``close()`` them or use ``with``.
    """

    def __init__(self, wasm: str | Path, providers: Mapping[str, Any] | None = None, *, runtime: bool = True) -> None:
        from ..host import HostFunction, WasiConfig, load

        self.path = Path(wasm)
        self.closed = False
        self._panic: tuple[str, str, int, int] | None = None
        module = compiled(self.path)
        providers = dict(providers or {})
        if any(i.module == "wasmforge" and i.name == "panic" for i in module.imports):
            providers["wasmforge"] = {
                "panic": HostFunction(self._on_panic, "(u32, u32, u32, u32, u32, u32) -> ()")
            }
        # A WASI library (built for wasm32-wasi) gets WASI with nothing granted but its output.
        wasi = WasiConfig(inherit_stdout=True, inherit_stderr=True) if module.wasi_version else None
        self.instance = load(module, providers, on_trap=self._on_trap, wasi=wasi)
        _live.add(self)
        self.memory = self.instance.memory if runtime or "memory" in self.instance.exports else None
        self.temps: list[tuple[int, int, int]] = []
        #: allocations handed to Rust for a call that has not started yet (freed if it never does).
        self.gives: list[tuple[int, int, int]] = []
        #: serializes calls into the instance; re-entrant, so callbacks may call back in.
        self.lock: Any = getattr(self.instance, "lock", None) or threading.RLock()
        self.sp = 0
        self.scratch_end = 0
        if runtime:
            self.malloc: Callable[[int, int], int] = self.instance.func("__wasmforge_malloc", "(u32, u32) -> u32").call
            self.free: Callable[[int, int, int], None] = self.instance.func(
                "__wasmforge_free", "(u32, u32, u32) -> ()"
            ).call
            slots = self.instance.func("__wasmforge_slots", "() -> u32").call()
            self.slot_option = slots
            self.slot_result = slots + 8
            self.instance.func("__wasmforge_init", "() -> ()").call()
            base = self.malloc(SCRATCH_SIZE, 8)
            if not base:
                raise MemoryError("wasm module could not allocate its scratch buffer")
            self.sp = base
            self.scratch_end = base + SCRATCH_SIZE

    # ---- lifecycle ---------------------------------------------------------------
    def close(self) -> None:
        """Free the instance's store (objects of its classes become unusable)."""
        self.closed = True
        self.instance.close()

    @property
    def poisoned(self) -> bool:
        """Whether a trap (or panic) has made the instance unusable, or it was closed."""
        return self.closed or bool(self.instance.poisoned)

    def func(self, symbol: str, signature: str) -> Callable[..., Any]:
        """The host layer's specialised callable for an export, with signedness hints."""
        call: Callable[..., Any] = self.instance.func(symbol, signature).call
        return call

    # ---- panics ------------------------------------------------------------------
    def _on_panic(self, msg: int, msg_len: int, file: int, file_len: int, line: int, column: int) -> None:
        mem = self.memory
        assert mem is not None
        text = mem.read(msg, msg_len).decode("utf-8", "replace")
        where = mem.read(file, file_len).decode("utf-8", "replace")
        self._panic = (_split_panic(text, where, line, column), where, line, column)

    def _on_trap(self, trap: Any) -> BaseException | None:
        info, self._panic = self._panic, None
        if info is None:
            return None
        return RustPanic(*info)

    # ---- lending buffers for one call --------------------------------------------
    # The glue lends small buffers inline on the scratch stack (``sp`` .. ``scratch_end``);
    # what does not fit comes here.
    def lend_big(self, data: Any, n: int, align: int) -> int:
        """Allocate and fill ``n`` bytes for one call; :meth:`release` frees them after it."""
        p = self.malloc(n, align) if n else align
        if not p:
            raise MemoryError(f"wasm module could not allocate {n} bytes")
        self.temps.append((p, n, align))
        if n:
            self.memory.write(p, data)  # type: ignore[union-attr]
        return p

    def release(self, sp: int, ntemps: int) -> None:
        """Free what :meth:`lend_big` allocated since ``len(temps)`` was ``ntemps``; reset ``sp``."""
        self.sp = sp
        temps = self.temps
        # After a trap the instance is poisoned: its memory is gone for good, nothing to free.
        live = not self.poisoned
        while len(temps) > ntemps:
            p, n, align = temps.pop()
            if n and live:
                self.free(p, n, align)

    def give(self, data: Any, n: int, align: int) -> int:
        """Copy ``n`` bytes into a fresh allocation Rust will own and free; returns the address.

        The allocation is recorded in :attr:`gives` until the glue starts the call (then Rust
        owns it); :meth:`ungive` frees what a failed call never handed over.
        """
        if not n:
            return align
        p = self.malloc(n, align)
        if not p:
            raise MemoryError(f"wasm module could not allocate {n} bytes")
        self.gives.append((p, n, align))
        self.memory.write(p, data)  # type: ignore[union-attr]
        return p

    def ungive(self, ngives: int) -> None:
        """Free what :meth:`give` allocated since ``len(gives)`` was ``ngives`` (the call never started)."""
        gives = self.gives
        live = not self.poisoned
        while len(gives) > ngives:
            p, n, align = gives.pop()
            if live:
                self.free(p, n, align)

    def give_str(self, value: str) -> int:
        """Hand a str over for good (a Rust ``String``); returns the packed value."""
        data = str.encode(value)
        n = len(data)
        return self.give(data, n, 1) | n << 32

    # ---- buffers of numbers --------------------------------------------------------
    @staticmethod
    def as_buffer(value: Any, kind: str, where: str, writable: bool = False) -> memoryview:
        """A contiguous byte view of ``value`` holding elements of ``kind`` (``u8``, ``f64``, ...).

        Accepts objects with the buffer protocol whose element type matches (bytes,
        bytearray, memoryview, array.array, numpy arrays) and, unless ``writable``, any
        iterable of numbers (copied into an ``array.array``).
        """
        code = ARRAY_CODES[kind]
        size = struct.calcsize(code)
        if writable and isinstance(value, list):
            # Lists are copied in and written back by the glue (``sync_list``).
            try:
                return memoryview(array.array(code, value)).cast("B")
            except TypeError as err:
                raise TypeError(f"{where} must be a list of {kind}: {err}") from None
        try:
            view = memoryview(value)
        except TypeError:
            if writable or isinstance(value, str):
                raise TypeError(
                    f"{where} must be a writable buffer of {kind}, not {type(value).__name__}"
                    if writable
                    else f"{where} must be a buffer or sequence of {kind}, not str"
                ) from None
            try:
                view = memoryview(array.array(code, value))
            except TypeError as err:
                raise TypeError(f"{where} must be a buffer or sequence of {kind}: {err}") from None
        fmt = view.format.lstrip("@=<>!")
        family = _FORMAT_FAMILY.get(fmt)
        expected = _FORMAT_FAMILY[code]
        if code == "B" and fmt in ("B", "b", "c"):
            pass  # any byte buffer will do for u8
        elif view.itemsize != size or family != expected:
            raise TypeError(
                f"{where} must hold {kind} elements, but the buffer's element format is {view.format!r}"
            )
        if writable and view.readonly:
            raise TypeError(f"{where} must be writable (e.g. bytearray, array.array, numpy array)")
        if not view.c_contiguous:
            if writable:
                raise TypeError(f"{where} must be contiguous to be written back")
            view = memoryview(view.tobytes())
        return view.cast("B") if view.ndim != 1 or view.format != "B" else view

    def take_str(self, packed: int) -> str:
        """Read a ``String`` Rust handed over, and free it unless it sits in the return buffer."""
        p = packed & _MASK32
        n = packed >> 32 & _LEN_MASK
        data = self.memory.read(p, n)  # type: ignore[union-attr]
        if n and not packed >> 63:
            self.free(p, n, 1)
        return data.decode("utf-8")

    def read_str(self, packed: int) -> str:
        """Read a ``&str`` Rust lent (not freed)."""
        return self.memory.read(packed & _MASK32, packed >> 32).decode("utf-8")  # type: ignore[union-attr]

    def read_array(self, packed: int, kind: str, owned: bool) -> Any:
        """Copy a slice of numbers out as ``array.array`` (bytes for ``u8``), freeing it if ``owned``."""
        code = ARRAY_CODES[kind]
        size = struct.calcsize(code)
        p = packed & _MASK32
        n = (packed >> 32 & _LEN_MASK) * size
        data = self.memory.read(p, n)  # type: ignore[union-attr]
        if owned and n and not packed >> 63:
            self.free(p, n, size)
        if code == "B":
            return data
        out = array.array(code)
        out.frombytes(data)
        return out

    def copy_back(self, packed: int, view: memoryview) -> None:
        """After a call taking ``&mut [T]``, copy the elements back into the caller's buffer."""
        self.memory.read_into(packed & _MASK32, view)  # type: ignore[union-attr]

    @staticmethod
    def sync_list(target: Any, view: memoryview, kind: str) -> None:
        """Write the elements of ``view`` back into the list ``target`` (``&mut [T]`` of a list)."""
        if isinstance(target, list):
            target[:] = view.cast(ARRAY_CODES[kind]).tolist()  # type: ignore[call-overload]

    def read_u64(self, address: int) -> int:
        """The 8 bytes at ``address`` as an unsigned int."""
        return int(_U64.unpack(self.memory.read(address, 8))[0])  # type: ignore[union-attr]

    def result_error(self) -> RustError:
        """The ``RustError`` for an ``Err`` just returned (its message sits in the result slot)."""
        return RustError(self.take_str(self.read_u64(self.slot_result)))
