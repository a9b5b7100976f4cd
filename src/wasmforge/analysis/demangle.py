"""Demangling of symbol names found in name sections (Rust legacy and v0 symbols, C++ symbols),
and where a demangled name comes from: its crate and its module path.

``demangle`` and ``display_name`` never fail: a name they cannot demangle comes back unchanged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator, Sequence
from typing import Any, overload

# The hash suffix of legacy symbols (`::h0123456789abcdef`) says nothing to a reader.
_HASH_SUFFIX = re.compile(r"::h[0-9a-f]{16}$")
# The hash as the last path segment, with an optional `.<n>` suffix the linker added.
_HASH_SEGMENT = re.compile(r"::h[0-9a-f]{16}(\.[0-9A-Za-z_.]*)?$")
_PRIMITIVES = frozenset(
    "u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64 bool char str ()".split()
)
#: crate of names that have no Rust path (C functions such as ``memcpy``, ``dlmalloc``'s C port)
UNMANGLED = "[unmangled]"
#: crate of functions without a name (stripped modules)
UNNAMED = "[unnamed]"


# Spellings of the `demangle` package (pure Python, prints nothing): `_HASHED` is rustc-demangle's
# plain `{}` form, which `wasm-tools demangle` and twiggy show (legacy `::h<hash>` kept, v0 crate
# disambiguators `crate[1a2b…]`); the default is its `{:#}` form, without either.
_HASHED: Any = None


def _rust(symbol: str, *, hashed: bool) -> str | None:
    if not (symbol.startswith("_ZN") or symbol.startswith("_R") or symbol.startswith("__ZN")):
        return None
    import demangle as _demangle

    global _HASHED
    if hashed and _HASHED is None:
        _HASHED = _demangle.style("llvm", rust={"keep_hash": True})
    text = _demangle.demangle(symbol, language=_RUST, style=_HASHED if hashed else "llvm")
    return text if text != symbol else None


def _cpp(symbol: str) -> str | None:
    # Only mangled-looking names go to the C++ demangler: it would also read some plain words as
    # types (`f` → `float`), turning C names into nonsense.
    if not (symbol.startswith("_Z") or symbol.startswith("__Z")):
        return None
    import demangle as _demangle

    text = _demangle.demangle(symbol, language=_ITANIUM)
    return text if text != symbol else None


_RUST = ("rust",)
_ITANIUM = ("itanium",)


@functools.lru_cache(maxsize=65536)
def display_name(symbol: str) -> str:
    """The name twiggy and ``wasm-tools demangle`` show for a function: Rust symbols demangled with
    their hash kept (``wee_alloc::alloc_first_fit::h9a72de3af77ef93f``, v0 crates as
    ``bloaty[3e94063a1d880ce1]``), C++ symbols demangled, others as given."""
    return _rust(symbol, hashed=True) or _cpp(symbol) or symbol


@functools.lru_cache(maxsize=4096)
def demangle(symbol: str) -> str:
    """The readable form of ``symbol``: ``_ZN6bloaty9fold_hash17h…E`` → ``bloaty::fold_hash``,
    ``_RINvCs…_6bloaty9fold_hashdEB2_`` → ``bloaty::fold_hash::<f64>``, ``_Z7genericI3OneEvv`` →
    ``void generic<One>()``; anything else as given (a demangled name loses its hash)."""
    return _rust(symbol, hashed=False) or _cpp(symbol) or symbol


class DisplayNames(Sequence[str]):
    """Item names whose function symbols are demangled on first access, not up front: a
    profile of 44,000 functions that shows 20 rows demangles 20 names (``display_name``)."""

    __slots__ = ("_raw", "_symbolic")

    def __init__(self, raw: list[str], symbolic: Collection[int]) -> None:
        self._raw = raw
        self._symbolic = frozenset(symbolic)

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._raw)))]
        name = self._raw[index]
        if index < 0:
            index += len(self._raw)
        return display_name(name) if index in self._symbolic else name

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, DisplayNames)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DisplayNames({list(self)!r})"

    def __iter__(self) -> Iterator[str]:
        symbolic = self._symbolic
        for i, name in enumerate(self._raw):
            yield display_name(name) if i in symbolic else name


def generic_function(name: str) -> str | None:
    """The generic function a demangled ``name`` instantiates, or None when it is not generic.

    Legacy Rust names drop their ``::h<hash>`` (the hash tells instantiations apart), v0 names their
    ``::<...>`` arguments, C++ names everything from the first ``<`` (as twiggy does)."""
    m = _HASH_SEGMENT.search(name)
    if m:  # `::h<hash>` possibly followed by a linker suffix such as `.1519`
        return name[: m.start()]
    if name.endswith(">"):
        depth = 0
        for k in range(len(name) - 1, -1, -1):
            ch = name[k]
            if ch == ">":
                depth += 1
            elif ch == "<":
                depth -= 1
                if depth == 0:
                    if name[k - 2 : k] == "::" and k > 2:
                        return name[: k - 2]
                    break
    open_at = name.find("<")
    close_at = name.rfind(">")
    if open_at <= 0 or close_at < open_at:
        return None
    return name[:open_at]


def _split_path(name: str) -> list[str]:
    """``a::b<c::d>::e`` → ``["a", "b<c::d>", "e"]``: split at ``::`` outside brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    k = 0
    n = len(name)
    while k < n:
        ch = name[k]
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        elif ch == ":" and depth == 0 and name.startswith("::", k):
            parts.append(name[start:k])
            k += 2
            start = k
            continue
        k += 1
    parts.append(name[start:])
    return parts


