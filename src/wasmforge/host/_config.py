"""Options of :func:`wasmforge.host.load`: limits, WASI and host-supplied memory."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PAGE_SIZE = 65536


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for untrusted modules, for the instance as a whole.

    ``max_memory``: bytes of linear memory all the instance's memories may hold together;
    a ``memory.grow`` past it returns -1 as the spec says (and instantiating a module that
    needs more fails). Each memory gets an equal share (the cap divided by the number of
    memories the module has). ``max_table_elements``: elements all its tables may hold
    together (shared out the same way; ``table.grow`` past it returns -1).
    ``max_memories``, ``max_tables``, ``max_instances``: how many of each the store may
    create. ``fuel``: a budget of wasm instructions for the whole life of the instance;
    running out traps with kind ``out of fuel``. ``deadline``: wall-clock seconds per call
    from Python into wasm; code still running then traps with kind ``interrupted``.
    :meth:`untrusted` gives the defaults ``wasmforge run`` uses.
    """

    max_memory: int | None = None
    fuel: int | None = None
    deadline: float | None = None
    max_table_elements: int | None = None
    max_memories: int | None = None
    max_tables: int | None = None
    max_instances: int | None = None

    def __post_init__(self) -> None:
        for name in self.__slots__:
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"Limits.{name} must not be negative, got {value}")

    @classmethod
    def untrusted(cls, **overrides: int | float | None) -> Limits:
        """Limits that keep an untrusted module from exhausting the machine's memory.

        256 MiB of linear memory and 1,000,000 table elements in all, at most 8 memories,
        8 tables and 1 instance; no fuel or deadline (give them for code that may loop).
        """
        values: dict[str, int | float | None] = {
            "max_memory": UNTRUSTED_MAX_MEMORY,
            "max_table_elements": UNTRUSTED_MAX_TABLE_ELEMENTS,
            "max_memories": 8,
            "max_tables": 8,
            "max_instances": 1,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def store_limits(self, memories: int, tables: int) -> dict[str, int]:
        """Keyword arguments of ``wasmtime.Store.set_limits`` enforcing these limits for a
        module with ``memories`` memories and ``tables`` tables (-1: no limit)."""
        per_memory = per_table = -1
        if self.max_memory is not None:
            per_memory = self.max_memory // max(memories, 1)
        if self.max_table_elements is not None:
            per_table = self.max_table_elements // max(tables, 1)
        # wasmtime limits each memory and table on its own; the counts make the totals hold:
        # no more of them can be made than the shares were computed for.
        count_memories = memories if self.max_memory is not None else -1
        count_tables = tables if self.max_table_elements is not None else -1
        if self.max_memories is not None:
            count_memories = min(self.max_memories, count_memories) if count_memories >= 0 else self.max_memories
        if self.max_tables is not None:
            count_tables = min(self.max_tables, count_tables) if count_tables >= 0 else self.max_tables
        return {
            "memory_size": per_memory,
            "table_elements": per_table,
            "memories": count_memories,
            "tables": count_tables,
            "instances": -1 if self.max_instances is None else self.max_instances,
        }


#: defaults of :meth:`Limits.untrusted`.
UNTRUSTED_MAX_MEMORY = 256 * 1024 * 1024
UNTRUSTED_MAX_TABLE_ELEMENTS = 1_000_000


@dataclass(frozen=True, slots=True)
class HostMemory:
    """A linear memory made by the host, for modules that import theirs (``--import-memory``)."""

    min_pages: int = 1
    max_pages: int | None = None

    @property
    def min_bytes(self) -> int:
        """Initial size in bytes."""
        return self.min_pages * PAGE_SIZE


@dataclass(frozen=True, slots=True)
class WasiConfig:
    """WASI for a module that imports ``wasi_snapshot_preview1``; nothing is granted unless listed.

    ``preopens`` maps a guest path to a host directory. ``stdin`` is a file to read as
    standard input; ``inherit_stdin`` gives the module this process's (default: empty).
    ``capture_stdout`` and ``capture_stderr`` collect the output for
    :meth:`Instance.wasi_output`; otherwise ``inherit_stdout``/``inherit_stderr`` pass it
    to this process (default: discarded).
    """

    argv: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    preopens: Mapping[str, str | os.PathLike[str]] = field(default_factory=dict)
    stdin: str | os.PathLike[str] | None = None
    capture_stdout: bool = False
    capture_stderr: bool = False
    inherit_stdout: bool = False
    inherit_stderr: bool = False
    inherit_stdin: bool = False
