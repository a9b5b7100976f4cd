"""The size-profiling commands as a user runs them: output, formats, -o, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import wasmtime

from tests.conftest import CORPUS

WAT = """(module
  (func $alloc::vec::push::h0123456789abcdef (param i32) (result i32) (local.get 0))
  (func $app::main (export "main") (result i32) (call $alloc::vec::push::h0123456789abcdef (i32.const 1)))
  (func $dead (result i32) (i32.const 0)))"""


@pytest.fixture
def module(tmp_path: Path) -> Path:
    path = tmp_path / "app.wasm"
    path.write_bytes(wasmtime.wat2wasm(WAT))
    return path


def test_top_prints_a_table_with_the_total(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("top", module, "-n", "3")
    assert code == 0 and err == ""
    assert out.splitlines()[0].split("│")[-1].strip() == "Item"
    assert out.splitlines()[-1].split("┊")[0].strip() == str(module.stat().st_size)


def test_top_json_has_items_with_retained_sizes(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("top", module, "--retained", "--format", "json")
    items = json.loads(out)["items"]
    assert code == 0
    main = next(i for i in items if i["name"] == "app::main")
    push = next(i for i in items if i["name"] == "alloc::vec::push::h0123456789abcdef")
    assert main["retained_size"] >= main["shallow_size"] + push["shallow_size"]


def test_output_file_is_written_and_stdout_stays_empty(run_cli, module: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "top.csv"
    code, out, _ = run_cli("top", module, "-f", "csv", "-o", target)
    assert code == 0 and out == ""
    assert target.read_text().startswith("Name,ShallowSize,")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".wasmforge-")] == []
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # not left private by the temp file


def test_every_command_runs_in_every_format(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    commands = [["top"], ["dominators"], ["paths", "app::main"], ["monos"], ["garbage"], ["crates"]]
    for command in commands:
        for fmt in ("text", "json", "csv"):
            code, out, err = run_cli(command[0], module, *command[1:], "--format", fmt)
            # garbage finds the dead function: a finding, exit 1
            assert code == (1 if command == ["garbage"] else 0) and out and err == "", (command, fmt, err)
    code, out, _ = run_cli("diff", module, module, "--format", "json")
    assert code == 0 and json.loads(out)["items"] == []


def test_garbage_names_the_dead_function(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("garbage", module)
    assert code == 1 and "dead" in out


def test_garbage_exits_0_when_everything_is_reachable(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clean = tmp_path / "clean.wasm"
    clean.write_bytes(wasmtime.wat2wasm('(module (func (export "f")))'))
    code, out, _ = run_cli("garbage", clean)
    assert code == 0, out


def test_diff_exits_1_when_the_modules_differ(run_cli, module: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.wasm"
    other.write_bytes(wasmtime.wat2wasm('(module (func (export "f")))'))
    code, out, _ = run_cli("diff", module, other)
    assert code == 1 and out


def test_crates_attributes_functions(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("crates", module, "--json")
    crates = {r["crate"]: r for r in json.loads(out)["items"]}
    assert code == 0 and crates["alloc"]["functions"] == 1 and crates["app"]["functions"] == 1


def test_missing_file_is_one_error_line_and_exit_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("top", tmp_path / "nope.wasm")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "nope.wasm" in err and "Traceback" not in err


def test_truncated_module_names_file_and_offset(run_cli, module: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cut = tmp_path / "cut.wasm"
    cut.write_bytes(module.read_bytes()[:-5])
    code, _, err = run_cli("top", cut)
    assert code == 2
    first = err.splitlines()[0]
    assert "cut.wasm" in first and "0x" in first and "Traceback" not in err


def test_not_a_wasm_file_is_a_clean_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    code, _, err = run_cli("dominators", bad)
    assert code == 2 and err.startswith("error: ") and "notes.txt" in err


def test_unknown_item_is_a_usage_error(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("paths", module, "no_such_function")
    assert code == 2 and "no_such_function" in err and "hint:" in err


def test_bad_regex_is_a_usage_error(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("dominators", module, "--regex", "(")
    assert code == 2 and err.startswith("error: invalid regular expression")


def test_report_requires_an_output_file(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli("report", module)
    assert code == 2 and "-o" in err


def test_report_writes_one_self_contained_html_file(run_cli, module: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.html"
    code, out, _ = run_cli("report", module, "-o", target)
    page = target.read_text(encoding="utf-8")
    assert code == 0 and out == ""
    assert page.startswith("<!DOCTYPE html>") and "app::main" in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch


def test_help_ends_with_examples(run_cli) -> None:  # type: ignore[no-untyped-def]
    for command in ("top", "dominators", "paths", "monos", "garbage", "diff", "crates", "report"):
        code, out, _ = run_cli(command, "--help")
        assert code == 0
        assert out.rstrip().splitlines()[-1].strip().startswith("wasmforge "), command


@pytest.mark.skipif(not (CORPUS / "spec").is_dir(), reason="shared corpus absent")
def test_top_profiles_spec_modules_using_exceptions_gc_and_tail_calls(run_cli) -> None:  # type: ignore[no-untyped-def]
    from wasmforge.binary import WasmDecodeError, read_module

    picked = []
    for folder in ("try_table", "tag", "legacy_throw", "legacy_try_catch", "legacy_rethrow", "i31",
                   "type-equivalence", "return_call_indirect", "ref_func", "memory64", "table_init"):
        for path in sorted((CORPUS / "spec" / folder).glob("*.wasm"))[:4]:
            try:
                with read_module(path) as m:
                    m.types  # a few salvaged modules use pre-standard GC encodings the reader rejects
            except WasmDecodeError:
                continue
            picked.append(path)
    assert len(picked) > 20
    for path in picked:
        code, out, err = run_cli("top", path, "-n", "3")
        assert code == 0, (path, err)


THREADS_WAT = """(module
  (memory (export "memory") 1 1 shared)
  (func (export "inc") (result i32) (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
  (func (export "wake") (result i32) (memory.atomic.notify (i32.const 0) (i32.const 1))))"""

GC_EH_WAT = """(module
  (type $point (struct (field $x (mut i32)) (field $y i32)))
  (type $bytes (array (mut i8)))
  (tag $oops (param i32))
  (func $make (export "make") (result (ref $point)) (struct.new $point (i32.const 1) (i32.const 2)))
  (func (export "len") (result i32) (array.len (array.new_default $bytes (i32.const 9))))
  (func (export "boom") (result i32)
    (block $h (result i32) (try_table (catch $oops $h) (throw $oops (i32.const 7))) (i32.const 0))))"""


@pytest.mark.parametrize("wat", [THREADS_WAT, GC_EH_WAT], ids=["threads", "gc-and-exceptions"])
def test_top_profiles_threads_gc_and_exception_handling(run_cli, tmp_path: Path, wat: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.wasm"
    path.write_bytes(wasmtime.wat2wasm(wat))
    code, out, err = run_cli("top", path, "--retained", "--json")
    assert code == 0, err
    items = json.loads(out)["items"]
    assert sum(i["shallow_size"] for i in items) == path.stat().st_size


def test_output_to_a_directory_is_a_clean_error(run_cli, module: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("top", module, "-o", tmp_path)
    assert code == 2 and out == "" and err.startswith("error: ") and "directory" in err


def test_negative_counts_are_usage_errors(run_cli, module: Path) -> None:  # type: ignore[no-untyped-def]
    for argv in (["top", module, "-n", "-1"], ["paths", module, "app::main", "-d", "-2"]):
        code, _, err = run_cli(*argv)
        assert code == 2 and "negative" in err
