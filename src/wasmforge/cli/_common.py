"""Helpers shared by the command modules: colour choice and output files."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from wasmforge.errors import UsageError


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
