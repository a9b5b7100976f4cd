"""What glue generated for a wasm-bindgen module calls at run time (copied into each package).

The module is used as cargo linked it, without wasm-bindgen's externref pass: a ``JsValue``
is an index into a table the module manages through ``__externref_table_alloc`` and the
``__wbindgen_externref_xform__`` imports, and this runtime holds the Python object of each
slot. Strings and numeric vectors cross as (pointer, length) pairs in memory allocated with
``__wbindgen_malloc``; results wider than one value come back through a return area.
Type specs are the tuples of :mod:`wasmforge.bindgen.wasm_bindgen.types`, carried as data.
"""

from __future__ import annotations

import array
import math
import random
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ...errors import WasmforgeError

__all__ = ["DEFAULT_IMPORTS", "BindgenInstance", "JsError", "NeedsImports"]

#: the first table slot after wasm-bindgen's fixed ones (undefined, null, true, false at 1024..1027).
_JSIDX_OFFSET = 1024
_JSIDX_RESERVED = _JSIDX_OFFSET + 4
_INT_RANGE = {
    "i8": (-(1 << 7), 1 << 7), "u8": (0, 1 << 8), "i16": (-(1 << 15), 1 << 15), "u16": (0, 1 << 16),
    "i32": (-(1 << 31), 1 << 31), "u32": (0, 1 << 32), "i64": (-(1 << 63), 1 << 63), "u64": (0, 1 << 64),
}
_ARRAY_CODE = {"i8": "b", "u8": "B", "i16": "h", "u16": "H", "i32": "i", "u32": "I", "i64": "q", "u64": "Q", "f32": "f", "f64": "d"}
_SIZE = {"i8": 1, "u8": 1, "i16": 2, "u16": 2, "i32": 4, "u32": 4, "i64": 8, "u64": 8, "f32": 4, "f64": 8}


class JsError(WasmforgeError):
    """An error the Rust code returned (``Err(JsError)``, ``Err(JsValue)``) or threw."""


class NeedsImports(WasmforgeError, TypeError):
    """``load()`` was not given a callable for an import the module uses."""


def _print(*args: Any) -> None:
    print(*args)


#: what an import gets when ``load()`` is not given one, by its JavaScript name.
DEFAULT_IMPORTS: dict[str, Callable[..., Any]] = {
    "console.log": _print,
    "console.error": lambda *a: print(*a, file=sys.stderr),
    "Math.random": random.random,
    "Math.sqrt": math.sqrt,
    "Error": JsError,
}


def _prims(spec: tuple[Any, ...]) -> list[int]:
    """Byte sizes of the primitives of a result (0: a zero-sized one), as wasm-bindgen's WasmRet has them."""
    kind = spec[0]
    if kind in ("string", "vector"):
        return [4, 4]
    if kind == "result":
        inner = _prims(spec[1]) if spec[1][0] != "unit" else []
        return (inner + [0, 0])[:2] + [4, 4]
    if kind == "unit":
        return []
    return [_SIZE.get(kind, 4)]


def _offsets(sizes: list[int]) -> list[int]:
    out, pos = [], 0
    for s in sizes:
        if s:
            pos = (pos + s - 1) // s * s
        out.append(pos)
        pos += s
    return out


def returns_through_memory(spec: tuple[Any, ...]) -> bool:
    """Whether the export writes its result to a return area given as its first argument."""
    return len([s for s in _prims(spec) if s]) > 1


