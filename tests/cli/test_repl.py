"""``wasmforge repl`` driven through a pseudo-terminal, as a user types into it."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wasmtime import wat2wasm

pty = pytest.importorskip("pty")

MODULE = """
(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (memory (export "memory") 1)
  (data (i32.const 16) "hi there\\00"))
"""


class Terminal:
    """A child process on a pseudo-terminal; ``expect`` reads until a text shows up."""

    def __init__(self, argv: list[str]) -> None:
        self.master, slave = pty.openpty()
        env = dict(os.environ, TERM="dumb", NO_COLOR="1")
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 20.0) -> str:
        end = time.monotonic() + timeout
        while text not in self.seen:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} did not appear; the terminal shows:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} did not appear before exit; the terminal shows:\n{self.seen}")
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.seen

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def quit(self) -> int:
        """Wait until the terminal shows a prompt, type Ctrl-D, and return the exit code."""
        end = time.monotonic() + 20
        while not self.seen.endswith(">>> ") and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                self.seen += os.read(self.master, 4096).decode("utf-8", "replace").replace("\r\n", "\n")
        self.send("\x04")
        return self.close()

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=20)
        finally:
            os.close(self.master)


@pytest.fixture
def module_path(tmp_path: Path) -> Path:
    path = tmp_path / "m.wasm"
    path.write_bytes(wat2wasm(MODULE))
    return path


def repl(*args: object) -> Terminal:
    return Terminal([sys.executable, "-m", "wasmforge", "repl", *map(str, args)])


def test_banner_lists_exports_with_signatures(module_path):
    term = repl(module_path)
    term.expect(">>> ")
    assert term.quit() == 0
    assert "exports.add: <wasm function add(i32, i32) -> i32>" in term.seen


def test_exports_are_callable_at_the_prompt(module_path):
    term = repl(module_path)
    term.expect(">>> ")
    term.send("exports.add(40, 2)\n")
    term.expect("42\n")
    assert term.quit() == 0


def test_memory_is_bound(module_path):
    term = repl(module_path)
    term.expect(">>> ")
    term.send("memory.cstring(16)\n")
    term.expect("'hi there'")
    assert term.quit() == 0


def test_exec_option_runs_code_before_the_prompt(module_path):
    term = repl(module_path, "-c", "x = exports.add(1, 2)")
    term.expect(">>> ")
    term.send("x * 10\n")
    term.expect("30\n")
    assert term.quit() == 0


def test_trap_at_the_prompt_keeps_the_repl_running(tmp_path):
    path = tmp_path / "t.wasm"
    path.write_bytes(wat2wasm('(module (func (export "boom") unreachable) (func (export "one") (result i32) i32.const 1))'))
    term = repl(path)
    term.expect(">>> ")
    term.send("exports.boom()\n")
    term.expect("WasmTrap")
    term.send("instance.poisoned\n")
    term.expect("True\n")
    assert term.quit() == 0


def test_missing_import_fails_before_the_prompt(tmp_path):
    path = tmp_path / "i.wasm"
    path.write_bytes(wat2wasm('(module (import "Math" "random" (func (result f64))))'))
    term = repl(path)
    term.expect("hint:")
    assert term.close() == 2
    assert "error: cannot link" in term.seen
