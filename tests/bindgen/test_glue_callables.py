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


def test_borrowed_arguments_str_and_bytes(m: ModuleType) -> None:
    assert list(m.lengths(["a", "héllo", ""], len)) == [1, 5, 0]
    seen: list[tuple[bytes, str]] = []

    def record(data: bytes, label: str) -> int:
        seen.append((data, label))
        return sum(data)

    assert m.digest(b"\x01\x02\x03\x04", record) == 10
    assert seen == [(b"\x01\x02", "first half"), (b"\x03\x04", "second half")]
    assert all(type(d) is bytes for d, _ in seen)  # a copy: valid after the callback returns
    visited: list[tuple[str, int]] = []
    m.visit(["x", "y"], lambda w, i: visited.append((w, i)))
    assert visited == [("x", 0), ("y", 1)]
    assert m.borrowed_lists(lambda names, pairs: [*names, *(s for _, s in pairs)]) == ["a", "b", "x"]
    assert m.borrowed_lists(lambda names, pairs: None) == []


def test_six_and_more_arguments(m: ModuleType) -> None:
    assert m.six(lambda *a: repr(a)) == repr((1, "two", -3, [4, 4], True, "six"))
    assert m.seven(lambda a, b, c, d, e, f, g: a + b + c + d + e + f + len(g)) == 4
    assert m.score(lambda *xs: sum(x * x for x in xs)) == 91  # a type alias: the trait impls
    assert m.via_macro(lambda w, n: len(w) * 10 + n, "abc") == 33  # spelled inside macro_rules!


def test_classes_enums_and_maps_through_a_callable(m: ModuleType) -> None:
    got: list[Any] = []

    def judge(token: Any, mood: Any, extra: dict[str, int]) -> tuple[Any, Any]:
        got.append((token.text, mood, extra))
        return m.Mood.Loud, token  # the token moves back to Rust

    assert m.rate(judge) == "2:tok"
    assert got == [("tok", m.Mood.Calm, {"k": 9})]


def test_errors(m: ModuleType) -> None:
    with pytest.raises(TypeError, match="argument 'f' must be callable, not int"):
        m.apply(3, 1)
    with pytest.raises(TypeError, match=r"result of test_errors.<locals>.<lambda>\(\) given as apply\(\) argument 'f' must be int"):
        m.apply(lambda x: "no", 1)
    m.reset()

    def shout(word: str) -> int:
        return word.upper()  # type: ignore[return-value]

    with pytest.raises(TypeError, match=r"result of test_errors.<locals>.shout\(\) given as lengths\(\) argument 'f' must be int"):
        m.lengths(["a"], shout)
    m.reset()
    with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
        m.digest(b"ab", lambda data: 0)
    m.reset()

    def boom(x: int) -> int:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        m.apply(boom, 1)
