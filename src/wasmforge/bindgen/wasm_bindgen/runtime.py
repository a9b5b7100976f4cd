"""What glue generated for a wasm-bindgen module calls at run time (copied into each package).

The module is used as cargo linked it, without wasm-bindgen's externref pass: a ``JsValue``
is an index into a table the module manages through ``__externref_table_alloc`` and the
``__wbindgen_externref_xform__`` imports, and this runtime holds the Python object of each
slot. Strings and vectors cross as (pointer, length) pairs in memory allocated with
``__wbindgen_malloc``; results of more than one wasm value come back through a return area
laid out as wasm-bindgen's ``WasmRet`` (``repr(C)``). Type specs are the tuples of
:mod:`wasmforge.bindgen.wasm_bindgen.types`, carried by the glue as data.
"""

from __future__ import annotations

import array
import math
import random
import struct
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ...errors import WasmforgeError
from .section import LAYOUTS
from .types import StreamError, StreamFormat, parse_function, show

__all__ = ["DEFAULT_IMPORTS", "BindgenInstance", "JsError", "NeedsImports", "RustObject", "abi", "result_abi"]

#: wasm-bindgen's fixed table slots: undefined, null, true, false at 1024..1027.
_JSIDX_OFFSET = 1024
_JSIDX_RESERVED = _JSIDX_OFFSET + 4
#: ``None`` of an ``Option`` of a 32-bit number or f32 (carried as f64), and of small types (as u32).
_F64_NONE = 9007199254740991.0
_U32_NONE = 0x00FFFFFF
_MASK32 = 0xFFFFFFFF
_INT_RANGE = {
    "i8": (-(1 << 7), 1 << 7), "u8": (0, 1 << 8), "i16": (-(1 << 15), 1 << 15), "u16": (0, 1 << 16),
    "i32": (-(1 << 31), 1 << 31), "u32": (0, 1 << 32), "i64": (-(1 << 63), 1 << 63), "u64": (0, 1 << 64),
}
_ARRAY_CODE = {"i8": "b", "u8": "B", "i16": "h", "u16": "H", "i32": "i", "u32": "I", "i64": "q", "u64": "Q", "f32": "f", "f64": "d"}
_SIZE = {"i8": 1, "u8": 1, "i16": 2, "u16": 2, "i32": 4, "u32": 4, "i64": 8, "u64": 8, "f32": 4, "f64": 8}
_SMALL = frozenset({"i8", "u8", "i16", "u16", "bool", "char"})
_WORD = frozenset({"i8", "u8", "i16", "u16", "i32", "u32", "bool", "char", "string_enum", "rust_struct", "externref", "named_externref"})
_BUFFERS = frozenset({"string", "vector", "slice"})
#: the types a call's fast path passes and returns as one wasm value.
_SCALARS = frozenset({"i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64", "bool", "char"})
_PAIR = struct.Struct("<II")
#: what a cast into JsValue may start from: the struct code of its one ABI value.
_CASTABLE = {"i8": "i", "u8": "I", "i16": "i", "u16": "I", "i32": "i", "u32": "I", "i64": "q", "u64": "Q",
             "f32": "f", "f64": "d", "bool": "I", "char": "I", "string": ""}
#: words one cast may describe itself in (casts of the types above need a few dozen).
_CAST_WORDS = 4096


class JsError(WasmforgeError):
    """An error the Rust code returned (``Err(JsError)``, ``Err(JsValue)``) or threw."""


class NeedsImports(WasmforgeError, TypeError):
    """``load()`` was given an import the module does not use, or lacks one it needs."""


def _print(*args: Any) -> None:
    print(*args)


def _strict_eq(a: Any, b: Any) -> bool:
    # JavaScript's ===: identity for objects, value for primitives.
    if a is b:
        return True
    primitive = (bool, int, float, str)
    return isinstance(a, primitive) and type(a) is type(b) and a == b


def _rethrow(value: Any) -> None:
    raise value if isinstance(value, BaseException) else JsError(repr(value))


