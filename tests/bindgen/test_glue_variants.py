"""Enums with data: one frozen class per variant, with ``__match_args__``, by value both
ways, nested and inside vectors and options (``crates/wf_variants``)."""

from __future__ import annotations

import dataclasses
import pickle
from types import ModuleType
from typing import Any

import pytest


@pytest.fixture(scope="module")
def m(bind_crate: Any) -> ModuleType:
    return bind_crate("wf_variants")  # type: ignore[no-any-return]


def test_variants_are_frozen_classes_of_the_enum(m: ModuleType) -> None:
    c = m.Shape.Circle(2.0)
    assert isinstance(c, m.Shape) and repr(c) == "Shape.Circle(r=2.0)"
    assert m.Shape.Circle.__match_args__ == ("r",) and m.Shape.Labelled.__match_args__ == ("_0", "_1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.r = 1.0  # type: ignore[misc]
    assert m.Shape.Circle.__doc__ == "A circle of radius `r`."
    assert pickle.loads(pickle.dumps(c)) == c and hash(c) == hash(m.Shape.Circle(2.0))


def test_by_value_both_ways(m: ModuleType) -> None:
    assert m.area(m.Shape.Rect(2.0, 3.0)) == 6.0
    assert m.grow(m.Shape.Rect(1.0, 2.0), 2.0) == m.Shape.Rect(2.0, 4.0)
    assert m.grow(m.Shape.Labelled("x", b"ab"), 2.0) == m.Shape.Labelled("x", b"ab")
    assert m.grow(m.Shape.Empty(), 1.0) == m.Shape.Empty()


def test_nested_and_in_vectors_and_options(m: ModuleType) -> None:
    assert m.area(m.Shape.Many([m.Shape.Circle(1.0), m.Shape.Empty()])) == 3.0
    assert m.grow(m.Shape.Many([m.Shape.Circle(1.0)]), 3.0) == m.Shape.Many([m.Shape.Circle(3.0)])
    shapes = m.shapes()
    assert shapes == [m.Shape.Circle(1.0), m.Shape.Rect(2.0, 3.0), m.Shape.Labelled("x", b"\x01\x02"), m.Shape.Empty()]
    assert m.biggest(shapes) == m.Shape.Rect(2.0, 3.0) and m.biggest([]) is None


def test_match_statement(m: ModuleType) -> None:
    seen = []
    for s in m.shapes():
        match s:
            case m.Shape.Circle(r):
                seen.append(("circle", r))
            case m.Shape.Rect(w, h):
                seen.append(("rect", w * h))
            case m.Shape.Labelled(name, _):
                seen.append(("label", name))
            case m.Shape.Empty():
                seen.append(("empty", None))
    assert seen == [("circle", 1.0), ("rect", 6.0), ("label", "x"), ("empty", None)]


def test_wrong_values_are_refused(m: ModuleType) -> None:
    with pytest.raises(TypeError, match="must be a Shape variant, not int"):
        m.area(3)
    with pytest.raises(TypeError, match="must be float"):
        m.area(m.Shape.Circle("x"))


def test_enum_errors_raise_one_exception_class_per_variant(m: ModuleType) -> None:
    assert m.parse_digits("123") == 123
    with pytest.raises(m.ParseError.Error.BadDigit) as info:
        m.parse_digits("12x")
    err = info.value
    assert isinstance(err, m.ParseError.Error) and isinstance(err, m.RustError)
    assert (err.at, err.found) == (2, "x") and err.value == m.ParseError.BadDigit(2, "x")
    assert type(err).__qualname__ == "ParseError.Error.BadDigit"
    with pytest.raises(m.ParseError.Error.Empty):
        m.parse_digits("")
    with pytest.raises(m.ParseError.Error.TooLong) as long:
        m.parse_digits("1" * 20)
    assert long.value._0 == 20


def test_c_like_enum_errors_and_display_errors(m: ModuleType) -> None:
    assert m.open(0) == "open"
    with pytest.raises(m.Denied.Error.NoAccess) as info:
        m.open(1)
    assert info.value.value is m.Denied.NoAccess
    with pytest.raises(m.Denied.Error.Expired):
        m.open(2)
    with pytest.raises(m.RustError, match="plain") as plain:
        m.plain_error(True)
    assert type(plain.value) is m.RustError
