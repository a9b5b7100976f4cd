"""Running a wasm-bindgen module's ``__wbindgen_describe_*`` exports to read their type streams.

Each describe export calls the import ``__wbindgen_placeholder__.__wbindgen_describe(u32)``
once per word of its item's type descriptor. The module is untrusted: it runs under
wasmtime with fuel, an epoch deadline and a cap on the words recorded, with every other
import a stub that stops the run, so a describe function that loops, floods the stream or
calls out is refused with one line naming it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from wasmforge.errors import WasmforgeError

__all__ = [
    "DESCRIBE_PREFIX",
    "DescribeError",
    "DescribeLimits",
    "describe_exports",
    "is_wasm_bindgen",
    "run_describes",
]

#: the prefix of the exports that describe one item each.
DESCRIBE_PREFIX = "__wbindgen_describe_"
PLACEHOLDER_MODULE = "__wbindgen_placeholder__"
#: the custom section wasm-bindgen's macros write.
SECTION_NAME = "__wasm_bindgen_unstable"


class DescribeError(WasmforgeError):
    """A describe function could not be run to its end within the limits."""


@dataclass(frozen=True, slots=True)
class DescribeLimits:
    """How much a module's describe functions may do, in total and per function."""

    #: wasm fuel for instantiation plus all describe calls.
    fuel: int = 50_000_000
    #: wall-clock seconds for the whole run.
    seconds: float = 10.0
    #: words one describe function may emit.
    words: int = 65_536


def describe_exports(export_names: list[str] | tuple[str, ...]) -> list[str]:
    """The describe exports among ``export_names`` (the generic-import marker is an import, not one)."""
    return [n for n in export_names if n.startswith(DESCRIBE_PREFIX)]


def is_wasm_bindgen(custom_sections: list[str] | tuple[str, ...], imports: list[tuple[str, str]]) -> bool:
    """Whether a module is the raw output of a ``#[wasm_bindgen]`` crate."""
    return SECTION_NAME in custom_sections or any(
        m == PLACEHOLDER_MODULE and n == "__wbindgen_describe" for m, n in imports
    )


class _Stop(Exception):
    """Raised from a stub to end the current describe call."""


def run_describes(
    wasm: bytes, names: list[str] | None = None, *, limits: DescribeLimits | None = None, what: str = "the module"
) -> dict[str, tuple[int, ...]]:
    """The type stream of each describe export (key: the item's export name, prefix removed).

    ``names`` restricts the run to those describe exports. Raises :class:`DescribeError`
    naming the describe function that looped, ran out of fuel, emitted too many words,
    trapped or called another import.
    """
    import wasmtime

    limits = limits or DescribeLimits()
    config = wasmtime.Config()
    config.consume_fuel = True
    config.epoch_interruption = True
    engine = wasmtime.Engine(config)
    try:
        module = wasmtime.Module(engine, wasm)
    except wasmtime.WasmtimeError as err:
        raise DescribeError(f"{what}: wasmtime cannot compile it: {str(err).splitlines()[0]}") from None
    store = wasmtime.Store(engine)
    store.set_fuel(limits.fuel)
    store.set_epoch_deadline(1)
    stream: list[int] = []
    state: dict[str, Any] = {"current": "instantiation", "stop": None}

    def record(word: int) -> None:
        if len(stream) >= limits.words:
            state["stop"] = f"emitted more than {limits.words:,} descriptor words"
            raise _Stop
        stream.append(word & 0xFFFFFFFF)

    def stub(module_name: str, name: str) -> Any:
        def called(*_args: Any) -> Any:
            state["stop"] = f"called the import {module_name}.{name}, which a describe function may not use"
            raise _Stop

        return called

    imports: list[Any] = []
    for imp in module.imports:
        ty = imp.type
        if not isinstance(ty, wasmtime.FuncType):
            raise DescribeError(f"{what}: imports {imp.module}.{imp.name}, which is not a function; wasm-bindgen modules import functions only")
        if imp.module == PLACEHOLDER_MODULE and imp.name == "__wbindgen_describe":
            if [str(p) for p in ty.params] != ["i32"] or list(ty.results):
                raise DescribeError(f"{what}: {imp.module}.{imp.name} has type {ty.params} -> {ty.results}, not (i32) -> ()")
            imports.append(wasmtime.Func(store, ty, record))
        else:
            imports.append(wasmtime.Func(store, ty, stub(imp.module, imp.name or "")))
    timer = threading.Timer(limits.seconds, engine.increment_epoch)
    timer.daemon = True
    timer.start()
    try:
        instance = _call(lambda: wasmtime.Instance(store, module, imports), store, state, limits, what)
        exports = instance.exports(store)
        wanted = names if names is not None else describe_exports([e.name for e in module.exports])
        found: dict[str, tuple[int, ...]] = {}
        for name in wanted:
            func = exports.get(name) if name in {e.name for e in module.exports} else None
            if not isinstance(func, wasmtime.Func):
                raise DescribeError(f"{what}: {name} is not an exported function")
            if list(func.type(store).params) or list(func.type(store).results):
                raise DescribeError(f"{what}: describe function {name} takes or returns values; it must be () -> ()")
            state["current"] = name
            stream.clear()
            _call(lambda f=func: f(store), store, state, limits, what)
            found[name[len(DESCRIBE_PREFIX) :]] = tuple(stream)
        return found
    finally:
        timer.cancel()


def _call(run: Any, store: Any, state: dict[str, Any], limits: DescribeLimits, what: str) -> Any:
    import wasmtime

    try:
        return run()
    except (_Stop, wasmtime.Trap, wasmtime.WasmtimeError) as err:
        current = state["current"]
        if state["stop"] is not None:
            reason = state["stop"]
        else:
            text = str(err)
            if "fuel" in text:
                reason = f"ran out of fuel ({limits.fuel:,} units for all describe functions)"
            elif "interrupt" in text or "epoch" in text:
                reason = f"did not finish within {limits.seconds:g} s"
            else:
                reason = f"trapped: {text.splitlines()[0] if text else 'unknown trap'}"
        raise DescribeError(
            f"{what}: describe function {current} {reason}; refusing the module",
        ) from None
