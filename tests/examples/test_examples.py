"""The example crates, compiled for real and run on wasmtime."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

wasmtime = pytest.importorskip("wasmtime")


def primes(count: int) -> list[int]:
    """The first ``count`` primes, by trial division."""
    found: list[int] = []
    n = 2
    while len(found) < count:
        if all(n % p for p in found if p * p <= n):
            found.append(n)
        n += 1
    return found


def instantiate(path: Path, imports: list[object] | None = None) -> tuple[object, dict[str, object]]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, str(path))
    make = [item(store) if callable(item) else item for item in (imports or [])]
    instance = wasmtime.Instance(store, module, make)
    return store, instance.exports(store)


def math_random(returned: list[float]) -> Callable[[object], object]:
    """An import factory for ``Math.random`` that records what it returned."""

    def make(store: object) -> object:
        def call() -> float:
            value = random.random()
            returned.append(value)
            return value

        return wasmtime.Func(store, wasmtime.FuncType([], [wasmtime.ValType.f64()]), call)

    return make


def test_add_imports_math_random(build_example) -> None:
    module = wasmtime.Module.from_file(wasmtime.Engine(), str(build_example("add")))
    imports = [(i.module, i.name) for i in module.imports]
    assert imports == [("Math", "random")]
    functype = module.imports[0].type
    assert list(functype.params) == [] and [str(r) for r in functype.results] == ["f64"]


def test_add_returns_the_sum(build_example) -> None:
    store, exports = instantiate(build_example("add"), [math_random([])])
    assert exports["add"](store, 40.0, 2.0) == 42.0
    assert exports["add"](store, 1.5, 2.25) == 1.5 + 2.25


def test_add_random_adds_what_the_import_returns(build_example) -> None:
    returned: list[float] = []
    store, exports = instantiate(build_example("add"), [math_random(returned)])
    result = exports["add_random"](store, 1.0)
    assert len(returned) == 1
    assert result == 1.0 + returned[0]
    assert 1.0 <= result < 2.0


@pytest.mark.parametrize("crate", ["nth_prime", "nth_prime_nostd"])
def test_nth_prime_indexes_the_table(build_example, crate: str) -> None:
    store, exports = instantiate(build_example(crate))
    nth = exports["nth_prime"]
    assert [nth(store, n) for n in range(9)] == primes(9)
    assert nth(store, 3) == 7


@pytest.mark.parametrize("crate", ["nth_prime", "nth_prime_nostd"])
def test_nth_prime_out_of_bounds_traps(build_example, crate: str) -> None:
    store, exports = instantiate(build_example(crate))
    with pytest.raises(wasmtime.Trap) as info:
        exports["nth_prime"](store, 9)
    assert info.value.trap_code == wasmtime.TrapCode.UNREACHABLE


def test_nostd_module_is_smaller_than_std(build_example) -> None:
    # Without std there is no panic formatting machinery to carry.
    assert build_example("nth_prime_nostd").stat().st_size < build_example("nth_prime").stat().st_size
