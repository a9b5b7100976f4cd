"""Transforms: strip and add-section give new, valid modules and leave the input alone; a write
that would produce an invalid module writes nothing."""

import pytest
import wasmtime

from tests.conftest import CORPUS
from wasmforge.binary import read_module, replace_sections
from wasmforge.transform import ValidationError, add_custom_section, strip, write_module

WAT = '(module (func $f (export "f") (result i32) (i32.const 1)))'


def _with_customs() -> bytes:
    module = read_module(wasmtime.wat2wasm(WAT))
    module = add_custom_section(module, ".debug_info", b"\x01\x02")
    module = add_custom_section(module, "producers", b"\x00")
    return bytes(module.buffer)


def test_strip_all_custom_sections():
    original = read_module(_with_customs())
    result = strip(original)
    assert [c.name for c in result.module.customs] == []
    assert set(result.removed) == {"name", ".debug_info", "producers"}
    assert result.size_after == result.module.size < result.size_before == original.size
    # every standard section is copied byte for byte
    kept = [bytes(original.buffer[s.offset : s.end]) for s in original.sections if not s.is_custom]
    assert kept == [bytes(result.module.buffer[s.offset : s.end]) for s in result.module.sections]


def test_strip_debug_only_and_keep():
    module = read_module(_with_customs())
    assert [c.name for c in strip(module, debug_only=True).module.customs] == ["name", "producers"]
    assert [c.name for c in strip(module, keep=["producers"], keep_names=True).module.customs] == ["name", "producers"]


def test_strip_real_dwarf_module():
    path = CORPUS / "rust" / "primes_nostd.1.63.release.wasm"
    if not path.exists():
        pytest.skip("shared corpus absent")
    stripped = strip(read_module(path)).module
    assert stripped.size == (CORPUS / "rust" / "primes_nostd.1.63.stripped.wasm").stat().st_size


def test_add_custom_section_replace():
    module = add_custom_section(read_module(wasmtime.wat2wasm(WAT)), "v", b"1")
    module = add_custom_section(module, "v", b"22", replace=True)
    assert [bytes(c.data) for c in module.customs if c.name == "v"] == [b"22"]


def test_invalid_result_is_not_written(tmp_path):
    target = tmp_path / "out.wasm"
    target.write_bytes(b"old")
    module = read_module(wasmtime.wat2wasm(WAT))
    broken = replace_sections(module, {1: b"\x01\x60\x00\x00"})  # the function now returns nothing
    with pytest.raises(ValidationError, match="would not be valid"):
        write_module(broken, target)
    assert target.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name != "out.wasm"]  # no temporary file left


def test_write_module_round_trip(tmp_path):
    data = _with_customs()
    target = tmp_path / "m.wasm"
    assert write_module(read_module(data), target).size == len(data)
    assert target.read_bytes() == data


@pytest.mark.parametrize("wat", [
    "(module (memory 1 (pagesize 1)))",  # custom page sizes: off in wasmtime's default configuration
    '(module (memory 1 (pagesize 65536)) (func (export "f") (param i64 i64 i64 i64) (result i64 i64)'
    " local.get 0 local.get 1 local.get 2 local.get 3 i64.add128))",  # wide arithmetic
])
def test_validation_accepts_proposals_wasmtime_leaves_off(tmp_path, wat):
    data = wasmtime.wat2wasm(wat)
    target = tmp_path / "out.wasm"
    assert write_module(read_module(data), target).size == len(data)
    assert target.read_bytes() == data


LEGACY_EH = '(module (tag $e) (func $f (export "f") try throw $e catch $e end))'


def test_strip_writes_a_module_wasmtime_rejects_as_it_rejects_the_input(tmp_path):
    # wasmtime has no switch for legacy exception handling: the stripped module is rejected
    # exactly as the input is, so the edit is written, with a note that says so.
    data = wasmtime.wat2wasm(LEGACY_EH)
    target = tmp_path / "out.wasm"
    done = write_module(strip(read_module(data)).module, target, original=read_module(data))
    assert done.note is not None and "wasmtime rejects the input too" in done.note
    assert read_module(target).customs == [] and len(read_module(target).code) == 1


def test_an_edit_that_breaks_a_valid_module_is_still_refused(tmp_path):
    module = read_module(wasmtime.wat2wasm(WAT))
    broken = replace_sections(module, {1: b"\x01\x60\x00\x00"})
    with pytest.raises(ValidationError):
        write_module(broken, tmp_path / "out.wasm", original=module)


def test_strip_command_copies_the_other_sections_without_revalidating(run_cli, tmp_path, monkeypatch):
    import wasmforge.transform.write as write

    def no_validation(data: bytes) -> str | None:
        raise AssertionError("strip re-validated a module it only removed custom sections from")

    monkeypatch.setattr(write, "_first_error", no_validation)
    source = tmp_path / "eh.wasm"
    source.write_bytes(wasmtime.wat2wasm(LEGACY_EH))  # wasmtime rejects legacy exception handling
    code, out, err = run_cli("strip", source, "-o", tmp_path / "eh.small.wasm")
    assert code == 0 and "removed: name" in out and err == ""
    kept = [s for s in read_module(source).sections if not s.is_custom]
    written = read_module(tmp_path / "eh.small.wasm")
    assert [bytes(s.payload) for s in written.sections] == [bytes(s.payload) for s in kept]
