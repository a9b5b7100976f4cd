"""The runtime's codec for encoded values: the layout the support crate writes (its
``wire::tests::compact_layout`` case, byte for byte), round trips and errors."""

from __future__ import annotations

import pytest

from wasmforge.bindgen.runtime import codec

U8, U16, I64 = ("i", 1, False), ("i", 2, False), ("i", 8, True)


def test_layout_matches_the_rust_side() -> None:
    plan = ("tuple", (U8, ("str",), ("opt", ("bool",)), ("vec", U16)))
    enc, dec = codec(plan, {})
    data = enc((7, "hé", True, [1, 2]), "x", [])
    assert bytes(data) == bytes([7, 3, 0, 0, 0, ord("h"), 0xC3, 0xA9, 1, 1, 2, 0, 0, 0, 1, 0, 2, 0])
    assert dec(bytes(data)) == (7, "hé", True, [1, 2])


@pytest.mark.parametrize(
    ("plan", "value"),
    [
        (("i", 16, False), 2**128 - 1),
        (("i", 16, True), -(2**127)),
        (("map", ("str",), ("vec", ("opt", I64))), {"a": [1, None, -3], "": []}),
        (("vec", ("vec", U8)), [b"ab", b""]),
        (("vec", ("char",)), ["a", "é"]),
        (("tuple", (("f", 8), ("f", 4), ("unit",))), (1.5, 0.25, None)),
    ],
)
def test_round_trips(plan: tuple[object, ...], value: object) -> None:
    enc, dec = codec(plan, {})
    assert dec(bytes(enc(value, "x", []))) == value


def test_errors_name_the_argument() -> None:
    enc, dec = codec(("vec", ("i", 4, False)), {})
    with pytest.raises(OverflowError, match="arg out of range for u32: -1"):
        enc([1, -1], "arg", [])
    with pytest.raises(TypeError, match="arg must be a list, not str"):
        enc("ab", "arg", [])
    with pytest.raises(ValueError, match="trailing"):
        dec(bytes([0, 0, 0, 0, 9]))
