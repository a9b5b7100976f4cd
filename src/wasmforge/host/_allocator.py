"""Host-side allocators over a module's linear memory (a JavaScript-style ``malloc``).

A module built with ``--import-memory`` that imports ``env.malloc`` leaves the heap to
the host. The allocators here hand out blocks above the module's ``__heap_base`` and
grow the memory when they run out; they return 0 (NULL) when it cannot grow.
"""

from __future__ import annotations

import bisect

from ._config import PAGE_SIZE
from ._errors import HostError, MemoryLimitError
from ._memory import Memory


def _align_up(value: int, align: int) -> int:
    return (value + align - 1) & -align


class Allocator:
    """Base of host allocators: ``malloc(size) -> address`` and ``free(address)``.

    ``base`` is where the heap starts; when None it is read from the module's
    ``__heap_base`` export at load time. ``align`` must be a power of two.
    """

    #: name accepted by ``load(allocator=...)``.
    kind = "base"

    def __init__(self, base: int | None = None, align: int = 16) -> None:
        if align <= 0 or align & (align - 1):
            raise ValueError(f"alignment must be a power of two, got {align}")
        self.base = base
        self.align = align
        self.memory: Memory | None = None

    def bind(self, memory: Memory, heap_base: int | None) -> None:
        """Attach to ``memory``; ``heap_base`` (from the module) is used unless ``base`` was given."""
        self.memory = memory
        if self.base is None:
            self.base = heap_base
        if self.base is None:
            raise HostError(
                "the module exports no __heap_base, so the allocator does not know where the heap starts",
                hint="pass an allocator with an explicit base, e.g. BumpAllocator(base=65536)",
            )
        self.base = _align_up(self.base, self.align)
        self._reset()

    def _reset(self) -> None:
        raise NotImplementedError

    def _ensure(self, end: int) -> bool:
        # Grow the memory so that [0, end) is inside it; False when it may not grow.
        assert self.memory is not None
        size = self.memory.size
        if end <= size:
            return True
        try:
            self.memory.grow((end - size + PAGE_SIZE - 1) // PAGE_SIZE)
        except MemoryLimitError:
            return False
        return True

    def malloc(self, size: int) -> int:
        """Allocate ``size`` bytes; returns the address, or 0 when memory is exhausted."""
        raise NotImplementedError

    def free(self, address: int) -> None:
        """Release a block from :meth:`malloc` (0 is ignored)."""
        raise NotImplementedError


class BumpAllocator(Allocator):
    """Hands out blocks one after another and never reuses them (``free`` does nothing)."""

    kind = "bump"

    def _reset(self) -> None:
        assert self.base is not None
        self.top = self.base

    def malloc(self, size: int) -> int:
        """Allocate ``size`` bytes at the top of the heap; 0 when memory is exhausted."""
        if self.memory is None:
            raise HostError("allocator used before it was bound to a memory")
        address = self.top
        end = _align_up(address + max(size, 1), self.align)
        if end > 2**32 or not self._ensure(end):
            return 0
        self.top = end
        return address

    def free(self, address: int) -> None:
        """Does nothing: a bump allocator only grows."""


class FreeListAllocator(Allocator):
    """First-fit allocation with a free list; freed neighbours coalesce.

    Block sizes are kept on the host side, so no header is written into wasm memory.
    """

    kind = "free-list"

    def _reset(self) -> None:
        assert self.base is not None
        self.top = self.base
        self.sizes: dict[int, int] = {}
        #: sorted start addresses of free blocks, and their sizes.
        self.free_starts: list[int] = []
        self.free_sizes: dict[int, int] = {}

    def malloc(self, size: int) -> int:
        """Allocate ``size`` bytes from the first free block that fits; 0 when exhausted."""
        if self.memory is None:
            raise HostError("allocator used before it was bound to a memory")
        need = _align_up(max(size, 1), self.align)
        for index, start in enumerate(self.free_starts):
            block = self.free_sizes[start]
            if block >= need:
                del self.free_starts[index]
                del self.free_sizes[start]
                if block > need:
                    rest = start + need
                    bisect.insort(self.free_starts, rest)
                    self.free_sizes[rest] = block - need
                self.sizes[start] = need
                return start
        address = self.top
        end = address + need
        if end > 2**32 or not self._ensure(end):
            return 0
        self.top = end
        self.sizes[address] = need
        return address

    def free(self, address: int) -> None:
        """Return a block to the free list, merging it with free neighbours."""
        if address == 0:
            return
        size = self.sizes.pop(address, None)
        if size is None:
            raise HostError(f"free({address:#x}): not a block from this allocator (or freed twice)")
        index = bisect.bisect_left(self.free_starts, address)
        # merge with the following free block
        if index < len(self.free_starts) and self.free_starts[index] == address + size:
            following = self.free_starts.pop(index)
            size += self.free_sizes.pop(following)
        # merge with the preceding free block
        if index > 0:
            previous = self.free_starts[index - 1]
            if previous + self.free_sizes[previous] == address:
                self.free_sizes[previous] += size
                self._trim()
                return
        self.free_starts.insert(index, address)
        self.free_sizes[address] = size
        self._trim()

    def _trim(self) -> None:
        # A free block that ends at the top goes back to the top.
        if self.free_starts:
            last = self.free_starts[-1]
            if last + self.free_sizes[last] == self.top:
                self.free_starts.pop()
                self.top = last
                del self.free_sizes[last]

    @property
    def in_use(self) -> int:
        """Bytes currently allocated (after alignment)."""
        return sum(self.sizes.values())


def make_allocator(spec: str | Allocator) -> Allocator:
    """An allocator from ``"bump"``, ``"free-list"`` or an :class:`Allocator` instance."""
    if isinstance(spec, Allocator):
        return spec
    for cls in (BumpAllocator, FreeListAllocator):
        if spec == cls.kind:
            return cls()
    raise ValueError(f"unknown allocator {spec!r}: expected 'bump', 'free-list' or an Allocator")
