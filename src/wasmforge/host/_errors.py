"""Errors of the host layer: link failures, traps, poisoned instances."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import WasmforgeError, printable


class HostError(WasmforgeError):
    """Base of the errors raised by :mod:`wasmforge.host`."""


class LinkError(HostError):
    """The module's imports could not be satisfied (missing or mistyped imports).

    ``imports`` lists every import the module declares, as ``module.name: signature``
    lines; ``missing`` and ``mistyped`` name the ones that failed.
    """

    def __init__(
        self,
        message: str,
        *,
        imports: tuple[str, ...] = (),
        missing: tuple[str, ...] = (),
        mistyped: tuple[str, ...] = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.imports = imports
        self.missing = missing
        self.mistyped = mistyped


class InstancePoisoned(HostError):
    """A call was made on an instance whose earlier call trapped or was aborted."""


class MemoryAccessError(HostError, IndexError):
    """A host-side read or write outside the bounds of linear memory."""


class MemoryLimitError(HostError):
    """Linear memory could not grow (a limit or the memory's maximum refused it)."""


class WasiExit(HostError):
    """The module called WASI's ``proc_exit``; ``code`` is its exit status."""

    def __init__(self, code: int) -> None:
        super().__init__(f"the module exited with status {code}")
        self.code = code
        self.exit_code = code


class TrapKind(str, enum.Enum):  # noqa: UP042 - str(kind) stays the member name; the value is the user text
    """Why wasm code trapped; the value is the text shown to users."""

    UNREACHABLE = "unreachable"
    OUT_OF_BOUNDS = "out of bounds"
    INTEGER_DIVIDE_BY_ZERO = "integer divide by zero"
    INTEGER_OVERFLOW = "integer overflow"
    BAD_CONVERSION_TO_INTEGER = "invalid conversion to integer"
    STACK_OVERFLOW = "stack overflow"
    INTERRUPTED = "interrupted"
    OUT_OF_FUEL = "out of fuel"
    INDIRECT_CALL_TO_NULL = "indirect call to null"
    BAD_SIGNATURE = "indirect call type mismatch"
    TABLE_OUT_OF_BOUNDS = "table out of bounds"
    HOST_EXCEPTION = "host exception"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TraceFrame:
    """One wasm frame of a trap's backtrace, innermost first."""

    #: index of the function in the module's function index space (imports first).
    func_index: int
    #: the symbol from the name section as written (mangled), or None.
    symbol: str | None
    #: the demangled name (Rust legacy and v0 symbols), or the symbol, or None.
    name: str | None
    #: offset of the trapping instruction in the module file, when known.
    module_offset: int | None
    #: offset of the instruction from the start of its function body.
    func_offset: int | None

    def describe(self) -> str:
        """``name (func 12 @ 0x1a2)`` — one line for a backtrace."""
        label = printable(self.name) if self.name else f"<func {self.func_index}>"
        where = f"func {self.func_index}"
        if self.module_offset is not None:
            where += f" @ {self.module_offset:#x}"
        return f"{label} ({where})"


class WasmTrap(HostError):
    """Wasm execution trapped. ``kind`` says why, ``frames`` where (innermost first).

    The instance that trapped is poisoned: later calls raise :class:`InstancePoisoned`.
    Frame names are worked out when first asked for (``frames``, ``str()``), so that
    catching a trap and moving on costs no demangling.
    """

    #: a trap is a failed run, not bad input.
    exit_code = 1

    def __init__(
        self,
        kind: TrapKind,
        message: str,
        frames: tuple[TraceFrame, ...] = (),
        *,
        export: str | None = None,
        raw_frames: tuple[tuple[int, str | None, int | None, int | None], ...] | None = None,
        namer: Callable[[str | None, int], str | None] | None = None,
        context: str | None = None,
    ) -> None:
        # ``context`` names what ran when it was not an export (``m.wasm: the start function``).
        call = f"{context} " if context else f"{printable(export)}() " if export else ""
        Exception.__init__(self, f"{call}trapped: {kind.value}")
        self.hint = "the instance is poisoned now; load the module again to keep going"
        self.kind = kind
        self.wasm_message = message
        self.export = export
        self._frames: tuple[TraceFrame, ...] | None = frames if raw_frames is None else None
        self._raw_frames = raw_frames or ()
        self._namer = namer

    @property
    def frames(self) -> tuple[TraceFrame, ...]:
        """The wasm backtrace, innermost frame first."""
        if self._frames is None:
            namer = self._namer
            self._frames = tuple(
                TraceFrame(index, symbol, namer(symbol, index) if namer else symbol, module_offset, func_offset)
                for index, symbol, module_offset, func_offset in self._raw_frames
            )
        return self._frames

    @property
    def message(self) -> str:  # type: ignore[override]  # computed here, stored in the base class
        """``add() trapped: unreachable in core::panicking::panic_fmt``."""
        frames = self.frames
        where = f" in {printable(frames[0].name) if frames[0].name else f'<func {frames[0].func_index}>'}" if frames else ""
        return f"{self.args[0]}{where}"

    @property
    def backtrace(self) -> str:
        """The wasm backtrace as text, one ``  N: name (func i @ 0xoff)`` line per frame."""
        return "\n".join(f"  {i}: {frame.describe()}" for i, frame in enumerate(self.frames))
