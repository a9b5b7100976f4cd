"""Linear memory seen from Python: copies in and out, strings, zero-copy views."""

from __future__ import annotations

import ctypes
import struct
from typing import Any

import wasmtime

from . import _raw
from ._config import PAGE_SIZE
from ._errors import HostError, MemoryAccessError, MemoryLimitError


class Memory:
    """A linear memory of an instance (exported, or supplied by the host).

    Every method looks up the memory's current base and size, so results stay
    right after ``memory.grow``; only :meth:`view` and :meth:`numpy` hand out
    objects tied to the current mapping (take a new one after the memory grows).
    Addresses are byte offsets into the memory; an access past its end raises
    :class:`MemoryAccessError` (an ``IndexError``).
    """

    __slots__ = ("_store", "_memory", "_cctx", "_cmem", "_keep", "_owner", "_size", "_whole", "name")

    def __init__(
        self, store: wasmtime.Store, memory: wasmtime.Memory, name: str = "memory", owner: Any = None
    ) -> None:
        self._store = store
        # The instance's call state: its `closed` flag guards against use after close().
        self._owner = owner
        self._memory = memory
        self._cctx: ctypes.c_void_p | None = None
        self._cmem: ctypes.c_void_p | None = None
        self._keep: Any = None
        if _raw.FAST:
            self._cctx = ctypes.c_void_p(_raw.context_address(store))
            self._cmem = ctypes.c_void_p(ctypes.addressof(memory._memory))
            self._keep = memory._memory
        # A view of the whole memory as last seen; memory moves only when it grows, so the
        # view stays right for as long as the size is unchanged.
        self._size = -1
        self._whole = memoryview(b"")
        #: the export or import name this memory was found under.
        self.name = name

    def _current(self) -> memoryview:
        # The whole memory, refreshed when its size changed since the last access.
        owner = self._owner
        if owner is not None and owner.closed:
            self._check_open()
        size = self._data_size()
        if size != self._size:
            self._whole = _raw.memoryview_at(self._data_address(), size)
            self._size = size
        return self._whole

    def _data_size(self) -> int:
        if self._cctx is not None:
            return int(_raw.memory_data_size(self._cctx, self._cmem))
        return int(self._memory.data_len(self._store))

    def _data_address(self) -> int:
        if self._cctx is not None:
            return int(_raw.memory_data(self._cctx, self._cmem) or 0)
        return ctypes.cast(self._memory.data_ptr(self._store), ctypes.c_void_p).value or 0

    def _out_of_bounds(self, ptr: int, n: int) -> MemoryAccessError:
        return MemoryAccessError(
            f"memory access out of bounds: {n} bytes at {ptr:#x} in a memory of {self._size:#x} bytes"
        )

    # -- geometry ---------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._owner is not None and self._owner.closed:
            raise HostError(f"memory {self.name!r} belongs to a closed instance")

    @property
    def size(self) -> int:
        """Current size in bytes."""
        self._current()
        return self._size

    def __len__(self) -> int:
        return self.size

    @property
    def pages(self) -> int:
        """Current size in 64 KiB pages."""
        return self.size // PAGE_SIZE

    @property
    def address(self) -> int:
        """Host address of byte 0 (changes when the memory moves on growth)."""
        self._check_open()
        return self._data_address()

    def grow(self, pages: int) -> int:
        """Grow by ``pages`` pages; returns the previous size in pages.

        Raises :class:`MemoryLimitError` when the memory's maximum or the instance's
        ``Limits.max_memory`` refuses (wasm code sees -1 from ``memory.grow`` then).
        """
        self._check_open()
        if pages < 0:
            raise ValueError(f"cannot grow memory by a negative number of pages ({pages})")
        try:
            if self._owner is not None:
                with self._owner.lock:  # growing changes the store: not while another thread runs
                    return int(self._memory.grow(self._store, pages))
            return int(self._memory.grow(self._store, pages))
        except wasmtime.WasmtimeError as err:
            raise MemoryLimitError(
                f"memory {self.name!r} cannot grow by {pages} pages from {self.pages}: {err}",
                hint="raise Limits(max_memory=...) or the memory's maximum",
            ) from None

    def _span(self, ptr: int, n: int) -> int:
        # The host address of [ptr, ptr + n), bounds-checked.
        self._current()
        if ptr < 0 or n < 0 or ptr + n > self._size:
            raise self._out_of_bounds(ptr, n)
        return self._data_address() + ptr

    # -- bytes ------------------------------------------------------------------------------
    def read(self, ptr: int, n: int) -> bytes:
        """A copy of ``n`` bytes at ``ptr``."""
        whole = self._current()
        if ptr < 0 or n < 0 or ptr + n > self._size:
            raise self._out_of_bounds(ptr, n)
        return whole[ptr : ptr + n].tobytes()

    def read_into(self, ptr: int, buffer: Any) -> int:
        """Copy ``len(buffer)`` bytes at ``ptr`` into a writable buffer; returns the count."""
        target = memoryview(buffer).cast("B")
        n = target.nbytes
        whole = self._current()
        if ptr < 0 or ptr + n > self._size:
            raise self._out_of_bounds(ptr, n)
        target[:] = whole[ptr : ptr + n]
        return n

    def write(self, ptr: int, data: Any) -> int:
        """Copy ``data`` (bytes-like) to ``ptr``; returns the number of bytes written."""
        if type(data) is not bytes and type(data) is not bytearray:
            data = memoryview(data).cast("B")
        n = len(data)
        whole = self._current()
        if ptr < 0 or ptr + n > self._size:
            raise self._out_of_bounds(ptr, n)
        whole[ptr : ptr + n] = data
        return n

    def fill(self, ptr: int, n: int, byte: int = 0) -> None:
        """Set ``n`` bytes at ``ptr`` to ``byte``."""
        ctypes.memset(self._span(ptr, n), byte, n)

    # -- strings ----------------------------------------------------------------------------
    def read_str(self, ptr: int, n: int, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Decode ``n`` bytes at ``ptr`` (UTF-8 unless told otherwise)."""
        return self.read(ptr, n).decode(encoding, errors)

    def cstring(self, ptr: int, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Decode the NUL-terminated string at ``ptr``; raises if no NUL comes before the end."""
        end = self.find(b"\0", ptr)
        if end < 0:
            raise MemoryAccessError(f"no NUL terminator after {ptr:#x} before the end of memory")
        return self.read(ptr, end - ptr).decode(encoding, errors)

    def find(self, needle: bytes, start: int = 0, stop: int | None = None) -> int:
        """Address of the first ``needle`` in ``[start, stop)``, or -1."""
        size = self.size
        stop = size if stop is None else min(stop, size)
        if start < 0 or start > size:
            raise MemoryAccessError(f"search start {start:#x} outside a memory of {size:#x} bytes")
        view = self.view()
        chunk = 1 << 16
        position = start
        # Scan in chunks, so a short string near the start costs little.
        while position < stop:
            end = min(position + chunk + len(needle) - 1, stop)
            found = bytes(view[position:end]).find(needle)
            if found >= 0:
                return position + found
            position += chunk
        return -1

    # -- structured values ------------------------------------------------------------------
    def unpack(self, fmt: str, ptr: int) -> tuple[Any, ...]:
        """``struct.unpack_from(fmt, memory, ptr)`` (use ``<`` formats: wasm is little-endian)."""
        n = struct.calcsize(fmt)
        return struct.unpack(fmt, self.read(ptr, n))

    def pack(self, fmt: str, ptr: int, *values: Any) -> None:
        """``struct.pack_into(fmt, memory, ptr, *values)``."""
        self.write(ptr, struct.pack(fmt, *values))

    # -- zero-copy --------------------------------------------------------------------------
    def mapped(self) -> memoryview:
        """A writable ``memoryview`` of the whole memory as it is mapped now (cheap to ask again).

        For glue making several accesses around one call: valid until the next call into
        wasm (which may grow the memory) or until the instance is closed. Slices of it are
        bounds-safe (they clamp at the end), so check lengths where it matters.
        """
        return self._current()

    def view(self, start: int = 0, stop: int | None = None) -> memoryview:
        """A writable, zero-copy ``memoryview`` of bytes ``[start, stop)``.

        Valid until the memory grows or the instance is closed; take a new one then.
        """
        size = self.size
        stop = size if stop is None else stop
        address = self._span(start, stop - start)
        return _raw.memoryview_at(address, stop - start)

    def numpy(self, dtype: Any = "uint8", start: int = 0, count: int = -1) -> Any:
        """A zero-copy numpy array over the memory from ``start`` (requires numpy)."""
        try:
            import numpy
        except ImportError:
            raise HostError("Memory.numpy() needs numpy", hint="pip install numpy") from None
        return numpy.frombuffer(self.view(), dtype=dtype, count=count, offset=start)

    @property
    def wasmtime_memory(self) -> wasmtime.Memory:
        """The underlying ``wasmtime.Memory`` (use with :attr:`Instance.store`)."""
        return self._memory

    def __repr__(self) -> str:
        try:
            return f"<wasm memory {self.name!r}: {self.pages} pages ({self.size} bytes)>"
        except Exception:  # closed store
            return f"<wasm memory {self.name!r} (closed)>"
