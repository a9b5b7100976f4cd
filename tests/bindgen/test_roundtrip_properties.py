"""Property tests: any value of each type makes the round trip through Rust unchanged."""

from __future__ import annotations

import array
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# Text without lone surrogates: those cannot be UTF-8 encoded (a ValueError, tested elsewhere).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000)


@pytest.fixture(scope="module")
def t(bind_crate: Any) -> Any:
    inst = bind_crate("wf_types").load()
    yield inst
    inst.close()


@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_strings(t: Any, text: str) -> None:
    assert t.echo_string(text) == text
    assert t.str_len(text) == len(text.encode())
    assert t.opt_str(text) == text[::-1]  # Rust reverses by chars, as Python slices by code points


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=5000))
def test_bytes(t: Any, data: bytes) -> None:
    assert t.bytes_rev(data) == data[::-1]
    assert t.bytes_sum(data) == sum(data)


@settings(max_examples=200, deadline=None)
@given(x=st.integers(0, 2**64 - 1), y=st.integers(-(2**63), 2**63 - 1), z=st.integers(-(2**15), 2**15 - 1))
def test_integers(t: Any, x: int, y: int, z: int) -> None:
    assert (t.echo_u64(x), t.echo_i64(y), t.echo_i16(z)) == (x, y, z)
    assert (t.opt_u64(x), t.opt_i64(y), t.result_i16(z)) == (x, y, z)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(allow_nan=True, allow_infinity=True))
def test_f64(t: Any, x: float) -> None:
    got = t.echo_f64(x)
    assert (math.isnan(got) and math.isnan(x)) or got == x
    opt = t.opt_f64(x)
    assert (math.isnan(opt) and math.isnan(x)) or opt == x


@settings(max_examples=200, deadline=None)
@given(xs=st.lists(st.floats(width=32, allow_nan=False), max_size=600), k=st.floats(width=32, allow_nan=False))
def test_f32_vectors(t: Any, xs: list[float], k: float) -> None:
    expected = array.array("f", [x * k for x in array.array("f", xs)])
    got = t.f32_scale(xs, k)
    assert [g == e or (math.isnan(g) and math.isnan(e)) for g, e in zip(got, expected)] == [True] * len(xs)


@settings(max_examples=100, deadline=None)
@given(c=st.characters(blacklist_categories=("Cs",)))
def test_chars(t: Any, c: str) -> None:
    assert t.echo_char(c) == c
    assert t.opt_char(c) == c
