"""Containers of every kind of element, both ways (``crates/wf_containers``): a table of Rust
types, each sent through an identity function with property-generated values; boxed slices;
``Vec<&str>`` and ``&[String]``; classes by value (consumed), ``&`` and ``&mut``."""

from __future__ import annotations

import array
import math
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
CHAR = st.characters(blacklist_categories=("Cs",))


def ints(bits: int, signed: bool) -> st.SearchStrategy[int]:
    return st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else st.integers(0, 2**bits - 1)


F32 = st.floats(width=32, allow_nan=False)
F64 = st.floats(allow_nan=False)


def shapes(m: ModuleType) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(m.Shape.Circle, F64), st.builds(m.Shape.Label, TEXT), st.just(m.Shape.Empty())
    )


def levels(m: ModuleType) -> st.SearchStrategy[Any]:
    return st.sampled_from(list(m.Level))


#: Rust type -> (function, strategy of Python values, the stub's result annotation).
def table(m: ModuleType) -> dict[str, tuple[str, st.SearchStrategy[Any], str]]:
    small = st.lists
    return {
        "Vec<bool>": ("id_vec_bool", small(st.booleans()), "list[bool]"),
        "Vec<char>": ("id_vec_char", small(CHAR), "list[str]"),
        "Vec<String>": ("id_vec_string", small(TEXT), "list[str]"),
        "Vec<Vec<u8>>": ("id_vec_bytes", small(st.binary(max_size=50)), "list[bytes]"),
        "Vec<u128>": ("id_vec_u128", small(ints(128, False)), "list[int]"),
        "Vec<i8>": ("id_vec_i8", small(ints(8, True)), "array.array[int]"),
        "Vec<f32>": ("id_vec_f32", small(F32), "array.array[float]"),
        "Vec<usize>": ("id_vec_usize", small(ints(32, False)), "list[int]"),
        "Vec<(u8, String, bool)>": ("id_vec_tuple", small(st.tuples(ints(8, False), TEXT, st.booleans())), "list[tuple[int, str, bool]]"),
        "Vec<Level>": ("id_vec_level", small(levels(m)), "list[Level]"),
        "Vec<Shape>": ("id_vec_shape", small(shapes(m)), "list[Shape]"),
        "Vec<HashMap<String, i32>>": ("id_vec_map", small(st.dictionaries(TEXT, ints(32, True), max_size=4)), "list[dict[str, int]]"),
        "Vec<Option<String>>": ("id_vec_opt_string", small(st.none() | TEXT), "list[str | None]"),
        "Vec<Vec<u16>>": ("id_vec_vec_u16", small(small(ints(16, False))), "list[list[int]]"),
        "Option<String>": ("id_opt_string", st.none() | TEXT, "str | None"),
        "Option<Vec<u8>>": ("id_opt_bytes", st.none() | st.binary(max_size=50), "bytes | None"),
        "Option<Vec<u32>>": ("id_opt_vec_u32", st.none() | small(ints(32, False)), "array.array[int] | None"),
        "Option<(i64, String)>": ("id_opt_tuple", st.none() | st.tuples(ints(64, True), TEXT), "tuple[int, str] | None"),
        "Option<Level>": ("id_opt_level", st.none() | levels(m), "Level | None"),
        "Option<Shape>": ("id_opt_shape", st.none() | shapes(m), "Shape | None"),
        "Option<BTreeMap<u32, String>>": ("id_opt_map", st.none() | st.dictionaries(ints(32, False), TEXT, max_size=4), "dict[int, str] | None"),
        "Option<u128>": ("id_opt_u128", st.none() | ints(128, False), "int | None"),
        "Option<char>": ("id_opt_char", st.none() | CHAR, "str | None"),
        "Option<Option<u8>>": ("id_opt_opt_u8", st.none() | ints(8, False), "int | None"),
        "Option<Vec<(String, u32)>>": ("id_opt_vec_tuple", st.none() | small(st.tuples(TEXT, ints(32, False))), "list[tuple[str, int]] | None"),
        "Box<[u32]>": ("id_box_u32", small(ints(32, False)), "array.array[int]"),
        "Box<[f64]>": ("id_box_f64", small(F64), "array.array[float]"),
        "Box<[u8]>": ("id_box_bytes", st.binary(max_size=100), "bytes"),
        "Box<[String]>": ("id_box_strings", small(TEXT), "list[str]"),
        "Box<[Vec<u8>]>": ("id_box_byte_strings", small(st.binary(max_size=20)), "list[bytes]"),
        "BTreeMap<String, Vec<Option<i16>>>": ("id_btree", st.dictionaries(TEXT, small(st.none() | ints(16, True)), max_size=4), "dict[str, list[int | None]]"),
        "HashMap<u64, (bool, char)>": ("id_hash", st.dictionaries(ints(64, False), st.tuples(st.booleans(), CHAR), max_size=4), "dict[int, tuple[bool, str]]"),
        "HashMap<String, BTreeMap<i8, String>>": ("id_map_of_maps", st.dictionaries(TEXT, st.dictionaries(ints(8, True), TEXT, max_size=3), max_size=3), "dict[str, dict[int, str]]"),
        "(Vec<String>, Option<(u8, Vec<bool>)>, BTreeMap<char, u8>)": (
            "id_tuple_nested",
            st.tuples(small(TEXT), st.none() | st.tuples(ints(8, False), small(st.booleans())), st.dictionaries(CHAR, ints(8, False), max_size=3)),
            "tuple[list[str], tuple[int, list[bool]] | None, dict[str, int]]",
        ),
    }


@pytest.fixture(scope="module")
def m(bind_crate: Any) -> ModuleType:
    module: ModuleType = bind_crate("wf_containers")
    return module