def _self_type(qualified: str) -> tuple[str, str | None]:
    """``<A as B>`` → ``("A", "B")``; ``<A>`` → ``("A", None)``."""
    inner = qualified[1:-1] if qualified.endswith(">") else qualified[1:]
    depth = 0
    for k, ch in enumerate(inner):
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        elif depth == 0 and inner.startswith(" as ", k):
            return inner[:k], inner[k + 4 :]
    return inner, None


def _strip_type(text: str) -> str:
    text = text.strip()
    for prefix in ("&", "*const ", "*mut ", "mut ", "dyn ", "impl ", "const "):
        while text.startswith(prefix):
            text = text[len(prefix) :].strip()
    while text[:1] in ("[", "("):
        text = text[1:]
    return text


# A v0 crate disambiguator as `display_name` spells it: `bloaty[3e94063a1d880ce1]::f`.
_DISAMBIGUATOR = re.compile(r"(?<=[A-Za-z0-9_])\[[0-9a-f]{1,16}\]")


def _type_path(name: str) -> list[str]:
    """The path segments of a readable Rust name, generic arguments dropped, impl blocks
    (``<A as B>::f``) resolved to the path of their self type (or of the trait for primitives)."""
    text = _strip_type(_DISAMBIGUATOR.sub("", _HASH_SUFFIX.sub("", name)))
    parts = _split_path(text)
    if parts and parts[0].startswith("<"):
        self_ty, trait = _self_type(parts[0])
        inner = _type_path(self_ty)
        if (not inner or inner[0] in _PRIMITIVES or len(inner) == 1) and trait:
            trait_path = _type_path(trait)
            if trait_path:
                inner = trait_path
        return inner + [_strip_generics(p) for p in parts[1:] if p and not p.startswith("<")]
    return [_strip_generics(p) for p in parts if p and not p.startswith("<")]


def _strip_generics(segment: str) -> str:
    k = segment.find("<")
    return segment[:k] if k > 0 else segment


# The first crate root of a v0 symbol: `C`, an optional disambiguator `s<base62>_`, a length and
# the crate's name.
_V0_CRATE = re.compile(r"C(?:s[0-9A-Za-z]*_)?(\d+)")
# rustc's own shims (`__rustc::__rust_alloc`) come with std
_CRATE_ALIASES = {"__rustc": "std"}


def _v0_crate(symbol: str) -> str | None:
    m = _V0_CRATE.search(symbol, 2)
    if m is None:
        return None
    n = int(m.group(1))
    start = m.end()
    if symbol[start : start + 1] == "_":  # a name starting with a digit or underscore is escaped
        start += 1
    name = symbol[start : start + n]
    return name if name.isidentifier() else None


def crate_of(name: str, symbol: str | None = None) -> str:
    """The crate a readable function name belongs to: ``core``, ``alloc``, ``std``, the user's
    crates; ``[unmangled]`` for names without a Rust path, ``[unnamed]`` for ``code[12]``.

    ``symbol`` (the mangled name, when known) settles names the demangled text leaves open,
    such as v0 inherent impls on primitives (``<str>::to_lowercase`` lives in ``alloc``)."""
    crate = _crate_of(name)
    if symbol and symbol.startswith("_R") and (crate == UNMANGLED or crate in _PRIMITIVES):
        crate = _v0_crate(symbol) or crate
    return _CRATE_ALIASES.get(crate, crate)


def _crate_of(name: str) -> str:
    if name.startswith("code[") and name.endswith("]"):
        return UNNAMED
    if "::" not in name:
        return UNMANGLED
    path = _type_path(name)
    if len(path) == 2 and path[0] in _PRIMITIVES:
        return path[0]
    if len(path) < 2 or not path[0] or not (path[0][0].isalpha() or path[0][0] == "_"):
        return UNMANGLED
    return path[0]


def module_path(name: str, symbol: str | None = None) -> str:
    """The module (or type, for methods) a readable function name sits in: ``alloc::raw_vec`` for
    ``alloc::raw_vec::finish_grow``, ``wee_alloc::LargeAllocPolicy`` for ``<wee_alloc::LargeAllocPolicy
    as wee_alloc::AllocPolicy>::min_cell_size``; the crate name when there is nothing between."""
    crate = crate_of(name, symbol)
    if crate in (UNNAMED, UNMANGLED):
        return crate
    path = _type_path(name)
    if path and path[0] != crate:  # `<str>::f` in alloc: alloc::str
        path = [crate] + path
    return "::".join(path[:-1]) if len(path) > 1 else crate


__all__ = ["UNMANGLED", "UNNAMED", "DisplayNames", "crate_of", "demangle", "display_name", "generic_function", "module_path"]
