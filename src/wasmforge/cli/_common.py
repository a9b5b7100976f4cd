"""Helpers shared by the command modules: colour choice and output files."""

from __future__ import annotations

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