#: what an import gets when ``load()`` is not given one, by its JavaScript name; the
#: ``__wbindgen_*`` names are wasm-bindgen's intrinsics, with Python's nearest meaning.
DEFAULT_IMPORTS: dict[str, Callable[..., Any]] = {
    "__wbindgen_jsval_eq": _strict_eq,
    "__wbindgen_jsval_loose_eq": lambda a, b: a == b,
    "__wbindgen_is_null": lambda v: v is None,
    "__wbindgen_is_undefined": lambda v: v is None,
    "__wbindgen_is_null_or_undefined": lambda v: v is None,
    "__wbindgen_is_string": lambda v: isinstance(v, str),
    "__wbindgen_is_function": callable,
    "__wbindgen_is_falsy": lambda v: not v,
    "__wbindgen_is_symbol": lambda v: False,
    "__wbindgen_is_bigint": lambda v: False,
    "__wbindgen_is_object": lambda v: v is not None and not isinstance(v, (bool, int, float, str)),
    "__wbindgen_rethrow": _rethrow,
    "__wbindgen_string_get": lambda v: v if isinstance(v, str) else None,
    "console.log": _print,
    "console.error": lambda *a: print(*a, file=sys.stderr),
    "Math.random": random.random,
    "Math.sqrt": math.sqrt,
    "Error": JsError,
}


def _option_form(inner: tuple[Any, ...]) -> str:
    kind = inner[0]
    if kind in ("i32", "u32", "f32"):
        return "f64"
    if kind in _SMALL:
        return "u32"
    if kind in ("i64", "u64", "f64"):
        return "tagged"
    if kind == "enum":
        return "enum"
    if kind == "rust_struct":
        return "pointer"
    return "buffer"


def abi(spec: tuple[Any, ...]) -> list[str]:
    """The wasm value types a value of ``spec`` travels as (a parameter, or the parts of a result)."""
    kind = spec[0]
    if kind in ("ref", "refmut"):
        inner = spec[1]
        return ["i32", "i32"] if inner[0] in _BUFFERS else ["i32"]
    if kind in _BUFFERS:
        return ["i32", "i32"]
    if kind in _WORD:
        return ["i32"]
    if kind in ("i64", "u64"):
        return ["i64"]
    if kind in ("f32", "f64"):
        return [kind]
    if kind == "enum":
        return [_enum_abi(spec)]
    if kind == "unit":
        return []
    if kind == "option":
        form = _option_form(spec[1])
        if form == "tagged":
            return ["i32", *abi(spec[1])]
        if form == "enum":
            return [_enum_abi(spec[1])]
        return {"f64": ["f64"], "u32": ["i32"], "pointer": ["i32"]}.get(form) or ["i32", "i32"]
    raise TypeError(f"no ABI for {kind}")


def _enum_abi(spec: tuple[Any, ...]) -> str:
    # ("enum", name, hole) crosses as f64 since schema 0.2.130; the glue of older schemas
    # gives ("enum", name, hole, "i32").
    return str(spec[3]) if len(spec) > 3 else "f64"


def _enum_word(spec: tuple[Any, ...], value: int) -> Any:
    if _enum_abi(spec) == "f64":
        return float(value)
    return value - (1 << 32) if value >= 1 << 31 else value


def result_abi(spec: tuple[Any, ...]) -> list[str | None]:
    """The parts of a result as ``WasmRet`` holds them (None: a zero-sized part)."""
    if spec[0] == "result":
        inner: list[str | None] = list(abi(spec[1]))
        return (inner + [None, None])[:2] + ["i32", "i32"]
    return list(abi(spec))


def import_abi(params: tuple[Any, ...], result: tuple[Any, ...]) -> tuple[list[str], list[str]]:
    """The wasm parameter and result types of an import (a result of two values: a return area first)."""
    lowered = [t for p in params for t in abi(p)]
    results = abi(result)
    return (["i32", *lowered], []) if len(results) > 1 else (lowered, results)


def returns_through_memory(spec: tuple[Any, ...]) -> bool:
    """Whether the export writes its result to a return area given as its first argument."""
    return len([p for p in result_abi(spec) if p]) > 1


def _offsets(parts: list[str | None]) -> list[int]:
    out, pos = [], 0
    for p in parts:
        size = 0 if p is None else (8 if p in ("i64", "f64") else 4)
        if size:
            pos = (pos + size - 1) // size * size
        out.append(pos)
        pos += size
    return out


