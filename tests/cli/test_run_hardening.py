"""``wasmforge run`` on hostile modules: bounded by default, names escaped, Ctrl-C honoured."""

from __future__ import annotations

from pathlib import Path

from wasmtime import wat2wasm

GREEDY = """
(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (func (export "grow_memory") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
  (func (export "\\1b[2Jevil\\0d")))
"""


def _greedy(tmp_path: Path) -> Path:
    path = tmp_path / "greedy.wasm"
    path.write_bytes(wat2wasm(GREEDY))
    return path


def test_run_bounds_memory_by_default(run_cli, tmp_path):
    # 300 MiB is past the 256 MiB default: memory.grow refuses (-1) instead of taking it.
    code, out, _ = run_cli("run", _greedy(tmp_path), "grow_memory", "4800")
    assert (code, out) == (0, "-1 (u32: 4294967295)\n")
    code, out, _ = run_cli("run", _greedy(tmp_path), "grow_memory", "100")
    assert (code, out) == (0, "1\n")


def test_run_bounds_table_elements_by_default(run_cli, tmp_path):
    code, out, _ = run_cli("run", _greedy(tmp_path), "grow_table", "2000000")
    assert (code, out) == (0, "-1 (u32: 4294967295)\n")


def test_the_default_limits_can_be_lifted_or_changed(run_cli, tmp_path):
    code, out, _ = run_cli("run", _greedy(tmp_path), "grow_table", "2000000", "--max-table-elements", "none")
    assert (code, out) == (0, "1\n")
    code, out, _ = run_cli("run", _greedy(tmp_path), "grow_memory", "2", "--max-memory", "64KiB")
    assert (code, out) == (0, "-1 (u32: 4294967295)\n")


def test_unknown_export_error_escapes_the_module_names(run_cli, tmp_path):
    code, _, err = run_cli("run", _greedy(tmp_path), "nope\x1b[31m")
    assert code == 2
    assert "\x1b" not in err and "\r" not in err
    assert "\\x1b[2Jevil\\x0d" in err and "'nope\\x1b[31m'" in err


def test_run_offers_shared_memory_for_threads_modules(run_cli, tmp_path):
    path = tmp_path / "threads.wasm"
    path.write_bytes(wat2wasm('(module (memory 1 1 shared) (func (export "f") (result i32) (i32.atomic.load (i32.const 0))))'))
    code, _, err = run_cli("run", path, "f")
    assert code == 2 and "--shared-memory" in err
    code, out, _ = run_cli("run", path, "f", "--shared-memory")
    assert (code, out) == (0, "0\n")


def test_a_trapping_start_function_names_the_file(run_cli, tmp_path):
    path = tmp_path / "starts.wasm"
    path.write_bytes(wat2wasm("(module (func $s unreachable) (start $s))"))
    code, _, err = run_cli("run", path, "f")
    assert code == 1
    assert err.startswith(f"error: {path}: the start function trapped: unreachable")
