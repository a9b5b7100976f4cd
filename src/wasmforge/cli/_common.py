"""Helpers shared by the command modules: colour choice, module inputs (``-`` is stdin), output files."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from wasmforge.errors import UsageError, WasmforgeError

#: the module argument that means standard input
STDIN = "-"
_stdin_taken = False


def use_color(choice: str, stream: TextIO = sys.stdout) -> bool:
    """Whether to colour output: ``always``/``never`` win; ``auto`` means a TTY and no NO_COLOR."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def refuse_input_as_output(output: str, *inputs: str) -> None:
    """Raise :class:`UsageError` when ``output`` names one of the ``inputs`` (inputs are never overwritten)."""
    if not os.path.exists(output):
        return
    for path in inputs:
        if os.path.exists(path) and os.path.samefile(output, path):
            raise UsageError(f"{output} is the input file, expected a new output path", hint="pick another -o path")


def count(text: str) -> int:
    """An ``argparse`` type: a whole number of at least 0 (``-n -5`` is a usage error naming the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a count cannot be negative: {value}")
    return value


def module_source(path: str) -> str | bytes:
    """What a command reads for a module argument: the path, or the bytes of stdin for ``-``.

    Raises for a missing path or a directory (exit 2), for ``-`` on a terminal, and for a second
    ``-`` in one command line (stdin holds one module).
    """
    global _stdin_taken
    if path == STDIN:
        if _stdin_taken:
            raise UsageError("'-' (stdin) can stand for one module only")
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("'-' reads the module from stdin, which is a terminal",
                             hint="pipe a module in, e.g. 'wasmforge headers - < app.wasm'")
        _stdin_taken = True
        return sys.stdin.buffer.read()
    if not os.path.exists(path):
        raise WasmforgeError(f"{path}: no such file", hint="check the path")
    if os.path.isdir(path):
        raise WasmforgeError(f"{path}: is a directory, expected a .wasm file")
    return path


def reset_stdin() -> None:
    """Forget that stdin was read (each in-process run of ``main`` starts afresh)."""
    global _stdin_taken
    _stdin_taken = False
