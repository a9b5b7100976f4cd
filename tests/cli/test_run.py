"""``wasmforge run``: calling exports from the command line as a user would."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from wasmtime import wat2wasm

CALC = """
(module
  (import "Math" "random" (func $random (result f64)))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "minus_one") (result i32) i32.const -1)
  (func (export "swap") (param i32 f64) (result f64 i32) local.get 1 local.get 0)
  (func (export "random_plus") (param f64) (result f64) call $random local.get 0 f64.add)
  (func (export "boom") unreachable)
  (func (export "spin") (loop $l br $l))
  (func (export "nothing"))
  (memory (export "memory") 1))
"""

SHARED = Path(os.environ.get("WASMFORGE_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))


@pytest.fixture
def calc(tmp_path: Path) -> Path:
    path = tmp_path / "calc.wasm"
    path.write_bytes(wat2wasm(CALC))
    return path


def corpus_module(name: str) -> Path:
    path = SHARED / "corpus" / "rust" / name
    if not path.exists():
        pytest.skip(f"{name} not in the shared corpus")
    return path


def test_prints_the_result(run_cli, calc):
    assert run_cli("run", calc, "add", "40", "2", "--import", "Math=random") == (0, "42\n", "")


def test_hex_arguments(run_cli, calc):
    assert run_cli("run", calc, "add", "0x10", "1", "--import", "Math=random")[1] == "17\n"


def test_negative_result_shows_the_unsigned_reading(run_cli, calc):
    assert run_cli("run", calc, "minus_one", "--import", "Math=random")[1] == "-1 (u32: 4294967295)\n"


def test_unsigned_flag(run_cli, calc):
    assert run_cli("run", calc, "minus_one", "--unsigned", "--import", "Math=random")[1] == "4294967295\n"


def test_i64_arguments_beyond_i32(run_cli, calc):
    assert run_cli("run", calc, "add64", str(2**40), "-1", "--import", "Math=random")[1] == f"{2**40 - 1}\n"


def test_invoke_makes_several_calls_in_order(run_cli, calc):
    code, out, _ = run_cli(
        "run", calc, "--invoke", "add 1 2", "--invoke", "swap 7 0.5", "--invoke", "nothing",
        "--import", "Math=random",
    )
    assert (code, out) == (0, "3\n0.5 7\n\n")


def test_json_output(run_cli, calc):
    code, out, _ = run_cli("run", calc, "swap", "-3", "1.5", "--json", "--import", "Math=random")
    assert json.loads(out) == [{"export": "swap", "args": [-3, 1.5], "results": [1.5, -3]}]


def test_import_of_a_python_module_serves_math_random(run_cli, calc):
    code, out, _ = run_cli("run", calc, "random_plus", "1", "--import", "Math=random")
    assert code == 0 and 1.0 <= float(out) < 2.0


def test_import_of_a_single_function(run_cli, calc):
    code, out, _ = run_cli("run", calc, "random_plus", "1", "--import", "Math.random=time.monotonic")
    assert code == 0 and float(out) > 1.0


def test_missing_import_is_one_error_line_with_a_hint(run_cli, calc):
    code, out, err = run_cli("run", calc, "add", "1", "2")
    assert code == 2 and out == ""
    assert err.splitlines()[0].startswith(f"error: cannot link {calc}: missing Math.random;")
    assert "Math.random: func () -> f64 [missing]" in err
    assert err.splitlines()[1].startswith("hint: ") and "--import" in err


def test_bad_argument_names_the_parameter(run_cli, calc):
    code, _, err = run_cli("run", calc, "add", "1", "x", "--import", "Math=random")
    assert code == 2
    assert err == "error: argument 2 of add: 'x' is not an integer (the parameter is i32)\n"


def test_wrong_argument_count(run_cli, calc):
    code, _, err = run_cli("run", calc, "add", "1", "--import", "Math=random")
    assert code == 2 and "add takes 2 arguments (i32, i32) -> i32, got 1" in err


def test_unknown_export_lists_the_functions(run_cli, calc):
    code, _, err = run_cli("run", calc, "sub", "--import", "Math=random")
    assert code == 2 and "no exported function 'sub'" in err and "add, add64" in err


def test_trap_exits_1_with_the_kind_and_a_backtrace(run_cli, calc):
    code, _, err = run_cli("run", calc, "boom", "--import", "Math=random")
    assert code == 1
    assert "boom() trapped: unreachable" in err.splitlines()[0]
    assert "wasm backtrace:" in err


def test_timeout_stops_an_infinite_loop(run_cli, calc):
    code, _, err = run_cli("run", calc, "spin", "--timeout", "0.1", "--import", "Math=random")
    assert code == 1 and "trapped: interrupted" in err


def test_fuel_stops_an_infinite_loop(run_cli, calc):
    code, _, err = run_cli("run", calc, "spin", "--fuel", "1000", "--import", "Math=random")
    assert code == 1 and "trapped: out of fuel" in err


def test_max_memory_size_is_parsed(run_cli, calc):
    code, _, err = run_cli("run", calc, "add", "1", "2", "--max-memory", "lots", "--import", "Math=random")
    assert code == 2 and "--max-memory 'lots'" in err


def test_unreadable_file_is_one_error_line(run_cli, tmp_path):
    code, _, err = run_cli("run", tmp_path / "missing.wasm", "add")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1


def test_corrupt_module_is_one_error_line(run_cli, tmp_path):
    path = tmp_path / "bad.wasm"
    path.write_bytes(b"\0asm\x01\0\0\0\x01\xff")
    code, _, err = run_cli("run", path, "add")
    assert code == 2 and err.startswith(f"error: {path}: invalid module") and "Traceback" not in err


def test_rust_module_with_host_memory_and_allocator(run_cli):
    path = corpus_module("importmem.1.96.release.wasm")
    code, out, _ = run_cli("run", path, "--invoke", "add 200 100", "--memory-pages", "17", "--allocator", "bump")
    assert (code, out) == (0, "300\n")


def test_rust_add_with_math_random(run_cli):
    path = corpus_module("add.1.96.release.wasm")
    assert run_cli("run", path, "add", "1.5", "2.25", "--import", "Math=random")[:2] == (0, "3.75\n")


def test_help_ends_with_examples(run_cli):
    code, out, _ = run_cli("run", "--help")
    assert code == 0 and "examples:" in out
