"""CLI manners shared by every command: global options on either side of the command word,
``-`` for stdin, the grouped top-level help, exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import wasmtime

from wasmforge.cli.main import COMMAND_GROUPS, HELP_SECTIONS

WAT = '(module (func $used (export "f")) (func $dead) (memory (export "memory") 1))'


@pytest.fixture
def module(tmp_path: Path) -> Path:
    path = tmp_path / "m.wasm"
    path.write_bytes(wasmtime.wat2wasm(WAT))
    return path


class _Stdin:
    """A stand-in for sys.stdin fed from a pipe."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False


#: every command that takes a module, with the arguments it needs besides the module
MODULE_COMMANDS = [
    ["headers"], ["details"], ["section", "type"], ["symbols"], ["top"], ["dominators"], ["paths", "used"],
    ["monos"], ["garbage"], ["crates"], ["wat"], ["disasm"], ["decompile"],
]


@pytest.mark.parametrize("command", MODULE_COMMANDS, ids=lambda c: c[0])
def test_dash_reads_the_module_from_stdin(run_cli, module: Path, monkeypatch, command: list[str]) -> None:
    code_file, out_file, _ = run_cli(command[0], module, *command[1:])
    monkeypatch.setattr("sys.stdin", _Stdin(module.read_bytes()))
    code, out, err = run_cli(command[0], "-", *command[1:])
    assert code_file == (1 if command == ["garbage"] else 0)
    assert (code, err) == (code_file, "")
    # the name the output gives the module: "-" for the path, "<bytes>" for its file name
    assert out == out_file.replace(str(module), "-").replace(module.name, "<bytes>")


def test_dash_on_a_terminal_is_a_usage_error(run_cli, monkeypatch) -> None:
    class Terminal(_Stdin):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(b""))
    code, out, err = run_cli("headers", "-")
    assert code == 2 and err.startswith("error: '-' reads the module from stdin") and "hint:" in err


def test_stdin_feeds_one_module_only(run_cli, module: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", _Stdin(module.read_bytes()))
    code, _, err = run_cli("diff", "-", "-")
    assert code == 2 and "one module only" in err


def test_strip_reads_stdin_and_refuses_to_edit_it_in_place(run_cli, module: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", _Stdin(module.read_bytes()))
    code, _, err = run_cli("strip", "-", "-o", tmp_path / "out.wasm")
    assert code == 0 and (tmp_path / "out.wasm").is_file(), err
    monkeypatch.setattr("sys.stdin", _Stdin(module.read_bytes()))
    code, _, err = run_cli("strip", "-", "--in-place")
    assert code == 2 and "--in-place needs a file" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_color_and_quiet_go_before_or_after_the_command(run_cli, module: Path, where: str) -> None:
    options = ["--color", "always", "-q"]
    argv = [*options, "top", str(module)] if where == "before" else ["top", str(module), *options]
    code, out, err = run_cli(*argv)
    assert code == 0 and "\x1b[" in out and err == ""
    code, out, _ = run_cli("top", module, "--color", "never")
    assert code == 0 and "\x1b[" not in out


def test_a_bad_color_after_the_command_is_a_usage_error(run_cli, module: Path) -> None:
    code, _, err = run_cli("top", module, "--color", "sometimes")
    assert code == 2 and "--color" in err


def test_top_level_help_lists_every_command_under_a_heading_with_examples(run_cli) -> None:
    code, out, _ = run_cli("--help")
    assert code == 0
    for heading, commands in HELP_SECTIONS:
        assert f"\n{heading}:\n" in out
        for command in commands:
            assert f"\n  {command} " in out, command
    listed = {c for _, commands in HELP_SECTIONS for c in commands}
    assert listed == {c for commands in COMMAND_GROUPS.values() for c in commands}
    assert "\nexamples:\n  wasmforge " in out and "Exit codes: 0 ok, 1 a finding" in out


def test_no_command_prints_the_help_and_exits_2(run_cli) -> None:
    code, out, err = run_cli()
    assert code == 2 and "Profile size:" in err
