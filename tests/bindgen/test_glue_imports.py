"""Imports: Python functions called from Rust with every kind of value, both ways."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def calls() -> list[Any]:
    return []


@pytest.fixture(scope="module")
def m(bind_crate: Any, calls: list[Any]) -> Any:
    holder: dict[str, Any] = {}

    def py_str(s: str) -> str:
        calls.append(s)
        if s == "inner":
            return holder["inst"].via_str("deep")  # re-enters the module while `nested` runs
        return s.upper() + "✓"

    def py_owned(s: str) -> int:
        calls.append(s)
        return len(s)

    def py_owned_vec(v: Any) -> float:
        calls.append(v.tolist())
        return float(sum(v))

    inst = bind_crate("wf_imports").load(
        py_u64=lambda x: x + 1,
        py_i8=lambda x: -x if x != -128 else x,
        py_f32=lambda x: x * 2,
        py_bool=lambda x: not x,
        py_char=lambda c: c.upper(),
        py_str=py_str,
        py_owned=py_owned,
        py_bytes=lambda b: bytes(reversed(b)),
        py_owned_vec=py_owned_vec,
        py_opt_i64=lambda x: None if x is None else x - 1,
        py_opt_u16=lambda x: None if x is None else x + 1,
        py_opt_str=lambda s: None if s is None else s * 2,
        py_nothing=lambda: calls.append("nothing"),
    )
    holder["inst"] = inst
    yield inst
    inst.close()


def test_numbers_bool_char(m: Any) -> None:
    assert m.via_u64(2**64 - 2) == 2**64 - 1
    assert (m.via_i8(5), m.via_i8(-128)) == (-5, -128)
    assert m.via_f32(1.25) == 2.5
    assert (m.via_bool(True), m.via_bool(False)) == (False, True)
    assert m.via_char("é") == "É"


def test_strings_and_buffers(m: Any, calls: list[Any]) -> None:
    assert m.via_str("abc") == "ABC✓"
    assert m.via_str("") == "✓"
    assert m.via_owned("héllo") == 5 and calls[-1] == "héllo"
    assert m.via_bytes(b"\x00\x01\x02") == b"\x02\x01\x00"
    assert m.via_bytes(b"") == b""
    assert m.via_owned_vec(4) == 6.0 and calls[-1] == [0.0, 1.0, 2.0, 3.0]


def test_options(m: Any) -> None:
    assert (m.via_opt_i64(None), m.via_opt_i64(-(2**63) + 1)) == (None, -(2**63))
    assert (m.via_opt_u16(None), m.via_opt_u16(65534)) == (None, 65535)
    assert (m.via_opt_str(None), m.via_opt_str("ab")) == (None, "abab")


def test_unit_import(m: Any, calls: list[Any]) -> None:
    assert m.via_nothing() is None and calls[-1] == "nothing"


def test_nested_calls_keep_lent_buffers(m: Any) -> None:
    assert m.nested("outer ✓") == "outer ✓+DEEP✓"


def test_import_result_out_of_range(bind_crate: Any) -> None:
    inst = bind_crate("wf_imports").load(**{name: (lambda *a: 300) for name in _IMPORTS})
    with pytest.raises(OverflowError, match="py_i8"):
        inst.via_i8(1)
    inst.close()


_IMPORTS = [
    "py_u64", "py_i8", "py_f32", "py_bool", "py_char", "py_str", "py_owned", "py_bytes", "py_owned_vec",
    "py_opt_i64", "py_opt_u16", "py_opt_str", "py_nothing",
]


def test_macros_in_a_dependency_crate_reach_the_module(bind_crate: Any) -> None:
    outer = bind_crate("wf_dep_outer")
    assert outer.inner_shout("abc") == "ABC"
    assert outer.inner_shout.__doc__.startswith("Defined in a dependency.")
    assert outer.outer_len("abcd") == 4
