"""Value types and function signatures, with the signedness hints the host layer understands.

Wasm has ``i32`` and ``i64`` only; whether a value is signed is up to its user. The
host layer reads them as signed (two's complement, like wasmtime and JavaScript),
unless a signature says ``u32``/``u64`` for that position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: wasm value types the fast paths handle, plus the unsigned hints.
NUMERIC = ("i32", "i64", "f32", "f64")
HINTS = {"u32": "i32", "u64": "i64"}
#: every name a signature may use, and the wasm type it stands for.
WASM_TYPE_OF = {**{t: t for t in NUMERIC}, **HINTS, "v128": "v128", "funcref": "funcref", "externref": "externref"}
_ALIASES = {"usize": "u32", "isize": "i32", "ptr": "u32"}


@dataclass(frozen=True, slots=True)
class Signature:
    """A function type: parameter and result type names (``i32``..``f64``, hints ``u32``/``u64``)."""

    params: tuple[str, ...]
    results: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Signature:
        """Parse ``"(i32, i32) -> i32"``, ``"(u32) -> (i32, i64)"`` or ``"() -> ()"``.

        ``usize``/``ptr`` mean ``u32`` and ``isize`` means ``i32`` (wasm32).
        """
        match = re.fullmatch(r"\s*\((.*?)\)\s*(?:->\s*(.*?))?\s*", text)
        if not match:
            raise ValueError(f"bad signature {text!r}: expected '(i32, i32) -> i32'")
        results_text = (match.group(2) or "()").strip()
        if results_text.startswith("(") and results_text.endswith(")"):
            results_text = results_text[1:-1]
        elif results_text in ("None", ""):
            results_text = ""
        return cls(_names(match.group(1), text), _names(results_text, text))

    @property
    def wasm(self) -> Signature:
        """The same signature with hints replaced by the wasm types they stand for."""
        return Signature(
            tuple(WASM_TYPE_OF.get(t, t) for t in self.params), tuple(WASM_TYPE_OF.get(t, t) for t in self.results)
        )

    def __str__(self) -> str:
        results = self.results[0] if len(self.results) == 1 else f"({', '.join(self.results)})"
        return f"({', '.join(self.params)}) -> {results}"


def _names(text: str, whole: str) -> tuple[str, ...]:
    names = []
    for part in text.split(","):
        name = part.strip()
        if not name:
            continue
        name = _ALIASES.get(name, name)
        if name not in WASM_TYPE_OF:
            raise ValueError(f"bad signature {whole!r}: unknown type {part.strip()!r}")
        names.append(name)
    return tuple(names)


def coerce_signature(value: Signature | str | None) -> Signature | None:
    """A :class:`Signature` from a signature or its text; None stays None."""
    if value is None or isinstance(value, Signature):
        return value
    return Signature.parse(value)
