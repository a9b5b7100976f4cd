"""The spec and real-world corpora: every module decodes whole, encodes back to the same bytes,
and canonically written sections re-encode from their items byte for byte."""

from pathlib import Path

import pytest
import wasmtime

from tests.conftest import real_modules, rust_modules, spec_modules
from wasmforge.binary import WasmDecodeError, encode, encode_instructions, encode_items, read_module
from wasmforge.binary.encoder import ITEM_ATTRIBUTES

ITEMS = dict(ITEM_ATTRIBUTES)
# These spec tests write integers with deliberately padded LEB128 encodings.
NON_CANONICAL = {"binary-leb128", "binary0"}


def _wasmtime_accepts(data: bytes) -> bool:
    # The same every-proposal engine that validates what the transforms write.
    from wasmforge.transform.write import _engine

    try:
        wasmtime.Module.validate(_engine(), data)
        return True
    except wasmtime.WasmtimeError:
        return False


def _check_module(path: Path, canonical: bool) -> None:
    data = path.read_bytes()
    try:
        module = read_module(data, lazy=False)
    except WasmDecodeError:
        # A module wasmforge rejects must be one wasmtime rejects as well (old pre-standard encodings).
        assert not _wasmtime_accepts(data), f"{path.name}: rejected by wasmforge but valid for wasmtime"
        return
    assert encode(module) == data
    for section in module.sections:
        if section.is_custom:
            continue
        if section.name == "code":
            # Every body was decoded above (lazy=False); on very large modules the re-encoding
            # check samples one body in 16 to keep the suite quick.
            step = 16 if module.size > 4_000_000 else 1
            for body in module.code[::step]:
                again = encode_instructions(body.instructions())
                if canonical:
                    assert again == bytes(body.code), f"{path.name}: function {body.index}"
                else:
                    assert [(o, i) for _, o, i in read_module(_wrap(again)).code[0].instructions()] == [
                        (o, i) for _, o, i in body.instructions()
                    ]
            continue
        payload = encode_items(section.id, getattr(module, ITEMS[section.id]))
        if canonical:
            assert payload == bytes(section.payload), f"{path.name}: {section.name} section"


def _wrap(code: bytes) -> bytes:
    """A minimal module holding ``code`` as the body of one () -> () function (for decoding only)."""
    from wasmforge.binary.leb128 import encode_unsigned as u

    body = b"\x00" + code
    code_sec = b"\x01" + u(len(body)) + body
    return (b"\0asm\1\0\0\0" + b"\x01\x04\x01\x60\x00\x00" + b"\x03\x02\x01\x00"
            + b"\x0a" + u(len(code_sec)) + code_sec)


@pytest.mark.parametrize("path", spec_modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_spec_module(path):
    _check_module(path, canonical=path.parent.name not in NON_CANONICAL)


@pytest.mark.parametrize("path", real_modules() + rust_modules(), ids=lambda p: p.name)
def test_real_module(path):
    # Linkers pad relocated immediates to five bytes, so bodies re-encode shorter but equal in meaning.
    _check_module(path, canonical=False)


def test_spec_corpus_present_or_skipped():
    if not spec_modules():
        pytest.skip("spec corpus absent")
    assert len(spec_modules()) > 1900