class RustObject:
    """A Rust struct living in an instance's memory; ``close()`` frees it (also done when collected)."""

    __slots__ = ("__weakref__", "_wbg_inst", "_wbg_ptr")
    _wbg_inst: BindgenInstance
    _wbg_ptr: int
    #: the export that frees a value of the struct (set by the glue).
    _wbg_free = ""

    def _wbg_call(self, export: str, params: tuple[Any, ...], result: tuple[Any, ...], args: tuple[Any, ...],
                  names: tuple[str, ...], consume: bool = False) -> Any:
        return self._live()._wbg_inst.call(export, params, result, args, names, receiver=self, consume=consume)

    def _live(self) -> RustObject:
        if not getattr(self, "_wbg_ptr", 0):
            raise ValueError(f"this {type(self).__name__} was closed or moved into Rust")
        return self

    @property
    def closed(self) -> bool:
        """Whether the value was freed or moved into Rust."""
        return not getattr(self, "_wbg_ptr", 0)

    def close(self) -> None:
        """Free the Rust value (idempotent)."""
        ptr = getattr(self, "_wbg_ptr", 0)
        if ptr:
            inst = self._wbg_inst
            with inst.lock:
                if self._wbg_ptr:
                    self._wbg_ptr = 0
                    if not inst.closed:
                        inst.func(self._wbg_free)(ptr, 0)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # The collector may run in the middle of a call: queue the free for the next call.
        ptr = getattr(self, "_wbg_ptr", 0)
        if ptr:
            self._wbg_inst.pending_free.append((self._wbg_free, ptr))

    def __copy__(self) -> Any:
        raise TypeError(f"a {type(self).__name__} owns Rust memory and cannot be copied")

    __deepcopy__ = __copy__

    def __reduce__(self) -> Any:
        raise TypeError(f"a {type(self).__name__} owns Rust memory and cannot be pickled")


class _Plan:
    """How one export is called: the function, and the return area's layout when it has one."""

    __slots__ = ("func", "indirect", "layout", "parts")

    def __init__(self, func: Any, result: tuple[Any, ...]) -> None:
        self.func = func
        self.parts = result_abi(result)
        self.indirect = len([p for p in self.parts if p]) > 1
        fmt, pos = "<", 0
        for part, offset in zip(self.parts, _offsets(self.parts), strict=True):
            if part is not None:
                fmt += "x" * (offset - pos) + {"i32": "i", "i64": "q", "f32": "f", "f64": "d"}[part]
                pos = offset + (8 if part in ("i64", "f64") else 4)
        self.layout = struct.Struct(fmt)


class _Call:
    """What lowering the arguments of one call handed over, to undo if the call never starts."""

    __slots__ = ("borrowed", "given", "moved", "slots")

    def __init__(self) -> None:
        self.given: list[tuple[int, int, int]] = []
        self.slots: list[int] = []
        self.borrowed: list[int] = []
        self.moved: list[RustObject] = []


