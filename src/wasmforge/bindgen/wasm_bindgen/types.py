"""Reading wasm-bindgen type streams (the words a describe function emits) into type trees.

A type is a tuple whose first item names its kind (``("i32",)``, ``("ref", ("string",))``,
``("result", ("f64",))``), so it is plain data the generated glue can carry as a literal.
Word numbers follow wasm-bindgen-shared's ``tys.rs`` of the schema versions in
:data:`wasmforge.bindgen.wasm_bindgen.section.SCHEMAS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Relative, so the copy generated packages carry (beside the runtime, which reads casts) works.
from ...errors import WasmforgeError

__all__ = ["FunctionType", "StreamError", "StreamFormat", "Type", "parse_function", "parse_type", "unsupported"]

Type = tuple[Any, ...]

_TAGS = [
    "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "i64_as_f64", "u64_as_f64", "i128", "u128",
    "f32", "f64", "bool", "function", "closure", "cached_string", "string", "ref", "refmut", "longref",
    "slice", "vector", "externref", "named_externref", "enum", "string_enum", "dynamic_union",
    "rust_struct", "char", "option", "result", "unit", "clamped", "nonnull", "raw_pointer", "seq_mode",
    "nullable",
]
#: the type tags before schema 0.2.121, which added DYNAMIC_UNION (the later tags moved up one).
TAGS_BEFORE_0_2_121 = tuple(t for t in _TAGS if t not in ("dynamic_union", "seq_mode", "nullable"))
#: the type tags of schema 0.2.118, before I64_AS_F64, U64_AS_F64 and RAW_POINTER.
TAGS_0_2_118 = tuple(t for t in TAGS_BEFORE_0_2_121 if t not in ("i64_as_f64", "u64_as_f64", "raw_pointer"))
NUMBERS = frozenset({"i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64"})
#: how many levels of nesting a type may have (a forged stream must not exhaust the stack).
MAX_DEPTH = 32


class StreamError(WasmforgeError):
    """A type stream that is malformed."""


@dataclass(frozen=True, slots=True)
class FunctionType:
    """An exported or imported function's parameter and result types."""

    params: tuple[Type, ...]
    result: Type


@dataclass(frozen=True, slots=True)
class StreamFormat:
    """What a schema version's type streams say after a struct's or enum's name (its origin)."""

    #: a struct's name is followed by its crate identifier (0.2.128 on).
    struct_crate: bool = True
    #: words after a C-style enum's hole: 0, 1 (the crate identifier, 0.2.128) or 2 (and a
    #: hash of the module path, 0.2.130).
    enum_origin: int = 2
    #: a string enum's variant count is followed by the crate identifier and hash (0.2.130).
    string_enum_origin: bool = True
    #: the name of each type tag, by number.
    tags: tuple[str, ...] = tuple(_TAGS)


class _Words:
    def __init__(self, words: tuple[int, ...], item: str, form: StreamFormat) -> None:
        self.words, self.pos, self.item, self.form = words, 0, item, form

    def next(self) -> int:
        if self.pos >= len(self.words):
            raise StreamError(f"{self.item}: type stream ends early (after {len(self.words)} words)")
        w = self.words[self.pos]
        self.pos += 1
        return w

    def text(self) -> str:
        n = self.next()
        if n > len(self.words) - self.pos:
            raise StreamError(f"{self.item}: type stream names a string of {n} characters past its end")
        chars = [self.next() for _ in range(n)]
        try:
            return "".join(map(chr, chars))
        except (ValueError, OverflowError):
            raise StreamError(f"{self.item}: type stream holds a character outside Unicode") from None


def _type(w: _Words, depth: int) -> Type:
    if depth > MAX_DEPTH:
        raise StreamError(f"{w.item}: type nested more than {MAX_DEPTH} levels")
    tag = w.next()
    if tag >= len(w.form.tags):
        raise StreamError(f"{w.item}: unknown type word {tag}")
    kind = w.form.tags[tag]
    if kind in ("ref", "refmut", "longref", "slice", "vector", "option", "result", "clamped", "nullable", "nonnull"):
        return (kind, _type(w, depth + 1))
    if kind in ("rust_struct", "named_externref"):
        name = w.text()
        if kind == "rust_struct" and w.form.struct_crate:
            w.text()  # the crate identifier
        return (kind, name)
    if kind == "enum":
        name = w.text()
        hole = w.next()  # the value that stands for None
        if w.form.enum_origin:
            w.text()  # crate identifier
        if w.form.enum_origin > 1:
            w.next()  # hash of the module path
        return (kind, name, hole)
    if kind == "string_enum":
        name = w.text()
        w.next()  # variant count (the values are in the custom section)
        if w.form.string_enum_origin:
            w.text()
            w.next()
        return (kind, name)
    if kind == "function":
        return ("function", *_function_body(w, depth + 1))
    if kind in ("closure", "dynamic_union", "seq_mode", "raw_pointer"):
        raise StreamError(f"{w.item}: {kind.replace('_', ' ')} types are not supported")
    return (kind,)