class BindgenInstance:
    """One instance of a wasm-bindgen module with the helpers the generated glue calls.

    ``imports`` maps an import's JavaScript name (``"console.log"``, ``"alert"``) to a
    callable; names it lacks come from :data:`DEFAULT_IMPORTS`. ``table`` (from the glue)
    maps each wasm import name to (JavaScript name, parameter specs, result spec).
    Calls hold the instance's re-entrant lock. Close it, or use ``with``.
    """

    def __init__(
        self,
        wasm: str | Path,
        table: Mapping[str, tuple[str, tuple[Any, ...], tuple[Any, ...]]],
        imports: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        from ...host import HostFunction, load
        from ..runtime import compiled

        module = compiled(wasm)
        given = dict(imports or {})
        unknown = sorted(set(given) - {js for js, _, _ in table.values()})
        if unknown:
            raise NeedsImports(f"load() got imports the module does not use: {', '.join(unknown)}")
        self.objects: dict[int, Any] = {_JSIDX_OFFSET: None, _JSIDX_OFFSET + 1: None, _JSIDX_OFFSET + 2: True, _JSIDX_OFFSET + 3: False}
        self.table_size = _JSIDX_RESERVED
        placeholder: dict[str, Any] = {}
        missing = []
        for imp in module.imports:
            if imp.module != "__wbindgen_placeholder__":
                continue
            entry = table.get(imp.name)
            if entry is None:
                placeholder[imp.name] = self._forbidden(imp.name)
                continue
            js, params, result = entry
            fn = given.get(js) or DEFAULT_IMPORTS.get(js)
            if js == "__wbindgen_throw":
                fn = self._throw
            if fn is None:
                missing.append(js)
                continue
            placeholder[imp.name] = HostFunction(self._adapt(fn, params, result), _host_signature(params, result))
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
        with self.lock:
            self.ret = self._malloc(32, 8)
        self.closed = False

    # ---- the object table -------------------------------------------------------------
    def _grow(self, delta: int) -> int:
        if delta < 0 or self.table_size + delta > 1 << 24:
            return -1
        old = self.table_size
        self.table_size += delta
        return old

    def _set_null(self, idx: int) -> None:
        self.objects.pop(idx & 0xFFFFFFFF, None)

    def put(self, obj: Any) -> int:
        """A new table slot holding ``obj`` (the module owns it from now on)."""
        idx = self._alloc_slot()
        self.objects[idx] = obj
        return int(idx)

    def take(self, idx: int) -> Any:
        """The object of a slot the module handed over, releasing the slot."""
        idx &= 0xFFFFFFFF
        obj = self.objects.get(idx)
        self._dealloc_slot(idx)
        return obj

    # ---- imports ----------------------------------------------------------------------
    def _throw(self, message: str) -> None:
        raise JsError(message)

    @staticmethod
    def _forbidden(name: str) -> Any:
        def called(*_args: Any) -> None:
            raise JsError(f"the module called {name}, which only wasm-bindgen's describe step provides")

        return called

    def _adapt(self, fn: Callable[..., Any], params: tuple[Any, ...], result: tuple[Any, ...]) -> Callable[..., Any]:
        def host(*raw: Any) -> Any:
            args, i = [], 0
            for p in params:
                if p[0] == "ref":
                    ptr, n = raw[i] & 0xFFFFFFFF, raw[i + 1] & 0xFFFFFFFF
                    args.append(self.memory.read(ptr, n).decode("utf-8", "replace"))
                    i += 2
                else:
                    args.append(_lift_scalar(p, raw[i]))
                    i += 1
            out = fn(*args)
            kind = result[0]
            if kind == "unit":
                return None
            if kind == "externref":
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

    def call(self, export: str, params: tuple[Any, ...], result: tuple[Any, ...], args: tuple[Any, ...], names: tuple[str, ...]) -> Any:
        """Call ``export`` with ``args`` lowered per ``params``; the result lifted per ``result``."""
        if self.closed:
            raise ValueError("this instance is closed")
        with self.lock:
            given: list[tuple[int, int, int]] = []
            raw: list[Any] = []
            indirect = returns_through_memory(result)
            if indirect:
                raw.append(self.ret)
            try:
                for spec, value, name in zip(params, args, names, strict=True):
                    raw.extend(self._lower(spec, value, name, given))
            except BaseException:
                for ptr, size, align in given:  # the call never started: nothing of it reached Rust
                    self._free(ptr, size, align)
                raise
            out = self.func(export)(*raw)
            if indirect:
                return self._read_result(result)
            return _lift_scalar(result, out)

    def _lower(self, spec: tuple[Any, ...], value: Any, name: str, given: list[tuple[int, int, int]]) -> list[Any]:
        kind = spec[0]
        if kind in ("ref", "vector"):
            inner = spec[1]
            if inner[0] in ("string", "cached_string"):
                return self._give_bytes(_text(value, name).encode("utf-8"), 1, given, len_of=None)
            elem = inner[1] if inner[0] == "slice" else inner
            code = _ARRAY_CODE[elem[0]]
            try:
                data = array.array(code, value)
            except (TypeError, OverflowError) as err:
                raise TypeError(f"{name}: expected a sequence of {elem[0]}, got {type(value).__name__} ({err})") from None
            return self._give_bytes(data.tobytes(), _SIZE[elem[0]], given, len_of=len(data))
        if kind == "string":
            return self._give_bytes(_text(value, name).encode("utf-8"), 1, given, len_of=None)
        return [_lower_scalar(spec, value, name)]

    def _give_bytes(self, data: bytes, align: int, given: list[tuple[int, int, int]], *, len_of: int | None) -> list[int]:
        ptr = self._malloc(len(data), align)
        given.append((ptr, len(data), align))
        self.memory.write(ptr, data)
        return [ptr, len(data) if len_of is None else len_of]

    def _read_result(self, spec: tuple[Any, ...]) -> Any:
        sizes = _prims(spec)
        offs = _offsets(sizes)
        base = self.ret
        if spec[0] == "result":
            err, is_err = self.memory.unpack("<II", base + offs[2])[0], self.memory.unpack("<I", base + offs[3])[0]
            if is_err:
                obj = self.take(err)
                raise obj if isinstance(obj, BaseException) else JsError(repr(obj))
            inner = spec[1]
            if inner[0] == "unit":
                return None
            if inner[0] in ("string", "vector"):
                return self._read_buffer(inner, base + offs[0], base + offs[1])
            fmt = {"f32": "<f", "f64": "<d", "i64": "<q", "u64": "<Q"}.get(inner[0], "<i")
            return _lift_scalar(inner, self.memory.unpack(fmt, base + offs[0])[0])
        return self._read_buffer(spec, base + offs[0], base + offs[1])

    def _read_buffer(self, spec: tuple[Any, ...], at_ptr: int, at_len: int) -> Any:
        (ptr,), (n,) = self.memory.unpack("<I", at_ptr), self.memory.unpack("<I", at_len)
        if spec[0] == "string":
            data = self.memory.read(ptr, n)
            self._free(ptr, n, 1)
            return data.decode("utf-8")
        elem = spec[1][0]
        size = _SIZE[elem]
        data = self.memory.read(ptr, n * size)
        self._free(ptr, n * size, size)
        return array.array(_ARRAY_CODE[elem], data).tolist()

    def close(self) -> None:
        """Release the instance (idempotent)."""
        if not self.closed:
            self.closed = True
            self.objects.clear()
            self.instance.close()

    def __enter__(self) -> BindgenInstance:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


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
    if kind == "unit":
        return None
    if kind in ("u8", "u16", "u32"):
        return raw & 0xFFFFFFFF
    if kind == "u64":
        return raw & 0xFFFFFFFFFFFFFFFF
    if kind == "bool":
        return raw != 0
    if kind == "char":
        return chr(raw & 0xFFFFFFFF)
    return raw


def _host_signature(params: tuple[Any, ...], result: tuple[Any, ...]) -> str:
    results = wasm_types(result)
    shown = results[0] if len(results) == 1 else "(" + ", ".join(results) + ")"
    return "(" + ", ".join(t for p in params for t in wasm_types(p)) + ") -> " + shown


def wasm_types(spec: tuple[Any, ...]) -> list[str]:
    """The wasm value types one parameter or direct result of ``spec`` takes."""
    kind = spec[0]
    if kind in ("ref", "vector", "string"):
        return ["i32", "i32"]
    if kind == "unit":
        return []
    if kind in ("i64", "u64"):
        return ["i64"]
    if kind in ("f32", "f64"):
        return [kind]
    return ["i32"]
