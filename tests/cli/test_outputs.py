"""Every command that writes a file refuses to write over one of its inputs, whatever the
spelling, and ``-o /dev/stdout`` puts the output (and only it) on stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime

from wasmforge.binary import read_module

WAT = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'

#: each writing command, as argv given its input module and the output path
WRITERS = {
    "wat": lambda src, out: ["wat", src, "-o", out],
    "strip": lambda src, out: ["strip", src, "-o", out],
    "add-section": lambda src, out: ["add-section", src, "note", "--from", src, "-o", out],
    "section": lambda src, out: ["section", src, "type", "-o", out],
    "top": lambda src, out: ["top", src, "-o", out],
    "diff": lambda src, out: ["diff", src, src, "-o", out],
    "report": lambda src, out: ["report", src, "-o", out],
}


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "in.wasm"
    path.write_bytes(wasmtime.wat2wasm(WAT))
    return path


@pytest.mark.parametrize("command", sorted(WRITERS))
@pytest.mark.parametrize("spelling", ["same", "dot", "symlink", "hardlink"])
def test_writing_command_refuses_its_input(run_cli, module: Path, command: str, spelling: str) -> None:
    before = module.read_bytes()
    if spelling == "symlink":
        Path("alias.wasm").symlink_to("in.wasm")
    elif spelling == "hardlink":
        os.link("in.wasm", "alias.wasm")
    out = {"same": "in.wasm", "dot": "./in.wasm"}.get(spelling, "alias.wasm")
    code, _, err = run_cli(*WRITERS[command]("in.wasm", out))
    assert code == 2 and "is the input file" in err, err
    assert module.read_bytes() == before


def test_add_section_refuses_to_overwrite_the_section_source(run_cli, module: Path) -> None:
    Path("note.txt").write_bytes(b"note")
    code, _, err = run_cli("add-section", "in.wasm", "note", "--from", "note.txt", "-o", "./note.txt")
    assert code == 2 and "is the input file" in err
    assert Path("note.txt").read_bytes() == b"note"


def test_strip_to_dev_stdout_sends_the_module_to_stdout_and_the_summary_to_stderr(module: Path, tmp_path: Path) -> None:
    captured = tmp_path / "out.wasm"
    with open(captured, "wb") as out:
        proc = subprocess.run([sys.executable, "-m", "wasmforge", "strip", str(module), "-o", "/dev/stdout"],
                              stdout=out, stderr=subprocess.PIPE, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "removed:" in proc.stderr
    assert read_module(captured).exports[0].name == "add"
    assert os.path.islink("/dev/stdout")
