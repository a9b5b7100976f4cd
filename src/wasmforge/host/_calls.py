"""Specialised call paths: exported functions and host functions, generated per signature.

Each exported function gets a plain Python function made for its exact signature:
arguments go straight into a prepared raw value buffer, the call goes through
``wasmtime_func_call_unchecked`` with prepared arguments, and results come out of
typed views of the same buffer. The source of each specialisation is generated
once per signature (like ``collections.namedtuple``) and cached.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

from . import _raw
from ._types import NUMERIC, Signature

_I32_RANGE = "-2147483648 <= {v} <= 4294967295"
_I64_RANGE = "-9223372036854775808 <= {v} <= 18446744073709551615"
_RANGE_TEXT = {
    "i32": "an int in [-2**31, 2**32)",
    "u32": "an int in [-2**31, 2**32)",
    "i64": "an int in [-2**63, 2**64)",
    "u64": "an int in [-2**63, 2**64)",
    "f32": "a float",
    "f64": "a float",
}
#: where a value of each type sits in a slot: (view name, elements per slot).
_VIEW = {
    "i32": ("i32", 4),
    "u32": ("u32", 4),
    "i64": ("i64", 2),
    "u64": ("u64", 2),
    "f32": ("f32", 4),
    "f64": ("f64", 2),
}
_VIEW_TYPES: dict[str, Any] = {
    "i32": ctypes.c_int32,
    "u32": ctypes.c_uint32,
    "i64": ctypes.c_int64,
    "u64": ctypes.c_uint64,
    "f32": ctypes.c_float,
    "f64": ctypes.c_double,
}


def fast_path_supported(signature: Signature) -> bool:
    """Whether every type of ``signature`` is numeric (the specialised paths handle those)."""
    return all(t in NUMERIC or t in ("u32", "u64") for t in signature.params + signature.results)


class RawBuffer:
    """The value buffer of one function: ``slots`` raw values with typed views over them."""

    __slots__ = ("slots", "storage", "address", "views")

    def __init__(self, slots: int) -> None:
        self.slots = max(slots, 1)
        words = self.slots * _raw.SLOT_SIZE // 8
        self.storage = (ctypes.c_int64 * words)()
        self.address = ctypes.addressof(self.storage)
        self.views = {
            name: (ctype * (self.slots * _raw.SLOT_SIZE // ctypes.sizeof(ctype))).from_buffer(self.storage)
            for name, ctype in _VIEW_TYPES.items()
        }


def describe_bad_argument(name: str, signature: Signature, args: tuple[Any, ...]) -> BaseException:
    """The TypeError (wrong type) or OverflowError (out of range) for a rejected call."""
    for position, (kind, value) in enumerate(zip(signature.params, args), start=1):
        wanted = _RANGE_TEXT[kind]
        if kind in ("f32", "f64"):
            if isinstance(value, (int, float)) and not isinstance(value, complex):
                try:
                    float(value)
                    continue
                except OverflowError:
                    return OverflowError(f"{name}() argument {position} ({kind}) is too large for a float")
            return TypeError(f"{name}() argument {position} must be {kind} ({wanted}), not {type(value).__name__}")
        if not isinstance(value, int):
            return TypeError(f"{name}() argument {position} must be {kind} ({wanted}), not {type(value).__name__}")
        bits = 32 if kind in ("i32", "u32") else 64
        if not -(2 ** (bits - 1)) <= value < 2**bits:
            return OverflowError(f"{name}() argument {position} ({kind}) out of range: {value} is not {wanted}")
    return TypeError(f"{name}() got arguments that do not fit {signature}")


_export_factories: dict[tuple[Signature, bool], Callable[..., Callable[..., Any]]] = {}


def _export_source(signature: Signature, with_deadline: bool) -> str:
    # The whole call holds the instance's lock: the value buffer, the trap slot and the
    # store are shared by every thread using the instance. The lock is re-entrant, so an
    # import called from this wasm code may call exports of the same instance.
    params = [f"p{i}" for i in range(len(signature.params))]
    lines = [
        "def factory(call, cctx, cfunc, cbuf, nslots, ctrap, trap_slot, views, state, fail, bad_args,"
        " clock, seconds, acquire, release, guard):",
        "    i32 = views['i32']; u32 = views['u32']; i64 = views['i64']; u64 = views['u64']",
        "    f32 = views['f32']; f64 = views['f64']",
        f"    def export({', '.join(params)}):",
        "        acquire()",
        "        try:",
        "            if state.check:",
        "                guard()",
    ]
    if params:
        lines.append("            try:")
        for slot, (kind, param) in enumerate(zip(signature.params, params)):
            if kind in ("i32", "u32"):
                lines.append(f"                if not {_I32_RANGE.format(v=param)}: raise OverflowError")
                lines.append(f"                i64[{slot * 2}] = {param}")
            elif kind in ("i64", "u64"):
                lines.append(f"                if not {_I64_RANGE.format(v=param)}: raise OverflowError")
                lines.append(f"                i64[{slot * 2}] = {param}")
            else:
                view, per_slot = _VIEW[kind]
                lines.append(f"                {view}[{slot * per_slot}] = {param}")
        lines.append("            except (TypeError, OverflowError):")
        lines.append(f"                raise bad_args(({', '.join(params)},)) from None")
    if with_deadline:
        lines.append("            state.deadline_at = clock() + seconds")
    lines.append("            error = call(cctx, cfunc, cbuf, nslots, ctrap)")
    lines.append("            if error or trap_slot.value:")
    lines.append("                fail(error)")
    results = []
    for slot, kind in enumerate(signature.results):
        view, per_slot = _VIEW[kind]
        results.append(f"{view}[{slot * per_slot}]")
    if not results:
        lines.append("            return None")
    elif len(results) == 1:
        lines.append(f"            return {results[0]}")
    else:
        lines.append(f"            return ({', '.join(results)},)")
    lines.append("        finally:")
    lines.append("            release()")
    lines.append("    return export")
    return "\n".join(lines) + "\n"


def _compiled_factory(cache: dict[Any, Any], key: Any, source: Callable[[], str], label: str) -> Any:
    """The ``factory`` function of generated ``source``, compiled once per ``key``."""
    factory = cache.get(key)
    if factory is None:
        namespace: dict[str, Any] = {}
        exec(compile(source(), label, "exec"), namespace)
        factory = cache[key] = namespace["factory"]
    return factory


def export_factory(signature: Signature, with_deadline: bool) -> Callable[..., Callable[..., Any]]:
    """The cached factory of specialised callables for ``signature``."""
    return _compiled_factory(  # type: ignore[no-any-return]
        _export_factories, (signature, with_deadline),
        lambda: _export_source(signature, with_deadline), f"<wasm export {signature}>",
    )


# Host functions -------------------------------------------------------------------------------

#: the C type of an unchecked host callback, with the value array as a plain address.
HOST_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
#: the same, with the value array as 64-bit integers (signatures of integers only: the fast case).
HOST_CALLBACK_INT = ctypes.CFUNCTYPE(
    ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_size_t
)

_host_factories: dict[tuple[Signature, bool], Callable[..., Callable[..., int]]] = {}
_READ = {
    "i32": "i32[{i}]",
    "u32": "u32[{i}]",
    "i64": "i64[{i}]",
    "u64": "u64[{i}]",
    "f32": "f32[{i}]",
    "f64": "f64[{i}]",
}
# Reading a 64-bit slot as each integer type (the slot of an i32 holds it in its low half).
_READ_INT = {
    "i32": "((values[{i}] & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000",
    "u32": "values[{i}] & 0xFFFFFFFF",
    "i64": "values[{i}]",
    "u64": "values[{i}] & 0xFFFFFFFFFFFFFFFF",
}


def integers_only(signature: Signature) -> bool:
    """Whether every parameter and result is an integer type (the host fast path)."""
    return all(t in _READ_INT for t in signature.params + signature.results)


def _host_source(signature: Signature, with_instance: bool) -> str:
    # Nothing may raise outside the try: an exception escaping a ctypes callback is only
    # printed, and wasm would go on with a made-up result. So the except clause calls no
    # Python function (a call can raise RecursionError, or KeyboardInterrupt at its first
    # instruction): it hands back a trap made beforehand (state.spares, refilled by the
    # export that sees the trap). The export side makes sure this frame can be entered
    # (see Instance._guard); state.depth tells it that an import is running.
    ints = integers_only(signature)
    lines = [
        "def factory(fn, instance, state, new_trap, bad_result, array_types, interrupted):",
        "    I32, U32, I64, U64, F32, F64 = array_types",
        "    def host(env, caller, values, nvalues):",
        "        depth = state.depth",
        "        state.depth = depth + 1",
        "        state.check = True",
        "        try:",
        "            if interrupted[0]:",
        "                interrupted[0] = False",
        "                raise KeyboardInterrupt",
    ]
    if ints:
        args = [_READ_INT[kind].format(i=slot * 2) for slot, kind in enumerate(signature.params)]
        store = "values"
    else:
        used = {_VIEW[t][0] for t in signature.params}
        for kind in signature.results:
            used.add("i64" if kind in _READ_INT else _VIEW[kind][0])
        for view in sorted(used):
            lines.append(f"            {view} = {view.upper()}.from_address(values)")
        args = [_READ[kind].format(i=slot * _VIEW[kind][1]) for slot, kind in enumerate(signature.params)]
        store = "i64"
    if with_instance:
        args.insert(0, "instance")
    lines.append(f"            result = fn({', '.join(args)})")
    if len(signature.results) > 1:
        lines.append(f"            if type(result) is not tuple or len(result) != {len(signature.results)}:")
        lines.append("                bad_result(result)")
    if signature.results:
        lines.append("            try:")
        for slot, kind in enumerate(signature.results):
            value = "result" if len(signature.results) == 1 else f"result[{slot}]"
            if kind in ("i32", "u32"):
                lines.append(f"                if not {_I32_RANGE.format(v=value)}: raise OverflowError")
                lines.append(f"                {store}[{slot * 2}] = {value} & 0xFFFFFFFF")
            elif kind in ("i64", "u64"):
                lines.append(f"                if not {_I64_RANGE.format(v=value)}: raise OverflowError")
                lines.append(f"                {store}[{slot * 2}] = {value}")
            else:
                view, per_slot = _VIEW[kind]
                lines.append(f"                {view}[{slot * per_slot}] = {value}")
        lines.append("            except (TypeError, OverflowError):")
        lines.append("                bad_result(result)")
    lines.append("            return 0")
    lines.append("        except BaseException as exc:")
    lines.append("            state.pending = exc")
    lines.append("            spares = state.spares")
    lines.append("            if spares:")
    lines.append("                return spares.pop()")
    lines.append("            return new_trap()")
    lines.append("        finally:")
    lines.append("            state.depth = depth")
    lines.append("            if not depth:")
    lines.append("                state.check = state.poisoned")
    lines.append("    return host")
    return "\n".join(lines) + "\n"


def host_factory(signature: Signature, with_instance: bool) -> Callable[..., Callable[..., int]]:
    """The cached factory of host-callback bodies for ``signature``."""
    return _compiled_factory(  # type: ignore[no-any-return]
        _host_factories, (signature, with_instance),
        lambda: _host_source(signature, with_instance), f"<host function {signature}>",
    )


def host_array_types(signature: Signature) -> tuple[type, ...]:
    """ctypes array types covering the value array of a host call of ``signature``."""
    slots = max(len(signature.params), len(signature.results), 1)
    size = slots * _raw.SLOT_SIZE
    return tuple(
        _VIEW_TYPES[name] * (size // ctypes.sizeof(_VIEW_TYPES[name]))
        for name in ("i32", "u32", "i64", "u64", "f32", "f64")
    )
