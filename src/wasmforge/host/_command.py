"""Running a WASI command as ``wasmtime run`` does: argv, stdio, exit status, nothing else granted."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._config import Limits, WasiConfig
from ._errors import HostError, WasiExit, WasmTrap
from ._module import Module

#: the exit status ``wasmtime run`` gives a program that traps (128 + SIGABRT, as an abort would).
TRAP_EXIT_CODE = 134


@dataclass(frozen=True, slots=True)
class CommandResult:
    """How a command ended: its exit status, and what it wrote when the output was captured."""

    #: ``proc_exit``'s status, 0 when ``_start`` returned, :data:`TRAP_EXIT_CODE` when it trapped.
    exit_code: int
    #: the bytes written to standard output (None when not captured).
    stdout: bytes | None
    #: the bytes written to standard error (None when not captured).
    stderr: bytes | None
    #: the trap that ended the program, if one did.
    trap: WasmTrap | None = None

    @property
    def stdout_text(self) -> str:
        """Standard output decoded as UTF-8 (invalid bytes replaced); empty when not captured."""
        return (self.stdout or b"").decode("utf-8", "replace")

    @property
    def stderr_text(self) -> str:
        """Standard error decoded as UTF-8 (invalid bytes replaced); empty when not captured."""
        return (self.stderr or b"").decode("utf-8", "replace")

    def check(self) -> CommandResult:
        """``self`` when the exit status is 0; else raises the trap, or :class:`WasiExit`."""
        if self.trap is not None:
            raise self.trap
        if self.exit_code:
            raise WasiExit(self.exit_code)
        return self


def run_command(
    source: str | os.PathLike[str] | bytes | Module,
    args: Sequence[str] = (),
    *,
    stdin: bytes | str | os.PathLike[str] | None = None,
    inherit_stdin: bool = False,
    capture: bool = True,
    env: Mapping[str, str] | None = None,
    dirs: Mapping[str, str | os.PathLike[str]] | None = None,
    limits: Limits | None = None,
    imports: Mapping[str, Any] | None = None,
    program: str | None = None,
    entry: str = "_start",
) -> CommandResult:
    """Run a WASI command once, as ``wasmtime run FILE ARGS...`` does, and return how it ended.

    The program sees ``argv`` = ``[program, *args]`` (``program`` defaults to the file's name),
    and nothing of this process unless asked: no environment (``env`` gives variables), no
    directories (``dirs`` maps a guest path to a host directory), an empty standard input
    (``stdin`` gives its contents as bytes or text, a :class:`os.PathLike` names a file;
    ``inherit_stdin`` passes this process's). Output is captured into the result, or with
    ``capture=False`` goes to this process's standard output and error. ``proc_exit(n)``
    gives exit code ``n``; ``_start`` returning gives 0; a trap (a Rust panic aborts with
    one) gives :data:`TRAP_EXIT_CODE` with the trap in ``result.trap``. ``limits`` apply as in
    :func:`load` (the deadline covers the whole run). ``entry`` names another export to run.
    Raises :class:`HostError` when the module has no such export, and :class:`LinkError`
    when it imports something other than WASI that ``imports`` does not provide.
    """
    from ._instance import load

    module = source if isinstance(source, Module) else Module(source)
    functions = {e.name for e in module.exports if e.kind == "func"}
    if entry not in functions:
        what = {"reactor": "a WASI reactor", "library": "a library"}.get(module.kind, "a module")
        listed = ", ".join(sorted(functions)[:10]) or "none"
        raise HostError(
            f"{module.name}: exports no {entry} function: it is {what}, not a command (functions: {listed})",
            hint="call its exports with wasmforge.host.load(...) instead" if entry == "_start" else None,
        )
    name = program if program is not None else (
        Path(os.fspath(source)).name if isinstance(source, (str, os.PathLike)) else module.name
    )
    with _stdin_file(stdin) as stdin_path:
        config = WasiConfig(
            argv=[name, *args],
            env=dict(env or {}),
            preopens=dict(dirs or {}),
            stdin=stdin_path,
            inherit_stdin=inherit_stdin and stdin_path is None,
            capture_stdout=capture,
            capture_stderr=capture,
            inherit_stdout=not capture,
            inherit_stderr=not capture,
        )
        if not capture:
            # wasmtime writes to the file descriptors; what Python buffered must come first.
            sys.stdout.flush()
            sys.stderr.flush()
        code, trap, instance = 0, None, None
        try:
            instance = load(module, imports, limits=limits, wasi=config)
            getattr(instance.exports, entry)()
        except WasiExit as exit_:  # proc_exit, from _start or from a start function
            code = exit_.code
        except WasmTrap as err:
            code, trap = TRAP_EXIT_CODE, err
        finally:
            output = instance._wasi_output if instance is not None else {}
            if instance is not None:
                instance.close()
        return CommandResult(
            code,
            bytes(output.get("stdout", b"")) if capture else None,
            bytes(output.get("stderr", b"")) if capture else None,
            trap,
        )


class _stdin_file:
    """The path of a file holding ``stdin`` (a temporary one for bytes or text), or None."""

    def __init__(self, stdin: bytes | str | os.PathLike[str] | None) -> None:
        self._stdin = stdin
        self._temporary: str | None = None

    def __enter__(self) -> str | None:
        stdin = self._stdin
        if stdin is None:
            return None
        if isinstance(stdin, os.PathLike):
            return os.fspath(stdin)
        data = stdin.encode("utf-8") if isinstance(stdin, str) else bytes(stdin)
        fd, self._temporary = tempfile.mkstemp(prefix="wasmforge-stdin-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return self._temporary

    def __exit__(self, *exc: object) -> None:
        if self._temporary is not None:
            os.unlink(self._temporary)
