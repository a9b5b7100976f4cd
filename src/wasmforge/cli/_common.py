"""Helpers shared by the command modules: colour choice and argument types."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO


def use_color(choice: str, stream: TextIO = sys.stdout) -> bool:
    """Whether to colour output: ``always``/``never`` win; ``auto`` means a TTY and no NO_COLOR."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def count(text: str) -> int:
    """An ``argparse`` type: a whole number of at least 0 (``-n -5`` is a usage error naming the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a count cannot be negative: {value}")
    return value
