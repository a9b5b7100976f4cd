"""Encoded values: 128-bit integers, tuples, vectors of non-numbers (strings, bytes,
bools, chars, options, classes), boxed slices and maps, both ways and through imports
and Python objects held by Rust (``crates/wf_compound``)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest


@pytest.fixture(scope="module")
def inst(bind_crate: Any) -> Any:
    m: ModuleType = bind_crate("wf_compound")
    return m.load(
        py_split=lambda s: s.split(","),
        py_sum=lambda pairs: sum(v for _, v in pairs),
        py_big=lambda x: x + 1,
        py_roundtrip=lambda obj: obj,
    )


def test_128_bit_integers_round_trip_and_are_range_checked(inst: Any) -> None:
    assert inst.echo_u128(2**128 - 1) == 2**128 - 1
    assert inst.neg_i128(-(2**127) + 1) == 2**127 - 1
    with pytest.raises(OverflowError, match="out of range for u128"):
        inst.echo_u128(-1)
    with pytest.raises(OverflowError):
        inst.echo_u128(2**128)


def test_tuples(inst: Any) -> None:
    assert inst.swap((3, "a")) == ("a", 3)
    assert inst.nested((1, (True, "x"), None)) == ((1, True), ("x", None))
    assert inst.nested((1, (False, "é"), 2.5)) == ((1, False), ("é", 2.5))
    with pytest.raises(TypeError, match="tuple of 2"):
        inst.swap((1,))


def test_vectors_of_strings(inst: Any) -> None:
    assert inst.words("a bb  ccc") == ["a", "bb", "ccc"]
    assert inst.join(["a", "ü"], "-") == "a-ü"
    assert inst.total_len(["ab", "c"]) == 3
    assert inst.upper_all(("x", "y")) == ["X", "Y"]
    big = ["x" * 100] * 100  # past the 1 KiB return buffer: freed by the host
    assert inst.upper_all(big) == ["X" * 100] * 100
    huge = ["é" * 1000] * 100  # past the 64 KiB scratch space: lent from an allocation
    assert inst.total_len(huge) == 200_000 and inst.join(huge[:3], "") == "é" * 3000
    with pytest.raises(TypeError, match="must be a list"):
        inst.join("ab", "-")
    with pytest.raises(TypeError, match="must be str"):
        inst.join(["a", 1], "-")


def test_vectors_of_bytes_bools_chars(inst: Any) -> None:
    assert inst.chunks(b"abcdefg", 3) == [b"abc", b"def", b"g"]
    assert inst.concat([b"ab", bytearray(b"cd"), [101]]) == b"abcde"
    assert inst.negate([True, False]) == [False, True]
    assert inst.chars("hé") == ["h", "é"]
    assert inst.from_chars(["a", "b"]) == "ab"
    with pytest.raises(TypeError, match="must be bool"):
        inst.negate([1])


def test_boxed_slices_and_options_inside(inst: Any) -> None:
    assert list(inst.boxed([1, 2, 3])) == [2, 4, 6]
    assert inst.boxed_strs(["a", "b"]) == 2
    assert inst.maybe_words("a b") == ["a", "b"] and inst.maybe_words(None) is None
    assert inst.opt_items([1, None, 3]) == [10, None, 30]


def test_maps(inst: Any) -> None:
    assert inst.counts(["a", "b", "a"]) == {"a": 2, "b": 1}
    assert inst.sorted_keys({"b": 1, "a": 2}) == ["a", "b"]
    assert inst.invert({1: "x", 2: "y"}) == {"x": 1, "y": 2}
    assert inst.pairs(3) == [(0, "0"), (1, "1"), (2, "2")]
    with pytest.raises(TypeError, match="must be a mapping"):
        inst.sorted_keys([("a", 1)])


def test_vectors_and_options_of_classes(inst: Any) -> None:
    items = inst.make_items(3)
    assert [(i.name, i.value) for i in items] == [("item0", 0), ("item1", 1), ("item2", 2)]
    assert inst.sum_items(items) == 3
    assert all(i.closed for i in items)  # moved into Rust
    a, b = inst.Item("a", 1), inst.Item("b", 2)
    found = inst.find_item([a, b], "b")
    assert (found.name, found.value) == ("b", 2)
    assert inst.find_item([inst.Item("c", 0)], "x") is None
    assert {k: v.value for k, v in inst.item_map([inst.Item("k", 5)]).items()} == {"k": 5}
    c = inst.Item("c", 1)
    with pytest.raises(ValueError, match="given twice"):
        inst.sum_items([c, c])
    assert not c.closed  # nothing moved: the call never started
    c.close()
    with pytest.raises(Exception, match="Item object is closed"):
        inst.sum_items([c])


def test_encoded_properties(inst: Any) -> None:
    sp = inst.Span(1, 5)
    assert (sp.range, sp.tags) == ((1, 5), [])
    sp.range, sp.tags = (2, 3), ["t"]
    assert (sp.range, sp.tags) == ((2, 3), ["t"])


def test_encoded_values_through_imports(inst: Any) -> None:
    assert inst.via_split("a,b,c") == ["a", "b", "c"]
    assert inst.via_sum(4) == 6
    assert inst.via_big(2**100) == 2**100 + 1


def test_rust_holds_python_objects_and_hands_them_back(inst: Any) -> None:
    import gc
    import weakref

    class Thing:
        pass

    thing = Thing()
    alive = weakref.ref(thing)
    keeper = inst.Keeper()
    assert keeper.keep(thing) == 1 and keeper.keep([1, 2]) == 2
    assert keeper.get(0) is thing and keeper.get(1) == [1, 2] and keeper.get(9) is None
    assert keeper.all()[0] is thing
    del thing
    gc.collect()
    assert alive() is not None  # Rust's reference keeps it
    keeper.forget()  # Rust drops its PyObjects
    gc.collect()
    assert alive() is None
    assert not inst._wf_rt.objects


def test_python_objects_compare_by_identity_and_cross_imports(inst: Any) -> None:
    obj = object()
    assert inst.same(obj, obj) and not inst.same(obj, object())
    assert inst.through_python(obj) is obj
    keeper = inst.Keeper()
    keeper.keep("x")
    keeper.close()  # dropping the Rust value releases what it held
    assert not inst._wf_rt.objects
