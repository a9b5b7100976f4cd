"""The wat, disasm and decompile commands: output, files, colour, function selection, errors."""

from __future__ import annotations

import re

import pytest
import wasmtime

from wasmforge.binary import read_module

WAT = """
(module
  (memory (export "memory") 1)
  (func $double (export "double") (param $x i32) (result i32)
    local.get $x
    i32.const 2
    i32.mul)
  (func $quad (export "quad") (param $y i32) (result i32)
    local.get $y
    call $double
    call $double))
"""
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def module_path(tmp_path):
    path = tmp_path / "m.wasm"
    path.write_bytes(wasmtime.wat2wasm(WAT))
    return path


def test_wat_prints_text_that_assembles_to_the_same_code(run_cli, module_path):
    code, out, err = run_cli("wat", module_path)
    assert code == 0 and err == ""
    again = read_module(bytes(wasmtime.wat2wasm(out)))
    original = read_module(module_path)
    assert [bytes(b.code) for b in again.code] == [bytes(b.code) for b in original.code]


def test_wat_output_file_holds_the_same_text_as_stdout(run_cli, module_path, tmp_path):
    _, expected, _ = run_cli("wat", module_path, "--fold")
    target = tmp_path / "out.wat"
    code, out, err = run_cli("wat", module_path, "--fold", "-o", target)
    assert (code, out, err) == (0, "", "")
    assert target.read_text() == expected
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".wasmforge-")] == []


def test_wat_names_options_change_the_identifiers(run_cli, module_path):
    _, named, _ = run_cli("wat", module_path)
    _, bare, _ = run_cli("wat", module_path, "--no-names")
    _, inline, _ = run_cli("wat", module_path, "--inline-exports")
    assert "call $double" in named and "$double" not in bare and "call 0" in bare
    assert '(func $quad (export "quad")' in inline


def test_color_always_paints_and_never_does_not(run_cli, module_path):
    _, plain, _ = run_cli("wat", module_path, "--color", "never")
    _, painted, _ = run_cli("wat", module_path, "--color", "always")
    assert "\x1b[" not in plain and "\x1b[" in painted
    assert ANSI.sub("", painted) == plain


def test_disasm_shows_offsets_bytes_and_named_call_targets(run_cli, module_path):
    code, out, _ = run_cli("disasm", module_path, "--function", "quad")
    assert code == 0
    body = read_module(module_path).code[1]
    assert f"{body.start:06x} func[1] <quad>:" in out
    assert re.search(r"\| call 0 <double>$", out, re.M)
    assert "func[0]" not in out


def test_decompile_rebuilds_expressions(run_cli, module_path):
    code, out, _ = run_cli("decompile", module_path, "--function", "0")
    assert code == 0
    assert "export function double(x:int):int {" in out
    assert "return x * 2;" in out


@pytest.mark.parametrize("command", ["wat", "disasm", "decompile"])
def test_missing_file_is_one_error_line_and_exit_2(run_cli, tmp_path, command):
    code, out, err = run_cli(command, tmp_path / "nope.wasm")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "nope.wasm" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["wat", "disasm", "decompile"])
def test_truncated_module_names_the_offset(run_cli, module_path, tmp_path, command):
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(module_path.read_bytes()[:-5])
    code, _, err = run_cli(command, bad)
    assert code == 2
    assert "bad.wasm" in err and "offset 0x" in err and len(err.strip().splitlines()) <= 2


@pytest.mark.parametrize("command", ["disasm", "decompile"])
@pytest.mark.parametrize("which", ["nosuch", "99"])
def test_unknown_function_is_a_usage_error(run_cli, module_path, command, which):
    code, out, err = run_cli(command, module_path, "--function", which)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "hint: " in err


@pytest.mark.parametrize("command", ["wat", "disasm", "decompile"])
def test_help_ends_with_examples(run_cli, command):
    code, out, _ = run_cli(command, "--help")
    assert code == 0
    assert "examples:" in out and f"wasmforge {command} " in out.split("examples:")[1]


def test_output_to_a_device_writes_to_it_and_leaves_it_a_device(run_cli, module_path):
    import os
    import stat

    code, _, err = run_cli("wat", module_path, "-o", os.devnull)
    assert (code, err) == (0, "")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.parametrize("command", ["wat", "disasm", "decompile"])
def test_a_malformed_name_section_is_set_aside(run_cli, tmp_path, command):
    from wasmforge.binary.leb128 import encode_unsigned

    content = b"\x04name" + b"\x01\x05\x01\x00\x03ab"  # a function-names map cut short
    bad = tmp_path / "badnames.wasm"
    bad.write_bytes(bytes(wasmtime.wat2wasm('(module (func (export "f")))'))
                    + b"\x00" + encode_unsigned(len(content)) + content)
    code, out, err = run_cli(command, bad)
    assert (code, err) == (0, "")
    unnamed = {"wat": "(func (;0;) (type 0)", "disasm": "func[0] <f>:", "decompile": "export function f() {"}
    assert unnamed[command] in out  # the export's name or the index, not the broken section's
    if command == "wat":
        assert ";; the name section is malformed and was ignored" in out
        wasmtime.wat2wasm(out)


def test_wat_refuses_a_module_whose_bodies_do_not_match_its_functions(run_cli, tmp_path):
    from wasmforge.binary import OPCODES, FuncType, SectionId, build_module
    from wasmforge.binary.encoder import encode_body

    end = (0, next(op for op in OPCODES if op.name == "end"), None)
    path = tmp_path / "mismatch.wasm"
    path.write_bytes(build_module({SectionId.TYPE: [FuncType()], SectionId.FUNCTION: [0, 0],
                                   SectionId.CODE: [encode_body([], [end])]}))
    code, out, err = run_cli("wat", path)
    assert (code, out) == (2, "")
    assert "2 functions declared but 1 bodies defined" in err and "mismatch.wasm" in err


@pytest.mark.parametrize("command", ["wat", "wat --fold", "disasm", "decompile"])
def test_names_cannot_drive_the_terminal(run_cli, tmp_path, command):
    wat = '(module (func $"red\\1b[31m\\0aline" (export "e\\1b[2J") (local $"x\\07" i32) local.get 0 drop))'
    path = tmp_path / "names.wasm"
    path.write_bytes(wasmtime.wat2wasm(wat))
    code, out, err = run_cli(*command.split(), path, "--color", "never")
    assert (code, err) == (0, "")
    assert not any(ch in out for ch in "\x1b\x07\r") and "red" in out