def _function_body(w: _Words, depth: int) -> tuple[tuple[Type, ...], Type]:
    w.next()  # shim index
    n = w.next()
    if n > len(w.words) - w.pos:
        raise StreamError(f"{w.item}: function of {n} parameters past the stream's end")
    params = tuple(_type(w, depth) for _ in range(n))
    result = _type(w, depth)
    _type(w, depth)  # the inner result, the same as result for the types supported here
    return params, result


def parse_type(words: tuple[int, ...], item: str, form: StreamFormat = StreamFormat()) -> Type:
    """One type from the stream of a describe function (a struct field's getter)."""
    w = _Words(words, item, form)
    ty = _type(w, 0)
    if w.pos != len(words):
        raise StreamError(f"{item}: {len(words) - w.pos} words left over after the type")
    return ty


def parse_function(words: tuple[int, ...], item: str, form: StreamFormat = StreamFormat()) -> FunctionType:
    """A function's type from its describe stream."""
    w = _Words(words, item, form)
    if w.next() != form.tags.index("function"):
        raise StreamError(f"{item}: the describe stream is not a function")
    params, result = _function_body(w, 0)
    if w.pos != len(words):
        raise StreamError(f"{item}: {len(words) - w.pos} words left over after the function type")
    return FunctionType(params, result)


def show(ty: Type) -> str:
    """A Rust-like spelling of ``ty`` for messages."""
    kind = ty[0]
    if kind in ("ref", "refmut"):
        return ("&" if kind == "ref" else "&mut ") + show(ty[1])
    if kind in ("slice",):
        return f"[{show(ty[1])}]"
    if kind in ("vector", "option", "result", "clamped", "nullable", "nonnull", "longref"):
        return f"{'Vec' if kind == 'vector' else kind.capitalize()}<{show(ty[1])}>"
    if kind == "named_externref" and ty[1] == "string":
        return "String"
    if kind in ("rust_struct", "named_externref", "enum", "string_enum"):
        return str(ty[1])
    names = {"string": "String", "externref": "JsValue", "unit": "()", "bool": "bool", "char": "char"}
    return names.get(str(kind), str(kind))


_OPTION_INNER = NUMBERS | {"bool", "char", "string", "rust_struct", "enum"}


def _option_ok(inner: Type) -> bool:
    if inner[0] == "vector":
        return _sequence_ok(inner[1])
    if inner[0] == "ref":
        return bool(inner[1][0] == "string")
    return bool(inner[0] in _OPTION_INNER)


def _sequence_ok(elem: Type) -> bool:
    # Vec<String> and Box<[String]> cross as a slice of JsValue slots holding str, made by casts
    # (Rust to Python) or read back through the __wbindgen_string_get import (Python to Rust).
    return elem[0] in NUMBERS or elem[0] == "externref" or elem == ("named_externref", "string")


def param_ok(ty: Type) -> bool:
    """Whether the glue can pass a parameter of type ``ty`` to an export."""
    kind = ty[0]
    if kind in NUMBERS or kind in ("bool", "char", "string", "rust_struct", "externref", "enum", "string_enum"):
        return True
    if kind in ("ref", "refmut"):
        inner = ty[1]
        if inner[0] in ("string", "cached_string", "rust_struct", "externref"):
            return bool(inner[0] != "externref" or kind == "ref")
        return bool(inner[0] == "slice" and inner[1][0] in NUMBERS)
    if kind == "vector":
        return _sequence_ok(ty[1])
    return kind == "option" and _option_ok(ty[1])


def result_ok(ty: Type, *, inner: bool = False) -> bool:
    """Whether the glue can take a result of type ``ty`` from an export."""
    kind = ty[0]
    if kind in NUMBERS or kind in ("bool", "char", "string", "unit", "rust_struct", "externref", "enum", "string_enum"):
        return True
    if kind == "vector":
        return _sequence_ok(ty[1])
    if kind == "option":
        return _option_ok(ty[1]) and ty[1][0] != "ref"
    return kind == "result" and not inner and result_ok(ty[1], inner=True)


def _import_param_ok(ty: Type) -> bool:
    kind = ty[0]
    if kind in NUMBERS or kind in ("bool", "char", "externref"):
        return True
    return kind == "ref" and ty[1][0] in ("string", "cached_string", "externref")


#: results an import may give: the ones of one wasm value, and strings (through a return area).
IMPORT_RESULTS = frozenset({"bool", "char", "unit", "externref"}) | NUMBERS


def import_result_ok(ty: Type) -> bool:
    """Whether an import may return ``ty`` to Rust through the glue."""
    return ty[0] in IMPORT_RESULTS or ty == ("string",) or ty == ("option", ("string",))


def _why(ty: Type) -> str:
    if "named_externref" in repr(ty):
        return " (a JS class imported by name has no Python counterpart)"
    if ty[0] in ("function", "closure") or "function" in repr(ty):
        return " (closures are out of scope)"
    return ""


def unsupported(fn: FunctionType, *, imported: bool = False) -> str | None:
    """What in ``fn`` the glue cannot pass, or None when every parameter and the result are supported."""
    for i, p in enumerate(fn.params):
        if not (_import_param_ok(p) if imported else param_ok(p)):
            return f"parameter {i + 1} of type {show(p)} is not supported{_why(p)}"
    r = fn.result
    ok = import_result_ok(r) if imported else result_ok(r)
    return None if ok else f"result type {show(r)} is not supported{_why(r)}"
