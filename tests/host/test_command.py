"""``run_command``: a WASI command run once, as ``wasmtime run`` runs it (modules written in WAT)."""

from __future__ import annotations

from pathlib import Path

import pytest
from wasmtime import wat2wasm

from wasmforge.host import TRAP_EXIT_CODE, HostError, Limits, Module, TrapKind, WasiExit, run_command

# Writes "hi\n" to stdout and "oops\n" to stderr, then exits with the status in argv's count.
COMMAND = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\\n")
  (data (i32.const 32) "oops\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 0) (i32.const 32)) (i32.store (i32.const 4) (i32.const 5))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $args_sizes (i32.const 64) (i32.const 68)))
    (call $exit (i32.sub (i32.load (i32.const 64)) (i32.const 1)))))
"""

RETURNS = '(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))) (func (export "_start")))'
TRAPS = '(module (func (export "_start") unreachable))'
SPINS = '(module (func (export "_start") (loop $l br $l)))'
REACTOR = '(module (func (export "_initialize")) (func (export "f") (result i32) i32.const 7))'
LIBRARY = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'


@pytest.fixture
def command(tmp_path: Path) -> Path:
    path = tmp_path / "hi.wasm"
    path.write_bytes(wat2wasm(COMMAND))
    return path


def test_output_is_captured_and_proc_exit_is_the_exit_code(command: Path) -> None:
    result = run_command(command, ["a", "b"])
    assert (result.exit_code, result.stdout, result.stderr, result.trap) == (2, b"hi\n", b"oops\n", None)
    assert result.stdout_text == "hi\n"


def test_argv_starts_with_the_program_name(command: Path) -> None:
    # No arguments: argv is [program] alone, so the module exits with 1 - 1 = 0.
    assert run_command(command).exit_code == 0
    assert run_command(command, [], program="x").exit_code == 0


def test_returning_from_start_is_exit_code_zero() -> None:
    assert run_command(RETURNS.encode()).exit_code == 0


def test_a_trap_gives_wasmtimes_exit_code_and_keeps_the_trap() -> None:
    result = run_command(TRAPS.encode())
    assert result.exit_code == TRAP_EXIT_CODE == 134
    assert result.trap is not None and result.trap.kind == TrapKind.UNREACHABLE
    with pytest.raises(type(result.trap)):
        result.check()


def test_check_raises_wasi_exit_for_a_nonzero_status(command: Path) -> None:
    with pytest.raises(WasiExit) as info:
        run_command(command, ["a"]).check()
    assert info.value.code == 1
    assert run_command(command).check().exit_code == 0


def test_fuel_limit_applies() -> None:
    result = run_command(SPINS.encode(), limits=Limits(fuel=10_000))
    assert result.exit_code == TRAP_EXIT_CODE and result.trap is not None
    assert result.trap.kind == TrapKind.OUT_OF_FUEL


def test_a_library_is_not_a_command() -> None:
    with pytest.raises(HostError, match="exports no _start function: it is a library"):
        run_command(LIBRARY.encode())
    with pytest.raises(HostError, match="a WASI reactor"):
        run_command(REACTOR.encode())


def test_uncaptured_output_goes_to_the_process(command: Path, capfd: pytest.CaptureFixture[str]) -> None:
    result = run_command(command, capture=False)
    assert result.stdout is None and result.stderr is None
    out, err = capfd.readouterr()
    assert (out, err) == ("hi\n", "oops\n")


@pytest.mark.parametrize(
    ("wat", "kind", "wasi"),
    [(COMMAND, "command", "preview1"), (REACTOR, "reactor", None), (LIBRARY, "library", None), (TRAPS, "command", None)],
)
def test_module_kind_and_wasi_version(wat: str, kind: str, wasi: str | None) -> None:
    module = Module(wat.encode())
    assert (module.kind, module.wasi_version) == (kind, wasi)
