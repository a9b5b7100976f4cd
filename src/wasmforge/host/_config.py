"""Options of :func:`wasmforge.host.load`: limits, WASI and host-supplied memory."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PAGE_SIZE = 65536


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for untrusted modules.

    ``max_memory``: bytes of linear memory the store may hold; a ``memory.grow`` past it
    returns -1 as the spec says (and instantiating a module that needs more fails).
    ``fuel``: a budget of wasm instructions for the whole life of the instance; running
    out traps with kind ``out of fuel``. ``deadline``: wall-clock seconds per call from
    Python into wasm; code still running then traps with kind ``interrupted``.
    """

    max_memory: int | None = None
    fuel: int | None = None
    deadline: float | None = None

    def __post_init__(self) -> None:
        for name in ("max_memory", "fuel", "deadline"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"Limits.{name} must not be negative, got {value}")


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

    ``preopens`` maps a guest path to a host directory. ``capture_stdout`` and
    ``capture_stderr`` collect the output for :meth:`Instance.wasi_output`; otherwise
    ``inherit_stdout``/``inherit_stderr`` pass it to this process (default: discarded).
    """

    argv: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    preopens: Mapping[str, str | os.PathLike[str]] = field(default_factory=dict)
    stdin: str | os.PathLike[str] | None = None
    capture_stdout: bool = False
    capture_stderr: bool = False
    inherit_stdout: bool = False
    inherit_stderr: bool = False