class BindgenInstance:
    """One instance of a wasm-bindgen module with the helpers the generated glue calls.

    ``imports`` maps an import's JavaScript name (``"console.log"``, ``"alert"``) to a
    callable; names it lacks come from :data:`DEFAULT_IMPORTS`. ``table`` (from the glue)
    maps each wasm import name to (JavaScript name, parameter specs, result spec);
    ``classes`` maps struct and enum names to the glue's classes. Calls hold the
    instance's re-entrant lock. Close it, or use ``with``.
    """

    def __init__(
        self,
        wasm: str | Path,
        table: Mapping[str, tuple[str, tuple[Any, ...], tuple[Any, ...]]],
        imports: Mapping[str, Callable[..., Any]] | None = None,
        classes: Mapping[str, Any] | None = None,
        exports: Mapping[str, tuple[tuple[Any, ...], tuple[Any, ...], tuple[str, ...]]] | None = None,
        schema: str | None = None,
    ) -> None:
        from ...host import HostFunction, load
        from ..runtime import compiled

        module = compiled(wasm)
        given = dict(imports or {})
        unknown = sorted(set(given) - {js for js, _, _ in table.values()})
        if unknown:
            raise NeedsImports(f"load() got imports the module does not use: {', '.join(unknown)}")
        self.classes = dict(classes or {})
        self.objects: dict[int, Any] = {_JSIDX_OFFSET: None, _JSIDX_OFFSET + 1: None, _JSIDX_OFFSET + 2: True, _JSIDX_OFFSET + 3: False}
        self.table_size = _JSIDX_RESERVED
        self.pending_free: list[tuple[str, int]] = []
        self.closed = False
        #: the module's wasm-bindgen schema version (how casts describe themselves); None: the newest.
        self.schema = schema
        #: the f64 that stands for None of an Option of a 32-bit number (changed in schema 0.2.119).
        self.f64_none = LAYOUTS[schema].f64_none if schema in LAYOUTS else _F64_NONE
        #: words of the cast being described, and the conversion of each cast met so far.
        self.cast_words: list[int] = []
        self.casts: dict[tuple[int, ...], Callable[[int], Any]] = {}
        placeholder: dict[str, Any] = {}
        missing = []
        for imp in module.imports:
            if imp.module != "__wbindgen_placeholder__":
                continue
            entry = table.get(imp.name)
            if imp.name == "__wbindgen_describe":
                placeholder[imp.name] = HostFunction(self._cast_word, "(i32) -> ()")
                continue
            if imp.name in ("__wbindgen_describe_generic_import", "__wbindgen_describe_cast"):
                keyed = imp.name == "__wbindgen_describe_generic_import"
                placeholder[imp.name] = HostFunction(lambda f, p, k=keyed: self._cast(p, k), "(i32, i32) -> i32")
                continue
            if entry is None:
                placeholder[imp.name] = self._forbidden(imp.name)
                continue
            js, params, result = entry
            fn = self._builtin(js) or given.get(js) or DEFAULT_IMPORTS.get(js)
            if fn is None:
                missing.append(js)
                continue
            placeholder[imp.name] = HostFunction(self._adapt(fn, params, result), _signature(params, result))
        if missing:
            raise NeedsImports(f"load() needs callables for {', '.join(sorted(missing))}: pass imports={{name: callable}}")
        xform = {
            "__wbindgen_externref_table_grow": HostFunction(self._grow, "(i32) -> i32"),
            "__wbindgen_externref_table_set_null": HostFunction(self._set_null, "(i32) -> ()"),
            "__wbindgen_externref_statics_end": HostFunction(lambda: _JSIDX_RESERVED, "() -> i32"),
        }
        self.instance = load(module, {"__wbindgen_placeholder__": placeholder, "__wbindgen_externref_xform__": xform})
        self.memory = self.instance.memory
        self.lock: Any = getattr(self.instance, "lock", None) or threading.RLock()
        self._malloc = self.instance.func("__wbindgen_malloc", "(u32, u32) -> u32")
        self._free = self.instance.func("__wbindgen_free", "(u32, u32, u32) -> ()")
        self._alloc_slot = self.instance.func("__externref_table_alloc", "() -> u32")
        self._dealloc_slot = self.instance.func("__externref_table_dealloc", "(u32) -> ()")
        self._funcs: dict[str, Any] = {}
        self._plans: dict[str, _Plan] = {}
        with self.lock:
            self.ret = self._malloc(32, 8)
            self.cast_ret = self._malloc(8, 8)
        #: a callable per export of ``exports`` (export -> (parameter specs, result spec, names)).
        self.calls: dict[str, Callable[..., Any]] = {
            export: self._caller(export, *spec) for export, spec in (exports or {}).items()
        }

    # ---- the object table -------------------------------------------------------------
    def _grow(self, delta: int) -> int:
        if delta < 0 or self.table_size + delta > 1 << 24:
            return -1
        old = self.table_size
        self.table_size += delta
        return old

    def _set_null(self, idx: int) -> None:
        self.objects.pop(idx & _MASK32, None)

    def put(self, obj: Any) -> int:
        """A new table slot holding ``obj``."""
        idx = int(self._alloc_slot())
        self.objects[idx] = obj
        return idx

    def take(self, idx: int) -> Any:
        """The object of a slot the module handed over, releasing the slot."""
        idx &= _MASK32
        obj = self.objects.get(idx)
        self._dealloc_slot(idx)
        return obj

    # ---- imports ----------------------------------------------------------------------
    def _throw(self, message: str) -> None:
        raise JsError(message)

    def _builtin(self, js: str) -> Callable[..., Any] | None:
        # Intrinsics about the object table itself: only this runtime can answer them.
        if js == "__wbindgen_throw":
            return self._throw
        if js == "__wbindgen_object_drop_ref":
            return lambda idx: self._dealloc_slot(idx)
        if js == "__wbindgen_object_clone_ref":
            return lambda idx: self.put(self.objects.get(idx & _MASK32))
        return None

    @staticmethod
    def _forbidden(name: str) -> Any:
        def called(*_args: Any) -> None:
            raise JsError(f"the module called {name}, which this runtime does not provide")

        return called

    # ---- casts (``JsValue::from(String)`` and the like) -------------------------------
    # wasm-bindgen's CLI rewrites each cast function into a call of a JS identity function.
    # Unrewritten, the function describes its two types word by word, then calls
    # __wbindgen_describe_generic_import (__wbindgen_describe_cast before schema 0.2.128,
    # whose stream lacks the leading empty key) with a pointer to its argument's ABI values
    # and reads the converted value from the pointer it gets back: this runtime answers there.
    def _cast_word(self, word: int) -> None:
        if len(self.cast_words) >= _CAST_WORDS:
            self.cast_words.clear()
            raise JsError(f"a wasm-bindgen cast described itself in more than {_CAST_WORDS} words")
        self.cast_words.append(word & _MASK32)

    def _cast(self, prims: int, keyed: bool) -> int:
        words = tuple(self.cast_words) if keyed else (0, *self.cast_words)
        self.cast_words.clear()
        convert = self.casts.get(words)
        if convert is None:
            convert = self.casts[words] = self._cast_plan(words)
        self.memory.write(self.cast_ret, struct.pack("<I", self.put(convert(prims & _MASK32))))
        return int(self.cast_ret)

    def _cast_plan(self, words: tuple[int, ...]) -> Callable[[int], Any]:
        if not words or words[0] != 0:
            raise JsError("the module calls a generic JS import, which this runtime does not provide")
        form = LAYOUTS[self.schema].stream if self.schema in LAYOUTS else StreamFormat()
        try:
            fn = parse_function(words[1:], "a wasm-bindgen cast", form)
        except StreamError as err:
            raise JsError(str(err)) from None
        source = fn.params[0] if len(fn.params) == 1 else ("unit",)
        if fn.result != ("externref",) or source[0] not in _CASTABLE and source != ("ref", ("string",)):
            raise JsError(f"the module casts {show(source)} into {show(fn.result)}, which this runtime does not convert")
        mem = self.memory
        if source[0] in ("ref", "string"):
            owned = source[0] == "string"

            def text(at: int) -> Any:
                ptr, n = struct.unpack("<II", mem.read(at, 8))
                data = mem.read(ptr, n)
                if owned and n:
                    self._free(ptr, n, 1)
                return data.decode("utf-8", "replace")

            return text
        layout = struct.Struct("<" + _CASTABLE[source[0]])
        kind = source[0]
        return lambda at: _lift_scalar((kind,), layout.unpack(mem.read(at, layout.size))[0])

    def _adapt(self, fn: Callable[..., Any], params: tuple[Any, ...], result: tuple[Any, ...]) -> Callable[..., Any]:
        through_memory = len(abi(result)) > 1

        def host(*raw: Any) -> Any:
            args: list[Any] = []
            i = 1 if through_memory else 0
            for p in params:
                kind = p[0]
                if kind == "ref" and p[1][0] in ("string", "cached_string"):
                    args.append(self.memory.read(raw[i] & _MASK32, raw[i + 1] & _MASK32).decode("utf-8", "replace"))
                    i += 2
                elif kind == "ref" and p[1][0] == "externref":
                    args.append(self.objects.get(raw[i] & _MASK32))
                    i += 1
                elif kind == "externref":
                    args.append(self.take(raw[i]))
                    i += 1
                else:
                    args.append(_lift_scalar(p, raw[i]))
                    i += 1
            out = fn(*args)
            if through_memory:  # String or Option<String>: Rust owns and frees the copy
                text = None if out is None and result[0] == "option" else _text(out, "the result of an import")
                data = b"" if text is None else text.encode("utf-8")
                ptr = self._malloc(len(data), 1) if text is not None else 0
                if data:
                    self.memory.write(ptr, data)
                self.memory.write(raw[0] & _MASK32, struct.pack("<II", ptr, len(data)))
                return None
            if result[0] == "unit":
                return None
            if result[0] == "externref":
                return self.put(out)
            return _lower_scalar(result, out, "the result of an import")

        return host

    # ---- calls ------------------------------------------------------------------------
    def func(self, name: str) -> Any:
        """The export ``name`` (fetched once)."""
        f = self._funcs.get(name)
        if f is None:
            f = self._funcs[name] = self.instance.func(name)
        return f

    def _caller(self, export: str, params: tuple[Any, ...], result: tuple[Any, ...], names: tuple[str, ...]) -> Callable[..., Any]:
        # Numbers, bool and strings in, and numbers, bool, strings or nothing out, the common
        # case: a function written for this signature (from the templates below: only indices
        # and fixed text go into its source; names and specs are passed as values). Every
        # other signature goes through call(), which interprets the type specs.
        simple = all(p[0] in _SCALARS or _is_text(p) for p in params)
        if not simple or not (result[0] in _SCALARS or result[0] in ("unit", "string")):
            return lambda *args: self.call(export, params, result, args, names)
        text_result = result[0] == "string"
        args = [f"a{i}" for i in range(len(params))]
        raw = (["ret"] if text_result else []) + [t for i, p in enumerate(params) for t in ((f"p{i}", f"n{i}") if _is_text(p) else (f"a{i}",))]
        body = [f"def caller({', '.join(args)}):",
                "    if inst.closed:",
                "        raise ValueError('this instance is closed')",
                "    with lock:",
                "        if pending:",
                "            inst._free_pending()"]
        texts = [i for i, p in enumerate(params) if _is_text(p)]
        for i, p in enumerate(params):  # checks first: nothing is allocated for a call that fails them
            if _is_text(p):
                body += [f"        if a{i}.__class__ is not str:", f"            a{i} = text(a{i}, names[{i}])"]
            else:
                body += [f"        a{i} = checks[{i}](a{i}, names[{i}])"]
        if texts:  # allocated and filled in turn; on a failure, what was allocated is freed
            body += ["        " + " = ".join(f"p{i}" for i in texts) + " = 0", "        try:"]
            for i in texts:
                body += [f"            d{i} = a{i}.encode()", f"            n{i} = len(d{i})", f"            p{i} = malloc(n{i}, 1)",
                         f"            mapped()[p{i} : p{i} + n{i}] = d{i}"]
            body += ["        except BaseException:"]
            body += [f"            if p{i}:\n                free(p{i}, n{i}, 1)" for i in texts] + ["            raise"]
        body.append(f"        out = func({', '.join(raw)})")
        if text_result:  # as _take_text, inline
            body += ["        whole = mapped()", "        ptr, size = pair(whole, ret)", "        data = whole[ptr : ptr + size]",
                     "        if len(data) != size:", "            inst._take_text(ret)",
                     "        out = str(data, 'utf-8')", "        free(ptr, size, 1)", "        return out"]
        elif result[0] == "unit":
            body += ["        return None"]
        elif result[0] in ("i8", "i16", "i32", "i64", "f32", "f64"):
            body += ["        return out"]
        else:
            body += ["        return lift(result, out)"]
        namespace: dict[str, Any] = {
            "inst": self, "lock": self.lock, "pending": self.pending_free, "text": _text, "names": names,
            "checks": [None if _is_text(p) else _checker(p) for p in params], "malloc": self._malloc.call,
            "free": self._free.call, "mapped": self.memory.mapped, "func": self.func(export).call, "ret": self.ret,
            "pair": _PAIR.unpack_from, "lift": _lift_scalar, "result": result,
        }
        exec(compile("\n".join(body), f"<wasm-bindgen call {export}>", "exec"), namespace)  # noqa: S102
        caller: Callable[..., Any] = namespace["caller"]
        return caller

    def _take_text(self, at: int) -> str:
        # A String result: (pointer, length) in the return area, the bytes Rust's to free.
        whole = self.memory.mapped()
        ptr, size = _PAIR.unpack_from(whole, at)
        data = whole[ptr : ptr + size]
        if len(data) != size:
            raise JsError(f"a string of {size} bytes at {ptr:#x} lies past the memory's end")
        text = str(data, "utf-8")  # decoded before free() reuses the bytes
        self._free(ptr, size, 1)
        return text

    def _free_pending(self) -> None:
        while self.pending_free:
            free, ptr = self.pending_free.pop()
            self.func(free)(ptr, 0)

    def call(
        self,
        export: str,
        params: tuple[Any, ...],
        result: tuple[Any, ...],
        args: tuple[Any, ...],
        names: tuple[str, ...],
        *,
        receiver: RustObject | None = None,
        consume: bool = False,
    ) -> Any:
        """Call ``export`` with ``args`` lowered per ``params``; the result lifted per ``result``."""
        if self.closed:
            raise ValueError("this instance is closed")
        with self.lock:
            if self.pending_free:
                self._free_pending()
            plan = self._plans.get(export)
            if plan is None:
                plan = self._plans[export] = _Plan(self.func(export), result)
            call = _Call()
            raw: list[Any] = [self.ret] if plan.indirect else []
            if receiver is not None:
                if receiver._wbg_inst is not self:
                    raise TypeError(f"this {type(receiver).__name__} belongs to another instance")
                raw.append(receiver._wbg_ptr)
            try:
                for spec, value, name in zip(params, args, names, strict=True):
                    raw.extend(self._lower(spec, value, name, call))
            except BaseException:
                self._undo(call)  # the call never started: nothing of it reached Rust
                raise
            for obj in call.moved:
                obj._wbg_ptr = 0
            if consume and receiver is not None:
                receiver._wbg_ptr = 0
            try:
                out = plan.func(*raw)
            except BaseException:
                # A trapped instance cannot be called to release the slots: just drop the objects.
                for idx in call.borrowed:
                    self.objects.pop(idx, None)
                raise
            for idx in call.borrowed:
                self.take(idx)
            if plan.indirect:
                values = iter(plan.layout.unpack(self.memory.read(self.ret, plan.layout.size)))
                return self._lift(result, [None if p is None else next(values) for p in plan.parts])
            return self._lift(result, [] if result[0] == "unit" else [out])

    def _undo(self, call: _Call) -> None:
        for ptr, size, align in call.given:
            self._free(ptr, size, align)
        for idx in call.slots + call.borrowed:
            self.take(idx)

    def _lower(self, spec: tuple[Any, ...], value: Any, name: str, call: _Call) -> list[Any]:
        kind = spec[0]
        if kind in ("ref", "refmut"):
            inner = spec[1]
            if inner[0] == "rust_struct":
                return [self._pointer(inner, value, name)]
            if inner[0] == "externref":
                idx = self.put(value)
                call.borrowed.append(idx)
                return [idx]
            return self._lower(inner, value, name, call)
        if kind in ("string", "cached_string"):
            return self._give(_text(value, name).encode("utf-8"), 1, call, None)
        if kind in ("slice", "vector"):
            elem = spec[1]
            if elem[0] in ("named_externref", "externref"):
                if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                    raise TypeError(f"{name}: expected a sequence, got {type(value).__name__}")
                items = [_text(v, name) if elem[0] == "named_externref" and elem[1] == "string" else v for v in value]
                slots = []
                try:
                    for v in items:
                        slots.append(self.put(v))
                except BaseException:
                    for idx in slots:
                        self.take(idx)
                    raise
                call.slots.extend(slots)
                return self._give(array.array("I", slots).tobytes(), 4, call, len(slots))
            code = _ARRAY_CODE[elem[0]]
            if isinstance(value, (str, bytes)) and code != "B":
                raise TypeError(f"{name}: expected a sequence of {elem[0]}, got {type(value).__name__}")
            try:
                data = array.array(code, value)
            except (TypeError, OverflowError) as err:
                raise TypeError(f"{name}: expected a sequence of {elem[0]}, got {type(value).__name__} ({err})") from None
            return self._give(data.tobytes(), _SIZE[elem[0]], call, len(data))
        if kind == "rust_struct":
            ptr = self._pointer(spec, value, name)
            call.moved.append(value)
            return [ptr]
        if kind == "externref" or kind == "named_externref":
            idx = self.put(value)
            call.slots.append(idx)
            return [idx]
        if kind == "enum":
            cls = self.classes[spec[1]]
            try:
                member = cls(value)
            except (ValueError, TypeError):
                raise ValueError(f"{name}: {value!r:.40} is not a {spec[1]}") from None
            return [_enum_word(spec, member.value)]
        if kind == "string_enum":
            values = spec[2]
            if not isinstance(value, str) or value not in values:
                raise ValueError(f"{name}: {value!r:.40} is not one of {', '.join(map(repr, values))}")
            return [values.index(value)]
        if kind == "option":
            return self._lower_option(spec[1], value, name, call)
        return [_lower_scalar(spec, value, name)]

    def _lower_option(self, inner: tuple[Any, ...], value: Any, name: str, call: _Call) -> list[Any]:
        form = _option_form(inner)
        if value is None:
            if form == "f64":
                return [self.f64_none]
            if form == "u32":
                return [_U32_NONE]
            if form == "tagged":
                return [0, 0.0 if inner[0] == "f64" else 0]
            if form == "enum":
                return [_enum_word(inner, inner[2])]
            return [0] if form == "pointer" else [0, 0]
        if form == "f64":
            _lower_scalar(inner, value, name)  # range and type check
            return [float(value)]
        if form == "tagged":
            return [1, *self._lower(inner, value, name, call)]
        return self._lower(inner, value, name, call)

    def _pointer(self, spec: tuple[Any, ...], value: Any, name: str) -> int:
        cls = self.classes[spec[1]]
        if not isinstance(value, cls):
            raise TypeError(f"{name}: expected {spec[1]}, got {type(value).__name__}")
        if value._wbg_inst is not self:
            raise TypeError(f"{name}: this {spec[1]} belongs to another instance")
        value._live()
        return int(value._wbg_ptr)

    def _give(self, data: bytes, align: int, call: _Call, count: int | None) -> list[int]:
        ptr = self._malloc(len(data), align)
        call.given.append((ptr, len(data), align))
        self.memory.write(ptr, data)
        return [ptr, len(data) if count is None else count]

    def _lift(self, spec: tuple[Any, ...], prims: list[Any]) -> Any:
        kind = spec[0]
        if kind == "unit":
            return None
        if kind == "result":
            if prims[3]:
                obj = self.take(prims[2])
                raise obj if isinstance(obj, BaseException) else JsError(repr(obj))
            return self._lift(spec[1], [p for p in prims[:2] if p is not None])
        if kind == "option":
            form = _option_form(spec[1])
            raw = prims[0]
            if form == "f64":
                if raw == self.f64_none:
                    return None
                return raw if spec[1][0] == "f32" else int(raw)
            if form == "u32":
                return None if raw & _MASK32 == _U32_NONE else self._lift(spec[1], prims)
            if form == "tagged":
                return self._lift(spec[1], prims[1:]) if raw else None
            if form == "enum":
                return None if raw == float(spec[1][2]) else self._lift(spec[1], prims)
            if raw == 0:
                return None
            return self._lift(spec[1], prims)
        if kind in ("string", "vector", "slice"):
            return self._read_buffer(spec, prims[0] & _MASK32, prims[1] & _MASK32)
        if kind == "rust_struct":
            obj = object.__new__(self.classes[spec[1]])
            obj._wbg_inst, obj._wbg_ptr = self, prims[0] & _MASK32
            return obj
        if kind in ("externref", "named_externref"):
            return self.take(prims[0])
        if kind == "enum":
            cls, value = self.classes[spec[1]], int(prims[0])
            # An i32 word of an unsigned enum reads negative past 2**31.
            return cls(value if value >= 0 or value in cls._value2member_map_ else value & _MASK32)
        if kind == "string_enum":
            return spec[2][prims[0] & _MASK32]
        return _lift_scalar(spec, prims[0])

    def _read_buffer(self, spec: tuple[Any, ...], ptr: int, n: int) -> Any:
        if spec[0] == "string":
            data = self.memory.read(ptr, n)
            self._free(ptr, n, 1)
            return data.decode("utf-8")
        elem = spec[1]
        if elem[0] in ("named_externref", "externref"):
            slots = array.array("I", self.memory.read(ptr, 4 * n)).tolist()
            self._free(ptr, 4 * n, 4)
            return [self.take(idx) for idx in slots]
        size = _SIZE[elem[0]]
        data = self.memory.read(ptr, n * size)
        self._free(ptr, n * size, size)
        return array.array(_ARRAY_CODE[elem[0]], data).tolist()

    def close(self) -> None:
        """Release the instance (idempotent); its Rust objects become unusable."""
        with self.lock:
            if not self.closed:
                self.closed = True
                self.pending_free.clear()
                self.objects.clear()
                self.instance.close()

    def __enter__(self) -> BindgenInstance:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _is_text(spec: tuple[Any, ...]) -> bool:
    return spec[0] in ("string", "cached_string") or spec[0] == "ref" and spec[1][0] in ("string", "cached_string")


