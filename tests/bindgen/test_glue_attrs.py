"""The attribute macros: options, fields as properties, impl blocks, constructors, C-like
enums, derives and classes by value, through a real crate (``crates/wf_attrs``)."""

from __future__ import annotations

import copy
import pickle
from types import ModuleType
from typing import Any

import pytest


@pytest.fixture(scope="module")
def m(bind_crate: Any) -> ModuleType:
    return bind_crate("wf_attrs")  # type: ignore[no-any-return]


def test_mut_parameter_and_default(m: ModuleType) -> None:
    assert m.greet("Bob") == "Hello, Bob!"
    assert m.greet("Al", times=2) == "Hello, Al!Hello, Al!"


def test_renamed_function_with_float_default(m: ModuleType) -> None:
    assert m.add_floats(1.0) == 1.5
    assert not hasattr(m.Instance(), "add")


def test_literal_defaults_of_every_kind(m: ModuleType) -> None:
    assert m.defaults() == "x-3trueNone"
    assert m.defaults("y", 5, False, 3) == "y5falseSome(3)"


def test_pub_fields_are_properties(m: ModuleType) -> None:
    p = m.Point(1.0, 2.0)
    assert (p.x, p.y, p.label) == (1.0, 2.0, "p")
    p.x = 3.0
    assert p.norm() == pytest.approx(13**0.5)
    with pytest.raises(AttributeError):
        p.label = "z"  # readonly
    assert not hasattr(p, "secret") or callable(p.secret)  # skipped field; the method stays
    assert p.secret() == 7
    assert not hasattr(p, "hidden")
    with pytest.raises(TypeError, match="must be float"):
        p.y = "no"


def test_constructor_returning_result_raises_rust_error(m: ModuleType) -> None:
    with pytest.raises(m.RustError, match="empty label"):
        m.Point(1.0, 2.0, "")


def test_renamed_and_skipped_methods(m: ModuleType) -> None:
    p = m.Point(1.0, 1.0, "a")
    assert p.moved_by(1.0, 2.0).y == 3.0
    assert not hasattr(p, "translate") and not hasattr(p, "internal")


def test_second_impl_block_with_self_types(m: ModuleType) -> None:
    p = m.Point(0.0, 0.0, "o")
    near = p.nearer(m.Point(3.0, 0.0, "a"), m.Point(1.0, 0.0, "b"))
    assert near.label == "b"
    p.scale(2.0)


def test_class_by_value_is_consumed(m: ModuleType) -> None:
    a, b = m.Point(1.0, 1.0, "a"), m.Point(2.0, 2.0, "b")
    c = a.plus(b)
    assert (c.x, c.label) == (3.0, "a+b")
    assert b.closed and not a.closed
    with pytest.raises(m.ClosedError):
        a.plus(b)
    q = m.Point(1.0, 1.0, "lab")
    assert m.into_label(q) == "lab" and q.closed


def test_derived_debug_eq_and_clone(m: ModuleType) -> None:
    p = m.Point(1.0, 2.0, "p")
    assert repr(p) == 'Point { x: 1.0, y: 2.0, label: "p", secret: 7, hidden: 0 }'
    q = copy.copy(p)
    assert q == p and q is not p
    q.x = 10.0
    assert p.x == 1.0 and q != p  # an independent clone
    assert copy.deepcopy(p) == p
    with pytest.raises(TypeError):
        hash(p)  # PartialEq without Hash + Eq
    p.close()
    assert repr(p) == "<Point (closed)>"


def test_derived_hash(m: ModuleType) -> None:
    assert hash(m.Tag("a")) == hash(m.Tag("a"))
    assert len({m.Tag("a"), m.Tag("a"), m.Tag("b")}) == 2


def test_no_clone_means_no_copy_or_pickle(m: ModuleType) -> None:
    plain = m.Plain(3)
    for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="cannot be"):
            attempt(plain)
    assert plain == plain and plain != m.Plain(3)  # identity equality without PartialEq
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(m.Tag("x"))


def test_c_like_enums_are_int_enums(m: ModuleType) -> None:
    import enum

    assert issubclass(m.Color, enum.IntEnum)
    assert [(c.name, c.value) for c in m.Color] == [("Red", 1), ("Green", 2), ("Blue", 4)]
    assert [c.value for c in m.Level] == [0, 1, 10, 11]
    assert m.next_color(m.Color.Blue) is m.Color.Red
    assert m.next_color(2) is m.Color.Blue
    assert m.color_name(m.Color.Green) == "Green" and m.color_name(None) == ""
    assert m.level_value(m.Level.Top) == 11
    assert m.Color.__doc__ == "Colours, as an IntEnum."


def test_enum_values_are_checked(m: ModuleType) -> None:
    with pytest.raises(ValueError, match="3 is not a Color"):
        m.next_color(3)
    with pytest.raises(TypeError, match="must be a Color"):
        m.next_color("Red")
    with pytest.raises(TypeError):
        m.next_color(True)


def test_lifetime_generic_function(m: ModuleType) -> None:
    assert m.first("a", "b") == "a"