def _plain(value: Any) -> Any:
    """A value as comparable data: arrays as lists, and Rust's f32 rounding applied."""
    if isinstance(value, array.array):
        return value.tolist()
    return value


def test_the_table_covers_every_identity(m: ModuleType) -> None:
    names = {fn for fn, _, _ in table(m).values()}
    assert names == {n for n in dir(m.load()) if n.startswith("id_") and "point" not in n}




def _rows() -> list[str]:
    # The row names without building the crate (the strategies need the module's classes).
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(table))
    ret = next(n for n in ast.walk(tree) if isinstance(n, ast.Return))
    assert isinstance(ret.value, ast.Dict)
    return [k.value for k in ret.value.keys if isinstance(k, ast.Constant)]


@pytest.mark.parametrize("rust", _rows())
def test_any_value_round_trips(m: ModuleType, rust: str) -> None:
    fn_name, values, _ = table(m)[rust]
    fn = getattr(m, fn_name)

    @settings(max_examples=40, deadline=None)
    @given(value=values)
    def round_trip(value: Any) -> None:
        got = _plain(fn(value))
        if rust == "Vec<f32>":
            value = array.array("f", value).tolist()  # what f32 holds of each float
        if rust == "Option<Option<u8>>":
            assert got == value  # Some(None) and None both read as None in Python
            return
        assert got == _plain(value)
        if rust == "Box<[f64]>":
            assert all(math.copysign(1, a) == math.copysign(1, b) for a, b in zip(got, value))

    round_trip()


@pytest.mark.parametrize("rust", _rows())
def test_stub_annotation_is_precise(m: ModuleType, rust: str) -> None:
    fn_name, _, annotation = table(m)[rust]
    stub = (m.WASM_PATH.parent / "__init__.pyi").read_text()
    line = next(ln for ln in stub.splitlines() if ln.startswith(f"def {fn_name}("))
    assert line.endswith(f") -> {annotation}: ..."), line


def test_classes_inside_containers_move_both_ways(m: ModuleType) -> None:
    a, b = m.Point(1.0, 2.0), m.Point(3.0, 4.0)
    back = m.id_vec_point([a, b])
    assert [(p.x, p.y) for p in back] == [(1.0, 2.0), (3.0, 4.0)] and a.closed and b.closed
    c = m.Point(5.0, 6.0)
    got = m.id_opt_point(c)
    assert (got.x, got.y) == (5.0, 6.0) and c.closed and m.id_opt_point(None) is None
    d = m.Point(0.5, 0.5)
    assert [p if p is None else p.x for p in m.id_vec_opt_point([None, d])] == [None, 0.5] and d.closed
    e, f = m.Point(7.0, 8.0), m.Point(9.0, 10.0)
    groups = m.id_map_points({"one": [e], "two": [f], "none": []})
    assert {k: [(p.x, p.y) for p in v] for k, v in groups.items()} == {"one": [(7.0, 8.0)], "two": [(9.0, 10.0)], "none": []}
    assert e.closed and f.closed
    point, name = m.id_tuple_point((m.Point(1.5, 2.5), "p"))
    assert (point.x, point.y, name) == (1.5, 2.5, "p")


def test_class_moved_twice_in_one_value_is_refused(m: ModuleType) -> None:
    p = m.Point(1.0, 1.0)
    with pytest.raises(ValueError, match="given twice"):
        m.id_map_points({"a": [p], "b": [p]})
    assert not p.closed  # nothing moved: the call never started


def test_borrowed_string_lists(m: ModuleType) -> None:
    assert m.strs_len(["ab", "ü"]) == 4
    assert m.strs_joined(("a", "b", "c"), "/") == "a/b/c"
    with pytest.raises(TypeError, match="must be str"):
        m.strs_len(["a", b"b"])


def test_boxed_slices_both_ways(m: ModuleType) -> None:
    assert list(m.sorted_box([3, -1, 2])) == [-1, 2, 3]
    assert m.box_words("a b c") == ["a", "b", "c"]


def test_classes_by_value_ref_and_mut(m: ModuleType) -> None:
    p = m.Point(3.0, 4.0)
    q = m.Point(1.0, 0.0)
    assert m.dot(p, q) == 3.0 and not p.closed  # & borrows
    m.scale(q, 2.0)  # &mut writes through
    assert (q.x, q.y) == (2.0, 0.0)
    assert m.maybe_dot(p, None) == 0.0 and m.maybe_dot(p, q) == 6.0
    assert m.norm(p) == 5.0 and p.closed  # by value: consumed
    with pytest.raises(m.ClosedError, match="closed"):
        m.norm(p)
    assert m.maybe_norm(None) is None and m.maybe_norm(q) == 2.0 and q.closed


def test_objects_outliving_their_instance_die_quietly(bind_crate: Any) -> None:
    import gc
    import sys

    inst = bind_crate("wf_containers").load()
    points = inst.id_vec_point([inst.Point(1.0, 2.0), inst.Point(3.0, 4.0)])
    inst.close()
    seen: list[Any] = []
    old, sys.unraisablehook = sys.unraisablehook, seen.append
    try:
        del points
        gc.collect()
    finally:
        sys.unraisablehook = old
    assert not seen  # the finalizer's drop call is refused by the closed instance, silently


def test_finalizers_free_what_rust_handed_out(bind_crate: Any) -> None:
    inst = bind_crate("wf_containers").load()
    rt = inst._wf_rt
    for _ in range(3):
        inst.id_vec_point([inst.Point(1.0, 2.0) for _ in range(200)])  # dropped at once
    size = rt.memory.size
    for _ in range(200):
        inst.id_vec_point([inst.Point(1.0, 2.0) for _ in range(200)])
    assert rt.memory.size == size  # 40,000 objects came and went without growing memory
    inst.close()
