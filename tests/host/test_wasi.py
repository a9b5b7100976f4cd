"""WASI only when asked, with exactly what was granted."""

from __future__ import annotations

import pytest
from wasmtime import wat2wasm

from wasmforge.host import LinkError, WasiConfig, load

WASI_WAT = wat2wasm("""
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello\\n")
  (func (export "hello") (result i32)
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 6))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "argc") (result i32)
    (drop (call $args_sizes (i32.const 16) (i32.const 20))) (i32.load (i32.const 16)))
  (func (export "envc") (result i32)
    (drop (call $env_sizes (i32.const 16) (i32.const 20))) (i32.load (i32.const 16)))
  (func (export "prestat3") (result i32) (call $prestat (i32.const 3) (i32.const 32))))
""")


def test_without_wasi_the_imports_are_missing():
    with pytest.raises(LinkError) as info:
        load(WASI_WAT)
    assert "wasi_snapshot_preview1.fd_write" in info.value.missing
    assert "wasi=WasiConfig" in info.value.hint


def test_stdout_is_captured():
    inst = load(WASI_WAT, wasi=WasiConfig(capture_stdout=True))
    assert inst.exports.hello() == 0
    assert inst.wasi_output("stdout") == "hello\n"


def test_argv_and_env_are_exactly_what_was_given():
    inst = load(WASI_WAT, wasi=WasiConfig(argv=["prog", "one", "two"], env={"A": "1"}))
    assert (inst.exports.argc(), inst.exports.envc()) == (3, 1)


def test_no_environment_is_inherited():
    assert load(WASI_WAT, wasi=WasiConfig()).exports.envc() == 0


def test_no_directory_unless_preopened():
    badf = 8  # WASI errno EBADF: no preopened directory at fd 3
    assert load(WASI_WAT, wasi=WasiConfig()).exports.prestat3() == badf


def test_preopened_directory_is_visible(tmp_path):
    inst = load(WASI_WAT, wasi=WasiConfig(preopens={"/data": tmp_path}))
    assert inst.exports.prestat3() == 0


EXIT_WAT = wat2wasm("""
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 3))))
""")


def test_proc_exit_is_wasi_exit_with_the_status():
    from wasmforge.host import WasiExit

    inst = load(EXIT_WAT, wasi=WasiConfig())
    with pytest.raises(WasiExit) as info:
        inst.exports._start()
    assert info.value.code == 3
    assert inst.poisoned


def test_run_with_wasi_calls_start_and_exits_with_its_status(run_cli, tmp_path):
    path = tmp_path / "exit.wasm"
    path.write_bytes(EXIT_WAT)
    assert run_cli("run", path, "--wasi")[0] == 3
