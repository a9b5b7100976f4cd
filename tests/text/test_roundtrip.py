"""Printing then assembling with wasmtime's text assembler gives back the same module: every module
of the spec corpus and the smaller real-world and Rust modules, flat and folded (see roundtrip.py
for what "the same" means)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import real_modules, rust_modules, spec_modules
from tests.text.roundtrip import check_round_trip
from wasmforge.binary import WasmDecodeError, read_module
from wasmforge.transform import ValidationError, validate

# The default run keeps to modules under this size; bench/text.py covers all of them.
SMALL = 1_300_000


def _decodable(path: Path) -> bytes | None:
    """The module's bytes, or None for a module malformed on purpose (the spec's assert_malformed
    cases), which has no text to round-trip: wasmtime must reject it too."""
    data = path.read_bytes()
    try:
        read_module(data, lazy=False)
    except WasmDecodeError:
        with pytest.raises(ValidationError):
            validate(data)
        return None
    return data


@pytest.mark.parametrize("path", spec_modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_spec_module_round_trips_flat(path):
    data = _decodable(path)
    if data is not None:
        check_round_trip(data)


@pytest.mark.parametrize("path", spec_modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_spec_module_round_trips_folded(path):
    data = _decodable(path)
    if data is not None:
        check_round_trip(data, fold=True)


SMALL_REAL = [p for p in real_modules() + rust_modules() if p.stat().st_size < SMALL]


@pytest.mark.parametrize("path", SMALL_REAL, ids=lambda p: p.name)
@pytest.mark.parametrize("fold", [False, True], ids=["flat", "folded"])
def test_real_module_round_trips(path, fold):
    check_round_trip(path.read_bytes(), fold=fold)


@pytest.mark.parametrize("options", [
    {"inline_exports": True}, {"generate_names": True}, {"names": False},
], ids=["inline-exports", "generate-names", "no-names"])
def test_options_keep_the_module(options):
    rust = [p for p in rust_modules() if p.name.startswith("bloaty.1.96.release")]
    if not rust:
        pytest.skip("shared corpus not present")
    text = check_round_trip(rust[0].read_bytes(), **options)
    assert text.startswith("(module")
