"""LEB128: round trips, and the limits the specification puts on length and value."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wasmforge.binary.leb128 import encode_signed, encode_unsigned, read_signed, read_unsigned


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_unsigned_round_trip(value):
    data = encode_unsigned(value)
    assert read_unsigned(data, 0, 32) == (value, len(data))


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_signed_round_trip(value):
    data = encode_signed(value)
    assert read_signed(data, 0, 64) == (value, len(data))


def test_padded_encoding_is_accepted():
    assert read_unsigned(b"\x85\x80\x80\x80\x00", 0) == (5, 5)


def test_too_long_is_rejected():
    with pytest.raises(ValueError, match="too long"):
        read_unsigned(b"\x80\x80\x80\x80\x80\x00", 0)


def test_unused_bits_must_be_zero():
    with pytest.raises(ValueError, match="too large"):
        read_unsigned(b"\xff\xff\xff\xff\x1f", 0)


def test_signed_unused_bits_must_match_sign():
    assert read_signed(b"\xff\xff\xff\xff\x7f", 0) == (-1, 5)
    with pytest.raises(ValueError, match="too large"):
        read_signed(b"\xff\xff\xff\xff\x4f", 0)


def test_truncated_integer():
    with pytest.raises(ValueError, match="unexpected end"):
        read_unsigned(b"\x80\x80", 0)
