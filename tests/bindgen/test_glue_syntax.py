"""The syntax a new user writes under the attribute macros (``crates/wf_syntax``): derives
before the attribute, hand-written trait impls, tuple structs, ``where``, ``#[cfg]``,
``pub(crate)``, borrowed results, ``Self`` types and doc comments."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.bindgen.conftest import CRATES


@pytest.fixture(scope="module")
def m(bind_crate: Any) -> ModuleType:
    return bind_crate("wf_syntax")  # type: ignore[no-any-return]


def test_derives_before_the_attribute_give_repr_eq_hash_copy(m: ModuleType) -> None:
    a, b = m.Cell(1, 2, "a"), m.Cell(1, 2, "a")
    assert repr(a) == 'Cell { row: 1, col: 2, name: "a" }'
    assert a == b and a != m.Cell(1, 3, "a")
    assert hash(a) == hash(b)
    c = copy.copy(a)
    assert c == a and c is not a


def test_hand_written_debug_and_partial_eq_are_used(m: ModuleType) -> None:
    t = m.Temperature(21.54)
    assert repr(t) == "21.5 °C"
    assert t == m.Temperature(21.56)
    with pytest.raises(TypeError):
        hash(t)  # no Hash: unhashable, as a Python class with __eq__ only
    with pytest.raises(TypeError):
        copy.copy(t)  # no Clone


def test_tuple_struct_field_is_property_0(m: ModuleType) -> None:
    d = m.Meters(2.5)
    assert d._0 == 2.5
    d._0 = 3.0
    assert d.plus(m.Meters(1.0))._0 == 4.0
    assert repr(d) == "Meters(3.0)"
    with pytest.raises(TypeError, match="must be float"):
        d._0 = "x"


def test_tuple_struct_named_readonly_field_and_private_field(m: ModuleType) -> None:
    p = m.Pair(4, "apples")
    assert (p._0, p.label) == (4, "apples")
    with pytest.raises(AttributeError):
        p.label = "pears"
    assert not hasattr(p, "_1") and not hasattr(p, "_2")
    assert p.hidden() == 7
    assert type(p).label.__doc__.startswith("What the number counts.")


def test_tuple_struct_of_option_made_by_a_function(m: ModuleType) -> None:
    f = m.flags(5)
    assert (f._0, f._1) == (True, 2)
    assert m.flags(0)._1 is None
    f._1 = None
    assert f._1 is None


def test_borrowed_str_result_is_copied_out(m: ModuleType) -> None:
    c = m.Cell(0, 0, "origin")
    name = c.name()
    c.close()
    assert name == "origin"


def test_option_self_and_ref_self(m: ModuleType) -> None:
    c = m.Cell(1, 1, "c")
    below = c.below(2, 5)
    assert below is not None and (below.row, below.name()) == (3, "c")
    assert c.below(9, 5) is None
    assert c.same_row(m.Cell(1, 7, "d")) and not c.same_row(below)


def test_second_impl_block_with_where_and_mut_self(m: ModuleType) -> None:
    c = m.Cell(1, 1, "c")
    moved = c.moved(4)
    assert moved.row == 5 and c.closed  # `mut self` consumes the object


def test_pub_crate_is_visible_private_is_not(m: ModuleType) -> None:
    c = m.Cell(1, 1, "c")
    assert c.distance(m.Cell(3, 4, "d")) == 5
    assert c.col == 1  # a `pub(crate)` field is a property too
    assert not hasattr(c, "secret") and not hasattr(c, "name_")
    assert m.crate_visible(1) == 2


def test_cfg_removes_the_item_and_its_binding(m: ModuleType) -> None:
    assert m.always() == 7 and m.Cell(1, 2, "x").code() == 1002
    for gone in ("never_after", "never_before"):
        assert not hasattr(m, gone)
    assert not hasattr(m.Cell, "gone") and not hasattr(m.Cell, "never")


def test_where_on_lifetimes_and_mut_parameter(m: ModuleType) -> None:
    assert m.longest("ab", "abc") == "abc"
    assert m.shout("hi", 2) == "HIHI"


def test_generic_type_through_a_concrete_newtype(m: ModuleType) -> None:
    assert m.FloatSpan(1.0, 3.5).width() == 2.5


def test_unit_struct_const_fn_attributes_and_modules(m: ModuleType) -> None:
    mk = m.Marker()
    assert repr(mk) == "Marker"
    assert mk.limit(extra_long_parameter_name_one=1, extra_long_parameter_name_two=2) == 6
    assert not hasattr(mk, "LIMIT")
    assert m.nested(b"ab") == b"ab"


def test_doc_comments_become_docstrings(m: ModuleType) -> None:
    import inspect

    assert inspect.getdoc(m.shout).startswith("Shouts `text`, `times` times.\n\nA second paragraph.")
    assert m.Cell.__doc__.startswith("A cell of a grid.")
    assert m.Cell.name.__doc__.startswith("The name, borrowed from the cell")
    assert m.Meters.__doc__.startswith("A length")
    assert m.Cell.row.__doc__.startswith("The row, from 0.")


def test_stub_types_of_tuple_struct_fields(build_crate: Any) -> None:
    from wasmforge.bindgen import descriptors, python

    stub = python.render(descriptors.read(build_crate("wf_syntax")), "wf_syntax", crate="wf_syntax")["__init__.pyi"]
    assert "def _0(self) -> float: ..." in stub
    assert "def label(self) -> str: ..." in stub and "@label.setter" not in stub
    assert "def _1(self) -> int | None: ..." in stub


RUSTFMT = shutil.which("rustfmt") or str(Path.home() / ".cargo" / "bin" / "rustfmt")


@pytest.mark.parametrize("crate", ["wf_syntax", "wf_attrs", "wf_bad_type", "wf_macro_errors"])
def test_crates_using_the_attributes_are_rustfmt_clean(crate: str) -> None:
    if not Path(RUSTFMT).exists():
        pytest.skip("rustfmt is not installed")
    proc = subprocess.run(
        [RUSTFMT, "--check", "--edition", "2021", str(CRATES / crate / "src" / "lib.rs")],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
