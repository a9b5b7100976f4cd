"""Demangling of symbol names found in name sections (Rust legacy and v0 symbols).

``demangle`` never fails: a name it cannot demangle comes back unchanged.
"""

from __future__ import annotations

import functools
import re

# The hash suffix of legacy symbols (`::h0123456789abcdef`) says nothing to a reader.
_HASH_SUFFIX = re.compile(r"::h[0-9a-f]{16}$")
# LLVM appends `.llvm.<digits>` to symbols it renamed during LTO.
_LLVM_SUFFIX = re.compile(r"(\.llvm\.\d+)+$")


@functools.lru_cache(maxsize=4096)
def demangle(symbol: str) -> str:
    """The readable form of ``symbol``: ``_ZN6bloaty9fold_hash17h…E`` → ``bloaty::fold_hash``,
    ``_RINvCs…_6bloaty9fold_hashdEB2_`` → ``bloaty::fold_hash::<f64>``; anything else as given."""
    if not (symbol.startswith("_ZN") or symbol.startswith("_R") or symbol.startswith("__ZN")):
        return symbol
    try:
        from rust_demangler import demangle as rust_demangle

        text = str(rust_demangle(_LLVM_SUFFIX.sub("", symbol)))
    except Exception:  # the demangler raises its own error types for non-Rust input
        return symbol
    return _HASH_SUFFIX.sub("", text) or symbol


__all__ = ["demangle"]
