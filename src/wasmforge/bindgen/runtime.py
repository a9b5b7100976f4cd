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
    "codec",
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
_ITEM_SIZES = {code: struct.calcsize(code) for code in ARRAY_CODES.values()}
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


def as_enum(value: Any, cls: Any, where: str) -> Any:
    """``value`` as a member of the ``IntEnum`` ``cls`` (members and their int values pass)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{where} must be a {cls.__name__}, not {describe(value)}")
    try:
        return cls(value)
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a {cls.__name__} (one of {', '.join(m.name for m in cls)})") from None


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
        #: Python objects Rust holds (``wasmforge::PyObject``): id -> [object, references].
        self.objects: dict[int, list[Any]] = {}
        self._next_object = 1
        self._object_ids: dict[int, int] = {}
        #: exported enum name -> (decoder, its ``Error`` exception class), set by the glue.
        self.enum_errors: dict[str, tuple[Callable[[bytes], Any], Any]] = {}
        wanted = {i.name for i in module.imports if i.module == "wasmforge"}
        offered = {
            "panic": HostFunction(self._on_panic, "(u32, u32, u32, u32, u32, u32) -> ()"),
            "object_clone": HostFunction(self._object_clone, "(u32) -> u32"),
            "object_drop": HostFunction(self._object_drop, "(u32) -> ()"),
            "call": HostFunction(self._call, "(u32, u64) -> u64"),
        }
        if wanted:
            providers["wasmforge"] = {name: fn for name, fn in offered.items() if name in wanted}
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

    # ---- Python objects held by Rust ---------------------------------------------
    def put_object(self, obj: Any) -> int:
        """Give Rust a reference to ``obj``; returns its id (one reference, Rust's to drop).
        An object Rust already holds keeps its id, so ids compare like ``is``."""
        oid = self._object_ids.get(id(obj))
        if oid is not None:
            self.objects[oid][1] += 1
            return oid
        oid = self._next_object
        while oid in self.objects or not oid:
            oid = oid + 1 & 0xFFFFFFFF
        self._next_object = oid + 1 & 0xFFFFFFFF
        self.objects[oid] = [obj, 1]
        self._object_ids[id(obj)] = oid
        return oid

    def take_object(self, oid: int) -> Any:
        """The object Rust hands back, taking over the reference Rust gave up."""
        entry = self.objects[oid]
        self._object_drop(oid)
        return entry[0]

    def drop_object(self, oid: int) -> None:
        """Release the reference the glue gave for a call (a callable lent to it)."""
        self._object_drop(oid)

    def _call(self, oid: int, packed: int) -> int:
        # Rust calls a lent Python callable: decode the arguments, call, encode the result
        # into an allocation Rust owns.
        fn, decode_args, encode_result, where = self.objects[oid][0]
        args = self.take_encoded(packed, decode_args)
        name = getattr(fn, "__qualname__", None) or describe(fn)
        taken: list[Any] = []
        data = encode_result(fn(*args), f"result of {name}() given as {where}", taken)
        for obj in taken:  # class objects in the result move into Rust
            obj._wf_h = 0
        n = len(data)
        p = self.malloc(n, 1) if n else 1
        if not p:
            raise MemoryError(f"wasm module could not allocate {n} bytes")
        if n:
            self.memory.write(p, data)  # type: ignore[union-attr]
        return p | n << 32

    def _object_clone(self, oid: int) -> int:
        self.objects[oid][1] += 1
        return oid

    def _object_drop(self, oid: int) -> None:
        entry = self.objects[oid]
        entry[1] -= 1
        if not entry[1]:
            del self.objects[oid]
            del self._object_ids[id(entry[0])]

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
        if value.__class__ is array.array and value.typecode == code:
            return memoryview(value).cast("B")  # the common case, checked by construction
        size = _ITEM_SIZES[code]
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
        size = _ITEM_SIZES[code]
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

    def take_encoded(self, packed: int, decode: Decoder) -> Any:
        """Decode an encoded value Rust handed over, freeing it unless it sits in the return buffer."""
        p = packed & _MASK32
        n = packed >> 32 & _LEN_MASK
        data = self.memory.read(p, n)  # type: ignore[union-attr]
        if n and not packed >> 63:
            self.free(p, n, 1)
        return decode(data)

    def result_error(self, tag: int = 1) -> RustError:
        """The exception for an ``Err`` just returned, its payload in the result slot: tag 1 a
        message (``RustError``), tag 2 an exported enum's value (its ``E.Error.<Variant>``)."""
        packed = self.read_u64(self.slot_result)
        if tag != 2:
            return RustError(self.take_str(packed))
        data = self.take_encoded(packed, bytes)
        n = _U32.unpack_from(data)[0]
        name = data[4 : 4 + n].decode()
        decode, error = self.enum_errors[name]
        value = decode(data[4 + n :])
        return getattr(error, getattr(value, "name", None) or type(value).__name__, error)(value)  # type: ignore[no-any-return]


# ---- encoded values ------------------------------------------------------------------
# Tuples, maps, 128-bit integers and vectors of anything but plain numbers travel as one
# little-endian buffer (layout: docs/descriptor-format.md, "Encoded values"). The glue
# describes each such type as a plan, a nested tuple made at generation time:
#   ("i", nbytes, signed)  ("f", 4|8)  ("bool",)  ("char",)  ("str",)  ("unit",)
#   ("vec", elem)  ("opt", inner)  ("tuple", (items...))  ("map", key, value)
#   ("class", name)  ("enum", name)  ("variant", name)  ("object",)
# and gets an encoder and a decoder for it from :func:`codec`.

Encoder = Callable[[Any, str, list[Any]], bytes]
Decoder = Callable[[bytes], Any]
_Enc = Callable[[Any, str, bytearray, list[Any]], None]
_Dec = Callable[[bytes, int], tuple[Any, int]]


def _int_enc(nbytes: int, signed: bool) -> _Enc:
    lo, hi = (-(1 << (8 * nbytes - 1)), (1 << (8 * nbytes - 1)) - 1) if signed else (0, (1 << (8 * nbytes)) - 1)
    kind = f"{'i' if signed else 'u'}{8 * nbytes}"

    def enc(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
        if v.__class__ is not int:
            v = as_int(v, where, kind)
        if not lo <= v <= hi:
            raise OverflowError(f"{where} out of range for {kind}: {v}")
        out += v.to_bytes(nbytes, "little", signed=signed)

    return enc


def _int_dec(nbytes: int, signed: bool) -> _Dec:
    from_bytes = int.from_bytes

    def dec(b: bytes, at: int) -> tuple[Any, int]:
        end = at + nbytes
        return from_bytes(b[at:end], "little", signed=signed), end

    return dec


def _encoder(plan: tuple[Any, ...], types: Mapping[str, Any]) -> _Enc:
    tag = plan[0]
    if tag == "i":
        return _int_enc(plan[1], plan[2])
    if tag == "f":
        packer = _F32.pack if plan[1] == 4 else _F64.pack

        def enc_f(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if v.__class__ is not float:
                v = as_float(v, where, f"f{8 * plan[1]}")
            out += packer(v)

        return enc_f
    if tag == "bool":

        def enc_bool(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if v is not True and v is not False:
                raise TypeError(f"{where} must be bool, not {type(v).__name__}")
            out.append(v)

        return enc_bool
    if tag == "char":

        def enc_char(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if not isinstance(v, str) or len(v) != 1 or 0xD800 <= ord(v) <= 0xDFFF:
                raise TypeError(f"{where} must be a str of one character (not a surrogate), not {describe(v)}")
            out += _U32.pack(ord(v))

        return enc_char
    if tag == "str":

        def enc_str(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if v.__class__ is not str:
                v = as_str(v, where)
            d = v.encode()
            out += _U32.pack(len(d))
            out += d

        return enc_str
    if tag == "unit":

        def enc_unit(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if v is not None and v != ():
                raise TypeError(f"{where} must be None or (), not {describe(v)}")

        return enc_unit
    if tag == "vec":
        item = _encoder(plan[1], types)
        if plan[1] == ("i", 1, False):

            def enc_bytes(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
                try:
                    d = memoryview(v).cast("B")
                except TypeError:
                    d = memoryview(bytes(_seq(v, where)))
                out += _U32.pack(d.nbytes)
                out += d

            return enc_bytes

        def enc_vec(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            items = _seq(v, where)
            out += _U32.pack(len(items))
            for i, x in enumerate(items):
                item(x, where if i else where, out, taken)

        return enc_vec
    if tag == "opt":
        inner = _encoder(plan[1], types)

        def enc_opt(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if v is None:
                out.append(0)
            else:
                out.append(1)
                inner(v, where, out, taken)

        return enc_opt
    if tag == "tuple":
        parts = [_encoder(p, types) for p in plan[1]]
        n = len(parts)

        def enc_tuple(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if not isinstance(v, (tuple, list)) or len(v) != n:
                raise TypeError(f"{where} must be a tuple of {n} item(s), not {describe(v)}")
            for part, x in zip(parts, v):
                part(x, where, out, taken)

        return enc_tuple
    if tag == "map":
        key, value = _encoder(plan[1], types), _encoder(plan[2], types)

        def enc_map(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if not isinstance(v, Mapping):
                raise TypeError(f"{where} must be a mapping (dict), not {describe(v)}")
            out += _U32.pack(len(v))
            for k, x in v.items():
                key(k, where, out, taken)
                value(x, where, out, taken)

        return enc_map
    if tag == "class":
        cls = types[plan[1]]

        def enc_class(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if not isinstance(v, cls):
                raise wrong_object(v, plan[1], where)
            if not v._wf_h:
                raise ClosedError(f"{where}: {plan[1]} object is closed")
            if v._wf_b:
                raise borrowed(v, where, True)
            if any(t is v for t in taken):
                raise ValueError(f"{where}: the same {plan[1]} object is given twice (each is moved into Rust)")
            taken.append(v)
            out += _U32.pack(v._wf_h)

        return enc_class
    if tag == "object":
        put = types[""].put_object

        def enc_object(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            out += _U32.pack(put(v))

        return enc_object
    if tag == "variant":
        base = types[plan[1]]
        fields: list[list[_Enc]] = []

        def enc_variant(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            if not fields:  # built on first use: a variant may hold its own enum
                fields.extend([_encoder(p, types) for p in case._wf_plans] for case in base._wf_variants)
            if not isinstance(v, base):
                raise TypeError(f"{where} must be a {plan[1]} variant, not {describe(v)}")
            index = v._wf_index
            out += _U32.pack(index)
            for enc, name in zip(fields[index], v.__match_args__):
                enc(getattr(v, name), where, out, taken)

        return enc_variant
    if tag == "enum":
        cls = types[plan[1]]

        def enc_enum(v: Any, where: str, out: bytearray, taken: list[Any]) -> None:
            try:
                member = cls(v)
            except (ValueError, TypeError):
                raise ValueError(f"{where} must be a {plan[1]}, not {describe(v)}") from None
            out += struct.pack("<i", member)

        return enc_enum
    raise ValueError(f"unknown plan {plan!r}")


def _seq(v: Any, where: str) -> Any:
    if isinstance(v, (list, tuple)):
        return v
    if isinstance(v, (str, bytes, Mapping)) or not hasattr(v, "__iter__"):
        raise TypeError(f"{where} must be a list, not {describe(v)}")
    return list(v)


def _decoder(plan: tuple[Any, ...], types: Mapping[str, Any]) -> _Dec:
    tag = plan[0]
    if tag == "i":
        return _int_dec(plan[1], plan[2])
    if tag == "f":
        unpack = (_F32 if plan[1] == 4 else _F64).unpack_from
        size = plan[1]

        def dec_f(b: bytes, at: int) -> tuple[Any, int]:
            return unpack(b, at)[0], at + size

        return dec_f
    if tag == "bool":
        return lambda b, at: (b[at] != 0, at + 1)
    if tag == "char":
        return lambda b, at: (chr(_U32.unpack_from(b, at)[0]), at + 4)
    if tag == "str":
        unpack_u32 = _U32.unpack_from

        def dec_str(b: bytes, at: int) -> tuple[Any, int]:
            n = unpack_u32(b, at)[0]
            at += 4
            return b[at : at + n].decode("utf-8"), at + n

        return dec_str
    if tag == "unit":
        return lambda b, at: (None, at)
    if tag == "vec":
        if plan[1] == ("i", 1, False):

            def dec_bytes(b: bytes, at: int) -> tuple[Any, int]:
                n = _U32.unpack_from(b, at)[0]
                return bytes(b[at + 4 : at + 4 + n]), at + 4 + n

            return dec_bytes
        item = _decoder(plan[1], types)

        def dec_vec(b: bytes, at: int) -> tuple[Any, int]:
            n = _U32.unpack_from(b, at)[0]
            at += 4
            out = []
            for _ in range(n):
                x, at = item(b, at)
                out.append(x)
            return out, at

        return dec_vec
    if tag == "opt":
        inner = _decoder(plan[1], types)

        def dec_opt(b: bytes, at: int) -> tuple[Any, int]:
            if b[at] == 0:
                return None, at + 1
            return inner(b, at + 1)

        return dec_opt
    if tag == "tuple":
        parts = [_decoder(p, types) for p in plan[1]]

        def dec_tuple(b: bytes, at: int) -> tuple[Any, int]:
            out = []
            for part in parts:
                x, at = part(b, at)
                out.append(x)
            return tuple(out), at

        return dec_tuple
    if tag == "map":
        key, value = _decoder(plan[1], types), _decoder(plan[2], types)

        def dec_map(b: bytes, at: int) -> tuple[Any, int]:
            n = _U32.unpack_from(b, at)[0]
            at += 4
            out = {}
            for _ in range(n):
                k, at = key(b, at)
                out[k], at = value(b, at)
            return out, at

        return dec_map
    if tag == "class":
        wrap = types[plan[1]]._wf_wrap
        return lambda b, at: (wrap(_U32.unpack_from(b, at)[0]), at + 4)
    if tag == "object":
        take = types[""].take_object
        return lambda b, at: (take(_U32.unpack_from(b, at)[0]), at + 4)
    if tag == "variant":
        cases = types[plan[1]]._wf_variants
        readers: list[list[_Dec]] = []

        def dec_variant(b: bytes, at: int) -> tuple[Any, int]:
            if not readers:
                readers.extend([_decoder(p, types) for p in case._wf_plans] for case in cases)
            index = _U32.unpack_from(b, at)[0]
            at += 4
            values = []
            for read in readers[index]:
                x, at = read(b, at)
                values.append(x)
            return cases[index](*values), at

        return dec_variant
    if tag == "enum":
        cls = types[plan[1]]
        return lambda b, at: (cls(struct.unpack_from("<i", b, at)[0]), at + 4)
    raise ValueError(f"unknown plan {plan!r}")


class _Source:
    """Python source of one specialised encoder or decoder, built from a plan.

    Only generated variable names and small ints reach the text; everything else (structs,
    helper functions, the closures for classes and enums) is passed in ``env``.
    """

    def __init__(self, types: Mapping[str, Any]) -> None:
        self.lines: list[str] = []
        self.env: dict[str, Any] = {
            "U32": _U32, "as_int": as_int, "as_float": as_float, "as_str": as_str, "seq": _seq,
            "describe": describe, "Mapping": Mapping, "from_bytes": int.from_bytes, "unpack_from": struct.unpack_from,
        }
        self.types = types
        self.n = 0
        #: variants being generated (their own fields refer back through a closure)
        self.active: set[str] = set()

    def var(self) -> str:
        self.n += 1
        return f"v{self.n}"

    def const(self, value: Any) -> str:
        name = f"k{len(self.env)}"
        self.env[name] = value
        return name

    def emit(self, depth: int, *lines: str) -> None:
        self.lines += ["    " * depth + line for line in lines]

    def enc(self, plan: tuple[Any, ...], x: str, depth: int) -> None:
        tag = plan[0]
        e = self.emit
        if tag == "i":
            nbytes, signed = plan[1], plan[2]
            bits = 8 * nbytes
            lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
            kind = f"{'i' if signed else 'u'}{bits}"
            e(depth, f"if {x}.__class__ is not int:", f"    {x} = as_int({x}, where, {kind!r})")
            e(depth, f"if not {lo} <= {x} <= {hi}:", f"    raise OverflowError(f'{{where}} out of range for {kind}: {{{x}}}')")
            if nbytes == 16:
                e(depth, f"out += {x}.to_bytes(16, 'little', signed={signed})")
            else:
                fmt = {1: "b", 2: "h", 4: "i", 8: "q"}[nbytes]
                e(depth, f"out += {self.const(struct.Struct('<' + (fmt if signed else fmt.upper())))}.pack({x})")
        elif tag == "f":
            kind = f"f{8 * plan[1]}"
            e(depth, f"if {x}.__class__ is not float:", f"    {x} = as_float({x}, where, {kind!r})")
            e(depth, f"out += {self.const(_F32 if plan[1] == 4 else _F64)}.pack({x})")
        elif tag == "bool":
            e(depth, f"if {x} is True:", "    out.append(1)", f"elif {x} is False:", "    out.append(0)", "else:")
            e(depth, f"    raise TypeError(f'{{where}} must be bool, not {{type({x}).__name__}}')")
        elif tag == "str":
            d = self.var()
            e(depth, f"if {x}.__class__ is not str:", f"    {x} = as_str({x}, where)")
            e(depth, f"{d} = {x}.encode()", f"out += U32.pack(len({d}))", f"out += {d}")
        elif tag == "vec" and plan[1] != ("i", 1, False):
            items, item = self.var(), self.var()
            e(depth, f"{items} = {x} if {x}.__class__ is list or {x}.__class__ is tuple else seq({x}, where)")
            e(depth, f"out += U32.pack(len({items}))", f"for {item} in {items}:")
            self.enc(plan[1], item, depth + 1)
        elif tag == "opt":
            e(depth, f"if {x} is None:", "    out.append(0)", "else:", "    out.append(1)")
            self.enc(plan[1], x, depth + 1)
        elif tag == "tuple":
            n = len(plan[1])
            parts = [self.var() for _ in plan[1]]
            e(depth, f"if not isinstance({x}, (tuple, list)) or len({x}) != {n}:")
            e(depth, f"    raise TypeError(f'{{where}} must be a tuple of {n} item(s), not {{describe({x})}}')")
            if n:
                e(depth, f"{', '.join(parts)}{',' if n == 1 else ''} = {x}")
            for part, p in zip(parts, plan[1]):
                self.enc(p, part, depth)
        elif tag == "map":
            k, v = self.var(), self.var()
            e(depth, f"if not isinstance({x}, Mapping):", f"    raise TypeError(f'{{where}} must be a mapping (dict), not {{describe({x})}}')")
            e(depth, f"out += U32.pack(len({x}))", f"for {k}, {v} in {x}.items():")
            self.enc(plan[1], k, depth + 1)
            self.enc(plan[2], v, depth + 1)
        elif tag == "variant" and plan[1] not in self.active:
            base = self.types[plan[1]]
            self.active.add(plan[1])  # a variant holding its own enum recurses through the closure
            i = self.var()
            e(depth, f"if not isinstance({x}, {self.const(base)}):")
            e(depth, f"    raise TypeError(f'{{where}} must be a {{{self.const(plan[1])}}} variant, not {{describe({x})}}')")
            e(depth, f"{i} = {x}._wf_index", f"out += U32.pack({i})")
            for index, case in enumerate(base._wf_variants):
                e(depth, f"{'if' if index == 0 else 'elif'} {i} == {index}:")
                if not case._wf_plans:
                    e(depth + 1, "pass")
                for name, fplan in zip(case.__match_args__, case._wf_plans):
                    f = self.var()
                    e(depth + 1, f"{f} = {self.const(operator.attrgetter(name))}({x})")
                    self.enc(fplan, f, depth + 1)
            self.active.discard(plan[1])
        else:  # char, unit, bytes, classes, enums, objects, recursive variants: the closures
            e(depth, f"{self.const(_encoder(plan, self.types))}({x}, where, out, taken)")

    def dec(self, plan: tuple[Any, ...], depth: int) -> str:
        tag = plan[0]
        e = self.emit
        v = self.var()
        if tag == "i" and plan[1] == 16:
            e(depth, f"{v} = from_bytes(b[at:at + 16], 'little', signed={plan[2]})", "at += 16")
        elif tag in ("i", "f"):
            fmt = {1: "b", 2: "h", 4: "i", 8: "q"}[plan[1]] if tag == "i" else ("f" if plan[1] == 4 else "d")
            fmt = fmt if tag == "f" or plan[2] else fmt.upper()
            e(depth, f"{v} = {self.const(struct.Struct('<' + fmt))}.unpack_from(b, at)[0]", f"at += {plan[1]}")
        elif tag == "bool":
            e(depth, f"{v} = b[at] != 0", "at += 1")
        elif tag == "str":
            n = self.var()
            e(depth, f"{n} = U32.unpack_from(b, at)[0]", f"{v} = b[at + 4:at + 4 + {n}].decode()", f"at += 4 + {n}")
        elif tag == "vec" and plan[1][0] == "class":
            # Handles are 4 bytes each: one unpack for all of them, one wrap per object.
            n = self.var()
            wrap = self.const(self.types[plan[1][1]]._wf_wrap)
            e(depth, f"{n} = U32.unpack_from(b, at)[0]", f"{v} = list(map({wrap}, unpack_from(f'<{{{n}}}I', b, at + 4)))")
            e(depth, f"at += 4 + 4 * {n}")
        elif tag == "class":
            e(depth, f"{v} = {self.const(self.types[plan[1]]._wf_wrap)}(U32.unpack_from(b, at)[0])", "at += 4")
        elif tag == "vec" and plan[1] != ("i", 1, False):
            i = self.var()
            e(depth, f"{v} = []", "at += 4", f"for {i} in range(U32.unpack_from(b, at - 4)[0]):")
            item = self.dec(plan[1], depth + 1)
            e(depth + 1, f"{v}.append({item})")
        elif tag == "opt":
            e(depth, "at += 1", "if b[at - 1]:")
            inner = self.dec(plan[1], depth + 1)
            e(depth, f"    {v} = {inner}", "else:", f"    {v} = None")
        elif tag == "tuple":
            parts = [self.dec(p, depth) for p in plan[1]]
            e(depth, f"{v} = ({', '.join(parts)}{',' if len(parts) == 1 else ''})")
        elif tag == "map":
            i = self.var()
            e(depth, f"{v} = {{}}", "at += 4", f"for {i} in range(U32.unpack_from(b, at - 4)[0]):")
            k = self.dec(plan[1], depth + 1)
            x = self.dec(plan[2], depth + 1)
            e(depth + 1, f"{v}[{k}] = {x}")
        elif tag == "variant" and plan[1] not in self.active:
            cases = self.types[plan[1]]._wf_variants
            self.active.add(plan[1])
            i = self.var()
            e(depth, f"{i} = U32.unpack_from(b, at)[0]", "at += 4")
            for index, case in enumerate(cases):
                e(depth, f"{'if' if index == 0 else 'elif'} {i} == {index}:")
                fields = [self.dec(p, depth + 1) for p in case._wf_plans]
                e(depth + 1, f"{v} = {self.const(case)}({', '.join(fields)})")
            e(depth, "else:", f"    raise ValueError(f'{{{i}}} is not a variant index')")
            self.active.discard(plan[1])
        else:
            e(depth, f"{v}, at = {self.const(_decoder(plan, self.types))}(b, at)")
        return v


def codec(plan: tuple[Any, ...], types: Mapping[str, Any]) -> tuple[Encoder, Decoder]:
    """The encoder (``enc(value, where, taken) -> bytes``) and decoder (``dec(data) -> value``)
    of a plan; ``types`` maps class and enum names to their Python classes. Class objects
    an encoder moves into Rust are appended to ``taken``: the glue closes them when the call starts.

    Both are specialised Python functions compiled from the plan once per instance, so a
    value costs about what hand-written packing costs.
    """
    src = _Source(types)
    src.emit(0, "def encode(x, where, taken):", "    out = bytearray()")
    src.enc(plan, "x", 1)
    src.emit(1, "return out")
    src.emit(0, "def decode(b):", "    at = 0")
    value = src.dec(plan, 1)
    src.emit(1, "if at != len(b):", "    raise ValueError(f'encoded value has {len(b) - at} trailing byte(s)')", f"return {value}")
    namespace = dict(src.env)
    exec(compile("\n".join(src.lines), f"<wasmforge codec {plan[0]}>", "exec"), namespace)  # noqa: S102 - source built from the plan's shape only
    return namespace["encode"], namespace["decode"]
