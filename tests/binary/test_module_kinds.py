"""Module kinds by the WASI application ABI, from the import and export sections."""

from __future__ import annotations

import pytest
from wasmtime import wat2wasm

from wasmforge.binary import read_module, scan_sections
from wasmforge.binary.wasi import ModuleKind, classify, kind_of, kind_of_scan


@pytest.mark.parametrize(
    ("imports", "exports", "expected"),
    [
        (["wasi_snapshot_preview1"], ["_start", "main"], ModuleKind("command", "preview1")),
        (["wasi_unstable"], ["_start"], ModuleKind("command", "preview0")),
        (["wasi_snapshot_preview1"], ["_initialize", "f"], ModuleKind("reactor", "preview1")),
        (["env", "wasi:cli/environment@0.2.0"], ["f"], ModuleKind("library", "preview2")),
        (["env"], ["add"], ModuleKind("library", None)),
        ([], ["_start"], ModuleKind("command", None)),
    ],
)
def test_classify(imports: list[str], exports: list[str], expected: ModuleKind) -> None:
    assert classify(imports, exports) == expected


def test_a_start_that_is_not_a_function_does_not_make_a_command() -> None:
    module = read_module(wat2wasm('(module (global (export "_start") i32 (i32.const 0)))'))
    assert kind_of(module) == ModuleKind("library", None)


def test_the_scan_and_the_module_agree() -> None:
    data = wat2wasm(
        '(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))) (@custom "x" "y")'
        ' (memory (export "memory") 1) (func (export "_start")))'
    )
    with scan_sections(data) as scan:
        assert kind_of_scan(scan) == kind_of(read_module(data)) == ModuleKind("command", "preview1")


def test_describe() -> None:
    assert ModuleKind("command", "preview1").describe() == "WASI command (wasi_snapshot_preview1)"
    assert ModuleKind("library", None).describe() == "library, no WASI"
