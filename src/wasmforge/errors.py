"""The error base shared by every layer.

Each error carries one line of message and an optional hint; the CLI prints
``error: <message>`` and ``hint: <hint>`` and exits with ``exit_code``.
"""

from __future__ import annotations


class WasmforgeError(Exception):
    """Base of every error wasmforge raises on purpose (bad input, missing tools)."""

    #: exit code the CLI maps this error to (2: bad input or usage).
    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(WasmforgeError):
    """Wrong arguments: an unknown item name, a missing option, an impossible combination."""