def _checker(spec: tuple[Any, ...]) -> Callable[[Any, str], Any]:
    kind = spec[0]
    if kind in ("i32", "i64", "f64"):
        lo, hi = _INT_RANGE.get(kind, (0, 0))

        def fast(value: Any, name: str) -> Any:
            # The common exact types first; anything else gets the full check and its message.
            if value.__class__ is int and lo <= value < hi or value.__class__ is float and kind == "f64":
                return value
            return _lower_scalar(spec, value, name)

        return fast
    return lambda value, name: _lower_scalar(spec, value, name)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected str, got {type(value).__name__}")
    return value


def _lower_scalar(spec: tuple[Any, ...], value: Any, name: str) -> Any:
    kind = spec[0]
    if kind in _INT_RANGE:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name}: expected int, got {type(value).__name__}")
        lo, hi = _INT_RANGE[kind]
        if not lo <= value < hi:
            raise OverflowError(f"{name}: {value} is out of range for {kind}")
        if kind in ("u32", "u8", "u16"):
            return value - (1 << 32) if value >= 1 << 31 else value
        if kind == "u64":
            return value - (1 << 64) if value >= 1 << 63 else value
        return value
    if kind in ("f32", "f64"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise TypeError(f"{name}: expected float, got {type(value).__name__}")
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise TypeError(f"{name}: expected bool, got {type(value).__name__}")
        return int(value)
    if kind == "char":
        if not isinstance(value, str) or len(value) != 1:
            raise TypeError(f"{name}: expected a one-character str, got {value!r:.40}")
        code = ord(value)
        if 0xD800 <= code < 0xE000:
            raise ValueError(f"{name}: {value!r} is a lone surrogate, not a Rust char")
        return code
    raise TypeError(f"{name}: cannot pass a {kind}")


def _lift_scalar(spec: tuple[Any, ...], raw: Any) -> Any:
    kind = spec[0]
    if kind in ("u8", "u16", "u32"):
        return raw & _MASK32
    if kind == "u64":
        return raw & 0xFFFFFFFFFFFFFFFF
    if kind == "bool":
        return raw != 0
    if kind == "char":
        return chr(raw & _MASK32)
    return raw


def _signature(params: tuple[Any, ...], result: tuple[Any, ...]) -> str:
    lowered, results = import_abi(params, result)
    shown = results[0] if len(results) == 1 else "(" + ", ".join(results) + ")"
    return "(" + ", ".join(lowered) + ") -> " + shown
