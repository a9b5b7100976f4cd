"""The error base shared by every layer.

Each error carries one line of message and an optional hint; the CLI prints
``error: <message>`` and ``hint: <hint>`` and exits with ``exit_code``.
"""

from __future__ import annotations

import re


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


# C0 controls (ESC, CR, NUL ...), DEL, C1 controls, line and paragraph separators, and the
# bidirectional overrides and isolates (which reorder what a terminal shows).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with characters that could drive a terminal written as escapes (``\\x1b``).

    The one escaper for every message and listing that quotes a module's own names
    (imports, exports, symbols): a module must be shown, never obeyed.
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)
