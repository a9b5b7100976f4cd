"""Python callables as arguments: ``&dyn Fn`` and ``&mut dyn FnMut`` of supported types,
lent for the call, re-entrant, with Python exceptions propagating (``crates/wf_callbacks``)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest


@pytest.fixture()
def m(bind_crate: Any) -> ModuleType:
    module: ModuleType = bind_crate("wf_callbacks")
    module.reset()  # a test may poison the shared instance on purpose
    return module


def test_callables_of_every_arity(m: ModuleType) -> None:
    assert m.apply(lambda x: x * 3, 5) == 15
    assert m.map_strs(["a", "b"], str.upper) == ["A", "B"]
    assert m.fold([1.0, 2.0, 3.0], 0.5, lambda acc, x: acc + x) == 6.5
    assert m.ask(lambda: None) == "nothing" and m.ask(lambda: "yes") == "yes"
    assert m.pairs(lambda n, s: (n + 1, s * 2)) == (8, "sevenseven")


def test_fn_mut_and_nested_calls(m: ModuleType) -> None:
    seen: list[int] = []
    m.each(3, seen.append)
    assert seen == [0, 1, 2]
    assert m.apply(lambda x: m.apply(lambda y: y + 1, x), 1) == 2  # the callable calls back in


def test_callables_are_released_after_the_call(m: ModuleType) -> None:
    inst = m.load()
    assert inst.apply(abs, -4) == 4
    assert not inst._wf_rt.objects


def test_errors(m: ModuleType) -> None:
    with pytest.raises(TypeError, match="argument 'f' must be callable, not int"):
        m.apply(3, 1)
    with pytest.raises(TypeError, match="result of the Python callable must be int"):
        m.apply(lambda x: "no", 1)
    m.reset()

    def boom(x: int) -> int:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        m.apply(boom, 1)
